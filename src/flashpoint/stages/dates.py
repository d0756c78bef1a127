"""Stage 5e, dates: each event's calendar date, resolved against the publication date.

Interface: `date_events(analyzed)` sets `event.date`, `event.date_precision` and
`event.date_span`. Date expressions are found and resolved by `flashpoint.temporal` (patterns
in `data/dates.yaml`); this stage decides which one belongs to which event:

1. its own clause: an expression in the subtree of the event's word, or hanging from the clause
   the event's word belongs to ("targeted Thursday in a drone strike", "the 2003 invasion that
   toppled ...", "X said Thursday that Y attacked"); never one inside another clause of the
   sentence ("the movement, whose chief vowed last month, ..."), nor one reached through
   "after", "since", "in the wake of" (another event's date: `sequence_words` in dates.yaml);
   An act told as the outcome of one dated by day in an "after" clause on its own word ("the
   siege was lifted after a deal was completed on Thursday") takes that day, unless a distance
   is measured ("a week after"); one in a clause measured from its main clause ("a day after
   X said") is dated from the main clause's day; an act told as done is never dated after the
   publication ("asked them to meet next Monday");
2. else one of the two sentences before, when both tell of the past and that sentence's main
   clause names a day ("On Monday gunmen stormed a village. Five people were killed."); never
   past a sentence with a date of its own, never for background events, never a month or a year
   (too loose to carry);
3. else the publication date, flagged with precision "published" (background events are left
   undated rather than given today's date).

Precision: day, week (also a weekend), month, year (also a season: "last summer"). An event
dated only by a decade or century ("in the 1990s") keeps no date.

Background rule: an event becomes `background` when the period its date names ended more than
7 days before publication, or is a month, season, year or longer that ended before the
publication day ("last month", "in 2003", "nearly a decade ago"). The flag is never unset.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from flashpoint.analysis import AnalyzedArticle, Segment, names_meet, speaker_names
from flashpoint.lexicon import load_lexicon
from flashpoint.model import DatePrecision, Event, Quote, Span
from flashpoint.syntax import claim_verb, subjects_participle
from flashpoint.temporal import (
    CLAUSE_DEPS,
    TimeExpression,
    clause_tense,
    find_expressions,
    grammar,
)

# The resolver's precisions as the model's: a weekend is a week, a season a year; decades and
# centuries are too coarse to date an event.
# PLOVER's quad classes of statements (verbal cooperation, verbal conflict).
VERBAL_QUADS = frozenset({1, 3})
MODEL_PRECISION: dict[str, DatePrecision | None] = {
    "day": "day",
    "week": "week",
    "weekend": "week",
    "month": "month",
    "season": "year",
    "year": "year",
    "decade": None,
    "century": None,
}
COARSE = {"month", "season", "year", "decade", "century"}
# Dates carried to the next sentence: specific occasions only, not "in 2014".
CARRIED_PRECISIONS = {"day", "weekend"}
RECENT_DAYS = 7
# Conjunctions of a clause that happens at the time of its main clause.
SIMULTANEITY_MARKS = frozenset({"when", "while"})
# How many sentences back a stated day still dates a past event with no time word.
CARRY_SENTENCES = 2
# How many days before publication a day the lede's next sentence tells may be (news of the
# week: "on Sunday", "on Friday night").
LEDE_DAYS = 7


@dataclass
class FoundDate:
    """A date expression with the segment and tokens it was found on."""

    expression: TimeExpression
    segment: Segment
    tokens: SpacySpan


def article_expressions(analyzed: AnalyzedArticle) -> list[FoundDate]:
    """Every date expression of the parsed parts of an article, in text order."""
    published = analyzed.article.published
    found: list[FoundDate] = []
    for segment in analyzed.segments:
        doc = segment.doc
        for expression in find_expressions(segment.text, published, doc, offset=segment.start):
            tokens = doc.char_span(
                expression.start - segment.start,
                expression.end - segment.start,
                alignment_mode="expand",
            )
            if tokens is not None and len(tokens):
                found.append(FoundDate(expression, segment, tokens))
    return found


def date_events(analyzed: AnalyzedArticle) -> None:
    if not analyzed.events:
        return
    published = analyzed.article.published
    found = article_expressions(analyzed)
    by_segment: dict[int, list[FoundDate]] = {}
    for item in found:
        by_segment.setdefault(item.segment.index, []).append(item)
    undated = []
    for event in analyzed.events:
        chosen = _date_of(event, analyzed, by_segment)
        if chosen is not None:
            _apply(event, chosen.expression, published)
        elif event.date is None and not event.background:
            undated.append(event)
    # the article's dated verbs of speech, read once, when a statement first needs them
    speech = cache(lambda: _dated_speech(analyzed, by_segment))
    for event in undated:
        day = _day_of_the_incident_after(event, analyzed)
        if day is not None:
            event.date, event.date_precision = day, "day"
            continue
        occasion = _speakers_occasion(event, analyzed, by_segment, speech)
        if occasion is not None:
            event.date, event.date_precision, event.date_span = occasion
        elif published is not None:
            event.date = published.date()
            event.date_precision = "day" if _live_entry(event, analyzed) else "published"


def _live_entry(event: Event, analyzed: AnalyzedArticle) -> bool:
    """The event is told in a live blog's entry stamped with its clock time ("8:05pm - The
    army says ..."), alone on the line before or opening the paragraph: news of the day of
    publication."""
    stamp = grammar().live_stamp
    text = analyzed.article.text
    line_start = text.rfind("\n", 0, event.evidence.start) + 1
    if stamp.match(text[line_start : line_start + 40]):
        return True  # (the stamp may have been left out of the paragraph's own text)
    previous = text[: max(line_start - 1, 0)].rstrip().rsplit("\n", 1)[-1]
    return bool(stamp.fullmatch(previous.strip() + " "))


SEQUEL_PREPOSITIONS = frozenset({"after", "following"})


def _day_of_the_incident_after(event: Event, analyzed: AnalyzedArticle) -> dt.date | None:
    """ "Security forces arrested three men after the blast": an act told as following an
    incident the article has dated to the day ("the blast", "the attack": a definite event
    noun) took place that day, as analysts date it; the nearest earlier record of the noun's
    type with a day of its own gives it."""
    if event.trigger is None:
        return None
    found = analyzed.word_at(event.trigger.start, event.trigger.end)
    if found is None:
        return None
    lexicon = load_lexicon()
    # (verbs joined by "and" share an adjunct after the last: "sealed off the roads and
    # arrested three men after the blast")
    verbs = (found[1], *found[1].conjuncts)
    for prep in (c for verb in verbs for c in verb.children):
        if prep.dep_ != "prep" or prep.lower_ not in SEQUEL_PREPOSITIONS:
            continue
        for noun in (c for c in prep.children if c.dep_ == "pobj"):
            if not any(
                c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in noun.children
            ):
                continue
            lemma = noun.lemma_.lower()
            kinds = {r.event for r in lexicon.nouns.get(lemma, ())}
            if {lemma, noun.lower_} & _attack_words():
                kinds.add("ASSAULT")  # "the blast", "the car bomb"
            earlier = [
                e
                for e in analyzed.events
                if e.event in kinds
                and e.date_precision == "day"
                and e.date is not None
                and e.evidence.start < event.evidence.start
            ]
            if earlier:
                return earlier[-1].date
    return None


@cache
def _attack_words() -> frozenset[str]:
    """Munitions and the words that name how an attack was made ("the blast", "the explosion")."""
    lexicon = load_lexicon()
    return lexicon.words("munitions").union(
        *(words for name, words in lexicon.word_classes.items() if name.startswith("weapon_modes_"))
    )


def _speakers_occasion(
    event: Event,
    analyzed: AnalyzedArticle,
    by_segment: dict[int, list[FoundDate]],
    speech: Callable[[], list[tuple[set[str], FoundDate]]],
) -> tuple[dt.date, DatePrecision, Span] | None:
    """A statement with no time word of its own, by a speaker whose other statements in the
    article are all dated one day ("the minister said at a press conference on Thursday"): made on
    that occasion. A statement is an event or a quote whose cue is dated. Two different days
    leave it undated."""
    if event.quad_code not in VERBAL_QUADS or not event.actor:
        return None
    # "X said the country would never agree": said on X's occasion
    speakers = [*event.actor, *([event.claimed_by] if event.claimed_by else [])]
    days: list[tuple[dt.date, Span]] = []
    for other in analyzed.events:
        if (
            other is not event
            and other.quad_code in VERBAL_QUADS
            and other.date_precision == "day"
            and other.date is not None
            and other.date_span is not None
            and _same_speaker(event, other)
        ):
            days.append((other.date, other.date_span))
    for quote in analyzed.quotes_by(speakers):
        found = _cue_day(quote, analyzed, by_segment)
        if found is not None and found.expression.date is not None:
            expression = found.expression
            span = Span(text=expression.text, start=expression.start, end=expression.end)
            days.append((expression.date, span))
    speaker = speaker_names(speakers)
    for names, found in speech():
        if found.expression.date is not None and names_meet(speaker, names):
            expression = found.expression
            span = Span(text=expression.text, start=expression.start, end=expression.end)
            days.append((expression.date, span))
    if len({day for day, _ in days}) != 1:
        return None
    day, span = days[0]
    return day, "day", span


def _dated_speech(
    analyzed: AnalyzedArticle, by_segment: dict[int, list[FoundDate]]
) -> list[tuple[set[str], FoundDate]]:
    """Verbs of speech with a day in their own clause and the names of their subjects ("X on
    Tuesday repeated his insistence that..."): occasions on which those speakers spoke."""
    reporting = load_lexicon().words("reporting_verbs")
    found: list[tuple[set[str], FoundDate]] = []
    for segment in analyzed.segments:
        for item in by_segment.get(segment.index, []):
            if item.expression.precision != "day" or not _dates_something(item):
                continue
            verb = item.tokens.root
            while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
                verb = verb.head
            if verb.lemma_.lower() not in reporting or clause_rank(item.tokens, verb) is None:
                continue
            subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            if subject is None:
                continue
            actors = [
                m.actor
                for m in analyzed.mentions_in(
                    segment.index, subject.left_edge.i, subject.right_edge.i + 1
                )
            ]
            names = speaker_names(actors)
            if not names:
                # a surname the parser did not take for a name: a person named before
                names = speaker_names(
                    [
                        m.actor
                        for m in analyzed.mentions
                        if (m.actor.name or "").split()[-1:] == [subject.text]
                    ]
                )
            if names:
                found.append((names, item))
    return found


def _cue_day(
    quote: Quote, analyzed: AnalyzedArticle, by_segment: dict[int, list[FoundDate]]
) -> FoundDate | None:
    """The day the cue's own clause names ("X said on Thursday"), if any."""
    if quote.cue is None:
        return None
    found = analyzed.word_at(quote.cue.start, quote.cue.end)
    if found is None:
        return None
    segment, cue = found
    sentence = cue.sent
    own = [
        (rank, f)
        for f in by_segment.get(segment.index, [])
        if f.expression.value
        and f.expression.precision == "day"
        and _dates_something(f)
        and sentence.start <= f.tokens.start < sentence.end
        and (rank := clause_rank(f.tokens, cue)) is not None
        and rank[0] == 0
    ]
    return min(own, key=lambda item: item[0])[1] if own else None


def _same_speaker(one: Event, other: Event) -> bool:
    return names_meet(speaker_names(one.actor), speaker_names(other.actor))


def _date_of(
    event: Event, analyzed: AnalyzedArticle, by_segment: dict[int, list[FoundDate]]
) -> FoundDate | None:
    anchor = event.trigger or event.evidence
    found = analyzed.word_at(anchor.start, anchor.end)
    if found is None:
        return None
    segment, trigger = found
    candidates = [f for f in by_segment.get(segment.index, []) if f.expression.value]
    sentence = trigger.sent
    future = event.future or clause_tense(trigger) == "future"
    published = analyzed.article.published
    claimed = _claimed_act(trigger)
    own = [
        (rank, f)
        for f in candidates
        if sentence.start <= f.tokens.start < sentence.end
        and _dates_something(f)
        # "claimed the attack on Monday": the claim's day; only the act's own words date it
        and not (claimed and not trigger.left_edge.i <= f.tokens.start <= trigger.right_edge.i)
        and (rank := clause_rank(f.tokens, trigger)) is not None
        # a future act is not dated by a past date of the clause above it ("last month's
        # announcement that troops will withdraw")
        and not (
            future
            and rank[0] > 0
            and published is not None
            and f.expression.last is not None
            and f.expression.last < published.date()
        )
        # an act told as done is not dated after the news ("asked them to meet on 10 May")
        and not (
            not future
            and published is not None
            and f.expression.date is not None
            and f.expression.date > published.date()
        )
    ]
    if own:
        return min(own, key=lambda item: item[0])[1]
    if event.background:
        return None
    soon = [
        f
        for f in candidates
        if sentence.start <= f.tokens.start < sentence.end
        and f.expression.precision == "day"
        and _dates_something(f)
        and _right_after(f.tokens, trigger)
    ]
    if len(soon) == 1 and clause_tense(trigger) in ("past", "present"):
        return soon[0]
    shifted = _measured_from_main(trigger, sentence, segment, analyzed, by_segment, candidates)
    if shifted is not None:
        return shifted
    if clause_tense(trigger) != "past":
        return None
    if any(
        sentence.start <= f.tokens.start < sentence.end and _dates_something(f) for f in candidates
    ):
        return None  # the sentence has its own date, in a clause we could not tie to the event
    return _carried_day(sentence, segment, analyzed, by_segment) or _lede_day(
        sentence, segment, analyzed, by_segment
    )


def _lede_day(
    sentence: SpacySpan,
    segment: Segment,
    analyzed: AnalyzedArticle,
    by_segment: dict[int, list[FoundDate]],
) -> FoundDate | None:
    """A lede tells the news without its day and the next sentence gives it ("Rebels have
    swept into the city... The militia withdrew before dawn on Sunday"): a past act of the
    article's first sentence takes the day the second sentence's main clause tells in the
    past, if that day is of the week before publication."""
    body = next((s for s in analyzed.segments if s.kind == "body"), None)
    published = analyzed.article.published
    if body is None or segment is not body or sentence.start != 0 or published is None:
        return None
    following, following_segment = analyzed.sentence_after(sentence, segment)
    if following is None:
        return None
    days = [
        f
        for f in _sentence_dates(following, following_segment, by_segment)
        if f.expression.precision == "day"
        and f.expression.date is not None
        and 0 <= (published.date() - f.expression.date).days <= LEDE_DAYS
        and (_in_main_clause(f.tokens) or _in_reported_clause(f.tokens))
        and clause_tense(f.tokens.root) == "past"
    ]
    return days[0] if len(days) == 1 else None


def _sentence_dates(
    sentence: SpacySpan, segment: Segment, by_segment: dict[int, list[FoundDate]]
) -> list[FoundDate]:
    """The resolved date expressions inside one sentence of a segment."""
    return [
        f
        for f in by_segment.get(segment.index, [])
        if f.expression.value
        and f.tokens.doc is sentence.doc
        and sentence.start <= f.tokens.start < sentence.end
    ]


REPORTING_LEMMAS = frozenset({"say", "tell", "report", "add", "state", "claim", "confirm"})


def _in_reported_clause(date: SpacySpan) -> bool:
    """ "The militia withdrew on Sunday, residents said": the main clause of what a reporting
    verb at the sentence's root reports."""
    path = _path_to_root(date.root)
    clauses = [t for t in path[:-1] if t.i not in _span_ids(date) and _is_clause(t)]
    root = path[-1]
    return (
        len(clauses) == 1
        and clauses[0].dep_ in ("ccomp", "parataxis")
        and clauses[0].head.i == root.i
        and root.lemma_.lower() in REPORTING_LEMMAS
    )


def _carried_day(
    sentence: SpacySpan,
    segment: Segment,
    analyzed: AnalyzedArticle,
    by_segment: dict[int, list[FoundDate]],
) -> FoundDate | None:
    """The paragraph: a past event told soon after a sentence that dates a past occasion ("On
    Saturday gunmen stormed a village. Five people were killed."). The day carries over at most
    CARRY_SENTENCES sentences, and never past a sentence with a calendar date of its own."""
    previous_segment = segment
    previous: SpacySpan | None = sentence
    for _ in range(CARRY_SENTENCES):
        assert previous is not None
        previous, previous_segment = analyzed.sentence_before(previous, previous_segment)
        if previous is None:
            return None
        dated = [
            f
            for f in _sentence_dates(previous, previous_segment, by_segment)
            if _dates_something(f)
        ]
        if not dated:
            continue
        earlier = [
            f
            for f in dated
            if f.expression.precision in CARRIED_PRECISIONS
            and _in_main_clause(f.tokens)
            and clause_tense(f.tokens.root) == "past"
        ]
        return earlier[-1] if earlier else None
    return None


def _measured_from_main(
    trigger: Token,
    sentence: SpacySpan,
    segment: Segment,
    analyzed: AnalyzedArticle,
    by_segment: dict[int, list[FoundDate]],
    candidates: list[FoundDate],
) -> FoundDate | None:
    """ "The clashes came a day after the army said it would strike": an act in a clause
    measured from its main clause ("a day after", "two days before") is dated from the main
    clause's day, its own or the one carried from the sentences before."""
    for clause in _path_to_root(trigger):
        if clause.dep_ != "advcl":
            continue
        mark = next(
            (c for c in clause.children if c.dep_ == "mark" and c.lower_ in ("after", "before")),
            None,
        )
        days = _measured_days(clause, mark) if mark is not None else None
        if mark is None or days is None:
            continue
        main = clause.head
        inside = {t.i for t in clause.subtree}
        own = [
            (rank, f)
            for f in candidates
            if sentence.start <= f.tokens.start < sentence.end
            and f.tokens.start not in inside
            and f.expression.precision == "day"
            and _dates_something(f)
            and (rank := clause_rank(f.tokens, main)) is not None
            and rank[0] == 0
        ]
        if own:
            base: FoundDate | None = min(own, key=lambda item: item[0])[1]
        elif clause_tense(main) == "past":
            base = _carried_day(sentence, segment, analyzed, by_segment)
        else:
            base = None
        if base is None or base.expression.date is None:
            return None
        shift = dt.timedelta(days=days if mark.lower_ == "before" else -days)
        day = base.expression.date + shift
        # the span stays the day it is measured from: the evidence the text gives
        expression = replace(base.expression, date=day, last=day, value=day.isoformat())
        return FoundDate(expression, base.segment, base.tokens)
    return None


# Words for a measured distance in days ("a day after", "two days before", "a week after").
DISTANCE_UNITS = {"day": 1, "days": 1, "week": 7, "weeks": 7}
SMALL_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _measured_days(clause: Token, mark: Token) -> int | None:
    """The distance right before "after"/"before", hung on either clause by the parser."""
    for child in (*clause.children, *clause.head.children):
        if (
            0 < mark.i - child.i <= 2
            and child.dep_ == "npadvmod"
            and child.lower_ in DISTANCE_UNITS
        ):
            count = next(
                (
                    SMALL_NUMBERS.get(c.lower_) or (int(c.text) if c.text.isdigit() else None)
                    for c in child.children
                    if c.dep_ in ("det", "nummod")
                ),
                None,
            )
            if count:
                return count * DISTANCE_UNITS[child.lower_]
    return None


def _right_after(date: SpacySpan, trigger: Token) -> bool:
    """ "The siege was lifted after a deal was completed on Thursday": an act told as the
    outcome of one dated in an "after" clause on its own word happened that day too (the
    day is the best the text gives; "a week after" would name its own distance)."""
    path = _path_to_root(date.root)
    ids = [t.i for t in path]
    if trigger.i not in ids:
        return False
    below = path[: ids.index(trigger.i)]
    own = _span_ids(date)
    sequence = [t for t in below if t.lower_ in grammar().sequence_words and t.i not in own]
    marks = [
        c
        for t in below
        for c in t.children
        if c.dep_ == "mark" and c.lower_ in grammar().sequence_words
    ]
    words = sequence + marks
    if len(words) != 1 or words[0].lower_ not in ("after", "following"):
        return False
    anchor = words[0] if words[0].dep_ != "mark" else words[0].head
    if anchor.head.i != trigger.i:
        return False
    # nothing measures the distance ("a week after", "days after")
    return not any(
        c.dep_ in ("npadvmod", "advmod") and c.lower_ not in ("shortly", "soon", "just")
        for holder in (words[0], anchor)
        for c in holder.children
        if c.i < words[0].i
    )


def _dates_something(found: FoundDate) -> bool:
    """Expressions with a calendar value (not "now", not "in the past")."""
    return found.expression.date is not None


def _claimed_act(trigger: Token) -> bool:
    """An act named in a claim of responsibility ("IS claimed the attack")."""
    return trigger.pos_ == "NOUN" and claim_verb(trigger, load_lexicon()) is not None


def clause_rank(date: SpacySpan, trigger: Token) -> tuple[int, int, int, int] | None:
    """How closely a date expression belongs to an event word; None if it belongs elsewhere.

    Lower is closer: (0 if the date is in the event word's own subtree or clause, clause
    boundaries crossed from the date, clause boundaries crossed from the event word, tree
    distance)."""
    root = date.root
    date_path = _path_to_root(root)
    trigger_path = _path_to_root(trigger)
    trigger_set = {t.i for t in trigger_path}
    common = next((t for t in date_path if t.i in trigger_set), None)
    if common is None:
        return None
    date_up = date_path[: [t.i for t in date_path].index(common.i)]
    trigger_up = trigger_path[: [t.i for t in trigger_path].index(common.i)]
    own_words = _span_ids(date)
    sequence = grammar().sequence_words
    if any(
        t.lower_ in sequence and not _orders_by_time_of_day(t)
        for t in date_up
        if t.i not in own_words
    ):
        return None  # "in the wake of the 2003 invasion": the invasion's date, not this one's
    crossings = [t for t in date_up if _is_clause(t) and t.i not in own_words]
    trigger_crossings = sum(1 for t in trigger_up if _is_clause(t))
    inside = common.i == trigger.i
    if (
        crossings
        and not (
            # "the attack, which took place Thursday": a clause on the event noun dates it.
            inside
            and trigger.pos_ in ("NOUN", "PROPN")
            and len(crossings) == 1
            and crossings[0].head.i == trigger.i
        )
        and not (len(crossings) == 1 and subjects_participle(crossings[0], trigger))
    ):
        return None
    return (
        0 if inside or not trigger_crossings else 1,
        len(crossings),
        trigger_crossings,
        len(date_up) + len(trigger_up),
    )


def _orders_by_time_of_day(word: Token) -> bool:
    """ "before dawn", "after nightfall": a sequence word placing an event in its own day."""
    times = grammar().times_of_day
    return any(c.dep_ == "pobj" and c.lower_ in times for c in word.children) or (
        word.dep_ == "prep" and word.head.lower_ in times
    )


def _span_ids(span: SpacySpan) -> set[int]:
    return {t.i for t in span}


def _path_to_root(token: Token) -> list[Token]:
    path = [token]
    while path[-1].head.i != path[-1].i and len(path) < 50:
        path.append(path[-1].head)
    return path


def _is_clause(token: Token) -> bool:
    """A token heading a clause other than the one it hangs from."""
    if token.dep_ == "advcl" and _shares_time(token):
        return False
    if token.dep_ in CLAUSE_DEPS:
        return True
    return token.dep_ == "conj" and token.pos_ in ("VERB", "AUX")


def _shares_time(clause: Token) -> bool:
    """A participle clause without subject or conjunction ("Speaking on Wednesday, X said"),
    or a clause of simultaneity ("were killed when jets struck the town on Monday"), happens
    when its main clause does."""
    if _simultaneous(clause):
        return True
    return clause.tag_ in ("VBG", "VBN") and not any(
        c.dep_ in ("nsubj", "nsubjpass", "mark") for c in clause.children
    )


def _simultaneous(clause: Token) -> bool:
    return any(
        c.dep_ in ("mark", "advmod") and c.lower_ in SIMULTANEITY_MARKS for c in clause.children
    )


def _in_main_clause(date: SpacySpan) -> bool:
    return not any(
        _is_clause(t) for t in _path_to_root(date.root)[:-1] if t.i not in _span_ids(date)
    )


def _apply(event: Event, expression: TimeExpression, published: dt.datetime | None) -> None:
    precision = MODEL_PRECISION.get(expression.precision or "")
    if precision is not None and expression.date is not None:
        event.date = expression.date
        event.date_precision = precision
        event.date_span = Span(text=expression.text, start=expression.start, end=expression.end)
    if (
        published is not None
        and expression.last is not None
        and is_background(expression, published.date())
    ):
        event.background = True


def is_background(expression: TimeExpression, published: dt.date) -> bool:
    """True when the period named ended clearly before the news of the day (see module doc)."""
    last = expression.last
    if last is None:
        return False
    if last < published - dt.timedelta(days=RECENT_DAYS):
        return True
    return expression.precision in COARSE and last < published
