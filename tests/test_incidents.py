"""Incidents: one record per real-world incident of an article, on texts of our own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flashpoint.evaluate.articles import (
    GoldShapeError,
    date_right,
    evaluate_articles,
    read_gold_articles,
)
from flashpoint.linear import LinearModel
from flashpoint.model import Event, Span

PUBLISHED = "2024-03-14T12:00:00"


def assaults(code_text, text: str) -> list[Event]:
    result = code_text(text, published=PUBLISHED)
    return [e for e in result.events if e.event == "ASSAULT" and not e.negated]


@pytest.mark.slow
def test_mentions_of_one_attack_become_one_event_with_all_its_facts(code_text) -> None:
    text = (
        "Government warplanes bombed a market in the town of Kuryak on Tuesday, residents "
        "said.\n\n"
        "At least seven people were killed and 20 wounded in the strike.\n\n"
        "A local official said as many as 12 people were killed in the attack."
    )
    found = assaults(code_text, text)
    assert len(found) == 1, [(e.evidence.text, [a.text for a in e.actor]) for e in found]
    event = found[0]
    assert len(event.mentions) == 3
    assert event.mentions[0] == event.evidence
    assert event.size is not None
    # The lowest figure asserted; "as many as 12" is a ceiling, kept as the range's top.
    assert event.size.dead == 7 and event.size.injured == 20
    assert event.size.dead_high == 12
    assert event.date is not None and event.date.isoformat() == "2024-03-12"
    assert event.date_precision == "day"


@pytest.mark.slow
def test_attacks_on_two_towns_stay_two_incidents(code_text) -> None:
    text = (
        "Rebels attacked an army post in Goma on Monday, killing three soldiers.\n\n"
        "Separately, gunmen also attacked a church in Bunia, killing two worshippers."
    )
    found = assaults(code_text, text)
    assert len(found) == 2


@pytest.mark.slow
def test_event_nouns_weapons_and_documents_are_not_participants(code_text) -> None:
    result = code_text(
        "A suicide bombing killed four soldiers near the border.\n\n"
        "Cluster bombs hit several villages in the south.\n\n"
        "Nothing could stop the militia, which stormed the barracks at dawn.",
        published=PUBLISHED,
    )
    texts = [a.text.lower() for e in result.events for a in e.actor + e.recipient]
    assert not any("bombing" in t or "cluster bombs" in t or t == "nothing" for t in texts), texts
    # The relative pronoun stands for the militia it describes.
    text = result.article.text
    stormed = [
        e
        for e in result.events
        if any("stormed" in text[m.start : m.end] for m in [e.evidence, *e.mentions])
    ]
    assert stormed and "the militia" in [a.text for a in stormed[0].actor]
    # An abstraction is no one, even where the parser makes it a subject.
    from flashpoint.lexicon import load_lexicon
    from flashpoint.stages.events import _thing
    from flashpoint.stages.nlp import load_nlp

    doc = load_nlp()("The row grew as the concern of the envoy mounted.")
    lexicon = load_lexicon()
    assert _thing(doc[1], lexicon) and _thing(doc[5], lexicon) and not _thing(doc[8], lexicon)


@pytest.mark.slow
def test_a_statistic_over_a_period_is_not_an_incident(code_text) -> None:
    found = assaults(
        code_text, "More than 100 civilians have been killed in the province since January."
    )
    assert found == []


def test_dates_agree_only_at_the_gold_precision() -> None:
    def event(date: str, precision: str) -> Event:
        import datetime as dt

        return Event(
            id="e",
            article_id="a",
            event="ASSAULT",
            quad_code=4,
            event_scale=-1,
            confidence=1,
            evidence=Span(text="x", start=0, end=1),
            date=dt.date.fromisoformat(date),
            date_precision=precision,  # type: ignore[arg-type]
        )

    assert date_right("2024-03", event("2024-03-12", "day"))
    assert date_right("2024-03", event("2024-03-14", "published"))
    # A publication-date fallback is never a day-precise date.
    assert not date_right("2024-03-14", event("2024-03-14", "published"))
    assert date_right("2024-03-14", event("2024-03-14", "day"))
    assert not date_right("2024-03-13", event("2024-03-14", "day"))
    assert date_right("2024", event("2024-03-14", "year"))


def test_a_sentence_level_gold_file_is_named_as_the_wrong_shape(tmp_path: Path) -> None:
    path = tmp_path / "sentences.jsonl"
    path.write_text(json.dumps({"text": "Police arrested him.", "events": [{"event": "COERCE"}]}))
    with pytest.raises(GoldShapeError, match="not article-level gold"):
        read_gold_articles(path)


@pytest.mark.slow
def test_eval_articles_scores_matches_duplicates_and_wrong_records(
    tmp_path: Path, pipeline
) -> None:
    text = (
        "Government warplanes bombed a market in the town of Kuryak on Tuesday, killing seven "
        "people, residents said. The army denied the report."
    )
    first = text.index(".") + 1
    gold = {
        "id": "own-1",
        "published": "2024-03-14",
        "title": None,
        "text": text,
        "events": [
            {
                "n": 1,
                "event": "ASSAULT",
                "mode": "aerial",
                "actor": [{"text": "Government warplanes", "code": None, "sector": "MIL"}],
                "recipient": [{"text": "people", "code": None, "sector": "CVL"}],
                "place": None,
                "date": "2024-03-12",
                "dead": 7,
                "injured": None,
                "arrested": None,
                "background": False,
                "key": True,
                "mentions": [[0, first]],
            }
        ],
    }
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(gold) + "\n")
    scores, verdicts = evaluate_articles(path, pipeline)
    assert scores["key_recall"] == 1.0
    assert scores["key_date"] == 1.0 and scores["key_toll"] == 1.0
    statuses = [r.status for r in verdicts[0].records]
    assert statuses.count("matched") == 1
    assert scores["precision"] == pytest.approx(1 / len(statuses), abs=1e-3)


@pytest.mark.slow
def test_example_drone_strike_is_one_record_with_its_mentions(example_result) -> None:
    def tells_strike(event: Event) -> bool:
        return any(
            "headquarters was reportedly targeted" in m.text
            for m in [event.evidence, *event.mentions]
        )

    strikes = [e for e in example_result.events if e.event == "ASSAULT" and tells_strike(e)]
    assert len(strikes) == 1
    strike = strikes[0]
    assert len(strike.mentions) >= 2
    assert strike.event_loc is not None and strike.event_loc.name == "Baghdad"
    assert strike.date is not None and strike.date.isoformat() == "2024-01-04"
    assert strike.size is not None and strike.size.dead is not None and strike.size.dead >= 4
    assert any("Popular Mobilization Forces" in r.text for r in strike.recipient)
    event_words = ("strike", "attack", "bombing", "raid")
    for event in example_result.events:
        for actor in event.actor + event.recipient:
            assert not actor.text.lower().endswith(event_words), (event.event, actor.text)


@pytest.mark.slow
def test_an_unplaced_attack_falls_back_to_the_country_the_article_is_about(code_text) -> None:
    result = code_text(
        "A militia leader in Baghdad blamed the United States for the drone strike, saying "
        "Washington would pay.\n\n"
        "Basra and Najaf officials condemned it.\n\n"
        "Two guards were killed when drones struck a base on Thursday.",
        published=PUBLISHED,
    )
    struck = [e for e in result.events if e.event == "ASSAULT" and e.event_loc is not None]
    assert struck
    # The United States is named as a participant; the article's places are in Iraq.
    assert all(e.event_loc.country == "IRQ" for e in struck), [e.event_loc for e in struck]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "kind", "actor", "recipient"),
    [
        # A warning is a threat (Phoenix: WARN is CAMEO 13), or a demand when it says "not to".
        (
            "The minister warned Ankara that its troops would face a response.",
            "THREATEN",
            "The minister",
            "Ankara",
        ),
        (
            "The president warned the militia not to attack the city.",
            "REQUEST",
            "The president",
            "the militia",
        ),
        # A warning to someone against an act threatens them (Phoenix codes WARN as CAMEO 13);
        # one about what others did criticises.
        (
            "The foreign minister warned the militia against an assault on the port.",
            "THREATEN",
            "The foreign minister",
            "the militia",
        ),
        (
            "The foreign minister warned that the militia had shelled the port.",
            "ACCUSE",
            "The foreign minister",
            "the militia",
        ),
        # "forces" (troops) in what others did is no cue of a threat
        (
            "The minister warned that the rebels have made a reckless move by siding with "
            "foreign forces.",
            "ACCUSE",
            "The minister",
            "the rebels",
        ),
        (
            "The mayor complained that the police had beaten protesters.",
            "ACCUSE",
            "The mayor",
            "the police",
        ),
        # What a speaker says another side will do is an allegation against that side.
        (
            "The government said the militias would shell the villages.",
            "ACCUSE",
            "The government",
            "the militias",
        ),
        # Two verbs share the object after them.
        (
            "Police arrested and questioned three protesters.",
            "COERCE",
            "Police",
            "three protesters",
        ),
        # Forces sent to attack: the attack is the news, its target the recipient.
        ("The army sent tanks to shell the town on Monday.", "ASSAULT", "The army", "the town"),
        # Fighting alongside someone is cooperating with them.
        (
            "The tribal fighters fought alongside the army against the militants.",
            "COOPERATE",
            "The tribal fighters",
            "the army",
        ),
        # The threatened act's target is the threat's recipient.
        (
            "The militants vowed to wage a guerrilla war against the army.",
            "THREATEN",
            "The militants",
            "the army",
        ),
        # A means named with its actor gives the act its actor.
        (
            "Forty civilians were killed in dozens of airstrikes by government forces.",
            "ASSAULT",
            "government forces",
            "Forty civilians",
        ),
        # A passive light verb: its event noun's target hangs on the verb.
        ("An offensive was launched against the town on Monday.", "ASSAULT", None, "the town"),
        # An act made to depend on the other side, in reported speech: the speaker's threat.
        (
            "The president said an offensive would be launched if the rebels failed to leave.",
            "THREATEN",
            "The president",
            "the rebels",
        ),
        # Force held in reserve against a side, on a condition: a threat to that side, by the
        # speaker of "we".
        (
            "\u201cWe reserve the right to respond if the militias attack our posts,\u201d the "
            "minister said.",
            "THREATEN",
            "the minister",
            "the militias",
        ),
        # A warning's recipient is the one its condition is put to.
        (
            "The ministry warned that its forces would strike back if the militia shelled the port.",
            "THREATEN",
            "The ministry",
            "the militia",
        ),
        # Armed men entering a place move into it; the verb shares its governor's subject; the
        # place they go to is no recipient.
        ("On Monday militiamen started entering the town.", "MOBILIZE", "militiamen", None),
        # Saying someone made a mistake criticises them.
        (
            "The opposition leader said the finance minister had made a grave error.",
            "ACCUSE",
            "The opposition leader",
            "the finance minister",
        ),
        # Territory taken in a participle clause is news, however deep its clause is.
        (
            "Residents fled after the army rolled into the valley town, seizing control from "
            "the rebels.",
            "COERCE",
            "the army",
            "the rebels",
        ),
        # Wrongs someone says were committed are that speaker's accusation of the doer.
        (
            "The rights group said government forces had committed war crimes in the city.",
            "ACCUSE",
            "The rights group",
            "government forces",
        ),
        (
            "The monitors said war crimes were being committed in the city.",
            "ACCUSE",
            "The monitors",
            None,
        ),
        # A warning about another side's act is addressed to that side.
        (
            "The ministry warned it would resist any Sylvanian attack on the port.",
            "THREATEN",
            "The ministry",
            "Sylvanian",
        ),
        # ... or the other side of a clash it warns of.
        (
            "The ministry warned of the risk of a clash with the Sylvanian navy.",
            "THREATEN",
            "The ministry",
            "the Sylvanian navy",
        ),
        # An act ended in the passive: its own parties end it.
        (
            "The siege of the city by government forces was lifted on Monday.",
            "RETREAT",
            "government forces",
            "the city",
        ),
        # The "of" phrase of an act done alone names who did it; "from" says whence.
        (
            "The surrender of the hill garrison ended the fighting.",
            "RETREAT",
            "the hill garrison",
            None,
        ),
        (
            "The withdrawal of the militia from the port was completed.",
            "RETREAT",
            "the militia",
            None,
        ),
        # "called for X to ...": the parser marks the clause with "for"; X is the one asked.
        ("The Kurds called for the UN to protect them.", "REQUEST", "The Kurds", "the UN"),
        # "on Monday" says when, not to whom; the one warned is the object.
        (
            "Late on Monday, the president warned the militia not to attack the city.",
            "REQUEST",
            "the president",
            "the militia",
        ),
        (
            "The envoy pleaded with Putin and Erdogan to find a solution.",
            "REQUEST",
            "The envoy",
            "Putin",
        ),
        # The decision or move someone welcomes is not its recipient; its maker is.
        ("Vladimir Putin welcomed the US move.", "SUPPORT", "Vladimir Putin", "US"),
    ],
)
def test_triggers_read_in_context(
    code_text, text: str, kind: str, actor: str | None, recipient: str | None
) -> None:
    result = code_text(text, published=PUBLISHED)
    found = [e for e in result.events if e.event == kind]
    assert found, [(e.event, e.trigger.text if e.trigger else None) for e in result.events]
    if actor is None:
        assert found[0].actor == []
    else:
        assert actor in [a.text for a in found[0].actor]
    if recipient is None:
        assert found[0].recipient == []
    else:
        assert recipient in [r.text for r in found[0].recipient]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        # Habits, states and generalities in the present simple are not incidents.
        "In Mexico, journalists are killed simply for recording the atrocities around them.",
        "Up to 2,000 US forces are stationed in the area.",
        "Rebel-held areas have been held by insurgents fighting the president.",
        "The rebels continue to occupy the enclave.",
        "Russia and the US had previously backed the YPG for different reasons.",
        # Responsible for a duty or a good is no blame.
        "The brigade has been responsible for liberating several districts from the insurgents.",
        "Police are responsible for security at the border.",
        # Acts planned or proposed have not happened.
        "The mediator said the planned talks in the capital would test both sides.",
        # Conceding that something is so only acknowledges it.
        "Critics concede the new tax will raise revenue.",
        # Wrongs told by no one are no one's accusation, and a remaining commitment no event.
        "Government forces committed war crimes in the city.",
        # Force done to an abstraction is a figure of speech.
        "The governor seized the chance to reshuffle his cabinet.",
        "She said Norway was not abandoning its stated strategy of curbing Russian influence.",
        "Officials said Kenya would curb Somali influence in Garissa.",
    ],
)
def test_descriptions_and_generalities_are_not_incidents(code_text, text) -> None:
    # After a lede: the lede itself may tell its news in the present ("Russia sends troops").
    lede = "Gunmen attacked a police post near the capital on Monday.\n\n"
    result = code_text(lede + text, published=PUBLISHED)
    scored = [
        e
        for e in result.events
        if not e.negated and not e.hypothetical and e.evidence.start >= len(lede)
    ]
    assert scored == [], [(e.event, e.trigger.text if e.trigger else None) for e in scored]


@pytest.mark.slow
def test_a_question_is_asked_not_asserted(code_text) -> None:
    result = code_text(
        "“Why are we fighting for our enemy by killing ISIS for them?” Trump asked on Twitter.",
        published=PUBLISHED,
    )
    assert all(e.hypothetical for e in result.events if e.event == "ASSAULT")
    assert not [e for e in result.events if e.event == "REQUEST"]
    # A question put with its comma, and the platform it was put on, ask nothing of anyone.
    result = code_text(
        "“Why should our soldiers keep dying in a war that is not ours?,” the senator asked "
        "on Twitter.",
        published=PUBLISHED,
    )
    assert not [e for e in result.events if e.event == "REQUEST"]


def test_yaml_word_lists_keep_on_off_yes_no_as_words(tmp_path: Path) -> None:
    from flashpoint.resources import read_yaml

    path = tmp_path / "rules.yaml"
    path.write_text("prep: [on, at, off, yes, no]\nflag: true\nother: false\n")
    data = read_yaml(path)
    # PyYAML's YAML 1.1 reads a bare "on" as True: "fire on" and "call on" rules never fired.
    assert data == {"prep": ["on", "at", "off", "yes", "no"], "flag": True, "other": False}


@pytest.mark.slow
def test_fired_on_is_an_assault(code_text) -> None:
    result = code_text(
        "Turkish troops fired on the pro-government militiamen.", published=PUBLISHED
    )
    fired = [e for e in result.events if e.event == "ASSAULT"]
    assert fired and [a.text for a in fired[0].recipient] == ["the pro-government militiamen"]


@pytest.mark.slow
def test_a_subject_the_parser_hung_on_a_participle_and_a_year_in_a_relative_clause(
    code_text,
) -> None:
    result = code_text(
        "By contrast, Vladimir Putin, the Russian president whose military intervened in the "
        "Syrian war in 2015, turning the tide in favour of the Assad regime, welcomed the move.",
        published=PUBLISHED,
    )
    welcomed = [e for e in result.events if e.trigger and e.trigger.text == "welcomed"]
    assert welcomed and [a.text for a in welcomed[0].actor] == ["Vladimir Putin"]
    # "in 2015" dates the intervention of the relative clause, not the welcome.
    assert not welcomed[0].background


def test_a_publication_date_fallback_is_named_published_and_older_stores_still_read() -> None:
    record = {
        "id": "e1",
        "article_id": "a1",
        "event": "ASSAULT",
        "quad_code": 4,
        "event_scale": -9.0,
        "confidence": 0.8,
        "evidence": {"text": "x", "start": 0, "end": 1},
        "date": "2024-03-14",
        "date_precision": "publication",
    }
    assert Event.model_validate(record).date_precision == "published"


@pytest.mark.slow
def test_when_is_not_how_and_series_and_agents_keep_their_acts(code_text) -> None:
    def kinds(text: str) -> set[str]:
        return {e.event for e in code_text(text, published=PUBLISHED).events if not e.negated}

    # "called X on Saturday to congratulate him" is no "call on" (a demand).
    assert "REQUEST" not in kinds(
        "Netanyahu called the Australian prime minister on Wednesday to congratulate him."
    )
    # "a new round of joint exercises": the series is the act.
    assert "COOPERATE" in kinds(
        "Jordan and the United States began a new round of joint military exercises today."
    )
    # A participle with its agent is an act: "people evacuated by the U.S.".
    assert "AID" in kinds("The total number of people evacuated from Haiti by the U.S. is 10,500.")


@pytest.mark.slow
def test_quotes_point_at_the_incidents_their_mentions_were_merged_into(example_result) -> None:
    ids = {e.id for e in example_result.events}
    for quote in example_result.quotes:
        assert set(quote.event_ids) <= ids


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "town"),
    [
        # News names the country to situate the town, not instead of it.
        (
            "Turkey claims to have encircled Afrin in northern Syria, besieging up to 200,000 civilians.",
            "Afrin",
        ),
        # A place that was hit is where it happened.
        (
            "Turkish jets bombed Afrin on Saturday, and Kurdish militias shelled the Turkish "
            "province of Kilis across the border in response.",
            "Kilis",
        ),
    ],
)
def test_the_event_place_is_the_most_precise_its_sentence_gives(code_text, text, town) -> None:
    result = code_text(text, published=PUBLISHED)
    placed = [e for e in result.events if e.event_loc is not None and e.quad_code == 4]
    assert placed, [(e.event, e.event_loc) for e in result.events]
    assert town in [e.event_loc.text for e in placed], [e.event_loc for e in placed]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        # The speaker's own present perfect, shifted back in reported speech.
        "Turkey said it had begun a ground incursion into the Kurdish enclave.",
        # "since Monday morning" is recent; "already" marks news, not history.
        "Seven hospitals have also been bombed since Monday morning in eastern Ghouta.",
        "He said Turkish troops are already firing artillery at Afrin.",
        # A clause nested in a phrase does not date the act ("an already complicated war").
        "State media said Turkish troops fired on the militiamen, a development that risks "
        "widening an already complicated war.",
    ],
)
def test_news_told_with_markers_of_the_past_is_not_background(code_text, text) -> None:
    result = code_text(text, published=PUBLISHED)
    assaults = [e for e in result.events if e.event == "ASSAULT"]
    assert assaults and not any(e.background for e in assaults)
    assert all(a.text.lower() != "artillery" for e in assaults for a in e.actor + e.recipient)


@pytest.mark.slow
def test_an_obligation_and_an_ongoing_alliance_are_not_acts(code_text) -> None:
    must = code_text("The last pockets of the group must be beaten by military means.")
    assert all(e.hypothetical for e in must.events if e.event == "ASSAULT")
    # "said X must ..." stays the speaker's demand.
    demand = code_text("The minister said Qatar must mediate between the two sides.")
    assert any(e.event == "REQUEST" and not e.hypothetical for e in demand.events)
    ally = code_text(
        "Hezbollah, which is fighting alongside the Assad regime, released the prisoners."
    )
    assert not [e for e in ally.events if e.event == "ASSAULT"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "expected", "not_expected"),
    [
        # Light verbs and idioms read whole (event_rules.yaml).
        ("The two sides traded blame for the collapse of the talks.", "ACCUSE", "COOPERATE"),
        ("Soldiers returned fire after the convoy was ambushed.", "ASSAULT", "RETREAT"),
        ("The army issued a statement on Tuesday.", None, "ACCUSE"),
        ("Police provided no further details about the raid.", None, "AID"),
        ("Thousands took part in the protest in Nairobi.", "PROTEST", None),
        ("Hundreds of protesters stormed the parliament building.", "PROTEST", "ASSAULT"),
        ("Police opened fire on demonstrators in Karachi.", "ASSAULT", None),
    ],
)
def test_light_verbs_and_idioms_are_read_whole(code_text, text, expected, not_expected) -> None:
    result = code_text(text, published=PUBLISHED)
    kinds = {e.event for e in result.events if not e.negated and not e.hypothetical}
    if expected:
        assert expected in kinds, kinds
    if not_expected:
        assert not_expected not in kinds, kinds
    for event in result.events:
        for actor in event.actor + event.recipient:
            assert actor.text.lower() not in ("blame", "fire", "a statement", "no further details")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "water"),
    [
        (
            "Houthi forces attacked a cargo ship in the Bab el-Mandeb strait on Monday.",
            "Bab el-Mandeb",
        ),
        ("Ukrainian drones hit a Russian warship in the Sea of Azov.", "Sea of Azov"),
    ],
)
def test_an_attack_at_sea_is_placed_on_the_water_not_in_a_country(code_text, text, water) -> None:
    result = code_text(text, published=PUBLISHED)
    (attack,) = [e for e in result.events if e.event == "ASSAULT"]
    assert attack.event_loc is not None and attack.event_loc.name == water
    # A sea is wider than a point and belongs to no one country: no precision code.
    assert attack.event_loc.country is None and attack.event_loc.precision is None


@pytest.mark.slow
def test_a_named_participant_takes_the_code_of_its_apposition(code_text) -> None:
    result = code_text(
        "Hazem Qassem, Hamas spokesperson, accused Israel of targeting civilians.",
        published=PUBLISHED,
    )
    (accuse,) = [e for e in result.events if e.event == "ACCUSE"]
    (speaker,) = accuse.actor
    assert speaker.text == "Hazem Qassem" and speaker.code == "PSE" and speaker.sector == "REB"


@pytest.mark.slow
def test_a_state_named_alone_fights_through_its_military_and_speaks_through_its_government(
    code_text,
) -> None:
    fight = code_text("Turkey said it had begun a ground incursion into the Kurdish enclave.")
    (incursion,) = [e for e in fight.events if e.event == "ASSAULT"]
    assert [(a.code, a.sector) for a in incursion.actor] == [("TUR", "MIL")]
    talk = code_text("Russia accused Ukraine of shelling the plant.")
    (accuse,) = [e for e in talk.events if e.event == "ACCUSE"]
    assert [(a.code, a.sector) for a in accuse.actor] == [("RUS", "GOV")]
    # "demanded that Erdogan force ...": the one asked is the subject of what is asked.
    demand = code_text("Russia has demanded that Erdogan force the withdrawal of jihadists.")
    (request,) = [e for e in demand.events if e.event == "REQUEST"]
    assert [r.text for r in request.recipient] == ["Erdogan"]
    # The force deployed is its side's actor.
    deployed = code_text("Two destroyers were deployed to the eastern Mediterranean.")
    (mobilize,) = [e for e in deployed.events if e.event == "MOBILIZE"]
    assert mobilize.actor and not mobilize.recipient


@pytest.mark.slow
def test_the_bomber_named_later_in_the_same_town_is_the_same_attack(code_text) -> None:
    result = code_text(
        "A suicide bombing has killed four soldiers in northern Syria.\n\n"
        "The bomber struck on Wednesday inside a restaurant in the town of Manbij.",
        published=PUBLISHED,
    )
    assaults = [e for e in result.events if e.event == "ASSAULT"]
    assert len(assaults) == 1, [(e.evidence.text, e.event_loc) for e in assaults]
    assert assaults[0].event_loc is not None and assaults[0].event_loc.name == "Manbij"
    assert assaults[0].date_precision == "day"


@pytest.mark.slow
def test_a_town_modifier_says_where_not_who(code_text) -> None:
    result = code_text("The Afrin offensive began after a US announcement.", published=PUBLISHED)
    for event in result.events:
        assert all(a.text != "Afrin" for a in event.actor), event


@pytest.mark.slow
def test_a_participants_nationality_is_not_where_it_happened(code_text) -> None:
    result = code_text(
        "Gunmen attacked a checkpoint in Kirkuk on Monday.\n\n"
        "Officials confirmed that two US soldiers and an interpreter were killed.",
        published=PUBLISHED,
    )
    for event in result.events:
        if event.event == "ASSAULT" and event.event_loc is not None:
            assert event.event_loc.country != "USA", event.event_loc
    # ... nor when the victims are the sentence's own target: the patrol's place is
    text = (
        "Acknowledging the attack, the UK military said: “UK service members were killed"
        " during an explosion while on a routine patrol in Mali today.”"
    )
    (killed,) = [e for e in code_text(text, published=PUBLISHED).events if e.event == "ASSAULT"]
    assert killed.event_loc is not None and killed.event_loc.country == "MLI", killed.event_loc


@pytest.mark.slow
def test_a_statement_speaks_for_its_maker_and_a_named_object_is_the_one_urged(code_text) -> None:
    result = code_text(
        "“He urged Turkey to de-escalate and avoid civilian casualties,” a White House "
        "statement said.",
        published=PUBLISHED,
    )
    (request,) = [e for e in result.events if e.event == "REQUEST"]
    assert [(a.code, a.sector) for a in request.actor] == [("USA", "GOV")]
    assert [r.text for r in request.recipient] == ["Turkey"]


@pytest.mark.slow
def test_talks_retold_from_the_other_side_are_one_incident(code_text) -> None:
    result = code_text(
        "Rebel officials held meetings with Russia on Saturday to discuss a surrender.\n\n"
        "Even as the rebels negotiated with Russia, government troops took other towns.",
        published=PUBLISHED,
    )
    consults = [e for e in result.events if e.event == "CONSULT" and not e.negated]
    assert len(consults) == 1, [(e.evidence.text, [a.text for a in e.actor]) for e in consults]


@pytest.mark.slow
def test_what_is_denied_or_only_possible_is_not_asserted(code_text) -> None:
    denied = code_text("Syria denied that its forces had used chemical weapons.")
    assert any(e.event == "REJECT" and not e.negated for e in denied.events)
    assert all(e.negated for e in denied.events if e.event == "ASSAULT")
    for text in (
        "“Any attack on this province will trigger another wave of migration,” he said.",
        "Dunford warned that a major military assault on the enclave would lead to a catastrophe.",
    ):
        result = code_text(text)
        assert all(e.hypothetical for e in result.events if e.event == "ASSAULT"), text


def test_a_time_of_day_does_not_take_the_date_from_its_event(code_text) -> None:
    result = code_text(
        "The rebels withdrew from the river port before dawn on Sunday, officials said.",
        published="2024-03-12T10:00:00",  # a Tuesday
    )
    (withdrew,) = [e for e in result.events if e.event == "RETREAT"]
    assert (str(withdrew.date), withdrew.date_precision) == ("2024-03-10", "day")


def test_a_paragraph_of_facts_is_dated_by_the_paragraph_before(code_text) -> None:
    result = code_text(
        "On Saturday gunmen stormed a village in the north of the province.\n\n"
        "Six farmers were killed and their houses were burned.",
        published="2024-03-12T10:00:00",
    )
    dated = [e for e in result.events if e.event == "ASSAULT"]
    assert dated and all(str(e.date) == "2024-03-09" for e in dated), [
        (e.date, e.date_precision) for e in dated
    ]


def test_an_unplaced_incident_happens_where_the_article_keeps_saying(code_text) -> None:
    result = code_text(
        "Several villages have surrendered to the army after a week of shelling.\n\n"
        "The United Nations says 20,000 people have fled their homes.\n\n"
        "Fighting in Kandahar province has intensified since the spring.\n\n"
        "Aid groups in Kandahar say hospitals have run short of medicine.",
        published="2024-03-12T10:00:00",
    )
    (surrendered,) = [e for e in result.events if e.event in ("RETREAT", "CONCEDE", "YIELD")]
    assert surrendered.event_loc is not None
    assert surrendered.event_loc.country == "AFG"
    assert (surrendered.event_loc.precision or 0) >= 2, surrendered.event_loc


def test_a_strike_is_placed_where_it_landed_not_where_it_came_from(code_text) -> None:
    result = code_text(
        "Two people were wounded after a rocket from Lebanon struck the Israeli bordertown "
        "of Metula.",
        published=PUBLISHED,
    )
    struck = [e for e in result.events if e.event == "ASSAULT"]
    assert struck and all(e.event_loc and e.event_loc.country == "ISR" for e in struck), [
        e.event_loc for e in struck
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Nobody attacked the convoy on the northern road.",
        "No militia attacked the convoy on the northern road.",
    ],
)
def test_no_one_doing_it_is_a_negation(code_text, text: str) -> None:
    result = code_text(text, published=PUBLISHED)
    assert all(e.negated for e in result.events if e.event == "ASSAULT")


def test_a_struggle_waged_for_decades_is_history(code_text) -> None:
    result = code_text(
        "The army calls them the armed wing of the Liberation Front, a banned movement that "
        "has fought a decades-long insurgency in the hills. The governor said there was no "
        "difference between the two movements, with whom the republic has fought a "
        "four-decade civil war.",
        published=PUBLISHED,
    )
    fought = [e for e in result.events if e.event == "ASSAULT"]
    # (the two wars may be told as one: the link model may join them; both are history)
    assert fought and all(e.background for e in fought)
    assert sum(len(e.mentions) for e in fought) == 2


def test_an_omission_is_not_a_refusal_and_a_shared_past_perfect_is_history(code_text) -> None:
    result = code_text(
        "Local leaders were not consulted about the new checkpoints. The neighbour had armed "
        "and supported the rebel factions.",
        published=PUBLISHED,
    )
    assert not [e for e in result.events if e.event == "REJECT"]
    assert [e for e in result.events if e.event == "CONSULT" and e.negated]
    backing = [e for e in result.events if e.event in ("AID", "SUPPORT")]
    assert {e.event for e in backing} == {"AID", "SUPPORT"}
    assert all(e.background for e in backing)
    assert all([r.text for r in e.recipient] == ["the rebel factions"] for e in backing)


def test_would_in_reported_speech_is_the_speakers_future_not_a_supposition(code_text) -> None:
    result = code_text(
        "The president said the country would never agree to a compromise with the militia. "
        "The council did not explain how the wounded would be evacuated, or how aid workers "
        "would be protected.",
        published=PUBLISHED,
    )
    (refusal,) = [e for e in result.events if e.event == "REJECT"]
    assert not refusal.hypothetical
    # what was not said ("how X would be evacuated") is asked, not asserted
    assert all(e.hypothetical for e in result.events if e.evidence.start > refusal.evidence.end)


def test_both_countries_are_the_last_two_named(code_text) -> None:
    result = code_text(
        "Thousands fled towards the borders with Kenya and Uganda. Both countries say they "
        "will not allow any more refugees to cross.",
        published=PUBLISHED,
    )
    (refusal,) = [e for e in result.events if e.event == "REJECT"]
    assert sorted(a.code for a in refusal.actor) == ["KEN", "UGA"]


def test_between_names_the_parties_of_an_act(code_text) -> None:
    talks = code_text("Talks between Russia and Turkey took place in Sochi.", published=PUBLISHED)
    (consult,) = [e for e in talks.events if e.event == "CONSULT"]
    assert sorted(a.code for a in consult.actor) == ["RUS", "TUR"] and not consult.recipient
    deal = code_text(
        "The deal between Ankara and Moscow was signed on Friday.", published=PUBLISHED
    )
    assert [e.event for e in deal.events] == ["SUPPORT"]
    assert sorted(a.code for a in deal.events[0].actor) == ["RUS", "TUR"]
    clash = code_text("Clashes between police and protesters left two dead.", published=PUBLISHED)
    (assault,) = [e for e in clash.events if e.event == "ASSAULT"]
    # a clash's two sides both act, with no target (ARTICLES.md, as the coders code battles)
    assert [a.text for a in assault.actor] == ["police", "protesters"]
    assert not assault.recipient


def test_a_statement_made_at_an_occasion_is_placed_where_the_occasion_was(code_text) -> None:
    result = code_text(
        "Speaking after a meeting in Nairobi at which the Kenyan president appealed to "
        "Ethiopia and Sudan to end the fighting, the envoy sounded hopeful.",
        published=PUBLISHED,
    )
    (plea,) = [e for e in result.events if e.event == "REQUEST"]
    assert plea.event_loc is not None and plea.event_loc.country == "KEN"


@pytest.mark.parametrize(
    "text",
    [
        "The general vowed that the offensive would end within weeks.",
        "The junta vowed to regain every district held by the rebels.",
    ],
)
def test_a_vow_of_victory_in_a_war_is_a_threat(code_text, text: str) -> None:
    result = code_text(text, published=PUBLISHED)
    assert [e.event for e in result.events] == ["THREATEN"]


def test_a_speakers_undated_statements_take_the_day_of_their_dated_ones(code_text) -> None:
    result = code_text(
        "The foreign minister praised the mediators.\n\nThe prime minister welcomed the "
        "truce. The prime minister criticised the rebels at a news conference on Thursday.",
        published="2024-03-16T10:00:00",  # a Saturday
    )
    by_trigger = {e.trigger.text: e for e in result.events if e.trigger}
    assert str(by_trigger["welcomed"].date) == "2024-03-14"
    assert by_trigger["welcomed"].date_precision == "day"
    # another speaker's statement is not dated by it
    assert by_trigger["praised"].date_precision == "published"


def test_a_speakers_quote_dated_at_its_cue_dates_their_undated_statement(code_text) -> None:
    result = code_text(
        "Tom Berg, the Freedonian foreign minister, praised the mediators. Ana Ruiz, the "
        "Freedonian prime minister, welcomed the truce. \u201cThis is a good day for the "
        "region,\u201d Ruiz said at a news conference on Thursday.",
        published="2024-03-16T10:00:00",  # a Saturday
    )
    by_trigger = {e.trigger.text: e for e in result.events if e.trigger}
    assert str(by_trigger["welcomed"].date) == "2024-03-14"
    assert by_trigger["welcomed"].date_precision == "day"
    assert by_trigger["praised"].date_precision == "published"


def test_a_speakers_statement_is_placed_where_their_quotes_say_they_spoke(code_text) -> None:
    result = code_text(
        "Ana Ruiz, the Freedonian president, accused Sylvania of arming the rebels. Tom Berg, "
        "the Freedonian foreign minister, accused the rebels of looting. \u201cOur neighbours "
        "are arming the rebels,\u201d Ruiz said in a speech in Lyon.",
        published=PUBLISHED,
    )
    by_actor = {e.actor[0].text: e for e in result.events if e.event == "ACCUSE"}
    assert by_actor["Ana Ruiz"].event_loc is not None
    assert by_actor["Ana Ruiz"].event_loc.name == "Lyon"
    assert by_actor["Tom Berg"].event_loc is None  # another speaker


def test_a_town_named_in_the_main_clause_just_before_places_an_unplaced_attack(
    code_text,
) -> None:
    result = code_text(
        "Police sealed off the market district of Kunduz on Tuesday.\n\nCrowds gathered near "
        "the mosque.\n\nState television said officers fired tear gas at the crowd.",
        published=PUBLISHED,
    )
    (clash,) = [e for e in result.events if e.event == "ASSAULT"]
    assert clash.event_loc is not None and clash.event_loc.name == "Kunduz"
    # a town named only inside a subordinate clause is context, not where things happen
    result = code_text(
        "The army has fought for months against rebels who once held the town of Kunduz."
        "\n\nState television said rebel fighters fired on the soldiers.",
        published=PUBLISHED,
    )
    (clash,) = [e for e in result.events if e.event == "ASSAULT" and "fired" in e.trigger.text]
    assert clash.event_loc is None or clash.event_loc.basis != "paragraph"


def test_an_inability_stated_is_a_refusal_not_a_supposition(code_text) -> None:
    result = code_text("The rebels could not accept the terms.", published=PUBLISHED)
    (refusal,) = [e for e in result.events if e.event == "REJECT"]
    assert not refusal.hypothetical and not refusal.negated


def test_a_paragraph_that_only_counts_adds_to_the_attack_told_just_before(code_text) -> None:
    result = code_text(
        "A suicide bomber killed four soldiers in the town of Kassala on Wednesday.\n\n"
        "A hospital spokesman said nine people were injured.\n\n"
        "The governor visited the town in 2019.\n\n"
        "Twelve people were injured.",
        published=PUBLISHED,
    )
    (attack,) = [e for e in result.events if e.event == "ASSAULT"]
    assert attack.size is not None and attack.size.dead == 4 and attack.size.injured == 9


def test_a_speakers_statement_takes_the_day_their_speech_is_dated(code_text) -> None:
    result = code_text(
        "President Maria Lopez declined to receive the envoy. Lopez on Tuesday repeated her "
        "claim that the election had been rigged.",
        published="2019-01-09T10:00:00",  # a Wednesday
    )
    (refusal,) = [e for e in result.events if e.event == "REJECT"]
    assert str(refusal.date) == "2019-01-08" and refusal.date_precision == "day"
    # what the speaker says their side will do is said on their occasion too
    result = code_text(
        "President Maria Lopez said Freedonia would never accept the compromise. Lopez on "
        "Tuesday repeated her claim that the election had been rigged.",
        published="2019-01-09T10:00:00",
    )
    (refusal,) = [e for e in result.events if e.event == "REJECT"]
    assert refusal.claimed_by is not None
    assert str(refusal.date) == "2019-01-08" and refusal.date_precision == "day"


def test_an_act_a_day_before_a_dated_one_is_dated_from_it(code_text) -> None:
    result = code_text(
        "Talks collapsed on Friday.\n\nThe collapse came two days after the rebels said they "
        "would attack the garrison if the talks failed.",
        published="2018-02-21T10:00:00",  # a Wednesday
    )
    (threat,) = [e for e in result.events if e.event == "THREATEN"]
    assert str(threat.date) == "2018-02-14" and threat.date_precision == "day"


def test_an_act_told_in_a_clause_of_time_happened(code_text) -> None:
    result = code_text(
        "Nobody knows yet what was decided when the foreign minister met her rival in Oslo.",
        published=PUBLISHED,
    )
    meetings = [e for e in result.events if e.event == "CONSULT"]
    assert meetings and [a.text for a in meetings[0].actor] == ["the foreign minister"]
    assert all(a.text.lower() != "nobody" for e in result.events for a in e.actor)
    # "what was agreed" is asked, not reported
    assert all(e.hypothetical for e in result.events if e.event == "AGREE")


def test_one_sentence_naming_its_target_twice_is_one_attack(code_text) -> None:
    result = code_text(
        "Dozens of smugglers died when navy helicopters fired rockets at a convoy near the "
        "coast last week, officials said.",
        published=PUBLISHED,
    )
    assert len([e for e in result.events if e.event == "ASSAULT"]) == 1


def test_the_offensive_does_not_refer_back_to_a_single_strike(code_text) -> None:
    result = code_text(
        "A rocket hit a fuel depot in the port town of Kassala on Monday, killing a guard.\n\n"
        "Thousands of rebels took part in the offensive, officials said.",
        published=PUBLISHED,
    )
    strike = next(e for e in result.events if e.event == "ASSAULT" and "rocket" in e.evidence.text)
    assert strike.actor == [] and len(strike.mentions) <= 1


def test_a_province_attacked_is_the_place_not_a_meeting_elsewhere(code_text) -> None:
    result = code_text(
        "The air force sent jets to attack the rebel-held province of Kandahar, as donors "
        "gathered in Geneva to pledge aid to the region.",
        published=PUBLISHED,
    )
    (attack,) = [e for e in result.events if e.event == "ASSAULT"]
    assert attack.event_loc is not None and attack.event_loc.country == "AFG"


def test_a_countrys_aircraft_are_its_military_and_one_side_of_the_same_raid(code_text) -> None:
    result = code_text(
        "The Afghan air force sent jets to attack the rebel-held province of Kandahar. "
        "Residents said Afghan aircraft conducted at least 12 strikes on residential areas. "
        "At least 10 civilians were killed.",
        published=PUBLISHED,
    )
    (raid,) = [e for e in result.events if e.event == "ASSAULT"]
    assert {(a.code, a.sector) for a in raid.actor} == {("AFG", "MIL")}
    assert raid.size is not None and raid.size.dead == 10
    assert len(raid.mentions) >= 2


def test_a_noun_the_parser_made_a_clause_is_the_object() -> None:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from flashpoint.stages.events import _noun_complement

    # "Ruiz welcomed the US move." as a parser may read it after a long apposition
    doc = Doc(
        Vocab(),
        words=["Ruiz", "welcomed", "the", "US", "move", "."],
        heads=[1, 1, 4, 4, 1, 1],
        deps=["nsubj", "ROOT", "det", "compound", "ccomp", "punct"],
        pos=["PROPN", "VERB", "DET", "PROPN", "NOUN", "PUNCT"],
    )
    found = _noun_complement(doc[1])
    assert found is not None and found.i == 4
    # a real clause keeps its subject and is no object
    doc = Doc(
        Vocab(),
        words=["Ruiz", "said", "troops", "move"],
        heads=[1, 1, 3, 1],
        deps=["nsubj", "ROOT", "nsubj", "ccomp"],
        pos=["PROPN", "VERB", "NOUN", "NOUN"],
    )
    assert _noun_complement(doc[1]) is None


@pytest.mark.slow
def test_a_witness_quote_retelling_an_attack_is_no_attack_by_the_witness(code_text) -> None:
    # In the speaker's quoted words "they" are the attackers, not the speaker; the quote adds to
    # the attack told just before it, and "they" (a town was the last name before it) is not
    # the town's country.
    text = (
        "LYON, May 2 (Wire) - Gunmen wounded five shopkeepers at a covered market in Lyon "
        "on Thursday, police said.\n\n"
        '"They arrived in two cars and shot at anyone who moved," said Ana Ruiz, who sells '
        "cheese at the market."
    )
    found = assaults(code_text, text)
    assert len(found) == 1, [(e.evidence.text, [a.text for a in e.actor]) for e in found]
    assert [a.text for a in found[0].actor] == ["Gunmen"]
    assert len(found[0].mentions) == 2


@pytest.mark.slow
def test_a_wars_toll_to_date_is_no_incident_and_a_war_is_no_participant(code_text) -> None:
    # "the conflict has killed N": a statistic; a total over a period is one even with an actor
    assert not assaults(code_text, "The conflict has killed more than 9,000 people in Kassala.")
    assert not assaults(
        code_text,
        "The militia has killed thousands of villagers in the north over the past decade.",
    )
    (attack,) = assaults(
        code_text,
        "The war began in March 2021, when rebels attacked the port of Kassala, killing about "
        "300 people.",
    )
    assert [a.text for a in attack.actor] == ["rebels"]
    assert all("war" not in r.text for r in attack.recipient)


@pytest.mark.slow
def test_one_more_victim_is_no_other_attack_but_another_attack_is(code_text) -> None:
    victim = assaults(
        code_text,
        "Gunmen attacked a police post in Kunduz on Monday, killing three officers, the "
        "ministry said. It said a driver was also killed.",
    )
    assert len(victim) == 1, [e.evidence.text for e in victim]
    other = assaults(
        code_text,
        "Gunmen attacked a police post in Kunduz on Monday, the ministry said. Rebels also "
        "attacked a checkpoint near Herat.",
    )
    assert len(other) == 2


@pytest.mark.slow
def test_a_claim_that_carried_out_the_attack_is_a_mention_of_it(code_text) -> None:
    found = assaults(
        code_text,
        "Armed men attacked a market near Kassala on Thursday, killing five traders, local "
        "officials said.\n\n"
        "The Sylvanian Liberation Front said in a statement that its fighters had carried out "
        "the attack.",
    )
    assert len(found) == 1, [e.evidence.text for e in found]
    assert len(found[0].mentions) == 2


@pytest.mark.slow
def test_a_quote_retelling_the_act_of_the_same_force_is_one_incident(code_text) -> None:
    found = assaults(
        code_text,
        "Police in Oslo beat students with batons on Tuesday as thousands marched against "
        "tuition fees, witnesses said.\n\n"
        '"The police beat them like animals," said Ana Ruiz, a union spokeswoman.',
    )
    assert len(found) == 1, [e.evidence.text for e in found]
    assert [r.text for r in found[0].recipient] == ["students"]


def test_acts_of_force_told_together_on_the_same_people_are_one_incident(code_text) -> None:
    events = code_text(
        "The militia said it had captured and killed four soldiers near Kassala on Monday.",
        published="2024-05-07",
    ).events
    assert [e.event for e in events] == ["ASSAULT"]
    apart = code_text(
        "Police arrested 20 protesters in Lyon and fired tear gas at the crowd.",
        published="2024-05-07",
    ).events
    assert sorted(e.event for e in apart) == ["ASSAULT", "COERCE"]


def test_a_definite_mention_with_modifiers_refers_back_when_it_names_the_party(code_text) -> None:
    events = code_text(
        "Sylvanian troops launched an incursion into Kassala province on Monday, officials "
        "said. Ana Ruiz, who said she supported the Sylvanian incursion, added that the "
        "province was theirs.",
        published="2024-05-07",
    ).events
    assert [e.event for e in events if e.event == "ASSAULT"] == ["ASSAULT"]
    apart = code_text(
        "Gunmen attacked a police post in Kassala on Monday. In the north, officials said "
        "the Kunduz attack had killed two guards.",
        published="2024-05-07",
    ).events
    assert len([e for e in apart if e.event == "ASSAULT"]) == 2


def test_what_was_seized_in_an_attack_is_part_of_it(code_text) -> None:
    events = code_text(
        'The militia said it had killed "dozens" of soldiers and captured two armoured '
        "vehicles near Kassala on Sunday.",
        published="2024-05-07",
    ).events
    assert [e.event for e in events] == ["ASSAULT"]


def test_things_seized_after_an_attack_told_at_length_are_its_spoils(code_text) -> None:
    told = code_text(
        "The army said on Wednesday that its soldiers had killed 17 militants in heavy "
        "fighting around the village of Kanyole on Tuesday and seized a cache of weapons.",
        published="2024-05-09",
    ).events
    assert [e.event for e in told] == ["ASSAULT"]
    assert all("weapons" not in a.text for e in told for a in e.recipient)
    # people detained in a raid are an arrest of their own, not spoils
    raid = code_text(
        "Security forces raided the Kanyole district of Garissa on Thursday and detained "
        "about 600 migrants, the ministry said.",
        published="2024-05-09",
    ).events
    assert sorted(e.event for e in raid) == ["ASSAULT", "COERCE"]


RETOLD = (
    "KASSALA, May 3 (Wire) - Gunmen killed six farmers near Kassala on Friday, police said.\n\n"
    "The district commissioner said the area had been calm for months.\n\n"
    "Militiamen on motorbikes surrounded the fields and shot the workers, a survivor told "
    "reporters."
)


def test_a_retelling_no_rule_ties_joins_its_incident_by_the_link_model() -> None:
    from flashpoint.pipeline import Pipeline, PipelineOptions
    from flashpoint.stages import clean, incidents
    from flashpoint.stages.read import RawDocument

    pipeline = Pipeline(PipelineOptions(screen_records=False, merge_incidents=False))
    raw = RawDocument(name="x", text=RETOLD, meta={"id": "x", "published": "2025-05-04"})
    (analyzed,) = pipeline.analyze([clean.build_article(raw)])
    pipeline.extract(analyzed)
    shootings = [e for e in analyzed.events if e.event == "ASSAULT"]
    assert len(shootings) == 2  # the stage was off: two mentions
    text = analyzed.article.text
    # no rule ties them ("Militiamen" is not "Gunmen", neither mention names the other's place)
    assert len(incidents.group_events(shootings, text, model=None)) == 2
    model = incidents.load_link_model()
    assert model is not None
    (one,) = incidents.group_events(shootings, text, model)
    assert len(one.members) == 2
    # a model that finds no pair likely leaves them apart
    never = LinearModel({}, bias=-5.0, threshold=model.threshold)
    assert len(incidents.group_events(shootings, text, never)) == 2


def test_the_shipped_link_model_is_rebuilt_from_the_kept_pairs(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from flashpoint import incident_train
    from flashpoint.resources import data_path
    from flashpoint.stages import incidents

    rebuilt = tmp_path / "links.json"
    incident_train.train(incident_train.read_rows(incident_train.FEATURES_FILE), rebuilt)
    shipped = json.loads(Path(data_path(incidents.LINK_MODEL_FILE)).read_text())
    again = json.loads(rebuilt.read_text())
    assert again["features"] == shipped["features"]
    assert again["threshold"] == shipped["threshold"]
    assert again["weights"] == pytest.approx(shipped["weights"], abs=1e-5)


def test_a_rejected_accusation_targets_the_accuser(code_text) -> None:
    events = code_text(
        "Sylvania's foreign ministry accused Kassala of arming rebels in the border province on "
        "Monday.\n\nKassala's government rejected the accusation on Tuesday as baseless.\n\n"
        "Its defence ministry also denied that its troops had crossed the border.",
        published="2024-05-07",
    ).events
    rejections = [e for e in events if e.event == "REJECT"]
    assert rejections, [(e.event, e.evidence.text) for e in events]
    for rejection in rejections:
        assert [r.code for r in rejection.recipient] == ["SYL"] or [
            r.text for r in rejection.recipient
        ] == ["Sylvania's foreign ministry"], rejection
    # Calls in general refer back to no one.
    alone = code_text(
        "Ana Ruiz accused Kassala's police of abuses. The minister rejected calls for an inquiry.",
        published="2024-05-07",
    ).events
    assert all(not e.recipient for e in alone if e.event == "REJECT")


def test_a_denied_claim_of_an_act_targets_whoever_claimed_it(code_text) -> None:
    # The claim is a report ("Norway said Swedish troops fired"), not an accusation: the one
    # who reported it is the target of the denial, also under "what it called accusations".
    events = code_text(
        "Norway's defence ministry said on Monday that Swedish troops had fired on its border "
        "posts near Kiruna, wounding two soldiers.\n\nSweden's defence ministry denied the "
        "claim within hours, calling it disinformation. Sweden also rejected what it called "
        '"unfounded accusations".',
        published="2026-03-04",
    ).events
    rejections = [e for e in events if e.event == "REJECT"]
    assert len(rejections) == 2, [(e.event, e.evidence.text) for e in events]
    for rejection in rejections:
        assert [r.code for r in rejection.recipient] == ["NOR"], rejection
    # a rebel group of the same country is another side: its denial is not the army's
    events = code_text(
        "Residents said soldiers shot dead four traders near Kassala on Monday. The rebels "
        "denied the claim.",
        published="2026-03-04",
    ).events
    assert all(not e.recipient for e in events if e.event == "REJECT")


def test_a_condemned_act_or_a_demanded_release_targets_whoever_did_it(code_text) -> None:
    events = code_text(
        "Gunmen killed six farmers in the village of Bakassi on Monday, police said.\n\nIn "
        "Garissa, soldiers shot dead two men at a checkpoint on Sunday.\n\nThe governor of "
        "Kassala condemned "
        "the attack and urged the army to protect the villages.\n\nPolice arrested two "
        "journalists in Kassala on Tuesday. The Sylvania Press Union condemned the arrests and "
        "demanded their immediate release.",
        published="2025-03-05",
    ).events
    by_speaker = {(e.event, e.actor[0].text): e for e in events if e.actor}
    # the lede's attack, not the shooting told after it
    condemned = by_speaker[("ACCUSE", "The governor of Kassala")]
    assert [r.text for r in condemned.recipient] == ["Gunmen"], condemned
    for kind in ("ACCUSE", "REQUEST"):
        union = by_speaker[(kind, "The Sylvania Press Union")]
        assert [r.text for r in union.recipient] == ["Police"], union
    # an indefinite object names no act told before
    general = code_text(
        "Police arrested two journalists in Kassala on Tuesday. Ana Ruiz condemned attacks on "
        "the press in general.",
        published="2025-03-05",
    ).events
    assert all(not e.recipient for e in general if e.event == "ACCUSE"), general


def test_last_week_is_news_and_another_week_another_incident(code_text) -> None:
    events = code_text(
        "Gunmen killed five villagers in Kassala on Monday, police said. Last week, gunmen "
        "killed three farmers near Kassala. Soldiers arrested two men in Garissa last night. "
        "Rebels attacked the town last year.",
        published="2025-03-12",
    ).events
    attacks = [e for e in events if e.event == "ASSAULT"]
    by_target = {r.text: e for e in attacks for r in e.recipient}
    # two weeks, two incidents, and last week's is the news, not its history
    assert by_target["five villagers"] is not by_target["three farmers"]
    assert not by_target["three farmers"].background
    (arrest,) = [e for e in events if e.event == "COERCE"]
    assert not arrest.background
    assert any(e.background for e in attacks if e.date and e.date.year == 2024)


def test_people_named_by_their_sector_are_of_the_country_where_it_happened(code_text) -> None:
    events = code_text(
        "Gunmen killed at least eight civilians in the town of Garissa on Monday, police said.",
        published="2024-05-07",
    ).events
    (attack,) = [e for e in events if e.event == "ASSAULT"]
    assert attack.event_loc is not None and attack.event_loc.country == "KEN"
    assert [(r.code, r.sector) for r in attack.recipient] == [("KEN", "CVL")]
    # Unidentified armed men are no country's.
    assert [a.code for a in attack.actor] == [None]


def test_the_dead_of_a_fight_told_alone_are_no_recipient(code_text) -> None:
    events = code_text(
        "Rebels clashed with soldiers near Kassala on Monday, the army said.\n\n"
        "At least 27 soldiers were killed in the fighting, local officials said.",
        published="2024-05-07",
    ).events
    fights = [e for e in events if e.event == "ASSAULT"]
    assert fights and all(e.recipient == [] for e in fights), [
        (e.evidence.text, [r.text for r in e.recipient]) for e in fights
    ]


def test_a_mention_opening_with_later_is_marked_a_sequel() -> None:
    from flashpoint.pipeline import Pipeline, PipelineOptions
    from flashpoint.stages import clean, incidents
    from flashpoint.stages.read import RawDocument

    text = (
        "KASSALA, May 3 (Wire) - Gunmen killed six farmers near Kassala on Friday, police said.\n\n"
        "Hours later, militiamen shelled army positions in the hills, the army said."
    )
    pipeline = Pipeline(PipelineOptions(screen_records=False, merge_incidents=False))
    raw = RawDocument(name="x", text=text, meta={"id": "x", "published": "2025-05-04"})
    (analyzed,) = pipeline.analyze([clean.build_article(raw)])
    pipeline.extract(analyzed)
    seen: list[dict[str, float]] = []
    incidents.group_events(
        analyzed.events, analyzed.article.text, None, lambda _i, _e, values: seen.append(values)
    )
    assert seen and all(values.get("sequel") == 1.0 for values in seen)


def test_an_answer_to_an_attack_is_the_answering_sides_own_incident(code_text) -> None:
    text = (
        "Rescuers said 40 people were killed in shelling of Kunduz on Tuesday.\n\n"
        "Rebel groups responded with a wave of rocket fire on the city's airport, killing "
        "six soldiers."
    )
    found = assaults(code_text, text)
    assert len(found) == 2, [(e.evidence.text, [a.text for a in e.actor]) for e in found]
    assert [a.text for a in found[1].actor] == ["Rebel groups"]


def test_the_end_of_an_attack_told_with_it_is_no_retreat_of_its_own(code_text) -> None:
    for text in (
        "In 2021 gunmen abducted 27 schoolgirls from a school in Kunduz; they were freed "
        "days later.",
        "Gunmen stormed a police station in Garissa on Monday and released the prisoners "
        "before withdrawing.",
    ):
        kinds = [e.event for e in code_text(text, published=PUBLISHED).events]
        assert "ASSAULT" in kinds and "RETREAT" not in kinds, (text, kinds)
    # a withdrawal told apart from any attack stays a retreat
    kinds = [
        e.event
        for e in code_text("The army withdrew from Kassala on Monday.", published=PUBLISHED).events
    ]
    assert kinds == ["RETREAT"]


def test_the_states_own_people_named_with_no_country_serve_the_articles_state(code_text) -> None:
    # "the government", "security forces" in a story set in Kenya are Kenya's; an armed group
    # named with no country takes none from it
    events = code_text(
        "GARISSA, Kenya - Gunmen killed four traders in Garissa on Monday, police said.\n\n"
        "On Tuesday security forces arrested six suspects in Garissa and Dadaab.\n\n"
        "The government condemned the attack and vowed to pursue the gunmen.",
        published="2026-03-04",
    ).events
    state = [a for e in events for a in e.actor if a.sector in ("GOV", "MIL", "COP")]
    assert state, [(e.event, e.actor) for e in events]
    assert all(a.code == "KEN" for a in state), state
    # with incidents in two countries alike, no state is assumed
    events = code_text(
        "Security forces arrested six people in Garissa on Monday.\n\n"
        "Police arrested five people in Lyon on Tuesday.\n\n"
        "The government condemned the violence.",
        published="2026-03-04",
    ).events
    government = [a for e in events for a in e.actor if a.text == "The government"]
    assert government, [(e.event, e.actor) for e in events]
    assert all(a.code is None for a in government), government


def test_a_separate_attack_told_as_the_subject_is_another_incident(code_text) -> None:
    # "A separate air strike on Monday afternoon hit": the word is on the verb's subject, far
    # from the verb; the strike's own killing, told in the same sentence after it, stays with it
    events = code_text(
        "Aircraft bombed three villages near Kassala on Monday, killing seven civilians, "
        "residents said.\n\nA separate air strike on Monday afternoon hit a clinic in Kassala, "
        "killing two nurses, the charity that runs it said.",
        published="2026-03-06",
    ).events
    assaults = [e for e in events if e.event == "ASSAULT"]
    assert len(assaults) == 2, [(e.recipient, e.mentions) for e in assaults]
    clinic = [e for e in assaults if any("clinic" in r.text for r in e.recipient)]
    assert len(clinic) == 1 and clinic[0].size and clinic[0].size.dead == 2
    # "..., and a second attack killed nine more": two incidents in one sentence
    events = code_text(
        "Rebels killed at least 22 civilians in the village of Kanyole on Saturday night, "
        "officials said, and a second attack in a neighbouring district killed nine more "
        "people on Tuesday.",
        published="2026-03-06",
    ).events
    tolls = sorted(e.size.dead for e in events if e.event == "ASSAULT" and e.size)
    assert tolls == [9, 22], [(e.event, e.size, e.mentions) for e in events]


def test_armed_people_moving_in_to_attack_are_part_of_the_attack(code_text) -> None:
    entered = code_text(
        "The soldiers entered the village of Kanyole on Saturday night and shot two men.",
        published="2024-05-01",
    ).events
    assert [e.event for e in entered] == ["ASSAULT"]
    ambush = code_text(
        "Armed men ambushed a UN patrol near Kanyole, killing one peacekeeper.",
        published="2024-05-01",
    ).events
    assert [e.event for e in ambush] == ["ASSAULT"]
    assert [a.text for a in ambush[0].actor] == ["Armed men"]
    # a deployment and a curfew are two measures, not one act
    measures = code_text(
        "The army sent reinforcements from Garissa and declared a night-time curfew.",
        published="2024-05-01",
    ).events
    assert sorted(e.event for e in measures) == ["COERCE", "MOBILIZE"]


GUARDIAN_DEV = (
    Path(__file__).resolve().parents[2] / "shared" / "gold" / "articles_guardian_dev.jsonl"
)


@pytest.mark.skipif(not GUARDIAN_DEV.exists(), reason="the development gold sits beside the repo")
def test_whole_articles_meet_the_incident_targets_on_the_development_set(pipeline) -> None:
    """Issue 16's targets on the 20 Guardian articles (../shared/gold). Development figures,
    read while fixing errors: a guard against regressions, not a measure of unseen text."""
    scores, _verdicts = evaluate_articles(GUARDIAN_DEV, pipeline)
    assert scores["precision"] >= 0.75 and scores["duplicate_share"] <= 0.05
    assert scores["key_recall"] >= 0.80 and scores["key_triple"] >= 0.55
    assert scores["key_place"] >= 0.70 and scores["key_date"] >= 0.85
    assert scores["key_toll"] >= 0.70 and scores["all_fields"] >= 0.35
