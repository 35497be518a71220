"""Health of the service itself: liveness and readiness (no key needed)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from crmsense.api.deps import DbDep
from crmsense.api.errors import error_response, error_responses
from crmsense.api.schemas import Liveness, Readiness

router = APIRouter(tags=["service"])


@router.get("/healthz", response_model=Liveness)
def healthz() -> Liveness:
    """The process is up."""
    return Liveness(status="ok")


@router.get("/readyz", response_model=Readiness, responses=error_responses(503))
def readyz(db: DbDep) -> Readiness | JSONResponse:
    """The database answers."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # any failure means not ready
        return error_response(503, "E203", "database unavailable")
    return Readiness(status="ready", database=db.dialect)
