"""Request and response schemas, kept apart from the tables.

Requests end in ``Request``; everything else is a response shape. Ids in paths and
bodies are the external ids people see (``acme``, ``d-acme-1``), except alerts, whose
ids are numbers.
"""

from __future__ import annotations

__all__ = [
    "AccountDetail",
    "AccountSummary",
    "AlertActionRequest",
    "AlertEvidence",
    "AlertOut",
    "AnalyzeBatchRequest",
    "AnalyzeRequest",
    "CallDetail",
    "CallSegmentOut",
    "CallSummary",
    "ChannelSeries",
    "ComponentOut",
    "ContactDetail",
    "ContactSummary",
    "DealDetail",
    "DealSignalOut",
    "DealSummary",
    "HealthPoint",
    "IngestResult",
    "Liveness",
    "MessageOut",
    "MetricsOut",
    "Page",
    "Readiness",
    "RecoveryPlanOut",
    "SeriesSummary",
    "SpanOut",
    "SurveyOut",
]

from datetime import date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field

from crmsense.analysis.types import Channel, SpeakerSentiment, Trajectory

T = TypeVar("T")
Topic = Annotated[str, Field(min_length=1, max_length=200)]
_CHANNEL = "email (read for its new text only), ticket, chat, social, note or survey."
Band = Literal["green", "yellow", "red"]
TrendDirection = Literal["improving", "stable", "declining"]
Policy = Literal["suppress", "standard", "advance"]
Severity = Literal["low", "moderate", "high"]
AlertStatus = Literal["queued", "open", "acknowledged", "resolved", "dismissed"]


# -- requests --------------------------------------------------------------------------------


class AnalyzeRequest(BaseModel):
    text: str = Field(max_length=2_000_000, description="The text to analyse.")
    subject: str | None = Field(None, max_length=1000)
    channel: Channel | None = Field(None, description=_CHANNEL)
    engine: str | None = Field(None, description="Engine name; default from settings.")
    topics: list[Topic] = Field(
        default_factory=list, max_length=50, description="Extra topics (keywords) to score."
    )


class AnalyzeBatchRequest(BaseModel):
    texts: list[str] = Field(min_length=1, max_length=1000)
    channel: Channel | None = Field(None, description=f"{_CHANNEL} Applies to every text.")
    engine: str | None = Field(None, description="Engine name; default from settings.")
    topics: list[Topic] = Field(
        default_factory=list, max_length=50, description="Extra topics to score in every text."
    )


class AlertActionRequest(BaseModel):
    reason: str | None = Field(
        None, max_length=2000, description="Why (e.g. why a dismissed alert was wrong)."
    )


# -- shared shapes -----------------------------------------------------------------------------


class Page(BaseModel, Generic[T]):
    """One page of a list: ``items``, the ``total`` matching, and the window asked for."""

    items: list[T]
    total: int
    limit: int
    offset: int


class Liveness(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready"]
    database: str = Field(description="The database backend: sqlite or postgresql.")


class IngestResult(BaseModel):
    accepted: dict[str, int] = Field(description="Distinct records stored, per type.")
    rejected: list[dict[str, object]]
    repeated: int = Field(
        0, description="Records that replaced an earlier one with the same id in this body."
    )


class SpanOut(BaseModel):
    """An evidence span: character offsets into the message text, and its signed weight."""

    start: int
    end: int
    weight: float


class MessageOut(BaseModel):
    """A message with its analysis (label and score are null until analysed)."""

    id: str
    timestamp: datetime
    channel: str
    direction: str
    subject: str | None
    text: str
    contact_id: str | None
    label: str | None
    score: float | None
    kind: str | None
    evidence: list[SpanOut]
    cited: bool = Field(description="Cited as evidence by the account's signals.")


class SurveyOut(BaseModel):
    id: str
    kind: str
    score: float
    comment: str | None
    timestamp: datetime
    contact_id: str | None


class SeriesSummary(BaseModel):
    """A sentiment series: message count, recency-weighted level and the trend."""

    n: int
    level: float | None
    direction: TrendDirection
    slope: float | None
    note: str


# -- alerts ------------------------------------------------------------------------------------


class AlertEvidence(BaseModel):
    message_id: str
    kind: str
    excerpt: str


class RecoveryPlanOut(BaseModel):
    status: str
    steps: list[Any]
    due_at: datetime | None
    closed_at: datetime | None
    outcome: str | None


class AlertOut(BaseModel):
    """An alert: who must do what by when, why, and its state."""

    id: int
    account_id: str
    account_name: str
    deal_id: str | None
    rule: str
    severity: Severity
    assignees: list[str] = Field(description="Roles, e.g. csm, account_executive.")
    owners: dict[str, str | None] = Field(description="Role → address (null: nobody).")
    action: str
    created_at: datetime
    due_at: datetime | None
    status: AlertStatus
    status_reason: str | None
    reasons: list[str]
    evidence: list[AlertEvidence]
    acknowledged_at: datetime | None
    closed_at: datetime | None
    updated_at: datetime
    recovery_plan: RecoveryPlanOut | None
    overdue: bool = Field(description="Still to act on and past its due time.")


class MetricsOut(BaseModel):
    """Alert metrics (see ``crmsense alerts metrics``) and stored rows per record type."""

    alerts: dict[str, Any]
    counts: dict[str, int]


# -- accounts ----------------------------------------------------------------------------------


class AccountSummary(BaseModel):
    """One portfolio row: the account's latest health snapshot (null fields: none yet)."""

    id: str
    name: str
    segment: str | None
    arr: float | None
    renewal_date: date | None
    owners: dict[str, Any]
    parent_id: str | None
    as_of: datetime | None
    health_score: float | None
    health_band: Band | None
    previous_score: float | None = Field(description="The score on the snapshot before.")
    sentiment_trend: TrendDirection | None
    trend_slope: float | None = Field(description="Sentiment change per 30 days.")
    outreach_policy: Policy | None
    open_alerts: int
    sparkline: list[float | None] = Field(
        description="Weekly mean sentiment over the trend window, oldest first."
    )


class ComponentOut(BaseModel):
    """One health-score input; a missing one has no value and no contribution."""

    name: str
    missing: bool
    value: float | None
    weight: float | None
    configured_weight: float
    contribution: float | None
    detail: str


class HealthPoint(BaseModel):
    day: date
    score: float | None
    band: Band | None


class ChannelSeries(BaseModel):
    """Weekly mean sentiment per channel: ``weeks`` are week ends, values align with them."""

    weeks: list[date]
    overall: list[float | None]
    channels: dict[str, list[float | None]]


class CallSummary(BaseModel):
    id: str
    timestamp: datetime
    title: str | None
    deal_id: str | None
    label: str | None
    score: float | None


class AccountDetail(AccountSummary):
    """Everything the account page shows."""

    domain: str | None
    scorecard: str | None
    components: list[ComponentOut]
    reasons: list[str]
    trend: SeriesSummary | None
    channel_trends: dict[str, SeriesSummary]
    history: list[HealthPoint] = Field(description="Health snapshots, oldest first.")
    series: ChannelSeries
    messages: list[MessageOut] = Field(description="The latest messages, newest first.")
    surveys: list[SurveyOut] = Field(description="NPS, CSAT and CES answers, oldest first.")
    alerts: list[AlertOut] = Field(description="Alerts still to act on.")
    calls: list[CallSummary]


# -- contacts ----------------------------------------------------------------------------------


class ContactSummary(BaseModel):
    id: str
    account_id: str
    name: str | None
    email: str | None
    role: str | None
    messages: int
    last_message_at: datetime | None


class ContactDetail(ContactSummary):
    sentiment: SeriesSummary | None
    curtness: dict[str, Any] | None = Field(
        description="Reply length, positive language and latency against the baseline."
    )
    surveys: list[SurveyOut]
    recent_messages: list[MessageOut]


# -- deals -------------------------------------------------------------------------------------


class DealSignalOut(BaseModel):
    name: str
    value: float | None
    points: float
    detail: str
    evidence: list[str] = Field(description="Message or call ids behind the signal.")


class DealSummary(BaseModel):
    """An open deal and its latest risk snapshot, riskiest first."""

    id: str
    account_id: str
    account_name: str
    name: str | None
    stage: str | None
    amount: float | None
    close_date: date | None
    owner: str | None
    as_of: datetime
    risk_score: float
    risk_level: Literal["low", "medium", "high"]
    late_stage: bool
    signals: list[DealSignalOut]


class DealDetail(DealSummary):
    evidence: list[MessageOut] = Field(description="The messages the signals cite.")
    calls: list[CallSummary]


# -- calls -------------------------------------------------------------------------------------


class CallSegmentOut(BaseModel):
    position: int
    speaker: str
    role: str
    start: float | None
    end: float | None
    text: str
    label: str | None
    score: float | None


class CallDetail(CallSummary):
    """A call: the transcript with per-segment sentiment, per speaker, and the trajectory."""

    account_id: str
    account_name: str
    contact_id: str | None
    confidence: float | None
    speakers: list[SpeakerSentiment]
    trajectory: Trajectory | None
    segments: list[CallSegmentOut]
