"""`flashpoint watch` against a news site served on 127.0.0.1 by the tests (no other network):
several outlets, an RSS and an Atom feed, a sitemap, a repost across two feeds, and broken
things (a 404, a slow page, a malformed feed, a non-English page, a page over the size limit,
a page that is not an article, a page robots.txt forbids)."""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashpoint.cli import app
from flashpoint.watch import WatchError, parse_interval, resolve_sources

runner = CliRunner()

ARTICLES = {
    "/wire/kandahar.html": (
        "Militants attack police station in Kandahar",
        "Taliban militants attacked a police station in Kandahar on Monday, killing three "
        "police officers and wounding five others, Afghan officials said. The attackers "
        "fired rockets at the building before dawn. The interior ministry condemned the "
        "attack and said security forces had arrested two suspects near the scene. Residents "
        "said the fighting lasted for more than two hours before the militants fled.",
    ),
    "/wire/gaza.html": (
        "Air strikes hit Gaza City",
        "Israeli aircraft struck several buildings in Gaza City on Tuesday, killing at least "
        "eight people, Palestinian health officials said. The Israeli military said it had "
        "targeted Hamas commanders who planned attacks on Israel. Hamas fired rockets at "
        "southern Israel in response, and the Israeli army said its air defences intercepted "
        "most of them. Egypt called on both sides to stop the fighting.",
    ),
    "/courier/nairobi.html": (
        "Police fire tear gas at protesters in Nairobi",
        "Kenyan police fired tear gas at thousands of protesters in Nairobi on Wednesday as "
        "demonstrators marched against a new finance bill. Opposition leaders accused the "
        "government of using excessive force, and human rights groups said dozens of people "
        "were arrested. The protesters demanded that parliament reject the tax increases. "
        "President Ruto said he would meet religious leaders to discuss the crisis.",
    ),
    "/courier/kharkiv.html": (
        "Russian shelling hits Kharkiv",
        "Russian forces shelled residential districts of Kharkiv on Thursday, killing four "
        "civilians and injuring twelve, the regional governor said. Ukrainian air defences "
        "shot down several drones over the city overnight. Ukraine's foreign minister urged "
        "Western allies to send more air defence systems, and accused Moscow of deliberately "
        "targeting civilians in the northeastern city.",
    ),
    "/gazette/sudan.html": (
        "Fighting erupts in Khartoum",
        "Heavy fighting broke out between the Sudanese army and the Rapid Support Forces in "
        "Khartoum on Friday, killing at least eleven people, medics said. The army launched "
        "air strikes on RSF positions in the east of the city. The United Nations appealed "
        "for a ceasefire so that aid could reach civilians trapped in their homes by the "
        "clashes, which entered their third week.",
    ),
}
# The Kandahar story again, reposted by another outlet under another URL (a new footer).
REPOST = "/courier/kandahar-repost.html"
SPANISH = (
    "Enfrentamientos en la frontera",
    "Las fuerzas armadas de Colombia se enfrentaron el lunes con un grupo armado en la frontera "
    "con Venezuela, según informaron las autoridades locales. Varios soldados resultaron "
    "heridos durante los combates, que duraron varias horas. El gobierno anunció el envío de "
    "más tropas a la región para proteger a la población civil de la zona.",
)
GOOD = [*ARTICLES, REPOST]
# A video page (no article text) whose feed item carries a long summary: coded from it, flagged.
SUMMARIES = {
    "/wire/video.html": (
        "&lt;p&gt;The Sudanese army said on Wednesday that its troops had retaken the city of "
        "Wad Madani from the Rapid Support Forces after weeks of fighting. Residents said the "
        "paramilitary fighters withdrew overnight, and the army accused them of looting "
        "markets and hospitals before they left the city.&lt;/p&gt;"
    )
}


def _page(title: str, body: str, footer: str = "") -> bytes:
    paragraphs = "".join(f"<p>{s.strip()}.</p>" for s in body.split(". ") if s.strip())
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{title}</title></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{paragraphs}{footer}</article>"
        f"<footer>Copyright The Outlet</footer></body></html>"
    ).encode()


@dataclass
class Site:
    base: str = ""
    requests: list[tuple[str, dict]] = field(default_factory=list)
    arrivals: list[tuple[str, float]] = field(default_factory=list)  # (path, monotonic time)
    gate: threading.Event = field(default_factory=threading.Event)  # set: gated page answered
    gated: threading.Event = field(default_factory=threading.Event)  # the gated page asked for
    gate_path: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def paths(self) -> list[str]:
        with self.lock:
            return [path for path, _ in self.requests]

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()
            self.arrivals.clear()


def _rss(base: str) -> bytes:
    items = [
        (
            "/wire/kandahar.html",
            "Militants attack police station in Kandahar",
            "Mon, 01 Dec 2026 08:00:00 GMT",
        ),
        ("/wire/gaza.html", "Air strikes hit Gaza City", "Tue, 02 Dec 2026 09:00:00 GMT"),
        ("/wire/missing.html", "A story that was taken down", "Tue, 02 Dec 2026 10:00:00 GMT"),
        ("/wire/huge.html", "A very long page", "Tue, 02 Dec 2026 11:00:00 GMT"),
        ("/private/secret.html", "Behind robots.txt", "Tue, 02 Dec 2026 12:00:00 GMT"),
        ("/wire/video.html", "Sudan army retakes Wad Madani", "Wed, 03 Dec 2026 12:00:00 GMT"),
    ]
    body = "".join(
        f"<item><title>{t}</title><link>{base}{p}</link><pubDate>{d}</pubDate>"
        f"<description>{SUMMARIES.get(p, 'Short summary.')}</description></item>"
        for p, t, d in items
    )
    return (
        f"<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel>"
        f"<title>Wire Service</title><link>{base}/wire/</link><description>News</description>"
        f"{body}</channel></rss>"
    ).encode()


def _atom(base: str) -> bytes:
    entries = [
        (
            "/courier/nairobi.html",
            "Police fire tear gas at protesters in Nairobi",
            "2026-12-03T07:00:00Z",
        ),
        ("/courier/kharkiv.html", "Russian shelling hits Kharkiv", "2026-12-04T07:00:00Z"),
        (REPOST, "Militants attack police station in Kandahar", "2026-12-01T12:00:00Z"),
        ("/courier/slow.html", "A slow page", "2026-12-04T08:00:00Z"),
        ("/courier/menu.html", "Our sections", "2026-12-04T09:00:00Z"),
    ]
    body = "".join(
        f"<entry><title>{t}</title><link href='{base}{p}'/><id>{base}{p}</id>"
        f"<updated>{d}</updated></entry>"
        for p, t, d in entries
    )
    return (
        f"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        f"<title>The Courier</title><id>{base}/courier/</id><updated>2026-12-04T09:00:00Z</updated>"
        f"{body}</feed>"
    ).encode()


def _sitemap(base: str) -> bytes:
    urls = "".join(
        f"<url><loc>{base}{p}</loc><lastmod>2026-12-05</lastmod></url>"
        for p in ("/gazette/sudan.html", "/gazette/colombia.html")
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>"
    ).encode()


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _send(
            self,
            status: int,
            body: bytes = b"",
            ctype: str = "text/html; charset=utf-8",
            headers: dict | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            if body:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            with site.lock:
                site.requests.append((path, dict(self.headers)))
                site.arrivals.append((path, time.monotonic()))
            if path == site.gate_path:
                site.gated.set()
                site.gate.wait(30)
            if path == "/robots.txt":
                self._send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
            elif path in ("/wire/rss.xml", "/courier/atom.xml", "/gazette/sitemap.xml"):
                etag = f'"{path}-v1"'
                if self.headers.get("If-None-Match") == etag:
                    self._send(304)
                    return
                body = {
                    "/wire/rss.xml": _rss,
                    "/courier/atom.xml": _atom,
                    "/gazette/sitemap.xml": _sitemap,
                }[path](site.base)
                self._send(200, body, "application/xml", {"ETag": etag})
            elif path == "/flaky.html":  # 503 twice, then the page
                with site.lock:
                    tries = sum(1 for p, _ in site.requests if p == path)
                if tries <= 2:
                    self._send(503, b"busy")
                else:
                    self._send(200, _page(*ARTICLES["/wire/gaza.html"]))
            elif path == "/modified.xml":
                stamp = "Mon, 01 Dec 2026 08:00:00 GMT"
                if self.headers.get("If-Modified-Since") == stamp:
                    self._send(304)
                else:
                    self._send(200, _rss(site.base), "application/xml", {"Last-Modified": stamp})
            elif path == "/sitemap-index.xml":
                loc = f"{site.base}/gazette/sitemap.xml"
                body = (
                    "<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/"
                    f"sitemap/0.9'><sitemap><loc>{loc}</loc></sitemap></sitemapindex>"
                ).encode()
                self._send(200, body, "application/xml")
            elif path == "/broken/feed.xml":
                self._send(
                    200,
                    b"<?xml version='1.0'?><rss><channel><item><title>oops</titl",
                    "application/rss+xml",
                )
            elif path in ARTICLES:
                self._send(200, _page(*ARTICLES[path]))
            elif path == REPOST:
                title, body = ARTICLES["/wire/kandahar.html"]
                self._send(200, _page(title, body, "<p>Reporting by the Courier desk.</p>"))
            elif path == "/gazette/colombia.html":
                self._send(200, _page(*SPANISH).replace(b"lang='en'", b"lang='es'"))
            elif path == "/wire/huge.html":
                self._send(
                    200, _page("A very long page", "Soldiers marched in the capital. " * 2000)
                )
            elif path == "/courier/slow.html":
                time.sleep(2.5)
                self._send(200, _page("Slow", ARTICLES["/wire/gaza.html"][1]))
            elif path in ("/courier/menu.html", "/wire/video.html"):
                self._send(
                    200,
                    b"<html><body><nav><a href='/a'>World</a> <a href='/b'>Sport</a></nav></body></html>",
                )
            else:
                self._send(404, b"not found")

    return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.gate.set()
        server.shutdown()
        server.server_close()


def _sources_yaml(tmp_path: Path, site: Site) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(
        "settings:\n  timeout: 1\n  retries: 0\n  per_host: 0\n  max_bytes: 20000\n"
        "sources:\n"
        f"  - url: {site.base}/wire/rss.xml\n    name: Wire Service\n"
        f"  - url: {site.base}/courier/atom.xml\n    name: The Courier\n"
        f"  - url: {site.base}/gazette/sitemap.xml\n    name: Gazette\n    kind: sitemap\n"
        f"  - url: {site.base}/broken/feed.xml\n    name: Broken\n"
        f"  - url: {site.base}/gone/feed.xml\n    name: Gone\n",
        encoding="utf-8",
    )
    return path


def _stored(db: Path) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(
            "SELECT id, url, source, title, status, published FROM articles"
        ).fetchall()
    finally:
        conn.close()


def _items(db: Path) -> dict[str, sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return {row["url"]: row for row in conn.execute("SELECT * FROM watch_items")}
    finally:
        conn.close()


@pytest.mark.slow
def test_watch_once_twice_stores_each_article_once_and_reports_every_broken_source(
    site: Site, tmp_path: Path
) -> None:
    db = tmp_path / "watch.db"
    sources = _sources_yaml(tmp_path, site)
    first = runner.invoke(app, ["watch", str(sources), "--db", str(db), "--once", "--no-alerts"])
    assert first.exit_code == 0, first.output
    output = first.output
    base = site.base
    # Each broken thing is reported with its reason; the others are coded.
    assert f"{base}/wire/missing.html: HTTP 404" in output
    assert f"{base}/courier/slow.html: timed out" in output
    assert f"{base}/broken/feed.xml: malformed feed" in output
    assert f"{base}/gone/feed.xml: HTTP 404" in output
    assert f"{base}/gazette/colombia.html: not English (es)" in output
    assert f"{base}/wire/huge.html: larger than the size limit" in output
    assert f"{base}/courier/menu.html: not an article" in output
    assert f"{base}/private/secret.html: disallowed by robots.txt" in output
    assert "6 new articles" in output and "1 reposts folded" in output
    assert "1 coded from the feed summary" in output
    items = _items(db)
    assert items[f"{base}/wire/video.html"]["text_from"] == "summary"
    assert items[f"{base}/wire/kandahar.html"]["text_from"] == "page"

    rows = _stored(db)
    by_url = Counter(row["url"] for row in rows)
    for path in GOOD:
        assert by_url[base + path] == 1, path
    coded = {row["url"]: row for row in rows if row["status"] == "coded"}
    assert set(coded) == {base + p for p in [*ARTICLES, "/wire/video.html"]}
    kandahar = coded[base + "/wire/kandahar.html"]
    assert kandahar["source"] == "Wire Service"
    assert kandahar["title"] == "Militants attack police station in Kandahar"
    assert kandahar["published"].startswith("2026-12-01T08:00")
    repost = next(row for row in rows if row["url"] == base + REPOST)
    assert repost["status"] == "duplicate" and repost["source"] == "The Courier"
    conn = sqlite3.connect(db)
    events = conn.execute(
        "SELECT count(*) FROM events e JOIN articles a ON a.id = e.article_id WHERE a.url = ?",
        (base + "/wire/kandahar.html",),
    ).fetchone()[0]
    conn.close()
    assert events >= 1

    pages_first = [p for p in site.paths() if p.endswith(".html")]
    assert Counter(pages_first)["/courier/slow.html"] == 1  # retries: 0
    site.clear()
    second = runner.invoke(app, ["watch", str(sources), "--db", str(db), "--once", "--no-alerts"])
    assert second.exit_code == 0, second.output
    assert "0 new articles" in second.output
    # Nothing refetched: the feeds answered 304 to their validators, no page was asked again.
    assert [p for p in site.paths() if p.endswith(".html")] == []
    feed_requests = [
        (p, h) for p, h in site.requests if p in ("/wire/rss.xml", "/courier/atom.xml")
    ]
    assert feed_requests and all(
        "If-None-Match" in h or "if-none-match" in h for _, h in feed_requests
    )
    assert Counter(row["url"] for row in _stored(db)) == by_url

    health = runner.invoke(app, ["sources", "--db", str(db), "--json"])
    assert health.exit_code == 0, health.output
    import json

    records = {r["id"]: r for r in map(json.loads, health.output.splitlines())}
    assert records[f"{base}/wire/rss.xml"]["health"] == "degraded"
    assert records[f"{base}/wire/rss.xml"]["articles_stored"] == 3
    assert records[f"{base}/broken/feed.xml"]["health"] == "failing"
    assert "malformed feed" in records[f"{base}/broken/feed.xml"]["last_error"]
    assert records[f"{base}/gone/feed.xml"]["consecutive_errors"] == 2
    table = runner.invoke(app, ["sources", "--db", str(db)])
    assert table.exit_code == 0 and "failing" in table.output and "Wire Service" in table.output


@pytest.mark.slow
def test_a_killed_watcher_restarted_loses_nothing_and_doubles_nothing(
    site: Site, tmp_path: Path
) -> None:
    db = tmp_path / "watch.db"
    sources = _sources_yaml(tmp_path, site)
    site.gate_path = "/courier/kharkiv.html"  # the 4th good page: three are stored by then
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flashpoint",
            "watch",
            str(sources),
            "--db",
            str(db),
            "--once",
            "--no-alerts",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        assert site.gated.wait(120), (
            process.stderr.read().decode() if process.poll() is not None else "no request"
        )
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
        site.gate.set()
    before = _items(db)
    stored_before = {url for url, row in before.items() if row["status"] == "stored"}
    assert f"{site.base}/wire/kandahar.html" in stored_before
    site.gate_path = None
    site.clear()
    again = runner.invoke(app, ["watch", str(sources), "--db", str(db), "--once", "--no-alerts"])
    assert again.exit_code == 0, again.output
    refetched = {site.base + p for p in site.paths() if p.endswith(".html")}
    assert not refetched & stored_before  # nothing stored before is fetched again
    rows = _stored(db)
    by_url = Counter(row["url"] for row in rows)
    for path in GOOD:
        assert by_url[site.base + path] == 1, path
    assert Counter(row["id"] for row in rows).most_common(1)[0][1] == 1


def test_sources_on_the_command_line_and_their_mistakes(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    specs, settings = resolve_sources(["https://example.org/rss", str(folder)])
    assert [(s.id, s.kind) for s in specs] == [
        ("https://example.org/rss", "feed"),
        (str(folder.resolve()), "folder"),
    ]
    assert settings == {}
    with pytest.raises(WatchError, match="no such file"):
        resolve_sources([str(tmp_path / "missing.xml")])
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n  - name: x\n", encoding="utf-8")
    with pytest.raises(WatchError, match="no 'url'"):
        resolve_sources([str(bad)])
    bad.write_text("sources: [https://a.example/rss]\nsettings: {speed: 3}\n", encoding="utf-8")
    with pytest.raises(WatchError, match="unknown setting"):
        resolve_sources([str(bad)])
    assert (
        parse_interval("15m") == 900
        and parse_interval("30s") == 30
        and parse_interval("2h") == 7200
    )
    with pytest.raises(WatchError):
        parse_interval("soon")
    result = runner.invoke(
        app, ["watch", str(tmp_path / "nope.yaml"), "--once", "--db", str(tmp_path / "x.db")]
    )
    assert result.exit_code != 0


@pytest.mark.slow
def test_a_watched_folder_picks_up_new_files(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    db = tmp_path / "w.db"
    title, body = ARTICLES["/gazette/sudan.html"]
    (folder / "one.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    first = runner.invoke(app, ["watch", str(folder), "--db", str(db), "--once", "--no-alerts"])
    assert first.exit_code == 0, first.output
    assert "1 new articles" in first.output
    title, body = ARTICLES["/courier/kharkiv.html"]
    (folder / "two.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    jsonl = tmp_path / "alerts.jsonl"
    second = runner.invoke(
        app, ["watch", str(folder), "--db", str(db), "--once", "--alerts-jsonl", str(jsonl)]
    )
    assert second.exit_code == 0 and "1 new articles" in second.output, second.output
    assert len(_stored(db)) == 2


def test_a_sitemap_index_gives_its_childrens_pages(site: Site, tmp_path: Path) -> None:
    from flashpoint.corpus import CorpusRun
    from flashpoint.pipeline import Pipeline
    from flashpoint.store import Store
    from flashpoint.watch import SourceSpec, Watcher, WatchSettings

    with Store(tmp_path / "s.db") as store:
        index = SourceSpec(f"{site.base}/sitemap-index.xml", "sitemap", "Gazette")
        watcher = Watcher(CorpusRun(Pipeline(), store), [index], WatchSettings(per_host=0))
        try:
            got = watcher.fetcher.get(index.id)
            items = watcher._sitemap_items(got.content, got.url)
        finally:
            watcher.close()
    assert [item.url for item in items] == [
        f"{site.base}/gazette/sitemap.xml".replace("sitemap.xml", name)
        for name in ("sudan.html", "colombia.html")
    ]
    assert items[0].published == "2026-12-05"


def test_a_page_is_decoded_by_its_header_or_meta_charset() -> None:
    from flashpoint.watch import Fetched

    page = "<html><head><meta charset='windows-1252'></head><body>café</body></html>"
    assert "café" in Fetched("u", 200, page.encode("cp1252")).text()
    assert "café" in Fetched("u", 200, "café".encode("cp1252"), charset="cp1252").text()
    assert Fetched("u", 200, "café".encode()).text() == "café"


def test_fetcher_spaces_requests_retries_with_backoff_and_revalidates(site: Site) -> None:
    from flashpoint.watch import Fetcher, FetchError, WatchSettings

    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    fetcher = Fetcher(WatchSettings(per_host=0.2, retries=2, backoff=0.05, timeout=1), sleep=sleep)
    try:
        pages = ("/wire/kandahar.html", "/wire/gaza.html", "/courier/nairobi.html")
        with site.lock:
            before = len(site.arrivals)
        for path in pages:
            fetcher.get(site.base + path)
        # spacing measured where it matters, at the server (a loaded machine delays replies)
        with site.lock:
            stamps = [t for path, t in site.arrivals[before:] if path in pages]
        assert len(stamps) == 3
        assert all(b - a >= 0.19 for a, b in itertools.pairwise(stamps))
        waits.clear()
        got = fetcher.get(site.base + "/flaky.html")  # 503, 503, 200
        assert got.status == 200 and site.paths().count("/flaky.html") == 3
        assert [w for w in waits if w in (0.05, 0.1)] == [0.05, 0.1]  # backoff doubles
        with pytest.raises(FetchError, match="HTTP 404"):
            fetcher.get(site.base + "/nothing.html")
        first = fetcher.get(site.base + "/modified.xml")
        assert first.status == 200 and first.last_modified
        again = fetcher.get(site.base + "/modified.xml", last_modified=first.last_modified)
        assert again.not_modified and again.content == b""
    finally:
        fetcher.close()
