"""Shared fixtures: the example article, one pipeline per session, temporary databases."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flashpoint.pipeline import Pipeline
from flashpoint.stages import clean
from flashpoint.stages.read import RawDocument

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FLASHPOINT_SHARED", ROOT.parent / "shared"))
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


@pytest.fixture
def code_text(pipeline: Pipeline):
    """Code one text as an article and return its ArticleResult."""

    def run(text: str, published: str | None = None):
        meta = {"published": published} if published else {}
        article = clean.build_article(RawDocument(name="test", text=text, meta=meta))
        (result,) = list(pipeline.process([article]))
        return result

    return run


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"
