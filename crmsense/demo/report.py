"""The portfolio report the demo prints: one row per account, worst first.

Health (score, band), sentiment trend and outreach policy come from the signal snapshots of
the day (``None`` until signals are computed); open alerts are the account's queued, open
and acknowledged ones. Sentiment figures come from stored analyses of one engine, over
inbound conversational messages that were scored (transactional mail, auto-replies and
unscored texts never count). Worst first: lowest health, then lowest 90-day sentiment, then
lowest NPS; accounts without a figure come after those with one.

>>> from datetime import UTC
>>> from crmsense.store import open_database
>>> db = open_database("sqlite://"); db.migrate()
>>> portfolio_summary(db, datetime(2026, 11, 20, tzinfo=UTC), engine="rules.v1")
[]
"""

from __future__ import annotations

__all__ = ["AccountSummary", "portfolio_summary"]

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select

from crmsense.alerts.lifecycle import ACTIVE
from crmsense.signals.report import account_reports
from crmsense.store import models as m
from crmsense.store.db import Database
from crmsense.store.queries import current_analysis


@dataclass(frozen=True, slots=True)
class AccountSummary:
    """One account's line of the portfolio report."""

    id: str
    name: str
    arr: float | None
    renewal_date: date | None
    messages: int
    negative_share: float | None
    latest_nps: float | None
    sentiment_90d: float | None
    health_score: float | None = None
    health_band: str | None = None
    trend: str | None = None
    policy: str | None = None
    open_alerts: int = 0


def portfolio_summary(db: Database, as_of: datetime, engine: str) -> list[AccountSummary]:
    """Every account as of ``as_of``, worst first (lowest 90-day sentiment, then NPS)."""
    acc, msg, survey, an = m.Account, m.Message, m.Survey, m.Analysis
    with db.engine.connect() as conn:
        counts: dict[int, int] = {
            account_id: count for account_id, count in conn.execute(
                select(msg.account_id, func.count()).where(msg.timestamp <= as_of)
                .group_by(msg.account_id)
            )
        }  # fmt: skip
        nps: dict[int, float] = {}
        for account_id, score in conn.execute(
            select(survey.account_id, survey.score)
            .where(survey.kind == "nps", survey.timestamp <= as_of)
            .order_by(survey.timestamp, survey.id)
        ):
            nps[account_id] = score
        recent = msg.timestamp > as_of - timedelta(days=90)
        sentiment: dict[int, tuple[float | None, float | None]] = {
            account_id: (share, mean) for account_id, share, mean in conn.execute(
                select(
                    msg.account_id,
                    func.avg(case((an.label == "negative", 1.0), else_=0.0)),
                    func.avg(case((recent, an.score), else_=None)),
                )
                .join(an, current_analysis("message", msg.__table__, engine))  # type: ignore[arg-type]
                .where(an.unscored.is_(None), an.kind == "conversational",
                       msg.direction == "inbound", msg.timestamp <= as_of)
                .group_by(msg.account_id)
            )
        }  # fmt: skip
        accounts = conn.execute(
            select(acc.id, acc.external_id, acc.name, acc.arr, acc.renewal_date)
        ).all()
        alerts: dict[int, int] = {
            account_id: count for account_id, count in conn.execute(
                select(m.Alert.account_id, func.count())
                .where(m.Alert.status.in_(ACTIVE)).group_by(m.Alert.account_id)
            )
        }  # fmt: skip
    health = {r["account_id"]: r for r in account_reports(db, as_of.date())}
    out = [
        AccountSummary(
            id=external_id, name=name, arr=arr, renewal_date=renewal, messages=counts.get(pk, 0),
            negative_share=sentiment.get(pk, (None, None))[0], latest_nps=nps.get(pk),
            sentiment_90d=sentiment.get(pk, (None, None))[1],
            health_score=health.get(external_id, {}).get("health_score"),
            health_band=health.get(external_id, {}).get("health_band"),
            trend=health.get(external_id, {}).get("sentiment_trend"),
            policy=health.get(external_id, {}).get("outreach_policy"),
            open_alerts=alerts.get(pk, 0),
        )
        for pk, external_id, name, arr, renewal in accounts
    ]  # fmt: skip
    return sorted(out, key=lambda a: (
        a.health_score is None, a.health_score or 0.0,
        a.sentiment_90d is None, a.sentiment_90d or 0.0,
        a.latest_nps is None, a.latest_nps or 0.0, a.name,
    ))  # fmt: skip
