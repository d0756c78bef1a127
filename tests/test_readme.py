"""The README's examples run: every command of "Using it" (placeholders filled in with the
example article, a few Guardian rows and a small gold file, in a fresh directory, as a new
user would type them), and the code of "In Python"."""

from __future__ import annotations

import csv
import html
import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashpoint.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"
CLI = [sys.executable, "-m", "flashpoint"]
runner = CliRunner()


def indented_block(section: str) -> list[str]:
    """The first indented (code) block under a README heading, unindented."""
    body = README.read_text(encoding="utf-8").split(f"\n## {section}\n", 1)[1]
    body = body.split("\n## ", 1)[0]
    lines: list[str] = []
    for line in body.splitlines():
        if line.startswith("    "):
            lines.append(line[4:])
        elif lines and not line.strip():
            lines.append("")
        elif lines:
            break
    while lines and not lines[-1]:
        lines.pop()
    return lines


def readme_commands() -> list[str]:
    return [line.split("  #")[0].strip() for line in indented_block("Using it")]


class Workspace:
    """A fresh directory with the inputs the README's placeholders stand for."""

    def __init__(self, root: Path, shared: Path, example: Path) -> None:
        self.root = root
        text = example.read_text(encoding="utf-8")
        (root / "ARTICLE.txt").write_text(text, encoding="utf-8")
        (root / "MORE.txt").write_text(
            "Police arrested ten protesters in Lagos on Monday.", encoding="utf-8"
        )
        (root / "DIR").mkdir()
        (root / "DIR" / "story.txt").write_text(text, encoding="utf-8")
        (root / "articles.jsonl").write_text(
            json.dumps({"id": "x1", "text": "Troops shelled Kharkiv on Sunday, officials said."})
            + "\n",
            encoding="utf-8",
        )
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n")[4:12])
        (root / "page.html").write_text(
            "<html><head><title>Militia threat</title></head><body><article>"
            f"{paragraphs}</article></body></html>",
            encoding="utf-8",
        )
        with (shared / "corpus" / "guardian_sample_unlabeled.csv").open(
            newline="", encoding="utf-8"
        ) as handle:
            reader = csv.reader(handle)
            rows = [next(reader) for _ in range(3)]  # the header and two articles
        with (root / "news.csv").open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
        gold = [
            {
                "text": "Police arrested twelve opposition activists in Minsk.",
                "events": [{"event": "COERCE", "source": [{"text": "Police"}], "target": []}],
            },
            {"text": "The weather was fine in Paris.", "events": [], "no_event": True},
        ]
        (root / "SOURCES.yaml").write_text("sources:\n  - path: DIR\n", encoding="utf-8")
        (root / "GOLD.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold))

    def cli(self, *args: str, input: str | None = None) -> str:
        result = runner.invoke(app, list(args), input=input)
        assert result.exit_code == 0, (args, result.output)
        return result.stdout

    def process(self, *args: str) -> str:
        done = subprocess.run(
            [*CLI, *args], cwd=self.root, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, (args, done.stderr)
        return done.stdout + done.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(space: Workspace) -> None:
    port = free_port()
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port)],
        cwd=space.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/events") as reply:
                    assert json.load(reply)["total"] > 0
                    return
            except OSError:
                assert server.poll() is None, "flashpoint serve stopped"
                assert time.monotonic() < deadline, "flashpoint serve did not answer"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_readme_commands_run(
    shared: Path, example_path: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    space = Workspace(tmp_path, shared, example_path)
    stored: dict[str, str] = {}

    def events_found(*args: str) -> Callable[[], None]:
        def check() -> None:
            listed = space.cli("events", *args)
            assert "no events match" not in listed and re.search(r"\b\d+ events?\b", listed), listed
            rows = space.cli("events", *args, "--json").splitlines()
            assert rows and all(json.loads(r)["date"] >= "2024-01-01" for r in rows)
            stored["event_id"] = json.loads(rows[0])["id"]

        return check

    def show() -> None:
        event_id = stored["event_id"]
        assert event_id in space.cli("show", event_id, "--json")
        assert event_id in space.cli("show", event_id[:12], "--json")

    def export() -> None:
        for fmt in ("plover", "csv", "parquet", "gdelt", "acled"):
            target = tmp_path / f"events.{fmt}"
            space.cli("export", "--format", fmt, "--out", str(target))
            assert target.stat().st_size > 0
            if fmt != "parquet":
                assert space.cli("export", "--format", fmt).strip()

    # Each command of the README, as it is written there, and how this test runs it.
    runs: dict[str, Callable[[], object]] = {
        "flashpoint run ARTICLE.txt [MORE ...]": lambda: space.cli(
            "run", "ARTICLE.txt", "MORE.txt"
        ),
        "flashpoint run DIR/ --json": lambda: json.loads(
            space.cli("run", "DIR/", "--json").splitlines()[0]
        ),
        "flashpoint run articles.jsonl": lambda: space.cli("run", "articles.jsonl"),
        "flashpoint run - < page.html": lambda: space.cli(
            "run", "-", input=(tmp_path / "page.html").read_text()
        ),
        "flashpoint ingest news.csv --workers 2": lambda: space.process(
            "ingest", "news.csv", "--workers", "2"
        ),
        "flashpoint watch SOURCES.yaml --once": lambda: space.cli(
            "watch", "SOURCES.yaml", "--once"
        ),
        "flashpoint sources": lambda: (
            space.cli("sources"),
            json.loads(space.cli("sources", "--json"))["kind"] == "folder"
            or pytest.fail("the watched folder is not listed"),
        ),
        "flashpoint alerts [--since 2024-01-01] [--country IRQ] [--json]": lambda: (
            space.cli("alerts"),
            space.cli("alerts", "--since", "2024-01-01", "--country", "IRQ", "--json"),
        ),
        "flashpoint events --type ASSAULT --since 2024-01-01 --country IRQ": events_found(
            "--type", "ASSAULT", "--since", "2024-01-01", "--country", "IRQ"
        ),
        "flashpoint events --actor USA --since 2024-01-01 --sort -confidence": events_found(
            "--actor", "USA", "--since", "2024-01-01", "--sort", "-confidence"
        ),
        "flashpoint show EVENT_ID": show,
        "flashpoint quotes [--speaker IRQ] [--kind direct] [--json]": lambda: (
            space.cli("quotes"),
            json.loads(
                space.cli("quotes", "--speaker", "IRQ", "--kind", "direct", "--json").split("\n")[0]
            ),
        ),
        'flashpoint actor "the Iraqi foreign minister" --date 2024-01-04': lambda: (
            "IRQ" in space.cli("actor", "the Iraqi foreign minister", "--date", "2024-01-04")
            or pytest.fail("the foreign minister is not resolved to IRQ")
        ),
        "flashpoint serve": lambda: serve(space),
        "flashpoint export --format plover|csv|parquet|gdelt|acled [--out FILE]": export,
        "flashpoint doctor [--check]": lambda: (
            space.cli("doctor"),
            space.cli("doctor", "--check"),
        ),
        "flashpoint eval GOLD.jsonl [--json]": lambda: (
            space.cli("eval", "GOLD.jsonl"),
            json.loads(space.cli("eval", "GOLD.jsonl", "--json"))["n"] == 2
            or pytest.fail("eval --json does not count the gold lines"),
        ),
    }
    # A command added to the README (or changed there) must be added here.
    assert readme_commands() == list(runs)
    for command, run in runs.items():
        try:
            run()
        except AssertionError as exc:
            raise AssertionError(f"README: `{command}` fails: {exc}") from exc
    summary = space.process("events", "--json")
    assert len(summary.splitlines()) > 20


def test_the_readme_python_runs(example_path: Path, tmp_path: Path, monkeypatch) -> None:
    pytest.importorskip("pandas")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "article.txt").write_text(example_path.read_text(encoding="utf-8"))
    result = runner.invoke(app, ["run", "article.txt", "--quiet"])
    assert result.exit_code == 0
    code = "\n".join(indented_block("In Python"))
    namespace: dict = {}
    exec(compile(code, "README.md (In Python)", "exec"), namespace)
    assert namespace["result"].events and len(namespace["assaults"]) > 0


def test_the_readme_sample_output_is_the_examples(example_result) -> None:
    """The table under "What comes out" fits 100 columns and shows events the example gives."""
    sample = indented_block("What comes out")
    assert max(len(line) for line in sample) <= 100
    shown = re.findall(
        r"^│([A-Z]+)(?: \([a-z-]+\))?\s*│.*\n│(e[0-9a-f]{16})\s", "\n".join(sample), re.M
    )
    assert len(shown) >= 5
    coded = {event.id: event.event for event in example_result.events}
    for kind, event_id in shown:
        assert coded.get(event_id) == kind, (event_id, kind)
