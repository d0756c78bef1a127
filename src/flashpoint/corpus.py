"""Coding a corpus: the pipeline wrapped in what a stream of many articles needs.

    read + clean -> skip what is stored -> dedup (reposts are not coded) -> code
    (in this process, or in worker processes) -> link events -> store, one article per
    transaction

One writer (this process) stores articles in input order, each in its own transaction, so a
run that is killed leaves only whole articles behind and a re-run picks up where it stopped:
stored articles are skipped, the rest are coded. Nothing here holds the corpus in memory:
articles stream through, and the dedup and linking indexes live in the store.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flashpoint.errors import InputError
from flashpoint.model import Article, ArticleResult
from flashpoint.pipeline import OVER_TIME, TOO_LONG, Pipeline
from flashpoint.stages.dedup import (
    DedupOptions,
    DuplicateFinder,
    Fingerprint,
    MemoryIndex,
    band_keys,
    cluster_id_for,
    signature,
)
from flashpoint.stages.link import EventLinker, LinkRules, link_id_for
from flashpoint.store import Store


class Terminated(BaseException):
    """SIGTERM arrived (under `stop_signals`): unwinds the run as KeyboardInterrupt does for
    SIGINT, so that workers are stopped and what is stored is summarised."""


@contextmanager
def stop_signals() -> Iterator[None]:
    """Within this block, SIGTERM raises Terminated and SIGINT KeyboardInterrupt, once: a second
    signal while the run is stopping is ignored (stopping takes a few seconds at most)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stopping = False

    def handler(signum: int, _frame: object) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, action in previous.items():
            signal.signal(sig, action)


@dataclass
class CorpusOptions:
    dedup: DedupOptions = field(default_factory=DedupOptions)
    link: LinkRules = field(default_factory=LinkRules)
    workers: int = 1


STORED_BY_ANOTHER_RUN = "already stored by another run meanwhile"


@dataclass
class RunSummary:
    read: int = 0
    coded: int = 0
    events: int = 0
    linked_to_earlier: int = 0  # event mentions that joined an earlier linked event
    failed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> articles

    @property
    def already_stored(self) -> int:
        return self.skipped["already stored"]

    def line(self, seconds: float) -> str:
        rate = self.read / seconds if seconds > 0 else 0.0
        parts = [f"{self.read} articles read", f"{self.coded} coded", f"{self.events} events"]
        if self.linked_to_earlier:
            parts.append(f"{self.linked_to_earlier} merged into earlier reports")
        for reason, count in self.skipped.most_common():
            parts.append(f"{count} {reason}")
        if self.failed:
            parts.append(f"{self.failed} inputs failed (named above)")
        return ", ".join(parts) + f" ({seconds:.1f} s, {rate:.1f} articles/s)"


class CorpusRun:
    """Stream results for `paths`, storing each article as it is finished."""

    def __init__(
        self,
        pipeline: Pipeline,
        store: Store,
        options: CorpusOptions | None = None,
        summary: RunSummary | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.store = store
        self.options = options or CorpusOptions()
        self.summary = summary or RunSummary()
        # Fingerprints decided in this run but not yet stored (bounded by the batches in flight).
        self.pending = MemoryIndex()
        self.finder = DuplicateFinder([store, self.pending], self.options.dedup)
        self.linker = EventLinker(store, self.options.link)
        self.stage_seconds = pipeline.timer.seconds
        self._prepare_dedup_index()

    def results(self, paths: Iterable[str]) -> Iterator[ArticleResult | InputError]:
        """ArticleResults in input order (stored ones included, so `--json` prints every
        input), and InputErrors for inputs that could not be read. Closing this iterator
        early (or an exception) stops the worker processes at once."""
        return self.results_from(self.pipeline.read(paths))

    def results_from(
        self, items: Iterable[Article | InputError]
    ) -> Iterator[ArticleResult | InputError]:
        """As `results`, for articles already read and cleaned (`flashpoint watch` builds them
        from fetched pages)."""
        coded = self._code(self._fresh(items))
        try:
            for item in coded:
                if isinstance(item, InputError):
                    self.summary.failed += 1
                    yield item
                    continue
                self._store(item)
                yield item
        finally:
            close = getattr(coded, "close", None)
            if close is not None:
                close()

    def _fresh(
        self, items: Iterable[Article | InputError]
    ) -> Iterator[Article | InputError | ArticleResult]:
        """What is stored already comes back stored, reposts come back as duplicates,
        everything else goes on to be coded."""
        for item in items:
            if isinstance(item, InputError):
                yield item
                continue
            self.summary.read += 1
            stored = self.store.result(item.id) if self.store.has_article(item.id) else None
            if stored is not None:
                self.summary.skipped["already stored"] += 1
                yield stored
                continue
            if item.id in self.pending:
                self.summary.skipped["same text earlier in this run"] += 1
                continue
            started = time.perf_counter()
            fingerprint = self.finder.check(item)
            self.pending.add(fingerprint)
            self.pipeline.timer.add("dedup", started)
            if item.status == "duplicate":
                yield ArticleResult(article=item)  # counted when stored (see _store)
            else:
                yield item

    def _code(
        self, items: Iterable[Article | InputError | ArticleResult]
    ) -> Iterator[ArticleResult | InputError]:
        if self.options.workers <= 1:
            return self.pipeline.process(items)
        from flashpoint.workers import code_in_workers

        return code_in_workers(
            items, self.pipeline.options, self.options.workers, self.stage_seconds
        )

    def _store(self, result: ArticleResult) -> None:
        article = result.article
        fingerprint = self.pending.get(article.id)
        if fingerprint is None:  # stored before this run
            return
        started = time.perf_counter()
        plan = self.linker.link(result)
        started = self.pipeline.timer.add("link", started)
        saved = self.store.save(result, fingerprint, plan.mentions, plan.linked)
        self.pending.discard(article.id)
        self.pipeline.timer.add("store", started)
        # Counted only if this run stored it: another run over the same input (two ingests of
        # one file at once) may have stored it first, and then this run's work was thrown away.
        if not saved:
            self.summary.skipped[STORED_BY_ANOTHER_RUN] += 1
        elif article.status == "duplicate":
            self.summary.skipped["reposts (stored as mentions)"] += 1
        elif article.status == "skipped":
            self.summary.skipped[_skip_reason(article)] += 1
        elif article.status == "coded":
            self.summary.coded += 1
            self.summary.events += len(result.events)
            self.summary.linked_to_earlier += sum(
                1 for e in result.events if e.link_id and e.link_id != link_id_for(e.id)
            )
        elif article.status == "failed":
            self.summary.skipped[f"failed: {_skip_reason(article)}"] += 1

    def _prepare_dedup_index(self) -> None:
        """The stored LSH index must match the dedup settings; rebuild it from the stored
        texts when they changed (or when the database predates it)."""
        wanted = {k: str(v) for k, v in self.options.dedup.params().items()}
        if self.store.dedup_settings() == wanted:
            return
        if self.store.counts()["articles"]:
            print(
                f"{self.store.path}: dedup settings changed; rebuilding the LSH index",
                file=sys.stderr,
            )
            self.store.replace_fingerprints(_fingerprints(self.store, self.options.dedup))
        self.store.set_dedup_settings(self.options.dedup.params())


def _skip_reason(article: Article) -> str:
    reason = article.status_reason or "skipped"
    if reason.startswith("language is"):
        return f"not English ({article.language})"
    if reason.startswith((TOO_LONG, OVER_TIME)):
        return reason.split(":")[0].split(" (")[0]  # one count per kind, not per article
    return reason


def _fingerprints(store: Store, options: DedupOptions) -> Iterator[Fingerprint]:
    for article in store.articles():
        sig = signature(article, options)
        canonical = article.duplicate_of or article.id
        yield Fingerprint(
            article.id,
            article.cluster_id or cluster_id_for(canonical),
            canonical,
            sig,
            band_keys(sig, options) if sig is not None else [],
        )
