"""Praise idioms ("above and beyond", "hats off to") are read as praise."""

from __future__ import annotations

import pytest
from child import run_python

from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.api import load_engine
from crmsense.analysis.praise import is_praise, praise_reading
from crmsense.analysis.types import Document, Prediction

PRAISE = [
    # time saved (2026-12-07; model.v1 read the first +0.31)
    "The new reporting module has saved my team hours every week. Our ops leads keep asking "
    "how we managed before it.",
    "It saves us so much time on month-end.",
    "Solved on the first reply.",
    "Kudos to the onboarding team for a smooth week.",
    "Shout-out to Priya, she was brilliant on the call.",
    "The new forecasting view is a real game changer.",
    "Your webinar on territories was spot on.",
    "Ana's quick fix saved our launch.",
    "That integration guide is a lifesaver.",
    "Support is top-notch, as always.",
    "The new importer worked like a charm.",
    "The first month exceeded our expectations.",
    "Your CSM is an absolute pleasure to work with.",
    "Would recommend to any agency our size.",
    "Highly recommend the onboarding package.",
    # keeping its promise (fifth session)
    "Does what it says on the tin.",
    "It does exactly what it promises.",
    # renewing with you (fifth session)
    "We've decided to renew for another two years.",
    "We are renewing for another year.",
    "We have just renewed our contract.",
    # pleasantly surprised (ninth session; model.v1 read the first −0.58)
    "Can't believe how easy it was to set up the Slack integration.",
    "Couldn't believe how much time the new workflow saves us.",
    "Can't believe we waited so long to switch.",
    "I can't live without the pipeline view.",  # ninth session: −0.31 before
    "Nothing, keep it up.",
    # a fair price (ninth session)
    "Your pricing is competitive",
    "The rates are very reasonable.",
    # keeping it up (2026-12-07)
    "Keep up the great work!",
    "Keep doing what you're doing.",
    # a person praised as a star (2026-12-07)
    "Your onboarding specialist was a rockstar.",
    "Jess is an absolute legend.",
    "Problem solved, you legend.",
    # the old way left behind (2026-12-07)
    "Never going back to spreadsheets.",
    "Busy week here, we renewed for three years and added the forecasting module.",
    "Hard to imagine running the shop without it now.",  # seventh session: −0.25
    "car was spotless and pick up took 5 mins. will def book again",  # −0.44
    "switched last month and my bill has halved. should've done it years ago",  # −0.18
    "We'd definitely order from them again.",
    # a one-word verdict (eighth session: +0.10, +0.19)
    "Solid.",
    "Solid product.",
    "Rock solid so far.",
    "We'd never go back to Excel.",
    "I wouldn't go back to spreadsheets for anything.",
]
NOT_PRAISE = [
    "It used to save us hours, but the sync is broken now.",
    "How did we manage before the outage?",
    "Hats off to support, but the export is still broken.",
    "Was the training spot on for your team?",
    "If the fix works, it'll be a game changer.",
    "Kudos for the quick reply, though the outage lasted all day.",
    "The dashboard loads slowly on Mondays.",
    "Hopefully the new version is a game changer.",
    "I would not recommend the mobile app.",
    "Would you recommend us to a colleague?",
    "Does it do what it says on the tin?",
    "We won't renew for another year.",
    "If the price stays the same we will renew for another year.",
    "We're renewing for another year, but the price increase is a problem.",
    "We've decided to renew our Zendesk contract for another year.",
    "The legend on the chart is wrong.",
    "We're never going back to your support line.",
    "He was a hero during the outage.",  # the outage is a problem: not a clean idiom
    "Can't say I'd recommend it to anyone I like.",  # a recommendation withheld
    "It's hard to imagine the team without Sam.",
    "Would not book again.",
    "I will book again if the price drops.",
    "Solid state drives are included.",  # a word, not a verdict
    "The product is solid but support is slow.",
    "I'll come back tomorrow.",
    "We should have switched sooner, the old CRM was awful.",
    "Is the price reasonable?",
    "Can't believe how bad the new release is.",
    "Can't believe how long this is taking.",
    "We can't work without the export, so please fix it today.",
    "The price is not competitive at all.",
]


@pytest.mark.parametrize("text", PRAISE)
def test_praise(text: str) -> None:
    assert is_praise(text)


@pytest.mark.parametrize("text", NOT_PRAISE)
def test_not_praise(text: str) -> None:
    assert not is_praise(text)


def test_a_neutral_reading_turns_positive_and_a_negative_one_is_mirrored() -> None:
    neutral = Prediction(probs=(0.1, 0.8, 0.1), score=0.0)
    assert praise_reading(PRAISE[0], neutral).probs == (0.1, 0.1, 0.8)
    negative = Prediction(probs=(0.7, 0.2, 0.1), score=-0.6)
    assert praise_reading(PRAISE[0], negative).probs == (0.1, 0.2, 0.7)
    positive = Prediction(probs=(0.1, 0.2, 0.7), score=0.6)
    assert praise_reading(PRAISE[0], positive) is positive
    assert praise_reading(NOT_PRAISE[0], neutral) is neutral


def test_the_analyzer_reads_praise_idioms_as_positive() -> None:
    """model.v1 read these as neutral (−0.03, +0.05, +0.07, +0.11) before the correction,
    and the last as negative (−0.59, fifth session of 2026-12-07)."""
    texts = [
        "Your team went above and beyond during the migration.",
        "Hats off to the implementation team.",
        "The new version is a game changer for our reps.",
        "The training session was spot on.",
        "Does what it says on the tin.",
        # −0.16 and −0.30 before the fifth session
        "We've decided to renew for another two years. Please send over the paperwork.",
        "We are renewing for another year.",
    ]
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    assert [a.label for a in analyses] == ["positive"] * 7


def test_sarcasm_keeps_the_last_word() -> None:
    [analysis] = Analyzer(load_engine("model.v1")).analyze(
        [Document("Oh great, another outage. Hats off to your ops team.")]
    )
    assert analysis.label == "negative"


def test_a_huge_text_is_read_in_linear_time() -> None:
    code = (
        "from crmsense.analysis.praise import is_praise\n"
        "print(is_praise('hats off to the team. ' * 50000), is_praise('made my ' * 140000))\n"
    )
    assert run_python(code).split() == ["True", "False"]


def test_toward_leaves_a_reading_already_there_and_refuses_neutral() -> None:
    positive = Prediction(probs=(0.1, 0.2, 0.7), score=0.6)
    assert positive.toward("positive") is positive
    with pytest.raises(ValueError, match="polar label"):
        positive.toward("neutral")
