"""The Parquet dataset: what `flashpoint spark` writes, `flashpoint load` stores and
`flashpoint serve --parquet` serves.

    DIR/_flashpoint.json                      format, version, dedup settings, partitioning
    DIR/articles/part-*.parquet               one row per article (text and record included)
    DIR/events/event_month=2024-01/event_country=IRQ/part-*.parquet
                                              one row per event: the CSV/Parquet export's
                                              columns, then what a store needs (record, ...)
    DIR/linked_events/event_month=.../event_country=.../part-*.parquet
    DIR/quotes, entities, mentions, clusters, fingerprints, errors/part-*.parquet

Events and linked events are partitioned by the month of the event's date and its country
(`unknown` when there is none): a query for a country or a period reads only its directories.
A month rather than a day: a year of global news by day and country would make tens of
thousands of small files, which every reader pays for. `fingerprints` holds each article's
MinHash signature (dedup), so that a store the dataset is loaded into recognises later reposts
of its articles without recomputing them.

The same rows are built by the Spark job (spark.py, in its tasks) and by `DatasetWriter` (from
coded articles, as `Store.save` takes them): both call the row functions below.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flashpoint.export import FLAT_COLUMNS, flat_row
from flashpoint.model import Article, ArticleResult, Event, EventMention, LinkedEvent
from flashpoint.stages.dedup import DedupOptions, Fingerprint, signature_to_bytes

if TYPE_CHECKING:
    import pyarrow as pa

    from flashpoint.store import Store

FORMAT = "flashpoint-dataset"
VERSION = 1
MANIFEST = "_flashpoint.json"
PARTITIONS = ("event_month", "event_country")
UNKNOWN = "unknown"
"""The partition value of an event without a date or a country."""

ROWS_PER_GROUP = 16384
"""Rows a partition gathers before `write_store` writes them as one Parquet row group."""

ACTORS_TYPE = "array<struct<code:string,sector:string,name:string,text:string>>"

# Column name -> Spark SQL type, per table. The export's flat columns come first in events.
_FLAT_TYPES = {
    "string": "string",
    "int": "long",
    "float": "double",
    "bool": "boolean",
    "date": "date",
    "datetime": "timestamp",
}
COLUMNS: dict[str, dict[str, str]] = {
    "articles": {
        "id": "string",
        "source_id": "string",
        "title": "string",
        "category": "string",
        "published": "string",
        "source": "string",
        "url": "string",
        "language": "string",
        "status": "string",
        "status_reason": "string",
        "input_name": "string",
        "cluster_id": "string",
        "duplicate_of": "string",
        "ordinal": "long",
        "text": "string",
        "record": "string",
    },
    "events": {
        **{name: _FLAT_TYPES[kind] for name, kind in FLAT_COLUMNS.items()},
        "position": "int",
        "date_text": "string",
        "actor_codes": "array<string>",
        "recipient_codes": "array<string>",
        "actors": ACTORS_TYPE,
        "recipients": ACTORS_TYPE,
        "record": "string",
        "event_month": "string",
        "event_country": "string",
    },
    "quotes": {
        "id": "string",
        "article_id": "string",
        "kind": "string",
        "speaker_code": "string",
        "position": "int",
        "record": "string",
    },
    "entities": {
        "article_id": "string",
        "text": "string",
        "label": "string",
        "code": "string",
        "sector": "string",
        "position": "int",
        "record": "string",
    },
    "mentions": {
        "link_id": "string",
        "article_id": "string",
        "event_id": "string",
        "event_ids": "array<string>",
        "repost": "boolean",
        "source": "string",
        "published": "string",
        "cluster_id": "string",
        "confidence": "double",
    },
    "linked_events": {
        "id": "string",
        "event": "string",
        "mode": "string",
        "date": "string",
        "date_last": "string",
        "country": "string",
        "lat": "double",
        "lon": "double",
        "actor_codes": "array<string>",
        "recipient_codes": "array<string>",
        "num_mentions": "int",
        "num_articles": "int",
        "num_sources": "int",
        "num_reports": "int",
        "first_article_id": "string",
        "first_reported": "string",
        "confidence": "double",
        "record": "string",
        "event_month": "string",
        "event_country": "string",
    },
    "clusters": {
        "id": "string",
        "canonical_id": "string",
        "size": "int",
        "first_published": "string",
        "last_published": "string",
    },
    "fingerprints": {
        "article_id": "string",
        "cluster_id": "string",
        "canonical_id": "string",
        "signature": "binary",
    },
    "errors": {"ordinal": "long", "name": "string", "error": "string"},
}
TABLES = tuple(COLUMNS)
PARTITIONED = frozenset({"events", "linked_events"})


def spark_schema(table: str) -> str:
    """The table's columns as a Spark DDL string."""
    return ", ".join(f"{name} {kind}" for name, kind in COLUMNS[table].items())


def arrow_schema(table: str) -> pa.Schema:
    import pyarrow as pa

    def arrow_type(kind: str) -> pa.DataType:
        simple = {
            "string": pa.string(),
            "long": pa.int64(),
            "int": pa.int32(),
            "double": pa.float64(),
            "boolean": pa.bool_(),
            "date": pa.date32(),
            "timestamp": pa.timestamp("us"),
            "binary": pa.binary(),
            "array<string>": pa.list_(pa.string()),
        }
        if kind == ACTORS_TYPE:
            return pa.list_(
                pa.struct([(f, pa.string()) for f in ("code", "sector", "name", "text")])
            )
        return simple[kind]

    return pa.schema([(name, arrow_type(kind)) for name, kind in COLUMNS[table].items()])


def manifest(dedup: DedupOptions) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "partitioning": {"events": list(PARTITIONS), "linked_events": list(PARTITIONS)},
        "dedup": {
            "threshold": dedup.threshold,
            "num_perm": dedup.num_perm,
            "shingle_words": dedup.shingle_words,
            "params": dedup.params(),
        },
    }


# --- rows ---------------------------------------------------------------------------------------


def partition_values(date: str | None, country: str | None) -> tuple[str, str]:
    return (date[:7] if date else UNKNOWN, country or UNKNOWN)


def article_meta(article: Article) -> dict[str, Any]:
    """What an event row takes from its article (as Store.article_stored_at gives it)."""
    return {
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "source": article.source,
        "url": article.url,
    }


def article_row(article: Article, ordinal: int) -> dict[str, Any]:
    row = {c: getattr(article, c, None) for c in COLUMNS["articles"]}
    row["published"] = article.published.isoformat() if article.published else None
    row["ordinal"] = ordinal
    row["record"] = article.model_dump_json(exclude={"text"})
    return row


def _actors(actors: Sequence) -> list[dict[str, str | None]]:
    return [{"code": a.code, "sector": a.sector, "name": a.name, "text": a.text} for a in actors]


def event_row(event: Event, meta: dict[str, Any] | None, position: int) -> dict[str, Any]:
    """One event as the export's flat row plus the store's columns and the partition keys."""
    row = flat_row(event, meta)
    date = event.date.isoformat() if event.date else None
    country = event.event_loc.country if event.event_loc else None
    row.update(
        position=position,
        date_text=date,
        actor_codes=sorted({a.code for a in event.actor if a.code}),
        recipient_codes=sorted({a.code for a in event.recipient if a.code}),
        actors=_actors(event.actor),
        recipients=_actors(event.recipient),
        record=event.model_dump_json(),
    )
    row["event_month"], row["event_country"] = partition_values(date, country)
    return row


def quote_rows(result: ArticleResult) -> list[dict[str, Any]]:
    return [
        {
            "id": q.id,
            "article_id": q.article_id,
            "kind": q.kind,
            "speaker_code": q.speaker.code if q.speaker else None,
            "position": i,
            "record": json.dumps(q.model_dump(mode="json"), ensure_ascii=False),
        }
        for i, q in enumerate(result.quotes)
    ]


def entity_rows(result: ArticleResult) -> list[dict[str, Any]]:
    return [
        {
            "article_id": result.article.id,
            "text": e.text,
            "label": e.label,
            "code": e.code,
            "sector": e.sector,
            "position": i,
            "record": json.dumps(e.model_dump(mode="json"), ensure_ascii=False),
        }
        for i, e in enumerate(result.entities)
    ]


def mention_row(mention: EventMention) -> dict[str, Any]:
    data = mention.model_dump(mode="json")
    return {c: data.get(c) for c in COLUMNS["mentions"]}


def linked_row(record: LinkedEvent) -> dict[str, Any]:
    loc = record.event_loc
    date = record.date.isoformat() if record.date else None
    country = loc.country if loc else None
    row = {
        "id": record.id,
        "event": record.event,
        "mode": record.mode,
        "date": date,
        "date_last": record.date_last.isoformat() if record.date_last else None,
        "country": country,
        "lat": loc.lat if loc else None,
        "lon": loc.lon if loc else None,
        "actor_codes": record.actor_codes,
        "recipient_codes": record.recipient_codes,
        "num_mentions": record.num_mentions,
        "num_articles": record.num_articles,
        "num_sources": record.num_sources,
        "num_reports": record.num_reports,
        "first_article_id": record.first_article_id,
        "first_reported": record.first_reported.isoformat() if record.first_reported else None,
        "confidence": record.confidence,
        "record": record.model_dump_json(exclude={"mentions"}),
    }
    row["event_month"], row["event_country"] = partition_values(date, country)
    return row


def fingerprint_row(fingerprint: Fingerprint) -> dict[str, Any] | None:
    if fingerprint.signature is None:
        return None
    return {
        "article_id": fingerprint.article_id,
        "cluster_id": fingerprint.cluster_id,
        "canonical_id": fingerprint.canonical_id,
        "signature": signature_to_bytes(fingerprint.signature),
    }


# --- writing from coded articles ----------------------------------------------------------------


class DatasetWriter:
    """Writes a dataset from coded articles, given as `Store.save` takes them (tests, small
    corpora; the Spark job writes the same tables from its tasks). Rows are kept in memory
    until `close()`."""

    def __init__(self, path: Path | str, dedup: DedupOptions | None = None) -> None:
        self.path = Path(path)
        self.dedup = dedup or DedupOptions()
        self.rows: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES}
        self.linked: dict[str, dict[str, Any]] = {}
        self.ids: set[str] = set()

    def add(
        self,
        result: ArticleResult,
        fingerprint: Fingerprint | None = None,
        mentions: Sequence[EventMention] = (),
        linked: Sequence[LinkedEvent] = (),
    ) -> bool:
        article = result.article
        if article.id in self.ids:
            return False
        self.ids.add(article.id)
        self.rows["articles"].append(article_row(article, len(self.ids) - 1))
        meta = article_meta(article)
        self.rows["events"] += [event_row(e, meta, i) for i, e in enumerate(result.events)]
        self.rows["quotes"] += quote_rows(result)
        self.rows["entities"] += entity_rows(result)
        self.rows["mentions"] += [mention_row(m) for m in mentions]
        self.linked.update((record.id, linked_row(record)) for record in linked)
        if fingerprint is not None and (row := fingerprint_row(fingerprint)) is not None:
            self.rows["fingerprints"].append(row)
        return True

    def _clusters(self) -> list[dict[str, Any]]:
        clusters: dict[str, dict[str, Any]] = {}
        for row in self.rows["articles"]:
            if not row["cluster_id"]:
                continue
            cluster = clusters.setdefault(
                row["cluster_id"],
                {
                    "id": row["cluster_id"],
                    "canonical_id": row["duplicate_of"] or row["id"],
                    "size": 0,
                    "first_published": None,
                    "last_published": None,
                },
            )
            cluster["size"] += 1
            published = row["published"]
            if published is not None:
                first, last = cluster["first_published"], cluster["last_published"]
                cluster["first_published"] = min(published, first) if first else published
                cluster["last_published"] = max(published, last) if last else published
        return list(clusters.values())

    def close(self) -> dict[str, int]:
        """Write every table and the manifest; returns the rows of each table."""
        self.rows["linked_events"] = list(self.linked.values())
        self.rows["clusters"] = self._clusters()
        counts = {}
        for table, rows in self.rows.items():
            write_table(self.path, table, rows)
            counts[table] = len(rows)
        (self.path / MANIFEST).write_text(json.dumps(manifest(self.dedup), indent=2) + "\n")
        return counts


def write_table(root: Path, table: str, rows: list[dict[str, Any]]) -> None:
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    schema = arrow_schema(table)
    data = pa.Table.from_pylist(rows, schema=schema)
    folder = root / table
    folder.mkdir(parents=True, exist_ok=True)
    if table in PARTITIONED:
        if not rows:
            return  # no partition, no file (as Spark writes an empty partitioned table)
        ds.write_dataset(
            data,
            folder,
            format="parquet",
            partitioning=list(PARTITIONS),
            partitioning_flavor="hive",
            existing_data_behavior="delete_matching",
            basename_template="part-{i}.parquet",
        )
    else:
        pq.write_table(data, folder / "part-0.parquet")


# --- writing from a store -----------------------------------------------------------------------


def write_store(store: Store, path: Path | str, batch: int = 2000) -> dict[str, int]:
    """Write a SQLite store's articles as a dataset, table by table in batches of `batch`
    rows (memory stays flat): to serve a store that has grown large with
    `flashpoint serve --parquet`, or to compare the two backends on the same data."""
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    from flashpoint.model import Entity, Quote
    from flashpoint.stages.dedup import signature_from_bytes

    root = Path(path)
    conn = store.conn

    def rows_of(sql: str, make: Any) -> Any:
        cursor = conn.execute(sql)
        while chunk := cursor.fetchmany(batch):
            yield [r for r in (make(row) for row in chunk) if r is not None]

    def article(row: Any) -> dict[str, Any]:
        data = json.loads(row["record"])
        data["text"] = row["text"]
        return article_row(Article.model_validate(data), int(row["rowid"]))

    def event(row: Any) -> dict[str, Any]:
        meta = {k: row[k] for k in ("title", "published", "source", "url")}
        return event_row(Event.model_validate_json(row["record"]), meta, int(row["position"]))

    def quote(row: Any) -> dict[str, Any]:
        q = Quote.model_validate_json(row["record"])
        return {
            "id": q.id,
            "article_id": q.article_id,
            "kind": q.kind,
            "speaker_code": q.speaker.code if q.speaker else None,
            "position": int(row["position"]),
            "record": json.dumps(q.model_dump(mode="json"), ensure_ascii=False),
        }

    def entity(row: Any) -> dict[str, Any]:
        e = Entity.model_validate_json(row["record"])
        return {
            "article_id": row["article_id"],
            "text": e.text,
            "label": e.label,
            "code": e.code,
            "sector": e.sector,
            "position": int(row["position"]),
            "record": json.dumps(e.model_dump(mode="json"), ensure_ascii=False),
        }

    def mention(row: Any) -> dict[str, Any]:
        data = dict(row)
        data["event_ids"] = data["event_ids"].split()
        data["repost"] = bool(data["repost"])
        return data

    def fingerprint(row: Any) -> dict[str, Any] | None:
        signature = signature_from_bytes(row["signature"])
        return fingerprint_row(
            Fingerprint(row["article_id"], row["cluster_id"], row["canonical_id"], signature)
        )

    sources = {
        "articles": ("SELECT rowid, record, text FROM articles ORDER BY rowid", article),
        "events": (
            "SELECT e.record, a.title, a.published, a.source, a.url, ROW_NUMBER() OVER"
            " (PARTITION BY e.article_id ORDER BY e.rowid) - 1 AS position"
            " FROM events e JOIN articles a ON a.id = e.article_id",
            event,
        ),
        "quotes": (
            "SELECT record, ROW_NUMBER() OVER (PARTITION BY article_id ORDER BY rowid) - 1"
            " AS position FROM quotes",
            quote,
        ),
        "entities": ("SELECT article_id, position, record FROM entities", entity),
        "mentions": (
            "SELECT link_id, article_id, event_id, event_ids, repost, source, published,"
            " cluster_id, confidence FROM event_mentions ORDER BY rowid",
            mention,
        ),
        "linked_events": (
            "SELECT record FROM linked_events",
            lambda row: linked_row(LinkedEvent.model_validate_json(row["record"])),
        ),
        "clusters": (
            "SELECT id, canonical_id, size, first_published, last_published FROM clusters",
            dict,
        ),
        "fingerprints": (
            "SELECT article_id, cluster_id, canonical_id, signature FROM article_fingerprints",
            fingerprint,
        ),
    }
    counts: dict[str, int] = {}
    for table in TABLES:
        schema = arrow_schema(table)
        folder = root / table
        folder.mkdir(parents=True, exist_ok=True)
        counts[table] = 0
        if table not in sources:  # errors: a store keeps unreadable inputs nowhere
            pq.write_table(schema.empty_table(), folder / "part-0.parquet")
            continue
        sql, make = sources[table]

        def batches(
            sql: str = sql, make: Any = make, table: str = table, schema: pa.Schema = schema
        ) -> Any:
            for rows in rows_of(sql, make):
                counts[table] += len(rows)
                yield pa.RecordBatch.from_pylist(rows, schema=schema)

        if table in PARTITIONED:
            ds.write_dataset(
                batches(),
                folder,
                schema=schema,
                format="parquet",
                partitioning=list(PARTITIONS),
                partitioning_flavor="hive",
                existing_data_behavior="delete_matching",
                basename_template="part-{i}.parquet",
                max_partitions=1 << 20,
                # Rows gathered per partition before a row group is written: a row group per
                # batch would give thousands of tiny groups, which every query pays for.
                min_rows_per_group=ROWS_PER_GROUP,
                max_rows_per_group=8 * ROWS_PER_GROUP,
            )
        else:
            with pq.ParquetWriter(folder / "part-0.parquet", schema) as writer:
                for record_batch in batches():
                    writer.write_batch(record_batch)
    (root / MANIFEST).write_text(json.dumps(manifest(_store_dedup(store)), indent=2) + "\n")
    return counts


def _store_dedup(store: Store) -> DedupOptions:
    """The dedup settings a store's fingerprints were made with (the defaults if none)."""
    settings = store.dedup_settings()
    default = DedupOptions()
    if not settings or settings == {k: str(v) for k, v in default.params().items()}:
        return default
    for threshold in (t / 100 for t in range(10, 96)):
        options = DedupOptions(
            threshold=threshold,
            num_perm=int(settings["num_perm"]),
            shingle_words=int(settings["shingle_words"]),
        )
        if {k: str(v) for k, v in options.params().items()} == settings:
            return options
    return default
