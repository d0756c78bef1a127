"""Dates: expressions found and resolved against publication, and each event's own date.

Stage tests code events of our own on parsed text (not the event stage's output), so they test
the dates stage alone."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from flashpoint.analysis import AnalyzedArticle
from flashpoint.cli import app
from flashpoint.evaluate.dates import value_matches
from flashpoint.model import Event, Span
from flashpoint.stages import clean
from flashpoint.stages import nlp as nlp_stage
from flashpoint.stages.dates import article_expressions, date_events
from flashpoint.stages.read import RawDocument
from flashpoint.temporal import find_expressions

THURSDAY = dt.datetime(2024, 1, 4, 21, 50)  # publication of the example article


def resolve(text: str, published=THURSDAY, nlp=None) -> dict[str, tuple]:
    doc = nlp(text) if nlp is not None else None
    return {e.text: (e.value, e.precision) for e in find_expressions(text, published, doc=doc)}


@pytest.fixture(scope="module")
def nlp(pipeline):
    return pipeline.nlp


@pytest.fixture
def cli_runner() -> CliRunner:
    return CliRunner()


def analyze(nlp, text: str, published: str = "2024-01-04T21:50:00") -> AnalyzedArticle:
    article = clean.build_article(
        RawDocument(name="test", text=text, meta={"published": published})
    )
    return next(nlp_stage.analyze([article], nlp))


def event_at(analyzed: AnalyzedArticle, trigger: str, kind: str = "ASSAULT", **flags) -> Event:
    """An event of our own whose trigger is the first occurrence of `trigger`."""
    text = analyzed.article.text
    start = text.index(trigger)
    sentence = next(s for s in analyzed.sentences() if s.start <= start < s.end)
    event = Event(
        id=f"e{start}",
        article_id=analyzed.article.id,
        event=kind,
        quad_code=4,
        event_scale=-9.0,
        confidence=0.8,
        evidence=Span(text=sentence.text, start=sentence.start, end=sentence.end),
        trigger=Span(text=trigger, start=start, end=start + len(trigger)),
        **flags,
    )
    analyzed.events.append(event)
    return event


# --- finding and resolving -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Militants attacked the base on Thursday.", {"Thursday": ("2024-01-04", "day")}),
        ("The army said on Tuesday it had retaken the town.", {"Tuesday": ("2024-01-02", "day")}),
        ("Gunmen stormed the village yesterday.", {"yesterday": ("2024-01-03", "day")}),
        ("The chief vowed last month to escalate.", {"last month": ("2023-12", "month")}),
        ("Talks resumed last week.", {"last week": ("2023-W52", "week")}),
        ("It was signed in 2003.", {"2003": ("2003", "year")}),
        ("The group formed nearly a decade ago.", {"nearly a decade ago": ("2014", "year")}),
        ("The fighting began two weeks ago.", {"two weeks ago": ("2023-W51", "week")}),
        ("Protesters gathered on January 4 in Baghdad.", {"January 4": ("2024-01-04", "day")}),
        ("The deal of 4 January 2023 collapsed.", {"4 January 2023": ("2023-01-04", "day")}),
        ("The raid in May 2010 killed nine.", {"May 2010": ("2010-05", "month")}),
        ("Turnout fell in the 1990s.", {"the 1990s": ("199", "decade")}),
        (
            "The expedition of 1957-58 crossed the ice.",
            {"1957": ("1957", "year"), "58": ("1958", "year")},
        ),
        ("We know who did it.", {}),  # dateparser would read "We" as Wednesday
        ("Theresa May spoke to reporters.", {}),  # a name, not a month
        ("He may attack; troops march on.", {}),
        ("The war has killed 2,003 people.", {}),
    ],
)
def test_expressions_resolve_against_publication(text, expected):
    assert resolve(text) == expected


def test_weekday_is_latest_on_or_before_publication_unless_future(nlp):
    # Published on a Thursday: "Friday" in a past clause is last week's, in a future one next.
    assert resolve("The minister met rebels on Friday.", nlp=nlp)["Friday"][0] == "2023-12-29"
    assert resolve("The minister will meet rebels on Friday.", nlp=nlp)["Friday"][0] == "2024-01-05"
    assert (
        resolve("Rebels are meeting the minister on Monday.", nlp=nlp)["Monday"][0] == "2024-01-08"
    )
    assert resolve("Talks resume next Monday.", nlp=nlp)["next Monday"][0] == "2024-01-08"
    assert resolve("They clashed last Thursday.", nlp=nlp)["last Thursday"][0] == "2023-12-28"
    assert resolve("We could meet on Saturday.", nlp=nlp)["Saturday"][0] == "2024-01-06"
    assert resolve("He could have met them on Saturday.", nlp=nlp)["Saturday"][0] == "2023-12-30"
    # a progressive verb is future only when the day hangs from it, not from a noun
    found = resolve("Trump is softening his rhetoric of Wednesday.", nlp=nlp)
    assert found["Wednesday"][0] == "2024-01-03"


def test_story_relative_periods_are_not_resolved():
    # "the next year" counts from the story's time, not from publication
    assert resolve("The law was repealed in 2014; the next year, a new bill passed.") == {
        "2014": ("2014", "year")
    }
    assert resolve("Talks end next year.") == {"next year": ("2025", "year")}


def test_year_of_a_month_follows_the_tense(nlp):
    march = dt.datetime(2013, 3, 22)
    assert resolve("BP sold its stake in October.", march, nlp)["October"][0] == "2012-10"
    assert resolve("The book will be published in May.", march, nlp)["May"][0] == "2013-05"
    january = dt.datetime(2024, 1, 10)
    # no tense to go by: the nearest December is last month's
    assert resolve("Talks in December", january)["December"][0] == "2023-12"


def test_references_and_unanchored_periods():
    found = resolve("Now the group is weaker than in the past, and the summer heat continues.")
    assert found == {"Now": ("PRESENT_REF", None), "in the past": ("PAST_REF", None)}
    # "the past two years" is a duration, not a reference to the past
    assert resolve("Prices rose over the past two years.") == {}


def test_without_publication_only_absolute_dates_resolve():
    found = {
        e.text: e.value for e in find_expressions("On Thursday, 4 January 2024, it ended.", None)
    }
    assert found == {"Thursday": None, "4 January 2024": "2024-01-04"}


def test_value_matches_at_the_gold_precision():
    assert value_matches("2013-03-12", "2013-03")
    assert value_matches("2013-03-21", "2013-W12")
    assert value_matches("2012-06", "2012")
    assert value_matches("1995", "199")
    assert not value_matches("2013", "2013-03")
    assert not value_matches("2012-06", "2013-06")
    assert value_matches("PRESENT_REF", "PRESENT_REF")
    assert not value_matches("2013-03-22", "PRESENT_REF")


# --- dating events -------------------------------------------------------------------------------


def test_event_takes_the_date_of_its_own_clause(nlp):
    analyzed = analyze(
        nlp,
        "The movement, whose political chief vowed to escalate attacks during an interview "
        "last month, is part of a force organized to battle the Islamic State nearly a decade "
        "ago.",
    )
    vow = event_at(analyzed, "vowed", "THREATEN")
    battle = event_at(analyzed, "battle")
    date_events(analyzed)
    assert (vow.date, vow.date_precision, vow.date_span.text) == (
        dt.date(2023, 12, 1),
        "month",
        "last month",
    )
    assert (battle.date, battle.date_precision) == (dt.date(2014, 1, 1), "year")
    assert battle.date_span.text == "nearly a decade ago"


def test_date_of_an_event_noun_and_of_a_reporting_clause(nlp):
    analyzed = analyze(
        nlp,
        "They forged a partnership after the U.S.-led 2003 invasion that toppled Saddam Hussein. "
        "Police said on Tuesday that gunmen had attacked the convoy.",
    )
    toppled = event_at(analyzed, "toppled")
    attacked = event_at(analyzed, "attacked")
    date_events(analyzed)
    assert toppled.date == dt.date(2003, 1, 1) and toppled.date_precision == "year"
    assert attacked.date == dt.date(2024, 1, 2) and attacked.date_span.text == "Tuesday"


def test_a_lede_takes_the_day_its_next_sentence_tells(nlp):
    # published Thursday 4 January 2024; "on Sunday" is 31 December
    analyzed = analyze(
        nlp,
        "Rebels have swept into the town of Kunduz, seizing control from the army. "
        "The army withdrew from Kunduz before dawn on Sunday, residents said.",
    )
    seized = event_at(analyzed, "swept", "COERCE")
    date_events(analyzed)
    assert (seized.date, seized.date_precision) == (dt.date(2023, 12, 31), "day")
    # a day told further back than the week before publication is background, not the lede's
    analyzed = analyze(
        nlp,
        "Rebels have swept into the town of Kunduz, seizing control from the army. "
        "The army had withdrawn from it on 2 December, residents said.",
    )
    seized = event_at(analyzed, "swept", "COERCE")
    date_events(analyzed)
    assert seized.date_precision == "published"


def test_an_act_after_the_incident_takes_its_day(nlp):
    # published Thursday 4 January 2024; "on Wednesday" is 3 January
    analyzed = analyze(
        nlp,
        "A car bomb exploded at a checkpoint in Kunduz on Wednesday morning, police said.\n\n"
        "Security forces sealed off the roads and arrested three men after the blast.",
    )
    blast = event_at(analyzed, "exploded")
    arrest = event_at(analyzed, "arrested", "COERCE")
    date_events(analyzed)
    assert (blast.date, blast.date_precision) == (dt.date(2024, 1, 3), "day")
    assert (arrest.date, arrest.date_precision) == (dt.date(2024, 1, 3), "day")


def test_another_clause_s_date_is_not_taken(nlp):
    analyzed = analyze(
        nlp,
        "The militia, whose leader was arrested in 2019, attacked the base.",
    )
    attacked = event_at(analyzed, "attacked the base")
    date_events(analyzed)
    assert attacked.date_precision == "published"
    assert attacked.date == dt.date(2024, 1, 4)
    assert attacked.date_span is None


def test_a_date_reached_through_after_or_since_is_another_event_s(nlp):
    analyzed = analyze(
        nlp,
        "The two governments forged a partnership in the wake of the 2003 invasion. Rebels "
        "have fought the army since 2011.",
    )
    forged = event_at(analyzed, "forged", "COOPERATE")
    fought = event_at(analyzed, "fought")
    date_events(analyzed)
    assert forged.date_precision == "published" and forged.date_span is None
    assert fought.date_precision == "published"


def test_a_day_carries_to_the_next_sentence_of_a_past_story(nlp):
    analyzed = analyze(nlp, "On Monday, gunmen stormed a village. They burned twenty houses.")
    burned = event_at(analyzed, "burned", "COERCE")
    date_events(analyzed)
    assert burned.date == dt.date(2024, 1, 1) and burned.date_span.text == "Monday"
    # ... but not a year, and not to a sentence about the future
    analyzed = analyze(nlp, "The army took the city in 2014. It will attack the port.")
    attack = event_at(analyzed, "attack the port")
    date_events(analyzed)
    assert attack.date_precision == "published"


def test_a_day_carries_over_one_undated_sentence_but_no_further(nlp):
    analyzed = analyze(
        nlp,
        "On Monday, militiamen entered the market town. Residents feared the worst. Soldiers "
        "shot at the militiamen. Officials blamed the governor.",
    )
    shot = event_at(analyzed, "shot", "ASSAULT")
    date_events(analyzed)
    assert shot.date == dt.date(2024, 1, 1) and shot.date_span.text == "Monday"
    # a sentence between with a date of its own stops the carry, even an unusable one
    analyzed = analyze(
        nlp,
        "On Monday, militiamen entered the town. The governor resigned in 2019. Soldiers shot "
        "at the militiamen.",
    )
    shot = event_at(analyzed, "shot", "ASSAULT")
    date_events(analyzed)
    assert shot.date_precision == "published"


def test_a_clause_of_simultaneity_dates_its_main_clause(nlp):
    analyzed = analyze(
        nlp, "Six guards were killed when gunmen stormed the depot on Tuesday, police said."
    )
    killed = event_at(analyzed, "killed")
    date_events(analyzed)
    assert killed.date == dt.date(2024, 1, 2) and killed.date_span.text == "Tuesday"
    # an act told as the outcome of one dated in its "after" clause happened that day
    analyzed = analyze(
        nlp, "The rebels withdrew from the town after the army shelled it on Monday."
    )
    withdrew = event_at(analyzed, "withdrew", "RETREAT")
    date_events(analyzed)
    assert withdrew.date == dt.date(2024, 1, 1)
    # ... unless the distance is measured
    analyzed = analyze(
        nlp, "The rebels withdrew from the town a week after the army shelled it on Monday."
    )
    withdrew = event_at(analyzed, "withdrew", "RETREAT")
    date_events(analyzed)
    assert withdrew.date_precision == "published"


def test_an_act_told_as_done_is_not_dated_after_the_news(nlp):
    analyzed = analyze(nlp, "The envoy asked the two sides to meet next Monday.")
    asked = event_at(analyzed, "asked", "REQUEST")
    date_events(analyzed)
    assert asked.date_precision == "published"


def test_background_rule(nlp):
    analyzed = analyze(
        nlp,
        "Rebels attacked the town in 2003. Rebels attacked the camp yesterday. Rebels attacked "
        "the base on 20 December.",
    )
    old = event_at(analyzed, "attacked the town")
    recent = event_at(analyzed, "attacked the camp")
    weeks_ago = event_at(analyzed, "attacked the base")
    date_events(analyzed)
    assert old.background and not recent.background and weeks_ago.background
    assert weeks_ago.date == dt.date(2023, 12, 20)


def test_background_is_never_unset_and_undated_background_stays_undated(nlp):
    analyzed = analyze(nlp, "Rebels attacked the town. Rebels attacked the camp yesterday.")
    town = event_at(analyzed, "attacked the town", background=True)
    camp = event_at(analyzed, "attacked the camp", background=True)
    date_events(analyzed)
    assert town.background and town.date is None and town.date_precision is None
    assert camp.background and camp.date == dt.date(2024, 1, 3)


def test_future_act_is_not_dated_by_a_past_announcement(nlp):
    analyzed = analyze(
        nlp, "Last month's announcement that the US will withdraw its troops surprised allies."
    )
    withdraw = event_at(analyzed, "withdraw", "RETREAT", future=True)
    date_events(analyzed)
    assert withdraw.date_precision == "published"


def test_example_article_dates(nlp, example_path):
    article = clean.build_article(
        RawDocument(name=str(example_path), text=example_path.read_text(encoding="utf-8"))
    )
    assert article.published == dt.datetime(2024, 1, 4, 21, 50)
    analyzed = next(nlp_stage.analyze([article], nlp))
    strike = event_at(analyzed, "targeted Thursday")
    invasion = event_at(analyzed, "toppled")
    vow = event_at(analyzed, "vowed", "THREATEN")
    date_events(analyzed)
    assert (strike.date, strike.date_precision, strike.date_span.text) == (
        dt.date(2024, 1, 4),
        "day",
        "Thursday",
    )
    assert (invasion.date.year, invasion.date_precision) == (2003, "year")
    assert (vow.date, vow.date_precision) == (dt.date(2023, 12, 1), "month")
    assert invasion.background and vow.background and not strike.background
    # every expression the article has, with spans into the article text
    for found in article_expressions(analyzed):
        assert article.text[found.expression.start : found.expression.end] == found.expression.text


def test_example_through_the_pipeline(example_result):
    """Whatever events the event stage finds in the strike's sentence are dated that day."""
    strike = [
        e
        for e in example_result.events
        if e.event == "ASSAULT"
        and any("headquarters was reportedly targeted" in m.text for m in [e.evidence, *e.mentions])
    ]
    assert strike
    assert all(e.date == dt.date(2024, 1, 4) and e.date_precision == "day" for e in strike)


# --- eval-dates ----------------------------------------------------------------------------------


def test_eval_dates_cli(tmp_path, cli_runner):
    text = "Rebels attacked on Friday. The 2010 raid killed nine. It lasted four weeks."
    gold = {
        "text": text,
        "published": "2013-03-22",
        "timexes": [
            {"start": 19, "end": 25, "text": "Friday", "type": "DATE", "value": "2013-03-22"},
            {"start": 31, "end": 35, "text": "2010", "type": "DATE", "value": "2011"},
            {"start": 62, "end": 72, "text": "four weeks", "type": "DURATION", "value": "P4W"},
        ],
    }
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(gold) + "\n", encoding="utf-8")
    result = cli_runner.invoke(app, ["eval-dates", str(path), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert set(scores) == {"n", "date_f1", "value_accuracy"}
    assert scores == {"n": 1, "date_f1": 1.0, "value_accuracy": 0.5}


def test_eval_dates_bad_input(tmp_path, cli_runner):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\xff\xfe\n{broken\n")
    result = cli_runner.invoke(app, ["eval-dates", str(path)])
    assert result.exit_code == 1
    messages = " ".join(result.stderr.split())  # the console may wrap long lines
    assert "bad.jsonl:1: not UTF-8 text" in messages
    assert "bad.jsonl:2: invalid JSON" in messages
    assert "no gold records" in messages
    assert "Traceback" not in result.output
    missing = cli_runner.invoke(app, ["eval-dates", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 1 and "no such file" in " ".join(missing.stderr.split())


def test_tempeval_value_accuracy(shared, pipeline):
    from flashpoint.evaluate.dates import evaluate_dates

    scores, _tally, problems = evaluate_dates(
        shared / "gold" / "dates_tempeval3.jsonl", pipeline.nlp
    )
    assert not problems
    assert scores["n"] == 20
    assert scores["value_accuracy"] >= 0.85
    assert scores["date_f1"] >= 0.8


@pytest.mark.parametrize(
    ("precision", "day", "label"),
    [
        ("day", dt.date(2024, 1, 4), "2024-01-04"),
        ("week", dt.date(2023, 12, 25), "week of 2023-12-25"),
        ("month", dt.date(2023, 12, 1), "2023-12"),
        ("year", dt.date(2003, 1, 1), "2003"),
        ("published", dt.date(2024, 1, 4), "2024-01-04 (published)"),
    ],
)
def test_dates_are_shown_at_their_precision(precision, day, label):
    from flashpoint.cli.render import date_label

    event = Event(
        id="e1",
        article_id="a1",
        event="ASSAULT",
        quad_code=4,
        event_scale=-9.0,
        confidence=0.8,
        evidence=Span(text="x", start=0, end=1),
        date=day,
        date_precision=precision,
    )
    assert date_label(event) == label


def test_a_live_blog_entry_tells_news_of_the_day_it_is_stamped(nlp):
    """An entry opened by its clock time ("7:20pm - ...", or the time alone on the line before)
    tells what happened on the day of publication: day-precise, not the publication fallback;
    an unstamped paragraph keeps the fallback."""
    analyzed = analyze(
        nlp,
        "7:20pm - Norway's foreign ministry has rejected the allegations.\n\n"
        "14:05 GMT\n\nPolice say officers have arrested six men in raids in Kunduz.\n\n"
        "Officials have condemned the attack.",
    )
    rejected = event_at(analyzed, "rejected", "REJECT")
    arrested = event_at(analyzed, "arrested", "COERCE")
    condemned = event_at(analyzed, "condemned", "ACCUSE")
    date_events(analyzed)
    assert (rejected.date, rejected.date_precision) == (dt.date(2024, 1, 4), "day")
    assert (arrested.date, arrested.date_precision) == (dt.date(2024, 1, 4), "day")
    assert condemned.date_precision == "published"


def test_a_participle_on_the_speaker_dates_and_places_the_statement(code_text) -> None:
    (warning,) = code_text(
        "The president, speaking in Garissa on Sunday, warned Somali activists against "
        "staging protests.",
        "2024-05-01",
    ).events
    assert (str(warning.date), warning.date_precision) == ("2024-04-28", "day")
    assert warning.event_loc is not None and warning.event_loc.name == "Garissa"
