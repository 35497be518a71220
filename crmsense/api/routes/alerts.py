"""``GET /api/v1/alerts`` (the queue) and the actions: ack, resolve, dismiss."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.concurrency import run_in_threadpool

from crmsense.alerts.config import Playbook
from crmsense.alerts.lifecycle import ACTIVE
from crmsense.api.deps import DbDep, Limit, NoNul, Offset, PlaybookDep, ReadKey, WriteKey
from crmsense.api.errors import error_responses, not_found
from crmsense.api.queries.alerts import Action, AlertFilter, act_on_alert, alert_page, get_alert
from crmsense.api.schemas import AlertActionRequest, AlertOut, AlertStatus, Page
from crmsense.errors import InputError
from crmsense.store.db import Database

router = APIRouter(prefix="/api/v1", tags=["alerts"], responses=error_responses(401, 403, 422))
HINT = "list them at GET /api/v1/alerts"
#: Alert ids are database integers; larger ones cannot exist (and overflow the query).
MAX_ALERT_ID = 2_147_483_647


@router.get("/alerts", response_model=Page[AlertOut])
async def list_alerts(
    db: DbDep,
    _: ReadKey,
    status: Annotated[
        list[AlertStatus] | None,
        Query(description="Repeat for several; default: queued, open, acknowledged."),
    ] = None,
    severity: Literal["low", "moderate", "high"] | None = None,
    assignee: Annotated[str | None, Query(description="An assignee's e-mail."), NoNul] = None,
    role: Annotated[str | None, Query(description="An assignee role, e.g. csm."), NoNul] = None,
    account_id: Annotated[str | None, NoNul] = None,
    rule: Annotated[str | None, NoNul] = None,
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
    if not 0 < alert_id <= MAX_ALERT_ID:
        raise not_found("alert", alert_id, HINT)
    found = await run_in_threadpool(get_alert, db, alert_id)
    if found is None:
        raise not_found("alert", alert_id, HINT)
    return found


async def act(
    db: Database, alert_id: int, action: Action, reason: str | None, playbook: Playbook
) -> AlertOut:
    """Apply ``action`` to the alert: 404 for an unknown id, 409 when its status forbids it.

    The dashboard's form posts use it too.
    """
    if not 0 < alert_id <= MAX_ALERT_ID:
        raise not_found("alert", alert_id, HINT)
    try:
        return await run_in_threadpool(act_on_alert, db, alert_id, action, reason, playbook)
    except InputError as exc:
        if exc.code == "E130":
            raise not_found("alert", alert_id, HINT) from exc
        if exc.code == "E131":
            raise HTTPException(409, str(exc.args[0])) from exc
        raise


#: Each action's route name and description (``POST /api/v1/alerts/{id}/<action>``).
ACTIONS: dict[Action, tuple[str, str]] = {
    "ack": ("acknowledge", "Acknowledge: someone is on it (queued or open alerts)."),
    "resolve": ("resolve", "Resolve: the follow-up happened; completes the recovery plan, if any."),
    "dismiss": (
        "dismiss",
        "Dismiss as a false positive, optionally with the reason (feeds precision metrics).",
    ),
}


def _action_route(action: Action) -> Callable[..., Awaitable[AlertOut]]:
    async def route(
        alert_id: int,
        db: DbDep,
        _: WriteKey,
        playbook: PlaybookDep,
        body: AlertActionRequest | None = None,
    ) -> AlertOut:
        return await act(db, alert_id, action, body.reason if body else None, playbook)

    return route


for _action, (_name, _doc) in ACTIONS.items():
    router.add_api_route(
        f"/alerts/{{alert_id}}/{_action}",
        _action_route(_action),
        methods=["POST"],
        name=_name,
        description=_doc,
        response_model=AlertOut,
        responses=error_responses(404, 409),
    )
