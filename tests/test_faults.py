"""Faults outside the input: a full disk, a database locked by another writer, a read-only
store, a port in use. Each gives one line (no traceback) and the right exit code."""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashpoint.cli import app, main
from flashpoint.store import Store
from flashpoint.store import sqlite as sqlite_module

runner = CliRunner()
CLI = [sys.executable, "-c", "from flashpoint.cli import main; main()"]
TEXT = "Police arrested ten protesters in Lagos on Monday, officials said."


def run_main(monkeypatch, capsys, *args: object) -> tuple[int, str]:
    """`flashpoint ARGS` through main() (as the console script runs it): exit code, stderr."""
    monkeypatch.setattr(sys, "argv", ["flashpoint", *[str(a) for a in args]])
    with pytest.raises(SystemExit) as exited:
        main()
    code = exited.value.code
    return (code if isinstance(code, int) else 0 if code is None else 1), capsys.readouterr().err


@pytest.fixture
def articles(tmp_path: Path) -> list[Path]:
    paths = []
    for i, text in enumerate([TEXT, "Troops withdrew from the town of Kidal on Tuesday."]):
        path = tmp_path / f"a{i}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_disk_full_while_storing_is_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    """SQLite's own page limit stands in for a full disk: the same error (SQLITE_FULL)."""
    migrate = Store._migrate

    def then_fill_up(self: Store) -> None:
        migrate(self)
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        self.conn.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(Store, "_migrate", then_fill_up)
    long = tmp_path / "long.txt"  # more than the free space left in the tables' pages
    long.write_text(
        " ".join(f"Troops shelled village number {i} near Kidal on Tuesday." for i in range(150)),
        encoding="utf-8",
    )
    code, stderr = run_main(monkeypatch, capsys, "run", long, "--db", tmp_path / "fp.db", "-q")
    assert code == 2, stderr
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "disk full" in errors[0]
    assert "articles read" in stderr  # the summary of what was stored comes first


def test_database_locked_past_the_busy_timeout_is_one_line(
    tmp_path: Path, articles: list[Path], monkeypatch, capsys
) -> None:
    db = tmp_path / "fp.db"
    Store(db).close()
    code, _ = run_main(monkeypatch, capsys, "run", articles[0], "--db", db, "-q")
    assert code == 0
    monkeypatch.setattr(sqlite_module, "BUSY_TIMEOUT", 0.3)
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process writing, for longer than we wait
    try:
        code, stderr = run_main(monkeypatch, capsys, "run", articles[1], "--db", db, "-q")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert code == 2 and "Traceback" not in stderr
    (error,) = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert "database is locked" in error and "0.3 s" in error


def test_output_to_a_full_disk_is_one_line(tmp_path: Path, articles: list[Path]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    db = tmp_path / "fp.db"
    assert runner.invoke(app, ["run", str(articles[0]), "--db", str(db), "-q"]).exit_code == 0
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [*CLI, "export", "-f", "csv", "--db", str(db)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr  # nor at exit, when stdout is flushed
    assert done.stderr.strip().splitlines() == [
        "error: the output: disk full; nothing more was written"
    ]


def _read_only_mount_works(directory: Path) -> bool:
    if shutil.which("unshare") is None or not sys.platform.startswith("linux"):
        return False
    probe = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", _mount(directory)],
        capture_output=True,
        timeout=30,
        check=False,
    )
    return probe.returncode == 0


def _mount(directory: Path) -> str:
    return f"mount --bind '{directory}' '{directory}' && mount -o remount,bind,ro '{directory}'"


def test_a_store_on_a_read_only_filesystem_is_read_and_served(
    tmp_path: Path, articles: list[Path]
) -> None:
    """Mounted read-only in a private mount namespace (skipped where that is not allowed)."""
    directory = tmp_path / "ro"
    directory.mkdir()
    db = directory / "fp.db"
    assert runner.invoke(app, ["run", str(articles[0]), "--db", str(db), "-q"]).exit_code == 0
    assert not Path(f"{db}-wal").exists()  # closed cleanly
    if not _read_only_mount_works(directory):
        pytest.skip("cannot mount read-only here (needs unshare and CAP_SYS_ADMIN)")
    api = (
        "from fastapi.testclient import TestClient\n"
        "from flashpoint.api import Settings, create_app\n"
        "from flashpoint.api.settings import get_settings\n"
        "app = create_app()\n"
        f"app.dependency_overrides[get_settings] = lambda: Settings(db={str(db)!r})\n"
        "with TestClient(app) as client:\n"
        "    r = client.get('/api/articles')\n"
        "    print('api', r.status_code, r.json()['total'])\n"
    )
    python = sys.executable
    script = " ; ".join(
        [
            _mount(directory),
            f"touch '{directory}/probe' 2>/dev/null && echo writable",
            f"{python} -c 'from flashpoint.cli import main; main()' events --db '{db}' --json"
            " > /dev/null && echo events ok",
            f"{python} -c 'from flashpoint.cli import main; main()' run '{articles[1]}'"
            f" --db '{db}' -q; echo run exit $?",
            f'{python} -c "{api}"',
        ]
    )
    done = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    out = done.stdout.splitlines()
    assert "writable" not in out
    assert "events ok" in out, done.stderr
    assert "run exit 2" in out
    assert "api 200 1" in out, done.stderr
    assert "Traceback" not in done.stderr and "not a Flashpoint database" not in done.stderr
    assert "read-only" in done.stderr


def test_serve_on_a_port_in_use_fails_before_announcing(tmp_path: Path, articles) -> None:
    db = tmp_path / "fp.db"
    assert runner.invoke(app, ["run", str(articles[0]), "--db", str(db), "-q"]).exit_code == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = runner.invoke(app, ["serve", "--db", str(db), "--port", str(port)])
    assert result.exit_code == 1
    assert "Flashpoint on" not in result.output
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr
