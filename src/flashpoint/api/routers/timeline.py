"""/api/timeline: events per day by quad class."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import TypeAdapter

from flashpoint.api.deps import FilterDep, StoreDep, full_text_errors
from flashpoint.api.schemas import TimelinePoint

router = APIRouter(prefix="/api/timeline", tags=["timeline"])

POINTS = TypeAdapter(list[TimelinePoint])


@router.get("", response_model=list[TimelinePoint])
def timeline(store: StoreDep, where: FilterDep) -> Response:
    """Events per day and PLOVER quad class (1 verbal cooperation .. 4 material conflict)."""
    with full_text_errors(where.text):
        # A store spanning decades has tens of thousands of points: the SQLite store writes
        # them as JSON itself; other stores' rows are validated and encoded in one call.
        encode = getattr(store, "timeline_json", None)
        if encode is not None:
            body = encode(where)
        else:
            body = POINTS.dump_json(POINTS.validate_python(store.timeline(where)))
    return Response(body, media_type="application/json")
