"""Improvements and setbacks in the customer's numbers ("Churn fell from 8% to 5%.").

Customers who report results — in a quarterly review, a renewal e-mail, a survey comment —
write good news in the words of decline: "Time-to-invoice is down 40%", "Churn fell from
8% to 5% this year", "We've seen a 30% drop in support tickets", "We cut month-end close
from ten days to four". ``model.v1`` reads the first two as clearly negative (−0.79,
−0.80): "down", "fell" and "churn" are bad-news words, and the network does not know
which way is good for the number. Misread, the happiest accounts' reports pull their
trend down and can raise a declining-sentiment alert. The other way round, "Our ticket
volume doubled since the update." read +0.30 and "Handle time went up 20% after the new
release." +0.24.

A sentence states an improvement (:func:`is_improvement`) when a measure that is better
lower — a time (handle, wait, response, resolution, turnaround, onboarding, month-end
close, "time-to-…"), churn or attrition, a backlog, ticket or call volume, complaints,
escalations, errors or defects, downtime, manual work, no-shows, chargebacks or disputes,
DSO, costs — is said to have gone down ("is down 40%", "dropped", "fell", "halved", "is
down to almost zero", "a 30% drop in …") or someone cut it ("we cut", "it halved our
ticket volume", "this reduced our DSO by 12 days"), or one that is better higher — CSAT,
NPS, adoption, usage, conversion, response, win, renewal or retention rates, revenue,
pipeline, productivity, uptime — is said to have gone up ("is up 12 points", "doubled",
"a 20% lift in …", "went from 78 to 92"). A setback (:func:`is_setback`) is the reverse.
Only as a statement: not asked, negated ("hasn't gone down"), hoped for ("if churn
drops"), conceded or contrasted ("dropped, but …", "fell while usage rose") or explained
away ("down because half our customers left"), and not when the sentence states both. The
analyzer mirrors a *negative* reading of an improvement and a *positive* reading of a
setback (:func:`improvement_reading`); a neutral reading is left alone: a report may just
state a figure.

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

__all__ = ["IMPROVEMENT", "SETBACK", "improvement_reading", "is_improvement", "is_setback"]

import re

from crmsense.analysis.sentences import preceding, statement_match
from crmsense.analysis.types import Label, Prediction
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
_BETTER_HIGHER = (
    r"(?:(?:average |avg |our |the |your |total )*(?:csat|nps|net promoter score|satisfaction"
    r"(?: scores?)?|adoption(?: rate)?|usage|utili[sz]ation|conversions?(?: rates?)?|(?:response"
    r"|reply|open|click(?:-through)?|win|renewal|retention|completion|deflection|first[- ]contact"
    r" resolution|self[- ]service|activation) rates?|revenue|pipeline|bookings|productivity"
    r"|engagement|retention|uptime|throughput|(?:csat|nps|satisfaction|health) scores?))"
)
_DOWN = (
    r"(?:(?:is|are|was|were|has|have|had)(?: been| now| already)* (?:down|lower|reduced|cut"
    r"|halved|falling|dropping)|(?:went|gone|come|came|has come|have come) down|dropped"
    r"|fell|fallen|decreased|declined|shrank|shrunk|halved|plummeted|(?:is|are|was|were)"
    r"(?: now)? (?:down to|at|close to|almost|basically|practically) (?:almost |practically "
    r"|basically |virtually )?(?:zero|nil|nothing|none))"
)
_UP = (
    r"(?:(?:is|are|was|were|has|have|had)(?: been| now| already)* (?:up|higher|increased"
    r"|doubled|tripled|rising|climbing)|(?:went|gone|come|came|has come|have come) up|rose"
    r"|risen|increased|grew|grown|doubled|tripled|jumped|climbed|soared|spiked|shot up)"
)
_FALL = r"(?:drop|reduction|decrease|decline|fall|cut|dip)"
_RISE = r"(?:increase|rise|jump|spike|surge|uptick|boost|lift|uplift|growth)"
_SIZE = (
    r"(?:(?:\d+(?:\.\d+)? ?(?:%|percent|points?|x)|(?:a |an )?(?:big|huge|massive|significant"
    r"|sharp|noticeable|real|steady|dramatic|\d+(?:\.\d+)?[- ]fold) )\s*)?"
)


def _moves(measure: str, moved: str, change: str, cut: bool = False) -> str:
    """A measure said to have moved one way: "churn fell", "a 30% drop in tickets", and
    with ``cut`` someone bringing it down ("we cut month-end close")."""
    out = (
        rf"\b{measure}(?: [\w%.,'’-]+){{0,3}}? {moved}\b"
        rf"|\b{_SIZE}{change}s? (?:in|of) (?:(?:our|the|their) )?{measure}\b"
    )
    if cut:
        out += (
            rf"|\b(?:we|we{_A}ve|we have|it|it{_A}s|this|that|they|you|you{_A}ve|the [\w-]+"
            r"(?: [\w-]+)?) (?:(?:have|has|helped|helped us) )?(?:cut|reduced|halved|slashed"
            r"|lowered|shaved|brought down|trimmed|eliminated|removed) (?:(?:our|the|their|all"
            rf"|most|almost all|nearly all) )?(?:[\w-]+ )?{measure}\b"
        )
    return out


IMPROVEMENT = re.compile(
    _moves(_BETTER_LOWER, _DOWN, _FALL, cut=True) + "|" + _moves(_BETTER_HIGHER, _UP, _RISE)
)
"""A measure better lower going down, or one better higher going up, for lower-cased text."""
SETBACK = re.compile(_moves(_BETTER_LOWER, _UP, _RISE) + "|" + _moves(_BETTER_HIGHER, _DOWN, _FALL))
"""A measure better lower going up, or one better higher going down ("Our ticket volume
doubled since the update."), for lower-cased text."""
_FROM_TO = re.compile(
    rf"\b(?P<measure>{_BETTER_LOWER}|{_BETTER_HIGHER})(?: [\w'’-]+){{0,3}}? from "
    r"(?P<old>\d+(?:\.\d+)?)\s*(?:%|percent|points?|days?|hours?|minutes?|mins?|seconds?)? to "
    r"(?P<new>\d+(?:\.\d+)?)\b"
)
"""A measure moving between two numbers: "Our CSAT went from 78 to 92"."""
_LOWER_IS_BETTER = re.compile(_BETTER_LOWER)
_RULED_OUT = re.compile(
    rf"(?:\bnot|n{_A}t|\bnever|\bhardly|\bif|\bwhen|\bonce|\bhope|\bhoping|\bexpect|\bexpecting"
    r"|\bshould|\bwould|\bcould|\bwill|\bgoal|\btarget|\baim)\W+(?:[\w%-]+\W+){0,4}$"
)
_AFTER = re.compile(
    r"\b(?:but|though|although|however|yet|until|while|whereas|not (?:enough|much)"
    r"|because\b[^.!?]{0,40}?"
    r"\b(?:left|churned|cancel\w*|stopped|lost|gone|fewer|less))\b"
)
"""A concession, a contrast, an end or a bad cause after the move: "dropped, but only because
we stopped answering chats", "at zero until Tuesday's release", "fell while usage rose"."""
_NEGATED = re.compile(rf"\bnot\b|n{_A}t\b|\bnever\b|\bhardly\b")
_WINDOW = 50
#: Every alternative of the patterns holds one of these.
_HINTS = (
    "down", "lower", "reduc", "cut", "halv", "fell", "fallen", "drop", "decreas", "declin",
    "shr", "plummet", "zero", "nil", "nothing", "none", "slash", "shav", "trim", "eliminat",
    "remov", "falling", "dip", "up", "higher", "increas", "doubl", "tripl", "rising", "climb",
    "rose", "risen", "grew", "grown", "growth", "jump", "soar", "spike", "surge", "boost",
    "lift", "from",
)  # fmt: skip


#: Every measure holds one of these.
_MEASURES = (
    "time", "churn", "attrition", "backlog", "ticket", "case", "call", "chat", "complaint",
    "escalation", "error", "defect", "bug", "rework", "downtime", "outage", "manual",
    "data entry", "show", "chargeback", "dispute", "write", "dso", "days sales", "overtime",
    "cost", "abandon", "bounce", "close", "csat", "nps", "promoter", "satisfaction", "adoption",
    "usage", "utili", "conversion", "rate", "revenue", "pipeline", "booking", "productivity",
    "engagement", "retention", "uptime", "throughput", "score",
)  # fmt: skip


def is_improvement(text: str) -> bool:
    """Whether a sentence of ``text`` states that a measure got better (see the module
    docstring)."""
    return _span(text, better=True) is not None


def is_setback(text: str) -> bool:
    """Whether a sentence of ``text`` states that a measure got worse: one better lower went
    up, or one better higher went down.

    >>> is_setback("Our ticket volume doubled since the update.")
    True
    >>> is_setback("Churn fell from 8% to 5% this year.")
    False
    """
    return _span(text, better=False) is not None


def _span(text: str, *, better: bool) -> tuple[int, int] | None:
    """Where ``text`` states that a measure got better (or worse), when it does not also
    say the other, even conceded."""
    lowered = text.lower()
    if not any(hint in lowered for hint in _MEASURES) or not any(
        hint in lowered for hint in _HINTS
    ):
        return None
    this, other = (IMPROVEMENT, SETBACK) if better else (SETBACK, IMPROVEMENT)
    if other.search(lowered):
        return None
    if this.search(lowered):
        found = statement_match(text, this, _stands)
        if found is not None:
            return found
    if not _FROM_TO.search(lowered):
        return None

    def numbers(sentence: str, match: re.Match[str]) -> bool:
        rose = float(match["new"]) > float(match["old"])
        lower_is_better = _LOWER_IS_BETTER.fullmatch(match["measure"]) is not None
        return _stands(sentence, match) and rose != (better == lower_is_better)

    return statement_match(text, _FROM_TO, numbers)


def _stands(sentence: str, match: re.Match[str]) -> bool:
    """No negation or hope just before the move, none inside it, no concession after it."""
    before = preceding(sentence, match, _WINDOW)
    return (
        not _RULED_OUT.search(before)
        and not _NEGATED.search(match.group())
        and not _AFTER.search(sentence, match.end())
    )


def improvement_reading(text: str, prediction: Prediction) -> Prediction:
    """``prediction`` of ``text``, mirrored when it reads negative and ``text`` states an
    improvement, or reads positive and ``text`` states a setback, citing the words;
    anything else as it is.

    >>> p = Prediction(probs=(0.85, 0.1, 0.05), score=-0.8, emotions={})
    >>> improvement_reading("Churn fell from 8% to 5% this year.", p).probs
    (0.05, 0.1, 0.85)
    """
    turns: tuple[tuple[Label, bool], ...] = (("negative", True), ("positive", False))
    for label, better in turns:
        if prediction.reads(label) and (span := _span(text, better=better)) is not None:
            return prediction.mirrored().citing(text, span)
    return prediction
