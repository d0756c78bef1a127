"""`flashpoint events` and `flashpoint show`: read what is stored."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from flashpoint.cli import render
from flashpoint.cli.app import app, fail, out
from flashpoint.errors import UsageError
from flashpoint.model import EVENT_TYPES
from flashpoint.store import DEFAULT_DB, EventFilter, Store
from flashpoint.store.sqlite import EVENT_SORTS

DbOpt = Annotated[Path, typer.Option("--db", help="SQLite database to read.")]


def parse_near(value: str | None) -> tuple[float, float, float] | None:
    """ "LAT,LON,KM" -> (lat, lon, km), with a usage error that says what is wrong."""
    if value is None:
        return None
    try:
        lat, lon, km = (float(part) for part in value.split(","))
    except ValueError as exc:
        raise UsageError(f"--near wants LAT,LON,KM (e.g. 33.3,44.4,50), got {value!r}") from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and km > 0):
        raise UsageError(f"--near {value!r}: latitude -90..90, longitude -180..180, km > 0")
    return lat, lon, km


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def check_code(value: str | None, name: str) -> str | None:
    """A 3-letter actor or country code; a name is a usage error that says how to find its."""
    if value is None:
        return None
    if len(value) == 3 and value.isalpha():
        return value.upper()
    raise fail(
        f"{name} {value!r} is not a 3-letter code (e.g. USA, IRQ, IGO); "
        f"`flashpoint actor {value!r}` shows the code of a name"
    )


def _check_date(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    import datetime as dt

    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise UsageError(f"{name} wants a date YYYY-MM-DD, got {value!r}") from exc


SortOpt = Annotated[
    str,
    typer.Option(
        "--sort",
        help="Order: date, confidence, type or event_scale; a leading - is descending "
        "(e.g. -date, -confidence).",
    ),
]
WideOpt = Annotated[
    bool,
    typer.Option(
        "--wide", help="One line per row at its full width (for a pager or a file), not wrapped."
    ),
]


def check_sort(value: str) -> str:
    if value not in EVENT_SORTS:
        raise fail(f"--sort {value!r}: one of {', '.join(EVENT_SORTS)}")
    return value


@app.command()
def events(
    db: DbOpt = DEFAULT_DB,
    type: Annotated[
        str | None, typer.Option("--type", help="PLOVER event type, e.g. ASSAULT.")
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option(help="Code of an actor or a recipient, e.g. USA (either side, as GDELT)."),
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Events on or after this date (YYYY-MM-DD).")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Events on or before this date.")] = None,
    country: Annotated[str | None, typer.Option(help="ISO3 code of the event's place.")] = None,
    near: Annotated[
        str | None, typer.Option(help="LAT,LON,KM: events within KM of a point.")
    ] = None,
    background: Annotated[
        bool, typer.Option("--background/--no-background", help="Include background events.")
    ] = True,
    min_dead: Annotated[
        int | None, typer.Option("--min-dead", min=0, help="Events with at least N dead.")
    ] = None,
    sort: SortOpt = "date",
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many events.")] = None,
    wide: WideOpt = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSONL.")] = False,
) -> None:
    """List stored events, filtered and sorted."""
    if type is not None and type.upper() not in EVENT_TYPES:
        raise fail(f"--type {type!r} is not a PLOVER type ({', '.join(EVENT_TYPES)})")
    point = parse_near(near)
    where = EventFilter(
        type=type,
        actor=check_code(actor, "--actor"),
        since=_check_date(since, "--since"),
        until=_check_date(until, "--until"),
        country=check_code(country, "--country"),
        near=point,
        include_background=background,
        min_dead=min_dead,
        sort=check_sort(sort),
        limit=limit,
    )
    with Store(db, read_only=True) as store:
        found = store.events(where)
        hint = why_none(store, where) if not found else ""
    if as_json:
        for event in found:
            out.file.write(event.model_dump_json() + "\n")
        return
    if not found:
        out.print("no events match" + (f"; {hint}" if hint else ""), style="dim")
        return
    table = render.events_table(found, with_article=True, width=None if wide else out.width)
    render.print_table(out, table, wide=wide)
    out.print(f"{len(found)} events", style="dim")


# Each filter of `events`, and how to leave it out: for saying why nothing matched.
RELAXED: dict[str, dict[str, object]] = {
    "--type": {"type": None},
    "--actor": {"actor": None},
    "--since": {"since": None},
    "--until": {"until": None},
    "--country": {"country": None},
    "--near": {"near": None},
    "--no-background": {"include_background": True},
    "--min-dead": {"min_dead": None},
}


def why_none(store: Store, where: EventFilter) -> str:
    """When no event matches: which filters, each left out alone, would let events through."""
    if store.count_events(EventFilter()) == 0:
        return f"{store.path} holds no events"
    given = {
        option: change
        for option, change in RELAXED.items()
        if any(getattr(where, field) != value for field, value in change.items())
    }
    found = []
    for option, change in given.items():
        count = store.count_events(EventFilter(**{**where.__dict__, **change}))
        if count:
            found.append(f"{count} without {option}")
    if not found:
        return ""
    hint = "there are " + ", ".join(found)
    if any(option in ("--since", "--until") for option in given):
        hint += " (events whose date is unknown never match --since or --until)"
    return hint


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
