"""``GET /api/v1/metrics``: alert metrics and record counts."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from crmsense.api.deps import DbDep, ReadKey
from crmsense.api.errors import error_responses
from crmsense.api.schemas import MetricsOut
from crmsense.store.db import Database

router = APIRouter(prefix="/api/v1", tags=["metrics"], responses=error_responses(401, 403))


def _metrics(db: Database) -> MetricsOut:
    from crmsense.alerts.metrics import alert_metrics
    from crmsense.store.queries import record_counts

    return MetricsOut(alerts=alert_metrics(db), counts=record_counts(db))


@router.get("/metrics", response_model=MetricsOut)
async def metrics(db: DbDep, _: ReadKey) -> MetricsOut:
    """Alerts per tier and rule, share acted on within SLA, median time to first action,
    precision from feedback, recovery outcomes; and stored rows per record type."""
    return await run_in_threadpool(_metrics, db)
