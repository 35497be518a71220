"""One router module per resource."""

from __future__ import annotations

__all__ = ["ROUTERS"]

from crmsense.api.routes import analyze, health, ingest

ROUTERS = [health.router, analyze.router, ingest.router]
