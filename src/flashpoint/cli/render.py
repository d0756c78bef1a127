"""Readable terminal output: article headers, event and quote tables, an event with its sentence."""

from __future__ import annotations

import re

from rich.console import Console
from rich.measure import Measurement
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


# From this terminal width on the events table has an article column (21 characters); below,
# `show EVENT_ID` prints an event's article, and --wide or --json list it.
ARTICLE_COLUMN_FROM = 130
# The columns that share a terminal's width: (least width, share of what is left).
EVENT_COLUMN_SHARES: dict[str, tuple[int, int]] = {
    "actor → recipient": (14, 5),
    "where · when": (12, 3),
    "toll": (6, 2),
}


def events_table(
    events: list[Event], *, with_article: bool = False, width: int | None = None
) -> Table:
    """One row an event. With `width` (the terminal's), four columns wrapped to fit in it:
    the type with the event's id (for `flashpoint show`) and flags under it, the dyad, place
    and date, toll. Without, the wide table: a column per field, each cell on one line."""
    if width is None:
        return _wide_events_table(events, with_article=with_article)
    rows = []
    for event in events:
        kind = Text(event.event + (f" ({event.mode})" if event.mode else ""), style="bold")
        kind.append(f"\n{event.id}", style="dim not bold")
        marks = flags(event)
        if marks:
            kind.append(f"\n{marks}", style="yellow not bold")
        where_when = Text(place_label(event.event_loc))
        where_when.append("\n" + date_label(event), style="cyan")
        dyad = f"{actor_label(event.actor)} → {actor_label(event.recipient)}"
        rows.append([kind, dyad, where_when, toll_label(event.size)])
    article_column = with_article and width >= ARTICLE_COLUMN_FROM
    first = max([17, *(_longest_line(row[0]) for row in rows)])
    fixed = {"event · id · flags": min(first, 24)}
    if article_column:
        fixed = {"article": 21, **fixed}
    columns = len(fixed) + len(EVENT_COLUMN_SHARES)
    overhead = 3 * columns - 1  # borders, and one space either side inside (none at the edges)
    natural = {
        name: max([len(name), *(_longest_line(row[i + 1]) for row in rows)])
        for i, name in enumerate(EVENT_COLUMN_SHARES)
    }
    widths = share_width(width - overhead - sum(fixed.values()), EVENT_COLUMN_SHARES, natural)
    table = Table(show_lines=False, expand=False, pad_edge=False)
    for name, size in {**fixed, **widths}.items():
        table.add_column(name, width=size, style="dim" if name == "article" else "")
    for event, row in zip(events, rows, strict=True):
        table.add_row(*([event.article_id] if article_column else []), *row)
    return table


def share_width(
    room: int, shares: dict[str, tuple[int, int]], natural: dict[str, int]
) -> dict[str, int]:
    """Widths for columns that share `room` characters: each gets at least its least width and
    at most its natural one; the rest goes by share, what a column cannot use going to the
    others."""
    widths = {name: least for name, (least, _) in shares.items()}
    widths = {name: min(widths[name], max(natural[name], 1)) for name in widths}
    left = room - sum(widths.values())
    open_ = [name for name in shares if widths[name] < natural[name]]
    while left > 0 and open_:
        total = sum(shares[name][1] for name in open_)
        given = 0
        for name in open_:
            extra = max(1, left * shares[name][1] // total)
            extra = min(extra, natural[name] - widths[name], left - given)
            widths[name] += extra
            given += extra
        left -= given
        open_ = [name for name in open_ if widths[name] < natural[name]]
        if given == 0:
            break
    return widths


def _longest_line(cell: Text | str) -> int:
    text = cell.plain if isinstance(cell, Text) else cell
    return max((len(line) for line in text.split("\n")), default=0)


def _wide_events_table(events: list[Event], *, with_article: bool) -> Table:
    """A column per field, nothing wrapped (--wide: for a pager or a file)."""
    table = Table(show_lines=False, expand=False, pad_edge=False)
    if with_article:
        table.add_column("article", style="dim", no_wrap=True)
    for name in ("event", "id", "actor → recipient", "where", "when", "toll", "flags"):
        table.add_column(name, no_wrap=True, style={"id": "dim", "flags": "dim"}.get(name, ""))
    for event in events:
        row = [
            event.event + (f" ({event.mode})" if event.mode else ""),
            event.id,
            f"{actor_label(event.actor)} → {actor_label(event.recipient)}",
            place_label(event.event_loc),
            date_label(event),
            toll_label(event.size),
            flags(event),
        ]
        table.add_row(*([event.article_id] if with_article else []), *row)
    return table


def print_table(console: Console, table: Table, *, wide: bool = False) -> None:
    """A table at the terminal's width, cells wrapped; `wide` prints it at its natural width
    however wide that is (for a pager or a file)."""
    if not wide:
        console.print(table, soft_wrap=False)
        return
    natural = Measurement.get(console, console.options.update(max_width=100_000), table).maximum
    width = console.width
    console.width = max(width, natural)
    try:
        console.print(table, soft_wrap=True)
    finally:
        console.width = width


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


QUOTE_COLUMN_SHARES: dict[str, tuple[int, int]] = {
    "speaker": (12, 3),
    "cue": (8, 2),
    "quote": (20, 6),
}


def quotes_table(
    quotes: list[Quote], *, with_article: bool = False, width: int | None = None
) -> Table:
    """Who said what: speaker, how it was attributed, the words (indirect speech dim). With
    `width` (the terminal's) the columns share it; without, each cell keeps to one line."""
    rows = [[speaker_label(q), cue_label(q), quote_label(q)] for q in quotes]
    table = Table(show_lines=False, pad_edge=False)
    if width is None:
        if with_article:
            table.add_column("article", style="dim", no_wrap=True)
        for name in QUOTE_COLUMN_SHARES:
            table.add_column(name, no_wrap=True, style="bold" if name == "speaker" else "")
    else:
        article_column = with_article and width >= ARTICLE_COLUMN_FROM
        fixed = {"article": 21} if article_column else {}
        if article_column:
            table.add_column("article", style="dim", width=21)
        overhead = 3 * (len(fixed) + len(QUOTE_COLUMN_SHARES)) - 1
        natural = {
            name: max([len(name), *(_longest_line(row[i]) for row in rows)])
            for i, name in enumerate(QUOTE_COLUMN_SHARES)
        }
        room = width - overhead - sum(fixed.values())
        for name, size in share_width(room, QUOTE_COLUMN_SHARES, natural).items():
            table.add_column(name, width=size, style="bold" if name == "speaker" else "")
        with_article = article_column
    for quote, row in zip(quotes, rows, strict=True):
        table.add_row(*([quote.article_id] if with_article else []), *row)
    return table


def result_view(result: ArticleResult, width: int | None = None) -> list:
    parts: list = [article_header(result.article)]
    if result.events:
        parts.append(events_table(result.events, width=width))
    elif result.article.status == "coded":
        parts.append(Text("no events", style="dim"))
    if result.quotes:
        parts.append(quotes_table(result.quotes, width=width))
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
