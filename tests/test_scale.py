"""The store at scale (issue 21): keyset pagination, the actor-code and coordinate indexes,
summaries kept by triggers, capped counts, and the migration of an older store. Small stores:
copies of the example article with new ids and shifted dates."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from flashpoint.errors import StoreError
from flashpoint.model import ArticleResult
from flashpoint.store import EventFilter, Store
from flashpoint.store.sqlite import EVENT_SORTS, summary_clauses
from flashpoint.store.summaries import SCALE_TABLES, TRIGGERS, summary_problems


def copy_of(result: ArticleResult, copy: int, days: int) -> ArticleResult:
    """The result with every id ending in the copy's number and its dates moved `days`."""
    text = result.model_dump_json()
    ids = {result.article.id, *(e.id for e in result.events), *(q.id for q in result.quotes)}
    ids |= {e.link_id for e in result.events if e.link_id}
    for old in ids:
        text = text.replace(old, f"{old[:-5]}{copy:05x}")
    data = json.loads(text)
    for event in data["events"]:
        if event.get("date"):
            event["date"] = (dt.date.fromisoformat(event["date"]) + dt.timedelta(days)).isoformat()
        if copy % 3 == 1:  # some variety in flags and confidence
            event["background"] = not event["background"]
            event["confidence"] = round(event["confidence"] / 2, 2)
    return ArticleResult.model_validate(data)


def fill(path: Path, result: ArticleResult, copies: range) -> None:
    with Store(path) as store:
        for copy in copies:
            store.save(copy_of(result, copy, days=copy % 4))  # many ties on the date


@pytest.fixture
def store_path(tmp_path: Path, example_result) -> Path:
    path = tmp_path / "many.db"
    fill(path, example_result, range(12))
    return path


@pytest.fixture(scope="module")
def read_path(tmp_path_factory, example_result) -> Path:
    """The same store, shared by the tests that only read it."""
    path = tmp_path_factory.mktemp("scale") / "many.db"
    fill(path, example_result, range(12))
    return path


def live(where: EventFilter) -> EventFilter:
    """The same selection, answered from the events table (a filter the summaries lack)."""
    assert summary_clauses(where) is not None
    return EventFilter(**{**where.__dict__, "min_confidence": 0.0})


def walk(store: Store, where: EventFilter, size: int) -> list[str]:
    ids: list[str] = []
    page = EventFilter(**{**where.__dict__, "limit": size})
    while True:
        events, cursor = store.events_page(page)
        ids += [e.id for e in events]
        if cursor is None:
            return ids
        page = EventFilter(**{**page.__dict__, "cursor": cursor})


@pytest.mark.parametrize("sort", sorted(EVENT_SORTS))
def test_keyset_pages_give_the_whole_list_in_order(read_path: Path, sort: str) -> None:
    with Store(read_path, read_only=True) as store:
        for where in (EventFilter(sort=sort), EventFilter(sort=sort, actor="USA")):
            whole = [e.id for e in store.events(where)]
            assert len(whole) > 7
            assert walk(store, where, 7) == whole
            # A page at any depth: the cursor of row n gives what OFFSET n + 1 gives.
            depth = len(whole) // 2
            _, cursor = store.events_page(EventFilter(**{**where.__dict__, "limit": depth}))
            deep, _ = store.events_page(
                EventFilter(**{**where.__dict__, "limit": 5, "cursor": cursor})
            )
            assert [e.id for e in deep] == whole[depth : depth + 5]
            assert (
                list(store.iter_events(where, batch=4))
                and [e.id for batch in store.iter_events(where, batch=4) for e in batch] == whole
            )


def test_keyset_pages_are_stable_under_inserts(store_path: Path, example_result) -> None:
    where = EventFilter(sort="date", limit=10)
    with Store(store_path, read_only=True) as store:
        first, cursor = store.events_page(where)
        before = [e.id for e in store.events(EventFilter(sort="date"))]
    fill(store_path, example_result, range(100, 106))  # new events before and after the cursor
    with Store(store_path, read_only=True) as store:
        rest = walk(store, EventFilter(**{**where.__dict__, "cursor": cursor}), 9)
        after = [e.id for e in store.events(EventFilter(sort="date"))]
    seen = [e.id for e in first]
    assert not set(seen) & set(rest)  # nothing shown twice
    # Every event stored before, not on the first page, is still met, in the same order.
    old_rest = [i for i in rest if i in set(before)]
    assert old_rest == [i for i in before if i not in set(seen)]
    # And the rest is exactly what follows the cursor's row in the new order.
    position = after.index(seen[-1])
    assert rest == after[position + 1 :]


def test_a_bad_cursor_is_one_clear_error(read_path: Path) -> None:
    with Store(read_path, read_only=True) as store:
        _, cursor = store.events_page(EventFilter(sort="date", limit=3))
        assert cursor is not None
        for bad in ("nonsense", cursor[:-3]):
            with pytest.raises(StoreError, match="not a cursor"):
                store.events_page(EventFilter(sort="date", limit=3, cursor=bad))
        with pytest.raises(StoreError, match="not a cursor"):  # another sort's cursor
            store.events_page(EventFilter(sort="-confidence", limit=3, cursor=cursor))


def test_code_and_coordinate_filters_select_what_a_scan_selects(read_path: Path) -> None:
    with Store(read_path, read_only=True) as store:
        rows = store.conn.execute(
            "SELECT id, actor_codes, recipient_codes, lat, lon FROM events"
        ).fetchall()
        codes = {c for r in rows for c in f"{r[1] or ''} {r[2] or ''}".split()}
        assert {"USA", "IRQ"} <= codes
        for code in codes:
            for field, sides in (("actor", (1, 2)), ("initiator", (1,)), ("recipient", (2,))):
                expected = {r[0] for r in rows if any(f" {code} " in (r[s] or "") for s in sides)}
                found = {e.id for e in store.events(EventFilter(**{field: code}))}
                assert found == expected, (field, code)
        box = (40.0, 29.0, 48.0, 37.0)
        expected = {
            r[0]
            for r in rows
            if r[3] is not None and box[1] <= r[3] <= box[3] and box[0] <= r[4] <= box[2]
        }
        assert expected and {e.id for e in store.events(EventFilter(bbox=box))} == expected
        crossing = {e.id for e in store.events(EventFilter(bbox=(170.0, -90.0, 50.0, 90.0)))}
        assert expected <= crossing  # a box across the antimeridian, from 170 E to 50 E
        near = {e.id for e in store.events(EventFilter(near=(33.34, 44.40, 30.0)))}
        assert near and near <= {r[0] for r in rows if r[3] is not None}


def _aggregates(store: Store, where: EventFilter) -> dict:
    return {
        "timeline": store.timeline(where),
        "countries": store.country_counts(where),
        "admin1": store.admin1_counts(where),
        "actors": [{k: v for k, v in a.items() if k != "names"} for a in store.actor_counts(where)],
        "dyads": {
            level: store.dyads(where, level=level) for level in ("country", "sector", "actor")
        },
        "map": [{k: v for k, v in p.items() if k != "event_ids"} for p in store.map_places(where)],
        "count": store.count_events(where),
    }


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


FILTERS = [
    EventFilter(),
    EventFilter(type="ASSAULT"),
    EventFilter(country="IRQ", since="2024-01-02"),
    EventFilter(until="2024-01-05", include_background=False),
    EventFilter(quad=4, include_hypothetical=False, include_negated=False),
    EventFilter(admin1="mayorality of baghdad"),
]


def _check_summaries(path: Path) -> None:
    with Store(path, read_only=True) as store:
        assert summary_problems(store.conn) == []
        for where in FILTERS:
            assert _rounded(_aggregates(store, where)) == _rounded(_aggregates(store, live(where)))


def test_summaries_equal_a_recomputation(store_path: Path) -> None:
    _check_summaries(store_path)
    with Store(store_path) as store:  # articles deleted: the triggers take their events off
        with store.conn:
            store.conn.execute("DELETE FROM articles WHERE rowid % 3 = 0")
        assert (
            store.count_events() == store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        )
    _check_summaries(store_path)


def test_doctor_rebuilds_summaries_out_of_step(store_path: Path) -> None:
    from flashpoint.store.doctor import doctor

    conn = sqlite3.connect(store_path)
    conn.execute("UPDATE summary_daily SET events = events + 5")
    conn.execute("DELETE FROM event_codes WHERE side = 2")
    conn.commit()
    problems = summary_problems(conn)
    conn.close()
    assert any("summary_daily" in p for p in problems) and any("event_codes" in p for p in problems)
    report = doctor(store_path)
    assert report.healthy
    assert any(f.check == "summaries" and f.repaired for f in report.findings)
    _check_summaries(store_path)


def test_counts_are_capped_unless_the_summaries_count(read_path: Path, monkeypatch) -> None:
    from flashpoint.store import sqlite as sqlite_module

    with Store(read_path, read_only=True) as store:
        # A count that would take too long stops, with a lower bound marked as capped.
        monkeypatch.setattr(sqlite_module, "COUNT_SECONDS", -1.0)
        monkeypatch.setattr(sqlite_module, "COUNT_STEPS", 1)
        assert store.count_events_capped(EventFilter(min_dead=0))[1] is True
        monkeypatch.undo()
        total = store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        assert store.count_events_capped(EventFilter(), cap=5) == (total, False)  # summaries
        assert store.count_events_capped(EventFilter(min_confidence=0.0), cap=5) == (5, True)
        assert store.count_events_capped(EventFilter(min_confidence=0.0), cap=total) == (
            total,
            False,
        )
        quotes = store.conn.execute("SELECT COUNT(*) FROM quotes").fetchone()[0]
        assert store.count_quotes_capped(cap=2) == (quotes, False)
        assert store.count_quotes_capped(speaker="IRQ", cap=2)[1] is True


def test_an_older_store_is_migrated_without_loss(tmp_path: Path, example_result) -> None:
    path = tmp_path / "old.db"
    fill(path, example_result, range(3))
    conn = sqlite3.connect(path)
    before = conn.execute("SELECT id, record FROM events ORDER BY id").fetchall()
    for trigger in TRIGGERS:
        conn.execute(f"DROP TRIGGER {trigger}")
    for table in SCALE_TABLES:
        conn.execute(f"DROP TABLE {table}")
    for (index,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%sort%'"
    ).fetchall():
        conn.execute(f"DROP INDEX {index}")
    conn.execute("PRAGMA user_version = 6")  # a store written before the summaries
    conn.commit()
    conn.close()
    with Store(path) as store:
        rows = store.conn.execute("SELECT id, record FROM events ORDER BY id").fetchall()
        assert [tuple(row) for row in rows] == before
        assert {e.id for e in store.events(EventFilter(actor="USA"))}
    _check_summaries(path)


def test_api_pages_with_cursors(read_path: Path) -> None:
    from fastapi.testclient import TestClient

    from flashpoint.api import Settings, create_app

    with TestClient(create_app(Settings(db=read_path))) as client:
        page = client.get("/api/events", params={"limit": 10, "sort": "-date"}).json()
        assert page["next"] and page["total_capped"] is False and len(page["items"]) == 10
        following = client.get(
            "/api/events", params={"limit": 10, "sort": "-date", "cursor": page["next"]}
        ).json()
        offset = client.get(
            "/api/events", params={"limit": 10, "sort": "-date", "offset": 10}
        ).json()
        assert [e["id"] for e in following["items"]] == [e["id"] for e in offset["items"]]
        bad = client.get("/api/events", params={"cursor": "nonsense"})
        assert bad.status_code == 422 and "not a cursor" in bad.text


def test_each_command_is_loaded_from_its_module() -> None:
    """`flashpoint CMD` imports only CMD's module (COMMAND_MODULES): the map must name every
    command's module."""
    import importlib

    from flashpoint.cli import COMMAND_MODULES, app

    for name in sorted(set(COMMAND_MODULES.values())):
        module = importlib.import_module(f"flashpoint.cli.{name}")
        registered = {
            command.name or command.callback.__name__.replace("_", "-")
            for command in app.registered_commands
            if command.callback.__module__ == module.__name__
        } | {  # command groups ("train acled", "train places")
            group.name
            for group in app.registered_groups
            if any(value is group.typer_instance for value in vars(module).values())
        }
        assert registered == {c for c, m in COMMAND_MODULES.items() if m == name}, name


def test_map_grid_cells_add_up(read_path: Path) -> None:
    from fastapi.testclient import TestClient

    from flashpoint.api import Settings, create_app

    with TestClient(create_app(Settings(db=read_path))) as client:
        places = client.get("/api/map").json()
        cells = client.get("/api/map", params={"grid": 10}).json()
        assert cells["events"] == places["events"] > 0
        assert len(cells["places"]) < len(places["places"])
        assert sum(sum(c["quads"].values()) for c in cells["places"]) == places["events"]
        assert client.get("/api/map", params={"grid": 0}).status_code == 422
        assert client.get("/api/map", params={"grid": 1e-300}).status_code == 422
