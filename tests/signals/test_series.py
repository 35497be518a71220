"""Sentiment levels and trends: weighting, significance, exclusions."""

from __future__ import annotations

import numpy as np
import pytest

from crmsense.signals.config import HealthConfig
from crmsense.signals.data import DAY, AccountData, CallRow
from crmsense.signals.series import (
    fit_trend,
    observations,
    sentiment_signal,
    weighted_level,
    wls_slope,
)

from .rows import AS_OF_T, msg


def test_wls_matches_ordinary_least_squares_with_equal_weights() -> None:
    rng = np.random.default_rng(0)
    x = np.arange(20.0)
    y = 0.3 - 0.02 * x + rng.normal(0, 0.1, 20)
    slope, se = wls_slope(x, y, np.ones(20))  # type: ignore[misc]
    b, a = np.polyfit(x, y, 1)
    resid = y - (a + b * x)
    classical = np.sqrt(resid @ resid / 18 / ((x - x.mean()) ** 2).sum())
    assert slope == pytest.approx(b)
    assert se == pytest.approx(classical)


def test_wls_weights_pull_towards_heavier_points() -> None:
    x = np.array([0.0, 1.0, 2.0, 3.0])
    y = np.array([0.0, 1.0, 0.0, 1.0])
    flat, _ = wls_slope(x, y, np.array([1.0, 0.01, 1.0, 0.01]))  # type: ignore[misc]
    steep, _ = wls_slope(x, y, np.array([1.0, 0.01, 0.01, 1.0]))  # type: ignore[misc]
    assert abs(flat) < 0.05 < steep


def test_wls_needs_spread_in_time() -> None:
    assert wls_slope(np.ones(5), np.arange(5.0), np.ones(5)) is None


def _trend(days: np.ndarray, scores: np.ndarray, cfg: HealthConfig) -> str:
    t = AS_OF_T - days * DAY
    return fit_trend(t, scores, np.ones(len(t)), AS_OF_T, cfg.trend).direction


def test_clear_decline_is_declining_and_clear_rise_improving(cfg: HealthConfig) -> None:
    days = np.arange(85.0, 0, -7)
    assert _trend(days, 0.6 - (85 - days) / 85, cfg) == "declining"
    assert _trend(days, -0.6 + (85 - days) / 85, cfg) == "improving"


def test_few_messages_never_make_a_trend(cfg: HealthConfig) -> None:
    days = np.array([60.0, 40, 20, 5])
    trend = fit_trend(
        AS_OF_T - days * DAY, np.array([0.8, 0.3, -0.2, -0.7]), np.ones(4), AS_OF_T, cfg.trend
    )
    assert trend.direction == "stable"
    assert trend.slope is not None and trend.slope < 0
    assert trend.note.startswith("not enough messages (4 < 6)")


def test_noise_is_stable_with_the_reason(cfg: HealthConfig) -> None:
    rng = np.random.default_rng(3)
    days = np.arange(88.0, 0, -3)
    trend = fit_trend(
        AS_OF_T - days * DAY, rng.normal(0, 0.6, len(days)), np.ones(len(days)), AS_OF_T, cfg.trend
    )
    assert trend.direction == "stable"
    assert "not significant" in trend.note
    assert trend.stderr is not None and trend.stderr > 0


def test_a_significant_but_tiny_slope_is_stable(cfg: HealthConfig) -> None:
    days = np.arange(89.0, 0, -0.5)
    trend = fit_trend(
        AS_OF_T - days * DAY, 0.2 - 0.0005 * (89 - days), np.ones(len(days)), AS_OF_T, cfg.trend
    )
    assert trend.direction == "stable"
    assert "too small" in trend.note


def test_messages_outside_the_window_do_not_shape_the_trend(cfg: HealthConfig) -> None:
    days = np.concatenate([np.arange(170.0, 100, -10), np.arange(85.0, 0, -10)])
    scores = np.where(days > 90, 0.9, 0.0)
    trend = fit_trend(AS_OF_T - days * DAY, scores, np.ones(len(days)), AS_OF_T, cfg.trend)
    assert trend.slope == pytest.approx(0.0, abs=1e-9)


def test_recent_messages_weigh_more() -> None:
    t = np.array([AS_OF_T - 30 * DAY, AS_OF_T])
    level = weighted_level(t, np.array([-1.0, 1.0]), np.ones(2), AS_OF_T, 30)
    assert level == pytest.approx((1.0 - 0.5) / 1.5)
    assert weighted_level(t[:0], t[:0], t[:0], AS_OF_T, 30) is None


def test_only_scored_conversational_customer_statements_count(cfg: HealthConfig) -> None:
    data = AccountData(
        1,
        "a",
        messages=[
            msg("ok", 10, 0.5),
            msg("ours", 9, 0.9, inbound=False),
            msg("invoice", 8, -0.9, kind="transactional"),
            msg("ooo", 7, -0.9, auto_reply=True),
            msg("auto", 7, -0.9, kind="auto_reply"),
            msg("unscored", 6, None),
            msg("note", 5, -0.9, channel="note"),
            msg("old", 400, -0.9),
            msg("future", -1, -0.9),
        ],
        calls=[CallRow("call1", AS_OF_T - 3 * DAY, score=0.2)],
    )
    obs = observations(data, AS_OF_T, cfg.sentiment)
    assert obs.ids == ["ok", "call1"]
    assert obs.channel == ["email", "call"]


def test_series_per_channel_and_contact_with_evidence(cfg: HealthConfig) -> None:
    rows = [msg(f"e{d}", d, 0.5 - d / 100, contact="c1") for d in range(80, 0, -8)]
    rows += [msg(f"t{d}", d, -0.4, channel="ticket", contact="c2") for d in range(60, 0, -20)]
    data = AccountData(1, "a", messages=sorted(rows, key=lambda r: r.t))
    s = sentiment_signal(
        observations(data, AS_OF_T, cfg.sentiment), AS_OF_T, cfg.sentiment, cfg.trend
    )
    assert set(s.channels) == {"email", "ticket"}
    assert set(s.contacts) == {"c1", "c2"}
    assert s.channels["ticket"].level == pytest.approx(-0.4)
    assert s.overall.n == len(rows)
    assert len(s.weekly) == 13 and sum(int(str(w["n"])) for w in s.weekly) == len(rows)
    assert set(s.evidence) <= {r.id for r in rows} and s.evidence
