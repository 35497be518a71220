"""Accounts: the portfolio (latest health snapshot per account) and one account in full."""

from __future__ import annotations

__all__ = ["SORTS", "AccountFilter", "account_detail", "account_page", "channel_series"]

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Connection, Text, case, cast, func, select
from sqlalchemy.orm import aliased

from crmsense.alerts.lifecycle import ACTIVE
from crmsense.api.queries.alerts import AlertFilter, alert_page
from crmsense.api.queries.calls import call_summaries
from crmsense.api.queries.common import (
    cited_ids,
    latest_per,
    message_outs,
    messages_query,
    row_id,
    series_summary,
    survey_outs,
    t,
)
from crmsense.api.schemas import (
    AccountDetail,
    AccountSummary,
    ChannelSeries,
    ComponentOut,
    HealthPoint,
    Page,
)
from crmsense.store import models as m
from crmsense.store.db import Database

WEEK = 7 * 86_400.0
#: Sort keys of the portfolio (see :func:`account_page`).
SORTS = ("name", "score", "band", "trend", "policy", "alerts", "arr", "renewal")
_BAND_RANK = {"red": 0, "yellow": 1, "green": 2}


@dataclass(frozen=True, slots=True)
class AccountFilter:
    """Portfolio filters; empty fields do not filter. ``owner`` matches any owner role."""

    owner: str | None = None
    segment: str | None = None
    band: str | None = None
    policy: str | None = None


def _portfolio_query(f: AccountFilter) -> tuple[Any, dict[str, Any]]:
    acc, h, alert = t(m.Account), t(m.HealthSnapshot), t(m.Alert)
    latest = latest_per(h, "account_id")
    prev = h.alias("prev")
    prev_day = (
        select(h.c.account_id.label("key"), func.max(h.c.day).label("day"))
        .join(latest, latest.c.key == h.c.account_id)
        .where(h.c.day < latest.c.day)
        .group_by(h.c.account_id)
        .subquery()
    )
    alerts = (
        select(alert.c.account_id.label("key"), func.count().label("n"))
        .where(alert.c.status.in_(ACTIVE))
        .group_by(alert.c.account_id)
        .subquery()
    )
    parent = aliased(acc)
    open_alerts = func.coalesce(alerts.c.n, 0)
    query = (
        select(
            acc.c.id,
            acc.c.external_id,
            acc.c.name,
            acc.c.segment,
            acc.c.arr,
            acc.c.renewal_date,
            acc.c.owners,
            parent.c.external_id.label("parent"),
            h.c.as_of,
            h.c.score,
            h.c.band,
            h.c.trend,
            h.c.slope,
            h.c.policy,
            prev.c.score.label("prev_score"),
            open_alerts.label("open_alerts"),
        )
        .select_from(acc)
        .outerjoin(parent, parent.c.id == acc.c.parent_id)
        .outerjoin(latest, latest.c.key == acc.c.id)
        .outerjoin(h, (h.c.account_id == acc.c.id) & (h.c.day == latest.c.day))
        .outerjoin(prev_day, prev_day.c.key == acc.c.id)
        .outerjoin(prev, (prev.c.account_id == acc.c.id) & (prev.c.day == prev_day.c.day))
        .outerjoin(alerts, alerts.c.key == acc.c.id)
    )
    if f.owner:
        owners = func.lower(cast(acc.c.owners, Text))
        query = query.where(owners.contains(json.dumps(f.owner.strip().lower()), autoescape=True))
    if f.segment:
        query = query.where(acc.c.segment == f.segment)
    if f.band:
        query = query.where(h.c.band == f.band)
    if f.policy:
        query = query.where(h.c.policy == f.policy)
    orders = {
        "name": func.lower(acc.c.name),
        "score": h.c.score,
        "band": case(_BAND_RANK, value=h.c.band, else_=3),
        "trend": h.c.slope,
        "policy": h.c.policy,
        "alerts": open_alerts,
        "arr": acc.c.arr,
        "renewal": acc.c.renewal_date,
    }
    return query, orders


def _sparkline(signals: dict[str, Any]) -> list[float | None]:
    return [w["mean"] for w in signals["sentiment"]["weekly"]] if signals else []


def _sparklines(conn: Connection, keys: list[int]) -> dict[int, list[float | None]]:
    h = t(m.HealthSnapshot)
    latest = latest_per(h, "account_id")
    rows = conn.execute(
        select(h.c.account_id, h.c.signals)
        .join(latest, (latest.c.key == h.c.account_id) & (latest.c.day == h.c.day))
        .where(h.c.account_id.in_(keys))
    )
    return {key: _sparkline(signals) for key, signals in rows}


def _summary(r: Any, sparkline: list[float | None]) -> AccountSummary:
    return AccountSummary(
        id=r.external_id,
        name=r.name,
        segment=r.segment,
        arr=r.arr,
        renewal_date=r.renewal_date,
        owners=r.owners or {},
        parent_id=r.parent,
        as_of=r.as_of,
        health_score=r.score,
        health_band=r.band,
        previous_score=r.prev_score,
        sentiment_trend=r.trend,
        trend_slope=r.slope,
        outreach_policy=r.policy,
        open_alerts=r.open_alerts,
        sparkline=sparkline,
    )


def account_page(
    db: Database,
    f: AccountFilter,
    sort: str = "score",
    descending: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> Page[AccountSummary]:
    """One page of the portfolio, sorted by ``sort`` (one of :data:`SORTS`; nulls last)."""
    query, orders = _portfolio_query(f)
    key = orders[sort]
    order = key.desc() if descending else key.asc()
    acc = t(m.Account)
    with db.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        rows = conn.execute(
            query.order_by(order.nulls_last(), acc.c.external_id).limit(limit).offset(offset)
        ).all()
        lines = _sparklines(conn, [r.id for r in rows]) if rows else {}
    items = [_summary(r, lines.get(r.id, [])) for r in rows]
    return Page[AccountSummary](items=items, total=total, limit=limit, offset=offset)


def channel_series(
    conn: Connection, key: int, engine: str, as_of: datetime, days: float = 90.0
) -> ChannelSeries:
    """Weekly mean sentiment per channel over ``days`` before ``as_of``, from the very
    statements the account's sentiment signal reads (confidence-weighted)."""
    from crmsense.signals.config import load_config
    from crmsense.signals.load import load_accounts
    from crmsense.signals.series import observations

    cfg = load_config().sentiment
    end = as_of.timestamp()
    data = load_accounts(conn, [key], engine=engine, start=as_of - timedelta(days=days), end=as_of)
    obs = observations(data[key], end, cfg) if key in data else None
    weeks = int(np.ceil(days / 7))
    ends = [(as_of - timedelta(weeks=k)).date() for k in range(weeks - 1, -1, -1)]

    def weekly(mask: np.ndarray) -> list[float | None]:
        assert obs is not None
        age = ((end - obs.t[mask]) // WEEK).astype(int)
        score, weight = obs.score[mask], obs.weight[mask]
        out: list[float | None] = []
        for k in range(weeks - 1, -1, -1):
            sel = age == k
            out.append(
                round(float(weight[sel] @ score[sel] / weight[sel].sum()), 3) if sel.any() else None
            )
        return out

    if obs is None or not len(obs.t):
        empty: list[float | None] = [None] * weeks
        return ChannelSeries(weeks=ends, overall=empty, channels={})
    channels = np.array(obs.channel)
    return ChannelSeries(
        weeks=ends,
        overall=weekly(np.ones(len(obs.t), dtype=bool)),
        channels={name: weekly(channels == name) for name in sorted(set(obs.channel))},
    )


def _components(components: dict[str, Any]) -> list[ComponentOut]:
    return [
        ComponentOut(
            name=name,
            missing=bool(c.get("missing")),
            value=c.get("value"),
            weight=c.get("weight"),
            configured_weight=c["configured_weight"],
            contribution=c.get("contribution"),
            detail=c.get("detail") or c.get("reason", ""),
        )
        for name, c in components.items()
    ]


def account_detail(db: Database, account: str, messages: int = 30) -> AccountDetail | None:
    """Everything about one account (None if unknown): the latest snapshot's breakdown,
    reasons and trends, health history, weekly sentiment per channel over 90 days, the
    latest messages with their evidence spans, surveys, alerts to act on and calls."""
    from crmsense.signals.compute import resolve_engine

    engine = resolve_engine(db, None)
    acc, h, msg, s = t(m.Account), t(m.HealthSnapshot), t(m.Message), t(m.Survey)
    with db.engine.connect() as conn:
        key = row_id(conn, m.Account, account)
        if key is None:
            return None
        summary, _ = _portfolio_query(AccountFilter())
        row = conn.execute(summary.where(acc.c.id == key)).one()
        snap = conn.execute(
            select(h).where(h.c.account_id == key).order_by(h.c.day.desc()).limit(1)
        ).first()
        history = [
            HealthPoint(day=d, score=score, band=band)
            for d, score, band in conn.execute(
                select(h.c.day, h.c.score, h.c.band)
                .where(h.c.account_id == key)
                .order_by(h.c.day.desc())
                .limit(180)
            )
        ][::-1]
        as_of = snap.as_of if snap is not None else datetime.now(UTC)
        signals = snap.signals if snap is not None else {}
        page = _summary(row, _sparkline(signals))
        cited = cited_ids(signals)
        recent = message_outs(
            conn,
            messages_query(engine)
            .where(msg.c.account_id == key, msg.c.timestamp <= as_of)
            .order_by(msg.c.timestamp.desc(), msg.c.id.desc())
            .limit(messages),
            cited,
        )
        series = channel_series(conn, key, engine, as_of)
        surveys = survey_outs(conn, [s.c.account_id == key])
        calls = call_summaries(conn, t(m.Call).c.account_id == key, engine)
        domain = conn.execute(select(acc.c.domain).where(acc.c.id == key)).scalar()
    alerts = alert_page(db, AlertFilter(account=account), limit=100).items
    sentiment = signals.get("sentiment", {})
    return AccountDetail(
        **page.model_dump(),
        domain=domain,
        scorecard=snap.scorecard if snap is not None else None,
        components=_components(snap.components) if snap is not None else [],
        reasons=list(snap.reasons) if snap is not None else [],
        trend=series_summary(sentiment.get("overall")),
        channel_trends={
            name: summary
            for name, value in sentiment.get("channels", {}).items()
            if (summary := series_summary(value)) is not None
        },
        history=history,
        series=series,
        messages=recent,
        surveys=surveys,
        alerts=alerts,
        calls=calls,
    )
