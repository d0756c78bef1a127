"""Named, ordered schema migrations. `PRAGMA user_version` records how many have run.

To change the schema, append a migration; never change what one that has shipped makes.

Store._migrate runs every pending step and writes the version in one transaction that holds the
database's write lock (BEGIN IMMEDIATE), so concurrent openers of a new database wait for each
other and an interrupted migration leaves nothing behind. Every step is idempotent (it may meet
tables that an older Flashpoint left without recording the version) and runs its statements
one by one: `executescript` would commit the migration's transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from importlib import resources

Migration = tuple[int, str, Callable[[sqlite3.Connection], None]]


def _run_script(conn: sqlite3.Connection, filename: str) -> None:
    script = (resources.files("flashpoint.store") / filename).read_text(encoding="utf-8")
    for statement in _statements(script):
        conn.execute(statement)


def _initial(conn: sqlite3.Connection) -> None:
    _run_script(conn, "schema.sql")  # CREATE ... IF NOT EXISTS throughout


# Full-text search (SQLite FTS5) over event evidence and article text, for the API's `q`.
# Rows are keyed by the record's id (not rowid: VACUUM may renumber rowids) and kept in step by
# triggers, so every writer keeps the index current without knowing of it. A REPLACE leaves a
# stale row behind (delete triggers do not fire on REPLACE); queries select ids with
# `IN (SELECT ... MATCH ...)`, which makes such a row harmless. Migration 11 (keyed_search.py)
# rebuilds both tables keyed by the records' rowids.


def _names(record: str, side: str) -> str:
    """SQL for the names and texts of an event's actors (or recipients), space-separated."""
    return (
        "coalesce((SELECT group_concat(coalesce(json_extract(value, '$.name'), '') || ' ' ||"
        f" coalesce(json_extract(value, '$.text'), ''), ' ') FROM json_each({record}, '$.{side}')),"
        " '')"
    )


def _event_fts_values(record: str) -> str:
    return (
        f"json_extract({record}, '$.evidence.text'),"
        f" {_names(record, 'actor')} || ' ' || {_names(record, 'recipient')}"
    )


FULL_TEXT_TABLES = ("events_fts", "articles_fts")
FULL_TEXT_TRIGGERS = tuple(
    f"{table}_fts_{action}"
    for table in ("events", "articles")
    for action in ("insert", "delete", "update")
)

FULL_TEXT_SEARCH_SQL = f"""
CREATE VIRTUAL TABLE events_fts USING fts5(
    event_id UNINDEXED, evidence, actors, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE articles_fts USING fts5(
    article_id UNINDEXED, title, text, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
    INSERT INTO events_fts (event_id, evidence, actors)
    VALUES (new.id, {_event_fts_values("new.record")});
END;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
    DELETE FROM events_fts WHERE event_id = old.id;
END;
CREATE TRIGGER events_fts_update AFTER UPDATE OF record ON events BEGIN
    DELETE FROM events_fts WHERE event_id = old.id;
    INSERT INTO events_fts (event_id, evidence, actors)
    VALUES (new.id, {_event_fts_values("new.record")});
END;
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (article_id, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_fts WHERE article_id = old.id;
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    DELETE FROM articles_fts WHERE article_id = old.id;
    INSERT INTO articles_fts (article_id, title, text) VALUES (new.id, new.title, new.text);
END;
-- Index what the database already holds: the triggers only see new rows.
INSERT INTO articles_fts (article_id, title, text) SELECT id, title, text FROM articles;
INSERT INTO events_fts (event_id, evidence, actors)
SELECT id, {_event_fts_values("record")} FROM events;
"""


def _full_text_search(conn: sqlite3.Connection) -> None:
    """Create (or re-create) the full-text tables and triggers and index what is stored.

    Idempotent: whatever an earlier, interrupted or concurrent run left is dropped first.
    (Migration 11 builds the index again, keyed by rowid; doctor repairs with that one.)"""
    for trigger in FULL_TEXT_TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for table in FULL_TEXT_TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in _statements(FULL_TEXT_SEARCH_SQL):
        conn.execute(statement)


def _statements(script: str) -> list[str]:
    """Split a script into statements (executescript would commit the migration's transaction)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements


def _corpus(conn: sqlite3.Connection) -> None:
    """Near-duplicate clusters, the LSH index, linked events and their mentions (corpus.sql
    documents every table)."""
    _run_script(conn, "corpus.sql")  # CREATE ... IF NOT EXISTS throughout


def _watch(conn: sqlite3.Connection) -> None:
    """Watched sources, the items met in them and the errors met (watch.sql documents every
    table)."""
    _run_script(conn, "watch.sql")  # CREATE ... IF NOT EXISTS throughout


def _alerts(conn: sqlite3.Connection) -> None:
    """Escalation alerts (alerts.sql documents the table)."""
    _run_script(conn, "alerts.sql")  # CREATE ... IF NOT EXISTS throughout


def _admin1(conn: sqlite3.Connection) -> None:
    """An index for the admin1 (province/state) filter, on the expression it compares."""
    conn.execute(
        "CREATE INDEX IF NOT EXISTS events_admin1"
        " ON events (lower(json_extract(record, '$.event_loc.admin1')))"
    )


ACLED_COLUMNS = ("acled_event_type", "acled_sub_event_type")
"""Columns of `events` the ACLED filter reads: the event's ACLED event_type and
sub_event_type, '' when ACLED would record no event (NULL only before migration 0007 ran)."""


def _acled(conn: sqlite3.Connection) -> None:
    """ACLED event and sub-event type columns, indexed, filled for the events already stored
    (typed as the acled stage types new ones: by the ACLED typing model, else the mapping
    table)."""
    from flashpoint.acled import stored_types

    have = {row[1] for row in conn.execute("PRAGMA table_info(events)")}
    for column in ACLED_COLUMNS:
        if column not in have:
            conn.execute(f"ALTER TABLE events ADD COLUMN {column} TEXT")
        conn.execute(f"CREATE INDEX IF NOT EXISTS events_{column} ON events ({column})")
    rows = conn.execute("SELECT id, record FROM events WHERE acled_sub_event_type IS NULL")
    updates = [(*stored_types(record), event_id) for event_id, record in rows]
    conn.executemany(
        "UPDATE events SET acled_event_type = ?, acled_sub_event_type = ? WHERE id = ?", updates
    )


def _scale(conn: sqlite3.Connection) -> None:
    """Code and coordinate indexes, daily summaries and the indexes that sort events (the
    store at scale: summaries.py documents every table)."""
    from flashpoint.store.summaries import create_scale_tables

    create_scale_tables(conn)


def _export_store(conn: sqlite3.Connection) -> None:
    """The summary triggers again, as summaries.py now writes them: 0008's failed to delete an
    undated event with a place (its place total looked for the smallest id among the dated
    rows only and found none)."""
    from flashpoint.store.summaries import TRIGGERS, triggers_sql

    for trigger in TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for statement in triggers_sql():
        conn.execute(statement)


def _query_indexes(conn: sqlite3.Connection) -> None:
    """Indexes for the ACLED type, toll and coordinate filters in the list's order, and the
    timeline's summary (query_indexes.py documents them)."""
    from flashpoint.store.query_indexes import create_query_indexes

    create_query_indexes(conn)


def _fts_rowid(conn: sqlite3.Connection) -> None:
    """The full-text index again, each row keyed by the rowid of the event or article it
    indexes (keyed_search.py documents why)."""
    from flashpoint.store.keyed_search import rebuild_keyed_full_text

    rebuild_keyed_full_text(conn)


def _actor_days(conn: sqlite3.Connection) -> None:
    """Events and score per actor code, day, quad class and flags: the timeline of one actor
    (actor_days.py documents the table)."""
    from flashpoint.store.actor_days import rebuild_actor_days

    rebuild_actor_days(conn)


def _lean_writes(conn: sqlite3.Connection) -> None:
    """Fewer pages written per article in a large store: indexes no query needs dropped, the
    full-text index merged less often and settled once (lean_writes.py documents why)."""
    from flashpoint.store.lean_writes import lean_writes

    lean_writes(conn)


def _rowid_keys(conn: sqlite3.Connection) -> None:
    """The actor-code and coordinate indexes keyed by the events' rowids, which follow the
    order of arrival, instead of their random text ids (rowid_keys.py documents why)."""
    from flashpoint.store.rowid_keys import rekey_by_rowid

    rekey_by_rowid(conn)


def _narrow_indexes(conn: sqlite3.Connection) -> None:
    """An index no query reads dropped, and two that leave out or no longer rewrite entries
    at every article stored (narrow_indexes.py documents why)."""
    from flashpoint.store.narrow_indexes import make_narrow_indexes

    make_narrow_indexes(conn)


MIGRATIONS: list[Migration] = [
    (1, "0001_initial", _initial),
    (2, "0002_full_text_search", _full_text_search),
    (3, "0003_corpus", _corpus),
    (4, "0004_watch", _watch),
    (5, "0005_alerts", _alerts),
    (6, "0006_admin1", _admin1),
    (7, "0007_acled", _acled),
    (8, "0008_scale", _scale),
    (9, "0009_export_store", _export_store),
    (10, "0010_query_indexes", _query_indexes),
    (11, "0011_fts_rowid", _fts_rowid),
    (12, "0012_actor_days", _actor_days),
    (13, "0013_lean_writes", _lean_writes),
    (14, "0014_rowid_keys", _rowid_keys),
    (15, "0015_narrow_indexes", _narrow_indexes),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]
