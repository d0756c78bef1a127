"""/api/quotes: attributed quotations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from flashpoint.api.deps import CODE_PATTERN, StoreDep
from flashpoint.api.schemas import QuotePage

router = APIRouter(prefix="/api/quotes", tags=["quotes"])


@router.get("", response_model=QuotePage)
def list_quotes(
    store: StoreDep,
    speaker: Annotated[
        str | None, Query(pattern=CODE_PATTERN, description="Speaker's actor code.")
    ] = None,
    article_id: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> QuotePage:
    """Quotes with their speaker, cue and the events they report, by article and id."""
    return QuotePage(
        total=store.count_quotes(speaker=speaker, article_id=article_id),
        limit=limit,
        offset=offset,
        items=store.quotes(speaker=speaker, article_id=article_id, limit=limit, offset=offset),
    )
