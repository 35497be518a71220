"""Support escalation: tone worsening across tickets and within a thread, and
follow-ups ("still waiting", "any update?") nobody answered.

- **across tickets**: the customer's mean score per ticket, tickets in order of
  opening; escalating when the last ``consecutive_tickets`` tickets each score at least
  ``min_step`` below the one before and the last is negative.
- **within a thread**: the customer's last message scores ``thread_drop`` or more
  below their first, and is negative; a raised ticket priority is noted with it.
- **unanswered follow-ups**: an inbound follow-up with no reply from us in the same
  ticket or thread for ``followup_days``.
- **major**: escalating across tickets, or a worsening thread, ending at or below
  ``major_score`` — what the alert tiers call a major support escalation.
"""

from __future__ import annotations

__all__ = ["EscalationSignal", "escalation_signal"]

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

from crmsense.signals.config import EscalationConfig
from crmsense.signals.data import DAY, AccountData, MessageRow, iso

PRIORITY_RANK = {"low": 0, "normal": 1, "medium": 1, "high": 2, "urgent": 3, "critical": 3}


@dataclass(frozen=True, slots=True)
class TicketTone:
    ticket: str
    opened: str
    score: float


@dataclass(frozen=True, slots=True)
class WorseningThread:
    thread: str
    first: float
    last: float
    priority_raised: bool
    messages: list[str]


@dataclass(frozen=True, slots=True)
class Unanswered:
    id: str
    thread: str
    since: str
    days: float


@dataclass(frozen=True, slots=True)
class EscalationSignal:
    escalating: bool
    major: bool
    tickets: list[TicketTone] = field(default_factory=list)
    worsening_threads: list[WorseningThread] = field(default_factory=list)
    unanswered: list[Unanswered] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


def _mean(rows: list[MessageRow]) -> float:
    total = sum(r.confidence for r in rows)
    return sum(r.confidence * (r.score or 0.0) for r in rows) / total


def _worsening(
    thread: str, rows: list[MessageRow], cfg: EscalationConfig
) -> WorseningThread | None:
    scored = [r for r in rows if r.counts]
    if len(scored) < 2:
        return None
    first, last = scored[0].score or 0.0, scored[-1].score or 0.0
    if first - last < cfg.thread_drop or last >= 0:
        return None
    ranks = [PRIORITY_RANK[p] for r in rows if (p := (r.priority or "").lower()) in PRIORITY_RANK]
    raised = len(ranks) >= 2 and ranks[-1] > ranks[0]
    return WorseningThread(thread, round(first, 3), round(last, 3), raised, [r.id for r in scored])


def _unanswered(
    messages: list[MessageRow], as_of: float, cfg: EscalationConfig
) -> list[Unanswered]:
    last_reply: dict[str, float] = {}
    for m in messages:
        if not m.inbound and m.conversational:
            last_reply[m.thread_key] = m.t
    out = []
    for m in messages:
        if not (m.inbound and m.followup and m.conversational):
            continue
        waiting = (as_of - m.t) / DAY
        if last_reply.get(m.thread_key, float("-inf")) <= m.t and waiting >= cfg.followup_days:
            out.append(Unanswered(m.id, m.thread_key, iso(m.t), round(waiting, 1)))
    return out


def escalation_signal(data: AccountData, as_of: float, cfg: EscalationConfig) -> EscalationSignal:
    """Escalation across tickets and threads in the window before ``as_of``."""
    start = as_of - cfg.window_days * DAY
    window = [m for m in data.messages if start < m.t <= as_of and m.conversational]
    threads: dict[str, list[MessageRow]] = defaultdict(list)
    for m in window:
        if m.inbound and (m.ticket or m.thread):
            threads[m.thread_key].append(m)
    tickets = [
        TicketTone(key, iso(rows[0].t), round(_mean(scored), 3))
        for key, rows in threads.items()
        if (scored := [r for r in rows if r.counts])
        and any(r.ticket or r.channel == "ticket" for r in rows)
    ]  # threads are in order of their first message, so tickets are in order of opening
    run = [k.score for k in tickets[-cfg.consecutive_tickets :]]
    escalating = (
        len(run) == cfg.consecutive_tickets
        and all(b <= a - cfg.min_step for a, b in pairwise(run))
        and run[-1] < 0
    )
    worsening = [w for key, rows in threads.items() if (w := _worsening(key, rows, cfg))]
    unanswered = _unanswered(window, as_of, cfg)
    major = (escalating and run[-1] <= cfg.major_score) or any(
        w.last <= cfg.major_score for w in worsening
    )
    evidence: list[str] = []
    if escalating:
        for k in tickets[-cfg.consecutive_tickets :]:
            evidence += [m.id for m in threads[k.ticket] if m.counts][-2:]
    for w in worsening:
        evidence += w.messages[-2:]
    evidence += [u.id for u in unanswered]
    return EscalationSignal(
        escalating=escalating,
        major=major,
        tickets=tickets[-6:],
        worsening_threads=worsening,
        unanswered=unanswered,
        evidence=list(dict.fromkeys(evidence)),
    )
