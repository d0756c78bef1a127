"""The API under hostile or heavy use: costly full-text queries are refused (422) or stopped by
the time budget (503), quotes are paged in SQL, exports are sent from a spool, every response
carries the security headers, and a Host header that is not allowed is a 400."""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from flashpoint.api import Settings, create_app
from flashpoint.store.fulltext import MAX_PREFIXES, MAX_TERMS, full_text_problem

CLI = [sys.executable, "-c", "from flashpoint.cli import main; main()"]
MANY_PREFIXES = " ".join(["a*"] * 80)


def test_full_text_bounds() -> None:
    assert full_text_problem("drone strike") is None
    assert full_text_problem('"unclaimed drone" OR militia*') is None
    assert full_text_problem("NEAR(drone strike, 5) AND title : Baghdad") is None
    assert "too many terms" in (full_text_problem(" ".join(["war"] * (MAX_TERMS + 1))) or "")
    assert "at least 3 characters" in (full_text_problem("a*") or "")
    assert "at least 3 characters" in (full_text_problem('"drone st"*') or "")
    prefixes = " OR ".join(f"wor{i}*" for i in range(MAX_PREFIXES + 1))
    assert "too many prefix terms" in (full_text_problem(prefixes) or "")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/articles", {"q": MANY_PREFIXES}),
        ("/api/events", {"q": MANY_PREFIXES, "search_in": "both"}),
        ("/api/timeline", {"q": "a*"}),
        ("/api/exports/csv", {"q": " ".join(["drone"] * 40)}),
    ],
)
def test_costly_full_text_queries_are_refused(client, path, params) -> None:
    started = time.monotonic()
    response = client.get(path, params=params)
    assert response.status_code == 422, response.text
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", "q"] and "too costly" in error["msg"]
    assert time.monotonic() - started < 2
    # A reasonable query still works.
    assert client.get(path, params={"q": "drone*"}).status_code == 200


@pytest.fixture(scope="module")
def big_db(tmp_path_factory, served_db: Path) -> Path:
    """The example store with 80 more long articles, 1000 more quotes and 300 more placed
    events (copies of the first)."""
    path = tmp_path_factory.mktemp("big") / "big.db"
    shutil.copy(served_db, path)
    conn = sqlite3.connect(path)
    long_text = " ".join(f"the war{i % 50} went on and on" for i in range(6000))
    with conn:
        for n in range(80):
            conn.execute(
                "INSERT INTO articles (id, title, published, status, text, record)"
                " SELECT ?, title, published, status, ?, json_set(record, '$.id', ?)"
                " FROM articles LIMIT 1",
                (f"long-{n:03d}", long_text, f"long-{n:03d}"),
            )
        for n in range(1000):
            conn.execute(
                "INSERT INTO quotes (id, article_id, speaker_code, kind, record)"
                " SELECT ?, article_id, speaker_code, kind, json_set(record, '$.id', ?)"
                " FROM quotes LIMIT 1",
                (f"q-copy-{n:04d}", f"q-copy-{n:04d}"),
            )
        columns = [row[1] for row in conn.execute("PRAGMA table_info(events)")]
        copied = ", ".join("?" if c == "id" else c for c in columns)
        for n in range(300):
            conn.execute(
                f"INSERT INTO events ({', '.join(columns)}) SELECT {copied} FROM events"
                " WHERE lat IS NOT NULL LIMIT 1",
                (f"e-copy-{n:03d}",),
            )
    conn.close()
    return path


def test_a_query_past_its_time_budget_is_a_503(big_db: Path, monkeypatch) -> None:
    import flashpoint.store.sqlite as sqlite_store

    distance = sqlite_store._distance_km

    def slow_distance(*args: float) -> float | None:  # 300 events: 3 s in all
        time.sleep(0.01)
        return distance(*args)

    monkeypatch.setattr(sqlite_store, "_distance_km", slow_distance)
    near = {"near": "33.3,44.4,50", "limit": 1000}
    with TestClient(create_app(Settings(db=big_db, query_seconds=0.2))) as budgeted:
        started = time.monotonic()
        response = budgeted.get("/api/events", params=near)
        elapsed = time.monotonic() - started
        assert response.status_code == 503, response.text[:200]
        assert "longer than 0.2 s" in response.json()["detail"]
        assert response.headers["retry-after"]
        assert elapsed < 1.5
        # The server is not held: the next request is answered.
        assert budgeted.get("/api/events", params={"limit": 1}).status_code == 200
    monkeypatch.setattr(sqlite_store, "_distance_km", distance)
    with TestClient(create_app(Settings(db=big_db))) as patient:
        assert patient.get("/api/events", params=near).json()["total"] > 300


def test_long_articles_give_snippets_quickly(big_db: Path) -> None:
    # FTS5's snippet() took 10 s per 150 kB article for this query (see store.fulltext).
    query = " ".join(["the"] * MAX_TERMS)
    with TestClient(create_app(Settings(db=big_db))) as api:
        started = time.monotonic()
        page = api.get("/api/articles", params={"q": query}).json()
        assert time.monotonic() - started < 2
    assert page["total"] == 81
    assert all(item["snippet"] and "[the]" in item["snippet"] for item in page["items"])


def test_quotes_are_paged_in_sql(big_db: Path, monkeypatch) -> None:
    import flashpoint.store.sqlite as sqlite_store

    parsed: list[int] = []
    quote = sqlite_store.Quote

    class CountingQuote(quote):  # type: ignore[valid-type,misc]
        @classmethod
        def model_validate_json(cls, *args, **kwargs):  # type: ignore[override]
            parsed.append(1)
            return quote.model_validate_json(*args, **kwargs)

    monkeypatch.setattr(sqlite_store, "Quote", CountingQuote)
    with TestClient(create_app(Settings(db=big_db))) as api:
        everything = api.get("/api/quotes", params={"limit": 1000, "offset": 0}).json()
        parsed.clear()
        page = api.get("/api/quotes", params={"limit": 10, "offset": 500}).json()
        assert len(parsed) == 10  # only the page's records were read
        assert page["total"] == everything["total"] > 1000
        expected = api.get("/api/quotes", params={"limit": 1000, "offset": 0}).json()["items"]
        assert [q["id"] for q in page["items"]] == [q["id"] for q in expected[500:510]]
        last = api.get("/api/quotes", params={"limit": 10, "offset": page["total"] - 3}).json()
        assert len(last["items"]) == 3


def test_exports_are_sent_from_a_spool(client, monkeypatch) -> None:
    from flashpoint.api.routers import exports

    whole = client.get("/api/exports/plover").content
    monkeypatch.setattr(exports, "SPOOL_BYTES", 512)  # on disk past 512 bytes
    monkeypatch.setattr(exports, "CHUNK_BYTES", 100)
    response = client.get("/api/exports/plover")
    assert response.status_code == 200
    assert response.content == whole and len(whole) > 512
    assert response.headers["content-length"] == str(len(whole))
    parquet = client.get("/api/exports/parquet")
    assert parquet.status_code == 200 and parquet.content[:4] == b"PAR1"


@pytest.mark.parametrize(
    "path", ["/", "/api/events", "/static/app.js", "/docs", "/openapi.json", "/api/nothing"]
)
def test_security_headers_on_every_response(client, path) -> None:
    response = client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    script_src = next(part for part in csp.split(";") if "script-src" in part)
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src


def test_hosts_not_allowed_are_a_400(served_db: Path) -> None:
    from flashpoint.cli.commands_serve import allowed_hosts

    app = create_app(Settings(db=served_db, allowed_hosts=allowed_hosts("127.0.0.1", None)))
    with TestClient(app, base_url="http://127.0.0.1:8000") as local:
        assert local.get("/api/events").status_code == 200
        assert local.get("/", headers={"Host": "localhost:8000"}).status_code == 200
        rebound = local.get("/api/events", headers={"Host": "attacker.example"})
        assert rebound.status_code == 400
        assert rebound.headers["x-content-type-options"] == "nosniff"
    assert allowed_hosts("::1", None)[0] == "[::1]"
    assert allowed_hosts("0.0.0.0", ["News.Example.org"]) == ["news.example.org"]
    assert allowed_hosts("0.0.0.0", ["*", "*.example.org"]) == ["*", "*.example.org"]


def test_a_bad_allowed_host_is_refused_before_serving(served_db: Path) -> None:
    from typer.testing import CliRunner

    from flashpoint.cli import app

    result = CliRunner().invoke(
        app, ["serve", "--db", str(served_db), "--allowed-host", "a*b", "--port", "1"]
    )
    assert result.exit_code != 0
    assert "--allowed-host a*b" in result.output and "Flashpoint on" not in result.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_allows_its_own_host_only(served_db: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [*CLI, "serve", "--db", str(served_db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                first = httpx.get(base + "/api/events?limit=1", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert first.status_code == 200
        assert first.headers["x-frame-options"] == "DENY"
        other = httpx.get(base + "/api/events", headers={"Host": "rebind.example:80"}, timeout=5)
        assert other.status_code == 400
        assert httpx.get(f"http://localhost:{port}/", timeout=5).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_response_cache_serves_repeats_until_the_database_changes(
    served_db: Path, tmp_path: Path, monkeypatch
) -> None:
    from flashpoint.store import Store

    db = tmp_path / "cached.db"
    shutil.copy(served_db, db)
    calls: list[int] = []
    timeline = Store.timeline_json  # what /api/timeline calls on a SQLite store

    def counting(self, where):  # type: ignore[no-untyped-def]
        calls.append(1)
        return timeline(self, where)

    monkeypatch.setattr(Store, "timeline_json", counting)
    with TestClient(create_app(Settings(db=db, cache_bytes=1 << 20))) as api:
        api.get("/api/events")  # the first reader makes the WAL file (a change of files)
        first = api.get("/api/timeline")
        again = api.get("/api/timeline")
        assert again.json() == first.json() and len(calls) == 1
        assert again.headers["x-content-type-options"] == "nosniff"  # headers kept
        assert api.get("/api/timeline", params={"quad": 4}).status_code == 200
        assert len(calls) == 2  # another query is another entry
        conn = sqlite3.connect(db)
        with conn:
            conn.execute("UPDATE events SET date = '1999-01-01'")
        conn.close()
        changed = api.get("/api/timeline").json()
        assert len(calls) == 3 and {p["date"] for p in changed} == {"1999-01-01"}
        assert api.get("/api/exports/csv").status_code == 200  # exports are never kept
