"""`flashpoint export`: stored events as PLOVER JSONL, CSV, Parquet, GDELT- or ACLED-style."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from flashpoint.cli.app import app, err, fail
from flashpoint.cli.commands_events import _check_date, check_code, parse_near
from flashpoint.errors import UsageError
from flashpoint.export import FORMATS, write_export
from flashpoint.model import EVENT_TYPES
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
    type: Annotated[
        list[str] | None, typer.Option("--type", help="PLOVER event type (repeatable).")
    ] = None,
    mode: Annotated[str | None, typer.Option(help="PLOVER mode, e.g. drone.")] = None,
    actor: Annotated[str | None, typer.Option(help="Actor or recipient code, e.g. USA.")] = None,
    since: Annotated[str | None, typer.Option(help="Events on or after (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Events on or before (YYYY-MM-DD).")] = None,
    country: Annotated[str | None, typer.Option(help="ISO3 code of the event's place.")] = None,
    near: Annotated[str | None, typer.Option(help="LAT,LON,KM: events within KM.")] = None,
    text: Annotated[
        str | None, typer.Option("--search", help="Full-text query over the evidence (FTS5).")
    ] = None,
    min_confidence: Annotated[
        float | None, typer.Option(min=0.0, max=1.0, help="Lowest confidence kept.")
    ] = None,
    background: Annotated[
        bool, typer.Option("--background/--no-background", help="Include background events.")
    ] = True,
    hypothetical: Annotated[
        bool,
        typer.Option("--hypothetical/--no-hypothetical", help="Include hypothetical events."),
    ] = True,
    negated: Annotated[
        bool, typer.Option("--negated/--no-negated", help="Include negated events.")
    ] = True,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many events.")] = None,
    escape_formulas: Annotated[
        bool,
        typer.Option(
            "--escape-formulas/--no-escape-formulas",
            help="In csv, gdelt and acled: prefix a ' to text cells a spreadsheet would run as"
            " formulas (=, +, -, @, tab, CR); turn off for programs that want values verbatim.",
        ),
    ] = True,
) -> None:
    """Export stored events. Text formats go to stdout with a header line; --out for a file."""
    fmt = format.lower()
    if fmt not in FORMATS:
        raise fail(f"--format {format!r}: one of {', '.join(FORMATS)}")
    types = tuple(t.upper() for t in type or [])
    unknown = [t for t in types if t not in EVENT_TYPES]
    if unknown:
        raise fail(f"--type {unknown[0]!r} is not a PLOVER type ({', '.join(EVENT_TYPES)})")
    where = EventFilter(
        types=types,
        mode=mode,
        actor=check_code(actor, "--actor"),
        since=_check_date(since, "--since"),
        until=_check_date(until, "--until"),
        country=check_code(country, "--country"),
        near=parse_near(near),
        text=text,
        min_confidence=min_confidence,
        include_background=background,
        include_hypothetical=hypothetical,
        include_negated=negated,
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
    import sqlite3

    try:
        return write_export(store, where, fmt, stream, escape_formulas)
    except sqlite3.OperationalError as exc:
        if where.text:
            message = f"--search {where.text!r}: not a valid full-text query ({exc})"
            raise UsageError(message) from exc
        raise
