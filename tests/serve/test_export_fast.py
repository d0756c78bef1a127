"""The CSV export's fast path (export_fast.py) writes what the model path writes, byte for byte:
on the served article, on records edited into every shape the model reads (formulas, several
actors, an older spelling, numbers the model converts, an event whose article is gone), with
and without formula escaping, with filters, sorts, limits and pages smaller than the export."""

from __future__ import annotations

import io
import shutil
import sqlite3
from pathlib import Path

import pytest

from flashpoint import export_fast, model
from flashpoint.export import _write_text, write_export
from flashpoint.store import EventFilter, Store


def _fast(db: Path, where: EventFilter, escape: bool = True) -> bytes:
    out = io.BytesIO()
    with Store(db, read_only=True) as store:
        write_export(store, where, "csv", out, escape_formulas=escape)
    return out.getvalue()


def _model(db: Path, where: EventFilter, escape: bool = True) -> bytes:
    out = io.BytesIO()
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    with Store(db, read_only=True) as store:
        _write_text(store, where, "csv", text, escape)
    text.flush()
    return out.getvalue()


@pytest.fixture(scope="module")
def odd_db(tmp_path_factory, served_db: Path) -> Path:
    """The served store with its records edited into the shapes the model accepts."""
    path = tmp_path_factory.mktemp("odd") / "odd.db"
    shutil.copy(served_db, path)
    conn = sqlite3.connect(path)
    ids = [row[0] for row in conn.execute("SELECT id FROM events ORDER BY id")]
    assert len(ids) >= 9
    edits = [
        # Formulas and quoting: a leading =, +, -, @, a tab, CR, quotes, commas, new lines.
        "json_set(record, '$.actor[0].text', '=SUM(A1)', '$.evidence.text', '-2, said \"x\"\n',"
        " '$.quote_id', char(9) || 'q', '$.cameo_root', char(13) || '1')",
        "json_set(record, '$.context', json('[\"+1\", \"\", \"@here\"]'), '$.mode', '-3')",
        # Several actors with missing names and empty codes; the older precision spelling.
        'json_set(record, \'$.actor\', json(\'[{"text": "a", "start": 0, "end": 1},'
        ' {"text": "b", "start": 2, "end": 3, "name": "B", "code": "",'
        ' "sector": "GOV"}, {"text": "\\tc", "start": 4, "end": 5, "code": "IRQ"}]\'),'
        " '$.date_precision', 'publication')",
        # Numbers the model converts: an int where a float is kept, a float where an int is.
        "json_set(record, '$.event_scale', 5, '$.confidence', 1, '$.quad_code', 3.0)",
        # One actor with empty text and sector (an empty value is left out, as among several).
        'json_set(record, \'$.recipient\', json(\'[{"text": "", "start": 0, "end": 0,'
        ' "sector": "", "code": "USA"}]\'))',
        # A place with only some fields, a toll, a trigger, a claim without a name, mentions.
        'json_set(record, \'$.event_loc\', json(\'{"text": "@x", "lat": -33, "lon": 151.5}\'),'
        ' \'$.size\', json(\'{"dead": 4, "injured_low": 2, "spans": []}\'),'
        ' \'$.claimed_by\', json(\'{"text": "+them", "start": 1, "end": 2}\'),'
        ' \'$.mentions\', json(\'[{"text": "m", "start": 5, "end": 9},'
        ' {"text": "n", "start": 20, "end": 30}]\'), \'$.date\', NULL,'
        " '$.section', 'caption', '$.negated', json('true'))",
        "json_remove(record, '$.trigger', '$.mode', '$.context', '$.size', '$.event_loc')",
    ]
    for event_id, edit in zip(ids, edits, strict=False):
        conn.execute(f"UPDATE events SET record = {edit} WHERE id = ?", (event_id,))
    # An event whose article is gone (written by hand: the foreign key would cascade).
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE events SET article_id = 'a-gone' WHERE id = ?", (ids[-1],))
    conn.execute(
        "UPDATE events SET record = json_set(record, '$.article_id', 'a-gone') WHERE id = ?",
        (ids[-1],),
    )
    conn.execute("UPDATE articles SET title = '=HYPERLINK(1)', source = '-' ")
    conn.commit()
    conn.close()
    return path


FILTERS = [
    EventFilter(),
    EventFilter(type="ASSAULT"),
    EventFilter(sort="-confidence", limit=7, offset=2),
    EventFilter(sort="-date", actor="IRQ"),
    EventFilter(type="NO-SUCH-TYPE"),
]


@pytest.mark.parametrize("where", FILTERS, ids=lambda w: repr(w.__dict__)[:60])
@pytest.mark.parametrize("escape", [True, False])
def test_fast_csv_is_the_models_byte_for_byte(
    odd_db: Path, served_db: Path, where: EventFilter, escape: bool
) -> None:
    for db in (served_db, odd_db):
        fast = _fast(db, where, escape)
        assert fast == _model(db, where, escape)
    if where.type is None and where.limit is None:
        assert fast.count(b"\n") > 8


def test_fast_csv_pages_as_the_model(odd_db: Path, monkeypatch) -> None:
    """Pages of 3 events (cursors between them) give the same file as one page."""
    whole = _fast(odd_db, EventFilter())
    monkeypatch.setattr(export_fast, "BATCH", 3)
    monkeypatch.setattr(export_fast, "ARTICLES_KEPT", 0)
    assert _fast(odd_db, EventFilter()) == whole == _model(odd_db, EventFilter())


def test_fast_path_reads_the_records_without_the_model(served_db: Path, monkeypatch) -> None:
    """Records as the model writes them never need the model (else the path is not fast)."""

    def no_model(*_args: object) -> list:
        raise AssertionError("a stored record went through the model")

    monkeypatch.setattr(export_fast, "_model_row", no_model)
    monkeypatch.setattr(model.Event, "model_validate_json", no_model)
    assert _fast(served_db, EventFilter()).count(b"\n") > 2


def test_structs_mirror_the_model() -> None:
    """Each struct's fields are fields of the model class it mirrors, with its defaults."""
    import msgspec

    for struct, name in export_fast.STRUCTS.items():
        fields = getattr(model, name).model_fields
        for field in msgspec.structs.fields(struct):
            assert field.name in fields, (name, field.name)
            default = fields[field.name].get_default(call_default_factory=True)
            if field.default is not msgspec.NODEFAULT:
                assert field.default == default, (name, field.name)
            elif field.default_factory is not msgspec.NODEFAULT:
                assert field.default_factory() == default, (name, field.name)
            else:
                assert fields[field.name].is_required(), (name, field.name)


def test_articles_are_read_a_page_at_a_time(tmp_path: Path, example_result) -> None:
    """A page of events, sorted by date, holds events of many articles: their columns are
    read in one query per page, not one query per article."""
    from test_scale import fill

    db = tmp_path / "many.db"
    fill(db, example_result, range(12))
    statements: list[str] = []
    out = io.BytesIO()
    with Store(db, read_only=True) as store:
        store.conn.set_trace_callback(statements.append)
        write_export(store, EventFilter(), "csv", out)
        store.conn.set_trace_callback(None)
    assert len([s for s in statements if "FROM articles" in s]) == 1
    assert out.getvalue() == _model(db, EventFilter())


def test_records_reach_the_decoder_as_bytes(served_db: Path, monkeypatch) -> None:
    """The fast path reads each record as its UTF-8 bytes (no str made for it first)."""
    kinds: set[type] = set()
    decoder = export_fast._DECODER

    class Watching:
        def decode(self, record: object) -> object:
            kinds.add(type(record))
            return decoder.decode(record)  # type: ignore[arg-type]

    monkeypatch.setattr(export_fast, "_DECODER", Watching())
    assert _fast(served_db, EventFilter()) == _model(served_db, EventFilter())
    assert kinds == {bytes}
