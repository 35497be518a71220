"""Condition handlers on hand-built facts: each matches exactly when it should, with its
reasons, evidence and anchor; the compiler reports bad trees with their key paths."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from crmsense.alerts.conditions import CONDITIONS, ConditionProblem, Match, compile_node
from crmsense.alerts.facts import (
    AccountFacts,
    CallFact,
    DealFacts,
    HealthFacts,
    MessageFact,
    Ref,
    SurveyFact,
    excerpt,
)

NOW = datetime(2026, 10, 5, 12, tzinfo=UTC)
INHERITED = {"min_signals": 3, "persistence": timedelta(days=14), "min_confidence": 0.6,
             "ignore_contact_roles": ("billing",)}  # fmt: skip


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def msg(id: str, days: float, score: float, *, label: str | None = None, conf: float = 0.8,
        channel: str = "email", role: str | None = None,
        thread: str | None = None) -> MessageFact:  # fmt: skip
    label = label or ("negative" if score < -0.05 else "positive" if score > 0.05 else "neutral")
    return MessageFact(id, ago(days), channel, label, score, conf, f"text of {id}", role=role,
                       thread=thread)  # fmt: skip


def health(**changes: Any) -> HealthFacts:
    base: dict[str, Any] = dict(at=NOW, score=35.0, band="red", trend="stable", slope=0.0,
                                policy="standard", policy_reason="", band_since=ago(3),
                                trend_since=ago(10), previous_band="yellow", inputs=3)  # fmt: skip
    return HealthFacts(**{**base, **changes})


def run(spec: dict[str, Any], facts: AccountFacts) -> Match | None:
    return compile_node(spec, "when", INHERITED).evaluate(facts, NOW)


def facts(**changes: Any) -> AccountFacts:
    f = AccountFacts(1, "acme", "Acme", **changes)
    for m in f.messages:
        f.refs[m.id] = m.ref()
    for s in f.surveys:
        f.refs[s.id] = s.ref()
    return f


def test_every_condition_of_the_issue_is_registered() -> None:
    assert {"threshold.v1", "count_in_window.v1", "trend.v1", "band_change.v1", "all_of.v1",
            "any_of.v1", "survey_score.v1", "escalation.v1", "unanswered_followup.v1",
            "negative_text.v1", "deal_risk.v1", "chat_deteriorating.v1", "social_negative.v1",
            "account.v1", "customer_risk.v1"} <= set(CONDITIONS.names())  # fmt: skip


def test_excerpts_are_at_most_200_characters() -> None:
    text = "word " * 100
    assert len(excerpt(text)) <= 200 and excerpt(text).endswith("…")
    assert excerpt("  short\ntext ") == "short text"


def test_threshold_compares_a_metric_and_ignores_missing_ones() -> None:
    spec = {"type": "threshold.v1", "metric": "health.score", "op": "<", "value": 40}
    found = run(spec, facts(health=health(score=35.0)))
    assert found is not None and found.reasons == ("health.score is 35 (< 40)",)
    assert run(spec, facts(health=health(score=45.0))) is None
    assert run(spec, facts()) is None  # no snapshot: never matches


def test_count_in_window_counts_survey_answers_in_range_and_window() -> None:
    spec = {"type": "count_in_window.v1", "events": "csat", "max_score": 2, "window": "30d",
            "min_count": 3}  # fmt: skip
    answers = [SurveyFact(f"s{d}", ago(d), "csat", score) for d, score in
               ((40, 1), (25, 2), (10, 1), (9, 4), (1, 2))]  # fmt: skip
    found = run(spec, facts(surveys=answers))
    assert found is not None
    assert [r.id for r in found.evidence] == ["s25", "s10", "s1"] and found.anchor == ago(1)
    assert run({**spec, "window": "20d"}, facts(surveys=answers)) is None


def test_survey_score_uses_each_respondents_latest_answer() -> None:
    spec = {"type": "survey_score.v1", "kind": "nps", "max": 6}
    changed_mind = [SurveyFact("s1", ago(3), "nps", 3, "Bad", "ann"),
                    SurveyFact("s2", ago(1), "nps", 9, "Fixed!", "ann")]  # fmt: skip
    assert run(spec, facts(surveys=changed_mind)) is None
    assert run({**spec, "latest_only": False}, facts(surveys=changed_mind)) is not None
    old = [SurveyFact("s1", ago(10), "nps", 2, "", "bob")]
    assert run(spec, facts(surveys=old)) is None  # outside the default 7-day window
    found = run({**spec, "within": "30d"}, facts(surveys=old))
    assert found is not None and found.values["verbatim"] == "(no comment)"


def test_account_condition_reads_high_value_and_segment() -> None:
    big = facts(arr=250_000.0, segment="Enterprise", high_value=True)
    assert run({"type": "account.v1", "high_value": True}, big) is not None
    assert run({"type": "account.v1", "high_value": False}, big) is None
    assert run({"type": "account.v1", "segments": ["enterprise"]}, big) is not None
    assert run({"type": "account.v1", "min_arr": 300000}, big) is None
    assert run({"type": "account.v1"}, big).anchor is None  # type: ignore[union-attr]


def test_all_of_needs_every_part_and_any_of_reports_every_match() -> None:
    nps = SurveyFact("s1", ago(1), "nps", 2, "Terrible", "ann")
    hv = facts(surveys=[nps], high_value=True, arr=200_000.0)
    both = {"type": "all_of.v1", "conditions": [
        {"type": "survey_score.v1", "kind": "nps", "max": 3},
        {"type": "account.v1", "high_value": True}]}  # fmt: skip
    found = run(both, hv)
    assert found is not None and found.anchor == ago(1) and len(found.reasons) == 2
    assert run(both, facts(surveys=[nps])) is None
    either = {"type": "any_of.v1", "conditions": [
        {"type": "survey_score.v1", "kind": "nps", "max": 3},
        {"type": "threshold.v1", "metric": "arr", "op": ">=", "value": 100000}]}  # fmt: skip
    found = run(either, hv)
    assert found is not None and len(found.reasons) == 2


def test_band_change_anchors_at_band_start_and_needs_enough_inputs() -> None:
    red = facts(health=health())
    found = run({"type": "band_change.v1", "to": ["red"]}, red)
    assert found is not None and found.anchor == ago(3)
    assert found.values["previous_band"] == "yellow"
    assert run({"type": "band_change.v1", "to": ["red"], "from": ["green"]}, red) is None
    stayed = facts(health=health(previous_band="red"))
    assert run({"type": "band_change.v1", "to": ["red"], "changed": True}, stayed) is None
    thin = facts(health=health(inputs=1))
    assert run({"type": "band_change.v1", "to": ["red"]}, thin) is None


def test_trend_matches_direction_and_slope() -> None:
    declining = facts(health=health(trend="declining", slope=-0.3, policy="suppress"))
    found = run({"type": "trend.v1"}, declining)
    assert found is not None and found.values["policy"] == "suppress"
    assert found.anchor == ago(10)
    assert run({"type": "trend.v1", "min_slope": 0.5}, declining) is None
    assert run({"type": "trend.v1", "direction": "improving"}, declining) is None


def test_escalation_and_unanswered_followups_read_the_signals() -> None:
    chase = msg("m9", 3, -0.5, thread="T1")
    f = facts(messages=[chase], health=health(escalating=True, major_escalation=False,
                                              escalation_evidence=("m9",),
                                              unanswered=(("m9", ago(3)),)))  # fmt: skip
    assert run({"type": "escalation.v1"}, f) is not None
    assert run({"type": "escalation.v1", "level": "major"}, f) is None
    found = run({"type": "unanswered_followup.v1", "min_days": 2}, f)
    assert found is not None and found.values["waiting_days"] == "3"
    assert found.evidence == (Ref("m9", ago(3), "text of m9"),)
    assert run({"type": "unanswered_followup.v1", "min_days": 4}, f) is None


def test_negative_text_needs_several_confident_signals_on_several_days() -> None:
    spec = {"type": "negative_text.v1"}
    three = [msg("a", 10, -0.7), msg("b", 5, -0.6), msg("c", 1, -0.8)]
    assert run(spec, facts(messages=three)) is not None
    assert run(spec, facts(messages=three[:2])) is None
    same_day = [msg("a", 1.1, -0.7), msg("b", 1.05, -0.6), msg("c", 1, -0.8)]
    assert run(spec, facts(messages=same_day)) is None
    unsure = [msg("a", 10, -0.7), msg("b", 5, -0.6, conf=0.4), msg("c", 1, -0.8)]
    assert run(spec, facts(messages=unsure)) is None
    billing = [msg("a", 10, -0.7), msg("b", 5, -0.6, role="billing"), msg("c", 1, -0.8)]
    assert run(spec, facts(messages=billing)) is None
    recovered = [*three, msg("d", 0.5, 0.7)]
    assert run(spec, facts(messages=recovered)) is None
    stale = [msg("a", 20, -0.7), msg("b", 5, -0.6), msg("c", 1, -0.8)]
    assert run(spec, facts(messages=stale)) is None  # outside the 14-day persistence window
    comment = SurveyFact("s1", ago(3), "nps", 4, "Awful", verbatim_label="negative",
                         verbatim_score=-0.7, verbatim_confidence=0.9)  # fmt: skip
    assert run(spec, facts(messages=three[:2], surveys=[comment])) is not None


def test_deal_risk_reads_the_scoped_deal() -> None:
    deal = DealFacts(7, "D1", "Big deal", "rep@x.example", "Negotiation", 65.0, "high", ago(2),
                     (("ghosting", "no reply for 30 days", ("m1",)),
                      ("shorter_replies", "replies got shorter", ())))  # fmt: skip
    f = facts(messages=[msg("m1", 30, 0.1)], deals=[deal])
    assert run({"type": "deal_risk.v1"}, f) is None  # no deal in scope
    found = run({"type": "deal_risk.v1"}, f.for_deal(deal))
    assert found is not None and found.values["deal"] == "D1" and found.anchor == ago(2)
    cooling = {"type": "deal_risk.v1", "min_level": "medium",
               "signals": ["ghosting", "positive_decline"], "min_fired": 2}  # fmt: skip
    assert run(cooling, f.for_deal(deal)) is None
    assert run({**cooling, "min_fired": 1}, f.for_deal(deal)) is not None


def test_chat_deteriorating_needs_a_live_session_that_turned_sour() -> None:
    session = [msg("c1", 0.02, 0.6, channel="chat", thread="S"),
               msg("c2", 0.015, -0.2, channel="chat", thread="S"),
               msg("c3", 0.01, -0.7, channel="chat", thread="S")]  # fmt: skip
    found = run({"type": "chat_deteriorating.v1"}, facts(messages=session))
    assert found is not None and found.values["session"] == "S" and found.anchor == session[-1].t
    assert run({"type": "chat_deteriorating.v1", "within": "5m"}, facts(messages=session)) is None
    steady = [msg(f"c{i}", 0.01, -0.4, channel="chat", thread="S") for i in range(3)]
    assert run({"type": "chat_deteriorating.v1"}, facts(messages=steady)) is None


def test_social_negative_reads_only_social_mentions() -> None:
    post = msg("p1", 1, -0.8, channel="social")
    assert run({"type": "social_negative.v1"}, facts(messages=[post])) is not None
    email = msg("e1", 1, -0.8)
    assert run({"type": "social_negative.v1"}, facts(messages=[email])) is None


def test_customer_risk_quotes_the_sentence_whatever_the_label() -> None:
    """A leaving sentence alerts even when the message's label is unsure (a correction
    decided it), and only the kinds asked for, in the window and channels, count."""
    leaving = MessageFact(
        "m1",
        ago(2),
        "email",
        "negative",
        -0.05,
        0.41,
        "Hi Jo, thanks …",
        risks=(("leaving", "We have decided not to renew in March."),),
    )
    threat = MessageFact(
        "m2",
        ago(1),
        "ticket",
        "negative",
        -0.7,
        0.9,
        "Third time …",
        risks=(("threat", "This is the third time I've asked."),),
    )
    found = run({"type": "customer_risk.v1"}, facts(messages=[leaving, threat]))
    assert found is not None and found.confidence == 1.0 and found.anchor == ago(2)
    assert found.values == {
        "risk": "leaving",
        "excerpt": "We have decided not to renew in March.",
        "count": 1,
    }
    assert [r.excerpt for r in found.evidence] == ["We have decided not to renew in March."]
    both = run(
        {"type": "customer_risk.v1", "risks": ["leaving", "threat"]},
        facts(messages=[leaving, threat]),
    )
    assert both is not None and both.values["risk"] == "threat" and both.values["count"] == 2
    assert run({"type": "customer_risk.v1", "within": "1d"}, facts(messages=[leaving])) is None
    assert (
        run({"type": "customer_risk.v1", "channels": ["chat"]}, facts(messages=[leaving])) is None
    )
    assert run({"type": "customer_risk.v1"}, facts(messages=[msg("m3", 1, -0.9)])) is None
    with pytest.raises(ConditionProblem, match="risks"):
        run({"type": "customer_risk.v1", "risks": ["angry"]}, facts())


def test_customer_risk_reads_the_customer_side_of_calls_too() -> None:
    call = CallFact("c1", ago(3), "QBR", (("leaving", "We're going with another vendor."),))
    found = run({"type": "customer_risk.v1"}, facts(calls=[call]))
    assert found is not None and found.evidence == (
        Ref("c1", ago(3), "We're going with another vendor.", "call"),
    )
    assert run({"type": "customer_risk.v1", "channels": ["email"]}, facts(calls=[call])) is None
    answer = SurveyFact(
        "s1",
        ago(1),
        "nps",
        8,
        "Fine, but we are moving to Zendesk in March.",
        risks=(("leaving", "Fine, but we are moving to Zendesk in March."),),
    )
    found = run({"type": "customer_risk.v1"}, facts(surveys=[answer]))
    assert found is not None and found.evidence[0].kind == "survey"


def test_compiler_reports_every_problem_with_its_path() -> None:
    with pytest.raises(ConditionProblem) as info:
        compile_node({"type": "any_of.v1", "conditions": [
            {"type": "survey_score.v1", "kind": "nps", "max": "six"},
            {"type": "nope.v1"},
            {"type": "threshold.v1", "metric": "health.score", "op": "<", "value": 1, "x": 2},
        ]}, "rules[r].when", INHERITED)  # fmt: skip
    problems = info.value.problems
    assert problems[0].startswith("rules[r].when.conditions[0].max: Input should be a valid")
    assert problems[1].startswith("rules[r].when.conditions[1].type: unknown condition 'nope.v1'")
    assert problems[2] == ("rules[r].when.conditions[2].x: unknown parameter — remove it or "
                           "check its spelling")  # fmt: skip
    with pytest.raises(ConditionProblem, match="not a condition"):
        compile_node("survey_score.v1", "when", {})


def test_settings_fill_in_what_a_condition_leaves_out() -> None:
    node = compile_node({"type": "negative_text.v1", "min_signals": 5}, "when", INHERITED)
    params = node.params
    assert (params.min_signals, params.persistence, params.min_confidence) == (  # type: ignore[attr-defined]
        5,
        timedelta(days=14),
        0.6,
    )


@pytest.mark.parametrize(
    "module",
    ["calendar", "conditions", "config", "facts", "lifecycle", "actions", "actions.webhook"],
)
def test_docstring_examples(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(
        importlib.import_module(f"crmsense.alerts.{module}"),
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted and not result.failed
