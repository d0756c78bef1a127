"""`flashpoint run` and `flashpoint ingest`: code articles and store them."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from flashpoint.cli import render
from flashpoint.cli.app import app, err, out
from flashpoint.errors import InputError
from flashpoint.model import Article, ArticleResult
from flashpoint.pipeline import Pipeline, PipelineOptions
from flashpoint.stages.read import DEFAULT_MAX_BYTES, ReadOptions
from flashpoint.store import DEFAULT_DB, Store

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


@dataclass
class RunSummary:
    read: int = 0
    coded: int = 0
    skipped: int = 0
    already_stored: int = 0
    failed: int = 0
    events: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def line(self, seconds: float) -> str:
        rate = self.read / seconds if seconds > 0 else 0.0
        parts = [f"{self.read} articles read", f"{self.coded} coded", f"{self.events} events"]
        if self.already_stored:
            parts.append(f"{self.already_stored} already stored")
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        if self.failed:
            parts.append(f"{self.failed} inputs failed")
        return ", ".join(parts) + f" ({seconds:.1f} s, {rate:.1f} articles/s)"


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
) -> None:
    """Read, code and store articles, then print their events and quotes."""
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
    )
    pipeline = Pipeline(options)
    database = Store(db) if store else None
    summary = RunSummary()
    started = time.perf_counter()
    try:
        for result in _with_progress(
            code_and_store(pipeline, paths, database, summary), paths, quiet
        ):
            if quiet:
                continue
            if as_json:
                out.file.write(json.dumps(result.to_output(), ensure_ascii=False) + "\n")
            else:
                for part in render.result_view(result):
                    out.print(part)
                out.print()
    finally:
        if database is not None:
            database.close()
    err.print(summary.line(time.perf_counter() - started), style="dim")
    if summary.read == 0 and summary.failed:
        raise typer.Exit(1)


def code_and_store(
    pipeline: Pipeline, paths: Iterable[str], store: Store | None, summary: RunSummary
) -> Iterator[ArticleResult]:
    """The run loop: read, skip what is stored, code the rest, store each article in its own
    transaction. Input errors are reported on stderr and the batch goes on."""

    def fresh_items() -> Iterator[Article | InputError | ArticleResult]:
        for item in pipeline.read(paths):
            if isinstance(item, InputError):
                yield item
                continue
            summary.read += 1
            stored = (
                store.result(item.id) if store is not None and store.has_article(item.id) else None
            )
            if stored is not None:
                summary.already_stored += 1
                yield stored
            else:
                yield item

    stored_ids: set[str] = set()
    for item in pipeline.process(fresh_items()):
        if isinstance(item, InputError):
            summary.failed += 1
            err.print(f"[bold red]error:[/] {item.message}", markup=True, highlight=False)
            continue
        article = item.article
        if article.status == "skipped":
            summary.skipped += 1
        elif article.id not in stored_ids:
            summary.coded += 1
            summary.events += len(item.events)
        if store is not None and article.id not in stored_ids:
            store.save(item)
        stored_ids.add(article.id)
        yield item


def _with_progress(
    results: Iterator[ArticleResult], paths: list[str], quiet: bool
) -> Iterator[ArticleResult]:
    if len(paths) <= PROGRESS_AFTER and not any(
        Path(p).is_dir() or p.endswith((".jsonl", ".csv", ".ndjson")) for p in paths
    ):
        yield from results
        return
    progress = Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(bar_width=None),
        TextColumn("{task.completed} articles"),
        TextColumn("{task.fields[rate]:.1f}/s"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not sys.stderr.isatty(),
    )
    with progress:
        task = progress.add_task("coding", total=None, rate=0.0)
        started = time.perf_counter()
        for count, result in enumerate(results, start=1):
            elapsed = time.perf_counter() - started
            progress.update(task, completed=count, rate=count / elapsed if elapsed else 0.0)
            yield result


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
    actors: ActorsOpt = None,
    rules: RulesOpt = None,
) -> None:
    """Code and store articles without printing them (a summary at the end)."""
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
        title_col=None,
        id_col=None,
        actors=actors,
        rules=rules,
    )
