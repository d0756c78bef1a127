"""/api/map and /api/facets: what the dashboard's map and filters need, aggregated here so
that the browser gets every located event however large the store."""

from __future__ import annotations

from fastapi import APIRouter

from flashpoint.acled import acled_sub_event_types
from flashpoint.api.deps import FilterDep, StoreDep, full_text_errors
from flashpoint.api.schemas import Admin1Count, CountryCount, Facets, MapPlace, MapPlaces
from flashpoint.export import acled_type_names, countries
from flashpoint.resources import load_yaml

router = APIRouter(prefix="/api", tags=["map"])


@router.get("/map", response_model=MapPlaces)
def map_places(store: StoreDep, where: FilterDep) -> MapPlaces:
    """Every filtered event with coordinates, aggregated by place (point and precision).
    Places at precision 1 (country) and 2 (admin1) are the unit's point, not the event's."""
    with full_text_errors(where.text):
        places = [MapPlace(**row) for row in store.map_places(where)]
    return MapPlaces(events=sum(p.events for p in places), places=places)


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
