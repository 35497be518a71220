"""One router module per resource."""

from __future__ import annotations

__all__ = ["ROUTERS"]

from crmsense.api.routes import (
    accounts,
    alerts,
    analyze,
    calls,
    contacts,
    deals,
    health,
    ingest,
    metrics,
    webhooks,
)

ROUTERS = [
    health.router,
    analyze.router,
    ingest.router,
    accounts.router,
    contacts.router,
    deals.router,
    calls.router,
    alerts.router,
    metrics.router,
    webhooks.router,
]
