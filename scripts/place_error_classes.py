"""Where do the places stage's misses come from? Every gold toponym of a file, in one class.

    python scripts/place_error_classes.py GOLD.jsonl [--show CLASS]
    python scripts/place_error_classes.py --own-articles training/articles

`--own-articles` reads the project's own articles (MIT) instead of a gold file: each coded
town, district, province or country at its free mentions (place_training.own_article_texts),
text the place rules were not written from.

Each gold toponym with coordinates falls in exactly one class:
- right: found and resolved within 161 km of the gold point;
- not recognised, in gazetteer: no found toponym overlaps it, though the gazetteer (names,
  adjectives or abbreviations) has a candidate within 161 km for its text;
- not recognised, not in gazetteer: no found toponym overlaps it and the gazetteer has nothing
  within 161 km for its text;
- span mismatch: a found toponym overlaps it with other text ("British" inside "British
  Embassy") and is wrong or unresolved;
- no place: found with the same text, but no place was chosen;
- no right candidate: found with the same text, resolved, and no candidate lies within 161 km
  (gazetteer coverage, or a point the gold puts elsewhere);
- ranked below: found, a candidate within 161 km exists, another was chosen.
A development aid for reading a development set's errors: it changes nothing. `--show CLASS`
prints that class's toponyms (gold text, what was found, the chosen place).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from flashpoint import place_training as training
from flashpoint.evaluate.places import ACCURACY_KM, GoldToponym, _aligned, haversine_km
from flashpoint.gazetteer import Gazetteer, GazetteerEntry, load_gazetteer, place_key
from flashpoint.pipeline import Pipeline
from flashpoint.stages.places import Toponym, find_places

CLASSES = (
    "right",
    "not recognised, in gazetteer",
    "not recognised, not in gazetteer",
    "span mismatch",
    "no place",
    "no right candidate",
    "ranked below",
)


def near(gold: GoldToponym, entries: list[GazetteerEntry]) -> bool:
    return any(
        haversine_km(gold.lat, gold.lon, e.lat, e.lon) <= ACCURACY_KM  # type: ignore[arg-type]
        for e in entries
    )


def in_gazetteer(gold: GoldToponym, gazetteer: Gazetteer) -> bool:
    entries = [
        *gazetteer.lookup(gold.text),
        *gazetteer.adjective(gold.text),
        *gazetteer.abbreviation(gold.text),
    ]
    return near(gold, entries)


def classify(gold: GoldToponym, toponym: Toponym | None, gazetteer: Gazetteer) -> str:
    if toponym is None:
        if in_gazetteer(gold, gazetteer):
            return "not recognised, in gazetteer"
        return "not recognised, not in gazetteer"
    place = toponym.place
    if place is not None and near(gold, [place]):
        return "right"
    if place_key(toponym.text) != place_key(gold.text):
        return "span mismatch"
    if place is None:
        return "no place"
    if near(gold, toponym.candidates):
        return "ranked below"
    return "no right candidate"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path, nargs="?")
    parser.add_argument("--own-articles", type=Path, help="a folder of the project's articles")
    parser.add_argument("--show", choices=CLASSES, action="append", default=[])
    args = parser.parse_args()
    if args.own_articles is not None:
        source = args.own_articles
        texts = training.own_article_texts(source)
    elif args.gold is not None:
        source = args.gold
        texts = training.read_texts(source)
    else:
        parser.error("give a gold file or --own-articles FOLDER")
    analyzed = training.analyze(texts, source, Pipeline())
    gazetteer = load_gazetteer()
    counts: Counter = Counter()
    for text, article in zip(texts, analyzed, strict=True):
        found = find_places(article, gazetteer)
        located = [g for g in text.toponyms if g.located]
        toponym_of = {id(g): t for g, t in _aligned(located, found) if g is not None}
        for gold in located:
            toponym = toponym_of.get(id(gold))
            kind = classify(gold, toponym, gazetteer)
            counts[kind] += 1
            if kind in args.show:
                got = "-" if toponym is None else f"{toponym.text!r} {toponym.label}"
                place = toponym.place if toponym is not None else None
                where = f"{place.name} ({place.feature}, {place.country})" if place else "-"
                print(f"{kind}\tline {text.line}\t{gold.text!r}\t{got}\t{where}")
    total = sum(counts.values())
    for kind in CLASSES:
        print(f"{kind:34s} {counts[kind]:5d}  {counts[kind] / total:.3f}")
    print(f"{'gold toponyms with coordinates':34s} {total:5d}")


if __name__ == "__main__":
    main()
