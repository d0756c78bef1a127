"""`make test` checks up front for Chromium, chromedriver and Java 17+ and says what is missing
and which Debian package provides it (scripts/check_system.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "check_system.py"


def _tool(directory: Path, name: str, body: str = "exit 0") -> Path:
    path = directory / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def _check(bin_dir: Path, chromium: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": str(bin_dir), "CHROMIUM": str(chromium)}
    return subprocess.run(
        [sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, check=False
    )


def test_all_missing_is_said_with_debian_packages(tmp_path: Path) -> None:
    result = _check(tmp_path, tmp_path / "no-chromium")
    assert result.returncode == 1
    err = result.stderr
    assert "Chromium not found" in err and "apt-get install chromium" in err
    assert "chromedriver not found" in err and "chromium-driver" in err
    assert "Java not found" in err and "default-jre-headless" in err
    assert "Traceback" not in err


def test_an_old_java_is_named(tmp_path: Path) -> None:
    chromium = _tool(tmp_path, "chromium")
    _tool(tmp_path, "chromedriver")
    _tool(tmp_path, "java", "echo 'openjdk version \"11.0.2\" 2019-01-15' >&2")
    result = _check(tmp_path, chromium)
    assert result.returncode == 1
    assert "Java 11 found" in result.stderr and "17+" in result.stderr
    assert "Chromium" not in result.stderr


def test_old_style_java_version_is_read(tmp_path: Path) -> None:
    chromium = _tool(tmp_path, "chromium")
    _tool(tmp_path, "chromedriver")
    _tool(tmp_path, "java", "echo 'java version \"1.8.0_292\"' >&2")
    assert "Java 8 found" in _check(tmp_path, chromium).stderr


def test_everything_present_passes_silently(tmp_path: Path) -> None:
    chromium = _tool(tmp_path, "chromium")
    _tool(tmp_path, "chromedriver")
    _tool(tmp_path, "java", "echo 'openjdk version \"17.0.15\" 2025-04-15' >&2")
    result = _check(tmp_path, chromium)
    assert result.returncode == 0 and result.stderr == ""


def test_make_test_runs_the_check_before_installing() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "test: check-system $(BIN)/.installed" in makefile
    assert "scripts/check_system.py" in makefile
    dry = subprocess.run(
        ["make", "--no-print-directory", "-n", "test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = dry.stdout.splitlines()
    assert lines and "check_system.py" in lines[0]
