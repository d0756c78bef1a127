"""Issue 21 at the command line: a reading command starts without the heavy libraries (the
time of `flashpoint events --limit 100` on a large store is mostly imports)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from flashpoint.store import Store

HEAVY = ("numpy", "pyarrow", "spacy", "datasketch", "scipy", "sklearn", "fastapi", "msgspec")

PROBE = """
import sys
from flashpoint.cli import main
sys.argv = ["flashpoint", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(" ".join(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
"""


def _loaded(*args: str) -> tuple[set[str], str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    *_, last = done.stderr.strip().splitlines() or [""]
    return set(last.split()), done.stdout


def test_events_lists_without_loading_heavy_libraries(tmp_path: Path, example_result) -> None:
    db = tmp_path / "one.db"
    with Store(db) as store:
        store.save(example_result)
    assert all(e.acled is not None for e in example_result.events)  # no typing at read time
    loaded, out = _loaded("events", "--db", str(db), "--limit", "100", "--wide")
    assert example_result.events[0].id[:8] in out
    assert loaded == set(), loaded
    loaded, _ = _loaded("events", "--db", str(db), "--type", "ASSAULT", "--sort", "-confidence")
    assert loaded == set(), loaded


def test_an_undated_event_with_a_place_is_deleted(tmp_path: Path, example_result) -> None:
    """Deleting an article whose undated events have places keeps the summaries exact (the
    place total of 0008's trigger found no dated row and failed)."""
    from flashpoint.store.summaries import summary_problems

    result = example_result.model_copy(deep=True)
    placed = [e for e in result.events if e.event_loc is not None and e.event_loc.lat is not None]
    assert placed
    for event in placed:
        event.date = None
    db = tmp_path / "undated.db"
    with Store(db) as store:
        store.save(result)
        with store.conn:
            store.conn.execute("DELETE FROM articles WHERE id = ?", (result.article.id,))
        assert store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 0
        assert summary_problems(store.conn) == []
        assert store.conn.execute("SELECT COUNT(*) FROM summary_places").fetchone()[0] == 0


def test_a_writer_checkpoints_in_large_steps(tmp_path: Path) -> None:
    from flashpoint.store.sqlite import WRITER_CHECKPOINT_PAGES

    with Store(tmp_path / "w.db") as store:
        pages = store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        assert pages == WRITER_CHECKPOINT_PAGES > 1000


def test_doctor_redefines_the_summary_triggers_of_an_older_store(
    tmp_path: Path, example_result
) -> None:
    """A store of version 8 has every table 0009 has, with 0008's trigger: the doctor re-runs
    0009 (its objects carry no new name), and the undated place is deleted."""
    import sqlite3

    from flashpoint.store.doctor import doctor
    from flashpoint.store.summaries import TRIGGERS, triggers_sql

    db = tmp_path / "v8.db"
    with Store(db) as store:
        store.save(example_result)
    conn = sqlite3.connect(db)
    for trigger in TRIGGERS:
        conn.execute(f"DROP TRIGGER {trigger}")
    for statement in triggers_sql():
        conn.execute(statement.replace("p.day <> '*'", "p.day > '*'"))
    conn.execute("PRAGMA user_version = 8")
    conn.commit()
    conn.close()
    report = doctor(db)
    assert report.healthy
    conn = sqlite3.connect(db)
    (sql,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'events_scale_delete'"
    ).fetchone()
    assert "p.day <> '*'" in sql and "p.day > '*'" not in sql
    assert conn.execute("PRAGMA user_version").fetchone()[0] >= 9
    conn.close()
