"""Repost folding on planted reposts built from ../shared/corpus (see evaluate/dedup.py).

    .venv/bin/python bench/dedup_eval.py             # 249 + 4,500 originals, 2 reposts each
    .venv/bin/python bench/dedup_eval.py --synthetic 500 --threshold 0.4 0.5 0.6

Prints recall and false merges per threshold and writes bench/results/dedup-DATE.json.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import time
from itertools import islice
from pathlib import Path

from flashpoint.evaluate.dedup import plant_reposts, score
from flashpoint.stages.dedup import DedupOptions

ROOT = Path(__file__).resolve().parents[1]


def originals(shared: Path, guardian: int, synthetic: int) -> list[tuple[str, str, str]]:
    found = []
    with (shared / "corpus" / "guardian_sample_unlabeled.csv").open(encoding="utf-8") as handle:
        for row in islice(csv.DictReader(handle), guardian):
            # One paragraph per article in this file: split it so a headline can stand above.
            sentences = re.split(r"(?<=[.!?])\s+", row["text"])
            text = "\n\n".join(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))
            found.append((f"guardian-{row['']}", " ".join(row["text"].split()[:9]), text))
    with (shared / "corpus" / "ngec_synthetic_events.jsonl").open(encoding="utf-8") as handle:
        for line in islice(handle, synthetic):
            record = json.loads(line)
            title = re.sub(r"\{[^}]*\}", "the country", record["meta"].get("title_template") or "")
            found.append((record["id"], title or "News", record["text"]))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--guardian", type=int, default=249)
    parser.add_argument("--synthetic", type=int, default=4500)
    parser.add_argument("--threshold", type=float, nargs="+", default=[DedupOptions.threshold])
    args = parser.parse_args()
    items = plant_reposts(originals(args.shared, args.guardian, args.synthetic))
    rows = []
    for threshold in args.threshold:
        started = time.perf_counter()
        scores = score(items, DedupOptions(threshold=threshold))
        row = {"threshold": threshold, **scores.as_dict()}
        row["articles_per_s"] = round(len(items) / (time.perf_counter() - started), 1)
        rows.append(row)
        print(json.dumps(row))
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    output = results / f"dedup-{dt.date.today().isoformat()}.json"
    output.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print(f"written to {output}")


if __name__ == "__main__":
    main()
