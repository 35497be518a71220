"""Page 5, one call (``/calls/{id}``): the transcript with per-speaker sentiment and the
customer's trajectory through the call."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from crmsense.api.deps import DbDep
from crmsense.api.queries.calls import call_detail
from crmsense.web.common import Session, not_found_page, render

router = APIRouter()


@router.get("/calls/{call_id}")
async def call(request: Request, call_id: str, db: DbDep, scopes: Session) -> HTMLResponse:
    detail = await run_in_threadpool(call_detail, db, call_id)
    if detail is None:
        return not_found_page(request, scopes, f"call {call_id!r}")
    roles = sorted({s.role for s in detail.segments})
    series = {
        role: [s.score if s.role == role else None for s in detail.segments] for role in roles
    }
    return render(
        request,
        "call.html",
        scopes,
        page="portfolio",
        c=detail,
        positions=[s.position + 1 for s in detail.segments],
        series=series,
    )
