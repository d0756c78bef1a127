"""The store: idempotent, one transaction per article, versioned schema."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from flashpoint.errors import StoreError
from flashpoint.stages import clean
from flashpoint.store import EventFilter, Store
from flashpoint.store import sqlite as sqlite_module
from flashpoint.store.migrations import MIGRATIONS, SCHEMA_VERSION


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


# --- schema creation and migrations: atomic, safe under concurrent openers -------------------


def _open_when_all_ready(paths: list[str], barrier, errors) -> None:
    """A child process: open every path at the same moment as its siblings."""
    for path in paths:
        try:
            barrier.wait(timeout=30)
        except Exception:  # a sibling failed: keep its error, not ours
            return
        try:
            Store(path).close()
        except Exception as exc:  # reported to the parent
            errors.put(f"{path}: {type(exc).__name__}: {exc}")


def _assert_store_works(path: Path) -> None:
    from flashpoint.model import ArticleResult
    from flashpoint.stages.read import RawDocument

    with Store(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        article = clean.build_article(
            RawDocument(name="t", text="Rebels attacked the garrison in Mosul on Monday.")
        )
        assert store.save(ArticleResult(article=article))
        rows, total = store.article_rows(text="garrison")  # the full-text index works
        assert total == 1 and rows[0]["id"] == article.id
    with Store(path, read_only=True) as store:
        assert store.counts()["articles"] == 1


def test_concurrent_openers_of_a_new_database(tmp_path: Path) -> None:
    """8 processes open the same new database at once, 20 times over: every store works."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    rounds, openers = 20, 8
    paths = [str(tmp_path / f"new-{i}.db") for i in range(rounds)]
    barrier = context.Barrier(openers)
    errors = context.Queue()
    children = [
        context.Process(target=_open_when_all_ready, args=(paths, barrier, errors))
        for _ in range(openers)
    ]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=60)
    for child in children:
        if child.is_alive():
            child.kill()
    failures = []
    while not errors.empty():
        failures.append(errors.get())
    assert failures == []
    assert [child.exitcode for child in children] == [0] * openers
    for path in paths:
        _assert_store_works(Path(path))


@pytest.mark.parametrize("step", [number for number, _name, _apply in MIGRATIONS])
def test_interrupted_migration_leaves_nothing_and_next_open_recovers(
    tmp_path: Path, monkeypatch, step: int
) -> None:
    """A step that fails midway (after some of its statements ran) rolls back everything."""
    path = tmp_path / "interrupted.db"
    original = dict((number, apply) for number, _name, apply in MIGRATIONS)[step]

    def half_then_fail(conn: sqlite3.Connection) -> None:
        original(conn)  # all its statements ran; the version is not yet written
        raise KeyboardInterrupt

    patched = [
        (number, name, half_then_fail if number == step else apply)
        for number, name, apply in MIGRATIONS
    ]
    monkeypatch.setattr(sqlite_module, "MIGRATIONS", patched)
    with pytest.raises(KeyboardInterrupt):
        Store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0
    conn.close()
    monkeypatch.undo()
    _assert_store_works(path)


@pytest.mark.parametrize("step", [number for number, _name, _apply in MIGRATIONS])
def test_process_killed_inside_a_migration_step_next_open_recovers(
    tmp_path: Path, step: int
) -> None:
    """The process dies (os._exit: no cleanup, as under kill -9) inside a step."""
    path = tmp_path / "killed.db"
    script = (
        "import os, sys\n"
        "from flashpoint.store import sqlite as s\n"
        f"step = {step}\n"
        "original = dict((n, f) for n, _name, f in s.MIGRATIONS)[step]\n"
        "def die(conn):\n"
        "    original(conn)\n"
        "    os._exit(9)\n"
        "s.MIGRATIONS = [(n, name, die if n == step else f) for n, name, f in s.MIGRATIONS]\n"
        "s.Store(sys.argv[1])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, timeout=60, check=False
    )
    assert done.returncode == 9, done.stderr
    _assert_store_works(path)


def test_store_left_at_version_1_by_a_concurrent_opener_opens(tmp_path: Path) -> None:
    """The old race's damage (every table there, version reset to 1) no longer blocks opening."""
    path = tmp_path / "reset.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    _assert_store_works(path)
