"""The command line, end to end: run, events, show, eval; bad input never gives a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashpoint.cli import app

runner = CliRunner()


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, [str(a) for a in args], input=input)


@pytest.fixture(scope="module")
def stored_example(tmp_path_factory, example_path: Path) -> tuple[Path, list[dict]]:
    db = tmp_path_factory.mktemp("cli") / "fp.db"
    result = invoke("run", example_path, "--db", db, "--json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return db, lines


def test_run_json_shape(stored_example) -> None:
    _, lines = stored_example
    (line,) = lines
    assert set(line) == {"article", "events", "quotes", "entities"}
    article = line["article"]
    for key in (
        "id",
        "source_id",
        "title",
        "category",
        "published",
        "source",
        "url",
        "language",
        "status",
    ):
        assert key in article
    assert article["published"] == "2024-01-04T21:50:00" and article["category"] == "War"
    assert article["status"] == "coded" and article["language"] == "en"
    event = line["events"][0]
    for key in (
        "id",
        "event",
        "mode",
        "context",
        "actor",
        "recipient",
        "date",
        "date_precision",
        "event_loc",
        "size",
        "negated",
        "hypothetical",
        "future",
        "background",
        "quad_code",
        "event_scale",
        "cameo_root",
        "confidence",
        "evidence",
    ):
        assert key in event
    assert set(event["evidence"]) == {"text", "start", "end"}
    for actor in event["actor"]:
        assert {"text", "name", "code", "sector", "start", "end"} <= set(actor)


def test_rerun_adds_no_duplicates(stored_example, example_path: Path) -> None:
    db, lines = stored_example
    result = invoke("run", example_path, "--db", db, "--json")
    assert result.exit_code == 0
    assert "1 already stored" in result.stderr
    events = invoke("events", "--db", db, "--json")
    assert len(events.stdout.splitlines()) == len(lines[0]["events"])


def test_events_and_show(stored_example) -> None:
    db, lines = stored_example
    listed = invoke("events", "--db", db, "--type", "ASSAULT", "--json")
    assert listed.exit_code == 0
    kinds = {json.loads(line)["event"] for line in listed.stdout.splitlines()}
    assert kinds == {"ASSAULT"}
    event_id = lines[0]["events"][0]["id"]
    shown = invoke("show", event_id, "--db", db)
    assert shown.exit_code == 0 and lines[0]["events"][0]["evidence"]["text"][:30] in shown.stdout
    missing = invoke("show", "e-nope", "--db", db)
    assert missing.exit_code == 1 and "no event" in missing.stderr


def test_bad_inputs_are_reported_and_the_rest_processed(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Police arrested ten protesters in Lagos on Monday.", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 10)
    german = tmp_path / "de.txt"
    german.write_text(
        "Die Bundesregierung hat am Montag neue Sanktionen gegen Russland beschlossen, "
        "teilte ein Sprecher in Berlin mit. Die Maßnahmen treten sofort in Kraft.",
        encoding="utf-8",
    )
    db = tmp_path / "x.db"
    result = invoke("run", empty, binary, german, good, "--db", db, "--json")
    assert result.exit_code == 1  # some inputs failed (the rest were coded)
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2 and "empty.txt" in errors[0] and "binary.txt" in errors[1]
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["article"]["status"] for line in lines] == ["skipped", "coded"]
    assert lines[0]["article"]["language"] == "de" and lines[0]["events"] == []


def test_only_bad_input_exits_non_zero(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = invoke("run", empty, "--db", tmp_path / "y.db")
    assert result.exit_code == 1 and "empty input" in result.stderr
    assert "Traceback" not in result.output


def test_bad_option_values_are_one_line_errors(tmp_path: Path, stored_example) -> None:
    db, _ = stored_example
    assert invoke("events", "--db", db, "--type", "BOMB").exit_code == 1
    assert invoke("events", "--db", tmp_path / "none.db").exit_code != 0


def test_eval_json_has_exactly_the_contract_keys(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    records = [
        {
            "text": "Police arrested twelve opposition activists in Minsk.",
            "events": [
                {
                    "event": "COERCE",
                    "source": [{"text": "Police"}],
                    "target": [{"text": "twelve opposition activists"}],
                }
            ],
        },
        {
            "text": "The European Union imposed new sanctions on Russia.",
            "events": [
                {
                    "event": "SANCTION",
                    "source": [{"text": "The European Union", "code": "EUR"}],
                    "target": [{"text": "Russia", "code": "RUS"}],
                }
            ],
        },
        {"text": "The weather was fine in Paris.", "events": [], "no_event": True},
    ]
    gold.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    result = invoke("eval", gold, "--json")
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert set(scores) == {
        "n",
        "type_micro_f1",
        "type_macro_f1",
        "triple_f1",
        "actor_code_accuracy",
        "event_loc_country_accuracy",
        "event_loc_city_accuracy",
        "dead_accuracy",
        "per_type",
    }
    assert scores["n"] == 3 and scores["type_macro_f1"] == 1.0 and scores["triple_f1"] == 1.0


def test_error_for_a_long_path_stays_on_one_line(tmp_path: Path) -> None:
    deep = tmp_path / ("a-rather-long-directory-name-" * 4) / ("and-another-one-" * 4)
    deep.mkdir(parents=True)
    empty = deep / "empty-article-with-a-long-name.txt"
    empty.write_text("")
    result = invoke("run", empty, "--db", tmp_path / "z.db")
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 2  # the error, then the summary
    assert lines[0].startswith("error:") and lines[0].endswith("empty input: no text to code")


def test_a_bad_csv_row_fails_the_run_but_not_the_rows_after_it(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_bytes(
        b"id,text\n1,Police arrested ten protesters in Lagos.\n"
        b"2,Troops \xff withdrew from the town.\n3,Rebels shelled the port of Hodeidah.\n"
    )
    result = invoke("run", path, "--no-store", "--json")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    ids = [json.loads(line)["article"]["source_id"] for line in result.stdout.splitlines()]
    assert ids == ["1", "3"]
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert f"{path}:3" in error and "0xff" in error
    assert "2 articles read" in result.stderr and "1 inputs failed" in result.stderr
