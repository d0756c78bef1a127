"""Build the CAMEO-to-PLOVER table the exports use (GDELT-style EventCode from PLOVER type and
mode).

    python scripts/build_cameo_table.py [--shared ../shared]

Reads  reference/CAMEO2PLOVER-2021.txt   (CC BY-SA 4.0, openeventdata/PLOVER)
Writes src/flashpoint/data/cameo_plover.tsv    CAMEO code -> PLOVER event, mode, context

Modes the 2021 table names but the v2.0 manual does not are mapped to current modes
(MODE_FIXES); a few codes whose mode disagrees with the manual's definitions are corrected
(CODE_FIXES). CAMEO 02 (APPEAL) rows are added by analogy with 10 (DEMAND): PLOVER's REQUEST
absorbs appeals.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    table = read_cameo_plover(args.shared / "reference" / "CAMEO2PLOVER-2021.txt")
    header = "# Derived from CAMEO2PLOVER-2021.txt (openeventdata/PLOVER, CC BY-SA 4.0) by"
    with (DATA / "cameo_plover.tsv").open("w", encoding="utf-8", newline="") as handle:
        handle.write(f"{header} scripts/build_cameo_table.py; CC BY-SA 4.0.\n")
        handle.write(
            "# 02x (APPEAL) rows are added by analogy with 10x: PLOVER's REQUEST absorbs them.\n"
        )
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["cameo", "event", "mode", "context", "description"])
        for code in sorted(table):
            writer.writerow([code, *table[code]])
    print(f"{len(table)} CAMEO codes")


if __name__ == "__main__":
    main()
