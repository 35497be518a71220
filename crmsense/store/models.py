"""The tables. Every imported row keeps its origin as ``(source, external_id)``.

``source`` names where a record came from ("local" for files, or a connector name such
as "hubspot"); ``external_id`` is the id in that source. Both together are unique, which
is what makes re-importing idempotent. Records without an id (usage, activities,
outcomes) are unique by their natural key instead.
"""

from __future__ import annotations

__all__ = [
    "Account",
    "Activity",
    "Alert",
    "AlertDelivery",
    "AlertRun",
    "Analysis",
    "ApiKey",
    "Base",
    "Call",
    "CallSegment",
    "ConnectorCursor",
    "ConnectorLink",
    "Contact",
    "Deal",
    "DealRiskSnapshot",
    "HealthSnapshot",
    "Message",
    "Outcome",
    "RecoveryPlan",
    "SignalState",
    "Survey",
    "Usage",
    "WebhookDelivery",
    "table_of",
]

from datetime import date, datetime
from typing import Any, ClassVar, cast

from sqlalchemy import (
    JSON,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from crmsense.store.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


def table_of(model: type[Base]) -> Table:
    """The Core table behind a mapped class (for set-based queries)."""
    return cast(Table, model.__table__)


class _Sourced:
    """Origin of an imported row."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40), default="local")
    external_id: Mapped[str] = mapped_column(String(200))


class Account(_Sourced, Base):
    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    name: Mapped[str] = mapped_column(String(300))
    arr: Mapped[float | None] = mapped_column(Float)
    segment: Mapped[str | None] = mapped_column(String(60))
    owners: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    renewal_date: Mapped[date | None] = mapped_column(Date)
    domain: Mapped[str | None] = mapped_column(String(200), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime | None] = mapped_column()


class Contact(_Sourced, Base):
    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    role: Mapped[str | None] = mapped_column(String(60))
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime | None] = mapped_column()


class Deal(_Sourced, Base):
    __tablename__ = "deals"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(300))
    stage: Mapped[str | None] = mapped_column(String(100))
    stage_index: Mapped[int | None] = mapped_column(Integer)
    stage_count: Mapped[int | None] = mapped_column(Integer)
    amount: Mapped[float | None] = mapped_column(Float)
    close_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    owner: Mapped[str | None] = mapped_column(String(320))
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime | None] = mapped_column()


class Message(_Sourced, Base):
    """E-mails, tickets, chat, social mentions and notes: one row per message."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_messages_account_ts", "account_id", "timestamp"),
    )

    channel: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str] = mapped_column(String(10), default="inbound")
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"), index=True)
    thread_id: Mapped[str | None] = mapped_column(String(200), index=True)
    ticket_id: Mapped[str | None] = mapped_column(String(200))
    ticket_priority: Mapped[str | None] = mapped_column(String(20))
    timestamp: Mapped[datetime] = mapped_column()
    subject: Mapped[str | None] = mapped_column(String(1000))
    text: Mapped[str] = mapped_column(Text)
    sender: Mapped[str | None] = mapped_column(String(320))
    auto_reply: Mapped[bool] = mapped_column(default=False)
    text_hash: Mapped[str] = mapped_column(String(32))
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Call(_Sourced, Base):
    __tablename__ = "calls"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_calls_account_ts", "account_id", "timestamp"),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    timestamp: Mapped[datetime] = mapped_column()
    title: Mapped[str | None] = mapped_column(String(500))
    text_hash: Mapped[str] = mapped_column(String(32))
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class CallSegment(Base):
    __tablename__ = "call_segments"
    __table_args__ = (UniqueConstraint("call_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    start: Mapped[float | None] = mapped_column(Float)
    end: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)


class Survey(_Sourced, Base):
    """NPS (0–10), CSAT (1–5) and CES (1–7) responses with their verbatim."""

    __tablename__ = "surveys"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_surveys_account_ts", "account_id", "timestamp"),
    )

    kind: Mapped[str] = mapped_column(String(10))
    score: Mapped[float] = mapped_column(Float)
    comment: Mapped[str | None] = mapped_column(Text)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    respondent_email: Mapped[str | None] = mapped_column(String(320))
    timestamp: Mapped[datetime] = mapped_column()
    text_hash: Mapped[str] = mapped_column(String(32))
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Usage(Base):
    __tablename__ = "usage"
    __table_args__ = (UniqueConstraint("account_id", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    date: Mapped[date] = mapped_column(Date)
    active_users: Mapped[int] = mapped_column(Integer)
    licensed_users: Mapped[int | None] = mapped_column(Integer)


class Activity(Base):
    """Customer-success touches: CSM calls, meetings, QBRs, recovery conversations."""

    __tablename__ = "activities"
    __table_args__ = (UniqueConstraint("account_id", "kind", "timestamp"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    kind: Mapped[str] = mapped_column(String(40))
    timestamp: Mapped[datetime] = mapped_column()
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    note: Mapped[str | None] = mapped_column(Text)


class Outcome(Base):
    __tablename__ = "outcomes"
    __table_args__ = (UniqueConstraint("account_id", "kind", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    kind: Mapped[str] = mapped_column(String(20))
    date: Mapped[date] = mapped_column(Date)


class Analysis(Base):
    """One engine's analysis of one message, call or survey comment.

    ``text_hash`` is the subject's hash when analysed: when the text changes, the
    analysis is no longer current and is recomputed; so when ``model_version`` or
    ``analyzer`` change (``Analyzer.fingerprint`` in :mod:`crmsense.analysis.analyzer`:
    the analyzer's version and its competitor and topic settings).
    """

    __tablename__ = "analyses"
    __table_args__ = (UniqueConstraint("subject_type", "subject_id", "engine"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(10))
    subject_id: Mapped[int] = mapped_column(Integer)
    engine: Mapped[str] = mapped_column(String(40))
    model_version: Mapped[str] = mapped_column(String(80))
    analyzer: Mapped[str | None] = mapped_column(String(40))
    text_hash: Mapped[str] = mapped_column(String(32))
    label: Mapped[str | None] = mapped_column(String(10))
    score: Mapped[float | None] = mapped_column(Float)
    confidence: Mapped[float | None] = mapped_column(Float)
    unscored: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    reply_intent: Mapped[str | None] = mapped_column(String(30))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column()


_ACTIVE_ALERT = text("status IN ('queued', 'open', 'acknowledged')")


class Alert(Base):
    """A rule's alert on an account (or deal): queued → open → acknowledged → resolved,
    or dismissed as a false positive. ``assignees``: role → address (null when the
    account has nobody in that role); ``owner`` is the first resolved address, whose daily
    budget the alert counts against. ``anchor_at``: when the triggering event happened."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_status_due", "status", "due_at"),
        Index("ix_alerts_owner_opened", "owner", "opened_at"),
        # one active alert per dedupe key, even when a run and a webhook race
        Index(
            "ux_alerts_active_dedupe_key",
            "dedupe_key",
            unique=True,
            sqlite_where=_ACTIVE_ALERT,
            postgresql_where=_ACTIVE_ALERT,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"))
    rule: Mapped[str] = mapped_column(String(80))
    severity: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(15), default="open")
    assignees: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    action: Mapped[str] = mapped_column(Text)
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    dedupe_key: Mapped[str] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime] = mapped_column()
    due_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()
    status_reason: Mapped[str | None] = mapped_column(Text)
    anchor_at: Mapped[datetime | None] = mapped_column()
    opened_at: Mapped[datetime | None] = mapped_column()
    acknowledged_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    owner: Mapped[str | None] = mapped_column(String(320))
    confidence: Mapped[float | None] = mapped_column(Float)
    context: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class RecoveryPlan(Base):
    """The recovery plan a high-severity alert opens; it follows the alert to resolution."""

    __tablename__ = "recovery_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    steps: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column()
    due_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(Text)


class AlertDelivery(Base):
    """The outbox and delivery log: one alert event for one sink, retried until sent.

    ``log`` records every attempt (time, result); ``status`` is pending, sent or failed
    (attempts exhausted — kept, and retried on request)."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (Index("ix_alert_deliveries_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    sink: Mapped[str] = mapped_column(String(40))
    event: Mapped[str] = mapped_column(String(30))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    log: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column()
    delivered_at: Mapped[datetime | None] = mapped_column()


class AlertRun(Base):
    """One alert evaluation: its as-of time, what it saw (``marks``) and what it did."""

    __tablename__ = "alert_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    as_of: Mapped[datetime] = mapped_column()
    started_at: Mapped[datetime] = mapped_column()
    finished_at: Mapped[datetime] = mapped_column()
    mode: Mapped[str] = mapped_column(String(12))
    marks: Mapped[dict[str, Any]] = mapped_column(JSON)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)


class ApiKey(Base):
    """An API key: only its id and SHA-256 hash are stored, never the key itself."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[str] = mapped_column(String(100))
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()


class ConnectorCursor(Base):
    """Where the last pull of one CRM object stopped; a sync resumes from here."""

    __tablename__ = "connector_cursors"
    __table_args__ = (UniqueConstraint("connector", "object_type"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    connector: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    cursor: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column()


class ConnectorLink(Base):
    """A task or note crmsense wrote to a CRM: its key here → its id there."""

    __tablename__ = "connector_links"
    __table_args__ = (UniqueConstraint("connector", "kind", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    connector: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(200))
    external_id: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column()


class WebhookDelivery(Base):
    """A webhook delivery already accepted; a second one with the same key is a replay."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("provider", "delivery_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider: Mapped[str] = mapped_column(String(40))
    delivery_key: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column()


class HealthSnapshot(Base):
    """One account's health, trend, policy and signals for one day (the day's last run).

    ``score`` is what is reported (ARR-weighted over descendants for a parent account);
    ``own_score`` is the account's own. ``signals`` holds every signal as JSON.
    """

    __tablename__ = "health_snapshots"
    __table_args__ = (
        UniqueConstraint("account_id", "day"),
        Index("ix_health_snapshots_day", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    day: Mapped[date] = mapped_column(Date)
    as_of: Mapped[datetime] = mapped_column()
    score: Mapped[float | None] = mapped_column(Float)
    own_score: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(10))
    scorecard: Mapped[str] = mapped_column(String(60))
    components: Mapped[dict[str, Any]] = mapped_column(JSON)
    trend: Mapped[str] = mapped_column(String(10))
    slope: Mapped[float | None] = mapped_column(Float)
    trend_t: Mapped[float | None] = mapped_column(Float)
    policy: Mapped[str] = mapped_column(String(10))
    suppressed_since: Mapped[datetime | None] = mapped_column()
    reasons: Mapped[list[Any]] = mapped_column(JSON)
    signals: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column()


class DealRiskSnapshot(Base):
    """One open deal's risk score, level and contributing signals for one day."""

    __tablename__ = "deal_risk_snapshots"
    __table_args__ = (
        UniqueConstraint("deal_id", "day"),
        Index("ix_deal_risk_snapshots_day", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    as_of: Mapped[datetime] = mapped_column()
    score: Mapped[float] = mapped_column(Float)
    level: Mapped[str] = mapped_column(String(10))
    late_stage: Mapped[bool] = mapped_column()
    signals: Mapped[list[Any]] = mapped_column(JSON)
    measured: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column()


class SignalState(Base):
    """Where the last signal computation stopped: what it saw, so the next one recomputes
    only the accounts touched since (``marks``: the highest row id per table)."""

    __tablename__ = "signal_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    as_of: Mapped[datetime] = mapped_column()
    engine: Mapped[str] = mapped_column(String(40))
    config_hash: Mapped[str] = mapped_column(String(32))
    marks: Mapped[dict[str, Any]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column()


#: Signals find re-analysed subjects (an analysis upsert keeps its id) by this time.
Index("ix_analyses_created_at", Analysis.created_at)
