"""Stage 7, link: event mentions from different articles become one real-world event.

GDELT's best-known flaw is counting one event as often as it is reported. Here every factual
event mention (not negated, hypothetical or future) belongs to exactly one *linked event*
(`Event.link_id`); mentions of the same real-world event share it. The rules, in full, are in
docs/linking.md; in short, a new mention joins an earlier one's linked event when

    same PLOVER type, both dated (day precision, or the publication date unless it is a
    background event), dates at most `window_days` apart, both placed at city precision or
    better from their own clause, sentence or paragraph, in the same country and at most
    `place_km` apart (or the same gazetteer place / name when coordinates are missing),
    and actors compatible: on each side (actor, recipient) the two code sets overlap, or one
    of them is unknown.

The linked event's first mention anchors it: a new mention must also match that one, so a
chain of mentions cannot drift to other days or towns.

A mention without a place or date precise enough is never merged (it keeps a linked event of
its own): merging on missing evidence is how one event becomes many, or many become one.

Linking is incremental and greedy in input order: each mention is compared with the earlier
mentions (never with the merged record), joins the linked event of the best-scoring
compatible one (the earliest on a tie), and linked events are never merged after the fact.
Because a decision depends only on pairs of mentions and their order, the Spark job, which
links each (type, country) group on its own, gets the same links as a local run.

A repost (an article folded by dedup) adds a mention to each linked event of its canonical
article: it raises `num_articles` and `num_sources`, not the confidence. Confidence grows with
independent sources: 1 - prod(1 - c_s) over the sources s that wrote their own report (c_s the
highest confidence among their mentions), capped at `confidence_cap`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from flashpoint.model import Actor, Article, ArticleResult, Event, EventMention, LinkedEvent, Place

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class LinkRules:
    window_days: int = 2  # reports of one event date it at most this many days apart
    place_km: float = 25.0  # ... and place it at most this far apart
    min_place_precision: int = 4  # city (see Place.precision)
    date_precisions: tuple[str, ...] = ("day", "published")
    # Where the place was found: the event's own clause, sentence or paragraph. A place taken
    # from the article as a whole (its lede, its main country) says little about this event.
    place_bases: tuple[str, ...] = ("clause", "sentence", "paragraph")
    confidence_cap: float = 0.99


def is_factual(event: Event) -> bool:
    """Did it happen, as far as the text says? Only these are linked."""
    return not (event.negated or event.hypothetical or event.future)


def is_mergeable(event: Event, rules: LinkRules) -> bool:
    """Precise enough in time and place to be merged with another report."""
    place = event.event_loc
    return (
        is_factual(event)
        and event.date is not None
        and event.date_precision in rules.date_precisions
        # A background event (an earlier strike recalled) is not dated by the publication.
        and not (event.background and event.date_precision == "published")
        and place is not None
        and (place.basis is None or place.basis in rules.place_bases)
        and place.country is not None
        and (place.precision or 0) >= rules.min_place_precision
        and (place.geonameid is not None or place.lat is not None or bool(_place_name(place)))
    )


def link_id_for(event_id: str) -> str:
    """A linked event is named after its first mention."""
    return "l" + event_id.removeprefix("e")


def match_score(new: Event, old: Event, rules: LinkRules) -> float | None:
    """How well `new` matches the earlier mention `old` (higher is better), or None when they
    cannot be the same event. Both must be mergeable."""
    if new.event != old.event:
        return None
    assert new.date is not None and old.date is not None
    assert new.event_loc is not None and old.event_loc is not None
    days = abs((new.date - old.date).days)
    if days > rules.window_days:
        return None
    distance = place_distance(new.event_loc, old.event_loc)
    if distance is None or distance > rules.place_km:
        return None
    overlap = 0
    for mine, theirs in ((new.actor, old.actor), (new.recipient, old.recipient)):
        codes, other = actor_codes(mine), actor_codes(theirs)
        if codes and other:
            if not codes & other:
                return None
            overlap += len(codes & other)
    score = 1.0
    score -= 0.3 * days / (rules.window_days + 1)
    score -= 0.3 * distance / (rules.place_km + 1)
    score += 0.1 * overlap
    if new.mode and new.mode == old.mode:
        score += 0.1
    return round(score, 6)


def place_distance(first: Place, second: Place) -> float | None:
    """Kilometres between two places; 0 for the same gazetteer entry or the same name when
    coordinates are missing; None when they are not comparable (another country, no data)."""
    if first.country != second.country:
        return None
    if first.geonameid is not None and first.geonameid == second.geonameid:
        return 0.0
    if None not in (first.lat, first.lon, second.lat, second.lon):
        return _haversine_km(first.lat, first.lon, second.lat, second.lon)  # type: ignore[arg-type]
    name = _place_name(first)
    return 0.0 if name and name == _place_name(second) else None


def _place_name(place: Place) -> str:
    return " ".join((place.name or place.text or "").lower().split())


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def actor_codes(actors: Iterable[Actor]) -> set[str]:
    return {a.code for a in actors if a.code}


def source_of(article: Article) -> str | None:
    """The outlet: the article's source, else its URL's host."""
    if article.source:
        return article.source.strip().lower()
    if article.url:
        host = urlsplit(article.url).hostname
        return host.removeprefix("www.") if host else None
    return None


def mentions_for(events: Sequence[Event], article: Article, repost: bool) -> list[EventMention]:
    """One mention per linked event the article reports, in order of first mention."""
    by_link: dict[str, list[Event]] = {}
    for event in events:
        if event.link_id:
            by_link.setdefault(event.link_id, []).append(event)
    # model_construct: every field comes from validated records (this runs per article).
    return [
        EventMention.model_construct(
            link_id=link_id,
            article_id=article.id,
            event_id=reported[0].id,
            event_ids=[e.id for e in reported],
            repost=repost,
            source=source_of(article),
            published=article.published,
            cluster_id=article.cluster_id,
            confidence=max(e.confidence for e in reported),
        )
        for link_id, reported in by_link.items()
    ]


class LinkIndex(Protocol):
    """Earlier mentions and linked events: the store, or memory (Spark groups, tests)."""

    def link_candidates(
        self, event_type: str, country: str, first: str, last: str
    ) -> list[Event]: ...

    def article_events(self, article_id: str) -> list[Event]: ...

    def event(self, event_id: str) -> Event | None: ...

    def linked_events_by_id(self, link_ids: Sequence[str]) -> dict[str, LinkedEvent]: ...

    def link_mentions(self, link_ids: Sequence[str]) -> list[EventMention]: ...


@dataclass
class LinkPlan:
    """What linking one article adds: its mentions and the updated linked events."""

    mentions: list[EventMention] = field(default_factory=list)
    linked: list[LinkedEvent] = field(default_factory=list)


class EventLinker:
    def __init__(self, index: LinkIndex, rules: LinkRules | None = None) -> None:
        self.index = index
        self.rules = rules or LinkRules()

    def link(self, result: ArticleResult) -> LinkPlan:
        """Set `link_id` on the article's factual events (or, for a repost, find its
        canonical article's), and say which mentions and linked events to store."""
        article = result.article
        if article.status == "duplicate" and article.duplicate_of:
            canonical_events = self.index.article_events(article.duplicate_of)
            return self._plan(mentions_for(canonical_events, article, repost=True), [])
        this_article: list[Event] = []
        for event in result.events:
            if not is_factual(event):
                event.link_id = None
                continue
            event.link_id = self.choose_link(event, this_article)
            if is_mergeable(event, self.rules):
                this_article.append(event)
        linked = [e for e in result.events if e.link_id]
        return self._plan(mentions_for(linked, article, repost=False), linked)

    def choose_link(self, event: Event, same_article: Sequence[Event] = ()) -> str:
        """The linked event for a factual mention: the best earlier match's, or a new one."""
        if not is_mergeable(event, self.rules):
            return link_id_for(event.id)
        assert event.date is not None and event.event_loc is not None
        window = self.rules.window_days
        first = event.date.fromordinal(event.date.toordinal() - window).isoformat()
        last = event.date.fromordinal(event.date.toordinal() + window).isoformat()
        candidates = self.index.link_candidates(
            event.event, event.event_loc.country or "", first, last
        )
        best_link, best_score = None, -math.inf
        roots: dict[str, Event | None] = {e.id: e for e in same_article}
        for old in [*candidates, *same_article]:
            if not old.link_id or not is_mergeable(old, self.rules):
                continue
            score = match_score(event, old, self.rules)
            if score is None or score <= best_score:
                continue
            # The linked event's first mention anchors it: no drifting, mention by mention,
            # to another day or another town.
            root_id = "e" + old.link_id.removeprefix("l")
            if root_id not in roots:
                roots[root_id] = self.index.event(root_id)
            root = roots[root_id]
            if (
                root is not None
                and root is not old
                and match_score(event, root, self.rules) is None
            ):
                continue
            best_link, best_score = old.link_id, score
        return best_link or link_id_for(event.id)

    def _plan(self, mentions: list[EventMention], events: list[Event]) -> LinkPlan:
        link_ids = sorted({m.link_id for m in mentions})
        if not link_ids:
            return LinkPlan()
        previous = self.index.linked_events_by_id(link_ids)
        stored = self.index.link_mentions(link_ids)
        linked = []
        for link_id in link_ids:
            new_events = [e for e in events if e.link_id == link_id]
            all_mentions = [m for m in stored if m.link_id == link_id]
            all_mentions += [m for m in mentions if m.link_id == link_id]
            linked.append(
                summarize(link_id, previous.get(link_id), new_events, all_mentions, self.rules)
            )
        return LinkPlan(mentions=mentions, linked=linked)


def summarize(
    link_id: str,
    previous: LinkedEvent | None,
    new_events: Sequence[Event],
    mentions: Sequence[EventMention],
    rules: LinkRules,
) -> LinkedEvent:
    """The linked event after `new_events` join it; `mentions` are all of its mentions.

    Type, mode and place are the first mention's; dates span all mentions; actor codes are
    the union. Every aggregate is order-independent apart from that first mention, so the
    record is the same whether mentions arrive one by one or all at once."""
    events = list(new_events)
    if previous is None:
        root = next((e for e in events if link_id_for(e.id) == link_id), events[0])
        record = LinkedEvent(
            id=link_id,
            event=root.event,
            mode=root.mode,
            event_loc=root.event_loc,
            first_article_id=root.article_id,
            root_event_id=root.id,
            confidence=0.0,
        )
    else:
        record = previous.model_copy(deep=True)
    dates = [d for d in (record.date, record.date_last) if d is not None]
    dates += [e.date for e in events if e.date is not None]
    record.date = min(dates) if dates else None
    record.date_last = max(dates) if dates else None
    record.actor_codes = sorted(
        set(record.actor_codes).union(*(actor_codes(e.actor) for e in events))
    )
    record.recipient_codes = sorted(
        set(record.recipient_codes).union(*(actor_codes(e.recipient) for e in events))
    )
    record.num_mentions = sum(len(m.event_ids) or 1 for m in mentions)
    record.num_articles = len({m.article_id for m in mentions})
    record.num_sources = len({_source_key(m) for m in mentions})
    record.num_reports = len({m.cluster_id or m.article_id for m in mentions})
    best: dict[str, float] = {}
    for mention in mentions:
        if not mention.repost:
            key = _source_key(mention)
            best[key] = max(best.get(key, 0.0), mention.confidence)
    doubt = math.prod(1.0 - c for c in best.values())
    record.confidence = round(min(rules.confidence_cap, 1.0 - doubt), 4)
    first = min(
        mentions,
        key=lambda m: (
            m.published is None,
            m.published.isoformat() if m.published else "",
            m.article_id,
        ),
    )
    record.first_article_id = first.article_id
    record.first_reported = first.published
    record.mentions = []
    return record


def _source_key(mention: EventMention) -> str:
    """An unknown outlet counts once per story cluster: never more sources than reports."""
    return mention.source or f"cluster:{mention.cluster_id or mention.article_id}"


class MemoryLinkIndex:
    """A LinkIndex in memory, fed with what was linked so far (Spark groups, tests)."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.by_id: dict[str, Event] = {}
        self.by_article: dict[str, list[Event]] = {}
        self.linked: dict[str, LinkedEvent] = {}
        self.mentions: dict[str, list[EventMention]] = {}

    def add(self, result: ArticleResult, plan: LinkPlan) -> None:
        """Record an article once it is linked (what the store's save does)."""
        self.remember([e for e in result.events if e.link_id])
        self.by_article[result.article.id] = list(result.events)
        for mention in plan.mentions:
            self.mentions.setdefault(mention.link_id, []).append(mention)
        for record in plan.linked:
            self.linked[record.id] = record

    def link_candidates(self, event_type: str, country: str, first: str, last: str) -> list[Event]:
        return [
            e
            for e in self.events
            if e.event == event_type
            and e.event_loc is not None
            and e.event_loc.country == country
            and e.date is not None
            and first <= e.date.isoformat() <= last
        ]

    def article_events(self, article_id: str) -> list[Event]:
        return self.by_article.get(article_id, [])

    def remember(self, events: Sequence[Event]) -> None:
        """Linked events that later mentions may match."""
        self.events.extend(events)
        self.by_id.update((e.id, e) for e in events)

    def event(self, event_id: str) -> Event | None:
        return self.by_id.get(event_id)

    def linked_events_by_id(self, link_ids: Sequence[str]) -> dict[str, LinkedEvent]:
        return {i: self.linked[i] for i in link_ids if i in self.linked}

    def link_mentions(self, link_ids: Sequence[str]) -> list[EventMention]:
        return [m for i in link_ids for m in self.mentions.get(i, [])]


def link_in_order(articles: Iterable[Sequence[Event]], rules: LinkRules | None = None) -> None:
    """Link mergeable events given article by article in input order, exactly as the
    incremental linker would. The Spark job calls it once per (type, country) group: no
    mention can match one outside its group."""
    index = MemoryLinkIndex()
    linker = EventLinker(index, rules)
    for events in articles:
        same_article: list[Event] = []
        for event in events:
            event.link_id = linker.choose_link(event, same_article)
            same_article.append(event)
        index.remember(same_article)
