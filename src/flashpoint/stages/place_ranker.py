"""The trained toponym ranker: which of a name's gazetteer candidates the article means.

For every toponym with two or more candidates, each candidate gets a row of features (how its
name matches, its population and kind, the article's countries, its distance to the article's
other places, the "X, Y" frame, the NER label, and what the hand-written scoring
in `places.py` makes of it); a logistic regression trained on GeoVirus (CC BY 2.5, see
NOTICE.md) scores the rows and the best candidate wins. `flashpoint train places` rebuilds the
model (`data/place_ranker.json`); at run time it is a dot product in numpy.

    ranker = load_ranker()
    index = ranker.best(rows)            # rows: one feature list per candidate
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from flashpoint.errors import DataError
from flashpoint.gazetteer import FEATURES, GazetteerEntry, distance_km, place_key
from flashpoint.resources import data_path

if TYPE_CHECKING:
    from flashpoint.analysis import AnalyzedArticle
    from flashpoint.stages.places import Toponym

MODEL_FILE = "place_ranker.json"
LABELS = ("GPE", "LOC", "FAC", "ORG", "PERSON", "NORP", "GAZ", "EMBEDDED")
ROLES = ("literal", "adjective", "embedded")
# Distances are read on a log scale and capped: beyond this, "far" is all that matters.
FAR_KM = 5000.0

FEATURE_NAMES: tuple[str, ...] = (
    "log_population",
    "population_gap",
    "most_populous",
    *(f"feature_{f}" for f in FEATURES),
    "name_exact",
    "name_main",
    "log_candidates",
    "country_named",
    "country_share",
    "main_country",
    "same_admin1",
    "log_nearest_km",
    "near_150km",
    "rule_gap",
    "rule_pick",
    "rule_first_pick",
    "pair_inside_next",
    "pair_holds_previous",
    *(f"label_{label}" for label in LABELS),
    *(f"role_{role}" for role in ROLES),
    "town_x_named",
    "country_x_gpe",
    "province_has_town",
    "bare_district",
    "local_unit",
    "list_like",
    "log_population_x_named",
)


@dataclass(frozen=True)
class Ranker:
    """A linear model over standardised features (see `flashpoint train places`)."""

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def scores(self, rows: Sequence[Sequence[float]]) -> np.ndarray:
        x = (np.asarray(rows, dtype=np.float64) - self.mean) / self.scale
        return x @ self.coef + self.intercept

    def best(self, rows: Sequence[Sequence[float]]) -> int:
        """The index of the best-scored row (the first on a tie)."""
        return int(np.argmax(self.scores(rows)))

    @classmethod
    def rules(cls) -> Ranker:
        """The hand-written scoring alone: picks what the rules pick (a baseline, and the
        ranker in place while training rows are collected)."""
        n = len(FEATURE_NAMES)
        coef = np.zeros(n)
        coef[FEATURE_NAMES.index("rule_pick")] = 1.0
        return cls(FEATURE_NAMES, np.zeros(n), np.ones(n), coef, 0.0)

    def to_json(self) -> dict:
        return {
            "model": "logistic regression over standardised candidate features",
            "features": list(self.names),
            "mean": [round(float(v), 8) for v in self.mean],
            "scale": [round(float(v), 8) for v in self.scale],
            "coef": [round(float(v), 8) for v in self.coef],
            "intercept": round(float(self.intercept), 8),
        }

    @classmethod
    def from_json(cls, data: dict, source: str) -> Ranker:
        try:
            names = tuple(str(n) for n in data["features"])
            arrays = [np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "coef")]
            intercept = float(data["intercept"])
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(f"{source}: not a place ranker model ({exc})") from exc
        if names != FEATURE_NAMES or any(len(a) != len(names) for a in arrays):
            raise DataError(f"{source}: model features differ from this version's; retrain it")
        return cls(names, arrays[0], arrays[1], arrays[2], intercept)


@cache
def load_ranker(path: Path | None = None) -> Ranker:
    source = path or data_path(MODEL_FILE)
    try:
        data = json.loads(Path(source).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{source}: cannot read the place ranker ({exc})") from exc
    return Ranker.from_json(data, str(source))


class ArticleFeatures:
    """What the features of one article's candidates are computed from: the article's
    countries, its places after the rules' passes, and the rules' scores."""

    def __init__(
        self,
        toponyms: list[Toponym],
        analyzed: AnalyzedArticle,
        score: Callable[[GazetteerEntry, Toponym], float],
        first_picks: dict[int, GazetteerEntry | None],
        context: dict[str, float],
        rest: Callable[[Toponym], tuple[dict[str, float], float]],
        contains: Callable[[GazetteerEntry, GazetteerEntry], bool],
        main_name: Callable[[GazetteerEntry, str], bool],
        local_units: set[tuple[str | None, str | None]],
    ) -> None:
        self.toponyms = toponyms
        self.text = analyzed.article.text
        self.score = score
        self.first_picks = first_picks
        self.context = context
        self.rest = rest
        self.contains = contains
        self.main_name = main_name
        self.local_units = local_units
        self.main = max(context, key=lambda c: (context[c], c)) if context else None
        self.places = [
            (place_key(t.text), t.place)
            for t in toponyms
            if t.role == "literal"
            and t.place is not None
            and t.place.feature in ("admin1", "admin2", "capital", "city")
        ]
        self.neighbours: dict[int, tuple[Toponym | None, Toponym | None]] = {}
        self.lists: dict[int, list[Toponym]] = {}
        by_segment: dict[int, list[Toponym]] = {}
        for toponym in toponyms:
            by_segment.setdefault(toponym.segment, []).append(toponym)
        for group in by_segment.values():
            group.sort(key=lambda t: t.start)
            for i, toponym in enumerate(group):
                before = group[i - 1] if i > 0 and self._paired(group[i - 1], toponym) else None
                after = (
                    group[i + 1]
                    if i + 1 < len(group) and self._paired(toponym, group[i + 1])
                    else None
                )
                self.neighbours[id(toponym)] = (before, after)
            run: list[Toponym] = []
            for toponym in [*(t for t in group if t.role == "literal"), None]:
                if (
                    toponym is not None
                    and run
                    and self.text[run[-1].end : toponym.start].strip(" ,") in ("", "and", "or")
                ):
                    run.append(toponym)
                    continue
                if len(run) >= 2:
                    for member in run:
                        self.lists[id(member)] = run
                run = [toponym] if toponym is not None else []

    def _paired(self, first: Toponym, second: Toponym) -> bool:
        return self.text[first.end : second.start].strip() in (",", "in", ", in")

    def rows(self, toponym: Toponym) -> list[list[float]]:
        candidates = toponym.candidates
        key = place_key(toponym.text)
        pops = [_log_population(c) for c in candidates]
        top_pop = max(pops)
        scores = [self.score(c, toponym) for c in candidates]
        top_score = max(scores)
        rest, total = self.rest(toponym)
        first = self.first_picks.get(id(toponym))
        before, after = self.neighbours.get(id(toponym), (None, None))
        others = [place for other_key, place in self.places if other_key != key]
        mates = [
            o.place
            for o in self.lists.get(id(toponym), [])
            if o is not toponym and o.place is not None
        ]
        rows = []
        for c, pop, score in zip(candidates, pops, scores, strict=True):
            nearest = min(
                (distance_km(c.lat, c.lon, o.lat, o.lon) for o in others if o.row != c.row),
                default=FAR_KM,
            )
            nearest = min(nearest, FAR_KM)
            named = bool(c.country and self.context.get(c.country))
            town = c.feature in ("city", "capital")
            row = [
                pop,
                pop - top_pop,
                float(pop == top_pop),
                *(float(c.feature == f) for f in FEATURES),
                float(place_key(c.name) == key),
                float(self.main_name(c, key)),
                math.log(len(candidates)),
                float(named),
                rest.get(c.country, 0.0) / total if c.country else 0.0,
                float(c.country is not None and c.country == self.main),
                float(
                    c.admin1 is not None
                    and any(
                        o.country == c.country
                        and o.admin1 == c.admin1
                        and (o.feature == "admin1") != (c.feature == "admin1")
                        for o in others
                    )
                ),
                math.log10(1.0 + nearest),
                float(nearest <= 150.0),
                score - top_score,
                float(toponym.place is not None and toponym.place.row == c.row),
                float(first is not None and first.row == c.row),
                float(
                    after is not None
                    and after.place is not None
                    and any(self.contains(o, c) for o in after.candidates)
                ),
                float(
                    before is not None
                    and before.place is not None
                    and self.contains(c, before.place)
                ),
                *(float(toponym.label == label) for label in LABELS),
                *(float(toponym.role == role) for role in ROLES),
                float(town and named),
                float(c.feature == "country" and toponym.label == "GPE"),
                float(
                    c.feature in ("admin1", "admin2")
                    and any(
                        o.feature in ("city", "capital")
                        and o.country == c.country
                        and (
                            c.feature == "admin2"
                            or o.feature == "capital"
                            or (o.admin1 == c.admin1 and o.population >= 0.1 * c.population)
                        )
                        for o in candidates
                    )
                ),
                float(c.feature == "admin2" and place_key(c.name) == key),
                float(
                    c.feature in ("city", "admin2") and (c.country, c.admin1) in self.local_units
                ),
                (
                    sum(
                        m.feature == c.feature and (c.feature != "admin1" or m.country == c.country)
                        for m in mates
                    )
                    / len(mates)
                    if mates
                    else 0.0
                ),
                pop * float(named),
            ]
            rows.append(row)
        return rows


def _log_population(entry: GazetteerEntry) -> float:
    population = entry.population if entry.feature != "region" else 1_000_000
    return math.log10(population + 10)
