"""Stage 5a, actors: named entities and actor mentions, resolved to country/entity + sector.

Public interface (the events and quotes stages and the CLI use only these):

    resolver = ActorResolver.load(extra_files=[...])
    resolver.resolve(text, date=..., context=...) -> Resolution      # `flashpoint actor`
    resolver.annotate(analyzed)          # fills analyzed.entities and analyzed.mentions
    resolver.actors_for(analyzed, segment, span) -> list[Actor]      # a noun phrase as actors

`annotate` reads each paragraph in order and keeps what it has seen, so that later mentions can
refer back:
1. names: spaCy's entities and the dictionary's aliases (which also finds names spaCy misses or
   mislabels), each resolved with its noun phrase as context ("Nujaba Movement commander X" ->
   X is IRQ REB; "Iraqi Prime Minister X" -> IRQ GOV) and its apposition;
2. surnames ("Rasool") and definite descriptions ("the movement", "the group") -> the entity
   introduced earlier whose name or kind fits;
3. sector nouns owned by a country or a named entity ("American forces", "Iraqi officials").
`actors_for` turns a noun phrase of the events stage into actors: pronouns and relative pronouns
through the entities seen before them, compounds ("Hungarian and Romanian officials") into one
actor each, unnamed perpetrators ("an unclaimed drone strike") kept as UAF with their text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
from spacy import attrs as spacy_attrs
from spacy import symbols as spacy_symbols
from spacy.tokens import Doc, Span, Token

from flashpoint.actor_dictionary import (
    ActorDictionary,
    ActorEntry,
    PhraseResolver,
    PhraseResult,
    singular,
)
from flashpoint.analysis import AnalyzedArticle, Mention, Segment
from flashpoint.gazetteer import load_gazetteer, place_key
from flashpoint.model import Actor, Entity, actor_country_code, is_country_code
from flashpoint.syntax import clause_head, phrase_span

# Prepositions that say where something happens ("in Minsk", "across Darfur").
LOCATIVE_PREPS = {"in", "at", "inside", "across", "throughout", "near", "around"}

ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
# Dictionary kinds -> the entity label shown for a name the dictionary knows.
KIND_LABELS = {
    "person": "PERSON", "group": "ORG", "org": "ORG", "igo": "ORG", "body": "ORG",
    "country": "GPE", "capital": "GPE", "place": "GPE", "pre": "GPE",
}  # fmt: skip
PERSON_PRONOUNS = {"he", "she", "him", "her", "his", "hers", "himself", "herself"}
GROUP_PRONOUNS = {"it", "its", "they", "them", "their", "itself", "themselves"}
PLURAL_PRONOUNS = {"they", "them", "their", "themselves"}
# Dictionary kinds of entries that name a place: a state as a territory, a capital, a town.
PLACE_KINDS = {"country", "capital", "place"}
FIRST_PERSON = {"i", "we", "us", "our", "me", "my", "ours"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whose", "whom"}
# "Both countries", "the two governments": the last two countries named.
PAIR_OF_STATES = re.compile(
    r"(?:both|the two)(?: \w+)? (?:countries|nations|states|governments|neighbours|neighbors)"
)
# How far back (in characters) a pronoun or a definite description looks for its antecedent.
PRONOUN_WINDOW = 600
DESCRIPTION_WINDOW = 4000
OWNER_PREPS = {"for", "of", "from", "at", "representing"}
NOMINAL_SUBJECT_DEPS = ("nsubj", "nsubjpass")  # a pronoun or name as subject


@dataclass
class Resolution:
    """What `flashpoint actor TEXT` prints."""

    text: str
    name: str | None = None
    code: str | None = None
    sector: str | None = None
    aliases: list[str] = field(default_factory=list)
    matched_by: str | None = None


@dataclass
class Seen:
    """An actor mention of the article, kept for coreference."""

    start: int  # article offsets
    end: int
    actor: Actor
    entry: ActorEntry | None
    person: bool
    nouns: frozenset[str]
    surname: str | None = None
    main_subject: bool = False  # the subject of its sentence's main verb (or its apposition)
    plural: bool = False  # its head is a plural noun ("Armenian forces")


@dataclass
class ArticleState:
    date: dt.date
    seen: list[Seen] = field(default_factory=list)

    def before(self, offset: int, window: int) -> Iterable[Seen]:
        for item in reversed(self.seen):
            if item.end <= offset and offset - item.end <= window:
                yield item

    def antecedent(
        self,
        offset: int,
        *,
        person: bool | None,
        noun: str | None = None,
        words: frozenset[str] = frozenset(),
        plural: bool = False,
        subjects_from: int | None = None,
    ) -> Seen | None:
        window = DESCRIPTION_WINDOW if noun else PRONOUN_WINDOW
        if person is not None and subjects_from is not None:
            # A pronoun that is a subject continues who the last sentences were about, their
            # main subject, before anyone named later in an object or a modifier ("Ana Ruiz
            # said ... with the Garcia government. She added ..."; "The Norwegian defence
            # ministry said Sylvanian forces had fired first. It warned ...").
            for item in self.before(offset, window):
                if item.start < subjects_from:
                    break
                if (
                    item.main_subject
                    and item.person == person
                    and (item.actor.code or item.actor.sector)
                    and (person or not (_bare_place(item) or item.plural != plural))
                ):
                    return item
        if noun is not None:
            # "the movement" after "the Nujaba Movement", "the armed forces" after "the Iraqi
            # Armed Forces": a name with the description's words first.
            for wanted in (words | {noun}, frozenset({noun})):
                for item in self.before(offset, window):
                    if (item.actor.code or item.actor.sector) and not item.person:
                        have = {singular(w) for w in item.actor.text.lower().split()}
                        if wanted <= have and item.entry is not None:
                            return item
        for item in self.before(offset, window):
            if not (item.actor.code or item.actor.sector):
                continue
            if noun is not None:
                if noun in item.nouns:
                    return item
                continue
            if plural and _bare_place(item):
                continue  # "they" are people: not the town or country just named
            if person is None or item.person == person:
                return item
        return None

    def named_after(self, offset: int, noun: str, window: int) -> Seen | None:
        """The first coded name after `offset`, within `window` characters, whose words hold
        the description's noun ("The rebel army ... The National Liberation Army")."""
        for item in self.seen:
            if (
                offset <= item.start < offset + window
                and item.actor.code
                and not item.person
                and singular(noun)
                in {singular(w) for w in item.actor.text.lower().split()}
                | {w.removesuffix("s") for w in item.actor.text.lower().split()}
            ):
                return item
        return None

    def last_countries(self, offset: int, count: int) -> list[Seen]:
        """The last `count` different countries named before `offset`, earliest first."""
        found: list[Seen] = []
        for item in self.before(offset, DESCRIPTION_WINDOW):
            code = item.actor.code
            if item.person or not code or not is_country_code(code):
                continue
            if all(code != other.actor.code for other in found):
                found.append(item)
            if len(found) == count:
                break
        return list(reversed(found))

    def by_surname(self, surname: str, offset: int) -> Seen | None:
        for item in reversed(self.seen):
            if item.end <= offset and item.person and item.surname == surname:
                return item
        return None


def _former_or_latter(span: Span) -> Token | None:
    """ "the former" / "the latter": the first or last of the two joined nouns named last
    before it in its sentence ("the army and the militias ... after the latter swept in")."""
    words = span.text.lower().split()
    if words not in (["the", "former"], ["the", "latter"]):
        return None
    sentence = span.root.sent
    pairs = [
        t
        for t in span.doc[sentence.start : span.start]
        if t.pos_ in ("NOUN", "PROPN") and any(c.dep_ == "conj" for c in t.children)
    ]
    if not pairs:
        return None
    first = pairs[-1]
    joined = [first, *(c for c in first.children if c.dep_ == "conj")]
    return joined[0] if words[1] == "former" else joined[-1]


# How far after a lede's description its name may come (about the sentence after it).
LEDE_NAMING_WINDOW = 400


def _in_lede(analyzed: AnalyzedArticle, segment: Segment) -> bool:
    first = next((s for s in analyzed.segments if s.kind == "body"), None)
    return first is not None and first.index == segment.index


class ActorResolver:
    def __init__(self, dictionary: ActorDictionary) -> None:
        self.dictionary = dictionary
        self.phrases = PhraseResolver(dictionary, places=place_country)
        self._states: OrderedDict[str, ArticleState] = OrderedDict()
        self._nouns = frozenset(
            noun for entry in dictionary.entries if entry.nouns for noun in entry.nouns
        )

    @classmethod
    def load(cls, extra_files: Iterable[Path] = ()) -> ActorResolver:
        return cls(_dictionary(tuple(Path(p) for p in extra_files)))

    # --- one phrase -----------------------------------------------------------------------------

    def resolve(
        self, text: str, *, date: dt.date | None = None, context: str | None = None
    ) -> Resolution:
        when = date or dt.date.today()
        result = self.phrases.resolve(text.strip(), when)
        code, sector, how = result.code, result.sector, result.matched_by
        if result.pronoun and not sector:
            sector, how = "UNK", "pronoun"  # "He" with no article to refer back to
        if not code and context:
            around = self.phrases.resolve(context.strip(), when)
            if around.code:
                code = around.code
                how = f"{how}+context" if how else "context"
        entry = result.entry
        return Resolution(
            text=text,
            name=result.name or (entry.name if entry else None),
            code=code or "",
            sector=sector or "",
            aliases=[a for a in (entry.aliases if entry else []) if a != entry.name][:12],
            matched_by=how,
        )

    # --- an article ------------------------------------------------------------------------------

    def annotate(self, analyzed: AnalyzedArticle) -> None:
        state = self._new_state(analyzed)
        for segment in analyzed.segments:
            for candidate in self._candidates(segment):
                self._annotate_one(analyzed, state, segment, candidate)

    def actors_for(self, analyzed: AnalyzedArticle, segment: Segment, span: Span) -> list[Actor]:
        """The actors a phrase names. A generic one ("security forces", "the rebels") that the
        dictionary gives a sector but no country takes the country of the place it is said to
        be in: its own ("rebels in Darfur"), else the one country its clause says things happen
        in ("police arrested activists in Minsk"); `matched_by` then ends "+place"."""
        actors = self._resolve(analyzed, segment, span)
        # Only a common-noun phrase with no name or nationality word of its own.
        generic = span.root.pos_ == "NOUN" and not any(
            t.pos_ == "PROPN" or t.ent_type_ == "NORP" for t in span
        )
        if generic and any(not a.code and a.sector for a in actors):
            country = self._place_country(span, self._state(analyzed).date)
            if country is not None:
                actors = [
                    a.model_copy(update={"code": country, "matched_by": f"{a.matched_by}+place"})
                    if not a.code and a.sector
                    else a
                    for a in actors
                ]
        return actors

    def _place_country(self, span: Span, date: dt.date) -> str | None:
        head = span.root
        own = [
            pobj
            for prep in head.children
            if prep.dep_ == "prep" and prep.lower_ in ("in", "from", "of")
            for pobj in prep.children
            if pobj.dep_ == "pobj" and pobj.ent_type_ == "GPE"
        ]
        if own:  # "courts in France, Germany and Sweden" name no one country
            places = [own[0], *own[0].conjuncts]
            return _one({self._country_of(phrase_span(t), date) for t in places})
        clause = clause_head(head)
        return _one(
            {
                self._country_of(ent, date)
                for ent in head.sent.ents
                if ent.label_ == "GPE"
                and ent.root.dep_ == "pobj"
                and ent.root.head.lower_ in LOCATIVE_PREPS
                and clause_head(ent.root) == clause
            }
        )

    def _country_of(self, place: Span, date: dt.date) -> str | None:
        code = self.phrases.resolve(place.text, date).code
        return code if is_country_code(code) else None

    def _resolve(self, analyzed: AnalyzedArticle, segment: Segment, span: Span) -> list[Actor]:
        state = self._state(analyzed)
        start, end = segment.char_span(span)
        root = span.root
        if len(span) == 1 and root.lower_ in FIRST_PERSON:
            return [Actor(text=span.text, start=start, end=end, matched_by="speaker")]
        pronoun = self._pronoun_antecedent(analyzed, state, segment, span)
        if pronoun is not None:
            return [_actor_like(pronoun, span.text, start, end, "coref")]
        named = _former_or_latter(span)
        if named is not None:  # "the army and its allies ... after the latter moved in"
            return self._resolve(analyzed, segment, phrase_span(named))
        if PAIR_OF_STATES.fullmatch(span.text.lower()):
            pair = state.last_countries(start, 2)
            if len(pair) == 2:  # "both countries": the last two named
                return [_actor_like(item.actor, span.text, start, end, "coref") for item in pair]
        known = self._mention_at(analyzed, segment, root)
        text, _ = self._with_owner(span)
        result = self.phrases.resolve(text, state.date)
        if result.parts:
            actors = []
            for part_start, part_end, part in result.parts:
                chunk = text[part_start:part_end]
                actors.append(
                    Actor(text=chunk, start=start + part_start, end=start + part_end,
                          name=part.name, code=part.code or None, sector=part.sector or None,
                          matched_by=part.matched_by)
                )  # fmt: skip
            return actors
        if (
            result.definite
            and not result.code
            and result.head_noun
            and not (known is not None and known.code)
            and _in_lede(analyzed, segment)
        ):
            # a lede describes and the sentence after names: "The rebel army that fought in the
            # north ... has condemned ... The National Liberation Army, a group of ..."
            later = state.named_after(end, result.head_noun, LEDE_NAMING_WINDOW)
            if later is not None:
                return [_actor_like(later.actor, span.text, start, end, "coref")]
        if known is not None and (known.code or known.sector) and not result.means:
            return [_actor_like(known, span.text, start, end, known.matched_by)]
        if result.person_name and not result.code:
            earlier = state.by_surname(_surname(result.person_name), start)
            if earlier is not None:
                return [_actor_like(earlier.actor, span.text, start, end, "coref")]
        owner = self._pronoun_owner(analyzed, state, segment, span)
        if owner is not None and not result.code:
            return [_owned_by(owner, result, span.text, start, end)]
        if result.definite and not result.code and result.head_noun:
            words = frozenset(singular(t.lower_) for t in span if t.pos_ in ("NOUN", "ADJ"))
            earlier = state.antecedent(start, person=None, noun=result.head_noun, words=words)
            if earlier is not None:
                return [_actor_like(earlier.actor, span.text, start, end, "coref")]

        return [_actor(result, span.text, start, end)]

    # --- internals: annotation -------------------------------------------------------------------

    def _new_state(self, analyzed: AnalyzedArticle) -> ArticleState:
        published = analyzed.article.published
        state = ArticleState(date=published.date() if published else dt.date.today())
        self._states[analyzed.article.id] = state
        self._states.move_to_end(analyzed.article.id)
        while len(self._states) > 8:
            self._states.popitem(last=False)
        return state

    def _state(self, analyzed: AnalyzedArticle) -> ArticleState:
        state = self._states.get(analyzed.article.id)
        if state is None:
            self.annotate(analyzed)
            state = self._states[analyzed.article.id]
        return state

    def _candidates(self, segment: Segment) -> list[tuple[int, int, str]]:
        """(token start, token end, label) of the segment's possible mentions, in order."""
        doc = segment.doc
        spans: list[tuple[int, int, str]] = []
        ner = [e for e in segment.ents if e.label_ in ENTITY_LABELS]
        dictionary_spans = []
        words = _segment_words(segment)
        for found in self.phrases._find_names(words):
            span = doc.char_span(
                words[found.start].start,
                words[found.end - 1].end,
                alignment_mode="expand",
            )
            if span is None:
                continue
            if found.surname and not any(
                e.label_ == "PERSON" and e.start <= span.start and span.end <= e.end for e in ner
            ):
                continue  # a surname alone ("Power", "Hunt") only where spaCy sees a person
            dictionary_spans.append(span)
        covered: set[int] = set()
        for span in dictionary_spans:
            # The dictionary's name wins over a shorter or misaligned spaCy entity.
            overlapping = [e for e in ner if e.start < span.end and span.start < e.end]
            if any(_core(e).start < span.start or _core(e).end > span.end for e in overlapping):
                continue  # a longer name of spaCy's ("Iraq Militia") is read as a whole
            label = overlapping[0].label_ if overlapping else "DICT"
            spans.append((span.start, span.end, label))
            covered.update(range(span.start, span.end))
        for ent in ner:
            if not covered.intersection(range(ent.start, ent.end)):
                spans.append((ent.start, ent.end, ent.label_))
                covered.update(range(ent.start, ent.end))
        for index in _head_nouns(doc):
            if index in covered:
                continue
            token = doc[index]
            noun = singular(token.lower_)
            if noun in self.dictionary.agents or token.lemma_.lower() in self.dictionary.agents:
                spans.append((token.i, token.i + 1, "AGENT"))
            elif (
                noun in self._nouns
                and token.tag_ != "NNS"
                and any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in token.children)
            ):
                spans.append((token.i, token.i + 1, "COREF"))
        return sorted(spans)

    def _annotate_one(
        self,
        analyzed: AnalyzedArticle,
        state: ArticleState,
        segment: Segment,
        candidate: tuple[int, int, str],
    ) -> None:
        doc = segment.doc
        token_start, token_end, label = candidate
        span = doc[token_start:token_end]
        if label not in ("AGENT", "COREF"):
            span = _core(span)
        else:
            self._annotate_noun(analyzed, state, segment, span.root, label)
            return
        text = _strip_quotes(span.text)
        start, end = segment.char_span(span)
        if text.endswith(".") and text.count(".") == 1 and len(text) > 3:
            text, end = text[:-1], end - 1  # "Iraq." at a sentence end
        result = self.phrases.resolve(text, state.date)
        if label == "PERSON" and result.matched_by == "place":
            result = PhraseResult(person_name=text)  # a person named like a town
        entry = result.entry
        how = result.matched_by
        person = label == "PERSON" or (entry is not None and entry.kind == "person")
        if entry is None or (person and entry.kind != "person"):
            context = self._in_context(segment, span, state)
            if context is not None and (context.code or context.sector):
                result, how = context, (context.matched_by or "context")
                person = person or context.person_name is not None
        if person and not result.code and not result.sector:
            earlier = state.by_surname(_surname(text), start)
            if earlier is not None:
                actor = earlier.actor
                result = PhraseResult(
                    actor.name, actor.code or "", actor.sector or "", "coref", earlier.entry
                )
                how = "coref"
        name = result.name or (result.entry.name if result.entry else None)
        if not person and result.person_name and result.entry is None:
            name = None  # an organisation's name read as a person's
        if person and not name:
            name = text
        actor = Actor(text=analyzed.article.text[start:end], start=start, end=end, name=name,
                      code=result.code or None, sector=result.sector or None,
                      matched_by=how if (result.code or result.sector) else "ner")  # fmt: skip
        shown = KIND_LABELS.get(result.entry.kind, label) if result.entry else label
        if shown == "DICT":
            shown = "ORG"
        self._record(analyzed, state, segment, span, actor, result.entry, person, shown)

    def _annotate_noun(
        self,
        analyzed: AnalyzedArticle,
        state: ArticleState,
        segment: Segment,
        noun: Token,
        label: str,
    ) -> None:
        phrase = phrase_span(noun)
        start, end = segment.char_span(phrase)
        text, _ = self._with_owner(phrase)
        result = self.phrases.resolve(text, state.date)
        cut = next((t.i for t in phrase if t.text == "," and t.i > noun.i), None)
        if cut is not None:
            # "the office of X, spokesperson Y": the phrase ends at the apposition.
            phrase = phrase.doc[phrase.start : cut]
            start, end = segment.char_span(phrase)
        singular_noun = noun.tag_ not in ("NNS", "NNPS")
        if (label == "COREF" or result.definite) and not result.code and singular_noun:
            if result.entry is not None:
                return
            words = frozenset(
                singular(t.lower_) for t in phrase if t.pos_ in ("NOUN", "ADJ", "PROPN")
            )
            earlier = state.antecedent(start, person=None, noun=singular(noun.lower_), words=words)
            if earlier is None:
                return
            actor = _actor_like(earlier.actor, phrase.text, start, end, "coref")
            self._record(analyzed, state, segment, phrase, actor, earlier.entry, False, "COREF")
            return
        if not result.code or result.parts:
            return
        label = "AGENT"
        actor = _actor(result, phrase.text, start, end)
        self._record(analyzed, state, segment, phrase, actor, result.entry, False, label)

    def _record(
        self,
        analyzed: AnalyzedArticle,
        state: ArticleState,
        segment: Segment,
        span: Span,
        actor: Actor,
        entry: ActorEntry | None,
        person: bool,
        label: str,
    ) -> None:
        analyzed.mentions.append(
            Mention(segment=segment.index, token_start=span.start, token_end=span.end,
                    actor=actor, label=label)
        )  # fmt: skip
        analyzed.entities.append(
            Entity(text=actor.text, label=label, start=actor.start, end=actor.end,
                   name=actor.name, code=actor.code, sector=actor.sector)
        )  # fmt: skip
        nouns = frozenset(entry.nouns) if entry is not None else frozenset()
        if entry is None and actor.code and not person and label == "AGENT":
            nouns = frozenset({singular(span.root.lower_)})
        root = span.root
        # "Norway's foreign minister, Ana Ruiz, arrived": the name in apposition is the subject
        subject = root.head if root.dep_ == "appos" else root
        state.seen.append(
            Seen(actor.start, actor.end, actor, entry, person, nouns,
                 _surname(actor.name or actor.text) if person else None,
                 subject.dep_ in NOMINAL_SUBJECT_DEPS and subject.head.dep_ == "ROOT",
                 root.tag_ in ("NNS", "NNPS"))
        )  # fmt: skip

    def _in_context(self, segment: Segment, span: Span, state: ArticleState) -> PhraseResult | None:
        """A name read with its noun phrase and its apposition: "Nujaba Movement commander X",
        "X, the group's spokesman"."""
        root = span.root
        phrase = phrase_span(root)
        if phrase.start > span.start or phrase.end < span.end:
            phrase = span
        text, _ = self._with_owner(phrase)
        result = self.phrases.resolve(_strip_quotes(text), state.date)
        if result.code or (result.sector and result.sector not in ("UNK",)):
            return result
        for child in root.children:
            if child.dep_ == "appos":
                described = self.phrases.resolve(phrase_span(child).text, state.date)
                if described.code or described.sector:
                    described.person_name = span.text
                    return described
        if root.dep_ == "appos":
            described = self.phrases.resolve(phrase_span(root.head).text, state.date)
            if described.code and described.entry is None:
                return described
        return None

    def _with_owner(self, span: Span) -> tuple[str, int]:
        """The phrase with its owner attached: "a spokesperson" + "for the Nujaba Movement"."""
        root = span.root
        end = span.end
        for child in root.children:
            if child.dep_ == "prep" and child.lower_ in OWNER_PREPS and child.i >= end:
                last = max(t.i for t in child.subtree)
                if last - span.end < 12:
                    end = max(end, last + 1)
        doc = span.doc
        if end == span.end:
            return span.text, span.end_char
        return doc[span.start : end].text, end

    def _mention_at(self, analyzed: AnalyzedArticle, segment: Segment, root: Token) -> Actor | None:
        best = None
        for mention in analyzed.mentions:
            if mention.segment != segment.index:
                continue
            size = mention.token_end - mention.token_start
            if mention.token_start <= root.i < mention.token_end and (
                best is None or size > best.token_end - best.token_start
            ):
                best = mention
        return best.actor if best is not None else None

    def _pronoun_antecedent(
        self, analyzed: AnalyzedArticle, state: ArticleState, segment: Segment, span: Span
    ) -> Actor | None:
        if len(span) != 1:
            return None
        token = span.root
        word = token.lower_
        start, _ = segment.char_span(span)
        if word in RELATIVE_PRONOUNS:
            clause = token.head
            if clause.dep_ in ("relcl", "acl") and clause.head.pos_ in ("NOUN", "PROPN"):
                head = clause.head
                actors = self.actors_for(analyzed, segment, phrase_span(head))
                return actors[0] if actors and (actors[0].code or actors[0].sector) else None
            return None
        if word in PERSON_PRONOUNS:
            subjects_from = None
            if token.dep_ in NOMINAL_SUBJECT_DEPS:
                subjects_from = analyzed.sentence_before_start(token.sent, segment)
            found = state.antecedent(start, person=True, subjects_from=subjects_from)
            return found.actor if found else None
        if word in GROUP_PRONOUNS:
            subjects_from = None
            if token.dep_ in NOMINAL_SUBJECT_DEPS:
                subjects_from = analyzed.sentence_before_start(token.sent, segment)
            found = state.antecedent(
                start, person=False, plural=word in PLURAL_PRONOUNS, subjects_from=subjects_from
            )
            return found.actor if found else None
        return None

    def _pronoun_owner(
        self, analyzed: AnalyzedArticle, state: ArticleState, segment: Segment, span: Span
    ) -> Actor | None:
        """ "whose political chief", "its fighters": the owner is the pronoun's antecedent."""
        for child in span.root.children:
            if child.dep_ == "poss" and child.lower_ in RELATIVE_PRONOUNS | GROUP_PRONOUNS | (
                PERSON_PRONOUNS
            ):
                if child.lower_ == "whose":
                    clause = span.root.head
                    while clause.dep_ not in ("relcl", "acl") and clause.head != clause:
                        clause = clause.head
                    if clause.dep_ in ("relcl", "acl"):
                        actors = self.actors_for(analyzed, segment, phrase_span(clause.head))
                        return actors[0] if actors else None
                    return None
                doc_span = span.doc[child.i : child.i + 1]
                return self._pronoun_antecedent(analyzed, state, segment, doc_span)
        return None


# --- helpers --------------------------------------------------------------------------------


def _bare_place(item: Seen) -> bool:
    """A mention that names a place and no one in it ("Lyon", "in France"), not "French
    police"."""
    return item.entry is not None and item.entry.kind in PLACE_KINDS and not item.actor.sector


# A town counts as an actor's country when it is big enough not to be a person's name by chance.
MIN_TOWN_POPULATION = 10_000


@lru_cache(maxsize=20_000)
def place_country(name: str) -> str | None:
    """The country (ISO3) of a place name the actor dictionary does not know, from the offline
    gazetteer the places stage uses (loaded once per process): the most populous country,
    region or town of that name, towns only from MIN_TOWN_POPULATION inhabitants. Not a town's
    name without its article: "Zahra" is a woman before it is Az Zahra, Libya."""
    gazetteer = load_gazetteer()
    if place_key(name) in gazetteer.generic_names:
        return None
    best = None
    for entry in gazetteer.lookup(name, short_names=False):
        if entry.feature in ("continent", "region") and not entry.country:
            return None  # "Africa", "Asia": wider than a country, not a town of that name
        if entry.feature in ("continent", "region") or not entry.country:
            continue
        if entry.feature in ("city", "admin2") and entry.population < MIN_TOWN_POPULATION:
            continue
        if entry.feature == "country":
            return actor_country_code(entry.country)
        if best is None or entry.population > best.population:
            best = entry
    return actor_country_code(best.country) if best is not None and best.country else None


def _one(countries: set[str | None]) -> str | None:
    countries.discard(None)
    return countries.pop() if len(countries) == 1 else None


@cache
def _dictionary(extra_files: tuple[Path, ...]) -> ActorDictionary:
    """One dictionary per process and set of user files (workers load it once)."""
    return ActorDictionary.load(extra_files)


def _segment_words(segment: Segment):  # type: ignore[no-untyped-def]
    """The segment's words as the actor dictionary splits them (once per segment)."""
    cached = segment.doc.user_data.get("flashpoint_actor_tokens")
    if cached is None:
        from flashpoint.actor_dictionary import tokenize

        cached = tokenize(segment.text)
        segment.doc.user_data["flashpoint_actor_tokens"] = cached
    return cached


def _head_nouns(doc: Doc) -> list[int]:
    """Indices of nouns and proper nouns that head their phrase (not compound, amod, poss);
    read from arrays so that no Token is built for the other words."""
    strings = doc.vocab.strings
    table = doc.to_array([spacy_attrs.POS, spacy_attrs.DEP])
    pos, dep = table[:, 0], table[:, 1]
    modifier = np.isin(dep, [strings.add(label) for label in ("compound", "amod", "poss")])
    nouns = ((pos == spacy_symbols.NOUN) | (pos == spacy_symbols.PROPN)) & ~modifier
    return np.flatnonzero(nouns).tolist()


def _core(span: Span) -> Span:
    """The span without leading determiners and punctuation, trailing punctuation."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end - 1 and (doc[start].is_punct or doc[start].lower_ in ("the", "a", "an")):
        start += 1
    while end - 1 > start and doc[end - 1].is_punct:
        end -= 1
    return doc[start:end]


def _strip_quotes(text: str) -> str:
    return text.strip().strip("\"'“”‘’").replace('"', "").replace("“", "").replace("”", "")


def _surname(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    return words[-1].lower() if words else ""


def _actor(result: PhraseResult, text: str, start: int, end: int) -> Actor:
    name = result.name or (result.entry.name if result.entry else None)
    return Actor(text=text, start=start, end=end, name=name, code=result.code or None,
                 sector=result.sector or None, matched_by=result.matched_by)  # fmt: skip


def _actor_like(source: Actor, text: str, start: int, end: int, how: str | None) -> Actor:
    return Actor(text=text, start=start, end=end, name=source.name, code=source.code,
                 sector=source.sector, matched_by=how)  # fmt: skip


def _owned_by(owner: Actor, result: PhraseResult, text: str, start: int, end: int) -> Actor:
    """A sector noun whose owner is a pronoun's antecedent: an organisation's member takes its
    code and sector; a country's takes the noun's sector."""
    sector = result.sector or owner.sector
    if owner.sector and owner.sector not in ("GOV",) and owner.name:
        sector = owner.sector
    return Actor(text=text, start=start, end=end, name=owner.name if owner.sector else None,
                 code=owner.code, sector=sector or None, matched_by="coref")  # fmt: skip
