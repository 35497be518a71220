"""``Analysis.risks``: the sentences where a customer says they are leaving or threatens."""

from __future__ import annotations

import pytest

from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.api import load_engine
from crmsense.analysis.defection import Defection
from crmsense.analysis.threat import is_threat
from crmsense.analysis.types import Document

CANCELLING = [
    "Please cancel our subscription effective end of month.",
    "We will be cancelling our subscription.",
    "We want to cancel our account.",
    "Can you cancel the auto-renewal?",
    "Please terminate the contract at the end of the term.",
]
NOT_CANCELLING = [
    "Please cancel the meeting on Friday.",
    "We cancelled our Zendesk subscription last month.",
    "Please cancel our subscription with Acme Analytics, we moved that team to you.",
    "How do I cancel a scheduled report?",
    "We'll cancel the call then.",
    "Cancel the order for the extra seats please.",
    # a person leaving their company: offboarding a user, not the customer leaving
    "Please cancel my account, I'm leaving the company.",
    "I am leaving the company next month, please cancel my license.",
]


@pytest.mark.parametrize("text", CANCELLING)
def test_asking_to_cancel_is_leaving(text: str) -> None:
    assert Defection().stance(text) == "leaving"


@pytest.mark.parametrize("text", NOT_CANCELLING)
def test_cancelling_something_else_is_not(text: str) -> None:
    assert Defection().stance(text) is None


def test_not_wanting_to_cancel_is_staying() -> None:
    assert Defection().stance("We do not want to cancel our subscription.") == "staying"
    assert Defection().stance("We are not planning to cancel our subscription.") == "staying"


def test_a_bare_we_will_cancel_is_an_ultimatum_even_after_a_condition() -> None:
    assert is_threat("If this isn't fixed by Monday we will cancel.")
    assert is_threat("Fix it or we'll cancel.")
    assert not is_threat("We won't cancel.")
    assert not is_threat("I will not cancel.")
    assert not is_threat("We'll cancel the call then.")


@pytest.mark.parametrize("engine", ["rules.v1", "model.v1"])
def test_the_analysis_quotes_each_risky_sentence_and_keeps_the_message_conversational(
    engine: str,
) -> None:
    text = ("Hi Jo, thanks for all your help this year. We have decided not to renew our "
            "contract when it ends in March. Please send the final invoice.")  # fmt: skip
    threat = "Thanks. This is the third time I've asked for the export. We need it today."
    calm = "We are not planning to cancel our subscription, we just need a new invoice."
    leaving, chasing, staying = Analyzer(load_engine(engine)).analyze(
        [Document(text, channel="email"), Document(threat), Document(calm)]
    )
    (risk,) = leaving.risks
    assert risk.kind == "leaving"
    assert (
        risk.text
        == text[risk.start : risk.end]
        == ("We have decided not to renew our contract when it ends in March.")
    )
    assert leaving.kind == "conversational" and leaving.label == "negative"
    assert [(r.kind, r.text) for r in chasing.risks] == [
        ("threat", "This is the third time I've asked for the export.")
    ]
    assert staying.risks == []


def test_in_a_call_only_the_customer_side_counts() -> None:
    call = Document(
        "",
        segments=(
            ("Ann", "rep", "If you ever decide not to renew, just let me know."),
            ("Bo", "customer", "Honestly, we are evaluating other vendors right now."),
            ("Ann", "rep", "Understood, let me see what I can do on price."),
        ),
    )
    (analysis,) = Analyzer(load_engine("rules.v1")).analyze([call])
    assert [(r.kind, r.text) for r in analysis.risks] == [
        ("weighing", "Honestly, we are evaluating other vendors right now.")
    ]


def test_an_auto_reply_has_no_risks() -> None:
    reply = Document(
        "Automatic reply: I am out of the office until Monday. To cancel your subscription, "
        "please contact billing@example.com.",
        channel="email",
    )
    (analysis,) = Analyzer(load_engine("rules.v1")).analyze([reply])
    assert analysis.unscored == "auto_reply" and analysis.risks == []


def test_a_risk_is_kept_when_the_engine_is_unsure() -> None:
    """model.v1 reads this (0.40, 0.27, 0.33): below the confidence floor, so it was
    unscored as too uncertain and its risk lost (fifth session, 2026-12-07). A risk decides
    the label, as a correction does."""
    text = "Honestly not sure the product is a fit for us anymore."
    (analysis,) = Analyzer(load_engine("model.v1")).analyze([Document(text, channel="email")])
    assert analysis.unscored is None and analysis.label == "negative"
    assert [(r.kind, r.text) for r in analysis.risks] == [("weighing", text)]
