"""Escalation alerts: series of coded events that break out of their own history.

    events (not background / negated / hypothetical / future; day-precise dates only)
    -> daily series per actor dyad, country and admin1 unit, per quad class:
       distinct incidents (linked events), event mentions (reports), deaths, summed event_scale
    -> rules: spike, media spike, sustained rise, jump in fatalities, first lethal event
       between a pair, new actor in a region
    -> alerts (stored in the `alerts` table, migration 0005_alerts), delivered to stdout, a
       JSONL file, a webhook

Thresholds come from data/alerts.yaml (documented there and in docs/monitoring.md). The
count model: a day's count X against a trailing baseline of `baseline_days` days with mean m
(floored at `min_rate`) and sample variance v. When v <= m, X ~ Poisson(m); otherwise X ~
negative binomial with the same mean and variance (r = m^2 / (v - m)). An alert needs the
tail probability P(X >= x) below the rule's p and the rule's minimum counts.

A series' days are kept sparse (days with events only) and windows are summed with prefix
sums, so the work is linear in the events (plus a log factor), not in series times days.
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import hashlib
import json
import math
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from statistics import NormalDist
from typing import Any

import yaml

from flashpoint.errors import FlashpointError

SEVERITIES = ("low", "medium", "high")
KINDS = ("spike", "media_spike", "sustained_rise", "fatalities_jump", "first_lethal", "new_actor")
QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict",
              4: "material conflict"}  # fmt: skip


class AlertConfigError(FlashpointError):
    """A bad alerts config file: one line, exit 2."""


def default_config() -> dict[str, Any]:
    text = (resources.files("flashpoint.data") / "alerts.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def load_config(path: Path | None = None) -> dict[str, Any]:
    """The defaults, overridden by the keys of `path`."""
    config = default_config()
    if path is None:
        return config
    try:
        given = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise AlertConfigError(f"{path}: not a readable YAML file ({reason})") from None
    if not isinstance(given, dict):
        raise AlertConfigError(f"{path}: expected a mapping of thresholds")
    unknown = sorted(set(given) - set(config))
    if unknown:
        raise AlertConfigError(f"{path}: unknown threshold(s) {', '.join(map(str, unknown))}")
    for key, value in given.items():
        if type(value) is not type(config[key]) and not (
            isinstance(config[key], float) and isinstance(value, int)
        ):
            raise AlertConfigError(f"{path}: {key} must be like {config[key]!r}")
    config.update(given)
    return config


# --- the count model --------------------------------------------------------------------------


def tail_probability(x: float, mean: float, variance: float) -> tuple[float, str]:
    """P(X >= x) under Poisson(mean) when variance <= mean, else the negative binomial with
    that mean and variance; and the model's name."""
    k = math.ceil(x)
    if k <= 0:
        return 1.0, "poisson"
    mean = max(mean, 1e-9)
    if variance <= mean * 1.0001:
        # log pmf(j) = -m + j log m - lgamma(j + 1); cdf(k - 1) summed directly.
        log_m = math.log(mean)
        cdf = 0.0
        for j in range(k):
            cdf += math.exp(-mean + j * log_m - math.lgamma(j + 1))
        return _tail(cdf, k, lambda j: -mean + j * log_m - math.lgamma(j + 1)), "poisson"
    r = mean * mean / (variance - mean)
    p = r / (r + mean)
    log_p, log_q = math.log(p), math.log1p(-p)

    def log_pmf(j: int) -> float:
        return math.lgamma(j + r) - math.lgamma(r) - math.lgamma(j + 1) + r * log_p + j * log_q

    cdf = sum(math.exp(log_pmf(j)) for j in range(k))
    return _tail(cdf, k, log_pmf), "negative binomial"


def _tail(cdf: float, k: int, log_pmf: Any) -> float:
    """1 - cdf, or (where that cancels) the sum of the upper tail's first terms."""
    tail = 1.0 - cdf
    if tail > 1e-9:
        return max(tail, 0.0)
    total = 0.0
    for j in range(k, k + 2000):  # bounded: terms fall geometrically past the mode
        term = math.exp(log_pmf(j))
        total += term
        if term < total * 1e-12:
            break
    return total


def rate_ratio_p(x: float, window_days: int, baseline_total: float, baseline_days: int) -> float:
    """The conditional test of two Poisson rates: given the x + S events of the window and the
    baseline, X ~ Binomial(x + S, w / (w + n)) when both have one rate; P(X >= x). It allows
    for the baseline being an estimate (a short or sparse baseline proves little)."""
    k = math.ceil(x)
    total = k + math.ceil(baseline_total)
    if k <= 0:
        return 1.0
    q = window_days / (window_days + baseline_days)
    log_q, log_r = math.log(q), math.log1p(-q)
    terms = (
        math.lgamma(total + 1) - math.lgamma(j + 1) - math.lgamma(total - j + 1)
        + j * log_q + (total - j) * log_r
        for j in range(k, total + 1)
    )  # fmt: skip
    return min(1.0, sum(math.exp(t) for t in terms))


@cache
def _z(p: float) -> float:
    return NormalDist().inv_cdf(1.0 - p)


def breakout_p(
    x: float,
    mean: float,
    variance: float,
    window_days: int,
    baseline_total: float,
    baseline_days: int,
    p_max: float,
) -> tuple[float, str]:
    """The larger of the count model's tail probability and the rate-ratio test's, and the
    model's name. Counts within z(p_max) standard deviations of the mean return (1.0, ...)
    without the exact sums: count distributions are skewed right, so their tails there are
    heavier than the normal's and p >= p_max anyway (this keeps a large store fast)."""
    spread = math.sqrt(max(variance, mean))
    if x < mean + _z(p_max) * spread - 1.0:
        return 1.0, "poisson" if variance <= mean else "negative binomial"
    p, model = tail_probability(x, mean, variance)
    if p < p_max:
        p = max(p, rate_ratio_p(x, window_days, baseline_total, baseline_days))
    return p, model


def upper_band(mean: float, variance: float, p: float) -> int:
    """The smallest count whose tail probability is below p."""
    k = max(1, math.ceil(mean))
    for _ in range(100_000):  # bounded
        if tail_probability(k, mean, variance)[0] < p:
            return k
        k += 1 if k < 50 else max(1, k // 50)
    return k


# --- loading the series -----------------------------------------------------------------------

COUNTABLE = (
    "negated = 0 AND hypothetical = 0 AND background = 0 AND future = 0"
    " AND date_precision = 'day' AND date IS NOT NULL"
)
EVENT_COLUMNS = """
SELECT rowid, id, article_id, coalesce(link_id, id) AS incident, date, actor_codes,
       recipient_codes, country, json_extract(record, '$.event_loc.admin1') AS admin1, quad_code,
       event_scale, json_extract(record, '$.size.dead') AS dead
FROM events
"""
EVENT_SQL = f"{EVENT_COLUMNS} WHERE {COUNTABLE}"


@dataclass(slots=True)
class Day:
    """One series' one day (one quad class)."""

    incidents: dict[str, tuple[float, int]] = field(default_factory=dict)  # -> scale, dead
    events: list[str] = field(default_factory=list)
    initiators: set[str] = field(default_factory=set)

    def add(self, event_id: str, incident: str, scale: float, dead: int) -> None:
        self.events.append(event_id)
        old = self.incidents.get(incident)
        if old is None:
            self.incidents[incident] = (scale, dead)
        elif dead > old[1]:
            self.incidents[incident] = (old[0], dead)


SeriesKey = tuple[str, str, int]  # (series type, series name, quad class)


@dataclass
class Data:
    series: dict[SeriesKey, dict[int, Day]]
    first_day: int | None  # ordinal of the store's first dated event (its coverage start)
    last_day: int | None
    events: int = 0  # countable events read


@contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused: loading a large store makes millions of small
    objects and no cycles, and the collections the allocations set off would scan them all
    again and again (more than half the load time on a million events)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _day(date: str, ordinals: dict[str, int]) -> int | None:
    day = ordinals.get(date)
    if day is None:
        try:
            day = dt.date.fromisoformat(date[:10]).toordinal()
        except ValueError:
            return None
        ordinals[date] = day
    return day


def _pairs(initiators: list[str], targets: list[str]) -> list[str]:
    """The dyads of an event: unordered pairs of its first four initiators and recipients."""
    pairs = {(a, b) if a < b else (b, a) for a in initiators[:4] for b in targets[:4] if a != b}
    return [f"{a}-{b}" for a, b in sorted(pairs)]


def _keys(row: Sequence[Any]) -> list[tuple[str, str]]:
    """A row's series (type, name), quad class aside."""
    place, admin1 = row[7], row[8]
    keys: list[tuple[str, str]] = []
    if place:
        keys.append(("country", place))
        if admin1:
            keys.append(("admin1", f"{place}/{admin1}"))
    keys += [("dyad", d) for d in _pairs((row[5] or "").split(), (row[6] or "").split())]
    return keys


def _fill(
    series: dict[SeriesKey, dict[int, Day]],
    rows: Iterable[Sequence[Any]],
    keep: set[SeriesKey] | None = None,
    dyads: list[tuple[str, int]] | None = None,
) -> tuple[int | None, int | None, int]:
    """Add the rows (in rowid order) to their series' days (only the series in `keep` when
    given; the (dyad, rowid) pairs met to `dyads` when given); returns the first and last day
    and the number of rows with a date."""
    with _no_gc():
        return _fill_rows(series, rows, keep, dyads)


def _fill_rows(
    series: dict[SeriesKey, dict[int, Day]],
    rows: Iterable[Sequence[Any]],
    keep: set[SeriesKey] | None,
    dyads: list[tuple[str, int]] | None,
) -> tuple[int | None, int | None, int]:
    first = last = None
    count = 0
    ordinals: dict[str, int] = {}
    for row in rows:
        rowid, event_id, _article, incident, date, actors, recipients, place, admin1 = row[:9]
        quad, scale, dead = row[9:12]
        day = _day(date, ordinals)
        if day is None:
            continue
        count += 1
        first = day if first is None or day < first else first
        last = day if last is None or day > last else last
        quad = int(quad or 0)
        scale = float(scale or 0.0)
        dead = int(dead or 0)
        initiators = (actors or "").split()
        keys: list[tuple[str, str]] = []
        if place:
            keys.append(("country", place))
            if admin1:
                keys.append(("admin1", f"{place}/{admin1}"))
        for dyad in _pairs(initiators, (recipients or "").split()):
            keys.append(("dyad", dyad))
            if dyads is not None:
                dyads.append((dyad, rowid))
        for stype, name in keys:
            if keep is not None and (stype, name, quad) not in keep:
                continue
            bucket = series.get((stype, name, quad))
            if bucket is None:
                bucket = series[(stype, name, quad)] = {}
            cell = bucket.get(day)
            if cell is None:
                cell = bucket[day] = Day()
            cell.events.append(event_id)  # Day.add, inlined: this loop runs per event and series
            old = cell.incidents.get(incident)
            if old is None:
                cell.incidents[incident] = (scale, dead)
            elif dead > old[1]:
                cell.incidents[incident] = (old[0], dead)
            if stype != "dyad":
                cell.initiators.update(initiators)
    return first, last, count


def load_series(
    conn: sqlite3.Connection,
    country: str | None = None,
    upto: int | None = None,
    dyads: list[tuple[str, int]] | None = None,
) -> Data:
    """Every series of the store's countable events (those of rowid <= `upto` when given; only
    those a country's alerts need when `country` is given)."""
    series: dict[SeriesKey, dict[int, Day]] = {}
    sql, params = EVENT_SQL, []
    if upto is not None:
        sql += " AND rowid <= ?"
        params.append(upto)
    if country:
        sql += " AND (country = ? OR actor_codes LIKE ? OR recipient_codes LIKE ?)"
        params += [country, f"% {country} %", f"% {country} %"]
    rows = conn.execute(sql + " ORDER BY rowid", params)
    first, last, count = _fill(series, rows, dyads=dyads)
    if country:  # the store's coverage, not the country's: the same alerts as a full run
        first, last = _coverage(conn)
    return Data(series, first, last, count)


def _coverage(conn: sqlite3.Connection) -> tuple[int | None, int | None]:
    """The first and last day of the store's countable events."""
    row = conn.execute(f"SELECT min(date), max(date) FROM events WHERE {COUNTABLE}").fetchone()
    if not row or not row[0]:
        return None, None
    ordinals: dict[str, int] = {}
    return _day(row[0], ordinals), _day(row[1], ordinals)


# --- rules ------------------------------------------------------------------------------------


@dataclass
class Alert:
    kind: str
    severity: str
    series_type: str
    series: str
    quad: int | None
    day: str  # ISO date the alert is for (the last day of a rise's window)
    measure: str  # incidents | mentions | dead | actor
    value: float
    baseline: dict[str, Any]
    message: str
    score: float = 0.0  # -log10 of the tail probability (0 when the rule has none)
    media: bool = False
    events: list[str] = field(default_factory=list)
    incidents: list[str] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        key = f"{self.kind}|{self.series_type}|{self.series}|{self.quad}|{self.day}"
        return "a" + hashlib.sha1(key.encode()).hexdigest()[:15]

    @property
    def country(self) -> str | None:
        if self.series_type in ("country", "admin1"):
            return self.series.split("/")[0]
        return None

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> Alert:
        """An alert as `to_dict` wrote it (a stored one)."""
        fields = (
            "kind", "severity", "series_type", "series", "quad", "day", "measure", "value",
            "baseline", "message", "score", "media", "events", "incidents", "history", "detail",
        )  # fmt: skip
        return cls(**{name: record[name] for name in fields})

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "severity": self.severity,
            "day": self.day,
            "series_type": self.series_type,
            "series": self.series,
            "country": self.country,
            "quad": self.quad,
            "measure": self.measure,
            "value": self.value,
            "score": round(self.score, 2),
            "media": self.media,
            "baseline": self.baseline,
            "message": self.message,
            "events": self.events,
            "incidents": self.incidents,
            "history": self.history,
            "detail": self.detail,
        }


def _severity(p: float, config: dict) -> str:
    if p < config["severity_high_p"]:
        return "high"
    if p < config["severity_medium_p"]:
        return "medium"
    return "low"


def _score(p: float) -> float:
    return -math.log10(max(p, 1e-300))


class _Windows:
    """Sums of a sparse daily series over day ranges, by prefix sums."""

    def __init__(self, days: list[int], values: list[float]) -> None:
        self.days = days
        self.sums = [0.0]
        self.squares = [0.0]
        for value in values:
            self.sums.append(self.sums[-1] + value)
            self.squares.append(self.squares[-1] + value * value)

    def total(self, lo: int, hi: int) -> tuple[float, float, int]:
        """Sum, sum of squares and number of active days over days lo..hi (inclusive)."""
        i = bisect.bisect_left(self.days, lo)
        j = bisect.bisect_right(self.days, hi)
        return self.sums[j] - self.sums[i], self.squares[j] - self.squares[i], j - i

    def baseline(self, lo: int, hi: int, min_rate: float) -> tuple[float, float, int]:
        """Mean (floored), variance and length of the baseline over days lo..hi."""
        n = hi - lo + 1
        total, squares, _active = self.total(lo, hi)
        mean = total / n
        variance = (squares - n * mean * mean) / (n - 1) if n > 1 else mean
        return max(mean, min_rate), max(variance, 0.0), n


def _iso(day: int) -> str:
    return dt.date.fromordinal(day).isoformat()


def _history(days: list[int], values: list[float], lo: int, hi: int) -> list[dict[str, Any]]:
    lookup = dict(zip(days, values, strict=True))
    return [{"day": _iso(d), "value": lookup.get(d, 0)} for d in range(lo, hi + 1)]


def compute_alerts(data: Data, config: dict[str, Any], since: dt.date | None = None) -> list[Alert]:
    """Every alert the rules give on `data`, for days from `since` on."""
    if data.first_day is None:
        return []
    start = data.first_day
    since_day = since.toordinal() if since else start
    out: list[Alert] = []
    with _no_gc():
        for key, days in data.series.items():
            out += series_alerts(key, days, start, since_day, config)
    out = _cooldown(out, config["cooldown_days"])
    out.sort(key=lambda a: (a.day, SEVERITIES.index(a.severity), a.score), reverse=True)
    return out


def series_alerts(
    key: SeriesKey, days: dict[int, Day], start: int, since_day: int, config: dict[str, Any]
) -> list[Alert]:
    """One series' alerts for days from `since_day` on, before the cooldown. Every rule reads
    only its own series (the fatality rules read the material-conflict series), so a series
    untouched by new events keeps its alerts."""
    stype, name, quad = key
    out: list[Alert] = []
    if quad in config["quads"]:
        out += _count_rules(stype, name, quad, days, start, since_day, config)
    if stype != "dyad" and quad in config["new_actor_quads"]:
        out += _new_actors(stype, name, quad, days, start, since_day, config)
    if quad == 4:
        out += _fatalities(stype, name, days, start, since_day, config)
        if stype == "dyad":
            out += _first_lethal(name, days, start, since_day, config)
    return out


def _count_rules(
    stype: str,
    name: str,
    quad: int,
    cells: dict[int, Day],
    start: int,
    since_day: int,
    config: dict[str, Any],
) -> Iterator[Alert]:
    days = sorted(cells)
    incidents = [float(len(cells[d].incidents)) for d in days]
    mentions = [float(len(cells[d].events)) for d in days]
    # Summed PLOVER event_scale of the day's incidents (negative for conflict).
    scales = [sum(scale for scale, _dead in cells[d].incidents.values()) for d in days]
    inc, men, sc = _Windows(days, incidents), _Windows(days, mentions), _Windows(days, scales)
    window = config["baseline_days"]
    min_rate, max_keep = config["min_rate"], config["max_events_per_alert"]
    label = f"{stype} {name}, {QUAD_NAMES.get(quad, f'quad {quad}')}"
    for index, day in enumerate(days):
        if day < since_day:
            continue
        lo = max(start, day - window)
        if day - lo < config["min_coverage_days"]:
            continue
        cell = cells[day]
        count = incidents[index]
        mean, variance, n = inc.baseline(lo, day - 1, min_rate)
        spiking = count >= config["spike_min_events"] and count >= config["spike_min_ratio"] * mean
        p, model = 1.0, "poisson"
        if spiking:
            p, model = breakout_p(
                count, mean, variance, 1, inc.total(lo, day - 1)[0], n, config["spike_p"]
            )
            spiking = p < config["spike_p"]
        base = {"days": n, "mean": round(mean, 3), "variance": round(variance, 3), "model": model}
        if spiking:
            yield Alert(
                "spike", _severity(p, config), stype, name, quad, _iso(day), "incidents", count,
                {**base, "band": upper_band(mean, variance, config["spike_p"])},
                f"{label}: {int(count)} incidents on {_iso(day)} against {mean:.2f}/day",
                _score(p), False, cell.events[:max_keep], sorted(cell.incidents)[:max_keep],
                _history(days, incidents, lo, day),
                {"mentions": mentions[index], "scale": round(scales[index], 2),
                 "scale_baseline_mean": round(sc.total(lo, day - 1)[0] / max(day - lo, 1), 3)},
            )  # fmt: skip
        elif mentions[index] >= config["media_min_mentions"]:
            m_mean, m_var, _ = men.baseline(lo, day - 1, min_rate)
            m_p, m_model = breakout_p(
                mentions[index], m_mean, m_var, 1, men.total(lo, day - 1)[0], n, config["media_p"]
            )
            if m_p < config["media_p"]:
                yield Alert(
                    "media_spike", "low", stype, name, quad, _iso(day), "mentions",
                    mentions[index],
                    {"days": n, "mean": round(m_mean, 3), "variance": round(m_var, 3),
                     "model": m_model, "band": upper_band(m_mean, m_var, config["media_p"]),
                     "incidents_mean": round(mean, 3)},
                    f"{label}: {int(mentions[index])} reports of {int(count)} incident(s) on "
                    f"{_iso(day)} against {m_mean:.2f} reports/day - more reporting, not more "
                    "incidents",
                    _score(m_p), True, cell.events[:max_keep], sorted(cell.incidents)[:max_keep],
                    _history(days, mentions, lo, day),
                    {"incidents": count, "incidents_p": p},
                )  # fmt: skip
        for rise_days in config["rise_windows"]:
            rise = _rise(stype, name, quad, cells, days, incidents, inc, sc, index, rise_days,
                         start, label, config)  # fmt: skip
            if rise is not None:
                yield rise
                break  # one rise a day: the shortest window that shows it


def _rise(
    stype: str,
    name: str,
    quad: int,
    cells: dict[int, Day],
    days: list[int],
    incidents: list[float],
    inc: _Windows,
    sc: _Windows,
    index: int,
    rise_days: int,
    start: int,
    label: str,
    config: dict[str, Any],
) -> Alert | None:
    """Sustained rise: the incidents of the `rise_days` ending today against the baseline
    of the `baseline_days` before them, spread over enough of those days."""
    day = days[index]
    w_lo = day - rise_days + 1
    b_hi = w_lo - 1
    b_lo = max(start, b_hi - config["baseline_days"] + 1)
    if b_hi - b_lo + 1 < config["min_coverage_days"]:
        return None
    total, _sq, _active = inc.total(w_lo, day)
    if total < config["rise_min_events"]:
        return None
    mean, variance, n = inc.baseline(b_lo, b_hi, config["min_rate"])
    lo_i = bisect.bisect_left(days, w_lo)
    window_counts = incidents[lo_i : index + 1]
    above = sum(1 for c in window_counts if c > mean)
    if above < config["rise_min_active_share"] * rise_days:
        return None
    if max(window_counts) > config["rise_max_day_share"] * total:
        return None
    p, model = breakout_p(
        total, rise_days * mean, rise_days * variance, rise_days, inc.total(b_lo, b_hi)[0], n,
        config["rise_p"],
    )  # fmt: skip
    if p >= config["rise_p"]:
        return None
    max_keep = config["max_events_per_alert"]
    ids = [e for d in days[lo_i : index + 1] for e in cells[d].events]
    incs = sorted({i for d in days[lo_i : index + 1] for i in cells[d].incidents})
    return Alert(
        "sustained_rise", _severity(p, config), stype, name, quad, _iso(day), "incidents",
        total,
        {"days": n, "mean": round(mean, 3), "variance": round(variance, 3), "model": model,
         "window_days": rise_days, "expected": round(rise_days * mean, 2)},
        f"{label}: {int(total)} incidents in the {rise_days} days to {_iso(day)} against "
        f"{rise_days * mean:.1f} expected ({mean:.2f}/day before)",
        _score(p), False, ids[:max_keep], incs[:max_keep],
        _history(days, incidents, b_lo, day),
        {"days_above_baseline": above, "scale": round(sc.total(w_lo, day)[0], 2),
         "scale_expected": round(rise_days * sc.total(b_lo, b_hi)[0] / n, 2)},
    )  # fmt: skip


def _fatalities(
    stype: str, name: str, cells: dict[int, Day], start: int, since_day: int, config: dict
) -> Iterator[Alert]:
    days = sorted(cells)
    dead = [float(sum(d for _s, d in cells[x].incidents.values())) for x in days]
    windows = _Windows(days, dead)
    for index, day in enumerate(days):
        if day < since_day or dead[index] < config["fatalities_min_dead"]:
            continue
        lo = max(start, day - config["baseline_days"])
        if day - lo < config["min_coverage_days"]:
            continue
        mean, variance, n = windows.baseline(lo, day - 1, config["min_rate"])
        _total, _squares, active = windows.total(lo, day - 1)
        if active < config["fatalities_min_active_days"]:
            continue  # too sparse to speak of a jump (first_lethal covers a first death)
        i, j = bisect.bisect_left(days, lo), index
        if dead[index] < config["fatalities_min_ratio"] * max(dead[i:j], default=0.0):
            continue
        variance = max(variance, mean + mean * mean)  # deaths come in clumps: overdispersed
        spread = math.sqrt(variance)
        if dead[index] < mean + _z(config["fatalities_p"]) * spread - 1.0:
            continue
        p, model = tail_probability(dead[index], mean, variance)
        if p >= config["fatalities_p"]:
            continue
        cell = cells[day]
        yield Alert(
            "fatalities_jump", _severity(p, config), stype, name, 4, _iso(day), "dead",
            dead[index],
            {"days": n, "mean": round(mean, 3), "variance": round(variance, 3), "model": model,
             "band": upper_band(mean, variance, config["fatalities_p"])},
            f"{stype} {name}: {int(dead[index])} dead on {_iso(day)} against {mean:.2f}/day",
            _score(p), False, cell.events[: config["max_events_per_alert"]],
            sorted(cell.incidents), _history(days, dead, lo, day),
        )  # fmt: skip


def _first_lethal(
    name: str, cells: dict[int, Day], start: int, since_day: int, config: dict
) -> Iterator[Alert]:
    for day in sorted(cells):
        cell = cells[day]
        dead = sum(d for _s, d in cell.incidents.values())
        if dead <= 0:
            continue
        if day >= since_day and day - start >= config["min_coverage_days"]:
            lethal = sorted(i for i, (_s, d) in cell.incidents.items() if d > 0)
            prior = sum(len(cells[d].incidents) for d in cells if d < day)
            yield Alert(
                "first_lethal", "high" if dead >= config["lethal_high_dead"] else "medium",
                "dyad", name, 4, _iso(day), "dead", float(dead),
                {"days": day - start, "lethal_before": 0, "incidents_before": prior},
                f"dyad {name}: first lethal incident ({dead} dead) on {_iso(day)} in "
                f"{day - start} days of coverage",
                0.0, False, cell.events[: config["max_events_per_alert"]], lethal,
            )  # fmt: skip
        return  # only the first lethal day can be the first


def _new_actors(
    stype: str,
    name: str,
    quad: int,
    cells: dict[int, Day],
    start: int,
    since_day: int,
    config: dict,
) -> Iterator[Alert]:
    seen: set[str] = set()
    prior = 0
    home = name.split("/")[0]
    for day in sorted(cells):
        cell = cells[day]
        new = sorted(cell.initiators - seen - {home})
        if (
            new
            and day >= since_day
            and prior >= config["new_actor_min_prior_events"]
            and day - start >= config["min_coverage_days"]
        ):
            for code in new:
                yield Alert(
                    "new_actor", "medium", stype, name, quad, _iso(day), "actor", 1.0,
                    {"days": day - start, "incidents_before": prior, "actors_before": len(seen)},
                    f"{stype} {name}: {code} acts in {QUAD_NAMES.get(quad, quad)} for the "
                    f"first time ({_iso(day)}), after {prior} incidents by {len(seen)} actors",
                    0.0, False, cell.events[: config["max_events_per_alert"]],
                    sorted(cell.incidents), detail={"actor": code},
                )  # fmt: skip
        seen |= cell.initiators
        prior += len(cell.incidents)


def _cooldown_key(alert: Alert | dict[str, Any]) -> tuple:
    if isinstance(alert, Alert):
        return (alert.kind, alert.series_type, alert.series, alert.quad, alert.detail.get("actor"))
    actor = (alert.get("detail") or {}).get("actor")
    return (alert["kind"], alert["series_type"], alert["series"], alert["quad"], actor)


def _cooldown(alerts: list[Alert], days: int, last: dict[tuple, int] | None = None) -> list[Alert]:
    """Within `days` after an alert, the same series, kind and quad class (and actor) gives
    no other alert: a rise lasting two weeks is one alert, not fourteen. `last`: the day of
    the latest alert kept before these, per key (an incremental update's stored alerts)."""
    alerts = sorted(alerts, key=lambda a: a.day)
    last = dict(last or {})
    kept = []
    for alert in alerts:
        key = _cooldown_key(alert)
        day = dt.date.fromisoformat(alert.day).toordinal()
        if key in last and day - last[key] <= days:
            continue
        last[key] = day
        kept.append(alert)
    return kept


# --- store, filters, delivery -----------------------------------------------------------------


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


INSERT_SQL = (
    "INSERT OR REPLACE INTO alerts (id, kind, severity, day, series_type, series, country, quad,"
    " media, score, created_at, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _insert(conn: sqlite3.Connection, alerts: Iterable[Alert], created: dict[str, str]) -> None:
    """Write the alerts (replacing a stored one of the same id, its first `created_at` kept)."""
    now = _now()
    conn.executemany(
        INSERT_SQL,
        [
            (
                alert.id,
                alert.kind,
                alert.severity,
                alert.day,
                alert.series_type,
                alert.series,
                alert.country,
                alert.quad,
                int(alert.media),
                alert.score,
                created.get(alert.id, now),
                json.dumps(alert.to_dict(), ensure_ascii=False),
            )
            for alert in alerts
        ],
    )


def store_alerts(conn: sqlite3.Connection, alerts: Iterable[Alert]) -> list[Alert]:
    """Store the alerts (an alert stored before is updated); returns those not stored before."""
    alerts = list(alerts)
    with conn:
        created = _created(conn, [a.id for a in alerts])
        _insert(conn, alerts, created)
    return [a for a in alerts if a.id not in created]


def _created(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        sql = f"SELECT id, created_at FROM alerts WHERE id IN ({marks})"
        found.update((row[0], row[1]) for row in conn.execute(sql, chunk))
    return found


# --- keeping the stored alerts up to date -----------------------------------------------------
#
# The stored alerts are always those a full computation gives over the events up to a
# watermark (the largest events rowid read; events are only ever added, an article's in one
# transaction). When articles arrive, `update` reads the countable events past the watermark,
# finds the series they touch (dyad, country, admin1 unit, by quad class) and the earliest day
# each one changes on, and recomputes only those series, only from that day on: no rule reads
# another series, and no alert is changed by events after its day. A series' earlier alerts
# stay as stored, and give the cooldown its state. A new event dated before the store's
# coverage start (which every baseline is clipped to), or other thresholds, mean a full
# recomputation.


def ensure_tables(conn: sqlite3.Connection) -> None:
    """The incremental update's tables (alerts_state.sql, all CREATE ... IF NOT EXISTS), made
    on first use: a cache of what the events table holds, outside the migrations."""
    script = (resources.files("flashpoint.store") / "alerts_state.sql").read_text("utf-8")
    current = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        current += line
        if sqlite3.complete_statement(current):
            conn.execute(current)
            current = ""
    conn.commit()


def _config_hash(config: dict[str, Any]) -> str:
    return hashlib.sha1(json.dumps(config, sort_keys=True).encode()).hexdigest()


def _state(conn: sqlite3.Connection) -> dict[str, str]:
    return {row[0]: row[1] for row in conn.execute("SELECT key, value FROM alerts_state")}


def _set_state(
    conn: sqlite3.Connection, watermark: int, first_day: int | None, config: dict[str, Any]
) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO alerts_state (key, value) VALUES (?, ?)",
        [
            ("watermark", str(watermark)),
            ("first_day", "" if first_day is None else str(first_day)),
            ("config", _config_hash(config)),
        ],
    )


def _max_rowid(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(rowid), 0) FROM events").fetchone()[0])


@dataclass
class Update:
    """What one update of the stored alerts did."""

    mode: str  # full | incremental | none (nothing new)
    events: int  # countable events read past the watermark (full: all of them)
    series: int  # series recomputed
    alerts: list[Alert]  # the alerts of the recomputed series (full: every alert)
    new: list[Alert]  # those not stored before
    removed: int  # stored alerts that no longer hold
    seconds: float


def recompute(conn: sqlite3.Connection, config: dict[str, Any]) -> Update:
    """Every alert over the whole store, stored in place of the stored ones (stale ones go);
    the incremental state reset to the store's last event."""
    started = time.perf_counter()
    ensure_tables(conn)
    upto = _max_rowid(conn)
    dyads: list[tuple[str, int]] = []
    with _no_gc():
        data = load_series(conn, upto=upto, dyads=dyads)
        alerts = compute_alerts(data, config)
    with conn:
        created = dict(conn.execute("SELECT id, created_at FROM alerts").fetchall())
        conn.execute("DELETE FROM alerts")
        _insert(conn, alerts, created)
        conn.execute("DELETE FROM alerts_dyads")
        dyads.sort()
        conn.executemany(
            "INSERT OR IGNORE INTO alerts_dyads (dyad, event_rowid) VALUES (?, ?)", dyads
        )
        _set_state(conn, upto, data.first_day, config)
    fresh = {a.id for a in alerts}
    return Update(
        "full",
        data.events,
        len(data.series),
        alerts,
        [a for a in alerts if a.id not in created],
        sum(1 for i in created if i not in fresh),
        time.perf_counter() - started,
    )


def update(conn: sqlite3.Connection, config: dict[str, Any]) -> Update:
    """Bring the stored alerts up to date with the events stored since the last update,
    recomputing only the series they touch (see above); a full recomputation when the store
    has no incremental state yet, the thresholds changed or the coverage start moved."""
    started = time.perf_counter()
    ensure_tables(conn)
    state = _state(conn)
    if "watermark" not in state or state.get("config") != _config_hash(config):
        return recompute(conn, config)
    watermark = int(state["watermark"])
    first = int(state["first_day"]) if state.get("first_day") else None
    upto = _max_rowid(conn)
    if upto <= watermark:
        return Update("none", 0, 0, [], [], 0, time.perf_counter() - started)
    rows = conn.execute(
        EVENT_SQL + " AND rowid > ? AND rowid <= ? ORDER BY rowid", (watermark, upto)
    ).fetchall()
    touched: dict[SeriesKey, int] = {}  # series -> the first day it changes on
    dyads: list[tuple[str, int]] = []
    ordinals: dict[str, int] = {}
    for row in rows:
        day = _day(row[4], ordinals)
        if day is None:
            continue
        if first is None or day < first:
            return recompute(conn, config)  # every baseline's clip moves
        quad = int(row[9] or 0)
        for stype, name in _keys(row):
            key = (stype, name, quad)
            touched[key] = min(touched.get(key, day), day)
            if stype == "dyad":
                dyads.append((name, row[0]))
    alerts: list[Alert] = []
    new: list[Alert] = []
    removed = 0
    with conn:
        conn.executemany(
            "INSERT OR IGNORE INTO alerts_dyads (dyad, event_rowid) VALUES (?, ?)", dyads
        )
        series = _load_touched(conn, touched, upto) if touched else {}
        for key, since_day in touched.items():
            assert first is not None
            found = _cooldown(
                series_alerts(key, series.get(key, {}), first, since_day, config),
                config["cooldown_days"],
                _cooldown_seed(conn, key, since_day, config["cooldown_days"]),
            )
            stype, name, quad = key
            where = "series_type = ? AND series = ? AND quad = ? AND day >= ?"
            params = (stype, name, quad, _iso(since_day))
            created = dict(conn.execute(f"SELECT id, created_at FROM alerts WHERE {where}", params))
            conn.execute(f"DELETE FROM alerts WHERE {where}", params)
            _insert(conn, found, created)
            ids = {a.id for a in found}
            removed += sum(1 for i in created if i not in ids)
            alerts += found
            new += [a for a in found if a.id not in created]
        _set_state(conn, upto, first, config)
    new.sort(key=lambda a: (a.day, SEVERITIES.index(a.severity), a.score), reverse=True)
    return Update(
        "incremental", len(rows), len(touched), alerts, new, removed, time.perf_counter() - started
    )


def _load_touched(
    conn: sqlite3.Connection, touched: dict[SeriesKey, int], upto: int
) -> dict[SeriesKey, dict[int, Day]]:
    """The whole history of the touched series: a country's and its regions' events by the
    country index, a dyad's by alerts_dyads."""
    countries = sorted({n.split("/", 1)[0] for t, n, _q in touched if t != "dyad"})
    pairs = sorted({n for t, n, _q in touched if t == "dyad"})
    rows: dict[int, Any] = {}
    base = f"{EVENT_COLUMNS} WHERE {COUNTABLE} AND rowid <= ?"
    for i in range(0, len(countries), 500):
        chunk = countries[i : i + 500]
        sql = f"{base} AND country IN ({', '.join('?' for _ in chunk)})"
        rows.update((row[0], row) for row in conn.execute(sql, [upto, *chunk]))
    for i in range(0, len(pairs), 500):
        chunk = pairs[i : i + 500]
        sql = (
            f"{base} AND rowid IN (SELECT event_rowid FROM alerts_dyads"
            f" WHERE dyad IN ({', '.join('?' for _ in chunk)}))"
        )
        rows.update((row[0], row) for row in conn.execute(sql, [upto, *chunk]))
    series: dict[SeriesKey, dict[int, Day]] = {}
    _fill(series, (rows[r] for r in sorted(rows)), keep=set(touched))
    return series


def _cooldown_seed(
    conn: sqlite3.Connection, key: SeriesKey, since_day: int, days: int
) -> dict[tuple, int]:
    """The day of the series' latest stored alert before `since_day`, per cooldown key."""
    stype, name, quad = key
    last: dict[tuple, int] = {}
    for kind, day, actor in conn.execute(
        "SELECT kind, day, json_extract(record, '$.detail.actor') FROM alerts"
        " WHERE series_type = ? AND series = ? AND quad = ? AND day >= ? AND day < ?",
        (stype, name, quad, _iso(since_day - days), _iso(since_day)),
    ):
        k = (kind, stype, name, quad, actor)
        ordinal = dt.date.fromisoformat(day).toordinal()
        last[k] = max(last.get(k, ordinal), ordinal)
    return last


def matches(
    alert: dict[str, Any],
    since: dt.date | None = None,
    until: dt.date | None = None,
    country: str | None = None,
    kinds: Sequence[str] = (),
    min_severity: str | None = None,
) -> bool:
    if since and alert["day"] < since.isoformat():
        return False
    if until and alert["day"] > until.isoformat():
        return False
    if country and not _in_country(alert, country):
        return False
    if kinds and alert["kind"] not in kinds:
        return False
    return not (
        min_severity and SEVERITIES.index(alert["severity"]) < SEVERITIES.index(min_severity)
    )


def _in_country(alert: dict[str, Any], country: str) -> bool:
    if alert.get("country") == country:
        return True
    return alert["series_type"] == "dyad" and country in alert["series"].split("-")


def stored_alerts(
    conn: sqlite3.Connection,
    since: dt.date | None = None,
    until: dt.date | None = None,
    country: str | None = None,
    kinds: Sequence[str] = (),
    min_severity: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Stored alerts, newest day first, filtered. [] for a store without the alerts table."""
    clauses, params = [], []
    if since:
        clauses.append("day >= ?")
        params.append(since.isoformat())
    if until:
        clauses.append("day <= ?")
        params.append(until.isoformat())
    if country:
        clauses.append(
            "(country = ? OR (series_type = 'dyad' AND (series LIKE ? OR series LIKE ?)))"
        )
        params += [country, f"{country}-%", f"%-{country}"]
    if kinds:
        clauses.append(f"kind IN ({', '.join('?' for _ in kinds)})")
        params += list(kinds)
    if min_severity:
        allowed = SEVERITIES[SEVERITIES.index(min_severity) :]
        clauses.append(f"severity IN ({', '.join('?' for _ in allowed)})")
        params += list(allowed)
    sql = "SELECT record FROM alerts"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY day DESC, score DESC, id"
    if limit:
        sql += f" LIMIT {int(limit)}"
    try:
        return [json.loads(row[0]) for row in conn.execute(sql, params)]
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []
        raise


def deliver_jsonl(path: Path, alerts: Iterable[Alert]) -> int:
    count = 0
    with Path(path).open("a", encoding="utf-8") as handle:
        for alert in alerts:
            handle.write(json.dumps(alert.to_dict(), ensure_ascii=False) + "\n")
            count += 1
    return count


def deliver_webhook(url: str, alerts: Sequence[Alert], timeout: float = 10.0) -> list[str]:
    """POST each alert as JSON to `url`; returns the problems met (the others still go)."""
    import httpx

    problems = []
    with httpx.Client(timeout=timeout) as client:
        for alert in alerts:
            try:
                response = client.post(url, json=alert.to_dict())
                if response.status_code >= 400:
                    problems.append(f"{url}: HTTP {response.status_code} for alert {alert.id}")
            except httpx.HTTPError as exc:
                problems.append(f"{url}: {type(exc).__name__} for alert {alert.id}")
    return problems


def run(
    conn: sqlite3.Connection,
    config: dict[str, Any],
    since: dt.date | None = None,
    country: str | None = None,
    store: bool = True,
) -> tuple[list[Alert], list[Alert]]:
    """Compute every alert over the whole store (only a country's series when `country` is
    given) and store them in place of the stored ones; returns (all from `since` on, new)."""
    if store and not country:
        done = recompute(conn, config)
        alerts, new = done.alerts, done.new
    else:
        data = load_series(conn, country)
        alerts = compute_alerts(data, config)
        if country:
            alerts = [a for a in alerts if matches(a.to_dict(), country=country)]
        new = alerts
        if store:
            ensure_tables(conn)
            with conn:
                clause = (
                    "country = ? OR (series_type = 'dyad' AND (series LIKE ? OR series LIKE ?))"
                )
                params = (country, f"{country}-%", f"%-{country}")
                created = dict(
                    conn.execute(f"SELECT id, created_at FROM alerts WHERE {clause}", params)
                )
                conn.execute(f"DELETE FROM alerts WHERE {clause}", params)
                _insert(conn, alerts, created)
            new = [a for a in alerts if a.id not in created]
    if since:
        alerts = [a for a in alerts if a.day >= since.isoformat()]
        new = [a for a in new if a.day >= since.isoformat()]
    return alerts, new


def update_after_poll(
    store: Any,
    config: Path | None = None,
    jsonl: Path | None = None,
    webhook: str | None = None,
    report: Any = print,
) -> list[Alert]:
    """After a watch poll: update the stored alerts with the articles stored since the last
    update (incrementally), deliver the new ones."""
    settings = load_config(config)
    new = update(store.conn, settings).new
    if not new:
        return []
    for alert in new:
        report(f"alert [{alert.severity}] {alert.kind}: {alert.message}")
    if jsonl is not None:
        deliver_jsonl(jsonl, new)
    if webhook:
        for problem in deliver_webhook(webhook, new):
            report(f"webhook: {problem}")
    return new
