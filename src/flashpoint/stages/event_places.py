"""Stage 5d, event places: where each event happened, from the article's toponyms.

    locate_events(analyzed)                 # sets event.event_loc

The toponyms come from `places.find_places` (recognition and resolution); this module only
chooses among them, by the events' clauses and the uses of each name.

An event's place comes from its own clause, then its sentence, then its paragraph, then
(material events only) the place other mentions of the same kind of event in the article got
or the lede's place, then the article's main country; `basis` says which. A toponym used as
an actor is never a place: subjects ("Oslo said"), possessives ("Norway's army") and
modifiers of actor nouns ("the Baghdad government"), stances ("anti-Syria"), the event's own
actor, and toponyms after "between", "with", "against" (FORMATS.md §3.3). Verbal events
(PLOVER quads 1 and 3) get a place only from their own clause: a statement is not placed at
the speaker's capital.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

from spacy.tokens import Token

from flashpoint.analysis import AnalyzedArticle, Segment
from flashpoint.gazetteer import Gazetteer, contains, load_gazetteer
from flashpoint.model import Event, Place
from flashpoint.resources import load_yaml
from flashpoint.stages.places import Toponym, find_places, water_words, wordlist
from flashpoint.syntax import subjects_participle

VERBAL_QUADS = {1, 3}
CLAUSE_DEPS = {"ccomp", "xcomp", "advcl", "relcl", "acl", "conj", "parataxis", "csubj"}


def locate_events(analyzed: AnalyzedArticle) -> None:
    """Set `event_loc` for every event the text places (see the module docstring)."""
    if not analyzed.events:
        return
    gazetteer = load_gazetteer()
    toponyms = find_places(analyzed, gazetteer)
    segments = {s.index: s for s in analyzed.segments}
    usable: list[tuple[Toponym, str]] = []
    for toponym in toponyms:
        place = toponym.place
        if toponym.role != "literal" or place is None:
            continue
        # A sea, strait or gulf (a region wider than any one country, no precision code) is
        # where an incident at sea happened; continents and macro-regions are not places.
        if place.precision is None and not _water(place.name):
            continue
        if toponym.estimated:
            continue
        use = _use(toponym, segments[toponym.segment], gazetteer)
        if use != "actor":
            usable.append((toponym, use))
    main_country = _main_country(toponyms, analyzed)
    pending: list[Event] = []
    for event in analyzed.events:
        place = _own_place(event, analyzed, usable, segments)
        if place is None and _verbal(event):
            place = _speakers_place(event, analyzed, usable)
        if place is not None and not _verbal(event):
            place = _finer_place(event, place, analyzed, usable)
        if place is not None:
            event.event_loc = place
        elif not _verbal(event) and not (event.hypothetical or event.future or event.negated):
            pending.append(event)
    for event in pending:
        event.event_loc = _place_before(event, analyzed, usable) or _article_place(
            event, analyzed, usable, main_country
        )


@cache
def _water_names() -> tuple[frozenset[str], frozenset[str]]:
    """(words that make a name a body of water, whole names of one): places.yaml."""
    names = load_yaml("places.yaml")["water_names"]
    return water_words(), frozenset(str(n) for n in names)


def _water(name: str | None) -> bool:
    water_words, water_names = _water_names()
    words = (name or "").lower().replace("-", " ").split()
    return any(word in water_words for word in words) or (name or "") in water_names


def _names_whole(toponym: Toponym, participants: list) -> bool:
    """The participant is the place itself, give or take an article ("the Sudan")."""
    return any(
        p.text.lower().removeprefix("the ").strip() == toponym.text.lower() for p in participants
    )


def _finer_place(
    event: Event, place: Place, analyzed: AnalyzedArticle, usable: list[tuple[Toponym, str]]
) -> Place:
    """The most precise place the event's own sentence gives, within the place found: a
    target named as a place ("shelled the Russian province of Belgorod"), or a town or province
    of the country found ("encircled Goma in eastern Congo", "an incursion into the enclave
    in Azerbaijan known as Karabakh"). News names the country to situate the town, not
    instead of it."""
    sentence = event.evidence
    inside = [
        t
        for t, _use in usable
        if sentence.start <= t.start < sentence.end
        and t.place is not None
        and not any(t.start < a.end and a.start < t.end for a in event.actor)
    ]
    # a place named inside a target ("shelled the province of Belgorod"), but not a country
    # that only says whose the target is ("US service members"), as in _own_place
    targets = [
        t
        for t in inside
        if any(r.start <= t.start and t.end <= r.end for r in event.recipient)
        and not (t.place.precision == 1 and not _names_whole(t, event.recipient))  # type: ignore[union-attr]
    ]
    if targets:
        best = max(targets, key=lambda t: t.place.precision or 0)  # type: ignore[union-attr]
        if (best.place.precision or 0) >= (place.precision or 0):  # type: ignore[union-attr]
            return best.to_place("clause")
    if (place.precision or 0) != 1 or place.basis not in ("clause", "sentence"):
        return place
    finer = [
        t
        for t in inside
        if t.place.country == place.country and (t.place.precision or 0) >= 2  # type: ignore[union-attr]
    ]
    if not finer:
        return place
    anchor = (event.trigger or event.evidence).start
    best = min(finer, key=lambda t: abs(t.start - anchor))
    return best.to_place(place.basis)


def _verbal(event: Event) -> bool:
    return event.quad_code in VERBAL_QUADS


def _own_place(
    event: Event,
    analyzed: AnalyzedArticle,
    usable: list[tuple[Toponym, str]],
    segments: dict[int, Segment],
) -> Place | None:
    anchor = event.trigger or event.evidence
    segment = next(
        (s for s in analyzed.segments if s.start <= anchor.start < s.end),
        None,
    )
    if segment is None:
        return None
    trigger = segment.doc.char_span(
        anchor.start - segment.start, anchor.end - segment.start, alignment_mode="expand"
    )
    if trigger is None or len(trigger) == 0:
        return None
    head = trigger.root
    verbal = _verbal(event)
    excluded = [(a.start, a.end) for a in event.actor]
    if verbal:
        excluded += [(r.start, r.end) for r in event.recipient]
    # A country inside a participant's words is its nationality ("two US soldiers were killed"),
    # not where it happened, unless it is the participant itself ("attacked Syria").
    nationalities = [(r.start, r.end) for r in event.recipient if not verbal]
    here = [
        (t, use)
        for t, use in usable
        if t.segment == segment.index
        and not any(t.start < e and s < t.end for s, e in excluded)
        and not (
            t.place is not None
            and t.place.precision == 1
            and any(
                s <= t.start and t.end <= e and (t.start, t.end) != (s, e) for s, e in nationalities
            )
            and not _names_whole(t, event.recipient)
        )
    ]
    if event.event in ("ASSAULT", "COERCE"):
        # "a rocket from Syria hit the town": where the attack came from, not where it struck
        here = [(t, use) for t, use in here if not _origin(t, segment)]
    clause = _clause_tokens(head)
    sentence = head.sent
    levels = (
        ("clause", lambda t: all(i in clause for i in range(t.token_start, t.token_end))),
        ("sentence", lambda t: sentence.start <= t.token_start < sentence.end),
        ("paragraph", lambda t: True),
    )
    # Places that say where (or what was hit) first, at every level; other mentions last.
    for strict in (True, False):
        for basis, within in levels:
            found = [(t, use) for t, use in here if within(t)]
            if verbal:
                # A statement's place only when its own clause says where it was made, or
                # the occasion it was made at ("a summit in Nairobi at which X appealed").
                if basis != "clause" or not strict:
                    return _occasion_place(head, here)
                chosen = [t for t, use in found if use == "locative"]
            elif strict:
                chosen = [
                    t for t, use in found if use == "locative" or _target_of(t, head, segment)
                ]
            else:
                chosen = [t for t, use in found if use == "other"]
            if chosen:
                return _nearest(chosen, head).to_place(basis)
    return None


def _occasion_place(head: Token, here: list[tuple[Toponym, str]]) -> Place | None:
    """The place of the occasion a relative clause of place hangs on: "the summit in Nairobi
    at which the president appealed", "the meeting in Doha where they agreed"."""
    clause = head
    while clause.dep_ != "relcl" and clause.head.i != clause.i:
        clause = clause.head
    if clause.dep_ != "relcl":
        return None
    relative = any(c.lower_ == "where" for c in clause.children) or any(
        c.dep_ == "prep" and any(o.lower_ == "which" for o in c.children) for c in clause.children
    )
    if not relative:
        return None
    occasion = clause.head
    inside = {t.i for t in clause.subtree}
    places = [
        t
        for t, use in here
        if use == "locative"
        and occasion.left_edge.i <= t.token_start <= occasion.right_edge.i
        and t.token_start not in inside
    ]
    return places[0].to_place("clause") if places else None


def _speakers_place(
    event: Event, analyzed: AnalyzedArticle, usable: list[tuple[Toponym, str]]
) -> Place | None:
    """A statement with no place of its own, by a speaker whose quotes' cues all say where they
    spoke ("X said in a speech in Lyon", "told reporters in Oslo"): made there."""
    found: dict[str, Toponym] = {}
    speakers = [*event.actor, *([event.claimed_by] if event.claimed_by else [])]
    for quote in analyzed.quotes_by(speakers):
        if quote.cue is None:
            continue
        located = analyzed.word_at(quote.cue.start, quote.cue.end)
        if located is None:
            continue
        segment, cue = located
        clause = _clause_tokens(cue)
        for toponym, use in usable:
            if (
                use == "locative"
                and toponym.segment == segment.index
                and toponym.token_start in clause
                and toponym.place is not None
            ):
                found[toponym.place.name or toponym.text] = toponym
    if len(found) != 1:
        return None
    return next(iter(found.values())).to_place("article")


def _origin(toponym: Toponym, segment: Segment) -> bool:
    root = segment.doc[toponym.token_start : toponym.token_end].root
    return root.dep_ == "pobj" and root.head.lower_ == "from"


def _target_of(toponym: Toponym, trigger: Token, segment: Segment) -> bool:
    """The place a material act was done to: 'shelled Kharkiv', 'Kabul was hit', 'attack on X',
    'attacked the province of X', 'sent jets to bomb X'."""
    root = segment.doc[toponym.token_start : toponym.token_end].root
    gazetteer = load_gazetteer()
    # "the province of X": the place noun stands where the name would
    if (
        root.dep_ == "pobj"
        and root.head.lower_ == "of"
        and root.head.head.lower_ in (gazetteer.place_nouns)
    ):
        root = root.head.head
    acts = {trigger.i} | {c.i for c in trigger.children if c.dep_ in ("xcomp", "advcl")}
    if root.dep_ in ("dobj", "nsubjpass") and root.head.i in acts:
        return True
    return (
        root.dep_ == "pobj"
        and root.head.lower_ in ("on", "against", "upon")
        and root.head.head.i in acts
    )


def _nearest(toponyms: list[Toponym], head: Token) -> Toponym:
    """The toponym closest to the trigger; a place inside another wins over its container."""

    def distance(t: Toponym) -> int:
        return min(abs(t.token_start - head.i), abs(t.token_end - 1 - head.i))

    best = min(toponyms, key=distance)
    for other in toponyms:
        if (
            other is not best
            and other.place is not None
            and best.place is not None
            and (other.place.precision or 0) > (best.place.precision or 0)
            and contains(best.place, other.place)
            and abs(other.token_start - best.token_start) <= 8
        ):
            best = other  # "Bam, Iran": Bam
    return best


def _clause_tokens(head: Token) -> set[int]:
    """Token indices of the trigger's clause: its clause head's subtree minus nested clauses."""
    clause_head = head
    while clause_head.dep_ not in CLAUSE_DEPS | {"ROOT"} and clause_head.head.i != clause_head.i:
        clause_head = clause_head.head
    tokens: set[int] = set()
    stack = [clause_head]
    while stack:
        token = stack.pop()
        tokens.add(token.i)
        for child in token.children:
            if (
                child.dep_ in CLAUSE_DEPS
                and not _contains_token(child, head)
                and not subjects_participle(child, clause_head)  # where the speaker spoke
            ):
                continue
            stack.append(child)
    return tokens


def _contains_token(root: Token, token: Token) -> bool:
    return root.left_edge.i <= token.i <= root.right_edge.i


def _use(toponym: Toponym, segment: Segment, gazetteer: Gazetteer) -> str:
    """How a toponym is used: "actor" (stands for a government or people: "Oslo said"),
    "locative" (where: "in Baghdad", "the city of Kirkuk", "off the coast of Yemen"), or
    "other" (an object or modifier that may still be a place)."""
    doc = segment.doc
    root = doc[toponym.token_start : toponym.token_end].root
    seen = 0
    while root.dep_ in ("conj", "appos") and seen < 5:  # "Oslo and Stockholm forged"
        root = root.head
        seen += 1
    dep, head = root.dep_, root.head
    if dep in ("nsubj", "csubj", "agent"):
        return "actor"
    start = toponym.token_start
    if (
        start >= 2
        and doc[start - 1].text == "-"
        and doc[start - 2].lower_ in wordlist("stance_prefixes")
    ):
        return "actor"  # "an anti-Syria journalist": a stance, not a place
    if dep == "poss":
        return "locative" if head.lower_ in gazetteer.place_nouns else "actor"
    if dep in ("compound", "amod", "nmod") and head.lower_ in gazetteer.actor_nouns:
        return "actor"
    # Climb "the northern city of Kirkuk" / "the coast of Yemen" to the place noun's role.
    token = root
    for _ in range(4):
        if token.dep_ != "pobj":
            break
        preposition = token.head
        word = preposition.lower_
        if word == "of":
            if preposition.head.lower_ in gazetteer.place_nouns:
                token = preposition.head
                continue
            if preposition.head.lower_ in wordlist("locative_prepositions"):
                return "locative"  # "outside of the city of Basra"
            return "actor" if preposition.head.lower_ in gazetteer.actor_nouns else "other"
        if word in wordlist("non_locative_prepositions") or preposition.dep_ == "agent":
            return "actor"
        return "locative" if word in wordlist("locative_prepositions") else "other"
    return "other"


def _main_country(toponyms: list[Toponym], analyzed: AnalyzedArticle) -> Place | None:
    """The country the article is most about: literal mentions of it and of its places, title
    and lede counted twice. An article about Baghdad that names "Iraq" nowhere literally is
    still about Iraq, not about the next country it names."""
    lede = _lede_segments(analyzed)
    weight: Counter = Counter()
    first: dict[str, Toponym] = {}
    for toponym in toponyms:
        place = toponym.place
        if toponym.role != "literal" or toponym.estimated or place is None or place.country is None:
            continue
        weight[place.country] += 2 if toponym.segment in lede else 1
        if place.feature == "country" and place.country not in first:
            first[place.country] = toponym
    if not weight:
        return None
    country = weight.most_common(1)[0][0]
    if country in first:
        return first[country].to_place("country")
    entry = load_gazetteer().country(country)
    if entry is None:
        return None
    return Place(
        name=entry.name,
        lat=round(entry.lat, 4),
        lon=round(entry.lon, 4),
        country=entry.country,
        precision=1,
        geonameid=entry.geonameid,
        feature="country",
        basis="country",
    )


def _lede_segments(analyzed: AnalyzedArticle) -> set[int]:
    lede = {s.index for s in analyzed.segments if s.kind == "title"}
    body = [s.index for s in analyzed.segments if s.kind == "body"]
    return lede | set(body[:1])


# How many sentences back a town or province named still places a material event with none.
CARRY_SENTENCES = 2


def _place_before(
    event: Event, analyzed: AnalyzedArticle, usable: list[tuple[Toponym, str]]
) -> Place | None:
    """A material event its sentence does not place, told right after a sentence that says
    where things happen ("Fighters entered the town of X on Tuesday. Troops fired on them."):
    there. At most CARRY_SENTENCES back, stopping at the first sentence that names a place."""
    anchor = event.trigger or event.evidence
    located = analyzed.word_at(anchor.start, anchor.end)
    if located is None:
        return None
    segment, word = located
    sentence = word.sent
    for _ in range(CARRY_SENTENCES):
        before, segment = analyzed.sentence_before(sentence, segment)
        if before is None:
            return None
        sentence = before
        named = [
            (t, use)
            for t, use in usable
            if t.segment == segment.index and before.start <= t.token_start < before.end
        ]
        if not named:
            continue
        towns = {
            t.place.name: t
            for t, _use in named
            if t.place is not None
            and (t.place.precision or 0) >= 2
            and _in_main_clause(segment.doc[t.token_start : t.token_end].root)
        }
        return next(iter(towns.values())).to_place("paragraph") if len(towns) == 1 else None
    return None


# Dependencies that open a clause below the sentence's main one ("the war in X that began...").
SUBORDINATE_DEPS = frozenset({"relcl", "advcl", "ccomp", "acl", "csubj", "parataxis"})


def _in_main_clause(token: Token) -> bool:
    while token.head.i != token.i:
        if token.dep_ in SUBORDINATE_DEPS:
            return False
        token = token.head
    return True


def _article_place(
    event: Event,
    analyzed: AnalyzedArticle,
    usable: list[tuple[Toponym, str]],
    main_country: Place | None,
) -> Place | None:
    """A material event its paragraph does not place: the article's place for such events."""
    by_row: Counter = Counter()
    first: dict[int, Place] = {}
    for other in analyzed.events:
        loc = other.event_loc
        if (
            other is event
            or other.event != event.event
            or loc is None
            or loc.basis not in ("clause", "sentence")
            or (loc.precision or 0) < 2
            or other.background
        ):
            continue
        key = loc.geonameid or hash((loc.name, loc.lat, loc.lon))
        by_row[key] += 1
        first.setdefault(key, loc)
    if by_row:
        key = by_row.most_common(1)[0][0]
        return first[key].model_copy(update={"basis": "article"})
    country = main_country.country if main_country else None
    lede = _lede_segments(analyzed)
    for toponym, use in usable:
        place = toponym.place
        if (
            use == "locative"
            and toponym.segment in lede
            and place is not None
            and (place.precision or 0) >= 2
            and place.country == country
        ):
            return toponym.to_place("article")
    return _focus_place(usable, country) or main_country


def _focus_place(usable: list[tuple[Toponym, str]], country: str | None) -> Place | None:
    """The town or province of the article's country that the article keeps naming (at least
    twice, more than any other): where its story happens when the lede names no place."""
    counts: Counter = Counter()
    first: dict[str, Toponym] = {}
    for toponym, _use in usable:
        place = toponym.place
        if place is None or (place.precision or 0) < 2 or place.country != country:
            continue
        # "Kandahar province" and "Kandahar" count as one name
        words = [
            w for w in toponym.text.lower().split() if w not in wordlist("generic_place_words")
        ]
        key = " ".join(words) or place.name
        counts[key] += 1
        first.setdefault(key, toponym)
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return first[ranked[0][0]].to_place("article")
