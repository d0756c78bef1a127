"""Article-level training data: the YAML sources in `training/articles/` as gold articles.

Each file in `training/articles/` holds one article written by the project (see
`training/articles/README.md`): its text and the incidents an analyst codes in it, in the
format of `../shared/gold/ARTICLES.md`. Mentions are written as short quoted phrases; this
script widens each to the whole sentence that holds it and writes character offsets, so a
text can be edited without recounting positions. It checks every field and stops with one
line naming the file, the event and the reason on the first problem.

    python -m flashpoint.training_articles [SOURCE_DIR] [OUT.jsonl]

writes them as JSONL (the format `flashpoint eval-articles` reads); `flashpoint train records`
reads the folder directly.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from flashpoint.actor_dictionary import SECTORS
from flashpoint.resources import load_yaml

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIR = ROOT / "training" / "articles"
TEST_DIR = ROOT / "training" / "articles_test"
"""Articles held out: never trained on, never used for a choice; their figures are reported."""
PRECISIONS = {"site", "town", "admin2", "admin1", "country", "region"}
EXTRA_CODES = {"IGO", "UNO", "EUR", "NGO", "IMG", "MNC", "ISM"}
# A sentence ends at . ! ? (with any closing quote or bracket) before white space, or at a
# paragraph break.
SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*(?=\s)|\n\s*\n")
DATE_FORMS = (re.compile(r"\d{4}-\d{2}-\d{2}$"), re.compile(r"\d{4}-\d{2}$"), re.compile(r"\d{4}$"))


class SourceError(ValueError):
    pass


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the sentence(s) holding text[start:end], without surrounding white space."""
    left = 0
    for match in SENTENCE_END.finditer(text, 0, start):
        left = match.end()
    right = len(text)
    match = SENTENCE_END.search(text, max(end - 1, 0))
    if match:
        right = match.end() if not match.group().isspace() else match.start()
    while left < right and text[left].isspace():
        left += 1
    while right > left and text[right - 1].isspace():
        right -= 1
    return left, right


def find_phrase(text: str, phrase: str, where: str) -> tuple[int, int]:
    """Where `phrase` is in the text; `phrase#2` is its second occurrence."""
    wanted = None
    if re.search(r"#\d+$", phrase):
        phrase, number = phrase.rsplit("#", 1)
        wanted = int(number)
    starts = [m.start() for m in re.finditer(re.escape(phrase), text)]
    if not starts:
        raise SourceError(f"{where}: mention {phrase!r} is not in the text")
    if wanted is None and len(starts) > 1:
        raise SourceError(
            f"{where}: mention {phrase!r} occurs {len(starts)} times; write {phrase!r}#N"
        )
    wanted = wanted or 1
    if not 1 <= wanted <= len(starts):
        raise SourceError(f"{where}: mention {phrase!r} has no occurrence {wanted}")
    start = starts[wanted - 1]
    return start, start + len(phrase)


PARTICIPANT_KEYS = frozenset({"text", "code", "sector"})
PLACE_KEYS = frozenset({"text", "lat", "lon", "country", "precision"})


def _known_keys(item: dict[str, Any], known: frozenset[str], where: str) -> None:
    """An unquoted comma in a flow mapping ("{text: more than 4,000 people}") splits the text
    into a second key silently: refuse any key the format does not have."""
    unknown = sorted(str(key) for key in item if key not in known)
    if unknown:
        raise SourceError(f"{where}: unknown key {unknown[0]!r} (quote a text that holds a comma)")


def check_participants(value: Any, where: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SourceError(f"{where}: must be a list of {{text, code, sector}}")
    out = []
    for item in value:
        if not isinstance(item, dict) or not item.get("text"):
            raise SourceError(f"{where}: each participant needs a 'text'")
        _known_keys(item, PARTICIPANT_KEYS, where)
        code, sector = item.get("code"), item.get("sector")
        if code is not None and not (
            code in EXTRA_CODES or (isinstance(code, str) and re.fullmatch(r"[A-Z]{3}", code))
        ):
            raise SourceError(f"{where}: code {code!r} is not ISO3 or an IGO-style code")
        if sector is not None and sector not in SECTORS:
            raise SourceError(f"{where}: sector {sector!r} is not a PLOVER sector")
        out.append({"text": str(item["text"]), "code": code, "sector": sector})
    return out


def build_event(text: str, raw: dict[str, Any], number: int, where: str) -> dict[str, Any]:
    types = set(load_yaml("plover.yaml")["types"])
    where = f"{where} event {number}"
    kind = raw.get("event")
    if kind not in types:
        raise SourceError(f"{where}: {kind!r} is not a PLOVER type")
    place = raw.get("place")
    if place is not None:
        if not isinstance(place, dict) or place.get("precision") not in PRECISIONS:
            raise SourceError(f"{where}: place needs text, lat, lon, country and a precision")
        _known_keys(place, PLACE_KEYS, f"{where} place")
        for key in ("lat", "lon"):
            if not isinstance(place.get(key), int | float):
                raise SourceError(f"{where}: place {key} must be a number")
    when = raw.get("date")
    if isinstance(when, date):
        when = when.isoformat()
    if when is not None and not any(form.match(str(when)) for form in DATE_FORMS):
        raise SourceError(f"{where}: date {when!r} is not YYYY-MM-DD, YYYY-MM or YYYY")
    tolls = {}
    for key in ("dead", "injured", "arrested"):
        figure = raw.get(key)
        if figure is not None and (not isinstance(figure, int) or figure < 0):
            raise SourceError(f"{where}: {key} must be a whole number or null")
        tolls[key] = figure
    phrases = raw.get("mentions")
    if not isinstance(phrases, list) or not phrases:
        raise SourceError(f"{where}: needs at least one mention")
    mentions = []
    for phrase in phrases:
        start, end = find_phrase(text, str(phrase), where)
        span = list(sentence_around(text, start, end))
        if span not in mentions:
            mentions.append(span)
    for key in ("background", "key"):
        if not isinstance(raw.get(key), bool):
            raise SourceError(f"{where}: '{key}' must be true or false")
    return {
        "n": number,
        "event": kind,
        "mode": raw.get("mode"),
        "actor": check_participants(raw.get("actor"), f"{where} actor"),
        "recipient": check_participants(raw.get("recipient"), f"{where} recipient"),
        "place": place,
        "date": str(when) if when is not None else None,
        **tolls,
        "background": raw["background"],
        "key": raw["key"],
        "mentions": mentions,
    }


def build_article(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SourceError(f"{path.name}: not YAML: {str(error).splitlines()[0]}") from None
    where = path.name
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise SourceError(f"{where}: needs 'id', 'published', 'text' and 'events'")
    published = raw.get("published")
    if isinstance(published, date):
        published = published.isoformat()
    if not isinstance(published, str) or not DATE_FORMS[0].match(published):
        raise SourceError(f"{where}: 'published' must be YYYY-MM-DD")
    text = raw["text"].strip() + "\n"
    events = [build_event(text, e, n, where) for n, e in enumerate(raw.get("events") or [], 1)]
    return {
        "id": str(raw.get("id") or path.stem),
        "published": published,
        "title": raw.get("title"),
        "source": raw.get("source"),
        "text": text,
        "events": events,
    }


def build_articles(source: Path = SOURCE_DIR) -> list[dict[str, Any]]:
    """Every article of the folder, in file-name order; SourceError on the first problem."""
    try:
        return [build_article(path) for path in sorted(source.glob("*.yaml"))]
    except yaml.YAMLError as error:
        raise SourceError(f"{source}: {str(error).splitlines()[0]}") from None


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else SOURCE_DIR
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "training" / "articles_own.jsonl"
    try:
        articles = build_articles(source)
    except SourceError as error:
        print(f"training_articles: {error}".splitlines()[0], file=sys.stderr)
        return 1
    with out.open("w", encoding="utf-8") as handle:
        for article in articles:
            handle.write(json.dumps(article, ensure_ascii=False) + "\n")
    events = sum(len(a["events"]) for a in articles)
    print(f"{len(articles)} articles, {events} events -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
