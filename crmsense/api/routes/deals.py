"""``GET /api/v1/deals`` (open deals by risk) and ``GET /api/v1/deals/{id}``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from crmsense.api.deps import DbDep, Limit, NoNul, Offset, ReadKey
from crmsense.api.errors import error_responses, not_found
from crmsense.api.queries.deals import DealFilter, deal_detail, deal_page
from crmsense.api.schemas import DealDetail, DealSummary, Page

router = APIRouter(prefix="/api/v1", tags=["deals"], responses=error_responses(401, 403, 422))


@router.get("/deals", response_model=Page[DealSummary])
async def list_deals(
    db: DbDep,
    _: ReadKey,
    level: Literal["low", "medium", "high"] | None = None,
    owner: Annotated[str | None, Query(description="The deal owner's e-mail."), NoNul] = None,
    account_id: Annotated[str | None, NoNul] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[DealSummary]:
    """Open deals ranked by risk (highest first), each with its contributing signals."""
    filters = DealFilter(level=level, owner=owner, account=account_id)
    return await run_in_threadpool(deal_page, db, filters, limit, offset)


@router.get("/deals/{deal_id}", response_model=DealDetail, responses=error_responses(404))
async def get_deal(deal_id: Annotated[str, NoNul], db: DbDep, _: ReadKey) -> DealDetail:
    """One open deal: risk, signals, the messages they cite, and its calls."""
    detail = await run_in_threadpool(deal_detail, db, deal_id)
    if detail is None:
        raise not_found("open deal", deal_id, "list them at GET /api/v1/deals")
    return detail
