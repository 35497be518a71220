"""Product usage: active and licensed users, utilisation and its trend.

``change`` is the fitted change in active users over the window, relative to their
mean (−0.25 = a quarter fewer active users than at the start of the window).

>>> from crmsense.signals.data import AccountData, UsageRow
>>> rows = [UsageRow(d * 86400.0, 50 - d // 10, 60) for d in range(0, 90, 7)]
>>> s = usage_signal(AccountData(1, "a", usage=rows), 90 * 86400.0, 90)
>>> s.utilisation, s.change < 0
(0.7, True)
"""

from __future__ import annotations

__all__ = ["UsageSignal", "usage_signal"]

from dataclasses import dataclass

import numpy as np

from crmsense.signals.data import DAY, AccountData, iso
from crmsense.signals.series import wls_slope


@dataclass(frozen=True, slots=True)
class UsageSignal:
    active: int
    licensed: int | None
    utilisation: float | None
    change: float | None
    points: int
    last: str


def usage_signal(data: AccountData, as_of: float, window_days: float) -> UsageSignal | None:
    """Usage in the window before ``as_of``; None when there is no usage data in it."""
    rows = [u for u in data.usage if as_of - window_days * DAY < u.t <= as_of]
    if not rows:
        return None
    latest = rows[-1]
    licensed = next((u.licensed for u in reversed(rows) if u.licensed), None)
    t = np.array([u.t for u in rows]) / DAY
    active = np.array([u.active for u in rows], dtype=float)
    fit = wls_slope(t, active, np.ones(len(rows))) if len(rows) >= 2 else None
    mean = float(active.mean())
    change = None
    if fit is not None and mean > 0:
        change = round(fit[0] * float(t[-1] - t[0]) / mean, 3)
    return UsageSignal(
        active=latest.active,
        licensed=licensed,
        utilisation=round(latest.active / licensed, 3) if licensed else None,
        change=change,
        points=len(rows),
        last=iso(latest.t),
    )
