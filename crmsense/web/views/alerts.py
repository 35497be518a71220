"""Page 3, the alert queue (``/alerts``): my alerts by severity and due time, with
one-click acknowledge, resolve and dismiss-as-false-positive."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from crmsense.alerts.config import ROLES
from crmsense.alerts.lifecycle import ACTIVE, STATUSES
from crmsense.api.deps import DbDep, PlaybookDep
from crmsense.api.queries.alerts import Action, AlertFilter, alert_page
from crmsense.api.routes.alerts import act
from crmsense.api.security import has_scope
from crmsense.web.common import (
    Session,
    filter_text,
    page_links,
    page_offset,
    page_url,
    render,
    safe_next,
)

router = APIRouter()
PAGE_SIZE = 50


@router.get("/alerts")
async def alert_queue(
    request: Request,
    db: DbDep,
    scopes: Session,
    assignee: str = "",
    role: str = "",
    severity: str = "",
    status: str = "active",
    account_id: str = "",
    offset: int = 0,
) -> HTMLResponse:
    statuses = ACTIVE if status == "active" else STATUSES if status == "all" else (status,)
    filters = AlertFilter(
        statuses=statuses if set(statuses) <= set(STATUSES) else ACTIVE,
        severity=severity if severity in ("low", "moderate", "high") else None,
        assignee=filter_text(assignee),
        role=role if role in ROLES else None,
        account=filter_text(account_id),
    )
    page = await run_in_threadpool(alert_page, db, filters, PAGE_SIZE, page_offset(offset))
    params = {"assignee": assignee, "role": role, "severity": severity, "status": status,
              "account_id": account_id}  # fmt: skip
    prev_url, next_page_url = page_links("/alerts", params, page)
    return render(
        request,
        "alerts.html",
        scopes,
        page="alerts",
        alerts=page,
        params=params,
        roles=ROLES,
        statuses=("active", *STATUSES, "all"),
        next_url=page_url("/alerts", params),
        prev_url=prev_url,
        next_page_url=next_page_url,
    )


@router.post("/alerts/{alert_id}/{action}")
async def alert_action(
    alert_id: int,
    action: Action,
    db: DbDep,
    scopes: Session,
    playbook: PlaybookDep,
    reason: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/alerts",
) -> RedirectResponse:
    """The same actions without JavaScript: a form post, then back to the page."""
    if not has_scope(scopes, "write"):
        raise HTTPException(403, "this key lacks the 'write' scope")
    await act(db, alert_id, action, reason.strip(), playbook)
    return RedirectResponse(safe_next(next), status_code=303)
