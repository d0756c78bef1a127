"""Share of pipeline time spent on quote extraction.

    .venv/bin/python bench/quotes_share.py [CSV_OR_JSONL] [--limit 60]

Runs the whole pipeline over the first LIMIT articles (default: the Guardian sample in
../shared/corpus) and prints seconds per stage from `Pipeline.timer`, with the quotes stage's
share of the total. The budget is < 10% per extraction stage.
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

from flashpoint.model import ArticleResult
from flashpoint.pipeline import Pipeline

DEFAULT_INPUT = (
    Path(__file__).resolve().parents[1].parent / "shared/corpus/guardian_sample_unlabeled.csv"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", nargs="?", default=str(DEFAULT_INPUT))
    parser.add_argument("--limit", type=int, default=60)
    args = parser.parse_args()
    pipeline = Pipeline()
    assert pipeline.nlp is not None  # load the model before timing
    started = time.perf_counter()
    articles = itertools.islice(
        (a for a in pipeline.read([args.input]) if not isinstance(a, Exception)), args.limit
    )
    results = [r for r in pipeline.process(articles) if isinstance(r, ArticleResult)]
    wall = time.perf_counter() - started
    seconds = dict(pipeline.timer.seconds)
    total = sum(seconds.values())
    words = sum(len(r.article.text.split()) for r in results)
    quotes = sum(len(r.quotes) for r in results)
    print(f"{len(results)} articles, {words} words, {quotes} quotes, {wall:.1f} s wall")
    for stage, value in sorted(seconds.items(), key=lambda item: -item[1]):
        print(f"  {stage:<9} {value:8.2f} s  {100 * value / total:5.1f}%")
    print(f"quotes share: {100 * seconds.get('quotes', 0.0) / total:.1f}% of pipeline time")


if __name__ == "__main__":
    main()
