"""Indexes and a summary for the filters and the timeline that were slow at a million events
(migration 10, `0010_query_indexes`).

    events_acled_type_date, events_acled_sub_date
                    the ACLED type filter in the list's default order (date, article, id):
                    a page walks the index and stops at its last row instead of sorting every
                    event of the type.
    events_dead_date
                    the events that carry a death toll, in date order, with the toll: the
                    `min_dead` filter walks it without reading any record (partial index: only
                    events with a toll are in it).
    events_located_date
                    the located events in date order with their coordinates: a box or a radius
                    holding many events walks it and tests the coordinates from the index,
                    instead of collecting every id the R*Tree finds and then sorting.
    summary_timeline
                    events and summed score per day, quad class and flags: the timeline of the
                    whole store (or of dates, a quad class and flags) reads a row per day and
                    class instead of summing summary_daily's rows for every type, country
                    and admin1. Kept in step with summary_daily by triggers on it (so in the same
                    transaction as the article), checked and rebuilt by `flashpoint doctor`.

Stores built before the ACLED columns existed but already at the scale schema (a development
store of version 7 from before the migrations were renumbered) get those columns here too, and
every store gets the summaries' delete and update triggers as summaries.py now writes them.
"""

from __future__ import annotations

import sqlite3
from typing import Any

INDEXES_SQL = (
    "CREATE INDEX IF NOT EXISTS events_acled_type_date"
    " ON events (acled_event_type, coalesce(date, ''), article_id, id)",
    "CREATE INDEX IF NOT EXISTS events_acled_sub_date"
    " ON events (acled_sub_event_type, coalesce(date, ''), article_id, id)",
    "CREATE INDEX IF NOT EXISTS events_dead_date"
    " ON events (coalesce(date, ''), article_id, id, json_extract(record, '$.size.dead'))"
    " WHERE json_extract(record, '$.size.dead') IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS events_located_date"
    " ON events (coalesce(date, ''), article_id, id, lat, lon)"
    " WHERE lat IS NOT NULL AND lon IS NOT NULL",
)

TIMELINE_TABLE_SQL = """
CREATE TABLE IF NOT EXISTS summary_timeline (
    day TEXT NOT NULL, quad INTEGER NOT NULL, flags INTEGER NOT NULL,
    events INTEGER NOT NULL,
    score  REAL NOT NULL,
    PRIMARY KEY (day, quad, flags)
) WITHOUT ROWID
"""

TIMELINE_TRIGGERS = (
    "summary_timeline_insert",
    "summary_timeline_delete",
    "summary_timeline_update",
)


def _timeline_add(r: str) -> str:
    return (
        "INSERT INTO summary_timeline (day, quad, flags, events, score)"
        f" VALUES ({r}.day, {r}.quad, {r}.flags, {r}.events, {r}.score)"
        " ON CONFLICT DO UPDATE SET events = events + excluded.events,"
        " score = score + excluded.score"
    )


def _timeline_remove(r: str) -> str:
    match = f"day = {r}.day AND quad = {r}.quad AND flags = {r}.flags"
    return (
        f"UPDATE summary_timeline SET events = events - {r}.events, score = score - {r}.score"
        f" WHERE {match};\n    DELETE FROM summary_timeline WHERE {match} AND events <= 0"
    )


def timeline_triggers_sql() -> list[str]:
    insert, delete, update = TIMELINE_TRIGGERS
    return [
        f"CREATE TRIGGER IF NOT EXISTS {insert} AFTER INSERT ON summary_daily BEGIN\n"
        f"    {_timeline_add('new')};\nEND",
        f"CREATE TRIGGER IF NOT EXISTS {delete} AFTER DELETE ON summary_daily BEGIN\n"
        f"    {_timeline_remove('old')};\nEND",
        f"CREATE TRIGGER IF NOT EXISTS {update} AFTER UPDATE ON summary_daily BEGIN\n"
        f"    {_timeline_remove('old')};\n    {_timeline_add('new')};\nEND",
    ]


TIMELINE_FROM_DAILY = (
    "SELECT day, quad, flags, SUM(events), SUM(score) FROM summary_daily GROUP BY day, quad, flags"
)
FILL_TIMELINE_SQL = (
    f"INSERT INTO summary_timeline (day, quad, flags, events, score) {TIMELINE_FROM_DAILY}"
)


def rebuild_timeline(conn: sqlite3.Connection) -> None:
    """Create (or re-create) summary_timeline and its triggers, filled from summary_daily
    (idempotent; `flashpoint doctor` runs it after rebuilding summary_daily, whose triggers
    went with the table)."""
    for trigger in TIMELINE_TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    conn.execute("DROP TABLE IF EXISTS summary_timeline")
    conn.execute(TIMELINE_TABLE_SQL)
    conn.execute(FILL_TIMELINE_SQL)
    for statement in timeline_triggers_sql():
        conn.execute(statement)


def timeline_problems(conn: sqlite3.Connection) -> list[str]:
    """How summary_timeline differs from summary_daily summed by day, quad and flags (empty:
    in step; read-only)."""
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    missing = [n for n in ("summary_timeline", *TIMELINE_TRIGGERS) if n not in present]
    if missing:
        return [f"missing: {', '.join(missing)}"]
    if "summary_daily" not in present:
        return []  # the summaries' own check reports it

    def rows(sql: str) -> set[tuple]:
        return {(d, q, f, n, round(s, 4)) for d, q, f, n, s in conn.execute(sql)}

    expected = rows(TIMELINE_FROM_DAILY)
    if rows("SELECT day, quad, flags, events, score FROM summary_timeline") != expected:
        return ["summary_timeline differs from summary_daily"]
    return []


def _acled_columns_missing(conn: sqlite3.Connection) -> bool:
    have = {row[1] for row in conn.execute("PRAGMA table_info(events)")}
    return not {"acled_event_type", "acled_sub_event_type"} <= have


def create_query_indexes(conn: sqlite3.Connection) -> None:
    """Migration 10: the indexes and the timeline summary (idempotent)."""
    from flashpoint.store.summaries import triggers_sql

    # The summaries' delete and update triggers are put back as summaries.py now writes them
    # (a place's total row whose smallest event id was an undated event's failed to find the
    # next one, and the delete stopped); filling the ACLED columns updates every event, so it
    # runs between the two, without them (the columns are in no summary).
    conn.execute("DROP TRIGGER IF EXISTS events_scale_delete")
    conn.execute("DROP TRIGGER IF EXISTS events_scale_update")
    if _acled_columns_missing(conn):
        from flashpoint.store.migrations import _acled

        _acled(conn)
    _insert, delete, update = triggers_sql()
    conn.execute(delete)
    conn.execute(update)
    for statement in INDEXES_SQL:
        conn.execute(statement)
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if not {"summary_timeline", *TIMELINE_TRIGGERS} <= present:
        rebuild_timeline(conn)


TIMELINE_FIELDS = frozenset(
    {
        "since",
        "until",
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
"""The filter fields summary_timeline answers (the rest must keep their defaults)."""


def timeline_summary_answers(where: Any) -> bool:
    """Whether summary_timeline answers this EventFilter's timeline (dates, quad class and
    flags only; summary_clauses builds the WHERE clause, on columns this table has)."""
    default = type(where)()
    return all(
        name in TIMELINE_FIELDS or value == getattr(default, name)
        for name, value in where.__dict__.items()
    )


def acled_clause(name: str) -> tuple[str, list[object]]:
    """The ACLED type filter for a name as ACLED spells it: an event type's name can only be in
    acled_event_type and a sub-event type's only in acled_sub_event_type (the codebook's names
    are distinct), so one column is compared and its index walked in the list's order; a name
    that is both or neither (an extended codebook) compares both, as the filter is defined."""
    from flashpoint.acled import acled_sub_event_types

    tree = acled_sub_event_types()
    is_type = name in tree
    is_sub = any(name in subs for subs in tree.values())
    # `<> ''` (always true for a codebook name) lets the partial indexes of migration 13
    # (lean_writes.py), which leave out the events ACLED would not record, serve the filter.
    if is_type and not is_sub:
        return "acled_event_type = ? AND acled_event_type <> ''", [name]
    if is_sub and not is_type:
        return "acled_sub_event_type = ? AND acled_sub_event_type <> ''", [name]
    return "(acled_event_type = ? OR acled_sub_event_type = ?)", [name, name]
