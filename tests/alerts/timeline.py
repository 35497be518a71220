"""Account histories replayed through time: interchange records at absolute times, and
the pipeline a deployment runs (ingest → analyse with rules.v1 → signals → alerts).

``Timeline`` builds records; ``Replay.step(as_of)`` ingests what was added since the last
step and runs the whole pipeline at ``as_of``, as ``crmsense run`` would on that day.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from crmsense.alerts.config import Playbook, load_playbook
from crmsense.alerts.engine import EvaluationReport, evaluate
from crmsense.analysis.api import load_engine
from crmsense.analysis.stored import analyze_stored
from crmsense.ingest.pipeline import ingest_records
from crmsense.signals.compute import compute_signals
from crmsense.store import Database
from crmsense.store import models as m

#: A Monday morning.
T0 = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)

POSITIVE = [
    "Thanks so much for the quick fix, the team is really happy with it.",
    "Great news, the new dashboard works perfectly for us.",
    "Really appreciate your help yesterday, everything is running smoothly now.",
    "Excellent support as always, thank you!",
]
NEUTRAL = [
    "Can you confirm the export runs on Fridays?",
    "Please add Maria to the account as an admin.",
    "What is the limit on API calls per hour?",
]
NEGATIVE = [
    "This is the third outage this month and it is not acceptable.",
    "We are very frustrated, the sync has been broken for days.",
    "This issue is a blocker for us and nobody has fixed it yet.",
    "The latest release broke our reports again. Really disappointed.",
]
TRANSACTIONAL = [
    "Could you resend invoice #{n} for March?",
    "Your receipt for order #{n} is attached.",
    "Payment confirmation: invoice #{n} has been paid.",
    "Can we reschedule Thursday's call to 3pm?",
]


def iso(t: datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


@dataclass
class Timeline:
    """Records of one or more accounts; every record has an absolute time."""

    records: list[dict[str, Any]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    def account(self, id: str, *, arr: float = 50_000, segment: str | None = "mid-market",
                csm: str | None = None, **owners: str) -> str:  # fmt: skip
        owners = {"csm": csm or f"csm@{id}.example", "csm_manager": "lead@vendor.example",
                  "account_executive": f"ae@{id}.example", **owners}  # fmt: skip
        self.records.append({"type": "account", "id": id, "name": id.title(), "arr": arr,
                             "segment": segment, "owners": owners})  # fmt: skip
        self.contact(f"{id}-c", id)
        return id

    def contact(self, id: str, account: str, role: str | None = None) -> str:
        self.records.append({"type": "contact", "id": id, "account_id": account,
                             "email": f"{id}@{account}.example", "role": role})  # fmt: skip
        return id

    def message(self, account: str, at: datetime, text: str, *, channel: str = "email",
                inbound: bool = True, contact: str | None = None, **extra: Any) -> str:  # fmt: skip
        id = self.next_id(f"{account}-m")
        self.records.append({
            "type": "message", "id": id, "channel": channel, "account_id": account,
            "contact_id": contact or (f"{account}-c" if inbound else None),
            "direction": "inbound" if inbound else "outbound", "timestamp": iso(at),
            "text": text, **extra,
        })  # fmt: skip
        return id

    def call(self, account: str, at: datetime, title: str,
             segments: list[tuple[str, str, str]]) -> str:  # fmt: skip
        """A call transcript: ``(speaker, role, text)`` segments."""
        id = self.next_id(f"{account}-call")
        self.records.append({
            "type": "call", "id": id, "account_id": account, "timestamp": iso(at),
            "title": title,
            "segments": [{"speaker": s, "role": r, "text": t} for s, r, t in segments],
        })  # fmt: skip
        return id

    def survey(self, account: str, at: datetime, kind: str, score: float,
               comment: str | None = None, contact: str | None = None) -> str:  # fmt: skip
        id = self.next_id(f"{account}-s")
        self.records.append({"type": "survey", "id": id, "kind": kind, "score": score,
                             "comment": comment, "account_id": account,
                             "contact_id": contact or f"{account}-c",
                             "timestamp": iso(at)})  # fmt: skip
        return id

    def deal(self, account: str, id: str, *, stage: str = "Negotiation", index: int = 4,
             count: int = 5, owner: str | None = None) -> str:  # fmt: skip
        self.records.append({"type": "deal", "id": id, "account_id": account, "name": id,
                             "stage": stage, "stage_index": index, "stage_count": count,
                             "owner": owner or f"rep@{account}.example"})  # fmt: skip
        return id

    def activity(self, account: str, at: datetime, kind: str = "csm_call") -> None:
        self.records.append({"type": "activity", "account_id": account, "kind": kind,
                             "timestamp": iso(at)})  # fmt: skip

    def usage(self, account: str, at: datetime, active: int, licensed: int = 100) -> None:
        self.records.append({"type": "usage", "account_id": account,
                             "date": at.date().isoformat(), "active_users": active,
                             "licensed_users": licensed})  # fmt: skip

    # -- composite histories ----------------------------------------------------------

    def healthy(self, account: str, end: datetime, *, days: int = 60) -> None:
        """Friendly conversation, good usage and regular CSM calls up to ``end``."""
        for i, day in enumerate(range(days, 0, -3)):
            self.message(account, end - timedelta(days=day), POSITIVE[i % len(POSITIVE)])
            self.message(account, end - timedelta(days=day, hours=-2), NEUTRAL[i % 3],
                         inbound=False)  # fmt: skip
        for day in range(days, 0, -7):
            self.usage(account, end - timedelta(days=day), 85)
        self.activity(account, end - timedelta(days=10))

    def noise(self, account: str, end: datetime, *, days: int = 30) -> None:
        """Transactional mail, angry-sounding auto-replies and one ambiguous e-mail."""
        for i, day in enumerate(range(days, 0, -3)):
            self.message(account, end - timedelta(days=day, hours=3),
                         TRANSACTIONAL[i % len(TRANSACTIONAL)].format(n=4400 + i))  # fmt: skip
        for day in (12, 7, 2):
            self.message(account, end - timedelta(days=day, hours=4),
                         "I am currently out of the office until Monday. This is wrong and "
                         "unacceptable, we are furious.", auto_reply=True)  # fmt: skip
        self.message(account, end - timedelta(days=days // 2, hours=6), "Not great.")

    def billing_terse(self, account: str, end: datetime) -> None:
        """A billing contact's terse, negative-sounding e-mails on three days."""
        billing = self.contact(f"{account}-billing", account, role="billing")
        for day in (12, 7, 2):
            self.message(account, end - timedelta(days=day, hours=5),
                         "Invoice total wrong. Not acceptable. Fix.", contact=billing)  # fmt: skip


class Replay:
    """Runs the pipeline over a timeline, step by step through time."""

    def __init__(self, db: Database, timeline: Timeline, playbook: Playbook | None = None):
        self.db, self.timeline = db, timeline
        self.playbook = playbook or load_playbook()
        self.ingested = 0

    def step(self, as_of: datetime) -> EvaluationReport:
        """Ingest new records, analyse, compute signals and evaluate alerts at ``as_of``."""
        self.prepare(as_of)
        return evaluate(self.db, self.playbook, as_of)

    def prepare(self, as_of: datetime) -> None:
        """Everything :meth:`step` does before evaluating alerts."""
        fresh = self.timeline.records[self.ingested :]
        if fresh:
            report = ingest_records(self.db, fresh)
            assert report.exit_code == 0, [str(r) for r in report.rejected]
            self.ingested = len(self.timeline.records)
        analyze_stored(self.db, load_engine("rules.v1"))
        compute_signals(self.db, as_of, engine="rules.v1")


def alerts(db: Database) -> list[dict[str, Any]]:
    """Every alert, in id order, with the fields scenario tests compare."""
    with db.session() as s:
        rows = s.execute(
            select(m.Alert, m.Account.external_id)
            .join(m.Account, m.Account.id == m.Alert.account_id)
            .order_by(m.Alert.id)
        ).all()
        return [
            {"id": a.id, "account": ext, "rule": a.rule, "severity": a.severity,
             "status": a.status, "assignees": dict(a.assignees), "created_at": a.created_at,
             "due_at": a.due_at, "action": a.action, "reasons": list(a.reasons),
             "evidence": list(a.evidence), "anchor_at": a.anchor_at, "updated_at": a.updated_at}
            for a, ext in rows
        ]  # fmt: skip


def fired(db: Database) -> set[tuple[str, str, str]]:
    """(account, rule, severity) of every alert."""
    return {(a["account"], a["rule"], a["severity"]) for a in alerts(db)}


def at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A time ``day`` days after :data:`T0` (a Monday), at ``hour``:``minute`` UTC."""
    return T0.replace(hour=hour, minute=minute) + timedelta(days=day)
