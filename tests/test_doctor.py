"""`flashpoint doctor`: checks a store and repairs what is safe to repair."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashpoint.cli import app
from flashpoint.errors import StoreError
from flashpoint.model import ArticleResult
from flashpoint.stages import clean
from flashpoint.stages.read import RawDocument
from flashpoint.store import Store
from flashpoint.store.migrations import SCHEMA_VERSION

runner = CliRunner()


def doctor(*args: object):
    return runner.invoke(app, ["doctor", *[str(a) for a in args]])


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "fp.db"
    with Store(path) as store:
        for text in ("Rebels attacked the garrison in Mosul.", "Police arrested protesters."):
            article = clean.build_article(RawDocument(name="t", text=text))
            store.save(ArticleResult(article=article))
    return path


def _version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _matches(path: Path, query: str) -> int:
    with Store(path, read_only=True) as store:
        return store.article_rows(text=query)[1]


def test_a_sound_store_is_left_alone(store_path: Path) -> None:
    before = store_path.read_bytes()
    result = doctor("--db", store_path)
    assert result.exit_code == 0, result.output
    assert "problem" not in result.output and "repaired" not in result.output
    assert [line.split()[0] for line in result.output.splitlines()] == [
        "integrity",
        "schema",
        "full-text",
        "summaries",
    ]
    assert store_path.read_bytes() == before


def test_repairs_a_store_broken_the_old_way(store_path: Path) -> None:
    """The old race: every table present, the schema version reset to 1 by a second opener."""
    conn = sqlite3.connect(store_path)
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    checked = doctor("--db", store_path, "--check")
    assert checked.exit_code == 1
    assert f"version 1, tables of version {SCHEMA_VERSION}" in checked.output
    assert _version(store_path) == 1  # --check changes nothing
    repaired = doctor("--db", store_path)
    assert repaired.exit_code == 0, repaired.output
    assert "repaired" in repaired.output and f"version set to {SCHEMA_VERSION}" in repaired.output
    assert _version(store_path) == SCHEMA_VERSION
    assert _matches(store_path, "garrison") == 1
    again = doctor("--db", store_path)
    assert again.exit_code == 0 and "repaired" not in again.output


def test_repairs_a_half_made_full_text_step(store_path: Path) -> None:
    """An interrupted old step 2: an index without its triggers, version 1, rows missing."""
    conn = sqlite3.connect(store_path)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DELETE FROM articles_fts")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    result = doctor("--db", store_path)
    assert result.exit_code == 0, result.output
    assert "2 of 2 articles not indexed" in result.output
    assert "triggers missing" in result.output
    assert _version(store_path) == SCHEMA_VERSION
    assert _matches(store_path, "garrison") == 1 and _matches(store_path, "protesters") == 1
    with Store(store_path) as store:  # the triggers index new articles again
        article = clean.build_article(RawDocument(name="t", text="Troops shelled the harbour."))
        store.save(ArticleResult(article=article))
    assert _matches(store_path, "harbour") == 1


def test_stale_and_orphan_index_rows_are_rebuilt(store_path: Path) -> None:
    conn = sqlite3.connect(store_path)
    conn.execute(
        "INSERT INTO articles_fts (article_id, title, text) VALUES ('gone', '', 'phantom')"
    )
    conn.commit()
    conn.close()
    assert _matches(store_path, "phantom") == 0  # harmless to queries, but reported
    result = doctor("--db", store_path)
    assert result.exit_code == 0 and "1 rows for articles no longer stored" in result.output
    conn = sqlite3.connect(store_path)
    assert conn.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0] == 2
    conn.close()


def test_not_a_store_and_newer_stores_are_not_touched(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    result = doctor("--db", other)
    assert result.exit_code == 1 and "not a Flashpoint database" in result.output
    assert _version(other) == 0
    text = tmp_path / "text.db"
    text.write_text("not sqlite at all" * 100)
    result = doctor("--db", text)  # main() prints StoreError as one line, exit 2
    assert isinstance(result.exception, StoreError)
    assert "not an SQLite database" in result.exception.message
    result = doctor("--db", tmp_path / "missing.db")
    assert isinstance(result.exception, StoreError)
    assert "no such database" in result.exception.message
    newer = tmp_path / "newer.db"
    Store(newer).close()
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    result = doctor("--db", newer)
    assert result.exit_code == 1 and "newer" in result.output
    assert _version(newer) == SCHEMA_VERSION + 1
