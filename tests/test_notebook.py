"""The Python API (`import flashpoint`): code, code_many, ingest, open and its tables, the
version, `python -m flashpoint`, and what `import flashpoint` costs."""

from __future__ import annotations

import importlib.metadata
import json
import math
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

import flashpoint
from flashpoint import notebook
from flashpoint.cli import app
from flashpoint.errors import InputError, StoreError
from flashpoint.export import FLAT_COLUMNS
from flashpoint.model import ArticleResult, Event

PUBLIC = {
    "EVENT_TYPES",
    "Article",
    "ArticleList",
    "ArticleResult",
    "Database",
    "Entity",
    "Event",
    "EventList",
    "FlashpointError",
    "FlashpointWarning",
    "InputError",
    "Quote",
    "QuoteList",
    "StoreError",
    "__version__",
    "code",
    "code_many",
    "ingest",
    "open",
}
LAGOS = "Police arrested ten protesters in Lagos on Monday."


def test_all_is_the_public_api_and_every_name_resolves() -> None:
    # A name added to or dropped from the public API must be added or dropped here too.
    assert set(flashpoint.__all__) == PUBLIC
    assert len(flashpoint.__all__) == len(PUBLIC)
    for name in flashpoint.__all__:
        assert getattr(flashpoint, name) is not None, name
    namespace: dict = {}
    exec("from flashpoint import *", namespace)
    assert set(namespace) >= PUBLIC
    with pytest.raises(AttributeError):
        flashpoint.no_such_name  # noqa: B018


def test_import_is_light() -> None:
    probe = (
        "import sys, flashpoint; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'spacy', 'pydantic', 'pyarrow', 'numpy', 'flashpoint', 'typer', 'sqlite3'}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['flashpoint']"


def test_version_in_python_cli_and_python_m() -> None:
    expected = importlib.metadata.version("flashpoint")
    assert flashpoint.__version__ == expected
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"flashpoint {expected}"
    done = subprocess.run(
        [sys.executable, "-m", "flashpoint", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.strip() == f"flashpoint {expected}"
    listed = subprocess.run([sys.executable, "-m", "flashpoint", "--help"], capture_output=True)
    assert listed.returncode == 0 and b"events" in listed.stdout


def test_code_returns_the_same_records_as_the_pipeline(
    example_path: Path, example_result: ArticleResult
) -> None:
    result = flashpoint.code(example_path.read_text(encoding="utf-8"))
    assert isinstance(result, ArticleResult) and isinstance(result.events[0], Event)
    assert result.article.id == example_result.article.id
    assert [e.model_dump() for e in result.events] == [
        e.model_dump() for e in example_result.events
    ]
    assert result.to_output()["events"] == example_result.to_output()["events"]
    assert result.article.published is not None  # the dateline's date


def test_code_metadata_and_mistakes() -> None:
    result = flashpoint.code(
        LAGOS, published="2024-01-10", title="Arrests", url="https://x.test/a", source="Wire"
    )
    article = result.article
    assert (article.title, article.url, article.source) == ("Arrests", "https://x.test/a", "Wire")
    assert article.published is not None and article.published.date().isoformat() == "2024-01-10"
    assert any(e.event == "COERCE" for e in result.events)
    import datetime as dt

    dated = flashpoint.code(LAGOS, published=dt.date(2024, 1, 10))
    assert dated.article.published == article.published
    with pytest.raises(ValueError, match="not a date"):
        flashpoint.code(LAGOS, published="sometime soon")
    with pytest.raises(InputError, match="empty"):
        flashpoint.code("   ")
    with pytest.raises(TypeError, match="str"):
        flashpoint.code(b"bytes")  # type: ignore[arg-type]


def test_code_many_streams_in_order_with_one_pipeline() -> None:
    consumed = 0

    def texts():
        nonlocal consumed
        for number in range(40):
            consumed += 1
            yield {"text": f"Police arrested {number + 2} protesters in Lagos.", "id": number}

    results = flashpoint.code_many(texts())
    first = next(results)
    assert consumed < 40  # results come before the input is used up
    rest = list(results)
    assert [r.article.source_id for r in [first, *rest]] == [str(n) for n in range(40)]
    assert len(notebook._pipelines) == 1  # code() and code_many() share it


def test_code_many_items_and_errors() -> None:
    items = [
        LAGOS,
        {"text": "Troops shelled Kharkiv.", "date": "2024-02-01", "title": math.nan, "x": 1},
        {"text": ""},
        {"title": "no text"},
        {"text": "Rebels attacked a convoy near Goma.", "published": "not a date"},
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = list(flashpoint.code_many(items))
    assert len(results) == 3
    assert results[1].article.published is not None and results[1].article.title is None
    messages = [str(w.message) for w in caught if w.category is flashpoint.FlashpointWarning]
    assert any("item 3" in m and "empty" in m for m in messages), messages
    assert any("item 4" in m and "text" in m for m in messages), messages
    assert any("item 5" in m and "not a date" in m for m in messages), messages
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(list(flashpoint.code_many(items[:4], errors="skip"))) == 2
    with pytest.raises(InputError, match="item 3"):
        list(flashpoint.code_many(items[:4], errors="raise"))
    with pytest.raises(TypeError, match="item 1 is a int"):
        list(flashpoint.code_many([7]))  # type: ignore[list-item]
    with pytest.raises(ValueError, match="errors="):
        list(flashpoint.code_many([LAGOS], errors="ignore"))  # type: ignore[arg-type]


def test_event_list_from_results_is_the_csv_table() -> None:
    results = list(flashpoint.code_many([LAGOS, "Troops shelled Kharkiv on Sunday."]))
    events = flashpoint.EventList.from_results(results)
    assert len(events) == sum(len(r.events) for r in results)
    table = events.to_arrow()
    assert table.column_names == list(FLAT_COLUMNS) and table.num_rows == len(events)


@pytest.fixture(scope="module")
def stored(tmp_path_factory, example_path: Path) -> Path:
    db = tmp_path_factory.mktemp("notebook") / "news.db"
    summary = flashpoint.ingest(example_path, db=db)
    assert (summary.read, summary.coded) == (1, 1) and summary.events > 0
    again = flashpoint.ingest([example_path], db=db)
    assert again.already_stored == 1 and again.coded == 0
    return db


def cli_events(db: Path, *args: str) -> list[dict]:
    result = CliRunner().invoke(app, ["events", "--db", str(db), "--json", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_open_events_match_the_cli(stored: Path) -> None:
    db = flashpoint.open(stored)
    every = db.events()
    assert [e.id for e in every] == [e["id"] for e in cli_events(stored)]
    usa = db.events(actor="usa")
    assert [e.id for e in usa] == [e["id"] for e in cli_events(stored, "--actor", "USA")]
    assert db.count(actor="USA") == len(usa) > 0
    assaults = db.events(type="ASSAULT", background=False)
    assert assaults and {e.event for e in assaults} == {"ASSAULT"}
    assert not any(e.background for e in assaults)
    assert len(db.events(type=["ASSAULT", "THREATEN"])) > len(assaults)
    by_confidence = [e.confidence for e in db.events(sort="-confidence")]
    assert by_confidence == sorted(by_confidence, reverse=True)
    assert len(db.events(limit=3)) == 3
    assert db.event(every[0].id) == every[0]
    assert db.article(every[0].article_id).events[0].article_id == every[0].article_id


def test_open_tables(stored: Path) -> None:
    pd = pytest.importorskip("pandas")
    db = flashpoint.open(stored)
    frame = db.events(since="2024-01-01").to_pandas()
    assert list(frame.columns) == list(FLAT_COLUMNS)
    assert pd.api.types.is_datetime64_any_dtype(frame["date"])
    assert (frame["date"] >= pd.Timestamp("2024-01-01")).all()
    assert frame["article_title"].notna().all()
    assert db.to_arrow(type="ASSAULT").num_rows == len(db.events(type="ASSAULT"))
    quotes = db.quotes()
    assert quotes and len(db.quotes(kind="direct")) < len(quotes)
    assert len(quotes.to_pandas()) == len(quotes)
    articles = db.articles()
    assert len(articles) == 1 and articles[0].text.startswith("Iraq Militia")
    assert articles.to_pandas()["published"].iloc[0] == pd.Timestamp("2024-01-04 21:50")
    assert len(db.articles(text="Nujaba")) == 1 and len(db.articles(text="Zanzibar")) == 0


def test_open_mistakes_are_named(stored: Path, tmp_path: Path, monkeypatch) -> None:
    db = flashpoint.open(stored)
    with pytest.raises(ValueError, match="type='BOMB'"):
        db.events(type="BOMB")
    with pytest.raises(ValueError, match="since='yesterday'"):
        db.events(since="yesterday")
    with pytest.raises(ValueError, match="actor='United States'"):
        db.events(actor="United States")
    with pytest.raises(ValueError, match="sort="):
        db.events(sort="size")
    with pytest.raises(ValueError, match="full-text"):
        db.events(text='"unclosed')
    with pytest.raises(TypeError):
        db.events(kind="ASSAULT")
    with pytest.raises(StoreError, match="no such database"):
        flashpoint.open(tmp_path / "none.db")
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if pandas were not installed
    with pytest.raises(ImportError, match="pip install pandas"):
        db.events().to_pandas()
    assert db.events().to_arrow().num_rows > 0  # Arrow needs nothing more
