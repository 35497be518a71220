"""What alert rules read: one account's facts at one moment, built from the database.

:func:`build_facts` reads, for a set of accounts and an as-of time, in a few set-based
queries (never one query per account):

* the account: owners, ARR, segment, and whether it is **high-value** (ARR at or above
  the playbook's ``high_value_arr``, or a segment listed in ``high_value_segments``);
* its customers' **messages** within the playbook's look-back — only inbound messages
  whose analysis is scored and conversational: transactional mail, auto-replies and
  unscored text are not even loaded, so no rule can fire on them;
* **survey responses** (NPS, CSAT, CES) with the verbatim and its sentiment;
* the latest and previous **health snapshot** written by ``crmsense run`` (score, band,
  trend, outreach policy, escalation) and each open deal's latest **risk**, with when
  the current band, trend and risk level began;
* excerpts of every message those signals cite as evidence.

:func:`touched_accounts` finds what changed since the last evaluation, so ``crmsense
run`` only re-reads those accounts.
"""

from __future__ import annotations

__all__ = [
    "AccountFacts",
    "DealFacts",
    "HealthFacts",
    "MessageFact",
    "Ref",
    "SurveyFact",
    "build_facts",
    "excerpt",
    "touched_accounts",
    "watermarks",
]

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Connection, Row, Table, and_, func, inspect, select, union

from crmsense.store import models as m
from crmsense.store.models import table_of as _t
from crmsense.store.queries import id_marks, touched_account_selects
from crmsense.store.types import to_utc

if TYPE_CHECKING:
    from crmsense.alerts.config import Playbook

EXCERPT_CHARS = 200


def excerpt(text: str | None, limit: int = EXCERPT_CHARS) -> str:
    """The first ``limit`` characters of ``text`` on one line, cut at a word.

    >>> excerpt("Still   waiting\\non the fix. " * 3, 30)
    'Still waiting on the fix.…'
    """
    flat = " ".join((text or "").split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"


@dataclass(frozen=True, slots=True)
class Ref:
    """A message, survey answer or call cited as evidence: when, and what it said."""

    id: str
    t: datetime
    excerpt: str
    kind: str = "message"


@dataclass(frozen=True, slots=True)
class MessageFact:
    """An inbound, analysed, scored, conversational message."""

    id: str
    t: datetime
    channel: str
    label: str
    score: float
    confidence: float
    excerpt: str
    contact: str | None = None
    role: str | None = None
    deal: str | None = None
    thread: str | None = None
    risks: tuple[tuple[str, str], ...] = ()
    """``(kind, sentence)`` of each sentence that says the customer is leaving or threatens
    (the analysis's ``risks``)."""

    def ref(self) -> Ref:
        return Ref(self.id, self.t, self.excerpt)


@dataclass(frozen=True, slots=True)
class CallFact:
    """An analysed call, with the customer side's risky sentences (the analysis's
    ``risks``: ``(kind, sentence)``)."""

    id: str
    t: datetime
    title: str
    risks: tuple[tuple[str, str], ...] = ()

    def ref(self) -> Ref:
        return Ref(self.id, self.t, excerpt(self.title), "call")


@dataclass(frozen=True, slots=True)
class SurveyFact:
    """One survey answer; ``verbatim_score`` is the comment's sentiment when analysed."""

    id: str
    t: datetime
    kind: str
    score: float
    comment: str = ""
    respondent: str | None = None
    verbatim_label: str | None = None
    verbatim_score: float | None = None
    verbatim_confidence: float = 0.0
    risks: tuple[tuple[str, str], ...] = ()
    """``(kind, sentence)`` of the comment's risky sentences (the analysis's ``risks``)."""

    def ref(self) -> Ref:
        return Ref(self.id, self.t, self.comment or f"{self.kind.upper()} {self.score:g}", "survey")


@dataclass(frozen=True, slots=True)
class HealthFacts:
    """The latest health snapshot, with when its band and trend began; ``inputs``: how many
    score components had data (the rest were missing and re-weighted)."""

    at: datetime
    score: float | None
    band: str | None
    trend: str
    slope: float | None
    policy: str
    policy_reason: str
    band_since: datetime
    trend_since: datetime
    previous_band: str | None = None
    inputs: int = 0
    escalating: bool = False
    major_escalation: bool = False
    escalation_evidence: tuple[str, ...] = ()
    unanswered: tuple[tuple[str, datetime], ...] = ()
    trend_evidence: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DealFacts:
    """An open deal and its latest risk; ``signals``: (name, detail, evidence ids)."""

    key: int
    id: str
    name: str | None
    owner: str | None
    stage: str | None
    risk_score: float | None = None
    risk_level: str | None = None
    level_since: datetime | None = None
    signals: tuple[tuple[str, str, tuple[str, ...]], ...] = ()


@dataclass(slots=True)
class AccountFacts:
    """Everything the rules know about one account (and, for deal rules, one deal)."""

    key: int
    id: str
    name: str
    arr: float | None = None
    segment: str | None = None
    owners: dict[str, str] = field(default_factory=dict)
    high_value: bool = False
    messages: list[MessageFact] = field(default_factory=list)
    surveys: list[SurveyFact] = field(default_factory=list)
    calls: list[CallFact] = field(default_factory=list)
    health: HealthFacts | None = None
    deals: list[DealFacts] = field(default_factory=list)
    refs: dict[str, Ref] = field(default_factory=dict)
    deal: DealFacts | None = None

    def for_deal(self, deal: DealFacts) -> AccountFacts:
        """The same facts, scoped to one deal (what deal rules evaluate)."""
        return dataclasses.replace(self, deal=deal)

    def cite(self, ids: Iterable[str]) -> list[Ref]:
        """References for message ids, in time order; unknown ids are skipped."""
        return sorted((self.refs[i] for i in dict.fromkeys(ids) if i in self.refs),
                      key=lambda r: r.t)  # fmt: skip


# -- loading ---------------------------------------------------------------------------


def _chunks(keys: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


def _accounts(conn: Connection, keys: Sequence[int], playbook: Playbook) -> dict[int, AccountFacts]:
    acc = _t(m.Account)
    settings = playbook.settings
    segments = {s.lower() for s in settings.high_value_segments}
    out: dict[int, AccountFacts] = {}
    rows = conn.execute(
        select(acc.c.id, acc.c.external_id, acc.c.name, acc.c.arr, acc.c.segment, acc.c.owners)
        .where(acc.c.id.in_(keys))
    )  # fmt: skip
    for key, ext, name, arr, segment, owners in rows:
        high = (settings.high_value_arr is not None and (arr or 0) >= settings.high_value_arr) or (
            (segment or "").strip().lower() in segments
        )
        owners = {k: v for k, v in (owners or {}).items() if isinstance(v, str) and v}
        out[key] = AccountFacts(key, ext, name, arr, segment, owners, high)
    return out


def _first_reads(rows: Iterable[Row[Any]]) -> Iterator[Row[Any]]:
    """The rows whose subject — (account id, external id), the first two columns — is new:
    a subject analysed by several engines is read once, by the first the query orders."""
    seen: set[tuple[Any, Any]] = set()
    for row in rows:
        if (row[0], row[1]) not in seen:
            seen.add((row[0], row[1]))
            yield row


def _risks(stored: list[dict[str, Any]] | None) -> tuple[tuple[str, str], ...]:
    """``(kind, sentence)`` pairs of a stored analysis's ``risks`` (None before it had any)."""
    return tuple((r["kind"], r["text"]) for r in stored or ())


def _current(
    ana: Table, subject_type: str, subject: Table, engine: str | None
) -> ColumnElement[bool]:
    """The join condition of ``subject``'s scored analyses of its current text (by
    ``engine`` when given)."""
    return and_(
        ana.c.subject_type == subject_type, ana.c.subject_id == subject.c.id,
        ana.c.text_hash == subject.c.text_hash, ana.c.unscored.is_(None),
        *([ana.c.engine == engine] if engine else []),
    )  # fmt: skip


def _messages(
    conn: Connection, facts: dict[int, AccountFacts], since: datetime, as_of: datetime,
    engine: str | None, thread: str | None,
) -> None:  # fmt: skip
    msg, ana, con, deal = _t(m.Message), _t(m.Analysis), _t(m.Contact), _t(m.Deal)
    scored = and_(
        _current(ana, "message", msg, engine), ana.c.kind == "conversational",
        ana.c.label.isnot(None),
    )  # fmt: skip
    query = (
        select(
            msg.c.account_id, msg.c.external_id, msg.c.timestamp, msg.c.channel, ana.c.label,
            ana.c.score, ana.c.confidence, func.substr(msg.c.text, 1, 4 * EXCERPT_CHARS),
            con.c.external_id, con.c.role, deal.c.external_id, msg.c.thread_id,
            msg.c.ticket_id, ana.c.payload["risks"],
        )
        .join(ana, scored)
        .outerjoin(con, con.c.id == msg.c.contact_id)
        .outerjoin(deal, deal.c.id == msg.c.deal_id)
        .where(
            msg.c.account_id.in_(list(facts)), msg.c.timestamp > since,
            msg.c.timestamp <= as_of, msg.c.direction == "inbound", msg.c.auto_reply.is_(False),
            *([msg.c.thread_id == thread] if thread is not None else []),
        )
        .order_by(msg.c.account_id, msg.c.timestamp, msg.c.id, ana.c.created_at)
    )  # fmt: skip
    for row in _first_reads(conn.execute(query)):
        account, ext = row[0], row[1]
        fact = MessageFact(
            id=ext, t=row[2], channel=row[3], label=row[4], score=row[5] or 0.0,
            confidence=row[6] or 0.0, excerpt=excerpt(row[7]), contact=row[8],
            role=(row[9] or "").strip().lower() or None, deal=row[10],
            thread=row[11] or row[12],
            risks=_risks(row[13]),
        )  # fmt: skip
        facts[account].messages.append(fact)
        facts[account].refs[ext] = fact.ref()


def _surveys(
    conn: Connection, facts: dict[int, AccountFacts], since: datetime, as_of: datetime,
    engine: str | None,
) -> None:  # fmt: skip
    sur, ana, con = _t(m.Survey), _t(m.Analysis), _t(m.Contact)
    verbatim = _current(ana, "survey", sur, engine)
    query = (
        select(
            sur.c.account_id, sur.c.external_id, sur.c.timestamp, sur.c.kind, sur.c.score,
            sur.c.comment, con.c.external_id, sur.c.respondent_email, ana.c.label, ana.c.score,
            ana.c.confidence, ana.c.payload["risks"],
        )
        .outerjoin(ana, verbatim)
        .outerjoin(con, con.c.id == sur.c.contact_id)
        .where(sur.c.account_id.in_(list(facts)), sur.c.timestamp > since,
               sur.c.timestamp <= as_of)
        .order_by(sur.c.account_id, sur.c.timestamp, sur.c.id)
    )  # fmt: skip
    for row in _first_reads(conn.execute(query)):
        account, ext = row[0], row[1]
        fact = SurveyFact(
            id=ext, t=row[2], kind=row[3], score=row[4], comment=excerpt(row[5]),
            respondent=row[6] or row[7], verbatim_label=row[8], verbatim_score=row[9],
            verbatim_confidence=row[10] or 0.0, risks=_risks(row[11]),
        )  # fmt: skip
        facts[account].surveys.append(fact)
        facts[account].refs[ext] = fact.ref()


def _calls(
    conn: Connection, facts: dict[int, AccountFacts], since: datetime, as_of: datetime,
    engine: str | None,
) -> None:  # fmt: skip
    """Analysed calls in the window (only their risks are read so far)."""
    call, ana = _t(m.Call), _t(m.Analysis)
    query = (
        select(call.c.account_id, call.c.external_id, call.c.timestamp, call.c.title,
               ana.c.payload["risks"])
        .join(ana, _current(ana, "call", call, engine))
        .where(call.c.account_id.in_(list(facts)), call.c.timestamp > since,
               call.c.timestamp <= as_of)
        .order_by(call.c.account_id, call.c.timestamp, call.c.id, ana.c.created_at)
    )  # fmt: skip
    for account, ext, t, title, risks in _first_reads(conn.execute(query)):
        fact = CallFact(ext, t, title or "call", _risks(risks))
        facts[account].calls.append(fact)
        facts[account].refs.setdefault(ext, fact.ref())


def build_facts(
    conn: Connection, keys: Sequence[int], as_of: datetime, playbook: Playbook, *,
    thread: str | None = None,
) -> list[AccountFacts]:  # fmt: skip
    """Facts for the accounts ``keys`` (database ids) as of ``as_of``.

    ``thread`` limits messages to one conversation (the real-time chat path).
    """
    as_of = to_utc(as_of)
    since = as_of - playbook.lookback
    engine = playbook.settings.engine
    out: list[AccountFacts] = []
    for chunk in _chunks(sorted(set(keys))):
        facts = _accounts(conn, chunk, playbook)
        if not facts:
            continue
        _messages(conn, facts, since, as_of, engine, thread)
        _surveys(conn, facts, since, as_of, engine)
        _calls(conn, facts, since, as_of, engine)
        _signals(conn, facts, as_of)
        out.extend(facts[k] for k in sorted(facts))
    return out


# -- signals ---------------------------------------------------------------------------


def _signals(conn: Connection, facts: dict[int, AccountFacts], as_of: datetime) -> None:
    """Health snapshots and deal risks (``crmsense run``); nothing when not computed yet."""
    from crmsense.alerts import signalfacts

    signalfacts.load(conn, facts, as_of)


# -- what changed ----------------------------------------------------------------------

#: Tables whose new rows (by id) mark their account as touched.
_MARKED: dict[str, type[m.Base]] = {
    "messages": m.Message, "surveys": m.Survey, "deals": m.Deal, "calls": m.Call,
}  # fmt: skip


def watermarks(conn: Connection) -> dict[str, int]:
    """The highest row id of every table whose new rows touch an account."""
    return id_marks(conn, {**_MARKED, "accounts": m.Account})


def touched_accounts(
    conn: Connection, marks: dict[str, Any], since: datetime, previous_as_of: datetime,
    as_of: datetime, followup_wait: timedelta,
) -> set[int]:  # fmt: skip
    """Accounts touched since the last evaluation: what
    :func:`~crmsense.store.queries.touched_account_selects` finds (new rows after ``marks``,
    edited accounts, contacts and deals, analyses written since ``since``), signal snapshots
    written since ``since`` (wall-clock), and follow-ups that have gone unanswered for
    ``followup_wait`` between ``previous_as_of`` and ``as_of``."""
    from crmsense.alerts import signalfacts

    msg = _t(m.Message)
    parts: list[Any] = touched_account_selects(
        marks,
        since,
        marked=_MARKED,
        analysed={"message": m.Message, "survey": m.Survey, "call": m.Call},
    )
    present = set(inspect(conn).get_table_names())
    for name, table in signalfacts.tables().items():
        if name in present:
            parts.append(select(table.c.account_id).where(table.c.computed_at >= since))
    parts.append(
        select(msg.c.account_id).where(
            msg.c.direction == "inbound", msg.c.timestamp > previous_as_of - followup_wait,
            msg.c.timestamp <= as_of - followup_wait,
        )
    )  # fmt: skip
    return {row[0] for row in conn.execute(union(*parts))}
