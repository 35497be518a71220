"""Evaluating the playbook: rules → candidates → de-duplicated, budgeted alerts.

For each account (and, for deal rules, each open deal) every enabled rule's condition
tree is evaluated on the account's facts. A match below the rule's ``min_confidence``
is dropped; within a rule ``group`` only one rule fires: the most severe that matched
(the first listed among equals), and a rule that fires silences the groups it
``outranks`` for that account (a customer saying they are leaving makes the declining
trend's review redundant). Then, per candidate, keyed by rule + account (+ deal):

* an **active** alert (queued, open, acknowledged) with that key is *updated* with the
  new evidence — never a second alert;
* after a **closed** one, a new alert needs a newer triggering event (its anchor) and
  the rule's ``cooldown`` to have passed since the last one closed;
* a new alert is **queued** instead of opened when its owner has already had
  ``daily_budget`` alerts opened that day (severities in ``budget_exempt`` are never
  queued); queued alerts are released, most severe first, as budget frees up.

Alert times are the evaluation's as-of time and due times run from it, so re-running on
the same data changes nothing. A changed playbook re-reads every account. Transactional
messages, auto-replies and unscored analyses never reach a rule (see
:mod:`crmsense.alerts.facts`). :func:`evaluate` runs incrementally (only accounts
touched since the last run); :func:`evaluate_chat_message` is the real-time path for
one chat message.
"""

from __future__ import annotations

__all__ = ["Candidate", "EvaluationReport", "candidates", "evaluate", "evaluate_chat_message"]

import string
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crmsense.alerts.actions.outbox import deliver_pending, enqueue
from crmsense.alerts.conditions import Match
from crmsense.alerts.config import Playbook, Rule, load_playbook, severity_rank
from crmsense.alerts.facts import AccountFacts, DealFacts, build_facts, touched_accounts, watermarks
from crmsense.alerts.lifecycle import ACTIVE, resolve_assignees
from crmsense.alerts.views import views
from crmsense.errors import InputError
from crmsense.store import models as m
from crmsense.store.db import Database
from crmsense.store.types import to_utc

MAX_EVIDENCE = 20
BATCH = 500


@dataclass(frozen=True, slots=True)
class Candidate:
    """A rule that matched one account (or one of its deals)."""

    rule: Rule
    facts: AccountFacts
    match: Match

    @property
    def deal(self) -> DealFacts | None:
        return self.facts.deal

    @property
    def key(self) -> str:
        deal = f":{self.deal.key}" if self.deal is not None else ""
        return f"{self.rule.name}:{self.facts.key}{deal}"


@dataclass
class EvaluationReport:
    """What an evaluation did."""

    as_of: datetime
    mode: str
    accounts: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    alert_ids: list[int] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(), "mode": self.mode, "accounts": self.accounts,
            **{k: self.counts[k] for k in ("candidates", "created", "queued", "updated",
                                           "released", "cooldown")},
            "seconds": round(self.seconds, 3),
        }  # fmt: skip


def candidates(facts: AccountFacts, rules: Sequence[Rule], as_of: datetime) -> list[Candidate]:
    """What ``rules`` raise on ``facts``: confident matches, one per group (and deal) —
    the most severe, the first listed among equals — less the groups a raised rule
    ``outranks`` for the same account (and deal)."""
    best: dict[tuple[str, int | None], Candidate] = {}
    for rule in rules:
        scopes = [facts.for_deal(d) for d in facts.deals] if rule.scope == "deal" else [facts]
        for scoped in scopes:
            match = rule.node.evaluate(scoped, as_of)
            if match is None or match.confidence < rule.min_confidence:
                continue
            slot = (rule.group, scoped.deal.key if scoped.deal else None)
            held = best.get(slot)
            if held is None or severity_rank(rule.severity) > severity_rank(held.rule.severity):
                best[slot] = Candidate(rule, scoped, match)
    silenced = {(group, deal) for (_, deal), c in best.items() for group in c.rule.outranks}
    return [c for slot, c in best.items() if slot not in silenced]


class _Values(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "n/a"


def _render(template: str, values: Mapping[str, Any]) -> str:
    return string.Formatter().vformat(template, (), _Values(values))


def _evidence(match: Match) -> list[dict[str, str]]:
    return [{"message_id": r.id, "kind": r.kind, "excerpt": r.excerpt} for r in match.evidence]


class _Budget:
    """Alerts opened per owner on the as-of day (in the playbook's time zone)."""

    def __init__(self, session: Session, playbook: Playbook, as_of: datetime) -> None:
        self.limit = playbook.settings.daily_budget
        self.exempt = set(playbook.settings.budget_exempt)
        self.start = playbook.calendar.day_start(as_of)
        self.end = self.start + timedelta(days=1)
        self.session = session
        self.used: dict[str, int] = {}

    def count(self, owner: str) -> int:
        if owner not in self.used:
            a = m.Alert
            self.used[owner] = self.session.scalar(
                select(func.count()).select_from(a).where(
                    a.owner == owner, a.opened_at >= self.start, a.opened_at < self.end)
            ) or 0  # fmt: skip
        return self.used[owner]

    def take(self, owner: str | None, severity: str) -> bool:
        """Whether an alert for ``owner`` may open now (and count it if so)."""
        if owner is None:
            return True
        if severity not in self.exempt and self.count(owner) >= self.limit:
            return False
        self.used[owner] = self.count(owner) + 1
        return True


class _Applier:
    """Turns candidates into alert rows within one session."""

    def __init__(self, session: Session, playbook: Playbook, as_of: datetime,
                 report: EvaluationReport) -> None:  # fmt: skip
        self.session, self.playbook, self.as_of, self.report = session, playbook, as_of, report
        self.budget = _Budget(session, playbook, as_of)

    def apply(self, found: Sequence[Candidate]) -> None:
        if not found:
            return
        latest: dict[str, m.Alert] = {}
        for alert in self.session.scalars(
            select(m.Alert).where(m.Alert.dedupe_key.in_({c.key for c in found}))
            .order_by(m.Alert.id)
        ):  # fmt: skip
            latest[alert.dedupe_key] = alert
        ordered = sorted(found, key=lambda c: (-severity_rank(c.rule.severity),
                                               c.match.anchor or self.as_of, c.key))  # fmt: skip
        for c in ordered:
            self.report.counts["candidates"] += 1
            previous = latest.get(c.key)
            if previous is not None and previous.status in ACTIVE:
                self._update(previous, c)
            elif previous is None or self._new_event(previous, c):
                latest[c.key] = self._create(c)

    def _new_event(self, previous: m.Alert, c: Candidate) -> bool:
        anchor = c.match.anchor
        if anchor is None or (previous.anchor_at is not None and anchor <= previous.anchor_at):
            return False
        if self.as_of < (previous.closed_at or previous.created_at) + c.rule.cooldown:
            self.report.counts["cooldown"] += 1
            return False
        return True

    def _update(self, alert: m.Alert, c: Candidate) -> None:
        known = {e["message_id"] for e in alert.evidence}
        new = [e for e in _evidence(c.match) if e["message_id"] not in known]
        newer = c.match.anchor is not None and (alert.anchor_at is None
                                                or c.match.anchor > alert.anchor_at)  # fmt: skip
        if not new and not newer:
            return
        alert.evidence = [*alert.evidence, *new][-MAX_EVIDENCE:]
        alert.reasons = list(c.match.reasons)
        alert.anchor_at = max(filter(None, (alert.anchor_at, c.match.anchor)))
        alert.confidence = c.match.confidence
        alert.updated_at = self.as_of
        self.report.counts["updated"] += 1
        self.report.alert_ids.append(alert.id)

    def _create(self, c: Candidate) -> m.Alert:
        rule, facts, as_of = c.rule, c.facts, self.as_of
        assignees = resolve_assignees(rule.assignees, facts.owners,
                                      c.deal.owner if c.deal else None,
                                      self.playbook.roles)  # fmt: skip
        owner = next((a for a in assignees.values() if a), None)
        due = self._due(rule)
        values = {
            "account": facts.id, "account_name": facts.name, "segment": facts.segment or "n/a",
            "arr": f"{facts.arr:,.0f}" if facts.arr is not None else "n/a",
            "severity": rule.severity, "rule": rule.name,
            "due": due.strftime("%Y-%m-%d %H:%M UTC") if due else "n/a", **c.match.values,
        }  # fmt: skip
        opens = self.budget.take(owner, rule.severity)
        nps = [s.score for s in facts.surveys if s.kind == "nps"]
        alert = m.Alert(
            account_id=facts.key, deal_id=c.deal.key if c.deal else None, rule=rule.name,
            severity=rule.severity, status="open" if opens else "queued", assignees=assignees,
            action=_render(rule.action, values), reasons=list(c.match.reasons),
            evidence=_evidence(c.match), dedupe_key=c.key, created_at=as_of, due_at=due,
            updated_at=as_of, anchor_at=c.match.anchor, opened_at=as_of if opens else None,
            owner=owner, confidence=c.match.confidence,
            context={"group": rule.group,
                     "health_score": facts.health.score if facts.health else None,
                     "health_band": facts.health.band if facts.health else None,
                     "nps": nps[-1] if nps else None},
        )  # fmt: skip
        self.session.add(alert)
        self.session.flush()
        if rule.plan:
            self.session.add(m.RecoveryPlan(
                alert_id=alert.id, account_id=facts.key, status="open",
                steps=[{"step": s, "done": False} for s in rule.plan], created_at=as_of,
                due_at=due,
            ))  # fmt: skip
        if opens:
            self._announce(alert)
        self.report.counts["created" if opens else "queued"] += 1
        self.report.alert_ids.append(alert.id)
        return alert

    def _due(self, rule: Rule | None) -> datetime | None:
        """Due times run from when the alert opens (``as_of``)."""
        if rule is None or rule.due is None:
            return None
        return rule.due.after(self.as_of, self.playbook.calendar)

    def _announce(self, alert: m.Alert) -> None:
        """Queue ``alert.opened`` for the sinks that take it (the payload only if one does)."""
        if not any(s.accepts(alert.rule, alert.severity) for s in self.playbook.sinks.values()):
            return
        self.session.flush()
        enqueue(self.session, self.playbook, alert, "alert.opened",
                views(self.session, [alert.id])[0], self.as_of)  # fmt: skip

    def release(self) -> None:
        """Open queued alerts, most severe and oldest first, while budgets allow."""
        queued = self.session.scalars(select(m.Alert).where(m.Alert.status == "queued")).all()
        for alert in sorted(queued, key=lambda a: (-severity_rank(a.severity), a.created_at,
                                                   a.id)):  # fmt: skip
            if self.budget.take(alert.owner, alert.severity):
                alert.status, alert.opened_at, alert.updated_at = "open", self.as_of, self.as_of
                rule = next((r for r in self.playbook.rules if r.name == alert.rule), None)
                alert.due_at = self._due(rule) or alert.due_at
                self._announce(alert)
                self.report.counts["released"] += 1
                self.report.alert_ids.append(alert.id)


def _keys(db: Database, accounts: Sequence[str]) -> list[int]:
    with db.engine.connect() as conn:
        found: dict[str, int] = {ext: key for ext, key in conn.execute(
            select(m.Account.external_id, m.Account.id)
            .where(m.Account.external_id.in_(list(accounts)))
        )}  # fmt: skip
    missing = sorted(set(accounts) - set(found))
    if missing:
        raise InputError(f"unknown account(s): {', '.join(missing)} — check the ids with "
                         "`crmsense accounts`", code="E132")  # fmt: skip
    return sorted(found.values())


def _apply(
    db: Database, playbook: Playbook, as_of: datetime, report: EvaluationReport,
    found: Sequence[Candidate],
) -> None:  # fmt: skip
    """Apply ``found`` in one transaction. If a concurrent evaluation (``crmsense run`` and a
    webhook at the same moment) opened an alert with the same dedupe key first, the unique
    index on active alerts rejects ours; one retry then updates that alert instead."""
    for attempt in (1, 2):
        counts, ids = Counter(report.counts), list(report.alert_ids)
        try:
            with db.session() as session:
                _Applier(session, playbook, as_of, report).apply(found)
            return
        except IntegrityError:
            report.counts, report.alert_ids = counts, ids
            if attempt == 2:
                raise


def _followup_wait(playbook: Playbook) -> timedelta:
    days = [n.params.min_days for r in playbook.rules for n in r.node.walk()  # type: ignore[attr-defined]
            if n.type == "unanswered_followup.v1"]  # fmt: skip
    return timedelta(days=min(days, default=1.0))


def _with_engine(db: Database, playbook: Playbook, engine: str | None = None) -> Playbook:
    """The playbook with ``settings.engine`` filled in: ``engine``, the configured one,
    else the engine whose analyses signals read."""
    from crmsense.signals.compute import resolve_engine

    engine = engine or playbook.settings.engine or resolve_engine(db, None)
    return replace(playbook, settings=playbook.settings.model_copy(update={"engine": engine}))


def evaluate(
    db: Database, playbook: Playbook | None = None, as_of: datetime | None = None, *,
    full: bool = False, accounts: Sequence[str] | None = None, deliver: bool = False,
) -> EvaluationReport:  # fmt: skip
    """Evaluate the playbook at ``as_of`` (default now) and store the resulting alerts.

    Incremental unless ``full`` (or there was no earlier run): only accounts touched
    since the last evaluation are read. ``accounts`` (external ids) limits the run to
    those. ``deliver`` sends the queued sink deliveries afterwards.
    """
    clock, started = time.perf_counter(), datetime.now(UTC)
    playbook = _with_engine(db, playbook or load_playbook())
    as_of = to_utc(as_of) if as_of else started
    with db.engine.connect() as conn:
        last = conn.execute(select(m.AlertRun).order_by(m.AlertRun.id.desc()).limit(1)).first()
        marks: dict[str, Any] = {**watermarks(conn), "playbook": playbook.fingerprint}
        if accounts is not None:
            mode, keys = "accounts", _keys(db, accounts)
        elif full or last is None or last.marks.get("playbook") != playbook.fingerprint:
            mode, keys = "full", list(conn.execute(select(m.Account.id)).scalars())
        else:
            mode = "incremental"
            keys = sorted(touched_accounts(conn, last.marks, last.started_at, last.as_of, as_of,
                                           _followup_wait(playbook)))  # fmt: skip
    report = EvaluationReport(as_of, mode, len(keys))
    for offset in range(0, len(keys), BATCH):
        chunk = keys[offset : offset + BATCH]
        with db.engine.connect() as conn:
            facts = build_facts(conn, chunk, as_of, playbook)
        _apply(
            db,
            playbook,
            as_of,
            report,
            [c for f in facts for c in candidates(f, playbook.rules, as_of)],
        )
    with db.session() as session:
        _Applier(session, playbook, as_of, report).release()
        report.seconds = time.perf_counter() - clock
        session.add(m.AlertRun(as_of=as_of, started_at=started, finished_at=datetime.now(UTC),
                               mode=mode, marks=marks, counts=report.to_dict()))  # fmt: skip
    if deliver:
        deliver_pending(db, playbook)
    return report


def evaluate_chat_message(
    db: Database, message_id: int, playbook: Playbook | None = None, *,
    engine: str | None = None, deliver: bool = True,
) -> list[dict[str, Any]]:  # fmt: skip
    """The real-time path: analyse one stored chat message (database id) if needed,
    evaluate the real-time rules on its session, and return the alerts raised or updated
    (as JSON). Their deliveries are sent at once when ``deliver``."""
    from crmsense.analysis.api import load_engine
    from crmsense.analysis.stored import analyze_stored

    playbook = _with_engine(db, playbook or load_playbook(), engine)
    with db.engine.connect() as conn:
        row = conn.execute(
            select(m.Message.account_id, m.Message.thread_id, m.Message.channel,
                   m.Message.timestamp).where(m.Message.id == message_id)
        ).first()  # fmt: skip
    if row is None:
        raise InputError(f"no message with id {message_id}", code="E133")
    if row.channel != "chat" or not row.thread_id:
        return []
    analyze_stored(db, load_engine(playbook.settings.engine or "rules.v1"),
                   thread_id=row.thread_id)  # fmt: skip
    rules = [r for r in playbook.rules if r.realtime]
    report = EvaluationReport(row.timestamp, "chat")
    with db.engine.connect() as conn:
        facts = build_facts(conn, [row.account_id], row.timestamp, playbook, thread=row.thread_id)
    _apply(
        db,
        playbook,
        row.timestamp,
        report,
        [c for f in facts for c in candidates(f, rules, row.timestamp)],
    )
    with db.session() as session:
        out = views(session, list(dict.fromkeys(report.alert_ids)))
    if deliver and report.alert_ids:
        deliver_pending(db, playbook, alert_ids=report.alert_ids)
    return out
