"""Running a connector: resumable pulls into the workspace, idempotent pushes back.

A pull walks the connector's objects in order (accounts before what refers to them);
pages go through :func:`crmsense.ingest.pipeline.ingest_records` (cleaning, validation,
id resolution, upserts) in batches, and the cursor of a batch's last page is saved right
after it, so a killed backfill resumes after the last stored page: no gaps, and
re-reading a page adds nothing.

A push writes fields, tasks and notes from :func:`crmsense.connectors.pushback.push_plan`.
Task and note ids are kept per crmsense key, so pushing again updates them. A record the
CRM refuses is reported and the push goes on; a spent quota or an unreachable CRM stops it.
"""

from __future__ import annotations

__all__ = ["PullProgress", "SyncReport", "pull", "push"]

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from crmsense.connectors import state
from crmsense.connectors.base import (
    PENDING_PARENTS,
    Connector,
    NoteSpec,
    Page,
    TaskSpec,
    as_datetime,
)
from crmsense.connectors.http import ApiError
from crmsense.connectors.pushback import PushPlan, push_plan
from crmsense.errors import InputError
from crmsense.ingest.pipeline import Rejection, ingest_records
from crmsense.store.db import Database

PullProgress = Callable[[str, int, int | None], None]
"""Called as ``progress(object_type, fetched_so_far, total_or_None)`` after each page."""


@dataclass
class SyncReport:
    """What a sync did. ``exit_code``: 0 clean, 3 some records rejected or refused."""

    connector: str
    fetched: Counter[str] = field(default_factory=Counter)
    accepted: Counter[str] = field(default_factory=Counter)
    rejected: list[Rejection] = field(default_factory=list)
    pushed: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return 3 if self.rejected or self.failures else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "connector": self.connector,
            "fetched": dict(self.fetched),
            "accepted": dict(self.accepted),
            "rejected": len(self.rejected),
            "pushed": dict(self.pushed),
            "failures": self.failures,
            "skipped": self.skipped,
            "warnings": self.warnings,
            "seconds": round(self.seconds, 2),
        }


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _refused(report: SyncReport, what: str, exc: ApiError) -> None:
    """Report what the CRM refused; re-raise what must stop the sync (auth, outage)."""
    if exc.status >= 500 or exc.status in (401, 429):
        raise exc
    report.failures.append(f"{what}: {exc}")


class _PageBuffer:
    """Pages waiting to be stored together (one ingest per ~``size`` records, not per page).

    ``flush`` stores them and only then saves the cursor of the last one, so a crash
    between two flushes re-reads at most one batch and never skips one.
    """

    def __init__(self, db: Database, connector: Connector, report: SyncReport, size: int):
        self.db, self.connector, self.report, self.size = db, connector, report, size
        self.records: list[dict[str, Any]] = []
        self.last: Page | None = None

    def add(self, page: Page) -> None:
        self.records.extend(page.records)
        self.last = page
        if len(self.records) >= self.size:
            self.flush()

    def flush(self) -> None:
        if self.last is None:
            return
        origin = f"{self.connector.source}:{self.last.object_type}"
        ingested = ingest_records(self.db, self.records, origin=origin)
        self.report.accepted.update(ingested.accepted)
        self.report.rejected.extend(ingested.rejected)
        state.save_cursor(self.db, self.connector.name, self.last.object_type, self.last.cursor)
        self.records, self.last = [], None


def pull(
    db: Database,
    connector: Connector,
    *,
    since: datetime | None = None,
    objects: Iterable[str] | None = None,
    progress: PullProgress | None = None,
    report: SyncReport | None = None,
    batch_records: int = 2000,
) -> SyncReport:
    """Pull ``objects`` (default: all, in order) from the saved cursors, or from ``since``.

    Pages are stored in batches of about ``batch_records`` records, each followed by its
    cursor. An object the CRM refuses (e.g. a missing scope) is reported and skipped; a
    spent quota or an unreachable CRM raises, after storing every page already fetched.
    A ``since`` in the future is refused (InputError E140); a saved cursor in the future
    (left by an older release or a CRM clock far ahead) is reported in ``warnings``, with
    how to recover, since nothing changed before it can be pulled.
    """
    now = datetime.now(UTC)
    if since is not None and (start := as_datetime(since)) is not None and start > now:
        raise InputError(
            f"--since {_iso(since)} is in the future; give a date in the past, before the "
            "last sync that is known to be good",
            code="E140",
        )
    report = report or SyncReport(connector.name)
    started = time.perf_counter()
    for object_type in objects or connector.objects:
        cursor = state.load_cursor(db, connector.name, object_type)
        # where the pull will end at the latest ("newest" holds it mid-pull, while a
        # HubSpot search re-anchored past future-dated records may have ``since`` ahead)
        resting = cursor.get("newest", cursor.get("since"))
        if since is None and (ahead := as_datetime(resting)) and ahead > now:
            report.warnings.append(
                f"{object_type}: the saved cursor ({_iso(ahead)}) is in the future, so records "
                f"changed before then are not pulled; run `crmsense sync {connector.source} "
                "--since DATE` with a date before the last good sync, or `--full`"
            )
        if since is not None:  # restart from ``since``, keeping the children still to link
            waiting = cursor.get(PENDING_PARENTS)
            cursor = {"since": _iso(since), **({PENDING_PARENTS: waiting} if waiting else {})}
        buffer = _PageBuffer(db, connector, report, batch_records)
        fetched = 0
        try:
            for page in connector.pull(object_type, cursor):
                buffer.add(page)
                fetched += page.fetched
                report.fetched[object_type] += page.fetched
                if progress is not None:
                    progress(object_type, fetched, page.total)
        except ApiError as exc:
            _refused(report, object_type, exc)
        finally:
            buffer.flush()
    report.seconds += time.perf_counter() - started
    return report


def _upsert(
    db: Database,
    connector: Connector,
    report: SyncReport,
    kind: str,
    spec: TaskSpec | NoteSpec,
    upsert: Callable[[Any, str | None], str],
) -> None:
    link = state.get_link(db, connector.name, kind, spec.key)
    if isinstance(spec, TaskSpec) and spec.done and link is None:
        return  # closed before it was ever pushed: nothing to write
    try:
        external_id = upsert(spec, link)
    except ApiError as exc:
        _refused(report, f"{kind} {spec.key}", exc)
        return
    state.save_link(db, connector.name, kind, spec.key, external_id)
    report.pushed[f"{kind}s_updated" if link else f"{kind}s_created"] += 1


def push(
    db: Database,
    connector: Connector,
    *,
    plan: PushPlan | None = None,
    report: SyncReport | None = None,
) -> SyncReport:
    """Write fields, tasks and notes to the CRM; refused records are reported, not fatal."""
    report = report or SyncReport(connector.name)
    started = time.perf_counter()
    plan = plan if plan is not None else push_plan(db, connector.source)
    report.skipped.extend(plan.skipped)

    for update in plan.fields:
        try:
            connector.push_fields(update.kind, update.external_id, update.fields)
        except ApiError as exc:
            _refused(report, f"{update.kind} {update.external_id}", exc)
            continue
        report.pushed["fields"] += 1
    for task in plan.tasks:
        _upsert(db, connector, report, "task", task, connector.upsert_task)
    for note in plan.notes:
        _upsert(db, connector, report, "note", note, connector.upsert_note)
    report.seconds += time.perf_counter() - started
    return report
