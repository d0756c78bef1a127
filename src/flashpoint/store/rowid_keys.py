"""The actor-code and coordinate indexes keyed by the events' rowids (migration 14,
`0014_rowid_keys`).

An event's id is a hash: random. Every b-tree keyed by it takes the new event's row at a random
place, so at a million events each new event dirties a page of its own in each such b-tree, a
page that the checkpoint then writes somewhere in a file of several gigabytes
(`bench/store_pages.py` counts them). An event's rowid follows the order of arrival, so a b-tree
keyed by it takes new rows at its end (or, for event_codes, at the end of each code's run):
the pages a batch of articles dirties are few and mostly the same ones.

    event_codes     was (code, side, event_id); now (code, side, event_rowid). The actor
                    filters compare the rowid that every index of events already carries (as
                    the full-text search does since migration 11), so a page of a list tests a
                    code without reading the event's record.
    event_geo       the R*Tree's key is now the event's rowid; event_geo_ids, which mapped its
                    integer keys to event ids (a table and a unique index on a random text id),
                    is dropped.

How an event's id is made does not change. A table with a TEXT primary key keeps its rowids
through VACUUM in the SQLite versions we know, but SQLite does not promise it: `flashpoint
doctor` compares both tables with a recomputation from the events (by rowid) and rebuilds them
when they differ.
"""

from __future__ import annotations

import sqlite3

ROWID_VERSION = 14
"""The schema version from which event_codes and event_geo are keyed by the events' rowids."""

CODES_SQL = """
CREATE TABLE event_codes (
    code        TEXT NOT NULL,
    side        INTEGER NOT NULL,    -- 1 actor, 2 recipient
    event_rowid INTEGER NOT NULL,    -- the event's rowid
    PRIMARY KEY (code, side, event_rowid)
) WITHOUT ROWID
"""
GEO_SQL = "CREATE VIRTUAL TABLE event_geo USING rtree (geo_id, min_lat, max_lat, min_lon, max_lon)"


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def rekey_by_rowid(conn: sqlite3.Connection) -> None:
    """Migration 14 (idempotent): event_codes and event_geo rebuilt keyed by the events'
    rowids from what they hold, event_geo_ids dropped, and the summaries' triggers written as
    summaries.py now writes them. A store already converted (or made at this version) only
    gets its triggers again."""
    from flashpoint.store.summaries import TRIGGERS, triggers_sql

    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if not set(TRIGGERS) <= present:
        return  # no scale tables: migration 8 makes them (as summaries.py writes them)
    for trigger in TRIGGERS:
        conn.execute(f"DROP TRIGGER {trigger}")
    if "event_rowid" not in _columns(conn, "event_codes"):
        conn.execute("DROP TABLE IF EXISTS event_codes_by_rowid")
        conn.execute(CODES_SQL.replace("event_codes", "event_codes_by_rowid", 1))
        # Sorted first, so that the new b-tree is filled from its start to its end.
        conn.execute(
            "INSERT OR IGNORE INTO event_codes_by_rowid (code, side, event_rowid)"
            " SELECT c.code, c.side, e.rowid FROM event_codes AS c"
            " JOIN events AS e ON e.id = c.event_id ORDER BY 1, 2, 3"
        )
        conn.execute("DROP TABLE event_codes")
        conn.execute("ALTER TABLE event_codes_by_rowid RENAME TO event_codes")
    if "event_geo_ids" in present:
        conn.execute("DROP TABLE IF EXISTS event_geo")
        conn.execute("DROP TABLE event_geo_ids")
        conn.execute(GEO_SQL)
        conn.execute(
            "INSERT INTO event_geo (geo_id, min_lat, max_lat, min_lon, max_lon)"
            " SELECT rowid, lat, lat, lon, lon FROM events"
            " WHERE lat IS NOT NULL AND lon IS NOT NULL"
        )
    for statement in triggers_sql():
        conn.execute(statement)
