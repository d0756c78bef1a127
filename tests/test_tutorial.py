"""docs/notebook.md runs: its python blocks, in order, in one namespace, on the example
article and three rows of the Guardian sample."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

TUTORIAL = Path(__file__).resolve().parents[1] / "docs" / "notebook.md"
GUARDIAN_ROWS = 3


def python_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", markdown, flags=re.MULTILINE | re.DOTALL)


def write_inputs(shared: Path, directory: Path, example_path: Path) -> None:
    """article.txt, and news.csv: the Guardian sample's columns, three of its rows and the
    example article as a fourth."""
    (directory / "article.txt").write_text(example_path.read_text(encoding="utf-8"))
    source = shared / "corpus" / "guardian_sample_unlabeled.csv"
    with source.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [row for _, row in zip(range(GUARDIAN_ROWS), reader, strict=False)]
    columns = {name: i for i, name in enumerate(header)}
    example = [""] * len(header)
    example[columns["text"]] = example_path.read_text(encoding="utf-8")
    example[columns["date"]] = "2024-01-04"
    example[columns["source"]] = "Newsweek"
    with (directory / "news.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([*rows, example])


def test_the_tutorial_runs(shared: Path, example_path: Path, tmp_path: Path, monkeypatch) -> None:
    pd = pytest.importorskip("pandas")
    blocks = python_blocks(TUTORIAL.read_text(encoding="utf-8"))
    assert len(blocks) >= 6
    write_inputs(shared, tmp_path, example_path)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__tutorial__"}
    for number, block in enumerate(blocks, start=1):
        try:
            exec(compile(block, f"{TUTORIAL.name} block {number}", "exec"), namespace)
        except Exception as exc:  # name the block that broke
            raise AssertionError(f"docs/notebook.md block {number} fails: {exc!r}") from exc
    # What the page promises came out, and is not empty on this input.
    assert len(namespace["results"]) == GUARDIAN_ROWS + 1
    assert isinstance(namespace["events"], pd.DataFrame) and len(namespace["events"]) > 0
    assaults = namespace["assaults"]
    assert len(assaults) > 0 and set(assaults["event"]) == {"ASSAULT"}
    assert not assaults["background"].any()
    monthly = namespace["monthly"]
    assert isinstance(monthly, pd.DataFrame) and monthly.to_numpy().sum() > 0
    assert pd.api.types.is_datetime64_any_dtype(monthly.index)
    assert (tmp_path / "news.db").is_file()
