"""Reading inputs: every kind of bad input becomes one clear InputError; the rest goes on."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from flashpoint.errors import InputError
from flashpoint.stages import read
from flashpoint.stages.read import RawDocument, ReadOptions, iter_documents


def items(*paths: Path | str, **options) -> list:
    return list(iter_documents([str(p) for p in paths], ReadOptions(**options)))


def test_read_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Rebels attacked a convoy near Goma on Monday.", encoding="utf-8")
    (doc,) = items(path)
    assert isinstance(doc, RawDocument)
    assert doc.format == "text" and doc.text.startswith("Rebels")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty input"),
        (b"   \n\n  ", "empty input"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary data"),
        (b"Caf\xe9 owners protested in Paris on Monday against new taxes.", "not valid utf-8"),
    ],
)
def test_read_bad_file_gives_one_clear_error(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    (error,) = items(path)
    assert isinstance(error, InputError)
    assert str(path) in error.message and reason in error.message.lower()
    assert "\n" not in error.message


def test_read_other_encoding_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Café owners protested in Paris.".encode("latin-1"))
    (doc,) = items(path, encoding="latin-1")
    assert isinstance(doc, RawDocument) and doc.text.startswith("Café")


def test_read_missing_path() -> None:
    (error,) = items("/no/such/file.txt")
    assert isinstance(error, InputError) and "no such file" in error.message


def test_read_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on disk
    (error,) = items(path)
    assert isinstance(error, InputError) and "too large" in error.message


def test_read_jsonl_bad_lines_are_skipped_with_their_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "1", "text": "Police arrested ten protesters in Lagos.", "title": "T"}),
        '{"id": "2", "text": "broken',
        json.dumps({"id": "3", "title": "no text"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "5", "text": "   "}),
        json.dumps(
            {"id": "6", "text": "Troops withdrew from the town.", "published": "2024-01-04"}
        ),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = items(path)
    kinds = [type(item).__name__ for item in result]
    assert kinds == [
        "RawDocument",
        "InputError",
        "InputError",
        "InputError",
        "InputError",
        "RawDocument",
    ]
    assert result[1].name.endswith(":2") and "invalid JSON" in result[1].message
    assert "no 'text'" in result[2].message
    assert result[0].meta["id"] == "1" and result[5].meta["published"] == "2024-01-04"


def test_read_directory_recursively_by_extension(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("One story about talks.", encoding="utf-8")
    (tmp_path / "sub" / "b.html").write_text(
        "<html><body><p>Two</p></body></html>", encoding="utf-8"
    )
    (tmp_path / "sub" / "c.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    names = [Path(item.name).name for item in items(tmp_path)]
    assert names == ["a.txt", "b.html"]


def test_read_csv_picks_text_and_date_columns(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        '"","date","text","source"\n"1",2019-04-10,"Baghdad and Washington held talks.","guardian"\n',
        encoding="utf-8",
    )
    (doc,) = items(path)
    assert doc.meta["published"] == "2019-04-10" and doc.meta["source"] == "guardian"
    (error,) = items(path, text_col="body")
    assert isinstance(error, InputError) and "--text-col" in error.message


def test_read_stdin_sniffs_jsonl(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b'{"text": "Hamas fired rockets at Israel."}\n{"text": "Talks resumed."}\n'
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    result = list(iter_documents(["-"]))
    assert [doc.text for doc in result] == ["Hamas fired rockets at Israel.", "Talks resumed."]


def test_decode_bytes_utf16_bom() -> None:
    text = read.decode_bytes("Talks resumed.".encode("utf-16"), "x")
    assert text == "Talks resumed."


# --- every bad record named with its position; the next record is read ------------------------


def _csv_rows(count: int) -> list[bytes]:
    rows = [b"id,date,text"]
    rows += [
        f"{i},2024-01-04,Police arrested {i} protesters in Lagos.".encode()
        for i in range(2, count + 1)
    ]
    return rows


def test_csv_bad_byte_costs_its_row_only(tmp_path: Path) -> None:
    """One 0xFF byte in row 126 of 249: the 247 other rows are read, the error names row 126."""
    rows = _csv_rows(250)  # the header (row 1) and rows 2-250
    rows[125] = rows[125].replace(b"Lagos", b"La\xffgos")  # row 126
    path = tmp_path / "news.csv"
    path.write_bytes(b"\n".join(rows) + b"\n")
    result = items(path)
    errors = [item for item in result if isinstance(item, InputError)]
    documents = [item for item in result if isinstance(item, RawDocument)]
    assert len(documents) == 248 and len(errors) == 1
    (error,) = errors
    assert error.name == f"{path}:126"
    assert "0xff" in error.message and "'text'" in error.message
    assert documents[-1].meta["id"] == "250" and documents[-1].name == f"{path}:250"
    assert [doc.meta["id"] for doc in documents[123:125]] == ["125", "127"]


def test_csv_oversized_cell_costs_its_row_only(tmp_path: Path) -> None:
    rows = _csv_rows(10)
    rows[4] = b'5,2024-01-04,"' + b"word " * 240_000 + b'"'  # 1.2 MB, in row 5
    path = tmp_path / "big.csv"
    path.write_bytes(b"\n".join(rows) + b"\n")
    result = items(path, max_bytes=100_000)
    kinds = ["E" if isinstance(item, InputError) else "D" for item in result]
    assert kinds == ["D", "D", "D", "E", "D", "D", "D", "D", "D"]
    assert result[3].name == f"{path}:5" and "too large" in result[3].message


def test_csv_rows_with_line_breaks_are_numbered_as_rows(tmp_path: Path) -> None:
    path = tmp_path / "multi.csv"
    path.write_bytes(
        b'id,text\n1,"Troops withdrew\nfrom the town."\n2,"Talks \xff resumed\nin Doha."\n'
        b"3,Rebels shelled the port.\n"
    )
    first, error, third = items(path)
    assert first.text == "Troops withdrew\nfrom the town."
    assert error.name == f"{path}:3" and "line 4 of the file" in error.message
    assert third.name == f"{path}:4" and third.meta["id"] == "3"


def test_jsonl_unterminated_string_message_reads_once(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "broken\n{"text": "Talks resumed."}\n{"text": "end', encoding="utf-8")
    error, document, last = items(path)
    assert error.name == f"{path}:1" and last.name == f"{path}:3"
    assert "at at" not in error.message + last.message
    assert "invalid JSON (Invalid control character at column 17)" in error.message
    assert "invalid JSON (Unterminated string starting at column 10)" in last.message
    assert document.text == "Talks resumed."


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_byte_order_mark_is_text(tmp_path: Path, codec: str) -> None:
    text = "Police arrested ten protesters in Lagos on Monday, officials said."
    assert read.decode_bytes(text.encode(codec), "x") == text
    assert read.decode_bytes("Полиция задержала десять человек.".encode(codec), "x") == (
        "Полиция задержала десять человек."
    )
    plain = tmp_path / "a.txt"
    plain.write_bytes(text.encode(codec))
    (doc,) = items(plain)
    assert isinstance(doc, RawDocument) and doc.text == text
    table = tmp_path / "a.csv"
    table.write_bytes(f'id,text\n1,"{text}"\n'.encode(codec))
    (row,) = items(table)
    assert isinstance(row, RawDocument) and row.text == text
    lines = tmp_path / "a.jsonl"
    lines.write_bytes((json.dumps({"text": text}, ensure_ascii=False) + "\n").encode(codec))
    (line,) = items(lines)
    assert isinstance(line, RawDocument) and line.text == text


def test_binary_is_still_binary() -> None:
    for data in (bytes(range(256)) * 10, b"\x00\x01\x02\x03" * 500, b"PK\x03\x04" + b"\x00" * 400):
        error = read.decode_bytes(data, "x")
        assert isinstance(error, InputError) and "binary" in error.message


def test_csv_row_the_csv_module_rejects_costs_that_row_only(tmp_path: Path, monkeypatch) -> None:
    """A cell over the csv module's own limit (64 MB and up; 1 kB here) stops the parser in
    that row: it is reported and the next row read."""
    import csv

    previous = csv.field_size_limit(1000)
    monkeypatch.setattr(read.csv, "field_size_limit", lambda *args: previous)
    try:
        path = tmp_path / "limit.csv"
        path.write_text(
            "id,text\n1,Troops withdrew.\n2," + "x" * 5000 + "\n3,Talks resumed.\n",
            encoding="utf-8",
        )
        first, error, third = items(path)
    finally:
        monkeypatch.undo()
        csv.field_size_limit(previous)
    assert isinstance(error, InputError) and error.name == f"{path}:3"
    assert "broken CSV row" in error.message and "field larger than field limit" in error.message
    assert first.meta["id"] == "1" and third.meta["id"] == "3"
