"""Price objections: a positive reading of one is mirrored."""

from __future__ import annotations

import pytest
from child import run_python

from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.api import load_engine
from crmsense.analysis.price import is_price_objection, price_reading
from crmsense.analysis.types import Document, Prediction

OBJECTIONS = [
    "The price is higher than we budgeted, to be honest.",
    "Honestly it's too expensive for a team our size.",
    "This is well over our budget.",
    "We can't afford the enterprise tier this year.",
    "Pricing is a bit steep for us.",
    "The renewal is 30% higher than last year.",
    "The invoice was way higher than the quote.",
    "The renewal quote came in 40% higher than last year. Can we talk?",
    "Our CFO is pushing back on the price.",
    # more than budgeted (ninth session)
    "The team liked the demo a lot, but the price is more than we budgeted.",
    "Honestly it's more than we can justify this year.",
]
NOT_OBJECTIONS = [
    "It's not too expensive for what you get.",
    "A bit pricey, but worth every penny.",
    "Is the enterprise tier over our budget?",
    "We came in under budget thanks to your team.",
    "The price is fair.",
    "It delivered more than we expected.",
]


@pytest.mark.parametrize("text", OBJECTIONS)
def test_price_objection(text: str) -> None:
    assert is_price_objection(text)


@pytest.mark.parametrize("text", NOT_OBJECTIONS)
def test_not_a_price_objection(text: str) -> None:
    assert not is_price_objection(text)


def test_only_a_positive_reading_is_mirrored() -> None:
    positive = Prediction(probs=(0.1, 0.08, 0.82), score=0.72)
    neutral = Prediction(probs=(0.2, 0.7, 0.1), score=-0.1)
    assert price_reading(OBJECTIONS[0], positive).probs == (0.82, 0.08, 0.1)
    # the satisfaction of the positive reading does not survive its correction
    glad = Prediction(probs=(0.1, 0.08, 0.82), score=0.72, emotions={"satisfaction": 0.77})
    assert price_reading(OBJECTIONS[0], glad).emotions == {"satisfaction": 0.1}
    assert price_reading(OBJECTIONS[0], neutral) is neutral
    assert price_reading(NOT_OBJECTIONS[1], positive) is positive


def test_the_analyzer_reads_a_price_objection_on_a_call_as_negative() -> None:
    """model.v1 read the customer's objection +0.64 (fifth session, 2026-12-07), so the
    call's opening looked warm and the objection's resolution looked like a decline."""
    call = Document("", segments=(
        ("Ann", "rep", "So what did you think of the proposal?"),
        ("Bo", "customer", "The price is higher than we budgeted, to be honest."),
        ("Ann", "rep", "We can do a multi-year discount."),
        ("Bo", "customer", "That works. Let's move forward with the three-year option."),
    ))  # fmt: skip
    (analysis,) = Analyzer(load_engine("model.v1")).analyze([call])
    assert analysis.sentences[1].label == "negative"
    assert analysis.call is not None
    trajectory = analysis.call.trajectory
    assert trajectory.objection_raised and trajectory.objection_resolved
    assert trajectory.change > 0  # it ended better than it opened


def test_a_polite_no_over_price_stays_neutral() -> None:
    """A decline is read first: the tone was polite, the answer is no."""
    (analysis,) = Analyzer(load_engine("model.v1")).analyze(
        [Document("Thanks, but it's too expensive for us, we'll pass.", channel="email")]
    )
    assert analysis.label == "neutral" and analysis.reply_intent == "objection"


def test_a_huge_text_is_read_in_linear_time() -> None:
    code = (
        "from crmsense.analysis.price import is_price_objection\n"
        "print(is_price_objection('the price is ' * 50000),\n"
        "      is_price_objection('too pricey. ' * 50000))\n"
    )
    assert run_python(code).split() == ["False", "True"]


def test_a_corrected_reading_keeps_no_satisfaction() -> None:
    """The objection read +0.64 with satisfaction 0.77 (fifth session, 2026-12-07)."""
    (analysis,) = Analyzer(load_engine("model.v1")).analyze(
        [Document("The price is higher than we budgeted, to be honest.", channel="email")]
    )
    assert analysis.label == "negative"
    assert analysis.emotions["satisfaction"] < 0.3 and analysis.emotions["enthusiasm"] < 0.3
