"""Deals: open deals ranked by their latest risk snapshot, and one deal with its evidence."""

from __future__ import annotations

__all__ = ["DealFilter", "deal_detail", "deal_page"]

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from crmsense.api.queries.calls import call_summaries
from crmsense.api.queries.common import latest_per, message_outs, messages_query, row_id, t
from crmsense.api.schemas import DealDetail, DealSignalOut, DealSummary, Page
from crmsense.store import models as m
from crmsense.store.db import Database


@dataclass(frozen=True, slots=True)
class DealFilter:
    """Deal filters; empty fields do not filter."""

    level: str | None = None
    owner: str | None = None
    account: str | None = None


def _query() -> Any:
    s, deal, acc = t(m.DealRiskSnapshot), t(m.Deal), t(m.Account)
    latest = latest_per(s, "deal_id")
    return (
        select(
            deal.c.id,
            deal.c.external_id,
            deal.c.name,
            deal.c.stage,
            deal.c.amount,
            deal.c.close_date,
            deal.c.owner,
            acc.c.external_id.label("account"),
            acc.c.name.label("account_name"),
            s.c.as_of,
            s.c.score,
            s.c.level,
            s.c.late_stage,
            s.c.signals,
        )
        .select_from(deal)
        .join(acc, acc.c.id == deal.c.account_id)
        .join(latest, latest.c.key == deal.c.id)
        .join(s, (s.c.deal_id == deal.c.id) & (s.c.day == latest.c.day))
        .where(deal.c.status == "open")
    )


def _summary(r: Any) -> dict[str, Any]:
    return {
        "id": r.external_id,
        "account_id": r.account,
        "account_name": r.account_name,
        "name": r.name,
        "stage": r.stage,
        "amount": r.amount,
        "close_date": r.close_date,
        "owner": r.owner,
        "as_of": r.as_of,
        "risk_score": r.score,
        "risk_level": r.level,
        "late_stage": r.late_stage,
        "signals": [
            DealSignalOut(name=x["name"], value=x["value"], points=x["points"],
                          detail=x["detail"], evidence=x["evidence"])
            for x in r.signals
        ],
    }  # fmt: skip


def deal_page(db: Database, f: DealFilter, limit: int = 50, offset: int = 0) -> Page[DealSummary]:
    """Open deals with a risk snapshot, riskiest first."""
    s, deal, acc = t(m.DealRiskSnapshot), t(m.Deal), t(m.Account)
    query = _query()
    if f.level:
        query = query.where(s.c.level == f.level)
    if f.owner:
        query = query.where(func.lower(deal.c.owner) == f.owner.strip().lower())
    if f.account:
        query = query.where(acc.c.external_id == f.account)
    with db.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        rows = conn.execute(
            query.order_by(s.c.score.desc(), deal.c.external_id).limit(limit).offset(offset)
        ).all()
    items = [DealSummary(**_summary(r)) for r in rows]
    return Page[DealSummary](items=items, total=total, limit=limit, offset=offset)


def _evidence(conn: Connection, ids: list[str], engine: str) -> Any:
    msg = t(m.Message)
    query = messages_query(engine).where(msg.c.external_id.in_(ids))
    return message_outs(conn, query.order_by(msg.c.timestamp.desc()), ids)


def deal_detail(db: Database, deal_id: str) -> DealDetail | None:
    """One open deal with its risk signals, the messages they cite and its calls."""
    from crmsense.signals.compute import resolve_engine

    engine = resolve_engine(db, None)
    deal = t(m.Deal)
    with db.engine.connect() as conn:
        key = row_id(conn, m.Deal, deal_id)
        row = None if key is None else conn.execute(_query().where(deal.c.id == key)).first()
        if key is None or row is None:
            return None
        summary = _summary(row)
        cited = sorted({i for x in summary["signals"] for i in x.evidence})
        evidence = _evidence(conn, cited, engine)
        calls = call_summaries(conn, t(m.Call).c.deal_id == key, engine)
    return DealDetail(**summary, evidence=evidence, calls=calls)
