"""`flashpoint spark`: the pipeline as a Spark job (optional extra `flashpoint[spark]`)."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from flashpoint.cli.app import app, err, out
from flashpoint.stages.dedup import DedupOptions
from flashpoint.stages.link import LinkRules
from flashpoint.stages.read import ReadOptions


@app.command()
def spark(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Input files or directories (local, hdfs://, s3a://...), then the OUTPUT "
            "directory for the Parquet tables.",
            show_default=False,
        ),
    ],
    master: Annotated[
        str | None,
        typer.Option(help="Spark master: local[N], spark://HOST:7077, yarn, k8s://... "),
    ] = None,
    partitions: Annotated[
        int | None, typer.Option(min=1, help="Partitions to code in (default 4 per core).")
    ] = None,
    text_col: Annotated[str | None, typer.Option(help="CSV column holding the text.")] = None,
    date_col: Annotated[str | None, typer.Option(help="CSV column holding the date.")] = None,
    title_col: Annotated[str | None, typer.Option(help="CSV column holding the title.")] = None,
    id_col: Annotated[str | None, typer.Option(help="CSV column holding the article id.")] = None,
    dup_threshold: Annotated[
        float, typer.Option("--dup-threshold", min=0.1, max=0.95, help="See `run`.")
    ] = DedupOptions.threshold,
    link_days: Annotated[int, typer.Option(min=0, help="See `run`.")] = LinkRules.window_days,
    link_km: Annotated[float, typer.Option(min=0.0, help="See `run`.")] = LinkRules.place_km,
) -> None:
    """Code a corpus on Spark and write Parquet tables: articles, events, quotes, entities,
    mentions, linked_events, clusters, errors."""
    from flashpoint.spark import SparkOptions, run_job, start_session

    if len(paths) < 2:
        err.print("[bold red]error:[/] give at least one INPUT and the OUTPUT directory")
        raise typer.Exit(2)
    inputs, output = paths[:-1], paths[-1]
    options = SparkOptions(
        master=master,
        partitions=partitions,
        read=ReadOptions(text_col=text_col, date_col=date_col, title_col=title_col, id_col=id_col),
        dedup=DedupOptions(threshold=dup_threshold),
        link=LinkRules(window_days=link_days, place_km=link_km),
    )
    started = time.perf_counter()
    session = start_session(master)
    try:
        counts = run_job(session, inputs, output, options)
    finally:
        session.stop()
    for table, rows in counts.items():
        out.print(f"{table}: {rows} rows")
    err.print(f"written to {output} in {time.perf_counter() - started:.1f} s", style="dim")
