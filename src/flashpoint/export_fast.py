"""The CSV export's fast path: each stored event's JSON record decoded by msgspec into plain
structs holding only what the flat table needs, not validated into the data model.

The flat row built here is `export.flat_row` of the model; the output is byte for byte the
model path's (tests/serve/test_exports.py compares both). A record these structs do not take
as they are (a value of another type than the model writes, an older spelling the model's
validators translate) is read through the model instead, so the model stays the one judge
of what a record means. Decoding this way costs about a tenth of building the model, which
is what bounds an export of a large store.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import IO, Any

import msgspec

from flashpoint.model import DatePrecision, Event, PartKind

ARTICLE_COLUMNS = ("title", "published", "source", "url")
"""What the flat table takes from an event's article (`article_stored_at`'s columns)."""
BATCH = 5000
"""Events read from the store per query (keyset pages)."""
ARTICLES_KEPT = 4096
"""Articles remembered between pages (events come sorted, mostly an article's together)."""


class _Span(msgspec.Struct):
    text: str
    start: int
    end: int


class _Actor(msgspec.Struct):
    text: str
    name: str | None = None
    code: str | None = None
    sector: str | None = None


class _Place(msgspec.Struct):
    text: str | None = None
    name: str | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    admin1: str | None = None
    precision: int | None = None
    geonameid: int | None = None


class _Size(msgspec.Struct):
    dead: int | None = None
    dead_low: int | None = None
    dead_high: int | None = None
    injured: int | None = None
    injured_low: int | None = None
    injured_high: int | None = None
    arrested: int | None = None
    abducted: int | None = None
    displaced: int | None = None


class _Event(msgspec.Struct, kw_only=True):
    """The fields of model.Event the flat table reads, with the model's types and defaults."""

    id: str
    article_id: str
    event: str
    mode: str | None = None
    context: list[str] = []
    actor: list[_Actor] = []
    recipient: list[_Actor] = []
    date: dt.date | None = None
    date_precision: DatePrecision | None = None
    event_loc: _Place | None = None
    size: _Size | None = None
    negated: bool = False
    hypothetical: bool = False
    future: bool = False
    background: bool = False
    quad_code: int
    event_scale: float
    cameo_root: str | None = None
    confidence: float
    evidence: _Span
    mentions: list[_Span] = []
    trigger: _Span | None = None
    section: PartKind = "body"
    claimed_by: _Actor | None = None
    quote_id: str | None = None
    link_id: str | None = None


STRUCTS: dict[type[msgspec.Struct], str] = {
    _Event: "Event",
    _Actor: "Actor",
    _Span: "Span",
    _Place: "Place",
    _Size: "Size",
}
"""Each struct and the model class it mirrors (a test checks the fields agree)."""

_DECODER = msgspec.json.Decoder(_Event)
_NO_PLACE = _Place()
_NO_SIZE = _Size()
_FLAG = {False: "false", True: "true"}
_FORMULA_FIRST = frozenset("=+-@\t\r")
_FORMULA_AFTER = re.compile("\x00[=+\\-@\t\r]")


def _join(values: list[str | None]) -> str | None:
    kept = [v for v in values if v]
    return "; ".join(kept) if kept else None


def _sides(actors: list[_Actor]) -> tuple[str | None, str | None, str | None, str | None]:
    """Text, name, code and sector of a side's actors, each joined with '; ' (export._join)."""
    if not actors:
        return None, None, None, None
    if len(actors) == 1:
        a = actors[0]
        return a.text or None, a.name or None, a.code or None, a.sector or None
    return (
        _join([a.text for a in actors]),
        _join([a.name for a in actors]),
        _join([a.code for a in actors]),
        _join([a.sector for a in actors]),
    )


def _row(e: _Event, article: Sequence[Any] | None) -> list[Any]:
    """export.flat_row for a decoded record, as a list in FLAT_COLUMNS' order, with the CSV's
    spelling of booleans (None is written empty by the csv module, as `_csv_value` does)."""
    loc = e.event_loc or _NO_PLACE
    size = e.size or _NO_SIZE
    evidence = e.evidence
    trigger = e.trigger
    claimed = e.claimed_by
    mentions = e.mentions
    return [
        e.id,
        e.article_id,
        e.link_id,
        e.date,
        e.date_precision,
        e.event,
        e.mode,
        _join(e.context),  # type: ignore[arg-type]
        e.quad_code,
        e.event_scale,
        e.cameo_root,
        e.confidence,
        _FLAG[e.negated],
        _FLAG[e.hypothetical],
        _FLAG[e.future],
        _FLAG[e.background],
        e.section,
        *_sides(e.actor),
        *_sides(e.recipient),
        loc.text,
        loc.name,
        loc.country,
        loc.admin1,
        loc.lat,
        loc.lon,
        loc.precision,
        loc.geonameid,
        size.dead,
        size.dead_low,
        size.dead_high,
        size.injured,
        size.injured_low,
        size.injured_high,
        size.arrested,
        size.abducted,
        size.displaced,
        (claimed.name or claimed.text) if claimed else None,
        e.quote_id,
        evidence.text,
        evidence.start,
        evidence.end,
        len(mentions) or 1,
        " ".join([f"{m.start}-{m.end}" for m in mentions]) or f"{evidence.start}-{evidence.end}",
        trigger.text if trigger else None,
        trigger.start if trigger else None,
        trigger.end if trigger else None,
        *(article or (None, None, None, None)),
    ]


def _may_hold_formula(row: list[Any]) -> bool:
    """Whether a text cell of the row may start as a formula does (then each is looked at):
    the text cells joined by a separator they cannot hold, searched at once."""
    try:
        joined = "\x00".join(filter(None, _text_cells(row)))
    except TypeError:  # a value that is not text where text was expected: look at each
        return True
    return joined[:1] in _FORMULA_FIRST or _FORMULA_AFTER.search(joined) is not None


def _model_row(record: str | bytes, article: Sequence[Any] | None) -> list[Any]:
    """A record the structs do not take as they are, through the model (export.flat_row)."""
    from flashpoint.export import FLAT_COLUMNS, _csv_value, flat_row

    meta = dict(zip(ARTICLE_COLUMNS, article, strict=True)) if article else None
    row = flat_row(Event.model_validate_json(record), meta)
    return [_csv_value(row[name]) for name in FLAT_COLUMNS]


def _text_columns() -> Callable[[list[Any]], tuple]:
    from flashpoint.export import FLAT_COLUMNS

    return itemgetter(*(i for i, kind in enumerate(FLAT_COLUMNS.values()) if kind == "string"))


_text_cells = _text_columns()
"""The cells of a row that may hold text (FLAT_COLUMNS' string columns)."""


def write_flat_csv(
    store: Any,
    where: Any,
    out: IO[str],
    escape: Callable[[Any], Any] | None,
) -> int:
    """The filtered events as the flat CSV (header first) to a text stream; the number of
    rows. `escape` is export.neutralise_formula, or None to write values verbatim."""
    from flashpoint.export import FLAT_COLUMNS

    lines: list[str] = []  # a page's lines, written at once (not a write per row)
    writer = csv.writer(_Sink(lines.append), lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(FLAT_COLUMNS)
    articles: dict[str, tuple | None] = {}
    decode = _DECODER.decode
    writerow = writer.writerow
    count = 0
    # The record as its UTF-8 bytes, which msgspec reads as they are: no str is built for it
    # (about a tenth of the export's time).
    for rows in store.iter_event_rows(where, "CAST(record AS BLOB), article_id", BATCH):
        if len(articles) > ARTICLES_KEPT:
            articles.clear()
        _read_articles(store, {row[1] for row in rows}.difference(articles), articles)
        for found_row in rows:
            record, article_id = found_row[0], found_row[1]
            article = articles[article_id]
            try:
                row = _row(decode(record), article)
                suspect = escape is not None and _may_hold_formula(row)
            except msgspec.DecodeError:  # its ValidationError too
                row = _model_row(record, article)
                suspect = escape is not None
            if suspect:
                row = [
                    escape(v) if v.__class__ is str and v[:1] in _FORMULA_FIRST else v for v in row
                ]
            writerow(row)
        count += len(rows)
        out.write("".join(lines))
        lines.clear()
    out.write("".join(lines))  # the header of an empty export
    return count


ARTICLES_PER_QUERY = 500
"""Article ids looked up per query (SQLite's default limit on parameters is far above)."""


def _read_articles(store: Any, ids: set[str], into: dict[str, tuple | None]) -> None:
    """The ARTICLE_COLUMNS of these articles (None for one not stored), a few queries for a
    page of events rather than one per article: a page sorted by date holds events of
    thousands of articles."""
    wanted = sorted(ids)
    for start in range(0, len(wanted), ARTICLES_PER_QUERY):
        chunk = wanted[start : start + ARTICLES_PER_QUERY]
        found = store.conn.execute(
            f"SELECT id, {', '.join(ARTICLE_COLUMNS)} FROM articles"
            f" WHERE id IN ({', '.join('?' * len(chunk))})",
            chunk,
        )
        for row in found:
            into[row[0]] = tuple(row[1:])
    for article_id in wanted:
        into.setdefault(article_id, None)


class _Sink:
    """A file-like object whose write is a given function (the csv writer's target)."""

    def __init__(self, write: Callable[[str], object]) -> None:
        self.write = write
