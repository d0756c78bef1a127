"""`flashpoint run` and `flashpoint ingest`: code articles and store them (see corpus.py)."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from flashpoint.cli import render
from flashpoint.cli.app import app, err, out
from flashpoint.corpus import CorpusOptions, CorpusRun, RunSummary, Terminated, stop_signals
from flashpoint.errors import InputError, StoreError
from flashpoint.model import ArticleResult
from flashpoint.pipeline import Pipeline, PipelineOptions
from flashpoint.stages.dedup import DedupOptions
from flashpoint.stages.link import LinkRules
from flashpoint.stages.read import (
    CSV_EXTENSIONS,
    DEFAULT_MAX_BYTES,
    JSONL_EXTENSIONS,
    KNOWN_EXTENSIONS,
    ReadOptions,
)
from flashpoint.store import DEFAULT_DB, Store
from flashpoint.store.sqlite import store_error

# More inputs than this and a progress bar is shown (on stderr).
PROGRESS_AFTER = 3

PathsArg = Annotated[
    list[str], typer.Argument(help="Files, directories, or - for stdin.", show_default=False)
]
DbOpt = Annotated[Path, typer.Option("--db", help="SQLite database to store into.")]
ActorsOpt = Annotated[
    list[Path] | None, typer.Option("--actors", help="Extra actor dictionary (YAML).")
]
RulesOpt = Annotated[list[Path] | None, typer.Option("--rules", help="Extra event rules (YAML).")]


WorkersOpt = Annotated[
    int,
    typer.Option(
        "--workers", "-w", min=1, help="Processes that code articles (each loads spaCy once)."
    ),
]
DupThresholdOpt = Annotated[
    float,
    typer.Option(
        "--dup-threshold",
        min=0.1,
        max=0.95,
        help="Body similarity (estimated Jaccard of word 4-grams) at which an article is a repost.",
    ),
]
LinkDaysOpt = Annotated[
    int, typer.Option("--link-days", min=0, help="Days apart two reports of one event may date it.")
]
LinkKmOpt = Annotated[
    float,
    typer.Option("--link-km", min=0.0, help="Km apart two reports of one event may place it."),
]


@app.command()
def run(
    paths: PathsArg,
    db: DbOpt = DEFAULT_DB,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSONL, one object per article.")
    ] = False,
    store: Annotated[
        bool, typer.Option("--store/--no-store", help="Store results in the database.")
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary.")] = False,
    max_bytes: Annotated[
        int, typer.Option(help="Largest article accepted, in bytes.")
    ] = DEFAULT_MAX_BYTES,
    encoding: Annotated[str, typer.Option(help="Encoding of the input files.")] = "utf-8",
    text_col: Annotated[str | None, typer.Option(help="CSV column holding the text.")] = None,
    date_col: Annotated[str | None, typer.Option(help="CSV column holding the date.")] = None,
    title_col: Annotated[str | None, typer.Option(help="CSV column holding the title.")] = None,
    id_col: Annotated[str | None, typer.Option(help="CSV column holding the article id.")] = None,
    actors: ActorsOpt = None,
    rules: RulesOpt = None,
    workers: WorkersOpt = 1,
    dup_threshold: DupThresholdOpt = DedupOptions.threshold,
    link_days: LinkDaysOpt = LinkRules.window_days,
    link_km: LinkKmOpt = LinkRules.place_km,
    screen: Annotated[
        bool,
        typer.Option(
            "--screen/--all-records",
            help="Leave out records the screen model finds unlikely to be incidents an analyst "
            "codes (docs/events.md); --all-records keeps every record.",
        ),
    ] = True,
) -> None:
    """Read, code and store articles, then print their events and quotes.

    Reposts of an article already seen are stored as duplicates (not coded again); events
    reported by several articles are linked. A re-run skips what is stored."""
    options = PipelineOptions(
        read=ReadOptions(
            max_bytes=max_bytes,
            encoding=encoding,
            text_col=text_col,
            date_col=date_col,
            title_col=title_col,
            id_col=id_col,
        ),
        actor_files=list(actors or []),
        rule_files=list(rules or []),
        screen_records=screen,
    )
    pipeline = Pipeline(options)
    corpus_options = CorpusOptions(
        dedup=DedupOptions(threshold=dup_threshold),
        link=LinkRules(window_days=link_days, place_km=link_km),
        workers=workers,
    )
    # Without --store, dedup and linking still need an index: an in-memory database.
    database = Store(db if store else ":memory:")
    summary = RunSummary()
    started = time.perf_counter()
    stopped: BaseException | None = None
    try:  # a signal may also come while the database closes
        with stop_signals():
            try:
                corpus = CorpusRun(pipeline, database, corpus_options, summary)
                results = corpus.results(paths)
                total = count_articles(paths, options.read) if _shows_progress(paths) else None
                try:
                    for result in _report_errors(_with_progress(results, paths, total)):
                        if quiet:
                            continue
                        if as_json:
                            out.file.write(
                                json.dumps(result.to_output(), ensure_ascii=False) + "\n"
                            )
                        else:
                            for part in render.result_view(result, width=out.width):
                                out.print(part, soft_wrap=False)
                            out.print()
                finally:
                    results.close()  # stops the workers now if the loop stopped early
            except (KeyboardInterrupt, Terminated) as exc:
                stopped = exc
            except sqlite3.Error as exc:  # disk full, locked for too long, read-only...
                stopped = store_error(db, exc)
            finally:
                with contextlib.suppress(sqlite3.Error):
                    database.close()
    except (KeyboardInterrupt, Terminated) as exc:
        stopped = stopped or exc
    err.print(summary.line(time.perf_counter() - started), style="dim")
    if isinstance(stopped, StoreError):
        raise stopped
    if stopped is not None:
        signal_name, code = ("SIGTERM", 143) if isinstance(stopped, Terminated) else ("SIGINT", 130)
        err.print(
            f"stopped by {signal_name}: every article stored so far is complete; run the same"
            " command again to code the rest"
        )
        raise typer.Exit(code)
    if summary.failed:  # every failed input, file, line or row was named above
        raise typer.Exit(1)


def _report_errors(
    items: Iterator[ArticleResult | InputError],
) -> Iterator[ArticleResult]:
    """Input errors get one line on stderr; the batch goes on."""
    for item in items:
        if isinstance(item, InputError):
            err.print(f"[bold red]error:[/] {item.message}", markup=True, highlight=False)
        else:
            yield item


def _shows_progress(paths: list[str]) -> bool:
    """A progress bar (on stderr, when it is a terminal) for more than a few inputs."""
    if not sys.stderr.isatty():
        return False
    return len(paths) > PROGRESS_AFTER or any(
        Path(p).is_dir() or p.endswith((".jsonl", ".csv", ".ndjson")) for p in paths
    )


def count_articles(paths: list[str], options: ReadOptions | None = None) -> int | None:
    """How many items (articles, or inputs that turn out unreadable) reading `paths` gives, as
    read.iter_documents counts them: one per text or HTML file, per non-blank JSONL line, per
    CSV row. None when it cannot be known beforehand (stdin, a CSV that does not parse)."""
    options = options or ReadOptions()
    total = 0
    for name in paths:
        if name == "-":
            return None
        path = Path(name)
        if path.is_dir():
            files = [
                Path(root) / file
                for root, dirs, names in os.walk(path)
                for file in names
                if not file.startswith(".")
                and Path(file).suffix.lower() in KNOWN_EXTENSIONS
                and not any(part.startswith(".") for part in Path(root).relative_to(path).parts)
            ]
            counts = [_count_file(file, options) for file in files]
            if any(count is None for count in counts):
                return None
            total += sum(c for c in counts if c is not None) or 1  # an empty directory: 1 error
        else:
            count = _count_file(path, options)
            if count is None:
                return None
            total += count
    return total


def _count_file(path: Path, options: ReadOptions) -> int | None:
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_EXTENSIONS:
            with path.open("rb") as handle:
                return sum(1 for line in handle if line.strip()) or 1
        if suffix in CSV_EXTENSIONS:
            csv.field_size_limit(max(options.max_bytes, 1_000_000))
            with path.open(encoding=options.encoding, newline="") as handle:
                rows = csv.reader(handle, delimiter="\t" if suffix == ".tsv" else ",")
                next(rows, None)  # the header
                return sum(1 for _ in rows) or 1
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    return 1


def progress_bar(total: int | None, console: Console) -> Progress:
    """With a known total: bar, percentage, count, rate, elapsed time and time left; without,
    a spinner and the count."""
    columns: list = [SpinnerColumn(), TextColumn("[progress.description]{task.description}")]
    columns.append(BarColumn(bar_width=None))
    if total is not None:
        columns += [TaskProgressColumn(), MofNCompleteColumn()]
    else:
        columns.append(TextColumn("{task.completed} articles"))
    columns += [TextColumn("{task.fields[rate]:.1f}/s"), TimeElapsedColumn()]
    if total is not None:
        columns += [TextColumn("ETA"), TimeRemainingColumn()]
    return Progress(*columns, console=console, transient=True)


def _with_progress(
    items: Iterator[ArticleResult | InputError], paths: list[str], total: int | None
) -> Iterator[ArticleResult | InputError]:
    if not _shows_progress(paths):
        yield from items
        return
    with progress_bar(total, err) as progress:
        task = progress.add_task("coding", total=total, rate=0.0)
        started = time.perf_counter()
        for count, item in enumerate(items, start=1):
            elapsed = time.perf_counter() - started
            progress.update(task, completed=count, rate=count / elapsed if elapsed else 0.0)
            yield item


@app.command()
def ingest(
    paths: PathsArg,
    db: DbOpt = DEFAULT_DB,
    max_bytes: Annotated[
        int, typer.Option(help="Largest article accepted, in bytes.")
    ] = DEFAULT_MAX_BYTES,
    encoding: Annotated[str, typer.Option(help="Encoding of the input files.")] = "utf-8",
    text_col: Annotated[str | None, typer.Option(help="CSV column holding the text.")] = None,
    date_col: Annotated[str | None, typer.Option(help="CSV column holding the date.")] = None,
    title_col: Annotated[str | None, typer.Option(help="CSV column holding the title.")] = None,
    id_col: Annotated[str | None, typer.Option(help="CSV column holding the article id.")] = None,
    actors: ActorsOpt = None,
    rules: RulesOpt = None,
    workers: WorkersOpt = 1,
    dup_threshold: DupThresholdOpt = DedupOptions.threshold,
    link_days: LinkDaysOpt = LinkRules.window_days,
    link_km: LinkKmOpt = LinkRules.place_km,
) -> None:
    """Code and store a corpus without printing it: a progress bar, then a summary."""
    run(
        paths,
        db=db,
        as_json=False,
        store=True,
        quiet=True,
        max_bytes=max_bytes,
        encoding=encoding,
        text_col=text_col,
        date_col=date_col,
        title_col=title_col,
        id_col=id_col,
        actors=actors,
        rules=rules,
        workers=workers,
        dup_threshold=dup_threshold,
        link_days=link_days,
        link_km=link_km,
    )
