"""Coding in worker processes: each loads spaCy once and codes batches of articles.

The parent reads, deduplicates, links and stores (one writer, one transaction per article);
workers only run the pipeline's language, NLP and extraction stages. Batches go out and come
back in input order, and at most `2 * workers` batches are in flight, so memory stays bounded
however large the corpus.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import TypeVar

from flashpoint.errors import InputError
from flashpoint.model import Article, ArticleResult
from flashpoint.pipeline import Pipeline, PipelineOptions
from flashpoint.stages import nlp

Item = Article | InputError | ArticleResult
K = TypeVar("K")
A = TypeVar("A")
R = TypeVar("R")

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

    def tasks() -> Iterator[tuple[list[Item], list[Article] | None]]:
        iterator = iter(items)
        while batch := list(islice(iterator, batch_articles)):
            articles = [item for item in batch if isinstance(item, Article)]
            yield batch, articles or None

    for batch, answer in ordered_map(tasks(), _code_batch, workers, _start_worker, (options,)):
        coded: Iterator[ArticleResult] = iter(())
        if answer is not None:
            results, seconds = answer
            for stage, value in seconds.items():
                stage_seconds[stage] = stage_seconds.get(stage, 0.0) + value
            coded = iter(results)
        for item in batch:
            yield next(coded) if isinstance(item, Article) else item


def ordered_map(
    tasks: Iterable[tuple[K, A | None]],
    function: Callable[[A], R],
    workers: int,
    initializer: Callable[..., None] | None = None,
    initargs: tuple = (),
) -> Iterator[tuple[K, R | None]]:
    """`function(argument)` in worker processes for each (key, argument), yielded as
    (key, result) in task order; the key never leaves this process, and an argument of None
    gives None without a task. At most 2 * workers tasks are in flight."""
    context = multiprocessing.get_context("spawn")  # no fork of a parent holding a database
    in_flight: deque[tuple[K, Future | None]] = deque()
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=initializer, initargs=initargs
    ) as pool:
        for key, argument in tasks:
            future = pool.submit(function, argument) if argument is not None else None
            in_flight.append((key, future))
            while len(in_flight) > 2 * workers or (in_flight and _done(in_flight[0][1])):
                done_key, done = in_flight.popleft()
                yield done_key, done.result() if done is not None else None
        while in_flight:
            done_key, done = in_flight.popleft()
            yield done_key, done.result() if done is not None else None


def _done(future: Future | None) -> bool:
    return future is None or future.done()
