"""Deal breakers: a sentence that names one never reads as good news."""

from __future__ import annotations

import pytest
from child import run_python

from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.api import load_engine
from crmsense.analysis.blocker import blocker_reading, blocker_stance
from crmsense.analysis.types import Document, Prediction

BLOCKING = [
    "The implementation timeline is a deal breaker for us.",
    "Honestly the lack of SSO is a showstopper.",
    "A three-year minimum term is a non-starter for our CFO.",
    "The onboarding fee is a deal-breaker, otherwise we love it.",
    "Everything looks great. Sadly the data residency issue is a dealbreaker.",
    "For legal that clause is an absolute no-go.",
]
NOT_BLOCKING = [
    "Is the 90-day notice period a deal breaker for you?",
    "The only deal breaker would be the SSO requirement.",
    "If the API can't do bulk updates, that could be a showstopper.",
    "It was almost a deal breaker, but your team found a workaround.",
    "We're on a deal with your competitor.",
]


@pytest.mark.parametrize("text", BLOCKING)
def test_a_named_deal_breaker_is_blocking(text: str) -> None:
    assert blocker_stance(text) == "blocking"


@pytest.mark.parametrize("text", NOT_BLOCKING)
def test_a_question_a_possibility_or_a_near_miss_is_not(text: str) -> None:
    assert blocker_stance(text) is None


@pytest.mark.parametrize(
    "text", ["Price isn't a dealbreaker for us.", "No showstoppers so far.",
             "Honestly, none of these are deal breakers."],
)  # fmt: skip
def test_a_deal_breaker_ruled_out(text: str) -> None:
    assert blocker_stance(text) == "ruled_out"


@pytest.mark.parametrize(
    "text", ["Price isn't a deal breaker, the missing SSO is.",
             "Price is not a deal breaker. The missing SSO is a problem though."],
)  # fmt: skip
def test_ruling_one_out_beside_another_complaint_is_not_ruling_out(text: str) -> None:
    assert blocker_stance(text) is None


def test_readings() -> None:
    positive = Prediction(probs=(0.05, 0.05, 0.9), score=0.85)
    neutral = Prediction(probs=(0.2, 0.7, 0.1), score=-0.1)
    negative = Prediction(probs=(0.8, 0.1, 0.1), score=-0.7)
    blocking, ruled_out = BLOCKING[0], "Price isn't a dealbreaker for us."
    turned = blocker_reading(blocking, positive)
    assert turned.probs == (0.9, 0.05, 0.05)
    assert [e.text for e in turned.evidence] == ["deal breaker"]
    assert blocker_reading(blocking, neutral).probs == (0.7, 0.2, 0.1)
    assert blocker_reading(blocking, negative) is negative
    assert blocker_reading(ruled_out, negative).probs == (0.1, 0.1, 0.8)
    assert blocker_reading(ruled_out, positive) is positive
    assert blocker_reading(NOT_BLOCKING[1], positive) is positive


def test_the_issue_example_with_a_deal_breaker_has_opposite_aspects() -> None:
    """model.v1 read the message +0.57 and its timeline aspect +0.85 (ninth session)."""
    text = "Your pricing is competitive but the implementation timeline is a deal breaker for us."
    (analysis,) = Analyzer(load_engine("model.v1")).analyze([Document(text, channel="email")])
    assert analysis.label == "negative"
    aspects = {a.aspect: a.label for a in analysis.aspects}
    assert aspects["timeline"] == "negative"
    assert aspects["pricing"] == "positive"
    assert any("deal breaker" in e.text for e in analysis.evidence)


def test_a_huge_text_is_read_in_linear_time() -> None:
    code = (
        "from crmsense.analysis.blocker import blocker_stance\n"
        "print(blocker_stance('not a deal breaker ' * 50000),\n"
        "      blocker_stance('a showstopper. ' * 50000))\n"
    )
    assert run_python(code).split() == ["None", "blocking"]
