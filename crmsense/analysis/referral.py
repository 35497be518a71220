"""Referrals: "Wrong person, sorry. Our sales director is Andrew Fitzgerald."

A reply that hands the conversation to someone else is neither good nor bad news, yet
``model.v1`` reads many of them as clearly negative: "wrong", "not my area", "sorry" and
"can't help" are complaint words elsewhere. On the authored sales replies 12 of the 46
referrals read negative (−0.3 to −0.96), so a deal whose contact merely pointed to the
buyer looked as if it were cooling.

A text is a referral when every sentence is one of:

- a **hand-off**: the reply intent's referral language (:data:`~crmsense.analysis.intent.
  REFERRAL`: "please reach out to", "copying our IT manager", "handles this", "I've
  passed your details on");
- a **not me**: the writer saying it is not theirs, at the start of the sentence ("Wrong
  department.", "Sorry, I'm not the buyer.", "Not my remit.", "I don't look after this
  anymore.", "Sorry, can't help.");
- a **pointer** to the person: "Try HR, …", "Our sales director is Andrew Fitzgerald.",
  "Our practice manager handles suppliers.", "Please address your enquiry to …", or an
  e-mail address;
- a courtesy (:func:`~crmsense.analysis.routine.is_courtesy`);

at least one is a hand-off or a not me, and nothing reports a problem once the not-me
openings are taken off (:func:`~crmsense.analysis.negation.reports_problem`). So "You sent
it to the wrong department and nobody has replied in a week." stays negative ("wrong" is
not at the start), and so does "Wrong team again! I've been passed around five times."
(the second sentence is none of the above). :func:`referral_reading` turns a negative
reading of a referral into a neutral one.

>>> is_referral("Wrong contact I'm afraid. Our marketing ops lead is Freya.")
True
>>> is_referral("Not my area. Please talk to Dana, the export is still broken.")
False
>>> is_referral("You sent it to the wrong department and nobody has replied in a week.")
False
"""

from __future__ import annotations

__all__ = ["is_referral", "referral_reading"]

import re

from crmsense.analysis.intent import REFERRAL
from crmsense.analysis.negation import reports_problem
from crmsense.analysis.routine import is_courtesy, without_greeting
from crmsense.analysis.sentences import sentence_texts
from crmsense.analysis.types import Prediction
from crmsense.text.patterns import APOSTROPHE as _A

_ROLE = (
    r"(?:manager|director|lead|head|owner|officer|coo|cfo|cto|ceo|cio|vp|gm|boss|buyer|"
    r"team|department|office|contact|person|admin|administrator|chair|partner)"
)
_NOT_ME_WORDS = (
    r"(?:wrong|not the right|not the best|not the correct) (?:person|contact|department|team|"
    r"people|one|address|inbox|desk)"
    r"|not my (?:area|department|remit|team|call|decision|field|patch)"
    r"|not me\b"
    rf"|(?:i{_A}m|i am) not (?:the (?:right |best |correct )?(?:one|person|contact|buyer|"
    r"decision[ -]?maker)|involved|responsible|in charge)"
    rf"|i(?: (?:don{_A}?t|do not|no longer) (?:look after|own|handle|manage|deal with|cover|"
    rf"work on|run)|{_A}ve (?:just )?joined| (?:have )?just joined)"
    rf"|(?:i )?can{_A}?t help(?: you)?(?: (?:with|here|there))?(?: (?:this|that))?"
)
_NOT_ME = re.compile(rf"(?:(?:sorry|apologies)\W+)?(?:{_NOT_ME_WORDS})")
"""The writer saying it is not theirs, matched at the start of a lower-cased sentence."""
_NOT_ME_ANYWHERE = re.compile(_NOT_ME_WORDS)  # no optional opening: a fast first search
_POINTER = re.compile(
    r"^(?:try|ask|contact|e-?mail|chat to|chat with|talk to|speak to|speak with|write to|"
    r"reach out to|get in touch with)\b"
    rf"|^(?:our|the|my) (?:[\w-]+ ){{0,4}}{_ROLE}\b[^.!?]{{0,40}}?\b(?:is|are|would be|handles|"
    r"owns|runs|manages|looks after|deals with|approves|decides|signs off)\b"
    r"|^please (?:address|direct|send|forward|write|e-?mail)\b"
    r"|\b[\w.+-]+@[\w-]+\.[\w.-]+\b"
)


def is_referral(text: str) -> bool:
    """Whether ``text`` hands the conversation to someone else and says nothing more."""
    lowered = text.lower()
    if not (REFERRAL.search(lowered) or _NOT_ME_ANYWHERE.search(lowered)):  # most texts
        return False
    found = False
    for sentence in (without_greeting(s.lower()) for s in sentence_texts(text)):
        not_me = _NOT_ME.match(sentence)
        rest = sentence[not_me.end() :] if not_me else sentence
        if reports_problem(rest):
            return False
        if not_me or REFERRAL.search(sentence):
            found = True
        elif not (_POINTER.search(sentence) or is_courtesy(sentence)):
            return False
    return found


def referral_reading(text: str, prediction: Prediction) -> Prediction:
    """``prediction`` of ``text`` with a referral's negative reading made neutral (the
    negative and neutral probabilities swap); anything else is returned as is.

    >>> p = Prediction(probs=(0.9, 0.08, 0.02), score=-0.88, emotions={})
    >>> referral_reading("Wrong person, sorry. Try our COO, Ana.", p).probs
    (0.08, 0.9, 0.02)
    """
    if not prediction.reads("negative") or not is_referral(text):
        return prediction
    return prediction.swapped("negative", "neutral")
