"""Coding in worker processes: each loads spaCy once and codes batches of articles.

The parent reads, deduplicates, links and stores (one writer, one transaction per article);
workers only run the pipeline's language, NLP and extraction stages. Batches go out and come
back in input order, and at most `2 * workers` batches are in flight, so memory stays bounded
however large the corpus.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice

from flashpoint.errors import InputError
from flashpoint.model import Article, ArticleResult
from flashpoint.pipeline import Pipeline, PipelineOptions
from flashpoint.stages import nlp

Item = Article | InputError | ArticleResult

_worker_pipeline: Pipeline | None = None


def _start_worker(options: PipelineOptions) -> None:
    global _worker_pipeline
    _worker_pipeline = Pipeline(options)
    _worker_pipeline.nlp  # noqa: B018 - load spaCy once, before the first batch


def _code_batch(articles: list[Article]) -> tuple[list[ArticleResult], dict[str, float]]:
    pipeline = _worker_pipeline
    assert pipeline is not None, "worker not started"
    results = [r for r in pipeline.process(articles) if isinstance(r, ArticleResult)]
    seconds = dict(pipeline.timer.seconds)
    pipeline.timer.seconds.clear()
    return results, seconds


def code_in_workers(
    items: Iterable[Item],
    options: PipelineOptions,
    workers: int,
    stage_seconds: dict[str, float],
    batch_articles: int = nlp.ARTICLES_PER_CHUNK,
) -> Iterator[ArticleResult | InputError]:
    """Code the Articles among `items` in `workers` processes; everything else (input errors,
    results already known) passes through. Output keeps input order. Seconds per stage, summed
    over the workers, are added to `stage_seconds`."""
    context = multiprocessing.get_context("spawn")  # no fork of a parent holding a database
    in_flight: deque[tuple[list[Item], Future | None]] = deque()
    iterator = iter(items)
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(options,)
    ) as pool:

        def finish_oldest() -> Iterator[ArticleResult | InputError]:
            batch, future = in_flight.popleft()
            coded: Iterator[ArticleResult] = iter(())
            if future is not None:
                results, seconds = future.result()
                for stage, value in seconds.items():
                    stage_seconds[stage] = stage_seconds.get(stage, 0.0) + value
                coded = iter(results)
            for item in batch:
                yield next(coded) if isinstance(item, Article) else item  # type: ignore[misc]

        while batch := list(islice(iterator, batch_articles)):
            articles = [item for item in batch if isinstance(item, Article)]
            future = pool.submit(_code_batch, articles) if articles else None
            in_flight.append((batch, future))
            while len(in_flight) > 2 * workers or (in_flight and _done(in_flight[0][1])):
                yield from finish_oldest()
        while in_flight:
            yield from finish_oldest()


def _done(future: Future | None) -> bool:
    return future is None or future.done()
