"""Lifecycle (open → acknowledged → resolved, or dismissed), assignee resolution, the
alert JSON shape, and the metrics computed from feedback and outcomes."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crmsense.alerts.config import load_playbook
from crmsense.alerts.lifecycle import resolve_assignees, transition
from crmsense.alerts.metrics import alert_metrics
from crmsense.alerts.views import get_alert, list_alerts
from crmsense.errors import InputError
from crmsense.store import Database
from crmsense.store import models as m

from .timeline import POSITIVE, Replay, Timeline, at

PLAYBOOK = load_playbook()
FIELDS = {"id", "account_id", "account_name", "deal_id", "rule", "severity", "assignees",
          "owners", "action", "created_at", "due_at", "status", "status_reason", "reasons",
          "evidence", "acknowledged_at", "closed_at", "updated_at", "recovery_plan"}  # fmt: skip


def _portfolio(db: Database) -> tuple[Replay, dict[tuple[str, str], dict[str, Any]]]:
    tl = Timeline()
    for name, arr, kind, score in (("a", 300_000, "nps", 2), ("b", 40_000, "csat", 2),
                                   ("c", 40_000, "nps", 6)):  # fmt: skip
        tl.account(name, arr=arr)
        tl.healthy(name, at(0))
        tl.survey(name, at(0, 8), kind, score, "Not good enough.")
    replay = Replay(db, tl)
    replay.step(at(0, 9))
    return replay, {(a["account_id"], a["rule"]): a for a in list_alerts(db)}


def test_alerts_list_in_the_documented_shape(db: Database) -> None:
    _, by_key = _portfolio(db)
    assert set(by_key) == {("a", "detractor_followup"), ("a", "tier_high"), ("b", "tier_low"),
                           ("c", "detractor_followup"), ("c", "tier_moderate")}  # fmt: skip
    rows = list_alerts(db)
    assert all(set(r) == FIELDS for r in rows)
    assert [r["severity"] for r in rows] == ["high", "moderate", "moderate", "moderate", "low"]
    high = by_key[("a", "tier_high")]
    assert high["assignees"] == ["csm_manager", "account_executive"]
    assert high["created_at"] == "2026-10-05T09:00:00Z" and high["due_at"] == "2026-10-07T09:00:00Z"
    assert high["recovery_plan"]["status"] == "open"
    assert high["evidence"][0]["excerpt"] == "Not good enough."
    assert [r["id"] for r in list_alerts(db, statuses=["open"], rule="tier_low")] == [
        by_key[("b", "tier_low")]["id"]
    ]
    assert [r["rule"] for r in list_alerts(db, account="c")] == ["detractor_followup",
                                                                 "tier_moderate"]  # fmt: skip


def test_transitions_and_the_recovery_plan_follow_the_alert(db: Database) -> None:
    _, by_key = _portfolio(db)
    high = by_key[("a", "tier_high")]["id"]
    view = transition(db, high, "ack", PLAYBOOK, at=at(0, 11))
    assert (view["status"], view["acknowledged_at"]) == ("acknowledged", "2026-10-05T11:00:00Z")
    view = transition(db, high, "resolve", PLAYBOOK, reason="exec call held", at=at(1, 9))
    assert view["status"] == "resolved" and view["closed_at"] == "2026-10-06T09:00:00Z"
    assert view["recovery_plan"]["status"] == "completed"
    assert view["recovery_plan"]["outcome"] == "exec call held"

    with pytest.raises(InputError, match="is resolved; only queued or open alerts can be "
                                         "acknowledged"):  # fmt: skip
        transition(db, high, "ack", PLAYBOOK)
    with pytest.raises(InputError, match="no alert 999"):
        transition(db, 999, "dismiss", PLAYBOOK)

    low = by_key[("b", "tier_low")]["id"]
    view = transition(db, low, "dismiss", PLAYBOOK, reason="one-off, customer happy")
    assert (view["status"], view["status_reason"]) == ("dismissed", "one-off, customer happy")
    assert get_alert(db, low)["status"] == "dismissed"


def test_assignee_roles_resolve_to_owners_fallbacks_and_addresses() -> None:
    roles = load_playbook(text='[roles]\naddresses = { agent = "desk@v.example" }\n').roles
    owners = {"csm": "c@x.example", "account_manager": "am@x.example"}
    assert resolve_assignees(["csm", "csm_manager", "agent"], owners, None, roles) == {
        "csm": "c@x.example",
        "csm_manager": None,
        "agent": "desk@v.example",
    }
    assert resolve_assignees(["csm"], {"account_manager": "am@x.example"}, None, roles) == {
        "csm": "am@x.example"
    }
    assert resolve_assignees(["deal_owner"], {"account_executive": "ae@x.example"},
                             "rep@x.example", roles) == {"deal_owner": "rep@x.example"}  # fmt: skip
    assert resolve_assignees(["deal_owner"], {"account_executive": "ae@x.example"}, None,
                             roles) == {"deal_owner": "ae@x.example"}  # fmt: skip


def test_metrics_from_actions_feedback_and_outcomes(db: Database) -> None:
    replay, by_key = _portfolio(db)

    def act(account: str, rule: str, action: str, when: Any, reason: str | None = None) -> None:
        transition(db, by_key[(account, rule)]["id"], action, PLAYBOOK, at=when,  # type: ignore[arg-type]
                   reason=reason)  # fmt: skip

    act("a", "tier_high", "ack", at(0, 11))  # 2 h
    act("a", "tier_high", "resolve", at(1, 9), "exec call held")
    act("a", "detractor_followup", "resolve", at(0, 15))  # 6 h
    act("c", "detractor_followup", "dismiss", at(2, 9), "joking")  # 48 h: after its due time
    act("c", "tier_moderate", "ack", at(0, 10))  # 1 h
    # After the follow-up the customer is happy again.
    for day in (1.5, 1.7, 2):
        replay.timeline.message("a", at(0, 9) + (at(1) - at(0)) * day, POSITIVE[0])
    replay.timeline.survey("a", at(2, 8), "nps", 10, "Great recovery, thank you!")
    replay.step(at(3, 8))

    report = alert_metrics(db, at(3, 9))
    assert report["total"] == 5
    assert report["by_severity"] == {"low": 1, "moderate": 3, "high": 1}
    assert report["by_rule"]["detractor_followup"] == {
        "total": 2,
        "queued": 0,
        "open": 0,
        "acknowledged": 0,
        "resolved": 1,
        "dismissed": 1,
    }
    # b's check-in is not due yet and untouched: it does not count towards the SLA.
    assert report["sla"] == {"due": 4, "met": 3, "share": 0.75}
    assert report["median_hours_to_first_action"] == 4.0
    assert report["precision"]["confirmed"] == 3 and report["precision"]["precision"] == 0.75
    assert report["precision"]["by_rule"]["detractor_followup"]["precision"] == 0.5
    assert report["recovery"]["resolved"] == 2
    assert report["recovery"]["nps"] == {"measured": 2, "improved": 2, "share": 1.0}
    assert report["recovery"]["health"]["measured"] == 2
    assert report["recovery"]["health"]["improved"] == 2
    with db.session() as s:
        assert s.scalar(select(m.RecoveryPlan.status)) == "completed"


def test_the_database_holds_one_active_alert_per_dedupe_key(db: Database) -> None:
    """A run and a webhook evaluating at the same moment cannot both open the alert."""
    _, by_key = _portfolio(db)
    alert_id = by_key[("b", "tier_low")]["id"]

    def copy() -> None:
        with db.session() as session:
            alert = session.get_one(m.Alert, alert_id)
            columns = {c.key: getattr(alert, c.key) for c in m.Alert.__table__.columns}
            session.add(m.Alert(**{**columns, "id": None, "status": "open"}))

    with pytest.raises(IntegrityError):
        copy()
    transition(db, alert_id, "dismiss", PLAYBOOK, reason="duplicate check")
    copy()  # a closed alert no longer blocks a new one for the same key
    with db.session() as session:
        rows = session.scalars(
            select(m.Alert.status).where(
                m.Alert.dedupe_key == session.get_one(m.Alert, alert_id).dedupe_key
            )
        ).all()
    assert sorted(rows) == ["dismissed", "open"]
