"""Blocked linking for the Spark job: the local linker's decisions, in time linear in a group.

The Spark job links each (type, country) group of event mentions in one task, mention by
mention in input order, as `flashpoint ingest` does (stages/link.py). `link_in_order` keeps
every earlier mention of the group in one list and scans it for each new one, then scores
every mention in the date window: a group of n mentions costs n² steps (a thousand mentions
took 0.47 s, eight thousand 53 s).

Here earlier mentions are indexed by blocking keys, so that a new mention is compared only
with those that can match it:

- the day of its date: a match is at most `window_days` apart, so only the days of the window
  are looked at;
- a cell of a 3-D grid over the globe (points on the sphere in km, cells `place_km` wide):
  two places at most `place_km` apart along the surface are closer than that in a straight
  line, so they lie in the same or a neighbouring cell (27 cells in all);
- the gazetteer id, and a bucket of mentions without coordinates: `place_distance` also
  matches two mentions of the same gazetteer place, or of the same place name when a
  coordinate is missing, so those are looked up too.

The candidates found are a superset of the mentions that `match_score` accepts, and are given
in input order, so the linker's choice (the best score, the earliest on a tie) is the same as
with the full list: the links equal a local run's (bench/link_bench.py checks it). With a
steady number of mentions per day and place, each new mention meets a bounded number of
candidates, and a group's time grows linearly with its size.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from flashpoint.model import Event, EventMention, LinkedEvent
from flashpoint.stages.link import EventLinker, LinkRules

EARTH_RADIUS_KM = 6371.0

Cell = tuple[int, int, int]


def grid_cell(lat: float, lon: float, size_km: float) -> Cell:
    """The cell of a point on the sphere in a 3-D grid of cubes `size_km` wide."""
    phi, lam = math.radians(lat), math.radians(lon)
    x = EARTH_RADIUS_KM * math.cos(phi) * math.cos(lam)
    y = EARTH_RADIUS_KM * math.cos(phi) * math.sin(lam)
    z = EARTH_RADIUS_KM * math.sin(phi)
    return (math.floor(x / size_km), math.floor(y / size_km), math.floor(z / size_km))


def _neighbours(cell: Cell) -> Iterable[Cell]:
    x, y, z = cell
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            for dz in (-1, 0, 1):
                yield (x + dx, y + dy, z + dz)


class BlockedLinkIndex:
    """Earlier mentions of one (type, country) group, indexed by day, grid cell, gazetteer id.

    A LinkIndex for `EventLinker` (stages/link.py). The linker asks for candidates by type,
    country and date window only; `current` (set before each call) is the mention being
    linked, whose place narrows the candidates to its neighbourhood."""

    def __init__(self, rules: LinkRules) -> None:
        self.rules = rules
        # The grid is a little wider than place_km so that rounding never drops a neighbour.
        self.cell_km = max(rules.place_km, 1e-3) * 1.001
        self.sequence = 0
        self.order: dict[str, int] = {}  # event id -> input order
        self.by_id: dict[str, Event] = {}
        self.by_day: dict[int, list[Event]] = {}  # every mention (for a placeless query)
        self.by_cell: dict[tuple[int, Cell], list[Event]] = {}
        self.by_geonameid: dict[tuple[int, int], list[Event]] = {}
        self.unplaced: dict[int, list[Event]] = {}  # dated mentions without coordinates
        self.current: Event | None = None

    def remember(self, events: Sequence[Event]) -> None:
        for event in events:
            if event.id in self.order:
                continue
            self.order[event.id] = self.sequence
            self.sequence += 1
            self.by_id[event.id] = event
            if event.date is None:
                continue
            day = event.date.toordinal()
            self.by_day.setdefault(day, []).append(event)
            place = event.event_loc
            if place is not None and place.lat is not None and place.lon is not None:
                cell = grid_cell(place.lat, place.lon, self.cell_km)
                self.by_cell.setdefault((day, cell), []).append(event)
            else:
                self.unplaced.setdefault(day, []).append(event)
            if place is not None and place.geonameid is not None:
                self.by_geonameid.setdefault((day, place.geonameid), []).append(event)

    def link_candidates(self, event_type: str, country: str, first: str, last: str) -> list[Event]:
        import datetime as dt

        start = dt.date.fromisoformat(first).toordinal()
        end = dt.date.fromisoformat(last).toordinal()
        days = range(start, end + 1)
        current = self.current
        place = current.event_loc if current is not None else None
        found: dict[str, Event] = {}
        if place is None or place.lat is None or place.lon is None:
            # No coordinates: any mention of the window may share the place's name.
            for day in days:
                for event in self.by_day.get(day, ()):
                    found[event.id] = event
        else:
            cells = list(_neighbours(grid_cell(place.lat, place.lon, self.cell_km)))
            for day in days:
                for cell in cells:
                    for event in self.by_cell.get((day, cell), ()):
                        found[event.id] = event
                for event in self.unplaced.get(day, ()):
                    found[event.id] = event
                if place.geonameid is not None:
                    for event in self.by_geonameid.get((day, place.geonameid), ()):
                        found[event.id] = event
        candidates = [
            e
            for e in found.values()
            if e.event == event_type
            and e.event_loc is not None
            and e.event_loc.country == country
            and e.link_id is not None
        ]
        candidates.sort(key=lambda e: self.order[e.id])
        return candidates

    def article_events(self, article_id: str) -> list[Event]:
        return []  # reposts are linked through their canonical article elsewhere

    def event(self, event_id: str) -> Event | None:
        return self.by_id.get(event_id)

    def linked_events_by_id(self, link_ids: Sequence[str]) -> dict[str, LinkedEvent]:
        return {}

    def link_mentions(self, link_ids: Sequence[str]) -> list[EventMention]:
        return []


def link_blocked(articles: Iterable[Sequence[Event]], rules: LinkRules | None = None) -> None:
    """Link mergeable events given article by article in input order: what
    `stages.link.link_in_order` does, with the candidates found through BlockedLinkIndex."""
    rules = rules or LinkRules()
    index = BlockedLinkIndex(rules)
    linker = EventLinker(index, rules)
    for events in articles:
        same_article: list[Event] = []
        for event in events:
            index.current = event
            event.link_id = linker.choose_link(event, same_article)
            same_article.append(event)
        index.current = None
        index.remember(same_article)
