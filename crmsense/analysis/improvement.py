"""Improvements: a number that is better for being lower went down ("Churn fell to 5%").

Customers who report results — in a quarterly review, a renewal e-mail, a survey comment —
write in the words of decline: "Time-to-invoice is down 40%", "Churn fell from 8% to 5%
this year", "Our support backlog dropped by half", "We cut month-end close from ten days
to four". ``model.v1`` reads the first two as clearly negative (−0.79, −0.80): "down",
"fell" and "churn" are bad-news words, and the network does not know which way is good
for the number. Misread, the happiest accounts' reports pull their trend down and can
raise a declining-sentiment alert.

A sentence states an improvement (:func:`is_improvement`) when a measure that is better
lower — a time (handle, wait, response, resolution, turnaround, onboarding, month-end
close, "time-to-…"), churn or attrition, a backlog, ticket or call volume, complaints,
escalations, errors or defects, downtime, manual work, no-shows, chargebacks or disputes,
costs — is said to have gone down ("is down 40%", "dropped", "fell", "halved", "is down
to almost zero") or someone cut it ("we cut", "it halved our ticket volume", "this
reduced our DSO by 12 days"), as a statement: not asked, negated ("hasn't gone down"),
hoped for ("if churn drops") or conceded ("dropped, but …"). The analyzer mirrors a
*negative* reading of such a sentence (:func:`improvement_reading`); a neutral one is
left alone: a report may just state a figure.

>>> is_improvement("Churn fell from 8% to 5% this year.")
True
>>> is_improvement("Average handle time went down 25% since we switched on the macros.")
True
>>> is_improvement("Our conversion rate is down 30% since the redesign.")
False
>>> is_improvement("Our ticket volume hasn't gone down at all.")
False
"""

from __future__ import annotations

__all__ = ["IMPROVEMENT", "improvement_reading", "is_improvement"]

import re

from crmsense.analysis.sentences import statement_match
from crmsense.analysis.types import Prediction
from crmsense.text.patterns import APOSTROPHE as _A

_BETTER_LOWER = (
    r"(?:(?:average |avg |mean |median |our |the |your |total )*(?:(?:handle|handling|wait"
    r"|waiting|hold|response|first[- ]response|resolution|turnaround|cycle|lead|load|page[- ]load"
    r"|processing|onboarding|ramp(?:-up)?|setup|approval|reconciliation|close|closing|month[- ]end"
    r"(?: close)?|quote|invoicing|billing|review) times?|time[- ]to[- ][\w-]+|churn(?: rate)?"
    r"|attrition|(?:support |ticket |case )?backlog|(?:support |inbound )?(?:ticket|case|call"
    r"|chat) (?:volume|count)s?|tickets|support (?:tickets|calls|cases)|complaints|escalations"
    r"|errors?|error rate|defects?|defect rate|bugs|rework|downtime|outages|manual (?:work|entry"
    r"|data entry|effort|steps|processes|keying)|data entry|no[- ]shows?|chargebacks|disputes"
    r"|write[- ]offs|dso|days sales outstanding|overtime|costs?|cost per [\w-]+"
    r"|(?:cart )?abandonment(?: rate)?|bounce rate|month[- ]end close))"
)
_WENT_DOWN = (
    r"(?:(?:is|are|was|were|has|have|had)(?: been| now| already)* (?:down|lower|reduced|cut"
    r"|halved|falling|dropping)|(?:went|gone|come|came|has come|have come) down|dropped"
    r"|fell|fallen|decreased|declined|shrank|shrunk|halved|plummeted|(?:is|are|was|were)"
    r"(?: now)? (?:down to|at|close to|almost|basically|practically) (?:almost |practically "
    r"|basically |virtually )?(?:zero|nil|nothing|none))"
)
IMPROVEMENT = re.compile(
    rf"\b{_BETTER_LOWER}(?: [\w%.,'’-]+){{0,3}}? {_WENT_DOWN}\b"
    rf"|\b(?:we|we{_A}ve|we have|it|it{_A}s|this|that|they|you|you{_A}ve|the [\w-]+(?: [\w-]+)?)"
    r" (?:(?:have|has|helped|helped us) )?(?:cut|reduced|halved|slashed|lowered|shaved|brought"
    r" down|trimmed|eliminated|removed) (?:(?:our|the|their|all|most|almost all|nearly all)"
    rf" )?(?:[\w-]+ )?{_BETTER_LOWER}\b"
)
"""A measure that is better lower going down, for lower-cased text."""
_RULED_OUT = re.compile(
    rf"(?:\bnot|n{_A}t|\bnever|\bhardly|\bif|\bwhen|\bonce|\bhope|\bhoping|\bexpect|\bexpecting"
    r"|\bshould|\bwould|\bcould|\bwill|\bgoal|\btarget|\baim)\W+(?:[\w%-]+\W+){0,4}$"
)
_AFTER = re.compile(
    r"\b(?:but|though|although|however|yet|until|not (?:enough|much)|because\b[^.!?]{0,40}?"
    r"\b(?:left|churned|cancel\w*|stopped|lost|gone|fewer|less))\b"
)
"""A concession, an end or a bad cause after the improvement: "dropped, but only because
we stopped answering chats", "at zero until Tuesday's release"."""
_NEGATED = re.compile(rf"\bnot\b|n{_A}t\b|\bnever\b|\bhardly\b")
_WINDOW = 50
#: Every alternative of ``IMPROVEMENT`` holds one of these.
_HINTS = (
    "down", "lower", "reduc", "cut", "halv", "fell", "fallen", "drop", "decreas", "declin",
    "shr", "plummet", "zero", "nil", "nothing", "none", "slash", "shav", "trim", "eliminat",
    "remov", "falling",
)  # fmt: skip


def is_improvement(text: str) -> bool:
    """Whether a sentence of ``text`` states that a measure that is better lower went down
    (see the module docstring)."""
    return _improvement_span(text) is not None


def _improvement_span(text: str) -> tuple[int, int] | None:
    lowered = text.lower()
    if not any(hint in lowered for hint in _HINTS) or not IMPROVEMENT.search(lowered):
        return None
    return statement_match(text, IMPROVEMENT, _stands)


def _stands(sentence: str, match: re.Match[str]) -> bool:
    """No negation or hope just before the improvement, no concession after it."""
    before = sentence[max(0, match.start() - _WINDOW) : match.start()]
    return (
        not _RULED_OUT.search(before)
        and not _NEGATED.search(match.group())
        and not _AFTER.search(sentence, match.end())
    )


def improvement_reading(text: str, prediction: Prediction) -> Prediction:
    """``prediction`` of ``text``, mirrored when it reads negative and ``text`` states an
    improvement, citing it; anything else as it is.

    >>> p = Prediction(probs=(0.85, 0.1, 0.05), score=-0.8, emotions={})
    >>> improvement_reading("Churn fell from 8% to 5% this year.", p).probs
    (0.05, 0.1, 0.85)
    """
    if not prediction.reads("negative") or (span := _improvement_span(text)) is None:
        return prediction
    return prediction.mirrored().citing(text, span)
