"""Properties of the health score over generated histories.

- Adding a transactional e-mail or an auto-reply (any time, either direction, any thread,
  any wording) never changes health, trend or policy.
- A more negative newest message never gives a higher health score than a less negative one.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmsense.signals.assess import assess, health_at
from crmsense.signals.config import load_config
from crmsense.signals.data import (
    DAY,
    AccountData,
    ActivityRow,
    DealRow,
    MessageRow,
    SurveyRow,
    UsageRow,
)

from .rows import AS_OF_T, msg

CFG = load_config()
scores = st.floats(-1, 1, allow_nan=False)


@st.composite
def messages(draw: st.DrawFn, kind: str = "conversational") -> MessageRow:
    inbound = draw(st.booleans())
    return msg(
        draw(st.uuids()).hex[:8],
        draw(st.floats(0.5, 200)),
        draw(scores) if inbound else None,
        channel=draw(st.sampled_from(["email", "ticket", "chat"])),
        inbound=inbound,
        contact=draw(st.sampled_from(["c1", "c2"])),
        ticket=draw(st.sampled_from([None, "T1", "T2", "T3"])),
        thread=draw(st.sampled_from([None, "th1", "th2"])),
        deal=draw(st.sampled_from([None, "d1"])),
        followup=draw(st.booleans()),
        length=draw(st.integers(1, 2000)),
        positive=draw(st.floats(0, 1)),
        urgency=draw(st.floats(0, 1)),
        confidence=draw(st.floats(0.3, 1)),
        kind=kind,
        competitors=draw(st.sampled_from([(), ("Globex",)])),
    )


def _account(rows: list[MessageRow]) -> AccountData:
    return AccountData(
        1,
        "a",
        messages=sorted(rows, key=lambda r: r.t),
        surveys=[SurveyRow("n", AS_OF_T - 30 * DAY, "nps", 8, "c1")],
        usage=[UsageRow(AS_OF_T - d * DAY, 40 + d % 5, 60) for d in range(84, -1, -7)],
        activities=[ActivityRow(AS_OF_T - 20 * DAY, "csm_call")],
        deals=[DealRow("d1", stage="Negotiation")],
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    history=st.lists(messages(), max_size=25),
    noise=st.lists(
        st.one_of(
            messages("transactional"),
            messages("auto_reply"),
            messages().map(lambda m: replace(m, auto_reply=True)),
        ),
        min_size=1,
        max_size=5,
    ),
)
def test_transactional_mail_and_auto_replies_never_change_anything(
    history: list[MessageRow], noise: list[MessageRow]
) -> None:
    before = assess(_account(history), AS_OF_T, CFG)
    after = assess(_account(history + noise), AS_OF_T, CFG)
    assert after.health == before.health
    assert after.sentiment.overall.trend == before.sentiment.overall.trend
    assert after.policy == before.policy
    assert [d.risk_score for d in after.deals] == [d.risk_score for d in before.deals]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    history=st.lists(messages(), max_size=25),
    low=scores,
    high=scores,
    channel=st.sampled_from(["email", "ticket"]),
)
def test_a_more_negative_newest_message_never_raises_health(
    history: list[MessageRow], low: float, high: float, channel: str
) -> None:
    low, high = min(low, high), max(low, high)
    newest = msg("new", 0.1, low, channel=channel, ticket="T-new" if channel == "ticket" else None)
    worse = health_at(_account([*history, newest]), AS_OF_T, CFG)
    better = health_at(_account([*history, replace(newest, score=high)]), AS_OF_T, CFG)
    assert worse.score is not None and better.score is not None
    assert worse.score <= better.score
    assert 0 <= worse.score <= 100
