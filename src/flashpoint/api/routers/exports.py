"""/api/exports/{format}: the filtered events as a file (the writers of `flashpoint export`)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO, Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response, StreamingResponse

from flashpoint.api.deps import FilterDep, StoreDep, full_text_errors, set_time_budget
from flashpoint.api.settings import Settings, get_settings
from flashpoint.export import EXTENSIONS, FORMATS, MEDIA_TYPES, write_export
from flashpoint.store import EventFilter

router = APIRouter(prefix="/api/exports", tags=["exports"])

SPOOL_BYTES = 1 << 20
"""An export is written to memory up to this size, then to a temporary file, and sent from
there in chunks: a server's memory stays flat whatever the size of the export."""
CHUNK_BYTES = 64 * 1024

Format = Literal["plover", "csv", "parquet", "gdelt", "acled"]
assert set(Format.__args__) == set(FORMATS)  # type: ignore[attr-defined]


@router.get(
    "/{format}",
    response_class=Response,
    responses={
        200: {
            "description": "The export file.",
            "content": {media: {} for media in sorted(set(MEDIA_TYPES.values()))},
        }
    },
)
def export(
    store: StoreDep,
    where: FilterDep,
    format: Format,
    settings: Annotated[Settings, Depends(get_settings)],
    limit: Annotated[int | None, Query(ge=1, le=10**7, description="At most this many.")] = None,
    escape_formulas: Annotated[
        bool,
        Query(
            description="csv, gdelt, acled: prefix a ' to text cells a spreadsheet would run as"
            " formulas; false for programs that want values verbatim."
        ),
    ] = True,
) -> Response:
    """PLOVER JSONL, CSV, Parquet, GDELT-style TSV or ACLED-style CSV (see docs/exports.md)."""
    set_time_budget(store, settings.export_seconds)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by _chunks
    try:
        with full_text_errors(where.text):
            write_export(
                store,
                EventFilter(**{**where.__dict__, "limit": limit}),
                format,
                spool,  # type: ignore[arg-type]
                escape_formulas=escape_formulas,
            )
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return StreamingResponse(
        _chunks(spool),  # type: ignore[arg-type]
        media_type=MEDIA_TYPES[format],
        headers={
            "Content-Disposition": f'attachment; filename="flashpoint-events.{EXTENSIONS[format]}"',
            "Content-Length": str(size),
        },
    )


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk
    finally:
        spool.close()
