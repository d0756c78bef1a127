"""The dashboard end to end in real headless Chromium (Debian's, never a downloaded one):
map, timeline, network and list load; filtering by type; an event page with its spans
highlighted; and no request to any host but the server's own."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn
from playwright.sync_api import Page, sync_playwright

from flashpoint.api import Settings, create_app

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


def _foreign(urls: list[str], base: str) -> list[str]:
    own = urlsplit(base).netloc
    return [
        u for u in urls if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).netloc != own
    ]


def test_dashboard_filters_and_event_page(server, browser, strike, test_output: Path) -> None:
    page = browser.new_page()
    requests = _watch_requests(page)
    page.goto(server + "/", wait_until="networkidle")
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
    assert "IRQ-REB → USA" in dyads
    assert int(page.get_attribute("#network", "data-edges")) >= 1
    assert page.locator(".leaflet-overlay-pane path").count() > 100  # country outlines
    page.screenshot(path=str(test_output / "dashboard.png"))

    # Filter by type: every listed event is an ASSAULT.
    all_rows = page.locator("#events tbody tr").count()
    page.select_option("#f-type", "ASSAULT")
    page.wait_for_function(
        "[...document.querySelectorAll('#events tbody tr')].every(r => r.dataset.type === 'ASSAULT')"
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

    # A quoted event shows its quote highlighted.
    items = page.evaluate("fetch('/api/quotes').then(r => r.json())")["items"]
    quoted = next(q for q in items if q["event_ids"])
    page.goto(f"{server}/#/event/{quoted['event_ids'][0]}")
    page.wait_for_selector("#article-text .hl-quote")
    assert quoted["text"][1:20] in "".join(
        page.locator("#article-text .hl-quote").all_inner_texts()
    )

    assert _foreign(requests, server) == []
    page.close()


def test_phone_width_and_docs_stay_local(server, browser, test_output: Path) -> None:
    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    requests = _watch_requests(page)
    page.goto(server + "/", wait_until="networkidle")
    page.wait_for_selector(".fp-event-marker, .marker-cluster")
    # One column: the panels stack and nothing is wider than the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.screenshot(path=str(test_output / "dashboard-phone.png"), full_page=True)
    page.goto(server + "/docs", wait_until="networkidle")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
    assert _foreign(requests, server) == []
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
        f"document.querySelectorAll('#events tbody tr').length === {len(media['events'])}"
    )
    ids = page.locator("#events tbody tr").evaluate_all("rows => rows.map(r => r.dataset.id)")
    assert set(ids) == set(media["events"])
    assert page.inner_text("#event-count") == f"{len(media['events'])} in all"
    page.wait_for_function("document.querySelector('#timeline').dataset.days === '1'")
    assert not page.locator("#alert-clear").is_hidden()
    page.screenshot(path=str(test_output / "dashboard-alerts.png"))
    # Its events open and read: the article text with the evidence highlighted.
    page.click(f"#events tbody tr[data-id='{ids[0]}']")
    page.wait_for_selector("#article-text .hl-evidence")
    assert "BOK forces" in page.inner_text("#article-text")
    assert _foreign(requests, alerts_server) == []
    page.close()


@pytest.fixture(scope="module")
def guardian_alerts_server(tmp_path_factory, shared: Path) -> Iterator[str]:
    """The example article and the Guardian sample, ingested, their alerts computed."""
    from typer.testing import CliRunner

    from flashpoint.cli import app

    db = tmp_path_factory.mktemp("guardian-alerts") / "guardian.db"
    inputs = [shared / "articles" / "iraq-militia-threat.txt"]
    inputs.append(shared / "corpus" / "guardian_sample_unlabeled.csv")
    runner = CliRunner()
    done = runner.invoke(app, ["ingest", *map(str, inputs), "--db", str(db)])
    assert done.exit_code == 0, done.output
    found = runner.invoke(app, ["alerts", "--db", str(db), "--json"])
    assert found.exit_code == 0 and found.stdout.strip(), found.output
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
@pytest.mark.skipif(
    not os.environ.get("FLASHPOINT_GUARDIAN_ALERTS"),
    reason="codes the 249 Guardian articles (a minute or more): FLASHPOINT_GUARDIAN_ALERTS=1",
)
def test_guardian_alerts_open_on_the_dashboard(
    guardian_alerts_server: str, browser, test_output: Path
) -> None:
    server = guardian_alerts_server
    page = browser.new_page()
    requests = _watch_requests(page)
    page.goto(server + "/", wait_until="networkidle")
    page.wait_for_selector("#alerts li[data-id]")
    served = page.evaluate("fetch('/api/alerts?limit=100').then(r => r.json())")
    assert served
    for alert in served:  # every alert's events open and read
        page.goto(server + "/", wait_until="networkidle")
        page.click(f"#alerts li[data-id='{alert['id']}']")
        page.wait_for_function(
            f"document.querySelectorAll('#events tbody tr').length === {len(alert['events'])}"
        )
        if alert is served[0]:
            page.screenshot(path=str(test_output / "dashboard-alerts-guardian.png"))
        page.click("#events tbody tr")
        page.wait_for_selector("#article-text .hl-evidence")
        assert page.inner_text("#article-text .hl-evidence").strip()
    assert _foreign(requests, server) == []
    page.close()
