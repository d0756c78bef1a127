"""Migrations 11 and 12: the full-text index keyed by the records' rowids (keyed_search.py) and
the timeline of one actor code from summary_actor_days (actor_days.py). Each changes how a
query is answered, never what it gives: searches and timelines equal what the events table
gives, on new stores, on migrated ones and after deletes and updates; `flashpoint doctor`
finds both out of step and rebuilds them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from flashpoint.store import EventFilter, Store
from flashpoint.store import sqlite as sqlite_module
from flashpoint.store.actor_days import TRIGGERS as ACTOR_DAY_TRIGGERS
from flashpoint.store.actor_days import actor_days_problems
from flashpoint.store.doctor import doctor
from flashpoint.store.keyed_search import keyed_problems
from flashpoint.store.migrations import _full_text_search
from flashpoint.store.summaries import summary_problems
from test_rowid_keys import make_keyed_by_id
from test_scale import fill


@pytest.fixture
def store_path(tmp_path: Path, example_result) -> Path:
    path = tmp_path / "keyed.db"
    fill(path, example_result, range(8))
    return path


def _scan(store: Store, word: str) -> list[str]:
    """The ids of the events whose evidence or actors hold `word`, in the list's order, found
    without the full-text index."""
    rows = store.conn.execute(
        "SELECT id, record FROM events ORDER BY coalesce(date, ''), article_id, id"
    ).fetchall()
    out = []
    for row in rows:
        record = json.loads(row["record"])
        names = " ".join(
            f"{p.get('name') or ''} {p.get('text') or ''}"
            for p in (*record.get("actor", []), *record.get("recipient", []))
        )
        if word in f"{record['evidence']['text']} {names}".lower().split():
            out.append(row["id"])
    return out


def _search(store: Store, word: str) -> list[str]:
    return [e.id for e in store.events(EventFilter(text=word))]


def _unkeyed(path: Path) -> None:
    """Make the store as a version-10 Flashpoint left it: the full-text index of migration 2
    (its own rowids, made after deletes, so they differ from the records'), no actor days, and
    the code and coordinate indexes keyed by event id."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA recursive_triggers = ON")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("DELETE FROM articles WHERE rowid IN (1, 3)")
    _full_text_search(conn)
    for trigger in ACTOR_DAY_TRIGGERS:
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute("DROP TABLE summary_actor_days")
    make_keyed_by_id(conn)  # the code and coordinate indexes as version 10 made them
    conn.execute("PRAGMA user_version = 10")
    conn.commit()
    conn.close()


def _keyed(conn: sqlite3.Connection) -> bool:
    """Whether every full-text row's rowid is the rowid of the record it indexes."""
    for fts, table, key in (
        ("events_fts", "events", "event_id"),
        ("articles_fts", "articles", "article_id"),
    ):
        paired = conn.execute(
            f"SELECT COUNT(*) FROM {fts} AS f JOIN {table} AS t ON t.rowid = f.rowid"
            f" AND t.id = f.{key}"
        ).fetchone()[0]
        if paired != conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]:
            return False
    return True


def test_search_reads_rowids_and_gives_what_a_scan_gives(store_path: Path) -> None:
    with Store(store_path) as store:
        with store.conn:
            store.conn.execute("DELETE FROM articles WHERE rowid = 2")
        assert _keyed(store.conn)
        expected = _scan(store, "attack")
        assert expected and _search(store, "attack") == expected
        sql, _ = store._event_query(EventFilter(text="attack"), "id")
        assert "rowid IN (SELECT rowid FROM events_fts" in sql
        assert (
            store.article_rows(text="attack")[1]
            == store.conn.execute(
                "SELECT COUNT(*) FROM articles WHERE lower(text) LIKE '%attack%'"
            ).fetchone()[0]
        )
        assert keyed_problems(store.conn) == []


def test_an_older_store_is_searched_before_and_after_its_migration(store_path: Path) -> None:
    _unkeyed(store_path)
    with Store(store_path, read_only=True) as old:  # read-only: not migrated, the old query
        assert not _keyed(old.conn)
        expected = _scan(old, "attack")
        assert expected and _search(old, "attack") == expected
        assert old._timeline_summary(EventFilter(actor="USA")) is None  # no table: events
        old_timeline = old.timeline(EventFilter(actor="USA"))
        old_articles = old.article_rows(text="attack")[1]
    with Store(store_path) as store:  # migrated
        assert _keyed(store.conn)
        assert _search(store, "attack") == expected
        assert store.article_rows(text="attack")[1] == old_articles
        assert store._timeline_summary(EventFilter(actor="USA")) is not None
        assert store.timeline(EventFilter(actor="USA")) == old_timeline
        assert actor_days_problems(store.conn) == []
    assert doctor(store_path, repair=False).healthy


def test_doctor_rebuilds_an_index_whose_rowids_moved(store_path: Path) -> None:
    """What a VACUUM that renumbered the events' rowids would leave."""
    with Store(store_path) as store:
        expected = _search(store, "attack")
        with store.conn:
            store.conn.execute("UPDATE events SET rowid = rowid + 1000")
        assert _search(store, "attack") != expected
        assert any("rowid is not their event's" in p for p in keyed_problems(store.conn))
    report = doctor(store_path)
    assert report.healthy and any(f.repaired for f in report.findings if f.check == "full-text")
    with Store(store_path, read_only=True) as store:
        assert _search(store, "attack") == expected and _keyed(store.conn)


def test_a_replace_without_recursive_triggers_does_not_block_a_later_insert(
    store_path: Path,
) -> None:
    conn = sqlite3.connect(store_path)  # recursive_triggers off: the delete trigger is skipped
    conn.execute("PRAGMA foreign_keys = ON")
    last = conn.execute("SELECT * FROM events ORDER BY rowid DESC LIMIT 1").fetchone()
    # Its new row gets the next rowid; the old row's full-text row stays behind.
    conn.execute("INSERT OR REPLACE INTO events SELECT * FROM events WHERE id = ?", (last[0],))
    conn.execute("DELETE FROM events WHERE id = ?", (last[0],))  # triggers fire
    # A plain insert (no OR REPLACE to pass on to the triggers) is given the stale row's rowid.
    conn.execute(f"INSERT INTO events VALUES ({', '.join('?' * len(last))})", last)
    conn.commit()
    conn.close()
    with Store(store_path, read_only=True) as store:
        assert _search(store, "attack") == _scan(store, "attack")
        assert keyed_problems(store.conn) == []


@pytest.mark.parametrize("many", [1, 10**9])  # every article query common; none common
@pytest.mark.parametrize("text_in", ["article", "both"])
def test_article_search_gives_the_events_of_matching_articles(
    store_path: Path, monkeypatch, many: int, text_in: str
) -> None:
    monkeypatch.setattr(sqlite_module, "ARTICLES_MANY", many)
    with Store(store_path) as store:
        with store.conn:  # some articles no longer hold the word
            store.conn.execute(
                "UPDATE articles SET text = 'Nothing.', title = 'None' WHERE rowid % 3 = 0"
            )
        word = "militia"
        articles = {
            r[0]
            for r in store.conn.execute(
                "SELECT article_id FROM articles_fts WHERE articles_fts MATCH ?", (word,)
            )
        }
        evidence = {
            r[0]
            for r in store.conn.execute(
                "SELECT event_id FROM events_fts WHERE events_fts MATCH ?", (word,)
            )
        }
        assert articles and len(articles) < store.counts()["articles"]
        rows = store.conn.execute(
            "SELECT id, article_id FROM events ORDER BY coalesce(date, ''), article_id, id"
        ).fetchall()
        expected = [
            r["id"]
            for r in rows
            if r["article_id"] in articles or (text_in == "both" and r["id"] in evidence)
        ]
        where = EventFilter(text=word, text_in=text_in)
        assert expected and _search_in(store, where) == expected
        sql, _ = store._event_query(where, "id")
        assert ("a.id = events.article_id" in sql) == (many == 1)
        assert store.count_events(where) == len(expected)


def _search_in(store: Store, where: EventFilter) -> list[str]:
    ids: list[str] = []
    page = EventFilter(**{**where.__dict__, "limit": 5})
    while True:
        events, cursor = store.events_page(page)
        ids += [e.id for e in events]
        if cursor is None:
            return ids
        page = EventFilter(**{**page.__dict__, "cursor": cursor})


TIMELINES = (
    EventFilter(actor="USA"),
    EventFilter(actor="usa", since="2024-01-02"),
    EventFilter(actor="IRQ", until="2024-01-05", quad=4),
    EventFilter(actor="USA", include_background=False, include_negated=False),
)


def _live(store: Store, where: EventFilter) -> list[dict]:
    """The timeline from the events table (a filter no summary keeps forces it)."""
    rows = store.timeline(EventFilter(**{**where.__dict__, "min_confidence": 0.0}))
    return [{**r, "score": round(r["score"], 6)} for r in rows]


def _summed(store: Store, where: EventFilter) -> list[dict]:
    assert store._timeline_summary(where) is not None, where
    rows = json.loads(store.timeline_json(where))
    assert [{**r, "score": round(r["score"], 6)} for r in store.timeline(where)] == [
        {**r, "score": round(r["score"], 6)} for r in rows
    ]
    return [{**r, "score": round(r["score"], 6)} for r in rows]


def test_actor_timeline_from_its_summary_follows_deletes_and_updates(store_path: Path) -> None:
    with Store(store_path) as store:
        for where in TIMELINES:
            assert _live(store, where) and _summed(store, where) == _live(store, where), where
        with store.conn:
            store.conn.execute("DELETE FROM articles WHERE rowid IN (2, 5)")
            row = store.conn.execute("SELECT id, record FROM events LIMIT 1").fetchone()
            record = json.loads(row["record"])
            record["recipient"] = record["actor"]  # one code on both sides: counted once
            store.conn.execute(
                "UPDATE events SET record = ?, date = '2024-02-01', negated = 1 WHERE id = ?",
                (json.dumps(record), row["id"]),
            )
            store.conn.execute("UPDATE events SET link_id = 'x' WHERE rowid % 2 = 0")
        for where in TIMELINES:
            assert _summed(store, where) == _live(store, where), where
        assert actor_days_problems(store.conn) == [] and summary_problems(store.conn) == []
        # Another filter is answered from the events table.
        assert store._timeline_summary(EventFilter(actor="USA", type="ASSAULT")) is None


def test_doctor_rebuilds_actor_days_out_of_step(store_path: Path) -> None:
    conn = sqlite3.connect(store_path)
    conn.execute("UPDATE summary_actor_days SET events = events + 1 WHERE code = 'USA'")
    conn.commit()
    assert actor_days_problems(conn) == [
        "summary_actor_days differs from a recomputation from the events"
    ]
    conn.close()
    report = doctor(store_path)
    assert report.healthy
    with Store(store_path, read_only=True) as store:
        assert actor_days_problems(store.conn) == []
        for where in TIMELINES:
            assert _summed(store, where) == _live(store, where), where
