"""The event lexicon: which words express which PLOVER event, as data.

`data/event_rules.yaml` holds hand-written rules for verbs, nouns and adjectives, with
conditions on the words around them (object, modifier, preposition, clause, complement), the
word classes the event stage needs (reporting verbs, light verbs, ...), and the tables that
fold auxiliary modes and governed events into types. (The Phoenix CAMEO verb dictionary was
tried as a fallback and lowered F1 on every gold set; see docs/events.md.)

The event stage asks one question: which rule fires for this word, given the lemmas around it?
Users extend the lexicon with `--rules FILE.yaml` in the same format; their rules come first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from flashpoint.errors import DataError
from flashpoint.resources import load_yaml, read_yaml

NO_EVENT = "NONE"
RULE_KEYS = frozenset(
    {"event", "mode", "context", "object", "modifier", "prep", "near", "not_near", "complement"}
    | {"complement_tense", "predicate", "purpose", "transitive", "governs", "defer", "alleged"}
    | {"confidence"}
)


@dataclass(frozen=True)
class TypeInfo:
    quad: int
    score: float
    cameo_roots: tuple[str, ...]
    modes: dict[str, float]

    def scale(self, mode: str | None) -> float:
        return self.modes.get(mode, self.score) if mode else self.score


@dataclass(frozen=True)
class Rule:
    """One way a word expresses an event (or explicitly none: event == NO_EVENT)."""

    event: str
    mode: str | None = None
    context: tuple[str, ...] = ()
    # Conditions: every non-empty one must hold.
    object: frozenset[str] = frozenset()  # lemma among the word's objects / complements
    modifier: frozenset[str] = frozenset()  # lemma among its modifiers (compound, amod, ...)
    prep: frozenset[str] = frozenset()  # a preposition attached to it
    near: frozenset[str] = frozenset()  # lemma anywhere in its clause
    not_near: frozenset[str] = frozenset()  # ... and none of these
    transitive: bool = False  # fires only with a direct object
    complement: frozenset[str] = frozenset()  # lemma in its clausal complement ("warned X would")
    # tense of that complement: past, present, progressive, future ("warned X had attacked")
    complement_tense: frozenset[str] = frozenset()
    # lemma in what it calls its object ("called the raid 'a war crime'", "described it as")
    predicate: frozenset[str] = frozenset()
    # lemma in what it is done for ("gathered ... demanding their release", "marched to demand")
    purpose: frozenset[str] = frozenset()
    governs: bool = False  # takes the event of its complement as its mode ("threaten to X")
    defer: bool = False  # a command: the commanded event is coded, the commander its actor
    # a wrong only someone can allege ("war crimes were committed"): the speaker accuses the
    # doer (ACCUSE); never coded without a speaker
    alleged: bool = False
    origin: str = "rules"
    confidence: float = 0.8

    @property
    def conditional(self) -> bool:
        return bool(self.object or self.modifier or self.prep or self.near or self.not_near)


Words = frozenset[str]


class Context:
    """The lemmas around a candidate word that rule conditions look at. The clause and the
    complement may be given as functions: they are read only if a rule asks for them."""

    __slots__ = (
        "_clause",
        "_complement",
        "_complement_tense",
        "_predicate",
        "_purpose",
        "has_object",
        "modifiers",
        "objects",
        "preps",
    )

    def __init__(
        self,
        objects: Words = frozenset(),
        modifiers: Words = frozenset(),
        preps: Words = frozenset(),
        clause: Words | Callable[[], Words] = frozenset(),
        complement: Words | Callable[[], Words] = frozenset(),
        has_object: bool = False,
        complement_tense: Words | Callable[[], Words] = frozenset(),
        predicate: Words | Callable[[], Words] = frozenset(),
        purpose: Words | Callable[[], Words] = frozenset(),
    ) -> None:
        self.objects, self.modifiers, self.preps = objects, modifiers, preps
        self._clause, self._complement = clause, complement
        self._complement_tense = complement_tense
        self._predicate, self._purpose = predicate, purpose
        self.has_object = has_object

    @property
    def clause(self) -> Words:
        if callable(self._clause):
            self._clause = self._clause()
        return self._clause

    @property
    def complement(self) -> Words:
        if callable(self._complement):
            self._complement = self._complement()
        return self._complement

    @property
    def complement_tense(self) -> Words:
        if callable(self._complement_tense):
            self._complement_tense = self._complement_tense()
        return self._complement_tense

    @property
    def predicate(self) -> Words:
        if callable(self._predicate):
            self._predicate = self._predicate()
        return self._predicate

    @property
    def purpose(self) -> Words:
        if callable(self._purpose):
            self._purpose = self._purpose()
        return self._purpose


@dataclass
class Lexicon:
    types: dict[str, TypeInfo]
    verbs: dict[str, list[Rule]]
    nouns: dict[str, list[Rule]]
    adjectives: dict[str, list[Rule]]
    word_classes: dict[str, frozenset[str]]
    govern_modes: dict[str, dict[str, str]]
    govern_types: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    type_by_flag: dict[str, dict[str, str]] = field(default_factory=dict)
    legacy_types: dict[str, str] = field(default_factory=dict)
    legacy_modes: dict[str, str] = field(default_factory=dict)

    def words(self, name: str) -> frozenset[str]:
        return self.word_classes.get(name, frozenset())

    def is_trigger_noun(self, lemma: str) -> bool:
        return lemma in self.nouns

    def match_verb(self, lemma: str, context: Context) -> Rule | None:
        return _first_match(self.verbs.get(lemma, ()), context)

    def match_noun(self, lemma: str, context: Context) -> Rule | None:
        return _first_match(self.nouns.get(lemma, ()), context)

    def match_adjective(self, lemma: str, context: Context) -> Rule | None:
        return _first_match(self.adjectives.get(lemma, ()), context)

    def type_when_governing(self, event: str, governed_event: str, governed_is_noun: bool) -> str:
        """Type of a governing event ("called for sanctions against X" -> ACCUSE; "prepared to
        impose martial law" -> THREATEN)."""
        tables = self.govern_types.get(event, {})
        for scope in ("nouns", "any") if governed_is_noun else ("any",):
            if governed_event in tables.get(scope, {}):
                return tables[scope][governed_event]
        return event

    def type_when_flagged(self, flag: str, event: str, mode: str | None = None) -> str:
        """Type of an event said as promised, future-conflictual or refused (an entry for
        "EVENT mode" comes before one for the event)."""
        table = self.type_by_flag.get(flag, {})
        return table.get(f"{event} {mode}") or table.get(event, event)

    def mode_when_governing(
        self, event: str, governed_event: str, governed_mode: str | None
    ) -> str | None:
        """Mode of a governing event ("threaten to attack" -> THREATEN violence)."""
        table = self.govern_modes.get(event, {})
        return table.get(f"{governed_event} {governed_mode}") or table.get(governed_event)


def _first_match(rules: Iterable[Rule], context: Context) -> Rule | None:
    for rule in rules:
        if rule.object and not (rule.object & context.objects):
            continue
        if rule.transitive and not context.has_object:
            continue
        if rule.complement and not (rule.complement & context.complement):
            continue
        if rule.complement_tense and not (rule.complement_tense & context.complement_tense):
            continue
        if rule.predicate and not (rule.predicate & context.predicate):
            continue
        if rule.purpose and not (rule.purpose & context.purpose):
            continue
        if rule.modifier and not (rule.modifier & context.modifiers):
            continue
        if rule.prep and not (rule.prep & context.preps):
            continue
        if rule.near and not (rule.near & context.clause):
            continue
        if rule.not_near and (rule.not_near & (context.clause | context.objects)):
            continue
        return rule
    return None


def load_lexicon(extra_rules: Iterable[Path] = ()) -> Lexicon:
    """The shipped lexicon, with the user's rule files (tried first) when given."""
    extra = tuple(Path(p) for p in extra_rules)
    return _load(extra)


@cache
def _load(extra: tuple[Path, ...]) -> Lexicon:
    plover = load_yaml("plover.yaml")
    types = {
        name: TypeInfo(
            quad=int(v["quad"]),
            score=float(v["score"]),
            cameo_roots=tuple(v["cameo_roots"]),
            modes={str(k): float(s) for k, s in (v.get("modes") or {}).items()},
        )
        for name, v in plover["types"].items()
    }
    rules_data = [read_yaml(path) for path in extra] + [load_yaml("event_rules.yaml")]
    verbs: dict[str, list[Rule]] = {}
    nouns: dict[str, list[Rule]] = {}
    adjectives: dict[str, list[Rule]] = {}
    govern_types: dict[str, dict[str, dict[str, str]]] = {}
    type_by_flag: dict[str, dict[str, str]] = {}
    word_classes: dict[str, set[str]] = {}
    govern_modes: dict[str, dict[str, str]] = {}
    for index, data in enumerate(rules_data):
        where = str(extra[index]) if index < len(extra) else "event_rules.yaml"
        if not isinstance(data, dict):
            raise DataError(f"{where}: expected a mapping with 'verbs' and/or 'nouns'")
        for lemma, spec in (data.get("verbs") or {}).items():
            verbs.setdefault(str(lemma), []).extend(
                _parse_rules(spec, types, f"{where}: verbs.{lemma}")
            )
        for lemma, spec in (data.get("nouns") or {}).items():
            nouns.setdefault(str(lemma), []).extend(
                _parse_rules(spec, types, f"{where}: nouns.{lemma}")
            )
        for lemma, spec in (data.get("adjectives") or {}).items():
            rules = _parse_rules(spec, types, f"{where}: adjectives.{lemma}")
            adjectives.setdefault(str(lemma), []).extend(rules)
        for event, scopes in (data.get("govern_types") or {}).items():
            for scope, table in scopes.items():
                if scope not in ("nouns", "any"):
                    raise DataError(f"{where}: govern_types.{event}: scope must be nouns or any")
                target = govern_types.setdefault(event, {}).setdefault(scope, {})
                target.update({str(k): str(v) for k, v in table.items()})
        for flag, table in (data.get("type_by_flag") or {}).items():
            for new_type, old_types in table.items():
                for old in old_types:
                    type_by_flag.setdefault(flag, {})[str(old)] = str(new_type)
        for name, members in (data.get("word_classes") or {}).items():
            word_classes.setdefault(name, set()).update(str(m) for m in members)
        for event, table in (data.get("govern_modes") or {}).items():
            govern_modes.setdefault(event, {}).update({str(k): str(v) for k, v in table.items()})
    lexicon = Lexicon(
        types=types,
        verbs=verbs,
        nouns=nouns,
        adjectives=adjectives,
        govern_types=govern_types,
        type_by_flag=type_by_flag,
        word_classes={k: frozenset(v) for k, v in word_classes.items()},
        govern_modes=govern_modes,
        legacy_types=dict(plover.get("legacy_types") or {}),
        legacy_modes=dict(plover.get("legacy_modes") or {}),
    )
    return lexicon


def _parse_rules(spec: object, types: dict[str, TypeInfo], where: str) -> list[Rule]:
    """A rule is "EVENT [mode]" or a mapping; a word may have a list of rules."""
    specs = spec if isinstance(spec, list) else [spec]
    rules = []
    for item in specs:
        if isinstance(item, str):
            item = dict(zip(("event", "mode"), item.split(), strict=False))
        if not isinstance(item, dict) or "event" not in item:
            raise DataError(f"{where}: a rule needs an 'event' (got {item!r})")
        event = str(item["event"])
        mode = item.get("mode")
        if event != NO_EVENT:
            if event not in types:
                raise DataError(f"{where}: unknown event type {event!r}")
            if mode is not None and mode not in types[event].modes:
                raise DataError(f"{where}: {event} has no mode {mode!r}")
        unknown = set(item) - RULE_KEYS
        if unknown:
            raise DataError(f"{where}: unknown rule keys {sorted(unknown)}")
        rules.append(
            Rule(
                event=event,
                mode=mode,
                context=tuple(_as_list(item.get("context"))),
                object=frozenset(_as_list(item.get("object"))),
                modifier=frozenset(_as_list(item.get("modifier"))),
                prep=frozenset(_as_list(item.get("prep"))),
                near=frozenset(_as_list(item.get("near"))),
                not_near=frozenset(_as_list(item.get("not_near"))),
                transitive=bool(item.get("transitive", False)),
                complement=frozenset(_as_list(item.get("complement"))),
                complement_tense=frozenset(_as_list(item.get("complement_tense"))),
                predicate=frozenset(_as_list(item.get("predicate"))),
                purpose=frozenset(_as_list(item.get("purpose"))),
                governs=bool(item.get("governs", False)),
                defer=bool(item.get("defer", False)),
                alleged=bool(item.get("alleged", False)),
                confidence=float(item.get("confidence", 0.8)),
            )
        )
    return rules


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]  # type: ignore[union-attr]
