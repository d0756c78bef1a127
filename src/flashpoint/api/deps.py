"""Dependencies shared by the routers: a read-only store per request, the event filters."""

from __future__ import annotations

import datetime as dt
import math
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BeforeValidator

from flashpoint.api.settings import Settings, get_settings
from flashpoint.errors import StoreError, UsageError
from flashpoint.model import EVENT_TYPES
from flashpoint.store import EventFilter, Store
from flashpoint.store.fulltext import full_text_problem
from flashpoint.store.parquet import ParquetDataset
from flashpoint.store.sqlite import EVENT_SORTS

EventType = Enum("EventType", {name: name for name in EVENT_TYPES}, type=str)  # type: ignore[misc]
EventSort = Literal[tuple(EVENT_SORTS)]  # type: ignore[valid-type]
SearchIn = Literal["evidence", "article", "both"]


def _iso_date_only(value: object) -> object:
    """Dates as YYYY-MM-DD only (pydantic would also read "0" as a Unix timestamp)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("wants a date YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]

CODE_PATTERN = r"^[A-Za-z]{3}$"
_NUMBER = r"\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*"
BBOX_PATTERN = rf"^{_NUMBER}(,{_NUMBER}){{3}}$"
NEAR_PATTERN = rf"^{_NUMBER}(,{_NUMBER}){{2}}$"


class QueryTimeout(Exception):
    """A request's queries ran past its time budget and SQLite stopped them (a 503)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds

    @property
    def message(self) -> str:
        return (
            f"the query took longer than {self.seconds:g} s and was stopped; narrow it (fewer"
            " or longer search terms, a shorter date range) and try again"
        )


class _Watchdog:
    """One thread that interrupts the connections whose time budget has run out.

    `Connection.interrupt()` (sqlite3_interrupt) stops a statement at its next row, which a
    progress handler does not: it counts virtual-machine steps, and a full-text query spends
    most of its time inside single steps (snippet() over a long article)."""

    TICK = 0.05

    def __init__(self) -> None:
        self._deadlines: dict[int, tuple[float, sqlite3.Connection]] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def watch(self, conn: sqlite3.Connection, seconds: float) -> None:
        with self._lock:
            self._deadlines[id(conn)] = (time.monotonic() + seconds, conn)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="flashpoint-query-budget", daemon=True
                )
                self._thread.start()

    def forget(self, conn: sqlite3.Connection) -> None:
        with self._lock:
            self._deadlines.pop(id(conn), None)

    def _run(self) -> None:
        while True:
            time.sleep(self.TICK)
            now = time.monotonic()
            with self._lock:
                due = [key for key, (deadline, _) in self._deadlines.items() if deadline <= now]
                for key in due:
                    _, conn = self._deadlines.pop(key)
                    conn.interrupt()


_watchdog = _Watchdog()


def set_time_budget(store: Store, seconds: float) -> None:
    """Stop this store's queries (SQLite raises "interrupted") once `seconds` have passed;
    a later call replaces the budget. The store's close() must be preceded by release_budget."""
    store.budget_seconds = seconds  # type: ignore[attr-defined]
    _watchdog.watch(store.conn, seconds)


def release_budget(store: Store) -> None:
    _watchdog.forget(store.conn)


def is_interrupted(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and "interrupted" in str(exc)


_datasets: dict[Path, ParquetDataset] = {}
_datasets_lock = threading.Lock()


def _parquet_store(settings: Settings) -> Iterator[Store]:
    """A read-only store over the Parquet dataset (store/parquet.py), one cursor a request."""
    path = settings.parquet
    assert path is not None
    try:
        with _datasets_lock:
            if path not in _datasets:
                _datasets[path] = ParquetDataset(path)
            store = _datasets[path].store()
    except (StoreError, UsageError) as exc:
        raise HTTPException(status_code=503, detail=exc.message) from exc
    set_time_budget(store, settings.query_seconds)  # type: ignore[arg-type]
    try:
        yield store  # type: ignore[misc]
    except Exception as exc:
        if type(exc).__name__ == "InterruptException":  # duckdb's, when the budget ran out
            raise QueryTimeout(getattr(store, "budget_seconds", settings.query_seconds)) from exc
        raise
    finally:
        release_budget(store)  # type: ignore[arg-type]
        store.close()


def get_store(settings: Annotated[Settings, Depends(get_settings)]) -> Iterator[Store]:
    if settings.parquet is not None:
        yield from _parquet_store(settings)
        return
    try:
        store = Store(settings.db, read_only=True)
    except StoreError as exc:
        raise HTTPException(status_code=503, detail=exc.message) from exc
    set_time_budget(store, settings.query_seconds)
    try:
        yield store
    except sqlite3.OperationalError as exc:
        if is_interrupted(exc):
            raise QueryTimeout(getattr(store, "budget_seconds", settings.query_seconds)) from exc
        raise
    finally:
        release_budget(store)
        store.close()


StoreDep = Annotated[Store, Depends(get_store)]


def invalid(field: str, message: str) -> RequestValidationError:
    """A 422 in FastAPI's own shape, for checks the type system cannot express."""
    return RequestValidationError(
        [{"loc": ("query", field), "msg": message, "type": "value_error", "input": None}]
    )


def _floats(value: str, field: str, count: int, example: str) -> list[float]:
    try:
        numbers = [float(part) for part in value.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) != count or not all(math.isfinite(n) for n in numbers):
        raise invalid(field, f"wants {count} comma-separated numbers, e.g. {example}")
    return numbers


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    min_lon, min_lat, max_lon, max_lat = _floats(value, "bbox", 4, "40,29,48,37")
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise invalid("bbox", "longitudes must be within -180..180")
    if not (-90 <= min_lat <= max_lat <= 90):
        raise invalid("bbox", "latitudes must be within -90..90, the minimum first")
    return min_lon, min_lat, max_lon, max_lat


def parse_near(value: str | None) -> tuple[float, float, float] | None:
    if value is None:
        return None
    lat, lon, km = _floats(value, "near", 3, "33.3,44.4,50")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 < km <= 20040):
        raise invalid("near", "latitude -90..90, longitude -180..180, 0 < km <= 20040")
    return lat, lon, km


def check_full_text(query: str | None, field: str = "q") -> str | None:
    """The query, or a 422 if it could cost too much (see store.fulltext)."""
    if query:
        problem = full_text_problem(query)
        if problem:
            raise invalid(field, f"full-text query too costly: {problem}")
    return query


@contextmanager
def full_text_errors(query: str | None, field: str = "q") -> Iterator[None]:
    """An FTS5 query the user got wrong is a 422, not a server error. SQLite reports FTS5
    syntax errors as OperationalError; with no query given, such an error is the server's, and
    a query stopped by the time budget is a 503 (QueryTimeout, raised by get_store)."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if query and not is_interrupted(exc):
            raise invalid(field, f"not a valid full-text query ({exc})") from exc
        raise


def check_acled_type(value: str | None) -> str | None:
    """An ACLED event_type or sub_event_type name (any case), or a 422 listing them."""
    from flashpoint.export import acled_type_names

    if value is None or not value.strip():
        return None
    names = acled_type_names()
    if value.strip().lower() not in {name.lower() for name in names}:
        raise invalid(
            "acled_type", f"not an ACLED event or sub-event type; one of {', '.join(names)}"
        )
    return value.strip()


def event_filter(
    since: Annotated[IsoDate | None, Query(description="Events on or after this date.")] = None,
    until: Annotated[IsoDate | None, Query(description="Events on or before this date.")] = None,
    type: Annotated[
        list[EventType] | None, Query(description="PLOVER event types (repeat for several).")
    ] = None,
    mode: Annotated[
        str | None,
        Query(max_length=40, pattern=r"^[a-z][a-z-]*$", description="PLOVER mode, e.g. drone."),
    ] = None,
    actor: Annotated[
        str | None, Query(pattern=CODE_PATTERN, description="Code as actor or recipient.")
    ] = None,
    initiator: Annotated[
        str | None, Query(pattern=CODE_PATTERN, description="Code as actor (the doer) only.")
    ] = None,
    recipient: Annotated[
        str | None, Query(pattern=CODE_PATTERN, description="Code as recipient only.")
    ] = None,
    country: Annotated[
        str | None, Query(pattern=CODE_PATTERN, description="ISO3 code of the event's place.")
    ] = None,
    admin1: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Province/state of the event's place (event_loc.admin1), any case.",
        ),
    ] = None,
    acled_type: Annotated[
        str | None,
        Query(
            max_length=100,
            description="ACLED event_type or sub_event_type the ACLED export gives the event,"
            " e.g. Battles or Air/drone strike (any case).",
        ),
    ] = None,
    quad: Annotated[int | None, Query(ge=1, le=4, description="PLOVER quad class.")] = None,
    bbox: Annotated[
        str | None,
        Query(
            max_length=100,
            pattern=BBOX_PATTERN,
            description="min lon,min lat,max lon,max lat (a box crossing 180° is allowed).",
        ),
    ] = None,
    near: Annotated[
        str | None,
        Query(
            max_length=100,
            pattern=NEAR_PATTERN,
            description="lat,lon,km: events within km of a point.",
        ),
    ] = None,
    has_location: Annotated[
        bool | None, Query(description="Only events with (true) or without (false) coordinates.")
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=500,
            description='Full-text query (SQLite FTS5 syntax: words, "phrases", OR, NOT, prefix*).',
        ),
    ] = None,
    search_in: Annotated[
        SearchIn, Query(description="Where q searches: evidence sentences, articles, or both.")
    ] = "evidence",
    min_confidence: Annotated[
        float | None, Query(ge=0.0, le=1.0, allow_inf_nan=False, description="Lowest confidence.")
    ] = None,
    min_dead: Annotated[
        int | None, Query(ge=0, le=10**7, description="Events with at least this many dead.")
    ] = None,
    background: Annotated[bool, Query(description="Include background events.")] = True,
    hypothetical: Annotated[bool, Query(description="Include hypothetical events.")] = True,
    negated: Annotated[bool, Query(description="Include negated events.")] = True,
    article_id: Annotated[str | None, Query(max_length=100)] = None,
    link_id: Annotated[str | None, Query(max_length=100)] = None,
    alert: Annotated[
        str | None, Query(max_length=100, description="The events behind this alert's id.")
    ] = None,
) -> EventFilter:
    return EventFilter(
        types=tuple(t.value for t in type or []),
        mode=mode,
        actor=actor,
        initiator=initiator,
        recipient=recipient,
        since=since.isoformat() if since else None,
        until=until.isoformat() if until else None,
        country=country,
        admin1=admin1.strip() or None if admin1 else None,
        acled_type=check_acled_type(acled_type),
        quad=quad,
        bbox=parse_bbox(bbox),
        near=parse_near(near),
        has_location=has_location,
        text=check_full_text(q) or None,
        text_in=search_in,
        min_confidence=min_confidence,
        min_dead=min_dead,
        include_background=background,
        include_hypothetical=hypothetical,
        include_negated=negated,
        article_id=article_id,
        link_id=link_id,
        alert_id=alert,
    )


FilterDep = Annotated[EventFilter, Depends(event_filter)]
