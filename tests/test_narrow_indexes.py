"""Migration 15 (narrow_indexes.py): entities_code dropped, the country, admin1 and linker's
indexes without the events their queries never select, the place index of summary_places
without first_id and over the day rows only. New stores are made so and older ones converted with every answer kept; the queries that
use the two indexes keep their plans; storing an event at a place that already has a day row
no longer writes a page of the place index; `flashpoint doctor` keeps the indexes narrow."""

from __future__ import annotations

import os
import sqlite3
import struct
from pathlib import Path

import pytest

from flashpoint.store import EventFilter, Store
from flashpoint.store.doctor import doctor
from flashpoint.store.narrow_indexes import DROPPED_INDEXES, NARROW_INDEXES, NARROW_VERSION
from flashpoint.store.summaries import summary_problems
from test_scale import copy_of, fill

OLD_INDEXES = {  # as versions 1-14 made them
    "entities_code": "CREATE INDEX entities_code ON entities (code)",
    "events_country_date": "CREATE INDEX events_country_date"
    " ON events (country, coalesce(date, ''), article_id, id)",
    "events_admin1": "CREATE INDEX events_admin1"
    " ON events (lower(json_extract(record, '$.event_loc.admin1')))",
    "events_link_candidates": "CREATE INDEX events_link_candidates"
    " ON events (event, country, date)",
    "summary_places_place": "CREATE INDEX summary_places_place"
    " ON summary_places (lat, lon, event, first_id)",
}
FILTERS = (
    EventFilter(),
    EventFilter(bbox=(40.0, 29.0, 48.0, 37.0), sort="-date"),
    EventFilter(country="IRQ"),
    EventFilter(country="IRQ", since="2024-01-02", sort="-date"),
    EventFilter(type="ASSAULT", country="IRQ", min_confidence=0.1),  # from the events table
    EventFilter(admin1="Mayorality of Baghdad", min_confidence=0.1),
    EventFilter(actor="USA", sort="-confidence"),
)


@pytest.fixture
def store_path(tmp_path: Path, example_result) -> Path:
    path = tmp_path / "narrow.db"
    fill(path, example_result, range(8))
    # as the linker would: some events linked, some not (every event of every other copy, so
    # that each kind of event is in both, however many the example article codes)
    with Store(path) as store, store.conn:
        store.conn.execute(
            "UPDATE events SET link_id = 'l' || substr(id, 2) WHERE article_id IN"
            " (SELECT id FROM articles WHERE rowid % 2 = 0)"
        )
    return path


def _make_old(path: Path) -> None:
    conn = sqlite3.connect(path)
    for name, sql in OLD_INDEXES.items():
        conn.execute(f"DROP INDEX IF EXISTS {name}")
        conn.execute(sql)
    conn.execute(f"PRAGMA user_version = {NARROW_VERSION - 1}")
    conn.commit()
    conn.close()


def _index_sql(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))


def _candidates(store: Store) -> list[str]:
    """The linker's candidates for every type and country stored, in its order."""
    pairs = store.conn.execute(
        "SELECT DISTINCT event, country FROM events WHERE country IS NOT NULL"
    )
    return [
        event.id
        for kind, country in pairs.fetchall()
        for event in store.link_candidates(kind, country, "1900-01-01", "2100-01-01")
    ]


def _answers(store: Store) -> list[object]:
    lists = [[e.id for e in store.events(where)] for where in FILTERS]
    return [*lists, _candidates(store), store.map_places(EventFilter())]


def test_a_new_store_has_the_narrow_indexes(store_path: Path) -> None:
    with Store(store_path, read_only=True) as store:
        stored = _index_sql(store.conn)
        assert not set(DROPPED_INDEXES) & set(stored)
        assert {name: stored[name] for name in NARROW_INDEXES} == NARROW_INDEXES
        assert _candidates(store)
        unlinked = store.conn.execute("SELECT COUNT(*) FROM events WHERE link_id IS NULL")
        assert unlinked.fetchone()[0]  # the example has events the index leaves out


def test_migrating_a_version_14_store_keeps_every_answer(store_path: Path) -> None:
    with Store(store_path, read_only=True) as store:
        expected = _answers(store)
    assert all(expected)
    _make_old(store_path)
    with Store(store_path, read_only=True) as store:  # not migrated
        assert _index_sql(store.conn)["summary_places_place"] == OLD_INDEXES["summary_places_place"]
        assert _answers(store) == expected
    with Store(store_path) as store:  # migrates
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] >= NARROW_VERSION
        stored = _index_sql(store.conn)
        assert "entities_code" not in stored
        assert {name: stored[name] for name in NARROW_INDEXES} == NARROW_INDEXES
        assert _answers(store) == expected
    assert doctor(store_path, repair=False).healthy


def _plan(conn: sqlite3.Connection, sql: str, params: tuple = ()) -> str:
    return " ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))


def test_the_linker_and_a_deletion_use_the_narrow_indexes(store_path: Path) -> None:
    with Store(store_path) as store:
        conn = store.conn
        candidates = _plan(
            conn,
            "SELECT record FROM events WHERE event = ? AND country = ? AND date BETWEEN ? AND ?"
            " AND link_id IS NOT NULL ORDER BY rowid",
            ("ASSAULT", "IRQ", "2024-01-01", "2024-01-31"),
        )
        assert "INDEX events_link_candidates (event=? AND country=? AND date>? AND date<?)" in (
            candidates
        )
        for where in (EventFilter(country="IRQ"), EventFilter(admin1="Mayorality of Baghdad")):
            sql, params = store._event_query(where, "id")  # type: ignore[attr-defined]
            index = "events_country_date (country=?)" if where.country else "events_admin1"
            assert f"INDEX {index}" in _plan(conn, sql, tuple(params))
        # What the delete trigger runs for a place's total row: its smallest id among the days.
        first = _plan(
            conn,
            "SELECT MIN(p.first_id) FROM summary_places AS p WHERE p.day <> '*' AND p.event = ?"
            " AND p.quad = 4 AND p.country = 'IRQ' AND p.admin1 = '' AND p.flags = 0"
            " AND p.lat = 33.34 AND p.lon = 44.4 AND p.precision = 3",
            ("ASSAULT",),
        )
        assert "INDEX summary_places_place (lat=? AND lon=? AND event=?)" in first, first
        # Deleting events keeps every summary (first ids included) equal to a recomputation.
        with conn:
            conn.execute("DELETE FROM events WHERE rowid % 3 = 0")
        assert summary_problems(conn) == []
        with conn:
            conn.execute("DELETE FROM articles WHERE rowid IN (2, 5)")
        assert summary_problems(conn) == []


def _wal_pages(path: Path) -> set[int]:
    wal = Path(f"{path}-wal")
    data = wal.read_bytes()
    page_size = struct.unpack(">I", data[8:12])[0]
    step = 24 + page_size
    return {
        struct.unpack(">I", data[at : at + 4])[0] for at in range(32, len(data) - step + 1, step)
    }


def test_an_event_at_a_known_place_and_day_writes_no_page_of_the_place_index(
    tmp_path: Path, example_result
) -> None:
    """Copy 8 has copy 0's dates and flags (test_scale.copy_of shifts dates by copy % 4 and
    changes flags when copy % 3 == 1): its day rows exist, so only their counts and first ids
    change, which the index no longer holds."""
    path = tmp_path / "places.db"
    fill(path, example_result, range(4))
    with Store(path) as store:
        store.conn.execute("PRAGMA wal_autocheckpoint = 0")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert os.path.getsize(f"{path}-wal") == 0
        assert store.save(copy_of(example_result, 8, days=0))
        written = _wal_pages(path)
        index_pages = {
            row[0]
            for row in store.conn.execute(
                "SELECT pageno FROM dbstat WHERE name = 'summary_places_place'"
            )
        }
        place_pages = {
            row[0]
            for row in store.conn.execute("SELECT pageno FROM dbstat WHERE name = 'summary_places'")
        }
        assert written & place_pages  # the day and total rows were updated
        assert not written & index_pages


def test_doctor_keeps_the_indexes_narrow_when_it_rebuilds_the_summaries(store_path: Path) -> None:
    conn = sqlite3.connect(store_path)
    conn.execute(
        "UPDATE summary_places SET events = events + 1"
        " WHERE day = (SELECT MAX(day) FROM summary_places)"
    )
    conn.commit()
    conn.close()
    report = doctor(store_path)
    assert report.healthy and any(f.check == "summaries" and f.repaired for f in report.findings)
    with Store(store_path, read_only=True) as store:
        stored = _index_sql(store.conn)
        assert {name: stored[name] for name in NARROW_INDEXES} == NARROW_INDEXES
        assert "entities_code" not in stored
