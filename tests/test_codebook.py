"""The codebook (docs/codebook.md) is generated from the data files and column lists the code
uses, covers every exported column and every code, and is linked from the README, the
dashboard and the API docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from flashpoint import codebook, export
from flashpoint.api.app import DESCRIPTION, create_app
from flashpoint.api.settings import Settings
from flashpoint.resources import load_yaml
from flashpoint.web import CODEBOOK, INDEX_HTML

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "codebook.md"


def _section(text: str, title: str) -> str:
    start = text.index(title)
    following = text.find("\n### ", start + len(title))
    nxt = text.find("\n## ", start + len(title))
    ends = [i for i in (following, nxt) if i != -1]
    return text[start : min(ends) if ends else len(text)]


def test_codebook_is_up_to_date_with_the_data_files() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert codebook.build(text) == text, "docs/codebook.md drifted: python -m flashpoint.codebook"
    assert CODEBOOK.read_text(encoding="utf-8") == text, "the packaged copy differs"
    assert codebook.main(["--check"]) == 0


@pytest.mark.parametrize(
    ("fmt", "title"),
    [
        ("plover", "### PLOVER JSONL"),
        ("csv", "### CSV and Parquet"),
        ("gdelt", "### GDELT-style TSV"),
        ("acled", "### ACLED-style CSV"),
    ],
)
def test_every_exported_column_is_described(fmt: str, title: str) -> None:
    section = _section(DOC.read_text(encoding="utf-8"), title)
    columns = codebook.exported_columns()[fmt]
    assert len(columns) >= {"plover": 20, "csv": 50, "gdelt": 61, "acled": 31}[fmt]
    for column in columns:
        assert re.search(rf"\| `{re.escape(column)}` \| [^|\s]", section), (fmt, column)


def test_every_plover_key_the_export_writes_is_listed() -> None:
    """The key list comes from a real record: a key added to plover_record shows up."""
    paths = codebook.plover_paths()
    assert {"event_loc.resolution", "flashpoint.date_precision", "size.dead"} <= set(paths)


def test_every_json_field_is_described() -> None:
    section = _section(DOC.read_text(encoding="utf-8"), "### JSON")
    for model, fields in codebook.json_fields().items():
        block = section[section.index(f"**{model}**") :]
        for name in fields:
            assert f"| `{name}` |" in block, (model, name)


def test_every_code_is_in_the_codebook() -> None:
    text = DOC.read_text(encoding="utf-8")
    plover = load_yaml("plover.yaml")["types"]
    types = _section(text, "### PLOVER event types")
    for name, spec in plover.items():
        assert f"`{name}`" in types
        for mode in spec["modes"]:
            assert f"{mode} (" in types, (name, mode)
    sectors = _section(text, "### Sectors")
    assert len(codebook.sectors_in_data()) >= 25
    for sector in codebook.sectors_in_data():
        assert f"| `{sector}` |" in sectors, sector
    contexts = _section(text, "### Contexts")
    for context in codebook.contexts_in_data() | {"economic", "legal", "cyber"}:
        assert f"| `{context}` |" in contexts
    precision = _section(text, "### Precision codes")
    for p in range(1, 6):
        assert f"| {p} |" in precision
    for p in ("day", "week", "month", "year", "published"):
        assert f"| `{p}` |" in precision
    flags = _section(text, "### Flags")
    for flag in ("negated", "hypothetical", "future", "background"):
        assert f"| `{flag}` |" in flags


def test_a_column_without_a_description_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(export.FLAT_COLUMNS, "new_column", "string")
    with pytest.raises(codebook.CodebookError, match="new_column"):
        codebook.render()


def test_a_sector_without_a_description_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(codebook.SECTOR_NAMES, "REB")
    with pytest.raises(codebook.CodebookError, match="REB"):
        codebook.render()


def test_codebook_explains_rows_and_error_rates() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "One record per incident" in text
    relate = _section(text, "## How the exports relate")
    assert "link_id" in relate and "ACLED records" in relate
    rates = _section(text, "## Known error rates")
    assert "development figures" in rates
    readme = (ROOT / "README.md").read_text(encoding="utf-8") + (
        ROOT / "docs" / "accuracy.md"
    ).read_text(encoding="utf-8")
    for figure in ("0.795", "0.752", "0.744", "0.844", "0.906"):
        assert figure in rates and figure in readme, figure


def test_codebook_is_linked_from_readme_dashboard_and_api_docs(tmp_path: Path) -> None:
    assert "docs/codebook.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'href="/codebook"' in INDEX_HTML.read_text(encoding="utf-8")
    assert "/codebook" in DESCRIPTION
    client = TestClient(create_app(Settings(db=tmp_path / "none.db")))
    response = client.get("/codebook")
    assert response.status_code == 200
    assert response.text.startswith("# Flashpoint codebook")
    assert "/codebook" in client.get("/openapi.json").json()["info"]["description"]


def test_whole_article_figures_follow_the_readme(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = codebook.render_article_rates()
    assert "key recall" in table and table in DOC.read_text(encoding="utf-8")
    line = next(x for x in readme.splitlines() if x.startswith("| key recall |"))
    changed = tmp_path / "README.md"
    earlier = ["0.1"] * (line.count("|") - 4)  # the columns before "now"
    changed.write_text(
        readme.replace(
            line, "| key recall | " + " | ".join([*earlier, "**0.999**", "0.80"]) + " |"
        ),
        "utf-8",
    )
    assert "| key recall | 0.999 | 0.80 |" in codebook.render_article_rates(changed)
    changed.write_text("# no figures\n", "utf-8")
    with pytest.raises(codebook.CodebookError):
        codebook.render_article_rates(changed)
