"""The SQLite store: one file, schema versioned by migrations, one transaction per article.

Writing an article and everything coded from it happens in one transaction, so a run that is
killed leaves every stored article whole. Articles are keyed by their content hash, so
re-running stores nothing twice. WAL mode lets readers (the API) work while a run writes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from flashpoint.errors import StoreError
from flashpoint.model import Article, ArticleResult, Entity, Event, Quote
from flashpoint.store.migrations import MIGRATIONS, SCHEMA_VERSION

DEFAULT_DB = Path("flashpoint.db")


@dataclass
class EventFilter:
    type: str | None = None
    actor: str | None = None  # code, as actor or recipient
    since: str | None = None  # ISO date, inclusive
    until: str | None = None
    country: str | None = None
    article_id: str | None = None
    include_background: bool = True
    include_hypothetical: bool = True
    min_confidence: float | None = None
    near: tuple[float, float, float] | None = None  # lat, lon, km
    limit: int | None = None
    offset: int = 0


class Store:
    def __init__(self, path: Path | str = DEFAULT_DB, *, read_only: bool = False) -> None:
        self.path = Path(path)
        try:
            if read_only:
                if not self.path.exists():
                    raise StoreError(f"{self.path}: no such database (run `flashpoint run` first)")
                uri = f"file:{self.path}?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            else:
                if self.path.parent and not self.path.parent.exists():
                    raise StoreError(f"{self.path}: directory {self.path.parent} does not exist")
                self.conn = sqlite3.connect(self.path, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            if not read_only:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self._migrate()
            else:
                self._check_version()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a Flashpoint database ({exc})") from exc

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- schema ------------------------------------------------------------------------------

    def _version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _check_version(self) -> None:
        version = self._version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this Flashpoint "
                f"({SCHEMA_VERSION}); upgrade Flashpoint"
            )

    def _migrate(self) -> None:
        self._check_version()
        version = self._version()
        for number, _name, apply in MIGRATIONS[version:]:
            with self.conn:
                apply(self.conn)
                self.conn.execute(f"PRAGMA user_version = {number}")

    # --- writing -----------------------------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row is not None

    def save(self, result: ArticleResult) -> bool:
        """Store an article and all that was coded from it, atomically. False if it was
        already stored (then nothing changes)."""
        article = result.article
        with self.conn:
            cursor = self.conn.execute(
                "INSERT OR IGNORE INTO articles (id, source_id, title, category, published, source,"
                " url, language, status, status_reason, input_name, cluster_id, duplicate_of, text,"
                " record) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    article.id,
                    article.source_id,
                    article.title,
                    article.category,
                    article.published.isoformat() if article.published else None,
                    article.source,
                    article.url,
                    article.language,
                    article.status,
                    article.status_reason,
                    article.input_name,
                    article.cluster_id,
                    article.duplicate_of,
                    article.text,
                    article.model_dump_json(exclude={"text"}),
                ),
            )
            if cursor.rowcount == 0:
                return False
            self.conn.executemany(
                "INSERT OR REPLACE INTO events (id, article_id, event, mode, date, date_precision,"
                " actor_codes, recipient_codes, country, lat, lon, quad_code, event_scale,"
                " confidence, negated, hypothetical, future, background, section, link_id, record)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [_event_row(event) for event in result.events],
            )
            self.conn.executemany(
                "INSERT OR REPLACE INTO quotes (id, article_id, speaker_code, kind, record)"
                " VALUES (?,?,?,?,?)",
                [
                    (
                        q.id,
                        q.article_id,
                        q.speaker.code if q.speaker else None,
                        q.kind,
                        q.model_dump_json(),
                    )
                    for q in result.quotes
                ],
            )
            self.conn.executemany(
                "INSERT OR REPLACE INTO entities (article_id, position, text, label, code, sector,"
                " record) VALUES (?,?,?,?,?,?,?)",
                [
                    (article.id, i, e.text, e.label, e.code, e.sector, e.model_dump_json())
                    for i, e in enumerate(result.entities)
                ],
            )
        return True

    # --- reading -----------------------------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        row = self.conn.execute(
            "SELECT record, text FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return None
        data = json.loads(row["record"])
        data["text"] = row["text"]
        return Article.model_validate(data)

    def articles(self, limit: int | None = None, offset: int = 0) -> Iterator[Article]:
        sql = "SELECT record, text FROM articles ORDER BY published, id"
        params: list[object] = []
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        for row in self.conn.execute(sql, params):
            data = json.loads(row["record"])
            data["text"] = row["text"]
            yield Article.model_validate(data)

    def event(self, event_id: str) -> Event | None:
        row = self.conn.execute("SELECT record FROM events WHERE id = ?", (event_id,)).fetchone()
        return Event.model_validate_json(row["record"]) if row else None

    def events(self, where: EventFilter | None = None) -> list[Event]:
        sql, params = self._event_query(where or EventFilter(), "record")
        return [Event.model_validate_json(row["record"]) for row in self.conn.execute(sql, params)]

    def count_events(self, where: EventFilter | None = None) -> int:
        query = where or EventFilter()
        sql, params = self._event_query(
            EventFilter(**{**query.__dict__, "limit": None, "offset": 0}), "COUNT(*)"
        )
        return int(self.conn.execute(sql, params).fetchone()[0])

    def _event_query(self, where: EventFilter, columns: str) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if where.type:
            clauses.append("event = ?")
            params.append(where.type.upper())
        if where.actor:
            clauses.append("(actor_codes LIKE ? OR recipient_codes LIKE ?)")
            params += [f"% {where.actor.upper()} %"] * 2
        if where.since:
            clauses.append("date >= ?")
            params.append(where.since)
        if where.until:
            clauses.append("date <= ?")
            params.append(where.until)
        if where.country:
            clauses.append("country = ?")
            params.append(where.country.upper())
        if where.article_id:
            clauses.append("article_id = ?")
            params.append(where.article_id)
        if not where.include_background:
            clauses.append("background = 0")
        if not where.include_hypothetical:
            clauses.append("hypothetical = 0")
        if where.min_confidence is not None:
            clauses.append("confidence >= ?")
            params.append(where.min_confidence)
        if where.near is not None:
            lat, lon, km = where.near
            # A bounding box first (indexable), the exact great-circle test in Python after.
            dlat = km / 111.0
            dlon = km / max(1e-6, 111.0 * _cos_deg(lat))
            clauses.append("lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?")
            params += [lat - dlat, lat + dlat, lon - dlon, lon + dlon]
        sql = f"SELECT {columns} FROM events"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        if columns != "COUNT(*)":
            sql += " ORDER BY date, article_id, id"
            if where.limit is not None:
                sql += " LIMIT ? OFFSET ?"
                params += [where.limit, where.offset]
        return sql, params

    def quotes(self, speaker: str | None = None, article_id: str | None = None) -> list[Quote]:
        sql = "SELECT record FROM quotes"
        clauses, params = [], []
        if speaker:
            clauses.append("speaker_code = ?")
            params.append(speaker.upper())
        if article_id:
            clauses.append("article_id = ?")
            params.append(article_id)
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        return [
            Quote.model_validate_json(row["record"])
            for row in self.conn.execute(sql + " ORDER BY article_id, id", params)
        ]

    def entities(self, article_id: str) -> list[Entity]:
        rows = self.conn.execute(
            "SELECT record FROM entities WHERE article_id = ? ORDER BY position", (article_id,)
        )
        return [Entity.model_validate_json(row["record"]) for row in rows]

    def result(self, article_id: str) -> ArticleResult | None:
        article = self.article(article_id)
        if article is None:
            return None
        return ArticleResult(
            article=article,
            events=self.events(EventFilter(article_id=article_id)),
            quotes=self.quotes(article_id=article_id),
            entities=self.entities(article_id),
        )

    def counts(self) -> dict[str, int]:
        return {
            table: int(self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            for table in ("articles", "events", "quotes", "entities")
        }


def _codes(actors: Sequence) -> str | None:
    codes = sorted({a.code for a in actors if a.code})
    return f" {' '.join(codes)} " if codes else None


def _event_row(event: Event) -> tuple:
    loc = event.event_loc
    return (
        event.id,
        event.article_id,
        event.event,
        event.mode,
        event.date.isoformat() if event.date else None,
        event.date_precision,
        _codes(event.actor),
        _codes(event.recipient),
        loc.country if loc else None,
        loc.lat if loc else None,
        loc.lon if loc else None,
        event.quad_code,
        event.event_scale,
        event.confidence,
        int(event.negated),
        int(event.hypothetical),
        int(event.future),
        int(event.background),
        event.section,
        event.link_id,
        event.model_dump_json(),
    )


def _cos_deg(value: float) -> float:
    import math

    return math.cos(math.radians(value))
