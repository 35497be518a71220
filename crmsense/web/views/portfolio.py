"""Page 1, the portfolio (``/``): accounts by health, filterable and sortable."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from crmsense.api.deps import DbDep
from crmsense.api.queries.accounts import SORTS, AccountFilter, account_page
from crmsense.store import models as m
from crmsense.store.db import Database
from crmsense.web.common import Session, filter_text, page_links, page_offset, page_url, render

router = APIRouter()
PAGE_SIZE = 50
#: Sort keys whose natural first order is descending (biggest first).
DESCENDING_FIRST = {"arr", "alerts"}
COLUMNS = (
    ("name", "Account"),
    ("score", "Health"),
    ("trend", "Trend"),
    (None, "Sentiment, 90 days"),
    ("policy", "Outreach"),
    ("alerts", "Open alerts"),
    ("arr", "ARR"),
    ("renewal", "Renewal"),
)


def _segments(db: Database) -> list[str]:
    with db.engine.connect() as conn:
        query = select(m.Account.segment).where(m.Account.segment.isnot(None)).distinct()
        return sorted(s for s in conn.execute(query).scalars() if s)


@router.get("/")
async def portfolio(
    request: Request,
    db: DbDep,
    scopes: Session,
    owner: str = "",
    segment: str = "",
    band: str = "",
    policy: str = "",
    sort: str = "score",
    order: str = "",
    offset: int = 0,
) -> HTMLResponse:
    sort = sort if sort in SORTS else "score"
    order = order if order in ("asc", "desc") else ("desc" if sort in DESCENDING_FIRST else "asc")
    filters = AccountFilter(
        owner=filter_text(owner),
        segment=filter_text(segment),
        band=band if band in ("green", "yellow", "red") else None,
        policy=policy if policy in ("suppress", "standard", "advance") else None,
    )
    page = await run_in_threadpool(
        account_page, db, filters, sort, order == "desc", PAGE_SIZE, page_offset(offset)
    )
    params = {"owner": owner, "segment": segment, "band": band, "policy": policy,
              "sort": sort, "order": order}  # fmt: skip

    def sort_url(key: str) -> str:
        flip = "asc" if order == "desc" else "desc"
        first = "desc" if key in DESCENDING_FIRST else "asc"
        return page_url("/", params, sort=key, order=flip if key == sort else first)

    prev_url, next_url = page_links("/", params, page)
    return render(
        request,
        "portfolio.html",
        scopes,
        page="portfolio",
        accounts=page,
        params=params,
        columns=COLUMNS,
        sort_url=sort_url,
        segments=await run_in_threadpool(_segments, db),
        prev_url=prev_url,
        next_url=next_url,
    )
