"""Date expressions: found in text, resolved against the publication date.

`find_expressions(text, published, doc=None)` returns every date expression of a text with a
TimeML-style value ("2024-01-04", "2024-W01", "2023-12", "2012-SU", "2003", "199" for the
1990s, "PRESENT_REF"), the first day of the period it names and its precision. The dates stage
picks, for each event, the expression that belongs to it; `flashpoint eval-dates` scores this
function on TempEval-3.

How:
- spans come from the patterns of `data/dates.yaml` only, so the date parser never sees a word
  such as "We" (which dateparser reads as Wednesday);
- full dates with a year in any of their written forms ("4 January 2024", "Sept. 11, 2001",
  "Jan 04/2024") are parsed by dateparser; ISO dates, month-years ("May 2010") and days without
  a year ("January 4") are read from the pattern's groups, the year of a yearless date chosen
  by the tense of its clause (past: the latest such date on or before publication; future: the
  next one; no tense to go by: the occurrence nearest to publication);
- relative expressions (weekdays, "yesterday", "last month", "nearly a decade ago") are
  computed here from the publication date: dateparser does not read most of them, and it cannot
  see the tense of the clause. "Thursday" is the latest Thursday on or before publication
  unless its clause is about the future;
- with a spaCy `Doc`, a four-digit number that spaCy labels a count or an amount is not a year,
  a month name that is part of a person's name is not a month, and the tense comes from the
  parse.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from spacy.tokens import Doc, Span, Token

from flashpoint.quantities import number_words, parse_number
from flashpoint.resources import load_yaml

Tense = Literal["past", "present", "progressive", "future"]
# Precisions finer than the model's: the resolver keeps them, the dates stage maps them.
Precision = Literal["day", "week", "weekend", "month", "season", "year", "decade", "century"]

NOT_YEAR_LABELS = {"CARDINAL", "MONEY", "QUANTITY", "PERCENT", "ORDINAL", "TIME"}
CLAUSE_DEPS = {"relcl", "advcl", "ccomp", "acl", "csubj", "csubjpass", "parataxis"}


@dataclass(frozen=True)
class TimeExpression:
    """One date expression; `start`/`end` are offsets in the text searched (plus `offset`)."""

    text: str
    start: int
    end: int
    kind: str
    value: str | None  # TimeML-style value; None when it cannot be resolved
    date: dt.date | None = None  # first day of the period named
    last: dt.date | None = None  # last day of the period named
    precision: Precision | None = None

    @property
    def calendar(self) -> bool:
        """True when the expression names a calendar period (not "now", not unresolved)."""
        return self.date is not None


@dataclass(frozen=True)
class Grammar:
    months: dict[str, int]
    abbreviations: dict[str, int]
    weekdays: dict[str, int]
    seasons: dict[str, str]
    season_months: dict[str, tuple[int, int]]
    shifts: dict[str, int]
    parts: frozenset[str]
    units: dict[str, str]
    relative_days: dict[str, int]
    vague_counts: frozenset[str]
    references: dict[str, str]
    month_cues: frozenset[str]
    ordinals: dict[str, int]
    future_auxiliaries: frozenset[str]
    future_modals: frozenset[str]
    sequence_words: frozenset[str]
    times_of_day: frozenset[str]
    future_governors: frozenset[str]
    live_stamp: re.Pattern[str]
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    # The words every pattern is built around (month, weekday, unit, year, ...): the patterns
    # run only near them, which keeps this stage cheap on long articles.
    core: re.Pattern[str]


def _alternation(words) -> str:
    ordered = sorted({str(w) for w in words}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


_SPACES = re.compile(r"\s+")


def _key(text: str) -> str:
    return _SPACES.sub(" ", text.strip().lower())


@cache
def grammar() -> Grammar:
    data = load_yaml("dates.yaml")
    numbers = number_words()
    months = {str(k): int(v) for k, v in data["months"].items()}
    abbreviations = {str(k): int(v) for k, v in data["month_abbreviations"].items()}
    units = {str(k): str(v) for k, v in data["units"].items()}
    references = {
        _key(str(phrase)): kind
        for kind, phrases in data["references"].items()
        for phrase in phrases
    }
    unit = rf"(?P<unit>{_alternation(units)})\b"
    counts = [*data["vague_counts"], "a", "an"]
    slots = {
        "year": r"(?P<year>(?:1[5-9]|20)\d\d)(?![\d,.]\d|\s*%)",
        "day": r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?",
        "month": rf"(?P<month>{_alternation(months)})",
        "month_any": rf"(?P<month>{_alternation(list(months) + list(abbreviations))})",
        "weekday": rf"(?P<weekday>{_alternation(data['weekdays'])})(?:'s)?",
        "season": rf"(?P<season>{_alternation(data['seasons'])})",
        "part": rf"(?P<part>{_alternation(data['part_modifiers'])})",
        "shift": rf"(?P<shift>{_alternation(data['shifts'])})",
        "day_part": rf"(?:{_alternation(data['day_parts'])})",
        "relative_day": rf"(?P<relday>{_alternation(data['relative_days'])})",
        "unit": unit,
        "bound": rf"(?P<bound>{_alternation(list(numbers.bounds))})",
        "count": rf"(?P<count>{numbers.number_pattern}|{_alternation(counts)})",
        "ordinal": rf"{_alternation(data['ordinals'])}",
        # "the past" but not "the past two years" (a duration)
        "reference": rf"(?P<ref>{_alternation(references)})"
        rf"(?![\s-]+(?:(?:{numbers.number_pattern}|{_alternation(counts)})\s+)?{unit})",
    }
    patterns = []
    for item in data["patterns"]:
        source = item["regex"]
        for name, slot in slots.items():
            source = source.replace("{" + name + "}", slot)
        patterns.append(
            (str(item["kind"]), re.compile(rf"(?<![\w/-])(?:{source})(?![\w])", re.IGNORECASE))
        )
    core_words = [
        *months,
        *abbreviations,
        *data["weekdays"],
        *data["seasons"],
        *units,
        "ago",
        *(str(w).split()[-1] for w in data["relative_days"]),
        *(phrase.split()[-1] for phrase in references),
        *(str(w) for w in data["ordinals"]),
    ]
    core = re.compile(
        rf"(?<![\w])(?:{_alternation(core_words)}|(?:1[5-9]|20)\d\ds?"
        rf"|\d+(?:st|nd|rd|th)[\s-]+century)(?!\w)",
        re.IGNORECASE,
    )
    return Grammar(
        months=months,
        abbreviations=abbreviations,
        weekdays={str(k): int(v) for k, v in data["weekdays"].items()},
        seasons={str(k): str(v) for k, v in data["seasons"].items()},
        season_months={str(k): (int(v[0]), int(v[1])) for k, v in data["season_months"].items()},
        shifts={_key(str(k)): int(v) for k, v in data["shifts"].items()},
        parts=frozenset(_key(str(p)) for p in data["part_modifiers"]),
        units=units,
        relative_days={_key(str(k)): int(v) for k, v in data["relative_days"].items()},
        vague_counts=frozenset(_key(str(w)) for w in data["vague_counts"]),
        references=references,
        month_cues=frozenset(_key(str(w)) for w in data["month_cues"]),
        ordinals={_key(str(k)): int(v) for k, v in data["ordinals"].items()},
        future_auxiliaries=frozenset(str(w) for w in data["future_auxiliaries"]),
        future_modals=frozenset(str(w) for w in data["future_modals"]),
        sequence_words=frozenset(str(w).lower() for w in data["sequence_words"]),
        times_of_day=frozenset(str(w).lower() for w in data["times_of_day"]),
        future_governors=frozenset(str(w) for w in data["future_governors"]),
        live_stamp=re.compile(str(data["live_stamp"]), re.IGNORECASE),
        patterns=tuple(patterns),
        core=core,
    )


# --- finding -------------------------------------------------------------------------------------


def find_expressions(
    text: str,
    published: dt.date | dt.datetime | None,
    doc: Doc | None = None,
    offset: int = 0,
) -> list[TimeExpression]:
    """Every date expression of `text`, resolved against `published`.

    `doc`, when given, is spaCy's parse of exactly `text` (a paragraph); `offset` is added to
    every span (the paragraph's position in the article)."""
    rules = grammar()
    anchor = published.date() if isinstance(published, dt.datetime) else published
    matches: list[tuple[int, int, int, str, re.Match[str]]] = []
    windows = _windows(text, rules.core)
    for order, (kind, pattern) in enumerate(rules.patterns):
        for window_start, window_end in windows:
            for match in pattern.finditer(text, window_start, window_end):
                if _plausible(kind, match, text, doc, rules):
                    length = match.end() - match.start()
                    matches.append((match.start(), -length, order, kind, match))
    # Longest match wins, then the earlier pattern; no two expressions overlap.
    matches.sort(key=lambda m: (m[1], m[2], m[0]))
    chosen: list[tuple[str, re.Match[str]]] = []
    for _start, _length, _order, kind, match in matches:
        if all(match.end() <= m.start() or m.end() <= match.start() for _, m in chosen):
            chosen.append((kind, match))
    chosen.sort(key=lambda item: item[1].start())
    found: list[TimeExpression] = []
    for kind, match in chosen:
        tense = _tense_at(doc, match.start(), match.end()) if doc is not None else None
        for expression in _resolve(kind, match, anchor, tense, rules):
            found.append(
                TimeExpression(
                    text=expression.text,
                    start=expression.start + offset,
                    end=expression.end + offset,
                    kind=expression.kind,
                    value=expression.value,
                    date=expression.date,
                    last=expression.last,
                    precision=expression.precision,
                )
            )
    return found


_LAST_WORDS = re.compile(r"([A-Za-z]+(?:\s+[A-Za-z]+)?)$")
_LAST_WORD = re.compile(r"(\w+)$")
_ANAPHORIC = re.compile(r"\b(?:the|that|a)\s+$", re.IGNORECASE)
_SENTENCE_START = re.compile(r"(?:^|[.!?:\"“])\s*\w+$")
WINDOW_BEFORE = 60  # characters before a core word that a pattern may start ("nearly a ...")
WINDOW_AFTER = 40  # ... and after it ("January 4, 2024 morning")


def _windows(text: str, core: re.Pattern[str]) -> list[tuple[int, int]]:
    """Merged stretches of text around the core words of the patterns."""
    windows: list[tuple[int, int]] = []
    for hit in core.finditer(text):
        start = max(0, hit.start() - WINDOW_BEFORE)
        end = min(len(text), hit.end() + WINDOW_AFTER)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], end))
        else:
            windows.append((start, end))
    return windows


def _plausible(kind: str, match: re.Match[str], text: str, doc: Doc | None, rules: Grammar) -> bool:
    groups = match.groupdict()
    # Month and weekday names are capitalised in English; "may", "march", "sun" are not dates.
    for name in ("month", "weekday"):
        word = groups.get(name)
        if word and not word[0].isupper():
            return False
    if kind == "month" and not groups.get("part") and not groups.get("shift"):
        before = text[max(0, match.start() - 40) : match.start()].rstrip()
        cue = _LAST_WORDS.search(before)
        words = cue.group(1).lower().split() if cue else []
        if not words or (
            words[-1] not in rules.month_cues and " ".join(words) not in rules.month_cues
        ):
            return False
    if groups.get("shift") and _ANAPHORIC.search(text[max(0, match.start() - 12) : match.start()]):
        return False  # "the next year", "the following Monday": counted from the story's time
    if kind == "weekday" and not groups.get("shift") and not groups.get("part"):
        # "Good Friday", "Super Tuesday": a capitalised word before the name makes it a name.
        before = text[max(0, match.start() - 40) : match.start()].rstrip()
        previous = _LAST_WORD.search(before)
        if (
            previous
            and previous.group(1)[0].isupper()
            and not _SENTENCE_START.search(before)
            and previous.group(1).lower() not in ("on", "by", "since", "until", "last", "next")
        ):
            return False
    if doc is not None:
        labels = _labels(doc, match.start(), match.end())
        if kind == "year" and labels & NOT_YEAR_LABELS and "DATE" not in labels:
            return False
        if kind in ("month", "month_day") and "PERSON" in labels and "DATE" not in labels:
            return False
    return True


def _labels(doc: Doc, start: int, end: int) -> set[str]:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return set()
    return {t.ent_type_ for t in span if t.ent_type_}


# --- tense ---------------------------------------------------------------------------------------


def _tense_at(doc: Doc, start: int, end: int) -> Tense | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    tense = clause_tense(span.root)
    if tense == "progressive" and _through_noun(span):
        # "is dialling down his rhetoric of Wednesday": the date dates the noun, not the verb
        return "present"
    return tense


def _through_noun(span: Span) -> bool:
    """Does the date hang from a noun (not a verb) outside its own words?"""
    inside = {t.i for t in span}
    token = span.root
    for _ in range(10):
        if token.head.i == token.i:
            return False
        token = token.head
        if token.pos_ in ("VERB", "AUX"):
            return False
        if token.i not in inside and token.pos_ in ("NOUN", "PROPN"):
            return True
    return False


def clause_tense(token: Token) -> Tense | None:
    """Tense of the clause a word belongs to: past, present, progressive or future."""
    rules = grammar()
    verb = token
    for _ in range(10):
        if verb.pos_ in ("VERB", "AUX"):
            break
        if verb.head.i == verb.i:
            return None
        verb = verb.head
    else:
        return None
    for _ in range(3):
        auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
        words = {c.lower_ for c in auxiliaries}
        if words & rules.future_auxiliaries:
            return "future"
        if words & rules.future_modals and verb.tag_ == "VB" and "have" not in words:
            return "future"
        if verb.dep_ in ("xcomp", "advcl") and any(c.lower_ == "to" for c in auxiliaries):
            governor = verb.head
            if governor.lemma_.lower() in rules.future_governors or governor.lower_ in (
                rules.future_governors
            ):
                return "future"
            if {c.lower_ for c in governor.children if c.dep_ in ("acomp", "oprd")} & (
                rules.future_governors
            ):
                return "future"
            verb = governor  # "was forced to step down": the governor's tense
            continue
        if verb.tag_ == "VBD" or any(c.tag_ == "VBD" for c in auxiliaries):
            return "past"
        if words & {"has", "have", "had", "'ve", "'s"} and verb.tag_ == "VBN":
            return "past"
        if verb.tag_ == "VBN" and not auxiliaries:
            return "past"  # "Trump tweeted on 19 December:" (tagged VBN), "children evacuated in"
        if verb.tag_ == "VBG" and words & {"is", "are", "am", "'s", "'re", "'m"}:
            return "progressive"
        if verb.tag_ in ("VBZ", "VBP") or words & {"is", "are", "am"}:
            return "present"
        if verb.dep_ in ("xcomp", "conj", "advcl", "acl") and verb.head.i != verb.i:
            verb = verb.head
            continue
        return None
    return None


# --- resolving -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Resolved:
    text: str
    start: int
    end: int
    kind: str
    value: str | None
    date: dt.date | None = None
    last: dt.date | None = None
    precision: Precision | None = None


def _resolve(
    kind: str,
    match: re.Match[str],
    anchor: dt.date | None,
    tense: Tense | None,
    rules: Grammar,
) -> list[_Resolved]:
    groups = {k: v for k, v in match.groupdict().items() if v is not None}
    text, start, end = match.group(0), match.start(), match.end()

    def done(
        value: str | None,
        first: dt.date | None = None,
        last: dt.date | None = None,
        precision: Precision | None = None,
    ) -> list[_Resolved]:
        return [_Resolved(text, start, end, kind, value, first, last, precision)]

    if kind == "reference":
        return done(rules.references.get(_key(groups["ref"])))
    if kind == "year":
        year = int(groups["year"])
        first = _period("year", dt.date(year, 1, 1))
        if "year2" in groups:
            raw = groups["year2"]
            second = int(raw) if len(raw) == 4 else (year // 100) * 100 + int(raw)
            if second <= year:
                return done(first[0], *first[1:])
            cut = match.start("year2")
            return [
                _Resolved(text[: cut - start - 1], start, cut - 1, kind, *first),
                _Resolved(groups["year2"], cut, end, kind, *_period("year", dt.date(second, 1, 1))),
            ]
        return done(*first)
    if kind == "decade":
        decade = int(groups["decade"]) * 10
        return done(str(decade // 10), dt.date(decade, 1, 1), dt.date(decade + 9, 12, 31), "decade")
    if kind == "century":
        raw = groups["century"].lower()
        number = rules.ordinals.get(_key(raw)) or int(re.sub(r"\D", "", raw) or 0)
        if not 1 <= number <= 21:
            return done(None)
        first_year = (number - 1) * 100
        return done(
            f"{number - 1:02d}",
            dt.date(max(first_year, 1), 1, 1),
            dt.date(first_year + 99, 12, 31),
            "century",
        )
    if kind == "full_date":
        if "mm" in groups:
            try:
                day = dt.date(int(groups["year"]), int(groups["mm"]), int(groups["dd"]))
            except ValueError:
                return done(None)
            return done(*_period("day", day))
        parsed = _dateparser(_clean(text))
        return done(*_period("day", parsed)) if parsed else done(None)
    if kind == "month_year":
        month = _month_number(groups["month"], rules)
        return done(*_period("month", dt.date(int(groups["year"]), month, 1)))
    if anchor is None:
        return done(None)  # everything below is relative to the publication date
    shift = rules.shifts.get(_key(groups.get("shift", "")))
    if kind == "month_day":
        month = _month_number(groups["month"], rules)
        day = int(groups["day"])
        if not 1 <= day <= 31:
            return done(None)
        try:
            day_named = dt.date(_year_for(month, day, anchor, tense, shift), month, day)
        except ValueError:
            return done(None)
        return done(*_period("day", day_named))
    if kind == "month":
        month = _month_number(groups["month"], rules)
        year = _year_for(month, 1, anchor, tense, shift)
        return done(*_period("month", dt.date(year, month, 1)))
    if kind == "season":
        code = rules.seasons[groups["season"].lower()]
        if "year" in groups:
            year = int(groups["year"])
        elif shift is None and not groups.get("part"):
            return []  # "the summer", "summer": not anchored
        else:
            first_month = rules.season_months[code][0]
            year = _year_for(first_month, 1, anchor, tense, shift)
        return done(*_season(code, year, rules))
    if kind == "weekday":
        weekday = rules.weekdays[groups["weekday"].lower().removesuffix("'s")]
        return done(*_period("day", _weekday(weekday, anchor, tense, shift)))
    if kind == "relative_day":
        days = rules.relative_days[_key(groups["relday"])]
        return done(*_period("day", anchor + dt.timedelta(days=days)))
    if kind == "relative_unit":
        unit_word = _key(groups["unit"])
        unit = rules.units[unit_word]
        if unit == "day":
            return []  # "this day", "next day": a phrase, or counted from the story's time
        if shift is None or (unit_word.endswith("s") and unit not in ("weekend",)):
            # "the coming weeks", "the last decades": a stretch of time, not a calendar period
            return done("FUTURE_REF" if (shift or 0) > 0 else "PAST_REF")
        return done(*_shifted(unit, anchor, shift))
    if kind == "ago":
        unit = rules.units[_key(groups["unit"])]
        count_text = _key(groups["count"])
        if count_text in rules.vague_counts:
            return done("PAST_REF")
        count = 1 if count_text in ("a", "an") else parse_number(count_text)
        if count is None:
            return done(None)
        return done(*_ago(unit, count, anchor))
    return done(None)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _month_number(word: str, rules: Grammar) -> int:
    key = word.lower().rstrip(".")
    return rules.months.get(key) or rules.abbreviations[key]


@cache
def _date_parser():
    from dateparser.date import DateDataParser  # imported on first use: it is slow to load

    return DateDataParser(languages=["en"], settings={"REQUIRE_PARTS": ["day", "month", "year"]})


@lru_cache(maxsize=4096)
def _dateparser(text: str) -> dt.date | None:
    """dateparser on one span we already know is a full date (cached: spans repeat a lot)."""
    data = _date_parser().get_date_data(text)
    return data.date_obj.date() if data and data.date_obj else None


def _year_for(month: int, day: int, anchor: dt.date, tense: Tense | None, shift: int | None) -> int:
    """Year of a month named without one: by its shift word, else by the clause's tense."""
    here = (month, day)
    now = (anchor.month, anchor.day)
    if shift is not None and shift < 0:
        return anchor.year if here < (anchor.month, 1) else anchor.year - 1
    if shift is not None and shift > 0:
        return anchor.year if here > now else anchor.year + 1
    if tense == "past":
        return anchor.year - 1 if here > now else anchor.year
    if tense in ("future", "progressive"):
        return anchor.year + 1 if (month, 31) < now else anchor.year

    # Tense unknown: the occurrence nearest to publication ("in December", read in January).
    def distance(year: int) -> int:
        try:
            return abs((dt.date(year, month, min(day, 28)) - anchor).days)
        except ValueError:
            return 10**6

    return min((anchor.year, anchor.year - 1, anchor.year + 1), key=distance)


def _weekday(weekday: int, anchor: dt.date, tense: Tense | None, shift: int | None) -> dt.date:
    back = (anchor.weekday() - weekday) % 7
    ahead = (weekday - anchor.weekday()) % 7
    if shift is not None and shift < 0:
        return anchor - dt.timedelta(days=back or 7)
    if shift is not None and shift > 0:
        return anchor + dt.timedelta(days=ahead or 7)
    if tense in ("future", "progressive"):
        return anchor + dt.timedelta(days=ahead)
    return anchor - dt.timedelta(days=back)


def _shifted(unit: str, anchor: dt.date, shift: int):
    if unit == "day":
        return _period("day", anchor + dt.timedelta(days=shift))
    if unit == "week":
        return _period("week", anchor + dt.timedelta(weeks=shift))
    if unit == "weekend":
        # The weekend of the current Monday-to-Sunday week, moved by whole weeks.
        saturday = anchor - dt.timedelta(days=anchor.weekday()) + dt.timedelta(days=5)
        return _period("weekend", saturday + dt.timedelta(weeks=shift))
    if unit == "month":
        return _period("month", _add_months(anchor.replace(day=1), shift))
    if unit == "year":
        return _period("year", dt.date(anchor.year + shift, 1, 1))
    if unit == "decade":
        return _period("decade", dt.date((anchor.year // 10 + shift) * 10, 1, 1))
    if unit == "century":
        return _period("century", dt.date(max((anchor.year // 100 + shift) * 100, 1), 1, 1))
    return (None, None, None, None)


def _ago(unit: str, count: int, anchor: dt.date):
    if unit == "day":
        return _period("day", anchor - dt.timedelta(days=count))
    if unit in ("week", "weekend"):
        return _period("week", anchor - dt.timedelta(weeks=count))
    if unit == "month":
        return _period("month", _add_months(anchor.replace(day=1), -count))
    years = {"year": 1, "decade": 10, "century": 100}[unit] * count
    if anchor.year - years < 1:
        return (None, None, None, None)
    # "nearly a decade ago" names a year, not a decade: the year that far back.
    return _period("year", dt.date(anchor.year - years, 1, 1))


def _add_months(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _period(precision: Precision, day: dt.date | None):
    """(value, first day, last day, precision) of the period of `precision` containing `day`."""
    if day is None:
        return (None, None, None, None)
    if precision == "day":
        return (day.isoformat(), day, day, "day")
    if precision in ("week", "weekend"):
        year, week, _ = day.isocalendar()
        monday = day - dt.timedelta(days=day.weekday())
        if precision == "weekend":
            saturday = monday + dt.timedelta(days=5)
            return (f"{year}-W{week:02d}-WE", saturday, saturday + dt.timedelta(days=1), "weekend")
        return (f"{year}-W{week:02d}", monday, monday + dt.timedelta(days=6), "week")
    if precision == "month":
        first = day.replace(day=1)
        last = _add_months(first, 1) - dt.timedelta(days=1)
        return (f"{day.year:04d}-{day.month:02d}", first, last, "month")
    if precision == "year":
        return (f"{day.year:04d}", dt.date(day.year, 1, 1), dt.date(day.year, 12, 31), "year")
    if precision == "decade":
        first = dt.date(day.year // 10 * 10, 1, 1)
        return (str(day.year // 10), first, dt.date(first.year + 9, 12, 31), "decade")
    century = day.year // 100
    return (
        f"{century:02d}",
        dt.date(max(century * 100, 1), 1, 1),
        dt.date(century * 100 + 99, 12, 31),
        "century",
    )


def _season(code: str, year: int, rules: Grammar):
    first_month, last_month = rules.season_months[code]
    first = dt.date(year, first_month, 1)
    last = _add_months(dt.date(year, 1, 1), last_month) - dt.timedelta(days=1)
    return (f"{year:04d}-{code}", first, last, "season")
