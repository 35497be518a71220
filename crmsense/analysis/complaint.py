"""Complaint idioms: "Your team dropped the ball on the migration", "I keep getting the runaround".

The mirror of :mod:`~crmsense.analysis.praise`: ``model.v1`` reads the words, not the
idiom, so some of the complaints a CSM most needs to hear read neutral or even positive:
"Your team dropped the ball on the migration." +0.01, "I keep getting the runaround."
+0.41, "Crickets from support." +0.18, "We were passed from pillar to post." −0.06 (all
neutral), "Onboarding took forever." +0.41, "The implementation took an eternity." −0.02.
Most complaint idioms it does read right ("radio silence", "fell through the cracks",
"jump through hoops": −0.73 to −0.85), and only the ones it misread are listed.

A text complains with an idiom when it holds one of :data:`COMPLAINT` and the idiom is
not negated just before it ("they didn't drop the ball"), the text is not a question or a
condition, and it reports no fix ("…, but they sorted it out within a day"): then
:func:`complaint_reading` turns a neutral or positive reading negative, citing the idiom.

>>> is_complaint("Your team dropped the ball on the migration.")
True
>>> is_complaint("Onboarding took forever.")
True
>>> is_complaint("They never dropped the ball, not once.")
False
>>> is_complaint("Did the setup take forever for you too?")
False
"""

from __future__ import annotations

__all__ = ["COMPLAINT", "complaint_reading", "is_complaint"]

import re

from crmsense.analysis.sentences import preceding
from crmsense.analysis.types import Prediction
from crmsense.text.patterns import APOSTROPHE as _A

COMPLAINT = re.compile(
    r"\b(?:dropped|drops|dropping|drop) the ball\b"
    r"|\b(?:the |a )?run-?around\b"
    r"|\bcrickets\b"
    r"|\bfrom pillar to post\b"
    r"|\b(?:took|takes|taking|take) (?:forever|an eternity|ages and ages)\b"
    r"|\b(?:going|go|went|spinning|running) (?:round|around) in circles\b"
    r"|\b(?:talking|talk|speaking) to a (?:brick )?wall\b"
    r"|\bback to (?:square one|the start|the drawing board)\b"
)
"""Complaint idioms ``model.v1`` misread (ninth session), for lower-cased text."""
_NEGATED = re.compile(rf"(?:\bnot|n{_A}t|\bnever|\bno)\W+(?:\w+\W+){{0,2}}$")
_NOT_A_STATEMENT = re.compile(r"\b(?:if|unless|whether|hopefully)\b|\?")
_FIXED = re.compile(
    r"\b(?:fixed|resolved|sorted|solved|made up for|turned (?:it|things) around|back on track)\b"
)
_WINDOW = 30
#: Every idiom holds one of these: a cheap gate that spares most text the search.
_HINTS = ("ball", "around", "cricket", "pillar", "forever", "eternity", "ages", "circles",
          "wall", "square one", "the start", "drawing board")  # fmt: skip


def _complaint_span(text: str) -> tuple[int, int] | None:
    """Where ``text`` (lower-cased) complains with an idiom, when it stands."""
    lowered = text.lower()
    if not any(hint in lowered for hint in _HINTS):
        return None
    found = COMPLAINT.search(lowered)
    if (
        found is None
        or _NEGATED.search(preceding(lowered, found, _WINDOW))
        or _NOT_A_STATEMENT.search(lowered)
        or _FIXED.search(lowered)
    ):
        return None
    return found.span()


def is_complaint(text: str) -> bool:
    """Whether ``text`` complains with an idiom (see the module docstring)."""
    return _complaint_span(text) is not None


def complaint_reading(text: str, prediction: Prediction) -> Prediction:
    """``prediction`` of ``text`` turned negative when it complains with an idiom
    (:meth:`~crmsense.analysis.types.Prediction.toward`), citing the idiom; anything else
    is returned as is.

    >>> p = Prediction(probs=(0.2, 0.7, 0.1), score=0.01, emotions={})
    >>> complaint_reading("Your team dropped the ball on the migration.", p).probs
    (0.7, 0.2, 0.1)
    """
    if prediction.reads("negative") or (span := _complaint_span(text)) is None:
        return prediction
    return prediction.toward("negative").citing(text, span)
