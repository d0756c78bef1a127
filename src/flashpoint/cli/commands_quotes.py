"""`flashpoint quotes` (list stored quotes) and `flashpoint eval-quotes` (score against gold)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, get_args

import typer
from rich.table import Table

from flashpoint.cli import render
from flashpoint.cli.app import app, err, fail, out
from flashpoint.cli.commands_eval import gold_progress
from flashpoint.cli.commands_events import WideOpt
from flashpoint.cli.filters import check_code, check_date
from flashpoint.errors import InputError
from flashpoint.evaluate.quotes import SCORE_KEYS, details, evaluate
from flashpoint.model import Quote
from flashpoint.pipeline import Pipeline, PipelineOptions
from flashpoint.store import DEFAULT_DB, Store

QUOTE_KINDS: tuple[str, ...] = get_args(Quote.model_fields["kind"].annotation)


@app.command()
def quotes(
    speaker: Annotated[
        str | None, typer.Option("--speaker", help="Speaker code, e.g. IRQ or USA.")
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help=f"One of {', '.join(QUOTE_KINDS)}.")
    ] = None,
    article: Annotated[str | None, typer.Option("--article", help="An article id.")] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Quotes in articles published on or after (YYYY-MM-DD)."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help="Quotes in articles published on or before (YYYY-MM-DD)."),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", help="Words the quote contains (a plain substring, any case)."),
    ] = None,
    db: Annotated[Path, typer.Option("--db", help="SQLite database to read.")] = DEFAULT_DB,
    limit: Annotated[int | None, typer.Option(help="At most this many quotes.", min=1)] = None,
    wide: WideOpt = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSONL.")] = False,
) -> None:
    """List stored quotes with their speakers, filtered.

    Of the event filters, quotes take --since/--until (on the article's publication day: a
    quote has no date of its own) and --search (the quote's words). --country, --type and
    the others describe an event (its place, type, actors); a quote has none of them, so
    `flashpoint events` with those filters, then --article, is the way from events to quotes."""
    if kind is not None and kind.lower() not in QUOTE_KINDS:
        raise fail(f"--kind {kind!r} is not one of {', '.join(QUOTE_KINDS)}")
    with Store(db, read_only=True) as store:
        found = store.quotes(
            speaker=check_code(speaker, "--speaker"),
            article_id=article,
            since=check_date(since, "--since"),
            until=check_date(until, "--until"),
            text=search.strip() or None if search else None,
        )
    if kind is not None:
        found = [q for q in found if q.kind == kind.lower()]
    found = found[:limit] if limit else found
    if as_json:
        for quote in found:
            out.file.write(quote.model_dump_json() + "\n")
        return
    if not found:
        out.print("no quotes match", style="dim")
        return
    table = render.quotes_table(found, with_article=True, width=None if wide else out.width)
    render.print_table(out, table, wide=wide)
    out.print(f"{len(found)} quotes", style="dim")


@app.command("eval-quotes")
def eval_quotes(
    gold: Annotated[Path, typer.Argument(help="Gold JSONL (e.g. ../shared/gold/quotes_*.jsonl).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    actors: Annotated[
        list[Path] | None, typer.Option("--actors", help="Extra actor dictionary.")
    ] = None,
) -> None:
    """Score direct quotes, their speakers and indirect attributions on a gold file."""
    if not gold.is_file():
        raise fail(f"{gold}: no such file")
    pipeline = Pipeline(PipelineOptions(actor_files=list(actors or [])))
    problems: list[InputError] = []
    with gold_progress(gold) as progress:
        scores, tally = evaluate(gold, pipeline, progress=progress, problems=problems)
    for problem in problems:
        err.print(f"skipped {problem.message}")
    if scores["n"] == 0:
        raise fail(f"{gold}: no usable gold records")
    if as_json:
        out.file.write(json.dumps({key: scores[key] for key in SCORE_KEYS}) + "\n")
        return
    table = Table(title=f"{gold.name}: n={scores['n']}", title_justify="left", pad_edge=False)
    table.add_column("score")
    table.add_column("value", justify="right")
    for key in SCORE_KEYS[1:]:
        table.add_row(key, f"{scores[key]:.3f}")
    for key, value in details(tally).items():
        table.add_row(key, f"{value:.3f}" if isinstance(value, float) else str(value), style="dim")
    out.print(table)
