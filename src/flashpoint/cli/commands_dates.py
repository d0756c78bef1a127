"""`flashpoint eval-dates`: score date finding and resolution against TimeML gold files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from flashpoint.cli.app import app, err, fail, out
from flashpoint.cli.commands_eval import gold_progress
from flashpoint.evaluate.dates import DateTally, details, evaluate_dates


@app.command("eval-dates")
def eval_dates_command(
    gold: Annotated[
        list[Path], typer.Argument(help="TimeML gold JSONL files (see ../shared/gold).")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per file.")
    ] = False,
) -> None:
    """Score date expressions found (F1) and resolved to the gold value (accuracy)."""
    for path in gold:
        if not path.is_file():
            raise fail(f"{path}: no such file")
        with gold_progress(path) as progress:
            scores, tally, problems = evaluate_dates(path, progress=progress)
        for problem in problems:
            err.print(f"[yellow]skipped:[/] {problem.message}", markup=True, soft_wrap=True)
        if not scores["n"]:
            raise fail(f"{path}: no gold records")
        if as_json:
            out.file.write(json.dumps(scores) + "\n")
        else:
            out.print(scores_table(path, scores, tally))


def scores_table(path: Path, scores: dict, tally: DateTally) -> Table:
    counts = details(tally)
    table = Table(title=f"{path.name}: n={scores['n']}", title_justify="left", pad_edge=False)
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("from", style="dim")
    table.add_row(
        "date F1",
        f"{scores['date_f1']:.3f}",
        f"{counts['tp']} found, {counts['fp']} spurious, {counts['fn']} missed",
    )
    accuracy = scores["value_accuracy"]
    table.add_row(
        "value accuracy",
        f"{accuracy:.3f}" if accuracy is not None else "n/a",
        f"{counts['right']} of {counts['scored']} resolvable gold dates found",
    )
    return table
