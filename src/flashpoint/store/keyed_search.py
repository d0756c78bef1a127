"""The full-text index keyed by the rows' integer rowids (migration 11, `0011_fts_rowid`).

Migration 2 keyed events_fts and articles_fts by their own rowids and kept the record's id in
an unindexed column, so a search (`q`) read the id of every match from the index's stored
content and compared text ids: a word that 47,000 of a million events contain cost half a
second before the first row of a page. Here each full-text row's rowid is the rowid of the
event (or article) it indexes, so a search is a set of integers that SQLite compares with the
rowid every index entry already carries: the sort's index is walked and tested entry by entry,
no record and no stored content read. The id column stays, so that `flashpoint doctor` can
check that every full-text row still points at the record it was made from.

The triggers delete a row by its rowid (one seek; migration 2's deleted `WHERE event_id = ?`,
which scanned the whole index's content for every deleted event).

A table with a TEXT primary key keeps its rowids through VACUUM in the SQLite versions we know,
but SQLite does not promise it: after a VACUUM, `flashpoint doctor` checks the mapping and
rebuilds the index if the rowids moved.
"""

from __future__ import annotations

import sqlite3

from flashpoint.store.migrations import (
    FULL_TEXT_TABLES,
    FULL_TEXT_TRIGGERS,
    _event_fts_values,
    _statements,
)

# OR REPLACE: a connection without recursive triggers may replace a row without firing the
# delete trigger, and the next row can then be given the same rowid; its row replaces the stale
# one instead of failing the insert.
KEYED_SQL = f"""
CREATE VIRTUAL TABLE events_fts USING fts5(
    event_id UNINDEXED, evidence, actors, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE articles_fts USING fts5(
    article_id UNINDEXED, title, text, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
    INSERT OR REPLACE INTO events_fts (rowid, event_id, evidence, actors)
    VALUES (new.rowid, new.id, {_event_fts_values("new.record")});
END;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
    DELETE FROM events_fts WHERE rowid = old.rowid;
END;
CREATE TRIGGER events_fts_update AFTER UPDATE OF id, record ON events BEGIN
    DELETE FROM events_fts WHERE rowid = old.rowid;
    INSERT OR REPLACE INTO events_fts (rowid, event_id, evidence, actors)
    VALUES (new.rowid, new.id, {_event_fts_values("new.record")});
END;
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT OR REPLACE INTO articles_fts (rowid, article_id, title, text)
    VALUES (new.rowid, new.id, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.rowid;
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF id, title, text ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.rowid;
    INSERT OR REPLACE INTO articles_fts (rowid, article_id, title, text)
    VALUES (new.rowid, new.id, new.title, new.text);
END;
INSERT INTO articles_fts (rowid, article_id, title, text)
SELECT rowid, id, title, text FROM articles;
INSERT INTO events_fts (rowid, event_id, evidence, actors)
SELECT rowid, id, {_event_fts_values("record")} FROM events;
"""

KEYED_VERSION = 11
"""The schema version from which the full-text rowids are the records' rowids."""


def rebuild_keyed_full_text(conn: sqlite3.Connection) -> None:
    """Create (or re-create) both full-text tables and their triggers keyed by rowid, and index
    what is stored. Idempotent: whatever an earlier index left is dropped first. Migration 11,
    and the repair `flashpoint doctor` applies to an index out of step with its tables."""
    for trigger in FULL_TEXT_TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for table in FULL_TEXT_TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in _statements(KEYED_SQL):
        conn.execute(statement)


def _trigger_sql() -> dict[str, str]:
    """The SQL SQLite records for each keyed trigger (made in an empty database)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE TABLE events (id TEXT PRIMARY KEY, record TEXT)")
        conn.execute("CREATE TABLE articles (id TEXT PRIMARY KEY, title TEXT, text TEXT)")
        rebuild_keyed_full_text(conn)
        return dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    finally:
        conn.close()


def keyed_problems(conn: sqlite3.Connection) -> list[str]:
    """How the full-text index differs from one keyed by the records' rowids (empty: keyed and
    in step). Read-only. Run on a store at version 11 or later."""
    problems: list[str] = []
    expected = _trigger_sql()
    found = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    stale = sorted(name for name, sql in expected.items() if name in found and found[name] != sql)
    if stale:
        problems.append(f"triggers not keyed by rowid: {', '.join(stale)}")
    for table, source, key in (
        ("events_fts", "events", "event_id"),
        ("articles_fts", "articles", "article_id"),
    ):
        moved = conn.execute(
            f"SELECT COUNT(*) FROM {table} AS f WHERE f.{key} IS NOT"
            f" (SELECT s.id FROM {source} AS s WHERE s.rowid = f.rowid)"
        ).fetchone()[0]
        if moved:
            problems.append(f"{table}: {moved} rows whose rowid is not their {source[:-1]}'s")
    return problems
