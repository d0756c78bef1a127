"""Would a "none" choice help the place ranker? A threshold on its best candidate's probability.

    python scripts/place_threshold_study.py [../shared/gold/places_geowebnews.jsonl]

For every toponym the ranker decides (two or more candidates) and a gold toponym covers, it
takes the best candidate's probability and whether that candidate lies within 161 km of the
gold point: GeoVirus with the model of each cross-validation fold that never saw the text,
and any other gold file with the shipped model. For each threshold it prints how many
toponyms would get no place, how many of those were wrong and how many right. A development
aid: it changes nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from flashpoint import place_training as training
from flashpoint.analysis import AnalyzedArticle
from flashpoint.evaluate.places import ACCURACY_KM, GoldText, _aligned, haversine_km
from flashpoint.gazetteer import load_gazetteer
from flashpoint.pipeline import Pipeline
from flashpoint.stages.place_ranker import Ranker, load_ranker
from flashpoint.stages.places import Toponym, find_places

TRAINING = Path("training/places_geovirus.jsonl")
THRESHOLDS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5)


def decisions(
    texts: list[GoldText], analyzed: list[AnalyzedArticle], ranker_for: Callable[[int], Ranker]
) -> list[tuple[float, bool]]:
    """(best candidate's probability, within 161 km) of every decided toponym with a gold."""
    gazetteer = load_gazetteer()
    out: list[tuple[float, bool]] = []
    for i, (text, article) in enumerate(zip(texts, analyzed, strict=True)):
        ranker = ranker_for(i)
        seen: dict[int, list[list[float]]] = {}

        def record(toponym: Toponym, rows: list[list[float]], into: dict = seen) -> None:
            into[id(toponym)] = rows

        found = find_places(article, gazetteer, ranker, record)
        located = [g for g in text.toponyms if g.located]
        for gold, toponym in _aligned(located, found):
            if gold is None or id(toponym) not in seen or toponym.place is None:
                continue
            probability = 1 / (1 + np.exp(-ranker.scores(seen[id(toponym)]).max()))
            error = haversine_km(gold.lat, gold.lon, toponym.place.lat, toponym.place.lon)  # type: ignore[arg-type]
            out.append((float(probability), error <= ACCURACY_KM))
    return out


def report(name: str, found: list[tuple[float, bool]]) -> None:
    probability = np.array([p for p, _ in found])
    right = np.array([ok for _, ok in found], dtype=bool)
    print(f"{name}: {len(found)} toponyms decided by the ranker, {int(right.sum())} right")
    for threshold in THRESHOLDS:
        drop = probability < threshold
        kept = right[~drop].mean() if (~drop).any() else float("nan")
        print(
            f"  below {threshold:.2f}: {int(drop.sum())} get no place "
            f"({int((drop & ~right).sum())} wrong, {int((drop & right).sum())} right); "
            f"share right among the rest {kept:.4f} (all: {right.mean():.4f})"
        )


def main(argv: list[str]) -> None:
    pipeline = Pipeline()
    texts = training.read_texts(TRAINING)
    analyzed = training.analyze(texts, TRAINING, pipeline)
    data = training.collect(texts, analyzed, load_ranker())
    rows, labels, documents = data.arrays()
    fold_of: dict[int, int] = {}
    models: list[Ranker] = []
    for k, held in enumerate(training.folds(len(texts))):
        train = ~np.isin(documents, held)
        models.append(training.fit(rows[train], labels[train]))
        fold_of.update((i, k) for i in held.tolist())
    report(
        "GeoVirus, 5-fold cross-validated", decisions(texts, analyzed, lambda i: models[fold_of[i]])
    )
    shipped = load_ranker()
    for name in argv:
        path = Path(name)
        other = training.read_texts(path)
        report(
            path.name, decisions(other, training.analyze(other, path, pipeline), lambda i: shipped)
        )


if __name__ == "__main__":
    main(sys.argv[1:])
