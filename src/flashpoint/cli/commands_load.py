"""`flashpoint load`: a Parquet dataset written by `flashpoint spark` into a SQLite store."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from flashpoint.cli.app import app, err, out
from flashpoint.store import DEFAULT_DB, Store


@app.command()
def load(
    directory: Annotated[
        Path, typer.Argument(help="The dataset: the OUTPUT directory of `flashpoint spark`.")
    ],
    db: Annotated[Path, typer.Option("--db", help="SQLite database to load into.")] = DEFAULT_DB,
) -> None:
    """Store a Parquet dataset (articles, events, quotes, entities, dedup fingerprints,
    linked events) in a SQLite database, all in one transaction: on bad input nothing is
    stored. Articles already in the database are left as they are; later `run` and `ingest`
    into it recognise reposts of the loaded articles."""
    from flashpoint.load import load_dataset, read_manifest

    read_manifest(directory)  # a one-line error before a database is made
    started = time.perf_counter()
    with Store(db) as store:
        summary = load_dataset(directory, store)
    out.print(
        f"{summary.articles} articles and {summary.events} events stored in {db}"
        + (f"; {summary.skipped} already there" if summary.skipped else "")
    )
    err.print(f"loaded in {time.perf_counter() - started:.1f} s", style="dim")
