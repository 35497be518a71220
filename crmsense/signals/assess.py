"""One account at one moment: every signal, the health score, the policy and the reasons.

A pure function of the account's rows, the as-of time, the configuration and the
previous policy — the database layer (:mod:`crmsense.signals.compute`) only loads rows
and stores what this returns.
"""

from __future__ import annotations

__all__ = ["Assessment", "assess", "health_at", "plain"]

from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from crmsense.signals.config import HealthConfig
from crmsense.signals.curtness import CurtnessSignal, curtness_signal
from crmsense.signals.data import AccountData
from crmsense.signals.deals import DealRisk, deal_risk
from crmsense.signals.engagement import EngagementSignal, engagement_signal
from crmsense.signals.escalation import EscalationSignal, escalation_signal
from crmsense.signals.health import Health, component_values, composite
from crmsense.signals.outreach import Policy, outreach_policy
from crmsense.signals.series import SentimentSignal, observations, sentiment_signal
from crmsense.signals.surveys import SurveySignal, category, survey_signal
from crmsense.signals.usage import UsageSignal, usage_signal


def plain(value: Any) -> Any:
    """Dataclasses, lists and dicts as plain JSON values (``asdict`` without its deep copies).

    >>> from crmsense.signals.usage import UsageSignal
    >>> plain([UsageSignal(5, None, None, None, 1, "2026-01-01T00:00:00Z")])[0]["active"]
    5
    """
    if is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True, slots=True)
class Assessment:
    account: AccountData
    as_of: float
    health: Health
    sentiment: SentimentSignal
    escalation: EscalationSignal
    curtness: CurtnessSignal
    surveys: SurveySignal
    usage: UsageSignal | None
    engagement: EngagementSignal
    policy: Policy
    reasons: list[str]
    deals: list[DealRisk]

    def signals_json(self) -> dict[str, Any]:
        """Every signal as plain JSON (what snapshots store and alerts read)."""
        surveys = plain(self.surveys)
        surveys["evidence"] = self.surveys.evidence
        for kind in ("nps", "csat"):
            stats = getattr(self.surveys, kind)
            if stats is not None:
                surveys[kind]["movement"] = stats.latest.movement
                surveys[kind]["category"] = category(stats.latest.score) if kind == "nps" else None
        return {
            "sentiment": plain(self.sentiment),
            "escalation": plain(self.escalation),
            "curtness": plain(self.curtness),
            "surveys": surveys,
            "usage": plain(self.usage),
            "engagement": plain(self.engagement),
        }


@dataclass(frozen=True, slots=True)
class _Signals:
    sentiment: SentimentSignal
    escalation: EscalationSignal
    curtness: CurtnessSignal
    surveys: SurveySignal
    usage: UsageSignal | None
    engagement: EngagementSignal


def _signals(data: AccountData, as_of: float, cfg: HealthConfig) -> _Signals:
    return _Signals(
        sentiment_signal(observations(data, as_of, cfg.sentiment), as_of, cfg.sentiment, cfg.trend),
        escalation_signal(data, as_of, cfg.escalation),
        curtness_signal(data, as_of, cfg.curtness),
        survey_signal(data, as_of, cfg.surveys),
        usage_signal(data, as_of, cfg.usage.window_days),
        engagement_signal(data, as_of, cfg.engagement),
    )


def _health(data: AccountData, s: _Signals, cfg: HealthConfig) -> Health:
    card = cfg.scorecard_for(data.segment)
    values = component_values(
        s.sentiment, s.escalation, s.curtness, s.surveys, s.usage, s.engagement, cfg
    )
    return composite(values, card, cfg.bands_for(card))


def health_at(data: AccountData, as_of: float, cfg: HealthConfig) -> Health:
    """Only the health score (what backtesting replays at many past moments)."""
    return _health(data, _signals(data, as_of, cfg), cfg)


def _reasons(a: Assessment) -> list[str]:
    h, out = a.health, []
    if h.score is None:
        out.append("no health inputs yet: no scored messages, surveys, usage or CS activity")
    else:
        out.append(f"health {h.score:g} ({h.band}) on the {h.scorecard} scorecard")
    out.append(f"outreach {a.policy.policy}: {a.policy.reason}")
    trend = a.sentiment.overall.trend
    out.append(f"overall sentiment {trend.direction}: {trend.note}")
    e = a.escalation
    if e.escalating:
        tones = " → ".join(f"{k.score:+.2f}" for k in e.tickets[-3:])
        out.append(f"support tone escalating across tickets ({tones})")
    for w in e.worsening_threads:
        out.append(
            f"thread {w.thread} got worse ({w.first:+.2f} → {w.last:+.2f})"
            + (", priority raised" if w.priority_raised else "")
        )
    if e.unanswered:
        oldest = max(u.days for u in e.unanswered)
        out.append(f"{len(e.unanswered)} follow-up(s) unanswered, oldest {oldest:.0f} days")
    nps = a.surveys.nps
    if nps is not None:
        move = f" (was {nps.latest.previous:g})" if nps.latest.previous is not None else ""
        out.append(f"latest NPS {nps.latest.score:g}, {category(nps.latest.score)}{move}")
    csat = a.surveys.csat
    if csat is not None and csat.low_recent:
        out.append(f"{len(csat.low_recent)} low CSAT score(s) in the last 30 days")
    for c in a.curtness.contacts:
        if c.shift.fired:
            out.append(f"contact {c.contact}: {', '.join(c.shift.fired).replace('_', ' ')}")
    g = a.engagement
    if g.days_since is None:
        out.append("no CSM call or meeting on record")
    elif not g.csm_call_last_30_days:
        out.append(f"no CSM call or meeting in {g.days_since:.0f} days")
    if a.usage is not None and a.usage.change is not None and abs(a.usage.change) >= 0.1:
        out.append(f"active users {a.usage.change:+.0%} over the usage window")
    missing = [f"{c.name} ({c.detail})" for c in h.components if c.missing]
    if missing:
        out.append("missing inputs, re-weighted: " + "; ".join(missing))
    return out


def assess(
    data: AccountData, as_of: float, cfg: HealthConfig, previous: Policy | None = None
) -> Assessment:
    """Every signal of ``data`` at ``as_of``; ``previous`` is the last snapshot's policy."""
    s = _signals(data, as_of, cfg)
    health = _health(data, s, cfg)
    policy = outreach_policy(
        s.sentiment.overall.trend,
        health,
        s.surveys,
        s.escalation,
        s.engagement,
        previous,
        as_of,
        cfg,
    )
    deals = [deal_risk(d, data, as_of, cfg.deals) for d in data.deals if d.status == "open"]
    result = Assessment(
        data,
        as_of,
        health,
        s.sentiment,
        s.escalation,
        s.curtness,
        s.surveys,
        s.usage,
        s.engagement,
        policy,
        [],
        deals,
    )
    result.reasons.extend(_reasons(result))
    return result
