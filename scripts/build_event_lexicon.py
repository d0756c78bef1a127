"""Build the shipped event lexicon from the Phoenix CAMEO verb dictionary and the
CAMEO-to-PLOVER table.

    python scripts/build_event_lexicon.py [--shared ../shared]

Reads  reference/dictionaries/petrarch2/CAMEO.2.0.txt   (MIT, Open Event Data Alliance)
       reference/CAMEO2PLOVER-2021.txt                  (CC BY-SA 4.0, openeventdata/PLOVER)
Writes src/flashpoint/data/cameo_plover.tsv    CAMEO code -> PLOVER event, mode, context
       src/flashpoint/data/phoenix_verbs.tsv   verb lemma + object pattern -> CAMEO, PLOVER
       src/flashpoint/data/phoenix_synsets.tsv synonym sets the patterns use (&NAME)

The hand-written rules in data/event_rules.yaml take precedence over these at run time.
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "flashpoint" / "data"

# Mode names in the 2021 table that are not modes of the current (v2.0) manual.
MODE_FIXES = {
    "ban": "restrict",
    "political": "restrict",
    "return": "release",
    "ease": "",
    "assassinate": "targeted",
    "massacre": "targeted",
    "cleansing": "targeted",
    "pro_autocracy": "",
}
# Code-level corrections where the table's mode disagrees with the manual's definitions.
CODE_FIXES = {
    "1712": ("ASSAULT", "destroy"),  # destroy property
    "195": ("ASSAULT", "aerial"),  # employ aerial weapons
    "1823": ("ASSAULT", "targeted"),  # kill by physical assault
    "175": ("ASSAULT", "crowd-control"),  # violent repression
    "201": ("ASSAULT", "targeted"),  # mass expulsion
}


def read_cameo_plover(path: Path) -> dict[str, tuple[str, str, str, str]]:
    """code -> (event, mode, context, description)."""
    table: dict[str, tuple[str, str, str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(
            r"^(\d{2,4}):\s*([A-Z]+)\s*(?:,([^,#]*))?(?:,([^#]*))?(?:#\s*(.*))?$", line
        )
        if not match:
            continue
        code, event, mode, context, description = match.groups()
        mode = (mode or "").strip().lower()
        mode = MODE_FIXES.get(mode, mode)
        context = ";".join(c.strip() for c in (context or "").split(";") if c.strip())
        if code in CODE_FIXES:
            event, mode = CODE_FIXES[code]
        table[code] = (event, mode, context, (description or "").strip())
    # CAMEO 02 APPEAL: PLOVER's REQUEST absorbs appeals (PLOVER.md); reuse the 10x modes.
    for code, row in list(table.items()):
        if code.startswith("10") and len(code) >= 3:
            appeal = "02" + code[2:]
            table.setdefault(appeal, row)
    table.setdefault("02", table["10"])
    return table


def plover_for(code: str, table: dict[str, tuple[str, str, str, str]]) -> tuple[str, str, str]:
    if not code or code.startswith("01") or not code[:2].isdigit():
        return "", "", ""
    for length in range(len(code), 1, -1):
        row = table.get(code[:length])
        if row:
            return row[0], row[1], row[2]
    return "", "", ""


def _clean_code(raw: str | None) -> str:
    if not raw:
        return ""
    parts = [p for p in raw.strip("[]!").split(":") if p.strip()]
    code = parts[0].strip().rstrip("!") if parts else ""
    return "" if code == "---" else code


def _words(text: str) -> str:
    """Dictionary tokens to lower-case words; &SETS kept; markers ($ + ^ % parentheses) dropped."""
    items = []
    for token in re.findall(r"&[A-Z_]+|[A-Z][A-Z0-9'_\-.]*", text):
        if token.startswith("&"):
            items.append(token.lower().rstrip("_"))
        else:
            items.extend(w for w in token.lower().strip("_").split("_") if w)
    return " ".join(items)


def read_verbs(path: Path) -> tuple[list[dict[str, str]], dict[str, list[str]]]:
    rows: list[dict[str, str]] = []
    synsets: dict[str, list[str]] = {}
    current_set: str | None = None
    block_verbs: list[tuple[str, str]] = []
    block_code = ""
    for raw_line in path.read_text(encoding="latin-1").splitlines():
        line = raw_line.split("#", 1)[0].rstrip()
        if not line.strip():
            current_set = None
            continue
        if line.startswith("&"):
            current_set = line.strip().lower().rstrip("_")
            synsets[current_set] = []
            continue
        if current_set and line.startswith("+"):
            synsets[current_set].append(
                " ".join(w for w in line[1:].strip().lower().split("_") if w)
            )
            continue
        block = re.match(r"^---\s+(.+?)\s+\[([^\]]*)\]\s+---", line)
        if block:
            block_verbs = []
            block_code = _clean_code(block.group(2))
            continue
        code_match = re.search(r"\[([^\]]*)\]", line)
        code = _clean_code(code_match.group(1)) if code_match else ""
        if line.startswith("-"):
            pattern = re.sub(r"\[[^\]]*\]", "", line[1:])
            pre, _, post = pattern.partition("*")
            for verb, _verb_code in block_verbs:
                rows.append(
                    {"lemma": verb, "pre": _words(pre), "post": _words(post), "cameo": code}
                )
            continue
        body = re.sub(r"\{[^}]*\}|\[[^\]]*\]", "", line).strip()
        if not body:
            continue
        verb = " ".join(w for w in body.split()[0].lstrip("+").lower().split("_") if w)
        verb_code = code or block_code
        block_verbs.append((verb, verb_code))
        rows.append({"lemma": verb, "pre": "", "post": "", "cameo": verb_code})
    return rows, synsets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    reference = args.shared / "reference"
    table = read_cameo_plover(reference / "CAMEO2PLOVER-2021.txt")
    rows, synsets = read_verbs(reference / "dictionaries" / "petrarch2" / "CAMEO.2.0.txt")

    header = "# Derived from CAMEO2PLOVER-2021.txt (openeventdata/PLOVER, CC BY-SA 4.0) by"
    with (DATA / "cameo_plover.tsv").open("w", encoding="utf-8", newline="") as handle:
        handle.write(f"{header} scripts/build_event_lexicon.py; CC BY-SA 4.0.\n")
        handle.write(
            "# 02x (APPEAL) rows are added by analogy with 10x: PLOVER's REQUEST absorbs them.\n"
        )
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["cameo", "event", "mode", "context", "description"])
        for code in sorted(table):
            writer.writerow([code, *table[code]])

    seen: set[tuple[str, str, str]] = set()
    with (DATA / "phoenix_verbs.tsv").open("w", encoding="utf-8", newline="") as handle:
        handle.write(
            "# Derived from the Phoenix CAMEO verb dictionary CAMEO.2.0.txt\n"
            "# (openeventdata/petrarch2),\n"
            "# Copyright (c) 2015 Open Event Data Alliance, MIT licence; mapped to PLOVER with\n"
            "# cameo_plover.tsv by scripts/build_event_lexicon.py. Do not edit: add rules to\n"
            "# event_rules.yaml instead, which take precedence.\n"
        )
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["lemma", "pre", "post", "cameo", "event", "mode", "context"])
        for row in rows:
            key = (row["lemma"], row["pre"], row["post"])
            if key in seen:
                continue
            seen.add(key)
            event, mode, context = plover_for(row["cameo"], table)
            writer.writerow(
                [row["lemma"], row["pre"], row["post"], row["cameo"], event, mode, context]
            )

    with (DATA / "phoenix_synsets.tsv").open("w", encoding="utf-8", newline="") as handle:
        handle.write("# Synonym sets of CAMEO.2.0.txt (openeventdata/petrarch2, MIT).\n")
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["synset", "word"])
        for name, words in sorted(synsets.items()):
            for word in words:
                writer.writerow([name, word])
    print(f"{len(table)} CAMEO codes, {len(seen)} verb patterns, {len(synsets)} synsets")


if __name__ == "__main__":
    main()
