"""Readable terminal output: article headers, event and quote tables, an event with its sentence."""

from __future__ import annotations

import re

from rich.table import Table
from rich.text import Text

from flashpoint.model import Actor, Article, ArticleResult, Event, Place, Quote, Size


def actor_label(actors: list[Actor]) -> str:
    if not actors:
        return "-"
    parts = []
    for actor in actors:
        code = " ".join(x for x in (actor.code, actor.sector) if x)
        name = actor.name or actor.text
        parts.append(f"{name} ({code})" if code else name)
    return "; ".join(parts)


def place_label(place: Place | None) -> str:
    if place is None:
        return "-"
    name = place.name or place.text or "?"
    where = f"{name}, {place.country}" if place.country and place.country not in name else name
    if place.lat is not None and place.lon is not None:
        where += f" ({place.lat:.2f}, {place.lon:.2f})"
    return where


def date_label(event: Event) -> str:
    """The date at its precision: 2024-01-04, week of 2023-12-25, 2023-12, 2003; a date that
    is only the publication's says so."""
    if event.date is None:
        return "-"
    day = event.date
    precision = event.date_precision
    if precision == "week":
        return f"week of {day.isoformat()}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "published":
        return f"{day.isoformat()} (published)"
    return day.isoformat()


def toll_label(size: Size | None) -> str:
    """Counts with their bounds ("dead ≥4", "dead 10-15"), named victims, totals marked."""
    if size is None:
        return "-"
    parts = []
    for name in ("dead", "injured", "arrested", "abducted", "displaced"):
        value = getattr(size, name)
        if value is None:
            continue
        low = getattr(size, f"{name}_low", None)
        high = getattr(size, f"{name}_high", None)
        if high is not None and high != value:
            parts.append(f"{name} {value}-{high}")
        elif high is not None:
            parts.append(f"{name} ≤{value}")
        elif low is not None and low == value:
            parts.append(f"{name} ≥{value}")
        else:
            parts.append(f"{name} {value}")
    if not parts:
        return "-"
    label = ", ".join(parts)
    if size.victims:
        label += " incl. " + "; ".join(v.text for v in size.victims[:3])
    if size.cumulative:
        label += " (total over a period)"
    return label


def flags(event: Event) -> str:
    marks = [
        name for name in ("negated", "hypothetical", "future", "background") if getattr(event, name)
    ]
    if event.section != "body":
        marks.append(event.section)
    return ", ".join(marks)


def article_header(article: Article) -> Text:
    text = Text()
    text.append(article.title or article.input_name or article.id, style="bold")
    details = [
        article.published.isoformat(sep=" ", timespec="minutes") if article.published else None,
        article.category,
        article.source,
        article.id,
    ]
    text.append("\n" + " · ".join(d for d in details if d), style="dim")
    if article.status != "coded":
        text.append(f"\n{article.status}: {article.status_reason or ''}", style="yellow")
    if article.duplicate_of:
        text.append(f"\nrepost of {article.duplicate_of}", style="yellow")
    return text


def events_table(events: list[Event], *, with_article: bool = False) -> Table:
    """One row an event; its id (for `flashpoint show`) under its type, so that the table
    stays readable in an 80-column terminal."""
    table = Table(show_lines=False, expand=False, pad_edge=False)
    if with_article:
        table.add_column("article", style="dim", no_wrap=True)
    table.add_column("event · id", style="bold", min_width=17)
    table.add_column("actor → recipient", min_width=20)
    table.add_column("where")
    table.add_column("when", min_width=11)
    table.add_column("toll")
    table.add_column("flags", style="dim")
    for event in events:
        kind = Text(event.event + (f" ({event.mode})" if event.mode else ""))
        kind.append(f"\n{event.id}", style="dim not bold")
        dyad = f"{actor_label(event.actor)} → {actor_label(event.recipient)}"
        row: list = [
            kind,
            dyad,
            place_label(event.event_loc),
            date_label(event),
            toll_label(event.size),
            flags(event),
        ]
        if with_article:
            row.insert(0, event.article_id)
        table.add_row(*row)
    return table


QUOTE_CHARS = 140
# Articles and prepositions around a role word ("a spokesperson for" -> "spokesperson").
_ROLE_EDGES = re.compile(r"^\s*(?:a|an|the)\s+|\s+(?:for|of|at|from|with|in)\s*$", re.IGNORECASE)
MEDIUM_CHARS = 40


def speaker_label(quote: Quote) -> str:
    """Who said it: the resolved speaker, and whom they speak for when the mention does not say."""
    speaker, affiliation = quote.speaker, quote.affiliation
    if speaker is None:
        return "?"
    if affiliation is not None and speaker.name and speaker.name == affiliation.name:
        # "a spokesperson for the Nujaba Movement" resolved to the movement: keep the role.
        role = speaker.text.split(affiliation.text)[0]
        role = _ROLE_EDGES.sub("", role).strip()
        label = actor_label([speaker])
        return f"{role}, {label}" if role else label
    label = actor_label([speaker])
    if affiliation is not None and (affiliation.name or affiliation.text) not in label:
        label += f", {affiliation.name or affiliation.text}"
    return label


def cue_label(quote: Quote) -> str:
    """How it was attributed: the cue and the medium ("told · Newsweek"), or "(continues)" for
    a quote that goes on with the speaker of the one before it."""
    if quote.cue is None:
        return "(continues)" if quote.speaker is not None else "-"
    medium = quote.medium or ""
    if len(medium) > MEDIUM_CHARS:
        medium = medium[: MEDIUM_CHARS - 1].rstrip() + "…"
    return quote.cue.text + (f" · {medium}" if medium else "")


def quote_label(quote: Quote) -> Text:
    """The words: in quotation marks when verbatim, plain and dim when reported speech; the
    number of events coded from them."""
    text = " ".join(quote.text.split())
    if len(text) > QUOTE_CHARS:
        text = text[: QUOTE_CHARS - 1].rstrip() + "…"
    label = Text(text, style="dim") if quote.kind == "indirect" else Text(f"“{text}”")
    if quote.event_ids:
        count = len(quote.event_ids)
        label.append(f"  [{count} event{'s' if count > 1 else ''}]", style="dim cyan")
    return label


def quotes_table(quotes: list[Quote], *, with_article: bool = False) -> Table:
    """Who said what: speaker, how it was attributed, the words (indirect speech dim)."""
    table = Table(show_lines=False, pad_edge=False)
    if with_article:
        table.add_column("article", style="dim", no_wrap=True)
    table.add_column("speaker", style="bold", ratio=3)
    table.add_column("cue", ratio=2)
    table.add_column("quote", ratio=6)
    for quote in quotes:
        row: list = [speaker_label(quote), cue_label(quote), quote_label(quote)]
        if with_article:
            row.insert(0, quote.article_id)
        table.add_row(*row)
    return table


def result_view(result: ArticleResult) -> list:
    parts: list = [article_header(result.article)]
    if result.events:
        parts.append(events_table(result.events))
    elif result.article.status == "coded":
        parts.append(Text("no events", style="dim"))
    if result.quotes:
        parts.append(quotes_table(result.quotes))
    return parts


def marked_sentence(article: Article, event: Event) -> Text:
    """The event's sentence with the trigger, actors, recipients and other spans marked."""
    start, end = event.evidence.start, event.evidence.end
    text = Text(article.text[start:end])
    marks: list[tuple[int, int, str]] = []
    if event.trigger:
        marks.append((event.trigger.start, event.trigger.end, "bold red underline"))
    marks += [(a.start, a.end, "bold cyan") for a in event.actor]
    marks += [(r.start, r.end, "bold magenta") for r in event.recipient]
    if event.event_loc and event.event_loc.start is not None and event.event_loc.end is not None:
        marks.append((event.event_loc.start, event.event_loc.end, "bold green"))
    if event.date_span:
        marks.append((event.date_span.start, event.date_span.end, "bold yellow"))
    if event.size:
        marks += [(s.start, s.end, "bold blue") for s in event.size.spans]
    for mark_start, mark_end, style in marks:
        if start <= mark_start < mark_end <= end:
            text.stylize(style, mark_start - start, mark_end - start)
    return text
