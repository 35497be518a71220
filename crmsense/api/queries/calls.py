"""Calls: lists of calls, and one call's transcript with per-speaker sentiment."""

from __future__ import annotations

__all__ = ["call_detail", "call_summaries"]

from typing import Any

from sqlalchemy import ColumnElement, Connection, select

from crmsense.analysis.calls import call_text
from crmsense.analysis.types import Analysis
from crmsense.api.queries.common import row_id, t
from crmsense.api.schemas import CallDetail, CallSegmentOut, CallSummary
from crmsense.store import models as m
from crmsense.store.db import Database
from crmsense.store.queries import current_analysis


def _query(engine: str) -> Any:
    call, a, deal = t(m.Call), t(m.Analysis), t(m.Deal)
    return select(
        call.c.id,
        call.c.external_id,
        call.c.timestamp,
        call.c.title,
        deal.c.external_id.label("deal"),
        a.c.label,
        a.c.score,
        a.c.confidence,
        a.c.unscored,
        a.c.payload,
    ).select_from(
        call.outerjoin(a, current_analysis("call", call, engine)).outerjoin(
            deal, deal.c.id == call.c.deal_id
        )
    )


def _summary(r: Any) -> dict[str, Any]:
    scored = r.unscored is None
    return {
        "id": r.external_id,
        "timestamp": r.timestamp,
        "title": r.title,
        "deal_id": r.deal,
        "label": r.label if scored else None,
        "score": r.score if scored else None,
    }


def call_summaries(
    conn: Connection, where: ColumnElement[bool], engine: str, limit: int = 20
) -> list[CallSummary]:
    """The latest calls matching ``where``, newest first."""
    call = t(m.Call)
    query = _query(engine).where(where).order_by(call.c.timestamp.desc()).limit(limit)
    return [CallSummary(**_summary(r)) for r in conn.execute(query)]


def call_detail(db: Database, call_id: str) -> CallDetail | None:
    """One call (None if unknown): each segment with its sentiment, each speaker's and
    role's sentiment, and the customer's trajectory from the opening to the close."""
    from crmsense.signals.compute import resolve_engine

    engine = resolve_engine(db, None)
    call, seg, acc, contact = t(m.Call), t(m.CallSegment), t(m.Account), t(m.Contact)
    with db.engine.connect() as conn:
        key = row_id(conn, m.Call, call_id)
        if key is None:
            return None
        row = conn.execute(_query(engine).where(call.c.id == key)).one()
        who = conn.execute(
            select(acc.c.external_id, acc.c.name, contact.c.external_id)
            .select_from(call.join(acc, acc.c.id == call.c.account_id)
                         .outerjoin(contact, contact.c.id == call.c.contact_id))
            .where(call.c.id == key)
        ).one()  # fmt: skip
        segments = conn.execute(
            select(seg.c.position, seg.c.speaker, seg.c.role, seg.c.start, seg.c.end, seg.c.text)
            .where(seg.c.call_id == key)
            .order_by(seg.c.position)
        ).all()
    analysis = Analysis.model_validate(row.payload) if row.payload else None
    # The analysis holds one sentence per scored segment, at the segment's offsets in
    # the transcript (segments joined by newlines).
    _, offsets = call_text([(s.speaker, s.role, s.text) for s in segments])
    by_start = {x.start: x for x in analysis.sentences} if analysis else {}
    outs = []
    for s, (start, _) in zip(segments, offsets, strict=True):
        reading = by_start.get(start)
        outs.append(
            CallSegmentOut(position=s.position, speaker=s.speaker, role=s.role, start=s.start,
                           end=s.end, text=s.text, label=reading.label if reading else None,
                           score=reading.score if reading else None)
        )  # fmt: skip
    summary = analysis.call if analysis else None
    return CallDetail(
        **_summary(row),
        account_id=who[0],
        account_name=who[1],
        contact_id=who[2],
        confidence=None if row.unscored else row.confidence,
        speakers=summary.speakers if summary else [],
        trajectory=summary.trajectory if summary else None,
        segments=outs,
    )
