"""The default playbook, point by point: realistic account histories replayed through time
(ingest → analyse with rules.v1 → signals → alerts) on SQLite and PostgreSQL, asserting
exactly which alerts fire, with which severity, assignees and due times — and that
re-running changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from crmsense.alerts.config import load_playbook
from crmsense.alerts.engine import evaluate_chat_message
from crmsense.alerts.views import list_alerts
from crmsense.ingest.pipeline import ingest_records
from crmsense.store import Database
from crmsense.store import models as m

from .timeline import NEGATIVE, NEUTRAL, Replay, Timeline, alerts, at, fired

ROLES = """
[roles]
addresses = { agent = "desk@vendor.example", marketing = "brand@vendor.example" }
"""


def _by_rule(db: Database) -> dict[tuple[str, str], dict[str, Any]]:
    return {(a["account"], a["rule"]): a for a in alerts(db)}


def assert_rerun_changes_nothing(replay: Replay, as_of: Any) -> None:
    before = alerts(replay.db)
    report = replay.step(as_of)
    assert report.counts["created"] == report.counts["updated"] == report.counts["queued"] == 0
    full = replay.step(as_of)  # incremental finds nothing; a full pass must agree
    assert alerts(replay.db) == before
    assert full.counts["created"] == 0


def test_detractor_gets_a_csm_task_within_an_hour_with_score_and_verbatim(db: Database) -> None:
    tl = Timeline()
    tl.account("acme")
    tl.healthy("acme", at(0))
    survey = tl.survey("acme", at(0, 10), "nps", 6, "Support is slow and reports keep breaking.")
    replay = Replay(db, tl)
    replay.step(at(0, 10, 30))

    assert fired(db) == {("acme", "detractor_followup", "moderate"),
                         ("acme", "tier_moderate", "moderate")}  # fmt: skip
    alert = _by_rule(db)[("acme", "detractor_followup")]
    assert alert["created_at"] - at(0, 10) <= timedelta(hours=1)
    assert alert["assignees"] == {"csm": "csm@acme.example"}
    assert alert["due_at"] == at(1, 10, 30)
    assert alert["action"] == ("Contact this customer within 24 hours: NPS 6 from acme-c — "
                               "“Support is slow and reports keep breaking.”")  # fmt: skip
    assert alert["evidence"] == [
        {"message_id": survey, "kind": "survey",
         "excerpt": "Support is slow and reports keep breaking."}]  # fmt: skip
    assert_rerun_changes_nothing(replay, at(0, 10, 30))


def test_tiers_follow_score_and_account_value(db: Database) -> None:
    tl = Timeline()
    cases = {  # account: (ARR, segment, NPS)
        "big-2": (250_000, "mid-market", 2), "ent-3": (20_000, "Enterprise", 3),
        "big-4": (250_000, "mid-market", 4), "small-4": (30_000, "smb", 4),
        "big-5": (250_000, "mid-market", 5), "small-7": (30_000, "smb", 7),
    }  # fmt: skip
    for name, (arr, segment, score) in cases.items():
        tl.account(name, arr=arr, segment=segment)
        tl.healthy(name, at(0))
        tl.survey(name, at(0, 8), "nps", score, "Not happy with the last release.")
    replay = Replay(db, tl)
    replay.step(at(0, 9))

    detractor = {(n, "detractor_followup", "moderate") for n in cases if n != "small-7"}
    assert fired(db) == detractor | {
        ("big-2", "tier_high", "high"), ("ent-3", "tier_high", "high"),  # NPS 0–3, high-value
        ("small-4", "tier_moderate", "moderate"),  # NPS 0–4, not high-value
        ("big-5", "tier_moderate", "moderate"),  # NPS 5–6
    }  # NPS 4 on a high-value account is in no tier: only the detractor follow-up  # fmt: skip
    high = _by_rule(db)[("big-2", "tier_high")]
    assert high["assignees"] == {"csm_manager": "lead@vendor.example",
                                 "account_executive": "ae@big-2.example"}  # fmt: skip
    assert high["due_at"] == at(2, 9)
    assert "executive-to-executive call within 48 hours" in high["action"]
    with db.session() as s:
        plan = s.scalars(select(m.RecoveryPlan).where(m.RecoveryPlan.alert_id == high["id"])).one()
        assert (plan.status, len(plan.steps), plan.due_at) == ("open", 3, at(2, 9))
    assert_rerun_changes_nothing(replay, at(0, 9))


def test_low_csat_check_in_counts_working_days_over_weekend_and_holiday(db: Database) -> None:
    playbook = load_playbook(text='[settings]\nholidays = ["2026-10-12"]\n')  # a Monday
    tl = Timeline()
    tl.account("one")
    tl.healthy("one", at(4))
    tl.survey("one", at(4, 15), "csat", 2, "The answer took a while.")  # Friday afternoon
    tl.account("three")
    tl.healthy("three", at(4))
    for day in (-20, -9, 4):
        tl.survey("three", at(day, 15), "csat", 1, "Unhelpful answer.")
    replay = Replay(db, tl, playbook)
    replay.step(at(4, 15, 30))

    assert fired(db) == {("one", "tier_low", "low"), ("three", "tier_moderate", "moderate")}
    low = _by_rule(db)[("one", "tier_low")]
    # Fri 9 Oct + 5 working days, skipping the weekend and Monday's holiday: Mon 19 Oct.
    assert low["due_at"] == at(14, 15, 30)
    assert low["action"].startswith("Log it and schedule a check-in call within 5 working days")
    assert _by_rule(db)[("three", "tier_moderate")]["due_at"] == at(5, 15, 30)
    assert_rerun_changes_nothing(replay, at(4, 15, 30))


def _escalating_tickets(tl: Timeline, account: str, texts: list[str]) -> None:
    tl.healthy(account, at(-30), days=30)
    for i, (text, day) in enumerate(zip(texts, (-20, -12, -4), strict=True)):
        tl.message(account, at(day), text, channel="ticket", ticket_id=f"{account}-T{i}")
        tl.message(account, at(day, 11), "We are looking into it.", channel="ticket",
                   ticket_id=f"{account}-T{i}", inbound=False)  # fmt: skip


def test_major_escalation_with_unanswered_followup_escalates_to_manager_and_ae(
    db: Database,
) -> None:
    tl = Timeline()
    tl.account("esc")
    _escalating_tickets(tl, "esc", [
        "The export is slow, can you take a look?",
        "The export failed again, this is frustrating.",
        "This is unacceptable, the export has been broken for a week and we are losing data.",
    ])  # fmt: skip
    chase = tl.message("esc", at(-3), "Still waiting on this, any update? This is completely "
                       "unacceptable.", channel="ticket", ticket_id="esc-T2")  # fmt: skip
    replay = Replay(db, tl)
    replay.step(at(0, 12))

    # One alert per group: tier_high outranks tone_escalating and negative_text; the
    # declining trend (health group) outranks Yellow.
    assert fired(db) == {("esc", "tier_high", "high"), ("esc", "sentiment_declining", "moderate")}
    high = _by_rule(db)[("esc", "tier_high")]
    assert high["assignees"] == {"csm_manager": "lead@vendor.example",
                                 "account_executive": "ae@esc.example"}  # fmt: skip
    assert high["due_at"] == at(2, 12)
    assert chase in {e["message_id"] for e in high["evidence"]}
    assert any("unanswered" in r for r in high["reasons"])
    assert_rerun_changes_nothing(replay, at(0, 12))


def test_support_tone_escalating_flags_csm_review(db: Database) -> None:
    tl = Timeline()
    tl.account("tone")
    _escalating_tickets(tl, "tone", [
        "Thanks, the export works well now, just one small question.",
        "The export is a bit slow today, can you check?",
        "The export failed again, this is frustrating.",
    ])  # fmt: skip
    replay = Replay(db, tl)
    replay.step(at(0, 12))
    assert fired(db) == {("tone", "tone_escalating", "low"),
                         ("tone", "sentiment_declining", "moderate")}  # fmt: skip
    review = _by_rule(db)[("tone", "tone_escalating")]
    assert review["assignees"] == {"csm": "csm@tone.example"}
    assert review["due_at"] == at(2, 12)  # Mon + 2 working days
    assert "+0.55 → -0.22 → -0.61" in " ".join(review["reasons"])


def test_health_red_yellow_green(db: Database) -> None:
    tl = Timeline()
    tl.account("red")
    for i, day in enumerate(range(80, 0, -5)):
        tl.message("red", at(-day), NEGATIVE[i % 4], channel="ticket", ticket_id=f"R{i}")
    for day in range(85, 0, -7):
        tl.usage("red", at(-day), 15)
    tl.account("yellow")
    for i, day in enumerate(range(80, 0, -4)):
        tl.message("yellow", at(-day), NEUTRAL[i % 3])
    for day in range(85, 0, -7):
        tl.usage("yellow", at(-day), 40)
    tl.activity("yellow", at(-70))
    tl.account("green")
    tl.healthy("green", at(0))
    replay = Replay(db, tl)
    replay.step(at(0, 12))

    assert fired(db) == {("red", "health_red", "high"), ("yellow", "health_yellow", "low")}
    red, yellow = _by_rule(db)[("red", "health_red")], _by_rule(db)[("yellow", "health_yellow")]
    assert red["action"] == "Reach out now: health 8.5 is Red"
    assert red["due_at"] == at(1, 12)
    assert yellow["due_at"] is None and yellow["action"].startswith("Monitoring queue")
    assert_rerun_changes_nothing(replay, at(0, 12))
    # Still Red next week: the same alert (anchored where the Red run began), not a new one.
    replay.step(at(7, 12))
    assert len([a for a in alerts(db) if a["rule"] == "health_red"]) == 1


def test_declining_trend_asks_for_review_and_suppresses_outreach(db: Database) -> None:
    tl = Timeline()
    tl.account("dec")
    for i, day in enumerate(range(85, 0, -8)):
        tl.message("dec", at(-day), ("Thanks, all good." if day > 45 else NEGATIVE[i % 4]))
    for day in range(85, 0, -7):
        tl.usage("dec", at(-day), 80)
    tl.activity("dec", at(-20))
    replay = Replay(db, tl)
    replay.step(at(0, 12))

    assert fired(db) == {("dec", "sentiment_declining", "moderate")}
    alert = _by_rule(db)[("dec", "sentiment_declining")]
    assert "automation is suppressed" in alert["action"]
    with db.session() as s:
        assert s.scalar(select(m.HealthSnapshot.policy)) == "suppress"


def test_chat_deteriorating_alerts_an_agent_in_real_time(db: Database) -> None:
    playbook = load_playbook(text=ROLES)
    tl = Timeline()
    tl.account("chatty")
    replay = Replay(db, tl, playbook)
    replay.step(at(0, 14))
    texts = ["Hi! Thanks for the quick reply, happy to help you debug this.",
             "Hmm, it is still not loading after the restart.",
             "This is ridiculous, I have been waiting for 20 minutes and nothing works. "
             "Terrible service."]  # fmt: skip
    raised = []
    for i, text in enumerate(texts):
        tl.message("chatty", at(0, 14, 3 * i), text, channel="chat", thread_id="chat-1")
        ingest_records(db, tl.records[replay.ingested :])
        replay.ingested = len(tl.records)
        with db.session() as s:
            key = s.scalar(select(m.Message.id).order_by(m.Message.id.desc()).limit(1))
        raised.append(evaluate_chat_message(db, key, playbook, engine="rules.v1"))
    assert raised[:2] == [[], []]
    [alert] = raised[2]
    assert (alert["rule"], alert["severity"], alert["owners"]) == (
        "chat_deteriorating",
        "moderate",
        {"agent": "desk@vendor.example"},
    )
    assert alert["due_at"] == "2026-10-05T14:21:00Z"  # 15 minutes after the last message
    assert len(alert["evidence"]) == 3
    # The nightly run agrees and adds no second chat alert.
    replay.step(at(0, 18))
    assert [a["rule"] for a in alerts(db)].count("chat_deteriorating") == 1


def test_deal_risk_high_and_prospect_cooling_go_to_the_deal_owner(db: Database) -> None:
    tl = Timeline()
    warm = ["Thanks, this looks great! We are excited to move forward and would love to see a "
            "detailed proposal with pricing for the whole team.",
            "Great call today, the team really liked the demo. Could you send over the "
            "security documentation as well?",
            "Thanks for the proposal. We'll need to think about it."]  # fmt: skip
    for account, deal, last, days in (
        ("ghost", "D1", "ok", (60, 50, 40, 35)),
        ("cool", "D2", "ok, will review", (40, 32, 24, 16)),
    ):
        tl.account(account, segment="prospect")
        tl.deal(account, deal)
        for text, day in zip([*warm, last], days, strict=True):
            tl.message(account, at(-day), "Following up on our conversation about the "
                       "rollout plan.", inbound=False, deal_id=deal)  # fmt: skip
            tl.message(account, at(-day, 12), text, deal_id=deal)
    for day in (30, 20, 10):  # the ghosting prospect stops answering
        tl.message("ghost", at(-day), "Just checking in on the proposal, any questions?",
                   inbound=False, deal_id="D1")  # fmt: skip
    tl.message("cool", at(-1), "Just checking in on the proposal, any questions?",
               inbound=False, deal_id="D2")  # fmt: skip
    replay = Replay(db, tl)
    replay.step(at(0, 12))

    assert fired(db) == {("ghost", "deal_risk_high", "moderate"),
                         ("cool", "prospect_cooling", "low")}  # fmt: skip
    rows = {a["rule"]: a for a in list_alerts(db)}
    assert rows["deal_risk_high"]["deal_id"] == "D1"
    assert rows["deal_risk_high"]["owners"] == {"deal_owner": "rep@ghost.example"}
    assert "ghosting" in rows["deal_risk_high"]["action"]
    assert rows["prospect_cooling"]["due_at"] == "2026-10-08T12:00:00Z"  # 3 working days
    assert_rerun_changes_nothing(replay, at(0, 12))


def test_negative_social_mention_notifies_customer_success_and_marketing(db: Database) -> None:
    tl = Timeline()
    tl.account("soc")
    tl.healthy("soc", at(0))
    post = tl.message("soc", at(-1), "Absolutely disgusted with @soc support, worst experience "
                      "ever.", channel="social")  # fmt: skip
    replay = Replay(db, tl, load_playbook(text=ROLES))
    replay.step(at(0, 12))
    assert fired(db) == {("soc", "social_negative", "moderate")}
    alert = _by_rule(db)[("soc", "social_negative")]
    assert alert["assignees"] == {"csm": "csm@soc.example", "marketing": "brand@vendor.example"}
    assert [e["message_id"] for e in alert["evidence"]] == [post]


def test_a_customer_saying_they_are_leaving_gets_a_call_within_a_day(db: Database) -> None:
    """One polite e-mail is enough when it says the customer is leaving; the same account's
    routine mail, and another account weighing nothing, raise nothing."""
    tl = Timeline()
    for name in ("leaving", "staying"):
        tl.account(name)
        tl.healthy(name, at(0))
    notice = tl.message("leaving", at(-1), "Hi Jo, thanks for all your help this year. We "
                        "have decided not to renew our contract when it ends in March. "
                        "Please send the final invoice.")  # fmt: skip
    tl.message("staying", at(-1), "Hi Jo, we are not planning to cancel our subscription, we "
               "just need the invoice address updated.")  # fmt: skip
    replay = Replay(db, tl)
    replay.step(at(0, 12))
    assert fired(db) == {("leaving", "customer_leaving", "high")}
    alert = _by_rule(db)[("leaving", "customer_leaving")]
    assert set(alert["assignees"]) == {"csm", "account_executive"}
    assert alert["due_at"] == at(1, 12)
    assert [e["message_id"] for e in alert["evidence"]] == [notice]
    assert "We have decided not to renew our contract when it ends in March." in alert["action"]
    assert_rerun_changes_nothing(replay, at(0, 12))


def test_a_customer_weighing_alternatives_gets_the_csm_and_a_decision_outranks_it(
    db: Database,
) -> None:
    """Evaluating a competitor is a moderate alert for the CSM alone, due in two working
    days; an account that is weighing and has decided gets one customer-risk alert, the
    high one, and nothing else: its two notices, sure negatives after two healthy months,
    also make its trend decline (which switches its renewal automation off), but the
    leaving alert outranks the health group's review (ninth session; it had raised both)."""
    tl = Timeline()
    for name in ("weighing", "decided"):
        tl.account(name)
        tl.healthy(name, at(0))
    quote = "We are evaluating other vendors ahead of the renewal."
    evaluating = tl.message("weighing", at(-1), f"Hi Jo, a heads-up: {quote} Can we talk "
                            "about the roadmap next week?")  # fmt: skip
    tl.message("decided", at(-3), "We're getting quotes from other providers.")
    tl.message("decided", at(-1), "We have signed with another vendor, please cancel our "
               "subscription at the end of the term.")  # fmt: skip
    replay = Replay(db, tl)
    replay.step(at(0, 12))
    assert fired(db) == {("weighing", "customer_weighing", "moderate"),
                         ("decided", "customer_leaving", "high")}  # fmt: skip
    alert = _by_rule(db)[("weighing", "customer_weighing")]
    assert set(alert["assignees"]) == {"csm"}
    assert [e["message_id"] for e in alert["evidence"]] == [evaluating]
    assert quote in alert["action"]
    assert_rerun_changes_nothing(replay, at(0, 12))


def test_a_contact_leaving_their_company_alerts_the_account_executive(db: Database) -> None:
    """A departure sounds neutral, so no sentiment rule sees it (ninth session); a rep's
    own news does not count, nor does a departure denied."""
    tl = Timeline()
    for name in ("departing", "staying"):
        tl.account(name)
        tl.healthy(name, at(0))
    quote = (
        "Sarah, who championed this project internally, is leaving the company at the end "
        "of the month."
    )
    notice = tl.message("departing", at(-2), f"Hi Jo, some news: {quote} Happy to intro "
                        "you to her successor.")  # fmt: skip
    tl.message("staying", at(-2), "Hi Jo, to clear up the rumour: I'm not leaving the "
               "company, and the rollout is on track.")  # fmt: skip
    replay = Replay(db, tl)
    replay.step(at(0, 12))
    assert fired(db) == {("departing", "contact_leaving", "moderate")}
    alert = _by_rule(db)[("departing", "contact_leaving")]
    assert set(alert["assignees"]) == {"account_executive", "csm"}
    assert [e["message_id"] for e in alert["evidence"]] == [notice]
    assert quote in alert["action"]
    assert_rerun_changes_nothing(replay, at(0, 12))


def test_a_survey_comment_that_says_the_customer_is_leaving_alerts(db: Database) -> None:
    """A passive 8 would raise nothing else; the comment says the account is leaving."""
    tl = Timeline()
    tl.account("nps")
    tl.healthy("nps", at(0))
    answer = tl.survey("nps", at(-1), "nps", 8, "Product is fine, but we are moving to another "
                       "vendor at the end of the contract.")  # fmt: skip
    replay = Replay(db, tl)
    replay.step(at(0, 12))
    assert fired(db) == {("nps", "customer_leaving", "high")}
    alert = _by_rule(db)[("nps", "customer_leaving")]
    assert [(e["message_id"], e["kind"]) for e in alert["evidence"]] == [(answer, "survey")]


def test_a_customer_leaving_on_a_call_alerts_and_a_rep_saying_the_words_does_not(
    db: Database,
) -> None:
    tl = Timeline()
    for name in ("call", "rep"):
        tl.account(name)
        tl.healthy(name, at(0))
    replay = Replay(db, tl)
    replay.step(at(-3, 12))  # a first run: the call below arrives after it
    call = tl.call("call", at(-1), "Quarterly review", [
        ("Sam", "rep", "Thanks for joining. How is the rollout going?"),
        ("Jane", "customer", "Honestly, we have signed a contract with another vendor."),
        ("Sam", "rep", "I'm sorry to hear that. Can we talk about what went wrong?"),
    ])  # fmt: skip
    tl.call("rep", at(-1), "Renewal prep", [
        ("Sam", "rep", "If you ever decide not to renew, just tell me early."),
        ("Jane", "customer", "Will do, we're very happy so far."),
    ])  # fmt: skip
    replay.step(at(0, 12))  # incremental: a new call touches its account
    assert fired(db) == {("call", "customer_leaving", "high")}
    alert = _by_rule(db)[("call", "customer_leaving")]
    assert alert["evidence"] == [{
        "message_id": call, "kind": "call",
        "excerpt": "Honestly, we have signed a contract with another vendor.",
    }]  # fmt: skip


def test_text_alone_needs_clear_negativity_across_several_signals(db: Database) -> None:
    tl = Timeline()
    for name, days in (("three", (12, 7, 2)), ("two", (7, 2)), ("one-day", (2, 2.1, 2.2))):
        tl.account(name)
        for i, day in enumerate(days):
            tl.message(name, at(-day), NEGATIVE[i])
    tl.account("billing")
    tl.billing_terse("billing", at(0))
    replay = Replay(db, tl)
    replay.step(at(0, 12))
    # Two messages, or three on one day, or a billing contact's terse mail: no alert.
    assert fired(db) == {("three", "negative_text", "moderate")}
    alert = _by_rule(db)[("three", "negative_text")]
    assert len(alert["evidence"]) == 3 and alert["due_at"] == at(1, 12)

    unfiltered = load_playbook(text="[settings]\nignore_contact_roles = []\n")
    replay.playbook = unfiltered
    replay.step(at(0, 13))
    assert ("billing", "negative_text", "moderate") in fired(db)


def test_noisy_but_fine_accounts_never_alert(db: Database) -> None:
    tl = Timeline()
    tl.account("calm")
    tl.healthy("calm", at(0))
    tl.noise("calm", at(0))
    tl.survey("calm", at(-3), "nps", 9, "Great product.")
    tl.survey("calm", at(-2), "csat", 5)
    replay = Replay(db, tl)
    for week in range(4):  # more invoices, receipts and out-of-office mail each week
        tl.noise("calm", at(7 * week), days=7)
        tl.healthy("calm", at(7 * week), days=7)
        replay.step(at(7 * week, 12))
    assert alerts(db) == []
