"""Throughput of the whole pipeline against spaCy alone, with 1 and 2 worker processes.

    .venv/bin/python bench/run_bench.py                      # Guardian sample + 500 NGEC stories
    .venv/bin/python bench/run_bench.py --synthetic 0 --guardian 60   # quicker

Each configuration runs in a fresh process (so that peak RSS is its own):

    spacy   the stock model (spaCy's blis products, attribute ruler and lemmatizer) on the
            same texts with the same paragraph batching (`stages.nlp.analyze`: one Doc per
            paragraph, ARTICLES_PER_CHUNK articles per nlp.pipe call); texts are read and
            cleaned before the clock starts.
    nlp     the same, as Flashpoint's NLP stage runs the model (numpy's BLAS on one thread,
            attribute ruler and lemmatizer as lookup tables: `stages.nlp`), with the same
            annotations (bench/same_annotations.py); one worker only.
    full    `flashpoint ingest` end to end into a new database: read, clean, dedup,
            language, NLP, extraction, linking, storing.

The clock includes loading spaCy (once per process). Results: a table on stdout and a JSON
file under bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "bench" / "results"


def prepare_input(shared: Path, guardian: int, synthetic: int, folder: Path) -> list[str]:
    """The benchmark's input files: a slice of each corpus file."""
    paths = []
    if guardian:
        source = shared / "corpus" / "guardian_sample_unlabeled.csv"
        lines = source.read_text(encoding="utf-8")
        target = folder / "guardian.csv"
        if guardian >= 249:
            target.write_text(lines, encoding="utf-8")
        else:
            import csv
            import io

            rows = list(csv.reader(io.StringIO(lines)))
            buffer = io.StringIO()
            csv.writer(buffer).writerows(rows[: guardian + 1])
            target.write_text(buffer.getvalue(), encoding="utf-8")
        paths.append(str(target))
    if synthetic:
        source = shared / "corpus" / "ngec_synthetic_events.jsonl"
        with source.open(encoding="utf-8") as handle:
            chosen = list(islice(handle, synthetic))
        target = folder / "synthetic.jsonl"
        target.write_text("".join(chosen), encoding="utf-8")
        paths.append(str(target))
    return paths


# --- one configuration, in its own process ------------------------------------------------------


def _spacy_batch(articles: list, stock: bool = True) -> tuple[int, int]:
    from flashpoint.stages import nlp

    paragraphs = 0
    for analyzed in nlp.analyze(articles, nlp.load_nlp(stock)):
        paragraphs += len(analyzed.segments)
    return len(articles), paragraphs


def _load_spacy(stock: bool = True) -> None:
    from flashpoint.pipeline import settle_loaded_resources
    from flashpoint.stages import nlp

    nlp.load_nlp(stock)
    settle_loaded_resources()  # the same garbage-collector settings as the full pipeline


def run_spacy(paths: list[str], workers: int, stock: bool = True) -> dict:
    from flashpoint.model import Article
    from flashpoint.pipeline import Pipeline
    from flashpoint.stages import nlp
    from flashpoint.workers import ordered_map

    articles = [a for a in Pipeline().read(paths) if isinstance(a, Article)]
    words = sum(len(a.text.split()) for a in articles)
    started = time.perf_counter()
    if workers == 1:
        _load_spacy(stock)  # inside the clock, as a worker does
        for start in range(0, len(articles), nlp.ARTICLES_PER_CHUNK):
            _spacy_batch(articles[start : start + nlp.ARTICLES_PER_CHUNK], stock)
    else:
        chunks = (
            (None, articles[start : start + nlp.ARTICLES_PER_CHUNK])
            for start in range(0, len(articles), nlp.ARTICLES_PER_CHUNK)
        )
        batch = functools.partial(_spacy_batch, stock=stock)
        for _ in ordered_map(chunks, batch, workers, _load_spacy, (stock,)):
            pass
    seconds = time.perf_counter() - started
    return {"articles": len(articles), "words": words, "seconds": seconds, "stages": {}}


def run_full(paths: list[str], workers: int) -> dict:
    from flashpoint.corpus import CorpusOptions, CorpusRun
    from flashpoint.model import ArticleResult
    from flashpoint.pipeline import Pipeline
    from flashpoint.store import Store

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        pipeline = Pipeline()
        store = Store(Path(folder) / "bench.db")
        run = CorpusRun(pipeline, store, CorpusOptions(workers=workers))
        articles = words = events = 0
        for result in run.results(paths):
            if isinstance(result, ArticleResult):
                articles += 1
                words += len(result.article.text.split())
                events += len(result.events)
        seconds = time.perf_counter() - started
        store.close()
    return {
        "articles": articles,
        "words": words,
        "events": events,
        "seconds": seconds,
        "stages": {k: round(v, 3) for k, v in sorted(run.stage_seconds.items())},
        "summary": run.summary.line(seconds),
    }


def run_one(mode: str, workers: int, paths: list[str]) -> dict:
    if mode == "full":
        measured = run_full(paths, workers)
    else:
        measured = run_spacy(paths, workers, stock=mode == "spacy")
    own_usage = resource.getrusage(resource.RUSAGE_SELF)
    child_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    own, child = own_usage.ru_maxrss / 1024, child_usage.ru_maxrss / 1024
    # CPU seconds (this process and its workers, set-up included) do not depend on how busy
    # the machine is; wall-clock seconds do.
    cpu = sum(u.ru_utime + u.ru_stime for u in (own_usage, child_usage))
    measured.update(
        cpu_seconds=round(cpu, 2),
        # With workers, the main process's share is the serial part (read, clean, dedup,
        # link, store): 2 workers can be at most 2 / (1 + share) times one.
        cpu_seconds_main=round(own_usage.ru_utime + own_usage.ru_stime, 2),
        articles_per_cpu_s=measured["articles"] / cpu,
        mode=mode,
        workers=workers,
        articles_per_s=measured["articles"] / measured["seconds"],
        words_per_s=measured["words"] / measured["seconds"],
        peak_rss_mb_main=round(own, 1),
        peak_rss_mb_worker=round(child, 1) if workers > 1 else None,
        peak_rss_mb_total=round(own + (child * workers if workers > 1 else 0), 1),
    )
    return measured


# --- the whole benchmark ---------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--guardian", type=int, default=249, help="Guardian articles (max 249)")
    parser.add_argument("--synthetic", type=int, default=500, help="NGEC synthetic stories")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternated rounds of the one-worker runs"
    )
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--one", nargs=2, metavar=("MODE", "WORKERS"), help=argparse.SUPPRESS)
    parser.add_argument("--paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]), args.paths)))
        return

    rows = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        paths = prepare_input(args.shared, args.guardian, args.synthetic, Path(folder))
        for workers in args.workers:
            modes = ("spacy", "nlp", "full") if workers == 1 else ("spacy", "full")
            for round_number in range(args.rounds if workers == 1 else 1):
                # Alternate the order so that a machine slowing down or speeding up during
                # the runs does not always favour the same configuration.
                for mode in modes if round_number % 2 == 0 else modes[::-1]:
                    command = [sys.executable, __file__, "--one", mode, str(workers), "--paths",
                               *paths]  # fmt: skip
                    done = subprocess.run(command, capture_output=True, text=True, check=False)
                    if done.returncode != 0:
                        sys.exit(f"benchmark run {mode} x{workers} failed:\n{done.stderr}")
                    row = json.loads(done.stdout.strip().splitlines()[-1])
                    rows.append({**row, "round": round_number})
                    print(f"  done: {mode} with {workers} worker(s), round {round_number + 1}",
                          file=sys.stderr)  # fmt: skip
    ratios, per_round = _median_ratios(rows)
    report = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": _cpus(),
            # Above the number of CPUs, wall-clock figures measure the neighbours too.
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "input": {"guardian": args.guardian, "synthetic": args.synthetic},
        "runs": rows,
        "ratios": ratios,
        "ratios_per_round": per_round,
    }
    print(_table(rows, report["ratios"], report["machine"]))
    RESULTS.mkdir(parents=True, exist_ok=True)
    output = args.output or RESULTS / f"bench-{dt.date.today().isoformat()}.json"
    output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {output}")


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def _median_ratios(rows: list[dict]) -> tuple[dict[str, float], list[dict[str, float]]]:
    """Ratios per round (the two-worker runs count with the first round) and their medians:
    runs on a shared machine drift by 10-20% from one minute to the next, runs next to each
    other much less."""
    rounds = sorted({r["round"] for r in rows})
    per_round = [
        _ratios([r for r in rows if r["round"] == n or (n == 0 and r["workers"] > 1)])
        for n in rounds
    ]
    keys = dict.fromkeys(k for ratios in per_round for k in ratios)
    medians = {k: round(statistics.median(r[k] for r in per_round if k in r), 3) for k in keys}
    return medians, per_round


def _ratios(rows: list[dict]) -> dict[str, float]:
    rate = {(r["mode"], r["workers"]): r["articles_per_s"] for r in rows}
    ratios = {}
    for workers in sorted({r["workers"] for r in rows}):
        if ("full", workers) in rate and ("spacy", workers) in rate:
            ratios[f"full_vs_spacy_{workers}w"] = round(
                rate[("full", workers)] / rate[("spacy", workers)], 3
            )
    if ("full", 1) in rate and ("nlp", 1) in rate:
        # what the extraction, linking and storing cost on top of the NLP stage
        ratios["full_vs_nlp_stage_1w"] = round(rate[("full", 1)] / rate[("nlp", 1)], 3)
        ratios["nlp_stage_vs_spacy_1w"] = round(rate[("nlp", 1)] / rate[("spacy", 1)], 3)
    per_cpu = {(r["mode"], r["workers"]): r["articles_per_cpu_s"] for r in rows}
    if ("full", 1) in per_cpu and ("spacy", 1) in per_cpu:
        ratios["full_vs_spacy_cpu_1w"] = round(per_cpu[("full", 1)] / per_cpu[("spacy", 1)], 3)
    for mode in ("spacy", "full"):
        if (mode, 1) in rate and (mode, 2) in rate:
            ratios[f"{mode}_2w_vs_1w"] = round(rate[(mode, 2)] / rate[(mode, 1)], 3)
    return ratios


RUN_NAMES = {"spacy": "spaCy alone", "nlp": "NLP stage alone", "full": "full pipeline"}


def _table(rows: list[dict], ratios: dict[str, float], machine: dict) -> str:
    load = machine["load_average_before"][0], machine["load_average_after"][0]
    cpus = machine["cpus"]
    lines = [
        "| run | workers | round | articles | s | articles/s | words/s | CPU s | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        rss = f"{r['peak_rss_mb_main']:.0f}"
        if r["peak_rss_mb_worker"]:
            rss += f" / {r['peak_rss_mb_worker']:.0f}"
        lines.append(
            f"| {RUN_NAMES[r['mode']]} | {r['workers']} | {r['round'] + 1} "
            f"| {r['articles']} | {r['seconds']:.1f} | {r['articles_per_s']:.2f} "
            f"| {r['words_per_s']:.0f} | {r['cpu_seconds']:.1f} | {rss} |"
        )
    lines.append("")
    lines.append(f"load average before/after: {load[0]} / {load[1]} on {cpus} CPUs")
    lines.append("ratios (median of rounds): " + ", ".join(f"{k} = {v}" for k, v in ratios.items()))
    for r in rows:
        if r["stages"]:
            total = sum(r["stages"].values())
            split = ", ".join(
                f"{k} {100 * v / total:.1f}%"
                for k, v in sorted(r["stages"].items(), key=lambda kv: -kv[1])
            )
            lines.append(
                f"stage split (full, {r['workers']} worker(s), round {r['round'] + 1}): {split}"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
