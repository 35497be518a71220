"""The outbox: alert events waiting for delivery, retried with backoff, logged.

:func:`enqueue` adds one row per sink that accepts the alert (its ``min_severity`` and
``rules``), in the same transaction that opens or changes the alert — so an alert is
never lost to a failed delivery, and a delivery never goes out for an alert that was
rolled back. :func:`deliver_pending` sends what is due: a success marks the row
``sent``; a failure is logged and retried after ``backoff × 2^(attempt-1)`` (at most six
hours) until ``max_attempts``, then the row is ``failed`` — kept, and sent again by
``deliver_pending(retry_failed=True)`` (``crmsense alerts deliver --retry-failed``).
"""

from __future__ import annotations

__all__ = ["DeliveryReport", "deliver_pending", "enqueue"]

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmsense.alerts.actions import SINKS, Delivery, DeliveryRefused
from crmsense.errors import CrmsenseError
from crmsense.store import models as m
from crmsense.store.db import Database

if TYPE_CHECKING:
    from crmsense.alerts.config import Playbook

MAX_BACKOFF = timedelta(hours=6)


def enqueue(session: Session, playbook: Playbook, alert: m.Alert, event: str,
            payload: dict[str, Any], now: datetime) -> int:  # fmt: skip
    """Queue ``event`` of ``alert`` for every sink that accepts it; returns how many."""
    queued = 0
    for name, sink in playbook.sinks.items():
        if not sink.accepts(alert.rule, alert.severity):
            continue
        session.add(m.AlertDelivery(
            alert_id=alert.id, sink=name, event=event, payload={"event": event, "alert": payload},
            status="pending", attempts=0, next_attempt_at=now, log=[], created_at=now,
        ))  # fmt: skip
        queued += 1
    return queued


@dataclass
class DeliveryReport:
    """What a delivery pass did, per outcome: sent, retry (failed, will retry), failed."""

    counts: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"sent": self.counts["sent"], "retry": self.counts["retry"],
                "failed": self.counts["failed"], "errors": self.errors}  # fmt: skip


def _attempt(playbook: Playbook, row: m.AlertDelivery, db: Database) -> str:
    sink_config = playbook.sinks.get(row.sink)
    if sink_config is None:
        raise DeliveryRefused(f"sink {row.sink!r} is no longer configured — add it back under "
                              f"[sinks.{row.sink}] and retry with --retry-failed")  # fmt: skip
    sink_class = SINKS.get(sink_config.type)
    sink = sink_class(sink_class.Options.model_validate(sink_config.options))
    return sink.deliver(Delivery(row.id, row.event, row.payload, row.attempts + 1, db))


def deliver_pending(
    db: Database, playbook: Playbook, *, now: datetime | None = None, limit: int = 500,
    alert_ids: Sequence[int] | None = None, retry_failed: bool = False,
) -> DeliveryReport:  # fmt: skip
    """Deliver the outbox rows that are due (optionally only for ``alert_ids``)."""
    now = now or datetime.now(UTC)
    report = DeliveryReport()
    d = m.AlertDelivery
    statuses = ("pending", "failed") if retry_failed else ("pending",)
    query = select(d).where(d.status.in_(statuses)).order_by(d.id).limit(limit)
    if not retry_failed:
        query = query.where(d.next_attempt_at <= now)
    if alert_ids is not None:
        query = query.where(d.alert_id.in_(list(alert_ids)))
    with db.session() as session:
        rows = session.scalars(query).all()
        session.expunge_all()
    for row in rows:
        entry: dict[str, Any] = {"at": now.isoformat(), "attempt": row.attempts + 1}
        try:
            entry["result"] = _attempt(playbook, row, db)
            status, next_at, error = "sent", None, None
        except CrmsenseError as exc:
            error = str(exc)
            entry["error"] = error
            sink = playbook.sinks.get(row.sink)  # None: refused by _attempt
            if (
                isinstance(exc, DeliveryRefused)
                or sink is None
                or row.attempts + 1 >= sink.max_attempts
            ):
                status, next_at = "failed", None
            else:
                status, next_at = "pending", now + min(MAX_BACKOFF, sink.backoff * 2**row.attempts)
            report.errors.append(f"delivery {row.id} ({row.sink}, alert {row.alert_id}): {error}")
        with db.session() as session:
            stored = session.get(d, row.id)
            assert stored is not None
            stored.attempts += 1
            stored.status, stored.next_attempt_at, stored.last_error = status, next_at, error
            stored.log = [*stored.log, entry]
            if status == "sent":
                stored.delivered_at = now
        report.counts["retry" if status == "pending" else status] += 1
    return report
