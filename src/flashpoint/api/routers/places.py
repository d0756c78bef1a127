"""/api/map and /api/facets: what the dashboard's map and filters need, aggregated here so
that the browser gets every located event however large the store."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Query

from flashpoint.acled import acled_sub_event_types
from flashpoint.api.deps import FilterDep, StoreDep, full_text_errors
from flashpoint.api.schemas import Admin1Count, CountryCount, Facets, MapPlace, MapPlaces
from flashpoint.export import acled_type_names, countries
from flashpoint.resources import load_yaml

router = APIRouter(prefix="/api", tags=["map"])


@router.get("/map", response_model=MapPlaces)
def map_places(
    store: StoreDep,
    where: FilterDep,
    grid: Annotated[
        float | None,
        Query(
            ge=0.01,
            le=90,
            allow_inf_nan=False,
            description="Cell size in degrees: places merged into grid cells (for a map zoomed"
            " out); each cell at the events' mean point, named after its largest place.",
        ),
    ] = None,
) -> MapPlaces:
    """Every filtered event with coordinates, aggregated by place (point and precision), or by
    grid cell with `grid`. Places at precision 1 (country) and 2 (admin1) are the unit's
    point, not the event's."""
    with full_text_errors(where.text):
        rows = store.map_places(where)
    if grid is not None:
        rows = grid_cells(rows, grid)
    places = [MapPlace(**row) for row in rows]
    return MapPlaces(events=sum(p.events for p in places), places=places)


def grid_cells(places: list[dict], size: float) -> list[dict]:
    """Places merged by grid cell of `size` degrees (largest cell first). A cell's point is the
    mean of its places' points weighted by events; its name, country and precision are those
    of its largest place; its ids the first five of its places' (largest places first)."""
    cells: dict[tuple[int, int], dict] = {}
    for place in places:  # largest first: map_places orders them so
        key = (math.floor(place["lat"] / size), math.floor(place["lon"] / size))
        cell = cells.get(key)
        if cell is None:
            cells[key] = {
                **place,
                "quads": dict(place["quads"]),
                "event_ids": list(place["event_ids"]),
                "lat_sum": place["lat"] * place["events"],
                "lon_sum": place["lon"] * place["events"],
            }
            continue
        cell["events"] += place["events"]
        cell["lat_sum"] += place["lat"] * place["events"]
        cell["lon_sum"] += place["lon"] * place["events"]
        for quad, count in place["quads"].items():
            cell["quads"][quad] = cell["quads"].get(quad, 0) + count
        cell["event_ids"] = (cell["event_ids"] + place["event_ids"])[:5]
    out = []
    for cell in cells.values():
        events = max(1, cell["events"])
        cell["lat"] = round(cell.pop("lat_sum") / events, 4)
        cell["lon"] = round(cell.pop("lon_sum") / events, 4)
        out.append(cell)
    out.sort(key=lambda c: (-c["events"], c["lat"], c["lon"]))
    return out


@router.get("/facets", response_model=Facets)
def facets(store: StoreDep, where: FilterDep) -> Facets:
    """The countries of the filtered events' places (with names), and each PLOVER type's modes."""
    names = countries()
    with full_text_errors(where.text):
        rows = store.country_counts(where)
        provinces = [Admin1Count(**row) for row in store.admin1_counts(where)]
    listed = [
        CountryCount(
            code=row["country"],
            name=names[row["country"]].name if row["country"] in names else row["country"],
            events=row["events"],
        )
        for row in rows
    ]
    types = load_yaml("plover.yaml")["types"]
    return Facets(
        countries=listed,
        modes={name: list(spec["modes"]) for name, spec in types.items()},
        admin1=provinces,
        acled_types=list(acled_type_names()),
        acled_sub_event_types=acled_sub_event_types(),
    )
