"""Stage 5c, quotes: quotations with their speakers, linked to the events they express.

Interface: `find_quotes(analyzed, resolver) -> list[Quote]`, then `link_events(analyzed)`
points each event whose evidence lies inside a quote at that quote.
"""

from __future__ import annotations

from flashpoint.analysis import AnalyzedArticle
from flashpoint.model import Quote
from flashpoint.stages.actors import ActorResolver


def find_quotes(analyzed: AnalyzedArticle, resolver: ActorResolver) -> list[Quote]:
    return []


def link_events(analyzed: AnalyzedArticle) -> None:
    for quote in analyzed.quotes:
        for event in analyzed.events:
            trigger = event.trigger or event.evidence
            if quote.start <= trigger.start and trigger.end <= quote.end:
                event.quote_id = quote.id
                if event.id not in quote.event_ids:
                    quote.event_ids.append(event.id)
