"""What storing an article writes into a large store (migration 13, `0013_lean_writes`).

An article's transaction dirties a page of every b-tree its rows land in, and at a million
events those pages lie all over the file: each is written to the write-ahead log at the commit
and into the database at the next checkpoint. `bench/store_pages.py` counts them per table and
index. What makes them fewer here:

    full-text merges
                FTS5 writes each commit's words as a new small segment and merges segments of
                a level into the next once `automerge` of them exist (4 by default), doing the
                merge work bit by bit in later commits. With 4, a posting is rewritten once per
                level, about log4 of the index's size; with 16, about log16: half the merge
                writes, while a search reads at most 15 segments a level instead of 3
                (`crisismerge` 64: a level is merged at once only if the gradual merge has
                fallen that far behind). A bulk build (migration 11, or `flashpoint doctor`
                rebuilding the index) leaves a backlog of pending merges that the next few
                hundred articles would pay for (measured: 100-200 pages an article for
                400-500 articles at a million events), so the index is settled once here
                (FTS5 'optimize': every segment merged into one) and after every rebuild.
    indexes no query needs
                events_date (date), events_type_date (event, date), events_country (country),
                events_acled_event_type and events_acled_sub_event_type: every filter and sort
                compares `coalesce(date, '')` (sqlite.DATE_KEY), which the first two cannot
                serve, and the last three are the first column of an index that the list's
                order needs anyway (events_country_date, events_acled_type_date,
                events_acled_sub_date). The linker's candidates (type, country, dates) keep
                events_link_candidates. quotes_article (article_id) is the first column of
                quotes_order (article_id, id). event_codes_event (event_id) served only the
                deletion of an event's codes, which now seeks event_codes' own key with the
                codes read from the deleted record: an event id is random, so that index took
                a page of its own for every event stored.
    partial indexes
                events_mode, events_link, events_acled_type_date and events_acled_sub_date
                leave out the events whose mode, link or ACLED type is missing (NULL, or ''
                for an event ACLED would not record: three in four of the sample's events),
                which their filters never select: `mode = ?` and `link_id = ?` imply a value,
                and the ACLED filter says `<> ''` (query_indexes.acled_clause).

`flashpoint doctor` reports merge settings that differ and sets them again (and settles a
rebuilt index).
"""

from __future__ import annotations

import sqlite3

from flashpoint.store.migrations import FULL_TEXT_TABLES

FULL_TEXT_SETTINGS = {"automerge": 16, "crisismerge": 64}
"""FTS5 merge settings of both full-text tables (stored in each table's %_config table)."""

DROPPED_INDEXES = (
    "events_date",
    "events_type_date",
    "events_country",
    "events_acled_event_type",
    "events_acled_sub_event_type",
    "quotes_article",
    "event_codes_event",
)


def set_full_text_settings(conn: sqlite3.Connection) -> None:
    """Store FULL_TEXT_SETTINGS in both full-text tables (idempotent; a table that is missing
    is left to the full-text check)."""
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    for table in (t for t in FULL_TEXT_TABLES if t in present):
        for name, value in FULL_TEXT_SETTINGS.items():
            conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES (?, ?)", (name, value))


def settle_full_text(conn: sqlite3.Connection) -> None:
    """The merge settings, then every segment of both full-text indexes merged into one."""
    set_full_text_settings(conn)
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    for table in (t for t in FULL_TEXT_TABLES if t in present):
        conn.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")


def full_text_settings_problems(conn: sqlite3.Connection) -> list[str]:
    """Merge settings of the full-text tables that differ from FULL_TEXT_SETTINGS (read-only;
    a table that is missing is reported by the full-text check)."""
    problems = []
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    for table in FULL_TEXT_TABLES:
        if f"{table}_config" not in present:
            continue
        stored = dict(conn.execute(f"SELECT k, v FROM {table}_config"))
        wrong = [
            f"{k} {stored.get(k, 'default')}"
            for k, v in FULL_TEXT_SETTINGS.items()
            if stored.get(k) != v
        ]
        if wrong:
            problems.append(f"{table}: merge settings {', '.join(wrong)}")
    return problems


PARTIAL_INDEXES = {
    "events_mode": "CREATE INDEX events_mode ON events (mode, coalesce(date, ''), article_id, id)"
    " WHERE mode IS NOT NULL",
    "events_link": "CREATE INDEX events_link ON events (link_id) WHERE link_id IS NOT NULL",
    "events_acled_type_date": "CREATE INDEX events_acled_type_date"
    " ON events (acled_event_type, coalesce(date, ''), article_id, id)"
    " WHERE acled_event_type <> ''",
    "events_acled_sub_date": "CREATE INDEX events_acled_sub_date"
    " ON events (acled_sub_event_type, coalesce(date, ''), article_id, id)"
    " WHERE acled_sub_event_type <> ''",
}
"""Indexes that now leave out the events their filter can never select (a mode, a link or an
ACLED type that is missing), each under the name it had."""


def make_partial_indexes(conn: sqlite3.Connection) -> None:
    """Replace each index of PARTIAL_INDEXES that is not yet partial (idempotent: one that is
    stays as it is)."""
    stored = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
    for name, sql in PARTIAL_INDEXES.items():
        if stored.get(name) != sql:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
            conn.execute(sql)


def drop_unneeded_indexes(conn: sqlite3.Connection) -> None:
    """Drop DROPPED_INDEXES (idempotent; `flashpoint doctor` runs it again after rebuilding the
    summaries, whose tables' script still makes event_codes_event as migration 8 did)."""
    for name in DROPPED_INDEXES:
        conn.execute(f"DROP INDEX IF EXISTS {name}")


def lean_writes(conn: sqlite3.Connection) -> None:
    """Migration 13 (idempotent): the summaries' triggers as summaries.py now writes them (an
    event's actor codes deleted through event_codes' key), the indexes no query needs dropped,
    the full-text merge settings set and both full-text indexes settled."""
    from flashpoint.store.summaries import TRIGGERS, triggers_sql

    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if set(TRIGGERS) <= present:
        for trigger in TRIGGERS:
            conn.execute(f"DROP TRIGGER {trigger}")
        for statement in triggers_sql():
            conn.execute(statement)
    drop_unneeded_indexes(conn)
    make_partial_indexes(conn)
    settle_full_text(conn)
