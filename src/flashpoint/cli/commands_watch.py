"""`flashpoint watch` (feeds in, coded continuously) and `flashpoint sources` (their health)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import time
from pathlib import Path
from typing import Annotated

import typer

from flashpoint.cli.app import app, err, fail, out
from flashpoint.cli.commands_run import ActorsOpt, DbOpt, RulesOpt
from flashpoint.corpus import CorpusOptions, CorpusRun, Terminated, stop_signals
from flashpoint.errors import FlashpointError, StoreError
from flashpoint.pipeline import Pipeline, PipelineOptions
from flashpoint.store import DEFAULT_DB, Store
from flashpoint.store.sqlite import store_error
from flashpoint.watch import (
    PollSummary,
    Problem,
    Watcher,
    WatchSettings,
    WatchState,
    parse_interval,
    resolve_sources,
)


@app.command()
def watch(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="SOURCES.yaml files, feed or sitemap URLs or files, folders.", show_default=False
        ),
    ],
    db: DbOpt = DEFAULT_DB,
    every: Annotated[
        str | None, typer.Option("--every", help="Time between polls: 30s, 15m, 1h.")
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help="Poll every source once, then stop.")
    ] = False,
    timeout: Annotated[
        float | None, typer.Option(min=0.1, help="Seconds to wait on a connection or read.")
    ] = None,
    retries: Annotated[
        int | None, typer.Option(min=0, help="Retries of a request that timed out or got 5xx.")
    ] = None,
    per_host: Annotated[
        float | None,
        typer.Option("--per-host", min=0.0, help="Seconds between two requests to one host."),
    ] = None,
    max_bytes: Annotated[
        int | None, typer.Option(min=1000, help="Largest page or feed accepted, in bytes.")
    ] = None,
    max_polls: Annotated[
        int | None,
        typer.Option(min=1, help="Stop after this many polls (default: run until stopped)."),
    ] = None,
    alerts: Annotated[
        bool, typer.Option("--alerts/--no-alerts", help="Update escalation alerts after each poll.")
    ] = True,
    alerts_config: Annotated[
        Path | None, typer.Option("--alerts-config", help="Alert thresholds (YAML).")
    ] = None,
    alerts_jsonl: Annotated[
        Path | None, typer.Option("--alerts-jsonl", help="Append new alerts to this JSONL file.")
    ] = None,
    webhook: Annotated[
        str | None, typer.Option("--webhook", help="POST each new alert as JSON to this URL.")
    ] = None,
    actors: ActorsOpt = None,
    rules: RulesOpt = None,
) -> None:
    """Poll news feeds, sitemaps and folders; code and store every new article; alert on
    escalation. State lives in the database: a restarted watcher resumes where it stopped."""
    try:
        specs, given = resolve_sources(sources)
        if every is not None:
            given["every"] = parse_interval(every)
        if alerts and alerts_config is not None:
            from flashpoint.alerts import load_config

            load_config(alerts_config)  # a bad file is said now, not after the first poll
    except FlashpointError as exc:
        raise fail(exc.message, 2) from None
    if not specs:
        raise typer.BadParameter("no sources given")
    settings = WatchSettings(**given)
    for name, value in (
        ("timeout", timeout),
        ("retries", retries),
        ("per_host", per_host),
        ("max_bytes", max_bytes),
    ):
        if value is not None:
            setattr(settings, name, value)
    pipeline = Pipeline(
        PipelineOptions(actor_files=list(actors or []), rule_files=list(rules or []))
    )
    database = Store(db)
    stopped: BaseException | None = None
    totals = PollSummary()
    polls = 0
    try:
        with stop_signals():
            watcher = None
            try:
                corpus = CorpusRun(pipeline, database, CorpusOptions())
                watcher = Watcher(
                    corpus, specs, settings, on_status=_status, on_problem=_report_problem
                )
                while True:
                    polls += 1
                    summary = watcher.poll()
                    _add(totals, summary)
                    if alerts:
                        _update_alerts(database, alerts_config, alerts_jsonl, webhook)
                    last = once or (max_polls is not None and polls >= max_polls)
                    next_poll = (
                        None
                        if last
                        else dt.datetime.now(dt.UTC) + dt.timedelta(seconds=settings.every)
                    )
                    err.print(f"poll {polls}: {summary.line(next_poll)}")
                    if last:
                        break
                    _sleep_until(time.monotonic() + settings.every)
            except (KeyboardInterrupt, Terminated) as exc:
                stopped = exc
            except sqlite3.Error as exc:
                stopped = store_error(db, exc)
            finally:
                if watcher is not None:
                    watcher.close()
                with contextlib.suppress(sqlite3.Error):
                    database.close()
    except (KeyboardInterrupt, Terminated) as exc:
        stopped = stopped or exc
    if isinstance(stopped, StoreError):
        raise stopped
    if stopped is not None:
        err.print(
            f"stopped after {polls} poll(s): every article stored so far is complete; run the"
            " same command again to resume"
        )
        raise typer.Exit(143 if isinstance(stopped, Terminated) else 130)
    if totals.sources and totals.sources_failed == totals.sources:
        raise typer.Exit(1)  # every source failed: named above


def _add(totals: PollSummary, summary: PollSummary) -> None:
    totals.sources += summary.sources
    totals.sources_failed += summary.sources_failed


def _status(line: str) -> None:
    if err.is_terminal:
        err.print(line[: max(20, err.width - 1)], end="\r", soft_wrap=False)


def _report_problem(problem: Problem) -> None:
    where = problem.source if problem.url == problem.source else f"{problem.source}: {problem.url}"
    err.print(f"[bold red]error:[/] {where}: {problem.reason}", markup=True, highlight=False)


def _sleep_until(deadline: float) -> None:
    """Sleep in short steps, so that a signal is handled promptly (bounded by `deadline`)."""
    while (left := deadline - time.monotonic()) > 0:
        time.sleep(min(left, 1.0))


def _update_alerts(
    database: Store,
    config: Path | None,
    jsonl: Path | None,
    webhook: str | None,
) -> None:
    # Every poll, even one that stored nothing: the update reads whatever was stored since the
    # last one (by this watcher before it was killed, or by an `ingest` into the same store),
    # and costs next to nothing when there is nothing.
    from flashpoint import alerts as alerts_module

    alerts_module.update_after_poll(
        database,
        config=config,
        jsonl=jsonl,
        webhook=webhook,
        report=lambda line: out.print(line, markup=False, highlight=False),
    )


@app.command("sources")
def sources_command(
    db: DbOpt = DEFAULT_DB,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSONL, one source per line.")
    ] = False,
) -> None:
    """Each watched source's health: last poll, articles stored, items failed, last error."""
    with Store(db, read_only=True) as database:
        try:
            state = WatchState(database.conn)
            rows = state.sources()
        except sqlite3.OperationalError:
            rows = []
        if not rows:
            err.print(f"{db}: no watched sources (run `flashpoint watch` first)")
            raise typer.Exit(1)
        records = []
        for row in rows:
            record = dict(row)
            record["health"] = _health(row)
            record["recent_errors"] = [
                {"url": e["url"], "at": e["at"], "reason": e["reason"]}
                for e in state.errors(row["id"])
            ]
            records.append(record)
    if as_json:
        for record in records:
            out.file.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    from rich.table import Table

    table = Table(box=None, show_edge=False, pad_edge=False)
    for column in ("health", "source", "kind", "last poll", "stored", "failed", "last error"):
        table.add_column(column)
    for record in records:
        colour = {"ok": "green", "failing": "red"}.get(record["health"], "yellow")
        last_item_error = record["recent_errors"][0]["reason"] if record["recent_errors"] else ""
        table.add_row(
            f"[{colour}]{record['health']}[/]",
            (record["name"] + " " if record["name"] else "") + record["id"],
            record["kind"],
            record["last_polled"] or "never",
            str(record["articles_stored"]),
            str(record["items_failed"]),
            record["last_error"] or last_item_error,
        )
    out.print(table)


def _health(row: sqlite3.Row) -> str:
    """ok: the last poll read the source; failing: it did not (n times in a row); degraded:
    it did, but some of its items failed; new: never polled."""
    if row["last_polled"] is None:
        return "new"
    if row["consecutive_errors"]:
        return "failing"
    if row["items_failed"]:
        return "degraded"
    return "ok"
