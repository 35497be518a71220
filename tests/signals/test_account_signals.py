"""Escalation, curtness, surveys, usage and engagement on hand-built histories."""

from __future__ import annotations

import pytest

from crmsense.signals.config import HealthConfig, load_config
from crmsense.signals.curtness import curtness_signal, latencies
from crmsense.signals.data import DAY, AccountData, ActivityRow, CallRow, SurveyRow, UsageRow
from crmsense.signals.engagement import engagement_signal
from crmsense.signals.escalation import escalation_signal
from crmsense.signals.surveys import survey_signal
from crmsense.signals.usage import usage_signal

from .rows import AS_OF_T, msg


def _tickets(*scores: float) -> list:  # type: ignore[type-arg]
    rows = []
    for i, score in enumerate(scores):
        day = 80 - 15 * i
        rows.append(msg(f"t{i}", day, score, channel="ticket", ticket=f"T{i}"))
        rows.append(msg(f"r{i}", day - 0.1, None, inbound=False, channel="ticket", ticket=f"T{i}"))
    return rows


def test_tone_worsening_across_consecutive_tickets(cfg: HealthConfig) -> None:
    e = escalation_signal(
        AccountData(1, "a", messages=_tickets(0.3, -0.2, -0.4, -0.7)), AS_OF_T, cfg.escalation
    )
    assert e.escalating and e.major
    assert [t.score for t in e.tickets] == [0.3, -0.2, -0.4, -0.7]
    assert {"t2", "t3"} <= set(e.evidence)


@pytest.mark.parametrize("scores", [(0.3, -0.2, -0.2, -0.7), (0.6, 0.4, 0.2), (-0.5, -0.3, -0.6)])
def test_no_escalation_without_a_steady_worsening_to_negative(
    cfg: HealthConfig, scores: tuple[float, ...]
) -> None:
    e = escalation_signal(AccountData(1, "a", messages=_tickets(*scores)), AS_OF_T, cfg.escalation)
    assert not e.escalating


def test_a_thread_that_gets_worse_and_its_raised_priority(cfg: HealthConfig) -> None:
    rows = [
        msg("a", 20, 0.2, channel="ticket", ticket="T9", priority="normal"),
        msg("b", 18, -0.3, channel="ticket", ticket="T9", priority="high"),
        msg("c", 16, -0.6, channel="ticket", ticket="T9", priority="urgent"),
    ]
    e = escalation_signal(AccountData(1, "a", messages=rows), AS_OF_T, cfg.escalation)
    (thread,) = e.worsening_threads
    assert (thread.first, thread.last, thread.priority_raised) == (0.2, -0.6, True)
    assert e.major  # ends at or below major_score


def test_unanswered_follow_ups_until_we_reply(cfg: HealthConfig) -> None:
    rows = [
        msg("ask", 10, -0.2, ticket="T1"),
        msg("chase", 5, -0.4, ticket="T1", followup=True),
        msg("receipt", 4, None, inbound=False, ticket="T1", kind="auto_reply"),
        msg("other", 3, 0.0, ticket="T2", followup=True),
        msg("reply", 2, None, inbound=False, ticket="T2"),
        msg("fresh", 0.2, -0.4, ticket="T3", followup=True),
    ]
    e = escalation_signal(AccountData(1, "a", messages=rows), AS_OF_T, cfg.escalation)
    assert [(u.id, u.days) for u in e.unanswered] == [("chase", 5.0)]


def _exchange(days: float, reply_after: float, text_len: int, positive: float, i: int) -> list:  # type: ignore[type-arg]
    return [
        msg(f"o{i}", days + reply_after, None, inbound=False, thread=f"th{i}"),
        msg(f"i{i}", days, 0.3, thread=f"th{i}", length=text_len, positive=positive),
    ]


def test_curt_contact_against_their_own_baseline(cfg: HealthConfig) -> None:
    rows = []
    for i, day in enumerate(range(150, 40, -20)):
        rows += _exchange(day, 0.1, 400, 0.8, i)
    for i, day in enumerate((25, 15, 5), start=10):
        rows += _exchange(day, 3, 30, 0.1, i)
    c = curtness_signal(
        AccountData(1, "a", messages=sorted(rows, key=lambda r: r.t)), AS_OF_T, cfg.curtness
    )
    (contact,) = c.contacts
    assert contact.shift.fired == ["shorter_replies", "positive_decline", "slower_replies"]
    assert contact.shift.latency_ratio == pytest.approx(30.0)
    assert c.strength == 1.0
    assert c.evidence == ["i10", "i11", "i12"]


def test_a_contact_who_was_always_terse_is_not_curt(cfg: HealthConfig) -> None:
    rows = []
    for i, day in enumerate(range(150, 0, -10)):
        rows += _exchange(day, 0.5, 25, 0.1, i)
    c = curtness_signal(
        AccountData(1, "a", messages=sorted(rows, key=lambda r: r.t)), AS_OF_T, cfg.curtness
    )
    assert c.contacts and not any(x.shift.fired for x in c.contacts)
    assert c.strength == 0.0


def test_latency_ignores_receipts_and_auto_replies() -> None:
    rows = [
        msg("ours", 10, None, inbound=False, thread="x"),
        msg("ooo", 9.9, None, thread="x", auto_reply=True),
        msg("invoice", 9.5, None, inbound=False, thread="x", kind="transactional"),
        msg("theirs", 8, 0.1, thread="x"),
    ]
    assert latencies(rows) == {"theirs": pytest.approx(2.0)}


def test_nps_latest_per_contact_movement_and_account_nps(cfg: HealthConfig) -> None:
    day = DAY
    surveys = [
        SurveyRow("s1", AS_OF_T - 200 * day, "nps", 7, "c1"),
        SurveyRow("s2", AS_OF_T - 100 * day, "nps", 3, "c2"),
        SurveyRow("s3", AS_OF_T - 10 * day, "nps", 9, "c1", verbatim=0.6),
        SurveyRow("s4", AS_OF_T - 5 * day, "csat", 2, "c2"),
        SurveyRow("s5", AS_OF_T - 3 * day, "csat", 1, "c1"),
        SurveyRow("old", AS_OF_T - 500 * day, "nps", 0, "c3"),
    ]
    s = survey_signal(AccountData(1, "a", surveys=surveys), AS_OF_T, cfg.surveys)
    assert s.nps is not None and s.csat is not None
    assert s.nps.latest.movement == "7 → 9" and s.nps.change == 2
    assert s.nps.mean == 6.0 and s.nps.verbatim == 0.6
    assert s.account_nps == 0.0  # one promoter, one detractor
    assert s.csat.low_recent == ["s4", "s5"]
    assert s.csat.latest.movement == "2 → 1"  # no earlier answer by c1: the account's previous


def test_usage_trend_and_utilisation(cfg: HealthConfig) -> None:
    rows = [UsageRow(AS_OF_T - d * DAY, 60 - d // 3, 80) for d in range(84, -1, -7)]
    u = usage_signal(AccountData(1, "a", usage=rows), AS_OF_T, 90)
    assert u is not None
    assert u.utilisation == 0.75 and u.change is not None and u.change > 0.3
    assert usage_signal(AccountData(1, "a"), AS_OF_T, 90) is None


def test_engagement_days_since_and_recovery(cfg: HealthConfig) -> None:
    data = AccountData(
        1,
        "a",
        activities=[
            ActivityRow(AS_OF_T - 45 * DAY, "Recovery call"),
            ActivityRow(AS_OF_T - 20 * DAY, "qbr"),
        ],
        calls=[CallRow("sales", AS_OF_T - 2 * DAY, deal="d1")],
    )
    g = engagement_signal(data, AS_OF_T, cfg.engagement)
    assert (g.days_since, g.last_kind, g.csm_call_last_30_days) == (20.0, "qbr", True)
    assert g.last_recovery is not None and g.last_recovery_t == AS_OF_T - 45 * DAY
    only_qbr = load_config(text='[engagement]\nkinds = ["csm_call"]\n').engagement
    g = engagement_signal(data, AS_OF_T, only_qbr)
    assert (g.days_since, g.csm_call_last_30_days) == (45.0, False)  # recoveries always count
