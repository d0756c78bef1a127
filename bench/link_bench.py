"""How the Spark job's linking time grows with the size of a (type, country) group.

    .venv/bin/python bench/link_bench.py                     # 1k, 8k, 64k mentions
    .venv/bin/python bench/link_bench.py --sizes 1000 8000 --compare-up-to 8000

One group of synthetic mergeable mentions (one PLOVER type, one country), as a busy group of a
large corpus: `--per-day` mentions a day (so a bigger group covers more days, as a longer
period does), placed in `--towns` towns spread over a 6° x 6° box, one to three mentions per
article, a few actor codes. Timed: `link_blocks.link_blocked` (what the job runs) and, up to
`--compare-up-to` mentions, `stages.link.link_in_order` (the unblocked linker it replaces), on
copies of the same mentions; the two must give every mention the same linked event (checked:
the run fails otherwise). The table is printed and the JSON written to
bench/results/link-DATE.json (or --output).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import time
from pathlib import Path

from flashpoint.link_blocks import link_blocked
from flashpoint.model import Actor, Event, Place, Span
from flashpoint.stages.link import LinkRules, link_in_order


def synthetic_group(size: int, per_day: int, towns: int, seed: int) -> list[list[Event]]:
    """`size` mergeable ASSAULT mentions in one country, grouped by article, input order."""
    rng = random.Random(seed)
    places = [
        (31.0 + rng.random() * 6.0, 38.0 + rng.random() * 6.0, 900000 + i) for i in range(towns)
    ]
    codes = ["AAA", "BBB", "CCC", "DDD"]
    start = dt.date(2024, 1, 1)
    days = max(1, size // per_day)
    articles: list[list[Event]] = []
    made = 0
    while made < size:
        # Articles arrive roughly in date order, some days late.
        day = start + dt.timedelta(days=min(days - 1, made // per_day + rng.randint(0, 2)))
        events = []
        for _ in range(min(size - made, rng.randint(1, 3))):
            lat, lon, geonameid = rng.choice(places)
            actor = rng.choice(codes)
            events.append(
                Event(
                    id=f"e{made:08d}",
                    article_id=f"a{len(articles):08d}",
                    event="ASSAULT",
                    mode=rng.choice(["aerial", "firearms", None]),
                    actor=[Actor(text=actor, start=0, end=3, code=actor, sector="MIL")],
                    recipient=[Actor(text="them", start=4, end=8, code=rng.choice(codes))],
                    date=day + dt.timedelta(days=rng.randint(-1, 0)),
                    date_precision="day",
                    event_loc=Place(
                        text="town",
                        name=f"town {geonameid}",
                        lat=lat + rng.uniform(-0.01, 0.01),
                        lon=lon + rng.uniform(-0.01, 0.01),
                        country="XXA",
                        precision=4,
                        geonameid=geonameid,
                        basis="sentence",
                    ),
                    quad_code=4,
                    event_scale=-8.0,
                    confidence=round(rng.uniform(0.4, 0.9), 2),
                    evidence=Span(text="A strike.", start=0, end=9),
                )
            )
            made += 1
        articles.append(events)
    return articles


def copy(articles: list[list[Event]]) -> list[list[Event]]:
    return [[e.model_copy(deep=True) for e in events] for events in articles]


def timed(linker, articles: list[list[Event]], rules: LinkRules) -> tuple[float, list[str]]:
    started = time.perf_counter()
    linker(articles, rules)
    seconds = time.perf_counter() - started
    return seconds, [e.link_id or "" for events in articles for e in events]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 8000, 64000])
    parser.add_argument("--compare-up-to", type=int, default=8000)
    parser.add_argument("--per-day", type=int, default=100)
    parser.add_argument("--towns", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    rules = LinkRules()
    rows = []
    for size in args.sizes:
        group = synthetic_group(size, args.per_day, args.towns, args.seed)
        blocked, blocked_links = timed(link_blocked, copy(group), rules)
        row = {
            "mentions": size,
            "days": max(1, size // args.per_day),
            "blocked_seconds": round(blocked, 3),
            "blocked_us_per_mention": round(blocked / size * 1e6, 1),
            "linked_events": len(set(blocked_links)),
        }
        if size <= args.compare_up_to:
            full, full_links = timed(link_in_order, copy(group), rules)
            if full_links != blocked_links:
                raise SystemExit(f"{size} mentions: the blocked linker's links differ")
            row["unblocked_seconds"] = round(full, 3)
            row["same_links"] = True
        rows.append(row)
        print(json.dumps(row), flush=True)
    report = {
        "date": dt.date.today().isoformat(),
        "per_day": args.per_day,
        "towns": args.towns,
        "rules": {"window_days": rules.window_days, "place_km": rules.place_km},
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "rows": rows,
    }
    out = args.output or Path(__file__).parent / "results" / f"link-{report['date']}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{'mentions':>9} {'blocked s':>10} {'us/mention':>11} {'unblocked s':>12}")
    for row in rows:
        print(
            f"{row['mentions']:>9} {row['blocked_seconds']:>10} {row['blocked_us_per_mention']:>11}"
            f" {row.get('unblocked_seconds', '-'):>12}"
        )


if __name__ == "__main__":
    main()
