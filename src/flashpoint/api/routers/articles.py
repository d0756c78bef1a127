"""/api/articles: stored articles (summaries, full-text search) and one article with its spans."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query

from flashpoint.api.deps import IsoDate, StoreDep, check_full_text, full_text_errors
from flashpoint.api.schemas import ArticleDetail, ArticlePage, Message
from flashpoint.api.spans import event_spans, quote_spans

router = APIRouter(prefix="/api/articles", tags=["articles"])


@router.get("", response_model=ArticlePage)
def list_articles(
    store: StoreDep,
    q: Annotated[
        str | None, Query(max_length=500, description="Full-text query over title and text.")
    ] = None,
    status: Annotated[Literal["coded", "skipped", "duplicate", "failed"] | None, Query()] = None,
    since: Annotated[IsoDate | None, Query(description="Published on or after.")] = None,
    until: Annotated[IsoDate | None, Query(description="Published on or before.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> ArticlePage:
    """Articles, newest first, with their event counts (no full text; see /api/articles/{id})."""
    with full_text_errors(q):
        items, total = store.article_rows(
            text=check_full_text(q) or None,
            status=status,
            since=since.isoformat() if since else None,
            until=until.isoformat() if until else None,
            limit=limit,
            offset=offset,
        )
    return ArticlePage(total=total, limit=limit, offset=offset, items=items)


@router.get("/{article_id}", response_model=ArticleDetail, responses={404: {"model": Message}})
def get_article(store: StoreDep, article_id: Annotated[str, Path(max_length=100)]) -> ArticleDetail:
    """One article with its text, parts, events, quotes and entities, and the labelled spans
    of every event and quote (offsets index `article.text`)."""
    result = store.result(article_id)
    if result is None:
        raise HTTPException(status_code=404, detail=f"no article {article_id!r}")
    spans = [s for e in result.events for s in event_spans(e, result.article, result.quotes)]
    spans += quote_spans(result.quotes, result.article)
    spans.sort(key=lambda s: (s.start, -s.end))
    return ArticleDetail(
        article=result.article,
        events=result.events,
        quotes=result.quotes,
        entities=result.entities,
        spans=spans,
    )
