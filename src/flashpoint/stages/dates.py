"""Stage 5e, dates: each event's calendar date, resolved against the publication date.

Interface: `date_events(analyzed)` sets `event.date`, `event.date_precision`, `event.date_span`.
Without a date expression the publication date is used, flagged with precision "publication".
"""

from __future__ import annotations

from flashpoint.analysis import AnalyzedArticle


def date_events(analyzed: AnalyzedArticle) -> None:
    published = analyzed.article.published
    for event in analyzed.events:
        if event.date is None and published is not None:
            event.date = published.date()
            event.date_precision = "publication"
