"""Stage 1, read: paths, directories, JSONL, CSV, HTML and stdin in; raw documents out.

A raw document is text plus whatever metadata the input carried. Nothing here interprets the
text (that is `clean`). Every input problem becomes an `InputError` yielded in the stream, so
one bad file or line never stops the batch.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

from flashpoint.errors import InputError

TEXT_EXTENSIONS = {".txt", ".text"}
HTML_EXTENSIONS = {".html", ".htm", ".xhtml"}
JSONL_EXTENSIONS = {".jsonl", ".ndjson", ".json"}
CSV_EXTENSIONS = {".csv", ".tsv"}
KNOWN_EXTENSIONS = TEXT_EXTENSIONS | HTML_EXTENSIONS | JSONL_EXTENSIONS | CSV_EXTENSIONS

# One article larger than this is almost surely not an article (a dump, a log, a book).
DEFAULT_MAX_BYTES = 5_000_000
# Bytes looked at to tell binary from text.
SNIFF_BYTES = 8192

DocFormat = Literal["text", "html"]


@dataclass
class ReadOptions:
    max_bytes: int = DEFAULT_MAX_BYTES
    encoding: str = "utf-8"
    text_col: str | None = None
    date_col: str | None = None
    title_col: str | None = None
    id_col: str | None = None
    url_col: str | None = None
    source_col: str | None = None


@dataclass
class RawDocument:
    """One article's raw text and the metadata its input gave."""

    name: str  # what to call it in messages: a path, "path:12" for line 12, "<stdin>"
    text: str
    format: DocFormat = "text"
    meta: dict[str, str | None] = field(default_factory=dict)


ReadItem = RawDocument | InputError


def iter_documents(paths: Iterable[str], options: ReadOptions | None = None) -> Iterator[ReadItem]:
    """Yield a RawDocument or an InputError for every article in `paths`, in order."""
    options = options or ReadOptions()
    for path_text in paths:
        if path_text == "-":
            yield from _read_stream(sys.stdin.buffer, "<stdin>", options)
            continue
        path = Path(path_text)
        if path.is_dir():
            files = sorted(_walk(path))
            if not files:
                yield InputError(path_text, "directory holds no .txt, .html, .jsonl or .csv files")
            for file in files:
                yield from _read_file(file, options)
        elif path.exists():
            yield from _read_file(path, options)
        else:
            yield InputError(path_text, "no such file or directory")


def _walk(directory: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if not name.startswith(".") and Path(name).suffix.lower() in KNOWN_EXTENSIONS:
                yield Path(root) / name


def _read_file(path: Path, options: ReadOptions) -> Iterator[ReadItem]:
    name = str(path)
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_EXTENSIONS or suffix in CSV_EXTENSIONS:
            with path.open("rb") as handle:
                if suffix in JSONL_EXTENSIONS:
                    yield from _read_jsonl(handle, name, options)
                else:
                    yield from _read_csv(
                        handle, name, options, delimiter="\t" if suffix == ".tsv" else ","
                    )
            return
        size = path.stat().st_size
        if size > options.max_bytes:
            yield InputError(name, _too_large(size, options.max_bytes))
            return
        data = path.read_bytes()
    except PermissionError:
        yield InputError(name, "permission denied")
        return
    except IsADirectoryError:
        yield InputError(name, "is a directory")
        return
    except OSError as exc:
        yield InputError(name, f"cannot be read ({exc.strerror or exc})")
        return
    yield _single_document(data, name, suffix, options)


def iter_file_bytes(
    data: bytes, name: str, options: ReadOptions | None = None
) -> Iterator[ReadItem]:
    """The documents of one file given as bytes (what Spark hands an executor), read exactly
    as `iter_documents` reads the file; `name` is its path, and its extension decides."""
    options = options or ReadOptions()
    suffix = Path(name).suffix.lower()
    if suffix in JSONL_EXTENSIONS:
        yield from _read_jsonl(io.BytesIO(data), name, options)
    elif suffix in CSV_EXTENSIONS:
        delimiter = "\t" if suffix == ".tsv" else ","
        yield from _read_csv(io.BytesIO(data), name, options, delimiter=delimiter)
    elif len(data) > options.max_bytes:
        yield InputError(name, _too_large(len(data), options.max_bytes))
    else:
        yield _single_document(data, name, suffix, options)


def _single_document(data: bytes, name: str, suffix: str, options: ReadOptions) -> ReadItem:
    doc_format: DocFormat = "html" if suffix in HTML_EXTENSIONS else "text"
    item = _decode_document(data, name, doc_format, options)
    if (
        isinstance(item, RawDocument)
        and suffix not in HTML_EXTENSIONS
        and _looks_like_html(item.text)
    ):
        item.format = "html"
    return item


def _read_stream(stream: BinaryIO, name: str, options: ReadOptions) -> Iterator[ReadItem]:
    """stdin: JSONL when the first character is `{`, HTML when it is `<`, else one text."""
    data = stream.read(options.max_bytes + 1)
    head = data.lstrip()[:1]
    if head == b"{":
        yield from _read_jsonl(io.BytesIO(data + stream.read()), name, options)
        return
    if len(data) > options.max_bytes:
        yield InputError(name, _too_large(len(data), options.max_bytes, approximate=True))
        return
    item = _decode_document(data, name, "html" if head == b"<" else "text", options)
    yield item


def _decode_document(
    data: bytes, name: str, doc_format: DocFormat, options: ReadOptions
) -> ReadItem:
    text_or_error = decode_bytes(data, name, options.encoding)
    if isinstance(text_or_error, InputError):
        return text_or_error
    if not text_or_error.strip():
        return InputError(name, "empty input: no text to code")
    return RawDocument(name=name, text=text_or_error, format=doc_format)


def decode_bytes(data: bytes, name: str, encoding: str = "utf-8") -> str | InputError:
    """Bytes to text, or an InputError that says why not (empty, binary, bad encoding)."""
    if not data.strip():
        return InputError(name, "empty input: no text to code")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return InputError(name, "starts with a UTF-16 byte-order mark but is not valid UTF-16")
    utf16 = sniff_utf16(data[:SNIFF_BYTES])
    if utf16 is not None:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: judged below
    if _looks_binary(data[:SNIFF_BYTES]):
        return InputError(name, "binary data, not text (is it a PDF, image or archive?)")
    try:
        return data.decode("utf-8-sig" if encoding.lower() in ("utf-8", "utf8") else encoding)
    except UnicodeDecodeError as exc:
        return InputError(
            name,
            f"not valid {encoding} (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it to UTF-8 or pass --encoding",
        )
    except LookupError:
        return InputError(name, f"unknown encoding {encoding!r}")


def sniff_utf16(head: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" for UTF-16 text without a byte-order mark, else None.

    In text in a Latin, Cyrillic, Greek, Hebrew or Arabic script, spaces, digits and
    punctuation (and Latin letters) are code units below U+0100: one byte of their pair is
    0x00, always the same one of the two. A candidate is kept only if it decodes to printable
    text (binary data has zero bytes too)."""
    pairs = len(head) // 2
    if pairs < 4:
        return None
    even_zero = sum(1 for i in range(0, 2 * pairs, 2) if head[i] == 0)
    odd_zero = sum(1 for i in range(1, 2 * pairs, 2) if head[i] == 0)
    if odd_zero >= 0.05 * pairs and even_zero <= 0.01 * pairs:
        codec = "utf-16-le"
    elif even_zero >= 0.05 * pairs and odd_zero <= 0.01 * pairs:
        codec = "utf-16-be"
    else:
        return None
    text = head[: 2 * pairs].decode(codec, errors="replace")
    printable = sum(1 for char in text if char.isprintable() or char in "\t\n\r\f")
    return codec if printable >= 0.95 * len(text) and "\ufffd" not in text[:-1] else None


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    control = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return control > max(8, len(head) // 50)


def _looks_like_html(text: str) -> bool:
    start = text.lstrip()[:200].lower()
    return start.startswith(("<!doctype html", "<html")) or ("<body" in start and "</" in text)


def _too_large(size: int, limit: int, approximate: bool = False) -> str:
    more = "over " if approximate else ""
    return (
        f"too large for one article ({more}{size / 1e6:.1f} MB > {limit / 1e6:.1f} MB limit); "
        "split it into articles (JSONL) or raise --max-bytes"
    )


def _read_jsonl(handle: BinaryIO, name: str, options: ReadOptions) -> Iterator[ReadItem]:
    seen_any = False
    lines: Iterable[bytes] = handle
    encoding = _file_encoding(handle, options.encoding)
    if encoding.startswith("utf-16"):
        # UTF-16 lines cannot be split at the byte 0x0a: read them as text, then as UTF-8.
        text = io.TextIOWrapper(handle, encoding=encoding, errors="surrogateescape", newline="")
        lines = (line.encode("utf-8", "surrogateescape") for line in text)
    for number, raw_line in enumerate(lines, start=1):
        where = f"{name}:{number}"
        if not raw_line.strip():
            continue
        seen_any = True
        if len(raw_line) > options.max_bytes:
            yield InputError(where, _too_large(len(raw_line), options.max_bytes))
            continue
        line = decode_bytes(raw_line, where, options.encoding)
        if isinstance(line, InputError):
            yield line
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(where, f"invalid JSON ({_json_reason(exc)})")
            continue
        item = _record_to_document(record, where)
        yield item
    if not seen_any:
        yield InputError(name, "empty input: no JSON lines")


def _json_reason(exc: json.JSONDecodeError) -> str:
    """The decoder's message with its column: some messages end in "at" already
    ("Unterminated string starting at")."""
    joiner = " " if exc.msg.endswith(" at") else " at "
    return f"{exc.msg}{joiner}column {exc.colno}"


def _record_to_document(record: object, where: str) -> ReadItem:
    if not isinstance(record, dict):
        return InputError(where, "a JSON line must be an object with a 'text' field")
    text = record.get("text")
    if not isinstance(text, str):
        return InputError(where, "no 'text' string in this JSON object")
    if not text.strip():
        return InputError(where, "empty 'text': nothing to code")
    meta = {
        key: (str(record[key]) if record.get(key) is not None else None)
        for key in ("id", "title", "published", "url", "source")
    }
    if meta["published"] is None and record.get("date") is not None:
        meta["published"] = str(record["date"])
    doc_format: DocFormat = "html" if _looks_like_html(text) else "text"
    return RawDocument(name=where, text=text, format=doc_format, meta=meta)


_CSV_DEFAULT_COLUMNS = {
    "text": ("text", "body", "content", "article", "story"),
    "published": ("published", "date", "publish_date", "pub_date", "datetime", "timestamp"),
    "title": ("title", "headline"),
    "id": ("id", "article_id", "doc_id"),
    "url": ("url", "link"),
    "source": ("source", "outlet", "publisher", "site"),
}


def _read_csv(
    handle: BinaryIO, name: str, options: ReadOptions, delimiter: str
) -> Iterator[ReadItem]:
    """One document per row. A bad row (bytes not in the encoding, an oversized or broken cell)
    is reported with its row number (the header is row 1, as in a spreadsheet) and the file
    goes on with the next row."""
    # The csv module stops at a cell over its limit and cannot resume inside it; set the limit
    # well above the article limit, so that an oversized cell is read and reported per row.
    csv.field_size_limit(max(16 * options.max_bytes, 64_000_000))
    encoding = _file_encoding(handle, options.encoding)
    try:
        # Bytes that are not in the encoding become lone surrogates, found per row below.
        stream = io.TextIOWrapper(handle, encoding=encoding, errors="surrogateescape", newline="")
    except LookupError:
        yield InputError(name, f"unknown encoding {options.encoding!r}")
        return
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        columns = next(reader, [])
    except csv.Error as exc:
        yield InputError(f"{name}:1", f"broken CSV header ({exc})")
        return
    bad = _undecodable(columns, columns)
    if bad:
        yield InputError(f"{name}:1", f"header {_not_encoded(bad, encoding)}")
        return
    chosen = _choose_columns(columns, options)
    if chosen.get("text") is None:
        yield InputError(
            name, f"no text column (have {', '.join(columns) or 'none'}); pass --text-col"
        )
        return
    index = {column: i for i, column in reversed(list(enumerate(columns)))}
    number = 1
    while True:
        first_line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            number += 1
            yield InputError(
                f"{name}:{number}", f"broken CSV row{_line(number, first_line)} ({exc})"
            )
            continue
        number += 1
        where = f"{name}:{number}"
        if not cells:  # a blank line
            continue
        row = {
            key: (cells[index[col]] if col is not None and index[col] < len(cells) else "")
            for key, col in chosen.items()
        }
        bad = _undecodable(cells, columns)
        if bad:
            yield InputError(where, f"{_not_encoded(bad, encoding)}{_line(number, first_line)}")
            continue
        oversized = _oversized(row, options.max_bytes)
        if oversized is not None:
            key, size = oversized
            reason = _too_large(size, options.max_bytes)
            yield InputError(where, reason if key == "text" else f"{chosen[key]!r} cell {reason}")
            continue
        text = row["text"]
        if not text.strip():
            yield InputError(where, "empty text cell: nothing to code")
            continue
        meta = {key: (value or None) for key, value in row.items() if key != "text"}
        yield RawDocument(name=where, text=text, format="text", meta=meta)


def _oversized(row: dict[str, str], limit: int) -> tuple[str, int] | None:
    """The first cell over `limit` bytes (in UTF-8): (its key, its size)."""
    for key, value in row.items():
        if len(value) * 4 > limit:  # else it cannot be over, whatever its characters
            size = len(value.encode("utf-8", "surrogateescape"))
            if size > limit:
                return key, size
    return None


_UNDECODED = re.compile("[\udc80-\udcff]")


def _undecodable(cells: list[str], columns: list[str]) -> tuple[str, int] | None:
    """The first cell holding bytes that were not in the encoding: (its column, the byte)."""
    for i, cell in enumerate(cells):
        found = _UNDECODED.search(cell)
        if found:
            column = columns[i] if i < len(columns) else f"#{i + 1}"
            return column, ord(found.group()) - 0xDC00
    return None


def _not_encoded(bad: tuple[str, int], encoding: str) -> str:
    column, byte = bad
    return (
        f"not valid {encoding} (byte 0x{byte:02x} in column {column!r}); "
        "convert it to UTF-8 or pass --encoding"
    )


def _line(row: int, line: int) -> str:
    """Where a row starts in the file, when quoted line breaks put it elsewhere than its row."""
    return "" if row == line else f" (line {line} of the file)"


def _file_encoding(handle: BinaryIO, encoding: str) -> str:
    """The encoding asked for, or UTF-16 for a file that is (with or without a byte-order
    mark) when UTF-8, the default, was asked for."""
    if encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        return encoding
    if not handle.seekable():
        return encoding
    position = handle.tell()
    head = handle.read(SNIFF_BYTES)
    handle.seek(position)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    return sniff_utf16(head) or "utf-8"


def _choose_columns(columns: list[str], options: ReadOptions) -> dict[str, str | None]:
    lower = {c.lower().strip(): c for c in columns if c}
    explicit = {
        "text": options.text_col,
        "published": options.date_col,
        "title": options.title_col,
        "id": options.id_col,
        "url": options.url_col,
        "source": options.source_col,
    }
    chosen: dict[str, str | None] = {}
    for key, candidates in _CSV_DEFAULT_COLUMNS.items():
        wanted = explicit[key]
        if wanted:
            chosen[key] = wanted if wanted in columns else None
            continue
        chosen[key] = next((lower[c] for c in candidates if c in lower), None)
    return chosen
