"""Small, tested helpers over spaCy's dependency parse: noun-phrase spans, subjects, objects.

They encode English syntax only (no event or actor knowledge), so that the stages that use them
stay about their own subject.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from spacy.tokens import Span, Token

if TYPE_CHECKING:
    from flashpoint.lexicon import Lexicon

SUBJECT_DEPS = {"nsubj", "csubj", "expl"}
PASSIVE_SUBJECT_DEPS = {"nsubjpass", "csubjpass"}
OBJECT_DEPS = {"dobj", "attr", "oprd", "dative", "obj", "acomp"}
# Dependents kept inside an actor's noun phrase: the head's own modifiers, not clauses hanging
# off it ("the militia that attacked ...") nor parentheticals.
NP_KEEP_DEPS = {
    "det",
    "amod",
    "compound",
    "poss",
    "case",
    "nummod",
    "quantmod",
    "nmod",
    "predet",
    "advmod",
    "npadvmod",
    "prep",
    "pobj",
    "punct",
    "cc",
    "conj",
    "hmod",
    "hyph",
    "nn",
    "neg",
}
NP_PREPS = {"of"}
PRONOUNS = {
    "i",
    "we",
    "you",
    "he",
    "she",
    "it",
    "they",
    "me",
    "us",
    "him",
    "her",
    "them",
    "this",
    "that",
    "these",
    "those",
    "who",
    "which",
}


def phrase_tokens(head: Token, *, with_conjuncts: bool = False) -> list[Token]:
    """Tokens of the noun phrase headed by `head` (its modifiers, "of" phrases; no clauses)."""
    tokens = [head]
    for child in head.children:
        if child.dep_ == "conj" and not with_conjuncts:
            continue
        if child.dep_ in ("cc",) and not with_conjuncts:
            continue
        if child.dep_ == "prep" and child.lower_ not in NP_PREPS and not _named_by(child, head):
            continue
        if child.dep_ == "prep" and any(c.dep_ == "pcomp" for c in child.children):
            continue  # "accused the army of killing civilians": what it did, not who it is
        if child.dep_ == "punct" and child.i > head.i:
            continue
        if _resultative(child):
            continue  # "shot dead two protesters": how they were left, not who they are
        if child.dep_ in NP_KEEP_DEPS:
            tokens.extend(_subtree_without_clauses(child, with_conjuncts))
    return sorted(tokens, key=lambda t: t.i)


def subjects_participle(participle: Token, verb: Token) -> bool:
    """ "The president, speaking in Garissa on Sunday, warned ...": a participle hung on the
    subject of `verb` tells what the subject was doing, where and when, as it acted."""
    subject = participle.head
    return (
        participle.dep_ == "acl"
        and participle.tag_ == "VBG"
        and subject.dep_ in ("nsubj", "nsubjpass")
        and subject.head.i == verb.i
    )


def _resultative(modifier: Token) -> bool:
    """An adjective read as a modifier but standing before the phrase's numeral or article
    ("shot dead two protesters", "left injured a dozen people"): it tells the verb's result."""
    head = modifier.head
    return (
        modifier.dep_ == "amod"
        and head.dep_ == "dobj"
        and modifier.i < head.i
        and not any(c.i < modifier.i for c in head.children)  # it opens the phrase
        and any(
            c.dep_ in ("nummod", "det", "quantmod") and modifier.i < c.i < head.i
            for c in head.children
        )
    )


def _named_by(prep: Token, head: Token) -> bool:
    """A capitalised preposition inside a name ("Reporters Without Borders"): running text writes
    prepositions in lower case."""
    return (
        prep.i > head.i
        and not prep.is_sent_start
        and prep.text[:1].isupper()
        and head.text[:1].isupper()
    )


def _subtree_without_clauses(token: Token, with_conjuncts: bool) -> list[Token]:
    tokens = [token]
    for child in token.children:
        if child.dep_ in ("relcl", "acl", "appos", "advcl", "ccomp", "xcomp", "parataxis"):
            continue
        if child.dep_ == "prep" and child.lower_ not in NP_PREPS and token.dep_ != "prep":
            continue
        if (
            child.dep_ in ("conj", "cc")
            and not with_conjuncts
            and token.pos_ not in ("ADJ", "PROPN")
        ):
            continue
        tokens.extend(_subtree_without_clauses(child, with_conjuncts))
    return tokens


NAME_ENTITIES = frozenset({"GPE", "ORG", "PERSON", "LOC", "FAC", "NORP"})


def _inside(token: Token) -> bool:
    return not token.is_punct and token.dep_ != "cc"


def phrase_span(head: Token) -> Span:
    """Contiguous span of the noun phrase headed by `head`, trimmed of edge punctuation."""
    tokens = phrase_tokens(head)
    start, end = tokens[0].i, tokens[-1].i + 1
    doc = head.doc
    # Keep it contiguous and inside the head's sentence; trim punctuation and conjunctions.
    sent = head.sent
    if head.ent_iob_ in ("B", "I") and head.ent_type_ in NAME_ENTITIES:
        # a name the parser split into two phrases ("Côte" and "d'Ivoire" as two objects)
        first = head.i  # (never across a comma or "and": a list the tagger ran together)
        while first > sent.start and doc[first].ent_iob_ == "I" and _inside(doc[first - 1]):
            first -= 1
        last = head.i + 1
        while last < sent.end and doc[last].ent_iob_ == "I" and _inside(doc[last]):
            last += 1
        start, end = min(start, first), max(end, last)
    start, end = max(start, sent.start), min(end, sent.end)
    while start < head.i and (doc[start].is_punct or doc[start].dep_ == "cc"):
        start += 1
    while end - 1 > head.i and (doc[end - 1].is_punct or doc[end - 1].dep_ in ("cc", "case")):
        end -= 1
    return doc[start:end]


def conjuncts(head: Token) -> list[Token]:
    """`head` and the nouns conjoined to it ("Hamas and Hezbollah" -> [Hamas, Hezbollah])."""
    found = [head]
    for token in head.conjuncts:
        if token.pos_ in ("NOUN", "PROPN", "PRON") and token not in found:
            found.append(token)
    return sorted(found, key=lambda t: t.i)


def children(token: Token, *deps: str) -> Iterator[Token]:
    return (child for child in token.children if child.dep_ in deps)


def first_child(token: Token, *deps: str) -> Token | None:
    return next(children(token, *deps), None)


def prep_objects(token: Token, *preps: str) -> Iterator[tuple[str, Token]]:
    """(preposition, object) pairs attached to `token`, including "agent" (by-phrases)."""
    for child in token.children:
        if child.dep_ in ("prep", "agent") and (not preps or child.lower_ in preps):
            for pobj in children(child, "pobj"):
                yield child.lower_, pobj
        # Two-word prepositions: "in response to", "on behalf of" are not objects here.


def is_passive(verb: Token) -> bool:
    return any(child.dep_ in ("auxpass", "nsubjpass", "csubjpass") for child in verb.children) or (
        verb.tag_ == "VBN"
        and verb.dep_ in ("acl",)
        and verb.i > verb.head.i
        and not main_verb_read_as_modifier(verb)
    )


def main_verb_read_as_modifier(verb: Token) -> bool:
    """The sentence's main verb the parser hung on its subject as a participle ("The regional
    commander, General Ana Ruiz, condemned the bombing": "condemned" an `acl` of "commander",
    the sentence rootless). A passive participle takes no direct object, so one that has one,
    on a noun that is the sentence's root after a comma, is the main verb in the past tense."""
    head = verb.head
    return (
        verb.dep_ == "acl"
        and verb.tag_ in ("VBN", "VBD")
        and head.dep_ == "ROOT"
        and head.pos_ in ("NOUN", "PROPN")
        and verb.i > head.i
        and verb.doc[verb.i - 1].text == ","
        and any(child.dep_ == "dobj" for child in verb.children)
    )


def subject_of(verb: Token, depth: int = 0) -> Token | None:
    """The grammatical (active) subject of `verb`, inherited through coordination and control."""
    if depth > 4:
        return None
    subject = first_child(verb, *SUBJECT_DEPS)
    if subject is not None and subject.dep_ != "expl":
        # "the militias that attacked ...": the relative pronoun stands for the noun.
        if verb.dep_ == "relcl" and subject.lower_ in ("that", "who", "which"):
            return verb.head
        return subject
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        return subject_of(verb.head, depth + 1)
    if verb.dep_ == "xcomp":
        # Object control: "urged Iran to stop" -> Iran stops; else subject control.
        controller = first_child(verb.head, "dobj")
        if controller is not None and verb.head.lemma_ in _OBJECT_CONTROL:
            return controller
        return subject_of(verb.head, depth + 1)
    if (
        verb.pos_ == "ADJ"
        and verb.dep_ in ("acomp", "attr", "oprd")
        and verb.head.pos_ in ("VERB", "AUX")
    ):
        return subject_of(verb.head, depth + 1)  # "X is responsible for ...", "X is ready to ..."
    if verb.dep_ in ("advcl",) and verb.tag_ in ("VBG", "VB"):
        return subject_of(verb.head, depth + 1)
    if (
        verb.dep_ == "pcomp"
        and verb.tag_ == "VBG"
        and verb.head.lower_ == "by"
        and verb.head.head.pos_ in ("VERB", "AUX")
        and not is_passive(verb.head.head)
    ):
        return subject_of(verb.head.head, depth + 1)  # "responded by shelling": the responder
    if (
        verb.dep_ == "relcl"
        and verb.head.pos_ in ("NOUN", "PROPN", "PRON")
        and (first_child(verb, "dobj") is None or verb.head.lower_ in ("who", "which", "that"))
    ):
        return verb.head
    if verb.dep_ == "ROOT" and verb.tag_ in ("VBD", "VBZ", "VBP"):
        # "The president, ..., turning the tide, welcomed the move": the parser hangs the subject on
        # the participle; a participle shares its main clause's subject.
        for clause in verb.children:
            if clause.dep_ == "advcl" and clause.tag_ == "VBG" and clause.i < verb.i:
                subject = first_child(clause, "nsubj")
                if subject is not None and subject.i < clause.i:
                    return subject
        return _orphan_subject(verb)
    if main_verb_read_as_modifier(verb):
        return verb.head
    if verb.dep_ == "acl" and verb.tag_ == "VBG":
        # "released a statement criticising X": the statement's authors criticise.
        if verb.head.lemma_.lower() in DOCUMENT_NOUNS and verb.head.head.pos_ in ("VERB", "AUX"):
            return subject_of(verb.head.head, depth + 1)
        return verb.head
    return None


def _orphan_subject(verb: Token) -> Token | None:
    """A finite main verb the parser left without a subject (long titles before a name often
    end up inside the preceding phrase): the noun right before it."""
    index = verb.i - 1
    while index >= verb.sent.start and verb.doc[index].pos_ in ("ADV", "AUX", "PART"):
        index -= 1
    if index < verb.sent.start:
        return None
    candidate = verb.doc[index]
    if candidate.pos_ in ("PROPN", "NOUN") and candidate.dep_ not in ("compound", "npadvmod"):
        return candidate
    return None


# Nouns for texts that speak for their authors.
DOCUMENT_NOUNS = {
    "statement",
    "report",
    "resolution",
    "letter",
    "communique",
    "communiqué",
    "declaration",
    "motion",
    "bill",
    "memo",
    "note",
    "message",
    "tweet",
    "post",
    "video",
    "speech",
    "petition",
}


_OBJECT_CONTROL = {
    "urge",
    "ask",
    "call",
    "order",
    "force",
    "press",
    "encourage",
    "tell",
    "allow",
    "permit",
    "invite",
    "persuade",
    "instruct",
    "request",
    "demand",
    "compel",
    "pressure",
    "push",
    "help",
    "enable",
    "warn",
    "advise",
    "authorize",
    "authorise",
    "require",
    "implore",
    "beg",
}


def clause_head(token: Token) -> Token:
    """The verb whose clause `token` belongs to (itself if it is a verb)."""
    current = token
    for _ in range(12):
        if current.pos_ in ("VERB", "AUX") or current.dep_ == "ROOT":
            return current
        current = current.head
    return current


def hyphenated(token: Token) -> str | None:
    """ "cease-fire" for the token "fire" when the parser split a hyphenated word, else None."""
    doc = token.doc
    # Fast path: most tokens are not the tail of a hyphenated word. (Never use doc.text in a
    # loop: spaCy rebuilds the whole string on every access.)
    if token.i < 2 or doc[token.i - 1].text != "-":
        return None
    start = token.i
    while (
        start >= 2
        and doc[start - 1].text == "-"
        and not doc[start - 1].whitespace_
        and not doc[start - 2].whitespace_
    ):
        start -= 2
    if start == token.i:
        return None
    return doc[start : token.i + 1].text.lower()


def lemmas(tokens: Iterator[Token] | list[Token] | Span) -> frozenset[str]:
    """Lemmas and lower-case forms (the Phoenix dictionary lists inflected forms too)."""
    found: set[str] = set()
    for token in tokens:
        found.add(token.lemma_.lower())
        found.add(token.lower_)
        compound = hyphenated(token)
        if compound:
            found.add(compound)
    return frozenset(found)


def claim_verb(noun: Token, lexicon: Lexicon) -> Token | None:
    """The verb of a claim of responsibility for the act a noun names: "claimed the attack",
    "the attack was claimed by", "claimed responsibility for the bombing", "took credit for
    the raid"; None when the noun is not so claimed."""
    claim_verbs = lexicon.words("claim_verbs")
    responsibility_nouns = lexicon.words("responsibility_nouns")
    responsibility_verbs = lexicon.words("responsibility_verbs")
    head = noun.head
    if noun.dep_ in ("dobj", "nsubjpass") and head.lemma_.lower() in claim_verbs:
        return head
    if noun.dep_ != "pobj" or head.lower_ != "for":
        return None
    holder = head.head  # "responsibility for X", or the verb itself ("claimed ... for X")
    if holder.lemma_.lower() in responsibility_nouns:
        verb = holder.head if holder.dep_ == "dobj" else None
    elif any(
        c.dep_ == "dobj" and c.lemma_.lower() in responsibility_nouns for c in holder.children
    ):
        verb = holder
    else:
        return None
    if verb is not None and verb.lemma_.lower() in responsibility_verbs:
        return verb
    return None
