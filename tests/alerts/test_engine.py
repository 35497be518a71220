"""The engine's false-positive controls on both databases: de-duplication (updated with
new evidence, never a second open alert), cooldowns, per-owner daily budgets (lower
tiers queued, then released), transactional/auto-reply/unscored text never triggering,
and incremental evaluation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select, update

from crmsense.alerts.config import load_playbook
from crmsense.alerts.engine import evaluate, evaluate_chat_message
from crmsense.alerts.facts import build_facts
from crmsense.alerts.lifecycle import transition
from crmsense.store import Database
from crmsense.store import models as m

from .timeline import NEGATIVE, Replay, Timeline, alerts, at

PLAYBOOK = load_playbook()


def _detractor(tl: Timeline, account: str = "acme") -> None:
    tl.account(account)
    tl.healthy(account, at(0))


def test_an_open_alert_is_updated_with_new_evidence_not_duplicated(db: Database) -> None:
    tl = Timeline()
    _detractor(tl)
    first = tl.survey("acme", at(0, 8), "nps", 6, "Slow support.")
    replay = Replay(db, tl)
    replay.step(at(0, 9))
    tl.contact("acme-c2", "acme")
    second = tl.survey("acme", at(2, 8), "nps", 5, "Reports break.", contact="acme-c2")
    report = replay.step(at(2, 9))

    assert report.counts["created"] == 0 and report.counts["updated"] == 2
    rows = [a for a in alerts(db) if a["rule"] == "detractor_followup"]
    assert len(rows) == 1
    assert [e["message_id"] for e in rows[0]["evidence"]] == [first, second]
    assert rows[0]["updated_at"] == at(2, 9) and rows[0]["created_at"] == at(0, 9)
    assert rows[0]["anchor_at"] == at(2, 8)
    assert replay.step(at(2, 9)).counts["updated"] == 0  # same data: nothing changes


def test_a_closed_alert_waits_for_a_new_event_and_the_cooldown(db: Database) -> None:
    tl = Timeline()
    _detractor(tl)
    tl.survey("acme", at(0, 8), "nps", 6, "Slow support.")
    replay = Replay(db, tl)
    replay.step(at(0, 9))
    ids = {a["rule"]: a["id"] for a in alerts(db)}
    transition(db, ids["detractor_followup"], "resolve", PLAYBOOK, at=at(1, 9))
    transition(db, ids["tier_moderate"], "resolve", PLAYBOOK, at=at(1, 9))

    # The same answer, evaluated again in full after resolution: no new alert.
    assert evaluate(db, PLAYBOOK, at(2, 9), full=True).counts["created"] == 0
    # A new detractor answer inside the 7-day cooldown waits …
    tl.survey("acme", at(3, 8), "nps", 4, "Still slow.")
    report = replay.step(at(3, 9))
    assert report.counts["created"] == 0 and report.counts["cooldown"] == 2
    # … and alerts once the cooldown is over (the answer is still within its window).
    report = evaluate(db, PLAYBOOK, at(8, 10), full=True)
    assert report.counts["created"] == 2
    assert [a["status"] for a in alerts(db) if a["rule"] == "detractor_followup"] == [
        "resolved",
        "open",
    ]


def test_an_alert_opened_concurrently_is_updated_not_duplicated(db: Database) -> None:
    """``crmsense run`` and a webhook evaluating at the same moment: the other one opens
    the alert after this run has looked for it; the unique index rejects this run's insert
    and the retry updates that alert instead of failing or opening a second one."""
    tl = Timeline()
    _detractor(tl)
    survey = tl.survey("acme", at(0, 8), "nps", 6, "Slow support.")
    Replay(db, tl).prepare(at(0, 9))
    with db.session() as s:
        account = s.scalar(select(m.Account.id).where(m.Account.external_id == "acme"))
    raced: list[int] = []

    def open_it_first(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if raced or "alerts.dedupe_key IN" not in statement:
            return
        raced.append(0)  # once, and not for this insert's own statements
        with db.session() as other:
            alert = m.Alert(
                account_id=account, rule="detractor_followup", severity="moderate",
                status="open", assignees={}, action="Contact this customer", reasons=[],
                evidence=[], dedupe_key=f"detractor_followup:{account}", created_at=at(0, 9),
                updated_at=at(0, 9),
            )  # fmt: skip
            other.add(alert)
            other.flush()
            raced[0] = alert.id

    event.listen(db.engine, "after_cursor_execute", open_it_first)
    try:
        report = evaluate(db, PLAYBOOK, at(0, 9))
    finally:
        event.remove(db.engine, "after_cursor_execute", open_it_first)

    assert raced and raced[0] > 0
    assert (report.counts["created"], report.counts["updated"]) == (1, 1)  # counted once
    [row] = [a for a in alerts(db) if a["rule"] == "detractor_followup"]
    assert row["id"] == raced[0]
    assert [e["message_id"] for e in row["evidence"]] == [survey]


def test_budget_queues_lower_tiers_per_owner_and_releases_them_later(db: Database) -> None:
    playbook = load_playbook(text="[settings]\ndaily_budget = 2\n")
    tl = Timeline()
    shared = {"csm": "pat@vendor.example", "csm_manager": "pat@vendor.example"}
    for i in range(4):
        tl.account(f"a{i}", **shared)
        tl.healthy(f"a{i}", at(0))
        tl.survey(f"a{i}", at(0, 8), "csat", 2, "Meh.")
    tl.account("big", arr=500_000, **shared)
    tl.healthy("big", at(0))
    tl.survey("big", at(0, 8), "nps", 2, "Terrible quarter.")
    replay = Replay(db, tl, playbook)
    report = replay.step(at(0, 9))

    # High is exempt (but counts); the moderate detractor task takes the second slot;
    # the four low check-ins are queued, not dropped.
    assert (report.counts["created"], report.counts["queued"]) == (2, 4)
    status = {(a["account"], a["rule"]): a["status"] for a in alerts(db)}
    assert status[("big", "tier_high")] == status[("big", "detractor_followup")] == "open"
    assert sorted(s for (acc, _), s in status.items() if acc != "big") == ["queued"] * 4
    assert replay.step(at(0, 15)).counts["released"] == 0  # same day: budget spent

    released = evaluate(db, playbook, at(1, 9))
    assert released.counts["released"] == 2
    assert [a["status"] for a in alerts(db)].count("queued") == 2
    opened = [a for a in alerts(db) if a["status"] == "open" and a["rule"] == "tier_low"]
    assert all(a["due_at"] == at(8, 9) for a in opened)  # due runs from release (5 wd)
    assert evaluate(db, playbook, at(2, 9)).counts["released"] == 2


def test_transactional_auto_reply_and_unscored_text_never_trigger(db: Database) -> None:
    tl = Timeline()
    tl.account("quiet")
    for day in (10, 6, 2):
        tl.message("quiet", at(-day), "I am away. " + NEGATIVE[0], auto_reply=True)
        tl.message("quiet", at(-day, 10), "Ce produit est vraiment nul, nous sommes très déçus.")
        tl.message("quiet", at(-day, 11), "Please find attached the purchase order. Awful!")
    Replay(db, tl).prepare(at(0, 8))
    # Make the would-be transactional mail read as clearly negative: kind still rules.
    with db.engine.begin() as conn:
        conn.execute(update(m.Analysis).where(m.Analysis.kind == "conversational",
                                             m.Analysis.unscored.is_(None))
                     .values(kind="transactional", label="negative", score=-0.9,
                             confidence=0.95))  # fmt: skip
    assert evaluate(db, PLAYBOOK, at(0, 9), full=True).counts["created"] == 0
    with db.engine.connect() as conn:
        [facts] = build_facts(conn, [1], at(0, 9), PLAYBOOK)
    assert facts.messages == []
    assert alerts(db) == []


def test_incremental_runs_read_only_touched_accounts(db: Database) -> None:
    tl = Timeline()
    for name in ("a", "b", "c"):
        tl.account(name)
        tl.healthy(name, at(0))
    replay = Replay(db, tl)
    assert replay.step(at(0, 9)).accounts == 3
    assert replay.step(at(0, 10)).accounts == 0
    tl.survey("b", at(0, 11), "nps", 3, "Bad week.")
    report = replay.step(at(0, 12))
    assert (report.mode, report.accounts, report.counts["created"]) == ("incremental", 1, 2)
    assert evaluate(db, PLAYBOOK, at(0, 12), accounts=["a", "c"]).accounts == 2


def test_an_edited_account_is_re_evaluated_incrementally(db: Database) -> None:
    tl = Timeline()
    tl.account("grow", arr=40_000)
    tl.healthy("grow", at(0))
    tl.survey("grow", at(0, 8), "nps", 2, "Not good enough.")
    replay = Replay(db, tl)
    replay.step(at(0, 9))
    assert {a["rule"] for a in alerts(db)} == {"detractor_followup", "tier_moderate"}
    tl.account("grow", arr=300_000)  # the CRM now says it is a high-value account
    report = replay.step(at(0, 10))
    assert (report.mode, report.accounts) == ("incremental", 1)
    assert "tier_high" in {a["rule"] for a in alerts(db)}


def test_unanswered_followups_are_picked_up_as_time_passes(db: Database) -> None:
    tl = Timeline()
    tl.account("wait")
    tl.healthy("wait", at(-1), days=20)
    tl.message("wait", at(0, 8), "Still waiting on a fix. Any update?", channel="ticket",
               ticket_id="T1")  # fmt: skip
    replay = Replay(
        db,
        tl,
        load_playbook(
            text="""
extends = "default"
[[rules]]
name = "chased"
severity = "low"
assignees = ["csm"]
action = "Answer the customer: waiting {waiting_days} days"
when = { type = "unanswered_followup.v1", min_days = 1 }
"""
        ),
    )
    replay.step(at(0, 9))
    assert "chased" not in {a["rule"] for a in alerts(db)}
    report = replay.step(at(1, 10))  # nothing new ingested: time alone made it count
    assert report.mode == "incremental" and report.accounts == 1
    assert [a["action"] for a in alerts(db) if a["rule"] == "chased"] == [
        "Answer the customer: waiting 1 days"
    ]


def test_chat_path_ignores_other_channels(db: Database) -> None:
    tl = Timeline()
    tl.account("mail")
    tl.message("mail", at(0), NEGATIVE[0])
    Replay(db, tl).step(at(0, 1))
    with db.session() as s:
        key = s.scalar(select(m.Message.id))
    assert key is not None
    assert evaluate_chat_message(db, key, PLAYBOOK, engine="rules.v1") == []
