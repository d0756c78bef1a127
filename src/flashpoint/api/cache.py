"""A small cache of API responses, valid while the database files are unchanged.

The dashboard asks for the same aggregates (timeline, dyads, actors, the map's events) on every
load; each is a scan of every event (30-70 ms on a few thousand). A response is kept, keyed by
its path and query, with the size and modification time of the database and its WAL file: any
write (an ingest into the served store) changes them, and the next request is computed afresh.
Only successful GETs of /api/ (not exports) up to MAX_ENTRY bytes are kept, at most
`max_bytes` in all, least recently used dropped first.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_ENTRY = 2 << 20


def db_signature(db: Path) -> tuple[int, ...] | None:
    """What changes when the database is written: size and mtime of the file and its WAL."""
    parts: list[int] = []
    for path in (db, db.with_name(db.name + "-wal")):
        try:
            stat = os.stat(path)
        except OSError:
            parts += [-1, -1]
            continue
        parts += [stat.st_size, stat.st_mtime_ns]
    return tuple(parts) if parts[0] != -1 else None


class ResponseCache:
    def __init__(self, app: ASGIApp, db: Path, max_bytes: int) -> None:
        self.app, self.db, self.max_bytes = app, db, max_bytes
        self.entries: OrderedDict[tuple, tuple[int, list, bytes]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope.get("method") != "GET"
            or not path.startswith("/api/")
            or path.startswith("/api/exports")
        ):
            await self.app(scope, receive, send)
            return
        signature = db_signature(self.db)
        key = (path, scope.get("query_string", b""), signature)
        with self.lock:
            hit = self.entries.get(key) if signature is not None else None
            if hit is not None:
                self.entries.move_to_end(key)
        if hit is not None:
            status, headers, body = hit
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return

        start: Message | None = None
        chunks: list[bytes] = []
        keep = signature is not None

        async def capture(message: Message) -> None:
            nonlocal start, keep
            if message["type"] == "http.response.start":
                start = message
                keep = keep and message["status"] == 200
            elif message["type"] == "http.response.body" and keep:
                chunks.append(message.get("body", b""))
                if sum(len(c) for c in chunks) > MAX_ENTRY:
                    keep = False
                    chunks.clear()
            await send(message)

        await self.app(scope, receive, capture)
        if keep and start is not None and db_signature(self.db) == signature:
            body = b"".join(chunks)
            self._put(key, (start["status"], list(start.get("headers", [])), body))

    def _put(self, key: tuple, entry: tuple[int, list, bytes]) -> None:
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = entry
            self.size += len(entry[2])
            while self.size > self.max_bytes and self.entries:
                _, (_, _, body) = self.entries.popitem(last=False)
                self.size -= len(body)
