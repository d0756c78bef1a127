"""The command line as an analyst meets it: tables that fit the terminal, --wide, --sort, short
event ids, binary exports refused on a terminal, wrong-shaped gold files and unresolved actors
named as such, and an empty result that says why."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashpoint.cli import app

runner = CliRunner()
CLI = [sys.executable, "-m", "flashpoint"]


def invoke(*args: object, input: str | None = None):
    return runner.invoke(app, [str(a) for a in args], input=input)


@pytest.fixture(scope="module")
def db(tmp_path_factory, example_path: Path) -> Path:
    path = tmp_path_factory.mktemp("analyst") / "fp.db"
    result = invoke("run", example_path, "--db", path, "--quiet")
    assert result.exit_code == 0, result.output
    return path


def event_ids(db: Path, *args: str) -> list[str]:
    result = invoke("events", "--db", db, "--json", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line)["id"] for line in result.stdout.splitlines()]


def at_width(columns: int, *args: object) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": str(columns)}
    done = subprocess.run(
        [*CLI, *(str(a) for a in args)], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    return done


def test_eval_names_a_gold_file_of_the_wrong_shape(tmp_path: Path) -> None:
    quotes = tmp_path / "quotes.jsonl"
    quotes.write_text(json.dumps({"text": "He said “no”.", "quotes": []}) + "\n")
    result = invoke("eval", quotes)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 1 and len(lines) == 1 and not result.stdout
    assert "not event gold" in lines[0] and "eval-quotes" in lines[0]
    articles = tmp_path / "articles.jsonl"
    record = {"text": "Troops shelled Kharkiv.", "events": [{"event": "ASSAULT", "mentions": []}]}
    articles.write_text(json.dumps(record) + "\n")
    result = invoke("eval", articles)
    assert result.exit_code == 1 and "eval-articles" in result.stderr and not result.stdout
    junk = tmp_path / "junk.jsonl"
    junk.write_text('{"a": 1}\nnot json\n')
    result = invoke("eval", junk, "--json")
    assert result.exit_code == 1 and "no usable gold lines" in result.stderr
    assert not result.stdout  # no scores of 0 printed


def test_actor_says_when_a_name_is_not_resolved() -> None:
    result = invoke("actor", "Zorblax the Magnificent")
    assert result.exit_code == 1 and "not resolved" in result.stderr and not result.stdout
    found = invoke("actor", "the Iraqi foreign minister", "--date", "2024-01-04")
    assert found.exit_code == 0 and "IRQ" in found.stdout
