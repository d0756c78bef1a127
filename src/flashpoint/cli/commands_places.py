"""`flashpoint eval-places`: score toponym recognition and resolution against gold files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from flashpoint.cli.app import app, err, fail, out
from flashpoint.cli.commands_eval import gold_progress
from flashpoint.evaluate.places import evaluate_places, found_accuracy
from flashpoint.pipeline import Pipeline


@app.command("eval-places")
def eval_places_command(
    gold: Annotated[
        list[Path], typer.Argument(help="Gold JSONL files: {text, toponyms: [...]} per line.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per file.")
    ] = False,
) -> None:
    """Score every toponym found (span F1) and resolved (accuracy within 161 km)."""
    pipeline = Pipeline()
    for path in gold:
        if not path.is_file():
            raise fail(f"{path}: no such file")
        with gold_progress(path) as progress:
            scores, tally = evaluate_places(path, pipeline, progress=progress)
        for problem in tally.problems:
            err.print(f"skipped {problem.name}: {problem.reason}", markup=False)
        if scores["n"] == 0:
            raise fail(f"{path}: no gold lines with a 'text' string")
        if as_json:
            out.file.write(json.dumps(scores) + "\n")
            continue
        table = Table(title=f"{path.name}: n={scores['n']}", title_justify="left", pad_edge=False)
        table.add_column("measure")
        table.add_column("value", justify="right")
        for key in ("toponym_precision", "toponym_recall", "toponym_f1", "acc_161km"):
            table.add_row(key, _fmt(scores[key]))
        table.add_row("median_error_km", _fmt(scores["median_error_km"], ".1f"))
        table.add_row("acc_161km of toponyms found", _fmt(found_accuracy(tally)))
        out.print(table)


def _fmt(value: float | None, spec: str = ".3f") -> str:
    return format(value, spec) if value is not None else "n/a"
