"""The customer health score: a weighted composite of component values (0–100 each).

Each component turns a signal into 0–100 and says why (see :data:`COMPONENTS`).
A component with no input (no tickets, no NPS answer, no usage data …) is **missing**:
it is left out and the remaining weights are re-normalised — never counted as zero —
and it is shown as missing with the reason. The score is the sum of contributions
``value × effective weight``; bands come from the account's scorecard (default Green
≥ 70, Red < 40). Accounts with children roll up: the parent's score is the ARR-weighted
mean of its own score and every descendant's.

>>> from crmsense.signals.config import load_config
>>> card = Scorecard(name="demo", weights={"usage": 1, "nps": 1})
>>> h = composite({"usage": (80.0, "…"), "nps": (None, "no NPS response")}, card,
...               load_config().bands)
>>> h.score, h.band, [c.name for c in h.components if c.missing]
(80.0, 'green', ['nps'])
"""

from __future__ import annotations

__all__ = ["Component", "Health", "component_values", "composite", "rollup", "scale"]

from dataclasses import dataclass
from typing import Any

from crmsense.signals.config import Bands, HealthConfig, Scorecard
from crmsense.signals.curtness import CurtnessSignal
from crmsense.signals.engagement import EngagementSignal
from crmsense.signals.escalation import EscalationSignal
from crmsense.signals.series import SentimentSignal, Series
from crmsense.signals.surveys import SurveySignal
from crmsense.signals.usage import UsageSignal

ComponentInput = tuple[float | None, str]


def _clamp(value: float, low: float = 0.0, high: float = 100.0) -> float:
    return max(low, min(high, value))


def scale(sentiment: float, full_scale: float) -> float:
    """Sentiment in [-1, 1] → 0–100, ±``full_scale`` reaching the ends.

    >>> scale(0.0, 0.5), scale(0.25, 0.5), scale(-0.9, 0.5)
    (50.0, 75.0, 0.0)
    """
    return _clamp(50.0 + 50.0 * sentiment / full_scale)


@dataclass(frozen=True, slots=True)
class Component:
    """One input of the score. ``missing`` components have no value and no contribution."""

    name: str
    value: float | None
    configured_weight: float
    weight: float
    contribution: float | None
    detail: str

    @property
    def missing(self) -> bool:
        return self.value is None

    def to_json(self) -> dict[str, Any]:
        if self.value is None:
            return {
                "missing": True,
                "configured_weight": self.configured_weight,
                "reason": self.detail,
            }
        return {
            "value": self.value,
            "weight": self.weight,
            "contribution": self.contribution,
            "configured_weight": self.configured_weight,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class Health:
    score: float | None
    band: str | None
    scorecard: str
    components: list[Component]


def composite(values: dict[str, ComponentInput], card: Scorecard, bands: Bands) -> Health:
    """Weighted score of the components ``card`` weighs; missing ones re-weighted away."""
    total = sum(card.weights.values())
    present = sum(w for name, w in card.weights.items() if values.get(name, (None,))[0] is not None)
    components = []
    for name, raw in card.weights.items():
        value, detail = values.get(name, (None, "not computed"))
        configured = round(raw / total, 4)
        if value is None or present <= 0:
            components.append(Component(name, None, configured, 0.0, None, detail))
            continue
        weight = raw / present
        components.append(
            Component(
                name,
                round(value, 1),
                configured,
                round(weight, 4),
                round(value * weight, 2),
                detail,
            )
        )
    if present <= 0:
        return Health(None, None, card.name, components)
    score = round(sum(c.contribution or 0.0 for c in components), 1)
    return Health(score, bands.band(score), card.name, components)


def _trend_points(series: Series, cfg: HealthConfig) -> float:
    """Continuous trend adjustment: slope-proportional, shrunk when messages are few or
    span less than a third of the window (a slope over a few days says little)."""
    slope = series.trend.slope
    if slope is None:
        return 0.0
    n = series.trend.n
    span = min(1.0, 3 * series.trend.span_days / cfg.trend.window_days)
    shrink = n / (n + cfg.trend.min_messages) * span
    ratio = max(-1.0, min(1.0, slope / cfg.components.trend_full_slope))
    return cfg.components.trend_points * ratio * shrink


def _sentiment_value(series: Series | None, what: str, cfg: HealthConfig) -> ComponentInput:
    if series is None or series.level is None:
        return None, f"no scored {what} in {cfg.sentiment.lookback_days:g} days"
    base = scale(series.level, cfg.sentiment.full_scale)
    trend = _trend_points(series, cfg)
    detail = (
        f"weighted sentiment {series.level:+.2f} over {series.n} {what} → {base:.0f}; "
        f"trend {series.trend.direction} ({trend:+.1f})"
    )
    return base + trend, detail


def _support(s: SentimentSignal, e: EscalationSignal, cfg: HealthConfig) -> ComponentInput:
    value, detail = _sentiment_value(s.channels.get("ticket"), "support messages", cfg)
    if value is None:
        return value, detail
    points = cfg.components
    if e.escalating or e.worsening_threads:
        what = "escalating across tickets" if e.escalating else "a thread got worse"
        value -= points.escalation_points
        detail += f"; {what} (−{points.escalation_points:g})"
    if e.unanswered:
        value -= points.unanswered_points
        detail += f"; {len(e.unanswered)} unanswered follow-up(s) (−{points.unanswered_points:g})"
    return _clamp(value), detail


def _email(s: SentimentSignal, c: CurtnessSignal, cfg: HealthConfig) -> ComponentInput:
    value, detail = _sentiment_value(s.channels.get("email"), "e-mails", cfg)
    if value is None:
        return value, detail
    if c.strength > 0:
        penalty = cfg.components.curtness_points * c.strength
        fired = sorted({f for contact in c.contacts for f in contact.shift.fired})
        value -= penalty
        detail += f"; replies turning curt: {', '.join(fired)} (−{penalty:.0f})"
    return _clamp(value), detail


def _nps(surveys: SurveySignal, cfg: HealthConfig) -> ComponentInput:
    nps = surveys.nps
    if nps is None:
        return None, f"no NPS response in {cfg.surveys.window_days:g} days"
    value = nps.mean * 10
    detail = f"mean latest NPS {nps.mean:g} over {len(nps.respondents)} respondent(s)"
    if nps.latest.movement:
        detail += f" (latest {nps.latest.movement})"
    if nps.verbatim is not None:
        weight = cfg.surveys.verbatim_weight
        value = (1 - weight) * value + weight * scale(nps.verbatim, cfg.sentiment.full_scale)
        detail += f"; comments {nps.verbatim:+.2f}"
    return _clamp(value), detail


def _csat(surveys: SurveySignal, cfg: HealthConfig) -> ComponentInput:
    csat = surveys.csat
    if csat is None:
        return None, f"no CSAT response in {cfg.surveys.window_days:g} days"
    detail = f"mean latest CSAT {csat.mean:g}/5 over {len(csat.respondents)} respondent(s)"
    return _clamp((csat.mean - 1) / 4 * 100), detail


def _usage(usage: UsageSignal | None, cfg: HealthConfig) -> ComponentInput:
    u = cfg.usage
    if usage is None:
        return None, f"no usage data in {u.window_days:g} days"
    trend = 0.0 if usage.change is None else max(-1.0, min(1.0, usage.change / u.trend_change))
    if usage.utilisation is not None:
        base = 100 * min(1.0, usage.utilisation / u.target_utilisation)
        detail = f"{usage.active}/{usage.licensed} licensed users active ({usage.utilisation:.0%})"
        value = base + u.trend_points * trend
    else:
        detail = f"{usage.active} active users (no licence count)"
        value = 50 + 50 * trend
    if usage.change is not None:
        detail += f", {usage.change:+.0%} over {u.window_days:g} days"
    return _clamp(value), detail


def _engagement(e: EngagementSignal, cfg: HealthConfig) -> ComponentInput:
    g = cfg.engagement
    if e.days_since is None:
        return None, "no CSM call or meeting on record"
    days = e.days_since
    value = 100 * _clamp((g.zero_days - days) / (g.zero_days - g.full_days), 0.0, 1.0)
    return value, f"last CS touch ({e.last_kind}) {days:.0f} days ago"


def component_values(
    sentiment: SentimentSignal,
    escalation: EscalationSignal,
    curtness: CurtnessSignal,
    surveys: SurveySignal,
    usage: UsageSignal | None,
    engagement: EngagementSignal,
    cfg: HealthConfig,
) -> dict[str, ComponentInput]:
    """Every component's value (None when missing) and its explanation."""
    return {
        "support_sentiment": _support(sentiment, escalation, cfg),
        "email_sentiment": _email(sentiment, curtness, cfg),
        "nps": _nps(surveys, cfg),
        "csat": _csat(surveys, cfg),
        "usage": _usage(usage, cfg),
        "engagement": _engagement(engagement, cfg),
    }


def rollup(
    own: dict[int, float | None], arr: dict[int, float | None], parent: dict[int, int | None]
) -> dict[int, float]:
    """ARR-weighted health of every account with descendants (itself included).

    Accounts without a score are skipped; when no account in a family has an ARR, the
    scores are averaged equally.

    >>> rollup({1: 80.0, 2: 40.0, 3: None}, {1: 100.0, 2: 300.0, 3: 50.0}, {2: 1, 3: 1})
    {1: 50.0}
    """
    children: dict[int, list[int]] = {}
    for child, par in parent.items():
        if par is not None and par != child:
            children.setdefault(par, []).append(child)
    out: dict[int, float] = {}
    for root in children:
        family, stack, seen = [root], list(children[root]), {root}
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            family.append(node)
            stack.extend(children.get(node, []))
        scored = [(own[a], arr.get(a) or 0.0) for a in family if own.get(a) is not None]
        if not scored:
            continue
        total_arr = sum(w for _, w in scored)
        if total_arr > 0:
            out[root] = round(sum(s * w for s, w in scored if s is not None) / total_arr, 1)
        else:
            out[root] = round(sum(s for s, _ in scored if s is not None) / len(scored), 1)
    return out
