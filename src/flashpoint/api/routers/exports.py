"""/api/exports/{format}: the filtered events as a file (the writers of `flashpoint export`)."""

from __future__ import annotations

import io
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from flashpoint.api.deps import FilterDep, StoreDep, full_text_errors
from flashpoint.export import EXTENSIONS, FORMATS, MEDIA_TYPES, write_export
from flashpoint.store import EventFilter

router = APIRouter(prefix="/api/exports", tags=["exports"])

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
    buffer = io.BytesIO()
    with full_text_errors(where.text):
        write_export(
            store,
            EventFilter(**{**where.__dict__, "limit": limit}),
            format,
            buffer,
            escape_formulas=escape_formulas,
        )
    return Response(
        content=buffer.getvalue(),
        media_type=MEDIA_TYPES[format],
        headers={
            "Content-Disposition": f'attachment; filename="flashpoint-events.{EXTENSIONS[format]}"'
        },
    )
