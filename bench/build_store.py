"""Build a large store from a coded one: copies of its rows with new ids and shifted dates.

    .venv/bin/python bench/build_store.py BASE.db OUT.db --events 1000000 [--shift-days 7]

Copy k of every article, event, quote, entity, cluster, linked event and event mention gets
ids whose last five hex digits are k (the ids keep their length and their kind's first
letter) and dates moved k * --shift-days days later, in the records' JSON as in the columns.
Rows go into OUT.db through the schema's own tables and triggers (OUT.db is opened by
flashpoint's Store, so it is migrated to today's schema first, and every trigger, full-text
index and summary is kept as a real ingest keeps it), one transaction per copy. Copying stops
once OUT.db holds at least --events events (whole copies only). Dedup fingerprints and LSH
buckets are not copied (a copy is not a repost). OUT.db must not exist, unless --append is
given: then OUT.db is a store this script built from the same BASE.db, and copying goes on from
the copy after its last one (so a 10M store can grow from a copy of a 1M one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

from flashpoint.store import Store

ID_KEYS = frozenset(
    {
        "id",
        "article_id",
        "event_id",
        "link_id",
        "quote_id",
        "duplicate_of",
        "cluster_id",
        "canonical_id",
        "first_article_id",
        "root_event_id",
    }
)
ID_LIST_KEYS = frozenset({"event_ids"})
DATE_KEYS = frozenset(
    {"date", "date_last", "published", "first_reported", "first_published", "last_published"}
)


def new_id(value: str | None, copy: int) -> str | None:
    """The id of copy `copy`: the last five characters replaced by the copy's number in hex."""
    if not value or len(value) < 10:
        return value
    return f"{value[:-5]}{copy:05x}"


def shift(value: str | None, days: int) -> str | None:
    """An ISO date or date-time moved `days` days (a partial date such as 2024-01 is kept)."""
    if not value or days == 0:
        return value
    try:
        if len(value) == 10:
            return (dt.date.fromisoformat(value) + dt.timedelta(days=days)).isoformat()
        return (dt.datetime.fromisoformat(value) + dt.timedelta(days=days)).isoformat()
    except ValueError:
        return value


def _remap(node: Any, copy: int, days: int) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in ID_KEYS and isinstance(value, str):
                out[key] = new_id(value, copy)
            elif key in ID_LIST_KEYS and isinstance(value, list):
                out[key] = [new_id(v, copy) if isinstance(v, str) else v for v in value]
            elif key in DATE_KEYS and isinstance(value, str):
                out[key] = shift(value, days)
            else:
                out[key] = _remap(value, copy, days)
        return out
    if isinstance(node, list):
        return [_remap(value, copy, days) for value in node]
    return node


def remap_record(record: str, copy: int, days: int) -> str:
    return json.dumps(_remap(json.loads(record), copy, days), ensure_ascii=False)


def remap_ids(value: str | None, copy: int) -> str | None:
    """A space-separated list of ids (event_mentions.event_ids)."""
    return " ".join(new_id(v, copy) or v for v in value.split()) if value else value


COPIES = [
    (
        "articles",
        "id, source_id, title, category, published, source, url, language, status,"
        " status_reason, input_name, cluster_id, duplicate_of, text, record",
        "fp_id(id, :k), source_id, title, category, fp_shift(published, :d), source, url,"
        " language, status, status_reason, input_name, fp_id(cluster_id, :k),"
        " fp_id(duplicate_of, :k), text, fp_record(record, :k, :d)",
    ),
    (
        "events",
        "id, article_id, event, mode, date, date_precision, actor_codes, recipient_codes,"
        " country, lat, lon, quad_code, event_scale, confidence, negated, hypothetical, future,"
        " background, section, link_id, record",
        "fp_id(id, :k), fp_id(article_id, :k), event, mode, fp_shift(date, :d), date_precision,"
        " actor_codes, recipient_codes, country, lat, lon, quad_code, event_scale, confidence,"
        " negated, hypothetical, future, background, section, fp_id(link_id, :k),"
        " fp_record(record, :k, :d)",
    ),
    (
        "quotes",
        "id, article_id, speaker_code, kind, record",
        "fp_id(id, :k), fp_id(article_id, :k), speaker_code, kind, fp_record(record, :k, :d)",
    ),
    (
        "entities",
        "article_id, position, text, label, code, sector, record",
        "fp_id(article_id, :k), position, text, label, code, sector, fp_record(record, :k, :d)",
    ),
    (
        "clusters",
        "id, canonical_id, size, first_published, last_published",
        "fp_id(id, :k), fp_id(canonical_id, :k), size, fp_shift(first_published, :d),"
        " fp_shift(last_published, :d)",
    ),
    (
        "linked_events",
        "id, event, mode, date, date_last, country, lat, lon, actor_codes, recipient_codes,"
        " num_mentions, num_articles, num_sources, num_reports, first_article_id,"
        " first_reported, confidence, record",
        "fp_id(id, :k), event, mode, fp_shift(date, :d), fp_shift(date_last, :d), country, lat,"
        " lon, actor_codes, recipient_codes, num_mentions, num_articles, num_sources,"
        " num_reports, fp_id(first_article_id, :k), fp_shift(first_reported, :d), confidence,"
        " fp_record(record, :k, :d)",
    ),
    (
        "event_mentions",
        "link_id, article_id, event_id, event_ids, repost, source, published, cluster_id,"
        " confidence",
        "fp_id(link_id, :k), fp_id(article_id, :k), fp_id(event_id, :k), fp_ids(event_ids, :k),"
        " repost, source, fp_shift(published, :d), fp_id(cluster_id, :k), confidence",
    ),
]


def last_copy(conn: Any) -> int:
    """The highest copy number among a built store's article ids (-1 when it has none)."""
    row = conn.execute("SELECT max(substr(id, -5)) FROM articles").fetchone()
    try:
        return int(row[0], 16) if row and row[0] else -1
    except ValueError:
        raise SystemExit("the store to append to was not built by this script") from None


def build(
    base: Path,
    out: Path,
    events: int,
    shift_days: int,
    quiet: bool = False,
    append: bool = False,
) -> dict:
    if out.exists() and not append:
        raise SystemExit(f"{out}: exists; give a new file (or --append to grow it)")
    with Store(base, read_only=True) as probe:  # checks it is a store this Flashpoint reads
        per_copy = probe.counts()["events"]
    if per_copy == 0:
        raise SystemExit(f"{base}: holds no events")
    store = Store(out)
    conn = store.conn
    first = last_copy(conn) + 1 if append else 0
    have = conn.execute("SELECT count(*) FROM events").fetchone()[0] if append else 0
    copies = first + max(0, -(-(events - have) // per_copy))
    conn.create_function("fp_id", 2, new_id, deterministic=True)
    conn.create_function("fp_ids", 2, remap_ids, deterministic=True)
    conn.create_function("fp_shift", 2, shift, deterministic=True)
    conn.create_function("fp_record", 3, remap_record, deterministic=True)
    conn.execute("ATTACH DATABASE ? AS base", (f"file:{base}?mode=ro",))
    started = time.perf_counter()
    for copy in range(first, copies):
        params = {"k": copy, "d": copy * shift_days}
        with conn:
            for table, columns, values in COPIES:
                conn.execute(
                    f"INSERT INTO main.{table} ({columns}) SELECT {values} FROM base.{table}"
                    " ORDER BY rowid",
                    params,
                )
        if not quiet and (copy + 1 - first) % 10 == 0:
            done = (copy + 1 - first) * per_copy
            rate = done / (time.perf_counter() - started)
            print(f"{done:,} events ({rate:,.0f}/s)", file=sys.stderr, flush=True)
    conn.execute("DETACH DATABASE base")
    counts = store.counts()
    store.close()
    return {
        "base": str(base),
        "out": str(out),
        "copies": copies - first,
        "first_copy": first,
        "shift_days": shift_days,
        "seconds": round(time.perf_counter() - started, 1),
        **counts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", type=Path, help="a coded store (flashpoint ingest)")
    parser.add_argument("out", type=Path, help="the store to write (must not exist)")
    parser.add_argument("--events", type=int, required=True, help="at least this many events")
    parser.add_argument("--shift-days", type=int, default=7, help="days between copies")
    parser.add_argument(
        "--append", action="store_true", help="grow OUT.db (built by this script) instead"
    )
    args = parser.parse_args()
    if args.events < 1 or args.events > 100_000_000:
        parser.error("--events: 1 to 100,000,000")
    print(json.dumps(build(args.base, args.out, args.events, args.shift_days, append=args.append)))


if __name__ == "__main__":
    main()
