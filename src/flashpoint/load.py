"""`flashpoint load DIR --db PATH`: a Parquet dataset (dataset.py) into a SQLite store.

Every article goes through `Store.save`, as `flashpoint ingest` stores it (its events, quotes,
entities, dedup fingerprint, cluster, event mentions and the linked events they belong to), so
the store's indexes and triggers are kept as for a local run, and a later `flashpoint ingest`
finds reposts of the loaded articles through their fingerprints.

All in one transaction: a dataset that cannot be read or holds a record that does not
validate leaves the store as it was, and the error names the file (or table and row) and why.
Articles the store already holds (same id: same text) are left as they are.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from flashpoint import dataset
from flashpoint.errors import InputError
from flashpoint.model import (
    Article,
    ArticleResult,
    Entity,
    Event,
    EventMention,
    LinkedEvent,
    Quote,
)
from flashpoint.stages.dedup import DedupOptions, Fingerprint, band_keys, signature_from_bytes
from flashpoint.store import Store
from flashpoint.store.sqlite import store_error

REQUIRED = {
    "articles": ("id", "ordinal", "text", "record"),
    "events": ("article_id", "position", "record"),
    "quotes": ("article_id", "position", "record"),
    "entities": ("article_id", "position", "record"),
    "mentions": tuple(dataset.COLUMNS["mentions"]),
    "linked_events": ("id", "record"),
    "fingerprints": tuple(dataset.COLUMNS["fingerprints"]),
}


@dataclass
class LoadSummary:
    articles: int = 0
    skipped: int = 0  # already in the store
    events: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def read_manifest(root: Path) -> dict[str, Any]:
    path = root / dataset.MANIFEST
    if not root.is_dir():
        raise InputError(str(root), "no such directory")
    if not path.is_file():
        raise InputError(
            str(root), f"not a Flashpoint dataset (no {dataset.MANIFEST}; see `flashpoint spark`)"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(str(path), f"not readable JSON ({exc})") from exc
    if not isinstance(data, dict) or data.get("format") != dataset.FORMAT:
        raise InputError(str(path), f"not a manifest of format {dataset.FORMAT!r}")
    if data.get("version") != dataset.VERSION:
        raise InputError(
            str(path),
            f"dataset version {data.get('version')!r}; this Flashpoint reads {dataset.VERSION}",
        )
    return data


def dedup_options(manifest: dict[str, Any], path: Path) -> DedupOptions:
    """The dedup settings the dataset's fingerprints were made with."""
    try:
        info = manifest["dedup"]
        options = DedupOptions(
            threshold=float(info["threshold"]),
            num_perm=int(info["num_perm"]),
            shingle_words=int(info["shingle_words"]),
        )
        if {k: str(v) for k, v in options.params().items()} != {
            k: str(v) for k, v in info["params"].items()
        }:
            raise ValueError("its dedup parameters do not follow from its settings")
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(str(path / dataset.MANIFEST), f"bad dedup settings ({exc})") from exc
    return options


def read_table(root: Path, table: str) -> list[dict[str, Any]]:
    """Every row of a table (the columns a store needs), or an error naming the file."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    folder = root / table
    if not folder.is_dir():
        raise InputError(str(folder), "missing (every table of the dataset is needed)")
    files = sorted(
        p for p in folder.rglob("*.parquet") if not any(x.startswith((".", "_")) for x in p.parts)
    )
    rows: list[dict[str, Any]] = []
    for path in files:
        try:
            data = ds.dataset(path, format="parquet").to_table()
        except (pa.ArrowException, OSError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(str(path), f"not a readable Parquet file ({reason})") from exc
        missing = [c for c in REQUIRED[table] if c not in data.column_names]
        if missing:
            raise InputError(str(path), f"no column {missing[0]!r} (a {table} table needs it)")
        rows += data.select(list(REQUIRED[table])).to_pylist()
    return rows


class _OneTransaction:
    """The store's connection, with the per-article commits of `Store.save` turned off:
    `with conn:` neither commits nor rolls back, so the load commits once, at the end."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> _OneTransaction:
        return self

    def __exit__(self, *exc_info: object) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


@contextmanager
def one_transaction(store: Store) -> Iterator[None]:
    conn = store.conn
    conn.execute("BEGIN IMMEDIATE")
    store.conn = _OneTransaction(conn)  # type: ignore[assignment]
    try:
        yield
    except BaseException:
        conn.rollback()
        raise
    else:
        conn.commit()
    finally:
        store.conn = conn


def _parse(model: type, data: str | dict, where: str) -> Any:
    try:
        if isinstance(data, str):
            return model.model_validate_json(data)
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(p) for p in first.get("loc", ())) or "record"
        raise InputError(where, f"invalid record ({place}: {first.get('msg')})") from exc


def load_dataset(root: Path, store: Store) -> LoadSummary:
    """Store every article of the dataset at `root`, all or nothing."""
    manifest = read_manifest(root)
    options = dedup_options(manifest, root)
    tables = {table: read_table(root, table) for table in REQUIRED}
    wanted = {k: str(v) for k, v in options.params().items()}
    current = store.dedup_settings()
    if current and current != wanted:
        raise InputError(
            str(root),
            f"its dedup settings ({wanted}) differ from those of {store.path} ({current}):"
            " load it into a new store",
        )

    def grouped(table: str) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in tables[table]:
            out[row["article_id"]].append(row)
        return out

    events, quotes, entities = grouped("events"), grouped("quotes"), grouped("entities")
    mentions = grouped("mentions")
    prints = {row["article_id"]: row for row in tables["fingerprints"]}
    linked_rows = {row["id"]: row for row in tables["linked_events"]}
    summary = LoadSummary(counts={t: len(rows) for t, rows in tables.items()})
    saved_links: set[str] = set()
    articles = sorted(tables["articles"], key=lambda row: row["ordinal"])
    try:
        with one_transaction(store):
            if not current:
                store.set_dedup_settings(options.params())
            for row in articles:
                where = f"{root / 'articles'}: article {row['id']}"
                data = json.loads(row["record"])
                data["text"] = row["text"]
                article = _parse(Article, data, where)
                result = ArticleResult(
                    article=article,
                    events=[
                        _parse(Event, e["record"], f"{root / 'events'}: article {article.id}")
                        for e in sorted(events.get(article.id, []), key=lambda e: e["position"])
                    ],
                    quotes=[
                        _parse(Quote, q["record"], f"{root / 'quotes'}: article {article.id}")
                        for q in sorted(quotes.get(article.id, []), key=lambda q: q["position"])
                    ],
                    entities=[
                        _parse(Entity, e["record"], f"{root / 'entities'}: article {article.id}")
                        for e in sorted(entities.get(article.id, []), key=lambda e: e["position"])
                    ],
                )
                its_mentions = [
                    _parse(EventMention, m, f"{root / 'mentions'}: article {article.id}")
                    for m in mentions.get(article.id, [])
                ]
                linked = []
                for mention in its_mentions:
                    if mention.link_id in saved_links:
                        continue
                    record = linked_rows.get(mention.link_id)
                    if record is None:
                        raise InputError(
                            str(root / "linked_events"),
                            f"no linked event {mention.link_id} (article {article.id} mentions it)",
                        )
                    linked.append(
                        _parse(LinkedEvent, record["record"], f"{root / 'linked_events'}")
                    )
                    saved_links.add(mention.link_id)
                fingerprint = _fingerprint(prints.get(article.id), options, root)
                if store.save(result, fingerprint, its_mentions, linked):
                    summary.articles += 1
                    summary.events += len(result.events)
                else:
                    summary.skipped += 1
    except sqlite3.Error as exc:
        raise store_error(store.path, exc) from exc
    return summary


def _fingerprint(
    row: dict[str, Any] | None, options: DedupOptions, root: Path
) -> Fingerprint | None:
    if row is None:
        return None
    try:
        signature = signature_from_bytes(row["signature"])
    except (TypeError, ValueError) as exc:
        raise InputError(
            str(root / "fingerprints"), f"article {row['article_id']}: bad signature ({exc})"
        ) from exc
    if len(signature) != options.num_perm:
        raise InputError(
            str(root / "fingerprints"),
            f"article {row['article_id']}: a signature of {len(signature)} values, not"
            f" {options.num_perm}",
        )
    return Fingerprint(
        row["article_id"],
        row["cluster_id"],
        row["canonical_id"],
        signature,
        band_keys(signature, options),
    )
