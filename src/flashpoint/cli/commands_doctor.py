"""`flashpoint doctor`: check a store and repair what is safe to (see store/doctor.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from flashpoint.cli.app import app, out
from flashpoint.store import DEFAULT_DB
from flashpoint.store.doctor import doctor as check_store


@app.command()
def doctor(
    db: Annotated[Path, typer.Option("--db", help="SQLite database to check.")] = DEFAULT_DB,
    check_only: Annotated[
        bool, typer.Option("--check", help="Report only; change nothing (opens read-only).")
    ] = False,
) -> None:
    """Check a store (integrity, schema version, full-text index) and repair what is safe to:
    the schema version and missing tables, the full-text index and its triggers.

    Exits 0 when the store is sound (or was repaired), 1 when a problem remains."""
    report = check_store(db, repair=not check_only)
    for finding in report.findings:
        if finding.repaired:
            label, style = "repaired", "yellow"
        elif finding.ok:
            label, style = "ok", "green"
        else:
            label, style = "problem", "bold red"
        line = f"{finding.check:<10} [{style}]{label:<8}[/] {escape(finding.message)}"
        if finding.repaired:
            line += f" -> {escape(finding.repaired)}"
        out.print(line, markup=True, highlight=False)
    if not report.healthy:
        raise typer.Exit(1)
