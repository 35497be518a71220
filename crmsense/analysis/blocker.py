"""Deal breakers: "The implementation timeline is a deal breaker for us" is never good news.

A prospect or customer who names something a deal breaker, a showstopper or a
non-starter is saying the deal will not happen as it stands: the objection a rep must
answer first. ``model.v1`` reads the words, and "deal" sounds like good news: "The
implementation timeline is a deal breaker for us." read +0.85, "Your pricing is
competitive but the implementation timeline is a deal breaker for us." +0.57 (its
timeline aspect +0.85), "Honestly the lack of SSO is a showstopper." +0.06. So the
analyzer turns a positive or neutral reading of a sentence that names a blocker negative
(:func:`blocker_reading`, citing the words), and the reply intent counts it as an
objection (:mod:`~crmsense.analysis.intent`).

Left alone: a question ("Is the notice period a deal breaker for you?"), a blocker that
is only possible ("The only deal breaker would be SSO.", "if SSO is missing, that's a
showstopper"), one that almost was ("It was nearly a deal breaker, but …"), and one ruled
out ("Price isn't a deal breaker for us.", "no showstoppers so far"), whose *negative*
reading is mirrored instead, as :mod:`~crmsense.analysis.negation` does for "no
complaints": "Price isn't a dealbreaker for us." had read −0.88.

>>> blocker_stance("The implementation timeline is a deal breaker for us.")
'blocking'
>>> blocker_stance("Price isn't a dealbreaker for us.")
'ruled_out'
>>> blocker_stance("The only deal breaker would be the SSO requirement.") is None
True
"""

from __future__ import annotations

__all__ = ["BLOCKER", "blocker_reading", "blocker_stance"]

import re
from typing import Literal

from crmsense.analysis.sentences import preceding, split_sentences
from crmsense.analysis.types import Prediction
from crmsense.text.patterns import APOSTROPHE as _A

BLOCKER = re.compile(
    r"\b(?:deal[- ]?breakers?|show[- ]?stoppers?|non[- ]?starters?|(?:a|an absolute|a hard)"
    r" no[- ]go)\b"
)
"""Words that name something as blocking the deal, for lower-cased text."""
_RULED_OUT = re.compile(
    rf"(?:\bnot|n{_A}t|\bnever|\bno|\bnothing|\bnone of (?:them|these|those|it)|\bwithout)"
    r"\W+(?:(?:be|been|is|are|was|were|really|necessarily|quite|exactly|a|an|the|any|of|real"
    r"|major|big|such|for|us|me|there|so|far|yet|seen)\W+){0,4}$"
)
_POSSIBLE = re.compile(
    r"\b(?:would|could|might|may|if|unless|whether|potential|possible|possibly|almost|"
    rf"nearly|was going to|could(?:n{_A}t| not) have|(?:i|we|they|you){_A}d)\b"
    r"[^.!?]{0,60}$"
)
_POSSIBLE_AFTER = re.compile(r"\s+(?:would|could|might|may|(?:is|are) (?:possible|potential))\b")
_WINDOW = 60
_NOTHING_AFTER = re.compile(
    r"(?:\s+(?:for|to) (?:us|me|our [\w-]+(?: [\w-]+)?|the [\w-]+(?: [\w-]+)?|them))?"
    r"(?:,?\s+(?:so far|yet|at all|either|then|anyway|really))?\W*$"
)
"""What may follow a deal breaker ruled out: "for us", "so far", not another clause
("Price isn't a deal breaker, the missing SSO is.")."""
Stance = Literal["blocking", "ruled_out"]


def blocker_stance(text: str) -> Stance | None:
    """``"blocking"`` when a sentence of ``text`` names a deal breaker as a fact;
    ``"ruled_out"`` when ``text`` is one sentence that only rules a deal breaker out; else
    None."""
    found = _find(text)
    return found[0] if found else None


def _find(text: str) -> tuple[Stance, tuple[int, int]] | None:
    """:func:`blocker_stance` and where in ``text`` its words are."""
    if not BLOCKER.search(text.lower()):  # most texts: no need to split
        return None
    found: tuple[Stance, tuple[int, int]] | None = None
    sentences = split_sentences(text)
    for sentence in sentences:
        said = sentence.text.lower()
        if "?" in said:
            continue
        for match in BLOCKER.finditer(said):
            span = sentence.start + match.start(), sentence.start + match.end()
            before = preceding(said, match, _WINDOW)
            if _RULED_OUT.search(before):
                # ruled out by a text that says nothing else
                if len(sentences) == 1 and _NOTHING_AFTER.match(said, match.end()):
                    found = found or ("ruled_out", span)
            elif not _POSSIBLE.search(before) and not _POSSIBLE_AFTER.match(said, match.end()):
                return "blocking", span
    return found


def blocker_reading(text: str, prediction: Prediction) -> Prediction:
    """``prediction`` of ``text`` turned negative when it names a deal breaker (citing
    it), mirrored when it is negative and rules one out; anything else as it is.

    >>> p = Prediction(probs=(0.05, 0.05, 0.9), score=0.85, emotions={})
    >>> blocker_reading("The timeline is a deal breaker for us.", p).probs
    (0.9, 0.05, 0.05)
    """
    found = _find(text)
    if found is None:
        return prediction
    stance, span = found
    if stance == "ruled_out":
        negative, _, positive = prediction.probs
        return prediction.mirrored() if negative > positive else prediction
    if prediction.reads("negative"):
        return prediction
    return prediction.toward("negative").citing(text, span)
