"""Bounded cost per article: text is cut into pieces spaCy can take whatever its layout, spaCy
gets a bounded number of characters at a time, an article too long to parse is skipped with its
reason before it is parsed, and one whose extraction runs past its time budget is stored as
failed with the stage it reached. Every span still indexes the article's text."""

from __future__ import annotations

import resource
import time

import pytest

from flashpoint.model import Article
from flashpoint.pipeline import OVER_TIME, TOO_LONG
from flashpoint.stages import clean, nlp
from flashpoint.stages.read import RawDocument

SENTENCES = (
    "An Iraqi militia threatened the United States on Thursday after a drone strike in Baghdad"
    " killed at least four people, including a commander of the group. "
    "The Pentagon said the strike was an act of self-defence and that no civilians were hurt. "
    "Iraq's Foreign Ministry called the attack a dangerous escalation and summoned diplomats. "
)


def article(text: str) -> Article:
    return clean.build_article(RawDocument(name="synthetic", text=text, meta={}))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def assert_pieces_cover(item: Article) -> None:
    spans = nlp.segment_spans(item)
    assert spans and all(end - start <= nlp.MAX_SEGMENT_CHARS for _, start, end in spans)
    covered = "".join(item.text[start:end] for _, start, end in spans)
    assert "".join(covered.split()) == "".join(
        item.text[p.start : p.end] for p in item.parts if p.kind in nlp.PARSED_PARTS
    ).replace(" ", "").replace("\n", "").replace("\t", "")


@pytest.mark.parametrize(
    "text",
    [
        SENTENCES * 4000,  # 1 MB, no paragraph break
        "militia " * 120_000,  # one giant sentence, no punctuation
        "x" * 60_000 + " end.",  # one 60,000-character word
        "\n".join(" ".join(f"{i * j % 997}.{j}" for j in range(12)) for i in range(6000)),
    ],
    ids=["no-breaks", "one-sentence", "one-word", "table-of-numbers"],
)
def test_any_layout_is_cut_into_pieces(text: str) -> None:
    item = article(text)
    assert_pieces_cover(item)


def test_spacy_gets_a_bounded_number_of_characters_at_a_time() -> None:
    texts = [("x" * 9000, (0, i)) for i in range(20)] + [("short", (1, 0))] * 100
    batches = list(nlp._batches(iter(texts), 64))
    assert [key for batch in batches for _, key in batch] == [key for _, key in texts]
    assert all(
        sum(len(t) for t, _ in batch) <= nlp.MAX_BATCH_CHARS or len(batch) == 1 for batch in batches
    )
    assert all(len(batch) <= 64 for batch in batches)


def test_a_1mb_article_with_no_breaks_is_skipped_quickly_with_its_reason(pipeline) -> None:
    pipeline.nlp  # noqa: B018 (loaded before measuring)
    before = peak_rss_mb()
    started = time.monotonic()
    text = (SENTENCES * 3000)[:1_000_000]
    (result,) = list(pipeline.process([article(text)]))
    elapsed = time.monotonic() - started
    assert result.article.status == "skipped" and not result.events
    assert result.article.status_reason.startswith(TOO_LONG)
    # the characters it would parse: its sentences (cut into paragraphs), not the spaces between
    parsed = sum(p.end - p.start for p in result.article.parts if p.kind == "body")
    assert f"{parsed:,} characters" in result.article.status_reason
    assert parsed > 0.95 * len(result.article.text)
    assert elapsed < 30  # it took 131 s (67 s of CPU) to code
    assert peak_rss_mb() - before < 300  # and 2.2 GB


def test_a_long_article_with_no_breaks_is_coded_in_pieces_with_valid_offsets(
    rules_pipeline,
) -> None:
    pipeline = rules_pipeline  # the same sentence 120 times: the screen would keep few
    text = SENTENCES * 120  # 35,000 characters in one paragraph
    pipeline.nlp  # noqa: B018
    before = peak_rss_mb()
    started = time.monotonic()
    (result,) = list(pipeline.process([article(text)]))
    assert time.monotonic() - started < 60
    assert peak_rss_mb() - before < 500
    assert result.article.status == "coded" and result.events
    assert len(nlp.segment_spans(result.article)) >= 4
    checked = 0

    def check(node: object) -> None:
        nonlocal checked
        if isinstance(node, dict):
            if {"text", "start", "end"} <= node.keys() and isinstance(node["start"], int):
                assert result.article.text[node["start"] : node["end"]] == node["text"]
                checked += 1
            for value in node.values():
                check(value)
        elif isinstance(node, list):
            for value in node:
                check(value)

    check(result.model_dump(exclude={"article"}))
    assert checked > len(result.events)


def test_an_article_past_its_time_budget_is_failed_with_the_stage_reached(
    pipeline, example_path, monkeypatch
) -> None:
    monkeypatch.setattr(pipeline.options, "article_seconds", 0.0)
    (result,) = list(pipeline.run([str(example_path)]))
    assert result.article.status == "failed" and not result.events
    assert result.article.status_reason.startswith(OVER_TIME)
    assert "stopped after the actors stage" in result.article.status_reason


def test_the_summary_counts_skipped_kinds_not_articles(tmp_path) -> None:
    from typer.testing import CliRunner

    from flashpoint.cli import app

    big = tmp_path / "big.txt"
    big.write_text(SENTENCES * 4000)
    other = tmp_path / "other.txt"
    other.write_text("The council met on Monday to discuss the city's budget. " * 25_000)
    result = CliRunner().invoke(app, ["ingest", "--db", str(tmp_path / "b.db"), str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "2 articles read, 0 coded, 0 events, 2 too long to code" in result.stderr
