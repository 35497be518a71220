"""Reading the signals ``crmsense run`` stored (health and deal-risk snapshots) into facts.

The only place alerts read signal tables: when the signals' storage changes, only this
module changes. A snapshot counts when it was computed for a time at or before the
as-of time, so replaying history gives the facts of that moment.
"""

from __future__ import annotations

__all__ = ["health_history", "load", "tables"]

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, and_, func, select

from crmsense.alerts.facts import AccountFacts, DealFacts, HealthFacts, Ref, excerpt
from crmsense.store import models as m
from crmsense.store.models import table_of as _t

#: How far back band, trend and risk-level runs are traced.
HISTORY = timedelta(days=400)


def tables() -> dict[str, Table]:
    """The signal tables (name → table) whose new rows mark an account as touched."""
    return {"health_snapshots": _t(m.HealthSnapshot), "deal_risk_snapshots": _t(m.DealRiskSnapshot)}


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _since(history: Sequence[tuple[date, datetime, Any]]) -> datetime:
    """When the newest value's run began: ``history`` is (day, as_of, value), newest first."""
    current, since = history[0][2], history[0][1]
    for _, at, value in history[1:]:
        if value != current:
            break
        since = at
    return since


def _histories(
    conn: Connection, table: Table, key: Any, columns: Sequence[str], ids: Sequence[int],
    as_of: datetime,
) -> dict[int, list[tuple[Any, ...]]]:  # fmt: skip
    """Per key, its snapshots at or before ``as_of`` (newest first): (day, as_of, *columns)."""
    out: dict[int, list[tuple[Any, ...]]] = {}
    rows = conn.execute(
        select(key, table.c.day, table.c.as_of, *(table.c[c] for c in columns))
        .where(key.in_(list(ids)), table.c.as_of <= as_of, table.c.as_of > as_of - HISTORY)
        .order_by(key, table.c.day.desc())
    )  # fmt: skip
    for row in rows:
        out.setdefault(row[0], []).append(tuple(row[1:]))
    return out


def _health(
    conn: Connection, facts: dict[int, AccountFacts], as_of: datetime
) -> dict[int, HealthFacts]:
    h = _t(m.HealthSnapshot)
    histories = _histories(conn, h, h.c.account_id, ("id", "band", "trend"), list(facts), as_of)
    latest_ids = {hist[0][2]: key for key, hist in histories.items()}
    if not latest_ids:
        return {}
    rows = conn.execute(
        select(h.c.id, h.c.as_of, h.c.score, h.c.band, h.c.trend, h.c.slope, h.c.policy,
               h.c.reasons, h.c.signals, h.c.components).where(h.c.id.in_(list(latest_ids)))
    )  # fmt: skip
    out: dict[int, HealthFacts] = {}
    for row in rows:
        key = latest_ids[row.id]
        hist = histories[key]
        previous = hist[1] if len(hist) > 1 else None
        signals = row.signals or {}
        escalation = signals.get("escalation") or {}
        unanswered = tuple(
            (u["id"], when) for u in escalation.get("unanswered") or []
            if isinstance(u, dict) and (when := _when(u.get("since"))) is not None
        )  # fmt: skip
        policy_reason = next((r.split(": ", 1)[1] for r in row.reasons or []
                              if r.startswith("outreach ") and ": " in r), "")  # fmt: skip
        out[key] = HealthFacts(
            at=row.as_of, score=row.score, band=row.band, trend=row.trend, slope=row.slope,
            policy=row.policy, policy_reason=policy_reason,
            band_since=_since([(d, at, band) for d, at, _, band, _ in hist]),
            trend_since=_since([(d, at, trend) for d, at, _, _, trend in hist]),
            previous_band=previous[3] if previous else None,
            inputs=sum(isinstance(c, dict) and not c.get("missing")
                       for c in (row.components or {}).values()),
            escalating=bool(escalation.get("escalating")) or bool(
                escalation.get("worsening_threads")),
            major_escalation=bool(escalation.get("major")),
            escalation_evidence=tuple(escalation.get("evidence") or ()),
            unanswered=unanswered,
            trend_evidence=tuple((signals.get("sentiment") or {}).get("evidence") or ()),
            reasons=tuple(row.reasons or ()),
        )  # fmt: skip
    return out


def _deals(
    conn: Connection, facts: dict[int, AccountFacts], as_of: datetime
) -> dict[int, list[DealFacts]]:
    deal, risk = _t(m.Deal), _t(m.DealRiskSnapshot)
    open_deals = conn.execute(
        select(deal.c.id, deal.c.account_id, deal.c.external_id, deal.c.name, deal.c.owner,
               deal.c.stage)
        .where(deal.c.account_id.in_(list(facts)), deal.c.status == "open")
        .order_by(deal.c.id)
    ).all()  # fmt: skip
    if not open_deals:
        return {}
    histories = _histories(conn, risk, risk.c.deal_id, ("id", "level"),
                           [d.id for d in open_deals], as_of)  # fmt: skip
    latest = {hist[0][2]: key for key, hist in histories.items()}
    snapshots = {
        latest[row.id]: row
        for row in conn.execute(
            select(risk.c.id, risk.c.score, risk.c.level, risk.c.signals)
            .where(risk.c.id.in_(list(latest)))
        )
    } if latest else {}  # fmt: skip
    out: dict[int, list[DealFacts]] = {}
    for d in open_deals:
        snap = snapshots.get(d.id)
        signals: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
        if snap is not None:
            signals = tuple(
                (s["name"], s.get("detail") or s["name"], tuple(s.get("evidence") or ()))
                for s in snap.signals or [] if isinstance(s, dict) and s.get("points", 1) > 0
            )  # fmt: skip
        since = _since([(day, at, level) for day, at, _, level in histories[d.id]]
                       ) if d.id in histories else None  # fmt: skip
        out.setdefault(d.account_id, []).append(DealFacts(
            key=d.id, id=d.external_id, name=d.name, owner=d.owner, stage=d.stage,
            risk_score=snap.score if snap is not None else None,
            risk_level=snap.level if snap is not None else None,
            level_since=since, signals=signals,
        ))  # fmt: skip
    return out


def _cited(facts: AccountFacts) -> Iterable[str]:
    h = facts.health
    if h is not None:
        yield from h.escalation_evidence
        yield from h.trend_evidence
        yield from (i for i, _ in h.unanswered)
    for d in facts.deals:
        for _, _, ids in d.signals:
            yield from ids


def _excerpts(conn: Connection, facts: dict[int, AccountFacts]) -> None:
    """Refs for message and call ids the signals cite that the facts do not hold yet."""
    wanted = {(key, i) for key, f in facts.items() for i in _cited(f) if i not in f.refs}
    if not wanted:
        return
    ids = sorted({i for _, i in wanted})
    msg, call = _t(m.Message), _t(m.Call)
    for table, text, kind in ((msg, func.substr(msg.c.text, 1, 800), "message"),
                              (call, call.c.title, "call")):  # fmt: skip
        for start in range(0, len(ids), 500):
            rows = conn.execute(
                select(table.c.account_id, table.c.external_id, table.c.timestamp, text)
                .where(and_(table.c.external_id.in_(ids[start : start + 500]),
                            table.c.account_id.in_(list(facts))))
            )  # fmt: skip
            for account, ext, t, body in rows:
                if (account, ext) in wanted:
                    facts[account].refs.setdefault(ext, Ref(ext, t, excerpt(body), kind))


def load(conn: Connection, facts: dict[int, AccountFacts], as_of: datetime) -> None:
    """Add health, escalation, trend and deal-risk facts (and cited excerpts) to ``facts``."""
    for key, health in _health(conn, facts, as_of).items():
        facts[key].health = health
    for key, deals in _deals(conn, facts, as_of).items():
        facts[key].deals = deals
    _excerpts(conn, facts)


def health_history(
    conn: Connection, keys: Sequence[int], as_of: datetime
) -> dict[int, list[tuple[datetime, float | None]]]:
    """Per account, its health scores (as-of time, score) up to ``as_of``, oldest first."""
    h = _t(m.HealthSnapshot)
    out: dict[int, list[tuple[datetime, float | None]]] = {}
    for start in range(0, len(keys), 500):
        rows = conn.execute(
            select(h.c.account_id, h.c.as_of, h.c.score)
            .where(h.c.account_id.in_(list(keys[start : start + 500])), h.c.as_of <= as_of)
            .order_by(h.c.account_id, h.c.as_of)
        )  # fmt: skip
        for key, at, score in rows:
            out.setdefault(key, []).append((at, score))
    return out
