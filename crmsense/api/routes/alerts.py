"""``GET /api/v1/alerts`` (the queue) and the actions: ack, resolve, dismiss."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.concurrency import run_in_threadpool

from crmsense.alerts.config import Playbook
from crmsense.alerts.lifecycle import ACTIVE
from crmsense.api.deps import DbDep, Limit, Offset, PlaybookDep, ReadKey, WriteKey
from crmsense.api.errors import error_responses, not_found
from crmsense.api.queries.alerts import Action, AlertFilter, act_on_alert, alert_page, get_alert
from crmsense.api.schemas import AlertActionRequest, AlertOut, AlertStatus, Page
from crmsense.errors import InputError
from crmsense.store.db import Database

router = APIRouter(prefix="/api/v1", tags=["alerts"], responses=error_responses(401, 403, 422))
HINT = "list them at GET /api/v1/alerts"


@router.get("/alerts", response_model=Page[AlertOut])
async def list_alerts(
    db: DbDep,
    _: ReadKey,
    status: Annotated[
        list[AlertStatus] | None,
        Query(description="Repeat for several; default: queued, open, acknowledged."),
    ] = None,
    severity: Literal["low", "moderate", "high"] | None = None,
    assignee: Annotated[str | None, Query(description="An assignee's e-mail.")] = None,
    role: Annotated[str | None, Query(description="An assignee role, e.g. csm.")] = None,
    account_id: str | None = None,
    rule: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[AlertOut]:
    """Alerts, most severe first, then by due time; ``overdue`` marks those past due."""
    filters = AlertFilter(
        statuses=status or ACTIVE,
        severity=severity,
        assignee=assignee,
        role=role,
        account=account_id,
        rule=rule,
    )
    return await run_in_threadpool(alert_page, db, filters, limit, offset)


@router.get("/alerts/{alert_id}", response_model=AlertOut, responses=error_responses(404))
async def get_one(alert_id: int, db: DbDep, _: ReadKey) -> AlertOut:
    """One alert with its evidence, reasons and recovery plan."""
    found = await run_in_threadpool(get_alert, db, alert_id)
    if found is None:
        raise not_found("alert", alert_id, HINT)
    return found


async def _act(
    db: Database, alert_id: int, action: Action, body: AlertActionRequest | None, playbook: Playbook
) -> AlertOut:
    reason = body.reason if body else None
    try:
        return await run_in_threadpool(act_on_alert, db, alert_id, action, reason, playbook)
    except InputError as exc:
        if exc.code == "E130":
            raise not_found("alert", alert_id, HINT) from exc
        if exc.code == "E131":
            raise HTTPException(409, str(exc.args[0])) from exc
        raise


ACTION_RESPONSES = error_responses(404, 409)


@router.post("/alerts/{alert_id}/ack", response_model=AlertOut, responses=ACTION_RESPONSES)
async def acknowledge(
    alert_id: int,
    db: DbDep,
    _: WriteKey,
    playbook: PlaybookDep,
    body: AlertActionRequest | None = None,
) -> AlertOut:
    """Acknowledge: someone is on it (queued or open alerts)."""
    return await _act(db, alert_id, "ack", body, playbook)


@router.post("/alerts/{alert_id}/resolve", response_model=AlertOut, responses=ACTION_RESPONSES)
async def resolve(
    alert_id: int,
    db: DbDep,
    _: WriteKey,
    playbook: PlaybookDep,
    body: AlertActionRequest | None = None,
) -> AlertOut:
    """Resolve: the follow-up happened; completes the recovery plan, if any."""
    return await _act(db, alert_id, "resolve", body, playbook)


@router.post("/alerts/{alert_id}/dismiss", response_model=AlertOut, responses=ACTION_RESPONSES)
async def dismiss(
    alert_id: int,
    db: DbDep,
    _: WriteKey,
    playbook: PlaybookDep,
    body: AlertActionRequest | None = None,
) -> AlertOut:
    """Dismiss as a false positive, optionally with the reason (feeds precision metrics)."""
    return await _act(db, alert_id, "dismiss", body, playbook)
