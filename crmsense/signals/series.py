"""Sentiment over time per account, contact and channel: a level and a 90-day trend.

Only messages that :attr:`~crmsense.signals.data.MessageRow.counts` (inbound, scored,
conversational — never transactional mail, auto-replies or unscored text) and the
customer side of calls are read.

- **level**: the confidence- and recency-weighted mean score; a message
  ``half_life_days`` old weighs half as much as one from today.
- **trend**: a weighted-least-squares slope of score on time over ``window_days``
  (weights = confidence), in sentiment units per 30 days, with its standard error
  and t statistic. It is ``improving`` or ``declining`` only with at least
  ``min_messages`` messages, ``|t| ≥ min_t`` and ``|slope| ≥ min_slope``; otherwise
  ``stable``, and ``note`` says which test failed.

>>> import numpy as np
>>> x = np.arange(10.0); y = 0.5 - 0.05 * x + np.array([0.01, -0.01] * 5)
>>> slope, se = wls_slope(x, y, np.ones(10))
>>> round(slope, 2), se < 0.01
(-0.05, True)
"""

from __future__ import annotations

__all__ = [
    "Observations",
    "SentimentSignal",
    "Series",
    "Trend",
    "fit_trend",
    "observations",
    "sentiment_signal",
    "weighted_level",
    "wls_slope",
]

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from crmsense.signals.config import SentimentConfig, TrendConfig
from crmsense.signals.data import DAY, AccountData, iso

T_LIMIT = 99.0


@dataclass(frozen=True, slots=True)
class Trend:
    """``direction`` improving / stable / declining; slope in sentiment per 30 days."""

    direction: str
    slope: float | None
    stderr: float | None
    t_stat: float | None
    n: int
    note: str
    span_days: float = 0.0


@dataclass(frozen=True, slots=True)
class Series:
    """One series' summary: how many messages, the weighted level, the trend."""

    n: int
    level: float | None
    trend: Trend
    last: str | None


@dataclass(frozen=True, slots=True)
class Observations:
    """Scored customer statements in time order, as arrays (one row each)."""

    t: np.ndarray
    score: np.ndarray
    weight: np.ndarray
    channel: list[str]
    contact: list[str | None]
    ids: list[str]

    def select(self, mask: np.ndarray) -> Observations:
        idx = np.flatnonzero(mask)
        return Observations(
            self.t[idx],
            self.score[idx],
            self.weight[idx],
            [self.channel[i] for i in idx],
            [self.contact[i] for i in idx],
            [self.ids[i] for i in idx],
        )


@dataclass(frozen=True, slots=True)
class SentimentSignal:
    overall: Series
    channels: dict[str, Series]
    contacts: dict[str, Series]
    weekly: list[dict[str, object]] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


def wls_slope(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float] | None:
    """Weighted least-squares slope of ``y`` on ``x`` and its standard error.

    Weights are reliability weights: the residual variance uses the effective sample
    size ``(Σw)² / Σw²``. None when ``x`` does not vary; the error is infinite with
    fewer than three effective points.
    """
    total = float(w.sum())
    if total <= 0:
        return None
    dx = x - float(w @ x) / total
    sxx = float(w @ (dx * dx))
    if sxx <= 1e-12:
        return None
    dy = y - float(w @ y) / total
    slope = float(w @ (dx * dy)) / sxx
    resid = dy - slope * dx
    n_eff = total * total / float(w @ w)
    if n_eff <= 2:
        return slope, float("inf")
    sigma2 = float(w @ (resid * resid)) / total * n_eff / (n_eff - 2)
    var = sigma2 * float((w * w) @ (dx * dx)) / (sxx * sxx)
    return slope, float(np.sqrt(max(var, 0.0)))


def fit_trend(t: np.ndarray, y: np.ndarray, w: np.ndarray, as_of: float, cfg: TrendConfig) -> Trend:
    """The trend of scores ``y`` at times ``t`` (POSIX seconds) over the window before ``as_of``."""
    mask = (t > as_of - cfg.window_days * DAY) & (t <= as_of)
    n = int(mask.sum())
    fit = wls_slope((t[mask] - as_of) / DAY, y[mask], w[mask]) if n >= 2 else None
    span = round(float(t[mask].max() - t[mask].min()) / DAY, 1) if n else 0.0
    if fit is None:
        note = (
            f"not enough messages ({n} < {cfg.min_messages})"
            if n < cfg.min_messages
            else "all messages at one time"
        )
        return Trend("stable", None, None, None, n, note, span)
    per_day, se_day = fit
    slope, se = per_day * 30.0, se_day * 30.0
    if se == 0:
        t_stat = T_LIMIT if slope > 0 else -T_LIMIT if slope < 0 else 0.0
    else:
        t_stat = max(-T_LIMIT, min(T_LIMIT, slope / se))
    se_out = None if not np.isfinite(se) else round(se, 4)
    if n < cfg.min_messages:
        note = f"not enough messages ({n} < {cfg.min_messages})"
    elif abs(t_stat) < cfg.min_t:
        note = f"slope not significant (|t| {abs(t_stat):.1f} < {cfg.min_t})"
    elif abs(slope) < cfg.min_slope:
        note = f"slope too small (|{slope:.3f}| < {cfg.min_slope} per 30 days)"
    else:
        direction = "improving" if slope > 0 else "declining"
        note = f"{slope:+.3f} per 30 days, t = {t_stat:.1f}, {n} messages"
        return Trend(direction, round(slope, 4), se_out, round(t_stat, 2), n, note, span)
    return Trend("stable", round(slope, 4), se_out, round(t_stat, 2), n, note, span)


def weighted_level(
    t: np.ndarray, y: np.ndarray, w: np.ndarray, as_of: float, half_life_days: float
) -> float | None:
    """Recency-weighted mean of ``y``: weight ``w · 0.5^(age / half_life)``."""
    if len(t) == 0:
        return None
    decay = w * np.power(0.5, (as_of - t) / (half_life_days * DAY))
    total = float(decay.sum())
    return None if total <= 0 else float(decay @ y) / total


def observations(data: AccountData, as_of: float, cfg: SentimentConfig) -> Observations:
    """The account's scored customer statements in the lookback window, in time order."""
    start = as_of - cfg.lookback_days * DAY
    rows: list[tuple[float, float, float, str, str | None, str]] = [
        (m.t, m.score, m.confidence, m.channel, m.contact, m.id)
        for m in data.messages
        if m.counts and start < m.t <= as_of and m.channel in cfg.channels and m.score is not None
    ]
    if "call" in cfg.channels:
        rows.extend(
            (c.t, c.score, c.confidence, "call", c.contact, c.id)
            for c in data.calls
            if c.score is not None and start < c.t <= as_of
        )
        rows.sort(key=lambda r: r[0])
    return Observations(
        np.array([r[0] for r in rows], dtype=float),
        np.array([r[1] for r in rows], dtype=float),
        np.array([max(r[2], 0.05) for r in rows], dtype=float),
        [r[3] for r in rows],
        [r[4] for r in rows],
        [r[5] for r in rows],
    )


def _series(obs: Observations, as_of: float, cfg: SentimentConfig, trend: TrendConfig) -> Series:
    level = weighted_level(obs.t, obs.score, obs.weight, as_of, cfg.half_life_days)
    return Series(
        n=len(obs.t),
        level=None if level is None else round(level, 4),
        trend=fit_trend(obs.t, obs.score, obs.weight, as_of, trend),
        last=iso(float(obs.t[-1])) if len(obs.t) else None,
    )


def _weekly(obs: Observations, as_of: float, window_days: float) -> list[dict[str, object]]:
    weeks = int(np.ceil(window_days / 7))
    age = ((as_of - obs.t) // (7 * DAY)).astype(int)
    last = datetime.fromtimestamp(as_of, UTC).date()
    out: list[dict[str, object]] = []
    for k in range(weeks - 1, -1, -1):
        mask = age == k
        n = int(mask.sum())
        mean = float(obs.weight[mask] @ obs.score[mask] / obs.weight[mask].sum()) if n else None
        out.append(
            {
                "week_end": (last - timedelta(days=7 * k)).isoformat(),
                "mean": None if mean is None else round(mean, 3),
                "n": n,
            }
        )
    return out


def _evidence(obs: Observations, as_of: float, direction: str, limit: int = 5) -> list[str]:
    """The messages behind the trend: most negative (declining), most positive (improving)
    or most extreme (stable) in the last 30 days, else in the window."""
    recent = np.flatnonzero(obs.t > as_of - 30 * DAY)
    idx = recent if len(recent) else np.arange(len(obs.t))
    if direction == "declining":
        key = obs.score[idx]
    elif direction == "improving":
        key = -obs.score[idx]
    else:
        key = -np.abs(obs.score[idx])
    order = idx[np.argsort(key, kind="stable")][:limit]
    return [obs.ids[i] for i in order]


def sentiment_signal(
    obs: Observations, as_of: float, cfg: SentimentConfig, trend: TrendConfig
) -> SentimentSignal:
    """Overall, per-channel and per-contact series, the weekly means and the evidence."""
    overall = _series(obs, as_of, cfg, trend)
    channel = np.array(obs.channel, dtype=object)
    contact = np.array(obs.contact, dtype=object)
    channels = {
        name: _series(obs.select(channel == name), as_of, cfg, trend)
        for name in sorted(set(obs.channel))
    }
    contacts = {
        name: _series(obs.select(contact == name), as_of, cfg, trend)
        for name in sorted({c for c in obs.contact if c is not None})
    }
    window = obs.select(obs.t > as_of - trend.window_days * DAY)
    return SentimentSignal(
        overall=overall,
        channels=channels,
        contacts=contacts,
        weekly=_weekly(window, as_of, trend.window_days),
        evidence=_evidence(window, as_of, overall.trend.direction),
    )
