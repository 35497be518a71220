"""Read-side queries shared by the CLI, the API and reports."""

from __future__ import annotations

__all__ = ["edited_accounts", "record_counts"]

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select

from crmsense.store import models as m
from crmsense.store.db import Database

_COUNTED = {
    "account": m.Account,
    "contact": m.Contact,
    "deal": m.Deal,
    "message": m.Message,
    "call": m.Call,
    "survey": m.Survey,
    "usage": m.Usage,
    "activity": m.Activity,
    "outcome": m.Outcome,
    "analysis": m.Analysis,
    "alert": m.Alert,
}


def record_counts(db: Database) -> dict[str, int]:
    """Rows per record type, e.g. ``{"account": 3, "message": 120, …}``."""
    with db.engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(model)).scalar_one()
            for name, model in _COUNTED.items()
        }


def edited_accounts(since: datetime) -> list[Select[Any]]:
    """Selects of the account ids whose account, contact or deal rows an import wrote at or
    after ``since`` (for incremental recomputation; combine them with ``union``)."""
    account = m.Account.__table__.c
    selects: list[Select[Any]] = [select(account.id).where(account.updated_at >= since)]
    for model in (m.Contact, m.Deal):
        table = model.__table__.c
        selects.append(select(table.account_id).where(table.updated_at >= since))
    return selects
