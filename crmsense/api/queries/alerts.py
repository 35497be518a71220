"""Alerts: the queue with its filters, one alert, and the actions on it.

The alert shape and the state changes are :mod:`crmsense.alerts`' own
(:func:`~crmsense.alerts.views.views`, :func:`~crmsense.alerts.lifecycle.transition`);
this module adds the queue's filters, paging and the ``overdue`` flag.
"""

from __future__ import annotations

__all__ = ["AlertFilter", "act_on_alert", "alert_page", "get_alert", "overdue"]

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Text, cast, func, select

from crmsense.alerts.config import Playbook
from crmsense.alerts.lifecycle import ACTIVE
from crmsense.api.queries.common import t
from crmsense.api.schemas import AlertOut, Page
from crmsense.store import models as m
from crmsense.store.db import Database

Action = Literal["ack", "resolve", "dismiss"]


@dataclass(frozen=True, slots=True)
class AlertFilter:
    """Which alerts to list; empty fields do not filter. ``statuses`` default: active."""

    statuses: Sequence[str] = ACTIVE
    severity: str | None = None
    assignee: str | None = None
    role: str | None = None
    account: str | None = None
    rule: str | None = None


def overdue(alert: dict[str, Any], now: datetime) -> bool:
    """Still to act on (queued, open or acknowledged) and past its due time."""
    due = alert["due_at"]
    return alert["status"] in ACTIVE and due is not None and datetime.fromisoformat(due) < now


def _shape(views: list[dict[str, Any]]) -> list[AlertOut]:
    now = datetime.now(UTC)
    return [AlertOut(**v, overdue=overdue(v, now)) for v in views]


def alert_page(db: Database, f: AlertFilter, limit: int = 50, offset: int = 0) -> Page[AlertOut]:
    """Alerts matching ``f``: most severe first, then by due time (undated last)."""
    from crmsense.alerts.views import queue_order, views

    alert, acc = t(m.Alert), t(m.Account)
    where: list[ColumnElement[bool]] = []
    if f.statuses:
        where.append(alert.c.status.in_(list(f.statuses)))
    if f.severity:
        where.append(alert.c.severity == f.severity)
    if f.rule:
        where.append(alert.c.rule == f.rule)
    if f.account:
        where.append(acc.c.external_id == f.account)
    assignees = func.lower(cast(alert.c.assignees, Text))
    if f.assignee:
        where.append(assignees.contains(json.dumps(f.assignee.strip().lower()), autoescape=True))
    if f.role:
        where.append(assignees.contains(json.dumps(f.role.lower()) + ":", autoescape=True))
    joined = alert.join(acc, acc.c.id == alert.c.account_id)
    with db.session() as session:
        total = session.execute(select(func.count()).select_from(joined).where(*where)).scalar_one()
        ids = list(
            session.execute(
                select(alert.c.id)
                .select_from(joined)
                .where(*where)
                .order_by(*queue_order(alert.c.severity, alert.c.due_at, alert.c.id))
                .limit(limit)
                .offset(offset)
            ).scalars()
        )
        items = _shape(views(session, ids))
    return Page[AlertOut](items=items, total=total, limit=limit, offset=offset)


def get_alert(db: Database, alert_id: int) -> AlertOut | None:
    """One alert, or None when there is no such id."""
    from crmsense.alerts.views import views

    with db.session() as session:
        found = _shape(views(session, [alert_id]))
    return found[0] if found else None


def act_on_alert(
    db: Database, alert_id: int, action: Action, reason: str | None, playbook: Playbook
) -> AlertOut:
    """Acknowledge, resolve or dismiss (as a false positive) one alert."""
    from crmsense.alerts.lifecycle import transition

    view = transition(db, alert_id, action, playbook, reason=reason or None)
    return _shape([view])[0]
