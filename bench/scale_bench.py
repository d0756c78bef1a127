"""Latency of every dashboard call and documented API filter on a large store, the dashboard's
first load, CSV export rate and memory, `flashpoint events --limit 100`, and the cost of storing
an article, for issue 21's targets.

    .venv/bin/python bench/build_store.py BASE.db /tmp/1m.db --events 1000000
    .venv/bin/python bench/scale_bench.py --db /tmp/1m.db [--repeat 20] [--label 1m]

Loopback only: it starts `flashpoint serve` on 127.0.0.1, sends each request `--repeat` times
one after the other (p50/p95 per request; each made unique so that the server's response cache
never answers), loads the dashboard's first screen `--repeat` times
(its seven calls at once, as the browser sends them: wall time until the last answers), samples
the server's RSS every 0.1 s throughout, stops the server, then runs the CLI commands. Storing
an article: the same 20 coded articles (copies of the store's own, with new ids) saved into an
empty store and into this one, then deleted from it again (the store is left as it was).
Results go to bench/results/scale-LABEL-DATE.json.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from load_test import CLI, HOST, RESULTS, MemoryWatch, free_port, percentile, rss_mb

from flashpoint.store import EventFilter, Store
from flashpoint.store.sqlite import encode_cursor, sort_columns

DASHBOARD = [
    "/api/facets",
    "/api/actors?limit=1000",
    "/api/alerts?limit=100",
    "/api/map",
    "/api/timeline",
    "/api/dyads?level=actor&limit=25",
    "/api/events?sort=date&limit=100&offset=0",
]

FILTERS = [
    "/api/events?limit=100",
    "/api/events?limit=100&actor=USA",
    "/api/events?limit=100&initiator=ISR",
    "/api/events?limit=100&recipient=PSE",
    "/api/events?limit=100&type=ASSAULT",
    "/api/events?limit=100&type=ASSAULT&mode=air",
    "/api/events?limit=100&since=2024-01-01&until=2024-03-31",
    "/api/events?limit=100&country=IRQ",
    "/api/events?limit=100&admin1=Gaza",
    "/api/events?limit=100&acled_type=Battles",
    "/api/events?limit=100&quad=4",
    "/api/events?limit=100&bbox=40,29,48,37",
    "/api/events?limit=100&near=33.3,44.4,50",
    "/api/events?limit=100&has_location=false",
    "/api/events?limit=100&q=attack",
    "/api/events?limit=100&q=attack*&search_in=both",
    "/api/events?limit=100&min_confidence=0.8",
    "/api/events?limit=100&min_dead=10",
    "/api/events?limit=100&background=false&hypothetical=false&negated=false",
    "/api/events?limit=100&sort=-date",
    "/api/events?limit=100&sort=-confidence&background=false",
    "/api/events?limit=100&sort=event_scale",
    "/api/events?limit=100&country=IRQ&type=ASSAULT&since=2023-01-01",
    "/api/timeline?country=ISR",
    "/api/timeline?actor=USA",
    "/api/map?type=ASSAULT",
    "/api/dyads?level=sector&limit=500",
    "/api/dyads?level=country&country=ISR",
    "/api/dyads/series?source=ISR&target=PSE",
    "/api/actors?limit=100",
    "/api/facets?since=2024-01-01",
    "/api/quotes?limit=100",
    "/api/quotes?limit=100&speaker=USA",
    "/api/articles?limit=50",
    "/api/articles?q=militia",
    "/api/exports/csv?limit=500",
]


def deep_cursor(db: Path, sort: str, fraction: float) -> str:
    """The cursor of the event at `fraction` of the store in this sort (found once, slowly)."""
    with Store(db, read_only=True) as store:
        total = store.count_events()
        keys = [key for key, _ in sort_columns(sort)]
        sql, params = store._event_query(
            EventFilter(sort=sort, limit=1, offset=int(total * fraction)), ", ".join(keys)
        )
        row = store.conn.execute(sql, params).fetchone()
    return encode_cursor(sort, list(row))


CALLS = iter(range(10**9))


async def timed(client: httpx.AsyncClient, path: str) -> tuple[float, int]:
    """Milliseconds and status of one request, made unique (an ignored `_bench` parameter) so
    that the server's response cache never answers it: what is timed is the query."""
    unique = f"{path}{'&' if '?' in path else '?'}_bench={next(CALLS)}"
    started = time.perf_counter()
    response = await client.get(unique)
    await response.aread()
    return (time.perf_counter() - started) * 1000, response.status_code


async def measure(base: str, paths: list[str], repeat: int) -> tuple[dict, list[float]]:
    out: dict[str, dict] = {}
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        for path in paths:
            await timed(client, path)  # warm (the first call of a kind opens files, caches)
            times, statuses = [], set()
            for _ in range(repeat):
                ms, status = await timed(client, path)
                times.append(ms)
                statuses.add(status)
            out[path] = {
                "p50_ms": round(percentile(times, 50), 1),
                "p95_ms": round(percentile(times, 95), 1),
                "max_ms": round(max(times), 1),
                "status": sorted(statuses),
            }
            print(f"{out[path]['p50_ms']:>9.1f} {out[path]['p95_ms']:>9.1f}  {path}", flush=True)
        loads = []
        for _ in range(repeat):
            started = time.perf_counter()
            await asyncio.gather(*(timed(client, path) for path in DASHBOARD))
            loads.append((time.perf_counter() - started) * 1000)
    return out, loads


def run_cli(args: list[str]) -> tuple[float, float, list[float], str]:
    """Seconds (wall), CPU seconds (user + system), RSS samples (MB, every 0.2 s) and stderr
    of a CLI command. On a shared machine the wall time depends on the other jobs; the CPU
    time much less."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen([*CLI, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watch = MemoryWatch(process.pid, every=0.2)
    watch.start()
    _, err = process.communicate()
    wall = time.perf_counter() - started
    watch.stop.set()
    watch.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, watch.samples, err.decode()


def load_results(db: Path, count: int) -> list:
    """The first `count` coded articles of a store, as coded results."""
    with Store(db, read_only=True) as store:
        ids = [
            row[0]
            for row in store.conn.execute(
                "SELECT id FROM articles WHERE status = 'coded' ORDER BY rowid LIMIT ?", (count,)
            )
        ]
        return [store.result(i) for i in ids]


def fresh_results(results: list, tag: int, shift_days: int = 0) -> list:
    """Copies of coded results with new article, event and quote ids (none a stored one), the
    events' ids made from the new article id as the events stage makes them, and a link named
    after its event (a new linked event, as the linker names it) renamed with it; a link to an
    earlier article's event is kept (the copy joins that linked event, as the original did).
    Every date of the records is moved `shift_days` days (see days_to_newest)."""
    from build_store import DATE_KEYS, shift

    from flashpoint.stages.events import event_id
    from flashpoint.stages.link import link_id_for

    def random_id(old: str, n: int) -> str:
        digest = hashlib.sha1(f"{old} {tag} {n}".encode()).hexdigest()
        return old[0] + digest[: len(old) - 1]

    out = []
    for n, result in enumerate(results):
        assert result is not None
        article_id = random_id(result.article.id, n)
        renamed = {result.article.id: article_id}
        for event in result.events:
            start = event.trigger.start if event.trigger else None
            new = (
                random_id(event.id, n)
                if start is None
                else event_id(article_id, start, event.event)
            )
            renamed[event.id] = new
            if event.link_id == link_id_for(event.id):
                renamed[event.link_id] = link_id_for(new)
        renamed.update({q.id: random_id(q.id, n) for q in result.quotes})
        text = result.model_dump_json()
        for old, new in renamed.items():
            text = text.replace(old, new)  # no stored id
        data = _shifted(json.loads(text), shift_days, DATE_KEYS, shift)
        out.append(type(result).model_validate(data))
    return out


def _shifted(node: Any, days: int, keys: frozenset[str], move: Callable) -> Any:
    """A JSON value with the values of `keys` (dates) moved `days` days."""
    if days == 0:
        return node
    if isinstance(node, dict):
        return {
            key: move(value, days)
            if key in keys and isinstance(value, str)
            else _shifted(value, days, keys, move)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_shifted(value, days, keys, move) for value in node]
    return node


def days_to_newest(db: Path, results: list) -> int:
    """Days that move the earliest of these articles to the day after the store's newest
    publication: articles of the day, whose events land at the end of each date-ordered run
    (kept dates: a backfill of old news, each event in the middle of its run)."""
    with Store(db, read_only=True) as store:
        newest = store.conn.execute("SELECT MAX(published) FROM articles").fetchone()[0]
    earliest = min(r.article.published for r in results if r.article.published)
    return (dt.date.fromisoformat(newest[:10]) - earliest.date()).days + 1


def store_cost(
    db: Path, count: int = 20, rounds: int = 3, warm_up: bool = True, new_dates: bool = False
) -> dict:
    """Milliseconds per Store.save of the same coded articles (new ids each round) into an
    empty store and into `db` (then deleted from it again), in alternated rounds, with the
    checkpoint that copies what they wrote into the database; the medians and the median of
    the rounds' ratios (the machine's load varies from minute to minute), in wall time and in
    this process's CPU time (where SQLite's work is done: less affected by other jobs). Each
    store opened first saves one more article, untimed: a writer that has just opened a large
    store reads the upper levels of its indexes once (a long ingest pays that once), and that
    first save also compiles the triggers' statements, as it does in the empty store
    (`warm_up=False`: the first save is timed with the others, as before 2026-12-07).
    `new_dates`: the articles are moved past the store's newest (days_to_newest). The objects
    made before the timing are frozen out of Python's garbage collector, whose full
    collections would otherwise walk them (the modules imported, the results) during the
    saves: a cost of this process's heap, the same in both stores, not of the store."""
    results = load_results(db, count)
    days = days_to_newest(db, results) if new_dates else 0

    def fresh(tag: int) -> list:
        return fresh_results(results, tag, days)

    def save_all(target: Store, batch: list, warm: list) -> tuple[float, float]:
        for result in warm:
            target.save(result)
        # From an empty WAL to one copied into the database: what the articles wrote is paid
        # for here, whenever the store's checkpoints would have copied it.
        target.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        gc.collect()
        gc.freeze()
        started, cpu = time.perf_counter(), time.process_time()
        for result in batch:
            if not target.save(result):
                raise SystemExit(f"{result.article.id}: already stored; nothing is deleted")
        target.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        wall = (time.perf_counter() - started) * 1000 / len(batch)
        return wall, (time.process_time() - cpu) * 1000 / len(batch)

    empties, bigs, ratios, cpu_empties, cpu_bigs, cpu_ratios, deletes = [], [], [], [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "warm.db") as warm:  # imports, caches: not the store's cost
            save_all(warm, fresh(15), [])
        for number in range(rounds):
            batch = fresh(number)
            first = fresh(1000 + number)[:1] if warm_up else []
            order = ("empty", "big") if number % 2 == 0 else ("big", "empty")
            times: dict[str, tuple[float, float]] = {}
            for which in order:
                if which == "empty":
                    with Store(Path(tmp) / f"empty{number}.db") as empty:
                        times[which] = save_all(empty, batch, first)
                else:
                    with Store(db) as big:
                        times[which] = save_all(big, batch, first)
                        started = time.perf_counter()
                        with big.conn:
                            big.conn.executemany(
                                "DELETE FROM articles WHERE id = ?",
                                [(r.article.id,) for r in [*batch, *first]],
                            )
                        deletes.append(time.perf_counter() - started)
            empties.append(times["empty"][0])
            bigs.append(times["big"][0])
            ratios.append(times["big"][0] / times["empty"][0])
            cpu_empties.append(times["empty"][1])
            cpu_bigs.append(times["big"][1])
            cpu_ratios.append(times["big"][1] / times["empty"][1])
    return {
        "articles": count,
        "rounds": rounds,
        "empty_ms_per_article": round(statistics.median(empties), 1),
        "store_ms_per_article": round(statistics.median(bigs), 1),
        "ratio": round(statistics.median(ratios), 2),
        "ratios": [round(r, 2) for r in ratios],
        "cpu_empty_ms_per_article": round(statistics.median(cpu_empties), 1),
        "cpu_store_ms_per_article": round(statistics.median(cpu_bigs), 1),
        "cpu_ratio": round(statistics.median(cpu_ratios), 2),
        "cpu_ratios": [round(r, 2) for r in cpu_ratios],
        "delete_s_per_batch": round(statistics.median(deletes), 2),
    }


def serve_part(db: Path, counts: dict, repeat: int) -> dict | None:
    """Latencies, first load and server memory of `flashpoint serve` over the store (None when
    the server did not start)."""
    middle = deep_cursor(db, "date", 0.5)
    late = deep_cursor(db, "-confidence", 0.9)
    deep = {
        f"/api/events?limit=100&cursor={middle}": "cursor at n/2",
        f"/api/events?limit=100&sort=-confidence&cursor={late}": "cursor at 0.9 n, -confidence",
        f"/api/events?limit=100&offset={counts['events'] // 2}": "offset n/2 (for comparison)",
    }
    port = free_port()
    base = f"http://{HOST}:{port}"
    server = subprocess.Popen(
        [*CLI, "serve", "--db", str(db), "--host", HOST, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        started = time.monotonic()
        while True:
            try:
                httpx.get(base + "/api/events?limit=1", timeout=30)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() - started > 120:
                    print(server.stderr.read().decode() if server.stderr else "", file=sys.stderr)
                    return None
                time.sleep(0.2)
        idle = rss_mb(server.pid) or float("nan")
        watch = MemoryWatch(server.pid)
        watch.start()
        print(f"{'p50 ms':>9} {'p95 ms':>9}  request", flush=True)
        latencies, loads = asyncio.run(measure(base, [*DASHBOARD, *FILTERS, *deep], repeat))
        watch.stop.set()
        watch.join()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    report: dict = {
        "latency": latencies,
        "deep_pages": {path: deep[path] for path in deep},
        "first_load_ms": {
            "p50": round(statistics.median(loads), 1),
            "p95": round(percentile(loads, 95), 1),
        },
        "server_rss_mb": {"idle": round(idle, 1), "peak": round(max(watch.samples), 1)},
    }
    print(
        f"first load p50 {report['first_load_ms']['p50']} ms; server RSS {report['server_rss_mb']}"
    )
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--label", default="")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument(
        "--skip-serve", action="store_true", help="Only the CLI commands and the store cost."
    )
    parser.add_argument("--rounds", type=int, default=3, help="Rounds of the store cost.")
    parser.add_argument("--skip-store", action="store_true", help="No store cost.")
    parser.add_argument(
        "--new-dates",
        action="store_true",
        help="Store cost: the articles' dates moved past the store's newest (articles of the"
        " day) instead of kept (a backfill).",
    )
    parser.add_argument(
        "--cold-store",
        action="store_true",
        help="Time the first save after opening each store too (no untimed warm-up article).",
    )
    args = parser.parse_args()
    if not 1 <= args.repeat <= 200:
        parser.error("--repeat: 1 to 200")
    load_before = os.getloadavg()
    with Store(args.db, read_only=True) as store:
        counts = store.counts()
    report: dict = {
        "label": args.label,
        "db": str(args.db),
        "counts": counts,
        "load_before": load_before,
        "repeat": args.repeat,
    }
    if not args.skip_serve:
        served = serve_part(args.db, counts, args.repeat)
        if served is None:
            return 1
        report.update(served)
    runs = [run_cli(["events", "--db", str(args.db), "--limit", "100"]) for _ in range(5)]
    report["cli_events_limit_100_s"] = round(statistics.median(r[0] for r in runs), 2)
    report["cli_events_limit_100"] = {
        "wall_s": [round(r[0], 2) for r in runs],
        "cpu_s": [round(r[1], 2) for r in runs],
    }
    print(f"flashpoint events --limit 100 (5 runs): {report['cli_events_limit_100']}")
    if not args.skip_export:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "all.csv"
            seconds, cpu, samples, err = run_cli(
                ["export", "--db", str(args.db), "--format", "csv", "--out", str(out)]
            )
            rows = int(err.split()[0]) if err.split() and err.split()[0].isdigit() else None
        quarter = max(1, len(samples) // 4)
        report["export_csv"] = {
            "rows": rows,
            "seconds": round(seconds, 1),
            "rows_per_s": round(rows / seconds) if rows else None,
            "cpu_seconds": round(cpu, 1),
            "rows_per_cpu_s": round(rows / cpu) if rows and cpu else None,
            "peak_rss_mb": round(max(samples, default=0.0), 1),
            # Flat memory: the median RSS of the second quarter of the run against the last.
            "rss_mb_second_quarter": round(statistics.median(samples[quarter : 2 * quarter]), 1)
            if len(samples) >= 8
            else None,
            "rss_mb_last_quarter": round(statistics.median(samples[-quarter:]), 1)
            if samples
            else None,
        }
        report["export_csv"]["load_avg"] = os.getloadavg()
        print(f"export csv: {report['export_csv']}")
    if not args.skip_store:
        report["store_article"] = store_cost(
            args.db, rounds=args.rounds, warm_up=not args.cold_store, new_dates=args.new_dates
        )
        report["store_article"]["warm_up"] = not args.cold_store
        report["store_article"]["new_dates"] = args.new_dates
        report["store_article"]["load_avg"] = os.getloadavg()
        print(f"storing an article: {report['store_article']}")
    report["load_after"] = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)
    name = f"scale-{args.label + '-' if args.label else ''}{dt.date.today().isoformat()}.json"
    (RESULTS / name).write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {RESULTS / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
