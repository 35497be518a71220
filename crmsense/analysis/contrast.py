"""Contrast: praise or thanks first, the complaint after "but" ("Thanks, but it's still down.").

Customers soften complaints: "Thanks for the update, but we're still unable to log in."
"Appreciate the quick reply, but the same error came back this morning." ``model.v1``
reads both as positive (+0.32, +0.14): the thanks are the loudest words, and the network
weighs them against the complaint instead of reading the complaint as the point. The
rule engine weights the clause after "but" itself; for the other engines the analyzer
reads that clause on its own and lets it decide (:func:`contrasted`).

A text has a *contrast clause* (:func:`contrast_clause`) when a contrast word ("but",
"however", "though", "although", "yet" after a comma, "except", "unfortunately",
"sadly", "that said", "nevertheless", "on the other hand"; or, since the eighth session,
a comma before the point named: "…, the problem is …", "…, it's your X that is …", and
since the ninth the end of a sentence before it: "… is fine. Our problem is …")
follows at least one word, at least three words follow the last one, and either that
clause names the point or reports a problem
(:func:`~crmsense.analysis.negation.reports_problem`:
"still", "can't", "slow", "failed", …) or the text opens with thanks or a courtesy
("Thanks,", "I appreciate …", "I understand you're busy", "no offence"). A positive
reading of the text gives way to its clause's reading when the clause reads negative at
least as strongly as the text reads positive, or however weakly when the clause reports a
problem (:func:`contrasted`): the text takes the
clause's probabilities, score and evidence, and keeps the stronger of each emotion.
"Thanks for the quick turnaround, but no need to rush the rest." stays positive (its
clause reads −0.17 against +0.81), and a neutral or negative reading is never touched.
The text may be a sentence or a short message read whole ("Thanks for the update.
However, we're still unable to log in."); either way its clause is read like any text.

Courtesies around a complaint (:func:`complaint_part`): an e-mail often wraps its
problem in greetings, thanks and a sign-off, with no contrast word at all ("Hi team, hope
you're well. We're still seeing the sync fail every night. Please advise. Thanks, Raj").
``model.v1`` reads such a message whole as positive (+0.57): the thanks are its loudest
words. When a message of several sentences has formalities (greetings, well-wishing,
thanks for a reply or a call, thanks in advance, a closing sign-off) and its other
sentences report a problem and, rolled up, read negative, the analyzer reads the message
from those sentences. Thanks for something done and a bare "Thanks!" are not formalities:
in the public sets they are sentiment.

>>> contrast_clause("Thanks for the update, but we're still unable to log in.")
Clause(start=27, text="we're still unable to log in.")
>>> contrast_clause("Great onboarding, but the reporting module keeps crashing.").text
'the reporting module keeps crashing.'
>>> contrast_clause("Great onboarding, but the reports are a little plain.") is None
True
>>> contrast_clause("Not only fast but also cheap.") is None
True
"""

from __future__ import annotations

__all__ = [
    "Clause", "complaint_part", "contrast_clause", "contrasted", "is_salutation",
    "relief_clause", "relieved", "verdict",
]  # fmt: skip

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import NamedTuple

from crmsense.analysis.aggregate import strongest
from crmsense.analysis.negation import reports_problem
from crmsense.analysis.routine import PLEASANTRY, without_greeting
from crmsense.analysis.types import Evidence, Prediction
from crmsense.text.patterns import APOSTROPHE as _A

_MARKER = re.compile(
    r"\b(?:but(?! (?:also|even)\b)|however|(?:al)?though|except(?: that)?|unfortunately"
    r"|sadly|(?:that|having said that|that being|with that) said|nonetheless|nevertheless"
    r"|on the other hand)\b[\s,]*|,\s*yet\b[\s,]*",
    re.IGNORECASE,
)
_POINT = re.compile(
    rf"(?:[,;:]\s*|[.!?]\s+)(?=(?:the|my|our) (?:only |real |main |biggest |big |one "
    rf"|actual )?(?:problem|issue|complaint|gripe|concern|frustration)s? (?:is|are|was|were"
    rf"|has been|lies)\b"
    r"(?! (?:on (?:our|my) (?:side|end)|ours|mine|(?:now |all )?(?:fixed|resolved|solved"
    r"|sorted|gone))\b)"
    rf"|it{_A}?s (?:your|the) (?:[\w-]+ ){{1,3}}that (?:is|are|was|were|has|have|keeps?)\b)",
    re.IGNORECASE,
)
"""The point named after a comma (eighth session) or in a sentence of its own (ninth): "The
product itself is fine, the problem is your support." read +0.50, "… is great, it's your
billing team that is a nightmare" +0.19, "The tool itself is fine. Our problem is that
nobody at your company seems to own our account." +0.32. The clause names its problem
itself, so it needs no problem word."""
_HINTS = (
    "but", "however", "yet", "though", "except", "unfortunately", "sadly", "said", "nonethe",
    "neverthe", "other hand", "problem", "issue", "complaint", "gripe", "concern",
    "frustration", " that ",
)  # fmt: skip
_COURTESY = re.compile(
    r"^\W*(?:(?:hi|hello|hey|dear)\b[^,.!]{0,30}[,.!]\s*)?"
    r"(?:(?:many |a (?:lot|million) |big )?thanks?\b|thank you\b|cheers\b|appreciated?\b"
    r"|(?:i|we)(?: really| do| truly| totally| fully| completely)? (?:appreciate|understand"
    r"|know|get|realise|realize|see)\b"
    rf"|(?:i{_A}m|we{_A}re|i am|we are) (?:sure|grateful|thankful)\b"
    r"|sorry to\b|(?:i|we) hate to\b|no offen[cs]e\b|with (?:all )?(?:due )?respect\b"
    rf"|(?:i|we) don{_A}?t mean to\b|not to (?:complain|nag|be a pain)\b)",
    re.IGNORECASE,
)
_THANKS = r"(?:many |big )?(?:thanks|thank you)"
_FORMALITY = re.compile(
    r"^(?:"  # nothing left once a greeting is taken off ("Hi Sam,")
    rf"|{PLEASANTRY}"
    rf"|(?P<signoff>(?:{_THANKS}|(?:kind |best |warm )?regards|best|cheers|sincerely"
    r"|best wishes|all the best),(?: [\w'’.-]+){1,3}\W*)"
    rf"|{_THANKS} in advance\b.*"
    rf"|{_THANKS} (?:again )?for (?:the|your) (?:quick |prompt |speedy |fast )?(?:update|call"
    r"|reply|response|e-?mail|message|note|info|information|heads[- ]up)(?: (?:yesterday|today"
    r"|earlier|this morning|on \w+))?\W*"
    rf"|{_THANKS} for getting back to (?:me|us)\W*"
    # thanks for someone's time (fifth session): "Thanks for jumping on the call."
    rf"|{_THANKS} (?:again )?for (?:jumping|hopping|getting) on (?:the|a|that) (?:quick )?call"
    r"(?: (?:yesterday|today|earlier|this morning|on \w+))?\W*"
    rf"|{_THANKS} (?:again )?for (?:your|the) time(?: (?:yesterday|today|earlier|this morning"
    r"|on \w+))?\W*"
    rf"|{_THANKS} (?:again )?for (?:taking the time to )?(?:meet|meeting|talk|speak|chat)"
    r"(?:ing)? (?:with (?:me|us) )?(?:yesterday|today|earlier|this morning|on \w+)\W*"
    r")\W*$"
)
"""A sentence that is only a formality, for lower-cased text without its greeting:
"Hope you're well.", "Thanks for the update.", "Thanks in advance.", "Best, Jo". Not
thanks for something done ("Thanks for fixing it so fast!"), which is sentiment."""
_RELIEF = re.compile(
    r"^\W*(?:(?:honestly|tbh|to be honest|i(?:'|’)ll be honest),?\s+)?(?:(?:i|we)\s+)?"
    r"(?:(?:was|were|had been|am|are)\s+)?(?:(?:so|really|pretty|very|a (?:bit|little)) )?"
    r"(?:dreading|worried|nervous|anxious|sceptical|skeptical|wary|doubtful|afraid"
    rf"|(?:can{_A}?t say (?:i|we)|(?:i|we) (?:didn{_A}?t|did not|don{_A}?t)) (?:really )?expect"
    r"(?:ed)? (?:much|a lot|great things|miracles)"
    r"|(?:fully |half )?expect(?:ed|ing) (?:the worst|a (?:battle|fight|nightmare|disaster|"
    r"headache))|hated? to (?:admit|say)"
    # a concession first (eighth session): "Not perfect, but I wouldn't go back to
    # spreadsheets for anything." read −0.83
    rf"|(?:it{_A}s |it is )?(?:not|far from) perfect|(?:it )?has (?:its|a few|some) (?:quirks"
    r"|flaws|rough edges|downsides)|(?:there (?:are|were) )?(?:a few|some) (?:rough edges|quirks"
    r"|hiccups|teething (?:problems|issues)))\b",
    re.IGNORECASE,
)
"""An opening worry or a grudging concession: "I was dreading the migration…", "Hate to
admit it…", "Not perfect, but …", "It has its quirks, but …"."""
_BUT = re.compile(r"\bbut\b[\s,]*", re.IGNORECASE)
_MIN_HEAD_WORDS = 1
_MIN_CLAUSE_WORDS = 3


class Clause(NamedTuple):
    """The part of a text after its last contrast word, and where it starts."""

    start: int
    text: str


def contrast_clause(text: str) -> Clause | None:
    """The clause after ``text``'s last contrast word, when it should decide the reading
    (see the module docstring); None otherwise."""
    lowered = text.lower()
    if not any(hint in lowered for hint in _HINTS):
        return None
    markers = [*_MARKER.finditer(text), *_POINT.finditer(text)]
    if not markers:
        return None
    last = max(markers, key=lambda m: m.start())
    head, clause = text[: last.start()], text[last.end() :].rstrip()
    if len(head.split()) < _MIN_HEAD_WORDS or len(clause.split()) < _MIN_CLAUSE_WORDS:
        return None
    named = last.re is _POINT
    if not (named or reports_problem(clause.lower()) or _COURTESY.search(head)):
        return None
    return Clause(last.end(), clause)


def contrasted(prediction: Prediction, clause: Clause, reading: Prediction) -> Prediction:
    """``prediction`` of a text given way to ``reading``, its contrast ``clause``'s, when
    the text reads positive and the clause negative at least as strongly, or however
    weakly when the clause reports a problem (since the ninth session: "Your support team
    is fantastic, but the reports still take ages to load." read +0.56, its clause −0.50,
    and had stayed positive); otherwise ``prediction`` as it is.

    >>> whole = Prediction((0.1, 0.2, 0.7), 0.6, {"satisfaction": 0.8})
    >>> part = Prediction((0.8, 0.15, 0.05), -0.75, {"frustration": 0.6})
    >>> p = contrasted(whole, Clause(22, "it's still down."), part)
    >>> p.probs, p.score, p.emotions["satisfaction"], p.emotions["frustration"]
    ((0.8, 0.15, 0.05), -0.75, 0.8, 0.6)
    """
    if not (
        prediction.reads("positive")
        and reading.reads("negative")
        and (-reading.score >= prediction.score or reports_problem(clause.text.lower()))
    ):
        return prediction
    return _given_way(prediction, clause, reading,
                      strongest([prediction.emotions, reading.emotions]))  # fmt: skip


def relief_clause(text: str) -> Clause | None:
    """The clause after the first "but" of a text that opens with a worry or a grudging
    concession ("I was dreading the data migration after our last vendor, but your team
    made the whole thing painless.", "Hate to admit it, but the new workflow has cut our
    month-end close by two days."): what the worry came to, which decides the reading
    (:func:`relieved`). None otherwise.

    >>> relief_clause("Hate to admit it, but the new approval flow saves us hours.").text
    'the new approval flow saves us hours.'
    >>> relief_clause("The migration was painful, but the team was helpful.") is None
    True
    """
    if not _RELIEF.match(text) or (but := _BUT.search(text)) is None:
        return None
    clause = text[but.end() :].rstrip()
    return Clause(but.end(), clause) if len(clause.split()) >= _MIN_CLAUSE_WORDS else None


def relieved(prediction: Prediction, clause: Clause, reading: Prediction) -> Prediction:
    """``prediction`` of a text with a :func:`relief_clause` given way to ``reading``, the
    clause's, when the text does not read positive and the clause does; otherwise
    ``prediction`` as it is. The worry is the loudest part of such a text ("I was
    dreading the data migration …, but your team made the whole thing completely
    painless." read −0.95), and what it came to is the point."""
    if prediction.reads("positive") or not reading.reads("positive"):
        return prediction
    return _given_way(prediction, clause, reading, reading.emotions)


def _given_way(
    prediction: Prediction, clause: Clause, reading: Prediction, emotions: dict[str, float]
) -> Prediction:
    """``prediction`` with the probabilities, score and evidence (moved to the text's
    offsets) of ``reading``, its ``clause``'s, and ``emotions``."""
    evidence = [Evidence(e.start + clause.start, e.end + clause.start, e.text, e.weight)
                for e in reading.evidence]  # fmt: skip
    return replace(prediction, probs=reading.probs, score=reading.score, emotions=emotions,
                   evidence=evidence)  # fmt: skip


def complaint_part(sentences: Sequence[str]) -> list[int] | None:
    """The indices of ``sentences`` that are not formalities, when some are (a sign-off
    only as the last sentence) and the others report a problem
    (:func:`~crmsense.analysis.negation.reports_problem`); None otherwise. Formalities are
    greetings, well-wishing, thanks for a reply or a call, thanks in advance and sign-offs
    ("Hi Sam,", "Hope you're well.", "Thanks for the update.", "Best, Jo"), not thanks for
    something done ("Thanks for fixing it so fast!"), which is sentiment. The caller reads
    the message from these sentences when they read negative.

    >>> complaint_part(["Hi team, hope you're well.", "The sync still fails.", "Thanks, Raj"])
    [1]
    >>> complaint_part(["Thanks for fixing the export!", "The import still fails."]) is None
    True
    """
    last = len(sentences) - 1
    rest = [i for i, sentence in enumerate(sentences) if not _formality(sentence, i == last)]
    if not 0 < len(rest) < len(sentences):
        return None
    if not reports_problem(" ".join(sentences[i] for i in rest).lower()):
        return None
    return rest


_SALUTATION = re.compile(
    rf"^(?:|{PLEASANTRY}|(?:(?:kind |best |warm )?regards|best|cheers|sincerely|best wishes"
    rf"|all the best|{_THANKS}|thanks again|thx|ta)(?:,(?: [\w'’.-]+){{0,3}})?)\W*$"
)


def is_salutation(sentence: str) -> bool:
    """Whether ``sentence`` only greets, wishes well or signs off ("Hi Jordan,", "Hope
    you're well.", "Best,", "Kind regards, Jo", "Thanks, Raj"): words that carry no
    feeling of the writer's, whatever the engine reads into them ("Best," read
    satisfaction 0.97).

    >>> is_salutation("Best,"), is_salutation("Hi Jordan,"), is_salutation("Thanks for fixing it!")
    (True, True, False)
    """
    return bool(_SALUTATION.match(without_greeting(sentence.lower())))


def _formality(sentence: str, last: bool) -> bool:
    """Whether ``sentence`` is a formality (a sign-off only when ``last``); emoji alone
    are not."""
    lowered = sentence.lower()
    found = _FORMALITY.match(without_greeting(lowered))
    return bool(
        found and (last or not found.group("signoff")) and any(c.isalpha() for c in lowered)
    )


_VERDICT = re.compile(
    r"^\W*(?:overall|all in all|all told|on the whole|on balance|in summary|to sum (?:it )?up"
    r"|in short|bottom line|net net|all things considered|taken together)\b[\s,:;-]*(?=\w)",
    re.IGNORECASE,
)
_MIN_VERDICT_WORDS = 2  # after the marker


def verdict(sentences: Sequence[str]) -> int | None:
    """The index of the last sentence that sums a message up ("Overall, about average.",
    "All in all, a solid release."), when it is not the first sentence and has at least two
    words after its marker; None otherwise. The writer's own summary decides the message:
    "Some parts are great, others need work. Overall about average." read +0.94 whole.

    >>> verdict(["Some parts are great, others need work.", "Overall about average."])
    1
    >>> verdict(["Overall the rollout went well.", "Support was slow though."]) is None
    True
    """
    for i in range(len(sentences) - 1, 0, -1):
        found = _VERDICT.match(sentences[i])
        if found and len(sentences[i][found.end() :].split()) >= _MIN_VERDICT_WORDS:
            return i
    return None
