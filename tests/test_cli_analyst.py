"""The command line as an analyst meets it: tables that fit the terminal, --wide, --sort, short
event ids, binary exports refused on a terminal, wrong-shaped gold files and unresolved actors
named as such, and an empty result that says why."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashpoint.cli import app
from flashpoint.cli.app import out
from flashpoint.cli.render import share_width

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


@pytest.mark.parametrize("columns", [100, 80])
def test_events_and_quotes_fit_the_terminal(db: Path, columns: int) -> None:
    shown = at_width(columns, "events", "--db", db).stdout
    assert max(len(line) for line in shown.splitlines()) <= columns
    for event_id in event_ids(db):  # wrapped, not cropped: every id is there whole
        assert event_id in shown
    quotes = at_width(columns, "quotes", "--db", db).stdout
    assert max(len(line) for line in quotes.splitlines()) <= columns


def test_wide_keeps_each_event_on_one_line(db: Path) -> None:
    shown = at_width(100, "events", "--db", db, "--wide").stdout
    ids = event_ids(db)
    rows = [line for line in shown.splitlines() if any(i in line for i in ids)]
    assert len(rows) == len(ids)  # one line an event, its article id on it too
    assert all("a6230193104dcc89ade34" in row for row in rows)
    assert max(len(line) for line in shown.splitlines()) > 100


def test_run_prints_at_the_terminal_width(example_path: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(out, "_width", 100)
    result = invoke("run", example_path, "--db", tmp_path / "w.db")
    assert result.exit_code == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 100
    assert "ASSAULT (drone)" in result.stdout


def test_share_width_gives_least_then_by_share_up_to_natural() -> None:
    shares = {"a": (10, 3), "b": (5, 1), "c": (5, 1)}
    widths = share_width(50, shares, {"a": 100, "b": 8, "c": 100})
    assert sum(widths.values()) == 50 and widths["b"] == 8
    assert widths["a"] > widths["c"] >= 5
    assert share_width(10, shares, {"a": 100, "b": 100, "c": 100}) == {"a": 10, "b": 5, "c": 5}


def test_sort(db: Path) -> None:
    result = invoke("events", "--db", db, "--json", "--sort", "-confidence")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    confidences = [r["confidence"] for r in records]
    assert confidences == sorted(confidences, reverse=True) and len(set(confidences)) > 1
    kinds = [
        json.loads(line)["event"]
        for line in invoke("events", "--db", db, "--json", "--sort", "type").stdout.splitlines()
    ]
    assert kinds == sorted(kinds) and len(set(kinds)) > 1
    dates = [
        json.loads(line)["date"] or ""
        for line in invoke("events", "--db", db, "--json", "--sort", "-date").stdout.splitlines()
    ]
    assert [d for d in dates if d] == sorted((d for d in dates if d), reverse=True)
    bad = invoke("events", "--db", db, "--sort", "size")
    assert bad.exit_code != 0 and "-confidence" in bad.output and "Traceback" not in bad.output


def test_show_takes_a_unique_prefix(db: Path) -> None:
    ids = event_ids(db)
    target = ids[0]
    prefix = next(
        target[:n] for n in range(2, len(target)) if sum(i.startswith(target[:n]) for i in ids) == 1
    )
    shown = invoke("show", prefix, "--db", db, "--json")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["id"] == target
    ambiguous = invoke("show", "e", "--db", db)
    lines = [line for line in ambiguous.stderr.splitlines() if line.strip()]
    assert ambiguous.exit_code == 1 and len(lines) == 1
    assert "more than 5 event ids" in lines[0] and sorted(ids)[0] in lines[0]
    missing = invoke("show", "e-nope", "--db", db)
    assert missing.exit_code == 1 and "no event 'e-nope'" in missing.stderr


def test_parquet_is_refused_on_a_terminal(db: Path, tmp_path: Path) -> None:
    main, terminal = pty.openpty()
    try:
        done = subprocess.run(
            [*CLI, "export", "-f", "parquet", "--db", str(db)],
            stdout=terminal,
            stderr=subprocess.PIPE,
            check=False,
        )
    finally:
        os.close(terminal)
    try:
        written = os.read(main, 4096)
    except OSError:  # nothing was written to the terminal before it closed
        written = b""
    os.close(main)
    assert done.returncode == 1 and b"--out" in done.stderr and b"PAR1" not in written
    target = tmp_path / "events.parquet"
    result = invoke("export", "-f", "parquet", "--db", db, "--out", target)
    assert result.exit_code == 0 and target.read_bytes()[:4] == b"PAR1"


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


def test_codes_are_checked_and_an_empty_result_says_why(db: Path) -> None:
    named = invoke("events", "--db", db, "--actor", "United States")
    assert named.exit_code == 1 and "3-letter code" in named.stderr
    assert "flashpoint actor" in named.stderr
    assert invoke("export", "-f", "csv", "--db", db, "--country", "Iraq").exit_code == 1
    assert invoke("quotes", "--db", db, "--speaker", "Iraq").exit_code == 1
    none = invoke(
        "events", "--db", db, "--type", "ASSAULT", "--since", "2024-01-01", "--actor", "USA"
    )
    assert none.exit_code == 0 and "no events match" in none.stdout
    assert "without --since" in none.stdout and "date is unknown" in none.stdout


def option_names(command: str) -> set[str]:
    import typer.main

    click_command = typer.main.get_command(app).commands[command]  # type: ignore[attr-defined]
    return {
        name
        for param in click_command.params
        for name in [*param.opts, *param.secondary_opts]
        if name.startswith("--")
    }


def test_events_and_export_share_the_api_filters(db: Path) -> None:
    import inspect

    from flashpoint.api.deps import event_filter

    shared = {
        "--type", "--mode", "--actor", "--initiator", "--recipient", "--since", "--until",
        "--country", "--near", "--search", "--min-confidence", "--min-dead", "--background",
        "--no-background", "--hypothetical", "--no-hypothetical", "--negated", "--no-negated",
        "--sort", "--limit", "--admin1", "--acled-type",
    }  # fmt: skip
    assert shared <= option_names("events") and shared <= option_names("export")
    api = set(inspect.signature(event_filter).parameters) | {"sort", "limit"}
    for option in shared - {"--search", "--min-dead"} - {o for o in shared if "--no-" in o}:
        assert option[2:].replace("-", "_") in api, option  # the API's names (--search is q)
    listed = event_ids(db, "--type", "ASSAULT", "--type", "THREATEN", "--search", "attack")
    exported = invoke(
        "export", "-f", "plover", "--db", db, "--type", "ASSAULT", "--type", "THREATEN",
        "--search", "attack",
    )  # fmt: skip
    assert exported.exit_code == 0
    assert [json.loads(line)["id"] for line in exported.stdout.splitlines()] == listed != []
    bad = invoke("events", "--db", db, "--search", '"unclosed')
    assert bad.exit_code != 0 and "Traceback" not in bad.output
    assert event_ids(db, "--min-dead", "4") and not event_ids(db, "--min-dead", "400")


def test_admin1_and_acled_type_filters(db: Path) -> None:
    from flashpoint.export import acled_types
    from flashpoint.store import Store

    with Store(db, read_only=True) as store:
        stored = store.events()
    admin1 = {e.event_loc.admin1 for e in stored if e.event_loc and e.event_loc.admin1}
    assert admin1  # the example places its drone strike in Baghdad
    name = sorted(admin1)[0]
    expected = [e.id for e in stored if e.event_loc and e.event_loc.admin1 == name]
    assert event_ids(db, "--admin1", name.upper()) == expected
    assert event_ids(db, "--admin1", "Nowhere Province") == []
    for kind in ("Battles", "Air/drone strike", "Strategic developments"):
        wanted = [e.id for e in stored if (t := acled_types(e)) and kind in t[1:]]
        assert event_ids(db, "--acled-type", kind.lower()) == wanted, kind
    assert event_ids(db, "--acled-type", "Air/drone strike")  # the strike
    exported = invoke("export", "-f", "acled", "--db", db, "--acled-type", "Air/drone strike")
    rows = exported.stdout.strip().splitlines()[1:]
    assert exported.exit_code == 0 and rows and all("Air/drone strike" in r for r in rows)
    both = event_ids(db, "--admin1", name, "--acled-type", "Air/drone strike", "--recipient", "USA")
    assert set(both) <= set(expected)
    bad = invoke("events", "--db", db, "--acled-type", "Bombing")
    assert bad.exit_code == 1 and "Air/drone strike" in bad.stderr
    assert "Traceback" not in bad.output


def test_ingest_progress_knows_its_total(tmp_path: Path) -> None:
    from rich.console import Console

    from flashpoint.cli.commands_run import count_articles, progress_bar
    from flashpoint.stages.read import iter_documents

    (tmp_path / "dir" / ".hidden").mkdir(parents=True)
    (tmp_path / "dir" / "a.txt").write_text("One article.")
    (tmp_path / "dir" / "b.html").write_text("<p>Two</p>")
    (tmp_path / "dir" / "notes.md").write_text("not an input")
    (tmp_path / "dir" / ".hidden" / "c.txt").write_text("hidden")
    (tmp_path / "lines.jsonl").write_text('{"text": "a"}\n\n{"text": "b"}\nnot json\n')
    (tmp_path / "rows.csv").write_text('text,date\n"two\n\nparagraphs",2024-01-01\nthree,\n')
    paths = [str(tmp_path / name) for name in ("dir", "lines.jsonl", "rows.csv", "missing.txt")]
    # The same count as the reader's items (articles and errors alike).
    assert count_articles(paths) == len(list(iter_documents(paths))) == 8
    assert count_articles(["-"]) is None
    console = Console(record=True, force_terminal=True, width=120)
    with progress_bar(8, console) as progress:
        task = progress.add_task("coding", total=8, rate=2.0)
        progress.update(task, completed=2)
        progress.refresh()
    shown = console.export_text()
    assert "25%" in shown and "2/8" in shown and "ETA" in shown


def quote_ids(db: Path, *args: str) -> list[str]:
    result = invoke("quotes", "--db", db, "--json", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line)["id"] for line in result.stdout.splitlines()]


def test_quotes_take_the_date_and_search_filters(db: Path) -> None:
    from flashpoint.store import Store

    with Store(db, read_only=True) as store:
        (article,) = store.articles()
        stored = store.quotes()
    assert stored and article.published
    day = article.published.date().isoformat()
    everything = [q.id for q in stored]
    assert quote_ids(db, "--since", day, "--until", day) == everything
    assert quote_ids(db, "--since", "2099-01-01") == []
    assert quote_ids(db, "--until", "1999-12-31") == []
    word = stored[0].text.split()[1].strip('"“”,.')
    found = quote_ids(db, "--search", word.upper())
    assert stored[0].id in found
    assert found == [q.id for q in stored if word.lower() in q.text.lower()]
    assert quote_ids(db, "--search", "zzqxjv no such words") == []
    bad = subprocess.run(
        [*CLI, "quotes", "--db", str(db), "--since", "last week"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode != 0 and "YYYY-MM-DD" in bad.stderr and "Traceback" not in bad.stderr
