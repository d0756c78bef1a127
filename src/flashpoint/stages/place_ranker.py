"""The trained toponym ranker: which of a name's gazetteer candidates the article means.

First the hand-written rules score every candidate: population, feature (countries and
capitals first), the article's country context (countries named, and countries of
unambiguous places), then in a second pass the admin1 units and neighbourhoods of the
article's other places ("Riverdale" beside New Jersey towns) and the kind of the list a name
stands in. Then, for every toponym with two or more candidates, each candidate gets a row of
features (how its name matches, its population and kind, the article's countries, its
distance to the article's other places, the "X, Y" frame, the NER label, and the rules'
scores and picks); a logistic regression trained on GeoVirus (CC BY 2.5, see NOTICE.md)
scores the rows and the best candidate wins. `flashpoint train places` rebuilds the model
(`data/place_ranker.json`); at run time it is a dot product in numpy.

    resolve(toponyms, analyzed, load_ranker())   # sets each toponym's place
    ranker = load_ranker()
    index = ranker.best(rows)            # rows: one feature list per candidate
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from flashpoint.errors import DataError
from flashpoint.gazetteer import (
    FEATURES,
    GazetteerEntry,
    contains,
    distance_km,
    main_name,
    place_key,
)
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


# --- the rules' scoring (the ranker's votes) ---------------------------------------------------

FEATURE_BONUS = {
    "continent": 3.0,
    "country": 3.0,
    "region": 2.0,
    "capital": 1.0,
    "admin1": 0.0,
    "admin2": 0.0,
    "city": 0.0,
}
REGION_POPULATION = 1_000_000  # regions carry no population: weigh them as a large town
CONTEXT_SHARE_WEIGHT = 3.0
CONTEXT_PRESENT_BONUS = 1.0
ALTERNATE_NAME_PENALTY = 2.0
TOWN_OVER_PROVINCE = 1.5
# ... for an admin1 unit only when that town is the country's capital or is inside the unit
# and holds this share of its people: "Oslo", "Kassala", not "Delaware" (a town
# in Ohio) or "Montana" (Montana City, 2,700 people).
TOWN_SHARE_OF_PROVINCE = 0.1
ADMIN1_CONTEXT_BONUS = 1.0
ADMIN2_BARE_PENALTY = 1.5
NEARBY_BONUS = 1.0
# A list of this many names, this share of them of one kind, makes its other names that kind.
LIST_MIN = 2
LIST_SHARE = 2 / 3
NEARBY_KM = 150.0
# An alternate name's town this small, in a country the article gives no other sign of, is not
# believed (see ArticleFeatures.stray).
STRAY_POPULATION = 1_000
_TOWN_COMMA = re.compile(r"[A-Z][\w.’'-]*, ?$")


def resolve(
    toponyms: list[Toponym],
    analyzed: AnalyzedArticle,
    ranker: Ranker,
    record: Callable[[Toponym, list[list[float]]], None] | None = None,
) -> None:
    """Pick each toponym's place: the rules score each candidate (population and feature, the
    article's countries, then the admin1 units and neighbourhoods of its other places, then the
    kind of the list it stands in), then the trained ranker decides between the candidates,
    the rules' votes among its features."""
    article = ArticleFeatures(toponyms, analyzed.article.text)
    for toponym in toponyms:
        if toponym.candidates:
            toponym.place = max(toponym.candidates, key=lambda c: article.score(c, toponym))
    first_picks = {id(t): t.place for t in toponyms}
    article.local_units = {
        (t.place.country, t.place.admin1)
        for t in toponyms
        if t.place is not None and _unit_given_by_code(t, article.text)
    }
    places = article.resolved_places()
    for toponym in toponyms:
        if len(toponym.candidates) > 1:
            key = place_key(toponym.text)
            toponym.place = max(
                toponym.candidates,
                key=lambda c: article.score(c, toponym) + article.bonus(c, key, places),
            )
    for run in article.runs:
        article.like_the_list(run)
    places = article.resolved_places()
    chosen: dict[int, GazetteerEntry] = {}
    for toponym in toponyms:
        if len(toponym.candidates) > 1:
            rows = article.rows(toponym, first_picks.get(id(toponym)), places)
            if record is not None:
                record(toponym, rows)
            chosen[id(toponym)] = toponym.candidates[ranker.best(rows)]
    for toponym in toponyms:
        toponym.place = chosen.get(id(toponym), toponym.place)
        if toponym.place is not None and article.stray(toponym.place, toponym):
            toponym.place = None


class ArticleFeatures:
    """What an article's candidates are scored from: its countries (named, and those of
    unambiguous places), its other places, the lists and "X, Y" pairs its names stand in, and
    the admin1 units its towns are given in by code ("HELENA, Mont.": a local article)."""

    def __init__(self, toponyms: list[Toponym], text: str) -> None:
        self.toponyms = toponyms
        self.text = text
        evidence = _country_evidence(toponyms)
        self.context: Counter = sum(evidence.values(), Counter())
        # A name is no evidence for itself ("Virginia" among an Irish county's towns).
        self.others: dict[str, tuple[Counter, float]] = {}
        for key, own in evidence.items():
            rest = self.context - own
            self.others[key] = (rest, sum(rest.values()) or 1.0)
        self.main = max(self.context, key=lambda c: (self.context[c], c)) if self.context else None
        self.local_units: set[tuple[str | None, str | None]] = set()
        self.neighbours: dict[int, tuple[Toponym | None, Toponym | None]] = {}
        self.runs: list[list[Toponym]] = []
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
                    and text[run[-1].end : toponym.start].strip(" ,") in ("", "and", "or")
                ):
                    run.append(toponym)
                    continue
                if len(run) >= LIST_MIN:
                    self.runs.append(run)
                    for member in run:
                        self.lists[id(member)] = run
                run = [toponym] if toponym is not None else []

    def _paired(self, first: Toponym, second: Toponym) -> bool:
        return self.text[first.end : second.start].strip() in (",", "in", ", in")

    def resolved_places(self) -> list[tuple[str, GazetteerEntry]]:
        """The towns and units the article's literal names resolve to now, by name."""
        return [
            (place_key(t.text), t.place)
            for t in self.toponyms
            if t.role == "literal"
            and t.place is not None
            and t.place.feature in ("admin1", "admin2", "capital", "city")
        ]

    def score(self, entry: GazetteerEntry, toponym: Toponym) -> float:
        """Population and feature, less the penalties for unlikely readings, plus the
        article's country context: a bonus if the article names the country at all (this name
        included: the Nigerian Lagos, not the one in Portugal, in a Nigerian article), and one for
        the share of its other names in that country."""
        rest, total = self.others[place_key(toponym.text)]
        key = place_key(toponym.text)
        score = _log_population(entry) + FEATURE_BONUS[entry.feature]
        if _town_named_alike(entry, toponym.candidates):
            # "Baghdad", "Kirkuk": the town, not the province of the same name, all the more
            # when the province is named so only without its kind ("Basra Governorate").
            score -= TOWN_OVER_PROVINCE
            if place_key(entry.name) != key:
                score -= ALTERNATE_NAME_PENALTY
        if entry.feature not in ("country", "continent", "region") and not main_name(entry, key):
            score -= ALTERNATE_NAME_PENALTY  # "Salisbury" is Harare's old name, but rarely meant
        if _bare_district(entry, key):
            score -= ADMIN2_BARE_PENALTY
        if entry.country and self.context[entry.country]:
            score += CONTEXT_PRESENT_BONUS + CONTEXT_SHARE_WEIGHT * rest[entry.country] / total
        return score

    def bonus(
        self, entry: GazetteerEntry, key: str, places: list[tuple[str, GazetteerEntry]]
    ) -> float:
        """A candidate inside an admin1 unit the article names (or an admin1 unit holding a
        town it names), near another of its places, or in a unit a town is given in by code,
        is likelier ("Riverdale" in an article about New Jersey). A national capital is no
        neighbour: news names it for its government."""
        if entry.feature not in ("admin1", "admin2", "capital", "city") or not places:
            return 0.0
        others = [place for other_key, place in places if other_key != key]
        bonus = 0.0
        if _same_admin1(entry, others):
            bonus += ADMIN1_CONTEXT_BONUS
        if entry.feature != "admin1" and any(
            other.feature not in ("admin1", "capital") and _within(other, entry, NEARBY_KM)
            for other in others
        ):
            bonus += NEARBY_BONUS
        if self._local(entry):
            bonus += ADMIN1_CONTEXT_BONUS
        return bonus

    def stray(self, entry: GazetteerEntry, toponym: Toponym) -> bool:
        """A hamlet abroad that bears the name only as an alternate one ("Nasir", a village's
        other name in a country the article never mentions, for the South Sudanese town the
        gazetteer lacks): where the article's other names all point elsewhere, no place is
        better than that one."""
        key = place_key(toponym.text)
        if entry.feature not in ("city", "admin2") or main_name(entry, key):
            return False
        if entry.population >= STRAY_POPULATION or not entry.country:
            return False
        rest, _total = self.others[key]
        return bool(+rest) and not rest[entry.country]

    def _local(self, entry: GazetteerEntry) -> bool:
        unit = (entry.country, entry.admin1)
        return entry.feature in ("city", "admin2") and unit in self.local_units

    def like_the_list(self, run: list[Toponym]) -> None:
        """In a list of countries or of one country's admin1 units, a name that may be either
        is one too: "Ohio, Oregon, Nevada and Wyoming" are states, not towns or the
        capital."""
        for toponym in run:
            if len(toponym.candidates) < 2:
                continue
            kinds = Counter(
                (o.place.feature, o.place.country if o.place.feature == "admin1" else None)
                for o in run
                if o is not toponym and o.place is not None
            )
            if not kinds:
                continue
            (feature, country), count = kinds.most_common(1)[0]
            if feature not in ("country", "admin1") or count < LIST_SHARE * sum(kinds.values()):
                continue
            like = [
                c
                for c in toponym.candidates
                if c.feature == feature and (country is None or c.country == country)
            ]
            if like:
                toponym.place = max(like, key=lambda c: self.score(c, toponym))

    def rows(
        self,
        toponym: Toponym,
        first: GazetteerEntry | None,
        places: list[tuple[str, GazetteerEntry]],
    ) -> list[list[float]]:
        """One feature row per candidate (FEATURE_NAMES); `first` is the rules' first pick,
        `places` the article's places after the rules' passes."""
        candidates = toponym.candidates
        key = place_key(toponym.text)
        pops = [_log_population(c) for c in candidates]
        top_pop = max(pops)
        scores = [self.score(c, toponym) for c in candidates]
        top_score = max(scores)
        rest, total = self.others[key]
        before, after = self.neighbours.get(id(toponym), (None, None))
        others = [place for other_key, place in places if other_key != key]
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
                float(main_name(c, key)),
                math.log(len(candidates)),
                float(named),
                rest.get(c.country, 0.0) / total if c.country else 0.0,
                float(c.country is not None and c.country == self.main),
                float(_same_admin1(c, others)),
                math.log10(1.0 + nearest),
                float(nearest <= 150.0),
                score - top_score,
                float(toponym.place is not None and toponym.place.row == c.row),
                float(first is not None and first.row == c.row),
                float(
                    after is not None
                    and after.place is not None
                    and any(contains(o, c) for o in after.candidates)
                ),
                float(
                    before is not None and before.place is not None and contains(c, before.place)
                ),
                *(float(toponym.label == label) for label in LABELS),
                *(float(toponym.role == role) for role in ROLES),
                float(town and named),
                float(c.feature == "country" and toponym.label == "GPE"),
                float(_town_named_alike(c, candidates)),
                float(_bare_district(c, key)),
                float(self._local(c)),
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
    population = entry.population if entry.feature != "region" else REGION_POPULATION
    return math.log10(population + 10)


def _town_named_alike(entry: GazetteerEntry, candidates: list[GazetteerEntry]) -> bool:
    """A unit with a town of its name among the candidates that is what the name means: any
    town for a district, the capital or a town holding a tenth of its people for a province."""
    return entry.feature in ("admin1", "admin2") and any(
        c.feature in ("city", "capital")
        and c.country == entry.country
        and (
            entry.feature == "admin2"
            or c.feature == "capital"  # "Mexico": the capital, not the state
            or (
                c.admin1 == entry.admin1
                and c.population >= TOWN_SHARE_OF_PROVINCE * entry.population
            )
        )
        for c in candidates
    )


def _bare_district(entry: GazetteerEntry, key: str) -> bool:
    """A district named without its kind ("Cambridge", not "Cambridge County")."""
    return entry.feature == "admin2" and place_key(entry.name) == key


def _same_admin1(entry: GazetteerEntry, others: list[GazetteerEntry]) -> bool:
    """Another place of the article is in this candidate's admin1 unit, or is that unit."""
    return entry.admin1 is not None and any(
        o.country == entry.country
        and o.admin1 == entry.admin1
        and (o.feature == "admin1") != (entry.feature == "admin1")
        for o in others
    )


def _within(a: GazetteerEntry, b: GazetteerEntry, km: float) -> bool:
    return abs(a.lat - b.lat) <= km / 111 and distance_km(a.lat, a.lon, b.lat, b.lon) <= km


def _unit_given_by_code(toponym: Toponym, text: str) -> bool:
    """An admin1 unit a town is given in by its abbreviation: "CAMP MURRAY, Wash.", "HELENA,
    Mont.": the article is local to it."""
    unit = toponym.place
    return (
        toponym.role == "literal"
        and unit is not None
        and unit.feature == "admin1"
        and place_key(toponym.text) != place_key(unit.name)
        and _TOWN_COMMA.search(text, max(0, toponym.start - 40), toponym.start) is not None
    )


def _country_evidence(toponyms: list[Toponym]) -> dict[str, Counter]:
    """How strongly each name of the article points at each country (named countries, clear
    places); summed over the names, how strongly the article is about each country."""
    evidence: dict[str, Counter] = defaultdict(Counter)
    for toponym in toponyms:
        context = evidence[place_key(toponym.text)]
        if not toponym.candidates:
            continue
        countries = {c.country for c in toponym.candidates if c.country}
        top = toponym.candidates[0]
        weight = 1.0 if toponym.role == "literal" else 0.5
        if len(countries) == 1:
            context[next(iter(countries))] += weight
        elif top.feature == "country" and not any(
            c.feature == "admin1" for c in toponym.candidates
        ):  # "Georgia" is a country or a US state: no evidence either way
            context[top.country] += weight
        else:
            biggest = max(toponym.candidates, key=lambda c: c.population)
            others = [c.population for c in toponym.candidates if c.row != biggest.row]
            if biggest.country and biggest.population >= 10 * max(others, default=0):
                context[biggest.country] += weight / 2
    return evidence
