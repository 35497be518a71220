"""Pieces the resource queries share: lookups by external id, messages with their
analysis, and the evidence a snapshot cites."""

from __future__ import annotations

__all__ = [
    "cited_ids",
    "latest_per",
    "message_outs",
    "messages_query",
    "row_id",
    "series_summary",
    "spans",
    "survey_outs",
    "t",
]

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, Table, func, select

from crmsense.api.schemas import MessageOut, SeriesSummary, SpanOut, SurveyOut
from crmsense.store import models as m
from crmsense.store.models import table_of as t
from crmsense.store.queries import current_analysis


def row_id(conn: Connection, model: type[m.Base], external_id: str) -> int | None:
    """The row id of the record with ``external_id`` (the oldest, should sources clash).

    None for an id holding NUL: ingest refuses NUL, and PostgreSQL cannot compare it.
    """
    if "\x00" in external_id:
        return None
    table = t(model)
    query = select(table.c.id).where(table.c.external_id == external_id).order_by(table.c.id)
    return conn.execute(query.limit(1)).scalar()


def latest_per(table: Table, key: str) -> Any:
    """Subquery: the latest ``day`` of ``table`` per ``key`` column."""
    return (
        select(table.c[key].label("key"), func.max(table.c.day).label("day"))
        .group_by(table.c[key])
        .subquery()
    )


def spans(payload: dict[str, Any] | None, length: int) -> list[SpanOut]:
    """The analysis' evidence spans that fit a text of ``length`` characters, in order."""
    found = [
        SpanOut(start=e["start"], end=e["end"], weight=e["weight"])
        for e in (payload or {}).get("evidence", [])
        if 0 <= e["start"] < e["end"] <= length
    ]
    return sorted(found, key=lambda s: s.start)


def cited_ids(value: Any) -> set[str]:
    """Every id listed under an ``evidence`` key anywhere in a snapshot's JSON.

    >>> sorted(cited_ids({"a": {"evidence": ["m1", "m2"]}, "b": [{"evidence": ["m3"]}]}))
    ['m1', 'm2', 'm3']
    """
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "evidence" and isinstance(item, list):
                found.update(x for x in item if isinstance(x, str))
            else:
                found |= cited_ids(item)
    elif isinstance(value, list):
        for item in value:
            found |= cited_ids(item)
    return found


def series_summary(series: dict[str, Any] | None) -> SeriesSummary | None:
    """A stored sentiment series (``{n, level, trend}``) as the response shape."""
    if not series:
        return None
    trend = series["trend"]
    return SeriesSummary(
        n=series["n"],
        level=series["level"],
        direction=trend["direction"],
        slope=trend["slope"],
        note=trend["note"],
    )


def messages_query(engine: str) -> Select[Any]:
    """Messages with contact id and current analysis (filter and order it further)."""
    msg, a, contact = t(m.Message), t(m.Analysis), t(m.Contact)
    return select(
        msg.c.external_id,
        msg.c.timestamp,
        msg.c.channel,
        msg.c.direction,
        msg.c.subject,
        msg.c.text,
        contact.c.external_id.label("contact"),
        a.c.label,
        a.c.score,
        a.c.kind,
        a.c.unscored,
        a.c.payload,
    ).select_from(
        msg.outerjoin(a, current_analysis("message", msg, engine)).outerjoin(
            contact, contact.c.id == msg.c.contact_id
        )
    )


def message_outs(
    conn: Connection, query: Select[Any], cited: Iterable[str] = ()
) -> list[MessageOut]:
    """Run a :func:`messages_query` and shape its rows; ``cited`` ids are marked."""
    marked = set(cited)
    return [
        MessageOut(
            id=r.external_id,
            timestamp=r.timestamp,
            channel=r.channel,
            direction=r.direction,
            subject=r.subject,
            text=r.text,
            contact_id=r.contact,
            label=None if r.unscored else r.label,
            score=None if r.unscored else r.score,
            kind=r.kind,
            evidence=spans(r.payload, len(r.text)),
            cited=r.external_id in marked,
        )
        for r in conn.execute(query)
    ]


def survey_outs(
    conn: Connection, where: Sequence[ColumnElement[bool]], limit: int = 200
) -> list[SurveyOut]:
    """Survey answers matching ``where``, oldest first (the latest ``limit``)."""
    s, contact = t(m.Survey), t(m.Contact)
    query = (
        select(s.c.external_id, s.c.kind, s.c.score, s.c.comment, s.c.timestamp,
               contact.c.external_id.label("contact"))
        .select_from(s.outerjoin(contact, contact.c.id == s.c.contact_id))
        .where(*where)
        .order_by(s.c.timestamp.desc(), s.c.id.desc())
        .limit(limit)
    )  # fmt: skip
    rows = conn.execute(query).all()
    return [
        SurveyOut(id=r.external_id, kind=r.kind, score=r.score, comment=r.comment,
                  timestamp=r.timestamp, contact_id=r.contact)
        for r in reversed(rows)
    ]  # fmt: skip
