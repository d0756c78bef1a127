"""Quotes: each quoting pattern on short texts of our own, the example article, the evaluator
and the commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashpoint.cli import app
from flashpoint.errors import DataError
from flashpoint.evaluate.quotes import SCORE_KEYS, offset_map, spans_match
from flashpoint.model import Quote
from flashpoint.stages import clean
from flashpoint.stages.quotes import load_cues, scan_paragraph

runner = CliRunner()


def quotes_of(code_text, text: str) -> list[Quote]:
    return code_text(text, published="2024-03-02T10:00:00").quotes


def starting(quotes: list[Quote], words: str) -> Quote:
    found = [q for q in quotes if q.text.startswith(words)]
    assert found, f"no quote starting {words!r} in {[q.text for q in quotes]}"
    return found[0]


def speaker_text(quote: Quote) -> str:
    assert quote.speaker is not None, f"no speaker for {quote.text!r}"
    return quote.speaker.text


# --- quote marks, no parsing ------------------------------------------------------------------


def test_marks_pair_straight_and_curly_quotes() -> None:
    text = 'He said "yes" and she said “no, never.” Then: "maybe'
    pieces = scan_paragraph(text, 0, len(text), 0)
    assert [text[p.start : p.end] for p in pieces] == ["yes", "no, never.", "maybe"]
    assert pieces[-1].close_mark is None  # runs on past the paragraph end


def test_quote_left_open_in_flattened_text_is_cut() -> None:
    text = 'It said: "' + "The talks went on for hours. " * 100
    (piece,) = scan_paragraph(text, 0, len(text), 0)
    assert piece.close_mark is None
    assert piece.end - piece.start <= 1200
    assert text[piece.start : piece.end].endswith("hours.")


def test_markup_attributes_are_not_quotes() -> None:
    text = '<tweet author="someone" id="12">We are ready</tweet>'
    assert scan_paragraph(text, 0, len(text), 0) == []


# --- direct quotes ------------------------------------------------------------------------------


def test_direct_quote_with_cue_after(code_text) -> None:
    (quote,) = quotes_of(
        code_text, '"We will not retreat one metre," the defence minister said on Monday.'
    )
    assert quote.kind == "direct" and quote.text == "We will not retreat one metre"
    assert speaker_text(quote) == "the defence minister"
    assert quote.cue is not None and quote.cue.text == "said"


def test_direct_quote_in_curly_marks_with_cue_before(code_text) -> None:
    (quote,) = quotes_of(
        code_text, "The governor told reporters: “The curfew stays in place until further notice.”"
    )
    assert quote.kind == "direct"
    assert quote.text.startswith("The curfew stays")
    assert speaker_text(quote) == "The governor"
    assert quote.medium == "reporters"


def test_quote_split_around_its_cue_is_one_quote(code_text) -> None:
    quotes = quotes_of(
        code_text, "“This decision,” Ambassador Maria Lopez said, “is a grave and costly mistake.”"
    )
    (quote,) = [q for q in quotes if q.kind == "direct"]
    assert [p.text for p in quote.parts] == ["This decision", "is a grave and costly mistake."]
    assert "Maria Lopez" in speaker_text(quote)


def test_quote_running_over_paragraphs(code_text) -> None:
    text = (
        "The mayor spoke after the floods.\n\n"
        '"We have lost too many people," said Ahmed Khalil, the mayor of the town. '
        '"The city needs water and power now.\n\n'
        '"Without them, more families will leave before the winter."'
    )
    quotes = quotes_of(code_text, text)
    running = starting(quotes, "The city needs water")
    assert len(running.parts) == 2
    assert running.parts[1].text.startswith("Without them")
    assert "Ahmed Khalil" in speaker_text(running)


def test_partial_quote_inside_a_sentence(code_text) -> None:
    quotes = quotes_of(
        code_text,
        'The foreign ministry condemned what it described as "a cowardly attack on civilians."',
    )
    quote = starting(quotes, "a cowardly attack")
    assert quote.kind == "partial"
    assert speaker_text(quote) in ("it", "The foreign ministry")


def test_scare_quotes_are_not_speech(code_text) -> None:
    quotes = quotes_of(
        code_text,
        'The so-called "peace plan" was never published, and the "experts" have gone quiet.',
    )
    assert quotes == []


def test_colon_after_the_speaker_is_the_cue(code_text) -> None:
    (quote,) = quotes_of(
        code_text,
        "The hearing turned tense in the afternoon, when the questioning began in earnest.\n\n"
        'Rep. Jane Porter (D-Ohio): "Who told you that ninety percent of the records were kept?"',
    )
    assert quote.kind == "direct"
    assert "Jane Porter" in speaker_text(quote)
    assert quote.cue is not None and quote.cue.text == ":"


def test_cue_in_the_sentence_before(code_text) -> None:
    quotes = quotes_of(
        code_text,
        'Professor Lena Ortiz disagreed. "Sanctions have never toppled a government like this one."',
    )
    quote = starting(quotes, "Sanctions have never")
    assert "Lena Ortiz" in speaker_text(quote)
    assert quote.cue is not None and quote.cue.text == "disagreed"


def test_uncued_quote_continues_the_speaker_before_it(code_text) -> None:
    quotes = quotes_of(
        code_text,
        '"We condemn this attack in the strongest terms," the president said. '
        '"Those responsible will be found and punished."',
    )
    second = starting(quotes, "Those responsible")
    assert second.cue is None
    assert speaker_text(second) == "the president"


# --- indirect speech ----------------------------------------------------------------------------


def test_said_that_is_indirect(code_text) -> None:
    (quote,) = quotes_of(
        code_text,
        "The army spokesman said that the convoy had been ambushed near the border.",
    )
    assert quote.kind == "indirect"
    assert quote.text.startswith("that the convoy")
    assert speaker_text(quote) == "The army spokesman"


def test_told_outlet_that_keeps_the_medium(code_text) -> None:
    (quote,) = quotes_of(
        code_text, "A police official told Reuters that three protesters were arrested."
    )
    assert quote.kind == "indirect"
    assert speaker_text(quote) == "A police official"
    assert quote.medium == "Reuters"
    assert quote.medium_span is not None and quote.medium_span.text == "Reuters"


def test_according_to(code_text) -> None:
    (quote,) = quotes_of(
        code_text, "According to the health ministry, twelve people were killed in the strike."
    )
    assert quote.kind == "indirect"
    assert speaker_text(quote) == "the health ministry"
    assert quote.text.startswith("twelve people were killed")


# --- speakers -----------------------------------------------------------------------------------


def test_surname_takes_the_full_mention_introduced_earlier(code_text) -> None:
    text = (
        "Interior Minister Karim Haddad announced new checkpoints on Tuesday.\n\n"
        '"Security comes before everything else," Haddad said.'
    )
    quote = starting(quotes_of(code_text, text), "Security comes")
    assert "Karim Haddad" in speaker_text(quote)
    assert quote.speaker_mention is not None and quote.speaker_mention.text == "Haddad"


def test_pronoun_takes_the_speaker_named_before(code_text) -> None:
    text = (
        '"We will appeal," opposition leader Anna Petrova said outside the court.\n\n'
        '"This verdict is political and everyone knows it," she added.'
    )
    quote = starting(quotes_of(code_text, text), "This verdict")
    assert "Anna Petrova" in speaker_text(quote)
    assert quote.speaker_mention is not None and quote.speaker_mention.text == "she"


def test_speaker_of_a_long_title_phrase_the_parse_leaves_without_subject(code_text) -> None:
    text = (
        "In a statement released by the presidency, army spokesperson Colonel Omar Farouk "
        'denounced the shelling as "a flagrant violation of the truce."'
    )
    quote = starting(quotes_of(code_text, text), "a flagrant violation")
    assert speaker_text(quote).endswith("Colonel Omar Farouk")
    assert "presidency" not in speaker_text(quote)
    assert quote.medium is not None and quote.medium.startswith("a statement")


def test_affiliation_of_a_spokesperson(code_text) -> None:
    (quote,) = quotes_of(
        code_text,
        '"Our fighters will respond," a spokesman for the Free Mountain Brigade told the BBC.',
    )
    assert speaker_text(quote) == "a spokesman for the Free Mountain Brigade"
    assert quote.affiliation is not None and "Free Mountain Brigade" in quote.affiliation.text
    assert quote.medium == "the BBC"


# --- the example article ------------------------------------------------------------------------

# (beginning of the quote, words of the speaker's phrase, cue or None for a continuation)
EXPECTED = [
    ("We know who carried out", "spokesperson for the Nujaba Movement", "told"),
    ("a blatant aggression", "Major General", "decried"),
    ("This act resulted in casualties", "Major General", "said"),
    ("The Iraqi Armed Forces hold", "Major General", None),
    ("This action undermines", "Major General", "added"),
    ("We view this action", "Major General", "said"),
    ("the competent authorities", "representative of the Popular Mobilization Forces", "told"),
    ("strong condemnation of the blatant attack", "the Iraqi Foreign Ministry", "expressed"),
    ("We affirm that Iraq reserves", "the Iraqi Foreign Ministry", "stated"),
    ("defensive coalition", "John Kirby", "insisted"),
    ("If you look at the action", "senior Biden administration official", "said"),
    ("We're also going to do so", "senior Biden administration official", None),
]


@pytest.mark.parametrize(("begins", "speaker", "cue"), EXPECTED)
def test_example_quotes_have_their_speakers(example_result, begins, speaker, cue) -> None:
    quote = starting([q for q in example_result.quotes if q.kind != "indirect"], begins)
    assert speaker in speaker_text(quote)
    assert (quote.cue.text if quote.cue else None) == cue


def test_example_speaker_spans_and_mentions(example_result) -> None:
    text = example_result.article.text
    rasool = starting(example_result.quotes, "This act resulted")
    assert rasool.speaker is not None and rasool.speaker_mention is not None
    assert text[rasool.speaker.start : rasool.speaker.end] == rasool.speaker.text
    assert rasool.speaker_mention.text == "Rasool"
    assert "Rasool" in rasool.speaker.text and "Armed Forces" in rasool.speaker.text
    nujaba = starting(example_result.quotes, "We know who carried out")
    assert nujaba.medium == "Newsweek"
    assert nujaba.affiliation is not None and nujaba.affiliation.text == "the Nujaba Movement"
    statement = starting(example_result.quotes, "We view this action")
    assert statement.medium == "his statement"


def test_example_no_quote_outside_the_body(example_result) -> None:
    article = example_result.article
    assert example_result.quotes
    for quote in example_result.quotes:
        for part in quote.parts:
            assert article.kind_at(part.start) == "body", part.text
            assert text_at(article.text, part) == part.text
    assert not any(
        "Islamic Resistance" in q.text for q in example_result.quotes if q.kind != "indirect"
    )


def text_at(text: str, span) -> str:
    return text[span.start : span.end]


def test_example_events_in_quotes_point_to_them(example_result) -> None:
    by_id = {q.id: q for q in example_result.quotes}
    linked = [e for e in example_result.events if e.quote_id]
    assert linked
    for event in linked:
        quote = by_id[event.quote_id]
        assert event.id in quote.event_ids
        trigger = event.trigger or event.evidence
        assert any(p.start <= trigger.start and trigger.end <= p.end for p in quote.parts)
        assert event.claimed_by is not None
    threat = starting(example_result.quotes, "We know who carried out")
    assert threat.event_ids


# --- the cue lists ------------------------------------------------------------------------------


def test_user_cue_file_adds_words(tmp_path: Path) -> None:
    extra = tmp_path / "cues.yaml"
    extra.write_text("speech_verbs: [harangue]\nphrasal_cues:\n  bang: [on]\n", encoding="utf-8")
    cues = load_cues([extra])
    assert "harangue" in cues.speech_verbs and "say" in cues.speech_verbs
    assert cues.phrasal_cues["bang"] == frozenset({"on"})


def test_broken_cue_file_is_a_clear_error(tmp_path: Path) -> None:
    extra = tmp_path / "cues.yaml"
    extra.write_text("speach_verbs: [say]\n", encoding="utf-8")
    with pytest.raises(DataError, match="unknown key 'speach_verbs'"):
        load_cues([extra])


# --- the evaluator ------------------------------------------------------------------------------


def test_offset_map_undoes_normalisation() -> None:
    original = "  \ufeffHe said\u00a0“yes”\r\n\r\nand left."
    normalised = clean.normalize_text(original)
    mapping = offset_map(original, normalised)
    start = normalised.index("yes")
    assert original[mapping[start] : mapping[start + 3]] == "yes"
    assert mapping[len(normalised)] == len(original.rstrip())


def test_spans_match_half_of_the_shorter() -> None:
    assert spans_match([(0, 10)], [(5, 40)])
    assert not spans_match([(0, 10)], [(6, 40)])
    assert spans_match([(0, 10), (20, 30)], [(0, 30)])


def gold_line(text: str, quotes: list[dict]) -> str:
    return json.dumps({"text": text, "published": "2024-01-01", "quotes": quotes})


def test_eval_quotes_json(tmp_path: Path) -> None:
    text = '"The talks have failed completely," the negotiator said after the meeting.'
    start = text.index("The talks") - 1
    end = text.index('," the') + 2
    speaker_start = text.index("the negotiator")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        gold_line(
            text,
            [
                {
                    "text": text[start:end],
                    "spans": [[start, end]],
                    "speaker": "the negotiator",
                    "speaker_spans": [[speaker_start, speaker_start + 14]],
                    "cue": "said",
                    "direct": True,
                }
            ],
        )
        + "\n{broken\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["eval-quotes", str(gold), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout.strip().splitlines()[-1])
    assert tuple(scores) == SCORE_KEYS
    assert scores["n"] == 1
    assert scores["direct_f1"] == 1.0 and scores["speaker_accuracy"] == 1.0
    assert "invalid JSON" in result.stderr


def test_eval_quotes_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval-quotes", str(tmp_path / "nope.jsonl")])
    assert result.exit_code != 0
    assert "no such file" in result.output


# --- flashpoint quotes --------------------------------------------------------------------------


def test_quotes_command_lists_and_filters(tmp_path: Path, example_path: Path) -> None:
    db = tmp_path / "fp.db"
    assert runner.invoke(app, ["run", str(example_path), "--db", str(db)]).exit_code == 0
    listed = runner.invoke(app, ["quotes", "--db", str(db), "--json"])
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert any(r["text"].startswith("We know who carried out") for r in rows)
    assert {"id", "text", "start", "end", "kind", "speaker", "cue", "medium", "event_ids"} <= set(
        rows[0]
    )
    partial = runner.invoke(app, ["quotes", "--db", str(db), "--kind", "partial", "--json"])
    assert {json.loads(line)["kind"] for line in partial.stdout.splitlines()} == {"partial"}
    table = runner.invoke(app, ["quotes", "--db", str(db)])
    assert table.exit_code == 0 and "quotes" in table.stdout
    nobody = runner.invoke(app, ["quotes", "--db", str(db), "--speaker", "ZZZ"])
    assert nobody.exit_code == 0 and "no quotes match" in nobody.stdout
    bad = runner.invoke(app, ["quotes", "--db", str(db), "--kind", "rumour"])
    assert bad.exit_code != 0 and "not one of" in bad.output


# --- links to events ----------------------------------------------------------------------------


def test_link_events_gives_the_quote_speaker(tmp_path: Path) -> None:
    from flashpoint.analysis import AnalyzedArticle
    from flashpoint.model import Actor, Article, Event, Span
    from flashpoint.stages.quotes import link_events

    text = '"We will destroy their bases," said the rebel commander.'
    article = Article(id="a1", text=text)
    speaker = Actor(text="the rebel commander", start=36, end=55)
    quote = Quote(
        id="q1",
        article_id="a1",
        text="We will destroy their bases",
        start=1,
        end=28,
        kind="direct",
        speaker=speaker,
        parts=[Span(text="We will destroy their bases", start=1, end=28)],
    )

    def event(trigger_start: int, trigger_end: int) -> Event:
        return Event(
            id=f"e{trigger_start}",
            article_id="a1",
            event="ASSAULT",
            actor=[Actor(text="We", start=1, end=3)],
            quad_code=4,
            event_scale=-9.0,
            confidence=0.8,
            evidence=Span(text=text, start=0, end=len(text)),
            trigger=Span(
                text=text[trigger_start:trigger_end], start=trigger_start, end=trigger_end
            ),
        )

    inside, outside = event(9, 16), event(31, 35)
    analyzed = AnalyzedArticle(
        article=article, segments=[], events=[inside, outside], quotes=[quote]
    )
    link_events(analyzed)
    assert inside.quote_id == "q1" and quote.event_ids == ["e9"]
    assert inside.claimed_by == speaker
    assert [a.text for a in inside.actor] == ["the rebel commander"]
    assert outside.quote_id is None and outside.claimed_by is None
