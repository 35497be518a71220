"""``GET /api/v1/calls/{id}``: a call per speaker, with the customer's trajectory."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from crmsense.api.deps import DbDep, NoNul, ReadKey
from crmsense.api.errors import error_responses, not_found
from crmsense.api.queries.calls import call_detail
from crmsense.api.schemas import CallDetail

router = APIRouter(prefix="/api/v1", tags=["calls"], responses=error_responses(401, 403, 422))


@router.get("/calls/{call_id}", response_model=CallDetail, responses=error_responses(404))
async def get_call(call_id: Annotated[str, NoNul], db: DbDep, _: ReadKey) -> CallDetail:
    """The transcript with each segment's sentiment, each speaker's and role's sentiment,
    and the trajectory from the opening to the closing third (from the stored analysis)."""
    detail = await run_in_threadpool(call_detail, db, call_id)
    if detail is None:
        raise not_found("call", call_id, "calls are listed on GET /api/v1/accounts/{id}")
    return detail
