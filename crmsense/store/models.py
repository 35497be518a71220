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
    "Analysis",
    "ApiKey",
    "Base",
    "Call",
    "CallSegment",
    "Contact",
    "Deal",
    "Message",
    "Outcome",
    "Survey",
    "Usage",
]

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
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


class Contact(_Sourced, Base):
    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    role: Mapped[str | None] = mapped_column(String(60))
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


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
    thread_id: Mapped[str | None] = mapped_column(String(200))
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
    analysis is no longer current and is recomputed.
    """

    __tablename__ = "analyses"
    __table_args__ = (UniqueConstraint("subject_type", "subject_id", "engine"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(10))
    subject_id: Mapped[int] = mapped_column(Integer)
    engine: Mapped[str] = mapped_column(String(40))
    model_version: Mapped[str] = mapped_column(String(80))
    text_hash: Mapped[str] = mapped_column(String(32))
    label: Mapped[str | None] = mapped_column(String(10))
    score: Mapped[float | None] = mapped_column(Float)
    confidence: Mapped[float | None] = mapped_column(Float)
    unscored: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    reply_intent: Mapped[str | None] = mapped_column(String(30))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column()


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"))
    rule: Mapped[str] = mapped_column(String(80))
    severity: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(15), default="open")
    assignees: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    action: Mapped[str] = mapped_column(Text)
    reasons: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    dedupe_key: Mapped[str] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime] = mapped_column()
    due_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()
    status_reason: Mapped[str | None] = mapped_column(Text)


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
