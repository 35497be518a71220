"""Outreach policy transitions and deal risk signals on hand-built histories."""

from __future__ import annotations

import pytest

from crmsense.signals.assess import assess
from crmsense.signals.config import HealthConfig, load_config
from crmsense.signals.data import DAY, AccountData, ActivityRow, CallRow, DealRow, SurveyRow
from crmsense.signals.deals import deal_risk
from crmsense.signals.outreach import Policy

from .rows import AS_OF_T, msg


def _account(scores: list[float], **extra: object) -> AccountData:
    days = [85 - i * 80 / (len(scores) - 1) for i in range(len(scores))]
    rows = [msg(f"m{i}", d, s) for i, (d, s) in enumerate(zip(days, scores, strict=True))]
    return AccountData(1, "a", messages=rows, **extra)  # type: ignore[arg-type]


DECLINING = [0.6, 0.5, 0.4, 0.2, 0.1, -0.1, -0.3, -0.4, -0.6]
STABLE = [0.3, 0.2, 0.35, 0.25, 0.3, 0.2, 0.3, 0.25, 0.3]
IMPROVING = [-0.5, -0.4, -0.2, 0.0, 0.1, 0.3, 0.4, 0.5, 0.6]


def test_declining_sentiment_suppresses_with_the_reason(cfg: HealthConfig) -> None:
    a = assess(_account(DECLINING), AS_OF_T, cfg)
    assert a.sentiment.overall.trend.direction == "declining"
    assert a.policy.policy == "suppress" and a.policy.suppressed_since == AS_OF_T
    assert "until a recovery conversation is logged" in a.policy.reason


def test_suppression_holds_until_a_recovery_conversation(cfg: HealthConfig) -> None:
    earlier = Policy("suppress", "", AS_OF_T - 20 * DAY)
    still = assess(_account(STABLE), AS_OF_T, cfg, earlier)
    assert still.policy.policy == "suppress"
    assert still.policy.suppressed_since == AS_OF_T - 20 * DAY
    assert "no recovery conversation" in still.policy.reason
    old_call = [ActivityRow(AS_OF_T - 30 * DAY, "recovery_call")]
    assert assess(_account(STABLE, activities=old_call), AS_OF_T, cfg, earlier).policy.policy == (
        "suppress"
    )
    recovered = [ActivityRow(AS_OF_T - 5 * DAY, "recovery_call")]
    after = assess(_account(STABLE, activities=recovered), AS_OF_T, cfg, earlier)
    assert after.policy.policy == "standard" and "automation resumed" in after.policy.reason


def test_improving_sentiment_or_nps_rise_advances(cfg: HealthConfig) -> None:
    a = assess(_account(IMPROVING), AS_OF_T, cfg)
    assert a.policy.policy == "advance" and "sentiment improving" in a.policy.reason
    nps = [
        SurveyRow("n1", AS_OF_T - 90 * DAY, "nps", 7, "c1"),
        SurveyRow("n2", AS_OF_T - 3 * DAY, "nps", 9, "c1"),
    ]
    b = assess(_account(STABLE, surveys=nps), AS_OF_T, cfg)
    assert b.policy.policy == "advance" and "NPS up 7 → 9" in b.policy.reason
    small = [
        SurveyRow("n1", AS_OF_T - 90 * DAY, "nps", 8, "c1"),
        SurveyRow("n2", AS_OF_T - 3 * DAY, "nps", 9, "c1"),
    ]
    assert assess(_account(STABLE, surveys=small), AS_OF_T, cfg).policy.policy == "standard"


def test_red_health_suppresses_unless_configured_off() -> None:
    data = _account([-0.6] * 9)
    assert assess(data, AS_OF_T, load_config()).policy.policy == "suppress"
    lenient = load_config(text="[outreach]\nsuppress_on_red = false\n")
    assert assess(data, AS_OF_T, lenient).policy.policy == "standard"


def _deal_history(
    replies: list[tuple[float, str, dict[str, object]]],
    *,
    deal: DealRow,
    calls: list[CallRow] | None = None,
) -> AccountData:
    rows = []
    for i, (day, kind, kw) in enumerate(replies):
        rows.append(
            msg(
                f"{kind}{i}",
                day,
                0.2 if kind == "in" else None,
                deal=deal.id,
                inbound=kind == "in",
                **kw,
            )
        )
    return AccountData(
        1, "acme", messages=sorted(rows, key=lambda r: r.t), deals=[deal], calls=calls or []
    )


LATE = DealRow("d1", stage="Negotiation", stage_index=4, stage_count=5)


def test_ghosting_late_stage_deal_is_high_risk(cfg: HealthConfig) -> None:
    history = _deal_history(
        [
            (80, "in", {"length": 500, "positive": 0.9}),
            (70, "in", {"length": 450, "positive": 0.8}),
            (60, "in", {"length": 120, "positive": 0.2}),
            (50, "in", {"length": 60, "positive": 0.1, "intent": "polite_disengagement"}),
            (40, "out", {}),
            (25, "out", {}),
            (10, "out", {}),
        ],
        deal=LATE,
    )
    risk = deal_risk(LATE, history, AS_OF_T, cfg.deals)
    fired = {s.name: s for s in risk.signals}
    assert risk.risk_level == "high" and risk.late_stage
    assert set(fired) == {"ghosting", "urgency_missing", "shorter_replies", "positive_decline"}
    assert fired["ghosting"].value == 40 and fired["ghosting"].evidence == ["out4", "out5", "out6"]
    assert fired["urgency_missing"].evidence == ["in3"]
    assert risk.risk_score == pytest.approx(sum(s.points for s in risk.signals))


def test_urgent_late_stage_prospect_is_low_risk(cfg: HealthConfig) -> None:
    history = _deal_history(
        [
            (30, "in", {"positive": 0.5, "urgency": 0.2}),
            (20, "in", {"positive": 0.5}),
            (10, "in", {"positive": 0.6, "urgency": 1.0}),
            (9, "out", {}),
            (5, "in", {"positive": 0.6}),
        ],
        deal=LATE,
    )
    risk = deal_risk(LATE, history, AS_OF_T, cfg.deals)
    assert risk.signals == [] and risk.risk_level == "low"


def test_competitor_creep_and_open_objections(cfg: HealthConfig) -> None:
    deal = DealRow("d2", stage="Evaluation", stage_index=2, stage_count=6)
    history = _deal_history(
        [
            (70, "in", {}),
            (60, "in", {}),
            (40, "in", {}),
            (20, "in", {"competitors": ("Globex",)}),
            (10, "in", {"competitors": ("Globex", "Initech")}),
        ],
        deal=deal,
        calls=[
            CallRow(
                "c1", AS_OF_T - 30 * DAY, deal="d2", objection_raised=True, objection_resolved=True
            ),
            CallRow(
                "c2", AS_OF_T - 5 * DAY, deal="d2", objection_raised=True, objection_resolved=False
            ),
        ],
    )
    risk = deal_risk(deal, history, AS_OF_T, cfg.deals)
    fired = {s.name: s for s in risk.signals}
    assert fired["competitor_mentions"].value == 3
    assert "Globex, Initech" in fired["competitor_mentions"].detail
    assert fired["unresolved_objections"].evidence == ["c2"]
    assert not risk.late_stage and "urgency_missing" not in fired
    assert risk.risk_level == "medium"


def test_a_contact_leaving_makes_a_deal_risky_while_it_is_recent(cfg: HealthConfig) -> None:
    """One reply saying the champion is leaving is a medium risk on its own (ninth session);
    a departure older than ``departure_days`` no longer counts."""
    deal = DealRow("d4", stage="Evaluation", stage_index=2, stage_count=6)
    recent = _deal_history([(30, "in", {}), (12, "in", {"departure": True})], deal=deal)
    risk = deal_risk(deal, recent, AS_OF_T, cfg.deals)
    fired = {s.name: s for s in risk.signals}
    assert set(fired) == {"contact_leaving"}
    assert fired["contact_leaving"].evidence == ["in1"] and fired["contact_leaving"].points == 35
    assert risk.risk_level == "medium"
    old = _deal_history([(90, "in", {"departure": True}), (12, "in", {})], deal=deal)
    assert deal_risk(deal, old, AS_OF_T, cfg.deals).signals == []
    assert deal_risk(deal, old, AS_OF_T - 70 * DAY, cfg.deals).signals[0].name == (
        "contact_leaving"
    )


def test_deal_thresholds_and_late_stages_are_configurable() -> None:
    cfg = load_config(
        text='[deals]\nlate_stages = ["legal review"]\nhigh = 40\nmedium = 10\n'
        "[deals.signals.ghosting]\npoints = 50\nstart = 5\nfull = 10\n"
    )
    deal = DealRow("d3", stage="Legal Review")
    history = _deal_history([(12, "in", {"urgency": 1.0}), (7, "out", {})], deal=deal)
    risk = deal_risk(deal, history, AS_OF_T, cfg.deals)
    assert risk.late_stage
    assert [(s.name, s.points) for s in risk.signals] == [("ghosting", 35.0)]
    assert risk.risk_level == "medium"
