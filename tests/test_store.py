"""The store: idempotent, one transaction per article, versioned schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from flashpoint.errors import StoreError
from flashpoint.store import EventFilter, Store
from flashpoint.store.migrations import SCHEMA_VERSION


def test_save_is_idempotent(db_path: Path, example_result) -> None:
    with Store(db_path) as store:
        assert store.save(example_result) is True
        assert store.save(example_result) is False
        counts = store.counts()
    assert counts["articles"] == 1 and counts["events"] == len(example_result.events)


def test_saved_result_round_trips(db_path: Path, example_result) -> None:
    with Store(db_path) as store:
        store.save(example_result)
        again = store.result(example_result.article.id)
    assert again is not None
    assert again.article.text == example_result.article.text
    # All events, in the order they were coded (a re-run prints what the first run printed).
    assert [e.id for e in again.events] == [e.id for e in example_result.events]
    assert again.events[0] == example_result.events[0]


def test_failed_save_leaves_nothing_half_stored(db_path: Path, example_result, monkeypatch) -> None:
    broken = example_result.model_copy(deep=True)
    broken.article.id = "a-broken"
    for event in broken.events:
        event.article_id = "a-broken"
    broken.events.append(broken.events[0].model_copy(update={"article_id": "no-such-article"}))
    with Store(db_path) as store:
        with pytest.raises(sqlite3.IntegrityError):
            store.save(broken)
        assert store.counts() == {"articles": 0, "events": 0, "quotes": 0, "entities": 0}


def test_filters(db_path: Path, example_result) -> None:
    with Store(db_path) as store:
        store.save(example_result)
        assault = store.events(EventFilter(type="ASSAULT"))
        assert assault and all(e.event == "ASSAULT" for e in assault)
        assert store.events(EventFilter(since="2030-01-01")) == []
        assert store.count_events() == len(example_result.events)


def test_schema_version_and_foreign_database(tmp_path: Path) -> None:
    path = tmp_path / "v.db"
    with Store(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    future = sqlite3.connect(path)
    future.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    future.close()
    with pytest.raises(StoreError, match="newer"):
        Store(path)
    not_db = tmp_path / "not.db"
    not_db.write_text("hello, this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a Flashpoint database"):
        Store(not_db)
    with pytest.raises(StoreError, match="no such database"):
        Store(tmp_path / "missing.db", read_only=True)
