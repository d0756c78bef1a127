"""Migration 13 (lean_writes.py): fewer pages written per stored article. Indexes no query
needs are dropped, the full-text tables merge segments 16 at a time and are settled into one
segment; lists and searches give what they gave, on new and on migrated stores, and
`flashpoint doctor` keeps the settings (and settles an index it rebuilds)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from flashpoint.store import EventFilter, Store
from flashpoint.store.doctor import doctor, objects_by_step
from flashpoint.store.lean_writes import DROPPED_INDEXES, FULL_TEXT_SETTINGS, PARTIAL_INDEXES
from flashpoint.store.migrations import FULL_TEXT_TABLES, SCHEMA_VERSION
from flashpoint.store.summaries import summary_problems
from test_rowid_keys import make_keyed_by_id
from test_scale import fill

OLD_INDEXES = (
    "CREATE INDEX events_date ON events (date)",
    "CREATE INDEX events_type_date ON events (event, date)",
    "CREATE INDEX events_country ON events (country)",
    "CREATE INDEX events_acled_event_type ON events (acled_event_type)",
    "CREATE INDEX events_acled_sub_event_type ON events (acled_sub_event_type)",
    "CREATE INDEX quotes_article ON quotes (article_id)",
    "CREATE INDEX event_codes_event ON event_codes (event_id)",
)
FULL_INDEXES = (  # what migration 13 makes partial, as versions 1-12 made them
    "CREATE INDEX events_mode ON events (mode, coalesce(date, ''), article_id, id)",
    "CREATE INDEX events_link ON events (link_id)",
    "CREATE INDEX events_acled_type_date"
    " ON events (acled_event_type, coalesce(date, ''), article_id, id)",
    "CREATE INDEX events_acled_sub_date"
    " ON events (acled_sub_event_type, coalesce(date, ''), article_id, id)",
)

FILTERS = (
    EventFilter(type="ASSAULT"),
    EventFilter(types=("ASSAULT", "COERCE"), sort="-date"),
    EventFilter(country="IRQ", since="2000-01-01"),
    EventFilter(acled_type="Explosions/Remote violence"),
    EventFilter(acled_type="Air/drone strike", sort="-date"),
    EventFilter(acled_type="Air strikes"),  # no codebook name: both columns compared, none
    EventFilter(mode="allege"),
    EventFilter(text="militia"),
    EventFilter(sort="-confidence"),
)


@pytest.fixture
def store_path(tmp_path: Path, example_result) -> Path:
    path = tmp_path / "lean.db"
    fill(path, example_result, range(6))
    return path


def _indexes(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def _settings(conn: sqlite3.Connection) -> dict[str, dict[str, object]]:
    return {
        table: {k: v for k, v in conn.execute(f"SELECT k, v FROM {table}_config")}
        for table in FULL_TEXT_TABLES
    }


def _lists(store: Store) -> list[list[str]]:
    return [[e.id for e in store.events(where)] for where in FILTERS]


def _make_old(path: Path) -> None:
    """The store as version 12 left it: the five indexes, FTS5's default merge settings, the
    code and coordinate indexes keyed by event id."""
    conn = sqlite3.connect(path)
    make_keyed_by_id(conn)
    for statement in OLD_INDEXES:
        conn.execute(statement)
    for statement in FULL_INDEXES:
        conn.execute(f"DROP INDEX {statement.split()[2]}")
        conn.execute(statement)
    for table in FULL_TEXT_TABLES:
        conn.execute(f"DELETE FROM {table}_config WHERE k IN ('automerge', 'crisismerge')")
    conn.execute("PRAGMA recursive_triggers = ON")
    conn.execute("UPDATE events SET link_id = 'l-one' WHERE rowid <= 2")  # as linking sets it
    conn.execute("PRAGMA user_version = 12")
    conn.commit()
    conn.close()


def test_a_new_store_has_the_settings_and_not_the_indexes(store_path: Path) -> None:
    with Store(store_path, read_only=True) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert not set(DROPPED_INDEXES) & _indexes(store.conn)
        for table, stored in _settings(store.conn).items():
            assert {k: stored.get(k) for k in FULL_TEXT_SETTINGS} == FULL_TEXT_SETTINGS, table


def test_migrating_a_version_12_store_keeps_every_answer(store_path: Path) -> None:
    _make_old(store_path)
    with Store(store_path, read_only=True) as store:
        before = _lists(store)
    assert sum(map(bool, before)) == len(FILTERS) - 1  # all but the unknown ACLED name
    with Store(store_path) as store:  # migrates
        assert not set(DROPPED_INDEXES) & _indexes(store.conn)
        stored = dict(store.conn.execute("SELECT name, sql FROM sqlite_master"))
        assert {name: stored[name] for name in PARTIAL_INDEXES} == PARTIAL_INDEXES
        linked = sorted(e.id for e in store.events(EventFilter(link_id="l-one")))
        assert linked == [
            r[0] for r in store.conn.execute("SELECT id FROM events WHERE rowid <= 2")
        ]
        assert _lists(store) == before
        segments = store.conn.execute(
            "SELECT COUNT(*) FROM events_fts_data WHERE id > 10"  # settled: one segment
        ).fetchone()[0]
        assert segments >= 1
        trigger = store.conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'events_scale_delete'"
        ).fetchone()[0]
        assert "side IN (1, 2) AND event_rowid = old.rowid" in trigger
    report = doctor(store_path, repair=False)
    assert report.healthy, report.findings


def test_deleting_events_removes_their_codes_through_the_key(store_path: Path) -> None:
    with Store(store_path) as store:
        gone = [r[0] for r in store.conn.execute("SELECT rowid FROM events WHERE rowid % 3 = 0")]
        assert store.conn.execute(
            "SELECT COUNT(*) FROM event_codes WHERE event_rowid IN (SELECT rowid FROM events"
            " WHERE rowid % 3 = 0)"
        ).fetchone()[0]
        with store.conn:
            store.conn.execute("DELETE FROM events WHERE rowid % 3 = 0")
            store.conn.execute("DELETE FROM articles WHERE rowid = 2")
        left = store.conn.execute(
            f"SELECT COUNT(*) FROM event_codes WHERE event_rowid IN ({', '.join('?' * len(gone))})",
            gone,
        ).fetchone()[0]
        assert left == 0
        assert summary_problems(store.conn) == []
        plan = " ".join(
            r[3]
            for r in store.conn.execute(
                "EXPLAIN QUERY PLAN DELETE FROM event_codes WHERE code IN ('USA', 'IRQ')"
                " AND side IN (1, 2) AND event_rowid = 7"
            )
        )
        assert "PRIMARY KEY (code=? AND side=? AND event_rowid=?)" in plan, plan


def test_the_lists_walk_an_index_not_the_table(store_path: Path) -> None:
    """Each filter whose narrow index was dropped seeks a composite one instead of reading
    every event."""
    with Store(store_path, read_only=True) as store:
        for where in (
            EventFilter(type="ASSAULT", limit=10),
            EventFilter(types=("ASSAULT", "COERCE"), limit=10),
            EventFilter(country="IRQ", limit=10),
            EventFilter(acled_type="Explosions/Remote violence", limit=10),
        ):
            for columns in ("id", "COUNT(*)"):
                sql, params = store._event_query(where, columns)
                plan = " ".join(
                    r[3] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)
                )
                assert re.search(r"SCAN events(?! USING)", plan) is None, (where, plan)


@pytest.mark.parametrize(
    ("where", "index"),
    [
        (EventFilter(mode="allege", limit=10), "events_mode"),
        (EventFilter(link_id="l1", limit=10), "events_link"),
        (EventFilter(acled_type="Battles", limit=10), "events_acled_type_date"),
        (EventFilter(acled_type="Air/drone strike", limit=10), "events_acled_sub_date"),
    ],
)
def test_the_partial_indexes_serve_their_filters(
    store_path: Path, where: EventFilter, index: str
) -> None:
    with Store(store_path, read_only=True) as store:
        sql, params = store._event_query(where, "id")
        plan = " ".join(r[3] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
        assert f"INDEX {index} " in plan, plan


def test_doctor_sets_lost_settings_again_without_rebuilding(store_path: Path) -> None:
    conn = sqlite3.connect(store_path)
    conn.execute("INSERT INTO events_fts (events_fts, rank) VALUES ('automerge', 4)")
    conn.commit()
    rowids = conn.execute("SELECT MAX(rowid) FROM events_fts_data").fetchone()[0]
    conn.close()
    checked = doctor(store_path, repair=False)
    (fts,) = [f for f in checked.findings if f.check == "full-text"]
    assert not fts.ok and "automerge 4" in fts.message
    report = doctor(store_path)
    assert report.healthy
    with Store(store_path, read_only=True) as store:
        assert _settings(store.conn)["events_fts"]["automerge"] == 16
        # not rebuilt: the index's pages are those it had
        assert store.conn.execute("SELECT MAX(rowid) FROM events_fts_data").fetchone()[0] == rowids


def test_doctor_rebuilds_an_index_with_its_settings(store_path: Path) -> None:
    with Store(store_path, read_only=True) as store:
        before = _lists(store)
    conn = sqlite3.connect(store_path)
    conn.execute("DROP TABLE events_fts")  # also drops its settings
    conn.commit()
    conn.close()
    report = doctor(store_path)
    assert report.healthy
    with Store(store_path, read_only=True) as store:
        assert _lists(store) == before
        stored = _settings(store.conn)["events_fts"]
        assert {k: stored.get(k) for k in FULL_TEXT_SETTINGS} == FULL_TEXT_SETTINGS
    assert doctor(store_path, repair=False).healthy


def test_doctor_does_not_look_for_dropped_indexes() -> None:
    expected = set().union(*objects_by_step().values())
    assert not {("index", name) for name in DROPPED_INDEXES} & expected
