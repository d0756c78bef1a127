"""A read-only store over a Parquet dataset (dataset.py), queried with DuckDB.

`flashpoint serve --parquet DIR` serves the API and the dashboard from it: the read methods
the API's routers and the exports call on the SQLite store (`Store`), with the same arguments
and the same results, over the files `flashpoint spark` writes. Nothing is copied: DuckDB reads
the Parquet files at each query, only the columns and row groups the query needs, and only the
partitions (event month, country) a country or date filter allows.

Full-text queries take the SQLite store's FTS5 syntax (words, "phrases", prefix*, AND, OR, NOT,
parentheses, column filters) and give the same matches: each phrase becomes a regular
expression over the same columns, folded the same way (case and diacritics), a word matching
whole words only. NEAR groups and the `^` and `+` operators are refused with a message. There
is no index: a search reads the searched text of every row the other filters keep.

Alerts are computed and stored by `flashpoint alerts` in a SQLite store; a dataset has none.
"""

from __future__ import annotations

import base64
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from flashpoint import dataset
from flashpoint.acled import acled_name
from flashpoint.errors import StoreError, UsageError
from flashpoint.model import Article, ArticleResult, Entity, Event, Quote
from flashpoint.store.fulltext import snippet
from flashpoint.store.sqlite import SORT_KEYS, EventFilter, iter_pages

MISSING_EXTRA = "serving a Parquet dataset needs DuckDB: pip install 'flashpoint[parquet]'"

ARTICLE_SUMMARY_SQL = (
    "SELECT a.id, a.source_id, a.title, a.category, a.published, a.source, a.url,"
    " a.language, a.status, a.status_reason, a.cluster_id, a.duplicate_of,"
    " CAST(NULL AS VARCHAR) AS stored_at, length(a.text) AS characters,"
    " (SELECT COUNT(*) FROM events e WHERE e.article_id = a.id) AS events"
    " FROM articles a"
)
# The text FTS5 indexes, per table and column (store/migrations.py), folded as its tokenizer
# folds it (unicode61 remove_diacritics 2: case and diacritics).
_ACTOR_NAMES = (
    "array_to_string(list_transform({side}, x -> coalesce(struct_extract(x, 'name'), '')"
    " || ' ' || coalesce(struct_extract(x, 'text'), '')), ' ')"
)
FULL_TEXT_COLUMNS: dict[str, dict[str, str]] = {
    "events": {
        "evidence": "evidence",
        "actors": _ACTOR_NAMES.format(side="actors")
        + " || ' ' || "
        + _ACTOR_NAMES.format(side="recipients"),
    },
    "articles": {"title": "title", "text": "text"},
}
_BOUNDARY = r"[^\pL\pN]"
AGGREGATE_COLUMNS = (
    "id, date, date_text, quad_code, event_scale, latitude, longitude, place_country,"
    " place_admin1, place_precision, place_name, place_text, actors, recipients"
)


def _dataset_key(key: str) -> str:
    # The store sorts coalesce(date, '') (a text column); a dataset's date is a DATE, and
    # NULLS FIRST orders the undated as '' does.
    return "date" if key == "coalesce(date, '')" else key


DATASET_SORTS: dict[str, str] = {
    name: ", ".join(
        f"{_dataset_key(key)} DESC NULLS LAST" if desc else f"{_dataset_key(key)} NULLS FIRST"
        for key in keys
    )
    for name, (keys, desc) in SORT_KEYS.items()
}


class FullTextError(sqlite3.OperationalError):
    """A full-text query the Parquet store cannot run (the API answers 422, as for SQLite)."""


def require_duckdb() -> Any:
    try:
        import duckdb
    except ImportError as exc:
        raise UsageError(f"{MISSING_EXTRA} ({exc.name} is missing)") from exc
    return duckdb


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class ParquetDataset:
    """The dataset's tables as DuckDB views, made once; `store()` gives a per-request store."""

    def __init__(self, path: Path | str) -> None:
        duckdb = require_duckdb()
        self.path = Path(path)
        if not self.path.is_dir():
            raise StoreError(f"{self.path}: no such dataset directory (see `flashpoint spark`)")
        if not (self.path / dataset.MANIFEST).is_file():
            raise StoreError(
                f"{self.path}: not a Flashpoint dataset (no {dataset.MANIFEST}; see"
                " `flashpoint spark`)"
            )
        self.conn = duckdb.connect(":memory:")
        self.conn.execute("SET default_null_order = 'nulls_first_on_asc_last_on_desc'")
        self.conn.execute("SET enable_object_cache = true")  # Parquet footers, across queries
        self.conn.execute("SET enable_progress_bar = false")
        self.conn.create_function(
            "fp_acled_is",
            _acled_is,
            ["VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR"],
            "INTEGER",
            null_handling="special",
        )
        for table in dataset.TABLES:
            self._view(table)

    def _view(self, table: str) -> None:
        folder = self.path / table
        files = (
            sorted(p for p in folder.rglob("*.parquet") if not p.name.startswith((".", "_")))
            if folder.is_dir()
            else []
        )
        if not files:
            # An empty table (Spark writes no file for it): a view with the dataset's columns.
            empty = dataset.arrow_schema(table).empty_table()
            self.conn.register(f"{table}_empty", empty)
            self.conn.execute(f"CREATE VIEW {table} AS SELECT * FROM {table}_empty")
            return
        pattern = str(folder / ("**/*.parquet" if table in dataset.PARTITIONED else "*.parquet"))
        options = ""
        if table in dataset.PARTITIONED:
            types = ", ".join(f"'{p}': VARCHAR" for p in dataset.PARTITIONS)
            options = f", hive_partitioning = true, hive_types = {{{types}}}"
        try:
            literal = "'" + pattern.replace("'", "''") + "'"  # a view takes no parameters
            self.conn.execute(
                f"CREATE VIEW {table} AS SELECT * FROM read_parquet({literal}{options})"
            )
            self.conn.execute(f"SELECT * FROM {table} LIMIT 0")
        except Exception as exc:  # duckdb's errors share no base class with a stable name
            reason = str(exc).splitlines()[0]
            raise StoreError(f"{folder}: cannot be read as Parquet ({reason})") from exc

    def store(self) -> ParquetStore:
        return ParquetStore(self.conn.cursor(), self.path)

    def close(self) -> None:
        self.conn.close()


class ParquetStore:
    """The read methods of `Store` over a ParquetDataset (one cursor: one request)."""

    def __init__(self, conn: Any, path: Path) -> None:
        self.conn = conn
        self.path = path
        self.immutable = True

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> ParquetStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    # --- events -------------------------------------------------------------------------------

    def _event_query(self, where: EventFilter, columns: str) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if where.type:
            clauses.append("event = ?")
            params.append(where.type.upper())
        if where.types:
            clauses.append(f"event IN ({', '.join('?' * len(where.types))})")
            params += [kind.upper() for kind in where.types]
        if where.actor:
            clauses.append("(list_contains(actor_codes, ?) OR list_contains(recipient_codes, ?))")
            params += [where.actor.upper()] * 2
        if where.initiator:
            clauses.append("list_contains(actor_codes, ?)")
            params.append(where.initiator.upper())
        if where.recipient:
            clauses.append("list_contains(recipient_codes, ?)")
            params.append(where.recipient.upper())
        if where.since:
            # The partition first (a month before the date reads no file), then the date.
            clauses.append("event_month >= ? AND date_text >= ?")
            params += [where.since[:7], where.since]
        if where.until:
            clauses.append("event_month <= ? AND date_text <= ?")
            params += [where.until[:7], where.until]
        if where.country:
            clauses.append("event_country = ? AND place_country = ?")
            params += [where.country.upper()] * 2
        if where.admin1:
            clauses.append("lower(place_admin1) = ?")
            params.append(where.admin1.strip().lower())
        if where.acled_type:
            # the ACLED typing each event record carries (stage acled)
            clauses.append(
                "(json_extract_string(record, '$.acled.event_type') = ?"
                " OR json_extract_string(record, '$.acled.sub_event_type') = ?)"
            )
            params += [acled_name(where.acled_type)] * 2
        if where.article_id:
            clauses.append("article_id = ?")
            params.append(where.article_id)
        if not where.include_background:
            clauses.append("NOT background")
        if not where.include_hypothetical:
            clauses.append("NOT hypothetical")
        if not where.include_negated:
            clauses.append("NOT negated")
        if where.min_confidence is not None:
            clauses.append("confidence >= ?")
            params.append(where.min_confidence)
        if where.min_dead is not None:
            clauses.append("dead >= ?")
            params.append(where.min_dead)
        if where.near is not None:
            lat, lon, km = where.near
            dlat = km / 111.0
            dlon = km / max(1e-6, 111.0 * _cos_deg(lat))
            clauses.append("latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?")
            params += [lat - dlat, lat + dlat, lon - dlon, lon + dlon]
            clauses.append(
                "2 * 6371.0088 * asin(least(1.0, sqrt(pow(sin(radians(? - latitude) / 2), 2)"
                " + cos(radians(latitude)) * cos(radians(?))"
                " * pow(sin(radians(? - longitude) / 2), 2)))) <= ?"
            )
            params += [lat, lat, lon, km]
        if where.quad is not None:
            clauses.append("quad_code = ?")
            params.append(where.quad)
        if where.mode:
            clauses.append("mode = ?")
            params.append(where.mode.lower())
        if where.bbox is not None:
            min_lon, min_lat, max_lon, max_lat = where.bbox
            clauses.append("latitude BETWEEN ? AND ?")
            params += [min_lat, max_lat]
            if min_lon <= max_lon:
                clauses.append("longitude BETWEEN ? AND ?")
                params += [min_lon, max_lon]
            else:
                clauses.append("(longitude >= ? OR longitude <= ?)")
                params += [min_lon, max_lon]
        if where.has_location is True:
            clauses.append("latitude IS NOT NULL AND longitude IS NOT NULL")
        elif where.has_location is False:
            clauses.append("(latitude IS NULL OR longitude IS NULL)")
        if where.link_id:
            clauses.append("link_id = ?")
            params.append(where.link_id)
        if where.alert_id:
            clauses.append("false")  # a dataset holds no alerts
        if where.text:
            searches = []
            if where.text_in in ("evidence", "both"):
                sql, found = full_text_sql(where.text, "events")
                searches.append(sql)
                params += found
            if where.text_in in ("article", "both"):
                sql, found = full_text_sql(where.text, "articles")
                searches.append(f"article_id IN (SELECT id FROM articles WHERE {sql})")
                params += found
            clauses.append("(" + " OR ".join(searches) + ")")
        sql = f"SELECT {columns} FROM events"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        if columns != "COUNT(*)":
            sql += " ORDER BY " + DATASET_SORTS[where.sort]
            if where.limit is not None:
                sql += " LIMIT ? OFFSET ?"
                params += [where.limit, where.offset]
        return sql, params

    def events(self, where: EventFilter | None = None) -> list[Event]:
        """The page's ids first (sorting reads the sort columns only), then their records:
        reading every record to keep a page of them would read the whole table."""
        sql, params = self._event_query(where or EventFilter(), "id")
        ids = [row[0] for row in self.conn.execute(sql, params).fetchall()]
        return [Event.model_validate_json(record) for record in self._records("events", ids)]

    def events_page(self, where: EventFilter) -> tuple[list[Event], str | None]:
        """A page of events and the cursor of the next (None after the last). A dataset is
        read-only, so the cursor holds the next page's position: no insert can shift it."""
        offset = _cursor_offset(where.sort, where.cursor) if where.cursor else where.offset
        events = self.events(EventFilter(**{**where.__dict__, "offset": offset, "cursor": None}))
        full = where.limit is not None and len(events) == where.limit
        return events, _offset_cursor(where.sort, offset + len(events)) if full else None

    def iter_events(self, where: EventFilter, batch: int = 1000) -> Iterator[list[Event]]:
        """The filtered events in batches, in the filter's sort; its limit and offset hold."""
        return iter_pages(self.events_page, where, batch)

    def count_events_capped(
        self, where: EventFilter | None = None, cap: int = 10_000
    ) -> tuple[int, bool]:
        """Exact: a columnar count reads one column, whatever the size (`cap` unused)."""
        return self.count_events(where), False

    def _records(self, table: str, ids: list[str]) -> list[str]:
        """The `record` of each id, in the order of `ids`."""
        if not ids:
            return []
        rows = self.conn.execute(
            f"SELECT id, record FROM {table} WHERE id IN (SELECT unnest(?::VARCHAR[]))", [ids]
        ).fetchall()
        found = dict(rows)
        return [found[i] for i in ids if i in found]

    def count_events(self, where: EventFilter | None = None) -> int:
        query = where or EventFilter()
        sql, params = self._event_query(
            EventFilter(**{**query.__dict__, "limit": None, "offset": 0}), "COUNT(*)"
        )
        return int(self.conn.execute(sql, params).fetchone()[0])

    def event(self, event_id: str) -> Event | None:
        row = self.conn.execute("SELECT record FROM events WHERE id = ?", [event_id]).fetchone()
        return Event.model_validate_json(row[0]) if row else None

    def article_events(self, article_id: str) -> list[Event]:
        rows = self.conn.execute(
            "SELECT record FROM events WHERE article_id = ? ORDER BY position", [article_id]
        ).fetchall()
        return [Event.model_validate_json(row[0]) for row in rows]

    def linked_events(self, link_id: str) -> list[Event]:
        rows = self.conn.execute(
            "SELECT record FROM events WHERE link_id = ? ORDER BY date, article_id, id", [link_id]
        ).fetchall()
        return [Event.model_validate_json(row[0]) for row in rows]

    def event_ids_with_prefix(self, prefix: str, limit: int = 6) -> list[str]:
        rows = self.conn.execute(
            "SELECT id FROM events WHERE starts_with(id, ?) ORDER BY id LIMIT ?", [prefix, limit]
        ).fetchall()
        return [row[0] for row in rows]

    # --- aggregates ---------------------------------------------------------------------------

    def _filtered(self, where: EventFilter) -> tuple[str, list[object]]:
        """A CTE `f` of the filtered events, with the columns the aggregates read only (not
        the records: Parquet is read column by column)."""
        unpaged = EventFilter(**{**where.__dict__, "limit": None, "offset": 0})
        sql, params = self._event_query(unpaged, AGGREGATE_COLUMNS)
        return f"WITH f AS NOT MATERIALIZED ({sql})", params

    def timeline(self, where: EventFilter) -> list[dict]:
        cte, params = self._filtered(where)
        return self._rows(
            f"{cte} SELECT date_text AS date, quad_code, COUNT(*) AS events,"
            " SUM(event_scale) AS score FROM f WHERE date_text IS NOT NULL"
            " GROUP BY date_text, quad_code ORDER BY date_text, quad_code",
            params,
        )

    def map_places(self, where: EventFilter) -> list[dict]:
        cte, params = self._filtered(where)
        rows = self._rows(
            f"{cte}, placed AS (SELECT id, date, quad_code, round(latitude, 4) AS lat,"
            " round(longitude, 4) AS lon, place_country AS country, place_precision AS precision,"
            " coalesce(place_name, place_text) AS name FROM f"
            " WHERE latitude IS NOT NULL AND longitude IS NOT NULL)"
            " SELECT lat, lon, precision, MIN(country) AS country, MIN(name) AS name,"
            " COUNT(*) AS events, COUNT(*) FILTER (WHERE quad_code = 1) AS q1,"
            " COUNT(*) FILTER (WHERE quad_code = 2) AS q2,"
            " COUNT(*) FILTER (WHERE quad_code = 3) AS q3,"
            " COUNT(*) FILTER (WHERE quad_code = 4) AS q4,"
            " list(id ORDER BY date DESC, id)[1:5] AS event_ids"
            " FROM placed GROUP BY lat, lon, precision ORDER BY events DESC, lat, lon",
            params,
        )
        for item in rows:
            item["quads"] = {q: item.pop(f"q{q}") or 0 for q in (1, 2, 3, 4)}
            item["event_ids"] = list(item["event_ids"] or [])
        return rows

    def country_counts(self, where: EventFilter) -> list[dict]:
        cte, params = self._filtered(where)
        return self._rows(
            f"{cte} SELECT place_country AS country, COUNT(*) AS events FROM f"
            " WHERE place_country IS NOT NULL GROUP BY place_country ORDER BY events DESC, country",
            params,
        )

    def admin1_counts(self, where: EventFilter) -> list[dict]:
        cte, params = self._filtered(where)
        return self._rows(
            f"{cte} SELECT place_admin1 AS admin1, MIN(place_country) AS country,"
            " COUNT(*) AS events FROM f WHERE place_admin1 IS NOT NULL"
            " GROUP BY place_admin1 ORDER BY events DESC, admin1",
            params,
        )

    def actor_counts(self, where: EventFilter, limit: int | None = None) -> list[dict]:
        cte, params = self._filtered(where)
        sql = (
            f"{cte}, sides AS ("
            " SELECT id AS event_id, 'actor' AS side, struct_extract(x, 'code') AS code,"
            " coalesce(struct_extract(x, 'name'), struct_extract(x, 'text')) AS name"
            " FROM (SELECT id, unnest(actors) AS x FROM f)"
            " UNION ALL"
            " SELECT id, 'recipient', struct_extract(x, 'code'),"
            " coalesce(struct_extract(x, 'name'), struct_extract(x, 'text'))"
            " FROM (SELECT id, unnest(recipients) AS x FROM f))"
            " SELECT code, COUNT(DISTINCT event_id) AS events,"
            " COUNT(DISTINCT CASE WHEN side = 'actor' THEN event_id END) AS as_actor,"
            " COUNT(DISTINCT CASE WHEN side = 'recipient' THEN event_id END) AS as_recipient,"
            " list(DISTINCT name) AS names"
            " FROM sides WHERE code IS NOT NULL GROUP BY code ORDER BY events DESC, code"
        )
        if limit is not None:
            sql += " LIMIT ?"
            params = [*params, limit]
        rows = self._rows(sql, params)
        for item in rows:
            item["names"] = sorted(n for n in item["names"] or [] if n)[:10]
        return rows

    def dyads(
        self, where: EventFilter, level: str = "sector", limit: int | None = None
    ) -> list[dict]:
        key = {
            "country": "struct_extract({v}, 'code')",
            "sector": "struct_extract({v}, 'code') || coalesce('-' || struct_extract({v},"
            " 'sector'), '')",
            "actor": "coalesce(struct_extract({v}, 'name'), struct_extract({v}, 'code') ||"
            " coalesce('-' || struct_extract({v}, 'sector'), ''))",
        }[level]
        cte, params = self._filtered(where)
        sql = (
            f"{cte}, acts AS (SELECT id, event_scale, unnest(actors) AS a FROM f),"
            " recs AS (SELECT id, unnest(recipients) AS r FROM f),"
            " pairs AS (SELECT DISTINCT acts.id AS event_id, acts.event_scale AS score,"
            f" {key.format(v='a')} AS source, {key.format(v='r')} AS target,"
            " struct_extract(a, 'code') AS source_code, struct_extract(r, 'code') AS target_code"
            " FROM acts JOIN recs ON acts.id = recs.id"
            " WHERE struct_extract(a, 'code') IS NOT NULL"
            " AND struct_extract(r, 'code') IS NOT NULL)"
            " SELECT source, target, MIN(source_code) AS source_code,"
            " MIN(target_code) AS target_code, COUNT(*) AS events,"
            " SUM(score) AS score_sum, AVG(score) AS score_mean"
            " FROM pairs WHERE source != target GROUP BY source, target"
            " ORDER BY events DESC, source, target"
        )
        if limit is not None:
            sql += " LIMIT ?"
            params = [*params, limit]
        return self._rows(sql, params)

    def dyad_series(
        self, where: EventFilter, actor: str, recipient: str, *, both_ways: bool = False
    ) -> list[dict]:
        directions = [(actor, recipient)] + ([(recipient, actor)] if both_ways else [])
        parts, params = [], []
        for source, target in directions:
            sql, part_params = self._event_query(
                EventFilter(
                    **{
                        **where.__dict__,
                        "initiator": source,
                        "recipient": target,
                        "limit": None,
                        "offset": 0,
                    }
                ),
                "id, date_text, event_scale",
            )
            parts.append(f"SELECT * FROM ({sql})")
            params += part_params
        return self._rows(
            "SELECT date_text AS date, COUNT(*) AS events, SUM(event_scale) AS score_sum,"
            " AVG(event_scale) AS score_mean"
            f" FROM ({' UNION '.join(parts)}) WHERE date_text IS NOT NULL"
            " GROUP BY date_text ORDER BY date_text",
            params,
        )

    # --- articles -----------------------------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        row = self.conn.execute(
            "SELECT record, text FROM articles WHERE id = ?", [article_id]
        ).fetchone()
        if row is None:
            return None
        data = json.loads(row[0])
        data["text"] = row[1]
        return Article.model_validate(data)

    def article_rows(
        self,
        *,
        text: str | None = None,
        status: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[dict], int]:
        clauses: list[str] = []
        params: list[object] = []
        if text:
            sql, found = full_text_sql(text, "articles", alias="a.")
            clauses.append(sql)
            params += found
        if status:
            clauses.append("a.status = ?")
            params.append(status)
        if since:
            clauses.append("a.published >= ?")
            params.append(since)
        if until:
            clauses.append("a.published < ?")
            params.append(until + "T99" if len(until) == 10 else until)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        total = int(
            self.conn.execute(f"SELECT COUNT(*) FROM articles a{where}", params).fetchone()[0]
        )
        page = self.conn.execute(
            f"SELECT a.id FROM articles a{where} ORDER BY a.published DESC, a.id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        ).fetchall()
        items = self.article_rows_by_id([row[0] for row in page])
        if text and items:
            for item in items:
                row = self.conn.execute(
                    "SELECT text FROM articles WHERE id = ?", [item["id"]]
                ).fetchone()
                item["snippet"] = snippet(row[0], text) if row else None
        return items, total

    def article_rows_by_id(self, article_ids: Sequence[str]) -> list[dict]:
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return []
        rows = self._rows(f"{ARTICLE_SUMMARY_SQL} WHERE a.id IN ({', '.join('?' * len(ids))})", ids)
        found = {row["id"]: row for row in rows}
        return [found[i] for i in ids if i in found]

    def article_stored_at(self, article_ids: Sequence[str]) -> dict[str, dict]:
        out: dict[str, dict] = {}
        ids = list(dict.fromkeys(article_ids))
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            rows = self._rows(
                "SELECT id, source_id, title, published, source, url, input_name,"
                " CAST(NULL AS VARCHAR) AS stored_at, length(text) AS characters FROM articles"
                f" WHERE id IN ({', '.join('?' * len(part))})",
                part,
            )
            out.update({row["id"]: row for row in rows})
        return out

    def quotes(
        self,
        speaker: str | None = None,
        article_id: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        *,
        since: str | None = None,
        until: str | None = None,
        text: str | None = None,
    ) -> list[Quote]:
        where, params = _quote_clauses(speaker, article_id, since, until, text)
        sql = f"SELECT record FROM quotes{where} ORDER BY article_id, id"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [
            Quote.model_validate_json(row[0]) for row in self.conn.execute(sql, params).fetchall()
        ]

    def count_quotes(
        self,
        speaker: str | None = None,
        article_id: str | None = None,
        *,
        since: str | None = None,
        until: str | None = None,
        text: str | None = None,
    ) -> int:
        where, params = _quote_clauses(speaker, article_id, since, until, text)
        return int(self.conn.execute(f"SELECT COUNT(*) FROM quotes{where}", params).fetchone()[0])

    def count_quotes_capped(
        self,
        speaker: str | None = None,
        article_id: str | None = None,
        *,
        since: str | None = None,
        until: str | None = None,
        text: str | None = None,
        cap: int = 10_000,
    ) -> tuple[int, bool]:
        """Exact, as `count_events_capped`."""
        count = self.count_quotes(speaker, article_id, since=since, until=until, text=text)
        return count, False

    def entities(self, article_id: str) -> list[Entity]:
        rows = self.conn.execute(
            "SELECT record FROM entities WHERE article_id = ? ORDER BY position", [article_id]
        ).fetchall()
        return [Entity.model_validate_json(row[0]) for row in rows]

    def result(self, article_id: str) -> ArticleResult | None:
        article = self.article(article_id)
        if article is None:
            return None
        return ArticleResult(
            article=article,
            events=self.article_events(article_id),
            quotes=self.quotes(article_id=article_id),
            entities=self.entities(article_id),
        )

    def stored_alerts(self, **_filters: object) -> list[dict[str, Any]]:
        """A dataset holds no alerts (`flashpoint alerts` stores them in a SQLite store)."""
        return []

    def counts(self) -> dict[str, int]:
        return {
            table: int(self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            for table in ("articles", "events", "quotes", "entities")
        }


def _quote_clauses(
    speaker: str | None,
    article_id: str | None,
    since: str | None = None,
    until: str | None = None,
    text: str | None = None,
) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if since:
        clauses.append(
            "article_id IN (SELECT id FROM articles WHERE substr(published, 1, 10) >= ?)"
        )
        params.append(since)
    if until:
        clauses.append(
            "article_id IN (SELECT id FROM articles WHERE substr(published, 1, 10) <= ?)"
        )
        params.append(until)
    if text:
        clauses.append("instr(lower(json_extract_string(record, '$.text')), ?) > 0")
        params.append(text.lower())
    if speaker:
        clauses.append("speaker_code = ?")
        params.append(speaker.upper())
    if article_id:
        clauses.append("article_id = ?")
        params.append(article_id)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _cos_deg(value: float) -> float:
    import math

    return math.cos(math.radians(value))


def _acled_is(event: str | None, mode: str | None, recipients: str | None, name: str) -> int:
    from flashpoint.store.sqlite import _acled_is as acled_is

    return acled_is(event, mode, recipients, name)


# --- full text ------------------------------------------------------------------------------------

_TOKEN = re.compile(r'"(?:[^"]|"")*"?|[\w\x80-\U0010ffff]+|\S')
_WORD = re.compile(r"[\w\x80-\U0010ffff]+")


def _check_syntax(query: str, table: str) -> None:
    """FTS5's own verdict on the query, from an empty in-memory table with the same columns:
    the same errors (and 422 messages) as the SQLite store's."""
    columns = ", ".join(FULL_TEXT_COLUMNS[table])
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(f"CREATE VIRTUAL TABLE t USING fts5({columns})")
        conn.execute("SELECT * FROM t WHERE t MATCH ?", (query,)).fetchall()
    finally:
        conn.close()


def full_text_sql(query: str, table: str, alias: str = "") -> tuple[str, list[object]]:
    """A DuckDB condition true for the rows of `table` the FTS5 query matches."""
    _check_syntax(query, table)
    parser = _Parser(_TOKEN.findall(query), table, alias)
    sql = parser.parse()
    return sql, parser.params


class _Parser:
    """FTS5 query syntax (NOT binds tightest, then AND or juxtaposition, then OR) to SQL."""

    def __init__(self, tokens: list[str], table: str, alias: str) -> None:
        self.tokens = tokens
        self.i = 0
        self.table = table
        self.columns = FULL_TEXT_COLUMNS[table]
        self.alias = alias
        self.params: list[object] = []

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> str:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> str:
        sql = self.or_expr()
        if self.peek() is not None:
            raise FullTextError(f"unexpected {self.peek()!r} in the full-text query")
        return sql

    def or_expr(self) -> str:
        parts = [self.and_expr()]
        while self.peek() == "OR":
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"

    def and_expr(self) -> str:
        parts = [self.not_expr()]
        while (token := self.peek()) is not None and token not in ("OR", ")"):
            if token == "AND":
                self.take()
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def not_expr(self) -> str:
        sql = self.primary()
        while self.peek() == "NOT":
            self.take()
            sql = f"({sql} AND NOT {self.primary()})"
        return sql

    def primary(self, columns: Sequence[str] | None = None) -> str:
        token = self.peek()
        if token is None:
            raise FullTextError("the full-text query ends too early")
        if token == "(":
            self.take()
            sql = self.or_expr()
            if self.peek() != ")":
                raise FullTextError("unbalanced parentheses in the full-text query")
            self.take()
            return sql
        if token in ("NEAR", "^", "+"):
            raise FullTextError(
                f"{token} is not supported when serving a Parquet dataset (words, phrases,"
                " prefix*, AND, OR, NOT, parentheses and column filters are)"
            )
        # A column filter: col : ..., {col col} : ..., - before either to exclude.
        exclude = False
        if token == "-":
            exclude = True
            self.take()
            token = self.peek() or ""
        if token == "{" or (
            _WORD.fullmatch(token)
            and self.i + 1 < len(self.tokens)
            and self.tokens[self.i + 1] == ":"
        ):
            names = []
            if token == "{":
                self.take()
                while (name := self.take()) != "}":
                    names.append(name)
            else:
                names.append(self.take())
            self.take()  # the colon
            chosen = [c for c in self.columns if (c in names) != exclude]
            return self.primary(chosen)
        self.take()
        if token.startswith('"'):
            words = _WORD.findall(token.strip('"').replace('""', '"'))
        else:
            words = [token]
        prefix = self.peek() == "*"
        if prefix:
            self.take()
        return self.phrase([_fold(w) for w in words], prefix, columns or list(self.columns))

    def phrase(self, words: list[str], prefix: bool, columns: Sequence[str]) -> str:
        if not words:
            return "false"
        pattern = (
            f"(^|{_BOUNDARY})"
            + f"{_BOUNDARY}+".join(re.escape(w) for w in words)
            + ("" if prefix else f"({_BOUNDARY}|$)")
        )
        tests = []
        for column in columns:
            expression = self.columns[column]
            if expression == column:
                expression = self.alias + column
            tests.append(f"regexp_matches(strip_accents(lower(coalesce({expression}, ''))), ?)")
            self.params.append(pattern)
        return "(" + " OR ".join(tests) + ")" if len(tests) > 1 else tests[0]


def _offset_cursor(sort: str, offset: int) -> str:
    data = json.dumps(["dataset", sort, offset], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _cursor_offset(sort: str, cursor: str) -> int:
    """The position a cursor of `_offset_cursor` holds; a one-line StoreError otherwise."""
    try:
        kind, cursor_sort, offset = json.loads(
            base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        )
        if kind == "dataset" and cursor_sort == sort and isinstance(offset, int) and offset >= 0:
            return offset
    except (ValueError, TypeError):
        pass
    raise StoreError(
        f"cursor {cursor[:40]!r}: not a cursor of this list (sort {sort}); use the `next`"
        " value of the previous page, with the same sort and filters"
    )
