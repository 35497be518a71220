"""Complaint idioms ("dropped the ball", "the runaround") are read as complaints."""

from __future__ import annotations

import pytest
from child import run_python

from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.api import load_engine
from crmsense.analysis.complaint import complaint_reading, is_complaint
from crmsense.analysis.types import Document, Prediction

COMPLAINTS = [
    # model.v1 read each neutral or positive (ninth session)
    "Your team dropped the ball on the migration.",
    "I keep getting the runaround.",
    "Crickets from support.",
    "We were passed from pillar to post.",
    "Onboarding took forever.",
    "The implementation took an eternity.",
    "We keep going round in circles with your team.",
    "I feel like I am talking to a wall.",
    "Every answer sends us back to square one.",
]
NOT_COMPLAINTS = [
    "They never dropped the ball, not once.",
    "Did the setup take forever for you too?",
    "If support drops the ball again we'll escalate.",  # a condition: threat's, not this
    "The migration took forever, but your team sorted it out in the end.",
    "It didn't take forever at all.",
]


@pytest.mark.parametrize("text", COMPLAINTS)
def test_complaint_idiom(text: str) -> None:
    assert is_complaint(text)


@pytest.mark.parametrize("text", NOT_COMPLAINTS)
def test_not_a_complaint(text: str) -> None:
    assert not is_complaint(text)


def test_an_idiom_is_a_complaint_whoever_it_is_about() -> None:
    """The idiom does not say whose fault it is; the reading says only that it is bad news
    ("back to the drawing board" on one's own page is a setback too)."""
    assert is_complaint("We're back to the drawing board on our own pricing page.")


def test_readings() -> None:
    neutral = Prediction(probs=(0.2, 0.7, 0.1), score=0.01)
    positive = Prediction(probs=(0.1, 0.2, 0.7), score=0.6)
    negative = Prediction(probs=(0.8, 0.1, 0.1), score=-0.7)
    text = COMPLAINTS[0]
    turned = complaint_reading(text, neutral)
    assert turned.probs == (0.7, 0.2, 0.1)
    assert [e.text for e in turned.evidence] == ["dropped the ball"]
    assert complaint_reading(text, positive).probs == (0.7, 0.2, 0.1)
    assert complaint_reading(text, negative) is negative
    assert complaint_reading(NOT_COMPLAINTS[0], neutral) is neutral


def test_the_analyzer_reads_complaint_idioms_as_negative() -> None:
    analyses = Analyzer(load_engine("model.v1")).analyze(
        [Document(t, channel="survey") for t in COMPLAINTS]
    )
    assert [a.label for a in analyses] == ["negative"] * len(COMPLAINTS)
    onboarding = analyses[4]
    assert {a.aspect: a.label for a in onboarding.aspects} == {
        "implementation_onboarding": "negative"
    }


def test_a_huge_text_is_read_in_linear_time() -> None:
    code = (
        "from crmsense.analysis.complaint import is_complaint\n"
        "print(is_complaint('we went round and ' * 50000),\n"
        "      is_complaint('crickets ' * 50000))\n"
    )
    assert run_python(code).split() == ["False", "True"]
