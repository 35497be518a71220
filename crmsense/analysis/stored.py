"""Analysing what is stored: messages, calls (with their segments) and survey comments.

A subject needs analysis when it has no row in ``analyses`` for this engine, or the row
is out of date: the subject's ``text_hash`` changed (the text was edited or re-imported),
the engine's ``model_version`` changed (e.g. after ``crmsense train``), or the
analyzer's ``fingerprint`` did (:class:`~crmsense.analysis.analyzer.Analyzer`: a crmsense
upgrade that changes what analyses hold, or other competitor names or topics). Work goes
in batches ordered by id; each batch is written in its own transaction as an upsert on
``(subject_type, subject_id, engine)``, so a killed run keeps its finished batches and
the next run picks up the rest.

>>> from crmsense.store import open_database
>>> from crmsense.analysis.api import load_engine
>>> db = open_database("sqlite://"); db.migrate()
>>> analyze_stored(db, load_engine("rules.v1"))
0
"""

from __future__ import annotations

__all__ = ["SUBJECTS", "analyze_stored", "pending_count"]

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, Table, and_, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.engines import Engine
from crmsense.analysis.types import Analysis, Document
from crmsense.store import models as m
from crmsense.store.db import Database

Progress = Callable[[int, int | None], None]
"""Called as ``progress(done, total)``."""

#: subject_type → table, in the order they are analysed.
SUBJECTS: dict[str, Table] = {
    "message": m.Message.__table__,  # type: ignore[dict-item]
    "call": m.Call.__table__,  # type: ignore[dict-item]
    "survey": m.Survey.__table__,  # type: ignore[dict-item]
}
_ANALYSES: Table = m.Analysis.__table__  # type: ignore[assignment]
_SEGMENTS: Table = m.CallSegment.__table__  # type: ignore[assignment]


def _pending(
    subject: str, engine: Engine, analyzer: str, since: datetime | None,
    columns: Sequence[Any], thread_id: str | None = None,
) -> Select[Any]:  # fmt: skip
    table = SUBJECTS[subject]
    a = _ANALYSES.c
    current = and_(a.subject_type == subject, a.subject_id == table.c.id, a.engine == engine.name)
    conditions: list[ColumnElement[bool]] = [
        or_(a.id.is_(None), a.text_hash != table.c.text_hash,
            a.model_version != engine.model_version, a.analyzer.is_(None),
            a.analyzer != analyzer),
    ]  # fmt: skip
    if since is not None:
        conditions.append(table.c.timestamp >= since)
    if thread_id is not None:
        conditions.append(table.c.thread_id == thread_id)
    if subject == "survey":
        conditions += [table.c.comment.isnot(None), table.c.comment != ""]
    return select(*columns).select_from(table.outerjoin(_ANALYSES, current)).where(*conditions)


def _subjects(thread_id: str | None) -> list[str]:
    return ["message"] if thread_id is not None else list(SUBJECTS)


def _analyzer(engine: Engine, competitors: Sequence[str] | None, topics: Sequence[str]) -> Analyzer:
    """The analyzer stored analyses are made with: competitors default to the settings'."""
    from crmsense.settings import get_settings

    settings = get_settings()
    names = settings.competitors if competitors is None else competitors
    return Analyzer(engine, competitors=names, topics=topics,
                    min_confidence=settings.min_confidence)  # fmt: skip


def pending_count(
    db: Database, engine: Engine, since: datetime | None = None, thread_id: str | None = None,
    *, competitors: Sequence[str] | None = None, topics: Sequence[str] = (),
) -> int:  # fmt: skip
    """How many stored subjects have no current analysis by ``engine`` (with these
    competitors, default: the settings', and topics)."""
    analyzer = _analyzer(engine, competitors, topics).fingerprint
    return _count(db, engine, analyzer, since, thread_id)


def _count(
    db: Database, engine: Engine, analyzer: str, since: datetime | None, thread_id: str | None
) -> int:
    with db.engine.connect() as conn:
        return sum(
            conn.execute(
                _pending(subject, engine, analyzer, since, [func.count()], thread_id)
            ).scalar_one()
            for subject in _subjects(thread_id)
        )


def _documents(conn: Connection, subject: str, rows: Sequence[Any]) -> list[Document]:
    if subject == "message":
        return [Document(text=r.text, subject=r.subject, channel=r.channel,
                         direction=r.direction, auto_reply=r.auto_reply) for r in rows]  # fmt: skip
    if subject == "survey":
        return [Document(text=r.comment, channel="survey") for r in rows]
    segments: dict[int, list[tuple[str, str, str]]] = {r.id: [] for r in rows}
    seg = _SEGMENTS.c
    for call_id, speaker, role, text in conn.execute(
        select(seg.call_id, seg.speaker, seg.role, seg.text)
        .where(seg.call_id.in_(list(segments)))
        .order_by(seg.call_id, seg.position)
    ):
        segments[call_id].append((speaker, role, text))
    return [Document(text="", channel="call", segments=tuple(segments[r.id])) for r in rows]


def _write(
    conn: Connection, subject: str, rows: Sequence[Any], analyses: Iterable[Analysis],
    analyzer: str,
) -> None:  # fmt: skip
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    now = datetime.now(UTC)
    values = [
        {"subject_type": subject, "subject_id": row.id, "engine": a.engine,
         "model_version": a.model_version, "analyzer": analyzer, "text_hash": row.text_hash,
         "label": a.label, "score": a.score, "confidence": a.confidence,
         "unscored": a.unscored, "kind": a.kind, "reply_intent": a.reply_intent,
         "payload": a.model_dump(mode="json"), "created_at": now}
        for row, a in zip(rows, analyses, strict=True)
    ]  # fmt: skip
    stmt = insert(_ANALYSES)
    keys = ("subject_type", "subject_id", "engine")
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={c: stmt.excluded[c] for c in values[0] if c not in keys},
    )
    conn.execute(stmt, values)


_COLUMNS = {
    "message": ("id", "text_hash", "text", "subject", "channel", "direction", "auto_reply"),
    "call": ("id", "text_hash"),
    "survey": ("id", "text_hash", "comment"),
}


def analyze_stored(
    db: Database, engine: Engine, *, since: datetime | None = None,
    thread_id: str | None = None, batch_size: int = 500, progress: Progress | None = None,
    competitors: Sequence[str] | None = None, topics: Sequence[str] = (),
) -> int:  # fmt: skip
    """Analyse every stored subject without a current analysis; return how many were.

    ``since`` limits the work to subjects timestamped at or after it; ``thread_id`` to the
    messages of one thread or chat session (the real-time path: an indexed lookup).
    ``competitors`` default to the settings' (``CRMSENSE_COMPETITORS``).
    """
    analyzer = _analyzer(engine, competitors, topics)
    total = _count(db, engine, analyzer.fingerprint, since, thread_id)
    done = 0
    if progress:
        progress(done, total)
    for subject in _subjects(thread_id):
        table = SUBJECTS[subject]
        columns = [table.c[name] for name in _COLUMNS[subject]]
        last_id = 0
        while True:
            with db.engine.connect() as conn:
                rows = conn.execute(
                    _pending(subject, engine, analyzer.fingerprint, since, columns, thread_id)
                    .where(table.c.id > last_id)
                    .order_by(table.c.id)
                    .limit(batch_size)
                ).all()
                docs = _documents(conn, subject, rows)
            if not rows:
                break
            analyses = analyzer.analyze(docs)
            with db.engine.begin() as conn:
                _write(conn, subject, rows, analyses, analyzer.fingerprint)
            done += len(rows)
            last_id = rows[-1].id
            if progress:
                progress(done, total)
    return done
