"""`flashpoint eval-actors GOLD.jsonl`: actor resolution scored against NGEC-style checks.

Gold lines (`../shared/gold/ngec_actor_resolution_dev.jsonl`): {method, text, context?, date?,
expected_country?, expected_sector?, expected_sector_2?}. Scored methods: `agent_to_code`
(names, titles and descriptions with an optional date and context), `short_text_to_agent`
(sector nouns), `search_nat` (country names). Lines of other methods (`query_wiki`: Wikipedia
look-ups, which Flashpoint does not do offline) are counted as skipped.

Per method:
- country accuracy over the lines with an `expected_country` (an empty expectation is met by
  an empty code: "gunmen" has no country);
- sector accuracy over the lines with an `expected_sector` (met by the expected sector or by
  `expected_sector_2`, the secondary sector NGEC also accepts; "????" lines are skipped).
CAMEO-era codes are mapped as in `flashpoint eval`; NGEC's XKX for Kosovo is PLOVER's KOS.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flashpoint.errors import InputError
from flashpoint.evaluate.events import LEGACY_CODES
from flashpoint.evaluate.gold import gold_lines
from flashpoint.stages.actors import ActorResolver

METHODS = ("agent_to_code", "short_text_to_agent", "search_nat")
CODE_ALIASES = {**LEGACY_CODES, "XKX": "KOS"}


@dataclass
class GoldActor:
    line: int
    method: str
    text: str
    context: str | None
    date: dt.date | None
    country: str | None  # None: not checked
    sectors: tuple[str, ...]  # empty: not checked


@dataclass
class MethodScore:
    country_right: int = 0
    country_total: int = 0
    sector_right: int = 0
    sector_total: int = 0
    errors: list[dict] = field(default_factory=list)

    def as_dict(self, with_errors: bool) -> dict:
        data = {
            "country_n": self.country_total,
            "country_accuracy": _ratio(self.country_right, self.country_total),
            "sector_n": self.sector_total,
            "sector_accuracy": _ratio(self.sector_right, self.sector_total),
        }
        if with_errors:
            data["errors"] = self.errors
        return data


def _ratio(right: int, total: int) -> float | None:
    return round(right / total, 4) if total else None


def parse_gold_date(value: object) -> dt.date | None:
    """ISO dates and the free forms NGEC uses ("1 January 2018"); "Today" and empty: None."""
    if not value or not isinstance(value, str) or value.strip().lower() in ("today", "now"):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        pass
    import dateparser  # only for the free-form dates of some gold lines

    parsed = dateparser.parse(value, languages=["en"])
    return parsed.date() if parsed else None


def code(value: str | None) -> str:
    value = (value or "").strip().upper()
    return CODE_ALIASES.get(value, value)


def read_gold(path: Path) -> Iterator[GoldActor | InputError]:
    for entry in gold_lines(path):
        if isinstance(entry, InputError):
            yield entry
            continue
        number, _, data = entry
        sectors = tuple(
            s
            for s in (data.get("expected_sector"), data.get("expected_sector_2"))
            if isinstance(s, str) and s != "????"
        )
        if data.get("expected_sector") == "????":
            sectors = ()
        yield GoldActor(
            line=number,
            method=str(data.get("method") or ""),
            text=data["text"],
            context=data.get("context") or None,
            date=parse_gold_date(data.get("date")),
            country=code(data["expected_country"]) if "expected_country" in data else None,
            sectors=sectors,
        )


def evaluate_actors(path: Path, resolver: ActorResolver, with_errors: bool = False) -> dict:
    scores = {method: MethodScore() for method in METHODS}
    skipped = 0
    problems: list[str] = []
    for item in read_gold(path):
        if isinstance(item, InputError):
            problems.append(item.message)
            continue
        if item.method not in scores:
            skipped += 1
            continue
        score = scores[item.method]
        result = resolver.resolve(item.text, date=item.date, context=item.context)
        predicted_code, predicted_sector = code(result.code), (result.sector or "")
        wrong = []
        if item.country is not None:
            score.country_total += 1
            if predicted_code == item.country:
                score.country_right += 1
            else:
                wrong.append("country")
        if item.sectors:
            score.sector_total += 1
            if predicted_sector in item.sectors:
                score.sector_right += 1
            else:
                wrong.append("sector")
        if wrong:
            score.errors.append(
                {
                    "line": item.line,
                    "text": item.text,
                    "wrong": wrong,
                    "expected": [item.country, list(item.sectors)],
                    "predicted": [predicted_code, predicted_sector],
                    "matched_by": result.matched_by,
                }
            )
    return {
        "file": str(path),
        "methods": {m: s.as_dict(with_errors) for m, s in scores.items()},
        "skipped": skipped,
        "invalid_lines": problems,
    }
