"""Contacts: who the account's people are, and how each one's tone is moving."""

from __future__ import annotations

__all__ = ["contact_detail", "contact_page"]

from typing import Any

from sqlalchemy import func, select

from crmsense.api.queries.common import (
    latest_per,
    message_outs,
    messages_query,
    row_id,
    series_summary,
    survey_outs,
    t,
)
from crmsense.api.schemas import ContactDetail, ContactSummary, Page
from crmsense.store import models as m
from crmsense.store.db import Database


def _query() -> Any:
    contact, acc, msg = t(m.Contact), t(m.Account), t(m.Message)
    stats = (
        select(
            msg.c.contact_id.label("key"),
            func.count().label("n"),
            func.max(msg.c.timestamp).label("last"),
        )
        .where(msg.c.contact_id.isnot(None))
        .group_by(msg.c.contact_id)
        .subquery()
    )
    return (
        select(
            contact.c.id,
            contact.c.external_id,
            acc.c.external_id.label("account"),
            contact.c.name,
            contact.c.email,
            contact.c.role,
            func.coalesce(stats.c.n, 0).label("messages"),
            stats.c.last,
        )
        .select_from(contact)
        .join(acc, acc.c.id == contact.c.account_id)
        .outerjoin(stats, stats.c.key == contact.c.id)
    )


def _summary(r: Any) -> dict[str, Any]:
    return {
        "id": r.external_id,
        "account_id": r.account,
        "name": r.name,
        "email": r.email,
        "role": r.role,
        "messages": r.messages,
        "last_message_at": r.last,
    }


def contact_page(
    db: Database, account: str | None = None, q: str | None = None, limit: int = 50,
    offset: int = 0,
) -> Page[ContactSummary]:  # fmt: skip
    """Contacts by account and name; ``q`` matches name or e-mail (case-insensitive)."""
    contact, acc = t(m.Contact), t(m.Account)
    query = _query()
    if account:
        query = query.where(acc.c.external_id == account)
    if q:
        needle = q.strip().lower()
        query = query.where(
            func.lower(contact.c.name).contains(needle, autoescape=True)
            | func.lower(contact.c.email).contains(needle, autoescape=True)
        )
    with db.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        rows = conn.execute(
            query.order_by(acc.c.external_id, contact.c.name, contact.c.id)
            .limit(limit)
            .offset(offset)
        ).all()
    items = [ContactSummary(**_summary(r)) for r in rows]
    return Page[ContactSummary](items=items, total=total, limit=limit, offset=offset)


def contact_detail(db: Database, contact_id: str, messages: int = 20) -> ContactDetail | None:
    """One contact (None if unknown): their sentiment series and curtness from the
    account's latest snapshot, their survey answers and latest messages."""
    from crmsense.signals.compute import resolve_engine

    engine = resolve_engine(db, None)
    contact, h, msg, s = t(m.Contact), t(m.HealthSnapshot), t(m.Message), t(m.Survey)
    with db.engine.connect() as conn:
        key = row_id(conn, m.Contact, contact_id)
        if key is None:
            return None
        row = conn.execute(_query().where(contact.c.id == key)).one()
        latest = latest_per(h, "account_id")
        signals = conn.execute(
            select(h.c.signals)
            .join(latest, (latest.c.key == h.c.account_id) & (latest.c.day == h.c.day))
            .where(h.c.account_id == select(contact.c.account_id).where(contact.c.id == key)
                   .scalar_subquery())
        ).scalar() or {}  # fmt: skip
        recent = message_outs(
            conn,
            messages_query(engine)
            .where(msg.c.contact_id == key)
            .order_by(msg.c.timestamp.desc(), msg.c.id.desc())
            .limit(messages),
        )
        surveys = survey_outs(conn, [s.c.contact_id == key])
    curtness = next(
        (c for c in signals.get("curtness", {}).get("contacts", []) if c["contact"] == contact_id),
        None,
    )
    return ContactDetail(
        **_summary(row),
        sentiment=series_summary(signals.get("sentiment", {}).get("contacts", {}).get(contact_id)),
        curtness=curtness,
        surveys=surveys,
        recent_messages=recent,
    )
