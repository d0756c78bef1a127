"""The actor dictionary and the resolution of one phrase ("Iraqi Prime Minister X", "a
spokesperson for the Nujaba Movement", "Kyiv police") to a country/entity code and a sector.

Data, in resolution order (later files override earlier ones entry by entry):
- `data/actors_phoenix.tsv`, `data/agents.tsv`: built from the Phoenix and NGEC dictionaries
  by `scripts/build_actor_dictionary.py` (countries and places, institutions, office holders to
  2014, IGOs/NGOs, armed groups; sector nouns);
- `data/actors_curated.yaml`: hand-curated, up-to-date entries (format in docs/actors.md);
- the user's `--actors FILE.yaml` files, same format.

A phrase is read as a head (the part before its first preposition) and prepositional
attachments. Named entities (longest alias match, case-sensitive for acronyms) are found
anywhere; the head noun decides what the phrase is: a named entity ("the Nujaba Movement"), a
person ("President Joe Biden"), or a sector noun ("officials", "police", "spokesperson") owned
by a country or an organisation ("Iraqi officials" -> IRQ GOV; "a spokesperson for Hamas" ->
Hamas's code and sector). Titles with a country and a date give the office holder ("the
French president" on 2022-03-01 -> Emmanuel Macron). Nothing here needs spaCy, so the same
code serves `flashpoint actor`, the evaluator and the pipeline.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from flashpoint.errors import DataError
from flashpoint.model import is_country_code
from flashpoint.resources import data_path, read_yaml

PHOENIX_FILE = "actors_phoenix.tsv"
AGENTS_FILE = "agents.tsv"
CURATED_FILE = "actors_curated.yaml"
# More hand-curated files in the same format, loaded after it at the same rank: office holders
# of every UN member state, universities, companies and news agencies.
CURATED_MORE = ("office_holders.yaml", "organisations.yaml")

# Source ranks: a lower rank wins when two entries share an alias.
RANK_USER, RANK_CURATED, RANK_PHOENIX = 0, 1, 2
PLACE_ENTRY_KINDS = frozenset({"country", "capital", "place"})
KINDS = {"country", "capital", "place", "person", "group", "org", "igo", "body", "pre"}
SECTORS = {
    "COP", "GOV", "JUD", "LEG", "MIL", "PRM", "PTY", "REB", "SPY", "UAF", "UNK", "AGR", "BUS",
    "CRM", "CVL", "EDU", "ELI", "JRN", "LAB", "MED", "REF", "OPP", "PRE", "REL", "SOC",
}  # fmt: skip
# Sectors of people who hold office: when the office ends they become former officials (ELI).
OFFICE_SECTORS = {"GOV", "MIL", "LEG", "JUD", "SPY", "COP"}
# Nouns a definite description may use to refer back to an entity of each kind.
KIND_NOUNS = {
    "group": {"group", "movement", "militia", "organization", "organisation", "faction"},
    "org": {"organization", "organisation", "group", "party"},
    "igo": {"organization", "organisation", "body", "bloc"},
    "body": {"agency", "body"},
    "country": {"country", "nation"},
}
PREPOSITIONS = {
    "of", "for", "from", "at", "in", "to", "with", "on", "by", "against", "within", "inside",
    "near", "under", "over", "across", "representing", "outside", "into", "after", "during",
    "among", "between", "about", "including",
}  # fmt: skip
OWNER_PREPOSITIONS = ("of", "for", "from", "at", "representing", "with", "within", "inside")
LOCATION_PREPOSITIONS = ("in", "across", "inside", "within")
# Words that may sit inside a capitalised name ("Islamic Resistance in Iraq").
NAME_CONNECTORS = {
    "of", "the", "and", "for", "in", "al", "el", "ad", "bin", "ibn", "de", "la", "du", "des",
    "wa", "wal", "le", "da", "von", "der", "van", "on", "to", "&",
}  # fmt: skip
# Particles inside personal names: "Abu Bakr al-Baghdadi", "Mohammed bin Salman".
NAME_PARTICLES = {"al", "el", "bin", "ibn", "bint", "de", "da", "van", "von", "der", "la", "le"}
DETERMINERS = {
    "a", "an", "the", "this", "that", "these", "those", "some", "several", "many", "most",
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "dozens", "hundreds",
    "thousands", "scores", "one", "all", "both", "other", "another", "any", "its", "their",
    "his", "her", "our", "your", "my", "such", "each", "every", "more", "few", "numerous",
}  # fmt: skip
# Heads that only count or group what follows "of".
PARTITIVES = {
    "team", "number", "unit", "contingent", "band", "squad", "crowd", "handful", "couple",
    "pair", "convoy", "majority", "minority", "rest", "part", "host", "wave", "dozen", "largest",
    "biggest", "main", "top", "leading", "senior", "remaining", "heavily", "armed",
}  # fmt: skip
PRONOUNS = {
    "i", "we", "you", "he", "she", "it", "they", "me", "us", "him", "her", "them", "who",
    "which", "that", "whose", "this", "these", "those", "whom", "itself", "themselves",
}  # fmt: skip
# English words that are also surnames of people in the dictionary: never a surname alone.
COMMON_SURNAME_WORDS = {
    "back", "hunt", "work", "power", "rice", "brown", "young", "moon", "gang", "cooper",
    "bishop", "laden", "meta", "king", "white", "black", "green", "wood", "little", "long",
    "hill", "stone", "rose", "price", "bush", "field", "banks", "wells", "ford", "hope",
    "love", "may", "key", "page", "case", "cash", "fox", "gay", "land", "lord", "mark", "read",
    "rich", "said", "sharp", "short", "small", "strong", "street", "summers", "vance", "ward",
    "watson", "west", "will", "wise", "major", "chance", "martin", "bennett", "faure",
}  # fmt: skip
FORMER_WORDS = {"former", "ex", "retired", "ousted", "exiled", "deposed", "late", "erstwhile"}
UNKNOWN_WORDS = {"unclaimed", "unidentified", "unknown", "unattributed", "mysterious"}
# Hyphenated attributes that name an ally or sponsor, not the owner: "Iran-backed militia".
AFFILIATION_SUFFIXES = (
    "led", "backed", "aligned", "linked", "allied", "funded", "supported", "sponsored",
    "affiliated", "armed", "trained", "brokered", "mediated", "friendly", "leaning", "inspired",
    "loyal", "influenced", "controlled", "held", "occupied", "administered", "registered",
)  # fmt: skip
# Event nouns that stand for an unnamed perpetrator: "killed in an unclaimed drone strike".
MEANS_NOUNS = {
    "attack", "strike", "airstrike", "bombing", "blast", "explosion", "shelling", "raid",
    "ambush", "assault", "shooting", "missile", "rocket", "bomb", "drone", "fire", "gunfire",
    "barrage", "bombardment", "assassination", "offensive", "incursion", "operation", "mortar",
    "ied", "sniper", "grenade", "landmine", "mine",
}  # fmt: skip
STATE_MEANS = {"airstrike", "missile", "shelling", "bombardment", "offensive", "incursion"}
IRREGULAR_PLURALS = {
    "men": "man", "women": "woman", "people": "person", "police": "police", "personnel":
    "personnel", "children": "child", "staff": "staff", "media": "media", "chiefs": "chief",
    "forces": "forces", "troops": "troops", "armed forces": "armed forces", "authorities":
    "authority", "militias": "militia", "security forces": "security forces", "clergy": "clergy",
    "news": "news", "series": "series", "headquarters": "headquarters", "arms": "arms",
}  # fmt: skip
STOP_ALIASES = {
    "us", "it", "is", "as", "am", "an", "in", "on", "at", "or", "no", "so", "be", "we", "he",
    "me", "my", "to", "up", "do", "go", "if", "of", "by", "the", "and", "for", "new", "president",
    "government", "state", "minister", "party", "army", "police", "guards", "council",
    "forces", "ministry", "sources", "official", "officials", "congress", "senate", "court",
    "country", "nation", "republic", "kingdom", "people",
}  # fmt: skip

_WORD = re.compile(r"[A-Za-z0-9]+(?:['.][A-Za-z0-9]+)*\.?|&|,")
_AFFIX = re.compile(
    r"(?<=[A-Za-z.])[-‐–](" + "|".join(AFFILIATION_SUFFIXES) + r")\b", flags=re.IGNORECASE
)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'", "ʻ": "'"})


# --- text normalisation ----------------------------------------------------------------------


def fold(text: str) -> str:
    """Accents off, apostrophes unified: "Benítez" -> "Benitez", "Sa’ar" -> "Sa'ar"."""
    text = text.translate(_APOSTROPHES)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Tok(NamedTuple):
    """A word of a phrase (a tuple: phrases are tokenized by the thousand)."""

    text: str  # as written
    norm: str  # lower case, no dots or apostrophes, possessive 's removed
    start: int  # offsets in the phrase
    end: int
    possessive: bool = False
    affiliation: bool = False  # followed by "-led", "-backed", ...
    capitalized: bool = False  # starts with a capital or a digit (set by `tokenize`)

    @property
    def upper(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) >= 2 and all(c.isupper() for c in letters)


def tokenize(text: str) -> list[Tok]:
    folded = fold(text)
    hyphenated = "-" in folded or "‐" in folded or "–" in folded
    affiliated = {m.start() for m in _AFFIX.finditer(folded)} if hyphenated else ()
    length = len(folded)
    tokens: list[Tok] = []
    for match in _WORD.finditer(folded):
        word = match.group()
        start, end = match.span()
        lower = word.lower()
        possessive = False
        if lower.endswith("'s") and len(word) > 2:
            word, lower, possessive = word[:-2], lower[:-2], True
        elif end < length and folded[end] == "'":
            possessive = lower.endswith("s")
        norm = lower.replace(".", "").replace("'", "") if "." in lower or "'" in lower else lower
        if not norm:
            continue
        first = word[0]
        tokens.append(
            Tok(word, norm, start, start + len(word), possessive, end in affiliated,
                first.isupper() or first.isdigit())
        )  # fmt: skip
    if not affiliated:
        return tokens
    # Hyphenated suffixes ("Iran-backed"): drop the suffix word, keep the mark on the name.
    return [
        t
        for i, t in enumerate(tokens)
        if not (i > 0 and tokens[i - 1].affiliation and t.norm in AFFILIATION_SUFFIXES)
    ]


def key_of(norms: Iterable[str]) -> str:
    """Lookup key of a name: lower case, no leading article, no Arabic article al-/el-."""
    words = [w for w in norms if w]
    while words and words[0] == "the":
        words = words[1:]
    kept = [w for i, w in enumerate(words) if not (w in ("al", "el") and i < len(words) - 1)]
    return " ".join(kept)


def alias_key(alias: str) -> str:
    return key_of(t.norm for t in tokenize(alias))


def alias_keys(aliases: Iterable[str]) -> list[str]:
    """Lookup keys of aliases; short all-capital acronyms ("UN", "PAN") as "^UN": they match
    only text written in capitals."""
    keys: list[str] = []
    for alias in aliases:
        tokens = tokenize(alias)
        while len(tokens) > 1 and tokens[0].norm == "the":
            tokens = tokens[1:]
        key = key_of(t.norm for t in tokens)
        if not key:
            continue
        if len(tokens) == 1 and tokens[0].upper and len(tokens[0].norm) <= 5:
            key = "^" + tokens[0].norm.upper()
        if key not in keys:
            keys.append(key)
    return keys


def singular(word: str) -> str:
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def parse_date(value: Any) -> dt.date | None:
    if value is None or value == "" or value == "null":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


# --- entries -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Role:
    sector: str
    start: dt.date | None
    end: dt.date | None
    code: str | None = None
    title: str | None = None

    def active(self, date: dt.date) -> bool:
        return (self.start is None or self.start <= date) and (self.end is None or date < self.end)


@dataclass(slots=True)
class ActorEntry:
    name: str
    code: str
    sector: str = ""
    kind: str = "org"
    aliases: list[str] = field(default_factory=list)
    nouns: set[str] = field(default_factory=set)
    roles: list[Role] = field(default_factory=list)
    rank: int = RANK_CURATED
    source: str = "curated"
    keys: list[str] | None = None  # precomputed alias keys ("^" marks an acronym)

    def at(self, date: dt.date) -> tuple[str, str, Role | None]:
        """(code, sector, role) of the entry on `date`."""
        if not self.roles:
            return self.code, self.sector, None
        active = [r for r in self.roles if r.active(date)]
        if active:
            # The most senior current role: government over military over the rest.
            role = max(active, key=lambda r: (_SENIORITY.get(r.sector, 0), r.start or _EPOCH))
            return role.code or self.code, role.sector, role
        past = [r for r in self.roles if r.end is not None and r.end <= date]
        future = [r for r in self.roles if r.start is not None and date < r.start]
        if past and (not future or self.kind == "person"):
            last = max(past, key=lambda r: r.end or _EPOCH)
            if self.kind == "person" and last.sector in OFFICE_SECTORS and not self.sector:
                return last.code or self.code, "ELI", last
            if self.kind == "person" and last.sector in OFFICE_SECTORS:
                return self.code, self.sector if self.sector not in OFFICE_SECTORS else "ELI", last
            return last.code or self.code, self.sector or last.sector, last
        if future and not self.sector:
            first = min(future, key=lambda r: r.start or _EPOCH)
            return self.code, "" if self.kind == "person" else first.sector, None
        return self.code, self.sector, None


class _LazyRoles(list):
    """Roles of a Phoenix entry, parsed on first use: most of the 18,000 office holders are
    never mentioned, and parsing their dates would double the load time."""

    __slots__ = ("_raw",)

    def __init__(self, raw: str) -> None:
        super().__init__()
        self._raw = raw

    def _parse(self) -> None:
        if self._raw:
            raw, self._raw = self._raw, ""
            for item in raw.split(";"):
                sector, code, start, end = [*item.split(":"), "", "", ""][:4]
                super().append(Role(sector, parse_date(start), parse_date(end), code or None))

    def __iter__(self):  # type: ignore[override]
        self._parse()
        return super().__iter__()

    def __len__(self) -> int:
        self._parse()
        return super().__len__()

    def __bool__(self) -> bool:
        return bool(self._raw) or super().__len__() > 0


_EPOCH = dt.date(1, 1, 1)
_SENIORITY = {"GOV": 5, "MIL": 4, "SPY": 3, "LEG": 3, "JUD": 3, "REB": 2, "PRM": 2}


@dataclass(frozen=True, slots=True)
class Agent:
    sector: str
    secondary: str = ""
    pattern: str = ""


@dataclass(slots=True)
class Found:
    """A stretch of a phrase recognised as an entity, an agent noun or a title."""

    start: int  # token indexes, end exclusive
    end: int
    entries: list[ActorEntry] = field(default_factory=list)
    agent: Agent | None = None
    office: str | None = None
    surname: bool = False  # a known person found by the surname alone


@dataclass(slots=True)
class PhraseResult:
    """What one phrase resolves to; `parts` holds each actor of a compound phrase."""

    name: str | None = None
    code: str = ""
    sector: str = ""
    matched_by: str | None = None
    entry: ActorEntry | None = None
    head_noun: str | None = None  # the head's noun when it is a common noun ("movement")
    definite: bool = False  # "the movement": may refer back to an entity
    pronoun: bool = False
    means: bool = False  # an event noun standing for its perpetrator
    person_name: str | None = None  # an unknown person's name in the phrase
    parts: list[tuple[int, int, PhraseResult]] = field(default_factory=list)

    @property
    def resolved(self) -> bool:
        return bool(self.code or self.sector)


# --- the dictionary ---------------------------------------------------------------------------


class ActorDictionary:
    def __init__(self) -> None:
        self.entries: list[ActorEntry] = []
        self.by_key: dict[str, list[ActorEntry]] = defaultdict(list)
        self.by_acronym: dict[str, list[ActorEntry]] = defaultdict(list)
        self.by_name: dict[str, ActorEntry] = {}
        self.countries: dict[str, ActorEntry] = {}
        self.agents: dict[str, Agent] = {}
        self.agent_lengths: list[int] = []
        # Last words of agent and title keys: a window not ending in one is no agent or title.
        self.agent_last_words: frozenset[str] | None = None
        self.titles: dict[str, str] = {}
        self.office_sectors: dict[str, str] = {}  # office -> sector of its holders (else GOV)
        self.offices: dict[tuple[str, str], list[tuple[ActorEntry, Role]]] = defaultdict(list)
        self.surnames: dict[str, list[ActorEntry]] = defaultdict(list)
        self.short_names: dict[str, list[ActorEntry]] = {}
        self.given_names: frozenset[str] = frozenset()  # first words of several people's names
        self.person_words: frozenset[str] = frozenset()  # those and people's surnames
        self.surname_codes: dict[str, str] = {}
        self.max_alias_words = 1

    # -- loading --

    @classmethod
    def load(cls, extra_files: Iterable[Path] = ()) -> ActorDictionary:
        dictionary = cls()
        dictionary._load_phoenix(data_path(PHOENIX_FILE))
        dictionary._load_agents(data_path(AGENTS_FILE))
        for name in (CURATED_FILE, *CURATED_MORE):
            dictionary._load_yaml(_shipped_yaml(name), name, RANK_CURATED, "curated")
        for path in extra_files:
            path = Path(path)
            if not path.is_file():
                raise DataError(f"{path}: no such actor file")
            dictionary._load_yaml(read_yaml(path), str(path), RANK_USER, "user")
        dictionary._index()
        return dictionary

    def _load_phoenix(self, path: Path) -> None:
        with path.open(encoding="utf-8") as handle:
            lines = (line for line in handle if not line.startswith("#"))
            for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
                roles = _LazyRoles(row["roles"]) if row.get("roles") else []
                aliases = [a for a in row["aliases"].split("|") if a]
                keys = [k for k in (row.get("keys") or "").split("|") if k] or None
                self.entries.append(
                    ActorEntry(
                        name=row["name"], code=row["code"], sector=row["sector"] or "",
                        kind=row["kind"], aliases=aliases, roles=roles, rank=RANK_PHOENIX,
                        source=row["source"], keys=keys,
                    )
                )  # fmt: skip

    def _load_agents(self, path: Path) -> None:
        with path.open(encoding="utf-8") as handle:
            lines = (line for line in handle if not line.startswith("#"))
            for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
                self._add_agent(row["pattern"], row["sector"], row.get("secondary") or "")

    def _add_agent(self, pattern: str, sector: str, secondary: str = "") -> None:
        norms = [t.norm for t in tokenize(pattern) if t.norm != ","]
        if sector == "-":
            return
        if not norms or norms[-1] in PREPOSITIONS:
            return
        agent = Agent(sector, secondary, pattern)
        self.agents[key_of(norms)] = agent
        self.agents[key_of([*norms[:-1], singular(norms[-1])])] = agent

    def _load_yaml(self, data: Any, where: str, rank: int, source: str) -> None:
        if data is None:
            return
        if not isinstance(data, dict):
            raise DataError(f"{where}: an actor file is a mapping (countries, actors, ...)")
        unknown = set(data) - {
            "countries", "titles", "office_sectors", "offices", "actors", "agents"
        }  # fmt: skip
        if unknown:
            raise DataError(f"{where}: unknown section(s) {', '.join(sorted(unknown))}")
        for code, info in (data.get("countries") or {}).items():
            if not isinstance(info, dict):
                raise DataError(f"{where}: countries.{code} must be a mapping")
            _check_keys(info, COUNTRY_KEYS, f"{where}: countries.{code}")
            code = str(code).upper()
            aliases = [str(a) for a in info.get("aliases") or []]
            if info.get("name"):
                aliases.insert(0, str(info["name"]))
            name = str(info.get("name") or (aliases[0] if aliases else code))
            self.entries.append(ActorEntry(name, code, "", "country", aliases, rank=rank,
                                           source=source))  # fmt: skip
            capitals = [str(c) for c in info.get("capital") or []]
            if capitals:
                self.entries.append(
                    ActorEntry(f"Government of {name}", code, "GOV", "capital", capitals,
                               {"government", "capital"}, rank=rank, source=source)
                )  # fmt: skip
        for office, phrases in (data.get("titles") or {}).items():
            for phrase in [office, *(phrases or [])]:
                self.titles[key_of(t.norm for t in tokenize(str(phrase)))] = str(office)
        for item in data.get("actors") or []:
            self.entries.append(self._entry_from_yaml(item, where, rank, source))
        for office, sector in (data.get("office_sectors") or {}).items():
            if str(sector) not in SECTORS:
                raise DataError(f"{where}: office_sectors.{office}: unknown sector {sector!r}")
            self.office_sectors[str(office)] = str(sector)
        for code, offices in (data.get("offices") or {}).items():
            if not isinstance(offices, dict):
                raise DataError(f"{where}: offices.{code} must map office names to holders")
            for office, holders in offices.items():
                for holder in holders or []:
                    if not isinstance(holder, list) or len(holder) < 2:
                        raise DataError(f"{where}: offices.{code}.{office}: [name, from, to]")
                    name = str(holder[0])
                    sector = self.office_sectors.get(str(office), "GOV")
                    role = Role(sector, parse_date(holder[1]),
                                parse_date(holder[2] if len(holder) > 2 else None),
                                str(code).upper(), str(office))  # fmt: skip
                    entry = ActorEntry(name, str(code).upper(), "", "person", [name], set(),
                                       [role], rank, source)  # fmt: skip
                    self.entries.append(entry)
        for item in data.get("agents") or []:
            if not isinstance(item, dict) or "pattern" not in item:
                raise DataError(f"{where}: agents: each item needs a pattern and a sector")
            sector = str(item.get("sector") or "")
            if sector and sector not in SECTORS:
                raise DataError(f"{where}: agent {item['pattern']!r}: unknown sector {sector}")
            self._add_agent(str(item["pattern"]), sector, str(item.get("secondary") or ""))

    def _entry_from_yaml(self, item: Any, where: str, rank: int, source: str) -> ActorEntry:
        if not isinstance(item, dict) or not item.get("name") or not item.get("code"):
            raise DataError(f"{where}: each actor needs at least a name and a code: {item!r}")
        _check_keys(item, ACTOR_KEYS, f"{where}: {item['name']}")
        sector = str(item.get("sector") or "")
        kind = str(item.get("kind") or "org")
        if sector and sector not in SECTORS:
            raise DataError(f"{where}: {item['name']}: unknown sector {sector!r}")
        if kind not in KINDS:
            raise DataError(f"{where}: {item['name']}: unknown kind {kind!r}")
        roles = []
        for role in item.get("roles") or []:
            if not isinstance(role, list) or not role or str(role[0]) not in SECTORS:
                raise DataError(f"{where}: {item['name']}: a role is [SECTOR, from, to, CODE?]")
            roles.append(
                Role(str(role[0]), parse_date(role[1] if len(role) > 1 else None),
                     parse_date(role[2] if len(role) > 2 else None),
                     str(role[3]).upper() if len(role) > 3 and role[3] else None)
            )  # fmt: skip
        aliases = [str(item["name"]), *(str(a) for a in item.get("aliases") or [])]
        nouns = {str(n).lower() for n in item.get("nouns") or []}
        return ActorEntry(str(item["name"]), str(item["code"]).upper(), sector, kind, aliases,
                          nouns, roles, rank, source)  # fmt: skip

    def _index(self) -> None:
        # Entries with the same name and code merge: curated roles and aliases add to Phoenix's.
        merged: dict[tuple[str, str], ActorEntry] = {}
        for entry in sorted(self.entries, key=lambda e: e.rank):
            key = (entry.name.lower(), entry.code if entry.kind != "person" else "")
            if entry.kind in ("country", "capital"):
                key = (entry.kind, entry.code)
            other = merged.get(key)
            if other is None:
                merged[key] = entry
                continue
            if entry.rank == other.rank:
                # The same source lists a person twice (offices + actors): combine.
                other.roles = [*other.roles, *entry.roles]
            elif not other.roles and entry.roles and other.kind == "person":
                other.roles = list(entry.roles)
            other.aliases.extend(a for a in entry.aliases if a not in other.aliases)
            other.nouns |= entry.nouns
            if not other.sector and entry.sector and other.kind != "person":
                other.sector = entry.sector
        self.entries = list(merged.values())
        surname_count: dict[str, set[str]] = defaultdict(set)
        short_names: dict[str, set[int]] = defaultdict(set)
        for entry in self.entries:
            if entry.keys is None:
                entry.keys = alias_keys(entry.aliases)  # once: the name's key comes first
        person_keys = {
            i: e.keys[0].lstrip("^").split()
            for i, e in enumerate(self.entries)
            if e.kind == "person" and e.keys
        }
        given_names = Counter(words[0] for words in person_keys.values() if words)
        self.given_names = frozenset(name for name, count in given_names.items() if count >= 2)
        self.person_words = self.given_names | {
            words[-1] for words in person_keys.values() if len(words) >= 2
        }
        codes_of: dict[str, Counter[str]] = defaultdict(Counter)
        for index, words in person_keys.items():
            if len(words) >= 2 and self.entries[index].code:
                codes_of[words[-1]][self.entries[index].code] += 1
        # Surnames (nearly) all of whose bearers share a country: "Bush administration" -> USA.
        self.surname_codes = {}
        for word, codes in codes_of.items():
            (code, count), total = codes.most_common(1)[0], codes.total()
            if total == 1 or (count >= 2 and count * 3 >= total * 2):
                self.surname_codes[word] = code
        for index, entry in enumerate(self.entries):
            if entry.kind == "person" and person_keys.get(index):
                words = person_keys[index]
                if entry.rank <= RANK_CURATED and len(words) >= 2 and len(words[-1]) >= 4:
                    surname_count[words[-1]].add(entry.name)
                if len(words) >= 3 and words[-2] not in NAME_PARTICLES:
                    # "Carlos Menem" for "Carlos Saul Menem": the middle names left out.
                    short_names[f"{words[0]} {words[-1]}"].add(index)
            if entry.kind in KIND_NOUNS:
                entry.nouns |= KIND_NOUNS[entry.kind]
            for key in entry.keys or ():
                if key.startswith("^"):
                    self.by_acronym[key[1:]].append(entry)
                    continue
                words = key.count(" ") + 1
                if words == 1 and (key in STOP_ALIASES or key in self.agents):
                    continue
                if words == 1 and entry.kind == "person" and given_names[key] >= 2:
                    continue  # "Hassan", "Abdullah": a given name, not one person
                self.by_key[key].append(entry)
                self.max_alias_words = max(self.max_alias_words, words)
            self.by_name.setdefault(entry.name.lower(), entry)
            if entry.kind == "country":
                self.countries.setdefault(entry.code, entry)
            for role in entry.roles if entry.rank <= RANK_CURATED else ():
                if role.title and entry.kind == "person":
                    self.offices[(role.code or entry.code, role.title)].append((entry, role))
        for surname, names in surname_count.items():
            # A surname alone ("Rasool", "Museveni") means one known person when no other name,
            # given name or word is written so: "Martin", "Hunt" and "Power" are left alone.
            if (
                len(names) == 1
                and surname not in STOP_ALIASES
                and surname not in COMMON_SURNAME_WORDS
                and surname not in self.by_key
                and given_names[surname] < 2
            ):
                (name,) = names
                self.surnames[surname].append(self.by_name[name.lower()])
        for key, indexes in short_names.items():
            if key not in self.by_key and len({self.entries[i].code for i in indexes}) == 1:
                self.short_names[key] = [self.entries[i] for i in sorted(indexes)]
        for table in (self.by_key, self.by_acronym, self.surnames):
            for entries in table.values():
                # A group Phoenix codes both by its country and as IMG ("Moro Islamic Liberation
                # Front"): its country, as CAMEO-era coders did.
                entries.sort(key=lambda e: (e.rank, _KIND_ORDER.get(e.kind, 9), e.code == "IMG"))
        self.agent_lengths = sorted({len(k.split()) for k in self.agents}, reverse=True)
        keys = [*self.agents, *self.titles]
        self.agent_last_words = (
            None if "" in keys else frozenset(k.rsplit(" ", 1)[-1] for k in keys)
        )

    # -- lookups --

    def lookup(self, tokens: list[Tok]) -> list[ActorEntry]:
        key = key_of(t.norm for t in tokens)
        found = list(self.by_key.get(key, ()))
        if len(tokens) == 1 and tokens[0].upper:
            found = self.by_acronym.get(tokens[0].norm.upper(), []) + found
        if not found and len(tokens) == 2 and all(t.capitalized for t in tokens):
            found = list(self.short_names.get(key, ()))
        if not found and len(tokens) >= 3 and tokens[0].capitalized and tokens[-1].capitalized:
            # "Omar Hassan al-Bashir" for "Omar al-Bashir": a middle name the dictionary lacks.
            words = key.split()
            if len(words) >= 3:
                short = f"{words[0]} {words[-1]}"
                found = [e for e in self.by_key.get(short, ()) if e.kind == "person"]
        return found

    def lookup_surname(self, token: Tok) -> list[ActorEntry]:
        """The one known person with this surname, if any."""
        return list(self.surnames.get(token.norm, ())) if token.capitalized else []

    def office_holder(
        self, code: str, office: str, date: dt.date
    ) -> tuple[ActorEntry, Role] | None:
        holders = self.offices.get((code, office), [])
        for entry, role in holders:
            if role.active(date):
                return entry, role
        return None

    def country(self, code: str) -> ActorEntry | None:
        return self.countries.get(code)


COUNTRY_KEYS = frozenset({"name", "aliases", "capital"})
ACTOR_KEYS = frozenset({"name", "code", "sector", "kind", "aliases", "nouns", "roles"})


def _check_keys(item: dict, allowed: frozenset[str], where: str) -> None:
    """Unknown keys are errors: in a flow mapping an unquoted comma ("{name: Foreign,
    Commonwealth and Development Office}") silently cuts a name and makes a key of the rest."""
    unknown = [str(k) for k in item if k not in allowed]
    if unknown:
        hint = (
            " (a comma in an unquoted name? quote it)"
            if any(item[k] is None for k in item if k not in allowed)
            else ""
        )
        raise DataError(f"{where}: unknown key(s) {', '.join(unknown)}{hint}")


def _shipped_yaml(name: str) -> Any:
    """A shipped YAML file through libyaml when present (5-10x faster than pure Python)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with data_path(name).open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)


_KIND_ORDER = {
    "group": 0, "igo": 1, "body": 2, "org": 3, "person": 4, "pre": 5, "capital": 6,
    "country": 7, "place": 8,
}  # fmt: skip


# --- phrase resolution ------------------------------------------------------------------------


def _foreign_after_country(before: Found, hit: Found, tokens: list[Tok]) -> bool:
    """ "Kenya People's Defence Forces": a country's name written straight before an
    organisation's alias that belongs to another country (the PKK's "People's Defence Forces")
    makes the words that country's body of that kind, read as an agent with its owner. Not an
    alias the dictionary files as a person's (some of Phoenix's bodies are)."""
    if before.end != hit.start or tokens[before.end - 1].possessive:
        return False
    countries = {e.code for e in before.entries if e.kind == "country"}
    if len(countries) != 1 or any(e.kind in PLACE_ENTRY_KINDS | {"person"} for e in hit.entries):
        return False
    return all(is_country_code(e.code) and e.code not in countries for e in hit.entries)


class PhraseResolver:
    """Resolves phrases against a dictionary; results are cached per (phrase, date)."""

    def __init__(
        self, dictionary: ActorDictionary, places: Callable[[str], str | None] | None = None
    ) -> None:
        self.dictionary = dictionary
        # Where a name the dictionary does not know is a town: its country (ISO3), or None.
        self.places = places
        self.resolve = lru_cache(maxsize=50_000)(self._resolve)
        self._source_text = ""
        self._name_start = 0  # token index where the last unknown name found starts

    def _resolve(self, text: str, date: dt.date) -> PhraseResult:
        tokens = tokenize(text)
        if not tokens:
            return PhraseResult()
        self._source_text = fold(text)
        return self._resolve_tokens(tokens, date)

    # The steps: find names, agents and titles; cut the phrase at its prepositions; read the head.
    def _resolve_tokens(self, tokens: list[Tok], date: dt.date) -> PhraseResult:
        tokens = _cut_at_comma(tokens)
        if not tokens:
            return PhraseResult()
        names = [
            n
            for n in self._find_names(tokens)
            if not self._starts_title(n, tokens) and not _surname_inside(n, tokens)
        ]
        taken = [False] * len(tokens)
        for item in names:
            for i in range(item.start, item.end):
                taken[i] = True
        agents = self._find_agents(tokens, taken)
        for item in agents:
            for i in range(item.start, item.end):
                taken[i] = True
        head_end = next(
            (
                i
                for i, t in enumerate(tokens)
                if i > 0 and not taken[i] and t.norm in PREPOSITIONS and not t.capitalized
            ),
            len(tokens),
        )
        head_names = [n for n in names if n.end <= head_end]
        head_agents = [a for a in agents if a.end <= head_end]
        tail = tokens[head_end:]
        words = {t.norm for t in tokens[:head_end]}
        former = bool(words & FORMER_WORDS)
        unknown = bool(words & UNKNOWN_WORDS)

        result = self._read_head(tokens, head_end, head_names, head_agents, tail, date)
        if result.parts:
            return result
        country = result.entry is not None and result.entry.kind == "country"
        if former and result.resolved and result.sector in OFFICE_SECTORS | {""} and not country:
            result.sector = "ELI"
        if unknown and result.means:
            result.code, result.sector, result.matched_by = "", "UAF", "unattributed"
        return result

    def _find_names(self, tokens: list[Tok]) -> list[Found]:
        found: list[Found] = []
        i, n = 0, len(tokens)
        limit = min(self.dictionary.max_alias_words, 10) + 1  # longer aliases are never written
        # A name is a run of capitalised words and connectors ("of", "al-"): where each run ends.
        run_end = [n] * (n + 1)
        for k in range(n - 1, -1, -1):
            name_like = tokens[k].capitalized or tokens[k].norm in NAME_CONNECTORS
            run_end[k] = run_end[k + 1] if name_like else k
        while i < n:
            if not tokens[i].capitalized:
                i += 1
                continue
            hit = None
            for j in range(min(n, i + limit, run_end[i]), i, -1):
                if not tokens[j - 1].capitalized:
                    continue
                inner = tokens[i:j]
                entries = self.dictionary.lookup(inner)
                if entries:
                    hit = Found(i, j, entries)
                    break
            if (
                hit is None
                and (entries := self.dictionary.lookup_surname(tokens[i]))
                and not self._given_name_before(tokens, i)
            ):
                hit = Found(i, i + 1, entries, surname=True)
            if hit is not None and found and _foreign_after_country(found[-1], hit, tokens):
                hit = None
            if hit is not None:
                hit = self._place_around(hit, tokens, run_end, found[-1].end if found else 0)
                found.append(hit)
                i = hit.end
            else:
                i += 1
        return found

    def _place_around(self, hit: Found, tokens: list[Tok], run_end: list[int], floor: int) -> Found:
        """ "Upper Nile", "North Kivu", "New Mexico": a country's alias ("Nile", "North",
        "Mexico") inside a longer capitalised name that the gazetteer knows as a place is part
        of that place's name; the place, with its own country, is the name found."""
        if self.places is None or not all(e.kind in PLACE_ENTRY_KINDS for e in hit.entries):
            return hit
        first = hit.start
        while first > floor and tokens[first - 1].capitalized and not tokens[first - 1].possessive:
            first -= 1
        last = run_end[hit.start]
        for k in range(hit.start, last):
            if tokens[k].possessive or tokens[k].affiliation:
                last = k + 1  # "North Kivu's governor": the name ends at its possessive
                break
        spans = sorted(
            ((s, e) for s in range(first, hit.start + 1) for e in range(hit.end, last + 1)),
            key=lambda span: span[0] - span[1],  # the longest first
        )
        for start, end in spans:
            if (start, end) == (hit.start, hit.end) or not tokens[end - 1].capitalized:
                continue
            name = " ".join(t.text for t in tokens[start:end])
            country = self.places(name)
            if country:
                entry = ActorEntry(name=name, code=country, kind="place", source="gazetteer")
                return Found(start, end, [entry])
        return hit

    def _given_name_before(self, tokens: list[Tok], i: int) -> bool:
        """ "Oskar Fischer" is not Heinz Fischer: a capitalised word before a surname that is no
        title ("President Mugabe", "Gen. Muhoozi") makes it another person's name."""
        if i == 0 or not tokens[i - 1].capitalized:
            return False
        word = tokens[i - 1].norm
        known = self.dictionary.agents.get(word) or self.dictionary.titles.get(word)
        return known is None and word not in NAME_PARTICLES and not tokens[i - 1].upper

    def _starts_title(self, found: Found, tokens: list[Tok]) -> bool:
        """A one-word organisation name that is the first word of a title or sector noun
        ("Labour Minister", "Foreign Ministry"): the portfolio, not the organisation, so that the
        nationality before it ("Serbian Labour Minister X") owns the title."""
        if found.end - found.start != 1 or tokens[found.start].upper:
            return False
        if any(e.kind in ("country", "capital", "place", "pre", "person") for e in found.entries):
            return False
        agents, titles = self.dictionary.agents, self.dictionary.titles
        for length in self.dictionary.agent_lengths:
            end = found.start + length
            if length < 2 or end > len(tokens):
                continue
            norms = [t.norm for t in tokens[found.start : end]]
            for key in (key_of(norms), key_of([*norms[:-1], singular(norms[-1])])):
                if key in agents or key in titles:
                    return True
        return False

    def _agent_ends(self, tokens: list[Tok]) -> list[bool]:
        """Per word: whether an agent or title key can end with it (or with its singular)."""
        last_words = self.dictionary.agent_last_words
        if last_words is None:
            return [True] * len(tokens)
        return [t.norm in last_words or singular(t.norm) in last_words for t in tokens]

    def _find_agents(self, tokens: list[Tok], taken: list[bool]) -> list[Found]:
        found: list[Found] = []
        agents, titles = self.dictionary.agents, self.dictionary.titles
        ends = self._agent_ends(tokens)
        i, n = 0, len(tokens)
        while i < n:
            if taken[i] or (tokens[i].norm in PREPOSITIONS - {"of", "for"} and i == 0):
                i += 1
                continue
            hit = None
            for length in self.dictionary.agent_lengths:
                j = i + length
                if j > n or not ends[j - 1] or any(taken[i:j]):
                    continue
                norms = [t.norm for t in tokens[i:j]]
                plain = key_of(norms)
                single = key_of([*norms[:-1], singular(norms[-1])])
                agent = agents.get(plain) or agents.get(single)
                office = titles.get(plain) or titles.get(single)
                if agent is not None or office is not None:
                    hit = Found(i, j, agent=agent or Agent("GOV"), office=office)
                    break
            if hit is not None:
                found.append(hit)
                i = hit.end
            else:
                i += 1
        return found

    def _read_head(
        self,
        tokens: list[Tok],
        head_end: int,
        names: list[Found],
        agents: list[Found],
        tail: list[Tok],
        date: dt.date,
    ) -> PhraseResult:
        head_tokens = tokens[:head_end]
        content = [i for i, t in enumerate(head_tokens) if t.norm not in DETERMINERS]
        partitive = all(head_tokens[i].norm in PARTITIVES for i in content)
        if partitive and tail and tail[0].norm == "of" and len(tail) > 1:
            # "several of the largest unions", "a team of armed police": the "of" phrase.
            return self._resolve_tokens(tail[1:], date)
        if not content:
            pronoun = len(head_tokens) == 1
            return PhraseResult(pronoun=pronoun, head_noun=head_tokens[0].norm if pronoun else None)
        head_index = content[-1]
        head_name = next((n for n in names if n.start <= head_index < n.end), None)
        head_agent = next((a for a in agents if a.start <= head_index < a.end), None)
        definite = head_tokens[0].norm in ("the", "this", "that", "these", "those")

        # Compound owners: "Hungarian and Romanian officials", "Jordan and Britain".
        owners = [n for n in names if n is not head_name and not tokens[n.end - 1].affiliation]
        coordinated = self._coordinated(tokens, names, head_end)
        if len(coordinated) >= 2 and (head_agent is not None or head_name in coordinated):
            parts = []
            for item in coordinated:
                sub = self._owned(item, head_agent, tokens, tail, date)
                start, end = tokens[item.start].start, tokens[item.end - 1].end
                parts.append((start, end, sub))
            first = parts[0][2]
            return PhraseResult(
                first.name, first.code, first.sector, first.matched_by, first.entry, parts=parts
            )

        if head_name is not None:
            result = self._named(head_name, tokens, head_agent, agents, tail, date)
            if result.entry is not None and result.entry.kind == "country":
                self._people_where_they_live(result, head_name, names, tokens, tail, date)
            return result

        if len(content) == 1 and head_tokens[head_index].norm in PRONOUNS:
            return PhraseResult(pronoun=True, head_noun=head_tokens[head_index].norm)
        person_name = self._unknown_name(tokens, head_index, names, agents)
        if person_name and head_agent is None:
            # The title before an unknown name: "Governor Vadim Shumkov".
            head_agent = next((a for a in reversed(agents) if a.end <= head_index), None)
        if person_name and head_agent is None:
            given = self._place_as_given_name(tokens, owners, date)
            if given is not None:
                # "Jordan Peterson", "Paris Hilton": a place's name as a given name.
                owners = [o for o in owners if o is not given]
                person_name = self._source_text[tokens[given.start].start : tokens[head_index].end]
        if (
            person_name
            and head_agent is None
            and not owners
            and self.places is not None
            and alias_key(person_name) not in self.dictionary.person_words
        ):
            # A name the dictionary does not know may be a town: "Puerto Penasco", "Jericho"
            # (not "Hassan": a given name first).
            place = self.places(person_name)
            if place:
                return PhraseResult(person_name, place, "", "place", definite=definite)
        if head_agent is not None or person_name:
            owner = self._owner(owners, tokens, tail, date)
            if owner is None and head_agent is not None and not person_name:
                owner = self._place_before(tokens, head_agent, names, agents)
            result = self._agent_result(head_agent, owner, person_name, date, tokens, tail)
            result.definite = definite
            result.head_noun = tokens[head_index].norm if head_agent and not person_name else None
            return result

        noun = singular(tokens[head_index].norm)
        owner = self._owner(owners, tokens, tail, date)
        if noun in MEANS_NOUNS:
            result = PhraseResult(means=True, head_noun=noun, definite=definite)
            if owner is not None and owner.code:
                result.code, result.name, result.entry = owner.code, owner.name, owner.entry
                result.sector = owner.sector or ("MIL" if noun in STATE_MEANS else "")
                result.matched_by = "means"
            elif head_tokens[0].norm in ("a", "an"):
                # "a recent attack", "an unclaimed drone strike": an unnamed perpetrator.
                result.sector, result.matched_by = "UAF", "unattributed"
            return result
        result = PhraseResult(head_noun=noun, definite=definite)
        if owner is not None and owner.code and (owners or not definite):
            result.code, result.matched_by = owner.code, "owner"
            if owner.entry is not None and owner.entry.kind not in ("country", "capital", "place"):
                # "A Popular Mobilization Forces headquarters": the organisation's own.
                result.sector, result.name, result.entry = owner.sector, owner.name, owner.entry
        return result

    def _people_where_they_live(
        self,
        result: PhraseResult,
        head_name: Found,
        names: list[Found],
        tokens: list[Tok],
        tail: list[Tok],
        date: dt.date,
    ) -> None:
        """A people named by a demonym is coded by where it lives, as CAMEO and PLOVER coders
        do: "Bosnian Serbs" -> BIH, "ethnic Albanians in south Serbia" -> SRB."""
        head = tokens[head_name.end - 1]
        if head_name.end - head_name.start != 1 or not head.norm.endswith("s"):
            return  # a country's name ("Serbia", "the Philippines"), not a people
        if head.norm in {alias_key(a) for a in result.entry.aliases[:1]}:  # type: ignore[union-attr]
            return
        before = next((n for n in names if n.end == head_name.start), None)
        if before is not None:
            where = self._choose(before.entries, date)
            if where.kind == "country" and where.code != result.code:
                result.code, result.name, result.entry = where.code, None, None
                result.matched_by = "alias+place"
                return
        # Nationals abroad keep their nationality ("Americans in Iraq"); an ethnic group, or a
        # people "of" a place, is coded by the place.
        ethnic = any(t.norm == "ethnic" for t in tokens[: head_name.start])
        for prep, phrase in _attachments(tail):
            if prep != "of" and not (ethnic and prep in ("in", "inside", "across")):
                continue
            place = self._resolve_tokens(phrase, date)
            kind = place.entry.kind if place.entry is not None else ""
            if (
                place.code
                and place.code != result.code
                and (kind in ("country", "capital", "place") or place.matched_by == "place")
            ):
                result.code, result.name, result.entry = place.code, None, None
                result.matched_by = "alias+place"
            return

    def _owned(
        self,
        item: Found,
        head_agent: Found | None,
        tokens: list[Tok],
        tail: list[Tok],
        date: dt.date,
    ) -> PhraseResult:
        """One actor of a compound: the name alone, or the name owning the head noun."""
        entry = self._choose(item.entries, date)
        if head_agent is None:
            return self._entry_result(entry, date, "alias")
        owner = self._entry_result(entry, date, "alias")
        if entry.kind in ("country", "capital", "place"):
            owner.sector, owner.entry = "", None
        return self._agent_result(head_agent, owner, None, date, tokens, tail)

    def _coordinated(self, tokens: list[Tok], names: list[Found], head_end: int) -> list[Found]:
        """Names in the head joined by "and"/"," and nothing else."""
        head_names = [n for n in names if n.end <= head_end]
        if len(head_names) < 2:
            return []
        run = [head_names[0]]
        for item in head_names[1:]:
            between = {t.norm for t in tokens[run[-1].end : item.start]}
            if between and between <= {"and", "or"}:
                run.append(item)
            elif not between:
                run = [item]
            else:
                run = [item]
        return run if len(run) >= 2 else []

    def _entry_result(self, entry: ActorEntry, date: dt.date, how: str) -> PhraseResult:
        code, sector, _role = entry.at(date)
        return PhraseResult(entry.name, code, sector, how, entry)

    def _named(
        self,
        found: Found,
        tokens: list[Tok],
        head_agent: Found | None,
        agents: list[Found],
        tail: list[Tok],
        date: dt.date,
    ) -> PhraseResult:
        entry = self._choose(found.entries, date)
        result = self._entry_result(entry, date, "alias")
        if entry.kind == "capital" and (found.start > 0 or tail):
            # "Baghdad police", "in Kyiv": a place, not the government.
            result.sector = ""
        if entry.kind in ("country", "place", "capital") and (found.start > 0 or tail):
            result.matched_by = "place" if entry.kind != "country" else "alias"
        if entry.kind == "person" and found.start > 0:
            before = [a for a in agents if a.end <= found.start and a.agent]
            if any(a.agent.sector == "ELI" for a in before if a.agent):
                result.sector = "ELI"
            elif before and before[-1].agent and before[-1].agent.sector in OFFICE_SECTORS:
                # "UK Defence Secretary Ben Wallace": the text gives the office held then.
                result.sector, result.matched_by = before[-1].agent.sector, "alias+title"
        if entry.kind == "person" and tail and tail[0].norm in ("of", "from"):
            # "King Hassan of Morocco": the country written out wins over a namesake's.
            country = self._resolve_tokens(tail[1:], date)
            if (
                country.entry is not None
                and country.entry.kind in ("country", "capital")
                and country.code != result.code
            ):
                result.code, result.entry = country.code, None
                result.name = (
                    self._source_text[tokens[found.start].start : tokens[found.end - 1].end]
                    or entry.name
                )
        # A coreferring definite head noun: "the movement" is resolved by the article stage.
        return result

    def _choose(self, entries: list[ActorEntry], date: dt.date) -> ActorEntry:
        if len(entries) == 1:
            return entries[0]
        best_rank = entries[0].rank
        same = [e for e in entries if e.rank == best_rank]
        active = [e for e in same if any(r.active(date) for r in e.roles)]
        return (active or same)[0]

    def _owner(
        self, owners: list[Found], tokens: list[Tok], tail: list[Tok], date: dt.date
    ) -> PhraseResult | None:
        """Who a sector noun belongs to: a name in the head (closest to the noun first), else an
        of/for/from phrase, else where it is ("police in Kyiv")."""
        for item in reversed(owners):
            entry = self._choose(item.entries, date)
            result = self._entry_result(entry, date, "alias")
            if entry.kind in ("country", "capital", "place", "pre"):
                result.sector = "PRE" if entry.kind == "pre" else ""
                result.entry = entry if entry.kind == "pre" else None
            return result
        fallback = None
        for prep, phrase in _attachments(tail):
            if prep in OWNER_PREPOSITIONS or prep in LOCATION_PREPOSITIONS:
                sub = self._resolve_tokens(phrase, date)
                if not sub.code:
                    continue
                if prep in OWNER_PREPOSITIONS and (sub.entry is not None or sub.sector):
                    return sub
                if fallback is None:
                    fallback = PhraseResult(code=sub.code, name=sub.name)
        return fallback

    def _agent_result(
        self,
        head_agent: Found | None,
        owner: PhraseResult | None,
        person_name: str | None,
        date: dt.date,
        tokens: list[Tok],
        tail: list[Tok],
    ) -> PhraseResult:
        agent = head_agent.agent if head_agent else None
        result = PhraseResult(person_name=person_name)
        result.sector = agent.sector if agent else ""
        result.matched_by = "agent" if agent else None
        org_owned = False
        if owner is not None:
            result.code = owner.code
            org_owned = bool(owner.sector) and (
                owner.entry is None
                or owner.entry.kind not in ("country", "capital", "place", "person")
            )
            if org_owned and owner.sector and (agent is None or agent.sector != "ELI"):
                result.sector = owner.sector
            if owner.entry is not None and owner.entry.kind == "person":
                # "a Biden administration official": the person's country, the noun's sector.
                result.sector = agent.sector if agent else owner.sector
            result.name = owner.name if org_owned and not person_name else None
            result.matched_by = "agent" if agent else "owner"
        # A title of a country ("the French president") is an office holder; a title of an
        # organisation ("president of the Riigikogu", "of the Chadian Human Rights League") is
        # that organisation's officer, with its sector.
        if (
            head_agent is not None
            and head_agent.office
            and result.code
            and not person_name
            and (not org_owned)
        ):
            holder = self.dictionary.office_holder(result.code, head_agent.office, date)
            if holder is None and head_agent.office == "leader":
                for office in ("supreme leader", "president", "king", "emir", "prime minister"):
                    holder = self.dictionary.office_holder(result.code, office, date)
                    if holder:
                        break
            former = any(t.norm in FORMER_WORDS for t in tokens)
            if holder is not None and not former:
                entry, role = holder
                result.name, result.entry = entry.name, entry
                result.sector, result.matched_by = role.sector, "office"
        if person_name:
            result.name = person_name
            result.matched_by = (result.matched_by or "name") + "+title" if agent else "name"
        return result

    def _place_as_given_name(
        self, tokens: list[Tok], owners: list[Found], date: dt.date
    ) -> Found | None:
        """A one-word country or city name written just before an unknown name, as a noun
        ("Jordan", "Paris"), not as an adjective ("Iraqi"): the person's given name."""
        start = self._name_start
        before = next((o for o in owners if o.end == start and o.end - o.start == 1), None)
        if before is None or (before.start > 0 and tokens[before.start - 1].capitalized):
            return None
        entry = self._choose(before.entries, date)
        if entry.kind not in ("country", "capital", "place"):
            return None
        token = tokens[before.start]
        if entry.kind == "country" and token.norm != alias_key(entry.name):
            return None  # "Iraqi Hadi al-Amiri": the adjective says whose he is
        return before

    def _place_before(
        self, tokens: list[Tok], head_agent: Found, names: list[Found], agents: list[Found]
    ) -> PhraseResult | None:
        """A town the dictionary does not know, written before a sector noun: "Dehli police",
        "Amherst College" -> the town's country (from the gazetteer); a surname all of whose
        bearers share a country: "Bush administration" -> USA."""
        covered = {i for f in [*names, *agents] for i in range(f.start, f.end)}
        start = head_agent.start
        while start - 1 >= 0 and start - 1 not in covered and tokens[start - 1].capitalized:
            start -= 1
        if start == head_agent.start or tokens[start].norm in DETERMINERS:
            return None
        text = self._source_text[tokens[start].start : tokens[head_agent.start - 1].end]
        key = alias_key(text)
        if not text or key in self.dictionary.person_words:
            # "the Bush administration": a person's, not the Egyptian town's.
            code = self.dictionary.surname_codes.get(key)
            return PhraseResult(code=code, matched_by="owner") if code else None
        place = self.places(text) if self.places is not None else None
        return PhraseResult(code=place, matched_by="place") if place else None

    def _unknown_name(
        self, tokens: list[Tok], head_index: int, names: list[Found], agents: list[Found]
    ) -> str | None:
        """A run of capitalised words at the end of the head that the dictionary does not know
        ("Governor Vadim Shumkov" -> "Vadim Shumkov")."""
        covered = {i for f in [*names, *agents] for i in range(f.start, f.end)}
        if head_index in covered or not tokens[head_index].capitalized:
            return None
        start = head_index
        while (
            start - 1 >= 0
            and start - 1 not in covered
            and (
                tokens[start - 1].capitalized
                or (tokens[start - 1].norm in NAME_PARTICLES and start - 2 >= 0)
            )
        ):
            start -= 1
        while tokens[start].norm in NAME_PARTICLES and start < head_index:
            start += 1
        run = tokens[start : head_index + 1]
        if not run or (all(t.upper for t in run) and len(run) == 1):
            return None
        self._name_start = start
        return self._source_text[run[0].start : run[-1].end] if self._source_text else None


def _surname_inside(found: Found, tokens: list[Tok]) -> bool:
    """A surname alone counts only where a name ends a noun phrase ("President Mugabe",
    "Mugabe's party", "Mugabe in Harare"), not before another noun ("Power cuts")."""
    if not found.surname or tokens[found.start].possessive or found.end == len(tokens):
        return False
    following = tokens[found.end]
    return following.norm not in PREPOSITIONS and following.norm != ","


def _cut_at_comma(tokens: list[Tok]) -> list[Tok]:
    """A phrase ends at its first comma ("the office of X, spokesperson Y" is two phrases),
    except in a list of names ("Jordan, Egypt and Iraq")."""
    if not any(t.norm == "," for t in tokens):
        return tokens
    pieces: list[list[Tok]] = [[]]
    for token in tokens:
        if token.norm == ",":
            pieces.append([])
        else:
            pieces[-1].append(token)
    listed = all(
        p and len(p) <= 4 and all(t.capitalized or t.norm in ("and", "or", "the") for t in p)
        for p in pieces
    )
    if listed and len(pieces) > 1:
        return [t for t in tokens if t.norm != ","]
    return pieces[0]


def _attachments(tail: list[Tok]) -> list[tuple[str, list[Tok]]]:
    """(preposition, phrase) pairs of the tokens after the head."""
    parts: list[tuple[str, list[Tok]]] = []
    for token in tail:
        if token.norm in PREPOSITIONS and not token.capitalized:
            parts.append((token.norm, []))
        elif parts:
            parts[-1][1].append(token)
    return [(p, toks) for p, toks in parts if toks]
