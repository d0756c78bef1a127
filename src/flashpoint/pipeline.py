"""The pipeline, top to bottom:

    read -> clean -> [dedup] -> language check -> NLP -> extract (actors, events, quotes,
    places, dates, tolls) -> incidents -> participants -> screen -> ACLED typing
    -> [link across articles] -> store

`Pipeline.run(paths)` streams `ArticleResult`s (or `InputError`s for inputs that could not be
read) in input order. Dedup, linking and storing are the caller's: `corpus.CorpusRun`
(`flashpoint run`, `ingest`; worker processes in `workers.py`) or `spark.py` (`flashpoint
spark`).
Each stage is one module in `flashpoint.stages`; this file only wires them.
"""

from __future__ import annotations

import gc
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flashpoint import acled as acled_model
from flashpoint.analysis import AnalyzedArticle
from flashpoint.errors import InputError
from flashpoint.gazetteer import load_gazetteer
from flashpoint.lexicon import Lexicon, load_lexicon
from flashpoint.model import Article, ArticleResult
from flashpoint.stages import (
    acled,
    clean,
    dates,
    event_places,
    events,
    incidents,
    language,
    nlp,
    quotes,
    read,
    screen,
    tolls,
)
from flashpoint.stages.actors import ActorResolver

# The cost of one article is bounded. Its text is parsed in pieces of at most
# nlp.MAX_SEGMENT_CHARS whatever its layout (paragraphs, else sentence ends, else spaces, else
# a hard cut), handed to spaCy at most nlp.MAX_BATCH_CHARS at a time; and:
MAX_PARSED_CHARS = 300_000
"""Characters to parse per article (about 50,000 words, ten times a long feature): an article
with more is skipped with its reason before it is parsed. Parsing and extraction grow with the
text: a 1 MB article with no paragraph break took 67 s of CPU and 2.2 GB."""
ARTICLE_SECONDS = 120.0
"""Seconds of extraction per article: past them the article is stored as failed, its reason
naming the stage reached, and the run goes on."""
TOO_LONG = "too long to code"
OVER_TIME = "over the time budget per article"


@dataclass
class PipelineOptions:
    read: read.ReadOptions = field(default_factory=read.ReadOptions)
    actor_files: list[Path] = field(default_factory=list)
    rule_files: list[Path] = field(default_factory=list)
    batch_size: int = 64
    max_parsed_chars: int = MAX_PARSED_CHARS
    article_seconds: float = ARTICLE_SECONDS
    screen_records: bool = True
    """Leave out the records the screen model finds unlikely to be incidents (stage screen);
    False keeps every record (training the model runs that way)."""
    merge_incidents: bool = True
    """Group each article's event mentions into incidents (stage incidents); False keeps every
    mention apart and skips the stage that completes incidents' participants (training the
    incident links runs that way, on the mentions as the incidents stage sees them)."""


@dataclass
class StageTimer:
    """Seconds spent per stage, for the benchmark's split of time."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, stage: str, started: float) -> float:
        now = time.perf_counter()
        self.seconds[stage] += now - started
        return now


class Pipeline:
    def __init__(self, options: PipelineOptions | None = None) -> None:
        self.options = options or PipelineOptions()
        self.timer = StageTimer()
        self._nlp = None
        self._lexicon: Lexicon | None = None
        self._resolver: ActorResolver | None = None

    # Resources load lazily: a run of only bad inputs never loads spaCy.
    @property
    def nlp(self):
        if self._nlp is None:
            self._nlp = nlp.load_nlp()
        return self._nlp

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            self._lexicon = load_lexicon(self.options.rule_files)
        return self._lexicon

    @property
    def resolver(self) -> ActorResolver:
        if self._resolver is None:
            self._resolver = ActorResolver.load(self.options.actor_files)
            # The gazetteer (towns the actor dictionary lacks; event places) is a resource like
            # the dictionary: loaded here, once, not inside the first article's stage time.
            load_gazetteer()
        return self._resolver

    def run(self, paths: Iterable[str]) -> Iterator[ArticleResult | InputError]:
        """Read, clean and code every article under `paths`."""
        return self.process(self.read(paths))

    def read(self, paths: Iterable[str]) -> Iterator[Article | InputError]:
        """Stages read + clean: articles, or the reason an input is not one."""
        for item in read.iter_documents(paths, self.options.read):
            started = time.perf_counter()
            if isinstance(item, InputError):
                yield item
                continue
            article = clean.build_article(item)
            self.timer.add("clean", started)
            yield article

    def process(
        self, items: Iterable[Article | InputError]
    ) -> Iterator[ArticleResult | InputError]:
        """Language check, NLP and extraction, keeping input order."""
        pending: list[Article | InputError | ArticleResult] = []
        to_parse: list[Article] = []

        def flush() -> Iterator[ArticleResult | InputError]:
            analyzed = iter(self._analyze(to_parse))
            for entry in pending:
                if isinstance(entry, Article):
                    yield self.extract(next(analyzed))
                else:
                    yield entry
            pending.clear()
            to_parse.clear()

        for item in items:
            if isinstance(item, Article):
                started = time.perf_counter()
                guess = language.detect_language(item.text)
                self.timer.add("language", started)
                item.language = guess.language
                parsed = sum(end - start for _, start, end in nlp.segment_spans(item))
                if not guess.is_english:
                    item.status = "skipped"
                    item.status_reason = f"language is {guess.language}, not English"
                    pending.append(ArticleResult(article=item))
                elif parsed > self.options.max_parsed_chars:
                    item.status = "skipped"
                    item.status_reason = (
                        f"{TOO_LONG}: {parsed:,} characters to parse, more than the"
                        f" {self.options.max_parsed_chars:,} allowed per article"
                    )
                    pending.append(ArticleResult(article=item))
                else:
                    to_parse.append(item)
                    pending.append(item)
            else:
                pending.append(item)
            # Flush on a full chunk, or on a long run of items that need no parsing (a re-run
            # over stored articles), so that memory stays bounded.
            if (
                len(to_parse) >= nlp.ARTICLES_PER_CHUNK
                or len(pending) >= 8 * nlp.ARTICLES_PER_CHUNK
            ):
                yield from flush()
        yield from flush()

    def analyze(self, articles: list[Article]) -> Iterator[AnalyzedArticle]:
        """NLP for articles already read and checked (their extraction is `extract`'s)."""
        return self._analyze(articles)

    def _analyze(self, articles: list[Article]) -> Iterator[AnalyzedArticle]:
        if not articles:
            return
        if not _settled:
            self.resolver, self.lexicon  # noqa: B018 (loaded before the freeze)
            acled_model.load_model()
            screen.load_model()
            settle_loaded_resources()
        started = time.perf_counter()
        analyzed = list(nlp.analyze(articles, self.nlp, batch_size=self.options.batch_size))
        self.timer.add("nlp", started)
        yield from analyzed

    def extract(self, analyzed: AnalyzedArticle) -> ArticleResult:
        """The extraction stages, in order; each reads what the ones before it wrote."""
        lexicon, resolver, timer = self.lexicon, self.resolver, self.timer
        began = started = time.perf_counter()
        deadline = began + self.options.article_seconds

        merging = self.options.merge_incidents

        def complete_participants(analyzed: AnalyzedArticle) -> None:
            events.complete_participants(analyzed, lexicon)

        def quotes_stage(analyzed: AnalyzedArticle) -> None:
            analyzed.quotes = quotes.find_quotes(analyzed, resolver)
            quotes.link_events(analyzed)

        def events_stage(analyzed: AnalyzedArticle) -> None:
            analyzed.events = events.find_events(analyzed, lexicon, resolver)

        stages = [
            ("actors", resolver.annotate),
            ("events", events_stage),
            ("quotes", quotes_stage),
            ("places", event_places.locate_events),
            ("dates", dates.date_events),
            ("tolls", tolls.count_tolls),
            ("incidents", incidents.group_incidents if merging else _keep_all),
            ("participants", complete_participants if merging else _keep_all),
            ("screen", screen.screen_events if self.options.screen_records else _keep_all),
            ("acled", acled.type_events),
        ]
        for name, stage in stages:
            stage(analyzed)
            started = timer.add(name, started)
            if started > deadline and name != stages[-1][0]:
                article = analyzed.article
                article.status = "failed"
                article.status_reason = (
                    f"{OVER_TIME} ({self.options.article_seconds:g} s): stopped after the"
                    f" {name} stage at {started - began:.1f} s"
                )
                return ArticleResult(article=article)
        analyzed.article.status = "coded"
        return analyzed.to_result()


def _keep_all(analyzed: AnalyzedArticle) -> None:
    """A stage switched off (screen, incidents): every record is kept as it is."""


# Allocations between two young-generation garbage collections once resources are loaded.
GC_YOUNG_THRESHOLD = 50_000
_settled = False


def settle_loaded_resources() -> None:
    """Keep the garbage collector off the loaded model, dictionaries and gazetteer.

    They are millions of long-lived objects; without this every full collection triggered by
    the many short-lived objects of parsing walks them all again. Frozen objects are still
    freed by reference counting. On the 249 Guardian articles (runs alternated) the full
    pipeline ran 2 to 5% faster with it.
    """
    global _settled
    _settled = True
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(max(GC_YOUNG_THRESHOLD, gc.get_threshold()[0]), middle, old)
