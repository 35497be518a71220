"""Are alerts trusted and acted on, and did the follow-up help?

:func:`alert_metrics` reports, as of a time:

* **volume**: alerts per severity (tier) and per rule, by status;
* **SLA**: of the alerts that had a due time and are due (or were acted on), the share
  first acted on — acknowledged, resolved or dismissed — by their due time;
* **median hours to first action**, from when the alert opened;
* **precision from feedback**: confirmed (acknowledged or resolved) ÷ (confirmed +
  dismissed as false positive), overall and per rule;
* **recovery outcomes**: for resolved alerts, whether health (the latest snapshot after
  resolution vs the score when the alert was raised) and NPS (the first answer after
  resolution vs the latest before the alert) improved.

:func:`export_feedback` writes the messages behind dismissed alerts as ``text,label``
rows (label ``neutral`` by default: they were read as negative, wrongly) for
``crmsense train --data``.
"""

from __future__ import annotations

__all__ = ["alert_metrics", "export_feedback"]

import csv
import statistics
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from crmsense.alerts import signalfacts
from crmsense.alerts.config import SEVERITIES
from crmsense.alerts.lifecycle import STATUSES
from crmsense.store import models as m
from crmsense.store.db import Database
from crmsense.store.types import to_utc

CONFIRMED = ("acknowledged", "resolved")


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _first_action(alert: m.Alert) -> datetime | None:
    times = [t for t in (alert.acknowledged_at, alert.closed_at) if t is not None]
    return min(times) if times else None


def _precision(statuses: Counter[str]) -> dict[str, Any]:
    confirmed = sum(statuses[s] for s in CONFIRMED)
    dismissed = statuses["dismissed"]
    return {"confirmed": confirmed, "dismissed": dismissed,
            "precision": _share(confirmed, confirmed + dismissed)}  # fmt: skip


def _sla(alerts: list[m.Alert], as_of: datetime) -> tuple[dict[str, Any], float | None]:
    due = met = 0
    hours: list[float] = []
    for a in alerts:
        first = _first_action(a)
        if first is not None and a.opened_at is not None:
            hours.append(max(0.0, (first - a.opened_at).total_seconds() / 3600))
        if a.due_at is None or (first is None and a.due_at > as_of):
            continue
        due += 1
        met += first is not None and first <= a.due_at
    median = round(statistics.median(hours), 2) if hours else None
    return {"due": due, "met": met, "share": _share(met, due)}, median


def _improved(pairs: list[tuple[float, float]]) -> dict[str, Any]:
    better = sum(after > before for before, after in pairs)
    return {"measured": len(pairs), "improved": better, "share": _share(better, len(pairs))}


def _recovery(db: Database, alerts: list[m.Alert], as_of: datetime) -> dict[str, Any]:
    resolved = [a for a in alerts if a.status == "resolved" and a.closed_at is not None]
    keys = sorted({a.account_id for a in resolved})
    with db.engine.connect() as conn:
        health = signalfacts.health_history(conn, keys, as_of) if keys else {}
        nps: dict[int, list[tuple[datetime, float]]] = defaultdict(list)
        if keys:
            for key, t, score in conn.execute(
                select(m.Survey.account_id, m.Survey.timestamp, m.Survey.score)
                .where(m.Survey.account_id.in_(keys), m.Survey.kind == "nps",
                       m.Survey.timestamp <= as_of)
                .order_by(m.Survey.timestamp)
            ):  # fmt: skip
                nps[key].append((t, score))
    health_pairs, nps_pairs = [], []
    for a in resolved:
        closed, context = a.closed_at, a.context or {}
        assert closed is not None
        before = context.get("health_score")
        after = [s for t, s in health.get(a.account_id, []) if t > closed and s is not None]
        if before is not None and after:
            health_pairs.append((float(before), after[-1]))
        before_nps = context.get("nps")
        later = [s for t, s in nps.get(a.account_id, []) if t > closed]
        if before_nps is not None and later:
            nps_pairs.append((float(before_nps), later[0]))
    return {"resolved": len(resolved), "health": _improved(health_pairs),
            "nps": _improved(nps_pairs)}  # fmt: skip


def alert_metrics(db: Database, as_of: datetime | None = None) -> dict[str, Any]:
    """Alert volume, SLA, time to first action, precision and recovery outcomes."""
    as_of = to_utc(as_of) if as_of else datetime.now(UTC)
    with db.session() as session:
        alerts = list(session.scalars(select(m.Alert).where(m.Alert.created_at <= as_of)))
        session.expunge_all()
    by_severity = Counter(a.severity for a in alerts)
    by_rule: dict[str, Counter[str]] = defaultdict(Counter)
    for a in alerts:
        by_rule[a.rule][a.status] += 1
    sla, median = _sla(alerts, as_of)
    return {
        "as_of": as_of.isoformat(),
        "total": len(alerts),
        "by_severity": {s: by_severity[s] for s in SEVERITIES},
        "by_rule": {rule: {"total": sum(c.values()), **{s: c[s] for s in STATUSES}}
                    for rule, c in sorted(by_rule.items())},
        "sla": sla,
        "median_hours_to_first_action": median,
        "precision": {**_precision(Counter(a.status for a in alerts)),
                      "by_rule": {rule: _precision(c) for rule, c in sorted(by_rule.items())}},
        "recovery": _recovery(db, alerts, as_of),
    }  # fmt: skip


def export_feedback(db: Database, out: Path, *, label: str = "neutral") -> int:
    """Write the messages behind dismissed alerts to ``out`` (CSV); returns the row count."""
    with db.session() as session:
        rows = session.execute(
            select(m.Alert.id, m.Alert.account_id, m.Alert.rule, m.Alert.status_reason,
                   m.Alert.evidence).where(m.Alert.status == "dismissed").order_by(m.Alert.id)
        ).all()  # fmt: skip
        wanted = {(r.account_id, e["message_id"]) for r in rows for e in r.evidence
                  if e.get("kind", "message") == "message"}  # fmt: skip
        texts: dict[tuple[int, str], str] = {}
        ids = sorted({i for _, i in wanted})
        for start in range(0, len(ids), 500):
            for account, ext, text in session.execute(
                select(m.Message.account_id, m.Message.external_id, m.Message.text)
                .where(m.Message.external_id.in_(ids[start : start + 500]))
            ):  # fmt: skip
                if (account, ext) in wanted:
                    texts[(account, ext)] = text
    written: set[tuple[int, str]] = set()
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label", "message_id", "alert_id", "rule", "reason"])
        for r in rows:
            for e in r.evidence:
                key = (r.account_id, e["message_id"])
                if key in texts and key not in written:
                    written.add(key)
                    writer.writerow([texts[key], label, e["message_id"], r.id, r.rule,
                                     r.status_reason or ""])  # fmt: skip
    return len(written)
