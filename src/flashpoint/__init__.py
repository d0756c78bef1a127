"""Flashpoint: news about political conflict in, verifiable PLOVER event data out.

The Python API (see docs/notebook.md):

    import flashpoint
    result = flashpoint.code(text, published="2024-01-04")   # an ArticleResult
    results = flashpoint.code_many(texts_or_dicts)             # streamed, one pipeline
    flashpoint.ingest("news.csv", db="news.db")                # code and store a corpus
    db = flashpoint.open("news.db")
    db.events(type="ASSAULT").to_pandas()

`import flashpoint` is light: the pipeline (spaCy), the store and the models load on first
use of the names below.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# Public name -> the module that defines it, imported on first access.
_LAZY: dict[str, str] = {
    "code": "flashpoint.notebook",
    "code_many": "flashpoint.notebook",
    "ingest": "flashpoint.notebook",
    "open": "flashpoint.notebook",
    "Database": "flashpoint.notebook",
    "EventList": "flashpoint.notebook",
    "QuoteList": "flashpoint.notebook",
    "ArticleList": "flashpoint.notebook",
    "FlashpointWarning": "flashpoint.notebook",
    "Article": "flashpoint.model",
    "ArticleResult": "flashpoint.model",
    "Event": "flashpoint.model",
    "Quote": "flashpoint.model",
    "Entity": "flashpoint.model",
    "EVENT_TYPES": "flashpoint.model",
    "FlashpointError": "flashpoint.errors",
    "InputError": "flashpoint.errors",
    "StoreError": "flashpoint.errors",
}

__all__ = [
    "EVENT_TYPES",
    "Article",
    "ArticleList",
    "ArticleResult",
    "Database",
    "Entity",
    "Event",
    "EventList",
    "FlashpointError",
    "FlashpointWarning",
    "InputError",
    "Quote",
    "QuoteList",
    "StoreError",
    "__version__",
    "code",
    "code_many",
    "ingest",
    "open",
]

if TYPE_CHECKING:
    __version__: str
    from flashpoint.errors import FlashpointError, InputError, StoreError
    from flashpoint.model import EVENT_TYPES, Article, ArticleResult, Entity, Event, Quote
    from flashpoint.notebook import (
        ArticleList,
        Database,
        EventList,
        FlashpointWarning,
        QuoteList,
        code,
        code_many,
        ingest,
        open,
    )


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("flashpoint")
    except PackageNotFoundError:  # a source tree that is not installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":  # importlib.metadata costs more than the rest of the import
        value: Any = _package_version()
        globals()[name] = value
        return value
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'flashpoint' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # the next access is a plain lookup
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
