"""What a push writes, read from the workspace: signals, last sentiment, alerts → tasks/notes."""

from __future__ import annotations

from crmsense.connectors.pushback import push_plan
from crmsense.ingest.pipeline import ingest_records
from crmsense.store import Database

from .helpers import add_alert, add_analysis, add_deal_risk, add_health, set_alert_status


def workspace(db: Database) -> Database:
    report = ingest_records(db, [
        {"type": "account", "id": "1", "name": "Acme", "source": "hubspot",
         "crm_owner_id": "101"},
        {"type": "deal", "id": "d1", "account_id": "1", "source": "hubspot",
         "crm_owner_id": "102"},
        {"type": "message", "id": "m1", "channel": "email", "account_id": "1", "deal_id": "d1",
         "timestamp": "2026-10-01T10:00:00Z", "text": "Fine.", "source": "hubspot"},
        {"type": "message", "id": "m2", "channel": "email", "account_id": "1",
         "timestamp": "2026-10-03T10:00:00Z", "text": "Terrible.", "source": "hubspot"},
        {"type": "account", "id": "1", "name": "Acme from a file"},
    ])  # fmt: skip
    assert report.rejected == []
    return db


def test_without_signals_only_sentiment_is_pushed_and_the_gap_is_said(memory_db: Database) -> None:
    db = workspace(memory_db)
    add_analysis(db, "hubspot", "m1", "positive")
    add_analysis(db, "hubspot", "m2", "negative")
    plan = push_plan(db, "hubspot")
    assert [(u.kind, u.external_id, u.fields) for u in plan.fields] == [
        ("account", "1", {"last_message_sentiment": "negative"}),  # the latest message
        ("deal", "d1", {"last_message_sentiment": "positive"}),
    ]
    assert "crmsense run" in plan.skipped[0]


def test_latest_snapshot_wins_and_unknown_values_are_not_pushed(memory_db: Database) -> None:
    db = workspace(memory_db)
    add_health(db, "hubspot", "1", day=1, score=80.0, band="green", trend="stable")
    add_health(db, "hubspot", "1", day=2, score=35.25, band="red", trend="insufficient")
    add_deal_risk(db, "hubspot", "d1", day=1, score=20.0)
    add_deal_risk(db, "hubspot", "d1", day=2, score=77.66)
    plan = push_plan(db, "hubspot")
    fields = {(u.kind, u.external_id): u.fields for u in plan.fields}
    assert fields[("account", "1")] == {"health_score": 35.2, "health_band": "red"}
    assert fields[("deal", "d1")] == {"deal_risk_score": 77.7}
    assert plan.skipped == []
    assert push_plan(db, "salesforce").fields == []  # another CRM's records are not its own


def test_alerts_become_tasks_with_crm_owner_priority_and_state(memory_db: Database) -> None:
    db = workspace(memory_db)
    on_deal = add_alert(db, "hubspot", "1", deal="d1", severity="high")
    on_account = add_alert(db, "hubspot", "1", severity="moderate", rule="health_red")
    add_alert(db, "local", "1", severity="high")  # an account imported from a file: not pushed
    set_alert_status(db, on_account, "dismissed")
    plan = push_plan(db, "hubspot")
    tasks = {t.key: t for t in plan.tasks}
    assert set(tasks) == {f"alert:{on_deal}", f"alert:{on_account}"}
    deal_task = tasks[f"alert:{on_deal}"]
    assert (deal_task.priority, deal_task.owner_id, deal_task.deal_id) == ("high", "102", "d1")
    assert deal_task.due.isoformat() == "2026-10-06T09:00:00+00:00" and not deal_task.done
    assert "“We still cannot log in”" in deal_task.body and "NPS 3" in deal_task.body
    account_task = tasks[f"alert:{on_account}"]
    assert (account_task.priority, account_task.owner_id, account_task.done) == (
        "normal",
        "101",
        True,
    )
    assert [n.key for n in plan.notes] == [f"alert:{on_deal}"]  # escalations only
