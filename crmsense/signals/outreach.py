"""Outreach policy per account: ``suppress``, ``standard`` or ``advance`` renewal and upsell
automation, with the reason.

In order:

1. **suppress** while overall sentiment is declining, while health is Red (unless
   ``suppress_on_red = false``) and during a major support escalation;
2. once suppressed, **stay suppressed** until a recovery conversation is logged (an
   activity of a ``recovery_kinds`` kind after suppression began) *and* the trend is
   stable or improving again — the previous snapshot carries the suppression forward;
3. **advance** when sentiment is improving, or NPS rose by ``nps_rise`` or more into
   promoter range (e.g. 7 → 9); a great latest support experience is cited with it;
4. otherwise **standard**.
"""

from __future__ import annotations

__all__ = ["Policy", "outreach_policy"]

from dataclasses import dataclass

from crmsense.signals.config import HealthConfig
from crmsense.signals.data import iso
from crmsense.signals.engagement import EngagementSignal
from crmsense.signals.escalation import EscalationSignal
from crmsense.signals.health import Health
from crmsense.signals.series import Trend
from crmsense.signals.surveys import SurveySignal, category


@dataclass(frozen=True, slots=True)
class Policy:
    """``suppressed_since``: when the current suppression began (POSIX seconds)."""

    policy: str
    reason: str
    suppressed_since: float | None = None


def _suppress(reason: str, as_of: float, previous: Policy | None) -> Policy:
    since = previous.suppressed_since if previous and previous.policy == "suppress" else None
    return Policy("suppress", reason, since if since is not None else as_of)


def outreach_policy(
    trend: Trend,
    health: Health,
    surveys: SurveySignal,
    escalation: EscalationSignal,
    engagement: EngagementSignal,
    previous: Policy | None,
    as_of: float,
    cfg: HealthConfig,
) -> Policy:
    """The policy at ``as_of``, given the previous snapshot's policy (None if none)."""
    if trend.direction == "declining":
        return _suppress(
            f"sentiment declining ({trend.note}): renewal and upsell automation paused until "
            "a recovery conversation is logged and the trend is stable or improving",
            as_of,
            previous,
        )
    if cfg.outreach.suppress_on_red and health.band == "red":
        return _suppress(f"health is Red ({health.score:g})", as_of, previous)
    if escalation.major:
        return _suppress("a major support escalation is open", as_of, previous)
    if previous is not None and previous.policy == "suppress":
        since = previous.suppressed_since or as_of
        recovered = engagement.last_recovery_t
        if recovered is None or recovered < since:
            return _suppress(
                f"suppressed since {iso(since)[:10]}; trend now {trend.direction}, but no "
                "recovery conversation is logged since then",
                as_of,
                previous,
            )
    reasons = []
    if trend.direction == "improving":
        reasons.append(f"sentiment improving ({trend.note})")
    nps = surveys.nps
    if (
        nps is not None
        and nps.change is not None
        and nps.change >= cfg.outreach.nps_rise
        and category(nps.latest.score) == "promoter"
    ):
        reasons.append(f"NPS up {nps.latest.movement}")
    if reasons:
        last = escalation.tickets[-1] if escalation.tickets else None
        if last is not None and last.score >= cfg.outreach.great_support:
            reasons.append(f"great support experience on {last.ticket} ({last.score:+.2f})")
        return Policy("advance", "; ".join(reasons))
    if previous is not None and previous.policy == "suppress":
        day = (engagement.last_recovery or "")[:10]
        return Policy(
            "standard",
            f"recovery conversation logged {day} and trend {trend.direction}: automation resumed",
        )
    return Policy("standard", f"sentiment {trend.direction}; no reason to change the cadence")
