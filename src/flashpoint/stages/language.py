"""Stage 3, language check: only English articles are coded; others are recorded as skipped.

py3langid (a pure-Python port of langid.py, model inside the wheel) gives the language. Short
texts are unreliable for any detector, so below a minimum of letters, and whenever common
English function words dominate, the text counts as English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

# Fewer letters than this and no detector is trustworthy: assume English.
MIN_LETTERS = 60
# Share of tokens that are English function words above which a text is English regardless.
ENGLISH_FUNCTION_SHARE = 0.18
# Detector probability needed before an article is skipped as non-English.
SKIP_PROBABILITY = 0.90
SAMPLE_CHARS = 3000

_ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "is",
        "that",
        "for",
        "on",
        "was",
        "with",
        "as",
        "by",
        "at",
        "from",
        "it",
        "be",
        "are",
        "were",
        "has",
        "have",
        "said",
        "this",
        "an",
        "not",
        "but",
        "which",
        "had",
        "its",
        "their",
        "they",
        "he",
        "she",
        "his",
        "her",
        "will",
        "would",
        "who",
    ]
)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class LanguageGuess:
    language: str
    probability: float

    @property
    def is_english(self) -> bool:
        return self.language == "en"


def detect_language(text: str) -> LanguageGuess:
    sample = text[:SAMPLE_CHARS]
    words = _WORD.findall(sample.lower())
    letters = sum(len(w) for w in words)
    latin = len("".join(words).encode("ascii", "ignore"))  # ASCII letters among them
    # Short texts are English unless written mostly in another script.
    if letters < MIN_LETTERS and latin >= letters / 2:
        return LanguageGuess("en", 0.0)
    if (
        sum(w in _ENGLISH_FUNCTION_WORDS for w in words) / max(1, len(words))
        >= ENGLISH_FUNCTION_SHARE
    ):
        return LanguageGuess("en", 1.0)
    language, probability = _identifier().classify(sample)
    mostly_latin = latin >= letters / 2
    if language != "en" and probability < SKIP_PROBABILITY and mostly_latin:
        return LanguageGuess("en", 1.0 - float(probability))
    return LanguageGuess(str(language), float(probability))


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
