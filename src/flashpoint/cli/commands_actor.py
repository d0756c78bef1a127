"""`flashpoint actor` (resolve one phrase or a JSONL batch) and `flashpoint eval-actors`."""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from flashpoint.cli.app import app, err, fail, out
from flashpoint.errors import UsageError
from flashpoint.evaluate.actors import METHODS, evaluate_actors
from flashpoint.stages.actors import ActorResolver

ActorsOpt = Annotated[
    list[Path] | None, typer.Option("--actors", help="Extra actor dictionary (YAML).")
]


def parse_date(value: str | None, where: str = "--date") -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from exc


@app.command("actor")
def actor_command(
    text: Annotated[str, typer.Argument(help="The phrase to resolve, or - for JSONL on stdin.")],
    date: Annotated[
        str | None, typer.Option("--date", help="Date of the text (YYYY-MM-DD); default today.")
    ] = None,
    context: Annotated[
        str | None, typer.Option("--context", help="Text around it (e.g. a country).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (one line each).")] = False,
    actors: ActorsOpt = None,
) -> None:
    """Resolve an actor: name, country/entity code, PLOVER sector, aliases, how it matched.

    With TEXT "-", read JSONL lines {text, date?, context?} from stdin and print one result
    line per input line, in order."""
    on_date = parse_date(date)
    resolver = ActorResolver.load(list(actors or []))
    if text != "-":
        result = resolver.resolve(text, date=on_date, context=context)
        if as_json:
            out.file.write(json.dumps(asdict(result), ensure_ascii=False) + "\n")
            return
        if not result.code and not result.sector:
            read_as = f" (read as the name {result.name!r})" if result.name else ""
            raise fail(
                f"{text!r} is not resolved: no country or entity code and no sector{read_as}; "
                "add it with --actors FILE.yaml (docs/actors.md)"
            )
        out.print(_table([asdict(result)]))
        return
    failed = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise ValueError("a line needs a 'text' string")
            result = asdict(
                resolver.resolve(
                    item["text"],
                    date=parse_date(item.get("date"), f"stdin:{number}: date") or on_date,
                    context=item.get("context") or context,
                )
            )
        except (ValueError, UsageError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            reason = getattr(exc, "message", reason)
            err.print(f"[bold red]error:[/] stdin:{number}: {reason}", markup=True)
            result = {"line": number, "error": reason}
            failed += 1
        if as_json:
            out.file.write(json.dumps(result, ensure_ascii=False) + "\n")
        else:
            out.print("\t".join(str(result.get(k) or "") for k in ("text", "code", "sector")))
    if failed:
        raise typer.Exit(1)


def _table(rows: list[dict]) -> Table:
    table = Table(pad_edge=False)
    for name in ("text", "name", "code", "sector", "matched_by", "aliases"):
        table.add_column(name)
    for row in rows:
        table.add_row(
            row["text"],
            row["name"] or "",
            row["code"] or "",
            row["sector"] or "",
            row["matched_by"] or "",
            ", ".join(row["aliases"][:6]),
        )
    return table


@app.command("eval-actors")
def eval_actors_command(
    gold: Annotated[list[Path], typer.Argument(help="Gold JSONL (NGEC actor checks).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per file.")
    ] = False,
    errors: Annotated[
        bool, typer.Option("--errors", help="List the lines resolved wrongly.")
    ] = False,
    actors: ActorsOpt = None,
) -> None:
    """Country and sector accuracy of actor resolution, per method, on NGEC-style checks."""
    resolver = ActorResolver.load(list(actors or []))
    for path in gold:
        if not path.is_file():
            raise fail(f"{path}: no such file")
        scores = evaluate_actors(path, resolver, with_errors=errors)
        for problem in scores["invalid_lines"]:
            err.print(f"[bold red]error:[/] {problem}", markup=True)
        if as_json:
            out.file.write(json.dumps(scores, ensure_ascii=False) + "\n")
            continue
        table = Table(title=f"{path.name}", title_justify="left", pad_edge=False)
        for name in ("method", "country n", "country acc.", "sector n", "sector acc."):
            table.add_column(name, justify="left" if name == "method" else "right")
        for method in METHODS:
            row = scores["methods"][method]
            table.add_row(
                method,
                str(row["country_n"]),
                _fmt(row["country_accuracy"]),
                str(row["sector_n"]),
                _fmt(row["sector_accuracy"]),
            )
        table.caption = f"{scores['skipped']} lines of other methods skipped"
        out.print(table)
        if errors:
            for method in METHODS:
                for error in scores["methods"][method]["errors"]:
                    out.print(f"{method}\t{json.dumps(error, ensure_ascii=False)}")


def _fmt(value: float | None) -> str:
    return f"{value:.3f}" if value is not None else "n/a"
