"""Persistence: the SQLite store."""

from flashpoint.store.sqlite import DEFAULT_DB, EventFilter, Store

__all__ = ["DEFAULT_DB", "EventFilter", "Store"]
