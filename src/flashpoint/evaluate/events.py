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
- actor_code_accuracy (a predicted UNO or EUR matches a gold IGO: the gold sets predate those
  codes): of gold sources and targets that have a code, the share whose
  overlapping predicted actor has that code (no overlapping actor counts as wrong).
- event_loc_country_accuracy: of gold events with a `location`, the share whose predicted
  event (the triple match, else the first of its type with a place) is placed in the gold
  country (the gold's `country code`, else the country its place name resolves to alone);
  no event or no place counts as wrong;
- event_loc_city_accuracy: the same for gold locations below country level (towns, regions):
  right when the predicted place's span overlaps the gold place name in the text, or names
  the same place;
- dead_accuracy: of gold events with a death count (`dead`), the share for which the
  event coded from the text carries exactly that `size.dead`: the event matching the gold
  triple if there is one, else the first event of the gold type with a death count, else the
  first event of the text with one; no death count counts as wrong.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flashpoint.errors import InputError
from flashpoint.evaluate.gold import gold_lines
from flashpoint.gazetteer import load_gazetteer, place_key
from flashpoint.model import Actor, ArticleResult, Event, Place
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


# Gold sets older than PLOVER's UNO (United Nations) and EUR (European Union) codes write IGO
# for both; a predicted UNO or EUR matches a gold IGO.
OLDER_IGO_CODES = {"UNO", "EUR", "IGO"}


def same_code(predicted: str | None, gold: str | None) -> bool:
    if predicted is None or gold is None:
        return False
    return predicted == gold or (gold == "IGO" and predicted in OLDER_IGO_CODES)


@dataclass
class GoldParticipant:
    text: str | None
    code: str | None
    start: int | None = None
    end: int | None = None


@dataclass
class GoldLocation:
    name: str
    country: str | None  # ISO3
    city: bool  # below country level
    start: int | None = None
    end: int | None = None


@dataclass
class GoldEvent:
    event: str
    sources: list[GoldParticipant]
    targets: list[GoldParticipant]
    location: GoldLocation | None = None
    dead: int | None = None


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
    loc_country_right: int = 0
    loc_country_total: int = 0
    loc_city_right: int = 0
    loc_city_total: int = 0
    dead_right: int = 0
    dead_total: int = 0


def read_gold(path: Path) -> Iterator[GoldRecord | InputError]:
    for entry in gold_lines(path):
        if isinstance(entry, InputError):
            yield entry
            continue
        number, _, data = entry
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
                        sources=[_participant(p, data["text"]) for p in item.get("source") or []],
                        targets=[_participant(p, data["text"]) for p in item.get("target") or []],
                        location=_location(item.get("location"), data["text"]),
                        dead=_count(item.get("dead")),
                    )
                )
        yield GoldRecord(
            line=number,
            text=data["text"],
            events=events,
            published=data.get("published") or data.get("date"),
        )


def _count(value) -> int | None:
    """A gold count ("156", 156); anything else (missing, "dozens") is not scored."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().replace(",", "").isdigit():
        return int(value.strip().replace(",", ""))
    return None


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


def _location(item: object, text: str) -> GoldLocation | None:
    """A gold `location` {name, country code?}, its country and level from the gazetteer."""
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        return None
    gazetteer = load_gazetteer()
    name = item["name"]
    candidates = gazetteer.lookup(name)
    code = item.get("country code")
    country = gazetteer.iso3_of_iso2.get(code.upper()) if isinstance(code, str) else None
    if country is None and candidates:
        countries = [c for c in candidates if c.feature == "country"]
        best = countries[0] if countries else max(candidates, key=lambda c: c.population)
        country = best.country
    city = not any(c.feature in ("country", "continent") for c in candidates)
    position = text.lower().find(name.lower())
    start, end = (position, position + len(name)) if position >= 0 else (None, None)
    return GoldLocation(name=name, country=country, city=city, start=start, end=end)


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
        if gold.dead is not None:
            tally.dead_total += 1
            if _predicted_dead(hit, candidates, predicted) == gold.dead:
                tally.dead_right += 1
        for participant, side in [(p, "actor") for p in gold.sources] + [
            (p, "recipient") for p in gold.targets
        ]:
            if not participant.code or participant.start is None:
                continue
            tally.codes_total += 1
            pool = candidates or predicted
            found = _overlapping_actor(pool, participant, offset, side)
            if found is not None and same_code(found.code, participant.code):
                tally.codes_right += 1
    tally.triple_fp += sum(1 for e in predicted if e.id not in matched)
    for gold in record.events:
        if gold.location is not None:
            _score_location(gold, predicted, label, offset, tally)


def _score_location(
    gold: GoldEvent,
    predicted: list[Event],
    label: Callable[[Event], str],
    offset: int,
    tally: Tally,
) -> None:
    location = gold.location
    assert location is not None
    candidates = [e for e in predicted if label(e) == gold.event]
    event = next((e for e in candidates if _triple_match(gold, e, offset)), None)
    if event is None or event.event_loc is None:
        event = next((e for e in candidates if e.event_loc is not None), event)
    place = event.event_loc if event is not None else None
    if location.country is not None:
        tally.loc_country_total += 1
        if place is not None and place.country == location.country:
            tally.loc_country_right += 1
    if location.city:
        tally.loc_city_total += 1
        if place is not None and _same_place(place, location, offset):
            tally.loc_city_right += 1


def _same_place(place: Place, location: GoldLocation, offset: int) -> bool:
    if place.start is not None and place.end is not None and location.start is not None:
        start, end = location.start - offset, location.end - offset  # type: ignore[operator]
        if place.start < end and start < place.end:
            return True
    return place.name is not None and place_key(place.name) == place_key(location.name)


def _predicted_dead(
    hit: Event | None, candidates: list[Event], predicted: list[Event]
) -> int | None:
    if hit is not None and hit.size is not None and hit.size.dead is not None:
        return hit.size.dead
    for pool in (candidates, predicted):
        for event in pool:
            if event.size is not None and event.size.dead is not None:
                return event.size.dead
    return None


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
        if codes and not any(same_code(a.code, c) for a in event.actor for c in codes):
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
        "event_loc_country_accuracy": round(tally.loc_country_right / tally.loc_country_total, 4)
        if tally.loc_country_total
        else None,
        "event_loc_city_accuracy": round(tally.loc_city_right / tally.loc_city_total, 4)
        if tally.loc_city_total
        else None,
        "dead_accuracy": round(tally.dead_right / tally.dead_total, 4)
        if tally.dead_total
        else None,
        "per_type": per_type,
    }
