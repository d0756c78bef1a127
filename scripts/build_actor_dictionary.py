"""Build the actor and agent dictionaries shipped in `src/flashpoint/data/`.

Sources (all MIT, see NOTICE.md):
- Phoenix (openeventdata/petrarch2): Phoenix.Countries.actors.txt (country names, places,
  institutions and date-ranged office holders up to 2014), Phoenix.International.actors.txt
  (IGOs, NGOs, multinationals), Phoenix.MilNonState.actors.txt (armed non-state groups),
  Phoenix.agents.txt (sector nouns, CAMEO sectors);
- NGEC (ahalterman/NGEC): countries.csv (names and nationality adjectives), PLOVER_agents.txt
  (sector nouns already recoded to PLOVER's sectors).

Outputs:
- `actors_phoenix.tsv`: one entity a line: name, code, sector, kind, aliases (|-separated),
  roles (`SECTOR:CODE:FROM:TO` ;-separated, ISO dates, empty for open), source;
- `agents.tsv`: one sector noun phrase a line: pattern, sector, secondary sector, source.

CAMEO codes become PLOVER's: the first three letters are the country (ISO3) or the entity code
(IGO, NGO, IMG, MNC; IGO+UNO is UNO, IGO+EUR is EUR), the next three the sector, with CAMEO's
sector codes mapped to PLOVER's (MED is media -> JRN, HLH is health -> MED, INS/SEP -> REB).
Regional codes (AFR, MEA, WEU, ...) are dropped: PLOVER does not code regions.

Hand-curated, up-to-date entries are not built here: they live in `data/actors_curated.yaml`
and override these at load time.

Usage: python scripts/build_actor_dictionary.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "flashpoint" / "data"
sys.path.insert(0, str(ROOT / "src"))
from flashpoint.actor_dictionary import alias_keys  # noqa: E402 - after the path is set

PLOVER_SECTORS = {
    "COP", "GOV", "JUD", "LEG", "MIL", "PRM", "PTY", "REB", "SPY", "UAF", "UNK", "AGR", "BUS",
    "CRM", "CVL", "EDU", "ELI", "JRN", "LAB", "MED", "REF", "OPP", "PRE", "REL", "SOC",
}  # fmt: skip
# CAMEO sector codes that PLOVER renamed or merged.
CAMEO_SECTORS = {
    "MED": "JRN",
    "HLH": "MED",
    "INS": "REB",
    "SEP": "REB",
    "RAD": "OPP",
    "HRI": "SOC",
    "ENV": "SOC",
    "DEV": "SOC",
    "CHR": "REL",
    "MUS": "REL",
    "JEW": "REL",
    "BUD": "REL",
    "HIN": "REL",
    "CTH": "REL",
    "MOS": "REL",
    "SHI": "REL",
    "SUN": "REL",
    "CIV": "CVL",
    "NON": "",
    "JNK": "",
}
ENTITY_CODES = {"IGO", "NGO", "IMG", "MNC", "UNO", "EUR", "ISM"}
# CAMEO-era country codes that differ from ISO 3166 alpha-3 (PLOVER codes Kosovo KOS).
LEGACY_CODES = {
    "JAP": "JPN", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "BUR": "MMR", "KSV": "KOS",
    "PAL": "PSE", "SER": "SRB", "MON": "MNE", "GER": "DEU", "ANG": "AGO", "GZA": "PSE",
    "SCG": "SRB", "FRY": "SRB", "YUG": "SRB", "USR": "RUS", "SUN": "RUS", "DDR": "DEU",
    "XKX": "KOS",
}  # fmt: skip
EXTRA_ISO3 = {"PSE", "KOS", "TWN", "HKG", "VAT", "ESH", "SSD", "TLS", "MNE", "SRB"}

STEMS = {"minist": ["minister", "ministry"], "compan": ["company"], "ministr": ["ministry"]}
MIT_HEADER = (
    "# Derived from the Phoenix dictionaries (openeventdata/petrarch2, MIT, (c) 2014 Open Event\n"
    "# Data Alliance) and NGEC (ahalterman/NGEC, MIT). Built by\n"
    "# scripts/build_actor_dictionary.py;\n"
    "# do not edit by hand: add or override entries in actors_curated.yaml or a --actors file.\n"
)


@dataclass
class Role:
    code: str
    sector: str
    start: dt.date | None
    end: dt.date | None

    def text(self) -> str:
        return ":".join(
            [self.sector, self.code, self.start.isoformat() if self.start else "",
             self.end.isoformat() if self.end else ""]
        )  # fmt: skip


@dataclass
class RawEntry:
    name: str
    aliases: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # the bracketed code strings
    source: str = ""


def pattern_text(pattern: str) -> str:
    """TABARI pattern -> plain text: underscores are spaces, a trailing _ marks a word end."""
    text = pattern.strip().rstrip("_").replace("_", " ")
    text = re.sub(r"\s+", " ", text).strip()
    return text


def parse_tabari(path: Path, source: str) -> list[RawEntry]:
    """Entries of a TABARI .actors file: NAME [CODE ...] with +ALIAS lines and code lines."""
    entries: list[RawEntry] = []
    current: RawEntry | None = None
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        codes = re.findall(r"\[([^\]]*)\]", line)
        head = re.sub(r"\[[^\]]*\]", "", line).strip()
        if raw[:1] in (" ", "\t") and not head:
            if current is not None:
                current.codes.extend(codes)
            continue
        if head.startswith("+"):
            if current is not None:
                current.aliases.append(pattern_text(head[1:]))
                current.codes.extend(codes)
            continue
        if head.startswith("!") or "=" in head:
            continue
        current = RawEntry(name=pattern_text(head), codes=list(codes), source=source)
        entries.append(current)
    return [e for e in entries if e.name]


def parse_date(text: str) -> dt.date | None:
    digits = re.sub(r"\D", "", text)
    if len(digits) > 8:
        digits = digits[-8:]
    try:
        if len(digits) == 6:
            year = int(digits[:2])
            # Phoenix dates stop in 2014: two-digit years up to 14 are 20xx.
            year += 2000 if year <= 14 else 1900
            return dt.date(year, int(digits[2:4]) or 1, int(digits[4:6]) or 1)
        if len(digits) == 8:
            return dt.date(int(digits[:4]), int(digits[4:6]) or 1, int(digits[6:8]) or 1)
    except ValueError:
        return None
    return None


def split_code(cameo: str, valid: set[str]) -> tuple[str, str] | None:
    """CAMEO actor code -> (PLOVER country/entity code, PLOVER sector), or None if uncoded."""
    cameo = cameo.strip().upper()
    if len(cameo) < 3:
        # A bare sector ("[ELI]") keeps the country of the entry's other roles.
        return None
    head = LEGACY_CODES.get(cameo[:3], cameo[:3])
    chunks = [cameo[i : i + 3] for i in range(3, len(cameo), 3)]
    if head == "IGO" and chunks and chunks[0] in ("UNO", "EUR"):
        head = chunks.pop(0)
    if head not in valid and head not in ENTITY_CODES:
        return None
    sector = ""
    for chunk in chunks:
        chunk = CAMEO_SECTORS.get(chunk, chunk)
        if chunk in PLOVER_SECTORS:
            sector = chunk
            break
    return head, sector


def roles_of(entry: RawEntry, valid: set[str]) -> list[Role]:
    roles: list[Role] = []
    bare_sectors: list[tuple[str, str]] = []
    for code_text in entry.codes:
        parts = code_text.split()
        if not parts:
            continue
        code, dates = parts[0], " ".join(parts[1:])
        start = end = None
        if dates.startswith(">"):
            start = parse_date(dates[1:])
        elif dates.startswith("<"):
            end = parse_date(dates[1:])
        elif "-" in dates:
            left, right = dates.split("-", 1)
            start, end = parse_date(left), parse_date(right)
        if code.startswith("~"):
            continue
        split = split_code(code, valid)
        if split is None:
            sector = CAMEO_SECTORS.get(code[:3].upper(), code[:3].upper())
            if sector in PLOVER_SECTORS:
                bare_sectors.append((sector, dates))
            continue
        roles.append(Role(split[0], split[1], start, end))
    if roles and bare_sectors:
        # "[ELI]" after dated roles: the default once the dated roles are over.
        last = max((r.end for r in roles if r.end), default=None)
        for sector, _dates in bare_sectors:
            roles.append(Role(roles[-1].code, sector, last, None))
    return roles


def is_country_block(entry: RawEntry) -> bool:
    """The first entry of a country section: a bare country code, possibly date-ranged."""
    return bool(entry.codes) and all(
        re.fullmatch(r"[A-Z]{3}(OCC)?( .*)?", c.strip()) for c in entry.codes
    )


def load_valid_codes(ngec: Path) -> set[str]:
    valid = set(EXTRA_ISO3)
    with (ngec / "countries.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            valid.add(row["CCA3"].strip())
    with (ngec / "cow2iso.txt").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row.get("iso3"):
                valid.add(row["iso3"].strip())
    return valid


_PARENTHESIS = re.compile(r"\s*\(([^()]*)\)?\s*")


def split_parenthesis(alias: str) -> list[str]:
    """'LIBERATION TIGERS OF TAMIL EELAM (LTTE)' -> the name and the acronym as two aliases; an
    unclosed note ('STANKO TODOROV (ACTING') is dropped."""
    match = _PARENTHESIS.search(alias)
    if match is None:
        return [alias]
    main = (alias[: match.start()] + " " + alias[match.end() :]).strip()
    inner = match.group(1).strip()
    closed = alias[match.start() : match.end()].rstrip().endswith(")")
    return [main, inner] if closed and inner else [main]


def clean_alias(alias: str) -> str | None:
    alias = alias.strip()
    if len(alias) < 2 or not re.search(r"[A-Za-z]", alias):
        return None
    return alias


# Short words Phoenix writes in capitals that are words, not acronyms.
PLAIN_WORDS = {
    "THE", "OF", "AND", "IN", "FOR", "ON", "AT", "TO", "BY", "NEW", "LAW", "WAY", "BAY", "ERA",
    "WAR", "ALL", "AL", "EL", "DE", "LA", "DU", "LE", "BIN", "IBN", "ABU", "BAN", "KIM", "LEE",
    "SUN", "MAN", "RED", "SEA", "ART", "AID", "OIL", "GAS", "CAR",
}  # fmt: skip


def title_case(text: str) -> str:
    words = []
    for index, word in enumerate(text.split()):
        if index and word in ("OF", "AND", "THE", "IN", "FOR", "ON", "AT", "TO", "BY"):
            words.append(word.lower())
        elif len(word) <= 4 and word.isupper() and "." not in word and word not in PLAIN_WORDS:
            words.append(word if word.isalpha() and len(word) <= 3 else word.title())
        else:
            words.append(word.title() if word.isupper() else word)
    return " ".join(words)


def build_actors(shared: Path) -> list[list[str]]:
    dictionaries = shared / "reference" / "dictionaries"
    phoenix, ngec = dictionaries / "petrarch2", dictionaries / "NGEC"
    valid = load_valid_codes(ngec)
    rows: list[list[str]] = []
    seen: set[tuple[str, str]] = set()

    # Countries: NGEC names and nationality adjectives first.
    country_aliases: dict[str, set[str]] = defaultdict(set)
    country_names: dict[str, str] = {}
    with (ngec / "countries.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = LEGACY_CODES.get(row["CCA3"].strip(), row["CCA3"].strip())
            if code in ("EUR", "UNO"):
                continue  # organisations: in actors_curated.yaml
            if len(code) == 6:
                # Partially recognised entities: claimant state + PRE (PLOVER section 5).
                aliases = [row["Name"].strip()]
                aliases += [a.strip() for a in row["Nationality"].split(",") if clean_alias(a)]
                rows.append(
                    [row["Name"].strip(), code[:3], code[3:], "pre", "|".join(aliases), "",
                     "ngec-countries"]
                )  # fmt: skip
                continue
            country_names[code] = row["Name"].strip()
            country_aliases[code].add(row["Name"].strip())
            for item in row["Nationality"].split(","):
                if clean_alias(item):
                    country_aliases[code].add(item.strip())

    files = [
        ("phoenix-countries", phoenix / "Phoenix.Countries.actors.txt"),
        ("phoenix-international", phoenix / "Phoenix.International.actors.txt"),
        ("phoenix-nonstate", phoenix / "Phoenix.MilNonState.actors.txt"),
    ]
    for source, path in files:
        for entry in parse_tabari(path, source):
            written = [p for x in [entry.name, *entry.aliases] for p in split_parenthesis(x)]
            aliases = [a for a in (clean_alias(x) for x in written) if a]
            if source == "phoenix-countries" and is_country_block(entry):
                # Country names, spellings and places: the country, no sector.
                codes = {LEGACY_CODES.get(c.strip()[:3], c.strip()[:3]) for c in entry.codes}
                codes &= valid
                if len(codes) == 1:
                    (code,) = codes
                    country_aliases[code].update(title_case(a) for a in aliases)
                    country_names.setdefault(code, title_case(entry.name))
                continue
            roles = roles_of(entry, valid)
            if not roles:
                continue
            dated = [r for r in roles if r.start or r.end]
            first = roles[0] if not dated else None
            code = (first or dated[-1]).code
            sector = (first or dated[-1]).sector
            kind = "person" if dated else "org"
            name = title_case(split_parenthesis(entry.name)[0])
            key = (name.lower(), code)
            if key in seen:
                continue
            seen.add(key)
            role_text = ";".join(r.text() for r in roles) if dated else ""
            display = list(dict.fromkeys(title_case(a) for a in aliases))
            keys = alias_keys(_acronyms_kept(aliases))
            rows.append([name, code, sector, kind, "|".join(display), role_text, source,
                         "|".join(keys)])  # fmt: skip
    country_rows = []
    for code in sorted(country_aliases):
        names = sorted(country_aliases[code])
        keys = alias_keys(_acronyms_kept(names))
        country_rows.append([country_names[code], code, "", "country", "|".join(names), "",
                             "ngec+phoenix-countries", "|".join(keys)])  # fmt: skip
    for row in rows:
        if len(row) == 7:  # partially recognised entities (NGEC)
            row.append("|".join(alias_keys(row[4].split("|"))))
    return country_rows + rows


def _acronyms_kept(aliases: Iterable[str]) -> list[str]:
    """Phoenix writes everything in capitals: only short single words stay acronyms ("UN",
    "KRG"); the rest is matched without regard to case."""
    kept = []
    for alias in aliases:
        words = alias.split()
        if len(words) == 2 and words[0] == "THE":
            words, alias = words[1:], words[1]
        if len(words) == 1 and alias.isupper() and len(alias.replace(".", "")) <= 3:
            kept.append(alias)
        else:
            kept.append(alias.title() if alias.isupper() else alias)
    return kept


def expand_agent(
    pattern: str, plural: str | None, substitutions: dict[str, list[str]]
) -> list[str]:
    forms = [pattern]
    if plural:
        forms.append(plural)
    expanded: list[str] = []
    for form in forms:
        pending = [form]
        while pending:
            item = pending.pop()
            match = re.search(r"!([A-Z]+)!", item)
            if match and match.group(1) in substitutions:
                for value in substitutions[match.group(1)]:
                    pending.append(item[: match.start()] + value + item[match.end() :])
            else:
                expanded.append(item)
    forms = [pattern_text(x.replace(" ", "_")).lower() for x in expanded if x.strip()]
    # A few TABARI stems ("MINIST") stand for whole words: spell them out.
    spelled = []
    for form in forms:
        words = form.split()
        if words and words[-1] in STEMS:
            spelled.extend(" ".join([*words[:-1], w]) for w in STEMS[words[-1]])
        else:
            spelled.append(form)
    return spelled


def parse_agents(path: Path, source: str) -> list[tuple[str, str, str, str]]:
    substitutions: dict[str, list[str]] = {}
    rows = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        sub = re.fullmatch(r"!([A-Z]+)!\s*=\s*(.+)", line)
        if sub:
            substitutions[sub.group(1)] = [v.strip() for v in sub.group(2).split(",")]
            continue
        code = re.search(r"\[~([A-Z]*)\]", line)
        if not code:
            continue
        plural_match = re.search(r"\{([^}]*)\}", line)
        plural = plural_match.group(1).strip() if plural_match else None
        pattern = re.sub(r"\[[^\]]*\]|\{[^}]*\}", "", line).strip()
        chunks = [code.group(1)[i : i + 3] for i in range(0, len(code.group(1)), 3)]
        sectors = []
        for chunk in chunks:
            mapped = chunk if source == "ngec" else CAMEO_SECTORS.get(chunk, chunk)
            if mapped in PLOVER_SECTORS or mapped in ("IGO", "NGO", "IMG"):
                sectors.append(mapped)
        if chunks and chunks[0] in ("JNK", "NON"):
            sectors = ["-"]  # explicitly not an agent
        if not sectors:
            continue
        primary = sectors[0]
        secondary = sectors[1] if len(sectors) > 1 else ""
        for form in expand_agent(pattern, plural or None, substitutions):
            if form:
                rows.append((form, primary, secondary, source))
    return rows


def build_agents(shared: Path) -> list[tuple[str, str, str, str]]:
    dictionaries = shared / "reference" / "dictionaries"
    rows: dict[str, tuple[str, str, str, str]] = {}
    # NGEC's list is already in PLOVER's sectors; Phoenix fills in what it lacks.
    for row in parse_agents(dictionaries / "petrarch2" / "Phoenix.agents.txt", "phoenix"):
        rows[row[0]] = row
    for row in parse_agents(dictionaries / "NGEC" / "PLOVER_agents.txt", "ngec"):
        rows[row[0]] = row
    return sorted(rows.values())


def write_tsv(path: Path, header: str, columns: list[str], rows: list) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(header)
        handle.write("\t".join(columns) + "\n")
        for row in rows:
            handle.write("\t".join(str(c).replace("\t", " ") for c in row) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    actors = build_actors(args.shared)
    write_tsv(
        DATA / "actors_phoenix.tsv",
        MIT_HEADER,
        ["name", "code", "sector", "kind", "aliases", "roles", "source", "keys"],
        actors,
    )
    agents = build_agents(args.shared)
    write_tsv(
        DATA / "agents.tsv",
        MIT_HEADER.replace("actors_curated.yaml", "actors_curated.yaml (agents:)"),
        ["pattern", "sector", "secondary", "source"],
        agents,
    )
    print(f"{len(actors)} actors, {len(agents)} agent patterns written to {DATA}")


if __name__ == "__main__":
    main()
