"""What an inbound reply to sales outreach means: the reply intent.

An automatic reply (message kind ``auto_reply``) is ``out_of_office``, unless it says the
mail was not delivered or the mailbox is unattended (a bounce: ``other``). Otherwise rule
patterns are checked in priority order — unsubscribe, referral, objection,
polite_disengagement, interest — and the first that matches wins ("sounds interesting,
but it's too expensive" is an objection; "not interested" is polite disengagement, never
interest). Combination with an engine that reports intent probabilities:

1. automatic replies are ``out_of_office``, bounces and unattended mailboxes
   (:func:`~crmsense.text.autoreply.is_undelivered`) ``other``: the address, not the
   moment, is the problem, so a sales sequence must not simply wait and retry;
2. otherwise the first matching rule wins (the patterns are precise: on held-out replies
   nearly every match is right, but they miss wording they do not know); a reply that
   says it is leaving for or weighing a competitor (``leaving``, found by
   :mod:`~crmsense.analysis.defection`: "we're evaluating other vendors") is an
   objection unless it unsubscribes or refers; a reply that only thanks for help ("Thanks
   so much for your help, really appreciate it.") is ``other``;
3. otherwise the engine's best guess when it reaches 0.4, else ``other``; its
   ``out_of_office`` only when the reply uses a word an absent person's note uses
   (:func:`~crmsense.text.autoreply.has_auto_reply_cue`, as for the kind head's
   ``auto_reply``): "Sorry for the delay, I was out sick. Let's reschedule for next
   week." is someone back at work, whom the head took for an absent one; its
   ``unsubscribe`` only when the reply uses a word of stopping contact, its ``referral``
   only when it names someone to hand over to.

>>> reply_intent("Please remove me from your mailing list.")
'unsubscribe'
>>> reply_intent("Not a priority right now - let's circle back next quarter.")
'polite_disengagement'
>>> reply_intent("Looks interesting, but honestly it's too expensive for a team our size.")
'objection'
>>> reply_intent("I'm not the right person; please reach out to Dana, our RevOps lead.")
'referral'
>>> reply_intent("Interesting! Could we set up a call next Tuesday?")
'interest'
"""

from __future__ import annotations

__all__ = ["OBJECTION", "REFERRAL", "RULES", "has_objection", "reply_intent"]

import re
from collections.abc import Callable

from crmsense.analysis.decline import DECLINE
from crmsense.analysis.price import PRICE_OBJECTION
from crmsense.analysis.types import INTENTS, Intent
from crmsense.text.autoreply import has_auto_reply_cue

PLAUSIBLE = 0.4


def _any(*patterns: str) -> re.Pattern[str]:
    """One pattern for lower-cased text (no IGNORECASE: several times faster)."""
    return re.compile("|".join(f"(?:{p})" for p in patterns))


#: Objection language (price, timing, competitor or status quo, authority, need); like
#: every pattern here it is matched against lower-cased text.
OBJECTION = _any(
    PRICE_OBJECTION.pattern,  # too expensive, over budget, the quote higher than …
    r"\b(?:already|currently) (?:use|using|have|work with|working with|signed with|invested in)\b",
    r"\bhappy with (?:our|the) (?:current|existing) (?:vendor|provider|solution|tool|setup)\b",
    r"\b(?:went|are going|decided to go|chose to go|signed) with\b",
    r"\b(?:locked|tied) into\b", r"\bjust (?:signed|renewed)\b",
    r"\b(?:bad|wrong|tough|difficult) timing\b", r"\bno (?:bandwidth|capacity|resources)\b",
    r"\bnot my (?:decision|call)\b",
    r"\bdon(?:'|’)?t have (?:the )?(?:authority|budget|sign-off)\b",
    r"\b(?:need|have) to (?:check|run (?:it|this) by|get approval from|clear (?:it|this) with)"
    r" (?:my|our)\b",
    r"\b(?:legal|procurement|security|it) (?:won(?:'|’)?t|will not|would never)"
    r" (?:approve|allow)\b",
    # someone above re-opening the numbers (ninth session): "our CFO wants to revisit the
    # budget before we sign" (the kind head read the message as paperwork)
    r"\b(?:cfo|ceo|coo|cto|finance|procurement|leadership|the board|management|my boss|our "
    r"boss)\b[^.!?]{0,20}\b(?:wants?|needs?|has|have|asked|would like|(?:'|’)d like) (?:us )?to"
    r" (?:revisit|re-?evaluate|reconsider|re-?check|renegotiate|push back on|rethink) (?:(?:the |"
    r"our |your )?(?:budget|pricing|price|spend|numbers|costs?|contract|terms|proposal|quote"
    r"|deal)|it|this|that)\b",
    r"\b(?:concerned|worried|skeptical|sceptical) (?:about|that)\b",
    # a concern named (seventh session): "The pricing for the renewal is also a concern",
    # "My main worry is the implementation timeline.", "That is a dealbreaker for us."
    r"\b(?:is|are|remains?|was|were)(?: also| still| really| definitely)? (?:a |the |our |my )?"
    r"(?:(?:main|biggest|big|real|major|key|only|serious) )?(?:concern|worry|sticking point"
    r"|blocker|deal[- ]?breaker|hurdle|red flag)\b(?! for you\b)",
    r"\b(?:our|my|the) (?:(?:main|biggest|big|real|major|key|only|one) )?(?:concern|worry"
    r"|hesitation|sticking point|reservation)s? (?:is|are|was|were|remains?|would be)\b",
    r"\bdoes(?:n(?:'|’)?t| not) (?:fit|meet) our (?:needs|requirements|use case)\b",
    r"\bwe (?:don(?:'|’)?t|do not) (?:need|see the (?:need|value))\b",
    # (seventh session) "we don't really have a need for this", "our budget for tools was cut
    # by 30%", "We're locked in with HubSpot until the end of next year"
    r"\b(?:don(?:'|’)?t|do not) (?:really )?have (?:a|any) (?:real )?(?:need|use(?: case)?) for\b",
    r"\bbudget\b[^.!?]{0,30}\b(?:was|has been|got|been) (?:cut|slashed|frozen|reduced)\b",
    r"\b(?:locked|tied) in (?:with|to|until)\b",
)  # fmt: skip

#: Referral language: the writer hands the conversation to someone else ("I'm not the
#: right person, please reach out to Dana"); also what :mod:`~crmsense.analysis.referral`
#: looks for.
REFERRAL = _any(
    r"\bright person (?:is|to (?:talk|speak) (?:to|with)|would be|for this)\b",
    r"\b(?:i(?:'|’)?m|i am) not the (?:right|best|correct) (?:person|contact)\b",
    r"\bplease (?:reach out|talk|speak|get in touch|contact) (?:to|with)?\b",
    r"\b(?:cc(?:'|’)?ing|cc-ing|copying|looping in|looped in|adding|including) (?:my|our|in)"
    r" (?:colleague|manager|boss|team|head|director|vp)",
    r"\b(?:you should|better to|best to) (?:talk|speak|reach out|connect) (?:to|with)\b",
    r"\b(?:handles|owns|is responsible for|is in charge of|looks after) (?:this|that|these|"
    r"purchasing|procurement|our)\b",
    r"\bforward(?:ed|ing)? (?:this|your (?:e-?mail|message|note)) (?:on )?to\b",
    # wrong person, someone else's remit, a new owner (written from crm_heads.tsv)
    r"\b(?:wrong|not the right|not the best) (?:person|contact|department|team|people)\b",
    r"\bnot my (?:area|department|remit|team)\b",
    # "Not me. Try Chris"; an alternative that starts like "(?:^|[.!?,]\s*)" would cost
    # the whole pattern its literal-prefix search (6x slower)
    r"\bnot me(?=[.!,;])",
    r"\byou(?:(?:'|’)?ll| will|(?:'|’)?d| would| may| might) (?:want|need) (?:to (?:talk|speak|"
    r"reach out|get in touch|contact|e-?mail)|my|our)\b",
    r"\b(?:(?<!stop )tagging|looping in|redirecting (?:you|this) to|forwarding (?:this |you |it )?"
    r"(?:on )?to|passing (?:this|you|it) (?:on |along )?to|i(?:'|’)?ll introduce you)\b",
    r"\bi(?:(?:'|’)?ve| have)? (?:retired|left the company|moved (?:to|into) a (?:different|"
    r"new) role|changed roles|no longer work)\b",
    r"\b(?:try|e-?mail|speak (?:to|with)|talk to|contact|ask) (?:our|my) (?:[a-z]+ ){0,3}"
    r"(?:manager|director|lead|head|owner|coo|cfo|cto|ceo|vp|gm|boss)\b",
    r"\b(?:would|(?:'|’)d) be the (?:one|person|people) to (?:ask|talk to|speak to|evaluate|"
    r"contact)\b",
    r"\bmakes (?:these|those|the|that) (?:calls?|decisions?)\b",
    r"\bsend (?:this|it|that) to .{1,40}? instead\b",
    r"\bi(?:(?:'|’)?ve| have) (?:passed|forwarded|shared) (?:your (?:details|e-?mail|note|message|"
    r"info)|this|it) (?:on|along|with)\b",
    # (seventh session) "Please direct this to our CTO", "our security lead Omar might be.
    # His email is …", "Contact Robert Chen, our controller."
    r"\bplease (?:direct|send|forward|route|redirect) (?:this|it|these|your (?:e-?mail|note"
    r"|message|request)) to\b",
    r"\b(?:his|her|their) (?:e-?mail|e-?mail address|contact details|number) is\b",
    r"\b(?:our|my) (?:[a-z]+ ){0,2}(?:lead|head|director|manager|colleague|cto|cfo|controller)"
    r"(?: [a-z]+)? (?:might|may|could|would) be\b",
    r"\b(?:contact|reach out to|try|ask|e-?mail) [a-z]+(?: [a-z]+)?,? (?:our|the|my) "
    r"(?:[a-z]+ ){0,2}(?:lead|head|director|manager|controller|cto|cfo|ceo|coo|vp|owner"
    r"|officer)\b",
)  # fmt: skip

#: (intent, pattern) in priority order; the first match wins.
RULES: tuple[tuple[Intent, re.Pattern[str]], ...] = (
    ("unsubscribe", _any(
        r"\bunsubscribe\b", r"\bremove (?:me|us|my (?:e-?mail|address))\b",
        r"\b(?:take|drop) (?:me|us) off\b", r"\bopt(?:ed|ing)? (?:me )?out\b",
        r"\bstop (?:e-?mailing|contacting|sending|messaging|spamming)\b",
        r"\b(?:do not|don(?:'|’)?t) (?:contact|e-?mail|message) (?:me|us)\b",
        r"\bno longer wish to (?:receive|be contacted)\b",
        # (seventh session) "Kindly do not add me to any future campaigns."
        r"\b(?:do not|don(?:'|’)?t) add (?:me|us|my (?:e-?mail|address)) to\b",
        r"\bno (?:more|further) (?:e-?mails|campaigns|messages|outreach)\b",
    )),
    ("referral", REFERRAL),
    ("objection", OBJECTION),
    ("polite_disengagement", _any(
        r"\bnot (?:a|our) (?:top |high |current )?priority\b",
        r"\b(?:we(?:'|’)?ll|we will|i(?:'|’)?ll|i will|going to|have to|gonna) pass\b",
        r"\bcircle back\b", r"\b(?:revisit|reconnect|touch base|check back|follow up) (?:in|next|"
        r"later|after|down the (?:road|line))\b",
        r"\b(?:think|thinking) (?:about it|it over)\b", r"\bnot (?:interested|looking)\b",
        r"\bno,? thank(?:s| you)\b", r"\bmaybe (?:later|next|another time)\b",
        r"\bhold off\b", r"\bnot (?:at this|at the|right) (?:time|moment|now)\b",
        r"\b(?:on|to) the back burner\b", r"\bkeep (?:you|your (?:info|details)) on file\b",
        r"\bnot (?:right )?now\b", DECLINE.pattern,
        # (seventh session) "Ping me again in a few months?", "we're all set for the
        # moment", "heads down on other projects"
        r"\b(?:ping|reach out to|contact|e-?mail|check (?:back )?(?:in )?with) (?:me|us) "
        r"(?:again )?(?:in|next|after) (?:a (?:few|couple)|\d+|two|three|six|the new)\b",
        r"\b(?:we(?:'|’)re|we are|i(?:'|’)m|i am) all set\b(?! (?:for|to) (?:the (?:call|meeting"
        r"|demo|session|kick-?off|launch|go-?live|webinar)|our|a|monday|tuesday|wednesday"
        r"|thursday|friday|tomorrow|next))",
        r"\bheads[- ]down\b",
    )),
    ("interest", _any(
        r"\b(?:interested|interesting|intrigued|curious)\b",
        r"\b(?:let(?:'|’)?s|happy to|would love to|keen to|glad to|like to|want to) (?:set up|"
        r"schedule|book|chat|talk|meet|connect|hop on|jump on|learn more|see|try|get)\b",
        r"\b(?:send|share) (?:me |us |over )?(?:more (?:info|information|details)|the deck|"
        r"pricing|a proposal|a quote|(?:a |the |some )?case stud(?:y|ies)|(?:the |an )?order form|"
        r"the (?:contract|paperwork|sow|msa)|(?:some )?references)\b",
        # buying signals (2026-12-05): ready to proceed, price and integration questions
        r"\bready to (?:move forward|proceed|go ahead|sign|get started|start|buy|roll (?:it|this) "
        r"out)\b",
        r"\bwhat (?:would|does|will) (?:it|this|that) cost\b",
        r"\bdo you (?:integrate|work|connect|sync) with\b",
        r"\b(?:can|could) (?:we|you) (?:set up|schedule|book|do|arrange) (?:a |the )?"
        r"(?:call|demo|meeting|time|trial)\b",
        r"\bwhat (?:does|is) your (?:availability|calendar)\b", r"\btell me more\b",
        r"\bsounds (?:good|great|interesting|promising)\b", r"\bhow much (?:does|would|is)\b",
        r"\b(?:free|available) (?:on|next|this) (?:monday|tuesday|wednesday|thursday|friday|"
        r"week)\b",
        # renewing or growing with you (2026-12-07): "renewing for another two years",
        # "we'd like to add 20 seats" (the head read the first as an objection)
        r"\b(?:we(?:'|’)?re|we are|we(?:'|’)?ll|we will|happy to|going to|ready to|want to|"
        r"(?:we(?:'|’)?d|would) like to|plan(?:ning)? to) (?:be )?(?:renew(?:ing)?|expand(?:ing)?|"
        r"upgrad(?:e|ing)|add(?:ing)? (?:\d+|more|another|extra|a few) (?:seats|licen[cs]es|"
        r"users))\b(?![^.!?]{0,40}\bwith (?!you\b|your\b|us\b))",
        r"\brenew(?:ing)? (?:with you )?for (?:another|a further|one more) (?:year|term|\d+|two|"
        r"three|five)\b(?![^.!?]{0,40}\bwith (?!you\b|your\b|us\b))",
        # asking for proof, and eager to start (2026-12-07): "Can you share one for
        # manufacturing?", "who else uses this?", "the team is excited to get started"
        r"\b(?:can|could) you (?:send|share) (?:me |us )?(?:(?:one|another) (?:for|from|in|like)"
        r"|a similar one|an? example|examples|a reference|references|a customer story)\b",
        r"\bwho else (?:uses|is using|works with|has (?:rolled|bought))\b",
        r"\b(?:excited|eager|keen|can(?:'|’)?t wait) to (?:get(?:ting)? started|start|kick (?:it |"
        r"this )?off|roll (?:it|this) out|see (?:the|a) (?:demo|proposal))\b",
        # asking to see it or try it, what a plan includes, terms for committing (fourth
        # session, 2026-12-07): "Any chance we could get a demo of the new analytics
        # module?", "We'd like a trial for our sales team.", "What does the enterprise plan
        # include?", "Can we get a discount if we sign for three years?" (the head: other)
        r"\b(?:get|see|have|do|arrange|book|schedule|set up|like|want|need) (?:a |an |the )?"
        r"(?:quick |short |live |proper |free )?(?:demo|trial|walk-?through|pilot|poc|proof of "
        r"concept)\b(?! (?:is|was|has|expired|ended))",
        r"\bwalk (?:us|me|our (?:team|people|staff)|the team) through\b",
        r"\bwhat (?:does|do|would) (?:the|your) [\w-]+ (?:plan|tier|edition|package|licen[cs]e)s? "
        r"(?:include|cost|come with)\b",
        r"\b(?:discount|better (?:price|rate|deal)) if (?:we|i) (?:sign|commit|go|buy|pay)\b",
        # (seventh session) "Can you share a pricing sheet and whether you offer an annual
        # discount?", "What's the typical implementation time?", "Could we get on a call?"
        r"\b(?:send|share) (?:me |us )?(?:a |the |your )?pricing (?:sheet|page|deck|details"
        r"|info(?:rmation)?|breakdown|overview)\b",
        r"\bwhat(?:(?:'|’)s| is) the (?:typical |usual |average |expected )?(?:implementation"
        r"|onboarding|setup|rollout|deployment) (?:time|timeline|period|process)\b",
        r"\b(?:get|hop|jump) on a (?:quick |short )?call\b",
    )),
    # a thank-you for help and nothing else answers no outreach (the head read "Thanks so
    # much for your help, really appreciate it." as polite disengagement)
    ("other", _any(
        r"^\W*(?:thanks|thank you|many thanks)(?: so much| very much| a lot| again)?"
        r"(?: for (?:all )?(?:your|the) (?:help|support|assistance))?\W*"
        r"(?:(?:i |we )?(?:really |truly )?appreciate (?:it|that|your help)\W*)?$",
    )),
)  # fmt: skip


_NEXT_STEP = re.compile(
    r"\b(?:can|could) (?:you|we) (?:set up|schedule|book|arrange|send|share|get) (?:(?:me|us"
    r"|over) )?(?:a |an |the |your )?(?:quick |short )?(?:call|demo|meeting|proposal|quote"
    r"|pricing|deck)\b"
)
"""A buying step asked for (seventh session): "Forwarding this to our VP of Sales, I think
she'll love it. Can you set up a call with both of us?" is interest, not a referral."""


def has_objection(text: str) -> bool:
    """Whether ``text`` contains objection language (used for calls too)."""
    return bool(OBJECTION.search(text.lower()))


def _rule(lowered: str) -> Intent | None:
    return next((intent for intent, pattern in RULES if pattern.search(lowered)), None)


def reply_intent(
    text: str, engine: dict[str, float] | None = None, *, auto_reply: bool = False,
    undelivered: bool = False, leaving: bool = False,
) -> Intent:  # fmt: skip
    """The reply intent of ``text``, combining rules with an engine's probabilities.

    >>> reply_intent("Thanks, but we're getting quotes from other providers first.")
    'other'
    >>> reply_intent("Thanks, but we're getting quotes from other providers first.",
    ...              leaving=True)
    'objection'
    >>> reply_intent("Delivery to the following recipient failed permanently.",
    ...              auto_reply=True, undelivered=True)
    'other'
    """
    if auto_reply:
        return "other" if undelivered else "out_of_office"
    lowered = text.lower()
    rule = _rule(lowered)
    if rule == "referral" and _NEXT_STEP.search(lowered):
        rule = "interest"  # handed on *and* asking for a call or a proposal
    if leaving and rule not in ("unsubscribe", "referral"):
        return "objection"
    if rule is not None:
        return rule
    votes = engine or {}
    best = max(INTENTS, key=lambda k: votes.get(k, 0.0))
    while best in _CUES and not _CUES[best](text):
        votes = {k: v for k, v in votes.items() if k != best}
        best = max(INTENTS, key=lambda k: votes.get(k, 0.0))
    return best if votes.get(best, 0.0) >= PLAUSIBLE else "other"


_OPT_OUT_CUE = re.compile(
    r"\b(?:unsub\w*|remove|off|stop|cease|lists?|mailings?|e-?mail(?:s|ing)?|messag\w*|"
    r"contact\w*|writ\w*|correspondence|spam\w*|erase|opt\w*|sequences?|campaigns?"
    r"|outreach|newsletters?|gdpr)\b",
    re.IGNORECASE,
)

_THIRD_PARTY_CUE = re.compile(
    r"\b(?:our|my|he|she|him|her|they|them|his|their|who|whoever|colleague|cc|cc(?:'|’)?d"
    r"|forward\w*|pass\w*|loop\w*|contact|reach out|handles?|owns?|runs?|leads?|decides?"
    r"|try|address|responsible|e-?mailing)\b|@",
    re.IGNORECASE,
)


def _asks_to_stop(text: str) -> bool:
    return _OPT_OUT_CUE.search(text) is not None


def _hands_over(text: str) -> bool:
    return _THIRD_PARTY_CUE.search(text) is not None


_CUES: dict[str, Callable[[str], bool]] = {
    "out_of_office": has_auto_reply_cue,
    "unsubscribe": _asks_to_stop,
    "referral": _hands_over,
}
"""The head's guesses that need a word of their own: an absent person's note, asking to
stop, and someone else to hand over to (eighth session: the head read "This is blocking
our payroll run for 400 employees." as an unsubscribe, 14 held-out support messages in
all, and "I want to speak to your manager." as a referral; held-out replies that
unsubscribe or refer all say so in words)."""
