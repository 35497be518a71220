"""Defection: a customer saying they are leaving for a competitor, or that they are not.

"We are considering moving to Zendesk next year" is the sentence a CSM most needs to see,
and every engine misses it: nothing in it *sounds* negative, so the network reads it as
positive and the lexicon as neutral. "We are not considering other vendors" has the
opposite problem: "not" and "vendors" make it read as a complaint. crmsense finds both
shapes with patterns, sentence by sentence, and the analyzer corrects the reading (see
:meth:`Defection.correct`):

- **leaving**, decided: moving, switching or migrating to a competitor ("switch to
  Freshdesk", "go with another vendor", "signed a contract with Zendesk"), "taking our
  business elsewhere"; leaving without naming anyone: not renewing ("we're leaning towards
  not renewing"), planning to cancel the subscription, asking to cancel it ("please cancel
  our subscription", "can you cancel the auto-renewal?").
- **weighing**: considering, evaluating, trialling or getting quotes from a competitor
  ("evaluating alternatives", "a trial of Zendesk"), "looking elsewhere", "shopping
  around", a configured competitor praised against you ("HubSpot is cheaper", "Zendesk
  offered us 40% off") or any competitor's offer ("your competitor offered us"), a move
  hedged ("we might switch to another provider"), the renewal in doubt ("rethinking the
  renewal", "we need to see real improvement before we renew", "not sure we'll renew",
  "on the fence about the renewal", "reviewing all our vendors"; since the ninth session
  the renewal on hold, "hold off on renewing", "pausing the renewal discussion", a problem
  that "could derail" or "put the renewal at risk"), thinking
  of leaving ("I've seriously considered leaving", "considering cancelling our
  subscription"), anyone weighed "alongside you". Competitors are the
  names you configure plus generic ones ("another provider", "a competitor",
  "alternatives"). A leaving or weighing sentence is never read as positive or neutral;
  the two differ in what they raise (:class:`Analysis.risks
  <crmsense.analysis.types.Analysis>`, the alert rules).
- **staying**: the same statement negated ("not considering other vendors", "no plans to
  switch to another provider"). A *negative* reading of a one-sentence staying text is
  mirrored, as :mod:`~crmsense.analysis.negation` does for "no complaints".

Left alone: statements about the past that ended well ("we looked at Zendesk but stayed
with you", "glad we switched from Zendesk", "we considered moving to Zendesk last year"),
and a person leaving their company ("Please cancel my account, I'm leaving the company.").

>>> finder = Defection(["Zendesk"])
>>> finder.stance("We are considering moving to Zendesk next year.")
'weighing'
>>> finder.stance("We have signed with Zendesk, please cancel our subscription.")
'leaving'
>>> finder.stance("We are not considering other vendors at this point.")
'staying'
>>> finder.stance("We're moving to the new dashboard next week.") is None
True
"""

from __future__ import annotations

__all__ = ["DEPARTING", "Defection", "Stance"]

import re
from collections.abc import Iterable
from typing import Literal

from crmsense.analysis.competitors import normalized
from crmsense.analysis.sentences import preceding, sentence_texts
from crmsense.analysis.types import Prediction

Stance = Literal["leaving", "weighing", "staying"]
DEPARTING: tuple[Stance, ...] = ("leaving", "weighing")
"""The stances that read negative and are risks, the decided one first."""

_VENDOR = (
    r"(?:another|a different|a cheaper|other|alternative|different|cheaper|competing) "
    r"(?:vendors?|providers?|suppliers?|platforms?|solutions?|crms?|partners?|companies|"
    r"company)"
    r"|(?:a |the )?competitors?(?!\w)|(?:the )?competition|alternatives"
)
"""Generic competitors for weighing ("evaluating other vendors"); leaving may also name a
tool or system ("switching to another tool"), which weighing may not ("looking at other
tools for the data warehouse" is often about something else)."""
_PRODUCT = (
    r"(?:another|a different|a cheaper|a competing|other|different|cheaper) "
    r"(?:tools?|systems?|products?|software)"
)
_LEAVE = (
    r"(?:mov(?:e|es|ed|ing)|switch(?:es|ed|ing)?|migrat(?:e|es|ed|ing)|port(?:s|ed|ing)?|"
    r"transition(?:s|ed|ing)?|chang(?:e|es|ed|ing)|go(?:es|ing)?|went) (?:over |across )?to"
    r"|go(?:es|ing)? with|went with|sign(?:s|ed|ing)? (?:up )?with"
    r"|sign(?:s|ed|ing)? (?:a |an )?(?:[\w-]+ ){0,2}(?:deal|contract|agreement) with"
    r"|replac(?:e|es|ed|ing) "
    r"(?:you|your \w+|it|this)? ?with"
)
_WEIGH = (
    r"(?:consider(?:s|ing)?|evaluat(?:e|es|ing)|look(?:s|ing)? (?:at|into)|explor(?:e|es|ing)|"
    r"assess(?:es|ing)?|trial(?:s|l?ing)?|(?:a|the) trial (?:of|with)|pilot(?:s|ing)?|"
    r"(?:a|the) pilot (?:of|with)|test(?:s|ing)?|talk(?:s|ing)? to|speak(?:s|ing)? (?:to|with)|"
    r"meet(?:s|ing)? with|get(?:s|ting)? (?:a )?quotes? from|quotes? from|"
    r"benchmark(?:s|ing)? (?:you )?against|comparing (?:you |your \w+ )?"
    r"(?:with|to|against|vs|versus))"
)
_ALONGSIDE = (
    r"\b(?:alongside|side by side with) (?:you|your (?:product|platform|tool|solution|software"
    r"|offering|service))\b"
)
_GOING_ELSEWHERE = (
    r"\b(?:we|i)\b[^.!?]{0,20}\bgo(?:ing)? elsewhere\b"  # not "the bag must go elsewhere"
    r"|\b(?:take|taking|move|moving) (?:our|my) (?:business|account|spend|money) elsewhere\b"
)
_LOOKING_ELSEWHERE = (
    r"\b(?:look(?:s|ing)?|shop(?:s|ping)?) elsewhere\b|\bshop(?:s|ping)? around\b"
    # (2026-12-07) "We're reviewing our options for next year." (not "our options for the
    # Q3 rollout")
    r"|\b(?:reviewing|exploring|considering|weighing|evaluating|assessing|looking at) (?:all )?"
    r"(?:(?:our|other) options|alternatives|other (?:vendors|providers|tools|solutions))(?= for "
    r"(?:next year|the renewal|renewal|(?:the|our) (?:next )?"
    r"(?:contract|renewal|term))\b| (?:at|before|ahead of) (?:the )?renewal\b|\W*$|\s*[.!])"
)
_NOT_RENEWING = (
    # leaving without naming anyone: not renewing, cancelling
    r"\b(?:not|won(?:'|’)?t|will not|no longer) (?:be )?renew(?:ing)?\b"
    r"(?! (?:automatically|itself|on its own))"
    r"|\b(?:leaning|heading|likely|planning|going|decided|plan|intend|intending|about|will|"
    r"(?:i|we)(?:'|’)ll|(?:will|(?:'|’)ll) have) "
    r"(?:towards? |to )?(?:not (?:to )?renew(?:ing)?\b|churn(?:ing)?\b|(?:cancel(?:l?ing)?|"
    r"terminat(?:e|ing)|end(?:ing)?) (?:our|the|my) (?:contract|subscription|account|plan|"
    r"licen[cs]es?|agreement|service|renewal|partnership)\b)"
    # asking to cancel, or saying they will: "please cancel our subscription", "we'll be
    # cancelling the contract" (not "cancel the meeting", not "we cancelled our Zendesk
    # subscription", not "cancel our contract with Zendesk")
    r"|\b(?:cancel(?:l?ing)?|terminat(?:e|ing)) (?:our|my|the) (?:(?:current|existing|annual|"
    r"monthly|entire|whole|company|team) )?(?:subscription|contract|account|plan|licen[cs]es?|"
    r"membership|agreement|auto-?renewal|renewal)s?\b(?! (?:with|from|for) (?!you\b|your\b))"
)
"""Leaving without a competitor: "we're leaning towards not renewing", "we plan to cancel
our subscription", "please cancel our subscription"."""
_IN_DOUBT = (
    # the renewal in doubt: "we'll need to see real improvement before the renewal"
    r"\b(?:reconsider|rethink|re-?evaluat)(?:e|ing)? (?:our |the )?(?:renewal|contract|"
    r"subscription|partnership|relationship)\b"
    r"|\brenewal is (?:not a given|in doubt|at risk|uncertain|not guaranteed|on the line)\b"
    # undecided (fifth session): "not sure we'll renew", "on the fence about the renewal"
    r"|\b(?:not sure|unsure|uncertain|undecided|on the fence)(?: (?:if|whether|that))? "
    r"(?:we(?:'|’)ll|we will|we should|we(?:'|’)re going to|we can|to) renew\b"
    r"|\b(?:undecided|on the fence|torn) (?:about|on|over) (?:the |our )?renew(?:al|ing)\b"
    # doubting the fit (fifth session): "not sure the product is a fit for us anymore"
    r"|\bfit for (?:us|our (?:team|company|business|needs)) (?:anymore|any more|any longer)\b"
    r"|\bno longer (?:the right |a good |a )?fit(?: for (?:us|our (?:team|company|business|"
    r"needs)))?\b"
    r"|\b(?:need|have|want) to see (?:real |some |significant |major |a lot of )?"
    r"(?:improvement|progress|changes?)\b[^.!?]{0,30}\bbefore (?:the |our |we )?renew"
    # the renewal put on hold (ninth session): "We're going to hold off on renewing until we
    # see the roadmap" read +0.11, "We are pausing the renewal discussion for now." 0.00
    r"|\b(?:hold(?:s|ing)? off|paus(?:e|es|ed|ing)|delay(?:s|ed|ing)?|postpon(?:e|es|ed|ing)|"
    r"defer(?:s|red|ring)?|freez(?:e|es|ing)) (?:on )?(?:the |our |any )?renew(?:al|ing)\b"
    r"(?! (?:call|meeting|date|session|review|demo|kick-?off|invoice|paperwork|form)s?\b)"
    r"|\b(?:put(?:s|ting)?|plac(?:e|es|ed|ing)) (?:the |our )?renewal on hold\b"
    r"|\brenewal (?:is|has been) (?:on hold|paused|frozen)\b"
    # a problem that could cost the renewal (ninth session): "the sync issue is the one
    # thing that could derail it" read +0.24
    r"|\b(?:could|might|may|will|would|is going to|threatens to) (?:seriously |really |easily )?"
    r"(?:derail|jeopardi[sz]e|sink|torpedo|kill) (?:the |our |this |your )?(?:renewal|deal"
    r"|contract|partnership|relationship|it|this)\b"
    r"|\bput(?:s|ting)? (?:the |our |this |your )?(?:renewal|deal|contract|partnership"
    r"|relationship) (?:at risk|in jeopardy)\b"
    # thinking of leaving (ninth session): "this is the first time I've seriously considered
    # leaving" read −0.26 with no risk
    r"|\b(?:consider(?:s|ing)?|(?:ha(?:ve|s)|(?:'|’)ve) (?:\w+ )?considered|contemplat(?:e|es|"
    r"ing)|thinking (?:about|of)) (?:seriously )?(?:leaving(?=\s*(?:[.,!;]|$|\s+(?:you\b|your "
    r"\w+|for\b|altogether|entirely|completely|at (?:the|our) renewal|when|after|once|if|and"
    r"|but|unless)))|cancel(?:l?ing) (?:our|the|my) (?:subscription|contract|account|plan|"
    r"service|licen[cs]es)|churning|ending (?:our|the) (?:contract|subscription|relationship|"
    r"partnership))"
    # a vendor review or tool consolidation puts every subscription at risk
    r"|\b(?:reviewing|auditing) (?:(?:all|every)(?: of)? (?:our )?(?:vendors|suppliers|tools|"
    r"subscriptions|software)|(?:our )?(?:vendors|suppliers|(?:software|saas|tool|vendor) "
    r"spend))\b"
    r"|\b(?:cutting|consolidating|rationali[sz]ing|trimming) (?:our |the |of )*(?:vendors|"
    r"suppliers|tools|subscriptions|software (?:spend|vendors|stack|subscriptions)|saas "
    r"(?:spend|tools|subscriptions)|tech stack)\b"
)
"""The renewal in doubt without a competitor: "we'll need to see real improvement before the
renewal", "we're reviewing all our vendors", "consolidating our tools", "not sure it's a fit
for us anymore"."""
_BETTER = (
    r"(?:cheaper|less expensive|better|faster|easier|nicer|simpler|more (?:affordable|"
    r"reliable|intuitive|responsive|flexible)|lower (?:price|cost)s?|a (?:much )?better "
    r"(?:deal|price|offer)|discount|\d+ ?(?:%|percent) (?:off|cheaper|less|lower|discount)"
    # (seventh session) "HubSpot's reporting is miles ahead and costs less." read +0.62
    r"|(?:miles|way|streets|light[- ]years|years) ahead|superior|costs? (?:a lot |much |far )?less"
    r"|half the (?:price|cost)|outperforms?|runs? rings around)"
)
_NEGATED = re.compile(  # the negation governs the verb: only auxiliaries in between
    r"(?:\bnot|n(?:'|’)t|\bnever|\bno (?:plans?|intention|interest|reason|desire)"
    r"(?: (?:to|of|in))?)\W+(?:(?:be|been|currently|actively|seriously|really|even|going|"
    r"want|wish|intend|plan|need|"
    r"planning|looking|to|at|this|that|point|the|moment|any|time|soon)\W+){0,4}$"
)
_PAST = re.compile(
    r"\b(?:considered|thought about|almost|nearly|used to|were going to|had planned to|"
    r"was going to)\W+(?:\w+\W+){0,3}$"
)
_STAYED = re.compile(
    r"\b(?:stay(?:ed|ing)? with you|decided to stay|decided against|(?:came|coming|come) "
    r"back|glad (?:we|i)|happy (?:we|i)|no regrets|stick(?:ing)? with you)\b"
    # part of the customer moving while the rest stays, or you compared favourably (fourth
    # session): "…, but sales stays on your CRM", "Zendesk is cheaper but your product is
    # better"
    r"|\bstay(?:s|ed|ing)? (?:on|with) (?:you|your)\b"
    r"|\b(?:but|though|yet) (?:you|your [\w-]+|you guys) (?:are|is) (?:still )?(?:better|worth it|"
    r"the best)\b"
)
_ELSE = re.compile(
    r"\s+(?:for|about) (?:our|the|a|an|their|my|his|her) (?!renewal|contract|subscription|next"
    r"|upcoming|coming|crm\b|account\b)"
    r"|\s+(?:our|the|my) (?:lease|office|insurance|domain|mortgage|loan|visa|passport|permit|"
    r"gym|phone|mobile)\b"
)
"""Right after a match, what makes it about something else: weighing vendors *for* another
purchase ("evaluating other vendors for our payroll system", "talking to Zendesk about
their integration with you"), not renewing something that is not yours ("not renewing our
lease")."""
_PERSON_LEAVING = re.compile(
    r"\b(?:i(?:'|’)m|i am|i(?:'|’)ll be|i will be|(?:s)?he(?:'|’)s|(?:s)?he is|they(?:'|’)re) "
    r"(?:leaving|retiring from|moving on from) (?:the|this|our) (?:company|business|firm|"
    r"organi[sz]ation)\b|\b(?:i|he|she|they) (?:have |has )?(?:left|retired from) (?:the|our) "
    r"(?:company|business|firm|organi[sz]ation)\b"
)
"""A person leaving their company: "Please cancel my account, I'm leaving the company." is
offboarding a user, not the customer leaving."""
_HEDGED = re.compile(
    r"\b(?:might|(?<!\bin )may|could|maybe|perhaps|possibly|thinking (?:about|of)|"
    r"wondering (?:about|whether|if)|open to|(?:do|should|would) we)\W+(?:\w+\W+){0,3}$"
)
"""Words just before a move that make it a possibility, not a decision: "we might move to
Zendesk", "we're thinking about switching to another vendor"."""
_WINDOW = 120  # characters before a match searched for negation or the past
_HINTS = (
    "mov", "switch", "migrat", "port", "transition", "chang", "go", "went", "sign", "replac",
    "consider", "evaluat", "look", "explor", "assess", "trial", "pilot", "test", "talk",
    "speak", "meet", "quote", "benchmark", "compar", "elsewhere", "shop", "renew", "churn",
    "cancel", "terminat", "to end", "ending", "rethink", "reconsider", "evaluat", "review",
    "audit", "cutting", "consolidat", "rationali", "trimming", "fit", "competitor", "hold",
    "paus", "delay", "postpon", "defer", "freez", "contemplat", "thinking", "alongside",
    "derail", "jeopard", "sink", "torpedo", "kill", "at risk", "in jeopardy",
    "side by side",
)  # fmt: skip


class Defection:
    """Compiled once per analyzer with its configured competitor names."""

    def __init__(self, competitors: Iterable[str] = ()) -> None:
        names = sorted(normalized(competitors), key=len, reverse=True)
        named = "|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in names)
        target = f"(?:{named}|{_VENDOR})" if named else f"(?:{_VENDOR})"
        # each alternative a named group: the leftmost match says whether the customer has
        # decided (leave_*) or is weighing (weigh_*)
        alternatives = {
            "leave_to": rf"\b(?:{_LEAVE})\s+(?:the |a |an )?(?:{target}|{_PRODUCT})",
            # within the sentence; "vs." does not end it ("comparing you vs. Zendesk")
            # or someone unnamed weighed against you (ninth session): "We're evaluating
            # HubSpot alongside you" (HubSpot not configured)
            "weigh_vendor": rf"\b{_WEIGH}\b(?:[^.!?]|(?<=\bvs)\.){{0,30}}?(?:{target}|"
            rf"{_ALONGSIDE})",
            "leave_elsewhere": _GOING_ELSEWHERE,
            "weigh_elsewhere": _LOOKING_ELSEWHERE,
            "leave_cancel": _NOT_RENEWING,
            "weigh_renewal": _IN_DOUBT,
            # a competitor's offer (fifth session): "Your competitor offered us 40% off"
            "weigh_offer": r"\b(?:a|your|another|one of your) competitors? (?:has |have |just )?"
            r"(?:offered|quoted|pitched|proposed|sent)(?: us)?\b",
        }
        if named:  # a competitor praised against you: "HubSpot is cheaper"
            alternatives["weigh_better"] = (
                rf"(?:{named})(?:(?!\byou(?:r|rs)?\b)[^.!?]){{0,40}}?{_BETTER}"
            )
        self._pattern = re.compile("|".join(f"(?P<{k}>{a})" for k, a in alternatives.items()))
        self._hints = (*_HINTS, *names)

    def _sentence(self, lowered: str) -> Stance | None:
        if not any(hint in lowered for hint in self._hints):
            return None
        stance: Stance | None = None
        stayed: bool | None = None
        for match in self._pattern.finditer(lowered):
            before = preceding(lowered, match, _WINDOW)
            if _NEGATED.search(before):
                stance = stance or "staying"
            elif _ELSE.match(lowered, match.end()):
                continue  # vendors for something else, a lease not renewed
            elif not _PAST.search(before):
                if stayed is None:
                    stayed = bool(_STAYED.search(lowered) or _PERSON_LEAVING.search(lowered))
                if stayed:
                    continue
                decided = str(match.lastgroup).startswith("leave") and not _HEDGED.search(before)
                if decided:
                    return "leaving"
                stance = "weighing"
        return stance

    def stance(self, text: str) -> Stance | None:
        """``"leaving"`` when a sentence of ``text`` says the customer is leaving (moving to
        a competitor, not renewing, cancelling); else ``"weighing"`` when one says they are
        weighing it (evaluating a competitor, looking elsewhere, the renewal in doubt);
        ``"staying"`` when ``text`` is one sentence that says they are not; else None."""
        lowered = text.lower()
        # nothing matches anywhere (most texts): no need to split into sentences
        if not any(hint in lowered for hint in self._hints) or not self._pattern.search(lowered):
            return None
        sentences = [s.lower() for s in sentence_texts(text)] or [lowered]
        stances = [self._sentence(s) for s in sentences]
        for departing in DEPARTING:
            if departing in stances:
                return departing
        return "staying" if len(sentences) == 1 and stances[0] == "staying" else None

    def risk(self, text: str) -> Literal["leaving", "weighing"] | None:
        """The risk ``text`` says: ``"leaving"``, ``"weighing"`` or None (a departing
        customer's stance, read as a risk by the analyzer and as an objection in replies)."""
        stance = self.stance(text)
        return None if stance is None or stance == "staying" else stance

    def correct(self, text: str, prediction: Prediction) -> Prediction:
        """``prediction`` of ``text`` with its stance applied. A leaving or weighing text
        read as positive is mirrored; one read as neutral swaps its neutral and negative
        probabilities. Either way its word spans, which pushed the other way, are dropped,
        so the sentence itself is the evidence. A staying text read as negative is
        mirrored. Anything else is returned as is."""
        stance = self.stance(text)
        if stance in DEPARTING:
            return prediction.toward("negative")
        negative, _, positive = prediction.probs
        if stance == "staying" and negative > positive:
            return prediction.mirrored()
        return prediction
