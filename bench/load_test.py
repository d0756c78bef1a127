"""A bounded load test of `flashpoint serve`: loopback only, a fixed number of requests, a fixed
concurrency, and a time limit; it starts the server, measures it, stops it and exits.

    .venv/bin/python bench/load_test.py --db /tmp/load.db [--requests 3000] [--concurrency 20]

The store should hold the example article and the Guardian sample:

    .venv/bin/flashpoint ingest --db /tmp/load.db ../shared/articles/iraq-militia-threat.txt \\
        ../shared/corpus/guardian_sample_unlabeled.csv

The requests are the dashboard's (the page, its script, events, timeline, dyads, the map's
placed events, an event and its article) and the API's (article search and listing, event
search, quotes pages, actors, a CSV export), plus costly full-text queries that must be refused
quickly. Reported: latency percentiles (all requests and per kind), status codes, throughput,
and the server's resident memory (idle after start, peak under load, and after the load),
written to bench/results/load-DATE.json. Targets (issue 18): p95 < 300 ms and peak memory
within 1.5x of idle.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

HOST = "127.0.0.1"  # loopback only: this never sends a request off the machine
RESULTS = Path(__file__).resolve().parent / "results"
CLI = [sys.executable, "-c", "from flashpoint.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process, from /proc (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class MemoryWatch(threading.Thread):
    """Samples the server's RSS every `every` seconds while the load runs."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.samples: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            value = rss_mb(self.pid)
            if value is not None:
                self.samples.append(value)
            self.stop.wait(self.every)


def request_mix(db: Path, seed: int) -> list[tuple[str, str, int]]:
    """(kind, path, weight): what the dashboard and API clients ask for, on this store."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    event_ids = [r[0] for r in conn.execute("SELECT id FROM events ORDER BY id")]
    article_ids = [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY id")]
    quotes = conn.execute("SELECT COUNT(*) FROM quotes").fetchone()[0]
    conn.close()
    rng = random.Random(seed)
    mix: list[tuple[str, str, int]] = [
        ("page", "/", 3),
        ("static", "/static/app.js", 3),
        ("events", "/api/events?limit=100&sort=date", 10),
        ("events", "/api/events?limit=100&sort=-confidence&background=false", 4),
        ("map", "/api/events?has_location=true&limit=1000", 5),
        ("timeline", "/api/timeline", 8),
        ("dyads", "/api/dyads?level=sector&limit=500", 6),
        ("actors", "/api/actors?limit=100", 3),
        ("articles", "/api/articles?limit=50", 4),
        ("search", "/api/articles?q=militia", 4),
        ("search", "/api/articles?q=%22prime%20minister%22", 3),
        ("search", "/api/events?q=attack*&search_in=both", 4),
        ("export", "/api/exports/csv?limit=500", 1),
        ("costly", "/api/articles?q=" + "+".join(["a*"] * 80), 2),
    ]
    for _ in range(8):
        mix.append(("quotes", f"/api/quotes?limit=100&offset={rng.randrange(max(1, quotes))}", 1))
    for event_id in rng.sample(event_ids, min(20, len(event_ids))):
        mix.append(("event", f"/api/events/{event_id}", 1))
    for article_id in rng.sample(article_ids, min(10, len(article_ids))):
        mix.append(("article", f"/api/articles/{article_id}", 1))
    return mix


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


async def run_load(
    base: str, plan: list[tuple[str, str]], concurrency: int, deadline: float
) -> list[tuple[str, int, float]]:
    """Send the planned requests from `concurrency` workers; stop at the deadline."""
    results: list[tuple[str, int, float]] = []
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for item in plan:
        queue.put_nowait(item)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60.0) as client:

        async def worker() -> None:
            while time.monotonic() < deadline:
                try:
                    kind, path = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                started = time.perf_counter()
                try:
                    response = await client.get(path)
                    await response.aread()
                    status = response.status_code
                except httpx.HTTPError:
                    status = 0
                results.append((kind, status, (time.perf_counter() - started) * 1000))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--max-seconds", type=float, default=600.0)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if not args.db.is_file():
        parser.error(f"{args.db}: no such database (see the module docstring)")
    if not 1 <= args.requests <= 20000 or not 1 <= args.concurrency <= 100:
        parser.error("--requests 1..20000 and --concurrency 1..100 (this test is bounded)")

    load_before = os.getloadavg()
    mix = request_mix(args.db, args.seed)
    rng = random.Random(args.seed)
    plan = [
        (kind, path)
        for kind, path, _ in rng.choices(mix, weights=[w for *_, w in mix], k=args.requests)
    ]
    port = free_port()
    base = f"http://{HOST}:{port}"
    server = subprocess.Popen(
        [*CLI, "serve", "--db", str(args.db), "--host", HOST, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        started = time.monotonic()
        while True:
            try:
                httpx.get(base + "/api/events?limit=1", timeout=5)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() - started > 60:
                    err = server.stderr.read().decode() if server.stderr else ""
                    print(f"the server did not start: {err}", file=sys.stderr)
                    return 1
                time.sleep(0.2)
        time.sleep(1.0)
        idle = rss_mb(server.pid) or float("nan")
        watch = MemoryWatch(server.pid)
        watch.start()
        load_start = time.monotonic()
        results = asyncio.run(run_load(base, plan, args.concurrency, load_start + args.max_seconds))
        elapsed = time.monotonic() - load_start
        watch.stop.set()
        watch.join()
        time.sleep(2.0)
        after = rss_mb(server.pid) or float("nan")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()

    latencies = [ms for _, _, ms in results]
    statuses: dict[str, int] = {}
    for _, status, _ in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    by_kind: dict[str, dict[str, float]] = {}
    for kind in sorted({k for k, _, _ in results}):
        values = [ms for k, _, ms in results if k == kind]
        by_kind[kind] = {
            "requests": len(values),
            "p50_ms": round(percentile(values, 50), 1),
            "p95_ms": round(percentile(values, 95), 1),
            "max_ms": round(max(values), 1),
        }
    peak = max(watch.samples, default=idle)
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    store = {
        table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("articles", "events", "quotes")
    }
    conn.close()
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            # Other work on the machine: the latencies are only as good as the CPU left.
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "store": store,
        "requests_planned": args.requests,
        "requests_sent": len(results),
        "concurrency": args.concurrency,
        "seconds": round(elapsed, 1),
        "requests_per_second": round(len(results) / elapsed, 1) if elapsed else None,
        "statuses": statuses,
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 1),
            "p95": round(percentile(latencies, 95), 1),
            "p99": round(percentile(latencies, 99), 1),
            "max": round(max(latencies, default=float("nan")), 1),
            "mean": round(statistics.fmean(latencies), 1) if latencies else None,
        },
        "by_kind": by_kind,
        "server_rss_mb": {
            "idle": round(idle, 1),
            "peak": round(peak, 1),
            "after": round(after, 1),
            "peak_over_idle": round(peak / idle, 2),
        },
        "targets": {
            "p95_under_300ms": percentile(latencies, 95) < 300,
            "peak_within_1_5x_idle": peak <= 1.5 * idle,
            "no_server_errors": not any(s >= 500 or s == 0 for _, s, _ in results),
        },
    }
    out = args.out or RESULTS / f"load-{dt.date.today().isoformat()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    print(f"written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
