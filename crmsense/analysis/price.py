"""Price objections: "The price is higher than we budgeted" is never good news.

On a call, "The price is higher than we budgeted, to be honest." read +0.64 with
``model.v1``: nothing in it sounds unhappy, and "to be honest" sounds friendly. A price
objection is what a rep must answer and what a CSM must hear before a renewal, so the
analyzer mirrors a *positive* reading of a sentence that objects to the price
(:func:`price_reading`); a neutral one is left alone ("The quote is 20% higher than last
year." may just state a fact).

A sentence objects to the price with :data:`PRICE_OBJECTION`: too expensive, pricey or
costly, out of or over budget, no budget, can't afford, the price a concern, pricing "a
bit steep for us", the quote higher than the budget, last year or what was quoted, more
than budgeted ("more than we budgeted", "more than we can justify"), bill
shock ("the invoice was higher than the quote"), pushing back on the price. Not when it is
a question ("Is it over budget?"), ruled out ("not too expensive", "we can't say it's over
budget"), or a contrast follows ("pricey, but worth every penny": the clause decides,
:mod:`~crmsense.analysis.contrast`). The reply intent's ``objection`` rule uses the same
patterns (:mod:`~crmsense.analysis.intent`).

>>> is_price_objection("The price is higher than we budgeted, to be honest.")
True
>>> is_price_objection("It's not too expensive for what you get.")
False
>>> is_price_objection("A bit pricey, but worth every penny.")
False
"""

from __future__ import annotations

__all__ = ["PRICE_OBJECTION", "is_price_objection", "price_reading"]

import re

from crmsense.analysis.sentences import preceding, statement_match
from crmsense.analysis.types import Prediction
from crmsense.text.patterns import APOSTROPHE as _A

PRICE_OBJECTION = re.compile(
    "|".join(
        f"(?:{p})"
        for p in (
            r"\btoo (?:expensive|pricey|costly|high)\b",
            r"\b(?:out of|over|beyond) (?:our |the )?budget\b",
            r"\bno budget\b",
            rf"\bcan{_A}?t afford\b",
            r"\bcannot afford\b",
            r"\b(?:price|pricing|cost)s? (?:is|are) (?:too high|a concern|an issue|a problem|steep)"
            r"\b",
            # "pricing is a bit steep for us", "the quote seems rather high" (2026-12-07)
            r"\b(?:price|pricing|cost|quote)s? (?:is|are|seems?|looks?) (?:a (?:bit|little|tad) "
            r"|rather |quite |pretty |very |really )?(?:steep|high|pricey|expensive|costly)"
            r"(?= for (?:us|our|a|what|the)\b| compared\b| given\b|\s*[.!,;]|\s*$)",
            # price pushback (2026-12-05): "our bigger worry is price", "the quote is 20%
            # higher"
            r"\b(?:worry|concern|issue|problem|sticking point|hesitation|blocker) (?:is|was|"
            r"remains|would be) (?:the )?(?:price|pricing|cost|budget|quote)\b",
            r"\b(?:quote|price|pricing|cost|renewal) (?:is|was|came in|comes in|came back) "
            r"(?:at )?(?:\d+ ?(?:%|percent) (?:higher|more)|"
            r"(?:much |way |significantly )?(?:higher|more expensive) than (?:last year|our "
            r"budget|we (?:pay|paid|budgeted|were quoted)|the (?:quote|estimate)|what we were "
            r"quoted))\b",
            # more than budgeted (ninth session): "the price is more than we budgeted"
            r"\bmore than (?:we(?:'|’)?d? budgeted|(?:we|i) (?:can|could) (?:afford|justify|spend|"
            r"pay)|our (?:budget|budgeted)|(?:we|i) (?:wanted|planned|expected|hoped) to (?:spend|"
            r"pay))\b",
            # bill shock (2026-12-07): "the invoice was higher than the quote"
            rf"\b(?:it|this|that|invoice|bill|charge)(?:{_A}s| is| was) (?:\d+ ?(?:%|percent) "
            r"|much |way |a lot )?higher than (?:the (?:quote|estimate)|what we were quoted|we "
            r"were quoted)\b",
            r"\bpushing back (?:on|about|against) (?:the |your )?(?:price|pricing|cost|quote|"
            r"renewal|budget)\b",
            r"\b(?:finance|procurement|our cfo|the cfo|leadership|the board) (?:is|are|keeps?) "
            r"pushing back\b",
            r"\bprice (?:increase|hike|rise) (?:is|was) (?:a|an) (?:problem|issue|concern|"
            r"dealbreaker|non-starter)\b",
        )
    )
)
"""Price objection language, for lower-cased text."""
_RULED_OUT = re.compile(rf"(?:\bnot|n{_A}t|\bnever|\bhardly)\W+(?:\w+\W+){{0,2}}$")
_CONTRAST = re.compile(r"\b(?:but|though|although|however|yet|worth)\b")
_WINDOW = 40


def is_price_objection(text: str) -> bool:
    """Whether a sentence of ``text`` objects to the price (see the module docstring)."""
    return _objection_span(text) is not None


def _objection_span(text: str) -> tuple[int, int] | None:
    if not PRICE_OBJECTION.search(text.lower()):  # most texts: no need to split
        return None
    return statement_match(text, PRICE_OBJECTION, _stands)


def _stands(sentence: str, match: re.Match[str]) -> bool:
    """No negation just before the objection, no "but" after it."""
    before = preceding(sentence, match, _WINDOW)
    return not _RULED_OUT.search(before) and not _CONTRAST.search(sentence, match.end())


def price_reading(text: str, prediction: Prediction) -> Prediction:
    """``prediction`` of ``text``, mirrored when it reads positive and ``text`` objects to
    the price, citing the objection; anything else as it is.

    >>> p = Prediction(probs=(0.1, 0.08, 0.82), score=0.72, emotions={})
    >>> price_reading("The price is higher than we budgeted.", p).probs
    (0.82, 0.08, 0.1)
    """
    if not prediction.reads("positive") or (span := _objection_span(text)) is None:
        return prediction
    return prediction.mirrored().citing(text, span)
