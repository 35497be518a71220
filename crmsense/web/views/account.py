"""Page 2, one account (``/accounts/{id}``): why its health is what it is."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from crmsense.api.deps import DbDep
from crmsense.api.queries.accounts import account_detail
from crmsense.web.common import Session, not_found_page, render
from crmsense.web.format import chart, timestamps

router = APIRouter()


@router.get("/accounts/{account_id}")
async def account(request: Request, account_id: str, db: DbDep, scopes: Session) -> HTMLResponse:
    detail = await run_in_threadpool(account_detail, db, account_id)
    if detail is None:
        return not_found_page(request, scopes, f"account {account_id!r}")
    nps = [s for s in detail.surveys if s.kind == "nps"]
    csat = [s for s in detail.surveys if s.kind == "csat"]
    return render(
        request,
        "account.html",
        scopes,
        page="portfolio",
        a=detail,
        sentiment_chart=chart(
            timestamps(detail.series.weeks),
            {"overall": detail.series.overall, **detail.series.channels},
        ),
        nps=nps,
        csat=csat,
        next_url=request.url.path,
    )
