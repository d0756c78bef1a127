"""/api/alerts: stored escalation alerts (computed by `flashpoint alerts` and `watch`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from flashpoint import alerts as alerts_module
from flashpoint.api.deps import CODE_PATTERN, IsoDate, StoreDep
from flashpoint.store.parquet import ParquetStore

router = APIRouter(prefix="/api/alerts", tags=["alerts"])

AlertKind = Literal[
    "spike", "media_spike", "sustained_rise", "fatalities_jump", "first_lethal", "new_actor"
]
Severity = Literal["low", "medium", "high"]


@router.get("", response_model=list[dict[str, Any]])
def list_alerts(
    store: StoreDep,
    since: Annotated[IsoDate | None, Query(description="Alerts for this day on.")] = None,
    until: Annotated[IsoDate | None, Query(description="Alerts up to this day.")] = None,
    country: Annotated[
        str | None,
        Query(pattern=CODE_PATTERN, description="ISO3: its regions and the dyads it is in."),
    ] = None,
    kind: Annotated[list[AlertKind] | None, Query(description="Only these kinds.")] = None,
    min_severity: Annotated[Severity | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """Alerts, newest day first: kind, severity, series, baseline (mean, variance, model,
    band), the daily history and the ids of the events behind each. `media` is true for a
    rise in reports of the same incidents rather than in incidents."""
    if isinstance(store, ParquetStore):
        return store.stored_alerts()  # a Parquet dataset holds no alerts
    return alerts_module.stored_alerts(
        store.conn,
        since=since,
        until=until,
        country=country.upper() if country else None,
        kinds=kind or (),
        min_severity=min_severity,
        limit=limit,
    )
