"""Time escalation alerts (src/flashpoint/alerts.py) over a large synthetic store.

    .venv/bin/python bench/alerts_bench.py                    # 1,000,000 events
    .venv/bin/python bench/alerts_bench.py --events 100000    # a quick look

The store: `--events` events over `--days` days in 60 countries of 8 admin1 units each, among
6 armed actors per country (plus a few cross-border ones); daily counts are Poisson noise with
a few planted escalations; a tenth of the events are not countable (background, negated,
publication-date fallback); linked events of 1-3 reports each. The rows are written straight
into the events and articles tables (the full-text triggers are dropped in this throwaway store:
they cost time to build it and nothing to the alerts). Reported: seconds to load the series,
seconds to apply the rules, their CPU seconds (on a shared machine the wall clock measures the
neighbours too), alerts found, peak RSS, the load average. One process, one core.

Then the incremental update (alerts.update) against the full recomputation it replaces: the
stored alerts are recomputed in full once (alerts.recompute: load, rules, storing, the
incremental state), then one new article is stored as `ingest` stores it (Store.save) and the
update timed, once for an article about the last day and once for a late one about a day a
year back (every touched series is then retested from that day on). `--check` also compares
the stored alerts with a full computation afterwards (another full run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from flashpoint import alerts as alerts_module
from flashpoint.model import Actor, Article, ArticleResult, Event, Place, Size, Span
from flashpoint.store import Store


def build(path: Path, events: int, days: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    Store(path).close()  # the schema
    conn = sqlite3.connect(path)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    countries = [f"C{i:02d}" for i in range(60)]
    actors = {c: [f"{c[1:]}{k}" for k in "ABCDEF"] for c in countries}
    start = dt.date(2024, 1, 1).toordinal()
    planted = {rng.choice(countries): rng.randrange(days // 2, days) for _ in range(8)}
    article_rows, event_rows = [], []
    link = 0
    n = 0
    while n < events:
        country = rng.choice(countries)
        day = rng.randrange(days)
        if country in planted and day < planted[country] and rng.random() < 0.5:
            day = rng.randrange(planted[country], days)  # an escalation after the planted day
        link += 1
        reports = rng.choice((1, 1, 1, 2, 3))
        dead = rng.choice((0, 0, 0, 0, 1, 2, 5))
        quad = rng.choice((1, 2, 3, 3, 4, 4, 4))
        actor = rng.choice(actors[country] + ["XXA"])
        target = rng.choice(actors[country])
        admin1 = f"R{rng.randrange(8)}"
        precision = "day" if rng.random() > 0.05 else "published"
        background = int(rng.random() < 0.05)
        date = dt.date.fromordinal(start + day).isoformat()
        record = json.dumps({"event_loc": {"admin1": admin1}, "size": {"dead": dead}})
        for _ in range(reports):
            n += 1
            article_id = f"a{n:08d}"
            article_rows.append((article_id, "coded", "", "{}"))
            event_rows.append(
                (f"e{n:08d}", article_id, "ASSAULT", date, precision, f" {actor} ",
                 f" {target} ", country, quad, -9.0, 0.9, background, f"l{link:08d}", record)
            )  # fmt: skip
        if len(event_rows) >= 50_000:
            _flush(conn, article_rows, event_rows)
    _flush(conn, article_rows, event_rows)
    conn.close()


def _flush(conn: sqlite3.Connection, articles: list, events: list) -> None:
    with conn:
        conn.executemany(
            "INSERT INTO articles (id, status, text, record) VALUES (?, ?, ?, ?)", articles
        )
        conn.executemany(
            "INSERT INTO events (id, article_id, event, date, date_precision, actor_codes,"
            " recipient_codes, country, quad_code, event_scale, confidence, background, link_id,"
            " record) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            events,
        )
    articles.clear()
    events.clear()


def one_article(store: Store, number: int, day: dt.date, country: str, dead: int) -> None:
    """One new article with two event mentions, stored as `ingest` stores it."""
    article_id = f"new{number:04d}"
    text = f"Report {number}: fighting in {country}."
    events = [
        Event(
            id=f"{article_id}-e{k}",
            article_id=article_id,
            event="ASSAULT",
            actor=[Actor(text="A", code=f"{country[1:]}{actor}", start=0, end=1)],
            recipient=[Actor(text="B", code=f"{country[1:]}A", start=0, end=1)],
            date=day,
            date_precision="day",
            event_loc=Place(name="R1", country=country, admin1="R1"),
            size=Size(dead=dead) if dead else None,
            quad_code=4,
            event_scale=-9.0,
            confidence=0.9,
            evidence=Span(text=text, start=0, end=len(text)),
            link_id=f"lnew{number:04d}-{k}",
        )
        for k, actor in enumerate("BC")
    ]
    published = dt.datetime.combine(day, dt.time(12))
    article = Article(id=article_id, title=text, text=text, published=published)
    store.save(ArticleResult(article=article, events=events))


def incremental(path: Path, config: dict, check: bool) -> dict:
    result: dict = {}
    with Store(path) as store:
        conn = store.conn
        cpu = time.process_time()
        full = alerts_module.recompute(conn, config)
        result["recompute_seconds"] = round(full.seconds, 1)
        result["recompute_cpu_seconds"] = round(time.process_time() - cpu, 1)
        result["stored_alerts"] = len(full.alerts)
        last = conn.execute("SELECT max(date) FROM events").fetchone()[0]
        last_day = dt.date.fromisoformat(last[:10])
        for number, (label, day) in enumerate(
            [("update_last_day", last_day), ("update_late_year_back", last_day - dt.timedelta(365))]
        ):
            one_article(store, number, day, "C07", dead=3)
            cpu = time.process_time()
            done = alerts_module.update(conn, config)
            result[label] = {
                "mode": done.mode,
                "seconds": round(done.seconds, 3),
                "cpu_seconds": round(time.process_time() - cpu, 3),
                "events_read": done.events,
                "series_recomputed": done.series,
                "alerts_of_those_series": len(done.alerts),
                "new": len(done.new),
                "removed": done.removed,
            }
        result["peak_rss_mb_with_recompute"] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        )
        if check:
            stored = {r[0]: json.loads(r[1]) for r in conn.execute("SELECT id, record FROM alerts")}
            data = alerts_module.load_series(conn)
            fresh = {
                a.id: json.loads(json.dumps(a.to_dict()))
                for a in alerts_module.compute_alerts(data, config)
            }
            result["same_as_full"] = stored == fresh
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--db", type=Path, help="Reuse (or build) this store.")
    parser.add_argument(
        "--check", action="store_true", help="Compare the updated alerts with a full run."
    )
    parser.add_argument("--no-incremental", action="store_true", help="Time the full run only.")
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp()) / "alerts-bench.db"
    if not path.exists():
        started = time.perf_counter()
        build(path, args.events, args.days)
        print(f"built {path} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    config = alerts_module.load_config()
    with Store(path) as store:
        count = store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        started, cpu_started = time.perf_counter(), time.process_time()
        data = alerts_module.load_series(store.conn)
        loaded = time.perf_counter()
        found = alerts_module.compute_alerts(data, config)
        ruled, cpu_done = time.perf_counter(), time.process_time()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "events": count,
        "series": len(data.series),
        "load_seconds": round(loaded - started, 1),
        "rules_seconds": round(ruled - loaded, 1),
        "total_seconds": round(ruled - started, 1),
        "cpu_seconds": round(cpu_done - cpu_started, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "alerts": len(found),
        "peak_rss_mb": round(peak),
    }
    if not args.no_incremental:
        del data, found  # the recomputation below loads the store again
        gc.collect()
        result["incremental"] = incremental(path, config, args.check)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
