"""Events and summed score per actor code, day, quad class and flags (migration 12,
`0012_actor_days`): the timeline of one actor code.

    summary_actor_days
                    one row per (code, day, quad class, flags): how many events name the code
                    (as actor or recipient, an event counted once however often it names it)
                    and their summed PLOVER score. The timeline filtered by an actor code
                    (`timeline?actor=XYZ`, with dates, a quad class and flags or not) reads the
                    code's rows in day order instead of every event naming the code: a code
                    named by a hundred thousand events of a million took two seconds.

Kept in step with the events table by triggers (so in the same transaction as the article),
checked against a recomputation and rebuilt by `flashpoint doctor`. Undated events have the day
'' (the timeline leaves them out, as it does from the events table).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from flashpoint.store.query_indexes import TIMELINE_FIELDS

TABLE_SQL = """
CREATE TABLE IF NOT EXISTS summary_actor_days (
    code TEXT NOT NULL, day TEXT NOT NULL, quad INTEGER NOT NULL, flags INTEGER NOT NULL,
    events INTEGER NOT NULL,
    score  REAL NOT NULL,
    PRIMARY KEY (code, day, quad, flags)
) WITHOUT ROWID
"""

TRIGGERS = ("actor_days_insert", "actor_days_delete", "actor_days_update")

# The columns the rows depend on: an update of any other (a link id) leaves them as they are.
WATCHED = "date, quad_code, event_scale, background, hypothetical, negated, record"


def _codes(r: str) -> str:
    """The distinct codes an event row names, as actor or recipient."""
    return (
        f"SELECT json_extract(value, '$.code') AS code FROM json_each({r}.record, '$.actor')"
        f" UNION SELECT json_extract(value, '$.code') FROM json_each({r}.record, '$.recipient')"
    )


def _key(r: str) -> str:
    return (
        f"coalesce({r}.date, ''), {r}.quad_code,"
        f" ({r}.background + 2 * {r}.hypothetical + 4 * {r}.negated)"
    )


def _add(r: str) -> str:
    return (
        "INSERT INTO summary_actor_days (code, day, quad, flags, events, score)"
        f" SELECT code, {_key(r)}, 1, {r}.event_scale FROM ({_codes(r)}) WHERE code IS NOT NULL"
        " ON CONFLICT DO UPDATE SET events = events + 1, score = score + excluded.score"
    )


def _remove(r: str) -> str:
    match = (
        f"code IN (SELECT code FROM ({_codes(r)})) AND day = coalesce({r}.date, '')"
        f" AND quad = {r}.quad_code"
        f" AND flags = ({r}.background + 2 * {r}.hypothetical + 4 * {r}.negated)"
    )
    return (
        f"UPDATE summary_actor_days SET events = events - 1, score = score - {r}.event_scale"
        f" WHERE {match};\n    DELETE FROM summary_actor_days WHERE {match} AND events <= 0"
    )


def triggers_sql() -> list[str]:
    insert, delete, update = TRIGGERS
    return [
        f"CREATE TRIGGER IF NOT EXISTS {insert} AFTER INSERT ON events BEGIN\n"
        f"    {_add('new')};\nEND",
        f"CREATE TRIGGER IF NOT EXISTS {delete} AFTER DELETE ON events BEGIN\n"
        f"    {_remove('old')};\nEND",
        f"CREATE TRIGGER IF NOT EXISTS {update} AFTER UPDATE OF {WATCHED} ON events BEGIN\n"
        f"    {_remove('old')};\n    {_add('new')};\nEND",
    ]


FROM_EVENTS = (
    "SELECT code, day, quad, flags, COUNT(*), SUM(score) FROM ("
    "SELECT DISTINCT e.id, json_extract(s.value, '$.code') AS code,"
    " coalesce(e.date, '') AS day, e.quad_code AS quad,"
    " (e.background + 2 * e.hypothetical + 4 * e.negated) AS flags, e.event_scale AS score"
    " FROM events AS e, json_each(e.record, '$.actor') AS s"
    " UNION SELECT e.id, json_extract(s.value, '$.code'), coalesce(e.date, ''), e.quad_code,"
    " (e.background + 2 * e.hypothetical + 4 * e.negated), e.event_scale"
    " FROM events AS e, json_each(e.record, '$.recipient') AS s"
    ") WHERE code IS NOT NULL GROUP BY code, day, quad, flags"
)
"""The table's rows recomputed from the events."""


def rebuild_actor_days(conn: sqlite3.Connection) -> None:
    """Create (or re-create) the table and its triggers, filled from the events (migration 12
    and `flashpoint doctor`'s repair; idempotent)."""
    for trigger in TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    conn.execute("DROP TABLE IF EXISTS summary_actor_days")
    conn.execute(TABLE_SQL)
    conn.execute(
        f"INSERT INTO summary_actor_days (code, day, quad, flags, events, score) {FROM_EVENTS}"
    )
    for statement in triggers_sql():
        conn.execute(statement)


def actor_days_problems(conn: sqlite3.Connection) -> list[str]:
    """How summary_actor_days differs from a recomputation from the events (empty: in step;
    read-only)."""
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    missing = [name for name in ("summary_actor_days", *TRIGGERS) if name not in present]
    if missing:
        return [f"missing: {', '.join(missing)}"]

    def rows(sql: str) -> set[tuple]:
        return {(c, d, q, f, n, round(s, 4)) for c, d, q, f, n, s in conn.execute(sql)}

    stored = rows("SELECT code, day, quad, flags, events, score FROM summary_actor_days")
    if stored != rows(FROM_EVENTS):
        return ["summary_actor_days differs from a recomputation from the events"]
    return []


def actor_timeline_answers(where: Any) -> bool:
    """Whether summary_actor_days answers this EventFilter's timeline: one actor code (either
    side), with dates, a quad class and flags or not, nothing else."""
    default = type(where)()
    return bool(where.actor) and all(
        name in TIMELINE_FIELDS or name == "actor" or value == getattr(default, name)
        for name, value in where.__dict__.items()
    )
