"""What signals are computed from: plain rows of one account's history.

Times are POSIX seconds (floats), ids are the external ids people see. The database
loader (:mod:`crmsense.signals.load`) builds these from stored rows in set-based reads;
tests build them directly. Every signal is a pure function of these rows and an as-of
time, so "as of last March" is the same computation with a different ``as_of``.
"""

from __future__ import annotations

__all__ = [
    "DAY",
    "AccountData",
    "ActivityRow",
    "CallRow",
    "DealRow",
    "MessageRow",
    "SurveyRow",
    "UsageRow",
    "iso",
]

from dataclasses import dataclass, field
from datetime import UTC, datetime

DAY = 86_400.0


def iso(t: float) -> str:
    """POSIX seconds as an ISO 8601 UTC string.

    >>> iso(0.0)
    '1970-01-01T00:00:00Z'
    """
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class MessageRow:
    """One stored message with the parts of its analysis that signals read.

    ``score`` is None unless the message was analysed and scored. ``kind`` is the
    analysis kind (None when not analysed); ``positive`` is the strength of positive
    language (satisfaction/enthusiasm), ``urgency`` that of urgency language.
    """

    id: str
    t: float
    channel: str = "email"
    inbound: bool = True
    contact: str | None = None
    deal: str | None = None
    thread: str | None = None
    ticket: str | None = None
    priority: str | None = None
    length: int = 0
    followup: bool = False
    auto_reply: bool = False
    kind: str | None = "conversational"
    score: float | None = None
    confidence: float = 1.0
    positive: float | None = None
    urgency: float | None = None
    intent: str | None = None
    competitors: tuple[str, ...] = ()
    departure: bool = False
    """The message says a contact is leaving their company (its analysis's
    ``contact_leaving`` risk)."""

    @property
    def counts(self) -> bool:
        """A scored, conversational customer message: the only kind that drives sentiment."""
        return (
            self.inbound
            and self.score is not None
            and self.kind == "conversational"
            and not self.auto_reply
        )

    @property
    def conversational(self) -> bool:
        """Written by a person to a person (analysed or not): not transactional, no auto-reply."""
        return not self.auto_reply and self.kind in (None, "conversational")

    @property
    def thread_key(self) -> str:
        """The conversation this message belongs to: ticket, thread, else the contact."""
        return self.ticket or self.thread or f"contact:{self.contact or '-'}"


@dataclass(frozen=True, slots=True)
class CallRow:
    """One call: the customer side's sentiment and whether an objection stayed open."""

    id: str
    t: float
    deal: str | None = None
    contact: str | None = None
    score: float | None = None
    confidence: float = 1.0
    objection_raised: bool = False
    objection_resolved: bool | None = None
    competitors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SurveyRow:
    """One NPS/CSAT/CES response; ``respondent`` is the contact id or e-mail."""

    id: str
    t: float
    kind: str
    score: float
    respondent: str | None = None
    verbatim: float | None = None


@dataclass(frozen=True, slots=True)
class UsageRow:
    t: float
    active: int
    licensed: int | None = None


@dataclass(frozen=True, slots=True)
class ActivityRow:
    t: float
    kind: str


@dataclass(frozen=True, slots=True)
class DealRow:
    """An open or closed deal; ``key`` is its row id (0 when not stored)."""

    id: str
    name: str | None = None
    stage: str | None = None
    stage_index: int | None = None
    stage_count: int | None = None
    status: str = "open"
    owner: str | None = None
    amount: float | None = None
    key: int = 0


@dataclass(slots=True)
class AccountData:
    """One account's history, each list in time order."""

    key: int
    id: str
    name: str = ""
    segment: str | None = None
    arr: float | None = None
    parent: int | None = None
    messages: list[MessageRow] = field(default_factory=list)
    calls: list[CallRow] = field(default_factory=list)
    surveys: list[SurveyRow] = field(default_factory=list)
    usage: list[UsageRow] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    deals: list[DealRow] = field(default_factory=list)
