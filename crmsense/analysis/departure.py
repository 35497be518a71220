"""Departures: a contact on the customer's side leaving their company or role.

"Sarah, who championed this project internally, is leaving the company at the end of
the month." is the sentence an account executive most needs to hear about a deal or a
renewal: the person who argued for you will not be there to argue again. Nothing in it
sounds unhappy, so no engine raises it. The analyzer reports such a sentence as a
``contact_leaving`` risk (:class:`~crmsense.analysis.types.RiskMention`), quoted, which
the ``contact_leaving`` alert rule turns into a task for the account's owners; it does
not change the message's reading.

A departure, said of oneself or of someone else:

- leaving, moving on from, retiring or resigning from, stepping down from *the company*
  (or the business, firm, organisation, team, "us", a capitalised name: "I'm leaving Acme
  at the end of the month"), or from one's role or position;
- a last day ("My last day is Friday.", "Tom's last day with us is the 30th");
- having left the company, resigned, retired, been let go or laid off ("Our champion Maria
  left the company last week", "he is no longer with the company"; not "the gate agent
  left us all in line");
- a new job taken ("I've accepted a position with another company", "I'm moving on to a
  new role").

Left alone: questions ("Is Sarah leaving the company?"), a departure denied or supposed
("I'm not leaving the company", "if it's true that he has retired"), leaving a place or
an event ("I'm leaving the office early", "she left the meeting", "I'm leaving London on
Friday": a capitalised name only counts with the company's words nearby — role,
position, job, successor, replacement, handover, last day), leaving a review or a
comment, and "we" (the customer leaving is :mod:`~crmsense.analysis.defection`'s).

>>> is_departure("Sarah, who championed this project, is leaving the company next month.")
True
>>> is_departure("I'm leaving Acme at the end of the month; my replacement is Tom.")
True
>>> is_departure("I'm leaving London on Friday, back Monday.")
False
>>> is_departure("Is Sarah leaving the company?")
False
"""

from __future__ import annotations

__all__ = ["departure_span", "is_departure"]

import re

from crmsense.analysis.sentences import preceding, split_sentences
from crmsense.text.patterns import APOSTROPHE as _A

_AUX = rf"(?i:\b(?:am|is|(?<![Ww]e )are|(?<![Ww]e )will be)|{_A}(?:s|m)|(?<![Ww]e){_A}(?:re|ll be))"
"""The auxiliary of "I'm leaving", "Sarah, who …, is leaving": the subject may be anyone
but "we" (a customer leaving is :mod:`~crmsense.analysis.defection`'s)."""
_ORGANISATION = (
    r"(?i:the (?:company|business|firm|organi[sz]ation|team|group)\b|our (?:company|team"
    r"|organi[sz]ation|business)\b|(?:my|his|her|their) (?:role|position|job|post)\b)"
)
_NAMED = (
    r"(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Today|Tomorrow)\b)"
    r"[A-Z][\w&.'’-]+"
)
"""A capitalised name after the verb: a company only when the company's words are near."""
_LEAVE = (
    r"(?i:leaving|departing|moving on from|retiring from|resigning from|stepping down from"
    r"|quitting)"
)
_DEPARTURE = re.compile(
    "|".join(
        f"(?:{p})"
        for p in (
            rf"{_AUX}\s+(?:(?i:just|now|also|sadly|unfortunately|officially|actually) )?"
            rf"{_LEAVE}\s+(?:{_ORGANISATION}|(?P<named>{_NAMED}))",
            # no longer with …: "Dana is no longer with the company"
            rf"{_AUX}\s+(?i:no longer (?:with|at|working (?:at|for|with)))\s+"
            rf"(?:{_ORGANISATION}|(?i:us)\b|(?P<named2>{_NAMED}))",
            # a last day
            rf"(?i:\b(?:my|his|her|their)|\b[A-Z]\w+{_A}s) (?i:last day (?:is|will be|at|with"
            r"|here|in the office)\b)",
            # having left: "Maria left the company last week", "our VP has resigned"
            r"(?i:\b(?:has|have|had|just)?\s*(?:left|resigned|retired|departed|moved on)\s+"
            r"the (?:company|business|firm|organi[sz]ation)\b)",
            r"(?i:\b(?:has|have) (?:resigned|retired|been (?:let go|laid off|made redundant)))\b",
            r"(?i:\bwas (?:let go|laid off|made redundant))\b",
            # a new job taken
            r"(?i:\b(?:i|(?:s)?he|they)(?:(?:'|’)ve| have| has)? accepted (?:a|an) (?:new )?"
            r"(?:position|role|job)\b)",
            r"(?i:\bmoving on to (?:a|an) (?:new )?(?:role|position|job|opportunity|challenge)\b)",
            r"(?i:\bstepping down (?:as\b|from (?:my|his|her|their|the) (?:role|position|post"
            r"|job|board)\b))",
        )
    )
)
_COMPANY_WORDS = re.compile(
    r"(?i:\b(?:role|position|job|successor|replacement|replacing|handover|hand over|handing"
    r" over|take over|taking over|last day|notice|new opportunit(?:y|ies)|colleague|point of "
    r"contact|account)\b)"
)
_DENIED = re.compile(
    rf"(?i:(?:\bnot|n{_A}t|\bnever|\bno plans? to|\brumou?rs?\b[^.!?]{{0,40}})\W*"
    r"(?:\w+\W+){0,2}$|\b(?:if|whether|unless)\b)"
)
"""A departure denied, rumoured or supposed: "I'm not leaving the company", "if it's true
that he has retired"."""
_WINDOW = 50


def departure_span(text: str) -> tuple[int, int] | None:
    """Where in ``text`` a sentence that asks nothing says a contact is leaving; None if
    nowhere."""
    if not _DEPARTURE.search(text):  # most texts: no need to split
        return None
    for sentence in split_sentences(text):
        said = sentence.text
        if "?" in said:
            continue
        for match in _DEPARTURE.finditer(said):
            if _DENIED.search(preceding(said, match, _WINDOW)):
                continue
            named = match.group("named") or match.group("named2")
            if named and not _COMPANY_WORDS.search(said):
                continue  # "I'm leaving London on Friday"
            return sentence.start + match.start(), sentence.start + match.end()
    return None


def is_departure(text: str) -> bool:
    """Whether a sentence of ``text`` says a contact is leaving their company or role."""
    return departure_span(text) is not None
