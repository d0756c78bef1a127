"""Stage 5d, places: where each event happened (`event_loc`), from an offline gazetteer.

Interface: `locate_events(analyzed)` sets `event.event_loc` for every event it can place.
"""

from __future__ import annotations

from flashpoint.analysis import AnalyzedArticle


def locate_events(analyzed: AnalyzedArticle) -> None:
    return None
