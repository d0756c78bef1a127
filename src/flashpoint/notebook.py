"""The Python API, for notebooks and scripts (re-exported by `flashpoint`):

    import flashpoint
    result = flashpoint.code(text, published="2024-01-04")      # one ArticleResult
    for result in flashpoint.code_many(rows): ...                  # strings or dicts, streamed
    flashpoint.ingest("news.csv", db="news.db")                   # code and store a corpus
    db = flashpoint.open("news.db")
    db.events(type="ASSAULT", since="2024-01-01").to_pandas()     # or .to_arrow()

Results are the pydantic models of `flashpoint.model`, the same records as `run --json`; event
tables have the columns of `flashpoint export --format csv` (`export.FLAT_COLUMNS`). One
Pipeline is loaded on first use and kept for the process, so only the first call pays for
loading spaCy. Nothing here writes SQL: the store's own queries (`store.sqlite`) and the
export's flat rows (`export.flat_row`) do the work, as for the CLI and the REST API.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from flashpoint.errors import InputError
from flashpoint.model import EVENT_TYPES, Article, ArticleResult, Event, Quote
from flashpoint.store import EventFilter, Store
from flashpoint.store.sqlite import EVENT_SORTS

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from flashpoint.corpus import RunSummary
    from flashpoint.pipeline import Pipeline
    from flashpoint.stages.read import RawDocument

ErrorPolicy = Literal["warn", "raise", "skip"]
# Keys of a dict given to code_many (others, such as a DataFrame's extra columns, are ignored).
ITEM_KEYS: tuple[str, ...] = ("text", "published", "title", "id", "url", "source")
ITEM_ALIASES: dict[str, str] = {"date": "published"}  # as in JSONL and CSV input

_pipelines: dict[tuple[tuple[str, ...], tuple[str, ...]], Pipeline] = {}


class FlashpointWarning(UserWarning):
    """An input code_many skipped, or a value it could not use (e.g. an unreadable date)."""


def _pipeline(actors: Sequence[str | Path] = (), rules: Sequence[str | Path] = ()) -> Pipeline:
    """One Pipeline per set of extra dictionaries, loaded once per process."""
    from flashpoint.pipeline import Pipeline, PipelineOptions

    key = (tuple(str(p) for p in actors), tuple(str(p) for p in rules))
    if key not in _pipelines:
        options = PipelineOptions(
            actor_files=[Path(p) for p in actors], rule_files=[Path(p) for p in rules]
        )
        _pipelines[key] = Pipeline(options)
    return _pipelines[key]


# --- coding text -------------------------------------------------------------------------------


def code(
    text: str,
    published: str | dt.date | None = None,
    title: str | None = None,
    url: str | None = None,
    source: str | None = None,
    *,
    id: str | None = None,
    actors: Sequence[str | Path] = (),
    rules: Sequence[str | Path] = (),
) -> ArticleResult:
    """Code one article's text (plain text or an HTML page) into an ArticleResult: the article,
    its events, quotes and entities, every field with its span in `result.article.text`.

    `published` (a date, a datetime or a string such as "2024-01-04") anchors relative dates
    ("on Thursday"); without it the article's own dateline is used, if it has one. Raises
    `flashpoint.InputError` for text that cannot be coded (empty, whitespace only) and
    ValueError for a `published` that is not a date. Nothing is stored."""
    if not isinstance(text, str):
        raise TypeError(f"code() wants the article's text as a str, not {type(text).__name__}")
    item = {"text": text, "published": published, "title": title, "url": url, "source": source}
    raw = _raw_document({**item, "id": id}, "text")
    article = _build(raw, on_bad_date="raise")
    if isinstance(article, InputError):
        raise article
    (result,) = _pipeline(actors, rules).process([article])
    if isinstance(result, InputError):  # pragma: no cover - process passes articles through
        raise result
    return result


def code_many(
    items: Iterable[str | Mapping[str, Any]],
    *,
    errors: ErrorPolicy = "warn",
    actors: Sequence[str | Path] = (),
    rules: Sequence[str | Path] = (),
) -> Iterator[ArticleResult]:
    """Code many articles with one loaded pipeline, yielding an ArticleResult per input, in
    input order, as they are done (the NLP runs in batches, so results come in bursts).

    An item is a text, or a dict with a "text" and any of "published" (or "date"), "title",
    "id", "url", "source"; other keys are ignored, so `df.to_dict("records")` works; NaN and
    None mean missing. The "id" comes back as `result.article.source_id`.
    An item that cannot be coded (no text, empty text) is, by `errors`: "warn" skipped with a
    FlashpointWarning naming it (the default), "skip" skipped silently, "raise" raised as an
    InputError. Non-English articles come back with status "skipped" and no events. Nothing
    is stored and reposts are not folded (`ingest` does both)."""
    if errors not in ("warn", "raise", "skip"):
        raise ValueError(f"errors={errors!r}: one of 'warn', 'raise', 'skip'")
    pipeline = _pipeline(actors, rules)

    def articles() -> Iterator[Article | InputError]:
        for number, item in enumerate(items, start=1):
            yield _build(_raw_document(item, f"item {number}"), on_bad_date="warn")

    for result in pipeline.process(articles()):
        if isinstance(result, InputError):
            if errors == "raise":
                raise result
            if errors == "warn":
                warnings.warn(f"skipped {result.message}", FlashpointWarning, stacklevel=2)
            continue
        yield result


def _missing(value: object) -> bool:
    """None, NaN or NaT (what pandas puts in an empty cell)."""
    if value is None:
        return True
    try:
        return bool(value != value)  # only NaN-like values differ from themselves
    except (TypeError, ValueError):
        return False


def _meta_value(value: object) -> str | None:
    if _missing(value):
        return None
    if isinstance(value, dt.date | dt.datetime):  # also pandas' Timestamp
        return value.isoformat()
    return str(value).strip() or None


def _raw_document(item: object, name: str) -> RawDocument | InputError:
    from flashpoint.stages.read import RawDocument, _looks_like_html

    if isinstance(item, str):
        text: object = item
        meta: dict[str, str | None] = {}
    elif isinstance(item, Mapping):
        fields = {ITEM_ALIASES.get(k, k): v for k, v in item.items() if k in ITEM_ALIASES}
        fields.update({k: v for k, v in item.items() if k in ITEM_KEYS and not _missing(v)})
        text = fields.pop("text", None)
        meta = {key: _meta_value(fields.get(key)) for key in ITEM_KEYS if key != "text"}
        if meta["id"]:
            name = f"{name} (id {meta['id']})"
    else:
        raise TypeError(
            f"{name} is a {type(item).__name__}: give a str, or a dict with a 'text' key"
        )
    if not isinstance(text, str):
        return InputError(name, "no 'text' string in this item")
    kind = "html" if _looks_like_html(text) else "text"
    return RawDocument(name=name, text=text, format=kind, meta=meta)


def _build(
    raw: RawDocument | InputError, on_bad_date: Literal["raise", "warn"]
) -> Article | InputError:
    """clean.build_article, saying so when a given date could not be read."""
    from flashpoint.stages import clean

    if isinstance(raw, InputError):
        return raw
    article = clean.build_article(raw)
    given = raw.meta.get("published")
    if isinstance(article, Article) and given and clean.parse_datetime(given) is None:
        message = f"{raw.name}: published={given!r} is not a date; coded without it"
        if on_bad_date == "raise":
            raise ValueError(f"published={given!r} is not a date (e.g. 2024-01-04)")
        warnings.warn(message, FlashpointWarning, stacklevel=3)
    return article


# --- coding and storing a corpus ----------------------------------------------------------------


def ingest(
    paths: str | Path | Sequence[str | Path],
    db: str | Path = "flashpoint.db",
    *,
    text_col: str | None = None,
    date_col: str | None = None,
    title_col: str | None = None,
    id_col: str | None = None,
    workers: int = 1,
    actors: Sequence[str | Path] = (),
    rules: Sequence[str | Path] = (),
) -> RunSummary:
    """Code files (text, HTML, JSONL, CSV, directories of them) and store them in `db`, as
    `flashpoint ingest` does: reposts folded, events linked across articles, articles already
    stored skipped. Inputs that cannot be read are reported as FlashpointWarnings. Returns the
    run's summary (`.read`, `.coded`, `.events`, ...); open the database with `open(db)`."""
    from flashpoint.corpus import CorpusOptions, CorpusRun, RunSummary
    from flashpoint.pipeline import Pipeline, PipelineOptions
    from flashpoint.stages.read import ReadOptions

    names = [str(paths)] if isinstance(paths, str | Path) else [str(p) for p in paths]
    loaded = _pipeline(actors, rules)
    pipeline = Pipeline(
        PipelineOptions(
            read=ReadOptions(
                text_col=text_col, date_col=date_col, title_col=title_col, id_col=id_col
            ),
            actor_files=loaded.options.actor_files,
            rule_files=loaded.options.rule_files,
        )
    )
    # The same dictionaries and rules: share what the loaded pipeline has read already.
    pipeline._nlp, pipeline._lexicon, pipeline._resolver = (
        loaded._nlp,
        loaded._lexicon,
        loaded._resolver,
    )
    summary = RunSummary()
    with Store(db) as store:
        run = CorpusRun(pipeline, store, CorpusOptions(workers=workers), summary)
        for item in run.results(names):
            if isinstance(item, InputError):
                warnings.warn(f"skipped {item.message}", FlashpointWarning, stacklevel=2)
    loaded._nlp, loaded._lexicon, loaded._resolver = (
        pipeline._nlp,
        pipeline._lexicon,
        pipeline._resolver,
    )
    return summary


# --- tables ---------------------------------------------------------------------------------------


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise ImportError(
            "to_pandas() needs pandas, which Flashpoint does not install: "
            "pip install pandas (or use to_arrow(), which needs nothing more)"
        ) from None
    return pandas


class _Table:
    """What makes a list of records also an Arrow table or a pandas DataFrame."""

    def to_arrow(self) -> pa.Table:
        raise NotImplementedError  # each subclass knows its columns

    def to_pandas(self) -> pd.DataFrame:
        """The table as a DataFrame (needs pandas); date columns become datetime64."""
        _pandas()
        return self.to_arrow().to_pandas(date_as_object=False)


class EventList(_Table, list[Event]):
    """Events, in a list; as a table (`to_arrow`, `to_pandas`) one row per event with the
    columns of `flashpoint export --format csv` (several actors joined with "; ")."""

    def __init__(self, events: Iterable[Event] = (), articles: dict[str, dict] | None = None):
        super().__init__(events)
        # Per article id: its title, published, source and url (the article_* columns).
        self.articles: dict[str, dict] = articles or {}

    @classmethod
    def from_results(cls, results: Iterable[ArticleResult]) -> EventList:
        """Every event of these results (e.g. from code_many), in order."""
        events: list[Event] = []
        articles: dict[str, dict] = {}
        for result in results:
            article = result.article
            articles[article.id] = {
                "title": article.title,
                "published": article.published.isoformat() if article.published else None,
                "source": article.source,
                "url": article.url,
            }
            events += result.events
        return cls(events, articles)

    def to_arrow(self) -> pa.Table:
        from flashpoint.export import flat_table

        return flat_table(self, self.articles)


QUOTE_COLUMNS: dict[str, str] = {
    "id": "string",
    "article_id": "string",
    "kind": "string",
    "text": "string",
    "start": "int",
    "end": "int",
    "speaker_text": "string",
    "speaker_name": "string",
    "speaker_code": "string",
    "speaker_sector": "string",
    "affiliation": "string",
    "cue": "string",
    "medium": "string",
    "event_ids": "string",
}


class QuoteList(_Table, list[Quote]):
    """Quotes, in a list; as a table one row per quote (QUOTE_COLUMNS)."""

    def to_arrow(self) -> pa.Table:
        import pyarrow as pa

        from flashpoint.export import arrow_schema

        rows = []
        for quote in self:
            speaker, affiliation = quote.speaker, quote.affiliation
            rows.append(
                {
                    "id": quote.id,
                    "article_id": quote.article_id,
                    "kind": quote.kind,
                    "text": quote.text,
                    "start": quote.start,
                    "end": quote.end,
                    "speaker_text": speaker.text if speaker else None,
                    "speaker_name": speaker.name if speaker else None,
                    "speaker_code": speaker.code if speaker else None,
                    "speaker_sector": speaker.sector if speaker else None,
                    "affiliation": (affiliation.name or affiliation.text) if affiliation else None,
                    "cue": quote.cue.text if quote.cue else None,
                    "medium": quote.medium,
                    "event_ids": " ".join(quote.event_ids) or None,
                }
            )
        return pa.Table.from_pylist(rows, schema=arrow_schema(QUOTE_COLUMNS))


ARTICLE_COLUMNS: dict[str, str] = {
    "id": "string",
    "source_id": "string",
    "title": "string",
    "category": "string",
    "published": "datetime",
    "source": "string",
    "url": "string",
    "language": "string",
    "status": "string",
    "status_reason": "string",
    "cluster_id": "string",
    "duplicate_of": "string",
    "input_name": "string",
    "text": "string",
}


class ArticleList(_Table, list[Article]):
    """Articles (with their text), in a list; as a table one row per article."""

    def to_arrow(self) -> pa.Table:
        import pyarrow as pa

        from flashpoint.export import arrow_schema

        rows = []
        for article in self:
            row = {name: getattr(article, name) for name in ARTICLE_COLUMNS}
            if row["published"] is not None and row["published"].tzinfo is not None:
                # One column, one convention: times in UTC, without a zone.
                row["published"] = row["published"].astimezone(dt.UTC).replace(tzinfo=None)
            rows.append(row)
        return pa.Table.from_pylist(rows, schema=arrow_schema(ARTICLE_COLUMNS))


# --- reading a store ----------------------------------------------------------------------------


def open(db: str | Path = "flashpoint.db") -> Database:
    """A stored database, read-only: `events(...)`, `quotes(...)`, `articles(...)`, each a
    list with `to_pandas()` and `to_arrow()`. Raises `flashpoint.StoreError` when `db` does not
    exist or is not a Flashpoint database."""
    return Database(db)


def _date(value: str | dt.date | None, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a date YYYY-MM-DD") from None


def _code(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    if not (isinstance(value, str) and len(value) == 3 and value.isalpha()):
        raise ValueError(f"{name}={value!r} is not a 3-letter code (e.g. USA, IRQ, IGO)")
    return value.upper()


def event_filter(
    *,
    type: str | Sequence[str] | None = None,
    mode: str | None = None,
    actor: str | None = None,
    initiator: str | None = None,
    recipient: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    country: str | None = None,
    admin1: str | None = None,
    acled_type: str | None = None,
    quad: int | None = None,
    near: tuple[float, float, float] | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    has_location: bool | None = None,
    text: str | None = None,
    text_in: Literal["evidence", "article", "both"] = "evidence",
    min_confidence: float | None = None,
    min_dead: int | None = None,
    background: bool = True,
    hypothetical: bool = True,
    negated: bool = True,
    article_id: str | None = None,
    link_id: str | None = None,
    sort: str = "date",
    limit: int | None = None,
    offset: int = 0,
) -> EventFilter:
    """The store's EventFilter (the one the CLI, the exports and the REST API use) from
    keyword arguments, checked: a bad value is a ValueError that names it."""
    types = (type,) if isinstance(type, str) else tuple(type or ())
    types = tuple(t.upper() for t in types)
    unknown = [t for t in types if t not in EVENT_TYPES]
    if unknown:
        raise ValueError(f"type={unknown[0]!r} is not a PLOVER type ({', '.join(EVENT_TYPES)})")
    if sort not in EVENT_SORTS:
        raise ValueError(f"sort={sort!r}: one of {', '.join(EVENT_SORTS)}")
    if text_in not in ("evidence", "article", "both"):
        raise ValueError(f"text_in={text_in!r}: one of 'evidence', 'article', 'both'")
    if quad is not None and quad not in (1, 2, 3, 4):
        raise ValueError(f"quad={quad!r}: PLOVER quad classes are 1 to 4")
    if near is not None:
        if len(near) != 3:
            raise ValueError(f"near={near!r} wants (lat, lon, km)")
        lat, lon, km = (float(x) for x in near)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180 and km > 0):
            raise ValueError(f"near={near!r}: latitude -90..90, longitude -180..180, km > 0")
        near = (lat, lon, km)
    if bbox is not None:
        if len(bbox) != 4:
            raise ValueError(f"bbox={bbox!r} wants (min lon, min lat, max lon, max lat)")
        bbox = tuple(float(x) for x in bbox)  # type: ignore[assignment]
    for name, number in (("limit", limit), ("offset", offset), ("min_dead", min_dead)):
        if number is not None and number < 0:
            raise ValueError(f"{name}={number!r} must not be negative")
    if min_confidence is not None and not 0 <= min_confidence <= 1:
        raise ValueError(f"min_confidence={min_confidence!r} is not within 0..1")
    if acled_type is not None:
        from flashpoint.export import acled_type_names

        names = acled_type_names()
        if acled_type.strip().lower() not in {name.lower() for name in names}:
            raise ValueError(f"acled_type={acled_type!r}: one of {', '.join(names)}")
    return EventFilter(
        types=types,
        mode=mode.lower() if mode else None,
        actor=_code(actor, "actor"),
        initiator=_code(initiator, "initiator"),
        recipient=_code(recipient, "recipient"),
        since=_date(since, "since"),
        until=_date(until, "until"),
        country=_code(country, "country"),
        admin1=admin1.strip() or None if admin1 else None,
        acled_type=acled_type.strip() if acled_type else None,
        quad=quad,
        near=near,
        bbox=bbox,
        has_location=has_location,
        text=text or None,
        text_in=text_in,
        min_confidence=min_confidence,
        min_dead=min_dead,
        include_background=background,
        include_hypothetical=hypothetical,
        include_negated=negated,
        article_id=article_id,
        link_id=link_id,
        sort=sort,
        limit=limit,
        offset=offset,
    )


class Database:
    """A Flashpoint SQLite file, read-only. Every call opens it afresh, so what a running
    `flashpoint ingest` has stored meanwhile is seen, and nothing is left open."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        with self._store():  # fail now, not at the first query, when it is no database
            pass

    def __repr__(self) -> str:
        return f"flashpoint.open({str(self.path)!r})"

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    @contextmanager
    def _store(self, text: str | None = None) -> Iterator[Store]:
        with Store(self.path, read_only=True) as store:
            try:
                yield store
            except sqlite3.OperationalError as exc:
                if text:  # FTS5 reports a bad query as an OperationalError
                    raise ValueError(
                        f"text={text!r}: not a valid full-text query ({exc})"
                    ) from None
                raise

    def events(self, **filters: Any) -> EventList:
        """Stored events, filtered and sorted. Filters (all optional, combined with AND):
        type (one or a list of PLOVER types), mode, actor (code as actor or recipient),
        initiator (as actor only), recipient (as recipient only), since, until (dates),
        country (ISO3 of the place), admin1 (its province/state, any case), acled_type (an
        ACLED event or sub-event type, as the ACLED export gives), quad, near=(lat, lon, km),
        bbox=(min lon, min lat, max lon, max lat), has_location, text (full-text query),
        text_in ("evidence", "article", "both"), min_confidence, min_dead, background,
        hypothetical, negated (False leaves those out), article_id, link_id; sort (date,
        -date, confidence, -confidence, event_scale, event, with - for descending), limit,
        offset."""
        where = event_filter(**filters)
        with self._store(where.text) as store:
            found = store.events(where)
            articles = store.article_stored_at([e.article_id for e in found])
        return EventList(found, articles)

    def count(self, **filters: Any) -> int:
        """How many stored events match (the filters of `events`)."""
        where = event_filter(**filters)
        with self._store(where.text) as store:
            return store.count_events(where)

    def event(self, event_id: str) -> Event | None:
        """One event by its id."""
        with self._store() as store:
            return store.event(event_id)

    def quotes(
        self,
        *,
        speaker: str | None = None,
        kind: Literal["direct", "indirect", "partial"] | None = None,
        article_id: str | None = None,
        since: str | dt.date | None = None,
        until: str | dt.date | None = None,
        text: str | None = None,
        limit: int | None = None,
    ) -> QuoteList:
        """Stored quotes: by the speaker's code, kind, article, the article's publication day
        (since/until: a quote has no date of its own), words in the quote (`text`, a
        substring in any case); at most `limit`."""
        if kind is not None and kind not in ("direct", "indirect", "partial"):
            raise ValueError(f"kind={kind!r}: one of 'direct', 'indirect', 'partial'")
        with self._store() as store:
            found = store.quotes(
                speaker=_code(speaker, "speaker"),
                article_id=article_id,
                since=_date(since, "since"),
                until=_date(until, "until"),
                text=text or None,
            )
        if kind is not None:
            found = [q for q in found if q.kind == kind]
        return QuoteList(found[:limit] if limit is not None else found)

    def articles(
        self,
        *,
        text: str | None = None,
        status: Literal["coded", "skipped", "duplicate", "failed"] | None = None,
        since: str | dt.date | None = None,
        until: str | dt.date | None = None,
        limit: int | None = None,
    ) -> ArticleList:
        """Stored articles with their text, latest published first: a full-text query
        over them, their status, published since/until (dates); at most `limit`."""
        with self._store(text) as store:
            rows, _ = store.article_rows(
                text=text,
                status=status,
                since=_date(since, "since"),
                until=_date(until, "until"),
                limit=-1 if limit is None else limit,  # SQLite: a negative LIMIT is none
            )
            found = [store.article(row["id"]) for row in rows]
        return ArticleList(a for a in found if a is not None)

    def article(self, article_id: str) -> ArticleResult | None:
        """One article with all that was coded from it (as `code()` returns it)."""
        with self._store() as store:
            return store.result(article_id)

    def to_arrow(self, **filters: Any) -> pa.Table:
        """`events(**filters).to_arrow()`."""
        return self.events(**filters).to_arrow()

    def to_pandas(self, **filters: Any) -> pd.DataFrame:
        """`events(**filters).to_pandas()`."""
        _pandas()
        return self.events(**filters).to_pandas()
