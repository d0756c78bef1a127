"""The labelled spans behind an event: what the event page highlights in the article text."""

from __future__ import annotations

from flashpoint.api.schemas import LabelledSpan
from flashpoint.model import Actor, Article, Event, Quote, Span


def _actor_label(role: str, actor: Actor) -> str:
    code = "-".join(x for x in (actor.code, actor.sector) if x)
    name = actor.name or actor.text
    return f"{role}: {name}" + (f" ({code})" if code else "")


def _span(
    kind: str, label: str, start: int | None, end: int | None, text: str, event_id: str | None
) -> LabelledSpan | None:
    if start is None or end is None or not (0 <= start < end <= len(text)):
        return None  # a span that does not fit the text is not shown rather than shown wrong
    return LabelledSpan(
        kind=kind,  # type: ignore[arg-type]
        label=label,
        start=start,
        end=end,
        text=text[start:end],
        event_id=event_id,
    )


def event_spans(event: Event, article: Article, quotes: list[Quote]) -> list[LabelledSpan]:
    """Evidence, trigger, actors, recipients, place, date, toll and quote spans of one event."""
    text = article.text
    found: list[LabelledSpan | None] = []

    def add(kind: str, label: str, span: Span | Actor | None) -> None:
        if span is not None:
            found.append(_span(kind, label, span.start, span.end, text, event.id))

    add("evidence", "evidence", event.evidence)
    # Every other sentence that reports the same incident (stages/incidents.py).
    for number, mention in enumerate(event.mentions, start=1):
        if (mention.start, mention.end) != (event.evidence.start, event.evidence.end):
            add("mention", f"mention {number} of {len(event.mentions)}", mention)
    kind_label = event.event + (f" ({event.mode})" if event.mode else "")
    add("event", f"event: {kind_label}", event.trigger)
    for actor in event.actor:
        add("actor", _actor_label("actor", actor), actor)
    for actor in event.recipient:
        add("recipient", _actor_label("recipient", actor), actor)
    loc = event.event_loc
    if loc is not None and loc.start is not None and loc.end is not None:
        where = loc.name or loc.text or "place"
        if loc.country:
            where += f", {loc.country}"
        found.append(_span("place", f"place: {where}", loc.start, loc.end, text, event.id))
    if event.date_span is not None:
        when = event.date.isoformat() if event.date else "?"
        add("date", f"date: {when}", event.date_span)
    if event.size is not None:
        counts = [
            f"{name} {getattr(event.size, name)}"
            for name in ("dead", "injured", "arrested", "abducted", "displaced")
            if getattr(event.size, name) is not None
        ]
        for span in event.size.spans:
            add("toll", "toll: " + (", ".join(counts) or "count"), span)
        for victim in event.size.victims:
            add("victim", f"victim: {victim.text}", victim)
    if event.claimed_by is not None:
        add("claimed_by", _actor_label("claimed by", event.claimed_by), event.claimed_by)
    for quote in quotes:
        if quote.id != event.quote_id and event.id not in quote.event_ids:
            continue
        speaker = quote.speaker
        who = (speaker.name or speaker.text) if speaker else "unattributed"
        found.append(
            _span("quote", f"quote ({quote.kind}): {who}", quote.start, quote.end, text, event.id)
        )
        if speaker is not None:
            add("speaker", _actor_label("speaker", speaker), speaker)
        if quote.cue is not None:
            add("cue", f"cue: {quote.cue.text}", quote.cue)
    spans = [s for s in found if s is not None]
    spans.sort(key=lambda s: (s.start, -s.end))
    return spans


def quote_spans(quotes: list[Quote], article: Article) -> list[LabelledSpan]:
    """Every quote of an article, with its speaker, for the article view."""
    out: list[LabelledSpan | None] = []
    for quote in quotes:
        who = (quote.speaker.name or quote.speaker.text) if quote.speaker else "unattributed"
        out.append(_span("quote", f"quote: {who}", quote.start, quote.end, article.text, None))
        if quote.speaker is not None:
            s = quote.speaker
            out.append(
                _span("speaker", _actor_label("speaker", s), s.start, s.end, article.text, None)
            )
    return [s for s in out if s is not None]
