"""/api/quotes: attributed quotations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from flashpoint.api.deps import CODE_PATTERN, IsoDate, StoreDep
from flashpoint.api.schemas import QuotePage

router = APIRouter(prefix="/api/quotes", tags=["quotes"])


@router.get("", response_model=QuotePage)
def list_quotes(
    store: StoreDep,
    speaker: Annotated[
        str | None, Query(pattern=CODE_PATTERN, description="Speaker's actor code.")
    ] = None,
    article_id: Annotated[str | None, Query(max_length=100)] = None,
    since: Annotated[
        IsoDate | None,
        Query(description="Quotes in articles published on or after this day."),
    ] = None,
    until: Annotated[
        IsoDate | None,
        Query(description="Quotes in articles published on or before this day."),
    ] = None,
    q: Annotated[
        str | None,
        Query(max_length=500, description="Words the quote contains (a substring, any case)."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> QuotePage:
    """Quotes with their speaker, cue and the events they report, by article and id. A quote
    has no date or place of its own: since/until compare its article's publication day, and
    the event filters (type, country, ...) do not apply."""
    found = {
        "speaker": speaker,
        "article_id": article_id,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "text": q.strip() or None if q else None,
    }
    total, capped = store.count_quotes_capped(**found)
    return QuotePage(
        total=total,
        total_capped=capped,
        limit=limit,
        offset=offset,
        items=store.quotes(**found, limit=limit, offset=offset),
    )
