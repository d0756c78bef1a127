"""`flashpoint events` and `flashpoint show`: read what is stored."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from flashpoint.cli import filters, render
from flashpoint.cli.app import app, fail, out
from flashpoint.model import Event
from flashpoint.store import DEFAULT_DB, Store

DbOpt = Annotated[Path, typer.Option("--db", help="SQLite database to read.")]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


WideOpt = Annotated[
    bool,
    typer.Option(
        "--wide", help="One line per row at its full width (for a pager or a file), not wrapped."
    ),
]


@app.command()
def events(
    db: DbOpt = DEFAULT_DB,
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
    wide: WideOpt = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSONL.")] = False,
) -> None:
    """List stored events, filtered (the filters of `export` and of the API) and sorted."""
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
    with Store(db, read_only=True) as store, filters.full_text_errors(where):
        found = store.events(where)
        hint = filters.why_none(store, where) if not found else ""
    if as_json:
        for event in found:
            out.file.write(event.model_dump_json() + "\n")
        return
    if not found:
        out.print("no events match" + (f"; {hint}" if hint else ""), style="dim")
        return
    table = render.events_table(found, with_article=True, width=None if wide else out.width)
    render.print_table(out, table, wide=wide)
    out.print(f"{len(found)} event{'' if len(found) == 1 else 's'}", style="dim")


@app.command()
def show(
    event_id: Annotated[
        str,
        typer.Argument(help="An event id as printed by run or events, or its start if unique."),
    ],
    db: DbOpt = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="Print the event as JSON.")] = False,
) -> None:
    """Print one event with its sentence, the evidence marked."""
    with Store(db, read_only=True) as store:
        event = store.event(event_id) or store.event(unique_event_id(store, event_id, db))
        assert event is not None  # unique_event_id names a stored event
        article = store.article(event.article_id)
    if as_json:
        out.print_json(event.model_dump_json())
        return
    assert article is not None  # an event's article is stored in the same transaction
    out.print(render.article_header(article))
    out.print()
    out.print(Text(f"{event.event}" + (f" ({event.mode})" if event.mode else ""), style="bold"))
    rows = [
        ("actor", render.actor_label(event.actor)),
        ("recipient", render.actor_label(event.recipient)),
        ("where", render.place_label(event.event_loc)),
        ("when", render.date_label(event)),
        ("toll", render.toll_label(event.size)),
        ("claimed by", render.actor_label([event.claimed_by]) if event.claimed_by else "-"),
        ("flags", render.flags(event) or "-"),
        (
            "scale / quad",
            f"{event.event_scale:+.1f} / {event.quad_code}; CAMEO {event.cameo_root or '-'}",
        ),
        ("ACLED", _acled_label(event)),
        ("confidence", f"{event.confidence:.2f}"),
        ("evidence", f"characters {event.evidence.start}-{event.evidence.end}"),
    ]
    for name, value in rows:
        out.print(Text(f"  {name:<13}", style="dim") + Text(value))
    out.print()
    out.print(render.marked_sentence(article, event))
    out.print(
        Text("trigger", style="bold red underline")
        + Text("  ")
        + Text("actor", style="bold cyan")
        + Text("  ")
        + Text("recipient", style="bold magenta")
        + Text("  ")
        + Text("place", style="bold green")
        + Text("  ")
        + Text("date", style="bold yellow")
        + Text("  ")
        + Text("toll", style="bold blue")
    )


def unique_event_id(store: Store, prefix: str, db: Path) -> str:
    """The one stored event id starting with `prefix`, or a usage error that lists some."""
    candidates = store.event_ids_with_prefix(prefix, limit=6)
    if not candidates:
        raise fail(f"no event {prefix!r} in {db}")
    if len(candidates) > 1:
        listed = ", ".join(candidates[:5]) + (", ..." if len(candidates) > 5 else "")
        many = "more than 5" if len(candidates) > 5 else str(len(candidates))
        raise fail(f"{prefix!r} starts {many} event ids ({listed}): give more of the id")
    return candidates[0]


def _acled_label(event: Event) -> str:
    """The event's ACLED typing, as the ACLED export gives it."""
    from flashpoint.acled import code_event

    coded = event.acled or code_event(event)
    how = "mapping table" if coded.basis == "mapping" else f"p {coded.confidence or 0:.2f}"
    if coded.sub_event_type is None:
        return f"not an ACLED event ({how})"
    return f"{coded.event_type} / {coded.sub_event_type} ({how})"
