"""The event filters that `flashpoint events` and `flashpoint export` share, with the same names
and meanings as the REST API's /api/events parameters and the Python API's `db.events(...)`:
all of them become one `store.EventFilter`."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from flashpoint.cli.app import fail
from flashpoint.errors import UsageError
from flashpoint.model import EVENT_TYPES
from flashpoint.store import EventFilter, Store
from flashpoint.store.sqlite import EVENT_SORTS

TypeOpt = Annotated[
    list[str] | None,
    typer.Option("--type", help="PLOVER event type, e.g. ASSAULT (repeat for any of several)."),
]
ModeOpt = Annotated[str | None, typer.Option("--mode", help="PLOVER mode, e.g. drone.")]
ActorOpt = Annotated[
    str | None,
    typer.Option(
        "--actor", help="Code of an actor or a recipient, e.g. USA (either side, as in GDELT)."
    ),
]
InitiatorOpt = Annotated[
    str | None, typer.Option("--initiator", help="Code of the actor (the doer) only.")
]
RecipientOpt = Annotated[
    str | None, typer.Option("--recipient", help="Code of the recipient only.")
]
SinceOpt = Annotated[
    str | None, typer.Option("--since", help="Events dated on or after (YYYY-MM-DD).")
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="Events dated on or before (YYYY-MM-DD).")
]
CountryOpt = Annotated[
    str | None, typer.Option("--country", help="ISO3 code of the event's place, e.g. IRQ.")
]
Admin1Opt = Annotated[
    str | None,
    typer.Option("--admin1", help="Province/state of the event's place, e.g. Baghdad (any case)."),
]
AcledTypeOpt = Annotated[
    str | None,
    typer.Option(
        "--acled-type",
        help="ACLED event type or sub-event type the ACLED export gives, e.g. Battles or "
        "'Air/drone strike'.",
    ),
]
NearOpt = Annotated[
    str | None, typer.Option("--near", help="LAT,LON,KM: events within KM of a point.")
]
SearchOpt = Annotated[
    str | None,
    typer.Option("--search", help='Full-text query over the evidence (FTS5: words, "a phrase").'),
]
MinConfidenceOpt = Annotated[
    float | None,
    typer.Option("--min-confidence", min=0.0, max=1.0, help="Lowest confidence kept."),
]
MinDeadOpt = Annotated[
    int | None, typer.Option("--min-dead", min=0, help="Events with at least N dead.")
]
BackgroundOpt = Annotated[
    bool, typer.Option("--background/--no-background", help="Include background events.")
]
HypotheticalOpt = Annotated[
    bool, typer.Option("--hypothetical/--no-hypothetical", help="Include hypothetical events.")
]
NegatedOpt = Annotated[bool, typer.Option("--negated/--no-negated", help="Include negated events.")]
SortOpt = Annotated[
    str,
    typer.Option(
        "--sort",
        help="Order: date, confidence, type or event_scale; a leading - is descending "
        "(e.g. -date, -confidence).",
    ),
]
LimitOpt = Annotated[int | None, typer.Option("--limit", min=1, help="At most this many events.")]


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


def check_date(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise UsageError(f"{name} wants a date YYYY-MM-DD, got {value!r}") from exc


def check_acled_type(value: str | None) -> str | None:
    """An ACLED event_type or sub_event_type name (any case), or a usage error listing them."""
    if value is None or not value.strip():
        return None
    from flashpoint.export import acled_type_names  # numpy and the export tables: only here

    names = acled_type_names()
    if value.strip().lower() not in {name.lower() for name in names}:
        raise fail(f"--acled-type {value!r} is not an ACLED event type ({', '.join(names)})")
    return value.strip()


def check_sort(value: str) -> str:
    if value not in EVENT_SORTS:
        raise fail(f"--sort {value!r}: one of {', '.join(EVENT_SORTS)}")
    return value


def event_filter(
    *,
    type: list[str] | None = None,
    mode: str | None = None,
    actor: str | None = None,
    initiator: str | None = None,
    recipient: str | None = None,
    since: str | None = None,
    until: str | None = None,
    country: str | None = None,
    admin1: str | None = None,
    acled_type: str | None = None,
    near: str | None = None,
    search: str | None = None,
    min_confidence: float | None = None,
    min_dead: int | None = None,
    background: bool = True,
    hypothetical: bool = True,
    negated: bool = True,
    sort: str = "date",
    limit: int | None = None,
) -> EventFilter:
    """The options above, checked (a bad value is a one-line usage error), as an EventFilter."""
    types = tuple(t.upper() for t in type or [])
    unknown = [t for t in types if t not in EVENT_TYPES]
    if unknown:
        raise fail(f"--type {unknown[0]!r} is not a PLOVER type ({', '.join(EVENT_TYPES)})")
    return EventFilter(
        types=types,
        mode=mode.lower() if mode else None,
        actor=check_code(actor, "--actor"),
        initiator=check_code(initiator, "--initiator"),
        recipient=check_code(recipient, "--recipient"),
        since=check_date(since, "--since"),
        until=check_date(until, "--until"),
        country=check_code(country, "--country"),
        admin1=admin1.strip() or None if admin1 else None,
        acled_type=check_acled_type(acled_type),
        near=parse_near(near),
        text=search or None,
        min_confidence=min_confidence,
        min_dead=min_dead,
        include_background=background,
        include_hypothetical=hypothetical,
        include_negated=negated,
        sort=check_sort(sort),
        limit=limit,
    )


@contextmanager
def full_text_errors(where: EventFilter) -> Iterator[None]:
    """A --search query that FTS5 cannot read is the user's mistake, said in one line."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if where.text:
            raise UsageError(
                f"--search {where.text!r}: not a valid full-text query ({exc})"
            ) from exc
        raise


# Each filter, and how to leave it out: for saying why nothing matched.
RELAXED: dict[str, dict[str, object]] = {
    "--type": {"types": ()},
    "--mode": {"mode": None},
    "--actor": {"actor": None},
    "--initiator": {"initiator": None},
    "--recipient": {"recipient": None},
    "--since": {"since": None},
    "--until": {"until": None},
    "--country": {"country": None},
    "--admin1": {"admin1": None},
    "--acled-type": {"acled_type": None},
    "--near": {"near": None},
    "--search": {"text": None},
    "--min-confidence": {"min_confidence": None},
    "--min-dead": {"min_dead": None},
    "--no-background": {"include_background": True},
    "--no-hypothetical": {"include_hypothetical": True},
    "--no-negated": {"include_negated": True},
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
