"""`flashpoint eval-places GOLD.jsonl`: toponym recognition and resolution against gold.

Gold lines: {text, published?, toponyms: [{start, end, text, lat?, lon?, geonameid?,
country?}]} (GeoWebNews, GeoVirus in ../shared/gold). Each text is parsed whole (one body
paragraph per line of text, so offsets are the gold's) and every toponym the places stage
finds is scored, not only event places.

Scores (`--json` prints exactly these keys):
- n: gold records scored;
- toponym_precision / recall / f1: a gold toponym is one with coordinates; a found toponym
  matches a gold one whose span it overlaps (one to one; the pairs sharing the most
  characters are matched first). Found toponyms overlapping a gold
  entry without coordinates (GeoWebNews marks demonyms and non-toponyms) count neither way;
- acc_161km: share of ALL gold toponyms with coordinates that were found and resolved within
  161 km (100 miles) of the gold point: recognition misses count as errors;
- median_error_km: median distance between gold and resolved points over the matched,
  resolved toponyms.
The table also shows the resolution accuracy on the toponyms that were found (the figure
geoparsing papers usually report), which is not one of the `--json` keys.
"""

from __future__ import annotations

import hashlib
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flashpoint.errors import InputError
from flashpoint.evaluate.gold import gold_lines
from flashpoint.gazetteer import distance_km, load_gazetteer
from flashpoint.model import Article, Part
from flashpoint.pipeline import Pipeline
from flashpoint.stages import nlp
from flashpoint.stages.places import Toponym, find_places

ACCURACY_KM = 161.0
# Every toponym counts: literal names, adjectives ("Syrian") and names inside other names
# ("Pakistan Army"), as GeoWebNews annotates them.
ALL_ROLES = frozenset({"literal", "adjective", "embedded"})


@dataclass
class GoldToponym:
    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass
class GoldText:
    line: int
    text: str
    toponyms: list[GoldToponym]


@dataclass
class PlaceTally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    gold_located: int = 0
    within: int = 0
    errors_km: list[float] = field(default_factory=list)
    problems: list[InputError] = field(default_factory=list)


haversine_km = distance_km


def read_gold(path: Path) -> Iterator[GoldText | InputError]:
    for entry in gold_lines(path):
        if isinstance(entry, InputError):
            yield entry
            continue
        number, where, data = entry
        toponyms = []
        try:
            for item in data.get("toponyms") or []:
                lat, lon = item.get("lat"), item.get("lon")
                toponyms.append(
                    GoldToponym(
                        start=int(item["start"]),
                        end=int(item["end"]),
                        text=str(item.get("text") or ""),
                        lat=float(lat) if lat is not None else None,
                        lon=float(lon) if lon is not None else None,
                    )
                )
        except (KeyError, TypeError, ValueError):
            yield InputError(where, "each toponym needs integer 'start' and 'end'")
            continue
        yield GoldText(line=number, text=data["text"], toponyms=toponyms)


def gold_article(record: GoldText, source: str) -> Article:
    """The gold text as one article whose offsets are the gold's: a body part per line."""
    parts, offset = [], 0
    for line in record.text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = offset + line.index(stripped)
            parts.append(Part(kind="body", start=start, end=start + len(stripped)))
        offset += len(line) + 1
    digest = hashlib.sha1(record.text.encode("utf-8")).hexdigest()[:16]
    return Article(
        id=digest,
        source_id=f"{source}:{record.line}",
        text=record.text,
        parts=parts,
        language="en",
        input_name=source,
    )


def evaluate_places(
    path: Path,
    pipeline: Pipeline,
    progress: Callable[[int], None] | None = None,
    roles: frozenset[str] = ALL_ROLES,
) -> tuple[dict, PlaceTally]:
    """Score toponyms of one gold file: the `--json` object and the counts behind it."""
    tally = PlaceTally()
    records = []
    for item in read_gold(path):
        (tally.problems if isinstance(item, InputError) else records).append(item)
    articles = [gold_article(r, str(path)) for r in records]
    gazetteer = load_gazetteer()
    analyzed_all = nlp.analyze(articles, pipeline.nlp, batch_size=pipeline.options.batch_size)
    for record, analyzed in zip(records, analyzed_all, strict=True):
        found = [t for t in find_places(analyzed, gazetteer) if t.role in roles]
        score_text(record, found, tally)
        if progress:
            progress(1)
    return summarize(tally, len(records)), tally


def score_text(record: GoldText, found: list[Toponym], tally: PlaceTally) -> None:
    located = [g for g in record.toponyms if g.located]
    unlocated = [g for g in record.toponyms if not g.located]
    tally.gold_located += len(located)
    aligned = _aligned(located, found)
    for gold, toponym in aligned:
        if gold is None:
            if not any(g.start < toponym.end and toponym.start < g.end for g in unlocated):
                tally.fp += 1
            continue
        tally.tp += 1
        place = toponym.place
        if place is None:
            continue
        error = haversine_km(gold.lat, gold.lon, place.lat, place.lon)  # type: ignore[arg-type]
        tally.errors_km.append(error)
        if error <= ACCURACY_KM:
            tally.within += 1
    tally.fn += len(located) - sum(1 for gold, _ in aligned if gold is not None)


def _aligned(
    located: list[GoldToponym], found: list[Toponym]
) -> list[tuple[GoldToponym | None, Toponym]]:
    """Each found toponym with the gold toponym it stands for, one to one: the pairs that
    share the most characters first, so a gold "British Embassy Tokyo" is scored against the
    site found there, not against "British" inside it (which then counts as a toponym of its
    own)."""
    pairs = sorted(
        (
            (-(min(g.end, t.end) - max(g.start, t.start)), j, i)
            for j, t in enumerate(found)
            for i, g in enumerate(located)
            if g.start < t.end and t.start < g.end
        ),
    )
    gold_of: dict[int, GoldToponym] = {}
    taken: set[int] = set()
    for _, j, i in pairs:
        if j not in gold_of and i not in taken:
            gold_of[j] = located[i]
            taken.add(i)
    return [(gold_of.get(j), t) for j, t in enumerate(found)]


def summarize(tally: PlaceTally, n: int) -> dict:
    precision = tally.tp / (tally.tp + tally.fp) if tally.tp + tally.fp else 0.0
    recall = tally.tp / (tally.tp + tally.fn) if tally.tp + tally.fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "n": n,
        "toponym_precision": round(precision, 4),
        "toponym_recall": round(recall, 4),
        "toponym_f1": round(f1, 4),
        "acc_161km": round(tally.within / tally.gold_located, 4) if tally.gold_located else None,
        "median_error_km": round(statistics.median(tally.errors_km), 1)
        if tally.errors_km
        else None,
    }


def found_accuracy(tally: PlaceTally) -> float | None:
    """Resolution accuracy on the gold toponyms that were found (for the table)."""
    return tally.within / tally.tp if tally.tp else None
