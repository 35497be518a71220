"""Praise idioms: "Your team went above and beyond", "Hats off to the implementation team".

The praise a CSM most wants to see is often an idiom, and ``model.v1`` reads the words,
not the idiom: "Your team went above and beyond during the migration." −0.03, "Hats off to
the implementation team." +0.05, "The new version is a game changer for our reps." +0.07,
"The training session was spot on." +0.11 — all neutral, so a happy account's messages
did not lift its trend. (Praise said with a negation, "can't thank you enough", "went
without a hitch", is :mod:`~crmsense.analysis.negation`'s.)

A text is praise when it holds one of these idioms ("above and beyond", "spot on", "hats
off to", "a game changer", "made my week", "saved our quarter", "kudos to", "shout-out
to", "a lifesaver", "nailed it", "top-notch", "worked like a charm", "exceeded our
expectations", "a pleasure to work with", "second to none", "knocked it out of the
park", "has saved my team hours every week", "how we managed before it", "solved on the first
reply", "will def book again", "should've done it years ago", "the pricing is competitive",
"can't believe how easy it was", "can't live without", "keep it up", a bare "Solid."), is not a
question or a condition, and reports no problem
(:func:`~crmsense.analysis.negation.reports_problem`). :func:`praise_reading` turns a
neutral reading of praise positive (the neutral and positive probabilities swap) and
mirrors a negative one. Sarcasm is checked after it, so "Great, another outage. Hats off."
stays a complaint.

>>> is_praise("Your team went above and beyond during the migration.")
True
>>> is_praise("Hats off to support, but the export is still broken.")
False
>>> is_praise("Was the training spot on for your team?")
False
"""

from __future__ import annotations

__all__ = ["PRAISE", "is_praise", "praise_reading"]

import re

from crmsense.analysis.negation import WITHHELD_RECOMMENDATION, reports_problem
from crmsense.analysis.types import Prediction

PRAISE = re.compile(
    r"\babove and beyond\b|\bspot[- ]on\b|\bhats? off to\b|\bgame[- ]?changer\b"
    r"|\bmade (?:my|our) (?:day|week|month|year)\b"
    r"|\bsaved (?:my|our|the) (?:quarter|day|bacon|skin|launch|project|renewal|go-?live|year)\b"
    r"|\bkudos\b|\bshout[- ]?outs? to\b|\blife[- ]?savers?\b|\bnailed it\b|\btop[- ]notch\b"
    r"|\b(?:works?|worked|working) like a charm\b"
    r"|\b(?:exceeded|surpassed|beat) (?:my|our|all (?:my|our)?) ?expectations\b"
    r"|\b(?:a|an absolute|a real) (?:pleasure|joy|delight) to (?:work|deal) with\b"
    r"|\bsecond to none\b|\bknocked it out of the park\b|\bhit the ground running\b"
    r"|\b(?:would|i(?:'|’)d|we(?:'|’)d|highly|definitely|strongly|thoroughly) recommend\b"
    # time saved (2026-12-07): "has saved my team hours every week", "how we managed before
    # it", "solved on the first reply"
    r"|\b(?:saves?|saved|saving) (?:us|me|my team|our team|the team|our reps|our staff|everyone)"
    r" (?:so much time|a lot of time|a ton of time|tons of time|(?:many |countless |several )?"
    r"(?:hours|days|weeks))\b"
    r"|\bhow we (?:ever )?(?:managed|lived|coped|worked|survived) (?:before|without)\b"
    # (seventh session) "Hard to imagine running the shop without it now." read −0.25
    r"|\b(?:hard|difficult|impossible) to imagine (?:[\w'’-]+ ){0,5}?without (?:it|you|them|this"
    r"|your [a-z]+)\b"
    r"|\b(?:solved|fixed|resolved|sorted|answered) (?:on|in|at|with) (?:the|your) first "
    r"(?:reply|response|call|contact|try|attempt)\b"
    # keeping its promise (fifth session): "Does what it says on the tin." read −0.59
    r"|\b(?:does|did) (?:exactly |just )?what it says on the tin\b"
    r"|\b(?:does|did) exactly what (?:it|they|you) (?:says?|promis(?:es|ed)|claim(?:s|ed)?)\b"
    # renewing with you (fifth session): "We've decided to renew for another two years."
    # read −0.01, "We are renewing for another year." −0.30
    r"|\b(?:decided to|we(?:'|’)re|we are|we(?:'|’)ll|we will|happy to|going to|ready to|"
    r"excited to|glad to|plan(?:ning)? to) (?:be )?renew(?:ing)? (?:with you |(?:our|the) "
    r"(?:contract|subscription|agreement|plan|licen[cs]es) )?for (?:(?:another|a further|one more)"
    r"(?: (?:\d+|two|three|four|five))?|\d+|two|three|four|five|a)(?: more)? (?:years?|terms?)\b"
    r"|\bwe(?:(?:'|’)ve| have) (?:just |officially )?renewed (?:with you|(?:our|the) "
    r"(?:contract|subscription|agreement))\b"
    # (2026-12-07) "… it's been a busy week — we renewed for three years and added …"
    r"|\bwe(?:(?:'|’)ve| have)? (?:just |officially )?renewed (?:with you |(?:our|the) (?:contract"
    r"|subscription|agreement) )?for (?:another |a further )?(?:\d+|two|three|four|five|a|one"
    r" more)(?: more)? (?:years?|terms?)\b"
    # a person praised as a star (2026-12-07): "Your onboarding specialist was a rockstar."
    # read +0.24, neutral
    r"|\b(?:an? )?(?:absolute |total |real |true )?(?:rock ?stars?|superstars?)\b"
    r"|\b(?:is|was|are|were|you(?:'|’)re|she(?:'|’)s|he(?:'|’)s) (?:an? )?(?:absolute |total |"
    r"real |true )?(?:legend|gem|star|mvp|hero)s?\b"
    r"|\byou (?:absolute |total |real )?(?:legend|gem|star|hero|rock ?star|superstar)s?\b"
    # the old way left behind (2026-12-07): "Never going back to spreadsheets lol" read −0.75
    r"|\b(?:never|not|no|(?:would|could)(?:n(?:'|’)?t| not)|won(?:'|’)?t|will not|(?:i|we)"
    r"(?:'|’)?d never) (?:going |gonna |ever )?go(?:ing)? back to (?:spreadsheets?|excel|paper"
    r"|e-?mail threads"
    r"|post-its|the old (?:way|system|tool|process|setup)|(?:our|the) (?:old|previous|legacy) "
    r"[a-z]+|manual [a-z]+|doing (?:it|this) by hand)\b"
    # coming back, and switching late (seventh session): "car was spotless and pick up took
    # 5 mins. will def book again" read −0.44, "my bill has halved. should've done it years
    # ago" −0.18
    r"|\b(?:will|would|(?:i|we)(?:'|’)(?:ll|d))(?: (?:definitely|def|defo|certainly|absolutely"
    r"|happily|100%|surely))? (?:book|use|order|buy|shop|stay|fly|rent|hire|come back|be back"
    r"|return)(?: (?:with|from|at|through) (?:you|them|here|[a-z]+))? again\b"
    r"|\bshould(?:(?:'|’)ve| have) (?:done|switched|moved|made the (?:switch|move)|signed up"
    r"|joined)(?: (?:it|this|that|over))? (?:years|months|ages|long) ago\b"
    r"|\bshould(?:(?:'|’)ve| have) (?:switched|moved|made the (?:switch|move)|signed up|joined)"
    r"(?: (?:over|to you))? (?:sooner|earlier)\b"
    # pleasantly surprised (ninth session): "Can't believe how easy it was to set up the
    # Slack integration." read −0.58
    r"|\b(?:can(?:(?:'|’)?t|not| not)|could(?:n(?:'|’)?t| not)) believe (?:how (?:easy|quick"
    r"|fast|simple|smooth|painless|seamless|intuitive|helpful|good|great|well|much (?:easier"
    r"|faster|better|simpler|time))\b|(?:i|we) (?:waited|didn(?:'|’)?t (?:do|switch|try) "
    r"(?:this|it))\b)"
    # a fair price (ninth session): the clause "Your pricing is competitive" (before "but
    # the timeline is …") read neutral (0.63)
    r"|\b(?:price|pricing|rate|quote|offer|proposal|cost)s? (?:is|are|was|were|seems?|looks?"
    r"|feels?) (?:very |really |quite |pretty |extremely |super |totally |more than )?"
    r"(?:competitive|fair|reasonable)\b"
    # keep it up (2026-12-07): "Keep up the good work" ("Don't change a thing.": negation)
    r"|\bkeep (?:doing what you(?:'|’)re doing|up the (?:good|great|amazing"
    r"|excellent) work|it up)\b"
    # (ninth session) "I can't live without the pipeline view." read −0.31
    r"|\b(?:can(?:(?:'|’)?t|not)|could(?:n(?:'|’)?t| not)) (?:live|imagine life) without\b"
)
"""Praise idioms, for lower-cased text."""
_SOLID = re.compile(
    r"\W*(?:really |very |pretty |rock[- ])?solid(?: (?:product|tool|platform|service|app"
    r"|software|experience|support|team|choice|option|release|so far|overall|all round))?"
    r"(?:,? (?:so far|overall|all round|thanks))?\W*$"
)
"""A one-word verdict, the whole text (eighth session): "Solid." read +0.10, "Solid
product." +0.19. Its own pattern, matched at the start: an alternative anchored with "^"
inside :data:`PRAISE` cost every search its fast scan (12 → 104 µs a text)."""
_WITHHELD = re.compile(WITHHELD_RECOMMENDATION)
_NOT_A_STATEMENT = re.compile(r"\b(?:if|unless|whether|hopefully)\b|\?")


def is_praise(text: str) -> bool:
    """Whether ``text`` praises with an idiom and reports no problem."""
    return _praise_span(text) is not None


def _praise_span(text: str) -> tuple[int, int] | None:
    """Where ``text`` (lower-cased) praises with an idiom, when it reports no problem."""
    lowered = text.lower()
    found = PRAISE.search(lowered) or _SOLID.match(lowered)
    if found is None:
        return None
    # the idiom's own words are no problem: "can't" in "can't believe how easy it was"
    rest = f"{lowered[: found.start()]} {lowered[found.end() :]}"
    if _NOT_A_STATEMENT.search(lowered) or reports_problem(rest) or _WITHHELD.search(lowered):
        return None
    return found.span()


def praise_reading(text: str, prediction: Prediction) -> Prediction:
    """``prediction`` of ``text`` turned positive when it praises with an idiom
    (:meth:`~crmsense.analysis.types.Prediction.toward`), citing the idiom; anything else is
    returned as is.

    >>> p = Prediction(probs=(0.1, 0.8, 0.1), score=0.0, emotions={})
    >>> praise_reading("Hats off to the implementation team.", p).probs
    (0.1, 0.1, 0.8)
    """
    if prediction.reads("positive") or (span := _praise_span(text)) is None:
        return prediction
    return prediction.toward("positive").citing(text, span)
