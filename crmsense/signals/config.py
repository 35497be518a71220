"""The signals and health-score configuration: one validated TOML file.

The shipped ``default_health.toml`` holds every default. A user's file is merged over
it (tables key by key; a ``weights`` table replaces the default whole), then validated;
every problem is reported with its key and the fix.

>>> cfg = load_config()
>>> cfg.bands.green, cfg.bands.red, cfg.scorecard_for("Enterprise").name
(70.0, 40.0, 'enterprise')
>>> try:
...     load_config(text="[bands]\\ngreen = 30\\n")
... except ConfigError as exc:
...     print(exc)
[E402] <text>: bands.red: must be below bands.green (30.0) — set red < green
"""

from __future__ import annotations

__all__ = [
    "COMPONENTS",
    "DEAL_SIGNALS",
    "HealthConfig",
    "Ramp",
    "Scorecard",
    "config_hash",
    "load_config",
]

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from crmsense.configfile import decode_config, parse_config
from crmsense.errors import ConfigError

DEFAULT_PATH = Path(__file__).with_name("default_health.toml")
#: The longest span any ``*_days`` setting may have (ten years).
MAX_DAYS = 3650

#: Health-score components: name → what it measures.
COMPONENTS: dict[str, str] = {
    "support_sentiment": "support-ticket sentiment over 90 days, its trend and escalations",
    "email_sentiment": "e-mail response sentiment and curtness",
    "nps": "latest NPS per contact and the comments' sentiment",
    "csat": "latest CSAT per contact",
    "usage": "active / licensed users and their trend",
    "engagement": "days since the last CSM call or meeting",
}
#: Deal-risk signals: name → what it measures.
DEAL_SIGNALS: dict[str, str] = {
    "shorter_replies": "the prospect's replies got shorter across the sales cycle",
    "positive_decline": "positive language declined across the sales cycle",
    "urgency_missing": "late stage without urgency language",
    "competitor_mentions": "competitor mentions increased",
    "unresolved_objections": "objections left unresolved at the end of calls",
    "ghosting": "no reply from the prospect for N days",
    "contact_leaving": "a contact on the prospect's side is leaving their company",
}


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Bands(_Section):
    green: float = Field(ge=0, le=100)
    red: float = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> Bands:
        if self.red >= self.green:
            raise ValueError(f"red: must be below bands.green ({self.green}) — set red < green")
        return self

    def band(self, score: float) -> str:
        """``green`` / ``yellow`` / ``red`` for a score."""
        if score >= self.green:
            return "green"
        return "red" if score < self.red else "yellow"


class SentimentConfig(_Section):
    lookback_days: float = Field(gt=0, le=MAX_DAYS)
    half_life_days: float = Field(gt=0, le=MAX_DAYS)
    full_scale: float = Field(gt=0, le=1)
    channels: tuple[str, ...]


class TrendConfig(_Section):
    window_days: float = Field(gt=0, le=MAX_DAYS)
    min_messages: int = Field(ge=3)
    min_t: float = Field(ge=0)
    min_slope: float = Field(ge=0)


class EscalationConfig(_Section):
    consecutive_tickets: int = Field(ge=2)
    min_step: float = Field(ge=0)
    thread_drop: float = Field(gt=0)
    major_score: float = Field(ge=-1, le=0)
    followup_days: float = Field(ge=0, le=MAX_DAYS)
    window_days: float = Field(gt=0, le=MAX_DAYS)


class CurtnessConfig(_Section):
    recent_days: float = Field(gt=0, le=MAX_DAYS)
    baseline_days: float = Field(gt=0, le=MAX_DAYS)
    min_baseline: int = Field(ge=1)
    min_recent: int = Field(ge=1)
    length_ratio: float = Field(gt=0, lt=1)
    positive_drop: float = Field(gt=0, le=1)
    latency_ratio: float = Field(gt=1)


class SurveyConfig(_Section):
    window_days: float = Field(gt=0, le=MAX_DAYS)
    verbatim_weight: float = Field(ge=0, le=1)
    low_csat: float = Field(ge=1, le=5)


class UsageConfig(_Section):
    window_days: float = Field(gt=0, le=MAX_DAYS)
    target_utilisation: float = Field(gt=0, le=1)
    trend_points: float = Field(ge=0, le=100)
    trend_change: float = Field(gt=0)


class EngagementConfig(_Section):
    kinds: tuple[str, ...]
    recovery_kinds: tuple[str, ...]
    include_calls: bool
    full_days: float = Field(ge=0, le=MAX_DAYS)
    zero_days: float = Field(gt=0, le=MAX_DAYS)

    @model_validator(mode="after")
    def _ordered(self) -> EngagementConfig:
        if self.zero_days <= self.full_days:
            raise ValueError(
                f"zero_days: must be above engagement.full_days ({self.full_days}) — "
                "set zero_days > full_days"
            )
        return self


class ComponentPoints(_Section):
    trend_points: float = Field(ge=0, le=100)
    trend_full_slope: float = Field(gt=0)
    escalation_points: float = Field(ge=0, le=100)
    unanswered_points: float = Field(ge=0, le=100)
    curtness_points: float = Field(ge=0, le=100)


class OutreachConfig(_Section):
    nps_rise: float = Field(gt=0, le=10)
    great_support: float = Field(ge=-1, le=1)
    suppress_on_red: bool


class Scorecard(_Section):
    """Weights (any positive scale; normalised over the inputs present) for some segments."""

    name: str = ""
    segments: tuple[str, ...] = ()
    weights: dict[str, float]
    bands: Bands | None = None

    @model_validator(mode="after")
    def _known(self) -> Scorecard:
        for key, value in self.weights.items():
            if key not in COMPONENTS:
                raise ValueError(
                    f"weights.{key}: unknown component — use one of {', '.join(COMPONENTS)}"
                )
            if value < 0:
                raise ValueError(f"weights.{key}: must be ≥ 0 — set a non-negative number")
        if sum(self.weights.values()) <= 0:
            raise ValueError("weights: all zero — give at least one component a positive weight")
        return self


class Ramp(_Section):
    """A deal signal: ``points`` at full strength, half at ``start``, full at ``full``."""

    points: float = Field(ge=0, le=100)
    start: float
    full: float

    @model_validator(mode="after")
    def _distinct(self) -> Ramp:
        if self.start == self.full:
            raise ValueError("full: must differ from start — set full beyond start")
        return self

    def strength(self, value: float) -> float:
        """0 before ``start``, then 0.5 rising linearly to 1 at ``full`` (either direction).

        >>> r = Ramp(points=10, start=14, full=28)
        >>> r.strength(10), r.strength(14), r.strength(21), r.strength(40)
        (0.0, 0.5, 0.75, 1.0)
        """
        span = self.full - self.start
        progress = (value - self.start) / span
        if progress < 0:
            return 0.0
        return 0.5 + 0.5 * min(1.0, progress)


class DealConfig(_Section):
    late_stage_fraction: float = Field(gt=0, le=1)
    late_stages: tuple[str, ...]
    medium: float = Field(ge=0, le=100)
    high: float = Field(ge=0, le=100)
    min_messages: int = Field(ge=2)
    recent_messages: int = Field(ge=1)
    departure_days: int = Field(ge=1)
    signals: dict[str, Ramp]

    @model_validator(mode="after")
    def _check(self) -> DealConfig:
        if self.medium >= self.high:
            raise ValueError(f"medium: must be below deals.high ({self.high}) — set medium < high")
        for key in self.signals:
            if key not in DEAL_SIGNALS:
                raise ValueError(
                    f"signals.{key}: unknown deal signal — use one of {', '.join(DEAL_SIGNALS)}"
                )
        return self

    def level(self, score: float) -> str:
        """``low`` / ``medium`` / ``high`` for a risk score."""
        if score >= self.high:
            return "high"
        return "medium" if score >= self.medium else "low"


class HealthConfig(_Section):
    version: int = Field(ge=1, le=1)
    bands: Bands
    sentiment: SentimentConfig
    trend: TrendConfig
    escalation: EscalationConfig
    curtness: CurtnessConfig
    surveys: SurveyConfig
    usage: UsageConfig
    engagement: EngagementConfig
    components: ComponentPoints
    outreach: OutreachConfig
    scorecards: dict[str, Scorecard]
    deals: DealConfig

    @model_validator(mode="before")
    @classmethod
    def _name_scorecards(cls, data: Any) -> Any:
        cards = data.get("scorecards") if isinstance(data, dict) else None
        if isinstance(cards, dict):
            for name, card in cards.items():
                if isinstance(card, dict):
                    card.setdefault("name", name)
        return data

    @model_validator(mode="after")
    def _has_default(self) -> HealthConfig:
        if "default" not in self.scorecards:
            raise ValueError(
                "scorecards: no [scorecards.default] — add one for accounts of no listed segment"
            )
        return self

    def scorecard_for(self, segment: str | None) -> Scorecard:
        """The scorecard listing ``segment`` (case-insensitive), else ``default``."""
        if segment:
            wanted = segment.strip().lower()
            for card in self.scorecards.values():
                if wanted in (s.lower() for s in card.segments):
                    return card
        return self.scorecards["default"]

    def bands_for(self, card: Scorecard) -> Bands:
        return card.bands or self.bands


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key != "weights":
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _explain(error: ValidationError, where: str) -> ConfigError:
    problems = []
    for item in error.errors(include_url=False):
        key = ".".join(str(p) for p in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            section = ".".join(str(p) for p in item["loc"][:-1]) or "the top level"
            problems.append(f"{key}: unknown key — remove it or check its spelling under {section}")
        elif item["type"] == "missing":
            problems.append(f"{key}: missing — add it (see docs/signals.md)")
        elif item["type"] == "value_error" and ":" in message:
            prefix = f"{key}." if key else ""
            problems.append(f"{prefix}{message}")
        else:
            problems.append(f"{key}: {message} — correct the value")
    return ConfigError(f"{where}: " + "; ".join(problems), code="E402")


@cache
def _defaults() -> dict[str, Any]:
    return parse_config(DEFAULT_PATH.read_text(encoding="utf-8"), str(DEFAULT_PATH), code="E402")


def load_config(path: Path | None = None, *, text: str | None = None) -> HealthConfig:
    """The shipped defaults, with ``path`` (TOML, or YAML by its extension) or TOML
    ``text`` merged over them."""
    where = "<text>" if text is not None else str(path or DEFAULT_PATH)
    data = json.loads(json.dumps(_defaults()))
    if path is not None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ConfigError(
                f"{path}: cannot read the health config ({exc.strerror}) — check the path",
                code="E403",
            ) from exc
        text = decode_config(raw, where, code="E402")
    if text is not None:
        data = _merge(data, parse_config(text, where, code="E402"))
    try:
        return HealthConfig.model_validate(data)
    except ValidationError as exc:
        raise _explain(exc, where) from None


def config_hash(config: HealthConfig) -> str:
    """A short fingerprint: a changed config means every account is recomputed."""
    return hashlib.sha256(config.model_dump_json().encode()).hexdigest()[:16]
