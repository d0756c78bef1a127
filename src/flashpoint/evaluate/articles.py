"""`flashpoint eval-articles GOLD.jsonl`: whole articles scored as a user sees them.

The gold (`../shared/gold/ARTICLES.md`) codes each article one record per real-world incident,
with `mentions`: the character spans of every sentence reporting it. Scoring, as ARTICLES.md
defines it:

- output records flagged `negated` or `hypothetical` are left out;
- each remaining record, in output order, is matched to at most one gold event of the same
  PLOVER type whose mentions its evidence span overlaps, preferring a gold event not matched
  yet (among those, the one it overlaps most). A record whose only candidates are already
  matched is a duplicate; one with no candidate is wrong;
- precision = matched records / scored records; duplicate share = duplicates / scored records;
- key recall = key gold events matched / key gold events; then, over all key events (a missed
  one counts as wrong), the share also right on actor, recipient and triple; over matched key
  events with a gold value, the share right on place, date and toll; all-fields = key events
  matched and right on actor, recipient, and on place, date and toll wherever the gold gives
  them.

Field rules: a participant list is right when some gold participant's code and sector equal an
output participant's, or one's text contains the other's (ignoring case); an empty gold list
is right only when the output's is empty too. A place is right within 50 km, or in the same
country when the gold place is at country precision. A date is right when it agrees at the
gold's precision, and an output date is only as precise as it says: a publication-date
fallback never counts as a day. A toll is right when every gold figure (dead, injured,
arrested) equals the output's.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flashpoint.errors import InputError
from flashpoint.evaluate.events import LEGACY_TYPES
from flashpoint.evaluate.gold import gold_lines
from flashpoint.model import Actor, ArticleResult, Event
from flashpoint.pipeline import Pipeline
from flashpoint.stages import clean
from flashpoint.stages.read import RawDocument

PLACE_KM = 50.0
TOLL_FIELDS = ("dead", "injured", "arrested")
# How precise each output date precision is, on the gold's scale (day 3, month 2, year 1). A
# week is not a day; the publication date stands for "around then": its month, not its day.
OUTPUT_DATE_LEVEL = {"day": 3, "week": 2, "month": 2, "published": 2, "year": 1}


class GoldShapeError(ValueError):
    """The file is not article-level gold (no `events` with `mentions`)."""


@dataclass
class GoldArticle:
    line: int
    id: str
    text: str
    published: str | None
    title: str | None
    events: list[dict[str, Any]]


@dataclass
class RecordVerdict:
    """What became of one output record."""

    event: Event
    status: str  # "matched", "duplicate", "wrong"
    gold_n: int | None = None


@dataclass
class KeyVerdict:
    """One key gold event: matched or not, and which fields came out right."""

    gold: dict[str, Any]
    event: Event | None = None
    fields: dict[str, bool | None] = field(default_factory=dict)


@dataclass
class ArticleVerdict:
    gold: GoldArticle
    records: list[RecordVerdict]
    keys: list[KeyVerdict]
    missed: list[dict[str, Any]]
    text: str


def read_gold_articles(path: Path) -> tuple[list[GoldArticle], list[InputError]]:
    articles: list[GoldArticle] = []
    problems: list[InputError] = []
    for entry in gold_lines(path):
        if isinstance(entry, InputError):
            problems.append(entry)
            continue
        number, where, data = entry
        events = data.get("events")
        if not isinstance(events, list) or any(
            not isinstance(e, dict) or not isinstance(e.get("mentions"), list) for e in events
        ):
            raise GoldShapeError(
                f"{where}: not article-level gold (each event needs 'mentions'; see "
                "ARTICLES.md); for sentence-level gold use 'flashpoint eval'"
            )
        articles.append(
            GoldArticle(
                line=number,
                id=str(data.get("id") or number),
                text=data["text"],
                published=data.get("published"),
                title=data.get("title"),
                events=events,
            )
        )
    if not articles and not problems:
        raise GoldShapeError(f"{path}: no gold articles in the file")
    return articles, problems


def evaluate_articles(
    path: Path, pipeline: Pipeline, progress: Callable[[int], None] | None = None
) -> tuple[dict[str, Any], list[ArticleVerdict]]:
    """Score the pipeline on one article-level gold file: the `--json` object and, for
    `--detail`, each article's verdicts."""
    gold, _problems = read_gold_articles(path)
    articles = []
    for item in gold:
        meta = {"id": item.id, "published": item.published, "title": item.title}
        raw = RawDocument(name=f"{path}:{item.line}", text=item.text, meta=meta)
        articles.append(clean.build_article(raw))
    verdicts = []
    for item, result in zip(gold, pipeline.process(articles), strict=True):
        usable = result if isinstance(result, ArticleResult) else None
        verdicts.append(score_article(item, usable))
        if progress:
            progress(1)
    return summarize(verdicts), verdicts


def score_article(gold: GoldArticle, result: ArticleResult | None) -> ArticleVerdict:
    text = result.article.text if result else gold.text
    to_gold = offset_map(text, gold.text)
    records: list[RecordVerdict] = []
    matched: dict[int, Event] = {}  # gold index -> first output record matched to it
    scored = [e for e in (result.events if result else []) if not e.negated and not e.hypothetical]
    for event in scored:
        start, end = to_gold(event.evidence.start), to_gold(event.evidence.end)
        kind = LEGACY_TYPES.get(event.event, event.event)
        candidates = []
        for index, gold_event in enumerate(gold.events):
            if LEGACY_TYPES.get(gold_event["event"], gold_event["event"]) != kind:
                continue
            overlap = max(
                (
                    min(end, m_end) - max(start, m_start)
                    for m_start, m_end in gold_event["mentions"]
                ),
                default=0,
            )
            if overlap > 0:
                candidates.append((index, overlap))
        if not candidates:
            records.append(RecordVerdict(event, "wrong"))
            continue
        fresh = [c for c in candidates if c[0] not in matched]
        if not fresh:
            records.append(RecordVerdict(event, "duplicate", gold.events[candidates[0][0]]["n"]))
            continue
        index = max(fresh, key=lambda c: (c[1], -c[0]))[0]
        matched[index] = event
        records.append(RecordVerdict(event, "matched", gold.events[index].get("n")))
    keys = []
    for index, gold_event in enumerate(gold.events):
        if not gold_event.get("key"):
            continue
        event = matched.get(index)
        verdict = KeyVerdict(gold_event, event)
        if event is not None:
            verdict.fields = field_verdicts(gold_event, event, gold.published)
        keys.append(verdict)
    missed = [g for i, g in enumerate(gold.events) if i not in matched]
    return ArticleVerdict(gold, records, keys, missed, text)


def field_verdicts(
    gold: dict[str, Any], event: Event, published: str | None
) -> dict[str, bool | None]:
    """Each field right (True), wrong (False) or not scored (None: the gold gives no value)."""
    actor = participants_right(gold.get("actor") or [], event.actor)
    recipient = participants_right(gold.get("recipient") or [], event.recipient)
    place = place_right(gold["place"], event) if gold.get("place") else None
    date = date_right(gold["date"], event) if gold.get("date") else None
    tolls = {name: gold.get(name) for name in TOLL_FIELDS if gold.get(name) is not None}
    toll = toll_right(tolls, event) if tolls else None
    return {
        "actor": actor,
        "recipient": recipient,
        "triple": actor and recipient,
        "place": place,
        "date": date,
        "toll": toll,
    }


def participants_right(gold: list[dict[str, Any]], output: list[Actor]) -> bool:
    if not gold:
        return not output
    for wanted in gold:
        code, sector = wanted.get("code"), wanted.get("sector")
        text = (wanted.get("text") or "").lower()
        for actor in output:
            if (code or sector) and actor.code == code and actor.sector == sector:
                return True
            found = actor.text.lower()
            if text and found and (text in found or found in text):
                return True
    return False


def place_right(gold: dict[str, Any], event: Event) -> bool:
    place = event.event_loc
    if place is None:
        return False
    if (
        gold.get("precision") == "country"
        and place.country
        and place.country == gold.get("country")
    ):
        return True
    if place.lat is None or place.lon is None or gold.get("lat") is None:
        return False
    return distance_km(place.lat, place.lon, gold["lat"], gold["lon"]) <= PLACE_KM


def date_right(gold: str, event: Event) -> bool:
    if event.date is None:
        return False
    level = {10: 3, 7: 2, 4: 1}.get(len(gold))
    if level is None:
        return False
    if OUTPUT_DATE_LEVEL.get(event.date_precision or "day", 3) < level:
        return False
    return event.date.isoformat()[: len(gold)] == gold


def toll_right(gold: dict[str, int], event: Event) -> bool:
    size = event.size
    if size is None:
        return False
    return all(getattr(size, name) == value for name, value in gold.items())


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def offset_map(text: str, gold_text: str) -> Callable[[int], int]:
    """Map an offset in the coded article text onto the gold text (they differ only where
    reading normalised whitespace or Unicode)."""
    if text == gold_text:
        return lambda offset: offset
    matcher = difflib.SequenceMatcher(None, text, gold_text, autojunk=False)
    blocks = matcher.get_matching_blocks()

    def mapped(offset: int) -> int:
        for a, b, size in blocks:
            if a <= offset <= a + size:
                return b + (offset - a)
            if offset < a:
                return b
        return len(gold_text)

    return mapped


def _share(right: int, total: int) -> float | None:
    return round(right / total, 4) if total else None


def summarize(verdicts: list[ArticleVerdict]) -> dict[str, Any]:
    records = [r for v in verdicts for r in v.records]
    keys = [k for v in verdicts for k in v.keys]
    matched_keys = [k for k in keys if k.event is not None]
    gold_events = sum(len(v.gold.events) for v in verdicts)

    def over_all(name: str) -> float | None:
        return _share(sum(1 for k in matched_keys if k.fields[name]), len(keys))

    def over_valued(name: str) -> float | None:
        valued = [k for k in matched_keys if k.fields[name] is not None]
        return _share(sum(1 for k in valued if k.fields[name]), len(valued))

    all_fields = sum(
        1
        for k in matched_keys
        if k.fields["actor"]
        and k.fields["recipient"]
        and all(k.fields[name] is not False for name in ("place", "date", "toll"))
    )
    matched = sum(1 for r in records if r.status == "matched")
    return {
        "articles": len(verdicts),
        "records": len(records),
        "gold_events": gold_events,
        "key_events": len(keys),
        "precision": _share(matched, len(records)),
        "duplicate_share": _share(sum(1 for r in records if r.status == "duplicate"), len(records)),
        "records_per_article": round(len(records) / len(verdicts), 2) if verdicts else None,
        "gold_events_per_article": round(gold_events / len(verdicts), 2) if verdicts else None,
        "recall": _share(matched, gold_events),
        "key_recall": _share(len(matched_keys), len(keys)),
        "key_actor": over_all("actor"),
        "key_recipient": over_all("recipient"),
        "key_triple": over_all("triple"),
        "key_place": over_valued("place"),
        "key_date": over_valued("date"),
        "key_toll": over_valued("toll"),
        "all_fields": _share(all_fields, len(keys)),
    }


def describe_event(event: Event) -> str:
    actor = ", ".join(a.text for a in event.actor) or "-"
    recipient = ", ".join(a.text for a in event.recipient) or "-"
    place = event.event_loc.name if event.event_loc else "-"
    when = f"{event.date} ({event.date_precision})" if event.date else "-"
    toll = ""
    if event.size is not None:
        figures = [f"{n}={getattr(event.size, n)}" for n in TOLL_FIELDS if getattr(event.size, n)]
        toll = " " + " ".join(figures) if figures else ""
    return f"{event.event}: {actor} -> {recipient} @ {place} {when}{toll}"


def describe_gold(gold: dict[str, Any]) -> str:
    actor = ", ".join(p.get("text") or "?" for p in gold.get("actor") or []) or "-"
    recipient = ", ".join(p.get("text") or "?" for p in gold.get("recipient") or []) or "-"
    place = (gold.get("place") or {}).get("text") or "-"
    toll = " ".join(f"{n}={gold[n]}" for n in TOLL_FIELDS if gold.get(n) is not None)
    flags = ("key " if gold.get("key") else "") + ("background" if gold.get("background") else "")
    return (
        f"#{gold.get('n')} {gold['event']}: {actor} -> {recipient} @ {place} "
        f"{gold.get('date') or '-'} {toll} [{flags.strip()}]"
    ).replace("  ", " ")


def detail_lines(verdicts: list[ArticleVerdict]) -> list[str]:
    """Every wrong, duplicate and missed record with its sentence, and every key event's
    wrong fields: the errors to read by class."""
    lines: list[str] = []
    for verdict in verdicts:
        gold_text = verdict.gold.text
        lines.append(f"== {verdict.gold.id} ({verdict.gold.published})")
        for record in verdict.records:
            if record.status == "matched":
                continue
            evidence = record.event.evidence
            tag = "WRONG" if record.status == "wrong" else f"DUPLICATE of #{record.gold_n}"
            lines.append(f"  {tag} {describe_event(record.event)}")
            lines.append(f"      | {evidence.text.strip()[:300]}")
        for gold in verdict.missed:
            start, end = gold["mentions"][0] if gold["mentions"] else (0, 0)
            lines.append(f"  MISSED {describe_gold(gold)}")
            lines.append(f"      | {gold_text[start:end].strip()[:300]}")
        for key in verdict.keys:
            if key.event is None:
                continue
            wrong = [name for name, ok in key.fields.items() if ok is False and name != "triple"]
            if wrong:
                lines.append(f"  KEY FIELDS WRONG ({', '.join(wrong)}) {describe_gold(key.gold)}")
                lines.append(f"      got {describe_event(key.event)}")
    return lines
