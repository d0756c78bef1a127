"""Numbers in news text: digits ("1,200", "3.5 million"), words ("twenty-three", "a dozen"),
vague quantities ("dozens", by ACLED's conservative rules), bounds ("at least", "up to") and
ranges ("10 to 15"), with UCDP's low / best / high estimates.

All words come from `data/numbers.yaml`; this module only compiles them into one pattern and
does the arithmetic. Used by the tolls stage (counts) and the dates stage ("four years ago").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from flashpoint.resources import load_yaml


@dataclass(frozen=True)
class Quantity:
    """A count found in the text; offsets are relative to the string searched."""

    text: str
    start: int
    end: int
    best: int | None
    low: int | None = None
    high: int | None = None
    vague: bool = False


@dataclass(frozen=True)
class NumberWords:
    units: dict[str, int]
    multipliers: dict[str, int]
    one_words: frozenset[str]
    groups: dict[str, int]
    vague: dict[str, int]
    bounds: dict[str, str]  # phrase -> lower / ceiling / below / about
    number_pattern: str  # a regex for one number (digits or words), no groups
    pattern: re.Pattern[str]  # a whole quantity phrase, with named groups


def _alternation(words: list[str]) -> str:
    """A regex alternation of literal phrases, longest first, spaces matching any space."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


@cache
def number_words() -> NumberWords:
    data = load_yaml("numbers.yaml")
    units = {str(k).lower(): int(v) for k, v in data["units"].items()}
    multipliers = {str(k).lower(): int(v) for k, v in data["multipliers"].items()}
    one_words = frozenset(str(w).lower() for w in data["one_words"])
    groups = {str(k).lower(): int(v) for k, v in data["groups"].items()}
    vague = {str(k).lower(): int(v) for k, v in data["vague"].items()}
    bounds = {
        str(phrase).lower(): kind for kind, phrases in data["bounds"].items() for phrase in phrases
    }
    joiners = [str(j) for j in data["range_joiners"]]

    # Abbreviated multipliers ("m", "bn") only glued to digits: "3m", "1.5bn".
    word_multipliers = [w for w in multipliers if len(w) > 2]
    short_multipliers = [w for w in multipliers if len(w) <= 2]
    unit_words = _alternation(list(units))
    mult_words = _alternation(word_multipliers)
    ones = _alternation([w for w in one_words if w not in units])
    tail = rf"(?:[\s-]+(?:and\s+)?(?:{unit_words}|{mult_words})\b)*"
    word_number = rf"(?:(?:{unit_words})\b{tail}|(?:{ones})\s+(?:{mult_words})\b{tail})"
    digits = (
        rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)"
        rf"(?:\s*(?:{mult_words})\b|(?:{_alternation(short_multipliers)})\b)?"
    )
    number = rf"(?:{digits}|{word_number})"
    joiner = _alternation(joiners)
    pattern = re.compile(
        rf"(?<![\w$£€.,])(?:(?P<bound>{_alternation(list(bounds))})\s+)?"
        rf"(?:between\s+(?P<a>{number})\s+and\s+(?P<b>{number})"
        rf"|(?P<group>{_alternation(list(groups))})"
        rf"|(?P<vague>{_alternation(list(vague))})"
        rf"|(?P<n1>{number})(?:\s*(?:{joiner})\s*(?P<n2>{number}))?)"
        # not a count when glued to a unit: "three-week-old", "a 10-year sentence", "5%"
        rf"(?![\w%]|[.,]\d|[-‐][^\W\d])",
        re.IGNORECASE,
    )
    return NumberWords(units, multipliers, one_words, groups, vague, bounds, number, pattern)


def parse_number(phrase: str) -> int | None:
    """The value of one number phrase ("23", "1,200", "twenty-three", "a dozen", "3.5 million")."""
    words = number_words()
    text = phrase.strip().lower()
    match = re.fullmatch(r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*([a-z]*)", text)
    if match:
        value = float(match.group(1).replace(",", ""))
        if match.group(2):
            if match.group(2) not in words.multipliers:
                return None
            value *= words.multipliers[match.group(2)]
        return round(value)
    total = current = 0
    seen = False
    for token in re.split(r"[\s-]+", text):
        if token == "and":
            continue
        if token in words.units:
            current += words.units[token]
        elif token in words.one_words and not seen:
            current = 1
        elif token in words.multipliers:
            factor = words.multipliers[token]
            if factor >= 1000:
                total += max(current, 1) * factor
                current = 0
            else:
                current = max(current, 1) * factor
        else:
            return None
        seen = True
    return total + current if seen else None


def find_quantities(text: str) -> list[Quantity]:
    """Every count in `text`, left to right, with its bounds."""
    words = number_words()
    found: list[Quantity] = []
    for match in words.pattern.finditer(text):
        quantity = _quantity(match, words)
        if quantity is not None:
            found.append(quantity)
    return found


def _quantity(match: re.Match[str], words: NumberWords) -> Quantity | None:
    bound = words.bounds.get(re.sub(r"\s+", " ", match.group("bound") or "").lower())
    low = best = high = None
    vague = False
    if match.group("a"):
        low, high = parse_number(match.group("a")), parse_number(match.group("b"))
        best = low  # ACLED: the most conservative figure
    elif match.group("group"):
        best = words.groups[re.sub(r"\s+", " ", match.group("group").lower())]
    elif match.group("vague"):
        best = words.vague[re.sub(r"\s+", " ", match.group("vague").lower())]
        low, vague = best, True
    else:
        first = parse_number(match.group("n1"))
        second = parse_number(match.group("n2")) if match.group("n2") else None
        if first is None:
            return None
        if second is not None and second > first:
            low, best, high = first, first, second
        elif second is not None:
            return None  # "1957-58", "12-4": not a range of counts
        else:
            best = first
    if best is None and low is None and high is None:
        return None
    if bound == "lower":
        low = low if low is not None else best
    elif bound == "ceiling":
        high = high if high is not None else best
    elif bound == "below":
        high, best, low = best, None, None
    return Quantity(
        text=match.group(0),
        start=match.start(),
        end=match.end(),
        best=best,
        low=low,
        high=high,
        vague=vague,
    )
