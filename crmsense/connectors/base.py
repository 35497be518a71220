"""The connector protocol: pull records from a CRM, push results back into it.

A connector only talks to its CRM and maps shapes. Storage, cursors and the external-id
maps that make pushes idempotent are :mod:`crmsense.connectors.sync`'s job, so every
connector gets the same resumability and the same ingest guarantees.

Records are interchange-format dicts (see ``docs/``) with ``source`` set to the CRM
(``"hubspot"``, ``"salesforce"``, ``"zoho"``) and ids that are the CRM's own ids.
"""

from __future__ import annotations

__all__ = [
    "MARKER",
    "PENDING_PARENTS",
    "PUSH_FIELDS",
    "Connector",
    "FieldSpec",
    "NoteSpec",
    "Page",
    "SetupResult",
    "TaskSpec",
    "activity",
    "as_date",
    "as_datetime",
    "as_id",
    "call_notes",
    "crm_record",
    "domain_of",
    "if_text",
    "link_parents",
    "newest_stamp",
    "page_rows",
]

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol, Self, TypeVar

from crmsense.errors import IntegrationError

#: Prefix of every task and note crmsense writes, so pulls can skip them.
MARKER = "[crmsense]"


def as_datetime(value: Any) -> datetime | None:
    """A CRM timestamp (ISO 8601, with ``Z`` or an offset; epoch ms; or a datetime, naive
    taken as UTC) as aware UTC.

    >>> as_datetime("2026-10-01T14:03:00.000Z").isoformat()
    '2026-10-01T14:03:00+00:00'
    >>> as_datetime("2026-10-01T19:33:00+05:30").isoformat()
    '2026-10-01T14:03:00+00:00'
    >>> as_datetime(1790863380000).isoformat()
    '2026-10-01T14:03:00+00:00'
    >>> as_datetime("not a date") is None, as_datetime("99999999999999999999") is None
    (True, True)
    >>> as_datetime("9999-12-31T23:00:00-05:00") is None  # past year 9999 in UTC
    True
    >>> as_datetime(datetime(2026, 10, 1, 14, 3)).isoformat()
    '2026-10-01T14:03:00+00:00'
    """
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value / 1000, UTC)
        except (OverflowError, OSError, ValueError):  # beyond the years datetime holds
            return None
    if isinstance(value, datetime):
        parsed = value
    elif not isinstance(value, str) or not value:
        return None
    else:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    try:
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:00-05:00 is past year 9999 in UTC
        return None


def newest_stamp(values: Iterable[Any], now: datetime, what: str) -> datetime | None:
    """The newest of one page's modification times (:func:`as_datetime`) that a pull's
    cursor may take, or None: missing and unparseable times are skipped, and so are times
    later than ``now`` (the pull's start), with one warning naming how many. A CRM clock
    ahead of ours, or a bogus far-future time, must not move the cursor past records still
    to be written, or every later pull would miss them; such records are stored as usual
    and pulled again by the next sync (ingest is idempotent).

    >>> now = datetime(2026, 10, 2, tzinfo=UTC)
    >>> newest_stamp(["2026-10-01T14:03:00Z", "2999-01-01T00:00:00Z", "", None, "soon"], now,
    ...              "zoho Notes")
    datetime.datetime(2026, 10, 1, 14, 3, tzinfo=datetime.timezone.utc)
    >>> newest_stamp(["2999-01-01T00:00:00Z"], now, "zoho Notes") is None
    True
    """
    parsed = [when for when in map(as_datetime, values) if when is not None]
    kept = [when for when in parsed if when <= now]
    if future := len(parsed) - len(kept):
        logging.getLogger("crmsense.connectors").warning(
            "%s: %d records have a modification time in the future (after this pull started "
            "at %s); they are stored, but the cursor is held at the pull's start time at the "
            "latest, so the next sync pulls them again", what, future,
            now.isoformat(timespec="seconds"),
        )  # fmt: skip
    return max(kept, default=None)


def as_id(value: Any) -> str:
    """A CRM record's id as text; ``""`` (rejected by validation, naming ``id``) when unusable.

    >>> as_id("001A"), as_id(7), as_id(None), as_id({"id": 7}), as_id(True)
    ('001A', '7', '', '', '')
    """
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""


def page_rows(data: Any, key: str, vendor: str, *, required: bool = False) -> list[dict[str, Any]]:
    """The records listed under ``key`` of one response page.

    A page without that list is an ``IntegrationError`` (E506) when ``required``, else
    empty. Entries that are not objects hold nothing to store: they are skipped with a
    warning that names no content, and the rest of the page lands.

    >>> page_rows({"results": [{"id": "1"}, None, 5]}, "results", "hubspot")
    [{'id': '1'}]
    >>> page_rows({}, "data", "zoho")
    []
    """
    rows = data.get(key) if isinstance(data, dict) else None
    if rows is None and isinstance(data, dict) and not required:
        return []
    if not isinstance(rows, list):
        raise IntegrationError(
            f"{vendor}: a response page has no {key!r} list (an unexpected answer); run the "
            "sync again, it resumes at this page, and report it if it persists",
            code="E506",
        )
    kept = [row for row in rows if isinstance(row, dict)]
    if len(kept) < len(rows):
        logging.getLogger("crmsense.connectors").warning(
            "%s: %d entries of a %r page were not objects; skipped", vendor,
            len(rows) - len(kept), key,
        )  # fmt: skip
    return kept


T = TypeVar("T")


def if_text(value: Any, convert: Callable[[str], T]) -> T | Any:
    """``convert(value)`` when ``value`` is text; else ``value`` as it came, so that
    validation rejects it naming the field instead of the mapping failing on it.

    >>> if_text("High", str.lower), if_text(3, str.lower)
    ('high', 3)
    """
    return convert(value) if isinstance(value, str) else value


def as_date(value: Any) -> str | None:
    """A CRM date (``YYYY-MM-DD``, a timestamp at midnight UTC, or epoch ms) as an ISO date.

    >>> as_date("2027-02-01"), as_date("2027-02-01T00:00:00.000Z"), as_date(1801440000000)
    ('2027-02-01', '2027-02-01', '2027-02-01')
    >>> as_date("") is None and as_date("soon") is None
    True
    """
    when = as_datetime(value)
    return when.date().isoformat() if when else None


def _set(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in (None, "")}


def crm_record(source: str, rid: str, **values: Any) -> dict[str, Any]:
    """A record's ``id``, ``source`` and those ``values`` that are set (not None or ``""``).

    >>> crm_record("zoho", "7", name="Acme", arr=0.0, domain="", parent_id=None)
    {'id': '7', 'source': 'zoho', 'name': 'Acme', 'arr': 0.0}
    """
    return {"id": rid, "source": source, **_set(values)}


def activity(
    source: str, kind: str, account_id: str, timestamp: Any, **values: Any
) -> dict[str, Any]:
    """An ``activity`` record (a call or task on the account) with the ``values`` set.

    >>> sorted(activity("hubspot", "task", "9", "2026-10-01", contact_id=None, note="Renew"))
    ['account_id', 'kind', 'note', 'source', 'timestamp', 'type']
    """
    return {"type": "activity", "source": source, "kind": kind, "account_id": account_id,
            "timestamp": timestamp, **_set(values)}  # fmt: skip


def call_notes(text: str) -> list[dict[str, str]]:
    """A call's ``segments`` when the CRM holds only the rep's notes on it."""
    return [{"speaker": "call notes", "role": "other", "text": text}]


def domain_of(website: str | None) -> str | None:
    """The domain of an account's website, without scheme, ``www.`` or path.

    >>> domain_of("https://www.Acme.example/about"), domain_of("acme.example"), domain_of("")
    ('acme.example', 'acme.example', None)
    """
    website = (website or "").lower().removeprefix("https://").removeprefix("http://")
    return website.removeprefix("www.").split("/")[0] or None


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A custom field crmsense writes: canonical name, label, and type (or choices)."""

    name: str
    label: str
    choices: tuple[str, ...] = ()

    @property
    def numeric(self) -> bool:
        return not self.choices


_SENTIMENTS = ("positive", "neutral", "negative")

#: The fields crmsense writes, per record kind (``account`` or ``deal``).
PUSH_FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "account": (
        FieldSpec("health_score", "Health Score"),
        FieldSpec("health_band", "Health Band", ("green", "yellow", "red")),
        FieldSpec("sentiment_trend", "Sentiment Trend", ("improving", "stable", "declining")),
        FieldSpec("last_message_sentiment", "Last Message Sentiment", _SENTIMENTS),
    ),
    "deal": (
        FieldSpec("deal_risk_score", "Deal Risk Score"),
        FieldSpec("last_message_sentiment", "Last Message Sentiment", _SENTIMENTS),
    ),
}


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a pull: mapped records, and the cursor to resume *after* this page."""

    object_type: str
    records: list[dict[str, Any]]
    cursor: dict[str, Any]
    total: int | None = None
    fetched: int = 0


#: Cursor key of the accounts :func:`link_parents` still has to send with their parent.
PENDING_PARENTS = "pending_parents"


def link_parents(pages: Iterable[Page], cursor: dict[str, Any]) -> Iterator[Page]:
    """Account pages whose ``parent_id`` always resolves, whatever order the CRM sends.

    Pages follow modification time, so a child can come before its parent, and the store
    resolves ``parent_id`` only against accounts already stored. Such a child is stored
    without the link first and sent again, whole and linked, after the last page; until
    then it waits in the cursor, so an interrupted pull still links it when it resumes.
    """
    pending: dict[str, dict[str, Any]] = {r["id"]: r for r in cursor.get(PENDING_PARENTS, [])}
    seen: set[str] = set()
    last: Page | None = None
    for page in pages:
        seen.update(r["id"] for r in page.records if r.get("type") == "account")
        records = []
        for record in page.records:
            parent = record.get("parent_id") if record.get("type") == "account" else None
            if parent and parent not in seen:
                pending[record["id"]] = record
                record = {k: v for k, v in record.items() if k != "parent_id"}
            elif record.get("type") == "account":
                pending.pop(record["id"], None)  # a newer version, linked or parentless
            records.append(record)
        last = page
        waiting = {PENDING_PARENTS: list(pending.values())} if pending else {}
        yield replace(page, records=records, cursor={**page.cursor, **waiting})
    if pending and last is not None:
        yield Page(last.object_type, list(pending.values()), last.cursor, last.total)


@dataclass(frozen=True, slots=True)
class TaskSpec:
    """A CRM task for an alert. ``key`` is crmsense's own id for it (e.g. ``alert:12``)."""

    key: str
    subject: str
    body: str
    due: datetime
    priority: Literal["high", "normal", "low"]
    account_id: str
    deal_id: str | None = None
    owner_id: str | None = None
    done: bool = False


@dataclass(frozen=True, slots=True)
class NoteSpec:
    """A note with evidence, attached to an account (and deal)."""

    key: str
    title: str
    body: str
    account_id: str
    deal_id: str | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, slots=True)
class SetupResult:
    """What ``crmsense connect setup`` did per field: created, or already there."""

    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)


class Connector(Protocol):
    """One CRM, both ways. Registered under a stable name such as ``"hubspot.v1"``."""

    name: ClassVar[str]
    source: ClassVar[str]
    #: Pull order: accounts before the records that refer to them.
    objects: ClassVar[tuple[str, ...]]

    @classmethod
    def configured(cls, config_path: Path | None = None) -> Self:
        """Build from ``CRMSENSE_<CRM>_*`` variables or the TOML file (ConfigError if unset)."""
        ...

    def pull(self, object_type: str, cursor: dict[str, Any]) -> Iterator[Page]:
        """Pages of records changed since ``cursor`` (``{}``: everything; ``{"since": iso}``)."""
        ...

    def push_fields(self, object_type: str, external_id: str, fields: dict[str, Any]) -> None:
        """Write canonical fields (:data:`PUSH_FIELDS`) on an ``account`` or ``deal``."""
        ...

    def upsert_task(self, task: TaskSpec, external_id: str | None) -> str:
        """Create the task, or update the one with ``external_id``; return its CRM id."""
        ...

    def upsert_note(self, note: NoteSpec, external_id: str | None) -> str:
        """Create the note, or update the one with ``external_id``; return its CRM id."""
        ...

    def setup(self) -> SetupResult:
        """Create the custom fields/properties crmsense writes (idempotent)."""
        ...

    def close(self) -> None: ...
