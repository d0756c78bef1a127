"""/api/events: the event list (filters, pagination, sort) and one event with its evidence."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query

from flashpoint.api.deps import EventSort, FilterDep, StoreDep, full_text_errors, invalid
from flashpoint.api.schemas import ArticleSummary, EventDetail, EventPage, Mention, Message
from flashpoint.api.spans import event_spans
from flashpoint.errors import StoreError
from flashpoint.store import EventFilter

router = APIRouter(prefix="/api/events", tags=["events"])

ID_PATH = Path(max_length=100, description="An event id, as listed by /api/events.")


@router.get("", response_model=EventPage)
def list_events(
    store: StoreDep,
    where: FilterDep,
    sort: Annotated[EventSort, Query(description="Order; a leading - is descending.")] = "date",
    limit: Annotated[int, Query(ge=1, le=1000, description="Page size.")] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9, description="Events to skip.")] = 0,
    cursor: Annotated[
        str | None,
        Query(
            max_length=2000,
            description="The `next` of the previous page: the events after it (then offset"
            " counts from there).",
        ),
    ] = None,
) -> EventPage:
    """Stored events, filtered, sorted and paged; `total` counts every match, up to 10,000
    when counting more would scan them (then `total_capped` is true). Follow `next` for the
    following page: any depth costs the same."""
    page = EventFilter(
        **{**where.__dict__, "sort": sort, "limit": limit, "offset": offset, "cursor": cursor}
    )
    with full_text_errors(where.text):
        try:
            items, following = store.events_page(page)
        except StoreError as exc:
            raise invalid("cursor", exc.message) from exc
        total, capped = store.count_events_capped(page)
    return EventPage(
        total=total, total_capped=capped, limit=limit, offset=offset, items=items, next=following
    )


@router.get("/{event_id}", response_model=EventDetail, responses={404: {"model": Message}})
def get_event(store: StoreDep, event_id: Annotated[str, ID_PATH]) -> EventDetail:
    """One event with its labelled evidence spans, its quotes and its other mentions."""
    event = store.event(event_id)
    if event is None:
        raise HTTPException(status_code=404, detail=f"no event {event_id!r}")
    article = store.article(event.article_id)
    if article is None:  # stored in one transaction with its events; a foreign writer's doing
        raise HTTPException(status_code=404, detail=f"the article of event {event_id!r} is gone")
    quotes = store.quotes(article_id=article.id)
    linked = [
        e for e in (store.linked_events(event.link_id) if event.link_id else []) if e.id != event.id
    ]
    metas = store.article_stored_at([e.article_id for e in linked])
    mentions = [
        Mention(
            event_id=e.id,
            article_id=e.article_id,
            article_title=metas.get(e.article_id, {}).get("title"),
            published=metas.get(e.article_id, {}).get("published"),
            source=metas.get(e.article_id, {}).get("source"),
            evidence=e.evidence.text,
        )
        for e in linked
    ]
    (summary,) = store.article_rows_by_id([article.id])
    return EventDetail(
        event=event,
        article=ArticleSummary(**summary),
        spans=event_spans(event, article, quotes),
        quotes=[q for q in quotes if q.id == event.quote_id or event.id in q.event_ids],
        mentions=mentions,
    )
