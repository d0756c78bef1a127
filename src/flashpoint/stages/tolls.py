"""Stage 5f, tolls: dead, injured, arrested, abducted and displaced per event, with spans.

Interface: `count_tolls(analyzed)` sets `event.size` where the text gives numbers.

1. Counts. A casualty word (`data/tolls.yaml`: "killed", "died", "deaths", "dead", "wounded",
   "arrested", ...) names the people it counts through the parse: the object of an active verb
   ("killed 23 people"), the subject of a passive or intransitive one ("three soldiers were
   wounded", "four people died"), "of" after a noun ("the deaths of at least four people"), a
   number on the noun ("12 deaths"), the noun a participle describes ("civilians killed in the
   raid"), the toll ("the death toll rose to 12"). The number is read from that phrase by
   `flashpoint.quantities` ("at least four", "a dozen", "23", "dozens"), keeping low, best and
   high as UCDP does; ranges keep the low end as the best estimate and vague words take ACLED's
   conservative values. With no number, one named or singular person counts one ("a journalist
   was killed", "killed the deputy chief"); a plural without number gives no count. Groups
   joined by "and" add up ("three soldiers and two civilians"). "casualties" is not a count of
   deaths, and "killing or wounding 50" is not a count of either.
2. Named victims: people (spaCy PERSON) inside the counted phrase, with their role words
   ("including commander X"), kept as spans.
3. Which event. A count belongs to the violent events (types per category in the data file) on
   the path from its casualty word up the parse ("targeted ... in a drone strike resulting in
   the deaths of four"), else to the nearest one of its sentence, never across "after",
   "since", "before" (another incident). A sentence without such an event gives its counts to
   the nearest earlier one of the paragraph ("Gunmen stormed a village. Five people died.").
   Hypothetical, future and negated events get no toll.
4. Totals: a count whose clause says it is a total over a period or campaign ("since October",
   "so far", "bringing the toll to") stays only with the event whose own word it hangs from,
   with `size.cumulative` set; it is never given to a single strike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import numpy
from spacy.attrs import LEMMA, LOWER
from spacy.tokens import Doc, Token

from flashpoint.analysis import AnalyzedArticle, Segment
from flashpoint.model import Event, Size, Span
from flashpoint.quantities import Quantity, find_quantities
from flashpoint.resources import load_yaml

CATEGORIES = ("dead", "injured", "arrested", "abducted", "displaced")
RELATIVE_PRONOUNS = {"who", "that", "which", "whom"}
COPULAS = {"be", "remain", "lie", "become"}
NUMERIC_LABELS = {"DATE", "TIME", "CARDINAL", "MONEY", "QUANTITY", "PERCENT", "ORDINAL"}


@dataclass(frozen=True)
class CategoryWords:
    verbs: frozenset[str]
    intransitive: frozenset[str]
    nouns: frozenset[str]
    adjectives: frozenset[str]


@dataclass(frozen=True)
class TollWords:
    categories: dict[str, CategoryWords]
    vocabulary: frozenset[str]  # every first word of the lists, for a quick first test
    toll_nouns: frozenset[str]
    toll_modifiers: frozenset[str]
    event_types: dict[str, frozenset[str]]
    cumulative: re.Pattern[str]
    other_incident: frozenset[str]
    singular_determiners: frozenset[str]
    one_person_pronouns: frozenset[str]
    zero: re.Pattern[str]
    containers: frozenset[str]
    unreal: frozenset[str]
    singular_counts: frozenset[str]


def _words(items) -> frozenset[str]:
    return frozenset(str(w).lower() for w in items or [])


def _phrase_pattern(phrases) -> re.Pattern[str]:
    ordered = sorted({str(p).lower() for p in phrases}, key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


@cache
def toll_words() -> TollWords:
    data = load_yaml("tolls.yaml")
    categories = {
        name: CategoryWords(
            verbs=_words(words.get("verbs")),
            intransitive=_words(words.get("intransitive")),
            nouns=_words(words.get("nouns")),
            adjectives=_words(words.get("adjectives")),
        )
        for name, words in data["categories"].items()
    }
    vocabulary = frozenset(
        word.split()[0]
        for cat in categories.values()
        for group in (cat.verbs, cat.intransitive, cat.nouns, cat.adjectives)
        for word in group
    ) | _words(data["toll_nouns"])
    return TollWords(
        categories=categories,
        vocabulary=vocabulary,
        toll_nouns=_words(data["toll_nouns"]),
        toll_modifiers=_words(data["toll_modifiers"]),
        event_types={
            k: frozenset(str(t).upper() for t in v) for k, v in data["event_types"].items()
        },
        cumulative=_phrase_pattern(data["cumulative_markers"]),
        other_incident=_words(data["other_incident_words"]),
        singular_determiners=_words(data["singular_determiners"]),
        one_person_pronouns=_words(data["one_person_pronouns"]),
        containers=_words(data["container_nouns"]),
        unreal=_words(data["unreal_auxiliaries"]),
        singular_counts=_words(data["singular_counts"]),
        zero=re.compile(
            r"^(?:" + "|".join(re.escape(str(z)) for z in data["zero_words"]) + r")\b",
            re.IGNORECASE,
        ),
    )


@dataclass
class Count:
    """One casualty count found in a paragraph."""

    category: str
    anchor: Token
    best: int | None
    low: int | None = None
    high: int | None = None
    cumulative: bool = False
    span: tuple[int, int] = (0, 0)  # article offsets of the count and its casualty word
    text: str = ""  # the text of that span
    victims: list[Span] = field(default_factory=list)


# --- 1. counts -----------------------------------------------------------------------------------


def find_counts(segment: Segment) -> list[Count]:
    """Every casualty count of one parsed paragraph."""
    words = toll_words()
    doc = segment.doc
    quantities: list[Quantity] | None = None
    counts: list[Count] = []
    text: str | None = None
    people: list = []
    for index in _candidate_indices(doc, words):
        token = doc[index]
        found = _anchor_category(token, words)
        if found is None:
            continue
        category, role = found
        if text is None:
            text = segment.text
            quantities = find_quantities(text)
            people = [e for e in segment.ents if e.label_ == "PERSON"]
        count = _count_for(token, category, role, quantities or [], segment, words, text, people)
        if count is not None:
            counts.append(count)
    return counts


def _candidate_indices(doc: Doc, words: TollWords) -> list[int]:
    """Tokens whose lemma or lowercase form starts a casualty word (on spaCy's arrays:
    creating a Python object per token costs more than the whole test)."""
    hashes = numpy.array([doc.vocab.strings.add(w) for w in words.vocabulary], dtype="uint64")
    table = doc.to_array([LEMMA, LOWER])
    if not len(table):
        return []
    hits = numpy.isin(table[:, 0], hashes) | numpy.isin(table[:, 1], hashes)
    return [int(i) for i in numpy.flatnonzero(hits)]


def _anchor_category(token: Token, words: TollWords) -> tuple[str, str] | None:
    lemma = token.lemma_.lower()
    lower = token.lower_
    if lemma in words.toll_nouns and token.pos_ in ("NOUN", "PROPN"):
        modifiers = {c.lower_ for c in token.children if c.dep_ in ("compound", "amod")}
        if modifiers & words.toll_modifiers or not modifiers:
            return "dead", "toll"
    for category, cat in words.categories.items():
        if token.pos_ in ("VERB", "AUX") or token.tag_ in ("VBN", "VBG", "VBD"):
            particle = next(
                (
                    c.lower_
                    for c in token.children
                    if c.dep_ in ("prt", "acomp", "advmod", "oprd")
                    and f"{lemma} {c.lower_}" in cat.verbs
                ),
                None,
            )
            if particle or lemma in cat.verbs:
                return category, "verb"
            if lemma in cat.intransitive:
                return category, "intransitive"
        if token.pos_ in ("NOUN", "PROPN") and lemma in cat.nouns:
            return category, "noun"
        if (
            lower in cat.adjectives
            and token.pos_ in ("ADJ", "NOUN")
            and not (token.pos_ == "NOUN" and lemma in cat.nouns)
        ):
            return category, "adjective"
    return None


def _count_for(
    anchor: Token,
    category: str,
    role: str,
    quantities: list[Quantity],
    segment: Segment,
    words: TollWords,
    text: str,
    people: list,
) -> Count | None:
    if _ambiguous_pair(anchor, words) or _unreal(anchor, words):
        return None
    heads = _counted_heads(anchor, role, words)
    if not heads:
        return None
    total: list[tuple[int | None, int | None, int | None]] = []
    victims: list[Span] = []
    left = anchor.idx
    right = anchor.idx + len(anchor)
    for head in heads:
        head = _through_container(head, words)
        members = [head, *head.conjuncts, *_listed_as_apposition(head)]
        # "two soldiers, an official and a contractor were killed": in a list that counts,
        # "an official" is one more
        counted_list = len(members) > 1 and any(_has_number(m, quantities) for m in members)
        for member in members:
            value, where = _value_of(member, quantities, words, text, role, anchor.i)
            if (
                value is not None
                and value[0] == 1
                and not value[1]
                and (category not in words.singular_counts)
                and not _has_number(member, quantities)
                and not counted_list
            ):
                value = None
            if member.i != anchor.i:  # "the minister's arrests": the possessor is no victim
                victims.extend(_named_people(member, segment, text, people))
            if value is None:
                continue
            total.append(value)
            left, right = min(left, where[0]), max(right, where[1])
    if not total:
        if not victims:
            return None
        total = [(len(victims), None, None)]
    best = (
        sum(v[0] for v in total if v[0] is not None)
        if any(v[0] is not None for v in total)
        else None
    )
    low = (
        sum((v[1] if v[1] is not None else v[0] or 0) for v in total)
        if any(v[1] is not None for v in total)
        else None
    )
    high = (
        sum((v[2] if v[2] is not None else v[0] or 0) for v in total)
        if any(v[2] is not None for v in total)
        else None
    )
    return Count(
        category=category,
        anchor=anchor,
        best=best,
        low=low,
        high=high,
        cumulative=_is_cumulative(anchor, words) or _a_wars_dead(anchor, low or best),
        span=(segment.start + left, segment.start + right),
        text=text[left:right],
        victims=victims,
    )


# A toll this large told in the perfect with no time of its own ("More than 250 people have
# been killed and 60,000 displaced") counts a war's dead, not an incident's.
WAR_TOLL_FLOOR = 200


def _a_wars_dead(anchor: Token, figure: int | None) -> bool:
    if figure is None or figure < WAR_TOLL_FLOOR or anchor.pos_ not in ("VERB", "AUX"):
        return False
    head = anchor
    while head.dep_ == "conj" and head.head.i != head.i:
        head = head.head  # "have been killed and 60,000 displaced"
    perfect = any(c.dep_ == "aux" and c.lemma_ == "have" for c in head.children)
    # the time the clause gives, not a description of its subject ("The insurgency, now in its
    # 17th year, has killed more than 40,000 people")
    subject = {t.i for c in head.children if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree}
    dated = any(t.ent_type_ in ("DATE", "TIME") and t.i not in subject for t in head.subtree)
    return perfect and not dated


def _unreal(anchor: Token, words: TollWords) -> bool:
    """ "would kill", "to arrest her", "were not killed": nothing to count."""
    if anchor.pos_ not in ("VERB", "AUX"):
        return False
    group = [anchor]
    if anchor.dep_ == "conj":
        group.append(anchor.head)  # "could kill and wound": the first verb's auxiliaries
    return any(
        (c.dep_ in ("aux", "auxpass") and c.lower_ in words.unreal) or c.dep_ == "neg"
        for verb in group
        for c in verb.children
    )


def _ambiguous_pair(anchor: Token, words: TollWords) -> bool:
    """ "killing or wounding 50": the count covers two categories at once."""
    group = [anchor, *anchor.conjuncts]
    has_or = any(c.dep_ == "cc" and c.lower_ in ("or", "and/or") for t in group for c in t.children)
    if not has_or:
        return False
    categories = {found[0] for t in group if (found := _anchor_category(t, words)) is not None}
    return len(categories) > 1


def _counted_heads(anchor: Token, role: str, words: TollWords) -> list[Token]:
    """The phrase(s) whose size the casualty word counts."""
    children = list(anchor.children)
    heads: list[Token] = []
    if role == "toll":
        # "the toll rose to 12", "a toll of 12", "the toll is 12"
        for child in children:
            if child.dep_ == "prep":
                heads += [g for g in child.children if g.dep_ == "pobj" and g.like_num]
            if child.dep_ in ("nummod", "appos") and child.like_num:
                heads.append(child)
        verb = anchor.head
        if anchor.dep_ in ("nsubj", "nsubjpass") and verb.i != anchor.i:
            for child in verb.children:
                if child.dep_ == "prep" and child.lower_ in ("to", "at"):
                    heads += [g for g in child.children if g.dep_ == "pobj"]
                if child.dep_ in ("attr", "dobj") and child.like_num:
                    heads.append(child)
        return heads
    if role == "verb":
        passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in children)
        reduced = anchor.dep_ in ("acl", "amod") and anchor.tag_ == "VBN"
        if reduced and anchor.head.i != anchor.i:
            return [anchor.head]
        wanted = ("nsubjpass",) if passive else ("dobj", "dative")
        heads = [c for c in children if c.dep_ in wanted]
        if not heads and passive:
            heads = [c for c in children if c.dep_ == "nsubj"]
        if not heads and not passive:
            # the parser's other readings of an object: "displaced 3,000 families" (npadvmod),
            # "kidnapped up to 16 workers" ("up" a particle, "to 16 workers" a phrase)
            heads = [c for c in children if c.dep_ in ("npadvmod", "attr", "oprd") and _numbered(c)]
            if any(c.dep_ == "prt" and c.lower_ == "up" for c in children):
                for child in children:
                    if child.dep_ == "prep" and child.lower_ == "to":
                        heads += [g for g in child.children if g.dep_ == "pobj"]
        if not heads and not passive and not any(c.dep_ == "aux" for c in children):
            # a headline's passive without "were": "left 12 dead and 30 wounded"
            heads = [c for c in children if c.dep_ == "nsubj" and _numbered(c)]
        if not heads and not passive:
            # "shot dead two protesters": the object may hang from the particle word
            for child in children:
                heads += [
                    g for g in child.children if g.dep_ in ("dobj", "npadvmod") and g.like_num
                ]
        if heads:
            # "ten journalists were killed along with 26 other people": the others count too
            heads += [
                pobj
                for along in children
                if along.dep_ == "prep" and along.lower_ in ("along", "together")
                for with_ in along.children
                if with_.dep_ == "prep" and with_.lower_ == "with"
                for pobj in with_.children
                if pobj.dep_ == "pobj" and _numbered(pobj)
            ]
        return [_antecedent(h) for h in heads]
    if role == "intransitive":
        heads = [c for c in children if c.dep_ in ("nsubj", "nsubjpass")]
        return [_antecedent(h) for h in heads]
    if role == "noun":
        heads = [anchor]
        for child in children:
            if child.dep_ == "prep" and child.lower_ == "of":
                heads = [g for g in child.children if g.dep_ == "pobj"] or heads
        return heads
    # adjective: "12 dead", "left 3 people dead", "four people were dead"
    numbers = [c for c in children if c.like_num or c.dep_ in ("nummod", "quantmod")]
    if numbers:
        return [anchor]
    subjects = [c for c in children if c.dep_ in ("nsubj", "nsubjpass")]
    if subjects:
        return subjects  # "leaving 44 people dead"
    if anchor.dep_ == "amod":
        return [anchor.head]
    verb = anchor.head
    if verb.i == anchor.i:
        return []
    if verb.lemma_ in COPULAS:
        return [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    return [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]


def _through_container(head: Token, words: TollWords) -> Token:
    """ "a total of 900 fighters": the count is in the "of" phrase."""
    if head.lemma_.lower() not in words.containers:
        return head
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    return head


def _has_number(head: Token, quantities: list[Quantity]) -> bool:
    start, end = head.left_edge.idx, head.idx + len(head)
    return any(start <= q.start < end for q in quantities)


def _numbered(token: Token) -> bool:
    return token.like_num or any(c.dep_ in ("nummod", "quantmod") for c in token.children)


def _antecedent(token: Token) -> Token:
    """ "people who died": the relative pronoun stands for the noun its clause describes."""
    if token.lower_ in RELATIVE_PRONOUNS:
        clause = token.head
        if clause.dep_ == "relcl" and clause.head.i != clause.i:
            return clause.head
    return token


def _value_of(
    head: Token,
    quantities: list[Quantity],
    words: TollWords,
    text: str,
    role: str = "verb",
    anchor_index: int = -1,
) -> tuple[tuple[int | None, int | None, int | None] | None, tuple[int, int]]:
    """(best, low, high) of one counted phrase, and the characters it was read from."""
    start = head.left_edge.idx
    end = head.idx + len(head)
    if words.zero.match(text[start:end]):
        return (0, None, None), (start, end)  # "no one", "nobody", "none of them"
    # The number sits before the head ("at least four people") or is the head ("dozens").
    # (its bound words may fall outside the phrase: "kidnapped up to | 16 workers")
    inside = [q for q in quantities if q.end > start and q.start < end]
    if inside:
        quantity = inside[-1]
        if head.ent_type_ == "DATE" or _looks_like_year(quantity, head, text):
            return None, (start, end)
        return (quantity.best, quantity.low, quantity.high), (
            min(start, quantity.start),
            max(end, quantity.end),
        )
    phrase = text[start:end]
    if words.zero.match(phrase) or any(c.lower_ == "no" and c.dep_ == "det" for c in head.children):
        return (0, None, None), (start, end)
    if role == "noun" and head.i == anchor_index:
        return None, (start, end)  # "a detainee", "the bodies": no number, no count
    if head.lower_ in words.one_person_pronouns:
        return (1, None, None), (start, end)
    singular = head.ent_type_ == "PERSON" or any(
        c.dep_ == "poss" or (c.dep_ == "det" and c.lower_ in words.singular_determiners)
        for c in head.children
    )
    if (
        singular
        and head.tag_ in ("NN", "NNP")
        and head.lower_ not in RELATIVE_PRONOUNS
        and head.ent_type_ not in NUMERIC_LABELS
    ):
        return (1, None, None), (start, end)
    return None, (start, end)


def _looks_like_year(quantity: Quantity, head: Token, text: str) -> bool:
    return (
        quantity.best is not None
        and 1900 <= quantity.best <= 2100
        and re.fullmatch(r"\d{4}", quantity.text.strip()) is not None
        and head.ent_type_ in ("DATE", "")
        and text[quantity.start : quantity.end].strip().isdigit()
        and not head.like_num
    )


def _named_people(head: Token, segment: Segment, text: str, people: list) -> list[Span]:
    """PERSON names inside a counted phrase, each with its role words ("commander X")."""
    doc: Doc = head.doc
    found: list[Span] = []
    inside = {t.i for t in _phrase_tokens(head)}
    for entity in people:
        if not all(i in inside for i in range(entity.start, entity.end)):
            continue
        if not _names_the_counted(entity.root, head):
            continue
        root = entity.root
        first = min(root.left_edge.i, entity.start)
        # keep role words ("commander"), not a leading article or punctuation
        while first < entity.start and (doc[first].is_punct or doc[first].dep_ in ("det", "prep")):
            first += 1
        start = doc[first].idx
        end = entity.end_char
        found.append(
            Span(text=text[start:end], start=segment.start + start, end=segment.start + end)
        )
    return found


PHRASE_STOP_DEPS = {"relcl", "acl", "advcl", "ccomp", "parataxis", "csubj"}


def _phrase_tokens(head: Token) -> list[Token]:
    """The tokens of a noun phrase without the clauses hanging from it ("people who ...")."""
    kept = [head]
    stack = list(head.children)
    while stack:
        token = stack.pop()
        if token.dep_ in PHRASE_STOP_DEPS:
            continue
        kept.append(token)
        stack.extend(token.children)
    return kept


VICTIM_DEPS = {"appos", "compound", "conj", "flat", "nmod", "npadvmod", "cc"}
VICTIM_PREPS = {"including", "among", "like", "such", "as", "notably", "especially"}


def _names_the_counted(name: Token, head: Token) -> bool:
    """Is a name one of the people counted ("four people, including commander X", "Jarrah")
    and not someone they belong to ("the son of X", "X's husband")?"""
    current = name
    while current.i != head.i:
        if current.dep_ == "pobj":
            preposition = current.head
            if preposition.lower_ not in VICTIM_PREPS:
                return False
            current = preposition.head
            continue
        if current.dep_ == "prep" and current.lower_ in VICTIM_PREPS:
            current = current.head
            continue
        if current.dep_ not in VICTIM_DEPS or current.head.i == current.i:
            return False
        current = current.head
    return True


def _is_cumulative(anchor: Token, words: TollWords) -> bool:
    """Does the count's own clause call it a total over a period ("since October")?"""
    clause_head = anchor
    if anchor.pos_ not in ("VERB", "AUX"):
        clause_head = anchor.head
        for _ in range(3):
            if clause_head.pos_ in ("VERB", "AUX") or clause_head.head.i == clause_head.i:
                break
            clause_head = clause_head.head
    # "70 were killed and 80 injured since January": conjoined counts share their time words
    while clause_head.dep_ == "conj" and clause_head.head.i != clause_head.i:
        clause_head = clause_head.head
    tokens = [t for t in clause_head.subtree if not _inside_other_clause(t, clause_head)]
    if not tokens:
        return False
    text = " ".join(t.text for t in tokens)
    if words.cumulative.search(text):
        return True
    if any(_since_clause(child) for child in clause_head.children):
        return True  # "have been killed since the insurgency resumed in 2004"
    # "bringing the death toll to 40": the clause governing the count is the total
    return clause_head.dep_ in ("advcl", "xcomp") and bool(
        words.cumulative.search(f"{clause_head.text} the")
    )


def _since_clause(clause: Token) -> bool:
    return clause.dep_ == "advcl" and any(
        mark.dep_ == "mark" and mark.lower_ == "since" for mark in clause.children
    )


OTHER_CLAUSE_DEPS = {"relcl", "ccomp", "advcl", "parataxis", "csubj"}


def _inside_other_clause(token: Token, clause_head: Token) -> bool:
    """Is the token in a clause of its own below `clause_head` (a participle describing the
    counted people, "80 others injured since January", is not one)?"""
    current = token
    while current.i != clause_head.i and current.head.i != current.i:
        if current.dep_ in OTHER_CLAUSE_DEPS:
            return True
        current = current.head
    return False


# --- 3. which event ------------------------------------------------------------------------------


def count_tolls(analyzed: AnalyzedArticle) -> None:
    words = toll_words()
    eligible = [e for e in analyzed.events if _eligible(e, words)]
    if not eligible:
        return
    located = _locate(analyzed, eligible)
    assigned: dict[str, list[Count]] = {}
    for segment in analyzed.segments:
        in_segment = [(event, token) for event, seg, token in located if seg is segment]
        if not in_segment:
            if segment.kind == "body" and len(segment.doc):
                for count in find_counts(segment):
                    event = _told_just_before(count, segment, analyzed, located, words)
                    if event is not None:
                        assigned.setdefault(event.id, []).append(count)
            continue
        for count in find_counts(segment):
            for event in _owners(count, in_segment, words):
                assigned.setdefault(event.id, []).append(count)
    for event in analyzed.events:
        counts = assigned.get(event.id)
        if counts:
            event.size = _size(counts, event.size)


# Verbs that only report a count ("a statement said three soldiers were injured").
REPORTING_LEMMAS = frozenset({"say", "report", "confirm", "add", "announce", "state", "tell"})


def _told_just_before(
    count: Count,
    segment: Segment,
    analyzed: AnalyzedArticle,
    located: list[tuple[Event, Segment, Token]],
    words: TollWords,
) -> Event | None:
    """A paragraph that only counts ("A statement said three soldiers were injured.") right
    after one that tells a violent event: that event's count. Never a total over a period,
    never a count inside a phrase or about another incident."""
    anchor = count.anchor
    reported = (
        anchor.dep_ == "ccomp"
        and anchor.head.dep_ == "ROOT"
        and anchor.head.lemma_.lower() in REPORTING_LEMMAS
    )
    if count.cumulative or not (_main_clause_count(anchor) or reported):
        return None
    if len(_path_until_other_incident(anchor, words)) < len(_path_to_root(anchor)):
        return None
    if anchor.sent.start != 0:
        return None  # only the paragraph's first sentence continues the one before
    before, before_segment = analyzed.sentence_before(anchor.sent, segment)
    if before is None:
        return None
    fits = [
        (token.i, event)
        for event, seg, token in located
        if seg is before_segment
        and before.start <= token.i < before.end
        and event.event in words.event_types.get(count.category, frozenset())
    ]
    return max(fits, key=lambda item: item[0])[1] if fits else None


def _eligible(event: Event, words: TollWords) -> bool:
    if event.hypothetical or event.future or event.negated:
        return False
    return any(event.event in types for types in words.event_types.values())


def _locate(analyzed: AnalyzedArticle, events: list[Event]) -> list[tuple[Event, Segment, Token]]:
    located = []
    for event in events:
        anchor = event.trigger or event.evidence
        for segment in analyzed.segments:
            if segment.start <= anchor.start < segment.end:
                span = segment.doc.char_span(
                    anchor.start - segment.start,
                    anchor.end - segment.start,
                    alignment_mode="expand",
                )
                if span is not None and len(span):
                    located.append((event, segment, span.root))
                break
    return located


def _owners(count: Count, events: list[tuple[Event, Token]], words: TollWords) -> list[Event]:
    """The events a count belongs to (see the module doc, step 3)."""
    fits = [
        (event, token)
        for event, token in events
        if event.event in words.event_types.get(count.category, frozenset())
    ]
    if not fits:
        return []
    anchor = count.anchor
    path = _path_until_other_incident(anchor, words)
    path_ids = {t.i: n for n, t in enumerate(path)}
    same_sentence = [(e, t) for e, t in fits if t.sent.start == anchor.sent.start]
    on_path = sorted(
        ((path_ids[t.i], e) for e, t in same_sentence if t.i in path_ids), key=lambda x: x[0]
    )
    if count.cumulative:
        # A total stays with the event it is told of: the casualty word itself or its head.
        return [e for steps, e in on_path if steps <= 1]
    if on_path:
        return [e for _, e in on_path]
    if same_sentence:
        reachable = [
            (_distance(anchor, t), e)
            for e, t in same_sentence
            if not _blocked_between(anchor, t, words)
        ]
        return [min(reachable, key=lambda x: x[0])[1]] if reachable else []
    if len(path) < len(_path_to_root(anchor)) or not _main_clause_count(anchor):
        # about another incident ("after a bombing killed 12"), or a detail of a phrase
        return []
    earlier = [(t.i, e) for e, t in fits if t.i < anchor.sent.start]
    if earlier:
        return [max(earlier, key=lambda x: x[0])[1]]
    return []


def _main_clause_count(anchor: Token) -> bool:
    """Is the casualty word the main verb of its sentence, or its subject or object ("Five
    people died.", "The death toll rose to 12.")?"""
    if anchor.dep_ == "ROOT":
        return True
    return anchor.head.dep_ == "ROOT" and anchor.dep_ in (
        "nsubj",
        "nsubjpass",
        "dobj",
        "attr",
        "conj",
    )


def _path_to_root(token: Token) -> list[Token]:
    path = [token]
    while path[-1].head.i != path[-1].i and len(path) < 60:
        path.append(path[-1].head)
    return path


def _marks_other_incident(token: Token, words: TollWords) -> bool:
    if token.dep_ in ("prep", "mark") and token.lower_ in words.other_incident:
        return True
    return any(c.dep_ == "mark" and c.lower_ in words.other_incident for c in token.children)


def _path_until_other_incident(token: Token, words: TollWords) -> list[Token]:
    """The casualty word's path up the parse, cut where another incident is referred to."""
    path = [token]
    if _marks_other_incident(token, words):
        return path
    current = token
    while current.head.i != current.i and len(path) < 60:
        # A relative clause tells of the noun it describes ("the attack, in which 24 died"),
        # not of what happens to that noun ("demonstrated in Serbia, where 24 were killed").
        leaving_relative = current.dep_ == "relcl"
        current = current.head
        if current.dep_ == "prep" and current.lower_ in words.other_incident:
            break
        path.append(current)
        if leaving_relative or _marks_other_incident(current, words):
            break
    return path


def _distance(a: Token, b: Token) -> int:
    up_a = _path_to_root(a)
    index_a = {t.i: n for n, t in enumerate(up_a)}
    for n, token in enumerate(_path_to_root(b)):
        if token.i in index_a:
            return n + index_a[token.i]
    return 10_000


def _blocked_between(anchor: Token, trigger: Token, words: TollWords) -> bool:
    trigger_path = {t.i for t in _path_to_root(trigger)}
    for token in _path_to_root(anchor):
        if token.i in trigger_path:
            return False
        if _marks_other_incident(token, words):
            return True
        if token.dep_ == "relcl" and token.head.i != trigger.i:
            return True  # "in Serbia, where 24 were killed": about Serbia, not this event
    return True


# --- the size record -----------------------------------------------------------------------------


def _size(counts: list[Count], existing: Size | None) -> Size:
    size = existing.model_copy(deep=True) if existing else Size()
    spans: list[Span] = list(size.spans)
    victims: list[Span] = list(size.victims)
    for category in CATEGORIES:
        mine = [c for c in counts if c.category == category]
        numbered = [c for c in mine if c.best is not None or c.low is not None]
        if not numbered:
            continue
        # Several reports of one toll: the largest (later updates raise a toll, not repeat it).
        chosen = max(numbered, key=lambda c: c.best if c.best is not None else c.low or 0)
        value = chosen.best if chosen.best is not None else chosen.low
        setattr(size, category, value)
        if category in ("dead", "injured"):
            setattr(size, f"{category}_low", chosen.low)
            setattr(size, f"{category}_high", chosen.high)
        if chosen.cumulative:
            size.cumulative = True
        start, end = chosen.span
        spans.append(Span(text=chosen.text, start=start, end=end))
    for count in counts:
        for victim in count.victims:
            if not any(v.start == victim.start and v.end == victim.end for v in victims):
                victims.append(victim)
    size.spans = _unique(spans)
    size.victims = victims
    return size


def _unique(spans: list[Span]) -> list[Span]:
    seen: set[tuple[int, int]] = set()
    kept = []
    for span in spans:
        if (span.start, span.end) not in seen:
            seen.add((span.start, span.end))
            kept.append(span)
    return kept


def _listed_as_apposition(head: Token) -> list[Token]:
    """ "two soldiers, an official and a contractor": the parser may hang the rest of a list
    on its first item as an apposition. Items each introduced by "a"/"an" continue the list;
    names ("two soldiers, Ali and Omar") only name the ones counted."""
    for child in head.children:
        if child.dep_ != "appos" or child.pos_ != "NOUN" or not child.conjuncts:
            continue
        items = [child, *child.conjuncts]
        if all(
            item.pos_ == "NOUN"
            and any(d.dep_ == "det" and d.lower_ in ("a", "an") for d in item.children)
            for item in items
        ):
            return items
    return []
