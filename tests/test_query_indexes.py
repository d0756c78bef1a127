"""The indexes and counts of migration 0010 (query_indexes.py) change how a filter is answered,
never what it selects: each optimised filter gives the same events in the same order, and the
same count, as a plain scan of the events table, on both of its paths (few matches: driven by
the index; many: tested along the sort's index)."""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from flashpoint.store import EventFilter, Store
from flashpoint.store import sqlite as sqlite_module
from flashpoint.store.query_indexes import TIMELINE_TRIGGERS, acled_clause, timeline_problems
from flashpoint.store.summaries import summary_problems
from test_scale import fill


@pytest.fixture(scope="module")
def read_path(tmp_path_factory, example_result) -> Path:
    path = tmp_path_factory.mktemp("query") / "many.db"
    fill(path, example_result, range(12))
    return path


def _rows(store: Store) -> list[dict]:
    rows = store.conn.execute(
        "SELECT id, article_id, date, lat, lon, actor_codes, recipient_codes, record,"
        " acled_event_type, acled_sub_event_type FROM events"
    ).fetchall()
    return [dict(row) for row in rows]


def _order(row: dict) -> tuple:
    return (row["date"] or "", row["article_id"], row["id"])


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _dead(row: dict) -> float | None:
    size = json.loads(row["record"]).get("size") or {}
    return size.get("dead")


def _at_least(row: dict, toll: float) -> bool:
    dead = _dead(row)
    return dead is not None and dead >= toll


def _walk(store: Store, where: EventFilter, size: int = 7) -> list[str]:
    ids: list[str] = []
    page = EventFilter(**{**where.__dict__, "limit": size})
    while True:
        events, cursor = store.events_page(page)
        ids += [e.id for e in events]
        if cursor is None:
            return ids
        page = EventFilter(**{**page.__dict__, "cursor": cursor})


def _cases(store: Store, rows: list[dict]) -> list[tuple[EventFilter, list[str]]]:
    """Filters with the ids a plain scan selects, in the list's default order."""
    ordered = sorted(rows, key=_order)
    acled = next(r["acled_event_type"] for r in rows if r["acled_event_type"])
    sub = next(r["acled_sub_event_type"] for r in rows if r["acled_sub_event_type"])
    tolls = sorted({d for r in rows if (d := _dead(r)) is not None})
    assert tolls, "the example has a death toll"
    fts = {
        row[0]
        for row in store.conn.execute(
            "SELECT event_id FROM events_fts WHERE events_fts MATCH 'attack'"
        )
    }
    box = (40.0, 29.0, 48.0, 37.0)

    def in_box(r: dict) -> bool:
        return (
            r["lat"] is not None and box[1] <= r["lat"] <= box[3] and box[0] <= r["lon"] <= box[2]
        )

    def near(r: dict) -> bool:
        return r["lat"] is not None and _km(r["lat"], r["lon"], 33.34, 44.40) <= 30.0

    def named(code: str, sides: tuple[str, ...]) -> Callable[[dict], bool]:
        return lambda r: any(f" {code} " in (r[side] or "") for side in sides)

    both = ("actor_codes", "recipient_codes")
    tests: list[tuple[EventFilter, Callable[[dict], bool]]] = [
        (EventFilter(acled_type=acled.lower()), lambda r: r["acled_event_type"] == acled),
        (EventFilter(acled_type=sub), lambda r: r["acled_sub_event_type"] == sub),
        (EventFilter(min_dead=tolls[0]), lambda r: _at_least(r, tolls[0])),
        (EventFilter(min_dead=tolls[-1]), lambda r: _at_least(r, tolls[-1])),
        (EventFilter(bbox=box), in_box),
        (EventFilter(near=(33.34, 44.40, 30.0)), near),
        (EventFilter(actor="USA"), named("USA", both)),
        (EventFilter(initiator="USA"), named("USA", ("actor_codes",))),
        (EventFilter(recipient="IRQ"), named("IRQ", ("recipient_codes",))),
        (EventFilter(text="attack"), lambda r: r["id"] in fts),
        (
            EventFilter(actor="USA", since="2024-01-02"),
            lambda r: named("USA", both)(r) and (r["date"] or "") >= "2024-01-02",
        ),
    ]
    out = []
    for where, test in tests:
        expected = [r["id"] for r in ordered if test(r)]
        assert expected, where
        out.append((where, expected))
    return out


@pytest.mark.parametrize("many", [1, 10**9])  # every code and box common; none common
def test_optimised_filters_select_what_a_scan_selects(read_path: Path, monkeypatch, many) -> None:
    monkeypatch.setattr(sqlite_module, "MANY", many)
    with Store(read_path, read_only=True) as store:
        rows = _rows(store)
        for where, expected in _cases(store, rows):
            assert _walk(store, where) == expected, where
            backwards = _walk(store, EventFilter(**{**where.__dict__, "sort": "-date"}))
            assert backwards == expected[::-1], where
            assert store.count_events(where) == len(expected), where
            assert store.count_events_capped(where) == (len(expected), False), where


def test_counts_from_the_code_table_and_full_text_index(read_path: Path) -> None:
    with Store(read_path, read_only=True) as store:
        for where in (
            EventFilter(actor="USA", type="ASSAULT"),
            EventFilter(recipient="IRQ", include_background=False),
            EventFilter(initiator="USA", until="2024-01-03"),
        ):
            assert store._index_count(where) is not None
            plain = EventFilter(**{**where.__dict__, "min_confidence": 0.0})  # no shortcut
            assert store._index_count(plain) is None
            assert store.count_events(where) == len(store.events(plain))
        assert store._index_count(EventFilter(text="attack", type="ASSAULT")) is None


def test_acled_clause_compares_one_column_only_when_the_name_is_unambiguous() -> None:
    assert acled_clause("Battles") == (
        "acled_event_type = ? AND acled_event_type <> ''",
        ["Battles"],
    )
    assert acled_clause("Armed clash") == (
        "acled_sub_event_type = ? AND acled_sub_event_type <> ''",
        ["Armed clash"],
    )
    clause, params = acled_clause("Not a type")
    assert "OR" in clause and params == ["Not a type"] * 2


def test_timeline_json_equals_the_timeline(read_path: Path) -> None:
    with Store(read_path, read_only=True) as store:
        for where in (
            EventFilter(),
            EventFilter(include_background=False, since="2024-01-02"),
            EventFilter(quad=4),
            EventFilter(type="ASSAULT"),
            EventFilter(actor="USA"),  # from summary_actor_days (migration 12)
        ):
            rows = store.timeline(where)
            live = store.timeline(EventFilter(**{**where.__dict__, "min_confidence": 0.0}))
            assert rows and [
                {**r, "score": round(r["score"], 6)} for r in json.loads(store.timeline_json(where))
            ] == [{**r, "score": round(r["score"], 6)} for r in live]


def test_timeline_summary_follows_deletes_and_doctor_rebuilds_it(
    tmp_path: Path, example_result
) -> None:
    from flashpoint.store.doctor import doctor

    path = tmp_path / "t.db"
    fill(path, example_result, range(6))
    with Store(path) as store:
        with store.conn:
            store.conn.execute("DELETE FROM articles WHERE rowid % 2 = 0")
        assert timeline_problems(store.conn) == [] and summary_problems(store.conn) == []
    conn = sqlite3.connect(path)
    conn.execute("UPDATE summary_timeline SET events = events + 1")
    conn.commit()
    assert timeline_problems(conn) == ["summary_timeline differs from summary_daily"]
    conn.execute("UPDATE summary_daily SET events = events + 1")  # the doctor rebuilds both
    conn.commit()
    conn.close()
    report = doctor(path)
    assert report.healthy
    with Store(path, read_only=True) as store:
        assert timeline_problems(store.conn) == [] and summary_problems(store.conn) == []
        names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert set(TIMELINE_TRIGGERS) <= names


def test_a_scale_store_without_acled_columns_gets_them(tmp_path: Path, example_result) -> None:
    """A development store of the scale schema from before the migrations were renumbered:
    version 7, summaries present, no ACLED columns."""
    path = tmp_path / "old.db"
    fill(path, example_result, range(2))
    conn = sqlite3.connect(path)
    expected = conn.execute(
        "SELECT id, acled_event_type, acled_sub_event_type FROM events ORDER BY id"
    ).fetchall()
    for name in (
        "events_acled_event_type",
        "events_acled_sub_event_type",
        "events_acled_type_date",
        "events_acled_sub_date",
    ):
        conn.execute(f"DROP INDEX IF EXISTS {name}")  # 0013 drops the first two
    conn.execute("ALTER TABLE events DROP COLUMN acled_event_type")
    conn.execute("ALTER TABLE events DROP COLUMN acled_sub_event_type")
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()
    with Store(path) as store:
        rows = store.conn.execute(
            "SELECT id, acled_event_type, acled_sub_event_type FROM events ORDER BY id"
        ).fetchall()
        assert [tuple(r) for r in rows] == expected
        assert summary_problems(store.conn) == []
