"""The one data model every stage shares.

Every extracted field that comes from the text carries `start`/`end`: character offsets into
`Article.text` (the article as read, after newline and Unicode normalisation). `Article.text`
is never rewritten after reading, so a span stays valid through every stage, the store and the
API.

Records are pydantic models so that JSON in (JSONL input, the store) and JSON out (`--json`,
exports, the API) share one schema.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# The 16 PLOVER event types (manual v2.0 draft), in the manual's order.
EVENT_TYPES: tuple[str, ...] = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)

PartKind = Literal["title", "category", "dateline", "body", "caption", "credit", "boilerplate"]
ArticleStatus = Literal["coded", "skipped", "duplicate", "failed"]
PlaceBasis = Literal["clause", "sentence", "paragraph", "article", "country"]
DatePrecision = Literal["day", "week", "month", "year", "published"]


class Record(BaseModel):
    """Base for all records: strict field names, JSON-friendly."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Span(Record):
    """A stretch of the article text that justifies a field."""

    text: str
    start: int
    end: int


class Part(Record):
    """A labelled region of the article: which parts are body text and which are not."""

    kind: PartKind
    start: int
    end: int


class Article(Record):
    id: str = Field(description="Stable id: hash of the normalised text.")
    source_id: str | None = Field(None, description="The id the input gave (e.g. a JSONL id).")
    title: str | None = None
    category: str | None = None
    published: dt.datetime | None = None
    source: str | None = Field(None, description="Outlet or feed the article came from.")
    url: str | None = None
    language: str | None = None
    status: ArticleStatus = "coded"
    status_reason: str | None = None
    input_name: str | None = Field(None, description="File path or stream the article came from.")
    text: str = ""
    parts: list[Part] = Field(default_factory=list)
    cluster_id: str | None = None
    duplicate_of: str | None = None

    def part_text(self, part: Part) -> str:
        return self.text[part.start : part.end]

    def parts_of(self, *kinds: PartKind) -> list[Part]:
        return [p for p in self.parts if p.kind in kinds]

    def kind_at(self, offset: int) -> PartKind | None:
        for part in self.parts:
            if part.start <= offset < part.end:
                return part.kind
        return None


# Codes in the actor `code` field that are not countries (PLOVER's entity codes, regions).
NON_COUNTRY_CODES = frozenset({"IGO", "UNO", "EUR", "NGO", "IMG", "MNC", "ISM", "AFR", "ASA"})


# Where the gazetteer's ISO code for a country differs from the actor code CAMEO and PLOVER give
# it (Kosovo has no ISO 3166 code; GeoNames uses the user-assigned XKX).
ACTOR_CODE_OF_ISO3 = {"XKX": "KOS"}


def actor_country_code(iso3: str) -> str:
    """The actor code of the country the gazetteer gives a place."""
    return ACTOR_CODE_OF_ISO3.get(iso3, iso3)


def is_country_code(code: str | None) -> bool:
    """Whether an actor code is a country's ISO3 code."""
    return bool(code) and len(code) == 3 and code not in NON_COUNTRY_CODES


class Actor(Record):
    """One actor or recipient: a text mention resolved to country/entity code + sector."""

    text: str
    start: int
    end: int
    name: str | None = Field(None, description="Canonical name of the resolved entity.")
    code: str | None = Field(None, description="ISO3, or IGO/UNO/EUR/NGO/IMG/MNC/ISM.")
    sector: str | None = Field(None, description="PLOVER sector code (GOV, MIL, REB, ...).")
    matched_by: str | None = Field(
        None, description="How it was resolved (alias, agent, coref, ...)."
    )


class Entity(Record):
    """A named entity mentioned in the article, resolved where the dictionary knows it."""

    text: str
    label: str
    start: int
    end: int
    name: str | None = None
    code: str | None = None
    sector: str | None = None


class Place(Record):
    """Where an event happened (PLOVER `event_loc`)."""

    text: str | None = None
    name: str | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = Field(None, description="ISO3.")
    admin1: str | None = None
    precision: int | None = Field(
        None, description="1 country, 2 admin1, 3 district, 4 city, 5 sub-city."
    )
    geonameid: int | None = None
    start: int | None = None
    end: int | None = None
    feature: str | None = Field(
        None, description="Gazetteer feature: country, admin1, admin2, capital, city, region."
    )
    basis: PlaceBasis | None = Field(
        None,
        description="Where the place came from: the event's clause, sentence or paragraph, "
        "the article (same kind of event, or the lede), or the article's main country.",
    )


class Size(Record):
    """The toll of an event (PLOVER size object), with UCDP-style low/high bounds."""

    dead: int | None = None
    dead_low: int | None = None
    dead_high: int | None = None
    injured: int | None = None
    injured_low: int | None = None
    injured_high: int | None = None
    arrested: int | None = None
    abducted: int | None = None
    displaced: int | None = None
    victims: list[Span] = Field(default_factory=list, description="Named victims.")
    spans: list[Span] = Field(default_factory=list, description="Where the counts came from.")
    cumulative: bool = Field(
        False,
        description="The counts are a total over a period or campaign, not one incident's.",
    )


class AcledCoding(Record):
    """An event's ACLED types (ACLED Codebook, 2023 layout); all three are null when ACLED
    would record no event for it (a statement, a meeting, a crime without political motive...)."""

    disorder_type: str | None = Field(
        None,
        description="Political violence, Demonstrations, Strategic developments, or both "
        "of the first two (Excessive force against protesters).",
    )
    event_type: str | None = Field(None, description="One of ACLED's 6 event types.")
    sub_event_type: str | None = Field(
        None, description="One of ACLED's 25 sub-event types; null when ACLED records no event."
    )
    confidence: float | None = Field(
        None, description="The model's probability for its answer (null: no model ran)."
    )
    basis: Literal["model", "mapping"] = Field(
        "model",
        description="model: the ACLED typing model decided; mapping: the PLOVER -> ACLED table "
        "(docs/exports.md) did, the model being unsure or unavailable.",
    )
    model: str | None = Field(None, description="Version of the model that decided.")


class Event(Record):
    id: str
    article_id: str
    event: str = Field(description="One of the 16 PLOVER event types.")
    mode: str | None = None
    context: list[str] = Field(default_factory=list)
    actor: list[Actor] = Field(default_factory=list)
    recipient: list[Actor] = Field(default_factory=list)
    date: dt.date | None = None
    date_precision: DatePrecision | None = Field(
        None,
        description="day, week, month or year as the text gives it; 'published' when the text "
        "gives no time and the publication date stands in (never a day-precise date).",
    )
    date_span: Span | None = None
    event_loc: Place | None = None
    size: Size | None = None
    negated: bool = False
    hypothetical: bool = False
    future: bool = False
    background: bool = False
    subordinate: bool = Field(
        False,
        description="Stated in a subordinate clause (a relative or participial clause, an "
        "'after ...' clause), not as the sentence's main assertion.",
    )
    quad_code: int
    event_scale: float
    cameo_root: str | None = None
    confidence: float
    evidence: Span = Field(description="The sentence that codes the event.")
    mentions: list[Span] = Field(
        default_factory=list,
        description="Every sentence that reports this incident, the first being `evidence` "
        "(empty when only `evidence` does).",
    )
    trigger: Span | None = Field(None, description="The word(s) that express the event.")
    section: PartKind = "body"
    claimed_by: Actor | None = Field(
        None, description="Who said so, when the event is reported speech."
    )
    quote_id: str | None = None
    link_id: str | None = Field(None, description="Cross-article event this mention belongs to.")
    acled: AcledCoding | None = Field(
        None, description="ACLED disorder, event and sub-event type (stage acled)."
    )

    @field_validator("date_precision", mode="before")
    @classmethod
    def _older_precision_name(cls, value: object) -> object:
        """Stores written before 2026-12 say 'publication' for 'published'."""
        return "published" if value == "publication" else value


class Quote(Record):
    id: str
    article_id: str
    text: str
    start: int
    end: int
    kind: Literal["direct", "indirect", "partial"] = "direct"
    speaker: Actor | None = None
    cue: Span | None = None
    medium: str | None = None
    event_ids: list[str] = Field(default_factory=list)
    parts: list[Span] = Field(
        default_factory=list,
        description="The quoted stretches: several when a quote is split around its cue or "
        "runs over paragraphs.",
    )
    speaker_mention: Span | None = Field(
        None,
        description="Where the speaker is named at the cue ('Rasool', 'he'); `speaker` holds "
        "the full mention it refers to.",
    )
    affiliation: Actor | None = Field(
        None, description="The organisation the speaker speaks for ('a spokesperson for X')."
    )
    medium_span: Span | None = Field(None, description="Where `medium` is in the text.")


class ArticleResult(Record):
    """Everything coded from one article: what `run --json` prints, one per line."""

    article: Article
    events: list[Event] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)

    def to_output(self) -> dict:
        """The public JSON shape: the article without its full text (spans index into it)."""
        data = self.model_dump(mode="json")
        for key in ("text", "input_name"):
            data["article"].pop(key, None)
        return data


class EventMention(Record):
    """One article reporting a linked event (GDELT's mention): through its own coded events,
    or as a repost of the article that coded them (then `event_ids` are the canonical
    article's events and `repost` is true)."""

    link_id: str
    article_id: str
    event_id: str = Field(description="The article's first event mention of it.")
    event_ids: list[str] = Field(default_factory=list, description="All of them, in order.")
    repost: bool = False
    source: str | None = Field(None, description="Outlet, URL host, or null when unknown.")
    published: dt.datetime | None = None
    cluster_id: str | None = None
    confidence: float = Field(0.0, description="The highest among its event mentions.")


class LinkedEvent(Record):
    """One real-world event, merged from the event mentions of every article that reports it."""

    id: str
    event: str
    mode: str | None = None
    date: dt.date | None = Field(None, description="Earliest date among the mentions.")
    date_last: dt.date | None = Field(None, description="Latest date among the mentions.")
    event_loc: Place | None = None
    actor_codes: list[str] = Field(default_factory=list)
    recipient_codes: list[str] = Field(default_factory=list)
    num_mentions: int = Field(0, description="Event mentions, several per article possible.")
    num_articles: int = 0
    num_sources: int = 0
    num_reports: int = Field(0, description="Independently written reports (not reposts).")
    first_article_id: str
    first_reported: dt.datetime | None = None
    root_event_id: str = Field(description="The first event mention, whose record it starts from.")
    confidence: float
    mentions: list[EventMention] = Field(default_factory=list)
