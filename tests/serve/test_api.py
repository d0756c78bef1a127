"""The REST API over the stored example: filters, pagination, one event with its spans,
articles, quotes, actors, dyads, timeline; bad parameters are 422s with a message.

Every test that reads the example runs twice: over the SQLite store and over the same coded
article as a Parquet dataset served through DuckDB (`flashpoint serve --parquet`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from flashpoint.api import Settings, create_app
from flashpoint.api.settings import get_settings
from flashpoint.cli.commands_events import haversine_km
from flashpoint.dataset import DatasetWriter
from flashpoint.store import Store

BACKENDS = ["sqlite", "parquet"]


@pytest.fixture(scope="module", params=BACKENDS)
def client(request, served_db, served_parquet):
    settings = (
        Settings(db=served_db) if request.param == "sqlite" else Settings(parquet=served_parquet)
    )
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: settings
    with TestClient(app) as test_client:
        yield test_client


def served_app(backend: str, results: list, folder: Path):
    """An app over these coded articles, stored in SQLite or written as a Parquet dataset."""
    if backend == "sqlite":
        with Store(folder / "store.db") as store:
            for result in results:
                store.save(result)
        return create_app(Settings(db=folder / "store.db"))
    writer = DatasetWriter(folder / "dataset")
    for result in results:
        writer.add(result)
    writer.close()
    return create_app(Settings(parquet=folder / "dataset"))


def ids(response) -> set[str]:
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


def test_events_list_pages_and_totals(client, served_result) -> None:
    everything = client.get("/api/events", params={"limit": 1000}).json()
    assert everything["total"] == len(served_result.events) == len(everything["items"])
    first = client.get("/api/events", params={"limit": 5}).json()
    second = client.get("/api/events", params={"limit": 5, "offset": 5}).json()
    assert first["total"] == everything["total"]
    assert not {e["id"] for e in first["items"]} & {e["id"] for e in second["items"]}
    assert [e["id"] for e in first["items"] + second["items"]] == [
        e["id"] for e in everything["items"][:10]
    ]
    ranked = client.get("/api/events", params={"sort": "-confidence", "limit": 1000}).json()
    confidences = [e["confidence"] for e in ranked["items"]]
    assert confidences == sorted(confidences, reverse=True)


def test_event_filters(client, served_result, strike) -> None:
    events = served_result.events
    assault = ids(client.get("/api/events", params={"type": "ASSAULT", "limit": 1000}))
    assert assault == {e.id for e in events if e.event == "ASSAULT"}
    two = ids(client.get("/api/events", params=[("type", "ASSAULT"), ("type", "ACCUSE")]))
    assert two == {e.id for e in events if e.event in ("ASSAULT", "ACCUSE")}
    assert strike.id in ids(client.get("/api/events", params={"mode": "drone"}))
    usa = {e.id for e in events if any(a.code == "USA" for a in e.actor + e.recipient)}
    assert usa and ids(client.get("/api/events", params={"actor": "usa", "limit": 1000})) == usa
    as_recipient = {e.id for e in events if any(a.code == "USA" for a in e.recipient)}
    got = ids(client.get("/api/events", params={"recipient": "USA", "limit": 1000}))
    assert got == as_recipient
    # Place: a box and a radius around Baghdad find what is placed there (the strike among
    # them); a box or radius elsewhere finds nothing.
    placed = [e for e in events if e.event_loc is not None and e.event_loc.lat is not None]
    in_box = {e.id for e in placed if 33 <= e.event_loc.lat <= 34 and 44 <= e.event_loc.lon <= 45}
    assert strike.id in in_box
    assert ids(client.get("/api/events", params={"bbox": "44,33,45,34", "limit": 1000})) == in_box
    assert ids(client.get("/api/events", params={"bbox": "0,0,10,10"})) == set()
    near = {
        e.id for e in placed if haversine_km(33.3, 44.4, e.event_loc.lat, e.event_loc.lon) <= 25
    }
    assert strike.id in near
    assert ids(client.get("/api/events", params={"near": "33.3,44.4,25", "limit": 1000})) == near
    assert ids(client.get("/api/events", params={"near": "36.2,44.0,25"})) == set()
    in_iraq = {e.id for e in placed if e.event_loc.country == "IRQ"}
    assert strike.id in in_iraq
    assert ids(client.get("/api/events", params={"country": "IRQ", "limit": 1000})) == in_iraq
    located = ids(client.get("/api/events", params={"has_location": "true", "limit": 1000}))
    assert located == {e.id for e in placed}
    # Dates, confidence, background and hypothetical.
    assert ids(client.get("/api/events", params={"since": "2030-01-01"})) == set()
    day = strike.date.isoformat()
    on_day = ids(client.get("/api/events", params={"since": day, "until": day, "limit": 1000}))
    assert on_day == {e.id for e in events if e.date == strike.date}
    sure = ids(client.get("/api/events", params={"min_confidence": 0.7, "limit": 1000}))
    assert sure == {e.id for e in events if e.confidence >= 0.7}
    foreground = ids(client.get("/api/events", params={"background": "false", "limit": 1000}))
    assert foreground == {e.id for e in events if not e.background}
    real = ids(client.get("/api/events", params={"hypothetical": "false", "limit": 1000}))
    assert real == {e.id for e in events if not e.hypothetical}


def test_full_text_search(client, served_result, strike) -> None:
    found = ids(client.get("/api/events", params={"q": "drone", "limit": 1000}))
    assert found
    assert found == {e.id for e in served_result.events if "drone" in e.evidence.text.lower()}
    phrase = ids(client.get("/api/events", params={"q": '"unclaimed drone"'}))
    assert phrase == {e.id for e in served_result.events if "unclaimed drone" in e.evidence.text}
    # Over articles: every event of a matching article.
    in_article = client.get("/api/events", params={"q": "Newsweek", "search_in": "article"})
    assert in_article.json()["total"] == len(served_result.events)
    assert client.get("/api/events", params={"q": "zanzibar"}).json()["total"] == 0
    articles = client.get("/api/articles", params={"q": "militia"}).json()
    assert articles["total"] == 1 and "[" in articles["items"][0]["snippet"]


def test_one_event_with_spans_quotes_and_mentions(client, served_result, strike) -> None:
    detail = client.get(f"/api/events/{strike.id}").json()
    assert detail["event"]["id"] == strike.id
    assert detail["article"]["id"] == served_result.article.id
    text = served_result.article.text
    kinds = {span["kind"] for span in detail["spans"]}
    assert {"evidence", "event", "recipient", "place", "date", "toll"} <= kinds
    for span in detail["spans"]:
        assert text[span["start"] : span["end"]] == span["text"]
    place = next(s for s in detail["spans"] if s["kind"] == "place")
    assert place["text"] == "Baghdad" and "IRQ" in place["label"]
    assert detail["mentions"] == []
    quoted = next(e for e in served_result.events if e.quote_id)
    detail = client.get(f"/api/events/{quoted.id}").json()
    # An incident retold in several quotes (stages/incidents.py) lists each of them.
    assert quoted.quote_id in [q["id"] for q in detail["quotes"]]
    assert "quote" in {s["kind"] for s in detail["spans"]}
    missing = client.get("/api/events/e-missing")
    assert missing.status_code == 404 and "e-missing" in missing.json()["detail"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_mentions_of_a_linked_event(tmp_path: Path, served_result, backend) -> None:
    """Two articles reporting the same event (same link_id): each lists the other."""
    first = served_result.model_copy(deep=True)
    second = served_result.model_copy(deep=True)
    second.article.id = "a-repost"
    second.article.title = "A repost"
    second.article.text = second.article.text + " "
    for event in second.events:
        event.id = event.id + "-r"
        event.article_id = "a-repost"
    second.quotes = []
    strike_id = next(e.id for e in first.events if e.event_loc is not None)
    for result, event_id in ((first, strike_id), (second, strike_id + "-r")):
        next(e for e in result.events if e.id == event_id).link_id = "L1"
    app = served_app(backend, [first, second], tmp_path)
    with TestClient(app) as linked:
        detail = linked.get(f"/api/events/{strike_id}").json()
        assert [m["event_id"] for m in detail["mentions"]] == [strike_id + "-r"]
        assert detail["mentions"][0]["article_title"] == "A repost"
        gdelt = linked.get("/api/exports/gdelt", params={"link_id": "L1"}).text.splitlines()
        assert len(gdelt) == 2  # header + one event for two mentions
        row = dict(zip(gdelt[0].split("\t"), gdelt[1].split("\t"), strict=True))
        assert row["NumMentions"] == "2" and row["NumArticles"] == "2"


def test_articles_quotes_actors_dyads_timeline(client, served_result, strike) -> None:
    listing = client.get("/api/articles").json()
    assert listing["total"] == 1
    assert listing["items"][0]["events"] == len(served_result.events)
    article = client.get(f"/api/articles/{served_result.article.id}").json()
    assert article["article"]["text"] == served_result.article.text
    assert len(article["events"]) == len(served_result.events)
    assert {s["kind"] for s in article["spans"]} >= {"evidence", "event", "quote"}
    assert client.get("/api/articles/nope").status_code == 404

    quotes = client.get("/api/quotes").json()
    assert quotes["total"] == len(served_result.quotes) >= 1
    assert client.get("/api/quotes", params={"speaker": "IRQ"}).json()["total"] >= 1

    actors = {a["code"]: a for a in client.get("/api/actors").json()}
    assert {"IRQ", "USA"} <= set(actors)
    usa_events = [
        e for e in served_result.events if any(a.code == "USA" for a in e.actor + e.recipient)
    ]
    assert actors["USA"]["events"] == len(usa_events)
    assert actors["USA"]["as_recipient"] >= 1 and "United States" in actors["USA"]["names"]

    dyads = client.get("/api/dyads").json()
    pairs = {(d["source"], d["target"]) for d in dyads}
    assert any(s == "IRQ-REB" and t.startswith("USA") for s, t in pairs)
    by_country = client.get("/api/dyads", params={"level": "country"}).json()
    irq_usa = next(d for d in by_country if d["source"] == "IRQ" and d["target"] == "USA")
    expected = [
        e
        for e in served_result.events
        if any(a.code == "IRQ" for a in e.actor) and any(a.code == "USA" for a in e.recipient)
    ]
    assert irq_usa["events"] == len(expected)
    assert irq_usa["score_sum"] == pytest.approx(sum(e.event_scale for e in expected))
    named = client.get("/api/dyads", params={"level": "actor"}).json()
    assert any(d["source"] == "Harakat al-Nujaba" for d in named)

    series = client.get("/api/dyads/series", params={"source": "IRQ", "target": "USA"}).json()
    by_date: dict[str, list] = {}
    for event in expected:
        if event.date is not None:  # an undated event has no point in the series
            by_date.setdefault(event.date.isoformat(), []).append(event)
    assert strike.date.isoformat() in by_date
    assert series["points"] == [
        {
            "date": day,
            "events": len(events),
            "score_sum": pytest.approx(sum(e.event_scale for e in events)),
            "score_mean": pytest.approx(sum(e.event_scale for e in events) / len(events)),
        }
        for day, events in sorted(by_date.items())
    ]
    both = client.get(
        "/api/dyads/series", params={"source": "IRQ", "target": "USA", "both_ways": "true"}
    ).json()
    # the series counts dated events only
    assert sum(p["events"] for p in both["points"]) >= len([e for e in expected if e.date])

    timeline = client.get("/api/timeline").json()
    assert sum(p["events"] for p in timeline) == sum(1 for e in served_result.events if e.date)
    by_quad: dict[int, int] = {}
    for point in timeline:
        by_quad[point["quad_code"]] = by_quad.get(point["quad_code"], 0) + point["events"]
    assert by_quad[4] == sum(1 for e in served_result.events if e.quad_code == 4 and e.date)


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/events", {"type": "BOMB"}, "type"),
        ("/api/events", {"bbox": "1,2"}, "bbox"),
        ("/api/events", {"bbox": "0,50,10,40"}, "bbox"),
        ("/api/events", {"near": "95,0,10"}, "near"),
        ("/api/events", {"near": "nan,0,10"}, "near"),
        ("/api/events", {"q": '"unbalanced'}, "q"),
        ("/api/events", {"q": "NOT"}, "q"),
        ("/api/events", {"limit": 0}, "limit"),
        ("/api/events", {"limit": 100000}, "limit"),
        ("/api/events", {"since": "yesterday"}, "since"),
        ("/api/events", {"actor": "TOOLONG"}, "actor"),
        ("/api/events", {"min_confidence": "inf"}, "min_confidence"),
        ("/api/events", {"sort": "DROP TABLE"}, "sort"),
        ("/api/articles", {"q": "a:b"}, "q"),
        ("/api/dyads", {"level": "planet"}, "level"),
        ("/api/dyads/series", {"source": "IRQ"}, "target"),
        ("/api/exports/xlsx", {}, "format"),
    ],
)
def test_bad_parameters_are_422_with_a_message(client, path, params, field) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 422, response.text
    (error, *_) = response.json()["detail"]
    assert field in error["loc"] and error["msg"]


def test_missing_or_old_database(tmp_path: Path, served_result) -> None:
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: Settings(db=tmp_path / "none.db")
    with TestClient(app) as missing:
        response = missing.get("/api/events")
    assert response.status_code == 503 and "no such database" in response.json()["detail"]
    # A database written before full-text search: opening it for writing indexes what it holds.
    db = tmp_path / "old.db"
    with Store(db) as store:
        store.save(served_result)
    conn = sqlite3.connect(db)
    for name in ("events_fts", "articles_fts"):
        conn.execute(f"DROP TABLE {name}")
    for (trigger,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    ).fetchall():
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    Store(db).close()
    with TestClient(create_app(Settings(db=db))) as migrated:
        assert migrated.get("/api/events", params={"q": "drone"}).json()["total"] >= 1


def test_docs_and_openapi_are_local(client) -> None:
    schema = client.get("/openapi.json").json()
    for path in (
        "/api/events",
        "/api/events/{event_id}",
        "/api/articles",
        "/api/quotes",
        "/api/actors",
        "/api/dyads",
        "/api/dyads/series",
        "/api/timeline",
        "/api/exports/{format}",
    ):
        assert path in schema["paths"]
        assert list(schema["paths"][path]) == ["get"]  # read-only
    page = client.get("/docs").text
    assert "cdn" not in page.lower() and "https://" not in page
    assert "/static/vendor/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert client.get("/static/vendor/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200
    assert client.post("/api/events").status_code == 405
    index = client.get("/").text
    assert "http://" not in index.replace("https://www.naturalearthdata.com/", "")
    assert "https://" not in index.replace("https://www.naturalearthdata.com/", "")


def test_map_aggregates_every_located_event(client) -> None:
    located = client.get("/api/events", params={"has_location": "true", "limit": 1}).json()
    data = client.get("/api/map").json()
    assert data["events"] == located["total"] == sum(p["events"] for p in data["places"])
    for place in data["places"]:
        assert sum(place["quads"].values()) == place["events"]
        assert 1 <= len(place["event_ids"]) <= min(5, place["events"])
    baghdad = next(p for p in data["places"] if p["name"] == "Baghdad")
    assert baghdad["precision"] == 4 and baghdad["country"] == "IRQ"
    # The map takes the event filters.
    assert client.get("/api/map", params={"type": "AGREE"}).json()["events"] <= data["events"]


def test_facets_list_countries_with_names_and_modes(client) -> None:
    facets = client.get("/api/facets").json()
    assert {"code": "IRQ", "name": "Iraq"}.items() <= next(
        c for c in facets["countries"] if c["code"] == "IRQ"
    ).items()
    assert "drone" in facets["modes"]["ASSAULT"] and facets["modes"]["AGREE"] == []


def test_min_dead_filter(client, strike) -> None:
    page = client.get("/api/events", params={"min_dead": 4}).json()
    assert strike.id in {e["id"] for e in page["items"]}
    assert all(e["size"]["dead"] >= 4 for e in page["items"])
    assert client.get("/api/events", params={"min_dead": 5}).json()["total"] == 0
    assert client.get("/api/events", params={"min_dead": -1}).status_code == 422


def test_admin1_filter_everywhere(client, served_result, strike) -> None:
    def admin1(event) -> str:
        return ((event.event_loc.admin1 if event.event_loc else None) or "").lower()

    name = strike.event_loc.admin1
    assert name  # "Mayorality of Baghdad" from the gazetteer
    in_baghdad = {e.id for e in served_result.events if admin1(e) == name.lower()}
    assert strike.id in in_baghdad
    for value in (name, name.upper(), f" {name.lower()} "):
        got = ids(client.get("/api/events", params={"admin1": value, "limit": 1000}))
        assert got == in_baghdad
    assert ids(client.get("/api/events", params={"admin1": "Nineveh"})) == set()
    placed = client.get("/api/map", params={"admin1": name}).json()
    located = {e.id for e in served_result.events if e.id in in_baghdad and e.event_loc.lat}
    assert placed["events"] == len(located)
    days = client.get("/api/timeline", params={"admin1": name}).json()
    everything = client.get("/api/timeline").json()
    assert days and len(days) <= len(everything)
    assert client.get("/api/timeline", params={"admin1": "Nineveh"}).json() == []


def test_acled_type_filter_matches_the_acled_export(client, served_result, strike) -> None:
    from flashpoint.export import acled_type_names, acled_types

    types = {e.id: acled_types(e) for e in served_result.events}
    assert types[strike.id] is not None and types[strike.id][2] == "Air/drone strike"
    for name in acled_type_names():
        expected = {i for i, t in types.items() if t and name in t[1:]}
        got = ids(client.get("/api/events", params={"acled_type": name, "limit": 1000}))
        assert got == expected, name
    got = ids(client.get("/api/events", params={"acled_type": "air/DRONE strike"}))
    assert strike.id in got
    # The ACLED export of the filter gives those events (one row each) and that type only.
    csv = client.get("/api/exports/acled", params={"acled_type": "Air/drone strike"})
    assert csv.status_code == 200, csv.text
    rows = csv.text.strip().splitlines()[1:]
    assert rows and all("Air/drone strike" in row for row in rows)
    wrong = client.get("/api/events", params={"acled_type": "Bombing"})
    assert wrong.status_code == 422 and "Air/drone strike" in wrong.text


def test_recipient_filter_on_map_and_timeline(client, served_result) -> None:
    as_recipient = [e for e in served_result.events if any(a.code == "USA" for a in e.recipient)]
    assert as_recipient
    located = [e for e in as_recipient if e.event_loc and e.event_loc.lat is not None]
    assert client.get("/api/map", params={"recipient": "USA"}).json()["events"] == len(located)


def test_quotes_by_publication_day_and_words(client, served_result) -> None:
    quotes = served_result.quotes
    day = served_result.article.published.date().isoformat()
    every = client.get("/api/quotes", params={"since": day, "until": day}).json()
    assert every["total"] == len(quotes) >= 1
    assert client.get("/api/quotes", params={"since": "2099-01-01"}).json()["total"] == 0
    word = quotes[0].text.split()[1].strip('"“”,.')
    found = client.get("/api/quotes", params={"q": word.upper()}).json()
    assert quotes[0].id in {q["id"] for q in found["items"]}
    assert found["total"] == sum(word.lower() in q.text.lower() for q in quotes)
    assert client.get("/api/quotes", params={"since": "last week"}).status_code == 422


def opaque_cursor(body: object) -> object:
    """An answer with what each backend may choose its own way left out: the cursor (opaque:
    only whether there is a next page) and which of a map place's events it names (up to five
    of them)."""
    if isinstance(body, dict) and "next" in body:
        return {**body, "next": body["next"] is not None}
    if isinstance(body, dict) and "places" in body:
        for place in body["places"]:
            assert 1 <= len(place.pop("event_ids")) <= 5
    return body


def test_a_store_written_as_a_dataset_answers_the_same(tmp_path: Path, served_db) -> None:
    """dataset.write_store: a SQLite store as a Parquet dataset (to serve it with DuckDB)."""
    from flashpoint.dataset import write_store

    with Store(served_db, read_only=True) as store:
        counts = write_store(store, tmp_path / "dataset", batch=3)
        assert counts["events"] == store.counts()["events"]
    paths = ["/api/events?limit=1000", "/api/timeline", "/api/map", "/api/dyads", "/api/quotes"]
    with (
        TestClient(create_app(Settings(db=served_db))) as local,
        TestClient(create_app(Settings(parquet=tmp_path / "dataset"))) as served,
    ):
        for path in paths:
            got, want = served.get(path).json(), local.get(path).json()
            assert opaque_cursor(got) == opaque_cursor(want), path


def test_parquet_errors_are_one_line(tmp_path: Path, monkeypatch) -> None:
    import builtins

    from typer.testing import CliRunner

    from flashpoint.cli.app import app
    from flashpoint.errors import UsageError
    from flashpoint.store.parquet import require_duckdb

    runner = CliRunner()
    for args in (
        ["serve", "--parquet", str(tmp_path / "none")],
        ["serve", "--parquet", str(tmp_path)],
        ["load", str(tmp_path), "--db", str(tmp_path / "x.db")],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code != 0 and "Traceback" not in result.output, args
    assert not (tmp_path / "x.db").exists()  # nothing made for a directory that is no dataset
    with TestClient(create_app(Settings(parquet=tmp_path / "none"))) as missing:
        response = missing.get("/api/events")
    assert response.status_code == 503 and "no such dataset" in response.json()["detail"]

    real_import = builtins.__import__

    def no_duckdb(name, *args, **kwargs):
        if name == "duckdb":
            raise ImportError("No module named 'duckdb'", name="duckdb")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_duckdb)
    with pytest.raises(UsageError, match=r"flashpoint\[parquet\].*duckdb is missing"):
        require_duckdb()
