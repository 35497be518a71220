"""Computing every account's and open deal's signals for an as-of time, and storing them.

Snapshots are kept per account (and per deal) per day: the day's last computation
wins, earlier days stay as history. Runs are incremental: ``signal_state`` remembers
the day, engine, configuration and the highest row id of every input table that the
last run saw, and the analyses written since it started. On the same day with the same
engine and configuration, only the accounts touched since — a new message, call,
survey, usage row, activity, deal or account, or a (re-)analysis — are recomputed,
together with their parent accounts for the ARR roll-up. A new day, another engine, a
changed configuration or ``full=True`` recomputes everything. Edits to existing
account, contact or deal records count as touches too (their ``updated_at``).
"""

from __future__ import annotations

__all__ = ["RunReport", "compute_signals", "resolve_engine"]

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, func, or_, select, union, update
from sqlalchemy.dialects import postgresql, sqlite

from crmsense.signals.assess import Assessment, assess, plain
from crmsense.signals.config import HealthConfig, config_hash, load_config
from crmsense.signals.health import rollup
from crmsense.signals.load import history_days, load_accounts
from crmsense.signals.outreach import Policy
from crmsense.store import models as m
from crmsense.store.db import Database
from crmsense.store.models import table_of as _t
from crmsense.store.queries import id_marks, touched_account_selects
from crmsense.store.types import to_utc

Progress = Callable[[int, int | None], None]
STATE = "signals"
#: Input tables whose new rows mark their account as touched.
_MARKED: dict[str, type[m.Base]] = {
    "messages": m.Message,
    "calls": m.Call,
    "surveys": m.Survey,
    "usage": m.Usage,
    "activities": m.Activity,
    "deals": m.Deal,
}
_COUNTED: dict[str, type[m.Base]] = {**_MARKED, "accounts": m.Account}
_SUBJECTS: dict[str, type[m.Base]] = {"message": m.Message, "call": m.Call, "survey": m.Survey}


@dataclass(frozen=True, slots=True)
class RunReport:
    """What a computation did: ``mode`` full or incremental, how many accounts and deals."""

    as_of: datetime
    mode: str
    engine: str
    accounts: int
    deals: int
    seconds: float


def resolve_engine(db: Database, engine: str | None) -> str:
    """The engine whose analyses signals read: the one given, else the last run's, else
    the engine with the most stored analyses, else the configured default."""
    if engine:
        return engine
    state, a = _t(m.SignalState), _t(m.Analysis)
    with db.engine.connect() as conn:
        last = conn.execute(select(state.c.engine).where(state.c.name == STATE)).scalar()
        if last:
            return str(last)
        most = conn.execute(
            select(a.c.engine).group_by(a.c.engine).order_by(func.count().desc()).limit(1)
        ).scalar()
    if most:
        return str(most)
    from crmsense.settings import get_settings

    return get_settings().engine


def _insert(conn: Connection) -> Any:
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def _upsert(
    conn: Connection, table: Table, rows: list[dict[str, Any]], keys: Sequence[str]
) -> None:
    if not rows:
        return
    stmt = _insert(conn)(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys), set_={c: stmt.excluded[c] for c in rows[0] if c not in keys}
    )
    conn.execute(stmt, rows)


def _families(conn: Connection) -> tuple[dict[int, int | None], dict[int, float | None]]:
    """Parent links and the ARR of every account in a parent/child family."""
    acc = _t(m.Account)
    parents = select(acc.c.parent_id).where(acc.c.parent_id.isnot(None))
    parent: dict[int, int | None] = {}
    arr: dict[int, float | None] = {}
    for key, up, value in conn.execute(
        select(acc.c.id, acc.c.parent_id, acc.c.arr).where(
            or_(acc.c.parent_id.isnot(None), acc.c.id.in_(parents))
        )
    ):
        arr[key] = value
        if up is not None:
            parent[key] = up
    return parent, arr


def _with_relatives(touched: set[int], parent: dict[int, int | None]) -> set[int]:
    """``touched`` plus every ancestor (their roll-up changes with a child)."""
    out = set(touched)
    for key in touched:
        seen = {key}
        node = parent.get(key)
        while node is not None and node not in seen:
            out.add(node)
            seen.add(node)
            node = parent.get(node)
    return out


def _previous_policies(conn: Connection, ids: list[int], day: date) -> dict[int, Policy]:
    h = _t(m.HealthSnapshot)
    last = (
        select(h.c.account_id, func.max(h.c.day).label("day"))
        .where(h.c.account_id.in_(ids), h.c.day < day)
        .group_by(h.c.account_id)
        .subquery()
    )
    rows = conn.execute(
        select(h.c.account_id, h.c.policy, h.c.suppressed_since).join(
            last, (last.c.account_id == h.c.account_id) & (last.c.day == h.c.day)
        )
    )
    return {
        key: Policy(policy, "", since.timestamp() if since else None) for key, policy, since in rows
    }


def _health_row(a: Assessment, day: date, now: datetime) -> dict[str, Any]:
    trend = a.sentiment.overall.trend
    since = a.policy.suppressed_since
    return {
        "account_id": a.account.key,
        "day": day,
        "as_of": datetime.fromtimestamp(a.as_of, UTC),
        "score": a.health.score,
        "own_score": a.health.score,
        "band": a.health.band,
        "scorecard": a.health.scorecard,
        "components": {c.name: c.to_json() for c in a.health.components},
        "trend": trend.direction,
        "slope": trend.slope,
        "trend_t": trend.t_stat,
        "policy": a.policy.policy,
        "suppressed_since": None if since is None else datetime.fromtimestamp(since, UTC),
        "reasons": a.reasons,
        "signals": a.signals_json(),
        "computed_at": now,
    }


def _deal_rows(a: Assessment, day: date, now: datetime) -> Iterable[dict[str, Any]]:
    for d in a.deals:
        key = next(row.key for row in a.account.deals if row.id == d.deal_id)
        yield {
            "deal_id": key,
            "account_id": a.account.key,
            "day": day,
            "as_of": datetime.fromtimestamp(a.as_of, UTC),
            "score": d.risk_score,
            "level": d.risk_level,
            "late_stage": d.late_stage,
            "signals": plain(d.signals),
            "measured": d.measured,
            "computed_at": now,
        }


def _apply_rollup(
    conn: Connection,
    day: date,
    computed: dict[int, tuple[float | None, str]],
    parent: dict[int, int | None],
    arr: dict[int, float | None],
    cfg: HealthConfig,
) -> None:
    """Roll family scores up into each computed parent's snapshot."""
    if not parent:
        return
    h = _t(m.HealthSnapshot)
    members = sorted(set(parent) | {p for p in parent.values() if p is not None})
    own: dict[int, float | None] = {
        k: v
        for k, v in conn.execute(
            select(h.c.account_id, h.c.own_score).where(h.c.day == day, h.c.account_id.in_(members))
        )
    }
    own.update({k: score for k, (score, _) in computed.items()})
    for root, score in rollup(own, arr, parent).items():
        if root not in computed:
            continue
        bands = cfg.bands_for(cfg.scorecards.get(computed[root][1]) or cfg.scorecards["default"])
        reasons = conn.execute(
            select(h.c.reasons).where(h.c.account_id == root, h.c.day == day)
        ).scalar_one()
        note = f"rolled up by ARR over the account and its child accounts: {score:g}"
        conn.execute(
            update(h)
            .where(h.c.account_id == root, h.c.day == day)
            .values(score=score, band=bands.band(score), reasons=[note, *reasons])
        )


def compute_signals(
    db: Database,
    as_of: datetime | None = None,
    *,
    engine: str | None = None,
    config: HealthConfig | None = None,
    full: bool = False,
    batch_size: int = 500,
    progress: Progress | None = None,
) -> RunReport:
    """Compute and store signals at ``as_of`` (default now): incrementally where possible."""
    clock = time.perf_counter()
    as_of = to_utc(as_of) if as_of else datetime.now(UTC)
    cfg = config or load_config()
    engine = resolve_engine(db, engine)
    started, day, fingerprint = datetime.now(UTC), as_of.date(), config_hash(cfg)
    state_table = _t(m.SignalState)
    with db.engine.connect() as conn:
        state = conn.execute(select(state_table).where(state_table.c.name == STATE)).first()
        marks = id_marks(conn, _COUNTED)
        incremental = (
            not full
            and state is not None
            and state.day == day
            and state.engine == engine
            and state.config_hash == fingerprint
        )
        if incremental:
            assert state is not None
            selects = touched_account_selects(
                state.marks, state.started_at, marked=_MARKED, analysed=_SUBJECTS
            )
            touched = {row[0] for row in conn.execute(union(*selects))}
        else:
            touched = set(conn.execute(select(_t(m.Account).c.id)).scalars())
        parent, arr = _families(conn) if touched else ({}, {})
    todo = sorted(_with_relatives(touched, parent))
    start = as_of - timedelta(days=history_days(cfg))
    computed: dict[int, tuple[float | None, str]] = {}
    deals = 0
    if progress:
        progress(0, len(todo))
    for offset in range(0, len(todo), batch_size):
        chunk = todo[offset : offset + batch_size]
        with db.engine.connect() as conn:
            data = load_accounts(conn, chunk, engine=engine, start=start, end=as_of)
            previous = _previous_policies(conn, chunk, day)
        now = datetime.now(UTC)
        results = [assess(d, as_of.timestamp(), cfg, previous.get(k)) for k, d in data.items()]
        health = [_health_row(a, day, now) for a in results]
        deal_rows = [row for a in results for row in _deal_rows(a, day, now)]
        with db.engine.begin() as conn:
            _upsert(conn, _t(m.HealthSnapshot), health, ("account_id", "day"))
            _upsert(conn, _t(m.DealRiskSnapshot), deal_rows, ("deal_id", "day"))
        computed.update((a.account.key, (a.health.score, a.health.scorecard)) for a in results)
        deals += len(deal_rows)
        if progress:
            progress(offset + len(chunk), len(todo))
    with db.engine.begin() as conn:
        _apply_rollup(conn, day, computed, parent, arr, cfg)
        _upsert(
            conn,
            state_table,
            [
                {
                    "name": STATE,
                    "day": day,
                    "as_of": as_of,
                    "engine": engine,
                    "config_hash": fingerprint,
                    "marks": marks,
                    "started_at": started,
                }
            ],
            ("name",),
        )
    mode = "incremental" if incremental else "full"
    return RunReport(as_of, mode, engine, len(todo), deals, time.perf_counter() - clock)
