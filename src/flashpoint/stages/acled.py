"""Stage 7, acled: every event gets its ACLED disorder_type, event_type and sub_event_type (or
none, when ACLED would record no event), with a confidence.

Runs after the incidents stage, so that an incident's sentences are read together. The
decision is flashpoint.acled's: a linear model over the incident's words and character n-grams
and its PLOVER type, mode, trigger and participants' sectors; the PLOVER -> ACLED mapping table
decides when the model is unsure or its file is missing (`basis` says which).
"""

from __future__ import annotations

from flashpoint import acled
from flashpoint.analysis import AnalyzedArticle


def type_events(analyzed: AnalyzedArticle) -> None:
    """Set `event.acled` on every event of the article."""
    model = acled.load_model()
    for event in analyzed.events:
        event.acled = acled.code_event(event, model)
