"""The query plan of every SQL statement the API runs for scale_bench.py's calls.

    .venv/bin/python bench/query_plans.py --db STORE.db --out plans.json
    .venv/bin/python bench/query_plans.py --compare a.json b.json

Each call of scale_bench.py's dashboard and filter lists is made once through FastAPI's test
client (no server, no cache); every statement SQLite runs meanwhile is traced with its bound
values, and `EXPLAIN QUERY PLAN` is run on each SELECT. `--compare` prints the calls whose
plans differ between two such files (two versions of the code, or two stores), statement by
statement: how a schema change was checked against every query the API makes.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from scale_bench import DASHBOARD, FILTERS


def traced_plans(db: Path) -> dict[str, list[dict[str, object]]]:
    """For each call: its statements (SELECTs only) and their plans."""
    from fastapi.testclient import TestClient

    from flashpoint.api.app import create_app
    from flashpoint.api.settings import Settings

    statements: list[str] = []
    connect: Callable[..., sqlite3.Connection] = sqlite3.connect

    def tracing(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = connect(*args, **kwargs)
        conn.set_trace_callback(statements.append)
        return conn

    sqlite3.connect = tracing  # type: ignore[assignment]
    out: dict[str, list[dict[str, object]]] = {}
    try:
        app = create_app(Settings(db=db, cache_bytes=0))
        with TestClient(app) as client:
            for path in [*DASHBOARD, *FILTERS]:
                statements.clear()
                response = client.get(path)
                if response.status_code != 200:
                    raise SystemExit(f"{path}: status {response.status_code}")
                out[path] = [
                    {"sql": sql, "plan": _plan(db, sql)}
                    for sql in statements
                    if sql.lstrip().upper().startswith(("SELECT", "WITH"))
                ]
    finally:
        sqlite3.connect = connect  # type: ignore[assignment]
    return out


def _plan(db: Path, sql: str) -> list[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
    except sqlite3.Error as exc:
        return [f"(no plan: {exc})"]
    finally:
        conn.close()


def compare(first: Path, second: Path) -> int:
    """Print the calls whose plans differ; the number of such calls."""
    a, b = (json.loads(path.read_text()) for path in (first, second))
    differing = 0
    for path in a:
        plans_a = [s["plan"] for s in a[path]]
        plans_b = [s["plan"] for s in b.get(path, [])]
        if plans_a == plans_b:
            continue
        differing += 1
        print(f"== {path}")
        for left, right in zip(a[path], b.get(path, []), strict=False):
            if left["plan"] != right["plan"]:
                print(f"  - {left['sql'][:300]}\n    " + "\n    ".join(left["plan"]))
                print(f"  + {right['sql'][:300]}\n    " + "\n    ".join(right["plan"]))
        if len(plans_a) != len(plans_b):
            print(f"  statements: {len(plans_a)} against {len(plans_b)}")
    print(f"{differing} of {len(a)} calls with different plans")
    return differing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--compare", type=Path, nargs=2, metavar="PLANS")
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare)
        return
    if not args.db or not args.out:
        parser.error("--db and --out (or --compare A B)")
    args.out.write_text(json.dumps(traced_plans(args.db), indent=1))


if __name__ == "__main__":
    main()
