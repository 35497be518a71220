"""Set-based reads: one query per table for a batch of accounts, analyses joined in.

Messages are read once, joined to their current analysis by one engine (same
``text_hash``), with the few analysis fields signals need pulled out of the JSON payload
by the database, and two text tests done there too: follow-up wording ("still waiting",
"any update?") on inbound messages and urgency wording ("when can we get started?") on
deal replies. Message bodies never leave the database.
"""

from __future__ import annotations

__all__ = ["FOLLOW_UP", "URGENCY", "history_days", "load_accounts"]

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, false, func, or_, select

from crmsense.signals.config import HealthConfig
from crmsense.signals.data import (
    AccountData,
    ActivityRow,
    CallRow,
    DealRow,
    MessageRow,
    SurveyRow,
    UsageRow,
)
from crmsense.store import models as m
from crmsense.store.models import table_of as _t
from crmsense.store.queries import current_analysis

#: Inbound wording that chases an earlier request (matched case-insensitively).
FOLLOW_UP = (
    "still waiting",
    "any update",
    "any news",
    "following up",
    "follow up on",
    "follow-up on",
    "chasing",
    "heard back",
    "still no ",
    "still not resolved",
    "still have not",
    "still haven",
    "when can we expect",
    "status update",
    "circling back",
    "bumping this",
)
#: Prospect wording that shows urgency to buy.
URGENCY = (
    "get started",
    "asap",
    "as soon as possible",
    "this week",
    "by end of",
    "by the end of",
    "deadline",
    "go live",
    "go-live",
    "kick off",
    "kick-off",
    "next steps",
    "ready to sign",
    "send the contract",
    "send over the contract",
    "send the order form",
    "urgent",
    "when can we",
    "how soon",
    "start date",
    "move forward",
)

#: An urgency emotion this strong reads as full urgency (engines score urgency low).
URGENCY_FULL = 0.3
_CHUNK = 500


def history_days(cfg: HealthConfig) -> float:
    """How far back any signal reads."""
    return max(
        cfg.sentiment.lookback_days,
        cfg.curtness.recent_days + cfg.curtness.baseline_days,
        cfg.escalation.window_days,
        cfg.surveys.window_days,
        cfg.usage.window_days,
        cfg.trend.window_days,
    )


def _contains_any(column: Any, phrases: Sequence[str], dialect: str) -> ColumnElement[bool]:
    # SQLite's LIKE ignores ASCII case already; ILIKE would wrap both sides in lower().
    if dialect == "postgresql":
        return or_(*(column.ilike(f"%{p}%") for p in phrases))
    return or_(*(column.like(f"%{p}%") for p in phrases))


def _names(text: str | None) -> tuple[str, ...]:
    """A JSON array of names as read from the payload (most are empty)."""
    return () if not text or text == "[]" else tuple(json.loads(text))


def _ts(value: datetime) -> float:
    return value.timestamp()


def _day(value: date) -> float:
    return datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp()


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start : start + _CHUNK])


def _scored(
    score: float | None, confidence: float | None, unscored: str | None
) -> tuple[float | None, float]:
    """An analysis' score (None when absent or unscored) and its confidence (1 by default)."""
    if score is None or unscored is not None:
        return None, 1.0
    return float(score), 1.0 if confidence is None else float(confidence)


def _messages(
    conn: Connection, ids: list[int], engine: str, start: datetime, end: datetime
) -> Iterable[tuple[int, MessageRow]]:
    msg, a = _t(m.Message), _t(m.Analysis)
    contact, deal = _t(m.Contact), _t(m.Deal)
    dialect = conn.dialect.name
    payload = a.c.payload
    inbound = msg.c.direction == "inbound"
    query = (
        select(
            msg.c.account_id,
            msg.c.external_id,
            msg.c.timestamp,
            msg.c.channel,
            inbound,
            contact.c.external_id,
            deal.c.external_id,
            msg.c.thread_id,
            msg.c.ticket_id,
            msg.c.ticket_priority,
            func.length(msg.c.text),
            case((inbound, _contains_any(msg.c.text, FOLLOW_UP, dialect)), else_=false()),
            case(
                (
                    and_(inbound, msg.c.deal_id.isnot(None)),
                    _contains_any(msg.c.text, URGENCY, dialect),
                ),
                else_=false(),
            ),
            msg.c.auto_reply,
            a.c.kind,
            a.c.score,
            a.c.confidence,
            a.c.unscored,
            a.c.reply_intent,
            payload[("emotions", "satisfaction")].as_float(),
            payload[("emotions", "enthusiasm")].as_float(),
            payload[("emotions", "urgency")].as_float(),
            payload["competitors"].as_string(),
            payload["risks"].as_string(),
        )
        .select_from(
            msg.outerjoin(a, current_analysis("message", msg, engine))
            .outerjoin(contact, contact.c.id == msg.c.contact_id)
            .outerjoin(deal, deal.c.id == msg.c.deal_id)
        )
        .where(msg.c.account_id.in_(ids), msg.c.timestamp > start, msg.c.timestamp <= end)
        .order_by(msg.c.account_id, msg.c.timestamp, msg.c.id)
    )
    for row in conn.execute(query):
        (
            account,
            ext,
            ts,
            channel,
            is_in,
            contact_id,
            deal_id,
            thread,
            ticket,
            priority,
            length,
            followup,
            urgent,
            auto,
            kind,
            score,
            confidence,
            unscored,
            intent,
            satisfaction,
            enthusiasm,
            urgency,
            competitors,
            risks,
        ) = row
        value, weight = _scored(score, confidence, unscored)
        positive = None if kind is None else max(satisfaction or 0.0, enthusiasm or 0.0)
        urgency_level = None if kind is None else min(1.0, (urgency or 0.0) / URGENCY_FULL)
        yield (
            account,
            MessageRow(
                id=ext,
                t=_ts(ts),
                channel=channel,
                inbound=bool(is_in),
                contact=contact_id,
                deal=deal_id,
                thread=thread,
                ticket=ticket,
                priority=priority,
                length=length or 0,
                followup=bool(followup),
                auto_reply=bool(auto),
                kind=kind,
                score=value,
                confidence=weight,
                positive=positive,
                urgency=1.0 if urgent else urgency_level,
                intent=intent,
                competitors=_names(competitors),
                # the array's JSON text: no need to parse it for one kind's name
                departure=bool(risks) and '"contact_leaving"' in risks,
            ),
        )


def _calls(
    conn: Connection, ids: list[int], engine: str, start: datetime, end: datetime
) -> Iterable[tuple[int, CallRow]]:
    call, a = _t(m.Call), _t(m.Analysis)
    contact, deal = _t(m.Contact), _t(m.Deal)
    payload = a.c.payload
    query = (
        select(
            call.c.account_id,
            call.c.external_id,
            call.c.timestamp,
            deal.c.external_id,
            contact.c.external_id,
            a.c.score,
            a.c.confidence,
            a.c.unscored,
            payload[("call", "trajectory", "objection_raised")].as_boolean(),
            payload[("call", "trajectory", "objection_resolved")].as_boolean(),
            payload["competitors"].as_string(),
        )
        .select_from(
            call.outerjoin(a, current_analysis("call", call, engine))
            .outerjoin(contact, contact.c.id == call.c.contact_id)
            .outerjoin(deal, deal.c.id == call.c.deal_id)
        )
        .where(call.c.account_id.in_(ids), call.c.timestamp > start, call.c.timestamp <= end)
        .order_by(call.c.account_id, call.c.timestamp, call.c.id)
    )
    for row in conn.execute(query):
        (
            account,
            ext,
            ts,
            deal_id,
            contact_id,
            score,
            confidence,
            unscored,
            raised,
            resolved,
            competitors,
        ) = row
        value, weight = _scored(score, confidence, unscored)
        yield (
            account,
            CallRow(
                id=ext,
                t=_ts(ts),
                deal=deal_id,
                contact=contact_id,
                score=value,
                confidence=weight,
                objection_raised=bool(raised),
                objection_resolved=resolved,
                competitors=_names(competitors),
            ),
        )


def _surveys(
    conn: Connection, ids: list[int], engine: str, start: datetime, end: datetime
) -> Iterable[tuple[int, SurveyRow]]:
    survey, a, contact = _t(m.Survey), _t(m.Analysis), _t(m.Contact)
    query = (
        select(
            survey.c.account_id,
            survey.c.external_id,
            survey.c.timestamp,
            survey.c.kind,
            survey.c.score,
            contact.c.external_id,
            survey.c.respondent_email,
            a.c.score,
            a.c.unscored,
        )
        .select_from(
            survey.outerjoin(a, current_analysis("survey", survey, engine)).outerjoin(
                contact, contact.c.id == survey.c.contact_id
            )
        )
        .where(survey.c.account_id.in_(ids), survey.c.timestamp > start, survey.c.timestamp <= end)
        .order_by(survey.c.account_id, survey.c.timestamp, survey.c.id)
    )
    for account, ext, ts, kind, score, contact_id, email, verbatim, unscored in conn.execute(query):
        yield (
            account,
            SurveyRow(
                id=ext,
                t=_ts(ts),
                kind=kind,
                score=float(score),
                respondent=contact_id or email,
                verbatim=_scored(verbatim, None, unscored)[0],
            ),
        )


def load_accounts(
    conn: Connection, ids: Sequence[int], *, engine: str, start: datetime, end: datetime
) -> dict[int, AccountData]:
    """Every listed account's rows timestamped in ``(start, end]``, keyed by account row id."""
    out: dict[int, AccountData] = {}
    acc, usage, act, deal = _t(m.Account), _t(m.Usage), _t(m.Activity), _t(m.Deal)
    for chunk in _chunks(sorted(ids)):
        for key, ext, name, segment, arr, parent in conn.execute(
            select(
                acc.c.id, acc.c.external_id, acc.c.name, acc.c.segment, acc.c.arr, acc.c.parent_id
            ).where(acc.c.id.in_(chunk))
        ):
            out[key] = AccountData(key, ext, name, segment, arr, parent)
        for account, row in _messages(conn, chunk, engine, start, end):
            out[account].messages.append(row)
        for account, call in _calls(conn, chunk, engine, start, end):
            out[account].calls.append(call)
        for account, survey in _surveys(conn, chunk, engine, start, end):
            out[account].surveys.append(survey)
        first_day = (start - timedelta(days=1)).date()
        for account, day, active, licensed in conn.execute(
            select(usage.c.account_id, usage.c.date, usage.c.active_users, usage.c.licensed_users)
            .where(
                usage.c.account_id.in_(chunk), usage.c.date >= first_day, usage.c.date <= end.date()
            )
            .order_by(usage.c.account_id, usage.c.date)
        ):
            out[account].usage.append(UsageRow(_day(day), active, licensed))
        for account, kind, ts in conn.execute(
            select(act.c.account_id, act.c.kind, act.c.timestamp)
            .where(act.c.account_id.in_(chunk), act.c.timestamp <= end)
            .order_by(act.c.account_id, act.c.timestamp)
        ):
            out[account].activities.append(ActivityRow(_ts(ts), kind))
        for deal_row in conn.execute(
            select(
                deal.c.account_id,
                deal.c.external_id,
                deal.c.name,
                deal.c.stage,
                deal.c.stage_index,
                deal.c.stage_count,
                deal.c.status,
                deal.c.owner,
                deal.c.amount,
                deal.c.id,
            )
            .where(deal.c.account_id.in_(chunk))
            .order_by(deal.c.id)
        ):
            out[deal_row[0]].deals.append(DealRow(*deal_row[1:]))
    return out
