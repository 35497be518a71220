"""An alert's life: who gets it, when it is due, and how it moves to resolution.

States::

    queued ──(budget frees up)──▶ open ──ack──▶ acknowledged ──resolve──▶ resolved
       │                           │                  │
       └───────────── dismiss (a false positive, with an optional reason) ─▶ dismissed

Assignee roles resolve to the account's owners (``csm``, ``csm_manager``,
``account_executive`` and any other owner key on the account), ``deal_owner`` to the
deal's owner, and other roles (``agent``, ``marketing``) to ``[roles.addresses]``; a
role nobody holds falls back along ``[roles.fallbacks]`` (the CSM's fallback is the
account manager), else it stays unassigned (null). Due times run from when the alert
opens: hours on the wall clock, ``wd`` in working days of the playbook's calendar.

>>> from crmsense.alerts.config import load_playbook
>>> roles = load_playbook().roles
>>> resolve_assignees(("csm", "account_executive"), {"account_manager": "am@x.example"},
...                   None, roles)
{'csm': 'am@x.example', 'account_executive': 'am@x.example'}
"""

from __future__ import annotations

__all__ = [
    "ACTIVE",
    "CLOSED",
    "STATUSES",
    "resolve_assignees",
    "transition",
]

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Literal

from crmsense.alerts.config import Playbook, Roles
from crmsense.alerts.views import views
from crmsense.errors import InputError
from crmsense.store import models as m
from crmsense.store.db import Database
from crmsense.store.types import to_utc

ACTIVE = ("queued", "open", "acknowledged")
CLOSED = ("resolved", "dismissed")
STATUSES = (*ACTIVE, *CLOSED)
Action = Literal["ack", "resolve", "dismiss"]
#: action → (new status, the states it may start from)
TRANSITIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ack": ("acknowledged", ("queued", "open")),
    "resolve": ("resolved", ACTIVE),
    "dismiss": ("dismissed", ACTIVE),
}
_PLAN_END = {"resolved": "completed", "dismissed": "cancelled"}


def resolve_assignees(
    roles: Sequence[str], owners: Mapping[str, str], deal_owner: str | None, config: Roles
) -> dict[str, str | None]:
    """Role → address (or None) for an alert's ``roles``, in order."""
    held = {**config.addresses, **owners}
    if deal_owner:
        held["deal_owner"] = deal_owner
    out: dict[str, str | None] = {}
    for role in roles:
        chain = (role, *config.fallbacks.get(role, ()))
        out[role] = next((held[r] for r in chain if held.get(r)), None)
    return out


def transition(
    db: Database, alert_id: int, action: Action, playbook: Playbook, *,
    reason: str | None = None, at: datetime | None = None,
) -> dict[str, object]:  # fmt: skip
    """Acknowledge, resolve or dismiss alert ``alert_id``; returns the alert as JSON.

    Resolving completes the alert's recovery plan (dismissing cancels it), and the
    change is queued for the playbook's sinks.
    """
    from crmsense.alerts.actions.outbox import enqueue

    status, allowed = TRANSITIONS[action]
    at = to_utc(at) if at else datetime.now(UTC)
    with db.session() as session:
        alert = session.get(m.Alert, alert_id)
        if alert is None:
            raise InputError(f"no alert {alert_id} — list them with `crmsense alerts list`",
                             code="E130")  # fmt: skip
        if alert.status not in allowed:
            raise InputError(
                f"alert {alert_id} is {alert.status}; only {' or '.join(allowed)} alerts can "
                f"be {'acknowledged' if action == 'ack' else status}", code="E131",
            )  # fmt: skip
        alert.status, alert.updated_at = status, at
        alert.status_reason = reason or alert.status_reason
        if action == "ack":
            alert.acknowledged_at = at
            alert.opened_at = alert.opened_at or at
        else:
            alert.closed_at = at
        plan = session.query(m.RecoveryPlan).filter_by(alert_id=alert_id).one_or_none()
        if plan is not None and status in _PLAN_END:
            plan.status, plan.closed_at, plan.outcome = _PLAN_END[status], at, reason
        session.flush()
        view = views(session, [alert_id])[0]
        enqueue(session, playbook, alert, f"alert.{status}", view, at)
    return view
