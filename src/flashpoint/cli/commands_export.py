"""`flashpoint export`: stored events as PLOVER JSONL, CSV, Parquet, GDELT- or ACLED-style."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from flashpoint.cli import filters
from flashpoint.cli.app import app, err, fail
from flashpoint.export import FORMATS, write_export
from flashpoint.store import DEFAULT_DB, EventFilter, Store


@app.command("export")
def export_command(
    format: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="One of: " + "; ".join(f"{k} ({v})" for k, v in FORMATS.items())
        ),
    ],
    db: Annotated[Path, typer.Option("--db", help="SQLite database to read.")] = DEFAULT_DB,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")
    ] = None,
    type: filters.TypeOpt = None,
    mode: filters.ModeOpt = None,
    actor: filters.ActorOpt = None,
    initiator: filters.InitiatorOpt = None,
    recipient: filters.RecipientOpt = None,
    since: filters.SinceOpt = None,
    until: filters.UntilOpt = None,
    country: filters.CountryOpt = None,
    admin1: filters.Admin1Opt = None,
    acled_type: filters.AcledTypeOpt = None,
    near: filters.NearOpt = None,
    search: filters.SearchOpt = None,
    min_confidence: filters.MinConfidenceOpt = None,
    min_dead: filters.MinDeadOpt = None,
    background: filters.BackgroundOpt = True,
    hypothetical: filters.HypotheticalOpt = True,
    negated: filters.NegatedOpt = True,
    sort: filters.SortOpt = "date",
    limit: filters.LimitOpt = None,
    escape_formulas: Annotated[
        bool,
        typer.Option(
            "--escape-formulas/--no-escape-formulas",
            help="In csv, gdelt and acled: prefix a ' to text cells a spreadsheet would run as"
            " formulas (=, +, -, @, tab, CR); turn off for programs that want values verbatim.",
        ),
    ] = True,
) -> None:
    """Export stored events (the filters of `events` and of the API). Text formats go to stdout
    with a header line; --out for a file."""
    fmt = format.lower()
    if fmt not in FORMATS:
        raise fail(f"--format {format!r}: one of {', '.join(FORMATS)}")
    where = filters.event_filter(
        type=type,
        mode=mode,
        actor=actor,
        initiator=initiator,
        recipient=recipient,
        since=since,
        until=until,
        country=country,
        admin1=admin1,
        acled_type=acled_type,
        near=near,
        search=search,
        min_confidence=min_confidence,
        min_dead=min_dead,
        background=background,
        hypothetical=hypothetical,
        negated=negated,
        sort=sort,
        limit=limit,
    )
    if out is None and fmt == "parquet" and sys.stdout.isatty():
        raise fail("parquet is binary: give --out FILE (or redirect stdout)")
    with Store(db, read_only=True) as store:
        if out is None:
            count = _export(store, where, fmt, sys.stdout.buffer, escape_formulas)
        else:
            if out.parent and not out.parent.is_dir():
                raise fail(f"--out {out}: directory {out.parent} does not exist")
            partial = out.with_name(out.name + ".partial")
            try:
                with partial.open("wb") as handle:
                    count = _export(store, where, fmt, handle, escape_formulas)
            except BaseException:
                partial.unlink(missing_ok=True)  # a failed export leaves no half-written file
                raise
            partial.replace(out)
    err.print(f"{count} rows exported ({fmt})", style="dim")


def _export(store: Store, where: EventFilter, fmt: str, stream, escape_formulas: bool) -> int:
    with filters.full_text_errors(where):
        return write_export(store, where, fmt, stream, escape_formulas)
