"""Indexes and summaries that keep a large store fast (migration 7, `0007_scale`).

Every table here is derived from the events table and kept in step with it by triggers, so it
changes in the same transaction as the article whose events it counts, whoever writes (`run`,
`ingest`, `watch`, `bench/build_store.py`). `flashpoint doctor` compares them with a
recomputation and rebuilds them (`rebuild_scale_tables`) when they differ.

    event_codes     one row per (actor or recipient code, side, event's rowid): the actor,
                    initiator and recipient filters look codes up here instead of scanning a
                    string.
    event_geo       an R*Tree over the events' coordinates (bbox and near filters), keyed by the
                    events' rowids.

Both are keyed by the events' rowids since migration 14 (rowid_keys.py: the rows of a new
event land at the end of each b-tree instead of at random places); before, by the events' text
ids (event_codes) and through a table mapping integer keys to event ids (event_geo_ids).
    summary_daily   events and summed PLOVER score per day, type, quad class, country, admin1
                    and flags (background, hypothetical, negated): the timeline, facets and
                    counts.
    summary_dyads   the same per directed pair at three levels (country code, code-sector,
                    resolved name): the actor network.
    summary_actors  the same per actor code (events naming it, as actor, as recipient).
    actor_names     the names and texts given to each code, with how many events use them.
    summary_places  the same per place (point rounded to 4 decimals and precision), with the
                    smallest event id of each row: the map.

The key shared by every summary is (day, event, quad, country, admin1, flags); a filter made
only of these columns (dates, types, quad class, country, admin1, the three flags) is answered
from the summaries; any other filter is answered from the events table.
"""

from __future__ import annotations

import re
import sqlite3

# The summaries' key, computed from a row of events (`r` is `new`, `old` or an alias).
KEY_COLUMNS = ("day", "event", "quad", "country", "admin1", "flags")


TOTAL = "*"
"""The day of the rows that total every day (a filter without dates reads only those); it sorts
after '' (events without a date) and before every date."""


def _key(r: str, total: bool = False) -> tuple[str, ...]:
    return (
        f"'{TOTAL}'" if total else f"coalesce({r}.date, '')",
        f"{r}.event",
        f"{r}.quad_code",
        f"coalesce({r}.country, '')",
        f"coalesce(json_extract({r}.record, '$.event_loc.admin1'), '')",
        f"({r}.background + 2 * {r}.hypothetical + 4 * {r}.negated)",
    )


FLAG_BACKGROUND, FLAG_HYPOTHETICAL, FLAG_NEGATED = 1, 2, 4

LEVELS = {
    "country": "json_extract({v}, '$.code')",
    "sector": "json_extract({v}, '$.code') || coalesce('-' || json_extract({v}, '$.sector'), '')",
    "actor": "coalesce(json_extract({v}, '$.name'), json_extract({v}, '$.code') ||"
    " coalesce('-' || json_extract({v}, '$.sector'), ''))",
}
"""The node of the actor network at each level (as StoreQueries.dyads names them)."""

KEY_DDL = (
    "day TEXT NOT NULL, event TEXT NOT NULL, quad INTEGER NOT NULL, country TEXT NOT NULL,"
    " admin1 TEXT NOT NULL, flags INTEGER NOT NULL"
)
KEY_LIST = ", ".join(KEY_COLUMNS)

TABLES_SQL = f"""
CREATE TABLE IF NOT EXISTS event_codes (
    code        TEXT NOT NULL,
    side        INTEGER NOT NULL,    -- 1 actor, 2 recipient
    event_rowid INTEGER NOT NULL,    -- the event's rowid
    PRIMARY KEY (code, side, event_rowid)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS event_geo USING rtree (
    geo_id, min_lat, max_lat, min_lon, max_lon
);
CREATE TABLE IF NOT EXISTS summary_daily (
    {KEY_DDL},
    events INTEGER NOT NULL,
    score  REAL NOT NULL,
    PRIMARY KEY ({KEY_LIST})
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS summary_dyads (
    level TEXT NOT NULL,             -- country | sector | actor
    {KEY_DDL},
    source TEXT NOT NULL, target TEXT NOT NULL,
    source_code TEXT NOT NULL, target_code TEXT NOT NULL,
    events INTEGER NOT NULL,
    score  REAL NOT NULL,
    PRIMARY KEY (level, {KEY_LIST}, source, target, source_code, target_code)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS summary_actors (
    {KEY_DDL},
    code TEXT NOT NULL,
    events INTEGER NOT NULL, as_actor INTEGER NOT NULL, as_recipient INTEGER NOT NULL,
    PRIMARY KEY ({KEY_LIST}, code)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS actor_names (
    code TEXT NOT NULL, name TEXT NOT NULL, events INTEGER NOT NULL,
    PRIMARY KEY (code, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS summary_places (
    {KEY_DDL},
    lat REAL NOT NULL, lon REAL NOT NULL,
    precision INTEGER NOT NULL,      -- -1 when unknown
    name TEXT,
    events INTEGER NOT NULL,
    first_id TEXT NOT NULL,          -- the smallest event id of the row
    PRIMARY KEY ({KEY_LIST}, lat, lon, precision)
) WITHOUT ROWID;
-- A deleted event's place total finds its smallest id among the day rows of its place here.
CREATE INDEX IF NOT EXISTS summary_places_place ON summary_places (lat, lon, event, first_id);
CREATE INDEX IF NOT EXISTS events_sort_date ON events (coalesce(date, ''), article_id, id);
CREATE INDEX IF NOT EXISTS events_sort_type ON events (event, coalesce(date, ''), id);
CREATE INDEX IF NOT EXISTS events_sort_confidence
    ON events (confidence, coalesce(date, ''), id);
CREATE INDEX IF NOT EXISTS events_sort_scale ON events (event_scale, coalesce(date, ''), id);
CREATE INDEX IF NOT EXISTS events_country_date
    ON events (country, coalesce(date, ''), article_id, id);
CREATE INDEX IF NOT EXISTS events_mode ON events (mode, coalesce(date, ''), article_id, id);
CREATE INDEX IF NOT EXISTS quotes_order ON quotes (article_id, id);
"""

SCALE_TABLES = (
    "event_codes",
    "event_geo",
    "summary_daily",
    "summary_dyads",
    "summary_actors",
    "actor_names",
    "summary_places",
)


def _sides(r: str) -> str:
    return (
        f"SELECT 1 AS side, json_extract(value, '$.code') AS code,"
        f" coalesce(json_extract(value, '$.name'), json_extract(value, '$.text')) AS name"
        f" FROM json_each({r}.record, '$.actor')"
        f" UNION ALL SELECT 2, json_extract(value, '$.code'),"
        f" coalesce(json_extract(value, '$.name'), json_extract(value, '$.text'))"
        f" FROM json_each({r}.record, '$.recipient')"
    )


def _pairs(r: str, level: str) -> str:
    """The distinct (source, target, source_code, target_code) of one event at a level."""
    node = LEVELS[level]
    return (
        f"SELECT DISTINCT {node.format(v='a.value')} AS source, {node.format(v='t.value')} AS"
        " target, json_extract(a.value, '$.code') AS source_code,"
        " json_extract(t.value, '$.code') AS target_code"
        f" FROM json_each({r}.record, '$.actor') AS a, json_each({r}.record, '$.recipient') AS t"
        " WHERE json_extract(a.value, '$.code') IS NOT NULL"
        " AND json_extract(t.value, '$.code') IS NOT NULL"
    )


def _add(r: str) -> list[str]:
    """Statements adding the event row `r` to every derived table."""
    return _add_keyed(r, total=False) + _add_keyed(r, total=True)


def _add_keyed(r: str, total: bool) -> list[str]:
    key = ", ".join(_key(r, total))
    statements = [
        "INSERT OR IGNORE INTO event_codes (code, side, event_rowid)"
        f" SELECT DISTINCT code, side, {r}.rowid FROM ({_sides(r)}) WHERE code IS NOT NULL",
        "INSERT OR REPLACE INTO event_geo (geo_id, min_lat, max_lat, min_lon, max_lon)"
        f" SELECT {r}.rowid, {r}.lat, {r}.lat, {r}.lon, {r}.lon"
        f" WHERE {r}.lat IS NOT NULL AND {r}.lon IS NOT NULL",
        f"INSERT INTO summary_daily ({KEY_LIST}, events, score)"
        f" VALUES ({key}, 1, {r}.event_scale)"
        " ON CONFLICT DO UPDATE SET events = events + 1, score = score + excluded.score",
        f"INSERT INTO summary_actors ({KEY_LIST}, code, events, as_actor, as_recipient)"
        f" SELECT {key}, code, 1, MAX(side = 1), MAX(side = 2) FROM ({_sides(r)})"
        " WHERE code IS NOT NULL GROUP BY code"
        " ON CONFLICT DO UPDATE SET events = events + 1, as_actor = as_actor +"
        " excluded.as_actor, as_recipient = as_recipient + excluded.as_recipient",
        "INSERT INTO actor_names (code, name, events)"
        f" SELECT DISTINCT code, name, 1 FROM ({_sides(r)})"
        " WHERE code IS NOT NULL AND name IS NOT NULL"
        " ON CONFLICT DO UPDATE SET events = events + 1",
        f"INSERT INTO summary_places ({KEY_LIST}, lat, lon, precision, name, events, first_id)"
        f" SELECT {key}, round({r}.lat, 4), round({r}.lon, 4),"
        f" coalesce(json_extract({r}.record, '$.event_loc.precision'), -1),"
        f" coalesce(json_extract({r}.record, '$.event_loc.name'),"
        f" json_extract({r}.record, '$.event_loc.text')), 1, {r}.id"
        f" WHERE {r}.lat IS NOT NULL AND {r}.lon IS NOT NULL"
        " ON CONFLICT DO UPDATE SET events = events + 1,"
        " first_id = min(first_id, excluded.first_id),"
        " name = CASE WHEN name IS NULL OR excluded.name < name THEN excluded.name ELSE name END",
    ]
    for level in LEVELS:
        statements.append(
            f"INSERT INTO summary_dyads (level, {KEY_LIST}, source, target, source_code,"
            f" target_code, events, score) SELECT '{level}', {key}, source, target, source_code,"
            f" target_code, 1, {r}.event_scale FROM ({_pairs(r, level)}) WHERE source != target"
            " ON CONFLICT DO UPDATE SET events = events + 1, score = score + excluded.score"
        )
    if total:  # the code and coordinate indexes and the names have no day
        statements = [s for s in statements if s.startswith(_KEYED)]
    return statements


def _remove(r: str) -> list[str]:
    """Statements removing the (deleted) event row `r` from every derived table (the day's
    rows first, then the totals, whose first_id is found among the day's rows)."""
    return _remove_keyed(r, total=False) + _remove_keyed(r, total=True)


_KEYED = tuple(
    f"{verb} {table}"
    for verb in ("INSERT INTO", "UPDATE", "DELETE FROM")
    for table in ("summary_daily", "summary_actors", "summary_places", "summary_dyads")
)


def _remove_keyed(r: str, total: bool) -> list[str]:
    key_values = _key(r, total)
    match = " AND ".join(f"{c} = {v}" for c, v in zip(KEY_COLUMNS, key_values, strict=True))
    statements = [
        # Through the table's key (the codes come from the record, as when they were added):
        # no index on event_id to keep up at every insert (lean_writes.py).
        "DELETE FROM event_codes WHERE code IN"
        f" (SELECT code FROM ({_sides(r)}) WHERE code IS NOT NULL)"
        f" AND side IN (1, 2) AND event_rowid = {r}.rowid",
        f"DELETE FROM event_geo WHERE geo_id = {r}.rowid",
        f"UPDATE summary_daily SET events = events - 1, score = score - {r}.event_scale"
        f" WHERE {match}",
        f"DELETE FROM summary_daily WHERE {match} AND events <= 0",
        "UPDATE summary_actors SET events = events - 1,"
        " as_actor = as_actor - (SELECT MAX(side = 1) FROM sides_of"
        " WHERE code = summary_actors.code),"
        " as_recipient = as_recipient - (SELECT MAX(side = 2) FROM sides_of"
        " WHERE code = summary_actors.code)"
        f" WHERE {match} AND code IN (SELECT code FROM sides_of)",
        f"DELETE FROM summary_actors WHERE {match} AND events <= 0",
        "UPDATE actor_names SET events = events - 1 WHERE (code, name) IN"
        f" (SELECT DISTINCT code, name FROM ({_sides(r)}) WHERE code IS NOT NULL"
        " AND name IS NOT NULL)",
        "DELETE FROM actor_names WHERE events <= 0 AND code IN"
        f" (SELECT code FROM ({_sides(r)}) WHERE code IS NOT NULL)",
    ]
    # `sides_of` is spelled out: a trigger cannot use a WITH clause before UPDATE.
    sides = f"(SELECT code, side FROM ({_sides(r)}) WHERE code IS NOT NULL)"
    statements = [s.replace("FROM sides_of", f"FROM {sides}") for s in statements]
    place = (
        f"{match} AND lat = round({r}.lat, 4) AND lon = round({r}.lon, 4)"
        f" AND precision = coalesce(json_extract({r}.record, '$.event_loc.precision'), -1)"
    )
    same_row = " AND ".join(
        f"{inner} = {outer}" for inner, outer in zip(_key("e"), key_values, strict=True)
    )
    if total:  # the smallest first_id among the day's rows of the same key
        same_days = " AND ".join(
            f"p.{c} = summary_places.{c}" for c in (*KEY_COLUMNS[1:], "lat", "lon", "precision")
        )
        first = (
            f"SELECT MIN(p.first_id) FROM summary_places AS p WHERE p.day <> '{TOTAL}'"
            f" AND {same_days}"
        )
    else:
        first = (
            f"SELECT MIN(e.id) FROM events AS e WHERE e.event = {r}.event AND e.date IS {r}.date"
            f" AND {same_row} AND round(e.lat, 4) = summary_places.lat"
            " AND round(e.lon, 4) = summary_places.lon"
            " AND coalesce(json_extract(e.record, '$.event_loc.precision'), -1) ="
            " summary_places.precision"
        )
    statements += [
        f"UPDATE summary_places SET events = events - 1 WHERE {place}",
        f"DELETE FROM summary_places WHERE {place} AND events <= 0",
        f"UPDATE summary_places SET first_id = ({first}) WHERE {place} AND first_id = {r}.id",
    ]
    for level in LEVELS:
        statements.append(
            f"UPDATE summary_dyads SET events = events - 1, score = score - {r}.event_scale"
            f" WHERE level = '{level}' AND {match} AND (source, target, source_code, target_code)"
            f" IN (SELECT source, target, source_code, target_code FROM ({_pairs(r, level)}))"
        )
    statements.append(
        f"DELETE FROM summary_dyads WHERE level IN ('country', 'sector', 'actor') AND {match}"
        " AND events <= 0"
    )
    if total:
        statements = [s for s in statements if s.startswith(_KEYED)]
    return statements


TRIGGERS = ("events_scale_insert", "events_scale_delete", "events_scale_update")


def triggers_sql() -> list[str]:
    add = ";\n    ".join(_add("new"))
    remove = ";\n    ".join(_remove("old"))
    return [
        f"CREATE TRIGGER IF NOT EXISTS events_scale_insert AFTER INSERT ON events BEGIN\n"
        f"    {add};\nEND",
        f"CREATE TRIGGER IF NOT EXISTS events_scale_delete AFTER DELETE ON events BEGIN\n"
        f"    {remove};\nEND",
        f"CREATE TRIGGER IF NOT EXISTS events_scale_update AFTER UPDATE ON events BEGIN\n"
        f"    {remove};\n    {add};\nEND",
    ]


def create_scale_tables(conn: sqlite3.Connection) -> None:
    """Create the tables, indexes and triggers (idempotent) and fill the tables from the events
    already stored (the triggers only see new rows)."""
    from flashpoint.store.migrations import _statements

    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    fresh = not set(TRIGGERS) <= present
    if fresh:  # whatever an older or interrupted run left is recomputed
        for trigger in TRIGGERS:
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for table in SCALE_TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in _statements(TABLES_SQL):
        conn.execute(statement)
    for statement in triggers_sql():
        conn.execute(statement)
    if fresh:
        _fill(conn)


def _fill(conn: sqlite3.Connection) -> None:
    """Every derived table from the events table, aggregated in one pass per table."""
    for statement in _fill_statements():
        conn.execute(statement)


def _fill_statements() -> list[str]:
    """The statements that fill the derived tables from the events: by day, then the totals."""
    by_day = _fill_keyed(total=False)
    return by_day + [s for s in _fill_keyed(total=True) if s.startswith(_KEYED)]


def _fill_keyed(total: bool) -> list[str]:
    key = ", ".join(_key("e", total))
    keys = ", ".join(f"k{i}" for i in range(len(KEY_COLUMNS)))
    keyed = ", ".join(f"{value} AS k{i}" for i, value in enumerate(_key("e", total)))
    sides = (
        f"SELECT e.id AS id, e.rowid AS event_rowid, {keyed}, 1 AS side,"
        " json_extract(s.value, '$.code') AS code,"
        " coalesce(json_extract(s.value, '$.name'), json_extract(s.value, '$.text')) AS name"
        " FROM events AS e, json_each(e.record, '$.actor') AS s"
        f" UNION ALL SELECT e.id, e.rowid, {keyed}, 2, json_extract(s.value, '$.code'),"
        " coalesce(json_extract(s.value, '$.name'), json_extract(s.value, '$.text'))"
        " FROM events AS e, json_each(e.record, '$.recipient') AS s"
    )
    statements = [
        "INSERT OR IGNORE INTO event_codes (code, side, event_rowid)"
        f" SELECT DISTINCT code, side, event_rowid FROM ({sides}) WHERE code IS NOT NULL"
        " ORDER BY 1, 2, 3",
        "INSERT OR REPLACE INTO event_geo (geo_id, min_lat, max_lat, min_lon, max_lon)"
        " SELECT rowid, lat, lat, lon, lon FROM events WHERE lat IS NOT NULL AND lon IS NOT NULL",
        f"INSERT INTO summary_daily ({KEY_LIST}, events, score)"
        f" SELECT {key}, COUNT(*), SUM(e.event_scale) FROM events AS e GROUP BY {key}",
        f"INSERT INTO summary_actors ({KEY_LIST}, code, events, as_actor, as_recipient)"
        f" SELECT {keys}, code, COUNT(*), SUM(a), SUM(r) FROM (SELECT {keys}, id, code,"
        f" MAX(side = 1) AS a, MAX(side = 2) AS r FROM ({sides}) WHERE code IS NOT NULL"
        f" GROUP BY id, code) GROUP BY {keys}, code",
        "INSERT INTO actor_names (code, name, events) SELECT code, name, COUNT(*) FROM"
        f" (SELECT DISTINCT id, code, name FROM ({sides})"
        " WHERE code IS NOT NULL AND name IS NOT NULL) GROUP BY code, name",
        f"INSERT INTO summary_places ({KEY_LIST}, lat, lon, precision, name, events, first_id)"
        f" SELECT {key}, round(e.lat, 4), round(e.lon, 4),"
        " coalesce(json_extract(e.record, '$.event_loc.precision'), -1),"
        " MIN(coalesce(json_extract(e.record, '$.event_loc.name'),"
        " json_extract(e.record, '$.event_loc.text'))), COUNT(*), MIN(e.id)"
        " FROM events AS e WHERE e.lat IS NOT NULL AND e.lon IS NOT NULL"
        f" GROUP BY {key}, 7, 8, 9",
    ]
    for level in LEVELS:
        node = LEVELS[level]
        statements.append(
            f"INSERT INTO summary_dyads (level, {KEY_LIST}, source, target, source_code,"
            f" target_code, events, score) SELECT '{level}', {keys}, source, target,"
            " source_code, target_code, COUNT(*), SUM(score) FROM (SELECT DISTINCT e.id,"
            f" {keyed}, e.event_scale AS score, {node.format(v='a.value')} AS source,"
            f" {node.format(v='t.value')} AS target, json_extract(a.value, '$.code') AS"
            " source_code, json_extract(t.value, '$.code') AS target_code FROM events AS e,"
            " json_each(e.record, '$.actor') AS a, json_each(e.record, '$.recipient') AS t"
            " WHERE json_extract(a.value, '$.code') IS NOT NULL"
            " AND json_extract(t.value, '$.code') IS NOT NULL) WHERE source != target"
            f" GROUP BY {keys}, source, target, source_code, target_code",
        )
    return statements


def rebuild_scale_tables(conn: sqlite3.Connection) -> None:
    """Empty every derived table and fill it again from the events (`flashpoint doctor`)."""
    conn.execute(f"DROP TRIGGER IF EXISTS {TRIGGERS[0]}")
    create_scale_tables(conn)


def summary_problems(conn: sqlite3.Connection) -> list[str]:
    """How the derived tables differ from a recomputation from the events table (empty: in
    step). Reads only, so that `flashpoint doctor --check` can run it on a read-only store."""
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    missing = [name for name in (*SCALE_TABLES, *TRIGGERS) if name not in present]
    if missing:
        return [f"missing: {', '.join(missing)}"]
    problems = []
    expected: dict[tuple[str, str, str], set[tuple]] = {}
    for statement in _fill_statements():
        found = re.match(r"INSERT (?:OR \w+ )?INTO (\w+) \(([^)]*)\) (SELECT .*)", statement)
        assert found is not None, statement
        table, columns, select = found.groups()
        if table == "event_geo":
            continue  # 32-bit coordinates: compared below
        level = re.match(r"SELECT ('\w+'),", select) if table == "summary_dyads" else None
        where = f" WHERE level = {level.group(1)}" if level else ""
        expected.setdefault((table, columns, where), set()).update(_rows(conn, select))
    for (table, columns, where), rows in expected.items():
        problem = f"{table} differs from a recomputation from the events"
        if _rows(conn, f"SELECT {columns} FROM {table}{where}") != rows and problem not in problems:
            problems.append(problem)
    located = _rows(conn, "SELECT rowid FROM events WHERE lat IS NOT NULL AND lon IS NOT NULL")
    indexed = _rows(conn, "SELECT geo_id FROM event_geo")
    placed = conn.execute(
        "SELECT COUNT(*) FROM event_geo AS g JOIN events AS e ON e.rowid = g.geo_id"
        " WHERE abs(g.min_lat - e.lat) < 1e-4"
        " AND abs(g.max_lat - e.lat) < 1e-4 AND abs(g.min_lon - e.lon) < 1e-4"
        " AND abs(g.max_lon - e.lon) < 1e-4"
    ).fetchone()[0]
    if located != indexed or placed != len(located):
        problems.append("event_geo differs from the events' coordinates")
    return problems


def _rows(conn: sqlite3.Connection, sql: str) -> set[tuple]:
    """The rows of a query as a set, floats rounded (sums kept by triggers drift in the last
    digits)."""
    return {
        tuple(round(v, 4) if isinstance(v, float) else v for v in row) for row in conn.execute(sql)
    }
