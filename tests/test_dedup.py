"""Reposts are folded: planted reposts built from the corpus, clusters kept across runs."""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

from flashpoint.evaluate.dedup import make_repost, plant_reposts, score
from flashpoint.model import Article, Part
from flashpoint.stages import clean
from flashpoint.stages.dedup import (
    DedupOptions,
    DuplicateFinder,
    MemoryIndex,
    body_words,
    signature,
    similarity,
)
from flashpoint.stages.read import RawDocument
from flashpoint.store import Store


def corpus_originals(shared: Path, guardian: int, synthetic: int) -> list[tuple[str, str, str]]:
    originals = []
    with (shared / "corpus" / "guardian_sample_unlabeled.csv").open(encoding="utf-8") as handle:
        for row in list(csv.DictReader(handle))[:guardian]:
            originals.append((f"g{row['']}", " ".join(row["text"].split()[:9]), row["text"]))
    with (shared / "corpus" / "ngec_synthetic_events.jsonl").open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number >= synthetic:
                break
            record = json.loads(line)
            title = re.sub(r"\{[^}]*\}", "the country", record["meta"].get("title_template") or "")
            originals.append((record["id"], title or "News", record["text"]))
    return originals


def test_planted_reposts_are_folded_without_false_merges(shared: Path) -> None:
    items = plant_reposts(corpus_originals(shared, guardian=120, synthetic=280))
    scores = score(items, DedupOptions())
    assert scores.reposts == 2 * scores.originals == 2 * 400
    assert scores.recall >= 0.95, scores.as_dict()
    assert scores.false_merges == 0, scores.merged_stories


def test_only_the_body_counts(shared: Path) -> None:
    (_, _, text), *_ = corpus_originals(shared, guardian=1, synthetic=0)
    sentences = re.split(r"(?<=[.!?])\s+", text)
    text = "\n\n".join(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))
    title = "Iraq seeks a fee to take in suspected fighters held in Syria"
    original = clean.build_article(RawDocument(name="o", text=f"{title}\n\n{text}"))
    other_dress = clean.build_article(
        RawDocument(
            name="r",
            text=f"A COMPLETELY DIFFERENT HEADLINE\n\n{text}\n\n"
            "Sign up for our newsletter to get the day's top stories in your inbox.\n\n"
            "© 2024 Another Outlet. All rights reserved.",
        )
    )
    assert isinstance(original, Article) and isinstance(other_dress, Article)
    assert original.id != other_dress.id
    assert body_words(original) == body_words(other_dress)
    first, second = signature(original, DedupOptions()), signature(other_dress, DedupOptions())
    assert first is not None and second is not None and similarity(first, second) == 1.0


def test_threshold_is_configurable(shared: Path) -> None:
    rng = random.Random(3)
    (_, title, text), *_ = corpus_originals(shared, guardian=0, synthetic=1)
    original = clean.build_article(RawDocument(name="o", text=f"{title}\n\n{text}"))
    repost = clean.build_article(RawDocument(name="r", text=make_repost(text, title, rng)))
    assert isinstance(original, Article) and isinstance(repost, Article)

    def folded(threshold: float) -> bool:
        index = MemoryIndex()
        finder = DuplicateFinder([index], DedupOptions(threshold=threshold))
        index.add(finder.check(original.model_copy(deep=True)))
        article = repost.model_copy(deep=True)
        finder.check(article)
        return article.status == "duplicate"

    assert folded(0.5) and not folded(0.95)


def test_repost_found_across_runs_through_the_store(db_path: Path) -> None:
    text = " ".join(f"word{i} sentence{i % 7} report{i % 11}" for i in range(120))
    original = Article(id="a1", text=text, parts=[Part(kind="body", start=0, end=len(text))])
    edited = text.replace("word5 ", "term5 ").replace("word60 ", "term60 ")
    repost = Article(id="a2", text=edited, parts=[Part(kind="body", start=0, end=len(edited))])
    options = DedupOptions()
    with Store(db_path) as store:
        fingerprint = DuplicateFinder([store], options).check(original)
        from flashpoint.model import ArticleResult

        store.save(ArticleResult(article=original), fingerprint)
    with Store(db_path) as store:  # a later run: only the store knows the original
        fingerprint = DuplicateFinder([store], options).check(repost)
        assert repost.status == "duplicate" and repost.duplicate_of == "a1"
        assert repost.cluster_id == original.cluster_id == "c1"
        assert fingerprint.similarity is not None and fingerprint.similarity > 0.8
