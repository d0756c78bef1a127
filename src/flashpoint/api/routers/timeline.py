"""/api/timeline: events per day by quad class."""

from __future__ import annotations

from fastapi import APIRouter

from flashpoint.api.deps import FilterDep, StoreDep, full_text_errors
from flashpoint.api.schemas import TimelinePoint

router = APIRouter(prefix="/api/timeline", tags=["timeline"])


@router.get("", response_model=list[TimelinePoint])
def timeline(store: StoreDep, where: FilterDep) -> list[TimelinePoint]:
    """Events per day and PLOVER quad class (1 verbal cooperation .. 4 material conflict)."""
    with full_text_errors(where.text):
        return [TimelinePoint(**row) for row in store.timeline(where)]
