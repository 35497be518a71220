"""Replies that hand the conversation to someone else are not read as negative."""

from __future__ import annotations

import pytest
from child import run_python

from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.api import load_engine
from crmsense.analysis.referral import is_referral, referral_reading
from crmsense.analysis.types import Document, Evidence, Prediction

REFERRALS = [
    "Wrong department, sorry. Try our facilities manager, Rhys Owen.",
    "Not my remit I'm afraid. Our finance director signs off on software.",
    "Hi Marta, I'm not the decision maker here. Please reach out to Lars in procurement.",
    "I no longer look after vendor relationships. Our operations lead is Chidi Eze.",
    "Sorry, can't help with this one. Ask our IT manager, she runs the tooling budget.",
    "Dear Mr Patel, I am not responsible for purchasing. Please direct your proposal to "
    "purchasing@kestrel-foods.co.uk. Kind regards, Elin",
    "Not me! Copying our head of support, who owns the helpdesk contract.",
    "I've passed your details on to our new COO. Best of luck.",
    "Wrong contact. rosa.diaz@brightline.org handles this.",
]
NOT_REFERRALS = [
    "You sent it to the wrong department and nobody has replied in a week.",
    "Wrong team again! I have been passed around five times.",
    "Not my department. Stop wasting my time and talk to procurement.",
    "Please reach out to support, the app still crashes every morning.",
    "Wrong person. Your support team keeps sending me here and nobody fixes the export.",
    "Sorry, can't help. The whole system is down again.",
    "Please stop tagging my name on your products!",
    "Our finance director is furious about the duplicate invoices.",
    "Thanks for the update on the renewal.",
]


@pytest.mark.parametrize("text", REFERRALS)
def test_referral(text: str) -> None:
    assert is_referral(text)


@pytest.mark.parametrize("text", NOT_REFERRALS)
def test_not_referral(text: str) -> None:
    assert not is_referral(text)


def test_a_negative_reading_becomes_neutral_with_the_same_confidence() -> None:
    negative = Prediction(probs=(0.85, 0.1, 0.05), score=-0.8,
                          evidence=[Evidence(0, 5, "Wrong", -0.9)])  # fmt: skip
    corrected = referral_reading(REFERRALS[0], negative)
    assert corrected.probs == (0.1, 0.85, 0.05)
    assert corrected.score == pytest.approx(-0.05)
    assert corrected.evidence == []


def test_other_readings_and_other_texts_are_left_alone() -> None:
    positive = Prediction(probs=(0.1, 0.2, 0.7), score=0.6)
    negative = Prediction(probs=(0.85, 0.1, 0.05), score=-0.8)
    assert referral_reading(REFERRALS[0], positive) is positive
    assert referral_reading(NOT_REFERRALS[0], negative) is negative


def test_the_analyzer_reads_referrals_as_not_negative() -> None:
    """model.v1 read these as negative (−0.91, −0.96, −0.45, −0.57) before the correction,
    so a contact pointing to the buyer made the deal look as if it were cooling."""
    texts = [
        "Wrong person, sorry. Our sales director is Andrew Fitzgerald.",
        "Wrong contact I'm afraid. Our marketing ops lead is Freya. I've passed your details on.",
        "Not my remit. The digital transformation team handles this, contact is Fergus Byrne.",
        "Hi, I don't look after this anymore. Please reach out to Mei Lin in customer success, "
        "she's taken over.",
    ]
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    for text, analysis in zip(texts, analyses, strict=True):
        assert analysis.label != "negative", text
        assert analysis.reply_intent == "referral", text


def test_a_complaint_with_a_referral_stays_negative() -> None:
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in NOT_REFERRALS[:5]])
    assert [a.label for a in analyses] == ["negative"] * 5


def test_a_huge_text_is_read_in_linear_time() -> None:
    """1 MB of hand-offs and of near misses takes well under a second (in a child with a
    limit, so a regression fails instead of hanging the suite)."""
    code = (
        "from crmsense.analysis.referral import is_referral\n"
        "print(is_referral('Wrong team. Try our COO. ' * 40000),\n"
        "      is_referral('not my ' * 140000))\n"
    )
    assert run_python(code).split() == ["True", "False"]
