"""The SQLite store: one file, schema versioned by migrations, one transaction per article.

Writing an article and everything coded from it happens in one transaction, so a run that is
killed leaves every stored article whole. Articles are keyed by their content hash, so
re-running stores nothing twice. WAL mode lets readers (the API) work while a run writes.
"""

from __future__ import annotations

import base64
import json
import math
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from flashpoint.errors import StoreError
from flashpoint.model import (
    Article,
    ArticleResult,
    Entity,
    Event,
    EventMention,
    LinkedEvent,
    Quote,
)
from flashpoint.store.actor_days import actor_timeline_answers
from flashpoint.store.fulltext import snippet
from flashpoint.store.keyed_search import KEYED_VERSION
from flashpoint.store.migrations import MIGRATIONS, SCHEMA_VERSION
from flashpoint.store.query_indexes import acled_clause, timeline_summary_answers
from flashpoint.store.rowid_keys import ROWID_VERSION
from flashpoint.store.summaries import FLAG_BACKGROUND, FLAG_HYPOTHETICAL, FLAG_NEGATED, TOTAL

if TYPE_CHECKING:  # dedup imports datasketch and scipy: seconds a reading command need not wait
    from flashpoint.stages.dedup import Fingerprint


def acled_columns(event: Event) -> tuple[str, str]:
    """flashpoint.acled's, imported when first needed: it loads numpy, which a command that
    only reads need not wait for (`flashpoint events` starts in a fraction of a second)."""
    from flashpoint.acled import acled_columns as columns

    return columns(event)


def acled_name(name: str) -> str:
    """flashpoint.acled's (imported when first needed, as acled_columns)."""
    from flashpoint.acled import acled_name as spelled

    return spelled(name)


DEFAULT_DB = Path("flashpoint.db")
WRITER_CACHE_KB = 65_536
"""Page cache of a connection that writes (KiB)."""
WRITER_CHECKPOINT_PAGES = 10_000
"""WAL pages a writer lets accumulate before it copies them into the database (SQLite's
default is 1,000). In a large store an article touches a page of every index (300 or more at
a million events), so the default checkpointed every two or three articles, each time writing
pages all over the file and syncing it; fewer checkpoints write a page changed by many articles
once and sync less often (about 40 MB of WAL at most; the last writer to close empties it)."""
MANY = 20_000
"""An actor code or a box matching more events than this is tested row by row along the sort's
index rather than looked up (see StoreQueries._code_clause)."""
ARTICLES_MANY = 2_000
"""A full-text query matching this many articles or more is tested per event along the sort's
index rather than its articles' ids looked up (see StoreQueries._article_clause)."""
MAP_ID_ROWS = 20_000
"""The map reads event ids from this many of its newest summary rows at most."""
COUNT_CAP = 10_000
COUNT_SECONDS = 0.15
"""A capped count stops after this long, with the count so far (a lower bound)."""
COUNT_STEPS = 10_000
"""SQLite virtual-machine steps between two looks at the clock while counting."""
"""Lists count their matches up to this many when the summaries cannot count them."""
BUSY_TIMEOUT = 5.0
"""Seconds a connection waits for another writer's lock before giving up."""

DATE_KEY = "coalesce(date, '')"
"""The event date as the sorts and the date filters compare it: never NULL (an undated event
sorts first), so that a page's position is one row value and an index can seek to it."""

# Orders the event queries accept: columns, and whether all of them are descending. Each ends
# on the id, so that pages never overlap; each is served by an index (summaries.py).
SORT_KEYS: dict[str, tuple[tuple[str, ...], bool]] = {
    "date": ((DATE_KEY, "article_id", "id"), False),
    "-date": ((DATE_KEY, "article_id", "id"), True),
    "confidence": (("confidence", DATE_KEY, "id"), False),
    "-confidence": (("confidence", DATE_KEY, "id"), True),
    "event_scale": (("event_scale", DATE_KEY, "id"), False),
    "-event_scale": (("event_scale", DATE_KEY, "id"), True),
    "event": (("event", DATE_KEY, "id"), False),
    "-event": (("event", DATE_KEY, "id"), True),
    "type": (("event", DATE_KEY, "id"), False),  # the CLI's name for the event type
    "-type": (("event", DATE_KEY, "id"), True),
}
EVENT_SORTS: dict[str, str] = {
    name: ", ".join(f"{key} DESC" if desc else key for key in keys)
    for name, (keys, desc) in SORT_KEYS.items()
}


@dataclass
class EventFilter:
    type: str | None = None
    actor: str | None = None  # code, as actor or recipient
    since: str | None = None  # ISO date, inclusive
    until: str | None = None
    country: str | None = None
    admin1: str | None = None  # province/state of the event's place (event_loc.admin1), any case
    acled_type: str | None = None  # an ACLED event_type or sub_event_type, as the ACLED export
    article_id: str | None = None
    include_background: bool = True
    include_hypothetical: bool = True
    min_confidence: float | None = None
    min_dead: int | None = None  # events whose toll counts at least this many dead
    near: tuple[float, float, float] | None = None  # lat, lon, km
    limit: int | None = None
    offset: int = 0
    # Used by the API, the dashboard and exports (see the "queries" section of Store).
    types: tuple[str, ...] = ()  # any of these PLOVER types
    mode: str | None = None
    initiator: str | None = None  # code, as actor only
    recipient: str | None = None  # code, as recipient only
    quad: int | None = None
    bbox: tuple[float, float, float, float] | None = None  # min lon, min lat, max lon, max lat
    has_location: bool | None = None
    include_negated: bool = True
    text: str | None = None  # an FTS5 query
    text_in: str = "evidence"  # evidence | article | both
    link_id: str | None = None
    alert_id: str | None = None  # the events behind a stored alert (alerts.py)
    sort: str = "date"  # a key of EVENT_SORTS
    cursor: str | None = None  # events after this one in the sort (Store.events_page's `next`)


ARTICLE_SUMMARY_SQL = (
    "SELECT a.id, a.source_id, a.title, a.category, a.published, a.source, a.url,"
    " a.language, a.status, a.status_reason, a.cluster_id, a.duplicate_of, a.stored_at,"
    " length(a.text) AS characters,"
    " (SELECT COUNT(*) FROM events e WHERE e.article_id = a.id) AS events"
    " FROM articles a"
)

SUMMARY_FIELDS = frozenset(
    {
        "type",
        "types",
        "since",
        "until",
        "country",
        "admin1",
        "quad",
        "include_background",
        "include_hypothetical",
        "include_negated",
        "limit",
        "offset",
        "sort",
        "cursor",
        "text_in",
    }
)
"""The filter fields the summaries answer (the rest must keep their defaults)."""


def summary_clauses(where: EventFilter, by_day: bool = False) -> tuple[str, list[object]] | None:
    """A WHERE clause over a summary table's key (summaries.py) selecting what `where`
    selects, or None when `where` filters on something the summaries do not keep. Without
    dates (and unless `by_day`), it reads the rows that total every day."""
    default = EventFilter()
    for name, value in where.__dict__.items():
        if name not in SUMMARY_FIELDS and value != getattr(default, name):
            return None
    clauses: list[str] = ["1"]
    params: list[object] = []
    types = [kind.upper() for kind in (*([where.type] if where.type else []), *where.types)]
    if where.type and where.types:
        return None  # both given: the events query ANDs them; rare enough to leave to it
    if types:
        clauses.append(f"event IN ({', '.join('?' * len(types))})")
        params += types
    if where.since or where.until or by_day:
        clauses.append(f"day > '{TOTAL}'")  # dated rows: neither totals nor undated events
    else:
        clauses.append(f"day = '{TOTAL}'")
    if where.since:
        clauses.append("day >= ?")
        params.append(where.since)
    if where.until:
        clauses.append("day <= ?")
        params.append(where.until)
    if where.country:
        clauses.append("country = ?")
        params.append(where.country.upper())
    if where.admin1:
        clauses.append("lower(admin1) = ?")
        params.append(where.admin1.strip().lower())
    if where.quad is not None:
        clauses.append("quad = ?")
        params.append(where.quad)
    for flag, included in (
        (FLAG_BACKGROUND, where.include_background),
        (FLAG_HYPOTHETICAL, where.include_hypothetical),
        (FLAG_NEGATED, where.include_negated),
    ):
        if not included:
            clauses.append(f"flags & {flag} = 0")
    return " AND ".join(clauses), params


class StoreQueries:
    """Read-only queries for the API, the dashboard and exports: filters beyond the CLI's,
    full-text search, aggregates (timeline, actors, dyads) and article listings.

    A mixin of Store (kept apart from the core read/write methods so that each can change
    without touching the other)."""

    conn: sqlite3.Connection

    def _more_event_clauses(self, where: EventFilter) -> tuple[list[str], list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if where.types:
            clauses.append(f"event IN ({', '.join('?' * len(where.types))})")
            params += [kind.upper() for kind in where.types]
        if where.mode:
            clauses.append("mode = ?")
            params.append(where.mode.lower())
        if where.initiator:
            clauses.append(self._code_clause(where.initiator, "1"))
            params.append(where.initiator.upper())
        if where.recipient:
            clauses.append(self._code_clause(where.recipient, "2"))
            params.append(where.recipient.upper())
        if where.quad is not None:
            clauses.append("quad_code = ?")
            params.append(where.quad)
        if where.bbox is not None:
            min_lon, min_lat, max_lon, max_lat = where.bbox
            boxes = [(min_lat, max_lat, min_lon, max_lon)]
            if min_lon > max_lon:  # the box crosses the antimeridian: two boxes
                boxes = [(min_lat, max_lat, min_lon, 180.0), (min_lat, max_lat, -180.0, max_lon)]
            geo = [self._geo_clause(box) for box in boxes]
            if all(geo):
                clauses.append("(" + " OR ".join(str(clause) for clause in geo) + ")")
                params += [value for box in boxes for value in box]
            clauses.append("lat BETWEEN ? AND ?")
            params += [min_lat, max_lat]
            if min_lon <= max_lon:
                clauses.append("lon BETWEEN ? AND ?")
                params += [min_lon, max_lon]
            else:  # the box crosses the antimeridian
                clauses.append("(lon >= ? OR lon <= ?)")
                params += [min_lon, max_lon]
        if where.has_location is True:
            clauses.append("lat IS NOT NULL AND lon IS NOT NULL")
        elif where.has_location is False:
            clauses.append("(lat IS NULL OR lon IS NULL)")
        if not where.include_negated:
            clauses.append("negated = 0")
        if where.link_id:
            clauses.append("link_id = ?")
            params.append(where.link_id)
        if where.alert_id:
            clauses.append(
                "id IN (SELECT value FROM json_each((SELECT json_extract(record, '$.events')"
                " FROM alerts WHERE id = ?)))"
            )
            params.append(where.alert_id)
        if where.text:
            searches = []
            if where.text_in in ("evidence", "both"):
                common = self._many(
                    "SELECT 1 FROM events_fts WHERE events_fts MATCH ?", [where.text]
                )
                # Keyed by rowid (keyed_search.py): a set of integers, tested against the
                # rowid of each entry of the sort's index (`+`: not looked up one by one) when
                # many match, else the matches looked up by rowid and sorted.
                searches.append(
                    ("+" if common else "")
                    + (
                        "rowid IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)"
                        if self._keyed_search()
                        else "id IN (SELECT event_id FROM events_fts WHERE events_fts MATCH ?)"
                    )
                )
                params.append(where.text)
            if where.text_in in ("article", "both"):
                searches.append(self._article_clause(where.text))
                params.append(where.text)
            clauses.append("(" + " OR ".join(searches) + ")")
        return clauses, params

    def _keyed_search(self) -> bool:
        """Whether the full-text rows are keyed by the records' rowids (migration 11; a store
        opened read-only may predate it)."""
        known: dict[str, bool] = self.__dict__.setdefault("_tables_known", {})
        if "keyed search" not in known:
            version = int(self.conn.execute("PRAGMA user_version").fetchone()[0])
            known["keyed search"] = version >= KEYED_VERSION
        return known["keyed search"]

    def _article_match(self, column: str) -> str:
        """A query of the `column` (id or rowid) of the articles whose title or text match a
        full-text query (its one parameter)."""
        if not self._keyed_search():
            found = "SELECT article_id FROM articles_fts WHERE articles_fts MATCH ?"
            return found if column == "id" else f"SELECT rowid FROM articles WHERE id IN ({found})"
        found = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"
        return found if column == "rowid" else f"SELECT id FROM articles WHERE rowid IN ({found})"

    def _article_clause(self, text: str) -> str:
        """The events whose article matches a full-text query (its one parameter). Few
        matching articles: their ids are looked up, and their events through events_article.
        Many (the article ids of 37,000 of 70,000 articles took 70-190 ms to read, the wide
        rows of the articles table each a page): each event met along the sort's index looks
        its article's rowid up in the narrow index of article ids and tests it against the
        matches' rowids, and the walk stops at the page's last row."""
        if self._keyed_search() and self._many(
            "SELECT 1 FROM articles_fts WHERE articles_fts MATCH ?", [text], ARTICLES_MANY
        ):
            return (
                "(SELECT a.rowid FROM articles AS a WHERE a.id = events.article_id)"
                " IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
            )
        return f"article_id IN ({self._article_match('id')})"

    def _many(self, sql: str, params: Sequence[object], many: int | None = None) -> bool:
        """Whether a query gives at least `many` rows (MANY unless given; counted no
        further)."""
        many = MANY if many is None else many
        found = self.conn.execute(f"SELECT COUNT(*) FROM ({sql} LIMIT ?)", [*params, many])
        return int(found.fetchone()[0]) >= many

    def _code_clause(self, code: str, sides: str) -> str:
        """The actor-code filter. A code that few events carry drives the query (its events
        are looked up, then sorted); a common one is tested row by row (two primary-key probes
        of event_codes, nothing collected first) while the sort's index is walked, which stops
        at the page's last row."""
        keyed = self._rowid_keys()
        lookup = CODE_SQL if keyed else CODE_SQL_BY_ID
        if self.__dict__.get("_unordered"):  # an aggregate: every match is read anyway
            return lookup.format(sides=sides)
        common = self._many(
            f"SELECT 1 FROM event_codes WHERE code = ? AND side IN ({sides})", [code.upper()]
        )
        if common:
            return (CODE_EXISTS_SQL if keyed else CODE_EXISTS_SQL_BY_ID).format(sides=sides)
        return lookup.format(sides=sides)

    def _rowid_keys(self) -> bool:
        """Whether event_codes and event_geo are keyed by the events' rowids (migration 14; a
        store opened read-only may predate it)."""
        known: dict[str, bool] = self.__dict__.setdefault("_tables_known", {})
        if "rowid keys" not in known:
            version = int(self.conn.execute("PRAGMA user_version").fetchone()[0])
            known["rowid keys"] = version >= ROWID_VERSION
        return known["rowid keys"]

    def _geo_clause(self, box: tuple[float, float, float, float]) -> str | None:
        """The R*Tree filter for a box (min lat, max lat, min lon, max lon) when few events lie
        in it; None when many do: then the exact coordinate tests that follow it are made while
        the sort's index is walked (events_located_date holds the coordinates in date order),
        which stops at the page's last row instead of collecting every id in the box."""
        common = self._many(
            "SELECT 1 FROM event_geo WHERE max_lat >= ? AND min_lat <= ? AND max_lon >= ?"
            " AND min_lon <= ?",
            box,
        )
        if common:
            return None
        return GEO_SQL if self._rowid_keys() else GEO_SQL_BY_ID

    def _has_table(self, name: str) -> bool:
        """Whether the store has this table (a store opened read-only may predate it)."""
        known: dict[str, bool] = self.__dict__.setdefault("_tables_known", {})
        if name not in known:
            row = self.conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
            ).fetchone()
            known[name] = row is not None
        return known[name]

    def _filtered(self, where: EventFilter) -> tuple[str, list[object]]:
        """A CTE `f` holding the filtered events' columns, for aggregates."""
        unpaged = EventFilter(**{**where.__dict__, "limit": None, "offset": 0})
        # Every match is aggregated, in no order: an actor code drives the query from
        # event_codes rather than being tested along the sort's index.
        self.__dict__["_unordered"] = True
        try:
            sql, params = self._event_query(unpaged, "*")  # type: ignore[attr-defined]
        finally:
            self.__dict__["_unordered"] = False
        # In no order, so that SQLite reads each match's needed columns as it aggregates
        # (every aggregate orders its own groups) rather than sorting whole rows first.
        sql = sql.rsplit(" ORDER BY ", 1)[0]
        return f"WITH f AS ({sql})", params

    def _timeline_summary(self, where: EventFilter) -> tuple[str, list[object]] | None:
        """The timeline's query over the summaries, or None when they cannot answer it."""
        summary = summary_clauses(where, by_day=True)
        if summary is None:
            return self._actor_timeline(where)
        table = "summary_daily"
        if timeline_summary_answers(where) and self._has_table("summary_timeline"):
            table = "summary_timeline"  # a row per day, class and flags (query_indexes.py)
        return (
            "SELECT day AS date, quad AS quad_code, SUM(events) AS events, SUM(score) AS score"
            f" FROM {table} WHERE {summary[0]} GROUP BY day, quad ORDER BY day, quad",
            summary[1],
        )

    def _actor_timeline(self, where: EventFilter) -> tuple[str, list[object]] | None:
        """The timeline of one actor code from summary_actor_days (actor_days.py), or None when
        it cannot answer (other filters, or a store from before it)."""
        if not actor_timeline_answers(where) or not self._has_table("summary_actor_days"):
            return None
        rest = summary_clauses(EventFilter(**{**where.__dict__, "actor": None}), by_day=True)
        if rest is None:
            return None
        return (
            "SELECT day AS date, quad AS quad_code, SUM(events) AS events, SUM(score) AS score"
            f" FROM summary_actor_days WHERE code = ? AND {rest[0]}"
            " GROUP BY day, quad ORDER BY day, quad",
            [str(where.actor).upper(), *rest[1]],
        )

    def timeline_json(self, where: EventFilter) -> bytes:
        """The timeline as a JSON array of objects (date, quad_code, events, score), built by
        SQLite when the summaries answer (a store spanning decades has tens of thousands of
        points: a Python object per point cost several times the query)."""
        summarised = self._timeline_summary(where)
        if summarised is None:
            return json.dumps(self.timeline(where), separators=(",", ":")).encode()
        sql, params = summarised
        row = self.conn.execute(
            "SELECT json_group_array(json_object('date', date, 'quad_code', quad_code,"
            f" 'events', events, 'score', score)) FROM ({sql})",
            params,
        ).fetchone()
        return str(row[0]).encode()

    def timeline(self, where: EventFilter) -> list[dict]:
        """Events per day and quad class (events without a date are left out)."""
        summarised = self._timeline_summary(where)
        if summarised is not None:
            return [dict(row) for row in self.conn.execute(*summarised)]
        cte, params = self._filtered(where)
        rows = self.conn.execute(
            f"{cte} SELECT date, quad_code, COUNT(*) AS events, SUM(event_scale) AS score"
            " FROM f WHERE date IS NOT NULL GROUP BY date, quad_code ORDER BY date, quad_code",
            params,
        )
        return [dict(row) for row in rows]

    def map_places(self, where: EventFilter) -> list[dict]:
        """Every located event, aggregated by place (same point and precision): the dashboard
        draws all of them, however many events there are. Each place has its event count,
        its count per quad class, and the ids of up to five events (newest first). From the
        summaries when the filter allows; then the ids are one per day and kind of event (the
        smallest id of each), newest day first."""
        summary = summary_clauses(where)
        if summary is not None:
            return self._summary_places(*summary)
        cte, params = self._filtered(where)
        rows = self.conn.execute(
            f"{cte}, placed AS (SELECT id, date, quad_code, lat, lon, country,"
            " json_extract(record, '$.event_loc.precision') AS precision,"
            " coalesce(json_extract(record, '$.event_loc.name'),"
            " json_extract(record, '$.event_loc.text')) AS name"
            " FROM f WHERE lat IS NOT NULL AND lon IS NOT NULL)"
            " SELECT round(lat, 4) AS lat, round(lon, 4) AS lon, precision,"
            " MIN(country) AS country, MIN(name) AS name, COUNT(*) AS events,"
            " SUM(quad_code = 1) AS q1, SUM(quad_code = 2) AS q2, SUM(quad_code = 3) AS q3,"
            " SUM(quad_code = 4) AS q4,"
            " (SELECT json_group_array(id) FROM (SELECT p2.id FROM placed p2"
            "   WHERE round(p2.lat, 4) = round(placed.lat, 4)"
            "   AND round(p2.lon, 4) = round(placed.lon, 4)"
            "   AND p2.precision IS placed.precision"
            "   ORDER BY p2.date DESC, p2.id LIMIT 5)) AS event_ids"
            " FROM placed GROUP BY round(lat, 4), round(lon, 4), precision"
            " ORDER BY events DESC, lat, lon",
            params,
        )
        out = []
        for row in rows:
            item = dict(row)
            item["quads"] = {q: item.pop(f"q{q}") or 0 for q in (1, 2, 3, 4)}
            item["event_ids"] = json.loads(item["event_ids"] or "[]")
            out.append(item)
        return out

    def _summary_places(self, clauses: str, params: list[object]) -> list[dict]:
        rows = self.conn.execute(
            "SELECT lat, lon, nullif(precision, -1) AS precision,"
            " MIN(nullif(country, '')) AS country, MIN(name) AS name, SUM(events) AS events,"
            " SUM(CASE WHEN quad = 1 THEN events END) AS q1,"
            " SUM(CASE WHEN quad = 2 THEN events END) AS q2,"
            " SUM(CASE WHEN quad = 3 THEN events END) AS q3,"
            " SUM(CASE WHEN quad = 4 THEN events END) AS q4"
            f" FROM summary_places WHERE {clauses} GROUP BY lat, lon, precision"
            " ORDER BY events DESC, lat, lon",
            params,
        )
        out = []
        index: dict[tuple, dict] = {}
        for row in rows:
            item = dict(row)
            item["quads"] = {q: item.pop(f"q{q}") or 0 for q in (1, 2, 3, 4)}
            item["event_ids"] = []
            index[(item["lat"], item["lon"], item["precision"])] = item
            out.append(item)
        # Ids from the newest rows (one per day and kind of event), then one for the places
        # those leave out (the smallest id of their totals).
        dated = clauses.replace(f"day = '{TOTAL}'", f"day > '{TOTAL}'")
        ids = self.conn.execute(
            "SELECT lat, lon, nullif(precision, -1), first_id FROM summary_places"
            f" WHERE {dated} ORDER BY day DESC, first_id LIMIT ?",
            [*params, MAP_ID_ROWS],
        )
        for lat, lon, precision, first_id in ids:
            found = index.get((lat, lon, precision))
            wanted = found is not None and len(found["event_ids"]) < 5
            if wanted and first_id not in found["event_ids"]:  # type: ignore[index]
                found["event_ids"].append(first_id)  # type: ignore[index]
        missing = [item for item in out if not item["event_ids"]]
        if missing:
            for lat, lon, precision, first_id in self.conn.execute(
                "SELECT lat, lon, nullif(precision, -1), MIN(first_id) FROM summary_places"
                f" WHERE {clauses} GROUP BY lat, lon, precision",
                params,
            ):
                found = index.get((lat, lon, precision))
                if found is not None and not found["event_ids"]:
                    found["event_ids"].append(first_id)
        return out

    def country_counts(self, where: EventFilter) -> list[dict]:
        """ISO3 codes of the filtered events' places, with event counts, most first."""
        summary = summary_clauses(where)
        if summary is not None:
            rows = self.conn.execute(
                "SELECT country, SUM(events) AS events FROM summary_daily"
                f" WHERE country != '' AND {summary[0]} GROUP BY country"
                " ORDER BY events DESC, country",
                summary[1],
            )
            return [dict(row) for row in rows]
        cte, params = self._filtered(where)
        rows = self.conn.execute(
            f"{cte} SELECT country, COUNT(*) AS events FROM f WHERE country IS NOT NULL"
            " GROUP BY country ORDER BY events DESC, country",
            params,
        )
        return [dict(row) for row in rows]

    def admin1_counts(self, where: EventFilter) -> list[dict]:
        """The provinces/states (event_loc.admin1) of the filtered events' places, by count."""
        summary = summary_clauses(where)
        if summary is not None:
            rows = self.conn.execute(
                "SELECT admin1, MIN(nullif(country, '')) AS country, SUM(events) AS events"
                f" FROM summary_daily WHERE admin1 != '' AND {summary[0]} GROUP BY admin1"
                " ORDER BY events DESC, admin1",
                summary[1],
            )
            return [dict(row) for row in rows]
        cte, params = self._filtered(where)
        rows = self.conn.execute(
            f"{cte} SELECT json_extract(record, '$.event_loc.admin1') AS admin1,"
            " MIN(country) AS country, COUNT(*) AS events FROM f"
            " WHERE json_extract(record, '$.event_loc.admin1') IS NOT NULL"
            " GROUP BY admin1 ORDER BY events DESC, admin1",
            params,
        )
        return [dict(row) for row in rows]

    def actor_counts(self, where: EventFilter, limit: int | None = None) -> list[dict]:
        """Actor codes with how many events name them as actor, as recipient, and in all.
        From the summaries when the filter allows; then `names` are the code's names and texts
        among all stored events (the first 10 in alphabetical order), not only the filtered."""
        summary = summary_clauses(where)
        if summary is not None:
            sql = (
                "SELECT code, SUM(events) AS events, SUM(as_actor) AS as_actor,"
                f" SUM(as_recipient) AS as_recipient FROM summary_actors WHERE {summary[0]}"
                " GROUP BY code ORDER BY events DESC, code"
            )
            params = list(summary[1])
            if limit is not None:
                sql += " LIMIT ?"
                params.append(limit)
            out = [dict(row) for row in self.conn.execute(sql, params)]
            for item in out:
                item["names"] = [
                    row[0]
                    for row in self.conn.execute(
                        "SELECT name FROM actor_names WHERE code = ? AND name != ''"
                        " ORDER BY name LIMIT 10",
                        (item["code"],),
                    )
                ]
            return out
        cte, params = self._filtered(where)
        sql = (
            f"{cte}, sides AS ("
            " SELECT f.id AS event_id, 'actor' AS side, json_extract(a.value, '$.code') AS code,"
            " coalesce(json_extract(a.value, '$.name'), json_extract(a.value, '$.text')) AS name"
            " FROM f, json_each(f.record, '$.actor') AS a"
            " UNION ALL"
            " SELECT f.id, 'recipient', json_extract(r.value, '$.code'),"
            " coalesce(json_extract(r.value, '$.name'), json_extract(r.value, '$.text'))"
            " FROM f, json_each(f.record, '$.recipient') AS r)"
            " SELECT code, COUNT(DISTINCT event_id) AS events,"
            " COUNT(DISTINCT CASE WHEN side = 'actor' THEN event_id END) AS as_actor,"
            " COUNT(DISTINCT CASE WHEN side = 'recipient' THEN event_id END) AS as_recipient,"
            " json_group_array(DISTINCT name) AS names"
            " FROM sides WHERE code IS NOT NULL GROUP BY code ORDER BY events DESC, code"
        )
        if limit is not None:
            sql += " LIMIT ?"
            params = [*params, limit]
        out = []
        for row in self.conn.execute(sql, params):
            item = dict(row)
            item["names"] = sorted(n for n in json.loads(item["names"]) if n)[:10]
            out.append(item)
        return out

    def dyads(
        self, where: EventFilter, level: str = "sector", limit: int | None = None
    ) -> list[dict]:
        """Directed (actor, recipient) pairs with event counts and PLOVER scores.

        `level` names the nodes: `country` (the code), `sector` (code-sector, e.g. IRQ-REB) or
        `actor` (the resolved name, else code-sector). Actors without a code are left out."""
        key = {
            "country": "json_extract({v}, '$.code')",
            "sector": "json_extract({v}, '$.code') || coalesce('-' || json_extract({v},"
            " '$.sector'), '')",
            "actor": "coalesce(json_extract({v}, '$.name'), json_extract({v}, '$.code') ||"
            " coalesce('-' || json_extract({v}, '$.sector'), ''))",
        }[level]
        summary = summary_clauses(where)
        if summary is not None:
            sql = (
                "SELECT source, target, MIN(source_code) AS source_code,"
                " MIN(target_code) AS target_code, SUM(events) AS events,"
                " SUM(score) AS score_sum, SUM(score) / SUM(events) AS score_mean"
                f" FROM summary_dyads WHERE level = ? AND {summary[0]} GROUP BY source, target"
                " ORDER BY events DESC, source, target"
            )
            params = [level, *summary[1]]
            if limit is not None:
                sql += " LIMIT ?"
                params.append(limit)
            return [dict(row) for row in self.conn.execute(sql, params)]
        cte, params = self._filtered(where)
        sql = (
            f"{cte}, pairs AS ("
            f" SELECT DISTINCT f.id AS event_id, f.event_scale AS score,"
            f" {key.format(v='a.value')} AS source, {key.format(v='r.value')} AS target,"
            " json_extract(a.value, '$.code') AS source_code,"
            " json_extract(r.value, '$.code') AS target_code"
            " FROM f, json_each(f.record, '$.actor') AS a, json_each(f.record, '$.recipient') AS r"
            " WHERE json_extract(a.value, '$.code') IS NOT NULL"
            " AND json_extract(r.value, '$.code') IS NOT NULL)"
            " SELECT source, target, MIN(source_code) AS source_code,"
            " MIN(target_code) AS target_code, COUNT(*) AS events,"
            " SUM(score) AS score_sum, AVG(score) AS score_mean"
            " FROM pairs WHERE source != target GROUP BY source, target"
            " ORDER BY events DESC, source, target"
        )
        if limit is not None:
            sql += " LIMIT ?"
            params = [*params, limit]
        return [dict(row) for row in self.conn.execute(sql, params)]

    def dyad_series(
        self, where: EventFilter, actor: str, recipient: str, *, both_ways: bool = False
    ) -> list[dict]:
        """Events per day and summed PLOVER score between two actor codes."""
        directions = [(actor, recipient)] + ([(recipient, actor)] if both_ways else [])
        parts, params = [], []
        for source, target in directions:
            sql, part_params = self._event_query(  # type: ignore[attr-defined]
                EventFilter(
                    **{
                        **where.__dict__,
                        "initiator": source,
                        "recipient": target,
                        "limit": None,
                        "offset": 0,
                    }
                ),
                "id, date, event_scale",
            )
            parts.append(f"SELECT * FROM ({sql})")
            params += part_params
        rows = self.conn.execute(
            "SELECT date, COUNT(*) AS events, SUM(event_scale) AS score_sum,"
            " AVG(event_scale) AS score_mean"
            f" FROM ({' UNION '.join(parts)}) WHERE date IS NOT NULL GROUP BY date ORDER BY date",
            params,
        )
        return [dict(row) for row in rows]

    def event_ids_with_prefix(self, prefix: str, limit: int = 6) -> list[str]:
        """Ids of stored events that start with `prefix` (at most `limit`), in order."""
        rows = self.conn.execute(
            "SELECT id FROM events WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
            (prefix, prefix + "\U0010ffff", limit),
        )
        return [row[0] for row in rows]

    def linked_events(self, link_id: str) -> list[Event]:
        """Every stored mention of one cross-article event (same `link_id`)."""
        rows = self.conn.execute(
            "SELECT record FROM events WHERE link_id = ? ORDER BY date, article_id, id", (link_id,)
        )
        return [Event.model_validate_json(row["record"]) for row in rows]

    def article_rows(
        self,
        *,
        text: str | None = None,
        status: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[dict], int]:
        """Article summaries (no full text) with their event counts; `text` is an FTS5 query,
        and a match carries a snippet of the text around it."""
        clauses: list[str] = []
        params: list[object] = []
        if text:
            clauses.append(f"a.rowid IN ({self._article_match('rowid')})")
            params.append(text)
        if status:
            clauses.append("a.status = ?")
            params.append(status)
        if since:
            clauses.append("a.published >= ?")
            params.append(since)
        if until:
            # A bare date includes the whole day.
            clauses.append("a.published < ?")
            params.append(until + "T99" if len(until) == 10 else until)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        total = int(
            self.conn.execute(f"SELECT COUNT(*) FROM articles a{where}", params).fetchone()[0]
        )
        rows = self.conn.execute(
            f"{ARTICLE_SUMMARY_SQL}{where} ORDER BY a.published DESC, a.id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        items = [dict(row) for row in rows]
        if text and items:
            # Cut here, not by FTS5's snippet() (see store.fulltext): its cost grows with the
            # text times the query's matches, in one step that cannot be interrupted.
            for item in items:
                row = self.conn.execute(
                    "SELECT text FROM articles WHERE id = ?", (item["id"],)
                ).fetchone()
                item["snippet"] = snippet(row[0], text) if row else None
        return items, total

    def article_rows_by_id(self, article_ids: Sequence[str]) -> list[dict]:
        """Article summaries (as `article_rows` gives them) for these ids, in this order."""
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return []
        rows = self.conn.execute(
            f"{ARTICLE_SUMMARY_SQL} WHERE a.id IN ({', '.join('?' * len(ids))})", ids
        )
        found = {row["id"]: dict(row) for row in rows}
        return [found[i] for i in ids if i in found]

    def article_stored_at(self, article_ids: Sequence[str]) -> dict[str, dict]:
        """Per article: what exports need besides the event (source, url, stored_at, ...)."""
        out: dict[str, dict] = {}
        ids = list(dict.fromkeys(article_ids))
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            rows = self.conn.execute(
                "SELECT id, source_id, title, published, source, url, input_name, stored_at,"
                " length(text) AS characters FROM articles"
                f" WHERE id IN ({', '.join('?' * len(part))})",
                part,
            )
            out.update({row["id"]: dict(row) for row in rows})
        return out


class Store(StoreQueries):
    def __init__(self, path: Path | str = DEFAULT_DB, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.immutable = False  # opened as an unchanging file (on a read-only filesystem)
        try:
            if read_only:
                if not self.path.exists():
                    raise StoreError(f"{self.path}: no such database (run `flashpoint run` first)")
                self.conn, self.immutable = open_read_only(self.path)
                self._prepare()
                self._check_version()
            else:
                if self.path.parent and not self.path.parent.exists():
                    raise StoreError(f"{self.path}: directory {self.path.parent} does not exist")
                self.conn = sqlite3.connect(
                    self.path, timeout=BUSY_TIMEOUT, check_same_thread=False
                )
                self._prepare()
                self._use_wal()
                self.conn.execute("PRAGMA synchronous = NORMAL")
                # A writer touches a page of every index per event: in a large store they are
                # many, so it keeps more of them in memory than SQLite's 2 MB default.
                self.conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KB}")
                self.conn.execute(f"PRAGMA wal_autocheckpoint = {WRITER_CHECKPOINT_PAGES}")
                self._migrate()
        except sqlite3.Error as exc:
            raise store_error(self.path, exc) from exc

    def _prepare(self) -> None:
        self.conn.row_factory = sqlite3.Row
        self.conn.create_function("fp_distance_km", 4, _distance_km, deterministic=True)
        self.conn.execute("PRAGMA foreign_keys = ON")
        # A REPLACE that deletes a row fires the delete triggers, which keep the full-text
        # index and the summaries (summaries.py) in step.
        self.conn.execute("PRAGMA recursive_triggers = ON")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- schema ------------------------------------------------------------------------------

    def _use_wal(self) -> None:
        """Switch to WAL mode (once per database: the mode is stored in the file).

        SQLite returns "database is locked" at once, without waiting, when another connection
        reads the file while the mode changes (concurrent openers of a new database), so this
        retries for as long as the busy timeout."""
        deadline = time.monotonic() + BUSY_TIMEOUT
        while True:
            try:
                mode = self.conn.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() != "wal":
                    self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _check_version(self) -> None:
        version = self._version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this Flashpoint "
                f"({SCHEMA_VERSION}); upgrade Flashpoint"
            )

    def _migrate(self) -> None:
        """Run the pending migrations and record the version, all in one transaction that holds
        the write lock: a concurrent opener waits (up to the busy timeout), then finds the
        version written and has nothing to do; an interrupted migration leaves nothing."""
        self._check_version()
        if self._version() == SCHEMA_VERSION:
            return
        isolation = self.conn.isolation_level
        self.conn.isolation_level = None  # our own BEGIN/COMMIT: no implicit commits
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                self._check_version()  # re-read inside the lock: another opener may have won
                for _number, _name, apply in MIGRATIONS[self._version() :]:
                    apply(self.conn)
                self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        finally:
            self.conn.isolation_level = isolation

    # --- writing -----------------------------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row is not None

    def save(
        self,
        result: ArticleResult,
        fingerprint: Fingerprint | None = None,
        mentions: Sequence[EventMention] = (),
        linked: Sequence[LinkedEvent] = (),
    ) -> bool:
        """Store an article and all that was coded from it, atomically: its events, quotes
        and entities, its dedup fingerprint and cluster, its event mentions and the linked
        events they update. False if it was already stored (then nothing changes)."""
        article = result.article
        with self.conn:
            cursor = self.conn.execute(
                "INSERT OR IGNORE INTO articles (id, source_id, title, category, published, source,"
                " url, language, status, status_reason, input_name, cluster_id, duplicate_of, text,"
                " record) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    article.id,
                    article.source_id,
                    article.title,
                    article.category,
                    article.published.isoformat() if article.published else None,
                    article.source,
                    article.url,
                    article.language,
                    article.status,
                    article.status_reason,
                    article.input_name,
                    article.cluster_id,
                    article.duplicate_of,
                    article.text,
                    article.model_dump_json(exclude={"text"}),
                ),
            )
            if cursor.rowcount == 0:
                return False
            self.conn.executemany(
                "INSERT OR REPLACE INTO events (id, article_id, event, mode, date, date_precision,"
                " actor_codes, recipient_codes, country, lat, lon, quad_code, event_scale,"
                " confidence, negated, hypothetical, future, background, section, link_id, record,"
                " acled_event_type, acled_sub_event_type)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [_event_row(event) for event in result.events],
            )
            self.conn.executemany(
                "INSERT OR REPLACE INTO quotes (id, article_id, speaker_code, kind, record)"
                " VALUES (?,?,?,?,?)",
                [
                    (
                        q.id,
                        q.article_id,
                        q.speaker.code if q.speaker else None,
                        q.kind,
                        q.model_dump_json(),
                    )
                    for q in result.quotes
                ],
            )
            self.conn.executemany(
                "INSERT OR REPLACE INTO entities (article_id, position, text, label, code, sector,"
                " record) VALUES (?,?,?,?,?,?,?)",
                [
                    (article.id, i, e.text, e.label, e.code, e.sector, e.model_dump_json())
                    for i, e in enumerate(result.entities)
                ],
            )
            self._save_corpus(article, fingerprint, mentions, linked)
        return True

    def _save_corpus(
        self,
        article: Article,
        fingerprint: Fingerprint | None,
        mentions: Sequence[EventMention],
        linked: Sequence[LinkedEvent],
    ) -> None:
        """The corpus rows of one article (inside save's transaction)."""
        from flashpoint.stages.dedup import signature_to_bytes

        if fingerprint is not None and fingerprint.signature is not None:
            self.conn.execute(
                "INSERT OR REPLACE INTO article_fingerprints (article_id, cluster_id,"
                " canonical_id, signature) VALUES (?,?,?,?)",
                (
                    article.id,
                    fingerprint.cluster_id,
                    fingerprint.canonical_id,
                    signature_to_bytes(fingerprint.signature),
                ),
            )
            self.conn.executemany(
                "INSERT OR IGNORE INTO lsh_buckets (band, bucket, article_id) VALUES (?,?,?)",
                [(band, bucket, article.id) for band, bucket in fingerprint.keys],
            )
        if article.cluster_id:
            published = article.published.isoformat() if article.published else None
            self.conn.execute(
                "INSERT INTO clusters (id, canonical_id, size, first_published, last_published)"
                " VALUES (?,?,1,?,?) ON CONFLICT (id) DO UPDATE SET size = size + 1,"
                " first_published = CASE WHEN excluded.first_published IS NOT NULL AND"
                " (first_published IS NULL OR excluded.first_published < first_published)"
                " THEN excluded.first_published ELSE first_published END,"
                " last_published = CASE WHEN excluded.last_published IS NOT NULL AND"
                " (last_published IS NULL OR excluded.last_published > last_published)"
                " THEN excluded.last_published ELSE last_published END",
                (article.cluster_id, article.duplicate_of or article.id, published, published),
            )
        self.conn.executemany(
            "INSERT OR REPLACE INTO linked_events (id, event, mode, date, date_last, country,"
            " lat, lon, actor_codes, recipient_codes, num_mentions, num_articles, num_sources,"
            " num_reports, first_article_id, first_reported, confidence, record)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [_linked_row(record) for record in linked],
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO event_mentions (link_id, article_id, event_id, event_ids,"
            " repost, source, published, cluster_id, confidence) VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (
                    m.link_id,
                    m.article_id,
                    m.event_id,
                    " ".join(m.event_ids),
                    int(m.repost),
                    m.source,
                    m.published.isoformat() if m.published else None,
                    m.cluster_id,
                    m.confidence,
                )
                for m in mentions
            ],
        )

    # --- the corpus indexes: dedup and linking look up earlier articles here -------------------

    def dedup_candidates(self, keys: Sequence[tuple[int, int]]) -> list[Fingerprint]:
        """Stored articles sharing an LSH bucket with `keys`, in the order they were stored."""
        from flashpoint.stages.dedup import Fingerprint, signature_from_bytes

        if not keys:
            return []
        found: set[str] = set()
        # One indexed lookup per band; SQLite caps the number of parameters per statement.
        for band, bucket in keys:
            rows = self.conn.execute(
                "SELECT article_id FROM lsh_buckets WHERE band = ? AND bucket = ?", (band, bucket)
            )
            found.update(row[0] for row in rows)
        if not found:
            return []
        prints = []
        ids = sorted(found)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            prints += self.conn.execute(
                "SELECT rowid, article_id, cluster_id, canonical_id, signature FROM"
                f" article_fingerprints WHERE article_id IN ({marks})",
                chunk,
            ).fetchall()
        prints.sort(key=lambda row: row["rowid"])
        return [
            Fingerprint(
                row["article_id"],
                row["cluster_id"],
                row["canonical_id"],
                signature_from_bytes(row["signature"]),
            )
            for row in prints
        ]

    def dedup_settings(self) -> dict[str, str]:
        rows = self.conn.execute("SELECT key, value FROM settings WHERE key LIKE 'dedup.%'")
        return {row["key"].removeprefix("dedup."): row["value"] for row in rows}

    def set_dedup_settings(self, params: dict[str, float | int]) -> None:
        with self.conn:
            self.conn.executemany(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                [(f"dedup.{key}", str(value)) for key, value in params.items()],
            )

    def replace_fingerprints(self, fingerprints: Iterator[Fingerprint]) -> int:
        """Rebuild the LSH index (after a change of dedup settings), in one transaction."""
        from flashpoint.stages.dedup import signature_to_bytes

        count = 0
        with self.conn:
            self.conn.execute("DELETE FROM lsh_buckets")
            self.conn.execute("DELETE FROM article_fingerprints")
            for fingerprint in fingerprints:
                if fingerprint.signature is None:
                    continue
                self.conn.execute(
                    "INSERT INTO article_fingerprints (article_id, cluster_id, canonical_id,"
                    " signature) VALUES (?,?,?,?)",
                    (
                        fingerprint.article_id,
                        fingerprint.cluster_id,
                        fingerprint.canonical_id,
                        signature_to_bytes(fingerprint.signature),
                    ),
                )
                self.conn.executemany(
                    "INSERT OR IGNORE INTO lsh_buckets (band, bucket, article_id) VALUES (?,?,?)",
                    [(band, bucket, fingerprint.article_id) for band, bucket in fingerprint.keys],
                )
                # Articles stored before clusters existed become clusters of their own.
                self.conn.execute(
                    "UPDATE articles SET cluster_id = ? WHERE id = ? AND cluster_id IS NULL",
                    (fingerprint.cluster_id, fingerprint.article_id),
                )
                self.conn.execute(
                    "INSERT OR IGNORE INTO clusters (id, canonical_id, size, first_published,"
                    " last_published) SELECT ?, ?, 1, published, published FROM articles"
                    " WHERE id = ?",
                    (fingerprint.cluster_id, fingerprint.canonical_id, fingerprint.article_id),
                )
                count += 1
        return count

    def link_candidates(self, event_type: str, country: str, first: str, last: str) -> list[Event]:
        """Stored, linked event mentions of a type in a country dated in [first, last], in the
        order they were stored."""
        rows = self.conn.execute(
            "SELECT record FROM events WHERE event = ? AND country = ? AND date BETWEEN ? AND ?"
            " AND link_id IS NOT NULL ORDER BY rowid",
            (event_type, country, first, last),
        )
        return [Event.model_validate_json(row["record"]) for row in rows]

    def article_events(self, article_id: str) -> list[Event]:
        rows = self.conn.execute(
            "SELECT record FROM events WHERE article_id = ? ORDER BY rowid", (article_id,)
        )
        return [Event.model_validate_json(row["record"]) for row in rows]

    def linked_events_by_id(self, link_ids: Sequence[str]) -> dict[str, LinkedEvent]:
        found: dict[str, LinkedEvent] = {}
        for link_id in link_ids:
            row = self.conn.execute(
                "SELECT record FROM linked_events WHERE id = ?", (link_id,)
            ).fetchone()
            if row is not None:
                found[link_id] = LinkedEvent.model_validate_json(row["record"])
        return found

    def link_mentions(self, link_ids: Sequence[str]) -> list[EventMention]:
        mentions: list[EventMention] = []
        for link_id in link_ids:
            rows = self.conn.execute(
                "SELECT link_id, article_id, event_id, event_ids, repost, source, published,"
                " cluster_id, confidence FROM event_mentions WHERE link_id = ? ORDER BY rowid",
                (link_id,),
            )
            mentions += [
                EventMention(
                    link_id=row["link_id"],
                    article_id=row["article_id"],
                    event_id=row["event_id"],
                    event_ids=row["event_ids"].split(),
                    repost=bool(row["repost"]),
                    source=row["source"],
                    published=row["published"],
                    cluster_id=row["cluster_id"],
                    confidence=row["confidence"],
                )
                for row in rows
            ]
        return mentions

    # --- reading -----------------------------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        row = self.conn.execute(
            "SELECT record, text FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return None
        data = json.loads(row["record"])
        data["text"] = row["text"]
        return Article.model_validate(data)

    def articles(self, limit: int | None = None, offset: int = 0) -> Iterator[Article]:
        sql = "SELECT record, text FROM articles ORDER BY published, id"
        params: list[object] = []
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        for row in self.conn.execute(sql, params):
            data = json.loads(row["record"])
            data["text"] = row["text"]
            yield Article.model_validate(data)

    def event(self, event_id: str) -> Event | None:
        row = self.conn.execute("SELECT record FROM events WHERE id = ?", (event_id,)).fetchone()
        return Event.model_validate_json(row["record"]) if row else None

    def events(self, where: EventFilter | None = None) -> list[Event]:
        sql, params = self._event_query(where or EventFilter(), "record")
        return [Event.model_validate_json(row["record"]) for row in self.conn.execute(sql, params)]

    def _summary_count(self, where: EventFilter) -> int | None:
        summary = summary_clauses(where)
        if summary is None:
            return self._index_count(where)
        row = self.conn.execute(
            f"SELECT coalesce(SUM(events), 0) FROM summary_daily WHERE {summary[0]}", summary[1]
        ).fetchone()
        return int(row[0])

    def _index_count(self, where: EventFilter) -> int | None:
        """The exact count of a filter that is one actor code (summary_actors counts the
        events naming a code, as actor and as recipient, under the summaries' own filters) or
        words alone (the full-text index holds one row per event), else None."""
        sides = {"actor": "events", "initiator": "as_actor", "recipient": "as_recipient"}
        given = [name for name in sides if getattr(where, name)]
        if len(given) == 1:
            rest = summary_clauses(EventFilter(**{**where.__dict__, given[0]: None}))
            if rest is not None:
                row = self.conn.execute(
                    f"SELECT coalesce(SUM({sides[given[0]]}), 0) FROM summary_actors"
                    f" WHERE code = ? AND {rest[0]}",
                    [str(getattr(where, given[0])).upper(), *rest[1]],
                ).fetchone()
                return int(row[0])
        alone = EventFilter(
            text=where.text,
            **{k: getattr(where, k) for k in ("limit", "offset", "sort", "cursor")},
        )
        if where.text and where.text_in == "evidence" and where == alone:
            row = self.conn.execute(
                "SELECT COUNT(*) FROM events_fts WHERE events_fts MATCH ?", [where.text]
            ).fetchone()
            return int(row[0])
        return None

    def events_page(self, where: EventFilter) -> tuple[list[Event], str | None]:
        """A page of events (`where.limit` of them, after `where.cursor` if given) and the
        cursor of the next page (None after the last). Any depth costs the same: the cursor
        holds the last row's sort values, and the query seeks past them (keyset pagination)."""
        keys = [key for key, _desc in sort_columns(where.sort)]
        names = [f"sort_{i}" for i in range(len(keys))]
        # The order is found on small rows (id and sort keys), then the page's records read.
        sql, params = self._event_query(
            where,
            ", ".join(["id AS id", *(f"{k} AS {n}" for k, n in zip(keys, names, strict=True))]),
        )
        rows = self.conn.execute(sql, params).fetchall()
        records: dict[str, str] = {}
        ids = [row["id"] for row in rows]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            records.update(
                self.conn.execute(
                    f"SELECT id, record FROM events WHERE id IN ({', '.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
            )
        events = [Event.model_validate_json(records[i]) for i in ids if i in records]
        full = where.limit is not None and len(rows) == where.limit
        cursor = encode_cursor(where.sort, [rows[-1][n] for n in names]) if full else None
        return events, cursor

    def iter_events(self, where: EventFilter, batch: int = 1000) -> Iterator[list[Event]]:
        """The filtered events in batches, in the filter's sort, by keyset pagination (a
        steady rate and flat memory however many); the filter's limit and offset hold."""
        return iter_pages(self.events_page, where, batch)

    def event_rows_page(self, where: EventFilter, columns: str) -> tuple[list, str | None]:
        """A page of the filtered events as tuples of `columns` (SQL over the events table)
        followed by the sort's keys, in one query, with the cursor of the next page (as
        `events_page`): what a fast export reads instead of building each event's model."""
        keys = [key for key, _desc in sort_columns(where.sort)]
        names = [f"sort_{i}" for i in range(len(keys))]
        sql, params = self._event_query(
            where, ", ".join([columns, *(f"{k} AS {n}" for k, n in zip(keys, names, strict=True))])
        )
        reader = self.conn.cursor()
        reader.row_factory = None  # plain tuples: the sort keys are the last values
        rows = reader.execute(sql, params).fetchall()
        full = where.limit is not None and len(rows) == where.limit
        cursor = encode_cursor(where.sort, list(rows[-1][-len(keys) :])) if full else None
        return rows, cursor

    def iter_event_rows(
        self, where: EventFilter, columns: str, batch: int = 5000
    ) -> Iterator[list]:
        """The filtered events as rows of `columns`, in batches followed by cursor (a steady
        rate and flat memory); the filter's limit and offset hold."""
        return iter_pages(
            lambda page: self.event_rows_page(page, columns),  # type: ignore[arg-type, return-value]
            where,
            batch,
        )

    def count_events(self, where: EventFilter | None = None) -> int:
        """How many events match (exact; from the summaries when the filter allows)."""
        query = where or EventFilter()
        summed = self._summary_count(query)
        if summed is not None:
            return summed
        sql, params = self._event_query(
            EventFilter(**{**query.__dict__, "limit": None, "offset": 0, "cursor": None}),
            "COUNT(*)",
        )
        return int(self.conn.execute(sql, params).fetchone()[0])

    def count_events_capped(
        self, where: EventFilter | None = None, cap: int = COUNT_CAP
    ) -> tuple[int, bool]:
        """How many events match, counted up to `cap`: (count, True) when more than `cap`
        match and counting all would scan them (exact, whatever the size, when the summaries
        answer the filter)."""
        query = where or EventFilter()
        summed = self._summary_count(query)
        if summed is not None:
            return summed, False
        sql, params = self._event_query(
            EventFilter(**{**query.__dict__, "limit": None, "offset": 0, "cursor": None}), "1"
        )
        if not query.mode:
            sql = sql.rsplit(" ORDER BY ", 1)[0]
        # (With a mode, counted in the list's order: SQLite, without statistics, would walk
        # the type index and read every event of the type; events_mode serves the order.)
        # Counted in steps, for at most COUNT_SECONDS: a filter no index serves (a toll, a
        # confidence) may need a scan of every event to count; then the count so far is a
        # lower bound, marked as capped.
        deadline = time.monotonic() + COUNT_SECONDS
        count = 0
        self.conn.set_progress_handler(lambda: int(time.monotonic() > deadline), COUNT_STEPS)
        try:
            rows = self.conn.execute(f"{sql} LIMIT ?", [*params, cap + 1])
            while chunk := rows.fetchmany(500):
                count += len(chunk)
        except sqlite3.OperationalError as exc:
            if "interrupted" not in str(exc) or time.monotonic() <= deadline:
                raise
            return count, True
        finally:
            self.conn.set_progress_handler(None, 0)
        return (cap, True) if count > cap else (count, False)

    def _event_query(self, where: EventFilter, columns: str) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if where.type:
            clauses.append("event = ?")
            params.append(where.type.upper())
        if where.actor:
            clauses.append(self._code_clause(where.actor, "1, 2"))
            params.append(where.actor.upper())
        if where.since:
            clauses.append(f"{DATE_KEY} >= ?")  # the sorts' expression: indexed
            params.append(where.since)
        if where.until:
            clauses.append(f"{DATE_KEY} > '' AND {DATE_KEY} <= ?")
            params.append(where.until)
        if where.country:
            clauses.append("country = ?")
            params.append(where.country.upper())
        if where.admin1:
            clauses.append(f"{ADMIN1_SQL} = ?")  # the expression of the events_admin1 index
            params.append(where.admin1.strip().lower())
        if where.acled_type:
            clause, values = acled_clause(acled_name(where.acled_type))
            clauses.append(clause)
            params += values
        if where.article_id:
            clauses.append("article_id = ?")
            params.append(where.article_id)
        if not where.include_background:
            clauses.append("background = 0")
        if not where.include_hypothetical:
            clauses.append("hypothetical = 0")
        if where.min_confidence is not None:
            clauses.append("confidence >= ?")
            params.append(where.min_confidence)
        if where.min_dead is not None:
            clauses.append("json_extract(record, '$.size.dead') >= ?")
            params.append(where.min_dead)
        if where.near is not None:
            lat, lon, km = where.near
            # A bounding box first (indexable), then the exact great-circle distance.
            dlat = km / 111.0
            dlon = km / max(1e-6, 111.0 * _cos_deg(lat))
            box = (lat - dlat, lat + dlat, lon - dlon, lon + dlon)
            geo = self._geo_clause(box)
            if geo:
                clauses.append(geo)
                params += list(box)
            clauses.append("lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?")
            params += [lat - dlat, lat + dlat, lon - dlon, lon + dlon]
            clauses.append("fp_distance_km(lat, lon, ?, ?) <= ?")
            params += [lat, lon, km]
        more_clauses, more_params = self._more_event_clauses(where)
        clauses += more_clauses
        params += more_params
        if where.cursor and columns != "COUNT(*)":
            after, after_params = _after_cursor(where.sort, where.cursor)
            clauses.append(after)
            params += after_params
        sql = f"SELECT {columns} FROM events"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        if columns != "COUNT(*)":
            sql += " ORDER BY " + EVENT_SORTS[where.sort]
            if where.limit is not None:
                sql += " LIMIT ? OFFSET ?"
                params += [where.limit, where.offset]
        return sql, params

    def quotes(
        self,
        speaker: str | None = None,
        article_id: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        *,
        since: str | None = None,
        until: str | None = None,
        text: str | None = None,
    ) -> list[Quote]:
        """Quotes by article and id; a page of them with `limit` (only the page is read: the
        order is found on the ids alone, then the page's records are read by rowid). `since`/`until`
        compare the article's publication day (a quote has no date of its own); `text` is a
        substring of the quote, in any case."""
        where, params = _quote_clauses(speaker, article_id, since, until, text)
        if limit is None:
            sql = f"SELECT record FROM quotes{where} ORDER BY article_id, id"
        else:
            sql = (
                "SELECT record FROM quotes WHERE rowid IN (SELECT rowid FROM quotes"
                f"{where} ORDER BY article_id, id LIMIT ? OFFSET ?) ORDER BY article_id, id"
            )
            params += [limit, offset]
        return [Quote.model_validate_json(row["record"]) for row in self.conn.execute(sql, params)]

    def count_quotes(
        self,
        speaker: str | None = None,
        article_id: str | None = None,
        *,
        since: str | None = None,
        until: str | None = None,
        text: str | None = None,
    ) -> int:
        where, params = _quote_clauses(speaker, article_id, since, until, text)
        return int(self.conn.execute(f"SELECT COUNT(*) FROM quotes{where}", params).fetchone()[0])

    def count_quotes_capped(
        self,
        speaker: str | None = None,
        article_id: str | None = None,
        *,
        since: str | None = None,
        until: str | None = None,
        text: str | None = None,
        cap: int = COUNT_CAP,
    ) -> tuple[int, bool]:
        """How many quotes match, counted up to `cap` when a filter is given (a count of all
        quotes is exact): (count, True) when more than `cap` match."""
        where, params = _quote_clauses(speaker, article_id, since, until, text)
        if not where:
            return int(self.conn.execute("SELECT COUNT(*) FROM quotes").fetchone()[0]), False
        count = int(
            self.conn.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM quotes{where} LIMIT ?)", [*params, cap + 1]
            ).fetchone()[0]
        )
        return (cap, True) if count > cap else (count, False)

    def entities(self, article_id: str) -> list[Entity]:
        rows = self.conn.execute(
            "SELECT record FROM entities WHERE article_id = ? ORDER BY position", (article_id,)
        )
        return [Entity.model_validate_json(row["record"]) for row in rows]

    def result(self, article_id: str) -> ArticleResult | None:
        article = self.article(article_id)
        if article is None:
            return None
        return ArticleResult(
            article=article,
            events=self.article_events(article_id),  # all of them, in the order coded
            quotes=self.quotes(article_id=article_id),
            entities=self.entities(article_id),
        )

    def linked_event(self, link_id: str, with_mentions: bool = True) -> LinkedEvent | None:
        """A linked event, with the list of its mentions."""
        record = self.linked_events_by_id([link_id]).get(link_id)
        if record is not None and with_mentions:
            record.mentions = self.link_mentions([link_id])
        return record

    def list_linked_events(
        self,
        type: str | None = None,
        since: str | None = None,
        until: str | None = None,
        min_articles: int = 1,
        limit: int | None = None,
    ) -> list[LinkedEvent]:
        """Linked events (without their mentions), by date."""
        clauses, params = ["num_articles >= ?"], [min_articles]
        if type:
            clauses.append("event = ?")
            params.append(type.upper())
        if since:
            clauses.append("date >= ?")
            params.append(since)
        if until:
            clauses.append("date <= ?")
            params.append(until)
        sql = "SELECT record FROM linked_events WHERE " + " AND ".join(clauses)
        sql += " ORDER BY date, id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [
            LinkedEvent.model_validate_json(row["record"]) for row in self.conn.execute(sql, params)
        ]

    def cluster_members(self, cluster_id: str) -> list[str]:
        """Ids of the articles of a near-duplicate cluster, canonical first."""
        rows = self.conn.execute(
            "SELECT id FROM articles WHERE cluster_id = ? ORDER BY duplicate_of IS NOT NULL, rowid",
            (cluster_id,),
        )
        return [row[0] for row in rows]

    def counts(self) -> dict[str, int]:
        return {
            table: int(self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            for table in ("articles", "events", "quotes", "entities")
        }

    def corpus_counts(self) -> dict[str, int]:
        """Rows of the corpus tables (migration 3)."""
        return {
            table: int(self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            for table in ("clusters", "article_fingerprints", "linked_events", "event_mentions")
        }


def open_read_only(path: Path) -> tuple[sqlite3.Connection, bool]:
    """A read-only connection, and whether the file was opened as immutable.

    A database in WAL mode needs its -shm file, which cannot be made on a read-only filesystem
    (or in a directory this user cannot write). Then, if no -wal file holds changes not yet in
    the database (so no writer is at work), the file is opened as immutable: read as it is,
    without locks."""
    uri = f"file:{quote(str(path))}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT, check_same_thread=False)
    try:
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return conn, False
    except sqlite3.OperationalError as exc:
        conn.close()
        name = getattr(exc, "sqlite_errorname", "")
        if not name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY")):
            raise
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise StoreError(
                f"{path}: cannot be read here: it is on a read-only filesystem (or in a"
                f" directory you cannot write) and {wal.name} holds changes not yet in it;"
                " copy the database and its -wal file to a writable place"
            ) from exc
    conn = sqlite3.connect(
        f"{uri}&immutable=1", uri=True, timeout=BUSY_TIMEOUT, check_same_thread=False
    )
    return conn, True


def writable(path: Path) -> bool:
    """Whether this user can write the database at `path` (and make its -wal and -shm)."""
    directory = path.parent if str(path.parent) else Path(".")
    return os.access(directory, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def store_error(path: Path | str, exc: sqlite3.Error) -> StoreError:
    """One line for an SQLite error on the database at `path`: what happened and what to do."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return StoreError(
            f"{path}: database is locked: another process has been writing to it for more than"
            f" {BUSY_TIMEOUT:g} s (another `flashpoint run` or `ingest`?); try again when it is"
            " done"
        )
    if name == "SQLITE_FULL" or "disk is full" in text:
        return StoreError(
            f"{path}: disk full: free some space and run the same command again (every"
            " article stored so far is whole)"
        )
    if (
        name.startswith("SQLITE_READONLY")
        or "readonly" in text
        or (name.startswith("SQLITE_CANTOPEN") and Path(path).exists() and not writable(Path(path)))
    ):
        return StoreError(
            f"{path}: read-only (a read-only filesystem or no write permission): it can be"
            " queried, exported and served, not written"
        )
    if name.startswith("SQLITE_CANTOPEN"):
        return StoreError(f"{path}: cannot be opened ({text}: check the path and permissions)")
    if name.startswith("SQLITE_IOERR"):
        return StoreError(f"{path}: input/output error ({text}): check the disk")
    if name.startswith("SQLITE_CORRUPT"):
        return StoreError(f"{path}: damaged ({text}); run `flashpoint doctor --db {path}`")
    return StoreError(f"{path}: not a Flashpoint database ({text})")


def _quote_clauses(
    speaker: str | None,
    article_id: str | None,
    since: str | None = None,
    until: str | None = None,
    text: str | None = None,
) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if since:
        clauses.append(
            "article_id IN (SELECT id FROM articles WHERE substr(published, 1, 10) >= ?)"
        )
        params.append(since)
    if until:
        clauses.append(
            "article_id IN (SELECT id FROM articles WHERE substr(published, 1, 10) <= ?)"
        )
        params.append(until)
    if text:
        clauses.append("instr(lower(json_extract(record, '$.text')), ?) > 0")
        params.append(text.lower())
    if speaker:
        clauses.append("speaker_code = ?")
        params.append(speaker.upper())
    if article_id:
        clauses.append("article_id = ?")
        params.append(article_id)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _codes(actors: Sequence) -> str | None:
    codes = sorted({a.code for a in actors if a.code})
    return f" {' '.join(codes)} " if codes else None


def _event_row(event: Event) -> tuple:
    loc = event.event_loc
    return (
        event.id,
        event.article_id,
        event.event,
        event.mode,
        event.date.isoformat() if event.date else None,
        event.date_precision,
        _codes(event.actor),
        _codes(event.recipient),
        loc.country if loc else None,
        loc.lat if loc else None,
        loc.lon if loc else None,
        event.quad_code,
        event.event_scale,
        event.confidence,
        int(event.negated),
        int(event.hypothetical),
        int(event.future),
        int(event.background),
        event.section,
        event.link_id,
        event.model_dump_json(),
        *acled_columns(event),
    )


def _linked_row(record: LinkedEvent) -> tuple:
    loc = record.event_loc
    return (
        record.id,
        record.event,
        record.mode,
        record.date.isoformat() if record.date else None,
        record.date_last.isoformat() if record.date_last else None,
        loc.country if loc else None,
        loc.lat if loc else None,
        loc.lon if loc else None,
        f" {' '.join(record.actor_codes)} " if record.actor_codes else None,
        f" {' '.join(record.recipient_codes)} " if record.recipient_codes else None,
        record.num_mentions,
        record.num_articles,
        record.num_sources,
        record.num_reports,
        record.first_article_id,
        record.first_reported.isoformat() if record.first_reported else None,
        record.confidence,
        record.model_dump_json(exclude={"mentions"}),
    )


CODE_SQL = (
    "events.rowid IN (SELECT event_rowid FROM event_codes WHERE code = ? AND side IN ({sides}))"
)
"""An actor code filter, through the event_codes index (summaries.py), keyed by the events'
rowids (rowid_keys.py)."""
CODE_EXISTS_SQL = (
    "EXISTS (SELECT 1 FROM event_codes WHERE code = ? AND side IN ({sides})"
    " AND event_rowid = events.rowid)"
)
"""The same filter tested for one event at a time (two probes of event_codes' key, with the
rowid that the sort's index carries: no record read)."""
GEO_SQL = (
    "events.rowid IN (SELECT geo_id FROM event_geo"
    " WHERE max_lat >= ? AND min_lat <= ? AND max_lon >= ? AND min_lon <= ?)"
)
"""A box of coordinates (min lat, max lat, min lon, max lon), through the event_geo R*Tree,
keyed by the events' rowids. The R*Tree keeps 32-bit coordinates rounded outwards, so the
exact comparison follows it."""
CODE_SQL_BY_ID = "id IN (SELECT event_id FROM event_codes WHERE code = ? AND side IN ({sides}))"
CODE_EXISTS_SQL_BY_ID = (
    "EXISTS (SELECT 1 FROM event_codes WHERE code = ? AND side IN ({sides})"
    " AND event_id = events.id)"
)
GEO_SQL_BY_ID = (
    "id IN (SELECT i.event_id FROM event_geo AS g JOIN event_geo_ids AS i USING (geo_id)"
    " WHERE g.max_lat >= ? AND g.min_lat <= ? AND g.max_lon >= ? AND g.min_lon <= ?)"
)
"""The same three in a store opened read-only before migration 14 (keyed by event ids)."""


def iter_pages(
    events_page: Callable[[EventFilter], tuple[list[Event], str | None]],
    where: EventFilter,
    batch: int,
) -> Iterator[list[Event]]:
    """A store's filtered events in batches, following its `events_page` cursors; the
    filter's own limit and offset hold."""
    remaining = where.limit
    page = EventFilter(**{**where.__dict__, "limit": None})
    while remaining is None or remaining > 0:
        page.limit = batch if remaining is None else min(batch, remaining)
        events, cursor = events_page(page)
        if events:
            yield events
        if cursor is None:
            return
        page = EventFilter(**{**page.__dict__, "cursor": cursor, "offset": 0})
        if remaining is not None:
            remaining -= len(events)


def sort_columns(sort: str) -> list[tuple[str, bool]]:
    """The columns of a sort (EVENT_SORTS), each with whether it is descending."""
    keys, desc = SORT_KEYS[sort]
    return [(key, desc) for key in keys]


def encode_cursor(sort: str, values: Sequence[object]) -> str:
    """An opaque token for the position after a row: its sort and its values of the sort."""
    data = json.dumps([sort, list(values)], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def decode_cursor(sort: str, cursor: str) -> list[object]:
    """The sort values a cursor holds; a StoreError (one line) for a cursor that is not one of
    this sort's."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        kind, values = data
        ok = (
            kind == sort
            and isinstance(values, list)
            and len(values) == len(sort_columns(sort))
            and all(isinstance(v, (str, int, float)) for v in values)
        )
    except (ValueError, TypeError):
        ok = False
    if not ok:
        raise StoreError(
            f"cursor {cursor[:40]!r}: not a cursor of this list (sort {sort}); use the `next`"
            " value of the previous page, with the same sort and filters"
        )
    return values


def _after_cursor(sort: str, cursor: str) -> tuple[str, list[object]]:
    """SQL for the rows after the cursor's in the sort: one row-value comparison, in the order
    of the sort's index, so that the index seeks to it."""
    keys, desc = SORT_KEYS[sort]
    values = decode_cursor(sort, cursor)
    marks = ", ".join("?" * len(keys))
    # SQLite seeks on the first column's bound; the row value then skips the rest of its ties.
    return (
        f"{keys[0]} {'<=' if desc else '>='} ? AND ({', '.join(keys)}) {'<' if desc else '>'}"
        f" ({marks})",
        [values[0], *values],
    )


ADMIN1_SQL = "lower(json_extract(record, '$.event_loc.admin1'))"
"""The admin1 filter's expression; migration 0006 indexes exactly this expression."""


def _cos_deg(value: float) -> float:
    return math.cos(math.radians(value))


def _distance_km(lat1: float | None, lon1: float | None, lat2: float, lon2: float) -> float | None:
    """Great-circle (haversine) distance, registered in SQLite as fp_distance_km."""
    if lat1 is None or lon1 is None:
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))
