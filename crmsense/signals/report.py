"""Reading stored snapshots back as the JSON objects ``crmsense accounts`` / ``deals`` print."""

from __future__ import annotations

__all__ = [
    "account_history",
    "account_reports",
    "deal_reports",
    "message_excerpts",
    "unanalysed_count",
]

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from crmsense.store import models as m
from crmsense.store.db import Database
from crmsense.store.models import table_of as _t
from crmsense.store.queries import current_analysis


def _iso(value: Any) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def account_reports(
    db: Database, day: date, only: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """One object per account with a snapshot on ``day``, by account id."""
    h, acc = _t(m.HealthSnapshot), _t(m.Account)
    parent = aliased(m.Account)
    prev_day = (
        select(h.c.account_id, func.max(h.c.day).label("day"))
        .where(h.c.day < day)
        .group_by(h.c.account_id)
        .subquery()
    )
    prev = h.alias("prev")
    query = (
        select(
            h,
            acc.c.external_id,
            acc.c.name,
            acc.c.segment,
            acc.c.arr,
            parent.external_id.label("parent"),
            prev.c.score.label("prev_score"),
            prev.c.band.label("prev_band"),
            prev.c.as_of.label("prev_as_of"),
        )
        .join(acc, acc.c.id == h.c.account_id)
        .outerjoin(parent, parent.id == acc.c.parent_id)
        .outerjoin(prev_day, prev_day.c.account_id == h.c.account_id)
        .outerjoin(prev, (prev.c.account_id == h.c.account_id) & (prev.c.day == prev_day.c.day))
        .where(h.c.day == day)
        .order_by(acc.c.external_id)
    )
    if only:
        query = query.where(acc.c.external_id.in_(list(only)))
    with db.engine.connect() as conn:
        rows = conn.execute(query).all()
    out = []
    for r in rows:
        overall = r.signals["sentiment"]["overall"]
        out.append(
            {
                "account_id": r.external_id,
                "name": r.name,
                "segment": r.segment,
                "arr": r.arr,
                "parent_id": r.parent,
                "as_of": _iso(r.as_of),
                "health_score": r.score,
                "health_band": r.band,
                "own_health_score": r.own_score,
                "scorecard": r.scorecard,
                "components": r.components,
                "sentiment_trend": r.trend,
                "trend_slope": r.slope,
                "trend_t": r.trend_t,
                "trend_messages": overall["trend"]["n"],
                "sentiment_level": overall["level"],
                "outreach_policy": r.policy,
                "suppressed_since": _iso(r.suppressed_since),
                "reasons": r.reasons,
                "previous": None
                if r.prev_as_of is None
                else {
                    "as_of": _iso(r.prev_as_of),
                    "health_score": r.prev_score,
                    "health_band": r.prev_band,
                },
                "signals": r.signals,
            }
        )
    return out


def deal_reports(db: Database, day: date) -> list[dict[str, Any]]:
    """One object per open deal with a snapshot on ``day``, riskiest first."""
    s, deal, acc = _t(m.DealRiskSnapshot), _t(m.Deal), _t(m.Account)
    query = (
        select(
            s,
            deal.c.external_id.label("deal"),
            deal.c.name,
            deal.c.stage,
            deal.c.amount,
            deal.c.owner,
            acc.c.external_id.label("account"),
        )
        .join(deal, deal.c.id == s.c.deal_id)
        .join(acc, acc.c.id == s.c.account_id)
        .where(s.c.day == day, deal.c.status == "open")
        .order_by(s.c.score.desc(), deal.c.external_id)
    )
    with db.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        {
            "deal_id": r.deal,
            "account_id": r.account,
            "name": r.name,
            "stage": r.stage,
            "late_stage": r.late_stage,
            "amount": r.amount,
            "owner": r.owner,
            "as_of": _iso(r.as_of),
            "risk_score": r.score,
            "risk_level": r.level,
            "signals": r.signals,
            "measured": r.measured,
        }
        for r in rows
    ]


def account_history(db: Database, account: str, limit: int = 12) -> list[dict[str, Any]]:
    """The account's latest snapshots, newest first: day, score, band, trend, policy."""
    h, acc = _t(m.HealthSnapshot), _t(m.Account)
    query = (
        select(h.c.day, h.c.score, h.c.band, h.c.trend, h.c.slope, h.c.policy)
        .join(acc, acc.c.id == h.c.account_id)
        .where(acc.c.external_id == account)
        .order_by(h.c.day.desc())
        .limit(limit)
    )
    with db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def message_excerpts(
    db: Database, ids: Sequence[str], engine: str, width: int = 120
) -> dict[str, dict[str, Any]]:
    """Time, channel, ``engine``'s current score and the first ``width`` characters of
    messages."""
    msg, a = _t(m.Message), _t(m.Analysis)
    joined = current_analysis("message", msg, engine)
    query = (
        select(
            msg.c.external_id,
            msg.c.timestamp,
            msg.c.channel,
            func.substr(msg.c.text, 1, width),
            a.c.score,
        )
        .select_from(msg.outerjoin(a, joined))
        .where(msg.c.external_id.in_(list(ids)))
    )
    with db.engine.connect() as conn:
        return {
            ext: {"at": _iso(ts), "channel": channel, "excerpt": text, "score": score}
            for ext, ts, channel, text, score in conn.execute(query)
        }


def unanalysed_count(db: Database, engine: str) -> int:
    """Messages with no current analysis by ``engine``: never analysed, or analysed before
    their text changed (they do not count towards any signal)."""
    msg, a = _t(m.Message), _t(m.Analysis)
    joined = current_analysis("message", msg, engine)
    query = select(func.count()).select_from(msg.outerjoin(a, joined)).where(a.c.id.is_(None))
    with db.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())
