"""What crmsense writes back to a CRM, read from the workspace database.

:func:`push_plan` returns, for the accounts and deals that came from one CRM:

* **fields**: health score and band, sentiment trend (from the latest signals, when
  ``crmsense run`` has computed them), last message sentiment (from the analyses), and
  deal risk score;
* **tasks**: one per alert, with the CRM owner of the account or deal (the CRM's own
  owner field, kept at pull time), due date, priority by severity, and the evidence;
  resolved and dismissed alerts become completed tasks;
* **notes**: one per high-severity alert (an escalation), with its evidence.

Missing inputs are skipped with a message, never pushed as zeros.
"""

from __future__ import annotations

__all__ = ["FieldUpdate", "PushPlan", "push_plan"]

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from sqlalchemy import Table, and_, func, select

from crmsense.connectors.base import PUSH_FIELDS, NoteSpec, TaskSpec
from crmsense.store import models as m
from crmsense.store.db import Database
from crmsense.store.models import table_of as _t

_PRIORITY: dict[str, Literal["high", "normal", "low"]] = {
    "high": "high", "moderate": "normal", "low": "low",
}  # fmt: skip
_OPEN = ("open", "acknowledged")
_MAX_EVIDENCE = 5


@dataclass(frozen=True, slots=True)
class FieldUpdate:
    """Canonical fields (``crmsense.connectors.base.PUSH_FIELDS``) for one CRM record."""

    kind: Literal["account", "deal"]
    external_id: str
    fields: dict[str, Any]


@dataclass
class PushPlan:
    fields: list[FieldUpdate] = field(default_factory=list)
    tasks: list[TaskSpec] = field(default_factory=list)
    notes: list[NoteSpec] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _last_sentiment(db: Database, source: str, column: str) -> dict[str, str]:
    """External id of account/deal → label of its latest analysed inbound message."""
    msg, ana = _t(m.Message), _t(m.Analysis)
    owner = _t(m.Account) if column == "account_id" else _t(m.Deal)
    scored = and_(ana.c.subject_type == "message", ana.c.subject_id == msg.c.id,
                  ana.c.unscored.is_(None), ana.c.label.isnot(None))  # fmt: skip
    latest = (
        select(msg.c[column].label("owner"), func.max(msg.c.timestamp).label("ts"))
        .join(ana, scored)
        .where(msg.c.direction == "inbound", msg.c[column].isnot(None))
        .group_by(msg.c[column])
        .subquery()
    )
    query = (
        select(owner.c.external_id, ana.c.label, ana.c.created_at)
        .join(latest, latest.c.owner == owner.c.id)
        .join(msg, and_(msg.c[column] == owner.c.id, msg.c.timestamp == latest.c.ts))
        .join(ana, scored)
        .where(owner.c.source == source)
        .order_by(ana.c.created_at)
    )
    with db.engine.connect() as conn:
        return {ext: label for ext, label, _ in conn.execute(query)}


def _latest(db: Database, snapshot: Table, owner: Table, key: str, source: str) -> list[Any]:
    """Each CRM record's latest snapshot row (by day), for records from ``source``."""
    newest = (
        select(snapshot.c[key].label("owner"), func.max(snapshot.c.day).label("day"))
        .group_by(snapshot.c[key])
        .subquery()
    )
    query = (
        select(owner.c.external_id, snapshot)
        .join(newest, and_(newest.c.owner == snapshot.c[key], newest.c.day == snapshot.c.day))
        .join(owner, owner.c.id == snapshot.c[key])
        .where(owner.c.source == source)
    )
    with db.engine.connect() as conn:
        return list(conn.execute(query).mappings())


def _signals(db: Database, source: str) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Latest health per account and risk per deal from ``crmsense run``; empty if none."""
    choices = {spec.name: spec.choices for spec in PUSH_FIELDS["account"]}
    health: dict[str, dict[str, Any]] = {}
    for row in _latest(db, _t(m.HealthSnapshot), _t(m.Account), "account_id", source):
        values = {"health_score": row["score"], "health_band": row["band"],
                  "sentiment_trend": row["trend"]}  # fmt: skip
        health[row["external_id"]] = {
            k: round(v, 1) if isinstance(v, float) else v
            for k, v in values.items()
            if v is not None and (not choices[k] or v in choices[k])
        }
    risks = {
        row["external_id"]: round(row["score"], 1)
        for row in _latest(db, _t(m.DealRiskSnapshot), _t(m.Deal), "deal_id", source)
    }
    return health, risks


def _lines(value: Any) -> list[str]:
    """Reasons/evidence JSON as readable lines, whatever its exact shape."""
    if isinstance(value, dict):
        items = value.get("items") if isinstance(value.get("items"), list) else None
        if items is None:
            return [f"{k}: {_inline(v)}" for k, v in value.items()]
        value = items
    if isinstance(value, list):
        return [_inline(v) for v in value]
    return [_inline(value)] if value not in (None, "") else []


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        excerpt = value.get("excerpt") or value.get("text")
        ident = value.get("message_id") or value.get("id")
        if excerpt:
            return f"“{excerpt}”" + (f" ({ident})" if ident else "")
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _alert_body(alert: dict[str, Any]) -> str:
    parts = [alert["action"]]
    reasons = _lines(alert["reasons"])
    if reasons:
        parts.append("Why:\n" + "\n".join(f"- {r}" for r in reasons))
    evidence = _lines(alert["evidence"])[:_MAX_EVIDENCE]
    if evidence:
        parts.append("Evidence:\n" + "\n".join(f"- {e}" for e in evidence))
    parts.append(f"crmsense alert {alert['id']} ({alert['rule']}, {alert['severity']})")
    return "\n\n".join(parts)


def _alerts(db: Database, source: str) -> list[dict[str, Any]]:
    al, acc, deal = _t(m.Alert), _t(m.Account), _t(m.Deal)
    query = (
        select(
            al,
            acc.c.external_id.label("account_ext"),
            acc.c.extra.label("account_extra"),
            deal.c.external_id.label("deal_ext"),
            deal.c.extra.label("deal_extra"),
            deal.c.source.label("deal_source"),
        )
        .join(acc, acc.c.id == al.c.account_id)
        .outerjoin(deal, deal.c.id == al.c.deal_id)
        .where(acc.c.source == source)
        .order_by(al.c.id)
    )
    with db.engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def push_plan(db: Database, source: str) -> PushPlan:
    """Everything to write back to CRM ``source`` (``"hubspot"`` …), read from ``db``."""
    plan = PushPlan()
    health, risks = _signals(db, source)
    if not health and not risks:
        plan.skipped.append(
            "no health scores or deal risks computed yet (run `crmsense run`); "
            "pushing last-message sentiment and alerts only"
        )
    account_sentiment = _last_sentiment(db, source, "account_id")
    for ext in sorted(set(health) | set(account_sentiment)):
        values = {**health.get(ext, {}), "last_message_sentiment": account_sentiment.get(ext)}
        fields = {k: v for k, v in values.items() if v is not None}
        if fields:
            plan.fields.append(FieldUpdate("account", ext, fields))
    deal_sentiment = _last_sentiment(db, source, "deal_id")
    for ext in sorted(set(risks) | set(deal_sentiment)):
        values = {
            "deal_risk_score": risks.get(ext),
            "last_message_sentiment": deal_sentiment.get(ext),
        }
        fields = {k: v for k, v in values.items() if v is not None}
        if fields:
            plan.fields.append(FieldUpdate("deal", ext, fields))
    for alert in _alerts(db, source):
        on_deal = alert["deal_ext"] is not None and alert["deal_source"] == source
        owner_extra = (alert["deal_extra"] if on_deal else alert["account_extra"]) or {}
        key = f"alert:{alert['id']}"
        due = alert["due_at"] or alert["created_at"] + timedelta(days=1)
        plan.tasks.append(
            TaskSpec(
                key=key,
                subject=f"{alert['severity'].capitalize()}: {alert['action']}"[:250],
                body=_alert_body(alert),
                due=due,
                priority=_PRIORITY.get(alert["severity"], "normal"),
                account_id=alert["account_ext"],
                deal_id=alert["deal_ext"] if on_deal else None,
                owner_id=owner_extra.get("crm_owner_id"),
                done=alert["status"] not in _OPEN,
            )
        )
        if alert["severity"] == "high":
            plan.notes.append(
                NoteSpec(
                    key=key,
                    title=f"Escalation: {alert['rule']}",
                    body=_alert_body(alert),
                    account_id=alert["account_ext"],
                    deal_id=alert["deal_ext"] if on_deal else None,
                    timestamp=alert["created_at"],
                )
            )
    return plan
