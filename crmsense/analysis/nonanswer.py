"""Non-answers: "Nothing to add.", "No comments.", "N/A" — a survey box filled in with nothing.

An NPS or CSAT survey's follow-up question ("Anything else you'd like to tell us?") gets
many answers that say nothing, and ``model.v1`` reads them as clearly negative: "Nothing to
add." −0.88, "No feedback." −0.80, "Can't think of anything." −0.74, "Nothing" −0.74 (the
network learnt "nothing" and "no" from complaints). Read so, a promoter who had nothing to
add would pull the account's trend down and could raise an alert. The analyzer leaves a
non-answer ``unscored: "no_content"`` (neutral, score 0; signals and alerts skip it) without
asking the engine.

A text is a non-answer when all of it is one of these (case, punctuation and a closing
"thanks" aside):

- in any channel: "n/a", "none", "nothing", "nil", "nothing (else/more/further/specific/in
  particular/really/at all/at this time) (to add/say/report/share/mention/comment)",
  "nothing comes to mind", "can't think of anything (else)", "no (other/more/additional/
  further) comments/feedback/suggestions/thoughts/remarks", "no comment", "I don't have any
  (other) comments", "not at this time", "not at the moment";
- in a survey comment (``channel="survey"``), also a bare "no", "nope", "nah", "not
  really", "none really": elsewhere they answer a question ("Is it fixed now?" "No").

Anything more is read as usual: "Nothing to add, keep up the good work!" and "Nothing to
improve" (a negated complaint, :mod:`~crmsense.analysis.negation`) are praise.

>>> is_non_answer("Nothing to add.")
True
>>> is_non_answer("No comments, thanks!")
True
>>> is_non_answer("Nope", channel="survey"), is_non_answer("Nope", channel="chat")
(True, False)
>>> is_non_answer("Nothing to add, keep up the good work!")
False
"""

from __future__ import annotations

__all__ = ["is_non_answer"]

import re

from crmsense.text.patterns import APOSTROPHE as _A

_MORE = r"(?:else|more|further|additional|other|specific|in particular|really|at all)"
_WHEN = r"(?: (?:at (?:this|the) (?:time|moment|stage|point)|for now|right now|today))?"
_NOTES = r"(?:comments?|feedback|suggestions?|thoughts|remarks|notes|input|answer)"
_ANYWHERE = (
    rf"n ?/? ?a|none{_WHEN}|nothing|nil|no answer"
    rf"|nothing(?: {_MORE})*(?: (?:to|i (?:want|would like|need) to|i{_A}d like to) (?:add|say"
    rf"|report|share|mention|comment(?: on)?|declare|suggest))?{_WHEN}"
    r"|nothing (?:comes|springs) to mind"
    rf"|(?:i )?can{_A}?t think of anything(?: {_MORE})?{_WHEN}"
    rf"|no(?: {_MORE})* {_NOTES}{_WHEN}"
    rf"|(?:i|we) (?:don{_A}?t|do not) have any(?: {_MORE})* {_NOTES}{_WHEN}"
    r"|not (?:at (?:this|the) (?:time|moment|stage)|for now|right now)"
)
_SURVEY = (
    r"no|nope|nah|not really|none really|no thanks|nothing really"
    # not knowing (2026-12-07): "Hard to say." read −0.54 as a survey answer
    rf"|hard to say|(?:i(?:{_A}m)? )?not sure|unsure|(?:i )?(?:don{_A}?t|do not) know|dunno"
    r"|no idea|no (?:strong )?opinions?|no strong feelings?(?: (?:either way|one way or the "
    r"other))?"
    # (2026-12-07) "Haven't used it enough to say." read −0.80
    rf"|(?:i |we )?(?:haven{_A}?t|have not) used it (?:enough|much|long enough|yet)(?: to (?:say"
    r"|comment|tell|judge))?|too (?:early|soon) to (?:say|tell)"
)
_THANKS = r"(?:\W+(?:thanks|thank you|thx|cheers|ty))?"
_LEAD = r"(?:(?:honestly|really|well|hmm+|um+|tbh|to be honest),?\s+)?"
_ALL = re.compile(rf"^\W*{_LEAD}(?:{_ANYWHERE}){_THANKS}\W*$")
_ALL_SURVEY = re.compile(rf"^\W*{_LEAD}(?:{_ANYWHERE}|{_SURVEY}){_THANKS}\W*$")
_LONGEST = 80  # characters: every non-answer is short


def is_non_answer(text: str, channel: str | None = None) -> bool:
    """Whether all of ``text`` says nothing (see the module docstring); ``channel="survey"``
    also takes a bare "no" or "not really"."""
    if len(text) > _LONGEST:
        return False
    pattern = _ALL_SURVEY if channel == "survey" else _ALL
    return bool(pattern.match(text.strip().lower()))
