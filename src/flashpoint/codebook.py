"""The codebook (docs/codebook.md): the tables that can be generated are generated here, from
the same data files and column lists the code uses, so that they cannot drift.

    python -m flashpoint.codebook            # rewrite the generated parts of docs/codebook.md
    python -m flashpoint.codebook --check    # exit 1 if docs/codebook.md is out of date

docs/codebook.md holds hand-written prose and, between `<!-- BEGIN GENERATED: name -->` and
`<!-- END GENERATED: name -->` markers, the sections `render()` returns. Every exported column
and every JSON field needs a description below: a column without one is an error (and a test
fails), so a new column cannot ship undocumented. The packaged copy
(`web/static/codebook.md`) is what `flashpoint serve` shows at `/codebook`.
"""

from __future__ import annotations

import csv
import re
import sys
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from flashpoint import export
from flashpoint.actor_dictionary import SECTORS
from flashpoint.model import (
    NON_COUNTRY_CODES,
    AcledCoding,
    Actor,
    Article,
    ArticleResult,
    Entity,
    Event,
    Part,
    Place,
    Quote,
    Size,
    Span,
)
from flashpoint.resources import data_path, load_yaml

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "codebook.md"
PACKAGED = Path(__file__).resolve().parent / "web" / "static" / "codebook.md"
BEGIN = "<!-- BEGIN GENERATED: {name} -->"
END = "<!-- END GENERATED: {name} -->"


class CodebookError(Exception):
    """A column, field or code has no description."""


# --- descriptions -----------------------------------------------------------------------------

QUADS = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}

# PLOVER sectors (PLOVER manual draft v2.0 and the Phoenix/NGEC dictionaries).
SECTOR_NAMES: dict[str, str] = {
    "GOV": "government: executive, ministers, officials, the state itself",
    "MIL": "military: armed forces, soldiers, defence ministry",
    "COP": "police and other internal security forces",
    "SPY": "intelligence services",
    "JUD": "judiciary: courts, judges, prosecutors",
    "LEG": "legislature: parliament, members of parliament",
    "PTY": "political party",
    "OPP": "political opposition (often a secondary sector: GOVOPP)",
    "ELI": "elites: former officials, prominent individuals",
    "PRE": "unrecognised or partially recognised state, breakaway region (Abkhazia, Transnistria)",
    "REB": "rebels, armed opposition, insurgents",
    "INS": "insurgents (ACLED mapping: Rebel group)",
    "SEP": "separatists (ACLED mapping: Rebel group)",
    "PRM": "paramilitaries and pro-government militias",
    "UAF": "unidentified armed forces: gunmen, attackers not named",
    "CRM": "criminals, gangs, cartels",
    "CVL": "civilians: residents, villagers, the public",
    "REF": "refugees and displaced persons",
    "JRN": "journalists and the media",
    "MED": "medical workers and health bodies",
    "EDU": "education: students, teachers, universities",
    "REL": "religious figures and bodies",
    "LAB": "labour: unions, workers",
    "AGR": "agriculture: farmers",
    "BUS": "business: companies, traders",
    "SOC": "social and civil-society groups, activists",
    "NGO": "non-governmental organisation",
    "IGO": "intergovernmental organisation (as a sector)",
    "UNO": "United Nations body (as a sector)",
    "IMG": "international militarised group",
    "UNK": "unknown sector",
}

# Actor codes that are not ISO3 countries (model.NON_COUNTRY_CODES).
ENTITY_CODES: dict[str, str] = {
    "IGO": "intergovernmental organisation (NATO, the African Union, OPEC...)",
    "UNO": "the United Nations and its agencies",
    "EUR": "Europe / the European Union",
    "NGO": "non-governmental organisation (Oxfam, the Red Cross...)",
    "IMG": "international militarised group (al-Qaeda, Islamic State...)",
    "MNC": "multinational company",
    "ISM": "Islamic movement without a country",
    "AFR": "Africa (the region)",
    "ASA": "Asia (the region)",
}

# Contexts: the rules' `context:` (event_rules.yaml) and those a mode implies
# (stages/events.py: the cyber and misinformation modes add their own context).
CONTEXT_NAMES: dict[str, str] = {
    "economic": "trade, investment and other economic relations",
    "legal": "courts, legal proceedings and legal cooperation",
    "cyber": "cyber operations (implied by COERCE/cyber)",
    "misinformation": "disinformation campaigns (implied by COERCE/misinformation)",
}
MODE_CONTEXTS = ("cyber", "misinformation")

PLACE_PRECISION: dict[int, str] = {
    1: "country: the place is a whole country; latitude/longitude are a conventional point "
    "for it, not where the event happened",
    2: "admin1: a province, state or governorate; the point is the unit's, not the event's",
    3: "district (admin2) or a named region inside a country",
    4: "city or town",
    5: "sub-city: a neighbourhood, street, site or building (placed at its town's point "
    "when the gazetteer has no point of its own)",
}
DATE_PRECISION: dict[str, str] = {
    "day": "the text gives the day (a date, a weekday, 'yesterday', resolved against the "
    "publication date)",
    "week": "the text gives a week or a weekend ('last week'); `date` is its Monday",
    "month": "the text gives a month ('in March'); `date` is the month's first day",
    "year": "the text gives a year or a season ('in 2003', 'last summer'); `date` is the "
    "period's first day",
    "published": "the text gives no time: the publication date stands in. Never a day-precise "
    "date; leave these out of daily series. (Background events get no date instead; an "
    "event dated only by a decade keeps none)",
}
FLAGS: dict[str, str] = {
    "negated": "the text says it did not happen ('did not attack')",
    "hypothetical": "conditional or possible ('could strike', 'if they attack')",
    "future": "announced or planned, not yet happened ('will visit')",
    "background": "an earlier event the article recalls as context (often years before "
    "publication), not the news it reports",
    "subordinate": "JSON only: stated in a subordinate clause, not as the sentence's main "
    "assertion",
}

FLAT: dict[str, str] = {
    "id": "event id (17 characters, the first six shared by the events of one article;"
    " `flashpoint show` takes a unique prefix)",
    "article_id": "id of the article that reports it (hash of its normalised text)",
    "link_id": "cross-article event this record belongs to (same real-world event in "
    "several articles); empty when only one article reports it",
    "date": "the event's date (YYYY-MM-DD); read with `date_precision`",
    "date_precision": "day, week, month, year or published (see Precision codes)",
    "event": "PLOVER event type (see PLOVER types)",
    "mode": "PLOVER mode of the type, or empty",
    "context": "PLOVER contexts, joined with '; '",
    "quad_code": "PLOVER quad class: 1 verbal cooperation, 2 material cooperation, 3 verbal "
    "conflict, 4 material conflict",
    "event_scale": "PLOVER conflict-cooperation score of the type/mode (-10..10, Goldstein-like)",
    "cameo_root": "CAMEO root code (2 digits) of the type",
    "confidence": "0..1: the record screen's probability that the record is an incident an "
    "analyst codes (learned from articles coded for the project; the rule's own confidence "
    "when the screen is off)",
    "negated": "flag (see Flags)",
    "hypothetical": "flag (see Flags)",
    "future": "flag (see Flags)",
    "background": "flag (see Flags)",
    "section": "article part the evidence is in: title, body, caption...",
    "actor_text": "the actors (initiators) as written, joined with '; '",
    "actor_name": "their resolved names",
    "actor_code": "their codes: ISO3 country or entity code (see Actor codes)",
    "actor_sector": "their PLOVER sectors (see Sectors)",
    "recipient_text": "the recipients (targets) as written, joined with '; '",
    "recipient_name": "their resolved names",
    "recipient_code": "their codes",
    "recipient_sector": "their sectors",
    "place_text": "the place as written",
    "place_name": "the gazetteer's name for it",
    "place_country": "ISO3 code of the place's country",
    "place_admin1": "its province/state name",
    "latitude": "the place's latitude (WGS84); at precision 1-2 the unit's point",
    "longitude": "the place's longitude",
    "place_precision": "1 country .. 5 sub-city (see Precision codes)",
    "geonameid": "GeoNames id of the place, when it has one",
    "dead": "people killed (best figure)",
    "dead_low": "lowest figure of killed the text gives",
    "dead_high": "highest figure of killed",
    "injured": "people injured (best figure)",
    "injured_low": "lowest figure of injured",
    "injured_high": "highest figure of injured",
    "arrested": "people arrested",
    "abducted": "people abducted",
    "displaced": "people displaced",
    "claimed_by": "who says so, when the event is reported speech",
    "quote_id": "the quote the event is stated in (see `flashpoint quotes`)",
    "evidence": "the sentence that codes the event",
    "evidence_start": "its start offset (characters) in the article text",
    "evidence_end": "its end offset",
    "mentions": "how many sentences of the article report this incident (1 or more)",
    "mention_spans": "their offsets, 'start-end' separated by spaces",
    "trigger": "the word(s) that express the event",
    "trigger_start": "the trigger's start offset",
    "trigger_end": "the trigger's end offset",
    "article_title": "the article's title",
    "article_published": "its publication time (ISO 8601)",
    "article_source": "its outlet or feed",
    "article_url": "its URL",
}

PLOVER_FIELDS: dict[str, str] = {
    "id": "event id (the CSV's `id`)",
    "has_event": "always true (PLOVER's field for sentences with no event)",
    "date": "event date (YYYY-MM-DD), see `flashpoint.date_precision`",
    "event": "[PLOVER type] (a list of one)",
    "mode": "[mode] or []",
    "context": "contexts",
    "actor": "the initiators, as entity objects",
    "actor[].code": "ISO3 country or entity code",
    "actor[].sector": "PLOVER sector",
    "actor[].entity_text": "the mention as written",
    "actor[].identifier_text": "the resolved name",
    "actor[].start": "mention start offset in the article text",
    "actor[].end": "mention end offset",
    "recipient": "the targets, as entity objects (same fields as `actor[]`)",
    "recipient[].code": "as actor[].code",
    "recipient[].sector": "as actor[].sector",
    "recipient[].entity_text": "as actor[].entity_text",
    "recipient[].identifier_text": "as actor[].identifier_text",
    "recipient[].start": "as actor[].start",
    "recipient[].end": "as actor[].end",
    "event_loc": "where, or null",
    "event_loc.extracted_place": "the place as written (CSV place_text)",
    "event_loc.resolved_place": "gazetteer name (place_name)",
    "event_loc.geonameid": "GeoNames id",
    "event_loc.lat": "latitude",
    "event_loc.lon": "longitude",
    "event_loc.province": "admin1 name",
    "event_loc.country_code": "ISO3",
    "event_loc.resolution": "place precision, 1 country .. 5 sub-city",
    "event_text": "every sentence that reports the incident (the first is the evidence)",
    "quad_code": "quad class 1-4",
    "event_scale": "conflict-cooperation score",
    "size": "toll, or null",
    "size.dead": "killed",
    "size.injured": "injured",
    "size.arrested": "arrested",
    "link": "cross-article event id (CSV link_id)",
    "text_info": "where the evidence is",
    "text_info.text_story": "article id",
    "text_info.start": "evidence start offset",
    "text_info.end": "evidence end offset",
    "cite_info": "the source article",
    "cite_info.url": "URL",
    "cite_info.title": "title",
    "cite_info.publication": "outlet",
    "cite_info.date": "publication time",
    "cite_info.codebook": "the PLOVER version coded to",
    "coder": "'flashpoint VERSION'",
    "flashpoint": "Flashpoint's extra fields (below)",
    "flashpoint.article_id": "article id",
    "flashpoint.date_precision": "day, week, month, year or published",
    "flashpoint.negated": "flag",
    "flashpoint.hypothetical": "flag",
    "flashpoint.future": "flag",
    "flashpoint.background": "flag",
    "flashpoint.confidence": "0..1",
    "flashpoint.cameo_root": "CAMEO root",
    "flashpoint.section": "article part",
    "flashpoint.trigger": "the trigger span {text, start, end}",
    "flashpoint.trigger.text": "trigger word(s)",
    "flashpoint.trigger.start": "start offset",
    "flashpoint.trigger.end": "end offset",
    "flashpoint.claimed_by": "who says so (an actor object as in the JSON), or null",
    "flashpoint.quote_id": "quote id",
    "flashpoint.size": "the full toll: the CSV's dead..displaced and `cumulative`",
    "flashpoint.size.dead": "killed",
    "flashpoint.size.dead_low": "lowest figure of killed",
    "flashpoint.size.dead_high": "highest figure of killed",
    "flashpoint.size.injured": "injured",
    "flashpoint.size.injured_low": "lowest injured",
    "flashpoint.size.injured_high": "highest injured",
    "flashpoint.size.arrested": "arrested",
    "flashpoint.size.abducted": "abducted",
    "flashpoint.size.displaced": "displaced",
    "flashpoint.size.cumulative": "true when the counts are a period's or campaign's total",
}

_GDELT_ACTOR: dict[str, str] = {
    "Code": "actor code + 3-letter sector ('IRQREB'), from the first {side} with a code",
    "Name": "the {side}'s name, upper case",
    "CountryCode": "ISO3 when the code is a country",
    "KnownGroupCode": "the entity code when it is not a country (IGO, UNO, NGO...)",
    "EthnicCode": "empty (not coded)",
    "Religion1Code": "empty (not coded)",
    "Religion2Code": "empty (not coded)",
    "Type1Code": "the {side}'s PLOVER sector",
    "Type2Code": "a secondary sector (6-letter sectors such as GOVOPP), else empty",
    "Type3Code": "empty",
}
_GDELT_GEO: dict[str, str] = {
    "Type": "{geo}: 0 none, 1 country, 2 US state, 3 US city, 4 world city, 5 world state "
    "(from place precision)",
    "FullName": "{geo}: place, admin1, country",
    "CountryCode": "{geo}: FIPS 10-4 country code",
    "ADM1Code": "{geo}: FIPS country code (no ADM1 code is kept)",
    "ADM2Code": "{geo}: empty",
    "Lat": "{geo}: latitude",
    "Long": "{geo}: longitude",
    "FeatureID": "{geo}: GeoNames id",
}
GDELT: dict[str, str] = {
    "GLOBALEVENTID": "a stable 60-bit integer from the link id (or event id)",
    "SQLDATE": "YYYYMMDD: the event date, else the publication date",
    "MonthYear": "YYYYMM",
    "Year": "YYYY",
    "FractionDate": "year + (month*30 + day)/365, as GDELT",
    **{f"Actor1{k}": v.format(side="actor") for k, v in _GDELT_ACTOR.items()},
    **{f"Actor2{k}": v.format(side="recipient") for k, v in _GDELT_ACTOR.items()},
    "IsRootEvent": "1 when the evidence is in the title or the first body paragraph",
    "EventCode": "CAMEO code of the type and mode (data/cameo_plover.tsv, exports.yaml)",
    "EventBaseCode": "its first 3 digits",
    "EventRootCode": "its first 2 digits",
    "QuadClass": "quad class 1-4 (PLOVER's, which agrees with CAMEO's)",
    "GoldsteinScale": "PLOVER event_scale (not CAMEO's Goldstein value)",
    "NumMentions": "event mentions of the linked event in the store",
    "NumSources": "articles reporting it (no outlet resolution: same as NumArticles)",
    "NumArticles": "articles reporting it",
    "AvgTone": "empty (tone is not coded)",
    **{f"Actor1Geo_{k}": "empty (actor places are not coded); Type 0" for k in _GDELT_GEO},
    **{f"Actor2Geo_{k}": "empty (actor places are not coded); Type 0" for k in _GDELT_GEO},
    **{f"ActionGeo_{k}": v.format(geo="event place") for k, v in _GDELT_GEO.items()},
    "DATEADDED": "when the article was stored, YYYYMMDDHHMMSS",
    "SOURCEURL": "the article's URL (else its source or file name)",
}

ACLED: dict[str, str] = {
    "event_id_cnty": "ISO3 of the place + '-' + event id ('XXX-' when no country)",
    "event_date": "YYYY-MM-DD",
    "year": "YYYY",
    "time_precision": "1 day, 2 week, 3 month or less precise (date_precision mapped)",
    "disorder_type": "ACLED disorder type of the sub-event type (data/acled_types.yaml)",
    "event_type": "ACLED event type of the sub-event type",
    "sub_event_type": "ACLED sub-event type: the ACLED typing model's, the mapping table's "
    "(exports.yaml) when the model is unsure; events typed none are left out",
    "actor1": "first actor, ACLED-style name ('Military Forces of Iraq')",
    "assoc_actor_1": "the other actors, '; '",
    "inter1": "ACLED actor type of actor1 (from its sector)",
    "actor2": "first recipient",
    "assoc_actor_2": "the other recipients",
    "inter2": "ACLED actor type of actor2",
    "interaction": "'inter1-inter2' in ACLED's order ('State forces-Civilians')",
    "civilian_targeting": "'Civilians targeted' when every recipient is civilian",
    "iso": "ISO 3166 numeric country code",
    "region": "empty (not coded)",
    "country": "country name",
    "admin1": "province/state",
    "admin2": "empty",
    "admin3": "empty",
    "location": "place name",
    "latitude": "latitude, 4 decimals",
    "longitude": "longitude, 4 decimals",
    "geo_precision": "1 town, 2 near a town/district, 3 region or country",
    "source": "the article's outlet (else URL)",
    "source_scale": "empty",
    "notes": "the evidence sentence",
    "fatalities": "the lowest stated figure of killed; 0 when none or when the figure is a "
    "period's total (cumulative)",
    "tags": "empty",
    "timestamp": "when the article was stored (Unix seconds)",
}

# JSON fields with no pydantic description of their own.
JSON_FIELDS: dict[str, str] = {
    "Article.title": "headline",
    "Article.category": "section or category the page gives",
    "Article.published": "publication time (ISO 8601)",
    "Article.url": "the article's URL",
    "Article.language": "detected language (ISO 639-1)",
    "Article.status": "coded, skipped (not English...), duplicate (a repost) or failed",
    "Article.status_reason": "why it was skipped or failed",
    "Article.parts": "the labelled regions of the text (title, dateline, body, caption...)",
    "Article.cluster_id": "the repost cluster it belongs to",
    "Article.duplicate_of": "the article it reposts",
    "Article.text": "the article as read (dropped from `run --json`; the API's article has it)",
    "Part.kind": "title, category, dateline, body, caption, credit or boilerplate",
    "Part.start": "start offset",
    "Part.end": "end offset",
    "Span.text": "the text",
    "Span.start": "start offset in Article.text",
    "Span.end": "end offset",
    "Actor.text": "the mention as written",
    "Actor.start": "start offset",
    "Actor.end": "end offset",
    "Entity.text": "the mention",
    "Entity.label": "spaCy NER label (PERSON, ORG, GPE...)",
    "Entity.start": "start offset",
    "Entity.end": "end offset",
    "Entity.name": "resolved name",
    "Entity.code": "resolved code",
    "Entity.sector": "resolved sector",
    "Place.text": "the place as written",
    "Place.name": "gazetteer name",
    "Place.lat": "latitude",
    "Place.lon": "longitude",
    "Place.admin1": "province/state name",
    "Place.geonameid": "GeoNames id",
    "Place.start": "start offset of the place mention",
    "Place.end": "end offset",
    "Size.dead": "killed (best figure)",
    "Size.dead_low": "lowest figure",
    "Size.dead_high": "highest figure",
    "Size.injured": "injured",
    "Size.injured_low": "lowest figure",
    "Size.injured_high": "highest figure",
    "Size.arrested": "arrested",
    "Size.abducted": "abducted",
    "Size.displaced": "displaced",
    "Event.id": "event id",
    "Event.article_id": "article id",
    "Event.mode": "PLOVER mode",
    "Event.context": "PLOVER contexts",
    "Event.actor": "initiators",
    "Event.recipient": "targets",
    "Event.date": "event date",
    "Event.date_span": "where the date is in the text",
    "Event.event_loc": "where (a Place)",
    "Event.size": "toll (a Size)",
    "Event.negated": FLAGS["negated"],
    "Event.hypothetical": FLAGS["hypothetical"],
    "Event.future": FLAGS["future"],
    "Event.background": FLAGS["background"],
    "Event.quad_code": "quad class 1-4",
    "Event.event_scale": "conflict-cooperation score",
    "Event.cameo_root": "CAMEO root code",
    "Event.confidence": "0..1",
    "Event.section": "article part of the evidence",
    "Event.quote_id": "the quote the event is stated in",
    "Quote.id": "quote id",
    "Quote.article_id": "article id",
    "Quote.text": "the quoted words",
    "Quote.start": "start offset",
    "Quote.end": "end offset",
    "Quote.kind": "direct, indirect or partial",
    "Quote.speaker": "who speaks (an Actor)",
    "Quote.cue": "the speech verb ('said')",
    "Quote.medium": "how it was said (statement, interview, post...)",
    "Quote.event_ids": "events stated in the quote",
    "ArticleResult.article": "the article (an Article)",
    "ArticleResult.events": "its events",
    "ArticleResult.quotes": "its quotes",
    "ArticleResult.entities": "the named entities it mentions",
}
JSON_MODELS: tuple[type[BaseModel], ...] = (
    ArticleResult,
    Article,
    Part,
    Event,
    AcledCoding,
    Actor,
    Place,
    Size,
    Span,
    Quote,
    Entity,
)


# --- what the code exports --------------------------------------------------------------------


def _sample_event() -> Event:
    """An event with every optional part set, so that every exported key shows."""
    span = Span(text="x", start=0, end=1)
    actor = Actor(text="x", start=0, end=1, name="X", code="IRQ", sector="GOV")
    return Event(
        id="e",
        article_id="a",
        event="ASSAULT",
        quad_code=4,
        event_scale=-9.0,
        confidence=1.0,
        evidence=span,
        trigger=span,
        actor=[actor],
        recipient=[actor],
        claimed_by=actor,
        event_loc=Place(text="x"),
        size=Size(),
    )


def _paths(value: Any, prefix: str = "") -> list[str]:
    out: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            path = f"{prefix}.{key}" if prefix else key
            out.append(path)
            out.extend(_paths(inner, path))
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        out.extend(_paths(value[0], prefix + "[]"))
    return out


def plover_paths() -> list[str]:
    """Every key of a PLOVER JSONL record, as dotted paths (`actor[].code`)."""
    paths = _paths(export.plover_record(_sample_event(), {}))
    # claimed_by is a whole Actor (documented with the JSON), not PLOVER fields of its own.
    return [p for p in paths if not p.startswith("flashpoint.claimed_by.")]


def exported_columns() -> dict[str, list[str]]:
    """Each export's columns (PLOVER: key paths), as the code writes them."""
    return {
        "plover": plover_paths(),
        "csv": list(export.FLAT_COLUMNS),
        "gdelt": list(export.GDELT_COLUMNS),
        "acled": list(export.ACLED_COLUMNS),
    }


def json_fields() -> dict[str, list[str]]:
    return {model.__name__: list(model.model_fields) for model in JSON_MODELS}


def sectors_in_data() -> set[str]:
    """Every sector code the actor data and the export mapping use."""
    found = set(SECTORS)
    for name in ("actors_phoenix.tsv", "agents.tsv"):
        with data_path(name).open(encoding="utf-8") as handle:
            rows = csv.DictReader((x for x in handle if not x.startswith("#")), delimiter="\t")
            for row in rows:
                for key in ("sector", "secondary"):
                    value = (row.get(key) or "").strip()
                    if re.fullmatch(r"[A-Z]{3}", value):
                        found.add(value)
    for name in ("actors_curated.yaml", "office_holders.yaml", "organisations.yaml"):
        text = data_path(name).read_text(encoding="utf-8")
        found.update(re.findall(r"\bsector: *([A-Z]{3})\b", text))
    found.update(export.mapping()["acled"]["inter"])
    found.update(export.mapping()["acled"]["civilian_sectors"])
    return found


def contexts_in_data() -> set[str]:
    rules = load_yaml("event_rules.yaml")
    found: set[str] = set(MODE_CONTEXTS)

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key == "context":
                    found.update(inner if isinstance(inner, list) else [inner])
                else:
                    walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(rules)
    return found


# --- rendering --------------------------------------------------------------------------------


def _need(table: dict[str, str], key: str, what: str) -> str:
    if key not in table:
        raise CodebookError(f"codebook: no description for {what} {key!r} (flashpoint/codebook.py)")
    return table[key]


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        names = [_type_name(a) for a in args if a is not type(None)]
        return " \\| ".join(names) + (" or null" if type(None) in args else "")
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is typing.Literal:
        return "one of " + ", ".join(str(a) for a in args)
    if isinstance(annotation, type):
        return {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}.get(
            annotation.__name__, annotation.__name__
        )
    return str(annotation)


def render_plover() -> str:
    rows = [(f"`{p}`", _need(PLOVER_FIELDS, p, "PLOVER key")) for p in plover_paths()]
    return _table(("key", "meaning"), rows)


def render_csv() -> str:
    rows = [
        (f"`{name}`", kind, _need(FLAT, name, "CSV column"))
        for name, kind in export.FLAT_COLUMNS.items()
    ]
    return _table(("column", "type", "meaning"), rows)


def render_gdelt() -> str:
    rows = [
        (i + 1, f"`{name}`", _need(GDELT, name, "GDELT column"))
        for i, name in enumerate(export.GDELT_COLUMNS)
    ]
    return _table(("#", "column", "meaning"), rows)


def render_acled() -> str:
    rows = [
        (i + 1, f"`{name}`", _need(ACLED, name, "ACLED column"))
        for i, name in enumerate(export.ACLED_COLUMNS)
    ]
    return _table(("#", "column", "meaning"), rows)


def render_json() -> str:
    parts: list[str] = []
    for model in JSON_MODELS:
        rows = []
        for name, info in model.model_fields.items():
            text = info.description or _need(JSON_FIELDS, f"{model.__name__}.{name}", "field")
            rows.append((f"`{name}`", _type_name(info.annotation), text))
        parts.append(f"**{model.__name__}**\n\n" + _table(("field", "type", "meaning"), rows))
    return "\n\n".join(parts)


def render_types() -> str:
    plover = load_yaml("plover.yaml")["types"]
    acled = export.mapping()["acled"]["events"]
    rows = []
    for name, spec in plover.items():
        modes = ", ".join(f"{m} ({s:+g})" for m, s in spec["modes"].items()) or "-"
        acled_modes = acled.get(name)
        in_acled = (
            "; ".join(f"{m}: {row[1]} / {row[2]}" for m, row in acled_modes.items())
            if acled_modes
            else "not exported"
        )
        rows.append(
            (
                f"`{name}`",
                f"{spec['quad']} ({QUADS[spec['quad']]})",
                f"{spec['score']:+g}",
                ", ".join(spec["cameo_roots"]),
                modes,
                in_acled,
            )
        )
    return _table(
        (
            "type",
            "quad class",
            "scale",
            "CAMEO roots",
            "modes (scale)",
            "ACLED row (`_`: any other mode)",
        ),
        rows,
    )


def render_contexts() -> str:
    rows = [(f"`{c}`", _need(CONTEXT_NAMES, c, "context")) for c in sorted(contexts_in_data())]
    return _table(("context", "meaning"), rows)


def render_sectors() -> str:
    inter = export.mapping()["acled"]["inter"]
    civilian = set(export.mapping()["acled"]["civilian_sectors"])
    rows = [
        (
            f"`{s}`",
            _need(SECTOR_NAMES, s, "sector"),
            inter.get(s, "-"),
            "yes" if s in civilian else "",
        )
        for s in sorted(sectors_in_data())
    ]
    return _table(("sector", "meaning", "ACLED inter", "civilian"), rows)


def render_codes() -> str:
    rows = [(f"`{c}`", _need(ENTITY_CODES, c, "actor code")) for c in sorted(NON_COUNTRY_CODES)]
    return _table(("code", "meaning"), rows)


def render_precision() -> str:
    acled = export.mapping()["acled"]
    gdelt = export.mapping()["gdelt"]
    place = _table(
        ("place_precision", "meaning", "ACLED geo_precision", "GDELT geo type (US)"),
        [
            (
                p,
                text,
                acled["geo_precision"][p],
                f"{gdelt['geo_type'][p]} ({gdelt['geo_type_usa'][p]})",
            )
            for p, text in PLACE_PRECISION.items()
        ],
    )
    date = _table(
        ("date_precision", "meaning", "ACLED time_precision"),
        [(f"`{d}`", text, acled["time_precision"][d]) for d, text in DATE_PRECISION.items()],
    )
    return place + "\n\n" + date


def render_flags() -> str:
    return _table(("flag", "meaning"), [(f"`{k}`", v) for k, v in FLAGS.items()])


README = ROOT / "README.md"
ARTICLES_HEADING = "### Whole articles, one record per incident"


def render_article_rates(readme: Path | None = None) -> str:
    """The README's whole-article figures (`flashpoint eval-articles`), current column only:
    copied at build time so that the codebook follows the README."""
    path = README if readme is None else readme
    if not path.exists():  # an installed package has no README: keep what the doc says
        raise CodebookError(f"codebook: {path} is needed to build the error rates")
    text = path.read_text(encoding="utf-8")
    if ARTICLES_HEADING not in text:
        raise CodebookError(f"codebook: README.md has no {ARTICLES_HEADING!r} section")
    section = text[text.index(ARTICLES_HEADING) :]
    section = section[: section.find("\n### ", 1)]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    if len(lines) < 3:
        raise CodebookError("codebook: no table in the README's whole-article section")
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    now, target = header.index("now"), header.index("target")
    rows = []
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows.append((cells[0], cells[now].replace("**", ""), cells[target] or "-"))
    return _table(("measure (20 Guardian articles, 85 key incidents)", "figure", "target"), rows)


def render() -> dict[str, str]:
    """The generated sections, by marker name."""
    return {
        "types": render_types(),
        "contexts": render_contexts(),
        "sectors": render_sectors(),
        "codes": render_codes(),
        "precision": render_precision(),
        "flags": render_flags(),
        "plover": render_plover(),
        "csv": render_csv(),
        "gdelt": render_gdelt(),
        "acled": render_acled(),
        "json": render_json(),
        "article-rates": render_article_rates(),
    }


def build(text: str, sections: dict[str, str] | None = None) -> str:
    """`text` with each generated section replaced by its current rendering."""
    sections = render() if sections is None else sections
    for name, body in sections.items():
        begin, end = BEGIN.format(name=name), END.format(name=name)
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
        if not pattern.search(text):
            raise CodebookError(f"codebook: no {begin} ... {end} markers")
        text = pattern.sub(lambda _m, b=begin, e=end, s=body: f"{b}\n{s}\n{e}", text)
    return text


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    current = DOC.read_text(encoding="utf-8")
    fresh = build(current)
    if "--check" in args:
        stale = [p for p in (DOC, PACKAGED) if not p.exists() or p.read_text("utf-8") != fresh]
        for path in stale:
            print(f"{path} is out of date: run python -m flashpoint.codebook", file=sys.stderr)
        return 1 if stale else 0
    DOC.write_text(fresh, encoding="utf-8")
    PACKAGED.write_text(fresh, encoding="utf-8")
    print(f"wrote {DOC} and {PACKAGED}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
