"""Exports: the stored events in the formats analysts load (PLOVER JSONL, CSV, Parquet, a
GDELT 2.0 event-table-style TSV and an ACLED-style CSV).

Each format is a row builder (event -> dict with the format's columns, in order) plus a writer.
The mappings between PLOVER and GDELT/ACLED vocabularies are data (`data/exports.yaml`,
`data/countries.tsv`, `data/cameo_plover.tsv`), printed as tables in docs/exports.md. The CLI
(`flashpoint export`) and the API (`/api/exports/{format}`) both call `write_export`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import IO, TYPE_CHECKING, Any

from flashpoint import acled
from flashpoint.errors import UsageError
from flashpoint.model import Actor, Event, is_country_code
from flashpoint.resources import data_path, load_yaml
from flashpoint.store import EventFilter, Store

if TYPE_CHECKING:
    import pyarrow as pa

FORMATS: dict[str, str] = {
    "plover": "PLOVER JSON Lines, one event per line (PLOVER manual's data fields)",
    "csv": "CSV, one event per row (FLAT_COLUMNS)",
    "parquet": "Apache Parquet, the CSV's columns with types",
    "gdelt": "GDELT 2.0 event-table-style TSV, GDELT's 61 columns in GDELT's order",
    "acled": "ACLED-style CSV, ACLED's 31 columns; only event types ACLED records",
}
MEDIA_TYPES: dict[str, str] = {
    "plover": "application/x-ndjson",
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
    "gdelt": "text/tab-separated-values; charset=utf-8",
    "acled": "text/csv; charset=utf-8",
}
EXTENSIONS: dict[str, str] = {
    "plover": "jsonl",
    "csv": "csv",
    "parquet": "parquet",
    "gdelt": "tsv",
    "acled": "csv",
}
PLOVER_CODEBOOK = "plover-2.0-draft"
try:
    CODER = f"flashpoint {version('flashpoint')}"
except PackageNotFoundError:  # running from a source tree that is not installed
    CODER = "flashpoint"
BATCH = 2000  # events read from the store at a time

# The flat table (CSV and Parquet): one row per event; several actors are joined with "; ".
FLAT_COLUMNS: dict[str, str] = {
    "id": "string",
    "article_id": "string",
    "link_id": "string",
    "date": "date",
    "date_precision": "string",
    "event": "string",
    "mode": "string",
    "context": "string",
    "quad_code": "int",
    "event_scale": "float",
    "cameo_root": "string",
    "confidence": "float",
    "negated": "bool",
    "hypothetical": "bool",
    "future": "bool",
    "background": "bool",
    "section": "string",
    "actor_text": "string",
    "actor_name": "string",
    "actor_code": "string",
    "actor_sector": "string",
    "recipient_text": "string",
    "recipient_name": "string",
    "recipient_code": "string",
    "recipient_sector": "string",
    "place_text": "string",
    "place_name": "string",
    "place_country": "string",
    "place_admin1": "string",
    "latitude": "float",
    "longitude": "float",
    "place_precision": "int",
    "geonameid": "int",
    "dead": "int",
    "dead_low": "int",
    "dead_high": "int",
    "injured": "int",
    "injured_low": "int",
    "injured_high": "int",
    "arrested": "int",
    "abducted": "int",
    "displaced": "int",
    "claimed_by": "string",
    "quote_id": "string",
    "evidence": "string",
    "evidence_start": "int",
    "evidence_end": "int",
    "mentions": "int",
    "mention_spans": "string",
    "trigger": "string",
    "trigger_start": "int",
    "trigger_end": "int",
    "article_title": "string",
    "article_published": "string",
    "article_source": "string",
    "article_url": "string",
}

_ACTOR_FIELDS = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)
_GEO_FIELDS = (
    "Type",
    "FullName",
    "CountryCode",
    "ADM1Code",
    "ADM2Code",
    "Lat",
    "Long",
    "FeatureID",
)
# GDELT 2.0 event table, 61 columns, names as in GDELT's published header row.
GDELT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    *(f"Actor1{name}" for name in _ACTOR_FIELDS),
    *(f"Actor2{name}" for name in _ACTOR_FIELDS),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *(f"Actor1Geo_{name}" for name in _GEO_FIELDS),
    *(f"Actor2Geo_{name}" for name in _GEO_FIELDS),
    *(f"ActionGeo_{name}" for name in _GEO_FIELDS),
    "DATEADDED",
    "SOURCEURL",
)

# ACLED's 31 columns (2023 layout), in ACLED's order.
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)


@dataclass(frozen=True)
class Country:
    iso3: str
    iso2: str
    isonumeric: int
    fips: str
    name: str


@cache
def countries() -> dict[str, Country]:
    """ISO3 -> country (codes and name), from data/countries.tsv."""
    out: dict[str, Country] = {}
    with data_path("countries.tsv").open(encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        for row in rows:
            out[row["iso3"]] = Country(
                row["iso3"], row["iso2"], int(row["isonumeric"] or 0), row["fips"], row["name"]
            )
    return out


@cache
def mapping() -> dict[str, Any]:
    return load_yaml("exports.yaml")


@cache
def cameo_codes() -> dict[tuple[str, str], list[str]]:
    """(PLOVER type, mode) -> CAMEO codes, most general first, from cameo_plover.tsv."""
    table: dict[tuple[str, str], list[str]] = {}
    with data_path("cameo_plover.tsv").open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t"):
            table.setdefault((row["event"], row["mode"] or ""), []).append(row["cameo"])
    for codes in table.values():
        codes.sort(key=lambda code: (len(code), code))
    return table


# --- reading ---------------------------------------------------------------------------------


@dataclass
class ExportBatch:
    """Events with what the formats need from their articles."""

    events: list[Event]
    articles: dict[str, dict] = field(default_factory=dict)
    linked: dict[str, list[Event]] = field(default_factory=dict)


def iter_batches(
    store: Store, where: EventFilter, *, with_linked: bool = False
) -> Iterator[ExportBatch]:
    """The filtered events in pages of BATCH, honouring the filter's own limit/offset (keyset
    pagination: a steady rate whatever the size); `with_linked` reads every event's linked
    mentions too (the GDELT export counts them)."""
    for events in store.iter_events(where, BATCH):
        articles = store.article_stored_at([e.article_id for e in events])
        linked = {
            e.link_id: store.linked_events(e.link_id)
            for e in events
            if with_linked and e.link_id is not None
        }
        yield ExportBatch(events, articles, linked)


# --- PLOVER JSONL ----------------------------------------------------------------------------


def _plover_entity(actor: Actor) -> dict:
    return {
        "code": actor.code,
        "sector": actor.sector,
        "entity_text": actor.text,
        "identifier_text": actor.name,
        "start": actor.start,
        "end": actor.end,
    }


def plover_record(event: Event, article: dict | None) -> dict:
    """An event as a PLOVER record: the manual's fields, Flashpoint's extras under `flashpoint`."""
    article = article or {}
    loc = event.event_loc
    size = event.size
    record: dict[str, Any] = {
        "id": event.id,
        "has_event": True,
        "date": event.date.isoformat() if event.date else None,
        "event": [event.event],
        "mode": [event.mode] if event.mode else [],
        "context": list(event.context),
        "actor": [_plover_entity(a) for a in event.actor],
        "recipient": [_plover_entity(a) for a in event.recipient],
        "event_loc": (
            {
                "extracted_place": loc.text,
                "resolved_place": loc.name,
                "geonameid": loc.geonameid,
                "lat": loc.lat,
                "lon": loc.lon,
                "province": loc.admin1,
                "country_code": loc.country,
                "resolution": loc.precision,
            }
            if loc
            else None
        ),
        "event_text": [m.text for m in event.mentions] or [event.evidence.text],
        "quad_code": event.quad_code,
        "event_scale": event.event_scale,
        "size": (
            {"dead": size.dead, "injured": size.injured, "arrested": size.arrested}
            if size
            else None
        ),
        "link": event.link_id,
        "text_info": {
            "text_story": event.article_id,
            "start": event.evidence.start,
            "end": event.evidence.end,
        },
        "cite_info": {
            "url": article.get("url"),
            "title": article.get("title"),
            "publication": article.get("source"),
            "date": article.get("published"),
            "codebook": PLOVER_CODEBOOK,
        },
        "coder": CODER,
        "flashpoint": {
            "article_id": event.article_id,
            "date_precision": event.date_precision,
            "negated": event.negated,
            "hypothetical": event.hypothetical,
            "future": event.future,
            "background": event.background,
            "confidence": event.confidence,
            "cameo_root": event.cameo_root,
            "section": event.section,
            "trigger": event.trigger.model_dump() if event.trigger else None,
            "claimed_by": event.claimed_by.model_dump() if event.claimed_by else None,
            "quote_id": event.quote_id,
            "size": size.model_dump(exclude={"victims", "spans"}) if size else None,
        },
    }
    return record


# --- flat CSV / Parquet ----------------------------------------------------------------------


def _join(values: Iterable[str | None]) -> str | None:
    kept = [v for v in values if v]
    return "; ".join(kept) if kept else None


def flat_row(event: Event, article: dict | None) -> dict[str, Any]:
    article = article or {}
    loc = event.event_loc
    size = event.size
    row: dict[str, Any] = {
        "id": event.id,
        "article_id": event.article_id,
        "link_id": event.link_id,
        "date": event.date,
        "date_precision": event.date_precision,
        "event": event.event,
        "mode": event.mode,
        "context": _join(event.context),
        "quad_code": event.quad_code,
        "event_scale": event.event_scale,
        "cameo_root": event.cameo_root,
        "confidence": event.confidence,
        "negated": event.negated,
        "hypothetical": event.hypothetical,
        "future": event.future,
        "background": event.background,
        "section": event.section,
    }
    for side, actors in (("actor", event.actor), ("recipient", event.recipient)):
        row[f"{side}_text"] = _join(a.text for a in actors)
        row[f"{side}_name"] = _join(a.name for a in actors)
        row[f"{side}_code"] = _join(a.code for a in actors)
        row[f"{side}_sector"] = _join(a.sector for a in actors)
    row.update(
        place_text=loc.text if loc else None,
        place_name=loc.name if loc else None,
        place_country=loc.country if loc else None,
        place_admin1=loc.admin1 if loc else None,
        latitude=loc.lat if loc else None,
        longitude=loc.lon if loc else None,
        place_precision=loc.precision if loc else None,
        geonameid=loc.geonameid if loc else None,
    )
    for name in (
        "dead",
        "dead_low",
        "dead_high",
        "injured",
        "injured_low",
        "injured_high",
        "arrested",
        "abducted",
        "displaced",
    ):
        row[name] = getattr(size, name) if size else None
    row.update(
        claimed_by=(event.claimed_by.name or event.claimed_by.text) if event.claimed_by else None,
        quote_id=event.quote_id,
        evidence=event.evidence.text,
        evidence_start=event.evidence.start,
        evidence_end=event.evidence.end,
        mentions=len(event.mentions) or 1,
        mention_spans=" ".join(f"{m.start}-{m.end}" for m in event.mentions)
        or f"{event.evidence.start}-{event.evidence.end}",
        trigger=event.trigger.text if event.trigger else None,
        trigger_start=event.trigger.start if event.trigger else None,
        trigger_end=event.trigger.end if event.trigger else None,
        article_title=article.get("title"),
        article_published=article.get("published"),
        article_source=article.get("source"),
        article_url=article.get("url"),
    )
    return row


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# --- GDELT ------------------------------------------------------------------------------------


def gdelt_event_id(event_id: str) -> int:
    """A stable positive 60-bit integer for an event id (GDELT's ids are integers)."""
    return int(hashlib.sha1(event_id.encode("utf-8")).hexdigest()[:15], 16)


def cameo_code(event: Event) -> str:
    """The most general CAMEO code for the event's type and mode, agreeing with its root."""
    overrides = mapping()["gdelt"]["mode_codes"]
    if event.mode and f"{event.event}/{event.mode}" in overrides:
        return str(overrides[f"{event.event}/{event.mode}"])
    root = event.cameo_root or ""
    for mode in (event.mode or "", ""):
        for code in cameo_codes().get((event.event, mode), []):
            if len(code) >= 3 and code.startswith(root):
                return code
    return f"{root}0" if root else ""


def _gdelt_actor(actors: list[Actor]) -> dict[str, str]:
    """GDELT's actor fields from the first actor with a code (else the first actor)."""
    fields = dict.fromkeys(_ACTOR_FIELDS, "")
    if not actors:
        return fields
    actor = next((a for a in actors if a.code), actors[0])
    code = (actor.code or "").upper()
    sector = (actor.sector or "").upper()
    is_country = is_country_code(code)
    fields["Code"] = code + (sector if len(sector) == 3 else "")
    fields["Name"] = (actor.name or actor.text or "").upper()
    fields["CountryCode"] = code if is_country else ""
    fields["KnownGroupCode"] = code if code and not is_country else ""
    fields["Type1Code"] = sector[:3]
    fields["Type2Code"] = sector[3:6] if len(sector) == 6 else ""
    return fields


def _place_full_name(name: str | None, admin1: str | None, country: str | None) -> str:
    country_name = countries()[country].name if country in countries() else country
    parts = [p for p in (name, admin1, country_name) if p]
    deduped = [p for i, p in enumerate(parts) if p not in parts[:i]]
    return ", ".join(deduped)


def _gdelt_geo(event: Event) -> dict[str, Any]:
    fields: dict[str, Any] = dict.fromkeys(_GEO_FIELDS, "")
    loc = event.event_loc
    if loc is None or (loc.lat is None and loc.country is None):
        fields["Type"] = 0
        return fields
    country = countries().get(loc.country or "")
    types = mapping()["gdelt"]["geo_type_usa" if loc.country == "USA" else "geo_type"]
    fields["Type"] = types.get(loc.precision or 1, 1)
    fields["FullName"] = _place_full_name(loc.name or loc.text, loc.admin1, loc.country)
    fields["CountryCode"] = country.fips if country else ""
    # GDELT's ADM1 code is FIPS country + FIPS ADM1; without an ADM1 code it is the country.
    fields["ADM1Code"] = country.fips if country else ""
    fields["Lat"] = loc.lat if loc.lat is not None else ""
    fields["Long"] = loc.lon if loc.lon is not None else ""
    fields["FeatureID"] = loc.geonameid if loc.geonameid is not None else ""
    return fields


def _gdelt_date_added(stored_at: str | None) -> str:
    if not stored_at:
        return ""
    digits = "".join(ch for ch in stored_at if ch.isdigit())
    return digits[:14]


def gdelt_row(
    event: Event, article: dict | None, linked: list[Event] | None = None
) -> dict[str, Any]:
    """One event as a GDELT 2.0 event-table row. Linked mentions (same link_id) count in
    NumMentions/NumArticles, as GDELT counts the mentions of one event."""
    article = article or {}
    mentions = linked or [event]
    day = event.date
    if day is None and article.get("published"):
        day = dt.date.fromisoformat(str(article["published"])[:10])
    code = cameo_code(event)
    row: dict[str, Any] = {
        "GLOBALEVENTID": gdelt_event_id(event.link_id or event.id),
        "SQLDATE": day.strftime("%Y%m%d") if day else "",
        "MonthYear": day.strftime("%Y%m") if day else "",
        "Year": day.year if day else "",
        "FractionDate": round(day.year + (day.month * 30 + day.day) / 365, 4) if day else "",
    }
    for prefix, actors in (("Actor1", event.actor), ("Actor2", event.recipient)):
        row.update({f"{prefix}{k}": v for k, v in _gdelt_actor(actors).items()})
    row.update(
        {
            "IsRootEvent": int(event.section == "title" or _in_lead(event, article)),
            "EventCode": code,
            "EventBaseCode": code[:3],
            "EventRootCode": code[:2],
            "QuadClass": event.quad_code,
            "GoldsteinScale": event.event_scale,
            "NumMentions": len(mentions),
            "NumSources": len({m.article_id for m in mentions}),
            "NumArticles": len({m.article_id for m in mentions}),
            "AvgTone": "",
        }
    )
    for prefix in ("Actor1Geo_", "Actor2Geo_"):
        row.update({f"{prefix}{k}": ("" if k != "Type" else 0) for k in _GEO_FIELDS})
    row.update({f"ActionGeo_{k}": v for k, v in _gdelt_geo(event).items()})
    row["DATEADDED"] = _gdelt_date_added(article.get("stored_at"))
    row["SOURCEURL"] = (
        article.get("url") or article.get("source") or article.get("input_name") or ""
    )
    return row


def _in_lead(event: Event, article: dict) -> bool:
    """Whether the evidence sits in the first body paragraph (GDELT's IsRootEvent proxy)."""
    lead_end = article.get("lead_end")
    return lead_end is not None and event.evidence.start < lead_end


# --- ACLED ------------------------------------------------------------------------------------


def acled_types(event: Event) -> tuple[str, str, str] | None:
    """(disorder_type, event_type, sub_event_type), or None when ACLED has no such event.

    The event's own ACLED coding (stage acled: the ACLED typing model, or the mapping table
    when the model abstains); an event stored before that stage existed is typed now, the same
    way."""
    coded = event.acled if event.acled is not None else acled.code_event(event)
    if coded.sub_event_type is None:
        return None
    return coded.disorder_type or "", coded.event_type or "", coded.sub_event_type


def acled_types_of(
    event_type: str | None, mode: str | None, recipient_sectors: list[str | None]
) -> tuple[str, str, str] | None:
    """The mapping table's ACLED types for a PLOVER type, mode and recipients' sectors: the
    fallback when the ACLED typing model abstains or is unavailable (docs/exports.md)."""
    table = mapping()["acled"]["events"].get(event_type or "")
    if not table:
        return None
    row = table.get(mode or "_") or table.get("_")
    if not row:
        return None
    disorder, kind, sub = row
    if kind == "Battles" and _targets_civilians(recipient_sectors):
        return "Political violence", "Violence against civilians", "Attack"
    return disorder, kind, sub


def _targets_civilians(recipient_sectors: list[str | None]) -> bool:
    civilian = set(mapping()["acled"]["civilian_sectors"])
    return bool(recipient_sectors) and all(
        (sector or "")[:3] in civilian for sector in recipient_sectors
    )


def acled_type_names() -> tuple[str, ...]:
    """Every ACLED event_type and sub_event_type an event can be given (the model can give any
    of ACLED's 25 sub-event types), event types first."""
    return acled.acled_names()


def _country_name(code: str | None) -> str:
    if not code:
        return ""
    country = countries().get(code)
    return country.name if country else code


def acled_actor(actor: Actor | None) -> str:
    if actor is None:
        return ""
    template = mapping()["acled"]["actor_names"].get((actor.sector or "")[:3])
    if template and actor.code and actor.code in countries():
        return template.format(country=_country_name(actor.code))
    return actor.name or actor.text


def acled_inter(actor: Actor | None, event_country: str | None) -> str:
    if actor is None:
        return ""
    sector = (actor.sector or actor.code or "")[:3]
    kind = mapping()["acled"]["inter"].get(sector, "")
    if (
        kind == "State forces"
        and event_country
        and actor.code
        and actor.code in countries()
        and actor.code != event_country
    ):
        return "External/Other forces"
    return kind


def acled_interaction(inter1: str, inter2: str) -> str:
    order = mapping()["acled"]["inter_order"]
    kinds = sorted((k for k in (inter1, inter2) if k), key=order.index)
    if not kinds:
        return ""
    if len(kinds) == 1:
        return f"{kinds[0]} only"
    return "-".join(kinds)


def acled_row(event: Event, article: dict | None) -> dict[str, Any] | None:
    types = acled_types(event)
    if types is None:
        return None
    article = article or {}
    disorder, kind, sub = types
    loc = event.event_loc
    country_code = loc.country if loc else None
    country = countries().get(country_code or "")
    actor1 = event.actor[0] if event.actor else None
    actor2 = event.recipient[0] if event.recipient else None
    inter1 = acled_inter(actor1, country_code)
    inter2 = acled_inter(actor2, country_code)
    size = event.size
    if size is None or size.cumulative:
        fatalities = 0  # ACLED never records a campaign or period total as one event's toll
    else:  # ACLED takes the most conservative figure
        fatalities = next((v for v in (size.dead_low, size.dead) if v is not None), 0)
    day = event.date
    acled = mapping()["acled"]
    timestamp = ""
    if article.get("stored_at"):
        stored = dt.datetime.fromisoformat(str(article["stored_at"]).replace("Z", "+00:00"))
        timestamp = int(stored.timestamp())
    civilians_targeted = kind == "Violence against civilians" or (
        disorder == "Political violence" and _targets_civilians([a.sector for a in event.recipient])
    )
    return {
        "event_id_cnty": f"{country_code or 'XXX'}-{event.id}",
        "event_date": day.isoformat() if day else "",
        "year": day.year if day else "",
        "time_precision": acled["time_precision"].get(event.date_precision or "published", 3),
        "disorder_type": disorder,
        "event_type": kind,
        "sub_event_type": sub,
        "actor1": acled_actor(actor1),
        "assoc_actor_1": "; ".join(acled_actor(a) for a in event.actor[1:]),
        "inter1": inter1,
        "actor2": acled_actor(actor2),
        "assoc_actor_2": "; ".join(acled_actor(a) for a in event.recipient[1:]),
        "inter2": inter2,
        "interaction": acled_interaction(inter1, inter2),
        "civilian_targeting": "Civilians targeted" if civilians_targeted else "",
        "iso": country.isonumeric if country else "",
        "region": "",
        "country": country.name if country else (country_code or ""),
        "admin1": (loc.admin1 or "") if loc else "",
        "admin2": "",
        "admin3": "",
        "location": (loc.name or loc.text or "") if loc else "",
        "latitude": round(loc.lat, 4) if loc and loc.lat is not None else "",
        "longitude": round(loc.lon, 4) if loc and loc.lon is not None else "",
        "geo_precision": (
            # a sea or strait (no precision code) is a region: ACLED's 3
            acled["geo_precision"].get(loc.precision, 3)
            if loc and loc.precision
            else 3
            if loc
            else ""
        ),
        "source": article.get("source") or article.get("url") or "",
        "source_scale": "",
        "notes": event.evidence.text,
        "fatalities": fatalities,
        "tags": "",
        "timestamp": timestamp,
    }


# --- writing ----------------------------------------------------------------------------------


def _lead_ends(batch: ExportBatch, store: Store) -> None:
    """Mark where each article's first body paragraph ends (for GDELT's IsRootEvent)."""
    for article_id, meta in batch.articles.items():
        if "lead_end" in meta:
            continue
        article = store.article(article_id)
        body = article.parts_of("body") if article else []
        meta["lead_end"] = body[0].end if body else None


# --- spreadsheet formulas ---------------------------------------------------------------------

# A text cell starting with one of these is read as a formula by Excel, LibreOffice and Google
# Sheets (CSV injection: OWASP's list).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
SPREADSHEET_FORMATS = frozenset({"csv", "gdelt", "acled"})
_PLAIN_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def neutralise_formula(value: Any) -> Any:
    """A text cell that a spreadsheet would evaluate gets a leading single quote (as OWASP
    recommends), so that it is shown as text. Numbers are not text and are left as they are
    (a longitude of -3.2 stays -3.2), as is text that is a plain number."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_LEADS)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def write_export(
    store: Store, where: EventFilter, fmt: str, out: IO[bytes], escape_formulas: bool = True
) -> int:
    """Write the filtered events in `fmt` to a binary stream; returns the number of rows.

    In the formats meant for spreadsheets (CSV, GDELT TSV, ACLED CSV), text cells that would
    run as formulas are neutralised unless `escape_formulas` is False (for programs that read
    the files and want every value verbatim)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    if fmt == "parquet":
        return _write_parquet(store, where, out)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        if fmt == "csv" and hasattr(store, "iter_event_rows"):  # a SQLite store
            from flashpoint.export_fast import write_flat_csv

            return write_flat_csv(
                store, where, text, neutralise_formula if escape_formulas else None
            )
        return _write_text(store, where, fmt, text, escape_formulas)
    finally:
        text.flush()
        text.detach()


def _write_text(
    store: Store, where: EventFilter, fmt: str, out: IO[str], escape_formulas: bool = True
) -> int:
    count = 0
    if fmt == "plover":
        for batch in iter_batches(store, where):
            for event in batch.events:
                record = plover_record(event, batch.articles.get(event.article_id))
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
        return count
    columns = {"csv": tuple(FLAT_COLUMNS), "gdelt": GDELT_COLUMNS, "acled": ACLED_COLUMNS}[fmt]
    writer = csv.DictWriter(
        out,
        fieldnames=columns,
        delimiter="\t" if fmt == "gdelt" else ",",
        lineterminator="\n",
        quoting=csv.QUOTE_MINIMAL,
        extrasaction="raise",
    )
    writer.writeheader()
    seen_links: set[str] = set()
    for batch in iter_batches(store, where, with_linked=fmt == "gdelt"):
        if fmt == "gdelt":
            _lead_ends(batch, store)
        for event in batch.events:
            article = batch.articles.get(event.article_id)
            if fmt == "csv":
                row: dict[str, Any] | None = flat_row(event, article)
            elif fmt == "gdelt":
                # One row per event: the mentions of a linked event share one row.
                if event.link_id is not None:
                    if event.link_id in seen_links:
                        continue
                    seen_links.add(event.link_id)
                row = gdelt_row(event, article, batch.linked.get(event.link_id or ""))
                row = {k: _tsv_value(v) for k, v in row.items()}
            else:
                row = acled_row(event, article)
            if row is None:
                continue
            if escape_formulas:
                row = {k: neutralise_formula(v) for k, v in row.items()}
            writer.writerow({k: _csv_value(v) for k, v in row.items()})
            count += 1
    return count


def _tsv_value(value: Any) -> Any:
    """GDELT files are tab-separated with no quoting: tabs and newlines become spaces."""
    if isinstance(value, str):
        return " ".join(value.split())
    return value


def arrow_schema(columns: dict[str, str]) -> pa.Schema:
    """A pyarrow schema for a flat table's columns (FLAT_COLUMNS and the like)."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "datetime": pa.timestamp("us"),
    }
    return pa.schema([(name, types[kind]) for name, kind in columns.items()])


def flat_table(events: Iterable[Event], articles: dict[str, dict]) -> pa.Table:
    """Events as the CSV/Parquet export's flat table (FLAT_COLUMNS, typed), in memory."""
    import pyarrow as pa

    rows = [flat_row(e, articles.get(e.article_id)) for e in events]
    return pa.Table.from_pylist(rows, schema=arrow_schema(FLAT_COLUMNS))


def _write_parquet(store: Store, where: EventFilter, out: IO[bytes]) -> int:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow is a dependency
        raise UsageError("the parquet export needs pyarrow: pip install pyarrow") from exc
    schema = arrow_schema(FLAT_COLUMNS)
    count = 0
    with pq.ParquetWriter(out, schema) as writer:
        for batch in iter_batches(store, where):
            writer.write_table(flat_table(batch.events, batch.articles))
            count += len(batch.events)
    return count
