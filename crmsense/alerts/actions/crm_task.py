"""``crm_task.v1``: the alert as a task (and, when high, a note) in the CRM the account
came from, through the connectors (:mod:`crmsense.connectors`).

The task is what ``crmsense sync CRM --push`` writes for the alert — owner from the CRM's
own owner field, due date, priority by severity, the evidence — pushed at once; the
stored task id makes a second delivery (e.g. when the alert is resolved) update it.
Alerts on accounts from another source are skipped with a note in the delivery log.
"""

from __future__ import annotations

__all__ = ["CrmTaskOptions", "CrmTaskSink"]

from pathlib import Path
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from crmsense.alerts.actions import Delivery, DeliveryRefused


class CrmTaskOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    crm: Literal["hubspot", "salesforce", "zoho"]
    config: Path | None = None


class CrmTaskSink:
    Options: ClassVar[type[BaseModel]] = CrmTaskOptions

    def __init__(self, options: CrmTaskOptions) -> None:
        self.options = options

    def deliver(self, delivery: Delivery) -> str:
        from crmsense.connectors import CONNECTORS, CRMS
        from crmsense.connectors.pushback import PushPlan, push_plan
        from crmsense.connectors.sync import push

        connector = CONNECTORS.get(CRMS[self.options.crm]).configured(self.options.config)
        try:
            key = f"alert:{delivery.payload['alert']['id']}"
            plan = push_plan(delivery.db, connector.source)
            only = PushPlan(tasks=[t for t in plan.tasks if t.key == key],
                            notes=[n for n in plan.notes if n.key == key])  # fmt: skip
            if not only.tasks:
                return f"skipped: the account is not from {self.options.crm}"
            report = push(delivery.db, connector, plan=only)
        finally:
            connector.close()
        if report.failures:
            raise DeliveryRefused("; ".join(report.failures))
        if not report.pushed:
            return "nothing to write: the alert was closed before its task was pushed"
        return ", ".join(f"{k} {v}" for k, v in sorted(report.pushed.items()))
