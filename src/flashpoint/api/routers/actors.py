"""/api/actors: actor codes with how often they act and are acted upon."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from flashpoint.api.deps import FilterDep, StoreDep, full_text_errors
from flashpoint.api.schemas import ActorCount

router = APIRouter(prefix="/api/actors", tags=["actors"])


@router.get("", response_model=list[ActorCount])
def list_actors(
    store: StoreDep, where: FilterDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[ActorCount]:
    """Actor codes among the filtered events, most frequent first."""
    with full_text_errors(where.text):
        return [ActorCount(**row) for row in store.actor_counts(where, limit=limit)]
