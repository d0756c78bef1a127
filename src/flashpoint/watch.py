"""`flashpoint watch`: news feeds in, coded and stored continuously.

    sources (RSS 2.0 / Atom feeds, sitemaps, folders) -> new items -> fetch the page (httpx:
    robots.txt, per-host rate limit, timeouts, retries with backoff, ETag / If-Modified-Since,
    a size limit) -> text (trafilatura; the feed's summary as a flagged fallback) -> code and
    store as `ingest` does (corpus.CorpusRun: reposts fold, events link)

What was met lives in the store (watch.sql: sources and their validators, every item URL and
what became of it, the errors), so a restarted watcher fetches nothing it has stored and
stores nothing twice. An item is marked only once its article is stored: a watcher killed in
between fetches that one page again, and the article's id (a hash of its text) keeps it from
being stored twice. A broken source or item is recorded with its reason and the others go on.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import yaml

from flashpoint.corpus import CorpusRun
from flashpoint.errors import FlashpointError, InputError
from flashpoint.model import Article, ArticleResult
from flashpoint.stages import clean
from flashpoint.stages.read import KNOWN_EXTENSIONS, RawDocument

USER_AGENT = "Flashpoint-watch/0.1 (+https://github.com/flashpoint; offline event coder)"
# Fewer words than this in the text trafilatura finds and a page is not an article.
MIN_ARTICLE_WORDS = 25
# Child sitemaps read from one sitemap index, and new items taken from one source per poll.
MAX_CHILD_SITEMAPS = 20
MAX_ITEMS_PER_SOURCE = 500
_WORD = re.compile(r"[^\W\d_]{2,}")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", re.I)


class WatchError(FlashpointError):
    """A mistake in the sources given (a missing file, a bad SOURCES.yaml): one line, exit 2."""


@dataclass
class WatchSettings:
    every: float = 15 * 60  # seconds between polls
    timeout: float = 10.0  # seconds per connect / read
    retries: int = 2  # further tries of a request after a timeout or a 5xx/429
    backoff: float = 1.0  # seconds before the first retry, doubling
    per_host: float = 1.0  # seconds between two requests to one host
    max_bytes: int = 2_000_000  # largest page or feed accepted
    retry_after: float = 3600.0  # an item that failed transiently is tried again after this
    max_attempts: int = 3  # ... this many times in all
    user_agent: str = USER_AGENT
    min_words: int = MIN_ARTICLE_WORDS


@dataclass
class SourceSpec:
    id: str  # URL, or absolute path
    kind: str  # feed | sitemap | folder
    name: str | None = None  # the outlet


def parse_interval(text: str) -> float:
    """'15m', '30s', '1h', '90' (seconds) -> seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text or "")
    if not match:
        raise WatchError(f"--every {text!r}: give a number and a unit, e.g. 30s, 15m, 1h")
    value = float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match[2]]
    if value <= 0:
        raise WatchError(f"--every {text!r}: must be more than zero")
    return value


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def resolve_sources(args: list[str]) -> tuple[list[SourceSpec], dict]:
    """Sources named on the command line: SOURCES.yaml files, URLs, feed files and folders.
    Returns the sources and the settings a YAML file gives."""
    sources: list[SourceSpec] = []
    settings: dict = {}
    for arg in args:
        if is_url(arg):
            sources.append(SourceSpec(arg, "feed"))
            continue
        path = Path(arg)
        if not path.exists():
            raise WatchError(f"{arg}: no such file or directory (nor an http(s) URL)")
        if path.is_dir():
            sources.append(SourceSpec(str(path.resolve()), "folder"))
        elif path.suffix.lower() in (".yaml", ".yml"):
            found, given = _read_sources_file(path)
            sources += found
            settings.update(given)
        else:
            sources.append(SourceSpec(str(path.resolve()), "feed"))
    unique: dict[str, SourceSpec] = {}
    for source in sources:
        unique.setdefault(source.id, source)
    return list(unique.values()), settings


def _read_sources_file(path: Path) -> tuple[list[SourceSpec], dict]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise WatchError(f"{path}: not a readable YAML file ({reason})") from None
    if isinstance(data, list):
        data = {"sources": data}
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise WatchError(f"{path}: expected a 'sources:' list (see docs/monitoring.md)")
    sources = []
    for number, entry in enumerate(data["sources"], start=1):
        if isinstance(entry, str):
            entry = {"url": entry}
        if not isinstance(entry, dict):
            raise WatchError(f"{path}: source {number} must be a URL or a mapping with 'url'")
        where = entry.get("url") or entry.get("path")
        if not isinstance(where, str) or not where:
            raise WatchError(f"{path}: source {number} has no 'url' (or 'path')")
        kind = entry.get("kind", "feed")
        if kind not in ("feed", "sitemap", "folder"):
            raise WatchError(f"{path}: source {number}: kind must be feed, sitemap or folder")
        name = entry.get("name")
        if is_url(where):
            sources.append(SourceSpec(where, kind, name))
            continue
        local = (path.parent / where).resolve()
        if not local.exists():
            raise WatchError(f"{path}: source {number}: {where}: no such file or directory")
        sources.append(SourceSpec(str(local), "folder" if local.is_dir() else kind, name))
    settings = data.get("settings") or {}
    if not isinstance(settings, dict):
        raise WatchError(f"{path}: 'settings' must be a mapping")
    known = set(WatchSettings.__dataclass_fields__)
    unknown = sorted(set(settings) - known)
    if unknown:
        raise WatchError(f"{path}: unknown setting(s) {', '.join(unknown)}")
    if "every" in settings:
        settings["every"] = parse_interval(str(settings["every"]))
    return sources, settings


# --- fetching ---------------------------------------------------------------------------------


class FetchError(Exception):
    def __init__(self, reason: str, transient: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


@dataclass
class Fetched:
    url: str
    status: int
    content: bytes = b""
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        """The body decoded by the header's charset, else the page's <meta charset>, else
        UTF-8 (bad bytes replaced)."""
        charset = self.charset
        if not charset:
            meta = _META_CHARSET.search(self.content[:4096])
            charset = meta.group(1).decode("ascii", "replace") if meta else "utf-8"
        try:
            return self.content.decode(charset, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")


class Fetcher:
    """One httpx client for the watcher: robots.txt, rate limit, retries, size limit."""

    def __init__(self, settings: WatchSettings, sleep: Callable[[float], None] = time.sleep):
        import httpx

        self.httpx = httpx
        self.settings = settings
        self.sleep = sleep
        self.client = httpx.Client(
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=True,
            max_redirects=5,
            headers={"User-Agent": settings.user_agent},
        )
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser | str] = {}
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    def _wait_for_host(self, host: str) -> None:
        last = self._last_request.get(host)
        if last is not None:
            wait = last + self.settings.per_host - time.monotonic()
            if wait > 0:
                self.sleep(min(wait, self.settings.per_host))
        self._last_request[host] = time.monotonic()

    def allowed(self, url: str) -> str | None:
        """None when robots.txt lets us fetch `url`, else the reason not to."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        rules = self._robots.get(origin)
        if rules is None:
            rules = self._load_robots(origin)
            self._robots[origin] = rules
        if isinstance(rules, str):
            return rules
        if not rules.can_fetch(self.settings.user_agent, url):
            return "disallowed by robots.txt"
        return None

    def _load_robots(self, origin: str) -> RobotFileParser | str:
        parser = RobotFileParser()
        try:
            got = self._get(f"{origin}/robots.txt", retries=0)
        except FetchError as exc:
            # RFC 9309: an unreachable robots.txt means "assume all is disallowed".
            return f"robots.txt unreachable ({exc.reason}): not fetching from this host"
        if got.status >= 500:
            return f"robots.txt unreachable (HTTP {got.status}): not fetching from this host"
        if got.status >= 400:
            parser.parse([])  # no robots.txt: everything is allowed
        else:
            parser.parse(got.text().splitlines())
        return parser

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        blocked = self.allowed(url)
        if blocked:
            raise FetchError(blocked)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        got = self._get(url, headers=headers, retries=self.settings.retries)
        if got.status == 304:
            return got
        if got.status >= 400:
            transient = got.status >= 500 or got.status == 429
            raise FetchError(f"HTTP {got.status}", transient=transient)
        return got

    def _get(self, url: str, headers: dict | None = None, retries: int = 0) -> Fetched:
        httpx = self.httpx
        host = urlsplit(url).netloc
        for attempt in range(retries + 1):
            self._wait_for_host(host)
            self.requests += 1
            try:
                got = self._get_once(url, headers or {})
            except FetchError as exc:
                if not exc.transient or attempt == retries:
                    raise
            except httpx.TimeoutException:
                if attempt == retries:
                    raise FetchError(
                        f"timed out after {self.settings.timeout:g} s", transient=True
                    ) from None
            except (httpx.TransportError, httpx.TooManyRedirects) as exc:
                if attempt == retries or isinstance(exc, httpx.TooManyRedirects):
                    raise FetchError(_transport_reason(exc), transient=True) from None
            else:
                if not (got.status >= 500 or got.status == 429) or attempt == retries:
                    return got
            self.sleep(self.settings.backoff * 2**attempt)
        raise FetchError("no response", transient=True)  # not reached: the loop returns

    def _get_once(self, url: str, headers: dict) -> Fetched:
        limit = self.settings.max_bytes
        deadline = time.monotonic() + 3 * self.settings.timeout
        with self.client.stream("GET", url, headers=headers) as response:
            fetched = Fetched(
                url=str(response.url),
                status=response.status_code,
                content_type=response.headers.get("content-type", "").lower(),
                charset=response.charset_encoding,
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
            )
            if response.status_code >= 300:
                return fetched
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FetchError(f"larger than the size limit ({int(declared)} > {limit} bytes)")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise FetchError(f"larger than the size limit (over {limit} bytes)")
                if time.monotonic() > deadline:
                    raise FetchError(
                        f"timed out after {3 * self.settings.timeout:g} s (slow body)",
                        transient=True,
                    )
            fetched.content = bytes(body)
            return fetched


def _transport_reason(exc: Exception) -> str:
    name = type(exc).__name__
    if name == "ConnectError":
        return "connection refused or host not found"
    if name == "TooManyRedirects":
        return "too many redirects"
    return f"network error ({name})"


# --- state ------------------------------------------------------------------------------------


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class WatchState:
    """The watch tables of a store (migration 0004_watch)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def register(self, source: SourceSpec) -> None:
        with self.conn:
            self.conn.execute(
                "INSERT INTO watch_sources (id, kind, name, added_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET name = coalesce(excluded.name, name)",
                (source.id, source.kind, source.name, _now()),
            )

    def source(self, source_id: str) -> sqlite3.Row | None:
        return self.conn.execute(
            "SELECT * FROM watch_sources WHERE id = ?", (source_id,)
        ).fetchone()

    def sources(self) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM watch_sources ORDER BY id").fetchall()

    def item(self, url: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM watch_items WHERE url = ?", (url,)).fetchone()

    def is_due(self, url: str) -> bool:
        """Whether `url` is to be fetched: never met, or a transient failure now due again."""
        row = self.item(url)
        if row is None:
            return True
        return row["status"] == "retry" and (row["retry_after"] or "") <= _now()

    def mark_item(
        self,
        source_id: str,
        url: str,
        status: str,
        *,
        reason: str | None = None,
        article_id: str | None = None,
        text_from: str | None = None,
        retry_after: str | None = None,
    ) -> None:
        now = _now()
        with self.conn:
            previous = self.item(url)
            self.conn.execute(
                "INSERT INTO watch_items (url, source_id, first_seen, last_tried, status, reason,"
                " article_id, text_from, attempts, retry_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
                " 1, ?) ON CONFLICT (url) DO UPDATE SET last_tried = excluded.last_tried,"
                " status = excluded.status, reason = excluded.reason,"
                " article_id = excluded.article_id, text_from = excluded.text_from,"
                " attempts = attempts + 1, retry_after = excluded.retry_after",
                (url, source_id, now, now, status, reason, article_id, text_from, retry_after),
            )
            counters = []
            if previous is None:
                counters.append("items_seen = items_seen + 1")
            if status == "stored":
                counters.append("articles_stored = articles_stored + 1")
            elif status == "failed":
                counters.append("items_failed = items_failed + 1")
            if counters:
                self.conn.execute(
                    f"UPDATE watch_sources SET {', '.join(counters)} WHERE id = ?", (source_id,)
                )
            if reason and status != "stored":
                self._error(source_id, url, reason)

    def _error(self, source_id: str, url: str, reason: str) -> None:
        self.conn.execute(
            "INSERT INTO watch_errors (source_id, url, at, reason) VALUES (?, ?, ?, ?)",
            (source_id, url, _now(), reason),
        )

    def polled(
        self,
        source_id: str,
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        validators: bool = False,
    ) -> None:
        now = _now()
        with self.conn:
            if error is None:
                self.conn.execute(
                    "UPDATE watch_sources SET last_polled = ?, last_ok = ?, polls = polls + 1,"
                    " consecutive_errors = 0, last_error = NULL WHERE id = ?",
                    (now, now, source_id),
                )
                if validators:
                    self.conn.execute(
                        "UPDATE watch_sources SET etag = ?, last_modified = ? WHERE id = ?",
                        (etag, last_modified, source_id),
                    )
            else:
                self.conn.execute(
                    "UPDATE watch_sources SET last_polled = ?, polls = polls + 1,"
                    " consecutive_errors = consecutive_errors + 1, last_error = ? WHERE id = ?",
                    (now, error, source_id),
                )
                self._error(source_id, source_id, error)

    def errors(self, source_id: str, limit: int = 5) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT * FROM watch_errors WHERE source_id = ? ORDER BY id DESC LIMIT ?",
            (source_id, limit),
        ).fetchall()


# --- polling ----------------------------------------------------------------------------------


@dataclass
class Item:
    """One entry of a feed or sitemap: the page to fetch and what the source says of it."""

    url: str
    title: str | None = None
    published: str | None = None  # ISO 8601
    summary: str | None = None


@dataclass
class Problem:
    source: str
    url: str
    reason: str


@dataclass
class PollSummary:
    sources: int = 0
    sources_failed: int = 0
    new_articles: int = 0
    events: int = 0
    reposts: int = 0
    from_summary: int = 0
    fetched: int = 0
    problems: list[Problem] = field(default_factory=list)
    stored_ids: list[str] = field(default_factory=list)

    def line(self, next_poll: dt.datetime | None = None) -> str:
        parts = [
            f"{self.sources} sources polled",
            f"{self.new_articles} new articles ({self.events} events)",
        ]
        if self.reposts:
            parts.append(f"{self.reposts} reposts folded")
        if self.from_summary:
            parts.append(f"{self.from_summary} coded from the feed summary")
        parts.append(f"{len(self.problems)} errors")
        if next_poll is not None:
            parts.append(f"next poll {next_poll.strftime('%H:%M:%S')} UTC")
        return ", ".join(parts)


class Watcher:
    def __init__(
        self,
        corpus: CorpusRun,
        sources: list[SourceSpec],
        settings: WatchSettings | None = None,
        on_status: Callable[[str], None] | None = None,
        on_problem: Callable[[Problem], None] | None = None,
    ) -> None:
        self.corpus = corpus
        self.store = corpus.store
        self.state = WatchState(corpus.store.conn)
        self.sources = sources
        self.settings = settings or WatchSettings()
        self.fetcher = Fetcher(self.settings)
        self.on_status = on_status or (lambda _line: None)
        self.on_problem = on_problem or (lambda _problem: None)
        for source in sources:
            self.state.register(source)

    def close(self) -> None:
        self.fetcher.close()

    def poll(self) -> PollSummary:
        summary = PollSummary()
        for number, source in enumerate(self.sources, start=1):
            self.on_status(f"polling {number}/{len(self.sources)}: {source.id}")
            summary.sources += 1
            try:
                self._poll_source(source, summary)
            except FetchError as exc:
                self._source_failed(source, exc.reason, summary)
            except (OSError, ValueError, UnicodeError) as exc:
                self._source_failed(source, f"{type(exc).__name__}: {exc}", summary)
        return summary

    def _source_failed(self, source: SourceSpec, reason: str, summary: PollSummary) -> None:
        summary.sources_failed += 1
        self.state.polled(source.id, error=reason)
        self._problem(summary, Problem(source.id, source.id, reason))

    def _problem(self, summary: PollSummary, problem: Problem) -> None:
        summary.problems.append(problem)
        self.on_problem(problem)

    def _outlet(self, source: SourceSpec, fallback: str | None = None) -> str | None:
        return (
            source.name or fallback or (urlsplit(source.id).hostname if is_url(source.id) else None)
        )

    # Feeds and sitemaps ------------------------------------------------------------------

    def _poll_source(self, source: SourceSpec, summary: PollSummary) -> None:
        if source.kind == "folder":
            self._poll_folder(source, summary)
            return
        row = self.state.source(source.id)
        if is_url(source.id):
            got = self.fetcher.get(
                source.id,
                etag=row["etag"] if row else None,
                last_modified=row["last_modified"] if row else None,
            )
            if got.not_modified:
                self.state.polled(source.id)
                return
            data, base = got.content, got.url
            validators = (got.etag, got.last_modified)
        else:
            data, base = Path(source.id).read_bytes(), source.id
            validators = (None, None)
            if len(data) > self.settings.max_bytes:
                raise FetchError(f"larger than the size limit ({len(data)} bytes)")
        if _looks_like_sitemap(data):
            items, outlet = self._sitemap_items(data, base), None
        else:
            items, outlet = _feed_items(data, base)
        # Validators are kept only once every item is dealt with: a watcher killed mid-poll
        # gets the whole feed again next time (and skips the items it stored).
        taken = 0
        for item in items:
            if taken >= MAX_ITEMS_PER_SOURCE:
                break  # the rest at the next poll (the validators are not kept: see below)
            if not self.state.is_due(item.url):
                continue
            taken += 1
            self._take_item(source, item, self._outlet(source, outlet), summary)
        if taken >= MAX_ITEMS_PER_SOURCE:
            self.state.polled(source.id)
            return
        self.state.polled(
            source.id, etag=validators[0], last_modified=validators[1], validators=True
        )

    def _sitemap_items(self, data: bytes, base: str, depth: int = 0) -> list[Item]:
        from lxml import etree

        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        try:
            root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError as exc:
            raise FetchError(f"malformed sitemap XML ({exc})") from None
        items: list[Item] = []
        children = 0
        tag = etree.QName(root).localname
        for entry in root:
            if not isinstance(entry.tag, str):
                continue
            fields = {
                etree.QName(child).localname: (child.text or "").strip()
                for child in entry.iter()
                if isinstance(child.tag, str)
            }
            loc = fields.get("loc")
            if not loc:
                continue
            loc = urljoin(base, loc)
            if tag == "sitemapindex":
                if depth > 0 or children >= MAX_CHILD_SITEMAPS:
                    continue  # one level of index, and the first children only
                children += 1
                child = self.fetcher.get(loc)
                items += self._sitemap_items(child.content, child.url, depth + 1)
            else:
                items.append(
                    Item(
                        url=urldefrag(loc)[0],
                        title=fields.get("title") or None,  # news:title
                        published=fields.get("publication_date") or fields.get("lastmod") or None,
                    )
                )
        return items

    def _take_item(
        self, source: SourceSpec, item: Item, outlet: str | None, summary: PollSummary
    ) -> None:
        try:
            page = self.fetcher.get(item.url)
            summary.fetched += 1
        except FetchError as exc:
            self._item_failed(source, item.url, exc.reason, exc.transient, summary)
            return
        if page.content_type and not any(
            kind in page.content_type for kind in ("html", "xml", "text/plain")
        ):
            self._item_failed(
                source, item.url, f"not an HTML page ({page.content_type})", False, summary
            )
            return
        meta = {
            "title": item.title,
            "published": item.published,
            "url": item.url,
            "source": outlet,
        }
        raw = RawDocument(name=item.url, text=page.text(), format="html", meta=meta)
        article = clean.build_article(raw)
        text_from = "page"
        if isinstance(article, InputError) or _words(article) < self.settings.min_words:
            fallback = self._from_summary(item, meta)
            if fallback is None:
                self._item_failed(
                    source, item.url, "not an article (no article text in the page)", False, summary
                )
                return
            article, text_from = fallback, "summary"
            summary.from_summary += 1
        self._code(source, item.url, article, text_from, summary)

    def _from_summary(self, item: Item, meta: dict) -> Article | None:
        if not item.summary:
            return None
        text = _strip_tags(item.summary)
        if len(_WORD.findall(text)) < self.settings.min_words:
            return None
        body = f"{item.title}\n\n{text}" if item.title else text
        article = clean.build_article(
            RawDocument(name=item.url, text=body, meta={**meta, "title": None})
        )
        if isinstance(article, InputError):
            return None
        article.title = item.title
        return article

    def _code(
        self, source: SourceSpec, url: str, article: Article, text_from: str, summary: PollSummary
    ) -> None:
        if self.store.has_article(article.id):
            # Stored by a watcher killed before it marked the item, or the same text under
            # another URL: nothing new to store.
            self.state.mark_item(
                source.id, url, "stored", article_id=article.id, text_from=text_from
            )
            return
        results = list(self.corpus.results_from([article]))
        result = next((r for r in results if isinstance(r, ArticleResult)), None)
        if result is None:
            reason = results[0].message if results else "not coded"
            self._item_failed(source, url, reason, False, summary)
            return
        stored = result.article
        if stored.status == "skipped":
            reason = stored.status_reason or "skipped"
            if reason.startswith("language is"):
                reason = f"not English ({stored.language})"
            self.state.mark_item(
                source.id, url, "failed", reason=reason, article_id=stored.id, text_from=text_from
            )
            self._problem(summary, Problem(source.id, url, reason))
            return
        self.state.mark_item(source.id, url, "stored", article_id=stored.id, text_from=text_from)
        if stored.status == "duplicate":
            summary.reposts += 1
        else:
            summary.new_articles += 1
            summary.events += len(result.events)
        summary.stored_ids.append(stored.id)

    def _item_failed(
        self, source: SourceSpec, url: str, reason: str, transient: bool, summary: PollSummary
    ) -> None:
        row = self.state.item(url)
        attempts = (row["attempts"] if row else 0) + 1
        if transient and attempts < self.settings.max_attempts:
            later = dt.datetime.now(dt.UTC) + dt.timedelta(
                seconds=self.settings.retry_after * 2 ** (attempts - 1)
            )
            self.state.mark_item(
                source.id,
                url,
                "retry",
                reason=reason,
                retry_after=later.strftime("%Y-%m-%dT%H:%M:%SZ"),
            )
            reason = f"{reason} (will retry after {later.strftime('%H:%M')} UTC)"
        else:
            self.state.mark_item(source.id, url, "failed", reason=reason)
        self._problem(summary, Problem(source.id, url, reason))

    # Folders -----------------------------------------------------------------------------

    def _poll_folder(self, source: SourceSpec, summary: PollSummary) -> None:
        folder = Path(source.id)
        if not folder.is_dir():
            raise FetchError("folder not found")
        for path in sorted(_walk(folder)):
            try:
                stat = path.stat()
            except OSError:
                continue
            key = f"{path}#{stat.st_mtime_ns}"
            if not self.state.is_due(key):
                continue
            problems = []
            stored = 0
            for item in self.corpus.pipeline.read([str(path)]):
                if isinstance(item, InputError):
                    problems.append(item.message)
                    continue
                item.source = item.source or source.name
                before = len(summary.stored_ids)
                self._code_file_article(source, key, item, summary)
                stored += len(summary.stored_ids) - before
            if problems and not stored:
                self.state.mark_item(source.id, key, "failed", reason=problems[0])
                self._problem(summary, Problem(source.id, str(path), problems[0]))
            else:
                self.state.mark_item(source.id, key, "stored", text_from="file")
                for message in problems:
                    self._problem(summary, Problem(source.id, str(path), message))
        self.state.polled(source.id)

    def _code_file_article(
        self, source: SourceSpec, key: str, article: Article, summary: PollSummary
    ) -> None:
        if self.store.has_article(article.id):
            return  # stored before (by `ingest`, or a watcher killed before it marked the file)
        for result in self.corpus.results_from([article]):
            if isinstance(result, InputError):
                self._problem(summary, Problem(source.id, key, result.message))
                continue
            if result.article.status == "skipped":
                reason = result.article.status_reason or "skipped"
                self._problem(summary, Problem(source.id, key.split("#")[0], reason))
            elif result.article.status == "duplicate":
                summary.reposts += 1
                summary.stored_ids.append(result.article.id)
            else:
                summary.new_articles += 1
                summary.events += len(result.events)
                summary.stored_ids.append(result.article.id)


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if not name.startswith(".") and Path(name).suffix.lower() in KNOWN_EXTENSIONS:
                yield Path(root) / name


def _looks_like_sitemap(data: bytes) -> bool:
    head = data[:2048].lower()
    return b"<urlset" in head or b"<sitemapindex" in head


def _feed_items(data: bytes, base: str) -> tuple[list[Item], str | None]:
    """The entries of an RSS or Atom feed (feedparser), newest order as the feed gives."""
    import feedparser

    parsed = feedparser.parse(data, response_headers={"content-location": base})
    entries = [entry for entry in parsed.get("entries") or [] if entry.get("link")]
    if parsed.get("bozo") and not entries:
        problem = parsed.get("bozo_exception")
        detail = str(problem).splitlines()[0] if problem else "not XML"
        raise FetchError(f"malformed feed ({detail})")
    if not entries and not parsed.get("version"):
        raise FetchError("not an RSS or Atom feed (no feed elements found)")
    items = []
    for entry in entries:
        link = entry.get("link")
        if not link:
            continue
        published = None
        for key in ("published_parsed", "updated_parsed"):
            stamp = entry.get(key)
            if stamp:
                published = dt.datetime.fromtimestamp(calendar.timegm(stamp), dt.UTC).isoformat()
                break
        summary = entry.get("summary")
        content = entry.get("content")
        if content and isinstance(content, list) and content[0].get("value"):
            summary = content[0]["value"]
        items.append(
            Item(
                url=urldefrag(urljoin(base, link))[0],
                title=entry.get("title"),
                published=published,
                summary=summary,
            )
        )
    outlet = (parsed.get("feed") or {}).get("title")
    return items, outlet


def _strip_tags(html: str) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    text = re.sub(r"<br\s*/?>|</p>", "\n\n", text, flags=re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    import html as html_module

    return re.sub(r"[ \t]+", " ", html_module.unescape(text)).strip()


def _words(article: Article) -> int:
    body = " ".join(article.part_text(p) for p in article.parts_of("body"))
    return len(_WORD.findall(body or article.text))
