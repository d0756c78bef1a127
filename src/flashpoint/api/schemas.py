"""Response shapes of the API (records themselves are the shared model's)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from flashpoint.model import Article, Entity, Event, Quote

SpanKind = Literal[
    "evidence",
    "mention",
    "event",
    "actor",
    "recipient",
    "place",
    "date",
    "toll",
    "victim",
    "quote",
    "speaker",
    "cue",
    "claimed_by",
]


class Message(BaseModel):
    detail: str


class LabelledSpan(BaseModel):
    """A stretch of the article text that justifies a field, with what it justifies."""

    kind: SpanKind
    label: str
    start: int
    end: int
    text: str
    event_id: str | None = None


class ArticleSummary(BaseModel):
    id: str
    source_id: str | None = None
    title: str | None = None
    category: str | None = None
    published: str | None = None
    source: str | None = None
    url: str | None = None
    language: str | None = None
    status: str
    status_reason: str | None = None
    cluster_id: str | None = None
    duplicate_of: str | None = None
    stored_at: str | None = None
    characters: int = 0
    events: int = 0
    snippet: str | None = Field(None, description="Text around the match, [marked], for q.")


class Page(BaseModel):
    total: int
    limit: int
    offset: int
    total_capped: bool = Field(
        False,
        description="True when more than `total` match: counting them all would scan them"
        " (shown as 10,000+).",
    )


class EventPage(Page):
    items: list[Event]
    next: str | None = Field(
        None,
        description="Pass as `cursor` (same filters and sort) for the next page; null after the"
        " last. A cursor costs the same at any depth, unlike `offset`.",
    )


class ArticlePage(Page):
    items: list[ArticleSummary]


class QuotePage(Page):
    items: list[Quote]


class Mention(BaseModel):
    """Another report of the same event (same link_id) in another article."""

    event_id: str
    article_id: str
    article_title: str | None = None
    published: str | None = None
    source: str | None = None
    evidence: str


class EventDetail(BaseModel):
    event: Event
    article: ArticleSummary
    spans: list[LabelledSpan]
    quotes: list[Quote]
    mentions: list[Mention]


class ArticleDetail(BaseModel):
    article: Article
    events: list[Event]
    quotes: list[Quote]
    entities: list[Entity]
    spans: list[LabelledSpan]


class TimelinePoint(BaseModel):
    date: dt.date
    quad_code: int
    events: int
    score: float | None = Field(None, description="Sum of the events' PLOVER scores.")


class MapPlace(BaseModel):
    """Located events at one point and place precision."""

    lat: float
    lon: float
    precision: int | None = Field(
        None, description="1 country, 2 admin1, 3 district, 4 city, 5 sub-city."
    )
    country: str | None = None
    name: str | None = None
    events: int
    quads: dict[int, int] = Field(description="Events per PLOVER quad class.")
    event_ids: list[str] = Field(description="Up to five of its events, newest first.")


class MapPlaces(BaseModel):
    """Every located event among the filtered ones, aggregated by place (no cap)."""

    events: int = Field(description="Located events (the sum over places).")
    places: list[MapPlace]


class CountryCount(BaseModel):
    code: str
    name: str
    events: int


class Admin1Count(BaseModel):
    admin1: str
    country: str | None
    events: int


class Facets(BaseModel):
    """What the dashboard's filters offer: countries present, modes per type, sort keys."""

    countries: list[CountryCount]
    modes: dict[str, list[str]]
    admin1: list[Admin1Count] = Field(
        default_factory=list, description="Provinces/states of the places (event_loc.admin1)."
    )
    acled_types: list[str] = Field(
        default_factory=list,
        description="The ACLED event and sub-event types the acled_type filter takes.",
    )
    acled_sub_event_types: dict[str, list[str]] = Field(
        default_factory=dict,
        description="ACLED event type -> its sub-event types, in the ACLED Codebook's order.",
    )


class ActorCount(BaseModel):
    code: str
    events: int
    as_actor: int
    as_recipient: int
    names: list[str]


class Dyad(BaseModel):
    source: str = Field(description="The actor node (see `level`).")
    target: str = Field(description="The recipient node.")
    source_code: str
    target_code: str
    events: int
    score_sum: float | None
    score_mean: float | None = Field(description="Mean PLOVER score (-10 conflict .. +10).")


class DyadPoint(BaseModel):
    date: dt.date
    events: int
    score_sum: float | None
    score_mean: float | None


class DyadSeries(BaseModel):
    actor: str
    recipient: str
    both_ways: bool
    points: list[DyadPoint]
