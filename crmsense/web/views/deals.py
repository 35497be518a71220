"""Page 4, deals at risk (``/deals``): open deals ranked by risk with their signals."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from crmsense.api.deps import DbDep
from crmsense.api.queries.deals import DealFilter, deal_page
from crmsense.web.common import Session, filter_text, page_links, page_offset, render

router = APIRouter()
PAGE_SIZE = 50


@router.get("/deals")
async def deals(
    request: Request,
    db: DbDep,
    scopes: Session,
    level: str = "",
    owner: str = "",
    offset: int = 0,
) -> HTMLResponse:
    filters = DealFilter(
        level=level if level in ("low", "medium", "high") else None, owner=filter_text(owner)
    )
    page = await run_in_threadpool(deal_page, db, filters, PAGE_SIZE, page_offset(offset))
    params = {"level": level, "owner": owner}
    prev_url, next_url = page_links("/deals", params, page)
    return render(
        request,
        "deals.html",
        scopes,
        page="deals",
        deals=page,
        params=params,
        prev_url=prev_url,
        next_url=next_url,
    )
