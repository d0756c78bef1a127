"""The dashboard end to end in real headless Chromium (Debian's, never a downloaded one):
map, timeline, network and list load; filtering by type; an event page with its spans
highlighted; and no request to any host but the server's own.

Then on the example article plus Guardian articles: the timeline covers every dated event's
day (a background event dated 1925 included), the map draws every located event
(country-level places apart from towns), and the filters live in the URL (a reload restores
them), with downloads of the filtered events and a reason when nothing matches. Screenshots go
to test-output/ (UPDATE_SCREENSHOTS=1: to docs/)."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import uvicorn
from playwright.sync_api import Page, sync_playwright

from flashpoint.api import Settings, create_app
from flashpoint.store import Store

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(served_db: Path) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(
        create_app(Settings(db=served_db)), host="127.0.0.1", port=port, log_level="warning"
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 800},
        )
        yield context
        context.close()


def _watch_requests(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def _watch_csp(page: Page) -> list[str]:
    """Console messages of Content-Security-Policy violations (what the policy blocked)."""
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return blocked


def _foreign(urls: list[str], base: str) -> list[str]:
    own = urlsplit(base).netloc
    return [
        u for u in urls if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).netloc != own
    ]


def test_dashboard_filters_and_event_page(server, browser, strike, test_output: Path) -> None:
    page = browser.new_page()
    requests = _watch_requests(page)
    blocked = _watch_csp(page)
    response = page.goto(server + "/", wait_until="networkidle")
    assert response is not None
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    # The map shows the strike (it has coordinates), the timeline its day, the network the dyad.
    page.wait_for_selector(".fp-event-marker, .marker-cluster", timeout=15000)
    placed = page.evaluate("fetch('/api/events?has_location=true&limit=1000').then(r => r.json())")[
        "items"
    ]
    assert strike.id in {event["id"] for event in placed}
    assert page.get_attribute("#map", "data-markers") == str(len(placed))
    assert int(page.get_attribute("#timeline", "data-events")) > 0
    timeline = page.evaluate("fetch('/api/timeline').then(r => r.json())")
    assert strike.date.isoformat() in {point["date"] for point in timeline}
    assert page.get_attribute("#timeline", "data-days") == str(len({p["date"] for p in timeline}))
    dyads = page.inner_text("#dyad-list")
    assert "Harakat al-Nujaba (IRQ) → " in dyads and "(USA)" in dyads
    assert int(page.get_attribute("#network", "data-edges")) >= 1
    assert page.locator(".leaflet-overlay-pane path").count() > 100  # country outlines
    page.screenshot(path=str(test_output / "dashboard.png"))

    # Filter by type: every listed event is an ASSAULT.
    all_rows = page.locator("#events tbody tr").count()
    page.select_option("#f-type", "ASSAULT")
    page.wait_for_function(  # a function, not an expression: the CSP forbids eval()
        "() => [...document.querySelectorAll('#events tbody tr')]"
        ".every(r => r.dataset.type === 'ASSAULT')"
        " && document.querySelectorAll('#events tbody tr').length > 0"
    )
    types = page.locator("#events tbody tr").evaluate_all("rows => rows.map(r => r.dataset.type)")
    assert set(types) == {"ASSAULT"} and len(types) < all_rows
    page.screenshot(path=str(test_output / "dashboard-assault.png"))

    # Open the strike: the article text with its spans highlighted and labelled.
    page.click(f"#events tbody tr[data-id='{strike.id}']")
    page.wait_for_selector("#article-text .hl-event")
    assert page.inner_text("#article-text .hl-event") == strike.trigger.text
    kinds = set(page.locator("#article-text .tag").evaluate_all("t => t.map(x => x.dataset.kind)"))
    assert {"event", "recipient", "place", "date", "toll"} <= kinds
    assert page.inner_text("#article-text .hl-place") == "Baghdad"
    assert "at least four people" in page.inner_text("#article-text .hl-toll")
    evidence = "".join(page.locator("#article-text .hl-evidence").all_inner_texts())
    assert evidence == strike.evidence.text
    page.screenshot(path=str(test_output / "event.png"), full_page=True)
    assert blocked == []  # map, charts, network and event page work under the CSP

    # A quoted event shows its quote highlighted.
    items = page.evaluate("fetch('/api/quotes').then(r => r.json())")["items"]
    quoted = next(q for q in items if q["event_ids"])
    page.goto(f"{server}/#/event/{quoted['event_ids'][0]}")
    page.wait_for_selector("#article-text .hl-quote")
    assert quoted["text"][1:20] in "".join(
        page.locator("#article-text .hl-quote").all_inner_texts()
    )

    assert _foreign(requests, server) == []
    assert blocked == []  # the dashboard works under its CSP, nothing refused
    page.close()


def test_phone_width_and_docs_stay_local(server, browser, test_output: Path) -> None:
    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    requests = _watch_requests(page)
    blocked = _watch_csp(page)
    page.goto(server + "/", wait_until="networkidle")
    page.wait_for_selector(".fp-event-marker, .marker-cluster")
    # One column: the panels stack and nothing is wider than the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.screenshot(path=str(test_output / "dashboard-phone.png"), full_page=True)
    page.goto(server + "/docs", wait_until="networkidle")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
    assert _foreign(requests, server) == []
    assert blocked == []  # the docs page's inline script is allowed by its hash
    page.close()


# --- the example plus the Guardian sample ---------------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory, served_result, guardian_store: Path) -> Path:
    """The example (its fields filled as later stages would) and the Guardian sample, coded
    once a session (conftest.guardian_store)."""
    with Store(guardian_store, read_only=True) as coded:
        ids = [row[0] for row in coded.conn.execute("SELECT id FROM articles ORDER BY rowid")]
        stored = [coded.result(i) for i in ids if i != served_result.article.id]
    results = [served_result.model_copy(deep=True), *stored]
    # A background event dated 1925, as real corpora have: it must not take the timeline over.
    old = next(e for r in results[1:] for e in r.events)
    old.date, old.date_precision, old.background = dt.date(1925, 6, 1), "year", True
    path = tmp_path_factory.mktemp("corpus") / "corpus.db"
    with Store(path) as store:
        for result in results:
            assert result is not None
            store.save(result)
    return path


@pytest.fixture(scope="module")
def corpus_server(corpus_db: Path) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(
        create_app(Settings(db=corpus_db)), host="127.0.0.1", port=port, log_level="warning"
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


def _shots(test_output: Path) -> Path:
    return DOCS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else test_output


def _loaded(page: Page) -> None:
    page.wait_for_function(
        "() => document.getElementById('timeline').dataset.events !== undefined"
        " && document.getElementById('map').dataset.events !== undefined"
        " && document.getElementById('status').textContent !== 'Loading…'",
        timeout=20000,
    )


def _api(page: Page, path: str):
    return page.evaluate(f"fetch({path!r}).then(r => r.json())")


def _bucket(day: str, bucket: str) -> str:
    if bucket == "day":
        return day
    if bucket == "month":
        return day[:7]
    if bucket == "year":
        return day[:4]
    date = dt.date.fromisoformat(day)
    return (date - dt.timedelta(days=date.weekday())).isoformat()


def _timeline_covers_every_day(page: Page, query: str = "") -> dict:
    rows = _api(page, "/api/timeline" + query)
    canvas = page.locator("#timeline")
    days = sorted({r["date"] for r in rows})
    total = sum(r["events"] for r in rows)
    assert canvas.get_attribute("data-first") == days[0]
    assert canvas.get_attribute("data-last") == days[-1]
    assert int(canvas.get_attribute("data-events")) == total
    assert int(canvas.get_attribute("data-charted")) == total  # no event left off the axis
    timeline = page.evaluate("state.timeline")
    labels = timeline["labels"]
    for day in days:
        assert _bucket(day, timeline["bucket"]) in labels, day
    assert labels[0] == _bucket(days[0], timeline["bucket"])
    assert labels[-1] == _bucket(days[-1], timeline["bucket"])
    return timeline


def test_timeline_has_every_event_day(corpus_server, browser) -> None:
    page = browser.new_page()
    page.goto(corpus_server + "/", wait_until="networkidle")
    _loaded(page)
    # The whole range, 1925 to 2024: year buckets, and every day in one.
    timeline = _timeline_covers_every_day(page)
    assert timeline["bucket"] == "year"
    assert timeline["labels"][0] == "1925" and timeline["labels"][-1] >= "2019"
    # Without background events the range shrinks and the buckets get finer.
    page.goto(corpus_server + "/?background=false#/", wait_until="networkidle")
    _loaded(page)
    finer = _timeline_covers_every_day(page, "?background=false")
    assert finer["labels"][0] > "1925"
    page.close()


def test_map_draws_every_located_event(corpus_server, browser) -> None:
    page = browser.new_page()
    page.goto(corpus_server + "/", wait_until="networkidle")
    _loaded(page)
    located = _api(page, "/api/events?has_location=true&limit=1")["total"]
    places = _api(page, "/api/map")["places"]
    assert located > 20 and sum(p["events"] for p in places) == located
    box = page.locator("#map")
    assert int(box.get_attribute("data-events")) == located
    towns = page.locator(".leaflet-overlay-pane path.fp-event-marker").count()
    areas = page.locator(".leaflet-overlay-pane path.fp-area-marker").count()
    assert towns + areas == len(places) == int(box.get_attribute("data-places"))
    # Country- and province-level places are drawn apart from towns.
    coarse = [p for p in places if p["precision"] is None or p["precision"] <= 2]
    assert coarse and areas == len(coarse)
    assert f"{located} events with a place" in page.inner_text("#map-count")
    legend = page.inner_text("#map-legend")
    for name in ("verbal cooperation", "material cooperation", "verbal conflict"):
        assert name in legend
    assert "country, province or sea" in legend
    # Outlines crossing 180° are continued past it, not drawn back across the world.
    ring = page.evaluate(
        "unwrapAntimeridian({features: [{geometry: {type: 'Polygon',"
        " coordinates: [[[179, 0], [-179, 1], [-179, 0], [179, 0]]]}}]})"
        ".features[0].geometry.coordinates[0]"
    )
    assert all(abs(a[0] - b[0]) < 180 for a, b in itertools.pairwise(ring))
    page.close()


def test_filters_live_in_the_url(corpus_server, browser, test_output: Path) -> None:
    page = browser.new_page()
    requests = _watch_requests(page)
    query = "type=ASSAULT&country=IRQ&background=false"
    page.goto(f"{corpus_server}/?{query}#/", wait_until="networkidle")
    _loaded(page)
    page.wait_for_selector("#events tbody tr[data-id]")
    expected = _api(page, f"/api/events?{query}&limit=1000")
    assert expected["total"] >= 1

    def check() -> None:
        assert page.input_value("#f-type") == "ASSAULT"
        assert page.input_value("#f-country") == "IRQ"
        assert not page.is_checked("#f-background")
        ids = page.locator("#events tbody tr[data-id]").evaluate_all(
            "rows => rows.map(r => r.dataset.id)"
        )
        assert sorted(ids) == sorted(e["id"] for e in expected["items"])

    check()
    page.reload(wait_until="networkidle")
    _loaded(page)
    page.wait_for_selector("#events tbody tr[data-id]")
    check()

    # Downloads carry the same filters, in every format; the CSV has the listed events.
    for fmt in ("plover", "csv", "parquet", "gdelt", "acled"):
        href = page.get_attribute(f"#downloads a[data-format='{fmt}']", "href")
        assert urlsplit(href).path == f"/api/exports/{fmt}"
        assert parse_qs(urlsplit(href).query) == parse_qs(query)
    href = page.get_attribute("#downloads a[data-format='csv']", "href")
    text = page.evaluate(f"fetch({href!r}).then(r => r.text())")
    assert len(text.strip().splitlines()) - 1 == expected["total"]

    # Minimum dead, from the form into the URL.
    page.fill("#f-dead", "1")
    page.click("#filters button[type=submit]")
    page.wait_for_function("() => location.search.includes('min_dead=1')")
    _loaded(page)
    with_dead = _api(page, f"/api/events?{query}&min_dead=1&limit=1")["total"]
    page.wait_for_function(
        f"() => document.getElementById('event-count').textContent === '{with_dead} in all'"
    )

    # An actor typed by name becomes its code in the URL.
    page.goto(f"{corpus_server}/#/", wait_until="networkidle")
    _loaded(page)
    page.fill("#f-actor", "Iraq")
    page.click("#filters button[type=submit]")
    page.wait_for_function("() => new URLSearchParams(location.search).get('actor') === 'IRQ'")
    _loaded(page)
    assert page.locator("#events tbody tr[data-id]").count() > 0
    # Part of a name that fits several actors is refused, not guessed.
    resolved = page.evaluate(
        "(() => { state.actors = [{code: 'IRQ', names: ['Iraq'], events: 2},"
        " {code: 'IRN', names: ['Iran'], events: 1}]; return resolveActor('Ira'); })()"
    )
    assert "several actors" in resolved["error"] and "IRN" in resolved["error"]
    assert page.evaluate("resolveActor('Iraq')") == {"code": "IRQ"}
    page.close()
    assert _foreign(requests, corpus_server) == []


def test_an_empty_result_says_why(corpus_server, browser) -> None:
    page = browser.new_page()
    page.goto(f"{corpus_server}/?type=AID&country=YEM&mode=#/", wait_until="networkidle")
    _loaded(page)
    page.wait_for_selector("#empty-reason")
    reason = page.inner_text("#empty-reason")
    assert "No events match" in reason and "type AID" in reason and "country YEM" in reason
    assert "without type" in reason or "without country" in reason
    page.close()


def test_screenshots(corpus_server, browser, test_output: Path) -> None:
    out = _shots(test_output)
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(corpus_server + "/?background=false#/", wait_until="networkidle")
    _loaded(page)
    page.wait_for_timeout(300)
    page.screenshot(path=str(out / "dashboard.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(corpus_server + "/?background=false#/", wait_until="networkidle")
    _loaded(page)
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(out / "dashboard-phone.png"), full_page=True)
    page.close()


@pytest.fixture(scope="module")
def alerts_server(tmp_path_factory) -> Iterator[str]:
    """The synthetic store of tests/test_alerts.py (planted breaks), its alerts computed."""
    from flashpoint import alerts
    from flashpoint.store import Store
    from test_alerts import build_store

    db = build_store(tmp_path_factory.mktemp("alerts-browser") / "alerts.db")
    with Store(db) as store:
        alerts.run(store.conn, alerts.load_config())
    port = _free_port()
    config = uvicorn.Config(
        create_app(Settings(db=db)), host="127.0.0.1", port=port, log_level="warning"
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


def test_alerts_panel_filters_the_dashboard_to_an_alerts_events(
    alerts_server: str, browser, test_output: Path
) -> None:
    page = browser.new_page()
    requests = _watch_requests(page)
    page.goto(alerts_server + "/", wait_until="networkidle")
    page.wait_for_selector("#alerts li[data-kind='media_spike']")
    served = page.evaluate("fetch('/api/alerts?limit=100').then(r => r.json())")
    assert page.locator("#alerts li[data-id]").count() == len(served) > 3
    media = next(a for a in served if a["kind"] == "media_spike" and a["series"] == "NGA")
    item = page.locator(f"#alerts li[data-id='{media['id']}']")
    assert "media" in item.inner_text() and "not more incidents" in item.inner_text()
    # Clicking it shows only its events: the list, the map and the timeline follow.
    item.click()
    page.wait_for_function(
        f"() => document.querySelectorAll('#events tbody tr').length === {len(media['events'])}"
    )
    ids = page.locator("#events tbody tr").evaluate_all("rows => rows.map(r => r.dataset.id)")
    assert set(ids) == set(media["events"])
    assert page.inner_text("#event-count") == f"{len(media['events'])} in all"
    page.wait_for_function("() => document.querySelector('#timeline').dataset.days === '1'")
    assert not page.locator("#alert-clear").is_hidden()
    page.screenshot(path=str(test_output / "dashboard-alerts.png"))
    # Its events open and read: the article text with the evidence highlighted.
    page.click(f"#events tbody tr[data-id='{ids[0]}']")
    page.wait_for_selector("#article-text .hl-evidence")
    assert "BOK forces" in page.inner_text("#article-text")
    assert _foreign(requests, alerts_server) == []
    page.close()


@pytest.fixture(scope="module")
def guardian_alerts_server(tmp_path_factory, guardian_store: Path) -> Iterator[str]:
    """The example article and the Guardian sample as ingested (conftest.guardian_store, its
    alerts updated incrementally as it was stored), then `flashpoint alerts` over it: the full
    computation stores exactly what the incremental updates did."""
    from typer.testing import CliRunner

    from flashpoint.cli import app

    db = tmp_path_factory.mktemp("guardian-alerts") / "guardian.db"
    db.write_bytes(guardian_store.read_bytes())

    def stored() -> dict[str, str]:
        with Store(db, read_only=True) as store:
            return dict(store.conn.execute("SELECT id, record FROM alerts").fetchall())

    incremental = stored()
    found = CliRunner().invoke(app, ["alerts", "--db", str(db), "--json"])
    assert found.exit_code == 0 and found.stdout.strip(), found.output
    assert stored() == incremental
    port = _free_port()
    config = uvicorn.Config(
        create_app(Settings(db=db)), host="127.0.0.1", port=port, log_level="warning"
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.mark.slow
def test_guardian_alerts_open_on_the_dashboard(
    guardian_alerts_server: str, browser, test_output: Path
) -> None:
    """Each alert of the example plus the Guardian sample, clicked, filters the map, the
    timeline and the list to its events; each of those opens on its article and sentence."""
    server = guardian_alerts_server
    page = browser.new_page()
    requests = _watch_requests(page)
    page.goto(server + "/", wait_until="networkidle")
    page.wait_for_selector("#alerts li[data-id]")
    served = page.evaluate("fetch('/api/alerts?limit=100').then(r => r.json())")
    assert served and page.locator("#alerts li[data-id]").count() == len(served)
    for alert in served:
        page.goto(server + "/", wait_until="networkidle")
        _loaded(page)
        page.click(f"#alerts li[data-id='{alert['id']}']")
        wanted = len(alert["events"])
        page.wait_for_function(
            f"() => document.querySelectorAll('#events tbody tr').length === {wanted}"
        )
        ids = page.locator("#events tbody tr").evaluate_all("rows => rows.map(r => r.dataset.id)")
        assert set(ids) == set(alert["events"])
        assert page.inner_text("#event-count") == f"{wanted} in all"
        # The map and the timeline draw the alert's events only (every one is dated).
        located = sum(p["events"] for p in _api(page, f"/api/map?alert={alert['id']}")["places"])
        page.wait_for_function(
            "() => document.getElementById('timeline').dataset.events === "
            f"'{wanted}' && document.getElementById('map').dataset.events === '{located}'"
        )
        assert not page.locator("#alert-clear").is_hidden()
        if alert is max(served, key=lambda a: len(a["events"])):
            page.screenshot(path=str(_shots(test_output) / "dashboard-alerts-guardian.png"))
        # Its events open on their article, the sentence that tells each one highlighted.
        page.click(f"#events tbody tr[data-id='{ids[0]}']")
        for number, event_id in enumerate(ids[:10]):
            told = _api(page, f"/api/events/{event_id}")["event"]["evidence"]["text"]
            assert told.strip()
            if number:
                page.goto(f"{server}/#/event/{event_id}")
            page.wait_for_function(
                "told => [...document.querySelectorAll('#article-text .hl-evidence')]"
                ".map(e => e.innerText).join('') === told",
                arg=told,
                timeout=10000,
            )
    assert _foreign(requests, server) == []
    page.close()


def test_admin1_recipient_and_acled_type_from_the_url(
    server, browser, served_result, strike, test_output: Path
) -> None:
    from urllib.parse import urlencode

    from flashpoint.export import acled_types

    admin1 = strike.event_loc.admin1
    filters = {"admin1": admin1, "recipient": "IRQ", "acled_type": "Air/drone strike"}
    expected = {
        e.id
        for e in served_result.events
        if e.event_loc
        and (e.event_loc.admin1 or "").lower() == admin1.lower()
        and any(a.code == "IRQ" for a in e.recipient)
        and (t := acled_types(e))
        and "Air/drone strike" in t[1:]
    }
    assert strike.id in expected
    query = urlencode(filters)
    page = browser.new_page()
    blocked = _watch_csp(page)
    page.goto(f"{server}/?{query}#/", wait_until="networkidle")
    _loaded(page)
    page.wait_for_selector("#events tbody tr[data-id]")

    def check() -> None:
        assert page.input_value("#f-admin1") == admin1
        assert page.input_value("#f-recipient") == "IRQ"
        assert page.input_value("#f-acled") == "Air/drone strike"
        ids = page.locator("#events tbody tr[data-id]").evaluate_all(
            "rows => rows.map(r => r.dataset.id)"
        )
        assert set(ids) == expected

    check()
    page.reload(wait_until="networkidle")
    _loaded(page)
    page.wait_for_selector("#events tbody tr[data-id]")
    check()
    page.screenshot(path=str(test_output / "dashboard-admin1-recipient-acled.png"))
    # Another ACLED type from the form: the URL follows and the list changes with it.
    page.select_option("#f-acled", "Battles")
    page.wait_for_function("() => location.search.includes('acled_type=Battles')")
    _loaded(page)
    battles = _api(page, f"/api/events?{urlencode({**filters, 'acled_type': 'Battles'})}")
    page.wait_for_function(
        "() => document.querySelectorAll('#events tbody tr[data-id]').length"
        f" === {int(battles['total'])}",
        timeout=10000,
    )
    assert page.locator("#events tbody tr[data-id]").count() == battles["total"]
    assert blocked == []
    page.close()
