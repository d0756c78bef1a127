"""Full-text queries: bounds on what one may cost (checked before SQLite sees it), and the
snippet of a matching text.

SQLite's FTS5 expands every prefix term (`a*`) to every indexed word it begins, and merges
their position lists; a query of many short prefixes (80 `a*` terms) took from 20 s to over a
minute on a few hundred articles, holding a server worker all that time. So a query may hold
at most MAX_TERMS words and MAX_PREFIXES prefix terms, and a prefix needs MIN_PREFIX
characters before its `*`. What still runs long is stopped by the time budget of the request
(see api.deps.get_store).

Snippets are cut here, not by FTS5's snippet(): that scores every window of the text against
every instance of every phrase, and took from 0.15 s (one frequent word) to 10 s (eight) per
long article, in one step SQLite cannot interrupt. Here the first match is found with one
regular expression and the words around it are taken: linear in the text, and usually far less.
"""

from __future__ import annotations

import re

MAX_TERMS = 16
MAX_PREFIXES = 4
MIN_PREFIX = 3

# FTS5's syntax: "quoted strings" ("" inside is a quote), barewords of letters, digits, _ and
# any non-ASCII character, and the operators AND OR NOT NEAR ( ) * ^ + : { } -.
_TOKEN = re.compile(r'"(?:[^"]|"")*"?|[\w\x80-\U0010ffff]+|\S')
_WORD = re.compile(r"[\w\x80-\U0010ffff]+")
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})


def query_terms(query: str) -> list[tuple[list[str], bool]]:
    """The phrases of an FTS5 query as (words, is_prefix); operators and column names left out."""
    tokens = _TOKEN.findall(query)
    phrases: list[tuple[list[str], bool]] = []
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token.startswith('"'):
            words = _WORD.findall(token.strip('"').replace('""', '"'))
        elif _WORD.fullmatch(token) and token not in _OPERATORS and following != ":":
            words = [token]
        else:
            continue
        phrases.append((words, following == "*"))
    return phrases


def full_text_problem(query: str) -> str | None:
    """Why `query` may cost too much to run, or None. Syntax errors are left to SQLite."""
    phrases = query_terms(query)
    terms = sum(len(words) for words, _ in phrases)
    prefixes = [words for words, prefix in phrases if prefix]
    short = [(words[-1] if words else "") + "*" for words in prefixes]
    short = [term for term in short if len(term) - 1 < MIN_PREFIX]
    if terms > MAX_TERMS:
        return f"too many terms ({terms}; at most {MAX_TERMS})"
    if short:
        return (
            f"a prefix term needs at least {MIN_PREFIX} characters before its * ("
            + ", ".join(dict.fromkeys(short[:5]))
            + ")"
        )
    if len(prefixes) > MAX_PREFIXES:
        return f"too many prefix terms ({len(prefixes)}; at most {MAX_PREFIXES})"
    return None


SNIPPET_WORDS = 24
_SNIPPET_REACH = 400  # characters searched for words around the match, each side


def snippet(text: str, query: str, words: int = SNIPPET_WORDS) -> str | None:
    """About `words` words of `text` around the first phrase the query names, each such phrase
    in [brackets], with ' … ' where text is left out (as FTS5's snippet() marks them); None if
    none is found (a query of only NOT terms, or words the tokenizer folds differently)."""
    alternatives = {
        r"\W+".join(re.escape(word) for word in phrase) + (r"\w*" if prefix else "")
        for phrase, prefix in query_terms(query)
        if phrase
    }
    if not alternatives:
        return None
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(sorted(alternatives, key=len, reverse=True)) + r")(?!\w)",
        re.IGNORECASE,
    )
    first = pattern.search(text)
    if first is None:
        return None
    low = max(0, first.start() - _SNIPPET_REACH)
    high = min(len(text), first.end() + _SNIPPET_REACH)
    before = [m.start() for m in _WORD.finditer(text, low, first.start())]
    after = [m.end() for m in _WORD.finditer(text, first.end(), high)]
    lead = min(len(before), max(words // 4, words - 1 - len(after)))
    start = before[-lead] if lead else first.start()
    tail = min(len(after), words - 1 - lead)
    end = after[tail - 1] if tail else first.end()
    window = pattern.sub(lambda m: f"[{m.group(0)}]", text[start:end])
    return ("" if start == 0 else " … ") + window + ("" if end == len(text) else " … ")
