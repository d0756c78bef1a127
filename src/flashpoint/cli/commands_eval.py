"""`flashpoint eval`: score event coding against gold files."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from flashpoint.cli.app import app, err, fail, out
from flashpoint.errors import InputError
from flashpoint.evaluate.articles import GoldShapeError, detail_lines, evaluate_articles
from flashpoint.evaluate.events import evaluate
from flashpoint.evaluate.gold import gold_lines
from flashpoint.pipeline import Pipeline, PipelineOptions


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


@contextmanager
def gold_progress(path: Path) -> Iterator[Callable[[int], None]]:
    """A transient progress bar on stderr while one gold file is scored; yields the
    `progress(n)` callback the evaluate functions take."""
    with Progress(
        TextColumn(path.name),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("eval", total=count_lines(path))
        yield lambda n: progress.advance(task, n)


# The options every eval command that codes text shares.
RulesOption = Annotated[
    list[Path] | None, typer.Option("--rules", help="Extra event rules (YAML).")
]
ActorsOption = Annotated[
    list[Path] | None, typer.Option("--actors", help="Extra actor dictionary.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object per file.")]
ScreenOption = Annotated[
    bool,
    typer.Option(
        "--screen/--all-records",
        help="Score the records the record screen keeps (as `run` outputs them), or every "
        "record the rules code.",
    ),
]


def _pipeline(rules: list[Path] | None, actors: list[Path] | None, screen: bool = True) -> Pipeline:
    return Pipeline(
        PipelineOptions(
            rule_files=list(rules or []), actor_files=list(actors or []), screen_records=screen
        )
    )


@app.command("eval")
def eval_command(
    gold: Annotated[list[Path], typer.Argument(help="Gold JSONL files (see ../shared/gold).")],
    as_json: JsonOption = False,
    rules: RulesOption = None,
    actors: ActorsOption = None,
    screen: ScreenOption = True,
) -> None:
    """Score event types, (type, actor, recipient) triples and actor codes on gold files."""
    pipeline = _pipeline(rules, actors, screen)
    for path in gold:
        if not path.is_file():
            raise fail(f"{path}: no such file")
        check_event_gold(path)
        with gold_progress(path) as progress:
            scores = evaluate(path, pipeline, progress=progress)
        if as_json:
            out.file.write(json.dumps(scores) + "\n")
        else:
            out.print(scores_table(path, scores))


# A gold line's keys that say which command scores it.
OTHER_GOLD_KEYS: dict[str, str] = {
    "quotes": "eval-quotes",
    "toponyms": "eval-places",
    "timexes": "eval-dates",
    "expected_country": "eval-actors",
    "method": "eval-actors",
}


def check_event_gold(path: Path) -> None:
    """Refuse, in one line, a gold file that is not event gold (else every score would be a
    silent 0); report its unusable lines, which `evaluate` leaves out."""
    usable = with_events = sentence_events = article_events = 0
    keys: Counter[str] = Counter()
    for entry in gold_lines(path):
        if isinstance(entry, InputError):
            err.print(f"skipped {entry.message}")
            continue
        usable += 1
        events = entry.data.get("events")
        if isinstance(events, list) or "no_event" in entry.data:
            with_events += 1
            for item in events or []:
                # Article-level gold (eval-articles) gives each event its mentions.
                if isinstance(item, dict) and "mentions" in item:
                    article_events += 1
                else:
                    sentence_events += 1
        else:
            keys.update(list(entry.data))
    if usable == 0:
        raise fail(f"{path}: no usable gold lines (each wants a JSON object with a 'text')")
    if article_events and not sentence_events:
        raise fail(
            f"{path}: article-level gold (its events have 'mentions'), not event gold "
            "({text, events: [{event, source, target}]}); score it with `flashpoint eval-articles`"
        )
    if with_events:
        return
    other = next((OTHER_GOLD_KEYS[k] for k in OTHER_GOLD_KEYS if k in keys), None)
    shape = "{" + ", ".join(k for k, _ in keys.most_common(6)) + "}"
    raise fail(
        f"{path}: not event gold: no line has an 'events' list or 'no_event' (its lines are "
        f"{shape}; event gold is {{text, events: [{{event, source, target}}]}})"
        + (f"; score it with `flashpoint {other}`" if other else "")
    )


def scores_table(path: Path, scores: dict) -> Table:
    table = Table(title=f"{path.name}: n={scores['n']}", title_justify="left", pad_edge=False)
    for name in ("type", "precision", "recall", "f1", "support"):
        table.add_column(name, justify="right" if name != "type" else "left")
    for kind, row in scores["per_type"].items():
        table.add_row(
            kind,
            f"{row['precision']:.3f}",
            f"{row['recall']:.3f}",
            f"{row['f1']:.3f}",
            str(row["support"]),
        )
    accuracy = scores["actor_code_accuracy"]
    table.caption = (
        f"type micro-F1 {scores['type_micro_f1']:.3f} · macro-F1 {scores['type_macro_f1']:.3f} · "
        f"triple F1 {scores['triple_f1']:.3f} · actor code accuracy "
        + (f"{accuracy:.3f}" if accuracy is not None else "n/a")
    )
    if scores.get("dead_accuracy") is not None:
        table.caption += f" · dead accuracy {scores['dead_accuracy']:.3f}"
    table.caption_justify = "left"
    return table


@app.command("eval-articles")
def eval_articles_command(
    gold: Annotated[
        list[Path],
        typer.Argument(help="Article-level gold JSONL (see ../shared/gold/ARTICLES.md)."),
    ],
    as_json: JsonOption = False,
    detail: Annotated[
        bool,
        typer.Option("--detail", help="List every wrong, duplicate and missed record."),
    ] = False,
    rules: RulesOption = None,
    actors: ActorsOption = None,
    screen: ScreenOption = True,
) -> None:
    """Score whole articles as a user sees them: one record per incident (ARTICLES.md)."""
    pipeline = _pipeline(rules, actors, screen)
    for path in gold:
        if not path.is_file():
            raise fail(f"{path}: no such file")
        try:
            with gold_progress(path) as progress:
                scores, verdicts = evaluate_articles(path, pipeline, progress=progress)
        except GoldShapeError as exc:
            raise fail(str(exc)) from None
        if detail:
            for line in detail_lines(verdicts):
                out.file.write(line + "\n")
        if as_json:
            out.file.write(json.dumps(scores) + "\n")
        else:
            out.print(article_scores_table(path, scores))


def article_scores_table(path: Path, scores: dict) -> Table:
    table = Table(
        title=f"{path.name}: {scores['articles']} articles, {scores['records']} records, "
        f"{scores['gold_events']} gold events ({scores['key_events']} key)",
        title_justify="left",
        pad_edge=False,
    )
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, value in scores.items():
        if name in ("articles", "records", "gold_events", "key_events"):
            continue
        table.add_row(name, "n/a" if value is None else f"{value:.3f}".rstrip("0").rstrip("."))
    return table
