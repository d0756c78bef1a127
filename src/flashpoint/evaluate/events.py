"""`flashpoint eval GOLD.jsonl`: event coding scored against a gold file.

Gold lines: {text, events: [{event, source: [{text?, code?, sector?}], target: [...]}],
no_event?}. Older type names are mapped (DEMAND->REQUEST, DISAPPROVE/INVESTIGATE->ACCUSE,
FIGHT->ASSAULT); a gold YIELD (PLV data set) is found by a CONCEDE or a RETREAT. A gold event
whose type is null (CAMEO codes PLOVER drops) counts as no event.

Each text runs through the whole pipeline as one article. Scores:
- type: a gold type is found when an event of that type comes out of its text; every other
  type that comes out is a false positive. Micro and macro F1 (macro over the gold types);
- triple_f1: a gold event is found when an event of its type has an actor overlapping a gold
  source text and, where gold has targets, a recipient overlapping a gold target text;
  predicted events matching no gold event are false positives;
- negated events (the text says they did not happen) are not counted as predictions;
- actor_code_accuracy: of gold sources and targets that have a code, the share whose
  overlapping predicted actor has that code (no overlapping actor counts as wrong).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flashpoint.errors import InputError
from flashpoint.model import Actor, ArticleResult, Event
from flashpoint.pipeline import Pipeline
from flashpoint.stages import clean
from flashpoint.stages.read import RawDocument

LEGACY_TYPES = {
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "INVESTIGATE": "ACCUSE",
    "FIGHT": "ASSAULT",
}
YIELD_TYPES = {"CONCEDE", "RETREAT"}
# Codes of the CAMEO era that differ from ISO 3166 alpha-3.
LEGACY_CODES = {
    "JAP": "JPN",
    "ROM": "ROU",
    "ZAR": "COD",
    "TMP": "TLS",
    "BUR": "MMR",
    "KSV": "KOS",
    "PAL": "PSE",
    "SER": "SRB",
    "MON": "MNE",
    "GER": "DEU",
    "ANG": "AGO",
}


@dataclass
class GoldParticipant:
    text: str | None
    code: str | None
    start: int | None = None
    end: int | None = None


@dataclass
class GoldEvent:
    event: str
    sources: list[GoldParticipant]
    targets: list[GoldParticipant]


@dataclass
class GoldRecord:
    line: int
    text: str
    events: list[GoldEvent]
    published: str | None = None


@dataclass
class Tally:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    triple_tp: int = 0
    triple_fp: int = 0
    triple_fn: int = 0
    codes_right: int = 0
    codes_total: int = 0


def read_gold(path: Path) -> Iterator[GoldRecord | InputError]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                yield InputError(where, f"invalid JSON ({exc.msg})")
                continue
            if not isinstance(data, dict) or not isinstance(data.get("text"), str):
                yield InputError(where, "a gold line needs a 'text' string")
                continue
            events = []
            if not data.get("no_event"):
                for item in data.get("events") or []:
                    kind = item.get("event")
                    if not kind:
                        continue
                    kind = LEGACY_TYPES.get(kind.upper(), kind.upper())
                    events.append(
                        GoldEvent(
                            event=kind,
                            sources=[
                                _participant(p, data["text"]) for p in item.get("source") or []
                            ],
                            targets=[
                                _participant(p, data["text"]) for p in item.get("target") or []
                            ],
                        )
                    )
            yield GoldRecord(
                line=number,
                text=data["text"],
                events=events,
                published=data.get("published") or data.get("date"),
            )


def _participant(item: dict, text: str) -> GoldParticipant:
    mention = item.get("text") or None
    code = item.get("code") or None
    if code:
        code = LEGACY_CODES.get(code.upper(), code.upper())
    start = end = None
    if mention:
        position = text.find(mention)
        if position < 0:
            position = text.lower().find(mention.lower())
        if position >= 0:
            start, end = position, position + len(mention)
    return GoldParticipant(text=mention, code=code, start=start, end=end)


def evaluate(path: Path, pipeline: Pipeline, progress: Callable[[int], None] | None = None) -> dict:
    """Score the pipeline on one gold file; returns the `--json` object."""
    records = []
    problems = []
    for item in read_gold(path):
        (problems if isinstance(item, InputError) else records).append(item)
    articles = []
    for record in records:
        meta = {"published": record.published} if record.published else {}
        raw = RawDocument(name=f"{path}:{record.line}", text=record.text, meta=meta)
        articles.append(clean.build_article(raw))
    tally = Tally()
    # PLV's YIELD merges CONCEDE and RETREAT: then every CONCEDE or RETREAT is scored as YIELD.
    yield_scheme = any(e.event == "YIELD" for r in records for e in r.events)
    results = pipeline.process(articles)
    for record, result in zip(records, results, strict=True):
        usable = result if isinstance(result, ArticleResult) else None
        _score(record, usable, tally, yield_scheme)
        if progress:
            progress(1)
    return summarize(tally, len(records))


def _score(
    record: GoldRecord, result: ArticleResult | None, tally: Tally, yield_scheme: bool
) -> None:
    # A negated event is a statement that it did not happen: it never counts as that event.
    predicted: list[Event] = [e for e in result.events if not e.negated] if result else []
    offset = _raw_offset(record.text)

    def label(event: Event) -> str:
        if yield_scheme:
            return "YIELD" if event.event in YIELD_TYPES else event.event
        return event.event

    gold_types = {e.event for e in record.events}
    predicted_types = {label(e) for e in predicted}
    for kind in gold_types | predicted_types:
        if kind in gold_types and kind in predicted_types:
            tally.tp[kind] += 1
        elif kind in gold_types:
            tally.fn[kind] += 1
        else:
            tally.fp[kind] += 1

    matched: set[str] = set()
    for gold in record.events:
        candidates = [e for e in predicted if label(e) == gold.event]
        hit = next((e for e in candidates if _triple_match(gold, e, offset)), None)
        if hit is not None:
            tally.triple_tp += 1
            matched.add(hit.id)
        else:
            tally.triple_fn += 1
        for participant, side in [(p, "actor") for p in gold.sources] + [
            (p, "recipient") for p in gold.targets
        ]:
            if not participant.code or participant.start is None:
                continue
            tally.codes_total += 1
            pool = candidates or predicted
            found = _overlapping_actor(pool, participant, offset, side)
            if found is not None and found.code == participant.code:
                tally.codes_right += 1
    tally.triple_fp += sum(1 for e in predicted if e.id not in matched)


def _raw_offset(text: str) -> int:
    """Where the stripped article text starts inside the gold text."""
    return len(text) - len(text.lstrip())


def _overlaps(actor: Actor, participant: GoldParticipant, offset: int) -> bool:
    if participant.start is None:
        return False
    start, end = participant.start - offset, participant.end - offset  # type: ignore[operator]
    return actor.start < end and start < actor.end


def _triple_match(gold: GoldEvent, event: Event, offset: int) -> bool:
    sources = [p for p in gold.sources if p.start is not None]
    if sources and not any(_overlaps(a, p, offset) for a in event.actor for p in sources):
        return False
    if not sources and gold.sources:
        codes = {p.code for p in gold.sources if p.code}
        if codes and not any(a.code in codes for a in event.actor):
            return False
    targets = [p for p in gold.targets if p.start is not None]
    return not targets or any(_overlaps(r, p, offset) for r in event.recipient for p in targets)


def _overlapping_actor(
    events: list[Event], participant: GoldParticipant, offset: int, side: str
) -> Actor | None:
    fallback = None
    for event in events:
        primary = event.actor if side == "actor" else event.recipient
        other = event.recipient if side == "actor" else event.actor
        for actor in primary:
            if _overlaps(actor, participant, offset):
                return actor
        for actor in other:
            if fallback is None and _overlaps(actor, participant, offset):
                fallback = actor
    return fallback


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def summarize(tally: Tally, n: int) -> dict:
    gold_types = sorted(set(tally.tp) | set(tally.fn))
    per_type = {}
    for kind in sorted(set(tally.tp) | set(tally.fn) | set(tally.fp)):
        p, r, f = _f1(tally.tp[kind], tally.fp[kind], tally.fn[kind])
        per_type[kind] = {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "support": tally.tp[kind] + tally.fn[kind],
        }
    _, _, micro = _f1(sum(tally.tp.values()), sum(tally.fp.values()), sum(tally.fn.values()))
    macro = sum(per_type[k]["f1"] for k in gold_types) / len(gold_types) if gold_types else 0.0
    _, _, triple = _f1(tally.triple_tp, tally.triple_fp, tally.triple_fn)
    return {
        "n": n,
        "type_micro_f1": round(micro, 4),
        "type_macro_f1": round(macro, 4),
        "triple_f1": round(triple, 4),
        "actor_code_accuracy": round(tally.codes_right / tally.codes_total, 4)
        if tally.codes_total
        else None,
        "per_type": per_type,
    }
