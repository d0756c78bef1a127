"""Indexes that a stored article writes less often (migration 15, `0015_narrow_indexes`).

In a large store every index entry that a new event adds (or rewrites) at a random place costs
a page that the checkpoint writes somewhere in a file of gigabytes (`bench/store_pages.py`
counts them). Some indexes paid that for entries no query reads:

    entities_code   entities by code: no query looks entities up by code (the actor filters
                    read event_codes), and every code of an article's entities took a page of
                    its own. Dropped.
    events_country_date, events_link_candidates, events_admin1
                    leave out the events without a country (more than half of them: no place,
                    or a place in no country), or without an admin1 (three in four), which the
                    filters using them never select: `country = ?` and `<admin1> = ?` imply a
                    value. The linker's candidates also leave out the events without a link:
                    it asks only for those (`link_id IS NOT NULL`).
    summary_places_place
                    finds, when an event is deleted, the smallest event id among the day rows
                    of a place (the place's total row keeps it). It held first_id and every
                    row, so each event stored with a place rewrote its entry twice (an upsert
                    that sets first_id rewrites the entries of every index holding that column,
                    changed or not): once for the day's row, once for the total's. It is now
                    (lat, lon, event) over the day rows only: an entry is written when a day
                    row is made, and a deletion reads first_id from the rows it finds (a day
                    row per day on which that place had that type of event).

The queries that use them keep their plans (tests/test_narrow_indexes.py, and
`bench/query_plans.py` for every call of the API). `flashpoint doctor` makes them again after
rebuilding the summaries, whose tables' script still makes summary_places_place and
events_country_date as migration 8 did.
"""

from __future__ import annotations

import sqlite3

from flashpoint.store.sqlite import ADMIN1_SQL
from flashpoint.store.summaries import TOTAL

NARROW_VERSION = 15
"""The schema version from which the indexes below are as NARROW_INDEXES makes them."""

DROPPED_INDEXES = ("entities_code",)

NARROW_INDEXES = {
    "events_country_date": "CREATE INDEX events_country_date"
    " ON events (country, coalesce(date, ''), article_id, id) WHERE country IS NOT NULL",
    "events_link_candidates": "CREATE INDEX events_link_candidates"
    " ON events (event, country, date) WHERE link_id IS NOT NULL AND country IS NOT NULL",
    "events_admin1": f"CREATE INDEX events_admin1 ON events ({ADMIN1_SQL})"
    f" WHERE {ADMIN1_SQL} IS NOT NULL",
    "summary_places_place": "CREATE INDEX summary_places_place"
    f" ON summary_places (lat, lon, event) WHERE day <> '{TOTAL}'",
}
"""Indexes made narrower, each under the name it had."""


def make_narrow_indexes(conn: sqlite3.Connection) -> None:
    """Drop DROPPED_INDEXES and replace each index of NARROW_INDEXES that is not yet as it says
    (idempotent; a table that is missing is left to the migration that makes it)."""
    for name in DROPPED_INDEXES:
        conn.execute(f"DROP INDEX IF EXISTS {name}")
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    stored = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
    for name, sql in NARROW_INDEXES.items():
        table = sql.split(" ON ")[1].split()[0]
        if table in tables and stored.get(name) != sql:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
            conn.execute(sql)
