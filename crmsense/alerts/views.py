"""Alerts as people and systems see them: one JSON shape for the CLI, the API and sinks.

Per alert: ``id``, ``account_id`` (the account's external id), ``account_name``,
``deal_id``, ``rule``, ``severity`` (low / moderate / high), ``assignees`` (roles),
``owners`` (role → address, null when nobody holds the role), ``action``,
``created_at``, ``due_at``, ``status``, ``status_reason``, ``reasons``, ``evidence``
(``[{message_id, kind, excerpt}]``), ``acknowledged_at``, ``closed_at``, ``updated_at``
and ``recovery_plan`` (``{status, steps, due_at, closed_at, outcome}`` or null).
"""

from __future__ import annotations

__all__ = ["alert_json", "get_alert", "list_alerts", "queue_order", "views"]

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import SQLColumnExpression, case, select
from sqlalchemy.orm import Session, aliased

from crmsense.errors import InputError
from crmsense.store import models as m
from crmsense.store.db import Database


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def alert_json(
    alert: m.Alert, account: m.Account, deal: m.Deal | None, plan: m.RecoveryPlan | None
) -> dict[str, Any]:
    """The public shape of one alert."""
    return {
        "id": alert.id, "account_id": account.external_id, "account_name": account.name,
        "deal_id": deal.external_id if deal is not None else None, "rule": alert.rule,
        "severity": alert.severity, "assignees": list(alert.assignees),
        "owners": dict(alert.assignees), "action": alert.action,
        "created_at": _iso(alert.created_at), "due_at": _iso(alert.due_at),
        "status": alert.status, "status_reason": alert.status_reason,
        "reasons": list(alert.reasons), "evidence": list(alert.evidence),
        "acknowledged_at": _iso(alert.acknowledged_at), "closed_at": _iso(alert.closed_at),
        "updated_at": _iso(alert.updated_at),
        "recovery_plan": None if plan is None else {
            "status": plan.status, "steps": plan.steps, "due_at": _iso(plan.due_at),
            "closed_at": _iso(plan.closed_at), "outcome": plan.outcome,
        },
    }  # fmt: skip


def _query() -> Any:
    deal = aliased(m.Deal)
    plan = aliased(m.RecoveryPlan)
    return (
        select(m.Alert, m.Account, deal, plan)
        .join(m.Account, m.Account.id == m.Alert.account_id)
        .outerjoin(deal, deal.id == m.Alert.deal_id)
        .outerjoin(plan, plan.alert_id == m.Alert.id)
    )


def queue_order(
    severity: SQLColumnExpression[str],
    due_at: SQLColumnExpression[datetime | None],
    ident: SQLColumnExpression[int],
) -> tuple[SQLColumnExpression[Any], ...]:
    """The alert queue's order: most severe first, then by due time (undated last) and id."""
    rank = case({"high": 0, "moderate": 1, "low": 2}, value=severity, else_=3)
    return rank, due_at.is_(None), due_at, ident


def views(session: Session, ids: Sequence[int]) -> list[dict[str, Any]]:
    """The alerts ``ids`` (in that order) as JSON."""
    rows = session.execute(_query().where(m.Alert.id.in_(list(ids)))).all()
    found = {row[0].id: alert_json(*row) for row in rows}
    return [found[i] for i in ids if i in found]


def list_alerts(
    db: Database, *, statuses: Sequence[str] = (), rule: str | None = None,
    account: str | None = None, owner: str | None = None, limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:  # fmt: skip
    """Alerts, most severe first, then by due time (undated last) and id."""
    query = _query().order_by(*queue_order(m.Alert.severity, m.Alert.due_at, m.Alert.id))
    if statuses:
        query = query.where(m.Alert.status.in_(list(statuses)))
    if rule:
        query = query.where(m.Alert.rule == rule)
    if account:
        query = query.where(m.Account.external_id == account)
    if owner:
        query = query.where(m.Alert.owner == owner)
    query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    with db.session() as session:
        return [alert_json(*row) for row in session.execute(query).all()]


def get_alert(db: Database, alert_id: int) -> dict[str, Any]:
    """One alert; an unknown id raises InputError."""
    with db.session() as session:
        found = views(session, [alert_id])
    if not found:
        raise InputError(f"no alert {alert_id} — list them with `crmsense alerts list`",
                         code="E130")  # fmt: skip
    return found[0]
