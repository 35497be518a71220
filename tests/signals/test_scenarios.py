"""Realistic account histories end to end: ingest → analyse (rules.v1) → compute → read back,
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from crmsense.analysis.api import load_engine
from crmsense.analysis.stored import analyze_stored
from crmsense.ingest.pipeline import ingest_records
from crmsense.signals.compute import compute_signals
from crmsense.signals.report import (
    account_reports,
    deal_reports,
    message_excerpts,
    unanalysed_count,
)
from crmsense.store import Database
from crmsense.store import models as m

from .histories import AS_OF, COMPETITORS, History, noisy_but_fine, workspace

NEGATIVE_TEXT = "We are very frustrated, the sync has been broken for days."


def _load(db: Database, records: list[dict[str, Any]]) -> None:
    report = ingest_records(db, records)
    assert report.exit_code == 0, [str(r) for r in report.rejected]
    analyze_stored(db, load_engine("rules.v1"), competitors=COMPETITORS)


@pytest.fixture
def computed(db: Database) -> tuple[Database, dict[str, dict[str, Any]], dict[str, Any]]:
    _load(db, workspace())
    report = compute_signals(db, AS_OF, engine="rules.v1")
    assert (report.mode, report.accounts, report.deals) == ("full", 7, 2)
    accounts = {a["account_id"]: a for a in account_reports(db, AS_OF.date())}
    deals = {d["deal_id"]: d for d in deal_reports(db, AS_OF.date())}
    return db, accounts, deals


def test_trends_bands_and_policies(computed: Any) -> None:
    _, accounts, _ = computed
    improving, declining = accounts["improving"], accounts["declining"]
    assert (improving["sentiment_trend"], improving["health_band"]) == ("improving", "green")
    assert improving["outreach_policy"] == "advance"
    assert "NPS up 7 → 9" in improving["reasons"][1]
    assert improving["trend_slope"] > 0 and improving["trend_t"] >= 2
    assert (declining["sentiment_trend"], declining["health_band"]) == ("declining", "red")
    assert declining["outreach_policy"] == "suppress"
    assert declining["trend_slope"] < 0
    noisy = accounts["noisy"]
    assert (noisy["sentiment_trend"], noisy["health_band"], noisy["outreach_policy"]) == (
        "stable",
        "green",
        "standard",
    )
    for account in accounts.values():
        assert 0 <= account["health_score"] <= 100
        contributions = [
            c["contribution"] for c in account["components"].values() if not c.get("missing")
        ]
        assert sum(contributions) == pytest.approx(account["health_score"], abs=0.1)


def test_escalation_curtness_and_missing_inputs(computed: Any) -> None:
    _, accounts, _ = computed
    esc = accounts["escalating"]["signals"]["escalation"]
    assert esc["escalating"] and esc["major"]
    assert [u["days"] for u in esc["unanswered"]] == [14.0]
    assert accounts["escalating"]["outreach_policy"] == "suppress"
    curt = accounts["curt"]["signals"]["curtness"]
    assert curt["contacts"][0]["shift"]["fired"] == [
        "shorter_replies",
        "positive_decline",
        "slower_replies",
    ]
    email = accounts["curt"]["components"]["email_sentiment"]
    assert "replies turning curt" in email["detail"]
    nps = accounts["curt"]["components"]["nps"]
    assert nps == {
        "missing": True,
        "configured_weight": 0.15,
        "reason": "no NPS response in 365 days",
    }


def test_deal_risk_levels_with_evidence(computed: Any) -> None:
    db, _, deals = computed
    ghost = deals["ghosting-expansion"]
    assert ghost["risk_level"] == "high" and ghost["account_id"] == "ghosting"
    signals = {s["name"]: s for s in ghost["signals"]}
    assert {"ghosting", "urgency_missing", "shorter_replies"} <= set(signals)
    assert signals["ghosting"]["value"] == 30
    creep = deals["creep-platform"]
    assert creep["risk_level"] == "medium"
    signals = {s["name"]: s for s in creep["signals"]}
    assert {"competitor_mentions", "unresolved_objections"} <= set(signals)
    with db.engine.connect() as conn:
        stored = set(conn.execute(select(m.Message.external_id)).scalars())
        stored |= set(conn.execute(select(m.Call.external_id)).scalars())
    assert all(set(s["evidence"]) <= stored for d in deals.values() for s in d["signals"])


def test_incremental_run_touches_only_what_changed(computed: Any) -> None:
    db, accounts, _ = computed
    again = compute_signals(db, AS_OF, engine="rules.v1")
    assert (again.mode, again.accounts) == ("incremental", 0)
    h = History("noisy", seed=99)
    h.message(0.5, "We are very frustrated, the sync has been broken for days.")
    _load(db, h.records[1:])
    step = compute_signals(db, AS_OF, engine="rules.v1")
    assert (step.mode, step.accounts) == ("incremental", 1)
    after = {a["account_id"]: a for a in account_reports(db, AS_OF.date())}
    assert after["noisy"]["health_score"] < accounts["noisy"]["health_score"]
    assert after["improving"] == accounts["improving"]


def test_an_edited_account_is_recomputed_incrementally(computed: Any) -> None:
    db, accounts, _ = computed
    assert accounts["improving"]["scorecard"] != "enterprise"
    edited = History("improving", segment="enterprise", arr=900_000).records[0]
    _load(db, [edited])
    step = compute_signals(db, AS_OF, engine="rules.v1")
    assert (step.mode, step.accounts) == ("incremental", 1)
    after = {a["account_id"]: a for a in account_reports(db, AS_OF.date())}
    assert (after["improving"]["scorecard"], after["improving"]["arr"]) == ("enterprise", 900_000)
    assert after["noisy"] == accounts["noisy"]


def test_history_of_snapshots_and_the_change(computed: Any) -> None:
    db, accounts, _ = computed
    later = AS_OF + timedelta(days=7)
    assert compute_signals(db, later, engine="rules.v1").mode == "full"
    current = {a["account_id"]: a for a in account_reports(db, later.date())}
    previous = current["declining"]["previous"]
    assert previous["health_score"] == accounts["declining"]["health_score"]
    assert current["declining"]["outreach_policy"] == "suppress"
    with db.engine.connect() as conn:
        days = conn.execute(select(func.count(func.distinct(m.HealthSnapshot.day)))).scalar()
    assert days == 2


def test_transactional_mail_leaves_health_unchanged(db: Database) -> None:
    quiet, busy = noisy_but_fine("quiet", transactional=0), noisy_but_fine("busy", transactional=60)
    _load(db, quiet.records + busy.records)
    compute_signals(db, AS_OF, engine="rules.v1")
    rows = {a["account_id"]: a for a in account_reports(db, AS_OF.date())}
    assert rows["quiet"]["components"] == rows["busy"]["components"]
    assert rows["quiet"]["health_score"] == rows["busy"]["health_score"]


def test_parent_health_rolls_up_by_arr(db: Database) -> None:
    from .histories import declining, improving

    parent = History("group", arr=0)
    parent.contact("ops")
    child_ok, child_bad = improving("group-ok"), declining("group-bad")
    for child, arr in ((child_ok, 300_000), (child_bad, 100_000)):
        child.records[0] |= {"parent_id": "group", "arr": arr}
    _load(db, parent.records + child_ok.records + child_bad.records)
    compute_signals(db, AS_OF, engine="rules.v1")
    rows = {a["account_id"]: a for a in account_reports(db, AS_OF.date())}
    ok, bad = rows["group-ok"]["health_score"], rows["group-bad"]["health_score"]
    assert rows["group"]["own_health_score"] is None
    assert rows["group"]["health_score"] == pytest.approx((3 * ok + bad) / 4, abs=0.1)
    assert rows["group"]["reasons"][0].startswith("rolled up by ARR")
    assert rows["group-bad"]["parent_id"] == "group"


def test_an_edited_message_waits_for_analysis_again(db: Database) -> None:
    h = History("edited", seed=5)
    h.contact("ops")
    mid = h.message(2, NEGATIVE_TEXT)
    _load(db, h.records)
    assert unanalysed_count(db, "rules.v1") == 0
    assert message_excerpts(db, [mid], "rules.v1")[mid]["score"] < 0
    h.records[-1]["text"] = "Thanks so much for the quick fix, the team is really happy with it."
    assert ingest_records(db, h.records).exit_code == 0
    # the stored analysis is of the old text: signals ignore it, so it counts as waiting
    assert unanalysed_count(db, "rules.v1") == 1
    assert message_excerpts(db, [mid], "rules.v1")[mid]["score"] is None
    analyze_stored(db, load_engine("rules.v1"))
    assert unanalysed_count(db, "rules.v1") == 0
    assert message_excerpts(db, [mid], "rules.v1")[mid]["score"] > 0


def test_a_contact_leaving_is_read_from_the_stored_analysis_into_the_deal(db: Database) -> None:
    """The prospect's e-mail names no problem; its stored ``contact_leaving`` risk makes the
    deal a medium risk (ninth session)."""
    h = History("sponsor", segment="mid-market", seed=8)
    h.contact("ivy", "buyer")
    deal = h.deal("rollout", stage="Evaluation", index=2, count=6)
    h.message(30, "Thanks for the demo, the team liked the dashboards.", deal=deal)
    h.message(10, "Quick heads-up: Sarah, who championed this project internally, is leaving "
              "the company at the end of the month.", deal=deal)  # fmt: skip
    _load(db, h.records)
    compute_signals(db, AS_OF, engine="rules.v1")
    (report,) = [d for d in deal_reports(db, AS_OF.date()) if d["deal_id"] == deal]
    assert [s["name"] for s in report["signals"]] == ["contact_leaving"]
    assert report["risk_level"] == "medium"
