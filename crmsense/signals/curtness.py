"""E-mail curtness and disengagement, measured against each contact's own baseline.

For every contact, their conversational e-mail replies of the last ``recent_days``
are compared with their replies in the ``baseline_days`` before that:

- **shorter replies**: recent median length below ``length_ratio`` × the baseline's;
- **fewer positive markers**: mean positive-language strength down by ``positive_drop``;
- **slower replies**: median response time (from our message to their reply in the same
  thread) up by ``latency_ratio`` or more.

A terse contact who was always terse is not curt: only a change counts.

>>> from crmsense.signals.data import MessageRow
>>> early = [MessageRow(f"e{i}", i * 86400.0, length=400, positive=0.6) for i in range(4)]
>>> late = [MessageRow(f"l{i}", (40 + i) * 86400.0, length=90, positive=0.1) for i in range(3)]
>>> s = reply_shift(early, late, {})
>>> s.fired
['shorter_replies', 'positive_decline']
"""

from __future__ import annotations

__all__ = [
    "ContactCurtness",
    "CurtnessSignal",
    "ReplyShift",
    "curtness_signal",
    "latencies",
    "reply_shift",
]

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import median

from crmsense.signals.config import CurtnessConfig
from crmsense.signals.data import DAY, AccountData, MessageRow

INDICATORS = ("shorter_replies", "positive_decline", "slower_replies")


@dataclass(frozen=True, slots=True)
class ReplyShift:
    """How replies changed from a baseline to a recent set (None where not measurable)."""

    length_ratio: float | None
    positive_drop: float | None
    latency_ratio: float | None
    fired: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ContactCurtness:
    contact: str
    baseline: int
    recent: int
    shift: ReplyShift
    evidence: list[str]


@dataclass(frozen=True, slots=True)
class CurtnessSignal:
    """``strength``: the share of indicators fired for the most-changed contact (0–1)."""

    strength: float
    contacts: list[ContactCurtness] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


def latencies(messages: list[MessageRow]) -> dict[str, float]:
    """Message id → days between our last message in its thread and this reply to it
    (conversational messages only: receipts and auto-replies neither ask nor answer)."""
    last_out: dict[str, float] = {}
    out: dict[str, float] = {}
    for m in messages:
        if not m.conversational:
            continue
        key = m.thread_key
        if not m.inbound:
            last_out[key] = m.t
        elif key in last_out:
            out[m.id] = (m.t - last_out.pop(key)) / DAY
    return out


def reply_shift(
    baseline: list[MessageRow],
    recent: list[MessageRow],
    latency: dict[str, float],
    *,
    length_ratio: float = 0.5,
    positive_drop: float = 0.2,
    latency_ratio: float = 2.0,
) -> ReplyShift:
    """Compare ``recent`` replies with ``baseline`` ones (lengths, positivity, latency)."""
    fired = []
    base_len = median(r.length for r in baseline)
    ratio = median(r.length for r in recent) / base_len if base_len > 0 else None
    if ratio is not None and ratio < length_ratio:
        fired.append("shorter_replies")
    base_pos = [r.positive for r in baseline if r.positive is not None]
    rec_pos = [r.positive for r in recent if r.positive is not None]
    drop = (
        sum(base_pos) / len(base_pos) - sum(rec_pos) / len(rec_pos)
        if base_pos and rec_pos
        else None
    )
    if drop is not None and drop >= positive_drop:
        fired.append("positive_decline")
    base_lat = [latency[r.id] for r in baseline if r.id in latency]
    rec_lat = [latency[r.id] for r in recent if r.id in latency]
    lat = None
    if base_lat and rec_lat:
        lat = median(rec_lat) / max(median(base_lat), 1 / 24)
        if lat >= latency_ratio:
            fired.append("slower_replies")
    return ReplyShift(
        length_ratio=None if ratio is None else round(ratio, 3),
        positive_drop=None if drop is None else round(drop, 3),
        latency_ratio=None if lat is None else round(lat, 3),
        fired=fired,
    )


def curtness_signal(data: AccountData, as_of: float, cfg: CurtnessConfig) -> CurtnessSignal:
    """Per-contact changes in e-mail replies, recent window against the contact's baseline."""
    recent_start = as_of - cfg.recent_days * DAY
    base_start = recent_start - cfg.baseline_days * DAY
    history = [m for m in data.messages if base_start < m.t <= as_of]
    latency = latencies(history)
    by_contact: dict[str, list[MessageRow]] = defaultdict(list)
    for m in history:
        if m.inbound and m.conversational and m.channel == "email" and m.contact:
            by_contact[m.contact].append(m)
    contacts = []
    for contact, rows in sorted(by_contact.items()):
        baseline = [r for r in rows if r.t <= recent_start]
        recent = [r for r in rows if r.t > recent_start]
        if len(baseline) < cfg.min_baseline or len(recent) < cfg.min_recent:
            continue
        shift = reply_shift(
            baseline,
            recent,
            latency,
            length_ratio=cfg.length_ratio,
            positive_drop=cfg.positive_drop,
            latency_ratio=cfg.latency_ratio,
        )
        contacts.append(
            ContactCurtness(contact, len(baseline), len(recent), shift, [r.id for r in recent])
        )
    curt = [c for c in contacts if c.shift.fired]
    strength = max((len(c.shift.fired) / len(INDICATORS) for c in curt), default=0.0)
    return CurtnessSignal(
        strength=round(strength, 3),
        contacts=contacts,
        evidence=[i for c in curt for i in c.evidence][:10],
    )
