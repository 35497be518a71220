"""Ratings written into a text ("10/10 would buy again") decide which side it reads."""

from __future__ import annotations

import pytest

from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.api import load_engine
from crmsense.analysis.rating import rating, rating_reading
from crmsense.analysis.types import Document, Prediction

RATINGS = [
    ("10/10 would buy again", 1.0),
    ("2/10, support never answers", 0.2),
    ("Rated 1/5 - support never replied.", 0.2),
    ("Support: 2/10", 0.2),
    ("I would give you guys a 10/10!", 1.0),
    ("Easily 9/10.", 0.9),
    ("I give it 4 out of 5.", 0.8),
    ("Five stars!", 1.0),
    ("Would give zero stars if I could.", 0.0),
    ("Half a star.", 0.1),
    ("11/10 recommend", 1.0),  # hyperbole counts as the top of the scale
    ("6 stars if I could", 1.0),
    ("NPS 9, up from 6 last year.", 0.9),  # a net-promoter score (2026-12-07)
    ("NPS 3. See previous comments.", 0.3),
    ("You asked why I gave a 10.", 1.0),
    ("Gave it a 2 out of 5 because support is slow.", 0.4),
]
NOT_RATINGS = [
    "a solid 7/10",  # between the sides: the engine decides
    "The 3 star hotel was fine.",
    "9 out of 10 times the sync fails.",
    "9 out of 10 items arrived broken",
    "1/5 of our users cannot log in",
    "Confirmed for 10/10.",
    "Meeting on 10/10 at 3pm",
    "Delivered 1/10.",
    "@JetBlue Denver-Boston 2/10 flight 994 and 2/15",
    "10/10/2026 invoice attached",
    "page 2/10",
    "24/7 support",
    "Would you rate us 5 stars?",
    "We rated you 2/10 last year and easily 9/10 now.",  # both sides: no verdict
    "Rated 7. No additional comments.",  # no scale, and between the sides anyway
    "We gave them a 4 last year.",  # good out of 5, poor out of 10
    "He gave us 10 minutes.",
    "Our NPS is 45 this quarter.",  # a company's NPS, not a score
]


@pytest.mark.parametrize(("text", "share"), RATINGS)
def test_rating(text: str, share: float) -> None:
    assert rating(text) == pytest.approx(share)


@pytest.mark.parametrize("text", NOT_RATINGS)
def test_not_a_rating(text: str) -> None:
    assert rating(text) is None


def test_a_reading_turns_towards_the_rating() -> None:
    negative = Prediction(probs=(0.62, 0.18, 0.2), score=-0.42)
    neutral = Prediction(probs=(0.2, 0.6, 0.2), score=0.0)
    assert rating_reading("10/10 would buy again", negative).probs == (0.2, 0.18, 0.62)
    assert rating_reading("Zero stars.", neutral).probs == (0.6, 0.2, 0.2)
    assert rating_reading("a solid 7/10", negative) is negative
    assert rating_reading("Five stars!", rating_reading("Five stars!", negative)).probs == (
        0.2, 0.18, 0.62)  # fmt: skip


def test_the_analyzer_reads_the_rating() -> None:
    """model.v1 read "10/10 would buy again" −0.42 (2026-12-07)."""
    analyses = Analyzer(load_engine("model.v1")).analyze(
        [
            Document("10/10 would buy again"),
            Document("Zero stars. Nobody ever answers."),
            Document("Confirmed for 10/10."),
        ]
    )
    assert [a.label for a in analyses[:2]] == ["positive", "negative"]
    assert analyses[2].label != "positive"
