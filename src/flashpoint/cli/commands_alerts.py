"""`flashpoint alerts`: escalation alerts computed over a store (see alerts.py)."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path
from typing import Annotated

import typer

from flashpoint import alerts as alerts_module
from flashpoint.cli.app import app, err, fail, out
from flashpoint.cli.commands_run import DbOpt
from flashpoint.store import DEFAULT_DB, Store
from flashpoint.store.sqlite import store_error


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise fail(f"{option} {value!r}: give a date as YYYY-MM-DD", 2) from None


@app.command()
def alerts(
    db: DbOpt = DEFAULT_DB,
    since: Annotated[str | None, typer.Option(help="Alerts for this day (YYYY-MM-DD) on.")] = None,
    until: Annotated[str | None, typer.Option(help="Alerts up to this day.")] = None,
    country: Annotated[
        str | None, typer.Option(help="Country (ISO3): its regions and the dyads it is in.")
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help=f"Only these kinds ({', '.join(alerts_module.KINDS)})."),
    ] = None,
    min_severity: Annotated[
        str | None, typer.Option("--min-severity", help="low, medium or high.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSONL, one alert a line.")] = False,
    config: Annotated[
        Path | None, typer.Option("--config", help="Thresholds (YAML; default data/alerts.yaml).")
    ] = None,
    jsonl: Annotated[
        Path | None, typer.Option("--jsonl", help="Append the new alerts to this JSONL file.")
    ] = None,
    webhook: Annotated[
        str | None, typer.Option("--webhook", help="POST each new alert as JSON to this URL.")
    ] = None,
    new_only: Annotated[
        bool, typer.Option("--new", help="Print only alerts not stored before.")
    ] = False,
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help="Only bring the stored alerts up to date with the articles stored since the"
            " last update (incrementally, as `watch` does), instead of recomputing them all.",
        ),
    ] = False,
) -> None:
    """Compute escalation alerts over the whole store, store them (in place of the stored
    ones: those that no longer hold go) and print them: spikes, sustained rises, jumps in
    fatalities, first lethal events between a pair, new actors in a region; media spikes
    (more reports, not more incidents) are marked as such. `watch` keeps them up to date
    incrementally."""
    since_day, until_day = _date(since, "--since"), _date(until, "--until")
    if country is not None and not re.fullmatch(r"[A-Za-z]{3}", country):
        raise fail(f"--country {country!r}: give a 3-letter ISO code such as UKR", 2)
    country = country.upper() if country else None
    for name in kind or []:
        if name not in alerts_module.KINDS:
            raise fail(f"--kind {name!r}: one of {', '.join(alerts_module.KINDS)}", 2)
    if min_severity is not None and min_severity not in alerts_module.SEVERITIES:
        raise fail(f"--min-severity {min_severity!r}: one of low, medium, high", 2)
    try:
        settings = alerts_module.load_config(config)
    except alerts_module.AlertConfigError as exc:
        raise fail(exc.message, 2) from None
    if not db.exists():
        raise fail(f"{db}: no such database (run `flashpoint ingest` or `watch` first)", 2)
    with Store(db) as database:
        try:
            if update:
                new = alerts_module.update(database.conn, settings).new
                stored = alerts_module.stored_alerts(database.conn)
                found = [alerts_module.Alert.from_dict(record) for record in stored]
            else:
                found, new = alerts_module.run(database.conn, settings, country=country)
        except sqlite3.Error as exc:
            raise store_error(db, exc) from exc
    new_ids = {a.id for a in new}
    chosen = [
        alert
        for alert in found
        if (alert.id in new_ids or not new_only)
        and alerts_module.matches(
            alert.to_dict(), since_day, until_day, country, kind or (), min_severity
        )
    ]
    fresh = [a for a in chosen if a.id in new_ids]
    if jsonl is not None:
        alerts_module.deliver_jsonl(jsonl, fresh)
    if webhook:
        for problem in alerts_module.deliver_webhook(webhook, fresh):
            err.print(f"[bold red]error:[/] webhook {problem}", markup=True, highlight=False)
    if as_json:
        for alert in chosen:
            out.file.write(json.dumps(alert.to_dict(), ensure_ascii=False) + "\n")
    else:
        colours = {"high": "bold red", "medium": "yellow", "low": "dim"}
        for alert in chosen:
            media = " \\[media]" if alert.media else ""
            out.print(
                f"[{colours[alert.severity]}]{alert.severity:6}[/] {alert.day} "
                f"{alert.kind}{media}: {alert.message} ({len(alert.events)} events)",
                markup=True,
                highlight=False,
            )
    err.print(
        f"{len(chosen)} alerts ({len(fresh)} new) of {len(found)} in the store",
        style="dim",
    )
