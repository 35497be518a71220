"""Deal risk per open deal, from the prospect's side of the thread and the calls.

Each signal has a measured ``value`` and fires through a :class:`~crmsense.signals.config.Ramp`:
half its points at ``start``, all at ``full``. The risk score is the sum of the points
(capped at 100); ``low`` / ``medium`` / ``high`` by the configured thresholds. Signals:

- ``shorter_replies``: median length of the prospect's later replies / earlier ones
  (the replies split in two halves, at least ``min_messages``);
- ``positive_decline``: drop in positive-language markers from the early to the late half;
- ``urgency_missing``: late stage and 1 − the strongest urgency in the prospect's last
  ``recent_messages`` replies ("we'll need to think about it", not "when can we start?";
  a polite-disengagement reply counts as no urgency at all);
- ``competitor_mentions``: competitor mentions in the late half minus the early half
  (messages and calls);
- ``unresolved_objections``: calls among the last three whose objection was still
  open at the end;
- ``ghosting``: days since our first message the prospect has not answered;
- ``contact_leaving``: the prospect's messages of the last ``departure_days`` that say a
  contact is leaving their company ("Sarah, who championed this internally, is leaving
  the company": the analysis's ``contact_leaving`` risk). One is enough for the full
  points by default: whoever argued for you will not be there to sign.

Late stage: ``stage_index / stage_count ≥ late_stage_fraction``, or the stage's name
is in ``late_stages``.
"""

from __future__ import annotations

__all__ = ["DealRisk", "DealSignal", "deal_risk", "is_late_stage"]

from dataclasses import dataclass, field

from crmsense.signals.config import DealConfig
from crmsense.signals.curtness import reply_shift
from crmsense.signals.data import DAY, AccountData, DealRow, MessageRow
from crmsense.signals.engagement import normal_kind


@dataclass(frozen=True, slots=True)
class DealSignal:
    name: str
    value: float
    points: float
    detail: str
    evidence: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DealRisk:
    deal_id: str
    account_id: str
    name: str | None
    stage: str | None
    late_stage: bool
    risk_score: float
    risk_level: str
    signals: list[DealSignal]
    measured: dict[str, float | None]


def is_late_stage(deal: DealRow, cfg: DealConfig) -> bool:
    """Late stage by position in the pipeline, or by the stage's name.

    >>> from crmsense.signals.config import load_config
    >>> cfg = load_config().deals
    >>> is_late_stage(DealRow("d", stage_index=4, stage_count=5), cfg)
    True
    >>> is_late_stage(DealRow("d", stage="Negotiation"), cfg), is_late_stage(DealRow("d"), cfg)
    (True, False)
    """
    if deal.stage_index is not None and deal.stage_count:
        return deal.stage_index / deal.stage_count >= cfg.late_stage_fraction or _named_late(
            deal, cfg
        )
    return _named_late(deal, cfg)


def _named_late(deal: DealRow, cfg: DealConfig) -> bool:
    stage = normal_kind(deal.stage or "")
    return bool(stage) and stage in {normal_kind(s) for s in cfg.late_stages}


def _ghosting(messages: list[MessageRow], as_of: float) -> tuple[float, list[str]]:
    """Days since our first message after the prospect's last reply, and those messages."""
    last_reply = max((m.t for m in messages if m.inbound), default=float("-inf"))
    waiting = [m for m in messages if not m.inbound and m.t > last_reply]
    if not waiting:
        return 0.0, []
    return (as_of - waiting[0].t) / DAY, [m.id for m in waiting]


def deal_risk(deal: DealRow, data: AccountData, as_of: float, cfg: DealConfig) -> DealRisk:
    """The risk of ``deal`` (of account ``data``) at ``as_of``."""
    thread = [m for m in data.messages if m.deal == deal.id and m.t <= as_of and m.conversational]
    replies = [m for m in thread if m.inbound]
    calls = [c for c in data.calls if c.deal == deal.id and c.t <= as_of]
    late = is_late_stage(deal, cfg)
    measured: dict[str, float | None] = dict.fromkeys(cfg.signals)
    found: list[DealSignal] = []

    def fire(name: str, value: float, detail: str, evidence: list[str]) -> None:
        measured[name] = round(value, 3)
        ramp = cfg.signals.get(name)
        strength = ramp.strength(value) if ramp else 0.0
        if strength > 0 and ramp is not None:
            found.append(
                DealSignal(
                    name, round(value, 3), round(ramp.points * strength, 1), detail, evidence
                )
            )

    if len(replies) >= cfg.min_messages:
        half = len(replies) // 2
        early, later = replies[:half], replies[half:]
        shift = reply_shift(early, later, {})
        if shift.length_ratio is not None:
            fire(
                "shorter_replies",
                shift.length_ratio,
                f"later replies {shift.length_ratio:.0%} the length of earlier ones",
                [m.id for m in later],
            )
        if shift.positive_drop is not None:
            fire(
                "positive_decline",
                shift.positive_drop,
                f"positive language down {shift.positive_drop:.2f} from early to late replies",
                [m.id for m in later if m.positive is not None],
            )
    if late:
        recent = replies[-cfg.recent_messages :]
        urgency = max((m.urgency or 0.0 for m in recent), default=0.0)
        cooling = [m.id for m in recent if m.intent == "polite_disengagement"]
        value = 1.0 if cooling else 1.0 - urgency
        fire(
            "urgency_missing",
            value,
            "late stage and the prospect's recent replies show no urgency"
            + (" (politely disengaging)" if cooling else ""),
            cooling or [m.id for m in recent],
        )
    mentions = [(m.t, m.id, m.competitors) for m in replies if m.competitors]
    mentions += [(c.t, c.id, c.competitors) for c in calls if c.competitors]
    timeline = sorted([m.t for m in replies] + [c.t for c in calls])
    if mentions and len(timeline) >= 2:
        middle = timeline[len(timeline) // 2]
        early_n = sum(len(names) for t, _, names in mentions if t < middle)
        late_hits = [(i, names) for t, i, names in sorted(mentions) if t >= middle]
        names = sorted({n for _, ns in late_hits for n in ns})
        fire(
            "competitor_mentions",
            sum(len(ns) for _, ns in late_hits) - early_n,
            f"competitors mentioned more often lately ({', '.join(names)})",
            [i for i, _ in late_hits],
        )
    last_calls = calls[-3:]
    unresolved = [c.id for c in last_calls if c.objection_raised and c.objection_resolved is False]
    if calls:
        fire(
            "unresolved_objections",
            len(unresolved),
            f"{len(unresolved)} of the last {len(last_calls)} calls ended with an open objection",
            unresolved,
        )
    departures = [m.id for m in replies if m.departure and as_of - m.t <= cfg.departure_days * DAY]
    if departures:
        fire(
            "contact_leaving",
            len(departures),
            f"a contact is leaving ({len(departures)} message(s) in {cfg.departure_days} days)",
            departures,
        )
    days, waiting = _ghosting(thread, as_of)
    if waiting:
        fire("ghosting", days, f"no reply from the prospect for {days:.0f} days", waiting)
    score = min(100.0, round(sum(s.points for s in found), 1))
    return DealRisk(
        deal_id=deal.id,
        account_id=data.id,
        name=deal.name,
        stage=deal.stage,
        late_stage=late,
        risk_score=score,
        risk_level=cfg.level(score),
        signals=sorted(found, key=lambda s: -s.points),
        measured=measured,
    )
