"""Stage 5b, events: PLOVER events from each sentence of the body and captions.

For every sentence:
1. candidates: verbs and event nouns the lexicon knows (`lexicon.py`), read with their
   particles and objects ("pull out troops", "carry out strikes", "hold talks");
2. structure: a governing verb takes its complement's event as its mode ("threatened to
   strike" -> THREATEN violence); reported speech codes what was reported ("X said Y attacked
   Z" -> Y ASSAULT Z, claimed by X); an intent verb makes its complement hypothetical;
3. participants: actor and recipient from the parse (subject, by-agent, object, "on/against/
   with" phrases, possessives and nationality adjectives of event nouns), resolved to
   actors by the actors stage;
4. flags: negated, hypothetical, future, background; PLOVER's rules for future acts (a future
   cooperative act is AGREE, a future retreat CONCEDE);
5. merging: an event noun inside a verb event of the same type ("killed in an Israeli
   airstrike") adds its actor and mode to it instead of becoming a second event;
6. main assertions: events in subordinate clauses are dropped when the sentence has a
   main-clause event, except ASSAULT (see `_main_assertions`).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property

import numpy as np
from spacy import attrs as spacy_attrs
from spacy import symbols as spacy_symbols
from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from flashpoint.analysis import AnalyzedArticle, Segment, Sentence
from flashpoint.gazetteer import load_gazetteer, place_key
from flashpoint.lexicon import NO_EVENT, Context, Lexicon, Rule
from flashpoint.model import Actor, Event, Span, actor_country_code, is_country_code
from flashpoint.quantities import find_quantities
from flashpoint.stages.actors import ActorResolver
from flashpoint.syntax import (
    OBJECT_DEPS,
    PASSIVE_SUBJECT_DEPS,
    PRONOUNS,
    children,
    claim_verb,
    conjuncts,
    first_child,
    hyphenated,
    is_passive,
    lemmas,
    main_verb_read_as_modifier,
    phrase_span,
    prep_objects,
    subject_of,
)
from flashpoint.temporal import clause_tense

CODED_PARTS = ("body", "caption")
SUBJECT_HEAD_DEPS = {"nsubj", "nsubjpass", "conj", "ROOT"}
NON_ACTOR_ENTITIES = {"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"}
# Recipient prepositions by event type (first match wins); "*" for any type.
RECIPIENT_PREPS: dict[str, tuple[str, ...]] = {
    "CONSULT": ("with", "to"),
    "COOPERATE": ("with", "alongside"),
    "AID": ("to", "for"),
    "REQUEST": ("on", "upon", "to", "from", "with"),
    "ACCUSE": ("against", "of", "on"),
    "THREATEN": ("against", "on", "to"),
    "ASSAULT": ("on", "against", "at", "upon", "into", "in"),
    "SANCTION": ("on", "against", "to", "from"),
    "PROTEST": ("against", "outside", "at"),
    "*": ("against", "on", "with", "to"),
}
# Types whose direct object is usually the thing given or imposed, not the recipient ("gave
# 50 million dollars to Ukraine", "demanded an apology from Iran").
THEME_OBJECT_TYPES = {"AID", "SANCTION", "THREATEN", "REQUEST"}
# Prepositions whose object, when it is an actor, is the recipient behind a thing-object
# ("aid for X", "embargoes on sales to X", "mediation between X and Y", "weapons seized from X").
ACTOR_RECIPIENT_PREPS = ("for", "to", "with", "between", "from", "against", "on")
# Entity types that name actors.
ACTOR_ENTITIES = {"PERSON", "NORP", "ORG", "GPE"}
# Pronouns that, as the actor of reported speech, stand for the speaker.
# Sectors of people who protest in the street (not states and officials, who protest in words).
FORCE_SECTORS = {"COP", "MIL", "SPY"}
PEOPLE_SECTORS = {"CVL", "LAB", "EDU", "OPP", "REL", "AGR", "BUS", "REF", "SOC", "MED", "JRN"}
SPEAKER_PRONOUNS = {"we", "us", "i", "me", "it", "they", "he", "she"}
THIRD_PERSON_PLURAL = {"they", "them"}
# Determiners of a noun phrase that refers back to something told ("the claim", "this call").
DEFINITE_DETERMINERS = {"the", "this", "these", "that", "those"}
# PLOVER quad codes of events told by speaking (verbal cooperation, verbal conflict).
VERBAL_QUADS = (1, 3)
_YEAR = re.compile(r"^(1[89]|20)\d\d$")


DEMAND_RULE = Rule(event="REQUEST", confidence=0.6, origin="must")


def _must_clause(verb: Token, lexicon: Lexicon) -> bool:
    has_must = any(c.dep_ == "aux" and c.lower_ == "must" for c in verb.children)
    reported = verb.dep_ == "ccomp" and verb.head.lemma_.lower() in lexicon.words("reporting_verbs")
    return has_must and reported


@dataclass
class Candidate:
    token: Token
    rule: Rule
    event: str
    mode: str | None
    is_noun: bool
    governed: bool = False  # swallowed by a governing event
    governor: Candidate | None = None
    actor_heads: list[Token] = field(default_factory=list)
    recipient_heads: list[Token] = field(default_factory=list)
    actor_span_override: Token | None = None
    commander: Candidate | None = None  # "ordered the arrest": the one who ordered it


def find_events(
    analyzed: AnalyzedArticle, lexicon: Lexicon, resolver: ActorResolver
) -> list[Event]:
    events: list[Event] = []
    for sentence in analyzed.sentences(*CODED_PARTS):
        events.extend(_sentence_events(analyzed, sentence, lexicon, resolver))
    _drop_places_as_actors(analyzed, events)
    return events


def _drop_places_as_actors(analyzed: AnalyzedArticle, events: list[Event]) -> None:
    """A village or town never acts: the name before an event noun ("the Kanyole massacre"),
    where the article says "in Kanyole" or "Kanyole, a village", names where it happened, not
    who did it (a name the gazetteer lacks looks like a group to the parser). A state or
    capital standing for one has a country code and stays."""
    text = analyzed.article.text

    def naming_the_act(actor: Actor, event: Event) -> bool:
        # the name right before the event noun ("the Kanyole massacre")
        trigger = event.trigger
        return (
            actor.code is None
            and trigger is not None
            and actor.end <= trigger.start
            and not text[actor.end : trigger.start].strip(" -")
        )

    if not any(naming_the_act(a, event) for event in events for a in event.actor):
        return
    places = _names_used_as_places(analyzed)
    for event in events:
        event.actor = [
            a for a in event.actor if not (naming_the_act(a, event) and a.text in places)
        ]


def _names_used_as_places(analyzed: AnalyzedArticle) -> frozenset[str]:
    """The proper names the article uses as places: after "in", "at", "near"...; in "the
    village of X"; or with a place noun beside them ("X, a village", "X village")."""
    names: set[str] = set()
    for segment in analyzed.segments:
        for token in segment.doc:
            if token.pos_ != "PROPN" or token.dep_ == "compound":
                continue
            head = token.head
            located = token.dep_ == "pobj" and (
                head.lower_ in PLACE_PREPOSITIONS
                or (head.lower_ == "of" and head.head.lemma_.lower() in PLACE_HEADS)
            )
            described = any(
                c.dep_ in ("appos", "compound") and c.lemma_.lower() in PLACE_HEADS
                for c in token.children
            ) or (token.dep_ == "compound" and head.lemma_.lower() in PLACE_HEADS)
            if located or described:
                start = min(
                    (c.i for c in token.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"),
                    default=token.i,
                )
                names.add(token.doc[start : token.i + 1].text)
    return frozenset(names)


# Prepositions whose proper-noun object is where something is ("in Kanyole").
PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "outside", "around", "inside", "into"})


def _sentence_events(
    analyzed: AnalyzedArticle, sentence: Sentence, lexicon: Lexicon, resolver: ActorResolver
) -> list[Event]:
    words = cache(lambda: lemmas(sentence.span))  # read once per sentence, when a noun needs it
    tokens = _possible_triggers(sentence, lexicon)
    candidates = [c for c in (_candidate(t, lexicon, words) for t in tokens) if c]
    if not candidates:
        return []
    by_token = {c.token.i: c for c in candidates}
    _apply_government(candidates, by_token, lexicon)
    for candidate in candidates:
        _find_participants(candidate, by_token, lexicon)
    is_actor = _ActorTest(analyzed, sentence, resolver, lexicon.words("person_nouns"))
    for candidate in candidates:
        _prefer_actor_recipients(candidate, is_actor)
    for candidate in candidates:
        governor = candidate.governor
        if (
            governor is not None
            and candidate.recipient_heads
            and (not governor.recipient_heads or governor.event == candidate.event)
        ):
            # the governed act's target; for an act it became ("sent jets to bomb the town":
            # ASSAULT), the target, not the jets
            governor.recipient_heads = candidate.recipient_heads
    for candidate in candidates:
        _keep_agents(candidate, is_actor, lexicon)
    _dispersed_people(candidates, lexicon)
    _protest_targets(candidates, is_actor, lexicon)
    kept = [
        c
        for c in candidates
        if not c.governed
        and _noun_is_coded(c, by_token, lexicon)
        and not _attacked_unit(c, by_token)
    ]
    kept = _merge_nouns_into_verbs(kept, by_token)
    events = []
    for candidate in kept:
        event = _build_event(analyzed, sentence, candidate, lexicon, resolver)
        if event is not None:
            events.append(event)
    return _clash_facts(_dedupe(_main_assertions(events)), sentence, lexicon)


def _clash_facts(events: list[Event], sentence: Sentence, lexicon: Lexicon) -> list[Event]:
    """A fight told with no side ("27 soldiers were killed in the fighting") only adds its
    dead to the clash: the people it names are no recipient (a clash has none). Done once the
    sentence's events are settled, so that its facts are not taken for a repeat."""
    for event in events:
        if event.event != "ASSAULT" or event.actor or not event.recipient or event.trigger is None:
            continue
        if event.background or event.hypothetical or event.negated:
            continue
        segment = sentence.segment
        span = segment.doc.char_span(
            event.trigger.start - segment.start,
            event.trigger.end - segment.start,
            alignment_mode="expand",
        )
        if span is not None and _told_as_clash(span.root, lexicon):
            event.recipient = []
    return events


# --- 1. candidates ------------------------------------------------------------------------------


@dataclass
class _TriggerWords:
    """Hashes of the words that can start a rule, to skip every other token without building a
    spaCy Token (the costliest thing this stage did)."""

    verbs: frozenset[int]
    nouns: frozenset[int]
    adjectives: frozenset[int]
    must: int

    @cached_property
    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return tuple(
            np.array(sorted(w), dtype=np.uint64) for w in (self.verbs, self.nouns, self.adjectives)
        )


def _member(values: np.ndarray, sorted_words: np.ndarray) -> np.ndarray:
    """Which `values` are in `sorted_words` (a sorted array of hashes)."""
    index = np.minimum(np.searchsorted(sorted_words, values), len(sorted_words) - 1)
    return sorted_words[index] == values


_TRIGGER_WORDS: dict[tuple[int, int], _TriggerWords] = {}


def _trigger_words(lexicon: Lexicon, strings) -> _TriggerWords:
    key = (id(lexicon), id(strings))
    found = _TRIGGER_WORDS.get(key)
    if found is None:
        # A verb key's first word ("pull" of "pull out"); "re" + a verb ("reimpose").
        verbs = {k.split()[0] for k in lexicon.verbs} | {"re" + k.split()[0] for k in lexicon.verbs}
        # A noun key's last word ("strike" of "air strike", "fire" of "cease-fire").
        nouns = {k.split()[-1].split("-")[-1] for k in lexicon.nouns}

        def hashes(words: set[str]) -> frozenset[int]:
            # Lemmas can be capitalised ("Strike" in a headline); the rules are lower case.
            forms = {f for w in words for f in (w, w.capitalize(), w.upper())}
            return frozenset(strings.add(f) for f in forms)

        found = _TriggerWords(
            verbs=hashes(verbs),
            nouns=hashes(nouns),
            adjectives=hashes(set(lexicon.adjectives)),
            must=strings.add("must"),
        )
        _TRIGGER_WORDS[key] = found
    return found


def _possible_triggers(sentence: Sentence, lexicon: Lexicon) -> list[Token]:
    """The sentence's tokens that some rule could fire on: a superset of the candidates."""
    span = sentence.span
    doc = span.doc
    words = _trigger_words(lexicon, doc.vocab.strings)
    arrays = doc.user_data.get("flashpoint_event_arrays")
    if arrays is None:
        table = doc.to_array([spacy_attrs.POS, spacy_attrs.LEMMA, spacy_attrs.LOWER])
        pos, lemma, lower = table[:, 0], table[:, 1], table[:, 2]
        verbs, nouns, adjectives = words.arrays
        is_verb = (pos == spacy_symbols.VERB) | (pos == spacy_symbols.AUX)
        is_noun = (pos == spacy_symbols.NOUN) | (pos == spacy_symbols.PROPN)
        is_adjective = pos == spacy_symbols.ADJ
        keyed = (
            (is_verb & (_member(lemma, verbs) | _member(lower, verbs)))
            | (is_noun & (_member(lemma, nouns) | _member(lower, nouns)))
            # adjectives, and nouns and participles said of something ("was a war crime",
            # "was appalled by")
            | (
                (is_adjective | is_noun | is_verb)
                & (_member(lemma, adjectives) | _member(lower, adjectives))
            )
        )
        # Verbs whose lemma the rules may know only through their inflection ("staged").
        unknown_verbs = (pos == spacy_symbols.VERB) & ~keyed
        arrays = (keyed, unknown_verbs, is_verb, lower)
        doc.user_data["flashpoint_event_arrays"] = arrays
    keyed, unknown_verbs, is_verb, lower = arrays
    start, end = span.start, span.end
    # "must" makes any verb a possible demand.
    if (lower[start:end] == words.must).any():
        chosen = keyed[start:end] | is_verb[start:end]
    else:
        chosen = keyed[start:end].copy()
        strings = doc.vocab.strings
        for offset in np.flatnonzero(unknown_verbs[start:end]):
            forms = _inflection_lemmas(strings[int(lower[start + offset])])
            if any(strings.add(f) in words.verbs for f in forms):
                chosen[offset] = True
    return [doc[start + int(i)] for i in np.flatnonzero(chosen)]


def _candidate(
    token: Token, lexicon: Lexicon, sentence_words: Callable[[], frozenset[str]]
) -> Candidate | None:
    if token.pos_ == "VERB" and token.dep_ in ("amod", "compound", "nmod"):
        return None  # "allied factions", "Iran-aligned groups": modifiers, not acts
    predicate = _predicate_word(token, lexicon)
    if predicate is not None:
        rule = lexicon.match_adjective(predicate, _context(token, sentence_words))
        if rule is None or rule.event == NO_EVENT:
            return None
        return Candidate(token=token, rule=rule, event=rule.event, mode=rule.mode, is_noun=False)
    if token.pos_ == "VERB" or (
        token.pos_ == "AUX" and token.dep_ == "ROOT" and token.lemma_ != "be"
    ):
        # Reading the context costs; only words the lexicon knows need it.
        keys = [key for key in _verb_keys(token) if key in lexicon.verbs]
        context = _context(token, sentence_words) if keys else None
        for key in keys:
            rule = lexicon.match_verb(key, context)
            if rule is not None:
                break
        else:
            # "said China must drop its barriers": whatever is demanded, it is a demand.
            if not _must_clause(token, lexicon):
                return None
            rule = DEMAND_RULE
        is_noun = False
    elif (
        token.pos_ == "ADJ"
        and token.lemma_.lower() in lexicon.adjectives
        # said of something ("was illegal", "was an unfriendly step"), not naming a kind of
        # thing ("targeted illegal residents")
        and (token.dep_ != "amod" or token.head.dep_ in ("attr", "oprd"))
    ):
        rule = lexicon.match_adjective(token.lemma_.lower(), _context(token, sentence_words))
        if rule is None:
            return None
        is_noun = False
    elif token.pos_ in ("NOUN", "PROPN") and token.dep_ != "compound":
        keys = [key for key in _noun_keys(token) if key in lexicon.nouns]
        if not keys:
            return None
        context = _context(token, sentence_words)
        rule = None
        for key in keys:
            rule = lexicon.match_noun(key, context)
            if rule is not None:
                break
        if rule is None:
            return None
        is_noun = True
    else:
        return None
    if rule.event == NO_EVENT:
        return None
    return Candidate(token=token, rule=rule, event=rule.event, mode=rule.mode, is_noun=is_noun)


def _predicate_word(token: Token, lexicon: Lexicon) -> str | None:
    """The `adjectives` key of a noun or participle said of something with "be" ("said the
    raid was a war crime", "said it was appalled by the killings"); adjectives proper are
    read in `_candidate`."""
    if token.pos_ == "NOUN" and token.dep_ == "attr" and token.head.lemma_ == "be":
        word = token.lemma_.lower()
    elif (
        token.pos_ == "VERB"
        and token.tag_ == "VBN"
        and (token.dep_ == "acomp" or any(c.dep_ == "auxpass" for c in token.children))
    ):
        word = token.lower_
        # a speaker's dismay ("was appalled by"), not a passive act ("is being prepared")
        if not all(rule.alleged for rule in lexicon.adjectives.get(word, [])):
            return None
    else:
        return None
    return word if word in lexicon.adjectives else None


def _verb_keys(token: Token) -> list[str]:
    """Lookup keys, most specific first: "pull out", "take hostage", then the bare lemma. Each
    with spaCy's lemma and, as a fallback, lemmas read off the inflected form (the small model
    lemmatises "staged" as "stag")."""
    keys = []
    for lemma in verb_lemmas(token):
        for child in token.children:
            if (
                child.dep_ == "prt"
                or (child.dep_ == "prep" and child.i == token.i + 1)
                or (child.dep_ == "advmod" and child.i == token.i + 1 and child.lower_ == "back")
            ):
                keys.append(f"{lemma} {child.lower_}")
            if child.dep_ == "prep":  # "set the bins on fire": a verb with its phrase
                keys += [
                    f"{lemma} {child.lower_} {p.lemma_.lower()}" for p in children(child, "pobj")
                ]
            if child.dep_ in ("dobj", "acomp", "oprd") and child.i <= token.i + 2:
                keys.append(f"{lemma} {child.lemma_.lower()}")
        keys.append(lemma)
        # "reimposed" is "imposed" again
        if lemma.startswith("re") and len(lemma) > 6 and not lemma.startswith("rele"):
            keys.append(lemma[2:].lstrip("-"))
    return keys


def verb_lemmas(token: Token) -> list[str]:
    """spaCy's lemma first, then candidates from English inflection of the surface form."""
    return list(dict.fromkeys([token.lemma_.lower(), *_inflection_lemmas(token.lower_)[1:]]))


def _inflection_lemmas(word: str) -> list[str]:
    """Possible lemmas of an inflected English verb form ("staged" -> "staged", "stage", ...)."""
    found = [word]
    if word.endswith("ied"):
        found.append(word[:-3] + "y")
    elif word.endswith("ed"):
        found += [word[:-1], word[:-2]]
        if len(word) > 4 and word[-3] == word[-4]:  # "stopped" -> "stop"
            found.append(word[:-3])
    elif word.endswith("ing"):
        found += [word[:-3], word[:-3] + "e"]
        if len(word) > 5 and word[-4] == word[-5]:
            found.append(word[:-4])
    elif word.endswith("ies"):
        found.append(word[:-3] + "y")
    elif word.endswith("es"):
        found += [word[:-1], word[:-2]]
    elif word.endswith("s"):
        found.append(word[:-1])
    return found


def _noun_keys(token: Token) -> list[str]:
    lemma = token.lemma_.lower()
    compound = hyphenated(token)
    keys = [compound] if compound else []
    keys += [
        f"{c.lower_} {lemma}"
        for c in token.children
        if c.dep_ in ("compound", "amod") and c.i == token.i - 1
    ]
    keys.append(lemma)
    if token.lower_ != lemma:
        keys.append(token.lower_)
    return keys


def _context(token: Token, sentence_words: Callable[[], frozenset[str]]) -> Context:
    objects: list[Token] = []
    modifiers: list[Token] = []
    preps: list[Token] = []
    for child in token.children:
        if child.dep_ == "ccomp":
            objects.append(child)  # reported content: the verb, not its objects
            continue
        if child.dep_ in OBJECT_DEPS or child.dep_ in (
            "xcomp",
            "prt",
            "advmod",
            "npadvmod",
        ):
            objects.append(child)
            objects.extend(
                c
                for c in child.children
                if c.dep_ in ("dobj", "compound", "amod", "prt", "pobj", "prep", "acomp")
            )
            for grandchild in child.children:
                if grandchild.dep_ == "prep":
                    objects.extend(children(grandchild, "pobj"))
        if child.dep_ == "prep" and _temporal(child):
            continue  # "called X on Saturday": when, not the verb's "call on"
        if child.dep_ in ("prep", "agent", "prt"):
            preps.append(child)
            for pobj in children(child, "pobj"):
                if child.dep_ == "agent":
                    continue  # "captured by the rebels": the doer, not what was captured
                objects.append(pobj)
                objects.extend(c for c in pobj.children if c.dep_ in ("compound", "amod"))
        if child.dep_ in ("compound", "amod", "nmod", "poss", "nummod"):
            modifiers.append(child)
        if child.dep_ in ("advcl", "ccomp", "xcomp"):
            # "called for the UN to protect them": the parser marks the clause with "for".
            for mark in children(child, "mark"):
                if mark.lower_ == "for":
                    preps.append(mark)
                    objects.extend(children(child, "nsubj", "nsubjpass"))
    if token.dep_ in ("acl", "relcl") and token.tag_ == "VBN":
        objects.append(token.head)  # "attacks launched by X": the head noun is the object
    # Passive subjects are the objects of the action ("sanctions were imposed").
    for child in children(token, *PASSIVE_SUBJECT_DEPS):
        objects.append(child)
        objects.extend(c for c in child.children if c.dep_ in ("compound", "amod"))
    if token.pos_ in ("VERB", "AUX", "ADJ"):
        # an infinitive or gerund shares the subject of the verb it completes ("fighters
        # started entering the town"): that subject is in its clause too
        shared = (
            [t for s in children(token.head, "nsubj", "nsubjpass") for t in s.subtree]
            if token.dep_ == "xcomp"
            else []
        )

        def clause() -> frozenset[str]:
            return lemmas([t for t in token.subtree if not _in_nested_clause(t, token)] + shared)

    else:
        # An event noun is read in its whole sentence ("workers ... will not end the strike").
        clause = sentence_words

    def complement() -> frozenset[str]:
        return lemmas(t for c in token.children if c.dep_ in ("ccomp", "xcomp") for t in c.subtree)

    def complement_tense() -> frozenset[str]:
        return frozenset(
            tense for c in token.children if c.dep_ == "ccomp" and (tense := clause_tense(c))
        )

    def predicate() -> frozenset[str]:
        # what the word calls its object: an object predicate, or "as ..." ("described it as")
        said = [c for c in token.children if c.dep_ == "oprd"]
        said += [o for prep, o in prep_objects(token, "as")]
        # the parser may hang it on the object: "called the charges politically motivated"
        said += [
            c
            for o in token.children
            if o.dep_ == "dobj"
            for c in o.children
            if c.dep_ in ("acl", "amod") and c.i > o.i
        ]
        return lemmas(t for c in said for t in c.subtree)

    def purpose() -> frozenset[str]:
        # a participle or an infinitive telling what it is for ("demanding ...", "to demand")
        aims = [
            c
            for c in token.children
            if c.dep_ in ("advcl", "xcomp") and (c.tag_ == "VBG" or _to_infinitive(c))
        ]
        return lemmas(aims)

    return Context(
        objects=lemmas(objects),
        modifiers=lemmas(modifiers),
        preps=frozenset(p.lower_ for p in preps),
        clause=clause,
        has_object=any(c.dep_ in ("dobj", "dative", "nsubjpass") for c in token.children),
        complement=complement,
        complement_tense=complement_tense,
        predicate=predicate,
        purpose=purpose,
    )


def _temporal(prep: Token) -> bool:
    objects = list(children(prep, "pobj"))
    return bool(objects) and all(o.ent_type_ in ("DATE", "TIME") for o in objects)


def _in_nested_clause(token: Token, root: Token) -> bool:
    current = token
    while current != root and current.head != current:
        if current.dep_ in ("ccomp", "advcl", "relcl", "parataxis") and current != root:
            return True
        current = current.head
    return False


# --- 2. structure: government, reported speech ---------------------------------------------------


def _apply_government(
    candidates: list[Candidate], by_token: dict[int, Candidate], lexicon: Lexicon
) -> None:
    for candidate in candidates:
        if candidate.rule.defer:
            # A command: the commanded act stands, its actor the commander.
            commanded = _complements(candidate.token, by_token, lexicon)
            candidate.governed = bool(commanded)
            for item in commanded[:1]:
                item.commander = candidate
            continue
        if not candidate.rule.governs:
            continue
        for governed in _complements(candidate.token, by_token, lexicon):
            if governed.governed:
                continue
            governed.governed = True
            governed.governor = candidate
            kind = lexicon.type_when_governing(candidate.event, governed.event, governed.is_noun)
            if kind != candidate.event:
                candidate.event, candidate.mode = kind, None
            mode = lexicon.mode_when_governing(candidate.event, governed.event, governed.mode)
            if candidate.event == governed.event:
                mode = governed.mode
            if candidate.mode is None and mode is not None:
                candidate.mode = mode
            # "called on them to open an inquiry and to release the detainees": every act
            # joined to the content is content too
            # (their targets are not the governing act's: "will not stand by and watch an
            # attack on the town" threatens the attackers)
            for joined in _joined_content(governed.token, by_token):
                joined.governed = True
            # a list of demands ("calls on: - the EU to suspend ...; - the police to
            # release ..."): every infinitive the word takes is content too
            for other in _infinitive_complements(candidate.token, by_token):
                other.governed = True
            break
    # The topic of a protest (usually a demand) is not a separate event (PLOVER manual).
    topics = lexicon.words("protest_topic_types")
    for candidate in candidates:
        if candidate.event == "PROTEST" and not candidate.governed:
            for item in _complements(candidate.token, by_token, lexicon):
                if item.event in topics and not item.governed:
                    item.governed, item.governor = True, candidate


def _attacked_unit(candidate: Candidate, by_token: dict[int, Candidate]) -> bool:
    """ "ambushed a UN patrol", "attacked an army convoy": a deployment noun that is what an
    attack hit names the attacked side, not a deployment told as news."""
    noun = candidate.token
    if not candidate.is_noun or candidate.event != "MOBILIZE":
        return False
    head = noun.head
    if noun.dep_ == "pobj" and head.dep_ == "prep":
        head = head.head
    attack = by_token.get(head.i)
    return (
        attack is not None
        and attack.event == "ASSAULT"
        and noun.dep_ in ("dobj", "pobj", "nsubjpass")
    )


def _infinitive_complements(token: Token, by_token: dict[int, Candidate]) -> list[Candidate]:
    """Candidates that are "to" infinitives complementing `token` ("to suspend", "to release")."""
    return [
        by_token[c.i]
        for c in token.children
        if c.dep_ == "xcomp" and c.i in by_token and _to_infinitive(c)
    ]


def _joined_content(token: Token, by_token: dict[int, Candidate]) -> list[Candidate]:
    """Candidates joined by "and"/"or" to a governed act ("to open an inquiry and to release the
    detainees"), and their objects."""
    joined = []
    for conj in token.conjuncts:
        if conj.i in by_token:
            joined.append(by_token[conj.i])
        joined += [by_token[c.i] for c in conj.children if c.dep_ == "dobj" and c.i in by_token]
    return joined


def _complements(token: Token, by_token: dict[int, Candidate], lexicon: Lexicon) -> list[Candidate]:
    """Candidate events a governing word takes as its content, nearest kinds first: its
    clausal complement ("refused to lift"), its object ("demanded the release"), one level
    deeper ("agreed to begin talks", "called for the release of"), then a few prepositions
    ("called for sanctions", "insisted on its demands"). What a text is about ("proposed a
    resolution on the killings") is its topic, not its content."""
    clausal, objects, deeper, prepositional = [], [], [], []
    topic_nouns = lexicon.words("topic_nouns")
    for child in token.children:
        if child.dep_ == "advcl" and _circumstance(child):
            continue  # "what was agreed when they met": when, not what
        if child.dep_ in ("xcomp", "ccomp", "acl", "advcl") and child.i in by_token:
            clausal.append(by_token[child.i])
        elif child.dep_ == "dobj" and child.i in by_token:
            objects.append(by_token[child.i])
        elif child.dep_ in ("xcomp", "ccomp", "acl", "dobj"):
            for grandchild in child.children:
                if grandchild.dep_ in ("dobj", "xcomp", "pobj") and grandchild.i in by_token:
                    deeper.append(by_token[grandchild.i])
                if child.lemma_.lower() in topic_nouns and grandchild.lower_ in TOPIC_PREPS:
                    continue
                for pobj in children(grandchild, "pobj"):
                    if pobj.i in by_token:
                        deeper.append(by_token[pobj.i])
        elif child.dep_ == "prep" and child.lower_ in GOVERNED_PREPS:
            prepositional += [by_token[p.i] for p in children(child, "pobj") if p.i in by_token]
    return clausal + objects + deeper + prepositional


GOVERNED_PREPS = {"for", "on", "upon", "to", "of", "against", "with", "into"}
# Prepositions after which a text names its topic ("a report on", "an inquiry into").
TOPIC_PREPS = frozenset({"on", "about", "into", "over", "regarding", "concerning"})
# Conjunctions of a clause of time, cause or condition: its act is no word's content.
CIRCUMSTANCE_MARKS = frozenset(
    {"when", "while", "after", "before", "because", "as", "since", "until", "once", "whenever"}
)


def _when(clause: Token) -> bool:
    """A clause of time opened by "when" and told in the simple past ("when the two leaders
    met in Oslo"): an act it tells happened. ("while" tells a state or a process.)"""
    return clause.tag_ == "VBD" and any(
        c.dep_ in ("mark", "advmod") and c.lower_ == "when" and c.i < clause.i
        for c in clause.children
    )


def _circumstance(clause: Token) -> bool:
    return any(
        c.dep_ in ("mark", "advmod") and c.lower_ in CIRCUMSTANCE_MARKS and c.i < clause.i
        for c in clause.children
    )


# Acts two parties do together: "between X and Y" names both as actors.
JOINT_TYPES = frozenset({"AGREE", "CONSULT", "COOPERATE", "SUPPORT", "RETREAT", "CONCEDE"})


def _between_parties(token: Token) -> list[Token]:
    """The heads named by a "between X and Y" phrase on the token."""
    return [p for _prep, pobj in prep_objects(token, "between") for p in _participants(pobj)]


def _between(candidate: Candidate, noun: Token, lexicon: Lexicon) -> bool:
    """Participants named as "between X and Y" on an event noun: both actors of a joint act,
    the first the actor and the rest the recipients of any other ("clashes between X and
    Y")."""
    holders = [noun]
    verb = noun.head
    occurs = (
        noun.dep_ == "nsubj" and verb.lemma_.lower() in lexicon.words("occurrence_verbs")
    ) or (noun.dep_ == "nsubjpass" and verb.lemma_.lower() in lexicon.words("occurrence_passives"))
    if occurs:
        holders.append(verb)  # "clashes broke out between X and Y": the parser's attachment
    parties = [p for holder in holders for p in _between_parties(holder)]
    if len(parties) < 2:
        return False
    if candidate.event in JOINT_TYPES or _clash_word(noun, lexicon):
        # a clash has two sides and no target (ARTICLES.md: both sides of a battle act)
        candidate.actor_heads, candidate.recipient_heads = parties, []
    else:
        candidate.actor_heads, candidate.recipient_heads = parties[:1], parties[1:]
    return True


def _noun_is_coded(candidate: Candidate, by_token: dict[int, Candidate], lexicon: Lexicon) -> bool:
    """An event noun is coded only when it is an act reported here, not a reference to one."""
    if not candidate.is_noun:
        return True
    token = candidate.token
    head = token.head
    if _series_verb(token, lexicon) is not None:
        return True  # "took part in a campaign of rocket strikes"
    if _participation_verb(token) is not None:
        return True  # "thousands took part in the protest"
    if (claim := claim_verb(token, lexicon)) is not None:
        # "the group claimed the attack": the act, now with its doer; an act no one claimed
        # is told where it happened, not here; "has claimed attacks on the army" is a habit
        if not _definite(token):
            return False
        claimant = _claimant(claim)
        denied = any(c.dep_ == "neg" for c in claim.children)
        return not (denied or (claimant is not None and _no_one(claimant)))
    if (
        token.dep_ == "pobj"
        and head.dep_ == "prep"
        and head.lower_ in lexicon.words("reference_preps")
    ):
        return False
    if token.dep_ in ("dobj", "attr") and _light_verb(head, lexicon):
        return True
    if token.dep_ == "attr" and any(c.dep_ == "expl" for c in head.children):
        return True  # "there were clashes in the north": told as having happened
    if token.dep_ == "dobj" and head.lemma_.lower() in _PATIENT_VERBS:
        return True
    if _dispersed_protest(candidate, lexicon):
        return bool(candidate.actor_heads)  # a protest of people the text names
    if _own_actor(token, by_clause=False) is not None:
        return True  # ("the attack carried out by X" may refer back: its clause is no report)
    return token.dep_ in ("nsubj", "nsubjpass") and head.pos_ in ("VERB", "AUX")


def _dispersed_people(candidates: list[Candidate], lexicon: Lexicon) -> None:
    """ "dispersed a sit-in by nurses", "used tear gas to break up a march by veterans": the
    force is aimed at the protesters, not at their protest."""
    for protest in candidates:
        if not (protest.actor_heads and _dispersed_protest(protest, lexicon)):
            continue
        verb = protest.token.head
        for force in candidates:
            aimed_at_protest = not force.recipient_heads or protest.token in force.recipient_heads
            if (
                force.event == "ASSAULT"
                and not force.is_noun
                and (
                    force.token == verb
                    or (verb.head == force.token and verb.dep_ in ("xcomp", "advcl"))
                )
                and aimed_at_protest
            ):
                force.recipient_heads = list(protest.actor_heads)


def _dispersed_protest(candidate: Candidate, lexicon: Lexicon) -> bool:
    """A protest noun that a force's verb ends: "dispersed a sit-in", "to break up a march"."""
    token = candidate.token
    return (
        candidate.is_noun
        and candidate.event == "PROTEST"
        and token.dep_ == "dobj"
        and bool(set(_verb_keys(token.head)) & lexicon.words("dispersal_verbs"))
    )


def _light_verb(verb: Token, lexicon: Lexicon) -> bool:
    """A verb with no meaning of its own, whose object is the act ("carried out the raid",
    "took action"), unless its particle gives it one ("took up the arrests with the
    government": raised them; `meaningful_phrasal_verbs`)."""
    lemma = verb.lemma_.lower()
    if lemma not in lexicon.words("light_verbs"):
        return False
    particles = [c.lower_ for c in verb.children if c.dep_ == "prt"]
    phrasal = lexicon.words("meaningful_phrasal_verbs")
    return not any(f"{lemma} {p}" in phrasal for p in particles)


# Verbs whose "in" object is the act they take part in ("participated in the protest").
PARTICIPATION_VERBS = frozenset({"participate", "join", "engage", "partake"})


def _participation_verb(noun: Token) -> Token | None:
    """The verb of "took part in the protest", "participated in the attack"."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.lower_ != "in":
        return None
    verb = prep.head
    lemma = verb.lemma_.lower()
    if lemma in PARTICIPATION_VERBS or (
        lemma == "take" and any(c.lower_ == "part" for c in verb.children)
    ):
        return verb
    return None


def _claimant(verb: Token) -> Token | None:
    """Who claims: the subject, or the "by" agent of a passive claim."""
    if is_passive(verb):
        return next((pobj for _p, pobj in prep_objects(verb, "by")), None)
    return subject_of(verb)


def _series_verb(noun: Token, lexicon: Lexicon) -> Token | None:
    """The verb of "participated in a campaign of strikes", "launched a wave of arrests": an
    event noun in an "of" phrase of a series noun, itself the object of a verb."""
    prep = noun.head
    if (
        noun.dep_ != "pobj"
        or prep.lower_ != "of"
        or prep.head.lemma_.lower() not in lexicon.words("series_nouns")
    ):
        return None
    series = prep.head
    verb = series.head.head if series.dep_ == "pobj" else series.head
    if series.dep_ in ("dobj", "pobj", "nsubj", "nsubjpass") and verb.pos_ in ("VERB", "AUX"):
        return verb
    return None


def _place_modifier(actor: Actor, segment, lexicon: Lexicon) -> bool:  # type: ignore[no-untyped-def]
    """ "The Kassala offensive", "the Kassala attack killed four": a town named before an event
    noun says where, not who. A state, its capital or a people ("the Sylvanian offensive")
    stays the actor; a town is known as a place only (resolved through the gazetteer, not the
    actor dictionary, or a name nothing resolved that the gazetteer holds)."""
    if actor.matched_by not in ("place", "name") or actor.sector is not None:
        return False
    words = segment.doc.char_span(
        actor.start - segment.start, actor.end - segment.start, alignment_mode="expand"
    )
    if words is None or not len(words):
        return False
    root = words.root
    if root.ent_type_ == "NORP" or root.dep_ not in ("compound", "amod"):
        return False
    if not lexicon.is_trigger_noun(root.head.lemma_.lower()):
        return False
    # the gazetteer last: a state ("the Sylvanian offensive", "a Russian-led attack") acts
    return _town(actor.text)


def _town(name: str) -> bool:
    """A place the gazetteer holds below a country (a town, district or province)."""
    gazetteer = load_gazetteer()
    if place_key(name) in gazetteer.generic_names:
        return False
    entries = gazetteer.lookup(name, short_names=False)
    return bool(entries) and not any(
        e.feature in ("country", "continent", "region") for e in entries
    )


def _own_actor(noun: Token, source: bool = True, by_clause: bool = True) -> Token | None:
    """The actor an event noun carries itself: "Hamas's attack", "an Israeli airstrike",
    "strikes by U.S. forces", "condemnation from Chile" (`source`: "from" names who)."""
    for child in noun.children:
        # "this weekend's attacks", "Thursday's strike": a time, not an actor.
        possessor = child.dep_ == "poss" and child.lower_ not in ("its", "their", "his", "her")
        if possessor and child.ent_type_ not in NON_ACTOR_ENTITIES:
            return child
    for _prep, pobj in prep_objects(noun, "by", "from") if source else prep_objects(noun, "by"):
        if pobj.ent_type_ not in NON_ACTOR_ENTITIES:
            return pobj
    for clause in children(noun, "acl") if by_clause else ():
        # "a drone operated by the police", "mines laid by the rebels"
        if clause.tag_ == "VBN":
            for _prep, pobj in prep_objects(clause, "by"):
                if pobj.ent_type_ not in NON_ACTOR_ENTITIES:
                    return pobj
    for child in noun.children:
        if child.dep_ in ("amod", "compound") and child.ent_type_ in (
            "NORP",
            "GPE",
            "ORG",
            "PERSON",
        ):
            return child
    return None


# --- 3. participants ----------------------------------------------------------------------------


def _find_participants(
    candidate: Candidate, by_token: dict[int, Candidate], lexicon: Lexicon
) -> None:
    token = candidate.token
    if candidate.is_noun:
        # "the surrender of the rebels"; but "completed its withdrawal of troops": the one who
        # completes it acts, the troops are moved
        doer = _doer_of(token, lexicon) if token.dep_ not in ("dobj", "attr") else None
        # "a withdrawal from the south": whence, not who
        own = _own_actor(token, source=token.lemma_.lower() not in lexicon.words("doer_nouns"))
        undergoer = _undergoer(token, lexicon)
        if undergoer is not None:
            # "the journalist's arrest": the journalist was arrested; who arrested is "by" X
            candidate.recipient_heads = _participants(undergoer)
            own = next((o for _p, o in prep_objects(token, "by") if o is not undergoer), None)
        if doer is not None:
            candidate.actor_heads = _participants(doer)  # "the surrender of the rebels"
        elif own is not None:
            candidate.actor_heads = [own]
        elif _dispersed_protest(candidate, lexicon):
            # "broke up a march by veterans": the parser may hang "by" on the verb, which is
            # active, so it can only name the marchers; never the force that ended it
            marchers = [o for _p, o in prep_objects(token, "of")]
            if not is_passive(token.head):
                marchers += [o for _p, o in prep_objects(token.head, "by")]
            if marchers:
                candidate.actor_heads = _participants(marchers[0])
        elif (series := _series_verb(token, lexicon)) is not None:
            subject = subject_of(series)
            candidate.actor_heads = _participants(subject) if subject is not None else []
            # "a campaign of strikes under the banner of X against U.S. forces"
            phrase = token.head.head
            targets = [
                pobj
                for t in phrase.subtree
                if t.dep_ == "prep" and t.lower_ in ("against", "on")
                for pobj in children(t, "pobj")
            ]
            candidate.recipient_heads = _participants(targets[0]) if targets else []
        elif (
            undergoer is None  # "condemned Ana Ruiz's arrest": the condemners did not arrest
            and token.dep_ in ("dobj", "attr")
            and token.head.pos_ in ("VERB", "AUX")
            and token.head.lemma_.lower() not in lexicon.words("witness_verbs")
        ):
            subject = subject_of(token.head)
            if subject is not None and token.head.lemma_.lower() not in _PATIENT_VERBS:
                candidate.actor_heads = _participants(subject)
            elif subject is not None:
                candidate.recipient_heads = _participants(subject)
        if not candidate.actor_heads and token.head.i not in by_token:
            _between(candidate, token, lexicon)  # "the agreement between X and Y" (unless a verb's)
        holders = [token]
        if token.dep_ in ("dobj", "nsubjpass") and _light_verb(token.head, lexicon):
            # "waged a war against X", "an offensive was launched against X": the target hangs
            # on the verb
            holders.append(token.head)
        for holder in holders:
            for prep, pobj in prep_objects(holder):
                if pobj is doer:
                    continue
                if prep in _noun_recipient_preps(candidate.event) and not candidate.recipient_heads:
                    candidate.recipient_heads = _participants(pobj)
        return
    if token.pos_ == "ADJ" and candidate.event in ("ACCUSE", "REJECT") and not candidate.rule.defer:
        # "said the Taliban were responsible": the subject is accused, the speaker accuses.
        subject = subject_of(token)
        candidate.recipient_heads = _participants(subject) if subject is not None else []
        return
    described = _set_off_participle(token)
    passive = is_passive(token) or described is not None
    if passive:
        agent = next(
            (pobj for prep, pobj in prep_objects(token, "by") if prep in ("by", "agent")), None
        )
        if agent is None:
            agent = next(
                (pobj for c in children(token, "agent") for pobj in children(c, "pobj")), None
            )
        if agent is not None:
            candidate.actor_heads = _participants(agent)
        else:
            # "targeted in an unclaimed drone strike": the means stands for an unknown actor;
            # "killed in dozens of airstrikes by government forces": its actor is the act's.
            # ("killed in shelling by X": the parser may make the means a gerund, pcomp)
            in_objects = [
                o for p in children(token, "prep") if p.lower_ == "in"
                for o in children(p, "pobj", "pcomp")
            ]  # fmt: skip
            means = next(
                (
                    noun
                    for obj in in_objects
                    for noun in [obj, *(o for _p, o in prep_objects(obj, "of"))]
                    if noun.i in by_token and by_token[noun.i].event == candidate.event
                ),
                None,
            )
            means_actor = (
                next(
                    (a for n in [means, *means.conjuncts] if (a := _own_actor(n)) is not None), None
                )
                if means is not None
                else None
            )
            if means_actor is None:
                # "killed in airstrikes and shelling by forces loyal to X": the parser may
                # make the second means a gerund joined to the verb, with its "by" on it
                means_actor = next(
                    (
                        pobj
                        for conj in token.conjuncts
                        if conj.tag_ == "VBG" and conj.i in by_token and conj.i > token.i
                        for _prep, pobj in prep_objects(conj, "by")
                    ),
                    None,
                )
            if means_actor is not None:
                candidate.actor_heads = _participants(means_actor)
            elif means is not None:
                candidate.actor_span_override = means
        patient = first_child(token, *PASSIVE_SUBJECT_DEPS)
        if patient is None and token.dep_ == "acl":
            patient = token.head
        if (
            patient is None
            and token.dep_ == "conj"
            and token.head.i in by_token
            and candidate.event in ("ASSAULT", "COERCE")
        ):
            # "he had surrendered and was shot": the subject two acts share underwent this one
            patient = subject_of(token.head)
        patient = patient or described
        unclaimed = not candidate.actor_heads and candidate.actor_span_override is None
        if unclaimed and patient is not None and _between(candidate, patient, lexicon):
            return  # "the deal between X and Y was signed": X and Y signed it
        accused = next((pobj for prep, pobj in prep_objects(token, "on")), None)
        if candidate.event == "ACCUSE" and accused is not None:
            # "a strike blamed on the U.S.": the accused is the on-object, not the strike.
            candidate.recipient_heads = _participants(accused)
        elif (
            patient is not None
            and patient.i in by_token
            and by_token[patient.i].event == candidate.event
        ):
            # "attacks launched by X on ships": the targets are the attacks' own, or the
            # verb's ("an offensive was launched against the town").
            noun = by_token[patient.i]
            targets = [
                pobj
                for prep, pobj in prep_objects(patient)
                if prep in _noun_recipient_preps(candidate.event)
            ] or [
                pobj
                for prep, pobj in prep_objects(token)
                if prep in _recipient_preps(candidate.event) and not _is_non_actor(pobj)
            ]
            candidate.recipient_heads = _participants(targets[0]) if targets else []
            noun.governed = True
        elif patient is not None and _is_event_noun(patient, lexicon) and not unclaimed:
            pass  # "the attack was condemned by X": whom the act concerns stays with the act
        elif patient is not None and _is_event_noun(patient, lexicon):
            # "a siege of the towns by the rebels was lifted": the siege's own parties end it
            own = _own_actor(patient, source=False)
            if own is not None:
                candidate.actor_heads = _participants(own)
            candidate.recipient_heads = [
                p
                for prep, pobj in prep_objects(patient)
                if prep in ("of", "on", "against") and pobj is not own
                for p in _participants(pobj)
            ]
        elif patient is not None:
            candidate.recipient_heads = _participants(patient)
    else:
        subject = _nearer_doer(token, candidate, by_token) or subject_of(token)
        if (
            subject is not None
            and subject.i == token.head.i
            and token.dep_ == "acl"
            and subject.dep_ == "dobj"
            and subject.lemma_.lower() in lexicon.words("operation_nouns")
        ):
            # "police launched an operation targeting the gang": who did the operation did
            # what it did
            subject = subject_of(subject.head)
        if (
            subject is not None
            and subject.dep_ == "conj"
            and subject.head.dep_ not in SUBJECT_HEAD_DEPS
        ):
            candidate.actor_heads = [subject]  # a repaired subject: not its parse-error conjuncts
        elif subject is not None:
            candidate.actor_heads = _participants(subject)
        dative = first_child(token, "dative")
        if dative is not None and dative.pos_ == "ADP":
            # "sent troops to Kabul" parsed with "to" as the dative: the one reached is its object
            dative = first_child(dative, "pobj")
        obj = (
            dative
            or first_child(token, "dobj")
            or _noun_complement(token)
            or _small_clause_subject(token)
        )
        if obj is None and token.tag_ in ("VBD", "VBN"):
            # "had armed and supported the factions": two verbs joined with nothing between
            # them share the object after them
            joined = [
                c
                for c in token.conjuncts
                if c.i > token.i
                and all(t.dep_ in ("cc", "advmod", "punct") for t in token.doc[token.i + 1 : c.i])
            ]
            obj = first_child(joined[0], "dobj") if joined else None
        if obj is not None and not _is_event_noun_of_same(obj, candidate, by_token):
            candidate.recipient_heads = _participants(obj)
        # "demanded an apology from Iran": the object is the thing asked for; "urged Turkey to
        # de-escalate": a named object is the one asked.
        theme_object = (
            candidate.event in THEME_OBJECT_TYPES
            and dative is None
            and not (obj is not None and (obj.ent_type_ in ACTOR_ENTITIES or obj.pos_ == "PROPN"))
            # "sentenced 17 people to death": whom a court sentences is no theme ("imposed a
            # sentence on X" still is)
            and not (candidate.mode == "convict" and obj is not None and not _thing(obj, lexicon))
            # "warned the militia against ...": whom one warns is the one threatened
            and not (
                token.lemma_.lower() == "warn" and obj is not None and not _thing(obj, lexicon)
            )
        )
        if (
            not candidate.recipient_heads
            or theme_object
            or (obj is not None and _is_event_noun_of_same(obj, candidate, by_token))
        ):
            targets = _recipient_prep_objects(token, candidate.event)
            if targets:
                candidate.recipient_heads = _participants(targets[0])
        if not candidate.recipient_heads and obj is not None:
            for prep, pobj in prep_objects(obj):
                if prep in _recipient_preps(candidate.event) or prep == "of":
                    candidate.recipient_heads = _participants(pobj)
                    break
        if candidate.event == "CONSULT" and token.lemma_.lower() in lexicon.words("envoy_verbs"):
            # "dispatched its intelligence chief to Oslo": the one sent visits; the visited
            # are where he is sent
            visited = [
                pobj
                for holder in children(token, "prep", "dative")
                if holder.lower_ == "to"
                for pobj in children(holder, "pobj")
            ]
            candidate.recipient_heads = _participants(visited[0]) if visited else []
        if _clash_word(token, lexicon):
            # "Taliban fighters clashed with the army": a fight's other side acts too
            # (ARTICLES.md: both sides of a battle are its actors); in words ("the minister
            # clashed with the opposition leader"), the other side is the one criticised
            others = [
                p
                for _prep, pobj in prep_objects(token, "with")
                for p in _participants(pobj)
                if not (_weapon(p, lexicon) or _thing(p, lexicon) or _is_non_actor(p))
            ]  # not "clashed with sticks and machetes"
            if candidate.event == "ASSAULT":
                candidate.actor_heads += [p for p in others if p not in candidate.actor_heads]
            elif not candidate.recipient_heads:
                candidate.recipient_heads = others
        if token.lemma_.lower() in lexicon.words("fleeing_verbs"):
            # "2,000 families fled to Kassala": they underwent it; where they went is a place,
            # and who drove them out is told elsewhere ("fled the fighting by X", the incident)
            candidate.recipient_heads, candidate.actor_heads = candidate.actor_heads, []
        if (
            candidate.event == "AID"
            and token.lemma_.lower() in lexicon.words("receiving_verbs")
            and not is_passive(token)
        ):
            # "the town received aid from Norway": the town is given it, Norway gives
            givers = [pobj for prep, pobj in prep_objects(token) if prep == "from"]
            candidate.recipient_heads = candidate.actor_heads
            candidate.actor_heads = _participants(givers[0]) if givers else []
    if candidate.commander is not None:
        subject = subject_of(candidate.commander.token)
        if subject is not None:
            candidate.actor_heads = _participants(subject)
    governor = candidate.governor
    if governor is not None and not candidate.recipient_heads:
        obj = first_child(governor.token, "dobj")
        if obj is not None:
            candidate.recipient_heads = _participants(obj)


def _nearer_doer(
    token: Token, candidate: Candidate, by_token: dict[int, Candidate]
) -> Token | None:
    """ "declared mourning after gunmen attacked a market, killing 31": a participle the parser
    hung on the main verb continues the act of its type told just before it, whose subject
    is its doer (not the main clause's)."""
    if token.tag_ != "VBG" or token.dep_ != "advcl":
        return None
    if any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children):
        return None
    head = token.head
    if (other := by_token.get(head.i)) is not None and other.event == candidate.event:
        return None  # its own head is the act
    for sibling in sorted(head.children, key=lambda c: -c.i):
        if sibling.i >= token.i or sibling.dep_ not in ("advcl", "ccomp", "conj"):
            continue
        other = by_token.get(sibling.i)
        if other is None or other.event != candidate.event:
            return None
        return next((c for c in sibling.children if c.dep_ == "nsubj"), None)
    return None


@dataclass
class _ActorTest:
    """Whether a noun can be an actor, for one sentence: a name (person, group, organisation,
    place), a pronoun, a person noun ("her husband") or a phrase the actor dictionary gives a
    country or sector ("troops", "the extremists"). `found` asks it of a noun found in place of
    a thing: there a pronoun does not count, nor a phrase only its owner makes an actor ("their
    homeland" is not the owner)."""

    analyzed: AnalyzedArticle
    sentence: Sentence
    resolver: ActorResolver
    person_nouns: frozenset[str]

    def __call__(self, token: Token, found: bool = False) -> bool:
        if _is_non_actor(token):
            return False  # dates, times, numbers ("on Monday")
        if token.ent_type_ in ACTOR_ENTITIES or token.pos_ == "PROPN":
            return True
        if token.pos_ == "PRON":
            return not found
        if token.lemma_.lower() in self.person_nouns:
            return True
        if found and any(c.dep_ == "poss" and c.pos_ == "PRON" for c in token.children):
            return False
        actors = self.resolver.actors_for(self.analyzed, self.sentence.segment, phrase_span(token))
        return any(a.code or a.sector for a in actors)


def _prefer_actor_recipients(candidate: Candidate, is_actor: _ActorTest) -> None:
    """A recipient is an actor, not the thing given or agreed on: when every recipient found is
    a common noun no actor stands behind ("agreed to provide aid for Romania", "lift embargoes
    on sales to Iran, Libya"), the first actor among the prepositional objects of the
    trigger, of the verbs it governs and of those nouns takes its place ("Romania")."""
    things = candidate.recipient_heads
    if not things or any(t.pos_ != "NOUN" or is_actor(t) for t in things):
        return
    # "in"/"at" say where, not to whom: a place there is the event's place, not its recipient.
    preps = {*_recipient_preps(candidate.event), *ACTOR_RECIPIENT_PREPS} - {"in", "at"}
    # Breadth first, three prepositions deep at most ("embargoes on sales to Iran" is two).
    layer = [candidate.token, *children(candidate.token, "xcomp"), *things]
    for _depth in range(3):
        deeper = []
        for holder in layer:
            for prep, pobj in prep_objects(holder):
                if prep in preps and is_actor(pobj, found=True):
                    candidate.recipient_heads = _participants(pobj)
                    return
                if pobj.pos_ == "NOUN":
                    deeper.append(pobj)
        layer = deeper


RELATIVE_PRONOUNS = frozenset({"who", "whom", "which", "that", "whose"})


def _keep_agents(candidate: Candidate, is_actor: _ActorTest, lexicon: Lexicon) -> None:
    """Only agents fill actor and recipient: a person, a group, an organisation, a state (or a
    place standing for it) or a sector noun; never an event noun, a weapon, a document, a
    quantity or an abstraction. A relative pronoun stands for the noun its clause describes;
    an event noun or weapon in the slot gives way to its own actor ("Russian jets", "strikes
    by the coalition"); violence and coercion may target a place or facility."""
    if candidate.event == "REQUEST" and not candidate.is_noun:
        # "called for the UN to protect them", "warned the president not to attack", "demanded
        # that the president force the withdrawal": the one asked is the subject of what is asked.
        for clause in children(candidate.token, "advcl", "ccomp", "xcomp"):
            infinitive = _to_infinitive(clause)
            marked = any(m.lower_ in ("for", "that") for m in children(clause, "mark"))
            subjunctive = clause.dep_ == "ccomp" and clause.tag_ == "VB"  # "demanded X force"
            if candidate.recipient_heads and not (marked or subjunctive):
                continue
            if infinitive or marked or subjunctive:
                asked = first_child(clause, "nsubj")
                if asked is not None and is_actor(asked) and not _word_part(asked):
                    candidate.recipient_heads = _participants(asked)
                    break
    if candidate.event == "THREATEN" and not candidate.is_noun and not candidate.recipient_heads:
        # "vowed to wage a guerrilla war against the army": the threatened act's target
        for clause in children(candidate.token, "xcomp"):
            targets = [
                pobj
                for t in clause.subtree
                if t.dep_ == "prep" and t.lower_ == "against"
                for pobj in children(t, "pobj")
            ]
            if targets and is_actor(targets[0]):
                candidate.recipient_heads = _participants(targets[0])
                break
    if candidate.event == "ACCUSE" and not candidate.is_noun and not candidate.recipient_heads:
        # "complained that the police had beaten them", "warned that the militia had shelled
        # the port": the one criticised is the subject of what is reported.
        for clause in children(candidate.token, "ccomp"):
            criticised = first_child(clause, "nsubj")
            if criticised is not None and is_actor(criticised) and not _word_part(criticised):
                candidate.recipient_heads = _participants(criticised)
                break
    if candidate.is_noun and not candidate.actor_heads:
        verb = _participation_verb(candidate.token)
        subject = subject_of(verb) if verb is not None else None
        if subject is not None:
            candidate.actor_heads = _participants(subject)  # "thousands took part in the protest"
    if candidate.is_noun and (claim := claim_verb(candidate.token, lexicon)) is not None:
        claimant = _claimant(claim)
        if claimant is not None and is_actor(claimant):
            # "IS claimed the Kanyole attack": the claimant did it, whatever names the act
            candidate.actor_heads = _participants(claimant)
    candidate.actor_heads = _agents(candidate.actor_heads, is_actor, lexicon)
    had_recipients = bool(candidate.recipient_heads)
    candidate.recipient_heads = _agents(candidate.recipient_heads, is_actor, lexicon)
    if candidate.event == "ACCUSE" and candidate.mode == "investigate" and not candidate.is_noun:
        # "sent a team to investigate", "formed a panel": the body sent looks into it; it is
        # not whom the inquiry is about
        bodies = lexicon.words("inquiry_bodies")
        candidate.recipient_heads = [
            h
            for h in candidate.recipient_heads
            if not (h.lemma_.lower() in bodies and _object_of(h, candidate.token))
        ]
    if candidate.event == "MOBILIZE":
        # "troops entered the town", "deployed to the border": where forces go is the event's
        # place, not someone it is done to
        candidate.recipient_heads = [h for h in candidate.recipient_heads if not _a_place(h)]
    if had_recipients and not candidate.recipient_heads and not candidate.is_noun:
        # "fired artillery at the town": with the munition gone, the target is the one aimed at.
        for pobj in _recipient_prep_objects(candidate.token, candidate.event):
            candidate.recipient_heads = _agents(_participants(pobj), is_actor, lexicon)
            if candidate.recipient_heads:
                break
    if (
        candidate.event == "ASSAULT"
        and had_recipients
        and not candidate.recipient_heads
        and not candidate.is_noun
    ):
        # "fired tear gas to disperse the crowd": with the munition gone, the target is the one
        # it was used on, the object of its purpose
        for clause in children(candidate.token, "advcl", "xcomp"):
            if not _to_infinitive(clause):
                continue
            objects = [p for c in children(clause, "dobj", "obj") for p in _participants(c)]
            candidate.recipient_heads = _agents(objects, is_actor, lexicon)
            if candidate.recipient_heads:
                break
    if candidate.event == "MOBILIZE" and candidate.actor_heads and not candidate.is_noun:
        # "the army sent 600 troops to the province": the force sent is the actor's own, and
        # where it goes is the event's place; neither is a target
        candidate.recipient_heads = [
            h
            for h in candidate.recipient_heads
            if not _a_place(h) and not _object_of(h, candidate.token)
        ]


def _object_of(head: Token, verb: Token) -> bool:
    """The verb's direct object, or one joined to it ("sent troops and two helicopters")."""
    while head.dep_ == "conj" and head.head != head:
        head = head.head
    return head.dep_ in ("dobj", "obj") and head.head == verb


def _protest_targets(candidates: list[Candidate], is_actor: _ActorTest, lexicon: Lexicon) -> None:
    """A protest is made against someone, not the road it blocks ("blocked the main
    highway"; `agent_target_types`); with no one named, it targets the one its demand is put
    to ("marched ..., demanding that the government send troops": the government)."""
    for candidate in candidates:
        if candidate.event not in lexicon.words("agent_target_types") or not candidate.actor_heads:
            continue  # (a protest told by its road alone, "some blocked the road", keeps it)
        candidate.recipient_heads = [
            h for h in candidate.recipient_heads if _protest_target(h, is_actor, lexicon)
        ]
        if candidate.recipient_heads or candidate.event != "PROTEST":
            continue
        demand = next(
            (t for t in candidates if t.governor is candidate and t.recipient_heads), None
        )
        if demand is not None:
            candidate.recipient_heads = [
                h for h in demand.recipient_heads if _protest_target(h, is_actor, lexicon)
            ]


def _protest_target(head: Token, is_actor: _ActorTest, lexicon: Lexicon) -> bool:
    """Someone a protest can be made against: an agent, not the road or bridge it blocks
    (even a named one: "the Lyon-Dijon motorway") nor a town it is held in ("blocked the
    highway between Lyon and Oslo"; a state or its capital may be the target)."""
    if not is_actor(head) or head.lemma_.lower() in lexicon.words("route_nouns"):
        return False
    if head.pos_ != "PROPN" or head.ent_type_ in ("PERSON", "NORP"):
        return True
    # a name the dictionary knows only as a place, and the gazetteer as a town
    actors = is_actor.resolver.actors_for(
        is_actor.analyzed, is_actor.sentence.segment, phrase_span(head)
    )
    known_as_place = all(a.matched_by in (None, "place") and not a.sector for a in actors)
    return not (known_as_place and _town(phrase_span(head).text))


# Nouns that name a place, not a party ("the enclave of X", "the border town").
PLACE_HEADS = frozenset(
    {"town", "city", "village", "enclave", "province", "region", "district", "area",
     "territory", "border", "frontier", "capital", "country", "base", "camp", "port",
     "zone", "front", "outskirts", "neighbourhood", "neighborhood", "valley", "island",
     "outpost", "garrison", "barrack", "barracks", "checkpoint", "position", "stronghold",
     "airport", "airbase", "airfield"}
)  # fmt: skip


def _takes_ground(heads: list[Token]) -> bool:
    """What is taken is a place ("Kassala", "the town", "control of the town")."""
    taken = [x for h in heads for x in [h, *(o for _p, o in prep_objects(h, "of"))]]
    # (a town's name the tagger took for a group or a person still names a town the
    # gazetteer holds)
    return any(
        (_a_place(x) and x.ent_type_ not in ("ORG", "PERSON", "NORP"))
        or (x.pos_ == "PROPN" and _town(phrase_span(x).text))
        for x in taken
    )


def _a_person(head: Token, lexicon: Lexicon) -> bool:
    """A person named or described by what they are ("a pilot", "two engineers")."""
    return head.ent_type_ == "PERSON" or head.lemma_.lower() in lexicon.words("person_nouns")


def _a_place(head: Token) -> bool:
    # (the lower form too: the small model lemmatises "bases" as "basis")
    return head.ent_type_ in ("GPE", "LOC", "FAC") or bool(
        {head.lemma_.lower(), head.lower_.removesuffix("s")} & PLACE_HEADS
    )


def _agents(heads: list[Token], is_actor: _ActorTest, lexicon: Lexicon) -> list[Token]:
    """The heads that are agents: a relative pronoun stands for its noun, an indefinite
    pronoun for no one, an event noun or munition gives way to who used it. Places and
    facilities stay (violence and coercion target them: "shelled rebel-held areas")."""
    kept: list[Token] = []
    for head in heads:
        if head.lower_ in RELATIVE_PRONOUNS and head.head.dep_ == "relcl":
            head = head.head.head  # "the rebels, who attacked": the rebels
        if head.lower_ in lexicon.words("non_agent_pronouns"):
            continue
        if not _thing(head, lexicon):
            kept.append(head)
            continue
        if _modifier_span(head) is not None:
            kept.append(head)  # "a U.S. military airstrike": the U.S. military (see _actors)
            continue
        owner = _own_actor(head)
        if owner is not None and is_actor(owner):
            kept.append(owner)  # "Hamas's attack", "strikes by the coalition"
            continue
        sides = _between_parties(head)
        both = len(sides) > 1 or any(c.dep_ == "nummod" for s in sides for c in s.children)
        if both and all(is_actor(p) for p in sides):
            # "fighting between X and Y killed five", "between two rebel factions": the sides
            kept += sides
            continue
        doer = _doer_of(head, lexicon)
        if doer is not None and is_actor(doer):
            # "demanded the resignation of the minister": asked of the one who would resign
            kept.append(doer)
    return kept


def _modifier_span(head: Token) -> SpacySpan | None:
    """The words before an event noun or munition that name who used it ("a U.S. military
    airstrike", "Syrian government missiles"), or None when none of them is a name, a
    nationality or a sector word."""
    words = [t for t in head.lefts if t.dep_ in ("compound", "amod", "nmod", "npadvmod")]
    if not words:
        return None
    start = min(t.left_edge.i for t in words)
    span = head.doc[start : head.i]
    named = any(_names_a_party(t) for t in span) or any(
        t.lemma_.lower() in SECTOR_MODIFIERS for t in span
    )
    return span if named else None


def _names_a_party(token: Token) -> bool:
    """A modifier that names who, not where: a nationality, an organisation, a person, or a
    country ("the US strike"); a town or region ("the Kherson offensive", "the Doha summit")
    says where."""
    if token.ent_type_ in ("NORP", "ORG", "PERSON"):
        return True
    if token.ent_type_ == "GPE" or token.pos_ == "PROPN":
        entries = load_gazetteer().lookup(token.text)
        return not entries or any(e.feature == "country" for e in entries)
    return False


# Words before an event noun that name a sector ("government missiles", "military airstrike").
SECTOR_MODIFIERS = frozenset(
    {
        "government",
        "military",
        "army",
        "police",
        "rebel",
        "regime",
        "militia",
        "coalition",
        "security",
        "naval",
        "navy",
        "insurgent",
        "jihadist",
        "state",
    }
)


def _thing(token: Token, lexicon: Lexicon) -> bool:
    """An event noun, a weapon, a document or a natural cause: never a participant."""
    lemma, lower = token.lemma_.lower(), token.lower_
    if token.tag_ == "VBG" and token.dep_ in ("nsubj", "nsubjpass", "csubj"):
        # "Fighting continued ..., killing five": the parser's gerund is the event noun
        return lexicon.is_trigger_noun(lower)
    if token.pos_ != "NOUN" or token.ent_type_ in ACTOR_ENTITIES:
        return False
    return (
        _is_event_noun(token, lexicon)
        or lemma in lexicon.words("non_agent_texts")
        or lemma in lexicon.words("abstract_nouns")
        or lemma in lexicon.words("conflict_nouns")
        or lemma in lexicon.words("non_agent_causes")
        or lower in lexicon.words("non_agent_causes")
    )


def _word_part(token: Token) -> bool:
    """A piece of a hyphenated word the parser split ("de" of "de-escalate")."""
    doc = token.doc
    before = token.i > 0 and doc[token.i - 1].text == "-" and not doc[token.i - 2].whitespace_
    after = token.i + 1 < len(doc) and doc[token.i + 1].text == "-" and not token.whitespace_
    return bool(before or after)


def _is_event_noun(token: Token, lexicon: Lexicon) -> bool:
    """An event noun or a munition: "the attack", "strikes", "cluster bombs"."""
    lemma = token.lemma_.lower()
    munitions = lexicon.words("munitions")
    return lexicon.is_trigger_noun(lemma) or lemma in munitions or token.lower_ in munitions


def _noun_complement(verb: Token) -> Token | None:
    """A noun the parser made a clausal complement ("welcomed the US move" read as a clause):
    a noun heads no clause, so it is the object."""
    return next(
        (
            c
            for c in verb.children
            if c.dep_ == "ccomp"
            and c.pos_ in ("NOUN", "PROPN")
            and not any(g.dep_ in ("nsubj", "nsubjpass", "mark") for g in c.children)
        ),
        None,
    )


def _small_clause_subject(verb: Token) -> Token | None:
    """ "hold X responsible", "find X guilty": the parser makes X the subject of the adjective."""
    for child in children(verb, "ccomp", "oprd", "xcomp"):
        if child.pos_ == "ADJ":
            return first_child(child, "nsubj")
    return None


_PATIENT_VERBS = {
    "expect",
    "face",
    "receive",
    "get",
    "suffer",
    "endure",
    "see",
    "witness",
    "risk",
    "fear",
}


def _doer_of(noun: Token, lexicon: Lexicon) -> Token | None:
    """The "of" phrase of an act done by its subject alone names who did it: "the surrender
    of the rebels", "the withdrawal of US troops" (`doer_nouns`); of other nouns, whom it was
    done to ("the release of prisoners")."""
    if noun.lemma_.lower() not in lexicon.words("doer_nouns"):
        return None
    return next((pobj for prep, pobj in prep_objects(noun) if prep == "of"), None)


def _flight_described(candidate: Candidate, lexicon: Lexicon) -> bool:
    """ "a herder who fled with his family", "families fleeing the city", "villagers often
    flee": flight told to describe people or a pattern, not a displacement that happened;
    "more than a million people have been displaced": a crisis's total, not one flight."""
    token = candidate.token
    if token.lemma_.lower() not in lexicon.words("displacement_verbs"):
        return False
    if token.dep_ in ("relcl", "acl") or token.tag_ in ("VBP", "VBZ", "VBG"):
        return True
    return any(
        (count.low or count.best or 0) >= CRISIS_DISPLACEMENT
        for child in token.children
        if child.dep_ in ("nsubj", "nsubjpass", "dobj")
        for count in find_quantities(child.doc[child.left_edge.i : child.right_edge.i + 1].text)
    )


CRISIS_DISPLACEMENT = 100_000
"""People displaced counted in hundreds of thousands or more: a war's or a crisis's total to
date (the figures agencies keep), never the flight from one attack."""


def _set_off_participle(verb: Token) -> Token | None:
    """ "the reporter Ana Ruiz, killed in a car bomb last year, ...": a participle set off by a
    comma right after a name describes what was done to it, wherever the parser hangs it."""
    doc = verb.doc
    if verb.tag_ != "VBN" or verb.dep_ not in ("advcl", "conj", "ccomp") or verb.i < 2:
        return None
    if any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in verb.children):
        return None
    before = doc[verb.i - 2]
    if doc[verb.i - 1].text != "," or before.pos_ not in ("PROPN", "NOUN"):
        return None
    return before


def _undergoer(noun: Token, lexicon: Lexicon) -> Token | None:
    """The possessor of an act done to someone when no "of" phrase names another: "Ana Ruiz's
    arrest", "the envoy's expulsion" (`undergoer_nouns`); with one, the possessor acted ("the
    army's arrest of three men")."""
    if noun.lemma_.lower() not in lexicon.words("undergoer_nouns"):
        return None
    if any(prep == "of" for prep, _o in prep_objects(noun)):
        return None
    return next(
        (
            c
            for c in noun.children
            if c.dep_ == "poss" and c.pos_ != "PRON" and c.ent_type_ not in NON_ACTOR_ENTITIES
        ),
        None,
    )


def _noun_recipient_preps(event: str) -> tuple[str, ...]:
    """An event noun names its target with "of" and "into" too ("investigation into X",
    "arrest of X")."""
    return (*_recipient_preps(event), "into", "of")


def _participants(head: Token) -> list[Token]:
    """`head` and its conjuncts, minus what cannot be an actor (dates, times, bare numbers;
    "thousands of teachers" stays)."""
    return [t for t in conjuncts(head) if not _is_non_actor(t)]


# Bare counts that stand for people as a subject ("Thousands took part").
CROWD_NUMBERS = frozenset({"thousands", "hundreds", "dozens", "scores", "millions", "tens"})


def _is_non_actor(token: Token) -> bool:
    if any(c.dep_ == "prep" and c.lower_ == "of" for c in token.children):
        return False
    if token.lower_ in CROWD_NUMBERS and token.dep_ in ("nsubj", "nsubjpass"):
        return False
    return token.ent_type_ in NON_ACTOR_ENTITIES or token.pos_ == "NUM"


def _recipient_prep_objects(token: Token, event: str) -> list[Token]:
    """The objects of the word's recipient prepositions, the likeliest preposition first: "In
    Lyon, police fired at workers" targets the workers, not the town the sentence opens with
    ("on Monday" says when, not to whom)."""
    preference = _recipient_preps(event)
    found = sorted(
        (preference.index(prep), pobj.i, pobj)
        for prep, pobj in prep_objects(token)
        if prep in preference and not _is_non_actor(pobj)
    )
    return [pobj for _rank, _at, pobj in found]


def _recipient_preps(event: str) -> tuple[str, ...]:
    return RECIPIENT_PREPS.get(event, RECIPIENT_PREPS["*"])


def _is_event_noun_of_same(
    token: Token, candidate: Candidate, by_token: dict[int, Candidate]
) -> bool:
    other = by_token.get(token.i)
    return other is not None and other.event == candidate.event


def _merge_nouns_into_verbs(
    candidates: list[Candidate], by_token: dict[int, Candidate]
) -> list[Candidate]:
    """A noun event inside a verb event of the same type lends it its actor and mode; and a
    relative clause that tells the noun's act is that act ("launched an attack in which
    gunmen stormed the mosque": one attack, its sides and targets those of both)."""
    verbs = [c for c in candidates if not c.is_noun]
    kept = []
    hosts: dict[int, Candidate] = {}  # noun token -> the verb event it was merged into
    for candidate in candidates:
        if candidate.is_noun:
            host = next(
                (
                    v
                    for v in verbs
                    if v.event == candidate.event and _attached_to(candidate.token, v.token)
                ),
                None,
            )
            if host is not None:
                hosts[candidate.token.i] = host
                if not host.actor_heads and candidate.actor_heads:
                    host.actor_heads = candidate.actor_heads
                    host.actor_span_override = None
                if candidate.recipient_heads and (
                    not host.recipient_heads or candidate.token in host.recipient_heads
                ):
                    host.recipient_heads = candidate.recipient_heads
                if host.mode is None and candidate.mode is not None:
                    host.mode = candidate.mode
                continue
        kept.append(candidate)
    told = []
    for candidate in kept:
        token = candidate.token
        host = hosts.get(token.head.i) if token.dep_ == "relcl" else None
        if host is None or host is candidate or host.event != candidate.event:
            told.append(candidate)
            continue
        for side in ("actor_heads", "recipient_heads"):
            known = {t.i for t in getattr(host, side)}
            extra = [t for t in getattr(candidate, side) if t.i not in known]
            setattr(host, side, [*getattr(host, side), *extra])
        if host.mode is None and candidate.mode is not None:
            host.mode = candidate.mode
    return told


def _attached_to(token: Token, verb: Token) -> bool:
    current = token
    for _ in range(4):
        if current.head == verb:
            return True
        if current.head == current:
            return False
        current = current.head
    return False


# --- 4. the event record --------------------------------------------------------------------------


def _build_event(
    analyzed: AnalyzedArticle,
    sentence: Sentence,
    candidate: Candidate,
    lexicon: Lexicon,
    resolver: ActorResolver,
) -> Event | None:
    segment = sentence.segment
    token = candidate.token
    speaker_head = _reporting_speaker(candidate)
    if speaker_head is not None and speaker_head.lower_ in lexicon.words("non_agent_pronouns"):
        speaker_head = None  # "nobody knows what was agreed": no one says so

    actors = _actors(analyzed, segment, candidate.actor_heads, resolver, lexicon)
    actors = [a for a in actors if not _place_modifier(a, segment, lexicon)]
    means = candidate.actor_span_override
    if not actors and means is not None and not _thing(means, lexicon):
        actors = resolver.actors_for(analyzed, segment, phrase_span(means))
    recipients = _actors(analyzed, segment, candidate.recipient_heads, resolver, lexicon)
    claimed_by = None
    claimed: list[Actor] = []
    if speaker_head is not None:
        claimed = _actors(analyzed, segment, [speaker_head], resolver, lexicon)
        claimed_by = claimed[0] if claimed else None
    # (people driven out are no statement: who reports their flight did not cause it)
    verbal = lexicon.types[candidate.event].quad in VERBAL_QUADS and (
        token.lemma_.lower() not in lexicon.words("displacement_verbs")
    )
    if candidate.rule.alleged:
        # "the monitors said war crimes were committed by the army": they accuse the army
        if claimed_by is None or token.dep_ == "relcl" or _future(candidate, lexicon):
            return None  # no one alleges it, or it only describes ("massacres that will be...")
        recipients, actors = [a for a in actors if not _is_pronoun(a)], claimed
    candidate_actors = actors
    # A statement's author is its speaker: "We will act..." said the official -> the official;
    # "Farc said it will release ..." -> Farc.
    if claimed_by is not None and (
        (verbal and not actors)
        or (actors and all(_is_pronoun(a) for a in actors) and _speaker_person(actors, token))
    ):
        actors = claimed  # the speaker, or each of "both countries"
        plural = {"they", "we", "us", "them"}
        body = _body_spoken_for(speaker_head) if speaker_head is not None else None
        if body is not None and any(a.text.lower() in plural for a in candidate_actors):
            # "a spokesman for the militias said they had blocked the incursion": "they" are
            # the body the speaker speaks for, not the spokesman
            actors = _actors(analyzed, segment, [body], resolver, lexicon) or claimed
    conditional = _conditional(candidate)
    if claimed_by is not None and not actors and conditional and not verbal:
        # "said an offensive would be launched if the rebels failed to leave": the speaker's
        # threat to the side the condition is put to.
        actors = claimed
    if conditional and not recipients and actors:
        recipients = _actors(analyzed, segment, _condition_subjects(candidate), resolver, lexicon)
    if not actors and not recipients:
        return None
    if _is_journalism(actors, candidate, lexicon) or (verbal and _commentators(actors, lexicon)):
        return None
    if _war_toll(candidate, lexicon):
        return None
    if _flight_described(candidate, lexicon):
        return None
    if not _agentive(candidate, lexicon) or _figurative(candidate, lexicon):
        return None
    if _warns_of_outcome(candidate, lexicon) or _threat_as_a_thing(candidate, lexicon):
        return None
    if _stance(candidate, lexicon):
        return None
    if _closure_by_no_one(candidate, lexicon):
        return None
    if candidate.event != "ASSAULT" and _facility_acts(candidate, lexicon):
        return None
    if candidate.event == "AID" and _helps_with_a_task(candidate.token, lexicon):
        return None
    if (
        candidate.event == "CONSULT"
        and not candidate.is_noun
        and is_passive(candidate.token)
        and not candidate.actor_heads
        and not any(c.dep_ in ("agent", "neg") for c in candidate.token.children)
    ):
        # "the president had been fully briefed": by his own staff, unnamed ("were not
        # consulted" is an omission, kept negated)
        return None
    if candidate.event == "REQUEST" and (
        _asks_a_question(candidate.token) or _asks_no_act(candidate.token, lexicon)
    ):
        return None

    if segment.kind != "caption" and _describes_not_reports(
        candidate, lexicon, lede=_is_lede(analyzed, sentence)
    ):
        return None

    event_type, mode = candidate.event, candidate.mode
    negated = _negated(candidate)
    hypothetical = _hypothetical(candidate, lexicon)
    future = _future(candidate, lexicon)
    # a pattern ("has repeatedly shelled the town") is context, as history is
    background = _background(candidate, analyzed, lexicon) or _habitual(candidate, lexicon)
    demanded = _demanded(candidate, lexicon)
    intended = _intended(candidate, lexicon) or conditional
    if (
        token.lemma_.lower() == "appeal"
        and actors
        and all(a.sector == "JUD" for a in actors)
        and not candidate.recipient_heads
    ):
        return None  # "her lawyers said they would appeal": to a court, not a demand of anyone
    if (future or intended or hypothetical) and _commentator(speaker_head, lexicon):
        # "If the town falls, the rebels can threaten the road again," said an analyst: a
        # commentator's forecast, not any side's act or threat
        return None
    if (
        negated
        and candidate.event == "CONCEDE"
        and not (future or intended or hypothetical)
        and _kept_from_moving(token, lexicon)
    ):
        # "the militias are not allowing them to leave": people kept from leaving are
        # restricted (COERCE), not refused a concession ("will not allow them to cross" stays a
        # refusal: REJECT)
        event_type, mode, negated = "COERCE", "restrict", False
        kept = first_child(token, "dobj") or next(
            (s for c in children(token, "xcomp", "ccomp") for s in children(c, "nsubj")), None
        )
        recipients = (
            _actors(analyzed, segment, _participants(kept), resolver, lexicon) if kept else []
        )
    # "US allies were not consulted": an omission by someone unnamed, not a refusal; "the town
    # has received no aid": what one is not given is no one's refusal either.
    omitted = negated and (
        (is_passive(candidate.token) and not candidate.actor_heads)
        or token.lemma_.lower() in lexicon.words("receiving_verbs")
        or (candidate.is_noun and token.head.lemma_.lower() in lexicon.words("receiving_verbs"))
    )
    # "neither side seems willing", "little sign that either side was ready": no one
    # refuses; the act is only said not to be
    nobody = negated and _nobody_does(candidate)
    # ("if they want peace, they must enforce it": an act someone says must be done is that
    # speaker's demand, below, not a threat of it; "will have to fight" stays a forecast)
    event_type, mode, negated = _fold_auxiliary_modes(
        event_type,
        mode,
        negated and not omitted and not nobody,
        future or (intended and not (demanded and claimed_by is not None)),
        lexicon,
    )
    negated = negated or omitted or nobody
    negated = negated or _denied(candidate)
    if (
        (future or intended)
        and not negated
        and claimed_by is not None
        and _undergone(token, lexicon)
    ):
        # "said the deserters would face trial": what the speaker says others will undergo is
        # the speaker's threat to them.
        event_type, mode = "THREATEN", lexicon.mode_when_governing("THREATEN", event_type, mode)
        others = [a for a in (*actors, *recipients) if not _same_party(a, claimed_by)]
        actors, recipients = [claimed_by], others
    if (
        event_type == "THREATEN"
        and candidate.event != "THREATEN"
        and claimed_by is not None
        and actors
        and not any(_same_party(a, claimed_by) for a in actors)
        # a condition put to the other side makes it a threat ("would attack if they refuse")
        and not conditional
    ):
        # "officials said the militias would use human shields": what someone says another
        # side will do is an allegation against it, not that side's threat.
        event_type, mode = "ACCUSE", "allege"
        recipients, actors = actors, [claimed_by]
    if event_type == "THREATEN":
        # A threat is an act now, whatever future or condition it announces.
        hypothetical = future = False
        if not recipients:
            # "warned its forces would strike back if the militia shelled the port": the
            # threatened is the one the condition is put to.
            recipients = _actors(
                analyzed, segment, _threatened_by_condition(token, lexicon), resolver, lexicon
            )
        if not recipients:
            # "vowed to hunt down the gunmen", "vowed the killers would be hunted down": the
            # threatened is the one the act threatened is done to
            patients = _actors(
                analyzed, segment, _threatened_in_complement(token), resolver, lexicon
            )
            # someone, not something ("vowed to regain control of the country")
            recipients = [a for a in patients if a.code or a.sector]
    if demanded and not negated and lexicon.types[event_type].quad in (1, 2, 4):
        # "said Qatar must mediate": the speaker demands it of Qatar (REQUEST).
        mode = lexicon.mode_when_governing("REQUEST", event_type, mode)
        recipients = actors or recipients
        actors = [claimed_by] if claimed_by is not None else []
        event_type, claimed_by = "REQUEST", None
        hypothetical = False  # the demand is made; what is demanded is its content
        if not actors:
            return None
    if (
        event_type == "ACCUSE"
        and token.lemma_.lower() == "protest"
        and actors
        and all(a.sector in PEOPLE_SECTORS for a in actors)
    ):
        # "taxi drivers protested against the ban": people protest in the street; a state or
        # an official protests in words (ACCUSE)
        event_type, mode = "PROTEST", "demo"
    if (
        event_type == "COERCE"
        and not candidate.is_noun
        and set(_verb_keys(token)) & lexicon.words("territory_verbs")
        and _takes_ground(candidate.recipient_heads)
    ):
        # "the rebels captured Kassala", "took control of the town": ground taken by force
        event_type, mode = "ASSAULT", None
    if (
        event_type == "PROTEST"
        and mode == "obstruct"
        and actors
        and all(a.sector in lexicon.words("armed_sectors") for a in actors)
        and not any(c.lemma_ in ("protest", "demand") for c in token.subtree)
    ):
        # "police blocked the avenue", "militants set up roadblocks": armed men closing a road
        # restrict, not protest (unless they block it to protest or demand something themselves)
        event_type, mode = "COERCE", "restrict"
    if (
        event_type == "COERCE"
        and mode in ("arrest", "seize", None)
        and actors
        and all(a.sector in lexicon.words("non_state_armed_sectors") for a in actors)
        and recipients
        and all(
            a.sector not in lexicon.words("armed_sectors") and (a.sector or _a_person(h, lexicon))
            for a, h in zip(recipients, candidate.recipient_heads, strict=False)
        )
        and not any(_a_place(h) for h in candidate.recipient_heads)
        and not any(_state_function(a.text, lexicon) for a in actors)
    ):
        # "gunmen seized 27 schoolgirls", "the rebels detained 11 fishermen": people taken by
        # an armed group that is no state's are abducted, not arrested
        event_type, mode = "ASSAULT", "abduct"
    if event_type == "ASSAULT" and _crowd_violence(candidate, actors, recipients, mode, lexicon):
        event_type, mode = "PROTEST", "riot"
        # what a riot burns on the road is no one it is made against ("burned tyres")
        routes = lexicon.words("route_nouns")
        recipients = [r for r in recipients if r.text.lower().split()[-1] not in routes]
    if event_type == "ASSAULT" and mode is None:
        mode = _weapon_mode(token, lexicon)
    if mode is not None and mode not in lexicon.types[event_type].modes:
        mode = None
    if event_type == "MOBILIZE" and not actors and recipients:
        # "Two destroyers were deployed": the force mobilised is its side's actor.
        actors, recipients = recipients, []
    told = not (background or hypothetical or negated)
    if event_type == "ASSAULT" and actors and told and _told_as_clash(token, lexicon):
        # "its troops killed 22 insurgents in a clash": a fight has two sides, both actors
        # (ARTICLES.md, as the coders code battles), and no recipient. Only news: a struggle
        # "fought for years to overthrow" the state keeps its target; and only with a side
        # told ("a soldier was wounded in the fighting" keeps the facts it adds)
        armed = lexicon.words("armed_sectors")
        sides = [r for r in recipients if r.sector in armed and not _same_actor(r, actors)]
        actors, recipients = actors + sides, []
    actors = [_state_sector(a, event_type, as_actor=True) for a in actors]
    recipients = [_state_sector(r, event_type, as_actor=False) for r in recipients]
    info = lexicon.types[event_type]
    trigger_start, trigger_end = segment.char_span(token)
    confidence = candidate.rule.confidence
    if not actors:
        confidence *= 0.8
    if hypothetical or negated:
        confidence *= 0.8
    cameo_root = _cameo_root(event_type, mode, info.cameo_roots)
    return Event(
        id=event_id(analyzed.article.id, trigger_start, event_type),
        article_id=analyzed.article.id,
        event=event_type,
        mode=mode,
        context=_contexts(candidate.rule.context, mode),
        actor=actors,
        recipient=[
            r for r in recipients if not _same_actor(r, actors) and not _same_entity(r, actors)
        ],
        negated=negated,
        hypothetical=hypothetical,
        future=future,
        background=background,
        subordinate=_subordinate(candidate, lexicon) and not _taking_ground(token, mode),
        quad_code=info.quad,
        event_scale=info.scale(mode),
        cameo_root=cameo_root,
        confidence=round(min(confidence, 1.0), 3),
        evidence=Span(text=sentence.text, start=sentence.start, end=sentence.end),
        trigger=Span(text=token.text, start=trigger_start, end=trigger_end),
        section=segment.kind,
        claimed_by=claimed_by if claimed_by is not None and claimed_by not in actors else None,
        quote_id=None,
    )


def _told_as_clash(token: Token, lexicon: Lexicon) -> bool:
    """Violence told as fighting between two sides: its word is a clash ("clashed", "a
    gunfight", "fighting"), or one hangs on it ("killed three militants *in a firefight*",
    "*Fighting* killed nine") or governs it ("*exchanged fire* with them, killing four")."""
    if any(True for _ in prep_objects(token, "between")):
        return False  # "clashes between police and protesters": the sides are read there
    near = [token, *token.children, *(obj for _prep, obj in prep_objects(token))]
    if token.dep_ in ("advcl", "dobj"):
        near.append(token.head)
    return any(_clash_word(word, lexicon) for word in near)


def _clash_word(token: Token, lexicon: Lexicon) -> bool:
    lemma = token.lemma_.lower()
    if lemma in lexicon.words("clash_words") or token.lower_ in lexicon.words("clash_words"):
        return True
    if lemma not in lexicon.words("exchange_words"):
        return False
    # "exchanged fire", "an exchange of fire"
    fire = lexicon.words("fire_words")
    return any(t.lemma_.lower() in fire for t in token.subtree if abs(t.i - token.i) <= 3)


# Types in which a state named alone acts through its military.
MILITARY_ACTS = frozenset({"ASSAULT", "MOBILIZE", "COERCE"})


def _state_sector(actor: Actor, event_type: str, as_actor: bool) -> Actor:
    """A country named alone, with no sector of its own, is its state: its military when it
    fights or mobilises, its government otherwise (ARTICLES.md; CAMEO's convention for a bare
    country name)."""
    if actor.sector is not None or not is_country_code(actor.code):
        return actor
    if actor.matched_by not in (None, "country", "alias", "name", "place", "capital", "adjective"):
        return actor
    sector = "MIL" if as_actor and event_type in MILITARY_ACTS else "GOV"
    return actor.model_copy(update={"sector": sector})


def _fold_auxiliary_modes(
    event_type: str, mode: str | None, negated: bool, future: bool, lexicon: Lexicon
) -> tuple[str, str | None, bool]:
    """Promised cooperation -> AGREE, announced conflict -> THREATEN, refused cooperation ->
    REJECT (rules and reasons in event_rules.yaml, `type_by_flag`)."""
    if negated:
        refused = lexicon.type_when_flagged("refused", event_type)
        if refused != event_type:
            return refused, lexicon.mode_when_governing(refused, event_type, mode), False
        return event_type, mode, negated
    if future:
        promised = lexicon.type_when_flagged("promised", event_type, mode)
        if promised != event_type:
            return promised, None, False
        threatened = lexicon.type_when_flagged("future_conflict", event_type)
        if threatened != event_type:
            return threatened, lexicon.mode_when_governing(threatened, event_type, mode), False
    return event_type, mode, negated


def _contexts(rule_contexts: tuple[str, ...], mode: str | None) -> list[str]:
    """The rule's contexts, plus the context a mode implies (PLOVER manual: the cyber and
    misinformation modes add the context of the same name)."""
    contexts = list(rule_contexts)
    if mode in ("cyber", "misinformation") and mode not in contexts:
        contexts.append(mode)
    return contexts


EVENT_ID_ARTICLE_CHARS = 5
"""Leading hex digits of an event id that come from its article's id alone."""


def event_id(article_id: str, trigger_start: int, event_type: str) -> str:
    """'e', then 5 hex digits of a hash of the article id, then 11 of a hash of the event's
    inputs: 17 characters, as before. The events of one article share their first six
    characters, so they sit side by side in every b-tree keyed by event id (and their link
    ids in those keyed by link id): a stored article dirties one page of each instead of a
    page per event, in a large store the pages that its checkpoint writes (bench/README.md).
    Events of different articles collide only if both hashes agree (64 bits, as before); two
    of one article if 44 bits do. Ids made before keep working: nothing reads meaning in them."""
    article = hashlib.sha1(article_id.encode()).hexdigest()[:EVENT_ID_ARTICLE_CHARS]
    digest = hashlib.sha1(f"{article_id}:{trigger_start}:{event_type}".encode()).hexdigest()
    return "e" + article + digest[: 16 - EVENT_ID_ARTICLE_CHARS]


def _actors(
    analyzed: AnalyzedArticle,
    segment,
    heads: list[Token],
    resolver: ActorResolver,
    lexicon: Lexicon | None = None,
) -> list[Actor]:
    actors: list[Actor] = []
    for head in heads:
        span = phrase_span(head)
        if lexicon is not None and _thing(head, lexicon):
            span = _modifier_span(head)  # the user named before an event noun, not the noun
            if span is None:
                continue
        found = resolver.actors_for(analyzed, segment, span)
        if found and not any(a.code for a in found):
            found = _coded_by_apposition(found, head, analyzed, segment, resolver)
        found = _named_by_apposition(found, head, span, segment)
        for actor in found:
            if not _same_actor(actor, actors):
                actors.append(actor)
    return actors


def _named_by_apposition(
    found: list[Actor], head: Token, span: SpacySpan, segment: Segment
) -> list[Actor]:
    """A title followed by the person's name ("The government spokesman, Ana Ruiz,") is one
    participant: its text keeps the name, which is who it is."""
    if len(found) != 1 or head.pos_ != "NOUN" or any(c.dep_ == "conj" for c in head.children):
        return found  # (not "the government and the rebels' wing, the Front")
    name = next(
        (a for a in children(head, "appos") if a.ent_type_ == "PERSON" or a.pos_ == "PROPN"), None
    )
    if name is None or found[0].start != segment.start + span.start_char:
        return found
    end = phrase_span(name).end_char
    text = segment.text[span.start_char : end]
    return [found[0].model_copy(update={"text": text, "end": segment.start + end})]


def _coded_by_apposition(
    found: list[Actor], head: Token, analyzed: AnalyzedArticle, segment, resolver: ActorResolver
) -> list[Actor]:
    """A name the dictionary does not know takes the code its apposition gives ("Abu Salem,
    Hamas spokesperson" -> Hamas; "Kamal, a rebel commander" -> rebels)."""
    for appos in children(head, "appos"):
        coded = [a for a in resolver.actors_for(analyzed, segment, phrase_span(appos)) if a.code]
        if coded:
            source = coded[0]
            return [
                a.model_copy(
                    update={
                        "code": source.code,
                        "sector": a.sector or source.sector,
                        "matched_by": f"{a.matched_by or 'name'}+apposition",
                    }
                )
                for a in found
            ]
    return found


def _same_actor(actor: Actor, others: list[Actor]) -> bool:
    """Overlapping mentions are one actor, unless one phrase stands for several coded ones
    ("both countries": the two last named)."""
    return any(
        actor.start < o.end
        and o.start < actor.end
        and not (
            (actor.start, actor.end) == (o.start, o.end)
            and actor.code
            and o.code
            and actor.code != o.code
        )
        for o in others
    )


def _same_entity(actor: Actor, others: list[Actor]) -> bool:
    """Resolved to the same entity as one of `others` ("Oslo and Stockholm forged their
    partnership": "their" is no recipient)."""
    return actor.code is not None and any(
        (o.code, o.sector, o.name) == (actor.code, actor.sector, actor.name) for o in others
    )


def _same_party(one: Actor, other: Actor) -> bool:
    """One party under two mentions: the same words, or the same code (and sector if both
    have one)."""
    if (one.name or one.text).lower() == (other.name or other.text).lower():
        return True
    if not one.code or one.code != other.code:
        return False
    return not (one.sector and other.sector and one.sector != other.sector)


def _speaker_person(actors: list[Actor], token: Token) -> bool:
    """In the speaker's own quoted words "they" are others: in "“They came on motorbikes and
    fired,” said a trader" the gunmen fired, not the trader (a body quoted speaks of itself
    as "we", of its head as "he": "“He urged ...,” the presidency said in a statement"). Told
    indirectly, "they" is the speaker too ("the rebels said they had shelled ...")."""
    if not _inside_quotation(token):
        return True
    return not any(a.text.lower() in THIRD_PERSON_PLURAL for a in actors)


def _inside_quotation(token: Token) -> bool:
    """The token stands between quotation marks opened earlier in its paragraph."""
    before = token.doc.text[: token.idx]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _is_pronoun(actor: Actor) -> bool:
    """A pronoun, or a phrase owned by the speaker ("our government", "my forces"): in the
    speaker's words it stands for the speaker's side."""
    words = actor.text.lower().split()
    return actor.text.lower() in SPEAKER_PRONOUNS or (
        len(words) > 1 and words[0] in ("our", "my") and not actor.code
    )


def _body_spoken_for(speaker: Token) -> Token | None:
    """ "a spokesman for the militias", "the leader of the rebels": the group a person speaks
    for or leads, named after "for" or "of" (not a place: "the governor of Kunduz")."""
    if speaker.lemma_.lower() not in SPOKESPERSON_NOUNS:
        return None
    for prep, pobj in prep_objects(speaker):
        if prep in ("for", "of") and pobj.pos_ in ("NOUN", "PROPN") and not _a_place(pobj):
            return pobj
    return None


SPOKESPERSON_NOUNS = frozenset(
    {"spokesman", "spokeswoman", "spokesperson", "leader", "commander", "chief", "head",
     "representative", "member", "official"}
)  # fmt: skip


def _reporting_speaker(candidate: Candidate) -> Token | None:
    """Subject of the reporting verb this event's clause hangs from, if any."""
    current = candidate.governor.token if candidate.governor else candidate.token
    for _ in range(6):
        if current.dep_ in ("ccomp", "parataxis") or (
            current.dep_ == "conj" and current.head.dep_ == "ccomp"
        ):
            head = current.head if current.dep_ != "conj" else current.head.head
            if head.pos_ in ("VERB", "AUX"):
                return subject_of(head)
        if current.head == current:
            return None
        current = current.head
    return None


def _agentive(candidate: Candidate, lexicon: Lexicon) -> bool:
    """Physical harm needs someone who does it: not "a fire that killed 19" (an accident), not
    "a law that targets tax evaders" or "tweets targeting lawmakers" (figures of speech)."""
    if candidate.event != "ASSAULT" or not candidate.actor_heads:
        return True
    heads = {t.lemma_.lower() for t in candidate.actor_heads}
    return not heads & (lexicon.words("non_agent_causes") | lexicon.words("non_agent_texts"))


def _closure_by_no_one(candidate: Candidate, lexicon: Lexicon) -> bool:
    """ "Shops and banks were closed", "Power was cut to three districts": a town's life
    stopping, with no one named who stopped it, is the consequence of an incident or a
    strike, not a coercive act of its own."""
    if candidate.event != "COERCE" or candidate.actor_heads or not candidate.recipient_heads:
        return False
    closed = lexicon.words("facility_nouns") | lexicon.words("utility_nouns")
    return all(t.lemma_.lower() in closed or t.lower_ in closed for t in candidate.recipient_heads)


def _facility_acts(candidate: Candidate, lexicon: Lexicon) -> bool:
    """ "Two hospitals suspended operations", "schools closed": a facility that stops or
    starts work is no party to a political event (attacks on facilities have them as
    recipients, not actors)."""
    heads = {t.lemma_.lower() for t in candidate.actor_heads}
    return bool(heads) and heads <= lexicon.words("facility_nouns")


def _threatened_in_complement(token: Token) -> list[Token]:
    """The patient of the act a threat announces: the object of "vowed to hunt down X", the
    passive subject of "vowed that X would be hunted down"."""
    clause = next((c for c in token.children if c.dep_ in ("xcomp", "ccomp")), None)
    for _ in range(2):  # "vowed to try to catch X"
        if clause is None or clause.pos_ not in ("VERB", "AUX"):
            return []
        patient = next((c for c in clause.children if c.dep_ in ("nsubjpass", "dobj")), None)
        if patient is not None:
            return _participants(patient)
        clause = next((c for c in clause.children if c.dep_ == "xcomp"), None)
    return []


def _war_toll(candidate: Candidate, lexicon: Lexicon) -> bool:
    """ "The conflict has killed more than 6,000 people", "that war killed 400,000": a war's
    toll to date, not an incident of it; "veterans who fought in the civil war": a part taken
    in a war, not an incident."""
    if candidate.event != "ASSAULT":
        return False
    wars = lexicon.words("conflict_nouns")
    token = candidate.token
    if any(
        c.dep_ == "nsubj" and c.pos_ == "NOUN" and c.lemma_.lower() in wars for c in token.children
    ):
        return True
    return token.lemma_.lower() in ("fight", "serve") and any(
        prep == "in" and word.lemma_.lower() in wars for prep, word in prep_objects(token)
    )


def _figurative(candidate: Candidate, lexicon: Lexicon) -> bool:
    """A verb of force or retreat whose object is an abstraction is a figure of speech:
    "seized a chance", "fought the trend", "curbing Russian influence", "abandoning its
    strategy" (no one was harmed, held or left)."""
    if candidate.event not in ("ASSAULT", "COERCE", "RETREAT") or candidate.is_noun:
        return False
    objects = [c for c in candidate.token.children if c.dep_ in ("dobj", "nsubjpass")]
    if any(o.lemma_.lower() in lexicon.words("figurative_objects") for o in objects):
        return True  # "struck a blow against the insurgents": whoever the blow is against
    within = {t.i for o in objects for t in o.subtree}
    if any(h.i not in within for h in candidate.recipient_heads):
        return False  # someone was hit too ("fired on the militiamen, a development that...")
    return bool(objects) and all(
        o.pos_ == "NOUN"
        and o.ent_type_ not in ACTOR_ENTITIES
        and o.lemma_.lower() in lexicon.words("abstract_nouns")
        for o in objects
    )


def _undergone(token: Token, lexicon: Lexicon) -> bool:
    """An act its clause's subject undergoes: "would face trial", "will face prosecution"."""
    return token.dep_ == "dobj" and token.head.lemma_.lower() in lexicon.words("undergo_verbs")


def _stance(candidate: Candidate, lexicon: Lexicon) -> bool:
    """ "Norway remains committed to its allies", "was committed to the defence of...": a
    participle that states a standing position describes the actor; it is not an act."""
    token = candidate.token
    if token.lower_ not in lexicon.words("stance_participles"):
        return False
    # committed to someone or something, not to doing something ("committed to withdrawing"
    # promises an act) and not "crimes were committed in the town" (an act)
    if not any(
        c.lower_ == "to" and c.dep_ == "prep" and any(o.dep_ == "pobj" for o in c.children)
        for c in token.children
    ):
        return False
    if token.dep_ in ("acomp", "oprd", "amod"):
        return True
    return any(c.dep_ == "auxpass" for c in token.children) and not any(
        c.dep_ == "agent" for c in token.children
    )


def _kept_from_moving(token: Token, lexicon: Lexicon) -> bool:
    """ "not allowing them to leave", "did not let the families cross": a permission to move,
    withheld, keeps people where they are."""
    if token.lemma_.lower() not in lexicon.words("permission_verbs"):
        return False
    return any(
        clause.lemma_.lower() in lexicon.words("movement_verbs")
        for clause in children(token, "xcomp", "ccomp")
    )


def _state_function(text: str, lexicon: Lexicon) -> bool:
    """ "the rebel authorities", "the group's police": a body that acts as a state where it rules
    (its detentions are arrests)."""
    words = text.lower()
    return any(word in words for word in lexicon.words("state_function_words"))


def _crowd_violence(
    candidate: Candidate,
    actors: list[Actor],
    recipients: list[Actor],
    mode: str | None,
    lexicon: Lexicon,
) -> bool:
    """ "protesters set fire to the town hall", "a crowd stoned the police station", "blocked
    the roads and burned tyres": violence done by a protest (or told as a protest's next act)
    is a riot. Killing, abducting or attacking someone stays an assault whoever does it, a
    clash has two armed sides, and the state's or an armed group's forces do not riot."""
    token = candidate.token
    if (
        candidate.is_noun
        or mode == "crowd-control"
        or set(verb_lemmas(token)) & lexicon.words("grave_violence_verbs")
        or _told_as_clash(token, lexicon)
    ):
        return False
    armed = lexicon.words("armed_sectors")
    if not actors or any(a.sector in FORCE_SECTORS or a.sector in armed for a in actors):
        return False
    crowds = lexicon.words("protest_crowds")
    # "a group of demonstrators": the people the group is of
    heads = [
        next((o for _p, o in prep_objects(h, "of")), h) if h.lemma_.lower() in GROUP_NOUNS else h
        for h in candidate.actor_heads
    ]
    if heads and all(h.lemma_.lower() in crowds for h in heads):
        return True
    if mode == "primitive" and any(r.sector in FORCE_SECTORS for r in recipients):
        return True  # "youths threw stones and petrol bombs at the police": a riot (ACLED)
    # people whose first act was a protest ("hundreds of people blocked the roads and burned
    # tyres")
    first = token.head if token.dep_ == "conj" and token.head.pos_ == "VERB" else None
    return (
        first is not None
        and all(a.sector in PEOPLE_SECTORS for a in actors)
        and any(
            rule.event == "PROTEST"
            for lemma in verb_lemmas(first)
            for rule in lexicon.verbs.get(lemma, ())
        )
    )


# Nouns for a body of people, named by whom it is of ("groups of masked demonstrators").
GROUP_NOUNS = frozenset({"group", "band", "crowd", "gang"})


def _habitual(candidate: Candidate, lexicon: Lexicon) -> bool:
    """ "has struck inside the country repeatedly", "have attacked teachers in past years",
    "has fought the state for decades", "has stepped up raids this year": what a side does
    again and again or over a period is a pattern, context for the news, not news itself."""
    if candidate.event not in ("ASSAULT", "COERCE"):
        return False  # a statement made again and again is still a statement
    anchor = _flag_anchor(candidate)
    adverbs = lexicon.words("habitual_adverbs")
    periods = lexicon.words("habitual_periods")
    # "launched occasional attacks", "frequent raids": the act's noun says it recurs
    nouns = [anchor] if candidate.is_noun else [c for c in anchor.children if c.dep_ == "dobj"]
    if any(
        m.dep_ == "amod" and m.lower_ in lexicon.words("habitual_adjectives")
        for noun in nouns
        for m in noun.children
    ):
        return True
    # an adjunct after the last of joined verbs belongs to all ("attacked teachers and burned
    # schools in past years")
    adjuncts = [c for verb in (anchor, *anchor.conjuncts) for c in verb.children]
    for child in adjuncts:
        if child.dep_ in ("advmod", "npadvmod") and (
            child.lower_ in adverbs or any(t.lower_ in adverbs for t in child.subtree)
        ):
            return True
        if child.dep_ == "prep" and child.lower_ in ("for", "over", "in", "during"):
            for period in children(child, "pobj"):
                words = {t.lower_ for t in period.subtree}
                if period.lower_ in periods and (
                    child.lower_ != "in" or words & {"past", "recent", "previous"}
                ):
                    return True  # "for decades", "in recent years", "over the years"
    perfect = any(c.dep_ == "aux" and c.lemma_ == "have" for c in anchor.children)
    return perfect and anchor.lemma_.lower() in lexicon.words("trend_verbs")


def _warns_of_outcome(candidate: Candidate, lexicon: Lexicon) -> bool:
    """ "The envoy warned that an assault would lead to a catastrophe", "that the violence
    could spread": a prediction of what another's act would cause or what may happen, not a
    coercive warning (PLOVER's THREATEN) nor an accusation. A warning that names a response
    ("would trigger a swift response") or the speaker's own act ("it could strike") stays a
    threat."""
    if candidate.event != "THREATEN" or candidate.token.lemma_.lower() != "warn":
        return False
    clauses = [c for c in candidate.token.children if c.dep_ == "ccomp"]
    if not clauses:
        return False
    # the predicted clause's own verb ("would lead to"), or a verb joined to it ("and fuel")
    heads = [v for c in clauses for v in (c, *c.conjuncts) if v.pos_ in ("VERB", "AUX")]
    verbs = {v.lemma_.lower() for v in heads}
    words = set().union(*(lemmas(c.subtree) for c in clauses))
    if words & lexicon.words("response_words"):
        return False
    return bool(verbs & lexicon.words("outcome_verbs")) or any(
        _possible_outcome(v, lexicon) for v in heads
    )


def _possible_outcome(verb: Token, lexicon: Lexicon) -> bool:
    """ "the violence could spread", "resistance might emerge": what may happen, not what the
    speaker's side will do ("it could strike back") or others will undergo ("the army could
    face attacks"), which stay threats."""
    if verb.lemma_.lower() in lexicon.words("undergo_verbs"):
        return False
    if not any(c.dep_ == "aux" and c.lower_ in ("could", "might", "may") for c in verb.children):
        return False
    subject = subject_of(verb)
    return subject is not None and subject.pos_ != "PRON"


def _threat_as_a_thing(candidate: Candidate, lexicon: Lexicon) -> bool:
    """ "The Sylvanian threat", "the envoy's warning came after...", "poses a threat to
    stability": a threat or warning named as a thing, with no content of its own (nothing
    threatened, no one warned), characterises or refers back; it is no new event."""
    token = candidate.token
    if candidate.event != "THREATEN" or token.lemma_.lower() not in ("threat", "warning"):
        return False
    if token.head.lemma_.lower() in lexicon.words("characterising_verbs"):
        return True
    if token.dep_ in ("dobj", "attr") and token.head.lemma_.lower() in lexicon.words("light_verbs"):
        return False  # "issued a warning", "made threats"
    content = ("acl", "relcl", "ccomp", "prep", "advcl", "appos")
    return not any(c.dep_ in content for c in token.children)


def _commentator(speaker: Token | None, lexicon: Lexicon) -> bool:
    """The speaker is introduced as one who comments ("Ana Ruiz, an analyst in Oslo",
    "a researcher at a think tank")."""
    if speaker is None:
        return False
    nouns = lexicon.words("commentator_nouns")
    if speaker.lemma_.lower() in nouns:
        return True
    return any(c.dep_ == "appos" and c.lemma_.lower() in nouns for c in speaker.children)


def _helps_with_a_task(token: Token, lexicon: Lexicon) -> bool:
    """ "a farmer who helped carry the wounded", "the boy was helping his father sell
    tomatoes": a hand lent with a task, not aid given (what helped along is the event, if any)."""
    if token.lemma_.lower() != "help":
        return False
    helpful = ("AID", "COOPERATE", "RETREAT")
    return any(
        c.dep_ in ("xcomp", "ccomp")
        and not any(rule.event in helpful for rule in lexicon.verbs.get(c.lemma_.lower(), ()))
        for c in token.children
    )


def _asks_no_act(token: Token, lexicon: Lexicon) -> bool:
    """ "asked that her name be withheld", "they ask us if we feed the rebels": a wish not to
    be named or a question, not a demand of anyone."""
    if token.lemma_.lower() not in ("ask", "request"):
        return False
    for clause in (c for c in token.children if c.dep_ in ("ccomp", "xcomp")):
        words = lemmas(clause.subtree)
        if words & lexicon.words("anonymity_words"):
            return True
        opener = clause.doc[clause.left_edge.i]
        if opener.lower_ in ("if", "whether") or opener.tag_ in ("WP", "WRB", "WDT"):
            return True
    return False


def _commentators(actors: list[Actor], lexicon: Lexicon) -> bool:
    """ "Analysts warn ...", "experts say ...": commentary on events, not one of them."""
    nouns = lexicon.words("commentator_nouns")
    return bool(actors) and all(not a.code and a.text.lower().split()[-1] in nouns for a in actors)


def _is_journalism(actors: list[Actor], candidate: Candidate, lexicon: Lexicon) -> bool:
    press = lexicon.words("press_words")
    if not actors or not all(
        a.text.lower().removeprefix("the ") in press or a.text.lower() in press for a in actors
    ):
        return False
    return candidate.event in ("CONSULT", "REQUEST", "AGREE", "SUPPORT") or bool(
        lemmas(candidate.token.subtree) & lexicon.words("press_objects")
    )


def _flag_anchor(candidate: Candidate) -> Token:
    """The token whose auxiliaries and markers set the flags: the governing verb, or the verb
    an event noun is the object of ("will begin a military operation")."""
    if candidate.governor is not None:
        return candidate.governor.token
    token = candidate.token
    if (
        candidate.is_noun
        and token.dep_ in ("dobj", "attr", "nsubjpass")
        and token.head.pos_ in ("VERB", "AUX")
    ):
        return token.head
    if (
        token.pos_ == "ADJ"
        and token.dep_ in ("acomp", "attr")
        and token.head.pos_ in ("VERB", "AUX")
    ):
        return token.head  # "must be ready to mediate"
    return token


def _negation_holders(candidate: Candidate) -> list[Token]:
    """The words whose children may negate the act: its own, the governing verb, and for an
    adjective the verb it completes ("Neither side seems willing to...")."""
    tokens = [candidate.token, _flag_anchor(candidate)]
    if candidate.token.dep_ in ("acomp", "oprd"):
        tokens.append(candidate.token.head)
    return tokens


def _negated(candidate: Candidate) -> bool:
    for token in _negation_holders(candidate):
        if _denied_sign(token):
            return True
        if any(c.dep_ == "neg" or c.lower_ in ("never", "no") for c in token.children):
            return True
        if any(_no_one(c) for c in token.children if c.dep_ in ("nsubj", "nsubjpass")):
            return True  # "Nobody attacked", "Neither Iran nor Turkey will accept"
        if (
            token.dep_ == "xcomp"
            and any(c.dep_ == "neg" for c in token.head.children)
            and token.head.lemma_ not in ("refuse", "reject", "decline", "deny")
        ):
            return True
    return False


NO_ONE = frozenset({"nobody", "no-one", "none", "nothing", "neither"})


def _nobody_does(candidate: Candidate) -> bool:
    return any(
        _denied_sign(token)
        or any(_no_one(c) for c in token.children if c.dep_ in ("nsubj", "nsubjpass"))
        for token in _negation_holders(candidate)
    )


def _anyone(subject: Token) -> bool:
    return subject.lower_ in ("anyone", "anybody", "whoever") or any(
        c.dep_ == "det" and c.lower_ == "any" for c in subject.children
    )


def _denied_sign(verb: Token) -> bool:
    """ "there was little sign that either side was ready", "no indication that they would":
    a clause told only to say it is not so."""
    if verb.dep_ != "acl":
        return False
    noun = verb.head
    return noun.lemma_.lower() in ("sign", "indication", "evidence", "suggestion", "hint") and any(
        c.dep_ in ("amod", "det") and c.lower_ in ("little", "no", "scant", "few")
        for c in noun.children
    )


def _no_one(subject: Token) -> bool:
    return subject.lower_ in NO_ONE or any(
        c.dep_ in ("preconj", "det") and c.lower_ in ("neither", "no") for c in subject.children
    )


def _denied(candidate: Candidate) -> bool:
    """ "The minister denied the rebels were discussing a truce", "the junta denies targeting
    civilians": what is denied is not asserted (the denial itself is coded, as a REJECT);
    unlike a refusal, it is no act of its own."""
    token = _flag_anchor(candidate)
    for _ in range(3):
        if token.dep_ in ("ccomp", "xcomp") and token.head.lemma_.lower() in DENIAL_VERBS:
            return not _charge_denied(token, token.head)
        if token.dep_ not in ("xcomp", "conj") or token.head == token:
            return False
        token = token.head
    return False


DENIAL_VERBS = frozenset({"deny", "refute", "dismiss", "rebut", "disclaim"})
CHARGE_NOUNS = frozenset({"charge", "accusation", "allegation", "claim", "assertion"})


def _charge_denied(clause: Token, denial: Token) -> bool:
    """ "X accused Y of ..., a charge Y denies": the parser may hang the accusation on the
    denial, but what is denied is the charge the accusation made; the accusation was made."""
    if clause.i > denial.i:
        return False
    between = clause.doc[clause.right_edge.i + 1 : denial.i]
    return any(t.lemma_.lower() in CHARGE_NOUNS for t in between)


def _hypothetical(candidate: Candidate, lexicon: Lexicon) -> bool:
    markers = lexicon.words("hypothetical_markers")
    token = _flag_anchor(candidate)
    if _bare_participle(token) and token.dep_ == "advcl":
        token = token.head  # "would leave the town, abandoning its allies": as the leaving
    reported = _is_reported(token, lexicon)
    for child in token.children:
        if child.dep_ in ("aux", "mark", "advmod") and child.lower_ in markers:
            if reported and child.lower_ in ("would", "'d"):
                continue  # "said it would never agree": the future of reported speech
            if child.lower_ in ("could", "can", "ca") and any(
                c.dep_ == "neg" for c in token.children
            ):
                continue  # "terms they could not accept": an inability stated, a refusal
            return True
    clause = token
    while clause.dep_ == "conj" and clause.head != clause:
        clause = clause.head
    if clause.dep_ == "ccomp" and any(
        c.dep_ in ("advmod", "mark") and c.lower_ in ("how", "why", "whether")
        for c in (*token.children, *clause.children)
    ):
        return True  # "did not say how the injured would be evacuated": a question, reported
    if clause.dep_ == "ccomp" and any(
        t.lower_ == "how" and t.head.lower_ in ("many", "much")
        for t in clause.doc[clause.left_edge.i : clause.i]
    ):
        return True  # "did not say how many soldiers it had killed"
    if clause.dep_ == "ccomp" and any(
        c.dep_ in ("nsubj", "nsubjpass", "dobj") and c.lower_ in ("what", "whatever", "who", "whom")
        for c in clause.children
    ):
        return True  # "nobody knows what was agreed": an indirect question, not a report
    if _alleged(candidate.token, lexicon) or _purpose(token, lexicon):
        return True
    if (
        _bare_participle(token)
        and token.dep_ == "acl"
        and token.tag_ == "VBG"
        and token.head.pos_ == "NOUN"
    ):
        # "plans to launch an operation targeting the rebels", "any raid aimed at them": the
        # participle describes the noun's act, real only when it is
        noun = token.head
        if _unrealised_noun(noun, lexicon) or (
            noun.dep_ in ("dobj", "nsubjpass") and _purpose(noun.head, lexicon)
        ):
            return True
    subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass", "csubjpass")]
    subjects += [s for c in subjects for s in c.children if s.dep_ == "nsubj"]
    if any(_anyone(c) for c in subjects):
        return True  # "any officer found responsible would be prosecuted": whoever that is
    if token.dep_ in ("relcl", "acl") and _anyone(token.head):
        return True  # "anyone who attacks a police station will be punished": no one did yet
    if _asked(candidate.token):
        return True
    if _unasserted_base_form(token) or _content_of_a_noun(token):
        return True
    if candidate.is_noun and _unrealised_noun(candidate.token, lexicon):
        return True
    current = token
    for _ in range(4):
        if current.dep_ == "advcl" and _states_a_condition(current):
            return True
        if (
            current.dep_ == "xcomp"
            and current.head.lemma_.lower() in lexicon.words("intent_verbs")
            and current.head.lemma_.lower()
            not in ("decide", "be", "move", "set", "vow", "pledge", "promise")
        ):
            return True
        if (
            current.dep_ == "ccomp"
            and current.tag_ in ("VBN", "VB")
            and not any(c.dep_ in ("aux", "auxpass") for c in current.children)
            and current.head.lemma_.lower() in lexicon.words("wish_verbs")
        ):
            return True  # "would prefer them expelled", "wants him arrested": a wish
        if current.head == current:
            break
        current = current.head
    return False


def _to_infinitive(verb: Token) -> bool:
    """The verb is a "to" infinitive ("to release", "to fight")."""
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _content_of_a_noun(verb: Token) -> bool:
    """ "a deal to allow Norway to send troops": infinitives hung one on another from a noun
    (a deal, plan, bid or order) tell what it is for, not what was done."""
    current = verb
    for _ in range(4):
        if current.dep_ not in ("xcomp", "ccomp", "advcl", "acl") or not _to_infinitive(current):
            return False
        if current.dep_ == "acl" and current.head.pos_ == "NOUN":
            return True
        current = current.head
    return False


def _unasserted_base_form(verb: Token) -> bool:
    """A verb in its base form that no finite verb governs: an imperative ("Release the four
    men detained in Kunduz") or an infinitive in a list of demands ("calls on: - the police to
    release those detained"). What is asked for, not what was done."""
    if verb.tag_ != "VB" or any(
        c.dep_ in ("aux", "auxpass") and c.tag_ in ("MD", "VBD", "VBZ", "VBP")
        for c in verb.children
    ):
        return False  # "does not recognise", "would release": finite, told as it is
    if any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children) and not _to_infinitive(verb):
        return False  # a past form the tagger took for a base form ("the army retook ...")
    current = verb
    while current.head != current:
        current = current.head
        if current.tag_ in ("VBD", "VBZ", "VBP", "MD") or any(
            c.dep_ in ("aux", "auxpass") and c.tag_ in ("VBD", "VBZ", "VBP", "MD")
            for c in current.children
        ):
            return False
    return True


def _unrealised_noun(noun: Token, lexicon: Lexicon) -> bool:
    """An event noun for any such act ("any attack on the province"), one planned or pending
    ("a proposed ceasefire", "an offensive is imminent", "a deal was near") or the subject of
    what would or will happen ("a major assault would lead to a catastrophe"): not an act that
    happened."""
    markers = lexicon.words("hypothetical_markers")
    if any(c.dep_ == "det" and c.lower_ in ("any", "every") for c in noun.children):
        return True
    planned = lexicon.words("planned_modifiers")
    if any(c.dep_ in ("amod", "compound") and c.lower_ in planned for c in noun.children):
        return True  # "the planned meetings", "a proposed ceasefire"
    if noun.dep_ in ("nsubj", "nsubjpass") and noun.head.pos_ in ("VERB", "AUX"):
        predicate = noun.head
        if predicate.lemma_.lower() in ("be", "seem", "appear", "look") and any(
            c.dep_ in ("acomp", "attr", "advmod") and c.lower_ in planned
            for c in predicate.children
        ):
            return True  # "an offensive on the town is imminent", "a deal was near"
        return any(
            c.dep_ == "aux" and (c.lower_ in markers or c.lower_ in ("will", "shall"))
            for c in predicate.children
        )
    return False


def _asked(token: Token) -> bool:
    """Inside a question ("Why are we fighting for our enemy?"): asked, not asserted. The
    first sentence-ending mark after the word, within its sentence, is a question mark."""
    for following in token.doc[token.i + 1 : token.sent.end]:
        if following.text in (".", "!", ";"):
            return False
        if following.text == "?":
            return True
    return False


def _asks_a_question(token: Token) -> bool:
    """ "'Why are we fighting?' the president asked": a question put, not a request."""
    return token.lemma_.lower() == "ask" and any(
        t.text == "?" for c in token.children if c.dep_ in ("ccomp", "parataxis") for t in c.subtree
    )


def _purpose(verb: Token, lexicon: Lexicon) -> bool:
    """An infinitive of purpose or aim states what is sought, not what happened ("rebels
    fighting to topple the government", "their effort to overthrow it"); after verbs of
    aspect ("began to", "continued to") it is the act itself."""
    if verb.tag_ != "VB" or verb.dep_ not in ("acl", "advcl", "xcomp", "relcl"):
        return False
    if not _to_infinitive(verb):
        return False
    head = verb.head.lemma_.lower()
    if verb.dep_ != "xcomp":
        return True
    # "began to shell" is the act; after a word that is an event itself ("threatened to",
    # "forced them to") it is handled apart; after a verb of striving it is the aim
    # ("fighting to overthrow the government").
    if head in lexicon.words("aim_verbs"):
        return True
    return not (head in lexicon.words("aspect_verbs") or head in lexicon.verbs)


def _intended(candidate: Candidate, lexicon: Lexicon) -> bool:
    """ "plans to impose restrictions", "is considering sanctions": an act only intended."""
    token = candidate.token
    head = token.head
    if token.dep_ == "xcomp" and head.lemma_.lower() in lexicon.words("plan_verbs"):
        return True
    return token.dep_ == "dobj" and head.lemma_.lower() in lexicon.words("plan_verbs")


def _conditional(candidate: Candidate) -> bool:
    """ "will withdraw its force unless ...": an act made to depend on the other side."""
    return bool(_condition_clauses(_flag_anchor(candidate)))


def _condition_clauses(anchor: Token) -> list[Token]:
    """The conditions an act hangs on: clauses opened by "if", "unless", "in case" on the act's
    word, or on the act its object names ("reserves the right to respond if they attack")."""
    holders = [anchor]
    for child in anchor.children:
        if child.dep_ in ("dobj", "xcomp", "appos"):
            holders += [child, *(c for c in child.children if c.dep_ in ("acl", "xcomp"))]
    return [
        clause
        for holder in holders
        for clause in holder.children
        if clause.dep_ in ("advcl", "acl") and _states_a_condition(clause)
    ]


def _states_a_condition(clause: Token) -> bool:
    """A clause opened by "if", "unless" or "in case"."""
    return any(
        (m.dep_ == "mark" and m.lower_ in ("unless", "if"))
        or (m.dep_ == "prep" and m.lower_ == "in" and any(o.lower_ == "case" for o in m.children))
        for m in clause.children
    )


def _condition_subjects(candidate: Candidate) -> list[Token]:
    """The subject of the "if"/"unless" clause an act is made to depend on."""
    for clause in _condition_clauses(_flag_anchor(candidate)):
        subject = subject_of(clause)
        if subject is not None:
            return _participants(subject)
    return []


def _threatened_by_condition(token: Token, lexicon: Lexicon) -> list[Token]:
    """The one a threat's complement puts a condition to, two clauses deep at most ("warned
    that X would respond if Y attacked", "said it would act unless Y withdrew"); else the
    party whose act the complement names ("warned it would resist any Sylvanian attack")."""
    layer = [token]
    clauses = []
    for _depth in range(3):
        for holder in layer:
            for clause in _condition_clauses(holder):
                subject = subject_of(clause)
                if subject is not None and subject.lower_ not in SPEAKER_PRONOUNS:
                    return _participants(subject)
        layer = [c for h in layer for c in h.children if c.dep_ in ("ccomp", "xcomp", "conj")]
        clauses += layer
    for clause in clauses:
        for word in clause.subtree:
            if word.pos_ != "NOUN" or not _is_event_noun(word, lexicon):
                continue
            if _modifier_span(word) is not None:
                return [word]  # its actor is read from the words before it
            owner = _own_actor(word, source=False)
            if owner is not None:
                return _participants(owner)
    # "warned of the risk of a clash with the Sylvanian navy": the other side of the clash
    for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ in ("of", "about")):
        for word in prep.subtree:
            if word.pos_ == "NOUN" and _is_event_noun(word, lexicon):
                for side_prep, side in prep_objects(word):
                    if side_prep in ("with", "against") and not _is_non_actor(side):
                        return _participants(side)
    return []


def _alleged(token: Token, lexicon: Lexicon) -> bool:
    """ "accused X of attacking Y", "arrested on suspicion of shooting": an allegation, not a
    fact the text asserts."""
    if token.dep_ == "pcomp" or (token.dep_ == "pobj" and token.head.dep_ == "prep"):
        prep = token.head
        owner = prep.head
        if prep.lower_ in ("of", "for", "over") and owner.lemma_.lower() in lexicon.words(
            "allegation_words"
        ):
            return True
        if owner.lemma_.lower() in ("suspicion", "charge", "charges", "allegation", "allegations"):
            return True
    return False


def _future(candidate: Candidate, lexicon: Lexicon) -> bool:
    token = _flag_anchor(candidate)
    chain = [token]
    if token.dep_ in ("xcomp", "conj") or _bare_participle(token):
        chain.append(token.head)
    reported = _is_reported(chain[-1], lexicon)
    for item in chain:
        for child in item.children:
            if child.dep_ == "aux" and child.lower_ in ("will", "shall", "'ll", "wo"):
                return True
            # "said it would free the prisoners": the future of reported speech.
            if child.dep_ == "aux" and child.lower_ in ("would", "'d") and reported:
                return True
            if (
                child.dep_ == "aux"
                and child.lower_ == "going"
                and any(c.lower_ == "to" for c in item.children)
            ):
                return True
    return False


PARTICIPLE_OWN_DEPS = frozenset({"nsubj", "nsubjpass", "mark", "aux", "auxpass"})


def _bare_participle(token: Token) -> bool:
    """A participle clause with no subject or marker of its own ("troops would leave,
    abandoning their allies"; "an operation targeting the rebels"): its time and reality are
    those of the word it hangs on."""
    return (
        token.dep_ in ("advcl", "acl")
        and token.tag_ in ("VBG", "VBN")
        and not any(c.dep_ in PARTICIPLE_OWN_DEPS for c in token.children)
    )


def _demanded(candidate: Candidate, lexicon: Lexicon) -> bool:
    """ "must", "should", "has to", "needs to" on a reported clause: a demand by the speaker."""
    verb = _flag_anchor(candidate)
    if not _is_reported(verb, lexicon):
        return False
    for child in verb.children:
        if child.dep_ == "aux" and child.lower_ in ("must", "should"):
            return True
    return (
        verb.dep_ == "xcomp"
        and verb.head.lemma_.lower() in ("have", "need")
        and verb.head.lower_ != "had"
    )


SUBORDINATE_DEPS = {"relcl", "acl", "advcl", "pcomp", "csubj", "csubjpass", "pobj"}


# Verbs that start an act when they govern one ("began to shell"); "continue to occupy" and
# "used them to fight" describe an ongoing state or a purpose.
ONSET_VERBS = frozenset({"begin", "start", "resume", "launch", "proceed", "move", "rush"})


def _is_lede(analyzed: AnalyzedArticle, sentence: Sentence) -> bool:
    """The body's first sentence: news told there in the present is news ("Russia sends
    troops"), not a habit."""
    body = next((s for s in analyzed.segments if s.kind == "body"), None)
    return body is not None and sentence.segment is body and sentence.span.start == 0


def _answer_given(token: Token, lexicon: Lexicon) -> bool:
    """ "responded by shelling their positions": the gerund after "by" is the act done in
    answer, told as the answering verb is (`response_verbs`)."""
    prep = token.head
    return (
        token.dep_ == "pcomp"
        and token.tag_ == "VBG"
        and prep.lower_ == "by"
        and bool(set(_verb_keys(prep.head)) & lexicon.words("response_verbs"))
    )


def _protesting_targets(candidate: Candidate) -> bool:
    """ "fired tear gas at workers marching on parliament", "charged a crowd who were
    protesting": what the people a sentence's act is aimed at were doing at the time. Told as
    a participle, it is a protest of its own, kept when force met it (`_main_assertions`)."""
    token = candidate.token
    people = token.head
    progressive = token.dep_ == "relcl" and _has_aux(token, "be")
    return (
        candidate.event == "PROTEST"
        and token.tag_ == "VBG"
        and (token.dep_ == "acl" or progressive)
        and people.dep_ in ("dobj", "pobj")
    )


def _describes_not_reports(candidate: Candidate, lexicon: Lexicon, lede: bool = False) -> bool:
    """A word that describes a participant or a state of affairs rather than reporting an
    incident (ARTICLES.md: adjectival relationships, generic and habitual statements and
    purposes are not coded):
    - a participle describing a noun ("forces backed by the army", "insurgents fighting the junta",
      "terms imposed on rebels"), unless the noun is itself an event ("airstrikes hitting
      the town");
    - an event named only as the object of a preposition ("angered by US support for the
      rebels", "by withdrawing support");
    - an act governed as an ongoing state or purpose ("continue to occupy", "used them to
      fight"), not as an onset ("began to shell");
    - the present simple of a material act, or of any act inside a relative clause: a habit
      or a generality ("the group that rescues", "those who threaten its borders"), not news
      (except in the lede, which may tell its news in the present);
    - an ongoing relationship told in the perfect ("had backed the YPG", "has supported");
    - a statement in a relative clause on a thing, with no time of its own ("a policy aid
      agencies have criticised").
    """
    token = candidate.token
    if candidate.is_noun:
        if token.dep_ not in ("pobj", "pcomp") or candidate.governed:
            return False
        # "a round of joint exercises", "a wave of strikes": the series is the act; "took part
        # in the protest", "joined in the attack": so is what one takes part in.
        holder = token.head.head
        of_series = token.head.lower_ == "of" and (
            holder.lemma_.lower() in lexicon.words("series_nouns")
            or lexicon.is_trigger_noun(holder.lemma_.lower())
        )
        return not (
            of_series
            or _participation_verb(token) is not None
            or claim_verb(token, lexicon) is not None
        )
    if main_verb_read_as_modifier(token):
        return False
    if _protesting_targets(candidate):
        return False
    if token.dep_ in ("acl", "amod") and token.tag_ in ("VBN", "VBG"):
        if (
            set(verb_lemmas(token)) & lexicon.words("holding_verbs")
            and _a_place(token.head)
            and not any(t.ent_type_ in ("DATE", "TIME") for t in token.subtree)
        ):
            return True  # "areas retaken by the army", "territory held by the group": who holds it
        if token.tag_ == "VBN" and candidate.event == "ASSAULT":
            return False  # "a militia targeted in an attack in Baghdad": violence told
        if (
            token.tag_ == "VBN"
            and any(c.dep_ == "agent" for c in token.children)
            and token.lemma_.lower() not in RELATIONSHIP_VERBS
            and candidate.event != "SUPPORT"
        ):
            return False  # "people evacuated from Haiti by the U.S.": an act with its agent
        head = token.head
        return not (head.pos_ == "NOUN" and lexicon.is_trigger_noun(head.lemma_.lower()))
    if token.dep_ in ("pcomp", "pobj"):
        return not _answer_given(token, lexicon)
    governor = token.head.lemma_.lower()
    if token.dep_ == "xcomp" and governor in lexicon.words("aspect_verbs"):
        return governor not in ONSET_VERBS
    if token.dep_ == "relcl" and token.tag_ == "VBG" and _has_aux(token, "be"):
        return True  # "the militia, which is fighting alongside the army": an ongoing state
    if (
        token.dep_ == "relcl"
        and token.head.lemma_.lower() in lexicon.words("policy_nouns")
        and (_has_aux(token, "have") or token.lemma_.lower() in lexicon.words("stance_verbs"))
        and not any(t.ent_type_ in ("DATE", "TIME") for t in token.subtree)
    ):
        # "a move the independence movement opposed", "a policy aid agencies have
        # criticised": a standing view of a measure, told to describe it ("a move they
        # denounced as retaliation" is a statement made, and stays)
        return True
    if _present_simple(token) and not lede:
        material = lexicon.types[candidate.event].quad in (2, 4)
        return material or token.dep_ == "relcl"
    if token.lemma_.lower() == "ask" and not any(
        c.dep_ in ("dobj", "dative", "xcomp", "ccomp", "nsubjpass")
        or (c.dep_ == "prep" and c.lower_ == "for")
        for c in token.children
    ):
        return True  # "“Why ...?” the senator asked": a question told, not a request of anyone
    if (
        token.lemma_.lower() == "commit"
        and not candidate.rule.alleged
        and (token.tag_ == "JJ" or _has_aux(token, "be"))
    ):
        return True  # "remained committed to", "was committed to": a disposition
    if candidate.event == "SUPPORT" and token.lemma_.lower() in RELATIONSHIP_VERBS:
        return _has_aux(token, "have") or (token.tag_ in ("VBN", "VBG") and token.dep_ != "ROOT")
    if candidate.event == "COOPERATE" and token.dep_ == "relcl":
        # "the coalition forces who we have fought alongside", "allies it worked with for
        # years": a relative clause telling whom a party is allied to describes it
        return _has_aux(token, "have") or token.tag_ in ("VBZ", "VBP", "VBG")
    return False


# Verbs of an ongoing relationship when told in the perfect or as a participle.
RELATIONSHIP_VERBS = frozenset({"back", "support", "sponsor", "arm", "fund", "finance"})


def _present_simple(token: Token) -> bool:
    """ "attacks", "are killed", "is stationed": a habit, a state or a generality."""
    if token.tag_ in ("VBZ", "VBP"):
        return not _has_aux(token)
    if token.tag_ == "VBN":
        auxes = [c for c in token.children if c.dep_ in ("aux", "auxpass")]
        return len(auxes) == 1 and auxes[0].dep_ == "auxpass" and auxes[0].tag_ in ("VBZ", "VBP")
    return False


def _has_aux(token: Token, lemma: str | None = None) -> bool:
    return any(
        c.dep_ in ("aux", "auxpass") and (lemma is None or c.lemma_.lower() == lemma)
        for c in token.children
    )


def _taking_ground(token: Token, mode: str | None) -> bool:
    """ "swept into the city, seizing control from the militia": territory taken, told in a
    participle clause of the act it completes, is news however deep that act is told."""
    return (
        mode == "seize"
        and token.tag_ == "VBG"
        and token.dep_ == "advcl"
        and not any(c.dep_ in ("nsubj", "mark") for c in token.children)
    )


def _subordinate(candidate: Candidate, lexicon: Lexicon) -> bool:
    """Is the event stated inside a subordinate clause rather than as (part of) the sentence's
    main assertion? Reported speech and governed complements count as main."""
    current = _flag_anchor(candidate)
    for _ in range(12):
        if current.dep_ == "ROOT" or current.head == current:
            return False
        if current.dep_ == "advcl" and _when(current):
            return False  # "when the two ministers met in Oslo": a time told by an event
        if main_verb_read_as_modifier(current):
            return False
        if (
            current.dep_ == "advcl"
            and current.tag_ == "VBG"
            and _bare_participle(current)
            and current.head.lemma_.lower() in lexicon.words("reporting_verbs")
            and current.head.lemma_.lower() not in lexicon.verbs
        ):
            # "the Front said on Monday, accusing Lyon of ...": said too (but "warned X,
            # warning that ..." retells the warning)
            return False
        if _answer_given(current, lexicon):
            current = current.head.head  # as asserted as the answering verb
            continue
        if current.dep_ in SUBORDINATE_DEPS:
            return True
        if (
            current.dep_ == "ccomp"
            and current.head.lemma_.lower() not in lexicon.words("reporting_verbs")
            and not _semicolon_between(current, current.head)
        ):
            return True
        current = current.head
    return False


def _semicolon_between(clause: Token, head: Token) -> bool:
    """ "gunmen abducted 20 pupils; they were freed days later": the parser may hang the first
    of two clauses a semicolon joins on the second as its complement; each is a sentence."""
    low, high = sorted((clause.i, head.i))
    return any(t.text == ";" for t in clause.doc[low:high])


def _is_reported(verb: Token, lexicon: Lexicon) -> bool:
    """Is this clause the complement of a reporting verb ("announced that it would ...")?"""
    current = verb
    for _ in range(3):
        if current.dep_ in ("ccomp", "parataxis") and current.head.lemma_.lower() in lexicon.words(
            "reporting_verbs"
        ):
            return True
        if current.dep_ not in ("conj", "xcomp"):
            return False
        current = current.head
    return False


def _background(candidate: Candidate, analyzed: AnalyzedArticle, lexicon: Lexicon) -> bool:
    token = candidate.token
    verb = token if token.pos_ in ("VERB", "AUX") else token.head
    # Past perfect: "had attacked" is told as background to the news; but not in reported
    # speech, where it is the tense shift of the speaker's own present perfect ("Turkey said
    # it had begun a ground incursion" = "we have begun").
    # "had armed and supported": the second verb shares the first one's auxiliary
    auxiliaries = [*verb.children] + (
        [*verb.head.children] if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX") else []
    )
    if any(c.dep_ == "aux" and c.lower_ == "had" for c in auxiliaries) and not _is_reported(
        verb, lexicon
    ):
        return True
    markers = lexicon.words("background_markers")
    scope = list(token.children) + ([*verb.children] if verb is not token else [])
    if candidate.is_noun and _series_verb(token, lexicon) is not None:
        scope += list(token.head.head.children)  # "a months-long campaign of strikes"
    for item in scope:
        if item.dep_ == "prep" and _temporal(item) and item.lower_ == "since":
            continue  # "since Monday morning": recent; a year is judged below
        if item.dep_ in ("amod", "advmod", "npadvmod", "prep"):
            # the tokens, and the modifier as written ("months-long" is three tokens), not
            # those of a clause nested in it ("an already complicated war")
            own = _own_words(item)
            words = {t.lower_ for t in own} | {
                item.doc[item.left_edge.i : item.right_edge.i + 1].text.lower()
                if item.dep_ != "prep"
                else ""
            }
        elif (
            item.dep_ == "dobj"
            and not candidate.is_noun
            and item.lemma_.lower() in lexicon.words("lasting_struggles")
        ):
            # "has fought a decades-long insurgency", "waged a four-decade civil war"
            modifiers = [
                t for t in item.children if t.dep_ in ("amod", "compound", "nummod", "nmod")
            ]
            words = {t.lower_ for t in modifiers} | {
                item.doc[t.left_edge.i : t.right_edge.i + 1].text.lower() for t in modifiers
            }
            if any(_DURATION.fullmatch(word) for word in words):
                return True
        else:
            words = {item.lower_}
        if "last" in words and words & lexicon.words("recent_periods"):
            words = words - {"last"}  # "last night", "last week", "last Tuesday": the news
        if words & markers:
            return True
    published = analyzed.article.published
    if published is not None:
        for item in scope:
            if item.dep_ in CLAUSE_DEPS:
                continue  # a year in another clause dates that clause's act, not this one
            for word in _own_words(item):
                if _YEAR.match(word.text) and int(word.text) < published.year - 1:
                    return True
    return False


CLAUSE_DEPS = frozenset({"advcl", "ccomp", "xcomp", "relcl", "acl", "conj", "parataxis"})
# "four-decade", "seven-year", "decades-long", "30-year": a struggle measured in years
_DURATION = re.compile(
    r"(?:\w+|\d+)\s*-\s*(?:years?|decades?)(?:\s*-\s*long|\s*-\s*old)?|\w+s-long"
)


def _own_words(item: Token) -> list[Token]:
    """The words of a phrase, without the clauses nested in it ("the president whose
    military intervened in 2015")."""
    words, stack = [], [item]
    while stack:
        token = stack.pop()
        words.append(token)
        stack.extend(c for c in token.children if c.dep_ not in CLAUSE_DEPS)
    return words


WEAPON_MODES = (
    "drone",
    "suicide-attack",
    "aerial",
    "unconventional",
    "explosives",
    "heavy-weapons",
    "crowd-control",
    "firearms",
    "primitive",
)


def _weapon(token: Token, lexicon: Lexicon) -> bool:
    """A weapon named as an instrument ("with machine guns"), not people named by one."""
    words = {token.lemma_.lower(), token.lower_}
    if words & lexicon.words("weapon_bearers"):
        return False
    return any(words & lexicon.words(f"weapon_modes_{mode}") for mode in WEAPON_MODES)


def _weapon_mode(token: Token, lexicon: Lexicon) -> str | None:
    verb = token if token.pos_ in ("VERB", "AUX") else token.head
    words = lemmas(list(verb.subtree) if verb.pos_ in ("VERB", "AUX") else list(token.subtree))
    for mode in WEAPON_MODES:
        if words & lexicon.words(f"weapon_modes_{mode}"):
            return mode
    return None


def _cameo_root(event: str, mode: str | None, roots: tuple[str, ...]) -> str:
    if event == "ACCUSE" and mode == "investigate":
        return "09"
    return roots[0]


def _main_assertions(events: list[Event]) -> list[Event]:
    """What a sentence reports: its main-clause events. An event inside a subordinate clause
    ("condemned the decision to reinstate the ban", "a lawyer jailed for ...") is background
    detail and is dropped when the sentence asserts something else, except violence reported
    as news (ASSAULT, not hypothetical or background), which conflict data must not miss ("the
    attack that killed 12")."""
    if not any(not e.subordinate and not e.negated for e in events):
        return events
    met = _protests_met_by_force(events)
    kept = [
        met.get(e.id, e)
        for e in events
        if not e.subordinate or _asserted_violence(e) or e.id in met
    ]
    for dropped in events:
        if dropped not in kept:
            _lend_people(dropped, kept)
    return kept


def _protests_met_by_force(events: list[Event]) -> dict[str, Event]:
    """ "police fired tear gas at protesters who had blocked the road", "used water cannon to
    disperse supporters who had gathered to protest": the protest the state's force met
    happened, at the time of the force, and is an incident of its own (analysts code both).
    Only a protest someone is told to make, met by crowd control or by fire or arrests aimed
    at its people."""
    return {
        e.id: e.model_copy(update={"background": False})
        for e in events
        if e.subordinate
        and e.event == "PROTEST"
        and e.actor
        and not (e.negated or e.hypothetical)
        and any(force is not e and _met(force, e) for force in events)
    }


def _met(force: Event, protest: Event) -> bool:
    if force.negated or force.hypothetical or force.background:
        return False
    if (force.event, force.mode) == ("ASSAULT", "crowd-control"):
        return True
    by_forces = any(a.sector in FORCE_SECTORS for a in force.actor)
    aimed = force.event == "ASSAULT" or (force.event, force.mode) == ("COERCE", "arrest")
    return by_forces and aimed and _overlapping(force.recipient, protest.actor)


def _lend_people(dropped: Event, kept: list[Event]) -> None:
    """A participle that continues the main act names whom it was done to: "raided houses,
    arresting 19 suspects" is a raid on the suspects, not on the houses."""
    people = [r for r in dropped.recipient if r.code or r.sector]
    if not people:
        return
    for main in kept:
        same_doer = not dropped.actor or _overlapping(main.actor, dropped.actor)
        things_only = main.recipient and not any(r.code or r.sector for r in main.recipient)
        if main.event == dropped.event and not main.subordinate and same_doer and things_only:
            main.recipient = people
            return


def _asserted_violence(event: Event) -> bool:
    return event.event == "ASSAULT" and not (event.hypothetical or event.background)


def _dedupe(events: list[Event]) -> list[Event]:
    """One event per (type, trigger); among same-type events of one sentence sharing actors,
    keep the most complete, then the gravest ("blocked the roads and burned tyres": a riot)."""
    kept: list[Event] = []
    for event in sorted(
        events,
        key=lambda e: (-(len(e.actor) + len(e.recipient)), -e.confidence, e.event_scale),
    ):
        duplicate = next(
            (
                k
                for k in kept
                if k.event == event.event
                and _overlapping(k.actor, event.actor)
                and (not event.recipient or _overlapping(k.recipient, event.recipient))
            ),
            None,
        )
        if duplicate is None:
            kept.append(event)
    return sorted(kept, key=lambda e: e.trigger.start if e.trigger else e.evidence.start)


def _overlapping(first: list[Actor], second: list[Actor]) -> bool:
    if not first or not second:
        return not first and not second
    return any(a.start < b.end and b.start < a.end for a in first for b in second)


# --- article level: whom an answer targets ---------------------------------------------------


def complete_participants(analyzed: AnalyzedArticle, lexicon: Lexicon) -> None:
    """Article-level participants, once incidents are whole and placed: whom an answer
    targets, and the country of people named only by their sector."""
    answer_targets(analyzed, lexicon)
    condemned_doers(analyzed, lexicon)
    local_countries(analyzed, lexicon)
    home_state(analyzed, lexicon)


def local_countries(analyzed: AnalyzedArticle, lexicon: Lexicon) -> None:
    """The people a material incident hit, named only by their sector ("at least eight
    civilians", "nine soldiers"), are of the country where it happened, as analysts code them
    (ACLED's "Civilians (Ethiopia)", a CAMEO ETHCVL): the actors stage gives a generic phrase the
    country of a place in its own clause, this the incident's place told anywhere in the
    article. Only recipients: they were where it happened, its doers may have come from
    elsewhere. Not a phrase with a name or nationality of its own, not a statement's target
    (said about others, elsewhere), not unidentified armed men (`stateless_sectors`)."""
    stateless = lexicon.words("stateless_sectors")
    for event in analyzed.events:
        country = event.event_loc.country if event.event_loc else None
        if not country or lexicon.types[event.event].quad in VERBAL_QUADS:
            continue
        country = actor_country_code(country)
        for index, target in enumerate(event.recipient):
            if target.code or not target.sector or target.sector in stateless:
                continue
            if _generic_phrase(analyzed, target):
                event.recipient[index] = target.model_copy(update={"code": country})


def home_state(analyzed: AnalyzedArticle, lexicon: Lexicon) -> None:
    """The state's own people named with no country ("the government", "the interior
    minister, Ana Ruiz", "he" for her, "security forces") serve the state the article is
    about, as analysts code them: the country of most of its placed incidents, when most
    are in one country. Only the state's sectors (`state_sectors`): an armed group or a
    civilian may come from anywhere; and not a phrase that names an origin of its own
    ("European diplomats")."""
    countries = Counter(
        event.event_loc.country
        for event in analyzed.events
        if event.event_loc is not None and event.event_loc.country
    )
    if not countries:
        return
    (country, count), total = countries.most_common(1)[0], sum(countries.values())
    if count * 2 <= total:
        return  # no one country: a border war, a summit abroad
    state = lexicon.words("state_sectors")
    for event in analyzed.events:
        for people in (event.actor, event.recipient):
            for index, actor in enumerate(people):
                if actor.code is None and actor.sector in state and _no_origin(analyzed, actor):
                    people[index] = actor.model_copy(update={"code": actor_country_code(country)})


def _no_origin(analyzed: AnalyzedArticle, actor: Actor) -> bool:
    """A phrase naming no nationality, country or region of its own ("European diplomats",
    "courts in Norway" name one)."""
    found = analyzed.word_at(actor.start, actor.end)
    if found is None:
        return False
    _segment, head = found
    # the head's whole phrase: "courts in Norway and Sylvania" name theirs
    return not any(t.ent_type_ in ("NORP", "GPE", "LOC") for t in head.subtree)


def _generic_phrase(analyzed: AnalyzedArticle, actor: Actor) -> bool:
    """A common-noun phrase with no name or nationality word ("at least seven people")."""
    found = analyzed.word_at(actor.start, actor.end)
    if found is None:
        return False
    segment, head = found
    span = segment.doc.char_span(
        actor.start - segment.start, actor.end - segment.start, alignment_mode="expand"
    )
    words = list(span) if span is not None else [head]
    return head.pos_ == "NOUN" and not any(
        t.pos_ == "PROPN" or t.ent_type_ == "NORP" for t in words
    )


def answer_targets(analyzed: AnalyzedArticle, lexicon: Lexicon) -> None:
    """A statement that answers what another said targets whoever said it: "rejected the
    accusation" the accuser, "dismissed the call" whoever called. Run on incidents (after the
    incidents stage), so that the statement answered carries the speakers of all its mentions.
    Only fills empty recipients (an answer to a material act: `condemned_doers`)."""
    for event, _segment, trigger in _untargeted_statements(analyzed, "answering_types", lexicon):
        wanted = _answered_types(trigger, lexicon)
        if not wanted:
            continue
        act = _act_answered(event, wanted, analyzed.events)
        if act is not None:
            event.recipient = [actor.model_copy() for actor in act.actor]
        elif "ACCUSE" in wanted and (
            claimant := _claimant_answered(event, analyzed.events, lexicon)
        ):
            event.recipient = [claimant.model_copy()]


def condemned_doers(analyzed: AnalyzedArticle, lexicon: Lexicon) -> None:
    """A statement about a material act told in the article targets whoever did it, as
    analysts code it: "condemned the attack" the attackers, "condemned Ana Ruiz's arrest" and
    "demanded their release" those who hold them. The act is the first one of the kind the
    object names (`condemned_act_types`; a release undoes an arrest or an abduction:
    `release_nouns`) told before the statement (news condemns its lede's incident), or the one
    its object names; a definite object only ("condemned the attack", not "condemned attacks on
    journalists"), and the act's doers the text names. Only fills empty recipients."""
    release_nouns = lexicon.words("release_nouns")
    for event, segment, trigger in _untargeted_statements(analyzed, "condemning_types", lexicon):
        noun = _object_noun(trigger)
        if noun is None:
            continue
        if noun.lemma_.lower() in release_nouns:
            wanted = {("COERCE", "arrest"), ("ASSAULT", "abduct")}
        elif event.event == "ACCUSE" and _definite(noun):
            wanted = _act_kinds(noun, lexicon)
        else:
            continue
        named = segment.start + noun.idx
        act = _act_condemned(event, wanted, named, analyzed.events)
        if act is not None:
            # the act's known parties only: not "a drone" or "their vehicle" read as its doer
            doers = [actor.model_copy() for actor in act.actor if actor.code or actor.sector]
            event.recipient = doers


def _untargeted_statements(
    analyzed: AnalyzedArticle, types: str, lexicon: Lexicon
) -> Iterator[tuple[Event, Segment, Token]]:
    """The asserted statements of the types the word list `types` names that have no recipient
    yet, with their trigger word and its paragraph."""
    wanted = lexicon.words(types)
    for event in analyzed.events:
        if event.event not in wanted or event.recipient or event.trigger is None:
            continue
        if event.negated or event.hypothetical:
            continue
        found = analyzed.word_at(event.trigger.start, event.trigger.end)
        if found is not None:
            yield event, found[0], found[1]


def _object_noun(trigger: Token) -> Token | None:
    """What a statement is about: its object ("condemned the attack"), or what it calls for
    ("called for their release")."""
    nouns = [c for c in trigger.children if c.dep_ in ("dobj", "obj")]
    nouns += [obj for _prep, obj in prep_objects(trigger, "for")]
    nouns = [noun for noun in nouns if noun.pos_ == "NOUN"]
    return nouns[0] if nouns else None


def _act_kinds(noun: Token, lexicon: Lexicon) -> set[tuple[str, str | None]]:
    """The material kinds of act an event noun names ("attack": any ASSAULT; "arrest": COERCE
    arrest), from the lexicon's own noun rules; empty for a noun that names no material act."""
    words = frozenset(t.lower_ for t in noun.sent)
    candidate = _candidate(noun, lexicon, lambda: words)
    if candidate is None or candidate.event not in lexicon.words("condemned_act_types"):
        return set()
    return {(candidate.event, None)}


def _act_condemned(
    statement: Event, wanted: set[tuple[str, str | None]], named: int, events: list[Event]
) -> Event | None:
    """The first act of a wanted kind (type, and mode where one is given) with a doer told
    before the statement (news condemns the incident its lede tells), or the act its object
    names, by someone other than the speaker."""
    assert statement.trigger is not None
    best: tuple[int, Event] | None = None
    for other in events:
        if other is statement or not other.actor or other.negated or other.hypothetical:
            continue
        if not any(kind == other.event and mode in (None, other.mode) for kind, mode in wanted):
            continue
        if any(_same_party(mine, theirs) for mine in statement.actor for theirs in other.actor):
            continue
        starts = [m.start for m in (other.mentions or [other.evidence])]
        told = [start for start in starts if start < statement.evidence.start]
        if other.trigger is not None and other.trigger.start <= named < other.trigger.end:
            told.append(-1)  # "condemned the attack by X": this act
        if told and (best is None or min(told) < best[0]):
            best = (min(told), other)
    return best[1] if best else None


def _answered_types(trigger: Token, lexicon: Lexicon) -> set[str]:
    """The types of the statement a trigger answers, from its object ("rejected *the claim*",
    "*denied* that ...": ACCUSE; "dismissed *the call*": REQUEST); empty when it names none."""
    nouns = [c for c in trigger.children if c.dep_ in ("dobj", "obj")]
    nouns += [obj for _prep, obj in prep_objects(trigger, "for")]
    if not nouns and trigger.dep_ == "relcl" and trigger.head.pos_ in ("NOUN", "PROPN"):
        nouns = [trigger.head]  # "a charge Abidjan rejected"
    if not nouns and (named := _named_as(trigger)) is not None:
        # "rejected what it called 'unfounded accusations'": the answer's own name for what
        # was said refers back to it
        return {kind for kind in lexicon.types if _noun_words(named) & _answered(kind, lexicon)}
    if not nouns:
        clause = any(c.dep_ == "ccomp" for c in trigger.children)
        if clause and trigger.lemma_.lower() in lexicon.words("denial_verbs"):
            return {"ACCUSE"}
        return set()
    noun = nouns[0]
    if not _definite(noun):
        return set()  # "rejected calls for an inquiry": calls in general, none told before
    return {kind for kind in lexicon.types if _noun_words(noun) & _answered(kind, lexicon)}


def _noun_words(noun: Token) -> set[str]:
    return {noun.lemma_.lower(), noun.lower_}


def _answered(kind: str, lexicon: Lexicon) -> frozenset[str]:
    """The nouns that name a statement of this type ("the claim": ACCUSE)."""
    return lexicon.words(f"answered_nouns_{kind}")


def _named_as(trigger: Token) -> Token | None:
    """The noun of "what X called N" (or described as, termed) under an answer: N."""
    for clause in children(trigger, "ccomp"):
        if clause.lemma_.lower() not in ("call", "describe", "term", "brand", "dub"):
            continue
        if not any(c.lower_ == "what" for c in clause.children if c.dep_ in ("dobj", "obj")):
            continue
        named = [c for c in clause.children if c.dep_ in ("oprd", "xcomp", "attr")]
        named += [obj for _prep, obj in prep_objects(clause, "as")]
        if named and named[0].pos_ == "NOUN":
            return named[0]
    return None


def _claimant_answered(answer: Event, events: list[Event], lexicon: Lexicon) -> Actor | None:
    """Who made the claim an answer denies, when the claim is a report of a material act by the
    one answering ("Oslo said Sylvanian troops fired on its posts. Sylvania denied the claim"):
    the latest such report told before the answer, by a known party other than the one
    answering; its speaker is the target."""
    best: tuple[int, Actor] | None = None
    for other in events:
        claimant = other.claimed_by
        if claimant is None or other is answer or other.negated or other.hypothetical:
            continue
        if lexicon.types[other.event].quad in VERBAL_QUADS:
            continue  # a claim of an act, not of words
        if _is_pronoun(claimant) or not (claimant.code or claimant.sector):
            continue  # a speaker left unresolved ("it"), or a thing ("a ruling")
        if any(_same_party(mine, claimant) for mine in answer.actor):
            continue
        if not any(
            _same_side(mine, theirs, lexicon) for mine in answer.actor for theirs in other.actor
        ):
            continue
        starts = [m.start for m in (other.mentions or [other.evidence])]
        earlier = [start for start in starts if start < answer.evidence.start]
        if earlier and (best is None or max(earlier) > best[0]):
            best = (max(earlier), claimant)
    return best[1] if best else None


def _same_side(one: Actor, other: Actor, lexicon: Lexicon) -> bool:
    """The same party, or two bodies of one state ("Sylvania's defence ministry", "Sylvanian
    troops"; not a state and a rebel group of the same country)."""
    if _same_party(one, other):
        return True
    if not one.code or one.code != other.code or not is_country_code(one.code):
        return False
    state = lexicon.words("state_sectors")
    return all(sector is None or sector in state for sector in (one.sector, other.sector))


def _definite(noun: Token) -> bool:
    """A noun phrase that refers back: "the claim", "these allegations", "their demand", or
    the noun a relative clause describes ("a charge Abidjan rejected")."""
    if any(c.dep_ == "poss" for c in noun.children):
        return True
    if any(c.dep_ == "det" and c.lower_ in DEFINITE_DETERMINERS for c in noun.children):
        return True
    return any(c.dep_ == "relcl" for c in noun.children)


def _act_answered(answer: Event, wanted: set[str], events: list[Event]) -> Event | None:
    """The latest statement of a wanted type told before the answer (a mention of it earlier
    in the text, or earlier in the same sentence), by someone other than the one answering."""
    assert answer.trigger is not None
    best: tuple[int, Event] | None = None
    for other in events:
        if other is answer or other.event not in wanted or not other.actor:
            continue
        if other.negated or other.hypothetical or other.background:
            continue
        if any(_same_party(mine, theirs) for mine in answer.actor for theirs in other.actor):
            continue
        starts = [m.start for m in (other.mentions or [other.evidence])]
        earlier = [start for start in starts if start < answer.evidence.start]
        same_sentence = other.evidence.start == answer.evidence.start
        if same_sentence and other.trigger and other.trigger.start < answer.trigger.start:
            earlier.append(other.evidence.start)
        if earlier and (best is None or max(earlier) > best[0]):
            best = (max(earlier), other)
    return best[1] if best else None


_ = PRONOUNS  # re-exported for the actors stage's coreference
