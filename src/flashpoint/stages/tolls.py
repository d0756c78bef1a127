"""Stage 5f, tolls: dead, injured, arrested (and more) per event, with spans.

Interface: `count_tolls(analyzed)` sets `event.size` where the text gives numbers.
"""

from __future__ import annotations

from flashpoint.analysis import AnalyzedArticle


def count_tolls(analyzed: AnalyzedArticle) -> None:
    return None
