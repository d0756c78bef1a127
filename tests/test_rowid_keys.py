"""Migration 14 (rowid_keys.py): event_codes and the event_geo R*Tree keyed by the events'
rowids, quotes by (article id, quote id) instead of their random ids. New stores are made so, older ones are converted with every answer kept, a store
opened read-only before the migration still answers, deletions follow the rowid, and
`flashpoint doctor` finds (and rebuilds) keys that no longer match the events' rowids."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from flashpoint.store import EventFilter, Store
from flashpoint.store.doctor import doctor
from flashpoint.store.rowid_keys import (
    QUOTE_COLUMNS,
    ROWID_VERSION,
    quotes_keyed_by_id,
    rekey_by_rowid,
)
from flashpoint.store.summaries import TRIGGERS, summary_problems, triggers_sql
from test_scale import fill

FILTERS = (
    EventFilter(actor="USA"),
    EventFilter(actor="IRQ", sort="-date"),
    EventFilter(initiator="USA", sort="-confidence"),
    EventFilter(recipient="IRQ", sort="type"),
    EventFilter(bbox=(40.0, 29.0, 48.0, 37.0)),
    EventFilter(bbox=(170.0, -90.0, 50.0, 90.0), sort="-date"),  # across the antimeridian
    EventFilter(near=(33.34, 44.40, 30.0)),
    EventFilter(actor="USA", bbox=(40.0, 29.0, 48.0, 37.0)),
)

# How migrations 8-13 wrote the statements that migration 14 rewrites (`r` is new or old).
OLD_STATEMENTS = {
    "INSERT OR IGNORE INTO event_codes (code, side, event_rowid)"
    " SELECT DISTINCT code, side, {r}.rowid": "INSERT OR IGNORE INTO event_codes"
    " (code, side, event_id) SELECT DISTINCT code, side, {r}.id",
    "INSERT OR REPLACE INTO event_geo (geo_id, min_lat, max_lat, min_lon, max_lon)"
    " SELECT {r}.rowid, {r}.lat, {r}.lat, {r}.lon, {r}.lon"
    " WHERE {r}.lat IS NOT NULL AND {r}.lon IS NOT NULL": "INSERT OR IGNORE INTO event_geo_ids"
    " (event_id) SELECT {r}.id WHERE {r}.lat IS NOT NULL AND {r}.lon IS NOT NULL;\n"
    "    INSERT OR REPLACE INTO event_geo (geo_id, min_lat, max_lat, min_lon, max_lon)"
    " SELECT geo_id, {r}.lat, {r}.lat, {r}.lon, {r}.lon FROM event_geo_ids"
    " WHERE event_id = {r}.id AND {r}.lat IS NOT NULL AND {r}.lon IS NOT NULL",
    "AND side IN (1, 2) AND event_rowid = {r}.rowid": "AND side IN (1, 2) AND event_id = {r}.id",
    "DELETE FROM event_geo WHERE geo_id = {r}.rowid": "DELETE FROM event_geo WHERE geo_id IN"
    " (SELECT geo_id FROM event_geo_ids WHERE event_id = {r}.id);\n"
    "    DELETE FROM event_geo_ids WHERE event_id = {r}.id",
}


def _old_triggers() -> list[str]:
    statements = []
    for statement in triggers_sql():
        for new, old in OLD_STATEMENTS.items():
            for r in ("new", "old"):
                statement = statement.replace(new.format(r=r), old.format(r=r))
        assert "rowid" not in statement, statement
        statements.append(statement)
    return statements


def make_keyed_by_id(conn: sqlite3.Connection) -> None:
    """Turn a store's code and coordinate indexes back into what versions 8-13 made: codes
    keyed by event id, R*Tree keys mapped to event ids by event_geo_ids (given in reverse
    order, so that no key equals its event's rowid), the triggers that keep them, and quotes
    keyed by their own id."""
    for trigger in TRIGGERS:
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute(
        "CREATE TABLE old_codes (code TEXT NOT NULL, side INTEGER NOT NULL,"
        " event_id TEXT NOT NULL, PRIMARY KEY (code, side, event_id)) WITHOUT ROWID"
    )
    conn.execute(
        "INSERT INTO old_codes SELECT c.code, c.side, e.id FROM event_codes AS c"
        " JOIN events AS e ON e.rowid = c.event_rowid"
    )
    conn.execute("DROP TABLE event_codes")
    conn.execute("ALTER TABLE old_codes RENAME TO event_codes")
    conn.execute(
        "CREATE TABLE event_geo_ids (geo_id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE)"
    )
    conn.execute(
        "INSERT INTO event_geo_ids (event_id) SELECT id FROM events"
        " WHERE lat IS NOT NULL AND lon IS NOT NULL ORDER BY rowid DESC"
    )
    conn.execute("DELETE FROM event_geo")
    conn.execute(
        "INSERT INTO event_geo SELECT i.geo_id, e.lat, e.lat, e.lon, e.lon"
        " FROM event_geo_ids AS i JOIN events AS e ON e.id = i.event_id"
    )
    for statement in _old_triggers():
        conn.execute(statement)
    # Quotes keyed by their own id, as migration 1 made them, with migration 8's order index.
    conn.execute(
        "CREATE TABLE old_quotes (id TEXT PRIMARY KEY, article_id TEXT NOT NULL REFERENCES"
        " articles (id) ON DELETE CASCADE, speaker_code TEXT, kind TEXT, record TEXT NOT NULL)"
    )
    conn.execute(
        f"INSERT INTO old_quotes (rowid, {QUOTE_COLUMNS}) SELECT rowid, {QUOTE_COLUMNS} FROM quotes"
    )
    conn.execute("DROP TABLE quotes")
    conn.execute("ALTER TABLE old_quotes RENAME TO quotes")
    conn.execute("CREATE INDEX quotes_speaker ON quotes (speaker_code)")
    conn.execute("CREATE INDEX quotes_order ON quotes (article_id, id)")
    conn.execute(f"PRAGMA user_version = {ROWID_VERSION - 1}")


@pytest.fixture
def store_path(tmp_path: Path, example_result) -> Path:
    path = tmp_path / "rowid.db"
    fill(path, example_result, range(8))
    return path


def _answers(store: Store) -> list[list[str]]:
    events = [[e.id for e in store.events(where)] for where in FILTERS]
    quotes = [
        [q.id for q in store.quotes(limit=limit, offset=offset)]
        for limit, offset in ((None, 0), (3, 0), (3, 4), (50, 2))
    ]
    speaker = [[q.id for q in store.quotes(speaker="USA", limit=2, offset=1)]]
    return [*events, *quotes, *speaker, [str(store.count_quotes())]]


def _codes_by_rowid(conn: sqlite3.Connection) -> set[tuple[str, int, int]]:
    return {tuple(r) for r in conn.execute("SELECT code, side, event_rowid FROM event_codes")}


def test_a_new_store_keys_codes_and_coordinates_by_rowid(store_path: Path) -> None:
    with Store(store_path, read_only=True) as store:
        conn = store.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= ROWID_VERSION
        columns = [row[1] for row in conn.execute("PRAGMA table_info(event_codes)")]
        assert columns == ["code", "side", "event_rowid"]
        assert (
            conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'event_geo_ids'").fetchone()
            is None
        )
        located = {r[0] for r in conn.execute("SELECT rowid FROM events WHERE lat IS NOT NULL")}
        assert located and {r[0] for r in conn.execute("SELECT geo_id FROM event_geo")} == located
        usa = {e.id for e in store.events(EventFilter(actor="USA"))}
        assert usa == {
            r[0]
            for r in conn.execute(
                "SELECT id FROM events WHERE actor_codes LIKE '% USA %'"
                " OR recipient_codes LIKE '% USA %'"
            )
        }
        assert summary_problems(conn) == []
        assert not quotes_keyed_by_id(conn)
        indexes = {
            r[0]: [c[2] for c in conn.execute(f"PRAGMA index_info({r[0]})")]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE tbl_name = 'quotes' AND type = 'index'"
            )
        }
        assert sorted(indexes.values()) == [["article_id", "id"], ["speaker_code"]], indexes


def test_migrating_a_store_keyed_by_id_keeps_every_answer(store_path: Path) -> None:
    with Store(store_path, read_only=True) as store:
        expected_codes = _codes_by_rowid(store.conn)
        expected = _answers(store)
    assert all(expected)
    conn = sqlite3.connect(store_path)
    make_keyed_by_id(conn)
    conn.commit()
    assert quotes_keyed_by_id(conn)
    conn.close()
    with Store(store_path, read_only=True) as store:  # not migrated: keyed by id still
        assert _answers(store) == expected
    with Store(store_path) as store:  # migrates
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] >= ROWID_VERSION
        assert _codes_by_rowid(store.conn) == expected_codes
        assert _answers(store) == expected
        assert summary_problems(store.conn) == []
        assert not quotes_keyed_by_id(store.conn)
        triggers = " ".join(
            r[0] for r in store.conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")
        )
        assert "event_geo_ids" not in triggers and "event_rowid = old.rowid" in triggers
        with store.conn:  # again: nothing changes
            rekey_by_rowid(store.conn)
        assert _codes_by_rowid(store.conn) == expected_codes
        assert _answers(store) == expected
    assert doctor(store_path, repair=False).healthy


def test_doctor_on_a_store_keyed_by_id_converts_it(store_path: Path) -> None:
    with Store(store_path, read_only=True) as store:
        expected = _answers(store)
    conn = sqlite3.connect(store_path)
    make_keyed_by_id(conn)
    conn.commit()
    conn.close()
    report = doctor(store_path)
    assert report.healthy and any(f.check == "schema" and f.repaired for f in report.findings)
    with Store(store_path, read_only=True) as store:
        assert summary_problems(store.conn) == []
        assert _answers(store) == expected


def test_deleting_events_removes_their_keys(store_path: Path) -> None:
    with Store(store_path) as store:
        conn = store.conn
        gone = [r[0] for r in conn.execute("SELECT rowid FROM events WHERE rowid % 3 = 0")]
        marks = ", ".join("?" * len(gone))
        assert conn.execute(
            f"SELECT COUNT(*) FROM event_codes WHERE event_rowid IN ({marks})", gone
        ).fetchone()[0]
        with conn:
            conn.execute("DELETE FROM events WHERE rowid % 3 = 0")
        for table, key in (("event_codes", "event_rowid"), ("event_geo", "geo_id")):
            left = conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {key} IN ({marks})", gone)
            assert left.fetchone()[0] == 0, table
        assert summary_problems(conn) == []
        plan = " ".join(
            r[3]
            for r in conn.execute(
                "EXPLAIN QUERY PLAN DELETE FROM event_codes WHERE code IN ('USA', 'IRQ')"
                " AND side IN (1, 2) AND event_rowid = 7"
            )
        )
        assert "PRIMARY KEY (code=? AND side=? AND event_rowid=?)" in plan, plan


def test_a_common_code_is_tested_from_the_sort_index(store_path: Path, monkeypatch) -> None:
    """A code carried by many events is tested with the rowid the sort's index carries: two
    probes of event_codes' key, no lookup by text id."""
    from flashpoint.store import sqlite as sqlite_module

    monkeypatch.setattr(sqlite_module, "MANY", 1)
    with Store(store_path, read_only=True) as store:
        sql, params = store._event_query(EventFilter(actor="USA", limit=5), "id")  # type: ignore[attr-defined]
        plan = " ".join(r[3] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
        assert "event_rowid=?" in plan and "event_id" not in plan, plan
        assert [e.id for e in store.events(EventFilter(actor="USA"))] == _answers(store)[0]


def test_doctor_rebuilds_keys_that_moved(store_path: Path) -> None:
    """What a VACUUM that renumbered the events would leave: keys that are no longer the
    events' rowids."""
    with Store(store_path, read_only=True) as store:
        expected = _answers(store)
    conn = sqlite3.connect(store_path)
    conn.execute("UPDATE event_codes SET event_rowid = event_rowid + 1000")
    conn.execute("UPDATE event_geo SET geo_id = geo_id + 1000")
    conn.commit()
    problems = summary_problems(conn)
    conn.close()
    assert any("event_codes" in p for p in problems) and any("event_geo" in p for p in problems)
    report = doctor(store_path)
    assert report.healthy and any(f.check == "summaries" and f.repaired for f in report.findings)
    with Store(store_path, read_only=True) as store:
        assert _answers(store) == expected


def test_quotes_keep_one_row_per_id_and_go_with_their_article(store_path: Path) -> None:
    with Store(store_path) as store:
        conn = store.conn
        article_id, quote_id, rowid = conn.execute(
            "SELECT article_id, id, rowid FROM quotes ORDER BY rowid LIMIT 1"
        ).fetchone()
        total = store.count_quotes()
        with conn:  # what Store.save does with a quote it stores again
            conn.execute(
                "INSERT OR REPLACE INTO quotes (id, article_id, speaker_code, kind, record)"
                " SELECT id, article_id, 'XXX', kind, record FROM quotes WHERE rowid = ?",
                (rowid,),
            )
        assert store.count_quotes() == total
        assert store.quotes(speaker="XXX")[0].id == quote_id
        with conn:
            conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        assert not store.quotes(article_id=article_id)
        assert store.count_quotes() < total
