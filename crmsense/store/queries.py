"""Read-side queries shared by the CLI, the API and reports."""

from __future__ import annotations

__all__ = [
    "current_analysis",
    "edited_accounts",
    "id_marks",
    "record_counts",
    "touched_account_selects",
]

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, Table, and_, func, select

from crmsense.store import models as m
from crmsense.store.db import Database
from crmsense.store.models import table_of as _t

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


def current_analysis(subject: str, table: Table, engine: str) -> ColumnElement[bool]:
    """Join condition: a ``subject`` row of ``table`` to its current analysis by ``engine``
    (made from the text as it is now: the same ``text_hash``)."""
    a = _t(m.Analysis).c
    return and_(
        a.subject_type == subject,
        a.subject_id == table.c.id,
        a.engine == engine,
        a.text_hash == table.c.text_hash,
    )


def id_marks(conn: Connection, models: Mapping[str, type[m.Base]]) -> dict[str, int]:
    """The highest row id of each named table (0 when empty), in one statement."""
    maxima = [select(func.max(_t(model).c.id)).scalar_subquery() for model in models.values()]
    row = conn.execute(select(*maxima)).one()
    return {name: int(value or 0) for name, value in zip(models, row, strict=True)}


def edited_accounts(since: datetime) -> list[Select[Any]]:
    """Selects of the account ids whose account, contact or deal rows an import wrote at or
    after ``since`` (for incremental recomputation; combine them with ``union``)."""
    account = m.Account.__table__.c
    selects: list[Select[Any]] = [select(account.id).where(account.updated_at >= since)]
    for model in (m.Contact, m.Deal):
        table = model.__table__.c
        selects.append(select(table.account_id).where(table.updated_at >= since))
    return selects


def touched_account_selects(
    marks: Mapping[str, Any],
    since: datetime,
    *,
    marked: Mapping[str, type[m.Base]],
    analysed: Mapping[str, type[m.Base]],
) -> list[Select[Any]]:
    """Selects of the account ids touched since a run that saw ``marks`` (:func:`id_marks`)
    and started at ``since``: rows of the ``marked`` tables (name → model with an
    ``account_id``) above their mark, accounts above the ``"accounts"`` mark, accounts,
    contacts and deals edited (:func:`edited_accounts`), and analyses written of the
    ``analysed`` subjects (subject type → model). Combine them with ``union``."""
    selects: list[Select[Any]] = [
        select(_t(model).c.account_id).where(_t(model).c.id > int(marks.get(name, 0)))
        for name, model in marked.items()
    ]
    account = _t(m.Account).c
    selects.append(select(account.id).where(account.id > int(marks.get("accounts", 0))))
    selects += edited_accounts(since)
    a = _t(m.Analysis)
    for subject, model in analysed.items():
        table = _t(model)
        selects.append(
            select(table.c.account_id)
            .select_from(a.join(table, table.c.id == a.c.subject_id))
            .where(a.c.subject_type == subject, a.c.created_at >= since)
        )
    return selects
