"""The API over a SQLite store and over the same articles as a Parquet dataset (DuckDB).

    .venv/bin/python bench/parquet_bench.py STORE.db [--dataset DIR] [--rounds 7]

Writes the store as a dataset (`dataset.write_store`, timed) unless DIR already holds one,
then asks both backends the dashboard's calls and a few filters, in process (no HTTP server,
no response cache), `--rounds` times each, alternating backends, and reports the median and
the slowest call per endpoint. The JSON goes to bench/results/parquet-DATE.json (or --output).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import time
from pathlib import Path

from fastapi.testclient import TestClient

from flashpoint.api import Settings, create_app
from flashpoint.dataset import MANIFEST, write_store
from flashpoint.store import Store

ENDPOINTS = [
    "/api/timeline",
    "/api/map",
    "/api/dyads?level=sector",
    "/api/actors?limit=100",
    "/api/facets",
    "/api/events?limit=100",
    "/api/events?limit=100&sort=-confidence",
    "/api/events?limit=100&actor=USA",
    "/api/events?limit=100&country=IRQ",
    "/api/events?limit=100&bbox=40,29,48,37",
    "/api/events?limit=100&since=2024-01-01&until=2024-01-31",
    "/api/events?limit=100&q=drone",
    "/api/quotes?limit=100",
    "/api/articles?limit=50",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--dataset", type=Path)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--budget", type=float, default=120.0, help="Seconds a call may take (then a 503)."
    )
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    folder = args.dataset or args.store.with_suffix(".dataset")
    report: dict = {"date": dt.date.today().isoformat(), "store": str(args.store)}
    with Store(args.store, read_only=True) as store:
        report["counts"] = store.counts()
        if not (folder / MANIFEST).is_file():
            started = time.perf_counter()
            write_store(store, folder)
            report["write_store_seconds"] = round(time.perf_counter() - started, 1)
    report["dataset_bytes"] = sum(p.stat().st_size for p in folder.rglob("*.parquet"))
    report["store_bytes"] = args.store.stat().st_size
    clients = {
        "sqlite": TestClient(create_app(Settings(db=args.store, query_seconds=args.budget))),
        "parquet": TestClient(create_app(Settings(parquet=folder, query_seconds=args.budget))),
    }
    timings: dict[str, dict[str, list[float]]] = {b: {e: [] for e in ENDPOINTS} for b in clients}
    for round_ in range(args.rounds):
        order = list(clients) if round_ % 2 == 0 else list(reversed(clients))
        for endpoint in ENDPOINTS:
            for backend in order:
                started = time.perf_counter()
                response = clients[backend].get(endpoint)
                seconds = time.perf_counter() - started
                if response.status_code != 200:  # over the budget: counted as the budget
                    print(f"{backend} {endpoint}: {response.status_code}", flush=True)
                    seconds = max(seconds, args.budget)
                timings[backend][endpoint].append(seconds)
                print(f"{backend:<8} {endpoint:<56} {seconds * 1000:9.1f} ms", flush=True)
    report["endpoints"] = {
        endpoint: {
            backend: {
                "p50_ms": round(statistics.median(timings[backend][endpoint]) * 1000, 1),
                "max_ms": round(max(timings[backend][endpoint]) * 1000, 1),
            }
            for backend in clients
        }
        for endpoint in ENDPOINTS
    }
    report["load_average"] = os.getloadavg()
    out = args.output or Path(__file__).parent / "results" / f"parquet-{report['date']}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: v for k, v in report.items() if k != "endpoints"}))
    print(f"{'endpoint':<56} {'sqlite p50':>11} {'parquet p50':>12}")
    for endpoint, row in report["endpoints"].items():
        print(f"{endpoint:<56} {row['sqlite']['p50_ms']:>9} ms {row['parquet']['p50_ms']:>9} ms")


if __name__ == "__main__":
    main()
