"""Health of the service itself: liveness and readiness (no key needed)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from crmsense.api.deps import DbDep

router = APIRouter(tags=["service"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
def readyz(db: DbDep) -> dict[str, str] | JSONResponse:
    """The database answers."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # any failure means not ready
        return JSONResponse(
            {"error": {"code": "E203", "message": "database unavailable"}}, status_code=503
        )
    return {"status": "ready", "database": db.dialect}
