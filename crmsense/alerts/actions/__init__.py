"""Where alerts go: pluggable sinks registered under stable names.

A sink has an ``Options`` schema (the keys of its ``[sinks.NAME]`` table besides
``type``, ``min_severity``, ``rules``, ``max_attempts`` and ``backoff``) and
``deliver(delivery) -> str``, which returns a short note for the delivery log or raises
:class:`~crmsense.errors.IntegrationError` (retried with backoff) or
:class:`DeliveryRefused` (the other side refused it for good: not retried). Deliveries go
through the outbox (:mod:`crmsense.alerts.actions.outbox`), written in the same
transaction as the alert, so a failed delivery never loses an alert.

Built in: ``webhook.v1`` (signed JSON), ``smtp.v1`` (e-mail), ``slack.v1`` (incoming
webhook), ``crm_task.v1`` (a task in HubSpot, Salesforce or Zoho through the connectors).
Third parties register theirs in the ``crmsense.sinks`` entry-point group.
"""

from __future__ import annotations

__all__ = ["SINKS", "Delivery", "DeliveryRefused", "Sink", "summary"]

from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel

from crmsense.errors import IntegrationError
from crmsense.registry import Registry
from crmsense.store.db import Database


class DeliveryRefused(IntegrationError):
    """The receiving side refused the delivery for good (e.g. HTTP 400): not retried."""

    code = "E521"


@dataclass(frozen=True, slots=True)
class Delivery:
    """One outbox entry being delivered: ``payload`` is ``{"event": …, "alert": {…}}``."""

    id: int
    event: str
    payload: dict[str, Any]
    attempt: int
    db: Database


class Sink(Protocol):
    Options: ClassVar[type[BaseModel]]

    def __init__(self, options: Any) -> None: ...

    def deliver(self, delivery: Delivery) -> str: ...


SINKS: Registry[type[Sink]] = Registry("sinks")
SINKS.register("webhook.v1", "crmsense.alerts.actions.webhook:WebhookSink")
SINKS.register("smtp.v1", "crmsense.alerts.actions.smtp:SmtpSink")
SINKS.register("slack.v1", "crmsense.alerts.actions.slack:SlackSink")
SINKS.register("crm_task.v1", "crmsense.alerts.actions.crm_task:CrmTaskSink")


def summary(payload: dict[str, Any]) -> tuple[str, str]:
    """A subject line and a plain-text body for an alert event (e-mail, chat).

    >>> subject, body = summary({"event": "alert.opened", "alert": {
    ...     "id": 7, "severity": "high", "rule": "tier_high", "account_id": "acme",
    ...     "action": "Call them", "due_at": None, "reasons": ["NPS 2"],
    ...     "evidence": [{"message_id": "s1", "excerpt": "Too slow"}]}})
    >>> subject
    '[crmsense] high: Call them (acme)'
    >>> print(body.splitlines()[-1])
    - s1: “Too slow”
    """
    alert = payload["alert"]
    subject = f"[crmsense] {alert['severity']}: {alert['action']} ({alert['account_id']})"
    lines = [
        f"{alert['action']}",
        "",
        f"Alert {alert['id']} ({alert['rule']}, {alert['severity']}) on account "
        f"{alert['account_id']}: {payload['event'].removeprefix('alert.')}",
    ]
    if alert.get("due_at"):
        lines.append(f"Due: {alert['due_at']}")
    if alert.get("reasons"):
        lines += ["", "Why:", *(f"- {r}" for r in alert["reasons"])]
    if alert.get("evidence"):
        lines += [
            "",
            "Evidence:",
            *(f"- {e['message_id']}: “{e['excerpt']}”" for e in alert["evidence"]),
        ]
    return subject[:250], "\n".join(lines)
