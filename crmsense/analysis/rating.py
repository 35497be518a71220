"""Ratings written into the text: "10/10 would buy again", "5 stars", "Rated 1/5".

Reviews, social posts and survey comments often carry their own score, and it says more
than the words around it: "10/10 would buy again" read −0.42 with ``model.v1`` (the
network has no idea what "10/10" means, and "again" sounds like trouble). The analyzer
turns a reading towards the rating's side (:func:`rating_reading`) when every rating in
the text agrees: at least 80 % of the scale is positive (8/10, 4/5, four stars), at most
40 % negative (4/10, 2/5, two stars, zero stars); anything between is left to the
engine ("a solid 7/10").

A rating is *N*/5, *N*/10 or *N*/100 after a rating word ("rated 1/5", "I'd give it 9/10",
"easily 9/10", "a 2/10 experience"), a colon or a dash ("Support: 2/10"), or opening a
sentence and ending a clause ("10/10 would buy again", "2/10, support never answers"); so
not a date ("due 5/10", "Denver-Boston 2/10 flight 994", "10/10/2026") or a step ("page
2/10"). Also *N* out of 5 or 10 when nothing is counted after it ("9 out of 10 times the
sync fails" counts failures), and *N* stars (a five-star scale; "zero stars", "half a
star", "a 5-star service"). Scores above the scale are hyperbole and count as its top
("11/10", "six stars if I could"). A net-promoter score counts on its 0–10 scale ("NPS 3",
"gave you a 9"). Questions ("Would you rate us 5 stars?") carry no rating.

>>> rating("10/10 would buy again")
1.0
>>> rating("Would give zero stars if I could.")
0.0
>>> rating("9 out of 10 times the sync fails.") is None
True
>>> rating("We rated you 2/10 last year and easily 9/10 now.") is None
True
"""

from __future__ import annotations

__all__ = ["rating", "rating_reading"]

import re

from crmsense.analysis.sentences import sentence_texts
from crmsense.analysis.types import Prediction

POSITIVE = 0.8
"""A rating at or above this share of its scale reads positive."""
NEGATIVE = 0.4
"""A rating at or below this share of its scale reads negative."""

_WORDS = {"zero": 0, "no": 0, "half a": 0.5, "one": 1, "a single": 1, "two": 2, "three": 3,
          "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}  # fmt: skip
_NUMBER = r"\d{1,3}(?:\.\d)?|" + "|".join(sorted(_WORDS, key=len, reverse=True))
_AFTER = (
    r"(?=\s*(?:stars?\b)?\s*(?:[.!,;:)\-–—]|$|(?:would|will|for|from|overall|and|but|so|i|we"
    r"|recommend\w*|highly|never|great|best|worst|love\w*|again|because|since|as|due)\b))"
)
"""What may follow a rating: the end of a clause, or words that go on to judge."""
_RATED_BEFORE = re.compile(
    r"(?:^[\s\"'*(]*|[:\-–—(]\s*|\b(?:(?:rated?|rating|give|gave|giving|given|scored?)"
    r"(?: (?:you|it|us|them|this|that)(?: guys| all)?)?(?: a| an)?|solid|easy|easily|honestly"
    r"|strong|overall|total|definitely|only|just|maybe|generous|a|an|it(?:'|’)s)\s+)$"
)
"""What comes before a rating written *N*/*M*: a rating word, a colon or a dash, or nothing
(then it must end a clause, :data:`_AFTER`). A date or a step has other words before it
("due 5/10", "Denver-Boston 2/10 flight 994", "page 2/10")."""
_BEFORE_CHARS = 40
_SLASH = re.compile(r"(?<![\d/.:])(\d{1,3}(?:\.\d)?)\s?/\s?(5|10|100)(?![\d/]|\.\d)")
_OUT_OF = re.compile(rf"\b({_NUMBER}) out of (5|10|100|five|ten)\b{_AFTER}")
_STARS = re.compile(rf"\b({_NUMBER})[- ]stars?\b")
_CLAUSE_END = re.compile(_AFTER)
_NPS = re.compile(
    r"\bnps(?: score)?(?: (?:of|was|is))?[: =]*(\d{1,2})\b(?!\s*(?:/|out of|%))"
    r"|\bgave (?:you |us |it |them )?(?:a |an )?(0|1|2|9|10)(?=\s*(?:[.!,;:)\-–—]|$|(?:because"
    r"|since|as|for|and|but|so|this|last|on|in)\b))"
)
"""A score on the 0–10 scale of a net-promoter survey: "NPS 3", "NPS score of 9", and
a score given without its scale when it means the same on 0–5 and 0–10 ("gave you a 9",
"gave it a 2"; not "gave it a 4", which is good out of 5 and poor out of 10)."""
_ANY = re.compile(
    r"\d\s?/\s?(?:5|10|100)\b|\bout of (?:5|10|100|five|ten)\b|\bstars?\b|\bnps\b|\bgave\b"
)


def _number(word: str) -> float:
    return float(_WORDS[word]) if word in _WORDS else float(word)


def _share(score: str, scale: str) -> float:
    """``score`` (digits or a number word) as a share of ``scale``, at most 1 (hyperbole)."""
    return min(_number(score) / _number(scale), 1.0)


def rating(text: str) -> float | None:
    """The share of its scale (0 to 1) that ``text`` rates, when it has ratings and they
    all fall on one side (see the module docstring); None otherwise. Several ratings on
    one side give their mean."""
    lowered = text.lower()
    if not _ANY.search(lowered):  # most texts: no need to split into sentences
        return None
    shares: list[float] = []
    for sentence in sentence_texts(lowered):
        if sentence.rstrip().endswith("?"):
            continue
        for match in _SLASH.finditer(sentence):
            # only the words just before it: 7 s a megabyte of ratings when each searched
            # all of its sentence before it, 0.9 s now
            before = sentence[max(0, match.start() - _BEFORE_CHARS) : match.start()]
            opening = match.start() <= _BEFORE_CHARS and not before.strip(" \"'*(")
            if _RATED_BEFORE.search(before) and (
                not opening or _CLAUSE_END.match(sentence, match.end())
            ):
                shares.append(_share(match[1], match[2]))
        shares += [_share(m[1], m[2]) for m in _OUT_OF.finditer(sentence)]
        shares += [_share(m[1], "5") for m in _STARS.finditer(sentence)]
        shares += [_share(m[1] or m[2], "10") for m in _NPS.finditer(sentence)
                   if int(m[1] or m[2]) <= 10]  # fmt: skip
    if not shares:
        return None
    if all(s >= POSITIVE for s in shares) or all(s <= NEGATIVE for s in shares):
        return sum(shares) / len(shares)
    return None


def rating_reading(text: str, prediction: Prediction) -> Prediction:
    """``prediction`` of ``text`` turned towards the side its rating is on
    (:meth:`~crmsense.analysis.types.Prediction.toward`); anything else as it is.

    >>> p = Prediction(probs=(0.62, 0.18, 0.2), score=-0.42, emotions={})
    >>> rating_reading("10/10 would buy again", p).probs
    (0.2, 0.18, 0.62)
    """
    share = rating(text)
    if share is None:
        return prediction
    return prediction.toward("positive" if share >= POSITIVE else "negative")
