"""Stage 5d, places: every toponym of an article, resolved offline.

    toponyms = find_places(analyzed)        # every place mentioned, resolved where possible

Recognition: spaCy's GPE/LOC/FAC entities; ORG/PERSON entities whose whole text is a country,
admin unit, region or large city (the small model often calls "Sudan" or "Tamil Nadu" a
person), or a unit with its kind ("Sokoto State"); place names that NER missed (proper nouns
matching the gazetteer); admin1 abbreviations where the text shows a place ("Fresno, Calif.",
"NSW"); smaller towns NER missed or called a person, when the words around them say place
("drove to Castlegar", "Pandi, Bulacan", "the town of Douma") and the article's other places
back them (not a surname of the article); adjectives that point at a country, unit or region
("Syrian", "English", role "adjective"); place names inside organisation
names ("Pakistan Army", role "embedded"), of any size when the article names the town
elsewhere; one sense per article, inside longer names too. Only
literal toponyms can be an event's place. Well-known sites ("the Eiffel Tower"), embassies (in
their host town) and sites no gazetteer lists (streets, stadiums, hospitals) are placed at
their town; a place name no gazetteer lists is estimated at the place beside it, never an
event's place.

Resolution (candidates from `flashpoint.gazetteer`, the choice among them in
`place_ranker.py`): the rules' scores and a trained ranker pick each toponym's place.

Where each event happened is `event_places.py`'s part.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc, Span, Token

from flashpoint.analysis import AnalyzedArticle, Segment
from flashpoint.errors import DataError
from flashpoint.gazetteer import (
    Gazetteer,
    GazetteerEntry,
    load_gazetteer,
    main_name,
    place_key,
)
from flashpoint.model import Place
from flashpoint.resources import load_yaml
from flashpoint.stages.place_ranker import Ranker, load_ranker, resolve

LITERAL_LABELS = {"GPE", "LOC", "FAC"}
# Entities of other labels that are places when their whole text is one of these.
OTHER_LABELS = {"ORG", "PERSON", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"}
WIDE_FEATURES = {"country", "admin1", "region", "continent", "capital"}
# A town named by a word NER did not tag must be this big to be believed ("Reading", "Mobile").
MIN_UNTAGGED_CITY_POPULATION = 100_000
MAX_NGRAM = 4
# Inside a longer name a place name may be longer: "Ministry of Health of the People's Republic
# of China".
MAX_EMBEDDED_NGRAM = 6
# How far a country or admin1 name may run on past the entity NER found ("Trinidad and Tobago").
MAX_EXTENSION = 3
# Punctuation that, with a space before it, ends a name NER ran on past ("Sri Lanka - about").
SPACED_BREAKS = {"-", "–", "—", ":", "("}
_SPACED_BREAK = re.compile(r" [-–—:(]")


@cache
def wordlist(*kinds: str) -> frozenset[str]:
    """The words of places.yaml's `text_words` lists of these kinds (see the comments there)."""
    lists = load_yaml("places.yaml").get("text_words") or {}
    for kind in kinds:
        if kind not in lists:
            raise DataError(f"places.yaml: text_words has no list '{kind}'")
    return frozenset(str(w).lower() for kind in kinds for w in lists[kind])


@dataclass
class Toponym:
    """A place mention: where it is, how it was found, and the place it resolved to."""

    text: str
    start: int
    end: int
    segment: int
    token_start: int
    token_end: int
    role: str  # literal | adjective | embedded
    label: str  # NER label, or GAZ for a name NER missed
    candidates: list[GazetteerEntry] = field(default_factory=list)
    place: GazetteerEntry | None = None
    # Found only by the words around it (a name NER did not call a place): kept when the
    # article's other places back it (see _corroborated).
    weak: bool = False
    # A name no gazetteer lists, placed at the place beside it (_place_sites): an estimate
    # for the entity, never an event's place.
    estimated: bool = False

    def to_place(self, basis: str | None = None) -> Place:
        entry = self.place
        return Place(
            text=self.text,
            start=self.start,
            end=self.end,
            name=entry.name if entry else None,
            lat=round(entry.lat, 4) if entry else None,
            lon=round(entry.lon, 4) if entry else None,
            country=entry.country if entry else None,
            admin1=entry.admin1 if entry else None,
            precision=entry.precision if entry else None,
            geonameid=entry.geonameid if entry else None,
            feature=entry.feature if entry else None,
            basis=basis,
        )


# --- recognition ------------------------------------------------------------------------------


def find_places(
    analyzed: AnalyzedArticle,
    gazetteer: Gazetteer | None = None,
    ranker: Ranker | None = None,
    record: Callable[[Toponym, list[list[float]]], None] | None = None,
) -> list[Toponym]:
    """Every toponym of the article (all roles), resolved where the gazetteer knows it; the
    shipped ranker unless another is given (`record` sees each toponym's feature rows)."""
    gazetteer = gazetteer or load_gazetteer()
    reader = _Reader(gazetteer, *_person_words(analyzed, gazetteer))
    toponyms: list[Toponym] = []
    for segment in analyzed.segments:
        toponyms.extend(reader.segment_toponyms(segment))
    resolve(toponyms, analyzed, ranker or load_ranker(), record)
    toponyms = _corroborated(toponyms)
    toponyms.extend(_known_places_elsewhere(toponyms, analyzed, gazetteer, reader.person_words))
    toponyms.sort(key=lambda t: (t.segment, t.start))
    _place_sites(toponyms, analyzed, gazetteer)
    return toponyms


def _known_places_elsewhere(
    toponyms: list[Toponym],
    analyzed: AnalyzedArticle,
    gazetteer: Gazetteer,
    person_words: frozenset[str],
) -> list[Toponym]:
    """One sense per article: a town the text names as a place is that town inside the names
    of bodies too ("Beverly Hills" ... "the Beverly Hills Police Department"), however small
    (names inside other names are otherwise believed only of big towns), and where NER tagged
    nothing or took it for a person ("Douma is surrounded", "in Nelson"), unless it is a
    surname of the article."""
    known: dict[str, GazetteerEntry] = {}
    for toponym in toponyms:
        if toponym.role == "literal" and toponym.place is not None:
            known.setdefault(place_key(toponym.text), toponym.place)
    if not known:
        return []

    taken: dict[int, set[int]] = defaultdict(set)
    for toponym in toponyms:
        taken[toponym.segment].update(range(toponym.token_start, toponym.token_end))
    longest = max(MAX_NGRAM, *(len(key.split()) for key in known))
    found: list[Toponym] = []

    def add(segment: Segment, span: Span, role: str, label: str, place: GazetteerEntry) -> None:
        toponym = _make(segment, span, role, label, [place])
        toponym.place = place
        found.append(toponym)
        taken[segment.index].update(range(span.start, span.end))

    for segment in analyzed.segments:
        doc, used = segment.doc, taken[segment.index]
        people: dict[int, Span] = {}
        for ent in segment.ents:
            if ent.label_ == "PERSON":
                people[ent.start] = ent
            if ent.label_ not in ("ORG", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "PERSON"):
                continue
            if ent.label_ == "PERSON" and len(ent) < 3:
                continue  # "Paris Hilton"; but "Abuja Chamber of Commerce" taken for a person
            i = ent.start
            while i < ent.end and doc[i].lower_ in wordlist("determiners"):
                i += 1
            while i < ent.end:
                for n in range(min(longest, ent.end - i), 0, -1):
                    sub = doc[i : i + n]
                    if not sub[0].text[:1].isupper() or any(j in used for j in range(i, i + n)):
                        continue
                    place = known.get(place_key(sub.text))
                    if place is not None:
                        add(segment, sub, "embedded", "EMBEDDED", place)
                        # "Cavan County Council", then "the Cavan Sustainable Energy Group"
                        known.setdefault(place_key(sub.text), place)
                        i = sub.end
                        break
                else:
                    i += 1
        for token in doc:
            if token.i in used or not token.text[:1].isupper() or token.lower_ in person_words:
                continue
            if token.ent_type_ == "PERSON":
                if token.i not in people:
                    continue
                sub = people[token.i]
            elif (token.ent_type_ == "" and token.pos_ in ("PROPN", "NOUN")) or (
                token.ent_type_ == "NORP" and not gazetteer.adjective(token.text)
            ):  # "a portfolio for Cavan" taken for a people
                sub = doc[token.i : token.i + 1]
            else:
                continue
            place = known.get(place_key(sub.text))
            if place is not None and not any(j in used for j in range(sub.start, sub.end)):
                add(segment, sub, "literal", "GAZ", place)
    return found


def _place_sites(toponyms: list[Toponym], analyzed: AnalyzedArticle, gazetteer: Gazetteer) -> None:
    """A site the gazetteer does not know (a street, a stadium, a hospital) is in the town the
    text puts it in: the nearest town of its sentence, else an admin unit of its sentence,
    else the nearest town of its paragraph, else the town the article names most (names
    inside other names count: "the New Orleans Railways Company"; a tie goes to the bigger
    town). Its place is that town (name, point, precision).

    A place name no gazetteer lists (a village, a camp: "Baghuz, the last enclave in eastern
    Syria") is estimated at the nearest place of its sentence, else of its paragraph, of
    whatever kind, as ACLED codes a village it cannot find at the nearest place it can; never
    at a town of another paragraph (the article may be about another country), and never an
    event's place."""
    literal = [
        t
        for t in toponyms
        if t.role == "literal"
        and t.place is not None
        and t.place.precision is not None
        and not _is_site(t, gazetteer)
    ]
    towns = [
        t
        for t in toponyms
        if t.role in ("literal", "embedded")
        and t.place is not None
        and t.place.feature in ("city", "capital")
        and not _is_site(t, gazetteer)
    ]
    counts = Counter(t.place.row for t in towns if t.place is not None)
    main = max(
        (t.place for t in towns if t.place is not None),
        key=lambda place: (counts[place.row], place.population),
        default=None,
    )
    if main is None:  # no town: the district or province the article names most
        units = [
            t.place
            for t in toponyms
            if t.role in ("literal", "embedded")
            and t.place is not None
            and t.place.feature in ("admin2", "admin1")
        ]
        unit_counts = Counter(place.row for place in units)
        main = max(
            units,
            key=lambda place: (unit_counts[place.row], place.feature == "admin2"),
            default=None,
        )
    for toponym in toponyms:
        if toponym.place is not None or toponym.candidates:
            continue
        site = _is_site(toponym, gazetteer)
        if not site and not _unknown_place(toponym):
            continue
        sentence = _sentence_start(toponym, analyzed)
        paragraph = [t for t in literal if t.segment == toponym.segment]
        same_sentence = [t for t in paragraph if _sentence_start(t, analyzed) == sentence]
        if site:
            near = (
                [t for t in same_sentence if t.place.feature in ("city", "capital")]
                or [t for t in same_sentence if t.place.feature in ("admin1", "admin2")]
                or [t for t in paragraph if t.place.feature in ("city", "capital")]
            )
        else:
            near = same_sentence or paragraph
        if near:
            toponym.place = min(near, key=lambda t: abs(t.start - toponym.start)).place
        elif site:
            toponym.place = main
        toponym.estimated = not site and toponym.place is not None


def _first_name_word(span: Span) -> int:
    """Where a site's name proper begins: past "the" and a compass word ("South Ossett
    Church")."""
    i = span.start
    while i < span.end - 1 and (
        span.doc[i].lower_ in wordlist("determiners")
        or span.doc[i].lower_ in wordlist("compass_words")
    ):
        i += 1
    return i


def _site_candidates(
    span: Span, inner: list[Toponym], gazetteer: Gazetteer
) -> list[GazetteerEntry]:
    """Where a site whose name holds places is: the first town its name begins with or gives
    after "of" ("Baghdad International Airport", "University of Baghdad"), else the first such
    unit; not a continent or sea ("SM Mall of Asia"), nor a place inside a person's name
    ("Marjory Stoneman Douglas High School")."""
    doc = span.doc
    first = _first_name_word(span)
    for kinds in (("city", "capital"), ("admin1", "admin2", "country")):
        for toponym in inner:
            if gazetteer.adjective(toponym.text):
                continue  # "Percy French Hotel", "British International School"
            start = toponym.token_start
            if start != first and doc[start - 1].lower_ not in ("of", "in", "at"):
                continue
            kept = [c for c in toponym.candidates if c.feature in kinds]
            if kept:
                return kept
    return []


def _unknown_place(toponym: Toponym) -> bool:
    """A name NER called a place that no gazetteer entry matched ("Toomevara", "Khayelitsha")."""
    return toponym.role == "literal" and toponym.label in ("GPE", "LOC") and not toponym.weak


def _sentence_start(toponym: Toponym, analyzed: AnalyzedArticle) -> int:
    return analyzed.segments[toponym.segment].doc[toponym.token_start].sent.start


def _misread(token: Token) -> bool:
    """A capitalised proper noun that is no number and no calendar word (a month, weekday or
    feast): a name, whatever entity NER put it in (a language's name, which is also a
    people's, stays a language: see the caller)."""
    return (
        token.pos_ == "PROPN"
        and token.text[:1].isupper()
        and not token.like_num
        and token.lower_.rstrip(".") not in _calendar_words()
    )


@cache
def _calendar_words() -> frozenset[str]:
    dates = load_yaml("dates.yaml")
    kinds = ("months", "month_abbreviations", "weekdays", "seasons")
    return frozenset(str(w) for k in kinds for w in dates.get(k) or {}) | wordlist("feasts")


def _is_site(toponym: Toponym, gazetteer: Gazetteer) -> bool:
    if toponym.role != "literal":
        return False
    if toponym.label == "FAC":
        return True
    words = toponym.text.lower().split()
    return toponym.label in ("GPE", "LOC", "ORG", "PERSON") and (
        words[-1].strip(".") in gazetteer.site_nouns
        or any(w in wordlist("mission_nouns") for w in words)
    )


def _site_name(span: Span, gazetteer: Gazetteer) -> bool:
    """A proper name ending in a kind of site: "Royal Street", "Meydan Racecourse"."""
    return (
        len(span) >= 2
        and span[0].text[:1].isupper()
        and span[-1].text[:1].isupper()
        and span[-1].lower_.strip(".") in gazetteer.site_nouns
    )


def _person_words(
    analyzed: AnalyzedArticle, gazetteer: Gazetteer
) -> tuple[frozenset[str], frozenset[str]]:
    """Surnames of full personal names ("Barry Nelson"): alone, such a word is the person;
    and every word of those names ("Yulia" of "Yulia Skripal"). A "person" whose whole name is
    a place's ("Klamath Falls") gives none."""
    surnames: set[str] = set()
    words: set[str] = set()
    for segment in analyzed.segments:
        for ent in segment.ents:
            if (
                ent.label_ == "PERSON"
                and len(ent) >= 2
                and ent[-1].text[:1].isupper()
                and not gazetteer.has_name(place_key(ent.text))
                and ent[0].lower_ not in wordlist("building_words")  # "Courthouse Ballyjamesduff"
            ):
                surnames.add(ent[-1].lower_)
                words.update(t.lower_ for t in ent if t.text[:1].isupper())
    return frozenset(surnames), frozenset(words)


def _corroborated(toponyms: list[Toponym]) -> list[Toponym]:
    """Drop names found on weak evidence unless the article's other places back them: a
    country other toponyms are in, or a big place."""
    backed = {
        t.place.country for t in toponyms if not t.weak and t.place is not None and t.place.country
    }
    kept = []
    for toponym in toponyms:
        place = toponym.place
        if (
            not toponym.weak
            or (place is not None and place.country in backed)
            or (
                place is not None
                and place.population >= MIN_UNTAGGED_CITY_POPULATION
                and main_name(place, place_key(toponym.text))
            )
        ):
            kept.append(toponym)
    return kept


class _Reader:
    """Finds the toponyms of one article's segments (see the module docstring)."""

    def __init__(
        self, gazetteer: Gazetteer, person_words: frozenset[str], name_words: frozenset[str]
    ) -> None:
        self.gazetteer = gazetteer
        self.person_words = person_words
        self.name_words = name_words

    def segment_toponyms(self, segment: Segment) -> list[Toponym]:
        doc = segment.doc
        found: list[Toponym] = []
        covered: set[int] = set()
        reach = 0  # tokens before this index belong to an entity already read
        for ent in segment.ents:
            if ent.start < reach:
                continue
            if ent.label_ not in LITERAL_LABELS | OTHER_LABELS:
                # A date, amount or language: its names stay open to the gazetteer ("in
                # Amhara" read as a date, "in Tunis" as a language)
                covered.update(
                    i
                    for i in range(ent.start, ent.end)
                    if not _misread(doc[i]) or self.gazetteer.adjective(doc[i].text)
                )
                continue
            covered.update(range(ent.start, ent.end))
            span = _trim(ent)
            if span is None:
                continue
            longer = self.extended(span)
            if longer is not None:
                span = longer
                covered.update(range(span.start, span.end))
                reach = span.end
            if any(t.lower_ in wordlist("mission_nouns") for t in span):
                found.extend(self.mission(segment, span, ent.label_))
                continue
            sites = self.gazetteer.site(span.text)
            if sites:  # "the Eiffel Tower", "the Alhambra": placed at their town
                found.append(_make(segment, span, "literal", ent.label_, sites))
            elif ent.label_ in LITERAL_LABELS:
                found.extend(self.literal_entity(segment, span, ent.label_))
            elif ent.label_ in OTHER_LABELS:
                found.extend(self.other_entity(segment, span, ent.label_))
        found.extend(self.untagged(segment, doc, covered))
        for toponym in found:
            if toponym.role == "literal" and len(toponym.candidates) > 1:
                _kind_in_text(toponym, doc)
        found.sort(key=lambda t: t.start)
        return found

    def extended(self, span: Span) -> Span | None:
        """The name NER cut short: "Guinea" of "Guinea-Bissau", "Trinidad" of "Trinidad and
        Tobago", "Democratic Republic" of "... of the Congo", "Boa" of "Boa Vista". The longest
        name of a country, admin1 unit, region, capital, big town or site that runs on from the
        entity by up to three tokens."""
        doc = span.doc
        if span.end >= len(doc):
            return None
        following = doc[span.end]
        if following.lower_ not in wordlist("name_links", "possessives") and not (
            following.pos_ == "PROPN" and following.text[:1].isupper()
        ):
            return None  # "-", "and", "of the", "do Sul" or a name; most names end where NER does
        for extra in range(min(MAX_EXTENSION, len(doc) - span.end), 0, -1):
            longer = doc[span.start : span.end + extra]
            if not longer[-1].text[:1].isupper() or any(
                t.text == "," for t in doc[span.end : longer.end]
            ):
                continue  # "Washington, D.C." stays two names, the town and its unit
            key = place_key(longer.text)
            if self.gazetteer.site(longer.text) or any(
                (c.feature in WIDE_FEATURES and c.feature != "continent")
                or (c.population >= MIN_UNTAGGED_CITY_POPULATION and main_name(c, key))
                for c in self.gazetteer.lookup(longer.text)
            ):
                return longer  # "Windsor" of "Windsor Castle", "Boa" of "Boa Vista" too
        return None

    def literal_entity(self, segment: Segment, span: Span, label: str) -> list[Toponym]:
        gazetteer = self.gazetteer
        if place_key(span.text) in gazetteer.generic_names and not _after_place_comma(span):
            return []  # "the West", "Central"; but "Slidell, La."
        abbreviations = self.abbreviations(span, anchored=True)
        candidates = gazetteer.lookup(span.text)
        if abbreviations and (_after_place_comma(span) or not candidates):
            candidates = abbreviations  # "Fresno, Calif.", "in NSW"
        if candidates:
            return [_make(segment, span, "literal", label, candidates)]
        adjectives = gazetteer.adjective(span.text)
        if adjectives:
            return [_make(segment, span, "adjective", label, adjectives)]  # "Emirati"
        # "Oaxaca State", "Anbar province": the name without its kind.
        doc = span.doc
        if len(span) > 1 and doc[span.end - 1].lower_ in gazetteer.place_nouns:
            core = doc[span.start : span.end - 1]
            candidates = gazetteer.lookup(core.text)
            if doc[span.end - 1].lower_ in wordlist("unit_nouns", "district_nouns"):
                # a unit, not the town: but "the Salinas Valley" is by the town of Salinas
                candidates = [c for c in candidates if c.feature != "city"] or candidates
            if candidates:
                return [_make(segment, span, "literal", label, candidates)]
        if len(span) == 1 and span[0].lower_ in self.name_words:
            return []  # "Modi", "Yulia" (Skripal) taken for a place no gazetteer knows
        if span[-1].lower_.strip(".") in wordlist("street_nouns") and len(span) > 1:
            return [_make(segment, span, "literal", label, [])]  # a street, at its town later
        if label == "FAC" or len(span) > 1:
            # "Baghdad International Airport": a site inside the town it names.
            inner = self.embedded(segment, span)
            if inner and (label == "FAC" or _site_name(span, gazetteer)):
                candidates = _site_candidates(span, inner, gazetteer)
                return [_make(segment, span, "literal", label, candidates)]
            if inner:  # "Asia-Pacific", "the Eastern Mediterranean"
                towns = [c for c in inner[0].candidates if c.feature in ("city", "capital")]
                return [_make(segment, span, "literal", label, towns or inner[0].candidates)]
        return [_make(segment, span, "literal", label, [])]

    def mission(self, segment: Segment, span: Span, label: str) -> list[Toponym]:
        """An embassy or consulate: the country it speaks for is mentioned (embedded), but the
        site is at a town its name gives ("British Embassy Tokyo"), else at the town of its
        sentence (_place_sites): "the Russian Embassy" in Washington is not in Russia."""
        inner = self.embedded(segment, span)
        towns: list[GazetteerEntry] = []
        mentions: list[Toponym] = []
        for toponym in inner:
            own = [c for c in toponym.candidates if c.feature in ("city", "capital")]
            if not own:
                mentions.append(toponym)
            elif not towns and not self.gazetteer.adjective(toponym.text):
                towns = own
        return [*mentions, _make(segment, span, "literal", label, towns)]

    def other_entity(self, segment: Segment, span: Span, label: str) -> list[Toponym]:
        gazetteer = self.gazetteer
        adjectives = gazetteer.adjective(span.text)
        if adjectives and (label == "NORP" or (label in ("PERSON", "ORG") and len(span) == 1)):
            # "Azerbaijani soldiers", "a Slovak architect", "Ugandan rebels" (taken for a person
            # or a body)
            return [_make(segment, span, "adjective", label, adjectives)]
        # One word NER called a person that no person of the article is named with is
        # believed as an untagged name is: a big town ("rebels took X"), not a small one.
        belief = label
        if label == "PERSON" and len(span) == 1 and span[0].lower_ not in self.name_words:
            belief = "GAZ"
        found = gazetteer.lookup(span.text)
        candidates = [c for c in found if _believable(c, span, belief, gazetteer)] or [
            c for c in found if _framed_inside(span, c)
        ]
        if candidates:
            return [_make(segment, span, "literal", label, candidates)]
        abbreviations = self.abbreviations(span, anchored=False)
        if abbreviations:
            return [_make(segment, span, "literal", label, abbreviations)]
        if (
            len(span) > 1
            and span[-1].lower_ in wordlist("unit_nouns")
            and span[-1].text[:1].isupper()
        ):
            units = [  # "Sokoto State", "Anbar Province" taken for a person or a body
                c for c in gazetteer.lookup(span[:-1].text) if c.feature in ("admin1", "admin2")
            ]
            if units:
                return [_make(segment, span, "literal", label, units)]
        weak = self.weak_candidates(span)
        if weak:
            toponym = _make(segment, span, "literal", label, weak)
            toponym.weak = True
            return [toponym]
        if (
            label == "ORG"
            and _site_name(span, gazetteer)
            and span[-1].lower_ in wordlist("street_nouns")
        ):
            return [_make(segment, span, "literal", label, [])]  # a street, at its town later
        if label in ("ORG", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"):
            inner = self.embedded(segment, span)
            if label == "ORG" and _site_name(span, gazetteer):
                # "the Barclays Center", "SM Mall of Asia": a site, at the town its name gives
                # or placed later at its town (_place_sites); the places it names are
                # mentioned too
                site = _make(
                    segment, span, "literal", label, _site_candidates(span, inner, gazetteer)
                )
                return [*inner, site]
            return inner
        if label == "PERSON" and _site_name(span, gazetteer):
            return [_make(segment, span, "literal", label, [])]  # "Meydan Racecourse"
        return []

    def abbreviations(self, span: Span, anchored: bool) -> list[GazetteerEntry]:
        """Admin units an abbreviation stands for, where the text shows it is a place: NER or a
        town before it ("Fresno, Calif.") say so, or it cannot be a word ("NSW", "Ariz.")."""
        text = span.text
        letters = sum(c.isalpha() for c in text)
        if not letters or not text[0].isupper():
            return []
        entries = self.gazetteer.abbreviation(text)
        if not entries or span.sent.text.isupper():  # the sentence last: it is the costly test
            return []
        distinctive = letters >= 3 and (text.isupper() or text.endswith("."))
        return entries if anchored or distinctive or _after_place_comma(span) else []

    def weak_candidates(self, span: Span) -> list[GazetteerEntry]:
        """A name NER did not call a place, in a frame that says it is one ("to Castlegar",
        "Pandi, Bulacan", "the town of Douma"): any place of that main name."""
        key = place_key(span.text)
        if (
            key in self.gazetteer.generic_names
            or not span.text[:1].isupper()
            or any(t.lower_ in self.person_words for t in span)
        ):
            return []
        if not _locative_frame(span, self.gazetteer):
            return []
        # An old or other name ("Calcutta", "Matias Romero" for Matías Romero Avendaño; not a
        # code such as "NY"): kept only where the article names the town's country
        # (_corroborated).
        return [
            c
            for c in self.gazetteer.lookup(span.text)
            if main_name(c, key) or not span.text.isupper()
        ]

    def embedded(self, segment: Segment, span: Span) -> list[Toponym]:
        """Place names inside a longer name: 'Pakistan Army', 'The Washington Post'."""
        gazetteer = self.gazetteer
        found: list[Toponym] = []
        i = span.start
        doc = span.doc
        while i < span.end:
            match = None
            step = 1
            for n in range(min(MAX_EMBEDDED_NGRAM, span.end - i), 0, -1):
                if (
                    not doc[i].text[:1].isupper()
                    or (n == len(span) and i == span.start)
                    or not doc[i + n - 1].text[:1].isupper()
                ):
                    continue
                sub = doc[i : i + n]
                if _only_generic(sub.text, gazetteer):
                    continue
                if (
                    i + n < span.end
                    and doc[i + n].lower_ == "of"
                    and place_key(sub.text) in water_words()
                ):
                    continue  # "Bay" of "the Bay of Kassala" (a region elsewhere)
                everywhere = gazetteer.lookup(sub.text)
                candidates = [c for c in everywhere if _believable(c, sub, "ORG", gazetteer)]
                if candidates:
                    match = _make(segment, sub, "embedded", "EMBEDDED", candidates)
                    break
                adjectives = gazetteer.adjective(sub.text)
                if adjectives and place_key(sub.text) not in gazetteer.generic_names:
                    match = _make(segment, sub, "embedded", "EMBEDDED", adjectives)
                    break
                codes = self.abbreviations(sub, anchored=False) if n == 1 else []
                if codes:  # "NSW National Parks", "QLD Health": a code that is no word
                    match = _make(segment, sub, "embedded", "EMBEDDED", codes)
                    break
                key = place_key(sub.text)
                if n > 1 and any(
                    c.feature in ("city", "capital") and main_name(c, key) for c in everywhere
                ):
                    # "Kendale Lakes Elementary School": the small town's name is no place here,
                    # and neither is a name inside it ("Lakes", a state of South Sudan)
                    step = n
                    break
            if match is not None:
                found.append(match)
                i = match.token_end
            else:
                i += step
        return found

    def untagged(self, segment: Segment, doc: Doc, covered: set[int]) -> list[Toponym]:
        """Proper nouns NER left out that the gazetteer knows as wide places or big towns, or
        that stand where a place stands."""
        gazetteer = self.gazetteer
        found: list[Toponym] = []
        i = 0
        while i < len(doc):
            token = doc[i]
            capitals = token.text.isupper() and len(token.text) > 1
            # A capitalised noun inside a sentence is a name the tagger did not know ("a Cork
            # mother"); at the start of one it may be any word.
            named = token.pos_ == "PROPN" or (token.pos_ == "NOUN" and i > token.sent.start)
            if (
                i in covered
                or not token.text[:1].isupper()
                or (not named and token.pos_ != "ADJ" and not capitals)
            ):
                i += 1
                continue
            match = None
            for n in range(MAX_NGRAM, 0, -1):
                if i + n > len(doc) or any(j in covered for j in range(i, i + n)):
                    continue
                sub = doc[i : i + n]
                if not sub[-1].text[:1].isupper():
                    continue
                if n > 1 and gazetteer.site(sub.text):  # "Windsor Castle" (no entity)
                    match = _make(segment, sub, "literal", "GAZ", gazetteer.site(sub.text))
                    break
                if (named or capitals) and not _only_generic(sub.text, gazetteer):
                    # not "Central District" of "Seoul Central District Court" (Israel's)
                    candidates = [
                        c
                        for c in gazetteer.lookup(sub.text)
                        if _believable(c, sub, "GAZ", gazetteer)
                    ]
                    if candidates:
                        match = _make(segment, sub, "literal", "GAZ", candidates)
                        break
                    abbreviations = self.abbreviations(sub, anchored=False)
                    if abbreviations:
                        match = _make(segment, sub, "literal", "GAZ", abbreviations)
                        break
                    weak = self.weak_candidates(sub) if named or capitals else []
                    if weak:
                        match = _make(segment, sub, "literal", "GAZ", weak)
                        match.weak = True
                        break
                adjectives = gazetteer.adjective(sub.text)
                if adjectives:
                    match = _make(segment, sub, "adjective", "GAZ", adjectives)
                    break
            if match is not None:
                found.append(match)
                i = match.token_end
            else:
                i += 1
        return found


def _kind_in_text(toponym: Toponym, doc: Doc) -> None:
    """Keep the candidates of the kind the words around the name give: "New York state", "the
    state of Washington", "upstate New York" (a unit, not the town); "the city of X", "X city"
    (a town, not the unit)."""
    start, end = toponym.token_start, toponym.token_end
    nouns = {doc[end].lower_} if end < len(doc) else set()
    if start >= 1:
        before = doc[start - 1].lower_
        if before == "of" and start >= 2:
            nouns.add(doc[start - 2].lower_)
        elif before in wordlist("unit_prefixes"):
            nouns.add("state")
    if nouns & wordlist("unit_nouns"):
        kind = "unit"
    elif nouns & wordlist("town_nouns"):  # not a country: "a U.S. city" is a city in the U.S.
        kind = "town"
    else:
        return
    kept = [c for c in toponym.candidates if _of_kind(c, kind)]
    if kept:
        toponym.candidates = kept


def _of_kind(entry: GazetteerEntry, kind: str) -> bool:
    if kind == "unit":
        return entry.feature not in ("city", "capital")
    return entry.feature not in ("admin1", "admin2")


def _only_generic(text: str, gazetteer: Gazetteer) -> bool:
    """A name made of kinds of place and directions only ("Island", "South West", "North-Western"):
    never a place inside a longer name ("Waiheke Island", "South West England"), though
    gazetteers list such names (Iceland is "Island" in Danish; a Cameroonian province)."""
    words = place_key(text).split()
    return all(w in gazetteer.place_nouns or w in wordlist("compass_adjectives") for w in words)


@cache
def water_words() -> frozenset[str]:
    """Words that make a name a body of water: places.yaml's `water_words`."""
    return frozenset(str(w).lower() for w in load_yaml("places.yaml")["water_words"])


def _trim(span: Span) -> Span | None:
    """Drop a leading determiner and a trailing possessive: 'the Gaza Strip's' -> 'Gaza Strip'."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in wordlist("determiners") or doc[start].is_punct):
        start += 1
    if _SPACED_BREAK.search(span.text):
        for i in range(start + 1, end):  # "Sri Lanka - approximately": the name ends there
            if doc[i].text in SPACED_BREAKS and doc[i - 1].whitespace_:
                end = i
                break
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct):
        end -= 1
    if not any(token.text[:1].isupper() for token in doc[start:end]):
        return None  # "the south city", "anesthesia": no proper name
    return doc[start:end] if end > start else None


def _make(segment: Segment, span: Span, role: str, label: str, candidates) -> Toponym:
    start, end = segment.char_span(span)
    return Toponym(
        text=span.text,
        start=start,
        end=end,
        segment=segment.index,
        token_start=span.start,
        token_end=span.end,
        role=role,
        label=label,
        candidates=list(candidates),
    )


def _after_place_comma(span: Span) -> bool:
    """'Fresno, Calif.': a capitalised name, then a comma, then this."""
    doc = span.doc
    i = span.start
    return i >= 2 and doc[i - 1].text == "," and doc[i - 2].text[:1].isupper()


def _locative_frame(span: Span, gazetteer: Gazetteer) -> bool:
    """Does the text around a name say it is a place: after a locative preposition ("in",
    "near", "from", "to"), in "X, Y" with a known place, as "the town of X" or "the X area",
    or joined by "and" to such a name?"""
    doc = span.doc
    root = span.root
    seen = 0
    while root.dep_ == "conj" and seen < 5:  # "from Gloucester and Cheltenham"
        root = root.head
        seen += 1
    first = doc[min(root.left_edge.i, span.start)] if root is not span.root else doc[span.start]
    i = first.i - 1
    while i >= 0 and doc[i].lower_ in wordlist("frame_skip"):
        i -= 1
    if i >= 0:
        word = doc[i].lower_
        if word in wordlist("locative_prepositions", "motion_prepositions"):
            return not (
                word == "to" and i > 0 and doc[i - 1].lower_ in wordlist("not_motion_before_to")
            )
        if word == "of" and i > 0 and _place_noun(doc[i - 1], gazetteer):
            return True  # "the town of Douma", "the universities of Georgia and Glasgow"
    if root.dep_ == "compound" and (
        _place_noun(root.head, gazetteer) or root.head.lemma_.lower() in wordlist("resident_nouns")
    ):
        return True  # "the Glasgow area", "the Dadaab camps", "Nelson residents"
    own = span.root
    joined = [t for t in own.children if t.dep_ == "conj"]
    if own.dep_ == "conj":
        joined.append(own.head)
    if any(t.ent_type_ in LITERAL_LABELS and not span.start <= t.i < span.end for t in joined):
        return True  # "Cairo, Giza and Minya": in a list with a name NER called a place
    end = span.end
    if end + 1 < len(doc) and doc[end].text == ",":  # "Pandi, Bulacan"
        following = doc[end + 1]
        if following.text[:1].isupper() and (
            gazetteer.lookup(following.text) or gazetteer.abbreviation(following.text)
        ):
            return (
                following.ent_type_ in LITERAL_LABELS
                or bool(gazetteer.abbreviation(following.text))
                or any(c.feature in WIDE_FEATURES for c in gazetteer.lookup(following.text))
            )
    return False


def _place_noun(token: Token, gazetteer: Gazetteer) -> bool:
    return token.lower_ in gazetteer.place_nouns or token.lemma_.lower() in gazetteer.place_nouns


def _framed_inside(span: Span, entry: GazetteerEntry) -> bool:
    """A name NER took for a person or body that the text sets inside the province its
    gazetteer town is in ("shelled Kanyole in the northern Kassala countryside", "Kanyole, in
    Kassala province"): that town, however small or spelt."""
    if not entry.admin1 or entry.feature in ("country", "continent"):
        return False
    doc = span.doc
    after = doc[span.end : span.end + 7]
    if len(after) < 2 or not (after[0].lower_ in ("in", "near") or after[0].text == ","):
        return False
    province = place_key(entry.admin1)
    words = [t for t in after[1:] if t.text[:1].isupper()]
    return any(place_key(doc[w.i : w.i + n].text) == province for w in words for n in (1, 2, 3))


def _believable(entry: GazetteerEntry, span: Span, label: str, gazetteer: Gazetteer) -> bool:
    """Is this place what a name NER did not call a place (a person, an organisation, an
    untagged word) really means? Countries yes; other places only by their main name ("White
    House" is an old name of Casablanca) and, for towns and districts, when they are big."""
    key = place_key(span.text)
    if key in gazetteer.generic_names:
        return False
    if entry.feature in ("country", "continent", "region"):
        return True
    if label == "PERSON" and len(span) == 1 and not span.text.isupper():
        return False
    if not main_name(entry, key, article=False):
        return False  # nor "Salt" for As Salt: a word as often as a town
    if entry.feature == "admin2" and place_key(entry.name) != key:
        return False  # a county without its kind is a surname or a word: "Summit", "Douglas"
    return entry.feature in WIDE_FEATURES or entry.population >= MIN_UNTAGGED_CITY_POPULATION
