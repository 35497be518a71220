"""Declines: a prospect or customer politely saying no ("we'll pass for now, thanks").

"Thank you for the material. We won't be pursuing this, but I wish you and the team every
success." is a lost deal, yet ``model.v1`` reads it as clearly positive (+0.88): the thanks
and good wishes are the loudest words in it. On the held-out sales replies 9 of 14 polite
disengagements read positive, so a cooling deal looked warm and its "positive language
declining" signal (:mod:`crmsense.signals.deals`) never fired. The reply intent already
says ``polite_disengagement``; this module keeps the sentiment from contradicting it.

A text is a decline when it says so in words that mean no in any context: "decided
against", "won't be pursuing / moving forward / proceeding", "we'll pass", "hard pass",
"politely declining", "not interested", "not a priority", "put this on hold", "park this",
"going in another direction", "not the right time", "isn't a good time for us", "not sure
it's the right fit", "we'll hold off", "it's not for us", "fine as we are", "we'll stick
with our current provider", being covered already ("we're locked into a contract with
HubSpot until 2027", "we built this in-house", "we already use something similar"), and
scaling back: "we've decided to reduce our seats from 50
to 20", "we'll be downgrading to the Starter plan" (a contraction is a partial no; a
thank-you around one read +0.71).
Deliberately not: "no thanks" and "we're all set", which also close a happy support chat
("No thanks, everything works now!"). Questions and conditions ("if it's not a priority …") are not
declines. :func:`decline_reading` turns a positive reading of a decline into a neutral one
(the positive and neutral probabilities swap): the tone was polite, the answer is no.

>>> is_decline("Hard pass, but thanks for the note.")
True
>>> is_decline("We've reflected on it and decided against it for now.")
True
>>> is_decline("No thanks, everything works now!")
False
>>> is_decline("If this is not a priority for you, just let me know.")
False
"""

from __future__ import annotations

__all__ = ["DECLINE", "decline_reading", "is_decline"]

import re

from crmsense.analysis.sentences import sentence_texts
from crmsense.analysis.types import Prediction
from crmsense.text.patterns import APOSTROPHE as _A

DECLINE = re.compile(
    "|".join(
        (
            r"\bdecided (?:against|not to (?:proceed|pursue|go ahead|move forward|buy|sign|"
            r"renew|continue|take (?:this|it|you up on)))\b",
            rf"\b(?:won{_A}?t|will not|are not|aren{_A}?t|not|no longer) (?:be )?(?:pursuing|"
            r"proceeding|moving forward|going ahead|taking (?:this|it|you up on (?:it|this|"
            r"the offer)))\b",
            rf"\b(?:we{_A}?ll|we will|i{_A}?ll|i will|going to|have to|gonna|hard) pass"
            r"(?! (?:it|this|that|them|these|those|your|the|my|our|a|an|him|her|along|out)\b)"
            r"(?!\w)",  # not "I'll pass it to finance", "pass your note along"
            r"\bpass on (?:this|it|the (?:offer|proposal|opportunity))\b",
            r"\b(?:politely|respectfully|must|have to|will have to|going to) declin(?:e|ing)\b",
            r"\bdeclin(?:e|ing) (?:your|the|this) (?:offer|proposal|invitation|invite|quote)\b",
            r"\bnot (?:really |currently )?interested\b",
            r"\bnot (?:a|our) (?:top |high |current )?priority\b",
            r"\b(?:put|putting|park|parking) (?:this|it|the (?:project|evaluation|proposal|"
            r"conversation)) (?:on hold|aside|indefinitely)\b",
            r"\b(?:go|going|went|decided to go) (?:in )?(?:another|a different) direction\b",
            r"\bnot the right (?:time|fit) for us\b",
            # "this isn't the right time for us", "now isn't a good time", "not sure this
            # is the right fit", "we don't think it's a fit for us right now" (2026-12-07)
            rf"\b(?:is|are)n{_A}t (?:the right|a good|a great) (?:time|fit|moment)"
            r"(?= for us\b| (?:right )?now\b| at the moment\b| at this (?:time|point|stage)\b"
            r"|\s*[.!,;]|\s*$)",
            rf"\b(?:not sure|(?:do|does)n{_A}?t (?:think|feel|believe)|(?:do|does) not (?:think|"
            rf"feel|believe)) (?:that )?(?:this|it|that|you|your [a-z]+)(?:{_A}s| is| are|"
            rf"{_A}re| would be| will be) (?:the |a )?(?:right |good |great |strong )?(?:fit|time"
            r"|moment)\b",
            rf"\b(?:we{_A}ll|we will|we{_A}re going to|we are going to|we{_A}d like to|we would "
            r"like to|(?:we(?:'|’)ve|we have) decided to|decided to|going to|have to|need to) "
            r"hold off\b",
            rf"\b(?:it|this|that)(?:{_A}s| is) (?:just |simply )?not (?:a (?:good |great )?fit )?"
            r"for us\b",
            r"\b(?:fine|happy|ok|okay) (?:as|where) we are\b",
            # keeping the status quo (2026-12-07): "We decided to stay with our current
            # provider for now. Thanks for your time." read +0.90
            r"\b(?:stay|staying|stick|sticking) with (?:our|the|my) (?:current|existing|present)"
            r" (?:provider|vendor|supplier|tool|solution|platform|system|setup|set-up|software"
            r"|crm|partner|agency|contract|plan)s?\b",
            r"\b(?:stay|staying|stick|sticking) with what we (?:have|already have|use|know)\b",
            # already covered (2026-12-07): "Thanks for reaching out. We're locked into a
            # contract with HubSpot until 2027." +0.83, "Thanks but we built this in-house."
            # +0.89, "We already use something similar, thanks." +0.91
            r"\b(?:locked|tied) (?:in(?:to)?|up) (?:in |with )?(?:a |an |our )?(?:(?:multi-?year|"
            r"long-?term|\w+-year|annual) )?(?:contract|agreement|deal)\b",
            r"\bunder contract (?:with [\w.&-]+(?: [\w.&-]+)? )?(?:until|till|through)\b",
            r"\b(?:built|build|developed|handle|do) (?:this|it|that|our own(?: \w+)?|something "
            r"(?:similar|like (?:this|that|it))) in-?house\b",
            r"\b(?:have|use|run) (?:an|our own) in-?house (?:solution|tool|system|platform|team)\b",
            r"\balready (?:use|have|run|work with|pay for) (?:something|a (?:tool|solution|"
            r"product|vendor|provider|platform|system)) (?:similar|like (?:this|that|yours|it)|"
            r"for (?:this|that))\b",
            # scaling back (2026-12-07): "we've decided to reduce our seats from 50 to 20",
            # "we'll be downgrading to the Starter plan" (model.v1: +0.71 in a thank-you)
            r"\b(?:reduc(?:e|ing)|cut(?:ting)?(?: back)?|scal(?:e|ing) (?:back|down)"
            r"|downsiz(?:e|ing)|drop(?:ping)?) (?:our |the |my )?(?:number of |total )?"
            r"(?:seats?|seat count|licen[cs]es?|licen[cs]e count|users?|subscription|spend"
            r"|footprint)\b",
            r"\bdowngrad(?:e|ing) (?:to|our|the|my)\b",
        )
    )
)
"""Decline language, for lower-cased text (also the reply intent's
``polite_disengagement`` rule, :mod:`~crmsense.analysis.intent`)."""
_NOT_A_STATEMENT = re.compile(r"\b(?:if|unless|whether)\b|\?")


def is_decline(text: str) -> bool:
    """Whether a sentence of ``text`` declines an offer, a proposal or a follow-up."""
    if not DECLINE.search(text.lower()):  # most texts: no need to split into sentences
        return False
    return any(
        DECLINE.search(lowered) and not _NOT_A_STATEMENT.search(lowered)
        for lowered in (s.lower() for s in sentence_texts(text))
    )


def decline_reading(text: str, prediction: Prediction) -> Prediction:
    """``prediction`` of ``text`` with a decline's positive reading made neutral (the
    positive and neutral probabilities swap); anything else is returned as is.

    >>> p = Prediction(probs=(0.02, 0.1, 0.88), score=0.86, emotions={})
    >>> decline_reading("We'll pass for now, thanks.", p).probs
    (0.02, 0.88, 0.1)
    """
    if not prediction.reads("positive") or not is_decline(text):
        return prediction
    return prediction.swapped("positive", "neutral")
