"""Negated complaints: "no complaints", "not bad at all", "can't complain", "painless".

The first complaint users make about sentiment tools is that "no complaints" comes out
negative: a network that has learnt "complaint" and "bad" as negative words reads their
negation as more of the same. The rule engine scopes negation itself; for the other
engines the analyzer corrects a *negative* reading of a sentence whose only sentiment is
a negated complaint (see :func:`unnegated`) into its mirror image. A sentence qualifies
when it has a negated-complaint phrase and, outside it, no sign of a real problem: no
contrast ("but", "though", "except"), no problem words ("slow", "broken", "can't") and no
bad event ("broke", "failed", "still waiting"; the list of
:mod:`~crmsense.analysis.sarcasm`).

>>> is_negated_complaint("Not bad at all, the migration finished a day early.")
True
>>> is_negated_complaint("No complaints about the UI, but the API keeps timing out.")
False
>>> is_negated_complaint("The sync isn't working.")
False
"""

from __future__ import annotations

__all__ = [
    "WITHHELD_RECOMMENDATION", "is_faded_praise", "is_lukewarm", "is_negated_complaint",
    "is_unmet_expectation", "reports_problem", "unnegated",
]  # fmt: skip

import re

from crmsense.analysis.sarcasm import BAD_EVENT
from crmsense.analysis.sentences import sentence_texts
from crmsense.analysis.types import Prediction
from crmsense.text.patterns import APOSTROPHE as _A

_TROUBLE = (
    r"(?:complaints?|issues?|problems?|concerns?|trouble|hiccups?|glitch(?:es)?|bugs?|"
    r"errors?|downtime|outages?|regrets?|surprises?|drama|headaches?|hassle|hitch(?:es)?|"
    r"snags?)"
)
_NEGATED_COMPLAINT = re.compile(
    rf"\b(?:no|not (?:a|an|one|a single)|without (?:a|any)|never (?:had|have|seen|"
    rf"hit|ran into|run into) (?:a|an|any)(?: single)?) (?:real |major |big |serious )?"
    rf"{_TROUBLE}\b"
    # (2026-12-07) "Zero tickets from the floor this week." read −0.84; not "zero tickets
    # resolved"
    r"|\bzero (?:support )?(?:tickets|complaints|issues|escalations|bugs|incidents|outages"
    r"|errors|problems)\b(?! (?:were |have been |got |get )?(?:resolved|closed|answered|handled"
    r"|fixed|solved))"
    # relief (2026-12-07): "I expected the go-live weekend to be a lot more painful than it
    # was." read −0.44
    r"|\bexpected (?:[^.!?]{0,40} )?to be (?:a lot |much |far |way |even |a bit |a little )?"
    r"(?:more painful|worse|harder|more difficult|rougher|messier|more stressful|more "
    r"complicated|slower|more of a (?:pain|headache|nightmare)) than (?:it (?:was|turned out|ended"
    r" up(?: being)?)|it actually was)\b"
    r"|\bnot (?:too |that |so |half )?(?:bad|terrible|awful|disappointed|unhappy|a problem|"
    r"an issue|a concern)\b"
    r"|\bnothing (?:to complain about|bad to say|negative to say|to report on our side)\b"
    # "nothing to improve", "nothing I'd change", "wouldn't change a thing" (a survey's
    # answer to "what should we improve?"; model.v1: -0.81)
    r"|\bnothing (?:(?:i|we)(?:'|’)?d |(?:i|we) would )(?:improve|change)\b"
    r"|\bnothing (?:really |at all )?to improve\b"
    r"|\b(?:wouldn(?:'|’)?t|would not) change a (?:single )?thing\b"
    # and as advice (2026-12-07): "Don't change a thing." read −0.14 as a survey answer
    r"|\b(?:don(?:'|’)?t|do not) change a (?:single )?thing(?=\W*$|\s*[.!,;]| about (?:it|this"
    r"|you|the (?:product|app|service)))"
    r"|\b(?:can(?:'|’)?t|cannot|could ?n(?:'|’)?t) complain\b"
    r"|\b(?:haven(?:'|’)?t|have not|hasn(?:'|’)?t|has not) (?:had|seen|hit) (?:a|an|any)"
    rf"(?: single)? {_TROUBLE}\b"
    # thanks and praise said with a negation: "can't thank you enough", "couldn't have done
    # it without you", "couldn't be happier", "can't recommend them enough", "can't live
    # without it"
    r"|\b(?:can(?:'|’)?t|cannot|could ?n(?:'|’)?t) (?:thank (?:you|them|[a-z]+)(?: all)? enough"
    r"|be (?:happier|more pleased|more satisfied|more grateful)|(?:have )?asked for (?:a |any )?"
    r"(?:better|more|smoother|easier|faster|nicer)|ask for (?:a |any )?(?:better|more)"
    r"|recommend (?:[a-z]+ ){0,3}(?:highly )?(?:enough|more)|fault (?:it|them|you|the [a-z]+)"
    r"|(?:live|do|work|manage) without (?:it|you|them|this|[a-z]+ (?:app|tool|platform|product))"
    # (seventh session) "Can't imagine going back to how we worked before." read −0.55
    r"|imagine (?:[a-z]+ ){0,4}?(?:without (?:it|you|them|this)|going back))\b"
    # no call for help (seventh session): "Never had to contact support once in two years.",
    # "I don't think I've ever had to contact support" (−0.83); and nobody else recommended:
    # "I wouldn't recommend anyone else." (−0.87)
    rf"|\b(?:never|not once|(?:have|has)(?:n{_A}?t| not) (?:ever|once)|(?:i|we) (?:don{_A}?t"
    rf"|do not) think (?:i|we)(?:{_A}ve| have) ever) (?:had|needed) to (?:contact|call|ring"
    r"|e-?mail|chase|raise a ticket with|open a ticket with|bother) (?:support|you|anyone|the "
    r"(?:help ?desk|support team|team))\b"
    rf"|\b(?:would(?:n{_A}?t| not)|won{_A}?t|will not|would never|could(?:n{_A}?t| not)) (?:ever )?"
    r"recommend (?:anyone|anybody|anything|any other [a-z]+|another [a-z]+|[a-z]+ else)\b"
    r"|\bcould ?n(?:'|’)?t have (?:done|hit|managed|made|achieved|pulled|got|gotten|delivered|"
    r"launched|met|finished)\b[^.!?]{0,60}\bwithout (?:you|your|the team)\b"
    # the same, as one word: "painless", "hassle-free" (the network reads "pain", "hassle")
    r"|\bpainless(?:ly)?\b|\b(?:hassle|trouble|worry|pain|stress|headache|glitch|bug|error|"
    r"problem|issue)[- ]free\b"
)
_REAL_PROBLEM = re.compile(
    r"\b(?:but|though|although|however|except|yet|unfortunately|sadly|still|only|"
    r"time[sd]? out|timing out|slow|down|broken|not working|(?:does|did|is|was)n(?:'|’)?t "
    r"work\w*|unable|can(?:'|’)?t|cannot|missing|wrong|terrible|awful|horrible|worst|"
    r"frustrat\w*|annoy\w*|angry|disappoint\w*|unacceptable|cancel\w*|refund\w*|"
    # a price complaint: "the renewal price is too high", "hard to justify"
    r"too (?:high|expensive|pricey|steep|costly)|overpriced|hard to justify|"
    # no money for it (fifth session): "the budget just isn't there this year"
    r"no budget|budget (?:just |simply )?(?:isn(?:'|’)?t|is not|wasn(?:'|’)?t|was not) there|"
    r"budget (?:cuts?|freezes?|was cut|has been cut)|can(?:'|’)?t afford|cannot afford|"
    # persistence (seventh session): "Please disable SSO, it keeps locking everyone out."
    r"(?:keeps|kept) (?:on )?[a-z]+ing)\b"
)
_HINTS = ("no", "not", "nothing", "never", "without", "complain", "n't", "n’t", "painless", "free",
          "zero", "expected")  # fmt: skip


def is_negated_complaint(text: str) -> bool:
    """Whether ``text`` is one sentence whose sentiment is a plain negated complaint.

    Longer texts are left alone: their other sentences may hold the real complaint.
    """
    return _negated_complaint_span(text) is not None


def _negated_complaint_span(text: str) -> tuple[int, int] | None:
    lowered = text.lower()
    if not any(hint in lowered for hint in _HINTS) or len(sentence_texts(text)) > 1:
        return None
    found = _NEGATED_COMPLAINT.search(lowered)
    if found is None or reports_problem(_NEGATED_COMPLAINT.sub(" ", lowered)):
        return None
    return found.span()


def reports_problem(lowered: str) -> bool:
    """Whether lower-cased text shows a real problem: contrast ("but", "though"), problem
    words ("still", "slow", "can't", "wrong"), upset, or a bad event of
    :data:`~crmsense.analysis.sarcasm.BAD_EVENT` ("broke", "failed", "on hold"). The guard
    of every correction that turns a negative reading around (negation, resolution,
    routine requests).

    >>> reports_problem("no complaints, the rollout went well"), reports_problem("but slow")
    (False, True)
    """
    return bool(_REAL_PROBLEM.search(lowered) or BAD_EVENT.search(lowered))


WITHHELD_RECOMMENDATION = (
    rf"\b(?:(?:can{_A}?t|cannot|couldn{_A}?t|wouldn{_A}?t) (?:really |honestly |truly )?say"
    rf"|not sure|doubt|(?:don{_A}?t|do not) think) (?:that )?(?:i|we)(?:{_A}d| would) (?:ever )?"
    r"(?:really )?recommend\b(?! (?:it|them|you|[a-z]+) (?:highly )?(?:enough|more)\b)"
)
"""A recommendation hedged away, for lower-cased text: "can't say I'd recommend", "not
sure I'd recommend", "I don't think I'd recommend" (:mod:`~crmsense.analysis.praise`'s
"I'd recommend" does not count inside it)."""
_FADED_PRAISE = re.compile(
    r"\b(?:it|this|that|you|they|the [a-z]+|your [a-z]+) used to be (?:so |really |very |pretty "
    r"|truly )?(?:great|good|excellent|amazing|awesome|fantastic|brilliant|reliable|fast|easy|"
    r"the best|a joy|solid)\b"
    # (2026-12-07) "Used to love it, not anymore." read +0.54
    r"|\bused to (?:love|like|enjoy|adore|recommend) (?:it|this|you|your [a-z]+|the (?:product|"
    r"app|platform|tool|service|support))\b"
    # a recommendation withheld (seventh session): "Can't say I'd recommend it to anyone I
    # like." +0.39, "Honestly I don't think I'd recommend it at this price." +0.84
    rf"|{WITHHELD_RECOMMENDATION}"
)
_STILL = re.compile(r"\b(?:still|again|now (?:it(?:'|’)s|it is) (?:even )?better)\b")


def is_faded_praise(text: str) -> bool:
    """Whether ``text`` praises the past to complain about the present: "It used to be
    great, not anymore." (``model.v1``: +0.12). Not "it used to be great and still is".

    >>> is_faded_praise("Your support used to be so good.")
    True
    >>> is_faded_praise("It used to be good and still is.")
    False
    """
    return _faded_praise_span(text) is not None


def _faded_praise_span(text: str) -> tuple[int, int] | None:
    lowered = text.lower()
    found = _FADED_PRAISE.search(lowered)
    return None if found is None or _STILL.search(lowered) else found.span()


_LUKEWARM = re.compile(
    r"\bnothing (?:special|spectacular|exceptional|to write home about|amazing|great|fancy)\b"
    r"|\b(?:it(?:'|’)s|it is|that(?:'|’)s|was|is) (?:just )?(?:okay|ok|alright|fine|average|"
    r"passable|adequate) i (?:guess|suppose)\b|\b(?:so-so|meh)\b|\baverage at best\b"
    r"|\b(?:does|did) the job,? (?:i guess|i suppose|nothing more|but not much more|no more)\b"
    # only that (fifth session): "It's okay." read +0.62 as a survey comment
    r"|^\W*(?:it(?:'|’)s|it is|it was|that(?:'|’)s|(?:the )?(?:product|service|tool|app) "
    r"(?:is|was)) (?:just |only |mostly )?(?:okay|ok|alright|all right|average|mediocre|"
    r"passable|adequate)\W*$"
    # (2026-12-07) "Could be better." read +0.18 as a survey comment
    r"|^\W*(?:it |that |this |the [a-z]+ )?could (?:be|have been) better"
    # the same with an aside after it (seventh session): "Could be better, honestly." +0.52
    r"(?:,? (?:honestly|tbh|to be honest|i guess|i suppose|imo|frankly))?\W*$"
)


_CONTRAST = re.compile(r"\b(?:but|though|although|however|yet)\b")


def is_lukewarm(text: str) -> bool:
    """Whether ``text`` damns with faint praise: "Your product is okay, nothing special."
    (``model.v1``: +0.68), "It's fine I guess.", "so-so", "it does the job, nothing more".

    >>> is_lukewarm("Your product is okay, nothing special.")
    True
    >>> is_lukewarm("The rollout was fine and the team loved the training.")
    False
    >>> is_lukewarm("Nothing fancy, but really good food at a fair price.")
    False
    """
    lowered = text.lower()
    found = _LUKEWARM.search(lowered)
    # one sentence, and no "but" after it: "Nothing fancy but really good food." is praise
    if found is None:
        return False
    return len(sentence_texts(text)) == 1 and not _CONTRAST.search(lowered, found.end())


_UNMET = re.compile(
    rf"\b(?:we|i|you|they)(?:{_A}d| would)? (?:had |have |really |honestly |frankly |genuinely "
    r"|truly )?(?:expected|expect|hoped for|were hoping for|was hoping for|had hoped for"
    r"|anticipated) (?:(?:a )?(?:lot|bit|little|great deal|whole lot|far|much|way|so much) )?"
    r"(?:more|better)\b(?! than (?:expected|i thought|we thought))"
    r"(?! (?:of )?(?:a |the )?(?:trouble|problems?|issues?|hassle|pain|work|friction|bugs?"
    r"|downtime|difficult\w*|complicat\w*|headaches?|errors?|disruption|delays?|effort))"
    rf"|(?:^|[.!;,]\s*|\b(?:but|and|yet|because|since)\s+)(?:we were|i was|we(?:{_A}ve| have) "
    rf"been|i(?:{_A}ve| have) been) (?:promised\b|(?:told|assured)\b(?=[^.!?]{{0,60}}\b(?:would"
    r"|will be|by (?:mon|tues|wednes|thurs|fri|satur|sun)day|by the end)\b))"
    # bill shock (2026-12-07): "surprised by the invoice", "higher than the quote"
    r"|(?<!pleasantly )(?<!happily )(?<!positively )\b(?:surprised|shocked|caught off guard"
    r"|blindsided) (?:by|at|to see) (?:the|our|this|your|a|an) (?:[a-z]+ ){0,2}(?:invoice|bill"
    r"|charges?|fees?|(?:price|cost) increase)\b"
    r"|\b(?:higher|more|larger|bigger) than (?:the |your |our |what (?:we|you) )?(?:quote|quoted"
    r"|estimate|estimated|agreed|were quoted|was quoted|were promised)\b"
    # a complaint wished away (fourth session): "It would be nice if it actually worked.",
    # "Would be great if the export didn't crash every day."
    r"|\bwould be (?:really |so )?(?:great|nice|good|lovely|helpful|refreshing) if\b"
    rf"[^.!?]{{0,50}}(?:\b(?:didn{_A}?t|did not|wasn{_A}?t|weren{_A}?t|stopped|for once)\b"
    r"|\bactually (?:work|worked|working|respond|responded|replied|answered|fixed|read)\b)"
    # understatement (2026-12-07): "The support experience has been less than ideal."
    r"|\b(?:less than|far from|not exactly|hardly) (?:ideal|great|smooth|stellar|perfect"
    r"|seamless)\b(?![^.!?]*\bbut\b)"
    # (2026-12-07) "honestly, the tool should just work.", "I wouldn't say the migration has
    # been smooth, but we are where we are."
    r"|\bshould (?:just|simply) work\b"
    rf"|\b(?:i|we) wouldn{_A}?t (?:say|call) (?:it|that|this|the [a-z-]+(?: [a-z-]+)?)"
    r"(?: (?:has been|had been|was|is|went))? (?:smooth|easy|great|good|seamless|painless"
    r"|a success|a win)\b"
    # (eighth session) "You can do better than that." +0.60, "I hoped I would have had a
    # response by now." +0.67, "Would love to see some seriousness here." +0.85
    r"|\byou (?:can|could|should|must) do (?:much |a lot |way |far |so much )?better\b"
    r"|\bhoped\b[^.!?]{0,60}\bby now\b"
    r"|\bwould (?:love|like) to see (?:some|a little|a bit of|any) (?:seriousness|urgency"
    r"|accountability|effort|action|progress|competence|professionalism|respect|communication"
    r"|follow-through|ownership)\b"
)

#: Every alternative of ``_UNMET`` contains one of these: a cheap gate for most texts.
_UNMET_HINTS = (
    "expect", "hope", "hoping", "anticipat", "promised", "surprised", "shocked", "caught off",
    "blindsided", "quote", "estimate", "agreed", "would be", "should", "wouldn", "less than",
    "far from", "not exactly", "hardly", "told", "assured", "do better", "would love",
    "would like",
)  # fmt: skip


def is_unmet_expectation(text: str) -> bool:
    """Whether ``text`` says, not asks, that expectations were not met: "We expected
    better.", "Honestly we expected more for what we pay." (``model.v1``: +0.47, +0.53),
    "We were hoping for a lot more from the upgrade.", "We were promised this feature in
    Q2 and it's now November.", bill shock ("We were surprised by the invoice, it was higher
    than the quote."). Not "we expected more hassle" or a question.

    >>> is_unmet_expectation("I'd expect better from a company your size.")
    True
    >>> is_unmet_expectation("We expected more problems, but it went smoothly.")
    False
    >>> is_unmet_expectation("Can you confirm the discount we were promised?")
    False
    """
    return _unmet_span(text) is not None


def _unmet_span(text: str) -> tuple[int, int] | None:
    lowered = text.lower()
    if "?" in lowered or not any(hint in lowered for hint in _UNMET_HINTS):
        return None
    found = _UNMET.search(lowered)
    return None if found is None else found.span()


def unnegated(text: str, prediction: Prediction) -> Prediction:
    """``prediction`` of ``text`` with a misread negation undone: a negative reading of a
    plain negated complaint becomes its mirror image, and so does a positive reading of
    faded praise, and a positive reading of lukewarm praise turns neutral; a reading of
    unmet expectations that is not negative turns negative
    (:meth:`~crmsense.analysis.types.Prediction.toward`). A reading turned polar cites the
    words recognised ("no complaints", "can't say I'd recommend", "we expected more");
    anything else is returned as is.

    >>> p = Prediction((0.2, 0.1, 0.7), 0.5)
    >>> [e.text for e in unnegated("Can't say I'd recommend it.", p).evidence]
    ["Can't say I'd recommend"]
    """
    negative, _, positive = prediction.probs
    if negative > positive and (span := _negated_complaint_span(text)):
        return prediction.mirrored().citing(text, span)
    if positive > negative and (span := _faded_praise_span(text)):
        return prediction.mirrored().citing(text, span)
    if prediction.reads("positive") and is_lukewarm(text):
        return prediction.swapped("positive", "neutral")
    if not prediction.reads("negative") and (span := _unmet_span(text)):
        return prediction.toward("negative").citing(text, span)
    return prediction
