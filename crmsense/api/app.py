"""The FastAPI application: routes per resource under ``/api/v1``, plus the dashboard.

The database and the analysis engine are opened once per process (app state), never
per request. No settings are read at import time: ``create_app`` takes them.
"""

from __future__ import annotations

__all__ = ["create_app"]

from fastapi import FastAPI

from crmsense import __version__
from crmsense.api.errors import install_error_handlers
from crmsense.api.limits import BodySizeLimit
from crmsense.settings import Settings
from crmsense.store.db import Database, open_database


def _mount_dashboard(app: FastAPI) -> None:
    from fastapi import Request
    from fastapi.responses import RedirectResponse
    from fastapi.staticfiles import StaticFiles

    from crmsense.web.pages import HERE, LoginRequired, router

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(router)

    @app.exception_handler(LoginRequired)
    async def _login(_: Request, exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse(f"/login?next={exc.next_url}", status_code=303)


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    """Build the app for ``settings`` (default: from the environment) or an open ``db``."""
    from crmsense.api.routes import ROUTERS

    settings = settings or Settings()
    if db is None:
        db = open_database(settings.database_url)
        db.migrate()
    app = FastAPI(
        title="crmsense",
        version=__version__,
        description="Customer-sentiment engine for CRMs. Every route except /healthz and "
        "/readyz needs an API key (`crmsense keys create`) sent as a bearer token.",
    )
    app.state.db = db
    app.state.settings = settings
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    _mount_dashboard(app)
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    return app
