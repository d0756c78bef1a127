"""The lean install: `make example` installs the runtime dependencies only, `make test` the
development extra too, and the README documents `pip install .`."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEV_ONLY = ("pytest", "ruff", "pandas", "pyspark", "playwright", "schemathesis", "scikit-learn")


def planned(target: str, tmp_path: Path) -> str:
    """What `make TARGET` would run for a fresh virtual environment (make -n: nothing runs)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", target, f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_example_installs_the_runtime_only(tmp_path: Path) -> None:
    plan = planned("example", tmp_path)
    assert "pip install -q -e .\n" in plan
    assert "[dev]" not in plan
    assert "flashpoint run" in plan


def test_make_test_installs_the_development_extra(tmp_path: Path) -> None:
    plan = planned("test", tmp_path)
    assert "pip install -q -e '.[dev]'" in plan and "pytest" in plan


def test_runtime_dependencies_are_lean_and_the_readme_says_how() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = " ".join(project["dependencies"]).lower()
    assert not [name for name in DEV_ONLY if name in runtime]
    assert "pyarrow" in runtime  # to_arrow() and the Parquet export need it
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "venv/bin/pip install ." in readme
