"""Read-side queries shared by the CLI, the API and reports."""

from __future__ import annotations

__all__ = ["record_counts"]

from sqlalchemy import func, select

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
