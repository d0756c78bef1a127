"""Coding in worker processes: each loads spaCy once and codes batches of articles.

The parent reads, deduplicates, links and stores (one writer, one transaction per article);
workers only run the pipeline's language, NLP and extraction stages. Batches go out and come
back in input order, and at most `2 * workers` batches are in flight, so memory stays bounded
however large the corpus.

Workers die with their parent: each watches its parent process and exits when it is gone
(killed by SIGKILL, say), and on Linux the kernel also sends it SIGTERM then. When the parent
stops early (an exception, Ctrl-C, SIGTERM), it terminates the workers instead of waiting for
their batches. Workers ignore SIGINT: Ctrl-C reaches the whole process group, and it is the
parent's to handle.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
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


PARENT_CHECK_SECONDS = 0.5  # how often a worker looks for its parent
STOP_SECONDS = 5.0  # how long terminated workers get before they are killed


def _start_worker(options: PipelineOptions, parent: int | None = None) -> None:
    global _worker_pipeline
    if parent is not None:
        die_with_parent(parent)
    _worker_pipeline = Pipeline(options)
    _worker_pipeline.nlp  # noqa: B018 - load spaCy once, before the first batch


def die_with_parent(parent: int) -> None:
    """Exit this (worker) process when process `parent` is gone; ignore SIGINT."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        # The kernel sends SIGTERM when the parent dies (PR_SET_PDEATHSIG = 1).
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # died before we were watching
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="flashpoint-parent-watch", daemon=True).start()


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

    coded_batches = ordered_map(
        tasks(), _code_batch, workers, _start_worker, (options, os.getpid())
    )
    try:
        for batch, answer in coded_batches:
            coded: Iterator[ArticleResult] = iter(())
            if answer is not None:
                results, seconds = answer
                for stage, value in seconds.items():
                    stage_seconds[stage] = stage_seconds.get(stage, 0.0) + value
                coded = iter(results)
            for item in batch:
                yield next(coded) if isinstance(item, Article) else item
    finally:
        coded_batches.close()  # stopped early: the workers are stopped now, not when collected


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
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=initializer, initargs=initargs
    )
    finished = False
    try:
        for key, argument in tasks:
            future = pool.submit(function, argument) if argument is not None else None
            in_flight.append((key, future))
            while len(in_flight) > 2 * workers or (in_flight and _done(in_flight[0][1])):
                done_key, done = in_flight.popleft()
                yield done_key, done.result() if done is not None else None
        while in_flight:
            done_key, done = in_flight.popleft()
            yield done_key, done.result() if done is not None else None
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:  # stopped early: do not wait for the batches in flight
            stop_pool(pool)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Terminate the pool's worker processes (SIGTERM, then SIGKILL after STOP_SECONDS) and
    wait until they are gone."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    # Tasks still queued for workers about to die are dropped: without this the queue's feeder
    # thread can block on a pipe no one reads, and the interpreter hangs at exit joining it.
    call_queue = getattr(pool, "_call_queue", None)
    if call_queue is not None:
        call_queue.cancel_join_thread()
    for process in processes:
        if process.is_alive():
            process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(1.0)


def _done(future: Future | None) -> bool:
    return future is None or future.done()
