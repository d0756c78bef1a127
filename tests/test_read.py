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
