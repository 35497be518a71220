"""``GET /api/v1/contacts`` and ``GET /api/v1/contacts/{id}``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from crmsense.api.deps import DbDep, Limit, NoNul, Offset, ReadKey
from crmsense.api.errors import error_responses, not_found
from crmsense.api.queries.contacts import contact_detail, contact_page
from crmsense.api.schemas import ContactDetail, ContactSummary, Page

router = APIRouter(prefix="/api/v1", tags=["contacts"], responses=error_responses(401, 403, 422))


@router.get("/contacts", response_model=Page[ContactSummary])
async def list_contacts(
    db: DbDep,
    _: ReadKey,
    account_id: Annotated[str | None, Query(description="Only this account's."), NoNul] = None,
    q: Annotated[str | None, Query(description="Part of the name or e-mail."), NoNul] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[ContactSummary]:
    """Contacts with their message counts, by account."""
    return await run_in_threadpool(contact_page, db, account_id, q, limit, offset)


@router.get("/contacts/{contact_id}", response_model=ContactDetail, responses=error_responses(404))
async def get_contact(contact_id: Annotated[str, NoNul], db: DbDep, _: ReadKey) -> ContactDetail:
    """One contact: sentiment trend, curtness against their baseline, surveys, messages."""
    detail = await run_in_threadpool(contact_detail, db, contact_id)
    if detail is None:
        raise not_found("contact", contact_id, "list them at GET /api/v1/contacts")
    return detail
