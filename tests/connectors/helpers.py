"""Rows the push tests need (alerts, analyses), written as the alerts/analysis code would."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select, update

from crmsense.connectors.base import as_datetime
from crmsense.connectors.state import load_cursor
from crmsense.connectors.sync import pull
from crmsense.store import models as m
from crmsense.store.db import Database

NOW = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)


def pull_holding_the_cursor(
    db: Database, crm: Any, objects: list[str], cursor: tuple[str, str], warning: str,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    """Pull ``objects`` and check that the saved ``(connector, object)`` cursor is not later
    than the pull's start and that the future-time ``warning`` was logged."""
    started = datetime.now(UTC)
    caplog.set_level(logging.WARNING, logger="crmsense.connectors")
    pull(db, crm, objects=objects)
    held = as_datetime(load_cursor(db, *cursor)["since"])
    assert held is not None and held <= started
    assert warning in caplog.text


def stored_ids(db: Database, model: Any) -> list[str]:
    """The external ids of every stored row of ``model``, sorted."""
    with db.session() as s:
        return sorted(s.scalars(select(model.external_id)).all())


def pk(db: Database, model: Any, source: str, external_id: str) -> int:
    with db.engine.connect() as conn:
        return int(
            conn.execute(
                select(model.id).where(model.source == source, model.external_id == external_id)
            ).scalar_one()
        )


def add_alert(
    db: Database,
    source: str,
    account: str,
    *,
    deal: str | None = None,
    severity: str = "moderate",
    rule: str = "detractor_follow_up",
) -> int:
    row = {
        "account_id": pk(db, m.Account, source, account),
        "deal_id": pk(db, m.Deal, source, deal) if deal else None,
        "rule": rule,
        "severity": severity,
        "status": "open",
        "assignees": {"csm": "dana@vendor.example"},
        "action": "Contact this customer within 24 hours",
        "reasons": {"items": ["NPS 3 from a decision maker"]},
        "evidence": {"items": [{"message_id": "e1011", "excerpt": "We still cannot log in"}]},
        "dedupe_key": f"{source}:{account}:{rule}",
        "created_at": NOW,
        "due_at": NOW + timedelta(days=1),
        "updated_at": NOW,
    }
    with db.engine.begin() as conn:
        return int(conn.execute(insert(m.Alert).values(**row)).inserted_primary_key[0])


def set_alert_status(db: Database, alert_id: int, status: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(update(m.Alert).where(m.Alert.id == alert_id).values(status=status))


def add_analysis(db: Database, source: str, message: str, label: str) -> None:
    row = {
        "subject_type": "message",
        "subject_id": pk(db, m.Message, source, message),
        "engine": "rules.v1",
        "model_version": "test",
        "text_hash": "x",
        "label": label,
        "score": -0.8 if label == "negative" else 0.5,
        "confidence": 0.9,
        "kind": "conversational",
        "payload": {},
        "created_at": NOW,
    }
    with db.engine.begin() as conn:
        conn.execute(insert(m.Analysis).values(**row))


def add_health(
    db: Database, source: str, account: str, day: int, score: float, band: str, trend: str
) -> None:
    when = NOW - timedelta(days=10 - day)
    row = {
        "account_id": pk(db, m.Account, source, account),
        "day": when.date(),
        "as_of": when,
        "score": score,
        "own_score": score,
        "band": band,
        "scorecard": "default",
        "components": {},
        "trend": trend,
        "slope": None,
        "trend_t": None,
        "policy": "standard",
        "suppressed_since": None,
        "reasons": [],
        "signals": {},
        "computed_at": when,
    }
    with db.engine.begin() as conn:
        conn.execute(insert(m.HealthSnapshot).values(**row))


def add_deal_risk(db: Database, source: str, deal: str, day: int, score: float) -> None:
    when = NOW - timedelta(days=10 - day)
    deal_pk = pk(db, m.Deal, source, deal)
    with db.engine.connect() as conn:
        account_pk = conn.execute(select(m.Deal.account_id).where(m.Deal.id == deal_pk)).scalar()
    row = {
        "deal_id": deal_pk,
        "account_id": account_pk,
        "day": when.date(),
        "as_of": when,
        "score": score,
        "level": "high" if score >= 70 else "low",
        "late_stage": True,
        "signals": [],
        "measured": {},
        "computed_at": when,
    }
    with db.engine.begin() as conn:
        conn.execute(insert(m.DealRiskSnapshot).values(**row))
