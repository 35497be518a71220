"""``GET /api/v1/accounts`` (the portfolio) and ``GET /api/v1/accounts/{id}``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from crmsense.api.deps import DbDep, Limit, NoNul, Offset, ReadKey
from crmsense.api.errors import error_responses, not_found
from crmsense.api.queries.accounts import AccountFilter, account_detail, account_page
from crmsense.api.schemas import AccountDetail, AccountSummary, Page

router = APIRouter(prefix="/api/v1", tags=["accounts"], responses=error_responses(401, 403, 422))


@router.get("/accounts", response_model=Page[AccountSummary])
async def list_accounts(
    db: DbDep,
    _: ReadKey,
    owner: Annotated[
        str | None, Query(description="Any owner's e-mail (CSM, AE, …)."), NoNul
    ] = None,
    segment: Annotated[str | None, NoNul] = None,
    band: Literal["green", "yellow", "red"] | None = None,
    policy: Literal["suppress", "standard", "advance"] | None = None,
    sort: Literal["name", "score", "band", "trend", "policy", "alerts", "arr", "renewal"] = (
        "score"
    ),
    order: Literal["asc", "desc"] = "asc",
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[AccountSummary]:
    """Accounts with their latest health, trend, outreach policy and open alerts.

    Sorted by ``sort`` (default: health score, worst first); accounts with no value for
    the sort key come last.
    """
    filters = AccountFilter(owner=owner, segment=segment, band=band, policy=policy)
    return await run_in_threadpool(account_page, db, filters, sort, order == "desc", limit, offset)


@router.get("/accounts/{account_id}", response_model=AccountDetail, responses=error_responses(404))
async def get_account(account_id: Annotated[str, NoNul], db: DbDep, _: ReadKey) -> AccountDetail:
    """One account: health breakdown, reasons, 90-day trend series per channel, recent
    messages with evidence spans, NPS/CSAT history, alerts to act on and calls."""
    detail = await run_in_threadpool(account_detail, db, account_id)
    if detail is None:
        raise not_found("account", account_id, "list them at GET /api/v1/accounts")
    return detail
