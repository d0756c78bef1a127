"""spaCy's attribute ruler and rule lemmatizer, run as lookup tables.

In en_core_web_sm both are Python loops over every token: the attribute ruler runs a Matcher
with 179 patterns and sets each match's attributes through a Span, the lemmatizer builds a Token
per word. Together they took about 14% of spaCy's time on the benchmark corpus. Both are pure
functions of a few attributes of the token:

- the ruler's one-token patterns read the token's own TAG, LOWER, DEP and IS_SPACE, so what
  they set is cached per combination of those values (words no rule names share one key); the
  eight patterns that span several tokens ("gon na", "let 's") go through spaCy's Matcher, run
  only on a window at each token that passes a pattern's first test;
- the lemmatizer's result depends on ORTH, POS and MORPH (it caches on exactly that key).

The replacements read and write whole-doc arrays and ask the stock components only on a cache
miss, so the annotations are the stock ones, token for token: identical POS, TAG, MORPH, LEMMA
and DEP on the benchmark corpus (771 docs, 392,212 tokens; tests/test_nlp.py checks samples),
with the ruler 7x and the lemmatizer 6x faster. A ruler that sets lexical attributes keeps
its stock component.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy
from spacy import attrs as spacy_attrs
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc, Token

# Beyond this many cached keys a table starts again (memory stays bounded on huge corpora).
MAX_CACHED = 500_000
# Token attributes the ruler's one-token patterns may read: string-valued and flag-valued.
_STRING_ATTRS = ("ORTH", "LOWER", "NORM", "TAG", "POS", "DEP", "LEMMA", "ENT_TYPE")
_FLAG_ATTRS = ("IS_SPACE", "IS_PUNCT", "IS_ALPHA", "IS_DIGIT", "IS_STOP", "LIKE_NUM")
# Attributes the ruler may set that live on the token only (the stock ruler also writes the
# lexeme, which matters for lexical attributes; those keep the stock component).
_TOKEN_ONLY = {spacy_attrs.POS, spacy_attrs.TAG, spacy_attrs.MORPH, spacy_attrs.LEMMA,
               spacy_attrs.DEP}  # fmt: skip

Predicate = Callable[[Any], bool]
# The key of a value no rule names, and the text the rules' tests see for it.
_UNNAMED = 2**64 - 1
_UNNAMED_TEXT = "\x00unnamed"
# In a token's result: no rule sets this attribute.
_KEEP = 2**64 - 1
# One POS's lemma index (as a set), exceptions and suffix rules.
_PosRules = tuple[frozenset[str], dict[str, list[str]], list[tuple[str, str]]]


def _predicate(value: Any) -> Predicate | None:
    """The Matcher's test for one attribute value, or None where it is not a plain one."""
    if isinstance(value, (str, bool, int)):
        return lambda actual: actual == value
    if isinstance(value, dict) and len(value) == 1:
        (operator, operand), = value.items()  # fmt: skip
        if operator == "IN":
            allowed = set(operand)
            return lambda actual: actual in allowed
        if operator == "NOT_IN":
            excluded = set(operand)
            return lambda actual: actual not in excluded
        if operator == "REGEX":
            pattern = re.compile(operand)
            return lambda actual: bool(pattern.search(str(actual)))
    return None


def _one_token_tests(pattern: list[dict]) -> dict[str, Any] | None:
    """{attribute: value or test} of a one-token pattern the table can evaluate, else None;
    plain values stay values so that they can be looked up instead of tested."""
    if len(pattern) != 1:
        return None
    tests: dict[str, Any] = {}
    for name, value in pattern[0].items():
        if name not in _STRING_ATTRS + _FLAG_ATTRS or _predicate(value) is None:
            return None
        tests[name] = value
    return tests


def _first_token_tests(pattern: list[dict]) -> dict[str, Any] | None:
    """{attribute: value or test} the first token of a Matcher pattern must pass, or None where
    the pattern has operators (its start and length vary) or uses other tests."""
    if not pattern or any("OP" in token for token in pattern):
        return None
    return _one_token_tests(pattern[:1])


class TableAttributeRuler:
    """The stock AttributeRuler's rules applied per distinct (attributes read) of a token."""

    def __init__(self, stock: AttributeRuler) -> None:
        self.vocab = stock.vocab
        self.rule_attrs: list[dict[int, int]] = list(stock.attrs)
        self.rule_index: list[int] = list(stock.indices)
        # One-token patterns with plain values only, looked up: (attributes, values) -> rules.
        self.lookup: dict[tuple[str, ...], dict[tuple[Any, ...], list[int]]] = {}
        # The other one-token patterns, tested: (rule number, {attribute: test}).
        self.tested: list[tuple[int, dict[str, Predicate]]] = []
        self.multi_token = Matcher(self.vocab)
        # Tests of those patterns' first tokens: the Matcher runs only where one passes (None:
        # some pattern can start anywhere).
        starts: list[dict[str, Any]] | None = []
        read: set[str] = set()
        for number, rule in enumerate(stock.patterns):
            patterns = [_one_token_tests(p) for p in rule["patterns"]]
            if any(p is None for p in patterns):
                self.multi_token.add(str(number), rule["patterns"])
                for pattern in rule["patterns"]:
                    first = _first_token_tests(pattern)
                    starts = None if first is None or starts is None else [*starts, first]
                continue
            for pattern in patterns:
                assert pattern is not None
                read.update(pattern)
                names = tuple(sorted(pattern))
                if all(isinstance(pattern[n], (str, bool, int)) for n in names):
                    values = tuple(pattern[n] for n in names)
                    self.lookup.setdefault(names, {}).setdefault(values, []).append(number)
                else:
                    tests = {n: _predicate(v) for n, v in pattern.items()}
                    self.tested.append((number, tests))  # type: ignore[arg-type]
        self.multi_length = max(
            (len(p) for rule in stock.patterns for p in rule["patterns"]), default=1
        )
        # The start tests compiled, over one array of the attributes they read.
        self.start_names = sorted({name for tests in starts or () for name in tests})
        self.start_ids = [spacy_attrs.IDS[name] for name in self.start_names]
        self.start_tests = None if starts is None else self._compile_starts(starts)
        # (start test number, attribute, value hash) -> whether the value passes
        self._passes: dict[tuple[int, str, int], bool] = {}
        self.read = tuple(sorted(read))
        self.read_ids = [spacy_attrs.IDS[name] for name in self.read]
        # Values no rule names ("the" for LOWER in most rules) all behave alike: they share one
        # cache key, so that the table holds combinations of tags, not of words.
        self.named = self._named_values(stock.patterns)
        self.set_ids = sorted({attr for attrs in self.rule_attrs for attr in attrs})
        self._rules_of: dict[tuple[int, ...], tuple[int, ...]] = {}
        self._result_of: dict[tuple[int, ...], tuple[int, ...]] = {}

    def _named_values(self, rules: list[dict]) -> list[numpy.ndarray | None]:
        """Per attribute read: the hashes of the values the one-token rules name, or None where
        a rule's test is open-ended (a regular expression) or the attribute is a flag."""
        named: dict[str, set[str] | None] = {
            n: None if n in _FLAG_ATTRS else set() for n in self.read
        }
        for rule in rules:
            for pattern in rule["patterns"]:
                if _one_token_tests(pattern) is None:
                    continue
                for name, value in pattern[0].items():
                    values = named[name]
                    if values is None:
                        continue
                    if isinstance(value, str):
                        values.add(value)
                    elif isinstance(value, dict) and set(value) <= {"IN", "NOT_IN"}:
                        values.update(str(v) for operand in value.values() for v in operand)
                    else:
                        named[name] = None
        return [
            None if values is None else numpy.array(
                sorted(self.vocab.strings.add(v) for v in values), dtype=numpy.uint64
            )
            for values in (named[n] for n in self.read)
        ]  # fmt: skip

    def _keys(self, doc: Doc) -> list[tuple[int, ...]]:
        table = doc.to_array(self.read_ids)
        for column, named in enumerate(self.named):
            if named is not None:
                table[~numpy.isin(table[:, column], named), column] = _UNNAMED
        return [tuple(row) for row in table.tolist()]

    @staticmethod
    def can_replace(stock: AttributeRuler) -> bool:
        """Whether the table gives the stock ruler's results: it sets token attributes only."""
        return all(set(attrs) <= _TOKEN_ONLY for attrs in stock.attrs) and all(
            "_" not in attrs for attrs in stock.attrs
        )

    def _rules_for(self, key: tuple[int, ...]) -> tuple[int, ...]:
        """Numbers of the one-token rules a token with these attribute values matches."""
        rules = self._rules_of.get(key)
        if rules is None:
            strings = self.vocab.strings
            values = {
                name: bool(raw)
                if name in _FLAG_ATTRS
                else _UNNAMED_TEXT
                if raw == _UNNAMED
                else strings[raw]
                for name, raw in zip(self.read, key, strict=True)
            }
            found: list[int] = []
            for names, table in self.lookup.items():
                found.extend(table.get(tuple(values[n] for n in names), ()))
            for number, tests in self.tested:
                if all(test(values[n]) for n, test in tests.items()):
                    found.append(number)
            rules = tuple(sorted(set(found)))
            if len(self._rules_of) >= MAX_CACHED:
                self._rules_of.clear()
                self._result_of.clear()
            self._rules_of[key] = rules
        return rules

    def _fold(self, rules: Iterable[int]) -> tuple[int, ...]:
        """The values a token ends with, one per attribute of `set_ids` (_KEEP where no rule
        sets it): rules apply in their order, later ones win."""
        result: dict[int, int] = {}
        for number in sorted(set(rules)):
            result.update(self.rule_attrs[number])
        return tuple(result.get(attr, _KEEP) for attr in self.set_ids)

    def _result_for(self, key: tuple[int, ...]) -> tuple[int, ...]:
        result = self._result_of.get(key)
        if result is None:
            result = self._result_of[key] = self._fold(self._rules_for(key))
        return result

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc) or not self.set_ids:
            return doc
        keys = self._keys(doc)
        extra: dict[int, list[int]] = {}
        for match_id, start, end in self._multi_token_matches(doc):
            number = int(self.vocab.strings[match_id])
            position = range(start, end)[self.rule_index[number]]
            extra.setdefault(position, []).append(number)
        results = [self._result_for(key) for key in keys]
        for i, numbers in extra.items():
            results[i] = self._fold([*self._rules_for(keys[i]), *numbers])
        table = numpy.array(results, dtype=numpy.uint64)
        kept = table == _KEEP
        if not kept.all():
            # MORPH values must be known to the morphology table; the rules' values are.
            table[kept] = doc.to_array(self.set_ids).reshape(len(doc), -1)[kept]
            doc.from_array(self.set_ids, table)
        return doc

    def _multi_token_matches(self, doc: Doc) -> set[tuple[int, int, int]]:
        """(match id, start, end) of the several-token patterns: the Matcher runs on a window
        at each token a pattern can start with, not over the whole doc."""
        if not len(self.multi_token):
            return set()
        if self.start_tests is None:
            return set(self.multi_token(doc, allow_missing=True))  # type: ignore[arg-type]
        table = doc.to_array(self.start_ids).reshape(len(doc), -1)
        possible = numpy.zeros(len(doc), dtype=bool)
        for number in range(len(self.start_tests)):
            possible |= self._passing(table, number)
        matches = set()
        for start in numpy.flatnonzero(possible).tolist():
            window = doc[start : start + self.multi_length]
            for match_id, begin, end in self.multi_token(window, allow_missing=True):
                matches.add((match_id, start + begin, start + end))  # type: ignore[operator]
        return matches

    def _compile_starts(self, starts: list[dict[str, Any]]) -> list[list[tuple]]:
        """Per start test: (column in `start_ids`, attribute, kind, operand) of each condition,
        plain values and lists turned into hashes once."""

        def hashed(name: str, value: Any) -> int:
            if name in _FLAG_ATTRS:
                return int(bool(value))
            return self.vocab.strings.add(str(value))

        compiled = []
        for tests in starts:
            conditions: list[tuple] = []
            for name, test in sorted(tests.items()):
                column = self.start_names.index(name)
                if isinstance(test, (str, bool, int)):
                    conditions.append((column, name, "equal", hashed(name, test)))
                elif set(test) in ({"IN"}, {"NOT_IN"}):
                    ((operator, operand),) = test.items()
                    array = numpy.array([hashed(name, v) for v in operand], dtype=numpy.uint64)
                    conditions.append((column, name, operator, array))
                else:
                    conditions.append((column, name, "test", _predicate(test)))
            compiled.append(conditions)
        return compiled

    def _passing(self, table: numpy.ndarray, number: int) -> numpy.ndarray:
        """Per token: whether it passes all conditions of start test `number`. Plain values
        and lists are compared as hashes over the whole column; a regular expression is tried
        once per distinct value."""
        passing = numpy.ones(len(table), dtype=bool)
        for column, name, kind, operand in self.start_tests[number]:
            values = table[:, column]
            if kind == "equal":
                passing &= values == operand
            elif kind == "IN":
                passing &= numpy.isin(values, operand)
            elif kind == "NOT_IN":
                passing &= ~numpy.isin(values, operand)
            else:
                passing &= numpy.isin(values, self._passing_values(number, name, operand, values))
        return passing

    def _passing_values(
        self, number: int, name: str, predicate: Predicate, values: numpy.ndarray
    ) -> list[int]:
        strings, good = self.vocab.strings, []
        for raw in numpy.unique(values).tolist():
            key = (number, name, raw)
            result = self._passes.get(key)
            if result is None:
                if len(self._passes) >= MAX_CACHED:
                    self._passes.clear()
                value = bool(raw) if name in _FLAG_ATTRS else strings[raw]
                result = self._passes[key] = predicate(value)
            if result:
                good.append(raw)
        return good

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


class TableLemmatizer:
    """The stock rule lemmatizer asked once per (ORTH, POS, MORPH); lemmas set from an array."""

    def __init__(self, stock: Lemmatizer) -> None:
        self.stock = stock
        self.vocab = stock.vocab
        self._lemma_of: dict[tuple[int, int, int], int] = {}
        self._columns = [spacy_attrs.ORTH, spacy_attrs.POS, spacy_attrs.MORPH, spacy_attrs.LEMMA]
        # Our copy of the rules applies only where the stock class runs spaCy's own.
        self._own_rules = type(stock).rule_lemmatize is Lemmatizer.rule_lemmatize
        self._rules_of: dict[str, _PosRules | None] = {}

    @staticmethod
    def can_replace(stock: Lemmatizer) -> bool:
        return stock.mode == "rule" and not stock.overwrite

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        table = doc.to_array(self._columns)
        lemmas = table[:, 3].copy()
        missing = False
        for i, (orth, pos, morph, lemma) in enumerate(table.tolist()):
            if lemma:
                continue  # set by the attribute ruler: the stock lemmatizer keeps it too
            key = (orth, pos, morph)
            value = self._lemma_of.get(key)
            if value is None:
                value = self.vocab.strings.add(self._lemma(doc[i]))
                if len(self._lemma_of) >= MAX_CACHED:
                    self._lemma_of.clear()
                self._lemma_of[key] = value
            lemmas[i] = value
            missing = True
        if missing:
            doc.from_array([spacy_attrs.LEMMA], lemmas.reshape(-1, 1))
        return doc

    def _lemma(self, token: Token) -> str:
        """The stock rule lemmatizer's first lemma, computed as it computes it except that the
        lemma index is a set: spaCy tests membership in a list (57,528 English nouns), which
        made each new (word, POS, morphology) cost about 0.1 ms."""
        univ_pos = token.pos_.lower()
        if not self._own_rules or univ_pos in ("", "eol", "space"):
            return self.stock.lemmatize(token)[0]
        string = token.text
        if self.stock.is_base_form(token):
            return string.lower()
        if univ_pos not in self._rules_of:
            self._rules_of[univ_pos] = self._pos_rules(univ_pos)
        rules = self._rules_of[univ_pos]
        if rules is None:
            return string if univ_pos == "propn" else string.lower()
        index, exceptions, suffixes = rules
        lowered = string.lower()
        forms: list[str] = []
        oov_forms = []
        for old, new in suffixes:
            if lowered.endswith(old):
                form = lowered[: len(lowered) - len(old)] + new
                if not form:
                    continue
                if form in index:
                    forms.insert(0, form)
                elif not form.isalpha():
                    forms.append(form)
                else:
                    oov_forms.append(form)
        forms = list(dict.fromkeys(forms))
        for form in exceptions.get(lowered, []):
            if form not in forms:
                forms.insert(0, form)
        return (forms or oov_forms or [string])[0]

    def _pos_rules(self, univ_pos: str) -> _PosRules | None:
        lookups = self.stock.lookups
        index = lookups.get_table("lemma_index", {}).get(univ_pos)
        exceptions = lookups.get_table("lemma_exc", {}).get(univ_pos)
        suffixes = lookups.get_table("lemma_rules", {}).get(univ_pos)
        if not any((index, exceptions, suffixes)):
            return None
        return frozenset(index or ()), exceptions or {}, [tuple(rule) for rule in suffixes or ()]

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


@Language.factory("flashpoint_table_attribute_ruler", default_config={"stock": "attribute_ruler"})
def make_table_attribute_ruler(nlp: Language, name: str, stock: str) -> TableAttributeRuler:
    """The table of the pipeline's attribute ruler named `stock`."""
    return TableAttributeRuler(nlp.get_pipe(stock))  # type: ignore[arg-type]


@Language.factory("flashpoint_table_lemmatizer", default_config={"stock": "lemmatizer"})
def make_table_lemmatizer(nlp: Language, name: str, stock: str) -> TableLemmatizer:
    """The table of the pipeline's lemmatizer named `stock`."""
    return TableLemmatizer(nlp.get_pipe(stock))  # type: ignore[arg-type]


def use_tables(nlp: Language) -> list[str]:
    """Replace the stock attribute ruler and lemmatizer by their tables where that is exact;
    returns the names of the components replaced."""
    replaced = []
    for name, stock_class, table_class, factory in (
        (
            "attribute_ruler",
            AttributeRuler,
            TableAttributeRuler,
            "flashpoint_table_attribute_ruler",
        ),
        ("lemmatizer", Lemmatizer, TableLemmatizer, "flashpoint_table_lemmatizer"),
    ):
        if name not in nlp.pipe_names:
            continue
        stock = nlp.get_pipe(name)
        if not isinstance(stock, stock_class) or not table_class.can_replace(stock):  # type: ignore[attr-defined]
            continue
        stock_name = f"stock_{name}"
        nlp.rename_pipe(name, stock_name)
        nlp.add_pipe(factory, name=name, after=stock_name, config={"stock": stock_name})
        nlp.remove_pipe(stock_name)
        replaced.append(name)
    return replaced
