"""Where storing an article writes: pages dirtied per table and index, empty store against a
large one.

    .venv/bin/python bench/store_pages.py --db /tmp/1m.db [--articles 20] [--new-dates]

Saves the same coded articles (read from `--db`, given new ids as scale_bench.fresh_results
makes them; `--new-dates`: dated after the store's newest, as articles of the day) into an
empty store and into `--db` (deleted from it again afterwards), each batch from an empty
write-ahead log with the automatic checkpoint off. Then it reads the log: every frame is a page
written at a commit, every distinct page one the checkpoint copies into the database file.
`dbstat` names the table or index each page belongs to (in the large store this walks the
whole file: a few minutes).
Reported per article: frames and distinct pages per table or index, the save's time and the
checkpoint's. `bench/results/store-pages-DATE.json` (or `--output`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import struct
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_bench import days_to_newest, fresh_results, load_results

from flashpoint.store.sqlite import Store

WAL_HEADER = 32
FRAME_HEADER = 24


def wal_pages(wal: Path, page_size: int) -> list[int]:
    """Page numbers of the log's frames, in order (one per page written at a commit)."""
    data = wal.read_bytes()
    pages = []
    step = FRAME_HEADER + page_size
    for offset in range(WAL_HEADER, len(data) - step + 1, step):
        pages.append(struct.unpack(">I", data[offset : offset + 4])[0])
    return pages


def owners(store: Store, wanted: set[int]) -> dict[int, str]:
    """The table or index each wanted page belongs to (a walk of every b-tree)."""
    found: dict[int, str] = {}
    for name, pageno in store.conn.execute("SELECT name, pageno FROM dbstat"):
        if pageno in wanted:
            found[pageno] = name
    return found


def measure(path: Path, batch: list, warm: list, attribute: bool) -> dict:
    with Store(path) as store:
        for result in warm:
            store.save(result)
        page_size = int(store.conn.execute("PRAGMA page_size").fetchone()[0])
        store.conn.execute("PRAGMA wal_autocheckpoint = 0")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        gc.collect()
        gc.freeze()  # as scale_bench.store_cost: the heap's objects are not walked meanwhile
        started, cpu = time.perf_counter(), time.process_time()
        for result in batch:
            if not store.save(result):
                raise SystemExit(f"{result.article.id}: already stored; nothing is deleted")
        save_s, save_cpu = time.perf_counter() - started, time.process_time() - cpu
        frames = wal_pages(Path(f"{path}-wal"), page_size)
        distinct = set(frames)
        names = owners(store, distinct) if attribute else {}
        started, cpu = time.perf_counter(), time.process_time()
        store.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        check_s, check_cpu = time.perf_counter() - started, time.process_time() - cpu
    n = len(batch)
    per_frames = Counter(names.get(p, "?") for p in frames)
    per_pages = Counter(names.get(p, "?") for p in distinct)
    return {
        "save_ms_per_article": round(save_s * 1000 / n, 2),
        "save_cpu_ms_per_article": round(save_cpu * 1000 / n, 2),
        "checkpoint_ms_per_article": round(check_s * 1000 / n, 2),
        "checkpoint_cpu_ms_per_article": round(check_cpu * 1000 / n, 2),
        "frames_per_article": round(len(frames) / n, 1),
        "pages_per_article": round(len(distinct) / n, 1),
        "by_btree": {
            name: {
                "frames_per_article": round(per_frames[name] / n, 2),
                "pages_per_article": round(per_pages[name] / n, 2),
            }
            for name, _ in per_pages.most_common()
        },
    }


def long_run(path: Path, results: list, batches: int, shift_days: int = 0) -> dict:
    """Batches of articles one after the other (each from an empty log, checkpointed after):
    frames and distinct pages per article, all and the full-text indexes' own, per batch. What
    a long ingest pays on average, the full-text merges of later articles included."""
    rows = []
    stored: list[str] = []
    fts = ("events_fts_data", "articles_fts_data")
    try:
        with Store(path) as store:
            page_size = int(store.conn.execute("PRAGMA page_size").fetchone()[0])
            store.conn.execute("PRAGMA wal_autocheckpoint = 0")
            for number in range(batches):
                batch = fresh_results(results, 9000 + number, shift_days)
                store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                started = time.perf_counter()
                for result in batch:
                    if store.save(result):
                        stored.append(result.article.id)
                save_s = time.perf_counter() - started
                frames = wal_pages(Path(f"{path}-wal"), page_size)
                fts_pages = {
                    p
                    for name in fts
                    for (p,) in store.conn.execute(
                        "SELECT pageno FROM dbstat WHERE name = ?", (name,)
                    )
                }
                n = len(batch)
                rows.append(
                    {
                        "save_ms_per_article": round(save_s * 1000 / n, 2),
                        "frames_per_article": round(len(frames) / n, 1),
                        "pages_per_article": round(len(set(frames)) / n, 1),
                        "fts_frames_per_article": round(sum(p in fts_pages for p in frames) / n, 1),
                    }
                )
                print(number, rows[-1], flush=True)
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        with Store(path) as store, store.conn:
            store.conn.executemany("DELETE FROM articles WHERE id = ?", [(i,) for i in stored])
    keys = rows[0].keys() if rows else []
    return {
        "batches": rows,
        "mean": {k: round(sum(r[k] for r in rows) / len(rows), 2) for k in keys},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="The large store (written to).")
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--skip-attribution", action="store_true", help="No dbstat walk.")
    parser.add_argument("--output", type=Path)
    parser.add_argument(
        "--new-dates",
        action="store_true",
        help="The articles' dates moved past the store's newest (articles of the day).",
    )
    parser.add_argument(
        "--long",
        type=int,
        default=0,
        metavar="BATCHES",
        help="Instead: this many batches into the large store, one after the other.",
    )
    args = parser.parse_args()
    results = load_results(args.db, args.articles)
    days = days_to_newest(args.db, results) if args.new_dates else 0
    batch = fresh_results(results, 7001, days)
    warm = fresh_results(results, 7002, days)[:1]
    load_before = os.getloadavg()
    report: dict = {
        "db": str(args.db),
        "articles": args.articles,
        "new_dates": args.new_dates,
        "load_before": load_before,
    }
    if args.long:
        report["long"] = long_run(args.db, results, args.long, days)
        report["load_after"] = os.getloadavg()
        out = (
            args.output or Path(__file__).parent / "results" / f"store-long-{dt.date.today()}.json"
        )
        out.write_text(json.dumps(report, indent=1) + "\n")
        print(report["long"]["mean"], f"load {load_before} -> {report['load_after']}; {out}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        report["empty"] = measure(Path(tmp) / "empty.db", batch, warm, True)
    try:
        report["store"] = measure(args.db, batch, warm, not args.skip_attribution)
    finally:
        with Store(args.db) as store, store.conn:
            store.conn.executemany(
                "DELETE FROM articles WHERE id = ?", [(r.article.id,) for r in [*batch, *warm]]
            )
    report["load_after"] = os.getloadavg()
    out = args.output or Path(__file__).parent / "results" / f"store-pages-{dt.date.today()}.json"
    out.write_text(json.dumps(report, indent=1) + "\n")
    for which in ("empty", "store"):
        part = report[which]
        print(
            f"{which}: save {part['save_ms_per_article']} ms, checkpoint "
            f"{part['checkpoint_ms_per_article']} ms, {part['frames_per_article']} frames and "
            f"{part['pages_per_article']} pages an article"
        )
        for name, counts in list(part["by_btree"].items())[:25]:
            print(f"  {name:40} {counts['frames_per_article']:7} {counts['pages_per_article']:7}")
    print(f"load {load_before} -> {report['load_after']}; {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
