"""The FastAPI application: routers, the dashboard, local API docs, one error shape."""

from __future__ import annotations

import asyncio
import base64
import ctypes
import ctypes.util
import hashlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from flashpoint.api.cache import ResponseCache
from flashpoint.api.deps import QueryTimeout
from flashpoint.api.routers import (
    actors,
    alerts,
    articles,
    dyads,
    events,
    exports,
    places,
    quotes,
    timeline,
)
from flashpoint.api.settings import Settings
from flashpoint.web import CODEBOOK, INDEX_HTML, STATIC_DIR

DESCRIPTION = """Read-only access to the events, articles and quotes Flashpoint has coded.

Every event carries the character offsets of the text that justifies it (`evidence`, `trigger`,
actor and place spans) into its article's `text` (see `/api/articles/{id}`). Errors have
FastAPI's shape: `{"detail": message}` or, for a bad parameter (422),
`{"detail": [{"loc": [...], "msg": message, ...}]}`. A full-text query that could cost too
much (too many terms or prefixes, a prefix shorter than 3 characters) is a 422; a request whose
queries run past the time budget is stopped and answered 503.

**Codebook**: what a row is, every field of every export and of the JSON, every code and
flag, how the exports relate and the known error rates: [/codebook](/codebook)
(docs/codebook.md).
"""

# The dashboard loads scripts, styles, images and data from this server only, and no page may
# be framed. Styles allow inline attributes: Leaflet, Chart.js and Cytoscape position and size
# elements with them (no script runs from them).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
    " img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self';"
    " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """Adds the security headers to every HTTP response (a plain ASGI middleware: it neither
    buffers bodies nor runs the app in another task), and the CSP unless the route set its own
    (the API docs page, whose one inline script is allowed by its hash)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [h for h in SECURITY_HEADERS if h[0] not in names]
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _inline_script_csp(html: str) -> str:
    """The CSP with the page's inline scripts allowed by their SHA-256 hashes."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL)
    ]
    return CSP.replace("script-src 'self'", "script-src 'self' " + " ".join(hashes))


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def limit_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives each thread that allocates its own arena, up to 8 per core, and keeps what
    they freed: the server's memory grew with the threads that ever served a request. Call
    before the threads start."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(-8, arenas)  # M_ARENA_MAX


async def _return_memory(every: float = 2.0) -> None:
    libc = _libc()
    if libc is None:
        return
    while True:
        await asyncio.sleep(every)
        libc.malloc_trim(0)


def create_app(settings: Settings | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = app.state.settings.threads
        trim = asyncio.create_task(_return_memory()) if app.state.settings.return_memory else None
        try:
            yield
        finally:
            if trim is not None:
                trim.cancel()

    app = FastAPI(
        lifespan=lifespan,
        title="Flashpoint",
        description=DESCRIPTION,
        version="1",
        docs_url=None,  # served below with local assets (FastAPI's default loads a CDN)
        redoc_url=None,
    )
    app.state.settings = settings or Settings()
    for module in (events, articles, quotes, actors, dyads, timeline, places, exports, alerts):
        app.include_router(module.router)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(INDEX_HTML, media_type="text/html")

    @app.get("/codebook", include_in_schema=False)
    def codebook() -> PlainTextResponse:
        # Markdown, shown as text: browsers download text/markdown rather than show it.
        return PlainTextResponse(CODEBOOK.read_text(encoding="utf-8"))

    docs_page = get_swagger_ui_html(
        openapi_url=app.openapi_url or "/openapi.json",
        title="Flashpoint API",
        swagger_js_url="/static/vendor/swagger-ui-dist/swagger-ui-bundle.js",
        swagger_css_url="/static/vendor/swagger-ui-dist/swagger-ui.css",
        swagger_favicon_url="/static/vendor/swagger-ui-dist/favicon-32x32.png",
        # No badge from the online validator: the page must not call out.
        swagger_ui_parameters={"validatorUrl": None},
    ).body.decode()
    docs_csp = _inline_script_csp(docs_page)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(docs_page, headers={"Content-Security-Policy": docs_csp})

    @app.exception_handler(QueryTimeout)
    async def query_timeout(request: Request, exc: QueryTimeout) -> JSONResponse:
        return JSONResponse(
            status_code=503, content={"detail": exc.message}, headers={"Retry-After": "5"}
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's shape, minus the offending input (it may be huge or not JSON-safe).
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": errors})

    if app.state.settings.cache_bytes:
        app.add_middleware(
            ResponseCache,
            db=app.state.settings.parquet or app.state.settings.db,
            max_bytes=app.state.settings.cache_bytes,
        )
    if app.state.settings.allowed_hosts is not None:
        # Another Host header is a 400: a web page elsewhere cannot reach this server through
        # a name of its own that resolves here (DNS rebinding).
        app.add_middleware(
            TrustedHostMiddleware,
            allowed_hosts=app.state.settings.allowed_hosts,
            www_redirect=False,
        )
    app.add_middleware(SecurityHeaders)
    return app
