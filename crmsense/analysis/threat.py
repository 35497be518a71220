"""Threats: escalation to management or lawyers, and chasing the same thing again and again.

"We'll be escalating this to our legal team.", "I want to speak to your manager." and
"This is the fourth time I am asking." are the messages a CSM must not miss, yet
``model.v1`` reads them as neutral (+0.04, +0.08, −0.09): none of their words is unkind.
The analyzer reads them as negative for every engine (see :func:`threat_reading`). A text
threatens when a sentence:

- **escalates** to someone above the person addressed: "escalating this to your VP",
  "escalate to someone senior", "speak to your manager", "take this to your CEO";
- **brings in lawyers**: "our lawyers will be in touch", "involve our legal department",
  "legal action", "small claims";
- **chases again**: "the fourth time I am asking", "third time I've raised this",
  "I've reported this three times", "This is my fifth chat.", "Third reset this week.",
  "exactly what I was told last Tuesday", "the same apology I received in March";
- **pushes**: asks to escalate ("Please escalate if you can't help.") or is still
  waiting on you ("Still waiting.", "still waiting for a reply"; not "still waiting on
  legal to sign"), or says how long ("Any update? It's been a week.", "It's been three
  days and still no reply.", "I've been waiting two weeks for the refund.", "Four hours
  on hold.", "WHERE IS MY PACKAGE. DAY 9."; not "It's been a week since go-live"), or
  still has nothing ("Still no refund.");
- **sets an ultimatum**: "… by Friday or we'll have to escalate", "or we will cancel",
  "Match their price. Otherwise we're done.",
  "if this isn't fixed by Monday we will cancel",
  "we'll have to review our contract", "we may reconsider the renewal" (not "we'll review
  the contract next week");
- **asks whether anyone will ever answer** (a question, but not one to answer): "Is
  anyone actually going to respond to this ticket?", "Does anyone even read these
  emails?", "Hello? Anyone there?" (``model.v1``: −0.29, −0.31, +0.03, all neutral), or
  asks after something requested long ago: "Is there any update on the refund I requested
  three weeks ago?".

Not when the threat is negated or ruled out ("no need to escalate to your manager", "we
won't involve legal"), not in a question (but for those chasing questions), and not an
escalation inside your own team ("we've escalated this to our engineering team").
Conditions still count: "if this isn't fixed by Friday we'll escalate to your CEO" is a
threat.

>>> is_threat("We'll be escalating this to our legal team.")
True
>>> is_threat("I've chased this three times now.")
True
>>> is_threat("We've escalated this to our engineering team and will update you today.")
False
>>> is_threat("No need to escalate to your manager, it's sorted.")
False
"""

from __future__ import annotations

__all__ = ["THREAT", "is_threat", "threat_reading"]

import re

from crmsense.analysis.sentences import preceding, statement_match
from crmsense.analysis.types import Prediction
from crmsense.text.patterns import APOSTROPHE as _A

_BOSS = (
    r"(?:[a-z]+ ){0,2}(?:manager|supervisor|boss|ceo|cfo|coo|cto|vp|vice president|director|"
    r"head|leadership|management|executives?|founders?)"
)
_SENIOR = r"(?:someone|somebody|anyone) (?:more )?senior|(?:senior|executive|upper) management"
_YOURS = rf"your {_BOSS}|{_SENIOR}"
"""Above the person addressed: what "speak to" and "take this to" threaten."""
_ABOVE = (
    rf"(?:your|the|a|their) {_BOSS}|{_SENIOR}"
    r"|(?:our|my) (?:lawyers?|attorneys?|solicitors?|legal (?:team|department|counsel))|legal"
)
"""Where "escalate to" threatens (not "our engineering team")."""
_LAWYERS = r"(?:lawyers?|attorneys?|solicitors?|legal (?:team|department|counsel))"
_SPAN = (
    r"(?:a|an|one|two|three|four|five|six|seven|ten|several|a few|a couple of|\d+) (?:full )?"
    r"(?:days?|weeks?|months?)"
)
"""How long a customer has waited: "a week", "three days", "a couple of weeks"."""
_HOLD = (
    r"(?:over |more than |almost |nearly )?(?:(?:an|one|two|three|four|five|six|several|a few"
    r"|a couple of|\d+) (?:full )?hours?|(?:[2-9]\d|\d{3,}) (?:minutes|mins))"
)
"""A long time on hold after "on hold for": an hour or more, or 20 minutes or more (before
"on hold": "hours on hold", "45 minutes on hold")."""
THREAT = re.compile(
    rf"\bescalat(?:e|ed|ing)\b(?: (?:this|it|the (?:issue|matter|ticket|case|complaint)))?"
    rf"(?: (?:further|formally|internally))? (?:to|with) (?:{_ABOVE})\b"
    rf"|\b(?:speak|talk|take (?:this|it)|go over your head) (?:to|with) (?:{_YOURS})\b"
    # "our lawyers will be in touch", not "our legal team is reviewing it and will get
    # back to you by Friday"
    rf"|\b(?:our|my) {_LAWYERS}\b[^.!?]{{0,40}}\b(?:be in touch|involved|contact\w*|pursu\w*"
    r"|take (?:it|this|the matter) (?:from here|further|forward))"
    rf"|\b(?:involv(?:e|ing)|get(?:ting)?|contact(?:ing)?|consult(?:ing)?|refer(?:ring)? "
    rf"(?:this|it) to|speak(?:ing)? (?:to|with)) (?:our |my )?{_LAWYERS}"
    r"|\blegal action\b|\bsmall claims\b"
    # asking to escalate, and waiting on the vendor: "Still waiting. Please escalate.",
    # "still waiting for a reply" (not "still waiting on legal to sign")
    r"|\bplease escalate\b"
    r"|\bstill waiting(?=\W*$|\s*[.!])"
    r"|\bstill waiting (?:for|on) (?:a |an |your |any |the )?(?:reply|response|answer|update|fix"
    r"|call ?back|refund|resolution|root[- ]cause)"
    # (2026-12-07) "Thanks, I guess. Still no refund."
    r"|\bstill no (?:refund|reply|response|answer|update|fix|word|news|resolution|call ?back"
    r"|credit|replacement|delivery|invoice correction)\b"
    # the same non-answer again, and counting the days (2026-12-07): "'we're looking into it'
    # is exactly what I was told last Tuesday too.", "WHERE IS MY PACKAGE. DAY 9."
    r"|\b(?:exactly |just )?what (?:i|we) (?:was |were )?(?:told|heard|got) (?:last|before|"
    r"yesterday|on (?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:a|one|two|three|\d+) (?:days?"
    r"|weeks?) ago|the last time)\b"
    r"|(?:^|(?<=[.!?] ))day (?:[3-9]|[1-9]\d)(?=\W*$|\s*[.!])|\b(?:days?|weeks?) and counting\b"
    r"|\bthe same (?:one|e-?mail|answer|response|reply|message|apology|thing) (?:i|we) "
    r"(?:received|got|had|was sent|were sent)\b"
    # (eighth session) "you said that yesterday too" read +0.08 in a chat
    r"|\b(?:you|they|your (?:team|agent|colleague|rep|support))(?: guys)? (?:said|told (?:me|us)"
    r"|promised) (?:the same(?: thing)?(?= (?:yesterday|last|on|a|one|two|three|\d)|\W*$)|(?:that"
    r"|this|exactly that) (?:yesterday|last (?:week|time|month)|on (?:mon|tues|wednes|thurs|fri"
    r"|satur|sun)day|(?:a|one|two|three|\d+) (?:days?|weeks?) ago) (?:too|as well|also|again))\b"
    # counting the contacts (2026-12-07): "This is my fifth chat.", "Third reset this week.",
    # "Fourth engineer, fourth set of questions." (not "the fifth call in the series")
    r"|\b(?:third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:rd|th)) (?:chat|e-?mail"
    r"|ticket|engineer|agent|rep|reset|attempt|call|account manager|csm|person|support agent)"
    r"(?= this (?:week|month|year|quarter)\b| today\b|\s*[.,;!]|\W*$)"
    # waiting long (fifth session): "Any update? It's been a week.", "It's been three days
    # and still no reply.", "I've been waiting two weeks for the refund." (not "It's been a
    # week since go-live")
    rf"|\bit(?:{_A}s| has) been (?:over |more than |almost |nearly )?{_SPAN}(?: now)?"
    r"(?=\W*$|\s*[.!]|,? (?:and|with|without) (?:(?:it|we|i)(?:'|’)(?:s|re|m) )?"
    r"(?:still\b|no\b|nothing|not\b|zero|a (?:reply|"
    r"response|word)|an (?:update|answer)|any))"
    rf"|\b(?:i|we)(?:{_A}ve| have) been waiting (?:for )?(?:over |more than |almost |nearly )?"
    rf"{_SPAN}\b"
    # on hold for long (2026-12-07): "Wow. Just wow. Four hours on hold." read +0.24
    r"|\bhours? on hold\b|\b(?:[2-9]\d|\d{3,}) (?:minutes|mins) on hold\b"
    rf"|\bon hold for {_HOLD}"
    # ultimatums: "… by Friday or we'll have to escalate", "we'll have to review our
    # contract", "we may need to reconsider the renewal"
    # (2026-12-07) "Match their price and we'll talk. Otherwise we're done."
    rf"|\b(?:otherwise|or else|if not),? (?:we{_A}re|we are|i{_A}m|i am|we{_A}ll be|we will be)"
    r" (?:done|out|gone|walking|leaving|moving on)(?=\W*$|\s*[.!])"
    rf"|\bor (?:we|i)(?:{_A}ll| will| shall)(?: (?:have|need) to| be forced to)? (?:escalate"
    r"|cancel|terminate|walk away|take (?:our|my) business|look elsewhere|review (?:the|our)"
    r" (?:contract|relationship|renewal|account|options)|withhold|stop pay)"
    # "If this isn't fixed by Monday we will cancel." (not "we'll cancel the meeting"); the
    # match starts at the verb, so a condition's "isn't" is not read as ruling it out
    r"|(?:(?<=\bwe'll )|(?<=\bwe’ll )|(?<=\bwe will )|(?<=\bi'll )|(?<=\bi’ll )|(?<=\bi will ))"
    r"(?:cancel|terminate|walk away)(?=\W*$|\s*[.!])"
    rf"|\b(?:we|i)(?:{_A}ll| will| may| might| would)(?:(?: (?:have|need) to| be forced to)"
    r" (?:review|reconsider|rethink|re-?evaluate|revisit)| (?:reconsider|rethink|re-?evaluate"
    r"|revisit))"
    r" (?:the|our|this) (?:contract|relationship|partnership|renewal|subscription|investment)\b"
    rf"|\b(?:third|fourth|fifth|sixth|seventh|\d+(?:st|nd|rd|th)) time (?:that )?(?:i{_A}ve|"
    rf"i am|i{_A}m|i have|we{_A}ve|we are|we{_A}re|we have|i|we)? ?(?:asked|asking|raised|"
    r"raising|reported|reporting|written|writing|chased|chasing|called|calling|e-?mailed|"
    r"e-?mailing|requested|requesting|flagged|contacted|contacting|followed up|following up)\b"
    # the same, verb first (seventh session): "Following up for the third time on the
    # missing audit logs." read neutral
    r"|\b(?:following up|chasing|asking|writing|reaching out|e-?mailing|calling|contacting "
    r"you)(?: (?:on|about) (?:this|it))? (?:for )?(?:the|a) (?:third|fourth|fifth|sixth|seventh"
    r"|\d+(?:rd|th)) time\b"
    r"|\b(?:raised|reported|asked about|chased|flagged|mentioned|requested) (?:this|it|"
    r"this (?:issue|problem|bug|ticket|request)|the (?:issue|problem|bug|ticket|request)) "
    r"(?:now )?(?:three|four|five|six|several|multiple|many|\d+) times\b"
)
"""Threat language, for lower-cased text."""
#: Every alternative of ``THREAT`` contains one of these: a cheap gate that spares most
#: texts the regular expression (it took ~50 µs a text).
_HINTS = (
    "escalat", "speak", "talk", "take ", "go over", "lawyer", "attorney", "solicitor", "legal",
    "small claims", "still", "told", "day", "week", "been", "hold", "otherwise", "or else",
    "if not", "or we", "or i", "cancel", "terminat", "walk away", "review", "reconsider",
    "rethink", "evaluat", "revisit", "heard", "time", "same", "third", "fourth", "fifth",
    "sixth", "seventh", "eighth", "ninth", "tenth", "3rd", "0th", "1th", "2th", "3th", "4th",
    "5th", "6th", "7th", "8th", "9th", "said", "promised",
)  # fmt: skip
_WHO = r"(?:anyone|anybody|someone|somebody|you(?: guys)?|your (?:team|support|company))"
_CHASE_QUESTION = re.compile(
    # "Is anyone actually going to respond to this ticket?", "Does anyone even read these
    # emails?", "Will anyone ever get back to me?", "Does anyone there actually care?"
    rf"\b(?:is|are|will|does|do|can|would) {_WHO}(?: (?:here|there|at [a-z]+(?: [a-z]+)?))?"
    r" (?:actually|ever|even|bother(?:ing)? to|at all)\b[^?]{0,30}\b(?:respond|reply|answer"
    r"|read|get back|call (?:me|us) back|look at (?:this|it|my|our)|care|help(?: me| us)?)\w*"
    # "Hello? Anyone there?", "Is anybody there?", "hello?? anyone?"
    r"|\b(?:is )?(?:anyone|anybody) (?:there|home|out there|listening|awake|reading this)\?"
    r"|\b(?:hello|hi|hey)\s*\?+\s*(?:is )?(?:anyone|anybody)\s*\?"
    # asking after something requested long ago (2026-12-07): "Is there any update on the
    # refund I requested three weeks ago?" read −0.13, neutral and transactional
    rf"|\b(?:any (?:update|news|word|progress)|(?:what|where){_A}?s the status|what is the "
    r"status)\b[^?]{0,80}\b(?:requested|asked (?:for|about)|sent|raised|reported|submitted"
    rf"|opened|filed|logged|e-?mailed|flagged)\b[^?]{{0,30}}?\b{_SPAN} ago\b"
)
"""Rhetorical questions that chase, for lower-cased text: threats although asked."""
#: Every alternative of ``_CHASE_QUESTION`` contains one of these.
_CHASE_HINTS = ("actually", "ever", "even", "bother", "at all", "anyone", "anybody", "ago")
_RULED_OUT = re.compile(
    rf"(?:\bno need to|\bnot|n{_A}t|\bnever|\bwithout|\bno)\W+(?:\w+\W+){{0,3}}$"
)
_WINDOW = 40


def is_threat(text: str) -> bool:
    """Whether a sentence of ``text`` escalates, brings in lawyers or chases again."""
    return _threat_span(text) is not None


def _threat_span(text: str) -> tuple[int, int] | None:
    lowered = text.lower()
    if any(hint in lowered for hint in _CHASE_HINTS) and (asked := _CHASE_QUESTION.search(lowered)):
        return asked.span()
    if not any(hint in lowered for hint in _HINTS) or not THREAT.search(lowered):
        return None
    return statement_match(text, THREAT, _stands)


def _stands(sentence: str, match: re.Match[str]) -> bool:
    """No negation just before the threat ("no need to escalate")."""
    return not _RULED_OUT.search(preceding(sentence, match, _WINDOW))


def threat_reading(text: str, prediction: Prediction) -> Prediction:
    """``prediction`` of ``text`` turned negative when it threatens
    (:meth:`~crmsense.analysis.types.Prediction.toward`), citing the threat; anything else
    is returned as is.

    >>> p = Prediction(probs=(0.2, 0.7, 0.1), score=-0.1, emotions={})
    >>> threat_reading("I want to speak to your manager.", p).probs
    (0.7, 0.2, 0.1)
    """
    if prediction.reads("negative") or (span := _threat_span(text)) is None:
        return prediction
    return prediction.toward("negative").citing(text, span)
