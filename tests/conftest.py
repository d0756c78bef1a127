"""Shared fixtures: the example article, one pipeline per session, temporary databases."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from flashpoint.pipeline import Pipeline, PipelineOptions
from flashpoint.stages import clean
from flashpoint.stages.read import RawDocument

ROOT = Path(__file__).resolve().parents[1]


def _find_shared() -> Path:
    """$FLASHPOINT_SHARED, else `../shared` beside the checkout, else beside the repository it
    was cloned from (a fresh `git clone` of a local checkout into a temporary folder)."""
    if "FLASHPOINT_SHARED" in os.environ:
        return Path(os.environ["FLASHPOINT_SHARED"])
    beside = ROOT.parent / "shared"
    if beside.is_dir():
        return beside
    try:
        origin = subprocess.run(
            ["git", "-C", str(ROOT), "config", "--get", "remote.origin.url"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        return beside
    if origin and "://" not in origin and (Path(origin).parent / "shared").is_dir():
        return Path(origin).resolve().parent / "shared"
    return beside


SHARED = _find_shared()
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"../shared not found at {SHARED}; set FLASHPOINT_SHARED")
    return SHARED


@pytest.fixture(scope="session")
def example_path(shared: Path) -> Path:
    return shared / "articles" / "iraq-militia-threat.txt"


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return Pipeline()


@pytest.fixture(scope="session")
def example_result(pipeline: Pipeline, example_path: Path):
    (result,) = list(pipeline.run([str(example_path)]))
    return result


@pytest.fixture(scope="session")
def rules_pipeline() -> Pipeline:
    """The pipeline without its record screen: what the rules code (tests/test_screen.py tests
    the screen)."""
    return Pipeline(PipelineOptions(screen_records=False))


@pytest.fixture
def code_text(rules_pipeline: Pipeline):
    """Code one text as an article with the rules (no record screen) and return its
    ArticleResult."""

    def run(text: str, published: str | None = None):
        meta = {"published": published} if published else {}
        article = clean.build_article(RawDocument(name="test", text=text, meta=meta))
        (result,) = list(rules_pipeline.process([article]))
        return result

    return run


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"
