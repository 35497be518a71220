"""Routine requests and notices: moving a meeting, administering an account, a reset code.

"Need to shift our monthly review back an hour" and "Please remove the following four
leavers from our workspace" are paperwork, yet ``model.v1`` reads many such requests as
clearly negative (−0.83 and −0.66): it learnt the neutral/negative boundary from tweets and
complaints, where "need to", "push back" and "remove" usually come with a problem. A
negative reading there does harm twice: the message counts against the account's trend, and
the kind rules (a clearly negative message is conversational) undo its transactional kind,
so paperwork could raise an alert.

crmsense recognises three shapes with patterns and the analyzer corrects the reading for
every engine (see :func:`routine_reading`):

- **rescheduling**: moving, shifting, bumping, pushing, postponing, rescheduling or bringing
  forward a meeting ("can we push tomorrow's training to Friday?", "bump our demo to
  Thursday"), running late to one, or not making it ("Unfortunately I won't be able to
  make Thursday's session.": its "unfortunately" and "can't" report no problem);
- **account administration**: adding, removing, granting, revoking, reducing, increasing or
  transferring users, seats, licences, access or permissions ("please grant read-only access
  to our auditor", "reduce our seat count to 28"), deleting, disabling or rotating API keys,
  tokens, sandboxes, environments and workspaces ("Kindly revoke the API key ending in
  7f3a"), resetting a password or an account, and
  reissuing or resending an invoice or a receipt ("Please reissue invoice INV-2291 with our
  PO number on it");
- **account notices**: the boilerplate of security and account e-mails ("Your verification
  code is 482913. It expires in 10 minutes.", "If you didn't request this, ignore this
  email.", "No action required.") and of documents sent along ("Please find our purchase
  order attached.").
- **slow-reply apologies**: "Sorry for the delay in getting back to you." (−0.91: the
  network reads "delay"), whose own delay is not a problem.
- **how-to questions**: asking how to do something or what to do in a case ("How do I roll
  back a failed import?", "What happens if a payment fails?", "Is there a way to restore
  a deleted deal?"), and (since the seventh session) how the product behaves ("What does
  the stale flag mean?", "Can an admin recover a deleted dashboard?", "How long do deleted
  records stay in backups?", "If we downgrade, which dashboards would we lose?", and the
  same question passed on: "Compliance wants to know how long …"). Their problem words
  are hypothetical, so they do not count as a problem, unless the question also
  complains: persistence ("still", "again", "keeps"), "why", "!", blame ("you sent", "you
  charged", "your migration deleted"), "I can't", a problem in the present ("is broken"),
  or leaving ("cancel", "switch").
- **own-side problems** (seventh session): a problem the writer puts down to their own
  side ("The broken links came from our own template edit", "charged twice because of a
  card update on our side", "raised in error", "we'll fix those on our side"). Its problem
  words are no complaint about you, unless it blames you back ("not our mistake", "your
  bug") or persists ("still", "again"); "broken on our side" says where, not why.

A text is routine when it holds one of these, every other sentence is a courtesy
(greeting, thanks, apology for the notice, sign-off) and nothing anywhere reports a problem
(:func:`~crmsense.analysis.negation.reports_problem`: "broken", "can't", "still",
"failed", "delayed", …). So
"can we move the call? The export is still broken" keeps its negative reading, and so does
"Payment failed: your card was declined. No action is needed if you update it".

>>> is_routine("Need to shift our monthly review back an hour, 15:00 instead of 14:00.")
True
>>> is_routine("Hi Lena, could we push tomorrow's training to Friday? Sorry for the short notice.")
True
>>> is_routine("We had to postpone the go-live because the sync is broken.")
False
>>> is_routine("Please remove the duplicate contacts you created.")
False
"""

from __future__ import annotations

__all__ = [
    "PLEASANTRY", "is_courtesy", "is_routine", "is_suggestion", "routine_reading",
    "without_greeting",
]  # fmt: skip

import re

from crmsense.analysis.negation import is_unmet_expectation, reports_problem
from crmsense.analysis.sentences import sentence_texts
from crmsense.analysis.types import Prediction
from crmsense.text.patterns import APOSTROPHE as _A

_MEETING = (
    r"(?:calls?|meetings?|demos?|reviews?|workshops?|sessions?|trainings?|onboarding|"
    r"check-?ins?|catch-?ups?|syncs?|stand-?ups?|kick-?offs?|qbrs?|webinars?|interviews?|"
    r"appointments?|visits?|site surveys?|walk-?throughs?|presentations?|1:1s?|one-to-ones?|"
    r"slot|invite)"
)
_MOVE = (
    r"(?:move|moving|shift|shifting|bump|bumping|push|pushing|postpone|postponing|"
    r"reschedul\w*|re-schedul\w*|rearrang\w*|bring forward|bringing forward|swap|swapping|"
    r"change the (?:time|date|day) of)"
)
_RESCHEDULE = re.compile(
    # a moving verb, then within a few words the meeting it moves ("push tomorrow's
    # training", "bump our demo", "move the 3pm call"), or a new length for it ("make next
    # month's review 45 minutes")
    rf"\b{_MOVE}\b(?: [\w'’:-]+){{0,4}}? {_MEETING}\b"
    rf"|\bmake (?:[\w'’-]+ ){{0,3}}{_MEETING} \d+ (?:min(?:ute)?s?|hours?)\b"
    r"|\b(?:running|run|be|am|i'm|we're|we are) (?:\d+ (?:min(?:ute)?s?|mins) |a (?:few|bit) "
    r"|a little |slightly )?late (?:to|for) (?:our|the|my|your|today's|this) "
    rf"(?:[\w'’-]+ )?{_MEETING}\b"
    r"|^re-?scheduling\b|\b(?:need|have|want) to re-?schedule\b|\b(?:can|could) we re-?schedule\b"
    r"|\bcan we (?:start|begin|meet|do it) (?:at|on|later|earlier)\b"
    r"|\b(?:can|could) we (?:move|push|shift|bump) (?:it|this|that)\b"
)
_REGRET = re.compile(
    # not making it to a meeting, regretfully ("Unfortunately I won't be able to make
    # Thursday's session", "I'm afraid we can't make it tomorrow")
    r"\b(?:(?:unfortunately|sadly|regrettably|i(?:'|’)m afraid),? )?(?:i|we)(?: now| just)? "
    r"(?:won(?:'|’)?t|will not|can(?:'|’)?t|cannot|(?:would|will) not|wouldn(?:'|’)?t) "
    r"(?:be able to |manage to )?(?:make|attend|join|be (?:at|on|in)) (?:it\b|(?:the|our|this|"
    r"that|today(?:'|’)s|tomorrow(?:'|’)s|\w+day(?:'|’)s|next week(?:'|’)s|this week(?:'|’)s) "
    rf"(?:[\w'’:-]+ ){{0,2}}?{_MEETING}\b)"
)
"""Regret at missing a meeting: its "unfortunately" and "can't" are no problem."""
_REQUEST = (
    r"(?:please|pls|kindly|can (?:you|we|i)|could (?:you|we|i)|would you|(?:we|i)(?:'d| would) "
    r"like to|(?:we|i) want to|(?:we|i) need to|need to|confirming (?:that )?(?:we|i))"
)
_ACCOUNT_ADMIN = re.compile(
    # asked for ("please", "can you", "we'd like to"): statements about licences, access
    # and ownership are often news, not administration
    rf"\b{_REQUEST}\b[^.!?]{{0,30}}?\b(?:add|remove|grant|revoke|reduce|increase|transfer|"
    r"deactivate|set up|provision|update|change|reset|unlock|reactivate|re-?send|re-?issue"
    # (seventh session) "Please delete the sandbox environment named test-q1-2023" −0.56,
    # "Kindly revoke the API key ending in 7f3a" −0.87, "Please downgrade the marketing
    # team's 8 seats from Analyst to Viewer"
    r"|delete|downgrade|upgrade|disable|enable|archive|rotate|regenerate)\b"
    r"(?: [\w'’.,:-]+){0,6}? "
    r"(?:seats?|seat count|users?|licen[cs]es?|(?:read-only |admin |edit |view )?access|"
    r"permissions?|admin rights|logins?|leavers|new starters?|billing contact|"
    r"(?:account |deal |record )?owner(?:ship)?|passwords?|accounts?|activation (?:e-?mail|link)"
    r"|invit(?:e|ation)s?|invoices?|receipts?|credit notes?|statements?|purchase orders?"
    r"|api keys?|(?:api |access )?tokens?|sandbox(?:es)?|(?:sandbox |test |staging )?environments?"
    r"|workspaces?|sub-?accounts?|roles?|sso|2fa|mfa)\b"
)
_NOTICE = re.compile(
    # the boilerplate of account and security e-mails
    r"\bif you did(?:n(?:'|’)?t| not) (?:request|make|initiate|recogni[sz]e|ask for|sign up)\b"
    r"|\b(?:please )?(?:ignore|disregard) this (?:e-?mail|message|notice)\b"
    # (seventh session) "Please disregard PO 88-4412; it was raised in error on our end."
    r"|\b(?:please )?(?:ignore|disregard) (?:our |the |that |my )?(?:po|purchase order|invoice"
    r"|order|request|reminder|previous (?:e-?mail|message))\b"
    r"|\b(?:link|code|password|otp) (?:expires|will expire|is valid) (?:in|for)\b"
    r"|^it (?:expires|will expire|is valid) (?:in|for) \d+"
    r"|\byour (?:[\w-]+ )?(?:verification|security|one-time|login|sign-in|reset) code is\b"
    r"|\b(?:reset|choose|set) (?:your|a new) password\b"
    r"|\b(?:use|click|follow|open) the (?:link|button) below\b"
    r"|\bno (?:further )?action (?:is )?(?:required|needed)\b"
    # documents sent along: "Please find our purchase order attached."
    r"|\bplease find\b[^.!?]{0,40}\b(?:attached|enclosed|below)\b|\b(?:attached|enclosed) "
    r"(?:is|are|please find)\b"
    # details that stay as they were: "Billing address unchanged.", "PO number remains the
    # same", "no change to our bank details"
    r"|\b(?:address|details|contacts?|po number|purchase order number|vat number|tax id|"
    r"payment method|bank details|billing info(?:rmation)?)(?: (?:is|are|remains?|stays?))? "
    r"(?:unchanged|the same|as before)\b"
    r"|\bno changes? (?:to|in) (?:the |our |my )?(?:[\w-]+ )?(?:address|details|contacts?|"
    r"po number|vat number|payment method|bank details|billing info(?:rmation)?)\b"
)
_SLOW_REPLY = re.compile(
    # the writer apologising for their own slow reply
    r"\b(?:sorry|apologies|apologi[sz]e|my apologies|forgive me)(?: again| so much| once more)?"
    r" (?:for|about) (?:the|my|our|this) (?:(?:very |rather |slightly |long )?(?:slow|late|"
    r"delayed|belated|tardy) (?:reply|response|answer)|delay(?: in (?:getting back(?: to you)?|"
    r"replying|responding|answering|coming back(?: to you)?))?|(?:radio )?silence)"
    r"|\bsorry (?:i(?:'|’)m|we(?:'|’)re|for being) (?:so )?(?:late|slow) (?:in )?(?:replying|"
    r"responding|getting back)"
    r"|\bsorry (?:it(?:'|’)s|this has|it has) taken (?:me|us) (?:so |a while |this )?"
    r"(?:long|a while)"
    r"|\bapologies for not (?:getting back|replying|responding) (?:sooner|earlier)"
)
"""An apology for one's own slow reply ("Sorry for the delay in getting back to you."): the
network reads "delay" as a complaint."""
_HOW_TO = re.compile(
    # a question that asks for a procedure: how to, what to do if, where to find, whom to ask;
    # after a lead-in (seventh session): "For dunning, how many failed payment attempts …?",
    # "Quick question: can an admin restore …?"
    r"^(?:(?:for|re|regarding|about|on) [\w'’ -]{1,30}, |quick (?:question|q)\W+|question\W+)?"
    r"(?:how (?:do|can|should|would|could|does) (?:i|we|you|one|my|our|a|an|the)\b|how to\b"
    r"|is there (?:a|any) way to\b|what (?:happens|do (?:i|we) do|should (?:i|we) do|"
    r"do (?:i|we) need to do|are the (?:steps|options)) (?:if|when|in case|to|for)\b"
    r"|what(?:(?:'|’)?s| is) the (?:process|procedure|policy|best way|way|protocol) "
    r"(?:to|for|if|when)\b"
    r"|who (?:do|should|can) (?:i|we) (?:contact|talk to|speak to|ask|e-?mail|call)\b"
    r"|where (?:can|do|should) (?:i|we) (?:find|see|get|check|report|download|look)\b"
    # how the product behaves (seventh session): "What does the stale flag on a report
    # mean?" −0.64, "Can an admin recover a dashboard someone deleted?" −0.51, "Is it
    # possible to permanently delete …?", "How are rejected rows reported when an import
    # hits validation errors?", "If we downgrade at renewal, which dashboards would we
    # lose?", "how many failed payment attempts happen before …?"
    r"|what does (?:[\w'’-]+ ){1,6}mean\b|is it possible to\b"
    r"|(?:can|could) (?:we|i|an? [\w-]+|admins|users) (?:configure|change|set|adjust|customi[sz]e"
    r"|recover|restore|undo|export|turn (?:on|off)|disable|enable|limit|restrict|schedule|see"
    r"|view|extend|increase)\b"
    r"|how (?:many|long|often)\b"
    r"|how (?:are|is|do|does) (?:[\w'’-]+ ){1,5}(?:reported|handled|calculated|counted|processed"
    r"|stored|shown|displayed|billed|prorated|charged|logged|retried|flagged)\b"
    r"|if (?:we|i) [^?]{1,80}?,? (?:which|what|will|do|does|how|is|are|can|would)\b)"
    r"[^?!]*\?$"
    # a question passed on: "Compliance wants to know how long deleted records stay in
    # backups before they're purged."
    r"|^(?:[\w'’-]+ ){1,3}(?:wants|want|would like|needs|need|asked|has asked|have asked) to know "
    r"(?:how|what|whether|if|when|which|where)\b[^?!]*[.?]?$"
)
_HOW_TO_COMPLAINS = re.compile(
    # what makes a how-to question a complaint after all
    r"\b(?:still|again|keeps?|keep on|yet|already|another|anymore|any more|ever|why|"
    r"(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) time|"
    r"you (?:guys )?(?:sent|charged|broke|lost|promised|said|told|keep|deleted|wiped|removed"
    r"|corrupted|overwrote)|your [\w-]+(?: [\w-]+)? (?:deleted|broke|lost|wiped|removed"
    r"|corrupted|overwrote|duplicated)|"
    r"(?:i|we) (?:can(?:'|’)?t|cannot|could(?:n(?:'|’)?t| not)|have(?:n(?:'|’)?t| not))|"
    r"(?:is|are|was|were|has been|have been|got) (?:broken|down|not working|missing|wrong|"
    r"stuck|late|delayed|lost|damaged|faulty)|"
    r"cancel\w*|terminat\w*|close (?:my|our) account|unsubscrib\w*|switch\w*|leav\w*|"
    r"complain\w*|escalat\w*|compensat\w*|refund\w*|ridiculous|unacceptable|terrible|awful|"
    r"useless)\b"
)
_OWN_SIDE = re.compile(
    # a problem the writer puts down to their own side (seventh session): "The broken links
    # came from our own template edit, and we've corrected them." −0.41, "charged twice for
    # September because of a card update on our side" −0.69, "PO 88-4412 … was raised in
    # error on our end" −0.60, "12 rows were rejected, we'll fix those on our side"
    r"\b(?:because of|due to|caused by|came from|comes from|the result of|down to) (?:a |an |the "
    r"|some )?(?:[\w'’-]+ ){0,4}?(?:on our (?:side|end)|at our end|of ours)\b"
    r"|\b(?:came|comes) from our own\b|\bour own (?:[\w-]+ ){0,2}?(?:edit|edits|change|changes"
    r"|mistake|error|fault|typo|misconfiguration|config|configuration|template|script|firewall"
    r"|proxy|vpn)\b"
    # not "fault": "… does not work on the 24th day is my fault." is a review's irony
    r"|(?<!not )(?<!n't )(?<!n’t )\b(?:my|our) (?:mistake|bad|oversight)\b|\buser error\b"
    r"|\b(?:raised|sent|created|submitted|entered|added|placed|booked|issued) (?:in error|by "
    r"mistake|by accident|accidentally)\b"
    rf"|\b(?:we|i)(?:{_A}ll| will|{_A}ve| have)? (?:fix|fixed|correct|corrected|sort|sorted"
    r"|handle|handled|resolve|resolved) (?:those|them|it|that|this|these|the [\w-]+) (?:on|at) "
    r"our (?:side|end)\b"
)
"""A problem put down to the writer's own side, for a lower-cased sentence: its problem
words are no complaint about you. Not "broken on our side" (where it shows, not why)."""
_BLAME = re.compile(
    r"\b(?:your|you guys(?:'|’)?) (?:fault|mistake|error|bug|side|end)\b|\bnot (?:our|my) "
    r"(?:mistake|fault)|\b(?:still|again|keeps?|kept)\b"
)
"""Blame back on you, or persistence: an own-side sentence with it is a complaint."""
_RELAYED = re.compile(
    # what the writer's own users feel, passed on with a request (eighth session): "Tenants
    # in our portfolio get upset when late-fee notices arrive on weekends." −0.75, "Our
    # clients complain a lot about long forms." −0.42, "Our agents say callers get annoyed
    # when they have to repeat their account number." −0.75
    r"^(?:[\w'’-]+ ){0,4}?(?:(?:our|my) (?:own )?(?:[\w-]+ )?)?(?:customers|clients|users"
    r"|end[- ]users|tenants|members|agents|reps|staff|employees|callers|patients|students"
    r"|guests|buyers|drivers|managers|admins|people|shoppers|subscribers|donors|learners)"
    r"(?: [\w'’-]+){0,5}? (?:get|gets|got|getting|feel|feels|find|finds|say|says|said|keep"
    r"|tell|told|complain|complains|complained|report|reports|struggle|struggles|hate|dislike"
    r"|dispute|disputes|ask|asks|often|always|sometimes|regularly|frequently|would like|want"
    r"|wants|prefer|prefers|mention)\b"
)
_RELAYED_ASK = re.compile(
    r"^(?:(?:can|could) (?:we|i|you|it|admins|users|the [\w -]{1,30}?) (?!(?:please )?(?:fix"
    r"|look|investigate|check|escalate)\b)[a-z]+\b"
    r"|is there (?:a|an|any) (?:[\w-]+ ){0,3}?(?:way|option|setting|template|feature|toggle"
    r"|plan|version|mode|workaround)\b|is it possible\b|do you (?:have|offer|support)\b"
    r"|would it be possible\b|how (?:can|could|do|should) (?:we|i)\b)[^?!]*\?$"
)
_FAULT = re.compile(
    r"\b(?:still|again|broke|broken|down|outage|crash\w*|fail\w*|errors?|bugs?|not working"
    r"|(?:doesn|don|isn|aren|won|can)(?:'|’)?t (?:work|load|open|sync|log|save|send)\w*|stopped"
    r"|lost|missing|wrong|since (?:the|your) (?:update|release|upgrade|change|migration)"
    r"|urgent\w*|asap|immediately|refund\w*|cancel\w*|leav\w*|switch\w*)\b"
)
"""What makes relayed pain a complaint about the product after all."""
#: ``_RELAYED`` needs one of these words, and a question.
_RELAYED_HINTS = (
    "customers", "clients", "users", "tenants", "members", "agents", "reps", "staff",
    "employees", "callers", "patients", "students", "guests", "buyers", "drivers", "managers",
    "admins", "people", "shoppers", "subscribers", "donors", "learners",
)  # fmt: skip
_GREETING = re.compile(
    r"^(?:hi|hello|hey|dear|morning|good (?:morning|afternoon))\b[^,.!?]{0,25}[,!]?\s*"
)
PLEASANTRY = (
    rf"(?:i |we )?hope (?:you{_A}re|you are|you{_A}ve been|you have been|you had|all(?:{_A}s| is)"
    r"|this (?:e-?mail |message |note )?finds you|everyone(?:'s| is)|things are)\b[^.!?]*\W*"
    r"|(?:i|we) (?:really |truly )?appreciate (?:it|that|this|your (?:help|time|patience))\W*"
    r"|have a (?:great|good|nice|lovely|wonderful) (?:day|weekend|week|evening|one)"
    r"(?:,? [\w'’.-]+)?\W*"
    rf"|(?:i{_A}m |we{_A}re )?looking forward to (?:hearing from you|your (?:reply|response"
    r"|thoughts))\W*"
)
"""Well-wishing and closing politeness, for a whole lower-cased sentence (without its
greeting): "Hope you're well.", "I appreciate it.", "Have a great weekend!", "Looking
forward to hearing from you." A courtesy here, a formality around a complaint in
:mod:`~crmsense.analysis.contrast`."""
_COURTESY = re.compile(
    r"^(?:"  # nothing left once a greeting is taken off ("Hi Sam,") is a courtesy too
    r"|(?:many |huge )?thanks?(?: you)?\b.*|cheers\b.*|(?:kind |best )?regards\b.*"
    r"|best(?: wishes)?\W*(?:[\w.'’-]+\W*){0,3}"
    r"|(?:sorry|apologies)(?: for (?:the|any) (?:short notice|late notice|inconvenience|"
    r"change|shuffle|hassle))?\W*"
    r"|(?:i )?hope (?:that|this)(?:'s| is)? (?:ok|okay|alright|fine|works)\b.*"
    rf"|{PLEASANTRY}|(?:much )?appreciated\W*"
    r"|let me know\b.*|speak soon\b.*|(?:something|a conflict) (?:has )?(?:came|come) up\b.*"
    r")$"
)
"""A sentence that is only politeness: "Thanks!", "Sorry for the short notice.", "Hope
that's OK.", "Hope you're well.", "I appreciate it.", "Have a great weekend!", "Something
came up on our side."."""
_HINTS = (
    "move", "moving", "shift", "bump", "push", "postpon", "schedul", "rearrang", "forward",
    "swap", "make", "late", "start", "begin", "meet", "do it", "add", "remov", "grant",
    "revok", "reduc", "increas", "transfer", "deactivat", "set up", "provision", "updat",
    "change", "request", "ignore", "disregard", "expire", "valid", "code", "password", "action",
    "below", "sorry", "apolog", "forgive", "reset", "unlock", "reactivat", "send", "issue",
    "find", "attached", "enclosed", "unchanged", "the same", "as before", "delete", "grade",
    "disabl", "enabl", "archiv", "rotat", "regenerat",
)  # fmt: skip
#: Every alternative of ``_OWN_SIDE`` contains one of these.
_OWN_HINTS = (
    "our side", "our end", "our own", "of ours", "mistake", "my bad", "our bad", "user error",
    "oversight", "in error", "by accident", "accidentally",
)  # fmt: skip
#: With a "?" (or "to know"), every alternative of ``_HOW_TO`` contains one of these.
_HOW_TO_HINTS = (
    "how", "what", "way", "who", "where", "possible", "can we", "can i", "can a", "can admins",
    "can users", "could we", "could i", "could a", "could admins", "could users", "if we",
    "if i ", "to know",
)  # fmt: skip


def is_routine(text: str) -> bool:
    """Whether ``text`` is a routine request or notice: a rescheduling, account
    administration, account notice, slow-reply apology or how-to question sentence,
    courtesies around it, and no problem anywhere (a how-to question's own problem words
    are hypothetical); or users' pain relayed with a request for an option
    (:func:`_relayed_request`).

    >>> is_routine("How do I roll back a failed import?")
    True
    >>> is_routine("Why does the import keep failing? How do I roll it back?")
    False
    """
    lowered = text.lower().strip()
    asks = "?" in lowered or "to know " in lowered  # "Compliance wants to know how long …"
    if "?" in lowered and any(w in lowered for w in _RELAYED_HINTS) and _relayed_request(text):
        return True
    own = any(hint in lowered for hint in _OWN_HINTS)
    if not (own or any(hint in lowered for hint in _HINTS)) and not (
        asks and any(hint in lowered for hint in _HOW_TO_HINTS)
    ):
        return False
    if not asks and not own and _problem(lowered):  # no question, no own side: quick way out
        return False
    found, exempt, rest = False, False, []
    for sentence in (s.lower() for s in sentence_texts(text)):
        if _HOW_TO.search(without_greeting(sentence)):
            if _HOW_TO_COMPLAINS.search(sentence):
                return False
            found = exempt = True
            continue
        if own and _OWN_SIDE.search(sentence):
            if _BLAME.search(sentence):
                return False
            found = exempt = True
            continue
        rest.append(sentence)
        if any(
            p.search(sentence) for p in (_RESCHEDULE, _REGRET, _ACCOUNT_ADMIN, _NOTICE, _SLOW_REPLY)
        ):
            found = True
        elif not is_courtesy(sentence):
            return False
    # a how-to question's problem words are hypothetical, an own-side problem's no
    # complaint: only the other sentences count
    return found and not _problem(" ".join(rest) if exempt else lowered)


def _relayed_request(text: str) -> bool:
    """Whether ``text`` passes on what its writer's own users feel and asks for a change or
    an option ("Our clients complain a lot about long forms. Can we shorten the onboarding
    survey?"): a feature request, not a complaint about the product. Every other sentence
    a courtesy, and no fault, urgency or leaving anywhere."""
    sentences = [without_greeting(s.lower()) for s in sentence_texts(text)]
    relayed = [s for s in sentences if _RELAYED.search(s)]
    asked = [s for s in sentences if s not in relayed and _RELAYED_ASK.search(s)]
    if not relayed or not asked or _FAULT.search(" ".join(relayed + asked)):
        return False
    return all(s in relayed or s in asked or is_courtesy(s) for s in sentences)


def _problem(lowered: str) -> bool:
    # "only" is a problem word; an apology for a slow reply names its delay, and regret at
    # missing a meeting says "unfortunately" and "can't"
    lowered = _REGRET.sub(" ", _SLOW_REPLY.sub(" ", lowered.replace("read-only", "read_only")))
    return reports_problem(lowered)


def is_courtesy(sentence: str) -> bool:
    """Whether a lower-cased sentence is only politeness, once a greeting is taken off
    ("Hi Sam, thanks!", "Sorry for the short notice.", "Best, Jo"). A sentence that opens
    with thanks counts whatever follows, so callers also check the text for problems
    (:func:`~crmsense.analysis.negation.reports_problem`).

    >>> is_courtesy("hi sam, many thanks!"), is_courtesy("the export is broken.")
    (True, False)
    """
    return bool(_COURTESY.match(without_greeting(sentence)))


def without_greeting(sentence: str) -> str:
    """A lower-cased sentence with its opening greeting and edge punctuation taken off.

    >>> without_greeting("dear sir, i am not responsible for this area.")
    'i am not responsible for this area.'
    """
    return _GREETING.sub("", sentence.strip(" ,;:-–—"))


_CHASER = re.compile(
    r"^\W*(?:(?:hi|hello|hey)\b[^.!?,]{0,25}[,.!]?\s*)?(?:just |a )?(?:following up|checking in"
    r"|circling back|bumping this(?: up)?|(?:gentle|quick|friendly) reminder)\b"
    r"(?: (?:on|about|re|regarding|with regard to|to see if|in case)\b[^.!?]{0,60})?"
    r"[.!?]*\s*(?:(?:many )?thanks?(?: you)?(?: in advance)?\W*)?$"
)
"""A follow-up and nothing else ("Hi, just following up on my previous email. Thanks!"),
for lower-cased text; not "just checking in to say the team loves it"."""


_SUGGESTION = re.compile(
    r"\bfeature request\b|\bany plans to (?:add|support|offer|build|introduce)\b"
    r"|\b(?:consider|suggest) adding\b"
    r"|\bwould be (?:really |so |very |super )?(?:great|nice|helpful|useful|good|awesome|amazing|"
    r"handy|cool) (?:if|to (?:have|see|get))\b|\bit would help (?:a lot |us )?if\b"
    r"|\b(?:would|(?:'|’)d) (?:really )?love (?:to see|it if|a way to|an option to)\b"
    r"|\b(?:would|(?:'|’)d) (?:be|give (?:it|you)|rate (?:it|you)) (?:a )?(?:10|ten|perfect|"
    r"5 stars|five stars)(?:/10)? if\b"
    r"|\b(?:the )?only thing (?:missing|lacking|i(?:'|’)d change|we(?:'|’)d change) (?:is|would"
    r" be)\b"
)
"""A suggestion or feature request, for lower-cased sentences: "Would be 10 if the mobile
app worked offline.", "It would be great if the export supported XLSX.", "Only thing
missing is a dark mode."."""
#: Every alternative of ``_SUGGESTION`` contains one of these.
_SUGGESTION_HINTS = ("feature", "plans", "adding", "would", "'d", "’d", "only thing")


def is_suggestion(text: str) -> bool:
    """Whether ``text`` only suggests (every sentence a suggestion or a courtesy, at least
    one suggestion) and reports no problem beside it.

    >>> is_suggestion("Would be 10 if the mobile app worked offline.")
    True
    >>> is_suggestion("Would be great if the export didn't crash every day.")
    False
    """
    lowered = text.lower()
    if not any(hint in lowered for hint in _SUGGESTION_HINTS):
        return False
    sentences = [s.lower() for s in sentence_texts(text)]
    found = [s for s in sentences if _SUGGESTION.search(s)]
    if not found or any(s not in found and not is_courtesy(s) for s in sentences):
        return False
    # "the only thing missing" names a wish, not a fault; "it would be nice if it actually
    # worked" wishes a fault away
    rest = _SUGGESTION.sub(" ", " ".join(sentences))
    return not reports_problem(rest) and not is_unmet_expectation(text)


def routine_reading(text: str, prediction: Prediction) -> Prediction:
    """``prediction`` of ``text`` with a misread routine request undone: when it is read as
    negative, its negative and neutral probabilities swap, so it reads as neutral with the
    same confidence; so does a suggestion read as negative ("Would be 10 if the mobile app
    worked offline." −0.65, "Only thing missing is a dark mode." −0.68). A positive reading
    of one stays: the public sets label wishes in warm words positive ("would be cool if
    …", "Would love it if …"), and turning them neutral cost four rows. A follow-up and
    nothing else read as positive ("Hi, just following up on my previous email. Thanks!":
    +0.90 with ``model.v1``, the thanks) swaps its positive and neutral probabilities: a
    customer chasing is not a happy one. Anything else is returned as is.

    >>> p = Prediction(probs=(0.8, 0.15, 0.05), score=-0.75, emotions={})
    >>> routine_reading("Can we bump our demo to Thursday?", p).probs
    (0.15, 0.8, 0.05)
    >>> p = Prediction(probs=(0.01, 0.08, 0.91), score=0.9, emotions={})
    >>> routine_reading("Just following up on my last email. Thanks!", p).probs
    (0.01, 0.91, 0.08)
    """
    if prediction.reads("positive") and _CHASER.match(text.strip().lower()):
        return prediction.swapped("positive", "neutral")
    if not prediction.reads("negative") or not (is_routine(text) or is_suggestion(text)):
        return prediction
    return prediction.swapped("negative", "neutral")
