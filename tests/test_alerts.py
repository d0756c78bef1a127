"""Escalation alerts on a synthetic store with planted breaks: a dyad going from quiet to daily
lethal attacks, a slow rise, a one-day media spike (many articles about one incident), a new
actor in a region, and a region with noise only (and uncountable events: background, negated,
hypothetical, publication-date fallback)."""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from flashpoint import alerts as alerts_module
from flashpoint.api.app import create_app
from flashpoint.api.settings import Settings
from flashpoint.cli import app
from flashpoint.model import Actor, Article, ArticleResult, Event, Place, Size, Span
from flashpoint.store import Store

runner = CliRunner()
DAY0 = dt.date(2026, 1, 1)
DAYS = 90
TYPES = {3: ("ACCUSE", -3.0), 4: ("ASSAULT", -9.0)}
# Where each country's events are put (roughly the admin1 unit planted there).
PLACES = {
    "ETH": (13.5, 39.5),
    "MLI": (14.5, -4.2),
    "NGA": (11.8, 13.2),
    "PER": (-12.05, -77.04),
}


class Builder:
    """Stores one article per planted event; with `store=None`, keeps them in `results`."""

    def __init__(self, store: Store | None) -> None:
        self.store = store
        self.results: list[ArticleResult] = []
        self.n = 0

    def event(
        self,
        day: int,
        country: str,
        actor: str,
        recipient: str,
        *,
        quad: int = 4,
        dead: int = 0,
        admin1: str | None = None,
        link: str | None = None,
        precision: str = "day",
        **flags: bool,
    ) -> str:
        self.n += 1
        article_id = f"art{self.n:06d}"
        event_id = f"ev{self.n:06d}"
        kind, scale = TYPES[quad]
        text = f"Report {self.n}: {actor} forces and {recipient} ({kind.lower()}), {admin1 or country}."
        event = Event(
            id=event_id,
            article_id=article_id,
            event=kind,
            actor=[Actor(text=actor, code=actor, start=0, end=1)],
            recipient=[Actor(text=recipient, code=recipient, start=0, end=1)],
            date=DAY0 + dt.timedelta(days=day),
            date_precision=precision,
            event_loc=Place(
                name=admin1 or country,
                country=country,
                admin1=admin1,
                lat=PLACES.get(country, (None, None))[0],
                lon=PLACES.get(country, (None, None))[1],
            ),
            size=Size(dead=dead) if dead else None,
            quad_code=quad,
            event_scale=scale,
            confidence=0.9,
            evidence=Span(text=text, start=0, end=len(text)),
            link_id=link or f"l{event_id}",
            **flags,
        )
        article = Article(
            id=article_id,
            title=text,
            text=text,
            published=dt.datetime.combine(DAY0 + dt.timedelta(days=day), dt.time(12)),
        )
        result = ArticleResult(article=article, events=[event])
        if self.store is None:
            self.results.append(result)
        else:
            self.store.save(result)
        return event_id


def build_store(path: Path) -> Path:
    with Store(path) as store:
        plant(Builder(store))
    return path


def plant(b: Builder) -> None:
    """The planted breaks, noise and uncountable events, in day order."""
    rng = random.Random(7)
    # 1. Quiet dyad ETH-ERI in Tigray (an accusation every ten days), then daily attacks.
    for day in range(0, 60, 10):
        b.event(day, "ETH", "ETH", "ERI", quad=3, admin1="Tigray")
    for day in range(60, 76):
        b.event(day, "ETH", "ERI", "ETH", dead=5 + day % 4, admin1="Tigray")
    # 2. Slow rise in Mali: from 0.5 to 6 attacks a day over three months.
    for day in range(DAYS):
        rate = 0.5 + 5.5 * day / (DAYS - 1)
        for _ in range(_poisson(rng, rate)):
            b.event(day, "MLI", "JNI", "MLI", admin1="Mopti", dead=rng.choice((0, 0, 1, 2)))
    # ... and a massacre on day 85.
    b.event(85, "MLI", "JNI", "MLI", admin1="Mopti", dead=40)
    # 3. Nigeria: one incident a day, one report each; on day 70, 30 reports of one incident;
    # on day 80 a new armed actor.
    for day in range(DAYS):
        b.event(day, "NGA", "BOK", "NGA", admin1="Borno")
    for _ in range(30):
        b.event(70, "NGA", "BOK", "NGA", admin1="Borno", link="lmarket-bombing")
    b.event(80, "NGA", "ISW", "NGA", admin1="Borno")
    # 4. Peru: noise only (Poisson 2 a day) among known actors, plus events that must not
    # count: a publication-date fallback flood, background, negated, hypothetical.
    for day in range(DAYS):
        for _ in range(_poisson(rng, 2.0)):
            b.event(day, "PER", rng.choice(["PEP", "PEG"]), "PER", admin1="Lima")
    for _ in range(40):
        b.event(85, "PER", "PEP", "PER", admin1="Lima", precision="published", dead=9)
        b.event(86, "PER", "PEP", "PER", admin1="Lima", background=True, dead=9)
        b.event(87, "PER", "PEP", "PER", admin1="Lima", negated=True, dead=9)
        b.event(88, "PER", "PEP", "PER", admin1="Lima", hypothetical=True, dead=9)


def _poisson(rng: random.Random, rate: float) -> int:
    count, total = 0, rng.expovariate(rate)
    while total < 1.0 and count < 100:
        count += 1
        total += rng.expovariate(rate)
    return count


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("alerts") / "alerts.db")


@pytest.fixture(scope="module")
def computed(store_path: Path) -> list[dict]:
    with Store(store_path) as store:
        found, _new = alerts_module.run(store.conn, alerts_module.load_config(), store=False)
    return [a.to_dict() for a in found]


def _of(alerts: list[dict], kind: str, series: str | None = None, country: str | None = None):
    return [
        a
        for a in alerts
        if a["kind"] == kind
        and (series is None or a["series"] == series)
        and (country is None or alerts_module.matches(a, country=country))
    ]


def test_quiet_dyad_turning_to_daily_lethal_attacks_is_alerted(computed: list[dict]) -> None:
    (lethal,) = _of(computed, "first_lethal", "ERI-ETH")
    assert lethal["day"] == "2026-03-02" and lethal["value"] == 5
    assert lethal["events"] and lethal["severity"] == "medium"
    rises = sorted(_of(computed, "sustained_rise", "ERI-ETH"), key=lambda a: a["day"])
    assert rises and rises[0]["quad"] == 4 and rises[0]["day"] == "2026-03-06"  # 5th day
    assert len(rises[0]["events"]) == 5 and rises[0]["baseline"]["window_days"] == 7
    assert not _of(computed, "fatalities_jump", "ERI-ETH")  # too sparse: first_lethal says it
    assert _of(computed, "sustained_rise", "ETH/Tigray")  # the region, too


def test_a_slow_rise_is_alerted_as_a_sustained_rise(computed: list[dict]) -> None:
    rises = _of(computed, "sustained_rise", "MLI")
    assert rises, [a["message"] for a in computed if a["series"] == "MLI"]
    first = rises[0]
    assert first["baseline"]["model"] in ("poisson", "negative binomial")
    assert first["value"] > first["baseline"]["expected"]
    assert first["history"] and first["history"][-1]["day"] == first["day"]


def test_a_media_spike_is_marked_as_such_not_as_violence(computed: list[dict]) -> None:
    media = _of(computed, "media_spike", "NGA")
    assert [a["day"] for a in media] == ["2026-03-12"]
    (alert,) = media
    assert alert["media"] is True and alert["severity"] == "low"
    assert alert["value"] == 31 and alert["detail"]["incidents"] == 2
    assert "not more incidents" in alert["message"]
    assert "lmarket-bombing" in alert["incidents"]
    assert not [a for a in _of(computed, "spike", country="NGA") if a["day"] == "2026-03-12"]
    assert not _of(computed, "sustained_rise", "NGA")


def test_a_massacre_is_a_jump_in_fatalities(computed: list[dict]) -> None:
    jumps = _of(computed, "fatalities_jump", "MLI")
    assert [a["day"] for a in jumps] == ["2026-03-27"]
    assert jumps[0]["value"] >= 40 and jumps[0]["severity"] in ("medium", "high")
    assert jumps[0]["baseline"]["model"] == "negative binomial"


def test_a_new_actor_in_a_region_is_alerted(computed: list[dict]) -> None:
    new = [a for a in _of(computed, "new_actor", "NGA") if a["detail"]["actor"] == "ISW"]
    assert [a["day"] for a in new] == ["2026-03-22"]
    assert not [a for a in _of(computed, "new_actor") if a["detail"]["actor"] in ("BOK", "JNI")]


def test_noise_and_uncountable_events_give_no_alert(computed: list[dict]) -> None:
    peru = [a for a in computed if alerts_module.matches(a, country="PER")]
    assert peru == [], [a["message"] for a in peru]


def _stored(conn) -> dict[str, dict]:
    return {row[0]: json.loads(row[1]) for row in conn.execute("SELECT id, record FROM alerts")}


def _full(conn, config: dict) -> dict[str, dict]:
    found = alerts_module.compute_alerts(alerts_module.load_series(conn), config)
    return {a.id: json.loads(json.dumps(a.to_dict())) for a in found}


@pytest.mark.parametrize("seed", [3, 5])
def test_incremental_updates_store_what_a_full_computation_gives(tmp_path: Path, seed: int) -> None:
    """The planted store's articles arrive in batches, roughly in day order but some of them
    days or weeks late (reports of old dates), some raising an incident's toll later; after
    every batch the incrementally updated alerts are exactly those of a full computation over
    the store so far: none missing, none stale, none twice."""
    rng = random.Random(seed)
    builder = Builder(None)
    plant(builder)
    # Later reports of incidents already reported: a higher toll, on the incident's day.
    for result in rng.sample([r for r in builder.results if r.events[0].quad_code == 4], 12):
        event = result.events[0]
        builder.event(
            (event.date - DAY0).days,
            event.event_loc.country,
            event.actor[0].code,
            event.recipient[0].code,
            dead=(event.size.dead if event.size else 0) + rng.choice((5, 20)),
            admin1=event.event_loc.admin1,
            link=event.link_id,
        )
    arrival = {
        r.article.id: (r.events[0].date - DAY0).days
        + rng.random() * 2
        + (rng.choice((3, 10, 30)) if rng.random() < 0.1 else 0)
        for r in builder.results
    }
    queue = sorted(builder.results, key=lambda r: arrival[r.article.id])
    config = alerts_module.load_config()
    modes = []
    with Store(tmp_path / "incremental.db") as store:
        while queue:
            size = rng.choice((1, 2, 5, 20, 60))
            batch, queue = queue[:size], queue[size:]
            for result in batch:
                store.save(result)
            done = alerts_module.update(store.conn, config)
            modes.append(done.mode)
            stored = _stored(store.conn)
            assert stored == _full(store.conn, config), (len(modes), done)
            assert store.conn.execute("SELECT count(*) FROM alerts").fetchone()[0] == len(stored)
        assert alerts_module.update(store.conn, config).mode == "none"
        final = _stored(store.conn)
    assert modes.count("incremental") > 0.8 * len(modes)
    assert {a["kind"] for a in final.values()} >= {
        "media_spike",
        "sustained_rise",
        "fatalities_jump",
        "first_lethal",
        "new_actor",
    }
    # The same as `flashpoint alerts` on the final store (a full computation, stored).
    copy = tmp_path / "full.db"
    copy.write_bytes((tmp_path / "incremental.db").read_bytes())
    done = runner.invoke(app, ["alerts", "--db", str(copy), "--json"])
    assert done.exit_code == 0, done.output
    with Store(copy) as store:
        assert _stored(store.conn) == final


def test_watch_polls_deliver_each_new_alert_once(tmp_path: Path) -> None:
    builder = Builder(None)
    plant(builder)
    jsonl = tmp_path / "alerts.jsonl"
    lines: list[str] = []
    with Store(tmp_path / "watched.db") as store:
        for start in range(0, len(builder.results), 150):  # one poll per 150 articles
            for result in builder.results[start : start + 150]:
                store.save(result)
            alerts_module.update_after_poll(store, jsonl=jsonl, report=lines.append)
        final = _stored(store.conn)
    delivered = [json.loads(line)["id"] for line in jsonl.read_text().splitlines()]
    assert len(delivered) == len(set(delivered)) == len(lines)
    assert set(final) <= set(delivered)


def test_cli_update_after_an_ingest(tmp_path: Path) -> None:
    """`flashpoint alerts --update` after articles were stored (an `ingest` into the store):
    only the new alerts are new, and the store then holds what a full computation gives."""
    builder = Builder(None)
    plant(builder)
    db = tmp_path / "ingested.db"
    half = len(builder.results) // 2
    with Store(db) as store:
        for result in builder.results[:half]:
            store.save(result)
    first = runner.invoke(app, ["alerts", "--db", str(db), "--update", "--json"])
    assert first.exit_code == 0, first.output
    before = {json.loads(line)["id"] for line in first.stdout.splitlines()}
    with Store(db) as store:
        for result in builder.results[half:]:
            store.save(result)
    second = runner.invoke(app, ["alerts", "--db", str(db), "--update", "--json", "--new"])
    assert second.exit_code == 0, second.output
    new = {json.loads(line)["id"] for line in second.stdout.splitlines()}
    with Store(db) as store:
        final = _stored(store.conn)
        assert final == _full(store.conn, alerts_module.load_config())
    assert new and not new & before and new <= set(final)
    assert set(final) - before <= new


def test_an_update_after_new_thresholds_or_an_older_event_recomputes_everything(
    store_path: Path, tmp_path: Path
) -> None:
    db = tmp_path / "copy.db"
    db.write_bytes(store_path.read_bytes())
    config = alerts_module.load_config()
    with Store(db) as store:
        assert alerts_module.update(store.conn, config).mode == "full"  # no state yet
        assert alerts_module.update(store.conn, config).mode == "none"
        late = Builder(store)
        late.n = 100_000  # new article ids
        late.event(-30, "NGA", "BOK", "NGA", admin1="Borno")  # before the coverage start
        assert alerts_module.update(store.conn, config).mode == "full"
        stricter = {**config, "spike_p": 1e-5}
        assert alerts_module.update(store.conn, stricter).mode == "full"
        assert _stored(store.conn) == _full(store.conn, stricter)


def test_count_model_tail_probabilities() -> None:
    p, model = alerts_module.tail_probability(0, 1.0, 1.0)
    assert p == 1.0
    p, model = alerts_module.tail_probability(3, 1.0, 1.0)  # Poisson(1): 1 - e^-1 (1 + 1 + 1/2)
    assert model == "poisson" and abs(p - 0.0803014) < 1e-6
    p_nb, model = alerts_module.tail_probability(3, 1.0, 3.0)
    assert model == "negative binomial" and p_nb > p  # overdispersion widens the band
    assert alerts_module.tail_probability(60, 2.0, 2.0)[0] < 1e-30  # far tail, no cancellation
    assert alerts_module.upper_band(2.0, 2.0, 0.001) == 9  # P(X >= 8) = 0.0011


def test_cli_stores_once_filters_and_delivers(store_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    db.write_bytes(store_path.read_bytes())
    posted: list[dict] = []
    with _webhook(posted) as url:
        out_file = tmp_path / "alerts.jsonl"
        first = runner.invoke(
            app,
            ["alerts", "--db", str(db), "--json", "--jsonl", str(out_file), "--webhook", url],
        )
        assert first.exit_code == 0, first.output
        printed = [json.loads(line) for line in first.stdout.splitlines()]
        assert printed and {a["kind"] for a in printed} >= {"first_lethal", "media_spike"}
        delivered = [json.loads(line) for line in out_file.read_text().splitlines()]
        assert sorted(a["id"] for a in delivered) == sorted(a["id"] for a in printed)
        assert sorted(a["id"] for a in posted) == sorted(a["id"] for a in printed)
        again = runner.invoke(app, ["alerts", "--db", str(db), "--json", "--new"])
        assert again.exit_code == 0 and again.stdout == ""  # stored: nothing new
    only = runner.invoke(app, ["alerts", "--db", str(db), "--json", "--country", "NGA"])
    assert {a["series"] for a in map(json.loads, only.stdout.splitlines())} <= {
        "NGA",
        "NGA/Borno",
        "BOK-NGA",
        "ISW-NGA",
    }
    with Store(db) as store:  # --country computes what a full run does for that country
        only_nga, _ = alerts_module.run(store.conn, alerts_module.load_config(), country="NGA")
        everything, _ = alerts_module.run(store.conn, alerts_module.load_config())
    assert sorted(a.id for a in only_nga) == sorted(
        a.id for a in everything if alerts_module.matches(a.to_dict(), country="NGA")
    )
    later = runner.invoke(app, ["alerts", "--db", str(db), "--json", "--since", "2026-03-10"])
    assert all(json.loads(line)["day"] >= "2026-03-10" for line in later.stdout.splitlines())
    text = runner.invoke(app, ["alerts", "--db", str(db), "--kind", "media_spike"])
    assert "[media]" in text.stdout and "media_spike" in text.stdout
    for bad in (["--since", "March"], ["--country", "Nigeria"], ["--kind", "boom"]):
        result = runner.invoke(app, ["alerts", "--db", str(db), *bad])
        assert (
            result.exit_code == 2 and "error:" in result.output and "Traceback" not in result.output
        )

    client = TestClient(create_app(Settings(db=db)))
    served = client.get("/api/alerts", params={"country": "NGA", "kind": "media_spike"}).json()
    assert {a["day"] for a in served} == {"2026-03-12"} and all(a["media"] for a in served)
    assert {a["series"] for a in served} == {"NGA", "NGA/Borno", "BOK-NGA"}
    assert client.get("/api/alerts", params={"since": "2026-03-20"}).json()
    assert all(
        a["day"] >= "2026-03-20"
        for a in client.get("/api/alerts", params={"since": "2026-03-20"}).json()
    )
    assert client.get("/api/alerts", params={"country": "Peru"}).status_code == 422
    assert client.get("/api/alerts", params={"min_severity": "high"}).status_code == 200


def test_api_alerts_on_a_store_without_alerts(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    Store(db).close()
    client = TestClient(create_app(Settings(db=db)))
    assert client.get("/api/alerts").json() == []


def test_a_bad_config_is_one_line(tmp_path: Path, store_path: Path) -> None:
    config = tmp_path / "alerts.yaml"
    config.write_text("spike_p: lots\n", encoding="utf-8")
    result = runner.invoke(app, ["alerts", "--db", str(store_path), "--config", str(config)])
    assert result.exit_code == 2 and "spike_p must be like 0.001" in result.output
    config.write_text("spike_q: 1\n", encoding="utf-8")
    with pytest.raises(alerts_module.AlertConfigError, match="unknown"):
        alerts_module.load_config(config)


class _Collector(BaseHTTPRequestHandler):
    posted: list[dict]

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.posted.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()


class _webhook:
    def __init__(self, posted: list[dict]) -> None:
        handler = type("Handler", (_Collector,), {"posted": posted})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)

    def __enter__(self) -> str:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
