"""The actor-code and coordinate indexes keyed by the events' rowids, and quotes by article
(migration 14, `0014_rowid_keys`): keys that follow the order of arrival.

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
    quotes          its primary key on the quote's id (random: a page of its own for each quote
                    stored) is replaced by a unique key on (article id, quote id), the order of
                    every list of quotes, which migration 8's quotes_order index kept anyway:
                    an article's quotes sit together in it. A quote's id is made from its
                    article's id, so the two keys allow the same rows; the page of a list is
                    read by rowid. The table is copied once (rowids kept).

How an event's id is made does not change. A table with a TEXT primary key keeps its rowids
through VACUUM in the SQLite versions we know, but SQLite does not promise it: `flashpoint
doctor` compares event_codes and event_geo with a recomputation from the events (by rowid) and
rebuilds them when they differ. (Two codes that are both rare, `dyads/series`, are a little
slower: the second code is tested after the event's row is sought by rowid, where through the
id's index SQLite tested it before: bench/README.md.)
"""

from __future__ import annotations

import sqlite3

ROWID_VERSION = 14
"""The schema version from which event_codes and event_geo are keyed by the events' rowids
(and quotes by article id and quote id)."""

CODES_SQL = """
CREATE TABLE event_codes (
    code        TEXT NOT NULL,
    side        INTEGER NOT NULL,    -- 1 actor, 2 recipient
    event_rowid INTEGER NOT NULL,    -- the event's rowid
    PRIMARY KEY (code, side, event_rowid)
) WITHOUT ROWID
"""
GEO_SQL = "CREATE VIRTUAL TABLE event_geo USING rtree (geo_id, min_lat, max_lat, min_lon, max_lon)"
QUOTES_SQL = """
CREATE TABLE quotes (
    id           TEXT NOT NULL,
    article_id   TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    speaker_code TEXT,
    kind         TEXT,
    record       TEXT NOT NULL,
    UNIQUE (article_id, id)
)
"""
QUOTE_COLUMNS = "id, article_id, speaker_code, kind, record"
REDUNDANT_INDEXES = ("quotes_order",)
"""Indexes that the unique key of quotes makes redundant (migration 8 made quotes_order; the
summaries' script still does, so `flashpoint doctor` drops it again after rebuilding them)."""


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def quotes_keyed_by_id(conn: sqlite3.Connection) -> bool:
    """Whether the quotes table still has its primary key on the quote's id."""
    return any(row[1] == "id" and row[5] for row in conn.execute("PRAGMA table_info(quotes)"))


def rekey_quotes(conn: sqlite3.Connection) -> None:
    """The quotes table copied into one keyed by (article id, quote id), rowids kept, its
    speaker index made again (idempotent: a table already keyed so is left as it is)."""
    if quotes_keyed_by_id(conn):
        conn.execute("DROP TABLE IF EXISTS quotes_by_article")
        conn.execute(QUOTES_SQL.replace("quotes", "quotes_by_article", 1))
        conn.execute(
            f"INSERT INTO quotes_by_article (rowid, {QUOTE_COLUMNS})"
            f" SELECT rowid, {QUOTE_COLUMNS} FROM quotes ORDER BY rowid"
        )
        conn.execute("DROP TABLE quotes")
        conn.execute("ALTER TABLE quotes_by_article RENAME TO quotes")
        conn.execute("CREATE INDEX quotes_speaker ON quotes (speaker_code)")
    drop_redundant_indexes(conn)


def drop_redundant_indexes(conn: sqlite3.Connection) -> None:
    """Drop REDUNDANT_INDEXES (idempotent)."""
    for name in REDUNDANT_INDEXES:
        conn.execute(f"DROP INDEX IF EXISTS {name}")


def rekey_by_rowid(conn: sqlite3.Connection) -> None:
    """Migration 14 (idempotent): quotes keyed by article and id; event_codes and event_geo
    rebuilt keyed by the events' rowids from what they hold, event_geo_ids dropped, and the
    summaries' triggers written as summaries.py now writes them. A store already converted
    (or made at this version) only gets its triggers again."""
    from flashpoint.store.summaries import TRIGGERS, triggers_sql

    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if not set(TRIGGERS) <= present:  # no scale tables: migration 8 makes them as they are now
        rekey_quotes(conn)
        return
    # Dropped first: migration 13 wrote them as summaries.py does now, for tables that are
    # converted only here, and renaming a table checks every trigger of the schema.
    for trigger in TRIGGERS:
        conn.execute(f"DROP TRIGGER {trigger}")
    rekey_quotes(conn)
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
