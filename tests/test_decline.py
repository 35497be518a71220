"""Polite declines ("we'll pass for now, thanks") are never read as positive."""

from __future__ import annotations

import pytest
from child import run_python

from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.api import load_engine
from crmsense.analysis.decline import decline_reading, is_decline
from crmsense.analysis.types import Document, Evidence, Prediction

DECLINES = [
    "Thanks for the demo last week. After some discussion we decided against it.",
    "We have decided not to move forward at this stage. Best of luck with the launch!",
    "We won't be pursuing this, but I really appreciated your patience.",
    "We're no longer moving forward with the evaluation, thanks for all your help.",
    "Appreciate the follow-up! We'll pass for now.",
    "Thanks Jo, but I'm going to pass on this one.",
    "Hard pass, but thanks for thinking of us.",
    # keeping the status quo (2026-12-07)
    "We decided to stay with our current provider for now. Thanks for your time.",
    "Thanks for the demo! We'll stick with what we have for this year.",
    # already covered (2026-12-07)
    "Thanks for reaching out. We're locked into a contract with HubSpot until 2027.",
    "We're under contract with Salesforce until June, thanks.",
    "Thanks but we built this in-house.",
    "We already use something similar, thanks.",
    "Thanks for thinking of us! We don't think it's the right time for a case study.",
    "Politely declining - have a great weekend.",
    "Thank you for the kind offer; we must decline your proposal this year.",
    "Not interested at the moment, but thank you!",
    "Great chatting, but this is not a priority for us this year.",
    "We've put the project on hold indefinitely. Thanks for understanding.",
    "Lovely deck! We're going in a different direction though.",
    "Appreciate it, but it's not the right time for us.",
    "We're happy where we are, thanks for reaching out.",
    "Lovely people, but after a lot of thought it's simply not a good fit for us.",
    "Thank you for the material. We won’t be pursuing this.",  # curly apostrophe
    "Not sure this is the right fit for us at the moment.",  # model.v1: +0.35
    "Thanks Dana, this isn't the right time for us.",
    "Now isn't a good time, maybe in the spring.",
    "We don't think it's the right fit, but thanks for your time.",
    "We've decided to hold off until next quarter.",
    # scaling back (2026-12-07)
    "We've decided to reduce our seats from 50 to 20 at renewal.",
    "We'll be downgrading to the Starter plan next month.",
    "Please cut our licence count to 15.",
]
NOT_DECLINES = [
    "No thanks, everything works now!",  # closing a happy support chat
    "We're all set, thanks for the quick fix.",
    "I'll pass it to finance today. Have a lovely weekend!",
    "Try our COO, I'll pass your note along.",
    "I'll pass along your kind words to the team.",
    "If this is not a priority for you, just let me know.",
    "Are you not interested in the annual discount?",
    "Whether we pass the audit depends on the export.",
    "The customer was interested in the add-on.",
    "We decided to roll it out to every team.",
    "We are moving forward with the renewal, thank you!",
    "Is it not for us to decide which tier we need?",
    "Tuesday isn't a good time for the call, can we do Wednesday?",
    "I think this is a great fit for us!",
    "Is now not a good time?",
    "Please hold off on sending the invoice until Monday.",
    "We reduced the error rate by half with your help.",
    "Your fix cut our load times in half.",
    "Can we reduce our seats mid-term?",
    "Happy to stay with you for another year!",
    "Do we stay with our current plan or upgrade?",
    "Great news, the team built the integration in-house in a week!",
    "We're locked out of our account.",
    "Do you already use something similar?",
]


@pytest.mark.parametrize("text", DECLINES)
def test_decline(text: str) -> None:
    assert is_decline(text)


@pytest.mark.parametrize("text", NOT_DECLINES)
def test_not_decline(text: str) -> None:
    assert not is_decline(text)


def test_a_positive_reading_becomes_neutral_with_the_same_confidence() -> None:
    positive = Prediction(probs=(0.02, 0.1, 0.88), score=0.86,
                          evidence=[Evidence(0, 6, "Thanks", 0.9)])  # fmt: skip
    corrected = decline_reading(DECLINES[4], positive)
    assert corrected.probs == (0.02, 0.88, 0.1)
    assert corrected.score == pytest.approx(0.08)
    assert corrected.evidence == []  # "Thanks" pushed towards the reading undone


def test_other_readings_and_other_texts_are_left_alone() -> None:
    neutral = Prediction(probs=(0.2, 0.6, 0.2), score=0.0)
    negative = Prediction(probs=(0.7, 0.2, 0.1), score=-0.6)
    positive = Prediction(probs=(0.02, 0.1, 0.88), score=0.86)
    assert decline_reading(DECLINES[0], neutral) is neutral
    assert decline_reading(DECLINES[0], negative) is negative
    assert decline_reading(NOT_DECLINES[0], positive) is positive


def test_the_analyzer_reads_polite_declines_as_not_positive() -> None:
    """model.v1 read these as positive (+0.88, +0.82, +0.39, +0.74) before the
    correction, so a deal going cold looked warm."""
    texts = [
        "Thank you for the material. We won't be pursuing this, but I wish you and the team "
        "every success.",
        "Hard pass, but thanks for the note.",
        "Hi Dana, thanks so much for the follow-up and the recording. We've talked it over "
        "and decided against it for now. Regards, Piotr",
        "Thanks, but we've decided to go in another direction.",
        # a contraction read +0.71 (2026-12-07)
        "Hi Sarah, thanks for the update. We've decided to reduce our seats from 50 to 20 at "
        "renewal. Regards, Mike",
    ]
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    for text, analysis in zip(texts, analyses, strict=True):
        assert analysis.label != "positive", text
        assert analysis.reply_intent == "polite_disengagement", text


def test_a_decline_for_a_competitor_is_negative() -> None:
    """The decline correction runs before defection, which makes leaving negative."""
    text = "Thanks for everything, but we decided to go with Zendesk instead."
    [analysis] = Analyzer(load_engine("model.v1"), competitors=["Zendesk"]).analyze(
        [Document(text)]
    )
    assert analysis.label == "negative"


def test_praise_without_a_decline_stays_positive() -> None:
    texts = ["No thanks, everything works now!", "We are moving forward with the renewal!"]
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    assert [a.label for a in analyses] == ["positive", "positive"]


def test_a_huge_text_is_read_in_linear_time() -> None:
    """1 MB of declines and of near misses takes well under a second. Run in a child with a
    limit, so a regression fails instead of hanging the suite."""
    code = (
        "from crmsense.analysis.decline import is_decline\n"
        "print(is_decline('thanks, but we will pass. ' * 40000),\n"
        "      is_decline('we will not be ' * 70000))\n"
    )
    assert run_python(code).split() == ["True", "False"]
