"""Stage 2, clean: a raw document becomes an `Article` whose parts are labelled.

Plain-text reposts have a layout: a title line, an optional category line, a dateline, body
paragraphs, photo captions that end in an agency credit, and trailing boilerplate. This stage
finds those parts (rules in `data/layout.yaml`), so that later stages code only body text and
know when a fact comes from a caption. HTML pages go through trafilatura first.

The article text is normalised once here (newlines, Unicode NFC, invisible characters); every
span in every later stage indexes into that text.
"""

from __future__ import annotations

import hashlib
import html
import html.entities
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flashpoint.errors import InputError
from flashpoint.model import Article, Part, PartKind
from flashpoint.resources import load_yaml
from flashpoint.stages.read import RawDocument

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]?\s*$")
# Longest title we accept from a plain-text layout, in words.
MAX_TITLE_WORDS = 30
MAX_CATEGORY_WORDS = 4
# Fewer words than this extracted from a page means there was no article in it.
MIN_HTML_WORDS = 3


def normalize_text(text: str) -> str:
    """The one normalisation every article gets before any span is computed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    # Text exported from web pages often keeps HTML character references ("ports &amp; harbours").
    text = _CHARACTER_REFERENCE.sub(_character, text)
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    return text.strip()


# Only complete references, with their semicolon: "AT&T" and "R&D" stay as they are.
_CHARACTER_REFERENCE = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
)


def _character(reference: re.Match[str]) -> str:
    name = reference.group(0)
    if name[1] != "#" and name[1:] not in html.entities.html5:
        return name  # "&notanentity;" is text
    return html.unescape(name)


def article_id(text: str) -> str:
    """Stable id from the normalised text: case and spacing do not make a new article."""
    key = " ".join(text.lower().split())
    return "a" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def build_article(raw: RawDocument) -> Article | InputError:
    """Parse a raw document into an Article, or say why it cannot be one."""
    if raw.format == "html":
        return _build_from_html(raw)
    text = normalize_text(raw.text)
    if not text:
        return InputError(raw.name, "empty input: no text to code")
    layout = parse_layout(text)
    return _assemble(raw, text, layout)


@dataclass
class Layout:
    parts: list[Part]
    title: str | None = None
    category: str | None = None
    published: datetime | None = None


def parse_layout(text: str, *, title_known: bool = False) -> Layout:
    """Find title, category, dateline, body, captions, credits and boilerplate in `text`."""
    paragraphs = _paragraphs(text)
    layout = Layout(parts=[])
    body_from = 0
    if not title_known:
        body_from = _parse_header(text, paragraphs, layout)
    else:
        body_from = _parse_dateline_only(text, paragraphs, layout)
    rules = _rules()
    body = [piece for span in paragraphs[body_from:] for piece in _unflatten(text, *span, rules)]
    boilerplate = _boilerplate_flags(text, body, rules)
    seen_body = False
    for (start, end), is_boilerplate in zip(body, boilerplate, strict=True):
        if is_boilerplate:
            layout.parts.append(Part(kind="boilerplate", start=start, end=end))
            continue
        if not seen_body:
            seen_body = True
            # "BAGHDAD (Reuters) -- ...": the wire dateline opening the story.
            inline = _inline_dateline().match(text, start, end)
            if inline and inline.end() < end:
                layout.parts.append(Part(kind="dateline", start=start, end=inline.end("dateline")))
                start = inline.end()
        # "17:20 - The minister says ...": a live blog's entry time is no part of its sentence
        stamp = LIVE_BLOG_TIME.match(text, start, end)
        if stamp and stamp.end() < end:
            layout.parts.append(Part(kind="dateline", start=start, end=stamp.end("time")))
            start = stamp.end()
        credit = _find_credit(text[start:end], rules)
        if credit is None:
            layout.parts.append(Part(kind="body", start=start, end=end))
            continue
        credit_start = start + credit
        caption_end = credit_start
        while caption_end > start and text[caption_end - 1].isspace():
            caption_end -= 1
        if caption_end > start:
            layout.parts.append(Part(kind="caption", start=start, end=caption_end))
        layout.parts.append(Part(kind="credit", start=credit_start, end=end))
    return layout


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans = []
    position = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    return [_strip_span(text, s, e) for s, e in spans if text[s:e].strip()]


def _unflatten(text: str, start: int, end: int, rules: dict) -> list[tuple[int, int]]:
    """A very long paragraph is an article whose paragraph breaks were lost (a corpus that
    stores each story on one line): its sentences become its paragraphs again, as news
    paragraphs are one or two sentences. Later stages read the first as the lede, look for a
    place or date in the sentence's own paragraph rather than the whole story, and see a
    trailing credit line ("Wire services contributed to this report") as boilerplate. A quotation
    is never cut."""
    if end - start <= rules["flat_paragraph_chars"]:
        return [(start, end)]
    pieces = []
    piece_start = start
    for cut in _sentence_cuts(text, start, end, rules):
        pieces.append(_strip_span(text, piece_start, cut))
        piece_start = cut
    pieces.append(_strip_span(text, piece_start, end))
    return [(s, e) for s, e in pieces if e > s]


def _sentence_cuts(text: str, start: int, end: int, rules: dict) -> list[int]:
    cuts = []
    inside = False  # within a quotation opened by a curly mark
    straight = 0  # straight quotation marks seen so far
    counted = start
    for match in _flat_sentence_end().finditer(text, start, end):
        stop = match.start("stop")
        seen = text[counted : match.end("stop")]
        for mark in seen:
            if mark == "“":
                inside = True
            elif mark == "”":
                inside = False
        straight += seen.count('"')
        counted = match.end("stop")
        word = re.search(r"([\w.]+)$", text[max(start, stop - 12) : stop])
        if word and (len(word.group(1)) == 1 or word.group(1).lower() in rules["_abbreviations"]):
            continue  # "Gen. Smith", "the U.S. State Department"
        # A quotation running over paragraphs opens each of them again and closes only the
        # last: an opening mark after a sentence still inside a quotation starts a paragraph.
        continued = inside and text.startswith("“", match.end())
        if (inside and not continued) or straight % 2 == 1:
            continue  # inside a quotation
        cuts.append(match.end("stop"))
    return cuts


@cache
def _flat_sentence_end() -> re.Pattern[str]:
    # A sentence ends at . ! ? (and a closing quote or bracket), before a capital or an
    # opening quote.
    return re.compile(r"(?P<stop>[.!?…][\"'”’)\]]*)\s+(?=[\"“‘(]?[A-Z0-9])")


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    position = start
    for line in text[start:end].split("\n"):
        line_start, line_end = _strip_span(text, position, position + len(line))
        if line_end > line_start:
            spans.append((line_start, line_end))
        position += len(line) + 1
    return spans


def _parse_header(text: str, paragraphs: list[tuple[int, int]], layout: Layout) -> int:
    """Title / category / dateline at the top; returns the index of the first body paragraph."""
    header_lines: list[tuple[int, int, int]] = []  # (start, end, paragraph index)
    for index, (start, end) in enumerate(paragraphs[:4]):
        for line_start, line_end in _lines(text, start, end):
            header_lines.append((line_start, line_end, index))
    header_lines = header_lines[:6]
    for position, (start, end, index) in enumerate(header_lines):
        if position > 3:
            break
        line = text[start:end]
        when = parse_dateline(line)
        if when is None:
            if _is_body_line(line):
                break
            continue
        # Lines before the dateline: the first is the title, short ones after it a category.
        if position >= 1:
            title_start, title_end, _ = header_lines[0]
            layout.title = text[title_start:title_end]
            layout.parts.append(Part(kind="title", start=title_start, end=title_end))
            for cat_start, cat_end, _ in header_lines[1:position]:
                if len(text[cat_start:cat_end].split()) <= MAX_CATEGORY_WORDS:
                    layout.category = text[cat_start:cat_end]
                    layout.parts.append(Part(kind="category", start=cat_start, end=cat_end))
        layout.published = when
        layout.parts.append(Part(kind="dateline", start=start, end=end))
        return _next_paragraph_after(paragraphs, end, index)
    # No dateline: a lone short first line before two or more paragraphs is a title.
    if len(paragraphs) >= 3:
        start, end = paragraphs[0]
        first = text[start:end]
        if "\n" not in first and _is_title_like(first):
            layout.title = first
            layout.parts.append(Part(kind="title", start=start, end=end))
            return 1
    return 0


def _parse_dateline_only(text: str, paragraphs: list[tuple[int, int]], layout: Layout) -> int:
    if paragraphs:
        start, end = paragraphs[0]
        lines = _lines(text, start, end)
        if lines:
            line_start, line_end = lines[0]
            when = parse_dateline(text[line_start:line_end])
            if when is not None:
                layout.published = when
                layout.parts.append(Part(kind="dateline", start=line_start, end=line_end))
                return _next_paragraph_after(paragraphs, line_end, 0)
    return 0


def _next_paragraph_after(paragraphs: list[tuple[int, int]], offset: int, index: int) -> int:
    """Index of the first paragraph starting after `offset` (the rest of a header paragraph,
    if any, is split off as its own paragraph)."""
    _, end = paragraphs[index]
    if offset < end:
        paragraphs[index] = (offset + 1, end)
        return index
    return index + 1


def _is_body_line(line: str) -> bool:
    words = line.split()
    return len(words) > MAX_TITLE_WORDS or (len(words) > 12 and bool(_SENTENCE_END.search(line)))


def _is_title_like(line: str) -> bool:
    words = line.split()
    if not 2 <= len(words) <= MAX_TITLE_WORDS:
        return False
    return not re.search(r"[.!:;,]\s*$", line)


# --- datelines ----------------------------------------------------------------------------

_DATE_FORMATS = (
    "%b %d/%Y %I:%M%p",
    "%b %d/%Y %I:%M %p",
    "%b %d/%Y %H:%M",
    "%b %d/%Y",
    "%B %d, %Y %I:%M %p",
    "%B %d, %Y %I:%M%p",
    "%B %d, %Y %H:%M",
    "%B %d, %Y",
    "%b %d, %Y %I:%M %p",
    "%b %d, %Y %H:%M",
    "%b %d, %Y",
    "%b. %d, %Y",
    "%d %B %Y %H:%M",
    "%d %B %Y",
    "%d %b %Y %H:%M",
    "%d %b %Y",
    "%A, %B %d, %Y",
    "%A, %d %B %Y",
    "%A %d %B %Y",
    "%d/%m/%Y %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y.%m.%d",
)
_DATE_TAIL = re.compile(r"\s*(?:\||·|•| - | — | – |,\s*updated|\bupdated\b).*$", re.IGNORECASE)
_TIMEZONE = re.compile(r"\s*\b(?:GMT|UTC|BST|CET|CEST|EST|EDT|PST|PDT|[A-Z]{3,4}T)\b\s*$")
_YEAR = re.compile(r"\b(19|20)\d\d\b")


# The time opening a live blog's entry: "17:20 - ", "09.45 GMT: ", "2.15pm – ".
LIVE_BLOG_TIME = re.compile(
    r"(?P<time>\d{1,2}[:.]\d{2}(?:\s*(?:[ap]\.?m\.?|GMT|BST|UTC|CET|EST|EDT|local time))?)"
    r"\s*(?:--|—|–|-|:)\s+(?=[A-Z\"“'])"
)
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# Upper-case letters with their accented forms ("CULIACÁN", "JAMUNDÍ").
_UPPER = "A-ZÀ-ÖØ-Þ"
_ONE_CAPS_PLACE = rf"[{_UPPER}][{_UPPER}'’.\-]+(?:\s+[{_UPPER}][{_UPPER}'’.\-]+){{0,3}}"
# several places a story was filed from: "GENEVA/PORT SUDAN", "ISLAMABAD/KABUL"
_CAPS_PLACE = rf"{_ONE_CAPS_PLACE}(?:/{_ONE_CAPS_PLACE}){{0,3}}"
# "Norway", "Democratic Republic of Sylvania", "Côte d'Ivoire"
_TITLE_PLACE = (
    rf"[{_UPPER}][a-zA-ZÀ-ÿ'’.\-]+"
    rf"(?:\s+(?:(?:of|the|and|de|del|do|da)\s+)?[{_UPPER}][a-zA-ZÀ-ÿ'’.\-]+){{0,3}}"
)


# A wire dateline: "KABUL (Pajhwok) :", "THE HAGUE, Netherlands --", "ADDIS ABABA, May 15
# (Xinhua) --", "Tehran, March 15, IRNA -", "Moscow (Reuters) -". A title-case place needs a
# date or a known agency ("Rep. Jane Porter (D-Ohio):" is a speaker, not a dateline).
@cache
def _inline_dateline() -> re.Pattern[str]:
    agencies = "|".join(
        re.escape(a) for a in sorted(_rules()["wire_agencies"], key=len, reverse=True)
    )
    agency = rf"\(\s*(?:{agencies})\s*\)"
    return re.compile(
        rf"(?P<dateline>(?:{_CAPS_PLACE}(?:,\s*{_TITLE_PLACE})?"
        rf"(?:,\s*{_MONTH}\s+\d{{1,2}})?(?:\s*\([^)\n]{{1,40}}\)|,\s*[A-Z]{{2,8}})?"
        rf"|{_TITLE_PLACE}(?:,\s*{_TITLE_PLACE})?"
        rf"(?:,\s*{_MONTH}\s+\d{{1,2}}(?:,\s*[A-Z]{{2,8}}|\s*{agency})?|\s*{agency})))"
        rf"\s*(?:--|—|–|-|:)\s+(?=[A-Z0-9\"“'])"
    )


def parse_dateline(line: str) -> datetime | None:
    """The datetime a dateline line gives ("Post At: Jan 04/2024 09:50PM", "Published 4 January
    2024", "2024-01-04T21:50:00", "January 4, 2024"), or None if the line is not a dateline."""
    line = line.strip()
    if len(line) > 80 or not _YEAR.search(line):
        return None
    match = _dateline_prefix().match(line)
    date_text = line[match.end() :] if match else line
    if not match and len(line.split()) > 8:
        return None
    return parse_datetime(date_text)


def parse_datetime(value: str) -> datetime | None:
    """A date or datetime string in a common news format, or None."""
    value = _DATE_TAIL.sub("", value.strip().strip(",")).strip()
    value = _TIMEZONE.sub("", value)
    value = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", value)
    if not value or not _YEAR.search(value):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    compact = re.sub(r"\s+", " ", value)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(compact, fmt)
        except ValueError:
            continue
    return _parse_with_dateparser(compact)


def _parse_with_dateparser(value: str) -> datetime | None:
    import dateparser  # slow import: only when the fixed formats did not match

    parsed = dateparser.parse(
        value,
        languages=["en"],
        settings={"REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False},
    )
    return parsed


@cache
def _dateline_prefix() -> re.Pattern[str]:
    prefixes = "|".join(f"(?:{p})" for p in _rules()["dateline_prefixes"])
    return re.compile(rf"^\s*(?:{prefixes})\s*", re.IGNORECASE)


# --- captions and boilerplate ----------------------------------------------------------------

_NAME_WORD = r"(?:[A-Z][\w'’\-]*|[A-Z]\.|(?:al|el|bin|ibn|de|da|van|von|der|le|la|du)-?[\w'’\-]+)"
_NAME = rf"(?<![\w.]){_NAME_WORD}(?:\s+{_NAME_WORD}){{0,4}}"


@cache
def _credit_pattern() -> re.Pattern[str]:
    agencies = sorted(_rules()["photo_agencies"], key=len, reverse=True)
    agency = "|".join(re.escape(a) for a in agencies)
    prefix = "|".join(f"(?:{p})" for p in _rules()["credit_prefixes"])
    tail = rf"(?:\s*/\s*(?:{agency}|{_NAME}))*"
    return re.compile(
        rf"(?:\(\s*)?(?:(?i:{prefix})\s*)?"
        rf"(?:{_NAME}\s*/\s*(?:{agency}){tail}|(?:{agency})\s*/\s*{_NAME}{tail}"
        rf"|(?<=\()(?:{agency})(?:\s+Photo)?)"
        rf"\s*\)?\s*$"
    )


def _find_credit(paragraph: str, rules: dict) -> int | None:
    """Offset where a trailing photo credit starts in `paragraph`, or None."""
    tail_from = max(0, len(paragraph) - 160)
    match = _credit_pattern().search(paragraph, tail_from)
    if match is None:
        return None
    before = paragraph[: match.start()].rstrip()
    # A credit follows a finished caption sentence (or stands alone), never mid-sentence.
    if before and not re.search(r"[.!?\"”')\]]$", before):
        return None
    return match.start()


@cache
def _rules() -> dict:
    rules = load_yaml("layout.yaml")
    rules["_abbreviations"] = frozenset(
        str(word).lower().rstrip(".") for word in rules["abbreviations"]
    )
    rules["_anywhere"] = re.compile(
        "|".join(f"(?:{p})" for p in rules["boilerplate_anywhere"]), re.IGNORECASE | re.MULTILINE
    )
    rules["_trailing"] = re.compile(
        "|".join(f"(?:{p})" for p in rules["boilerplate_trailing"]), re.IGNORECASE | re.MULTILINE
    )
    return rules


def _boilerplate_flags(text: str, paragraphs: list[tuple[int, int]], rules: dict) -> list[bool]:
    flags = [bool(rules["_anywhere"].search(text[s:e])) for s, e in paragraphs]
    # The trailing run: boilerplate patterns that are only safe to trust at the end.
    for index in range(len(paragraphs) - 1, 0, -1):
        start, end = paragraphs[index]
        if flags[index] or rules["_trailing"].search(text[start:end]):
            flags[index] = True
        else:
            break
    return flags


# --- assembling the article ------------------------------------------------------------------


def _assemble(
    raw: RawDocument, text: str, layout: Layout, *, html_meta: dict | None = None
) -> Article:
    meta = raw.meta
    published = _meta_datetime(meta.get("published"))
    if published is None:
        published = layout.published
    if published is None and html_meta:
        published = html_meta.get("published")
    if not any(p.kind in ("body", "caption") for p in layout.parts):
        # Everything looked like header or boilerplate: code it all rather than nothing.
        layout.parts = [p for p in layout.parts if p.kind in ("title", "category", "dateline")]
        covered = max((p.end for p in layout.parts), default=0)
        rest = _strip_span(text, covered, len(text))
        if rest[1] > rest[0]:
            layout.parts.append(Part(kind="body", start=rest[0], end=rest[1]))
    return Article(
        id=article_id(text),
        source_id=meta.get("id"),
        title=meta.get("title") or layout.title or (html_meta or {}).get("title"),
        category=layout.category or (html_meta or {}).get("category"),
        published=published,
        source=meta.get("source") or (html_meta or {}).get("source"),
        url=meta.get("url") or (html_meta or {}).get("url"),
        input_name=raw.name,
        text=text,
        parts=sorted(layout.parts, key=lambda p: p.start),
    )


def _meta_datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    return parse_datetime(value)


def _build_from_html(raw: RawDocument) -> Article | InputError:
    import trafilatura

    try:
        document = trafilatura.bare_extraction(
            raw.text, with_metadata=True, include_comments=False, include_tables=False
        )
    except Exception as exc:  # trafilatura raises a variety of parser errors on broken pages
        return InputError(raw.name, f"broken HTML ({type(exc).__name__})")
    body = getattr(document, "text", None) if document is not None else None
    if not body or len(re.findall(r"[^\W\d_]{2,}", body)) < MIN_HTML_WORDS:
        return InputError(raw.name, "broken or empty HTML: no article text found in the page")
    title = normalize_text(getattr(document, "title", None) or "")
    body = normalize_text(body)
    text = f"{title}\n\n{body}" if title else body
    layout = parse_layout(body, title_known=True)
    offset = len(title) + 2 if title else 0
    layout.parts = [
        Part(kind=p.kind, start=p.start + offset, end=p.end + offset) for p in layout.parts
    ]
    if title:
        layout.parts.insert(0, Part(kind="title", start=0, end=len(title)))
    html_meta = {
        "title": title or None,
        "published": parse_datetime(getattr(document, "date", None) or ""),
        "url": getattr(document, "url", None),
        "source": getattr(document, "sitename", None),
        "category": _first_category(getattr(document, "categories", None)),
    }
    return _assemble(raw, text, layout, html_meta=html_meta)


def _first_category(categories: object) -> str | None:
    if isinstance(categories, list) and categories:
        return str(categories[0])
    if isinstance(categories, str) and categories:
        return categories.split(",")[0].strip()
    return None


PART_KINDS_CODED: tuple[PartKind, ...] = ("body", "caption")
