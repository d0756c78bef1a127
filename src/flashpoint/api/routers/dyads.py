"""/api/dyads: who acts on whom (the network), and one pair's events over time."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from flashpoint.api.deps import CODE_PATTERN, FilterDep, StoreDep, full_text_errors
from flashpoint.api.schemas import Dyad, DyadPoint, DyadSeries

router = APIRouter(prefix="/api/dyads", tags=["dyads"])


@router.get("", response_model=list[Dyad])
def list_dyads(
    store: StoreDep,
    where: FilterDep,
    level: Annotated[
        Literal["country", "sector", "actor"],
        Query(description="Nodes: country code, code-sector (IRQ-REB), or resolved name."),
    ] = "sector",
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[Dyad]:
    """Directed actor -> recipient pairs with event counts and PLOVER scores."""
    with full_text_errors(where.text):
        return [Dyad(**row) for row in store.dyads(where, level=level, limit=limit)]


@router.get("/series", response_model=DyadSeries)
def dyad_series(
    store: StoreDep,
    where: FilterDep,
    source: Annotated[str, Query(pattern=CODE_PATTERN, description="Actor code, e.g. IRQ.")],
    target: Annotated[str, Query(pattern=CODE_PATTERN, description="Recipient code, e.g. USA.")],
    both_ways: Annotated[bool, Query(description="Count target -> source events too.")] = False,
) -> DyadSeries:
    """Events per day and summed PLOVER score between two actors."""
    with full_text_errors(where.text):
        rows = store.dyad_series(where, source, target, both_ways=both_ways)
    return DyadSeries(
        actor=source.upper(),
        recipient=target.upper(),
        both_ways=both_ways,
        points=[DyadPoint(**row) for row in rows],
    )
