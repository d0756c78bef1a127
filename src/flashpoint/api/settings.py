"""API settings: one typed object, read by routes through a dependency that tests override."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import Request
from pydantic import BaseModel, Field

from flashpoint.store import DEFAULT_DB


class Settings(BaseModel):
    db: Path = Field(
        default_factory=lambda: Path(os.environ.get("FLASHPOINT_DB", str(DEFAULT_DB))),
        description="SQLite database to read (FLASHPOINT_DB, else ./flashpoint.db).",
    )
    parquet: Path | None = Field(
        None,
        description="A Parquet dataset (`flashpoint spark`'s output) to serve instead of the"
        " database, read-only through DuckDB (`flashpoint serve --parquet DIR`).",
    )
    max_page: int = Field(1000, description="Largest page (limit) a list endpoint returns.")
    query_seconds: float = Field(
        5.0, gt=0, description="Time budget of one request's queries (then a 503)."
    )
    export_seconds: float = Field(
        300.0, gt=0, description="Time budget of one export (a whole file, so longer)."
    )
    threads: int = Field(
        8,
        ge=1,
        description="Requests served at once (the rest wait their turn): on a small machine more"
        " only add memory, each holding its rows and response.",
    )
    return_memory: bool = Field(
        False,
        description="Give freed memory back to the system every few seconds (glibc malloc_trim;"
        " `flashpoint serve` sets it).",
    )
    cache_bytes: int = Field(
        0,
        ge=0,
        description="Bytes of API responses kept while the database is unchanged (see"
        " api.cache); 0 keeps none. `flashpoint serve` keeps 16 MB.",
    )
    allowed_hosts: list[str] | None = Field(
        None,
        description="Host header values accepted (others get a 400); None accepts any (tests,"
        " a proxy that checks them). `flashpoint serve` passes the bound host and localhost.",
    )


def get_settings(request: Request) -> Settings:
    """The settings the app was created with (override in tests with dependency_overrides)."""
    return request.app.state.settings
