"""Tolls: numbers read from the text, and each count given to the event it belongs to.

Stage tests code events of our own on parsed text, so they test the tolls stage alone."""

from __future__ import annotations

import json

import pytest

from flashpoint.analysis import AnalyzedArticle
from flashpoint.evaluate.events import evaluate
from flashpoint.model import Event, Span
from flashpoint.quantities import find_quantities, parse_number
from flashpoint.stages import clean
from flashpoint.stages import nlp as nlp_stage
from flashpoint.stages.read import RawDocument
from flashpoint.stages.tolls import count_tolls


@pytest.fixture(scope="module")
def nlp(pipeline):
    return pipeline.nlp


def analyze(nlp, text: str) -> AnalyzedArticle:
    article = clean.build_article(
        RawDocument(name="test", text=text, meta={"published": "2024-01-04T12:00:00"})
    )
    return next(nlp_stage.analyze([article], nlp))


def event_at(analyzed: AnalyzedArticle, trigger: str, kind: str = "ASSAULT", **flags) -> Event:
    text = analyzed.article.text
    start = text.index(trigger)
    sentence = next(s for s in analyzed.sentences() if s.start <= start < s.end)
    word = trigger.split()[0]
    event = Event(
        id=f"e{start}",
        article_id=analyzed.article.id,
        event=kind,
        quad_code=4,
        event_scale=-9.0,
        confidence=0.8,
        evidence=Span(text=sentence.text, start=sentence.start, end=sentence.end),
        trigger=Span(text=word, start=start, end=start + len(word)),
        **flags,
    )
    analyzed.events.append(event)
    return event


def toll(nlp, text: str, trigger: str, kind: str = "ASSAULT", **flags):
    analyzed = analyze(nlp, text)
    event = event_at(analyzed, trigger, kind, **flags)
    count_tolls(analyzed)
    return event.size


# --- numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("23", 23),
        ("1,200", 1200),
        ("four", 4),
        ("twenty-three", 23),
        ("a dozen", 12),
        ("two hundred and fifty", 250),
        ("3.5 million", 3_500_000),
        ("3m", 3_000_000),
        ("one", 1),
        ("people", None),
    ],
)
def test_parse_number(phrase, value):
    assert parse_number(phrase) == value


@pytest.mark.parametrize(
    ("text", "low", "best", "high", "vague"),
    [
        ("killing at least 156 people", 156, 156, None, False),
        ("up to 16 advisers", None, 16, 16, False),
        ("more than 1,000 refugees", 1000, 1000, None, False),
        ("between 10 and 15 people", 10, 10, 15, False),
        ("two or three soldiers", 2, 2, 3, False),
        ("about 20 people", None, 20, None, False),
        ("fewer than 10 people", None, None, 10, False),
        # ACLED's conservative values for vague quantities
        ("several people", 3, 3, None, True),
        ("dozens of people", 12, 12, None, True),
        ("hundreds of people", 100, 100, None, True),
        ("tens of thousands of people", 10_000, 10_000, None, True),
    ],
)
def test_quantities_keep_low_best_high(text, low, best, high, vague):
    (quantity,) = find_quantities(text)
    assert (quantity.low, quantity.best, quantity.high, quantity.vague) == (low, best, high, vague)


@pytest.mark.parametrize(
    "text",
    ["a three-week-old son", "$5 million", "5% of voters", "a 10-year sentence", "in 1957-58"],
)
def test_not_counts(text):
    assert find_quantities(text) == []


# --- counts of one event -------------------------------------------------------------------------


def test_dead_with_bounds_and_named_victim(nlp):
    size = toll(
        nlp,
        "A militia headquarters was targeted Thursday in a drone strike resulting in the deaths "
        "of at least four people, including militia commander Ali Hassan al-Jabouri.",
        "targeted",
    )
    assert (size.dead, size.dead_low, size.dead_high) == (4, 4, None)
    assert [v.text for v in size.victims] == ["militia commander Ali Hassan al-Jabouri"]
    assert [s.text for s in size.spans] == ["deaths of at least four people"]


def test_dead_and_injured_from_one_sentence(nlp):
    size = toll(
        nlp,
        "A roadside bomb near Samarra killed one soldier and wounded two others, the army said.",
        "killed",
    )
    assert (size.dead, size.injured) == (1, 2)


@pytest.mark.parametrize(
    ("text", "trigger", "kind", "field", "value"),
    [
        ("Gunmen killed 23 people in the market.", "killed", "ASSAULT", "dead", 23),
        ("At least three civilians were killed in a car bombing.", "killed", "ASSAULT", "dead", 3),
        ("Four people died in the attack on the convoy.", "attack", "ASSAULT", "dead", 4),
        ("Police arrested twelve opposition activists.", "arrested", "COERCE", "arrested", 12),
        ("Dozens of protesters were detained.", "detained", "COERCE", "arrested", 12),
        ("Rebels kidnapped up to 16 aid workers.", "kidnapped", "ASSAULT", "abducted", 16),
        ("The offensive displaced 3,000 families.", "offensive", "ASSAULT", "displaced", 3000),
        ("A journalist was killed in the blast.", "killed", "ASSAULT", "dead", 1),
        ("Guerrillas killed the deputy chief of the militia.", "killed", "ASSAULT", "dead", 1),
        ("Three soldiers and two civilians were killed.", "killed", "ASSAULT", "dead", 5),
        ("No one was killed in the strike.", "strike", "ASSAULT", "dead", 0),
        ("The shelling left 12 people dead.", "shelling", "ASSAULT", "dead", 12),
        (
            "A car bomb exploded, leaving 44 people dead and more than 60 others wounded.",
            "exploded",
            "ASSAULT",
            "injured",
            60,
        ),
    ],
)
def test_counts(nlp, text, trigger, kind, field, value):
    size = toll(nlp, text, trigger, kind)
    assert size is not None and getattr(size, field) == value


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        # "casualties" alone is not a count of deaths (ACLED)
        ("The strike caused casualties, officials said.", "strike"),
        # a count of two categories at once
        ("The raid ended with troops killing or wounding 50 fighters.", "raid"),
        # what did not happen
        ("There was an attempt to kill him at the checkpoint.", "attempt"),
        ("Troops did not kill anyone during the raid.", "raid"),
    ],
)
def test_no_count(nlp, text, trigger):
    assert toll(nlp, text, trigger) is None


def test_statements_about_an_attack_get_no_toll(nlp):
    analyzed = analyze(nlp, "Iran condemned the attack that killed 12 people.")
    accuse = event_at(analyzed, "condemned", "ACCUSE")
    attack = event_at(analyzed, "attack that", "ASSAULT")
    count_tolls(analyzed)
    assert accuse.size is None
    assert attack.size.dead == 12


def test_hypothetical_events_get_no_toll(nlp):
    size = toll(nlp, "Militants killed 12 people.", "killed", hypothetical=True)
    assert size is None


# --- which event ---------------------------------------------------------------------------------


def test_campaign_total_is_not_the_toll_of_one_strike(nlp):
    analyzed = analyze(
        nlp,
        "An airstrike killed four people in the village on Monday. The war has killed 20,000 "
        "people since 2014.",
    )
    strike = event_at(analyzed, "airstrike")
    war = event_at(analyzed, "killed 20,000")
    count_tolls(analyzed)
    assert strike.size.dead == 4 and not strike.size.cumulative
    assert war.size.dead == 20_000 and war.size.cumulative


def test_a_total_since_a_date_is_flagged(nlp):
    size = toll(
        nlp,
        "More than 70 people have been killed and at least 80 others injured since Jan. 23.",
        "killed",
    )
    assert size.dead == 70 and size.dead_low == 70 and size.cumulative


def test_another_incident_s_toll_is_not_taken(nlp):
    analyzed = analyze(
        nlp,
        "Up to 100 ethnic Albanians demonstrated on Tuesday in Serbia, where 24 people were "
        "killed in riots last March.",
    )
    protest = event_at(analyzed, "demonstrated", "PROTEST")
    count_tolls(analyzed)
    assert protest.size is None


def test_toll_in_the_next_sentence(nlp):
    analyzed = analyze(
        nlp, "Gunmen stormed a village in the north on Monday. Five people were killed."
    )
    stormed = event_at(analyzed, "stormed")
    count_tolls(analyzed)
    assert stormed.size.dead == 5


def test_example_strike_toll(example_result):
    """Whatever ASSAULT the event stage codes from the strike's sentence carries its toll."""
    strike = [
        e
        for e in example_result.events
        if e.event == "ASSAULT"
        and any("headquarters was reportedly targeted" in m.text for m in [e.evidence, *e.mentions])
        and e.size is not None
    ]
    assert strike
    size = strike[0].size
    assert size.dead >= 4 and size.dead_low == 4
    assert any("Abu Taqwa" in v.text for v in size.victims)
    article_text = example_result.article.text
    for span in size.victims + size.spans:
        assert article_text[span.start : span.end] == span.text


def test_dead_accuracy_on_plover_gold(shared, pipeline, tmp_path):
    records = [
        line
        for line in (shared / "gold" / "plover_gsr_cameo_manual.jsonl").read_text().splitlines()
        if any("dead" in e for e in json.loads(line)["events"])
    ]
    path = tmp_path / "dead.jsonl"
    path.write_text("\n".join(records) + "\n")
    assert len(records) == 15  # the gold's death counts, one a record
    scores = evaluate(path, pipeline)
    assert scores["dead_accuracy"] >= 0.8


def test_tolls_are_stored_queryable_and_shown(tmp_path, example_path):
    from typer.testing import CliRunner

    from flashpoint.cli import app
    from flashpoint.cli.render import toll_label
    from flashpoint.model import Size

    runner = CliRunner()
    db = tmp_path / "fp.db"
    assert runner.invoke(app, ["run", str(example_path), "--db", str(db), "-q"]).exit_code == 0
    result = runner.invoke(app, ["events", "--db", str(db), "--min-dead", "4", "--json"])
    assert result.exit_code == 0, result.output
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert found and all(e["size"]["dead"] >= 4 for e in found)
    none = runner.invoke(app, ["events", "--db", str(db), "--min-dead", "1000"])
    assert none.exit_code == 0 and "no events match" in none.stdout

    assert toll_label(None) == "-"
    assert toll_label(
        Size(dead=4, dead_low=4, victims=[Span(text="commander X", start=0, end=11)])
    ) == ("dead ≥4 incl. commander X")
    assert (
        toll_label(Size(dead=10, dead_low=10, dead_high=15, arrested=3)) == "dead 10-15, arrested 3"
    )
    assert (
        toll_label(Size(dead=16, dead_high=16, cumulative=True)) == "dead ≤16 (total over a period)"
    )


def test_a_list_that_counts_adds_its_single_victims(nlp) -> None:
    size = toll(nlp, "Gunmen killed three farmers and a teacher on Monday.", "killed")
    assert size.dead == 4


def test_a_list_hung_on_its_first_item_as_an_apposition_still_counts(nlp) -> None:
    text = (
        "The mayor said that three firemen, a water board civilian engineer and a water board "
        "contractor were killed."
    )
    assert toll(nlp, text, "killed").dead == 5
    # names in apposition only name the ones counted
    text = "Two guards, Ali Hassan and Omar Said, were killed in the blast."
    assert toll(nlp, text, "killed").dead == 2


def test_others_killed_along_with_the_counted_count_too(nlp) -> None:
    text = "Four nurses were killed in the shelling on Monday along with 12 other people."
    assert toll(nlp, text, "killed").dead == 16


def test_the_dead_of_a_war_counted_since_it_began_are_a_total(code_text) -> None:
    events = code_text(
        "More than 7,000 people have been killed since the insurgency resumed in 2004. "
        "More than 250 people have been killed and 60,000 displaced in the conflict.",
        published="2025-07-29",
    ).events
    assert [e for e in events if e.event == "ASSAULT"] == []


def test_a_large_toll_in_the_perfect_with_no_time_is_a_wars_dead(code_text) -> None:
    events = code_text(
        "More than 250 people have been killed and some 60,000 displaced.",
        published="2025-07-29",
    ).events
    assert [e for e in events if e.event == "ASSAULT"] == []
    dated = code_text(
        "At least 300 people have been killed in an attack on a market in Kassala on Monday.",
        published="2025-07-29",
    ).events
    assert [e.size.dead for e in dated if e.event == "ASSAULT" and e.size] == [300]


def test_a_war_described_by_its_age_still_counts_a_wars_dead(code_text) -> None:
    # "now in its 17th year" describes the insurgency; the count has no time of its own and is
    # not the toll of the attack told in the paragraph before
    events = code_text(
        "Suspected fighters killed three fishermen on an island near Garissa on Friday, a union "
        "official said.\n\nThe insurgency in the north-east, now in its 17th year, has killed "
        "more than 40,000 people and displaced about 2 million, according to the United "
        "Nations.",
        published="2026-05-12",
    ).events
    assert [e.size.dead for e in events if e.event == "ASSAULT" and e.size] == [3]


def test_armed_people_an_army_says_it_neutralised_are_its_dead(code_text) -> None:
    events = code_text(
        "Soldiers neutralised five terrorists near Kassala on Monday.", published="2026-03-04"
    ).events
    assert [e.size.dead for e in events if e.event == "ASSAULT" and e.size] == [5]
