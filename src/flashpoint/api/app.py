"""The FastAPI application: routers, the dashboard, local API docs, one error shape."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from flashpoint.api.routers import (
    actors,
    alerts,
    articles,
    dyads,
    events,
    exports,
    quotes,
    timeline,
)
from flashpoint.api.settings import Settings
from flashpoint.web import INDEX_HTML, STATIC_DIR

DESCRIPTION = """Read-only access to the events, articles and quotes Flashpoint has coded.

Every event carries the character offsets of the text that justifies it (`evidence`, `trigger`,
actor and place spans) into its article's `text` (see `/api/articles/{id}`). Errors have
FastAPI's shape: `{"detail": message}` or, for a bad parameter (422),
`{"detail": [{"loc": [...], "msg": message, ...}]}`.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    app = FastAPI(
        title="Flashpoint",
        description=DESCRIPTION,
        version="1",
        docs_url=None,  # served below with local assets (FastAPI's default loads a CDN)
        redoc_url=None,
    )
    app.state.settings = settings or Settings()
    for module in (events, articles, quotes, actors, dyads, timeline, exports, alerts):
        app.include_router(module.router)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(INDEX_HTML, media_type="text/html")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="Flashpoint API",
            swagger_js_url="/static/vendor/swagger-ui-dist/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui-dist/swagger-ui.css",
            swagger_favicon_url="/static/vendor/swagger-ui-dist/favicon-32x32.png",
            # No badge from the online validator: the page must not call out.
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's shape, minus the offending input (it may be huge or not JSON-safe).
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": errors})

    return app
