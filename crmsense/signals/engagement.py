"""Customer-success engagement: days since the last CSM call or meeting, and the last
recovery conversation.

Activities count as CS touches (all kinds, or the configured ``kinds``), and so do
calls not attached to a deal when ``include_calls`` is set. The seed rule is "a CSM
call in the last 30 days". Kinds compare case-insensitively, with ``-`` and spaces
read as ``_`` ("Recovery call" = ``recovery_call``).
"""

from __future__ import annotations

__all__ = ["EngagementSignal", "engagement_signal", "normal_kind"]

from dataclasses import dataclass

from crmsense.signals.config import EngagementConfig
from crmsense.signals.data import DAY, AccountData, iso


def normal_kind(kind: str) -> str:
    """``kind`` in lower case with ``-`` and spaces read as ``_``.

    >>> normal_kind("Recovery call")
    'recovery_call'
    """
    return kind.strip().lower().replace("-", "_").replace(" ", "_")


@dataclass(frozen=True, slots=True)
class EngagementSignal:
    last_touch: str | None
    days_since: float | None
    last_kind: str | None
    touches_90d: int
    csm_call_last_30_days: bool
    last_recovery: str | None
    last_recovery_t: float | None


def engagement_signal(data: AccountData, as_of: float, cfg: EngagementConfig) -> EngagementSignal:
    """CS touches on or before ``as_of``."""
    wanted = {normal_kind(k) for k in cfg.kinds}
    recovery = {normal_kind(k) for k in cfg.recovery_kinds}
    touches: list[tuple[float, str]] = []
    for a in data.activities:
        kind = normal_kind(a.kind)
        if a.t <= as_of and (not wanted or kind in wanted or kind in recovery):
            touches.append((a.t, kind))
    if cfg.include_calls:
        touches.extend((c.t, "call") for c in data.calls if c.deal is None and c.t <= as_of)
    touches.sort()
    recoveries = [t for t, kind in touches if kind in recovery]
    last = touches[-1] if touches else None
    days = None if last is None else round((as_of - last[0]) / DAY, 1)
    return EngagementSignal(
        last_touch=None if last is None else iso(last[0]),
        days_since=days,
        last_kind=None if last is None else last[1],
        touches_90d=sum(1 for t, _ in touches if t > as_of - 90 * DAY),
        csm_call_last_30_days=days is not None and days <= 30,
        last_recovery=iso(recoveries[-1]) if recoveries else None,
        last_recovery_t=recoveries[-1] if recoveries else None,
    )
