"""The working state of one article as it moves through the extraction stages.

`AnalyzedArticle` holds the parsed segments (one spaCy `Doc` per paragraph) and the results each
stage adds, in pipeline order: `mentions` (actors stage), `events` (events stage, then filled in
by places, dates and tolls), `quotes` (quotes stage), `entities` (actors stage). A stage reads
only the fields of stages before it and writes only its own. `to_result()` turns the state into
the plain records (`ArticleResult`) that the store, the CLI and the API use.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from spacy.tokens import Doc, Span, Token

from flashpoint.model import Actor, Article, ArticleResult, Entity, Event, PartKind, Quote


@dataclass
class Segment:
    """A paragraph (or part of a long one) parsed by spaCy; `start` is its offset in the text,
    `text` the text that was parsed (`doc.text` rebuilds it token by token on every call)."""

    index: int
    kind: PartKind
    start: int
    doc: Doc
    text: str

    @cached_property
    def ents(self) -> tuple[Span, ...]:
        """The doc's entities, built once (`doc.ents` builds new spans on every call)."""
        return tuple(self.doc.ents)

    def ents_in(self, span: Span) -> list[Span]:
        """The entities wholly inside a span of this segment, as `span.ents` finds them."""
        found = []
        for ent in self.ents:
            if ent.start >= span.start:
                if ent.end > span.end:
                    break
                found.append(ent)
        return found

    @property
    def end(self) -> int:
        """Article offset where this segment ends (cheap: never builds `doc.text`)."""
        if not len(self.doc):
            return self.start
        last = self.doc[-1]
        return self.start + last.idx + len(last.text)

    def char_span(self, span: Span | Token) -> tuple[int, int]:
        """Article offsets of a spaCy span or token of this segment."""
        if isinstance(span, Token):
            return self.start + span.idx, self.start + span.idx + len(span.text)
        return self.start + span.start_char, self.start + span.end_char


@dataclass
class Sentence:
    segment: Segment
    span: Span

    @property
    def start(self) -> int:
        return self.segment.start + self.span.start_char

    @property
    def end(self) -> int:
        return self.segment.start + self.span.end_char

    @property
    def text(self) -> str:
        return self.span.text


@dataclass
class Mention:
    """An actor mention found by the actors stage, on tokens of one segment."""

    segment: int
    token_start: int
    token_end: int
    actor: Actor
    label: str  # NER label, or AGENT / COREF / DICT for mentions found by other means


@dataclass
class AnalyzedArticle:
    article: Article
    segments: list[Segment]
    mentions: list[Mention] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)

    def sentences(self, *kinds: PartKind) -> Iterator[Sentence]:
        """Sentences of the segments of the given kinds (all segments if none given)."""
        for segment in self.segments:
            if kinds and segment.kind not in kinds:
                continue
            for sent in segment.doc.sents:
                yield Sentence(segment, sent)

    def mentions_in(self, segment: int, token_start: int, token_end: int) -> list[Mention]:
        """Actor mentions overlapping the token range [token_start, token_end) of a segment."""
        return [
            m
            for m in self.mentions
            if m.segment == segment and m.token_start < token_end and token_start < m.token_end
        ]

    def segment_at(self, offset: int) -> Segment | None:
        """The parsed paragraph holding an article offset."""
        for segment in self.segments:
            if segment.start <= offset < segment.end:
                return segment
        return None

    def word_at(self, start: int, end: int) -> tuple[Segment, Token] | None:
        """The head token of the text between two article offsets, with its paragraph."""
        segment = self.segment_at(start)
        if segment is None:
            return None
        span = segment.doc.char_span(
            start - segment.start, end - segment.start, alignment_mode="expand"
        )
        if span is None or not len(span):
            return None
        return segment, span.root

    def sentence_before(self, sentence: Span, segment: Segment) -> tuple[Span | None, Segment]:
        """The sentence before, in this paragraph or, for a paragraph's first sentence, the last
        of the body paragraph before it (news paragraphs are one or two sentences); with the
        segment it is in."""
        if sentence.start > 0:
            return sentence.doc[sentence.start - 1].sent, segment
        before = self.segments[segment.index - 1] if segment.index > 0 else None
        if before is None or before.kind != "body" or segment.kind != "body" or not len(before.doc):
            return None, segment
        return before.doc[len(before.doc) - 1].sent, before

    def sentence_after(self, sentence: Span, segment: Segment) -> tuple[Span | None, Segment]:
        """The sentence after, in this paragraph or, for a paragraph's last sentence, the first
        of the body paragraph after it; with the segment it is in."""
        if sentence.end < len(sentence.doc):
            return sentence.doc[sentence.end].sent, segment
        after = self.segments[segment.index + 1] if segment.index + 1 < len(self.segments) else None
        if after is None or after.kind != "body" or segment.kind != "body" or not len(after.doc):
            return None, segment
        return after.doc[0].sent, after

    def sentence_before_start(self, sentence: Span, segment: Segment) -> int:
        """Article offset where the sentence before starts: in this paragraph or, for a
        paragraph's first sentence, the last of the paragraph before (this one's own start
        when there is none)."""
        if sentence.start > 0:
            return segment.char_span(sentence.doc[sentence.start - 1].sent)[0]
        before = self.segments[segment.index - 1] if segment.index > 0 else None
        if before is None or before.kind != segment.kind or not len(before.doc):
            return segment.char_span(sentence)[0]
        return before.char_span(before.doc[-1].sent)[0]

    def quotes_by(self, actors: list[Actor]) -> list[Quote]:
        """The quotes whose speaker is one of these participants, by name ("Ruiz" stands for
        "Ana Ruiz")."""
        names = speaker_names(actors)
        if not names:
            return []
        return [
            quote
            for quote in self.quotes
            if quote.speaker is not None and names_meet(names, speaker_names([quote.speaker]))
        ]

    def to_result(self) -> ArticleResult:
        return ArticleResult(
            article=self.article, events=self.events, quotes=self.quotes, entities=self.entities
        )


def speaker_names(actors: list[Actor]) -> set[str]:
    """Lower-cased names of the participants that are someone: coded, named or of a sector."""
    return {
        name.lower()
        for actor in actors
        if actor.code or actor.name or actor.sector
        for name in (actor.name, actor.text)
        if name
    }


def names_meet(one: set[str], other: set[str]) -> bool:
    """The same name, or a surname standing for the full name ("Ruiz", "Ana Ruiz")."""
    for a in one:
        for b in other:
            short, full = sorted((a.split(), b.split()), key=len)
            if short == full or (len(short) == 1 and full[-1] == short[0]):
                return True
    return False
