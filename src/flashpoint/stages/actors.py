"""Stage 5a, actors: named entities and actor mentions, resolved to country/entity + sector.

Public interface (the events and quotes stages and the CLI use only these):

    resolver = ActorResolver.load(extra_files=[...])
    resolver.resolve(text, date=..., context=...) -> Resolution      # `flashpoint actor`
    resolver.annotate(analyzed)          # fills analyzed.entities and analyzed.mentions
    resolver.actors_for(analyzed, segment, span) -> list[Actor]      # a noun phrase as actors

This is the baseline: entities come from spaCy's NER and carry no codes yet. The actor
dictionary, agents, coreference and user extensions plug in behind the same interface.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Span

from flashpoint.analysis import AnalyzedArticle, Mention, Segment
from flashpoint.model import Actor, Entity

ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}


@dataclass
class Resolution:
    """What `flashpoint actor TEXT` prints."""

    text: str
    name: str | None = None
    code: str | None = None
    sector: str | None = None
    aliases: list[str] = field(default_factory=list)
    matched_by: str | None = None


class ActorResolver:
    def __init__(self) -> None:
        pass

    @classmethod
    def load(cls, extra_files: Iterable[Path] = ()) -> ActorResolver:
        return cls()

    def resolve(
        self, text: str, *, date: dt.date | None = None, context: str | None = None
    ) -> Resolution:
        return Resolution(text=text)

    def annotate(self, analyzed: AnalyzedArticle) -> None:
        for segment in analyzed.segments:
            for ent in segment.doc.ents:
                if ent.label_ not in ENTITY_LABELS:
                    continue
                start, end = segment.char_span(ent)
                analyzed.entities.append(
                    Entity(text=ent.text, label=ent.label_, start=start, end=end)
                )
                actor = Actor(text=ent.text, start=start, end=end, name=ent.text, matched_by="ner")
                analyzed.mentions.append(
                    Mention(
                        segment=segment.index,
                        token_start=ent.start,
                        token_end=ent.end,
                        actor=actor,
                        label=ent.label_,
                    )
                )

    def actors_for(self, analyzed: AnalyzedArticle, segment: Segment, span: Span) -> list[Actor]:
        start, end = segment.char_span(span)
        return [Actor(text=span.text, start=start, end=end)]
