"""Fixtures for the API, export and browser tests: the example article coded by the pipeline
and stored, with the fields that other stages fill (actor codes, a place, a toll, a date
span, a quote) filled in by hand where this branch's pipeline leaves them empty, so that every
span kind and the map, network and exports are exercised whatever those stages do."""

from __future__ import annotations

import csv
import re
import warnings
from pathlib import Path

import pytest

from flashpoint.model import ArticleResult, Place, Quote, Size, Span
from flashpoint.store import Store

warnings.filterwarnings("ignore", message=".*httpx2.*")

# (text inside an actor mention, code, sector, name): what an actor dictionary resolves.
TEST_ACTORS = [
    ("Nujaba", "IRQ", "REB", "Harakat al-Nujaba"),
    ("militia", "IRQ", "REB", "Harakat al-Nujaba"),
    ("United States", "USA", "GOV", "United States"),
    ("Washington", "USA", "GOV", "United States"),
    ("U.S.", "USA", "MIL", "United States Armed Forces"),
    ("American", "USA", "MIL", "United States Armed Forces"),
    ("Pentagon", "USA", "MIL", "United States Department of Defense"),
    ("Popular Mobilization", "IRQ", "PRM", "Popular Mobilization Forces"),
    ("Iraqi Armed Forces", "IRQ", "MIL", "Iraqi Armed Forces"),
    ("Foreign Ministry", "IRQ", "GOV", "Ministry of Foreign Affairs of Iraq"),
    ("Coalition", "IGO", "MIL", "Global Coalition"),
]
# Roughly central Baghdad (what the places stage resolves the city to).
BAGHDAD = {"lat": 33.33, "lon": 44.39, "geonameid": 98182}


def fill_like_later_stages(result: ArticleResult) -> ArticleResult:
    """A copy of `result` with empty actor codes, the strike's place, toll and date span, and
    the first quote filled in. Fields a stage has already filled are kept."""
    result = result.model_copy(deep=True)
    text = result.article.text
    for event in result.events:
        for actor in [*event.actor, *event.recipient]:
            if actor.code is None:
                for needle, code, sector, name in TEST_ACTORS:
                    if needle in actor.text:
                        actor.code, actor.sector, actor.name = code, sector, name
                        break
    strike = next(
        e for e in result.events if e.event == "ASSAULT" and _tells(e, "unclaimed drone strike")
    )
    if strike.event_loc is None or strike.event_loc.lat is None:
        start = text.index("Baghdad")
        strike.event_loc = Place(
            text="Baghdad",
            name="Baghdad",
            country="IRQ",
            admin1="Baghdad",
            precision=4,
            start=start,
            end=start + len("Baghdad"),
            **BAGHDAD,
        )
    if strike.date_span is None and "Thursday" in strike.evidence.text:
        start = strike.evidence.start + strike.evidence.text.index("Thursday")
        strike.date_span = Span(text="Thursday", start=start, end=start + len("Thursday"))
    match = re.search(r"at least (\w+) people", strike.evidence.text)
    if strike.size is None and match:
        start = strike.evidence.start + match.start()
        strike.size = Size(
            dead=4,
            dead_low=4,
            spans=[Span(text=match.group(0), start=start, end=start + len(match.group(0)))],
        )
    if not result.quotes:
        first = text.index('"')
        last = text.index('"', first + 1) + 1
        inside = [
            e
            for e in result.events
            if first <= e.evidence.start < last
            or first <= (e.trigger.start if e.trigger else -1) < last
        ]
        speaker_at = text.index("a spokesperson", last)
        quote = Quote(
            id="q-test-1",
            article_id=result.article.id,
            text=text[first:last],
            start=first,
            end=last,
            speaker=_actor_at(text, speaker_at, "a spokesperson"),
            event_ids=[e.id for e in inside],
        )
        for event in inside:
            event.quote_id = quote.id
        result.quotes.append(quote)
    return result


def _tells(event, phrase: str) -> bool:
    """Whether the event's evidence or one of its merged mentions says `phrase` (the incidents
    stage makes the lede and the sentence with the details one event)."""
    return any(phrase in span.text for span in [event.evidence, *event.mentions])


def _actor_at(text: str, start: int, phrase: str):
    from flashpoint.model import Actor

    return Actor(text=phrase, start=start, end=start + len(phrase), code="IRQ", sector="REB")


@pytest.fixture(scope="session")
def served_result(example_result) -> ArticleResult:
    return fill_like_later_stages(example_result)


@pytest.fixture(scope="session")
def served_db(tmp_path_factory, served_result) -> Path:
    path = tmp_path_factory.mktemp("serve") / "served.db"
    with Store(path) as store:
        store.save(served_result)
    return path


@pytest.fixture(scope="session")
def served_parquet(tmp_path_factory, served_result) -> Path:
    """The same coded article as a Parquet dataset (what `flashpoint spark` writes), for the
    API served from DuckDB (`flashpoint serve --parquet`)."""
    from flashpoint.dataset import DatasetWriter

    path = tmp_path_factory.mktemp("serve") / "dataset"
    writer = DatasetWriter(path)
    writer.add(served_result)
    writer.close()
    return path


@pytest.fixture(scope="session")
def strike(served_result):
    return next(
        e
        for e in served_result.events
        if e.event == "ASSAULT" and _tells(e, "unclaimed drone strike")
    )


@pytest.fixture(scope="session")
def client(served_db):
    from fastapi.testclient import TestClient

    from flashpoint.api import Settings, create_app
    from flashpoint.api.settings import get_settings

    app = create_app()
    app.dependency_overrides[get_settings] = lambda: Settings(db=served_db)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def test_output() -> Path:
    """Where tests leave files for people to look at (screenshots)."""
    out = Path(__file__).resolve().parents[2] / "test-output"
    out.mkdir(exist_ok=True)
    return out


# The whole Guardian sample (249 articles), as the issues ask: the dashboard's timeline, map and
# URL filters, and the alerts on real news, are checked on a real corpus, not a handful.
GUARDIAN_ARTICLES = 249


@pytest.fixture(scope="session")
def guardian_store(tmp_path_factory, pipeline, example_path: Path, shared: Path) -> Path:
    """The example article and the Guardian sample, coded once a session (about 40 s) and
    stored as `flashpoint ingest` stores them (reposts folded, events linked), the alerts
    updated incrementally every 25 articles as `flashpoint watch` does after a poll. Tests
    read copies of it."""
    from flashpoint import alerts
    from flashpoint.corpus import CorpusRun
    from flashpoint.errors import InputError

    folder = tmp_path_factory.mktemp("guardian")
    with (shared / "corpus" / "guardian_sample_unlabeled.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:GUARDIAN_ARTICLES]
    sample = folder / "guardian.csv"
    with sample.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    path = folder / "guardian.db"
    config = alerts.load_config()
    with Store(path) as store:
        results = CorpusRun(pipeline, store).results([str(example_path), str(sample)])
        try:
            for number, result in enumerate(results, 1):
                assert not isinstance(result, InputError), result
                if number % 25 == 0:
                    alerts.update(store.conn, config)
        finally:
            results.close()
        alerts.update(store.conn, config)
        assert store.counts()["articles"] > 200
    return path
