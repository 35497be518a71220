"""The interchange format: one JSON object per line, one record type per ``type``.

These are the validated shapes every importer produces and ``crmsense ingest``
stores. Unknown extra keys are kept in ``extra``; values outside their domain are
rejected with the field and the fix.

>>> r = parse_record({"type": "usage", "account_id": "acme", "date": "2026-10-01",
...                   "active_users": 42, "licensed_users": 60})
>>> r.active_users, r.date.isoformat()
(42, '2026-10-01')
"""

from __future__ import annotations

__all__ = [
    "AccountRecord",
    "ActivityRecord",
    "CallRecord",
    "ContactRecord",
    "DealRecord",
    "MessageRecord",
    "OutcomeRecord",
    "Record",
    "RecordError",
    "Segment",
    "SurveyRecord",
    "UsageRecord",
    "parse_record",
    "record_key",
]

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from crmsense.store.types import to_utc


def _id_text(value: Any) -> Any:
    # CRMs export numeric ids; accept 123 as "123".
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _no_bool(value: Any) -> Any:
    # JSON true/false are not numbers, though Python counts them as 1 and 0.
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number — use a number")
    return value


Number = Annotated[float, BeforeValidator(_no_bool)]
Count = Annotated[int, BeforeValidator(_no_bool)]

Id = Annotated[
    str,
    BeforeValidator(_id_text),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
]
Channel = Literal["email", "ticket", "chat", "social", "note"]
MAX_TEXT_CHARS = 2_000_000
#: The largest count the database's integer columns hold (PostgreSQL ``integer``).
MAX_INT = 2_147_483_647


class _Record(BaseModel):
    model_config = ConfigDict(
        extra="allow", str_strip_whitespace=False, frozen=False, allow_inf_nan=False
    )

    source: str = Field("local", max_length=40)

    @property
    def extra(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


def _utc(value: datetime) -> datetime:
    try:
        return to_utc(value)
    except OverflowError:  # e.g. 9999-12-31T23:59:59-05:00 is past year 9999 in UTC
        raise ValueError("the timestamp is out of range in UTC") from None


class Owners(BaseModel):
    model_config = ConfigDict(extra="allow")

    csm: str | None = None
    csm_manager: str | None = None
    account_executive: str | None = None


class AccountRecord(_Record):
    type: Literal["account"]
    id: Id
    name: str = Field(min_length=1, max_length=300)
    arr: Number | None = Field(None, ge=0)
    segment: str | None = Field(None, max_length=60)
    owners: Owners = Field(default_factory=Owners)
    renewal_date: date | None = None
    domain: str | None = Field(None, max_length=200)
    parent_id: Id | None = None


class ContactRecord(_Record):
    type: Literal["contact"]
    id: Id
    account_id: Id | None = None
    name: str | None = Field(None, max_length=300)
    email: str | None = Field(None, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
    role: str | None = Field(None, max_length=60)


class DealRecord(_Record):
    type: Literal["deal"]
    id: Id
    account_id: Id
    name: str | None = Field(None, max_length=300)
    stage: str | None = Field(None, max_length=100)
    stage_index: Count | None = Field(None, ge=0, le=MAX_INT)
    stage_count: Count | None = Field(None, ge=1, le=MAX_INT)
    amount: Number | None = Field(None, ge=0)
    close_date: date | None = None
    status: Literal["open", "won", "lost"] = "open"
    owner: str | None = Field(None, max_length=320)

    @model_validator(mode="after")
    def _stage_in_range(self) -> DealRecord:
        index, count = self.stage_index, self.stage_count
        if index is not None and count is not None and index > count:
            raise ValueError("stage_index must not exceed stage_count")
        return self


class MessageRecord(_Record):
    type: Literal["message"]
    id: Id
    channel: Channel
    direction: Literal["inbound", "outbound"] = "inbound"
    account_id: Id | None = None
    contact_id: Id | None = None
    deal_id: Id | None = None
    thread_id: str | None = Field(None, max_length=200)
    ticket_id: str | None = Field(None, max_length=200)
    ticket_priority: str | None = Field(None, max_length=20)
    timestamp: datetime
    subject: str | None = Field(None, max_length=1000)
    text: str = Field(max_length=MAX_TEXT_CHARS)
    sender: str | None = Field(None, max_length=320)
    auto_reply: bool = False

    _utc = field_validator("timestamp")(_utc)


class Segment(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    speaker: str = Field(min_length=1, max_length=200)
    role: Literal["customer", "rep", "other"] = "other"
    start: Number | None = Field(None, ge=0)
    end: Number | None = Field(None, ge=0)
    text: str = Field(max_length=MAX_TEXT_CHARS)


class CallRecord(_Record):
    type: Literal["call"]
    id: Id
    account_id: Id | None = None
    deal_id: Id | None = None
    contact_id: Id | None = None
    timestamp: datetime
    title: str | None = Field(None, max_length=500)
    segments: list[Segment] = Field(min_length=1)

    _utc = field_validator("timestamp")(_utc)


class SurveyRecord(_Record):
    type: Literal["survey"]
    id: Id
    kind: Literal["nps", "csat", "ces"]
    score: Number
    comment: str | None = Field(None, max_length=MAX_TEXT_CHARS)
    account_id: Id | None = None
    contact_id: Id | None = None
    email: str | None = Field(None, max_length=320)
    timestamp: datetime

    _utc = field_validator("timestamp")(_utc)

    @model_validator(mode="after")
    def _score_in_scale(self) -> SurveyRecord:
        low, high = SURVEY_SCALES[self.kind]
        if not low <= self.score <= high:
            raise ValueError(f"a {self.kind.upper()} score must be between {low} and {high}")
        return self


SURVEY_SCALES: dict[str, tuple[int, int]] = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


class UsageRecord(_Record):
    type: Literal["usage"]
    account_id: Id
    date: date
    active_users: Count = Field(ge=0, le=MAX_INT)
    licensed_users: Count | None = Field(None, ge=0, le=MAX_INT)


class ActivityRecord(_Record):
    type: Literal["activity"]
    account_id: Id
    kind: str = Field(min_length=1, max_length=40)
    timestamp: datetime
    contact_id: Id | None = None
    note: str | None = None

    _utc = field_validator("timestamp")(_utc)


class OutcomeRecord(_Record):
    type: Literal["outcome"]
    account_id: Id
    kind: Literal["churned", "renewed", "expanded", "contracted"]
    date: date


Record = Annotated[
    AccountRecord
    | ContactRecord
    | DealRecord
    | MessageRecord
    | CallRecord
    | SurveyRecord
    | UsageRecord
    | ActivityRecord
    | OutcomeRecord,
    Field(discriminator="type"),
]
RECORD_TYPES = (
    "account",
    "contact",
    "deal",
    "message",
    "call",
    "survey",
    "usage",
    "activity",
    "outcome",
)
_ADAPTER: TypeAdapter[Record] | None = None

_FIXES = {
    "datetime": "use ISO 8601, e.g. 2026-10-01T14:03:00Z",
    "date": "use an ISO date, e.g. 2026-10-01",
    "literal_error": "use one of the allowed values",
    "missing": "add the field",
    "string_too_long": "shorten the value or split the record",
    "union_tag_invalid": f"set type to one of: {', '.join(RECORD_TYPES)}",
    "union_tag_not_found": f"add a type field: one of {', '.join(RECORD_TYPES)}",
}


@dataclass(frozen=True, slots=True)
class RecordError:
    """Why one field of one record was rejected, and how to fix it."""

    field: str
    message: str
    fix: str


def record_key(record: Record) -> tuple[str, ...]:
    """What ``record`` is stored under within its source and type: its id, or the natural
    key of usage (account, day), activities (account, kind, time) and outcomes (account,
    kind, day). Two records with one key are one record: the later one replaces the earlier.

    >>> record_key(parse_record({"type": "outcome", "account_id": "a", "kind": "renewed",
    ...                          "date": "2026-10-01"}))
    ('a', 'renewed', '2026-10-01')
    """
    if isinstance(record, UsageRecord):
        return (record.account_id, record.date.isoformat())
    if isinstance(record, ActivityRecord):
        return (record.account_id, record.kind, record.timestamp.isoformat())
    if isinstance(record, OutcomeRecord):
        return (record.account_id, record.kind, record.date.isoformat())
    return (record.id,)


def parse_record(data: dict[str, Any]) -> Record:
    """Validate one interchange-format object; raises ``ValidationError``."""
    global _ADAPTER
    if _ADAPTER is None:
        _ADAPTER = TypeAdapter(Record)
    return _ADAPTER.validate_python(data)


def explain(error: ValidationError) -> list[RecordError]:
    """Turn a pydantic error into field/message/fix triples a person can act on."""
    out = []
    for item in error.errors(include_url=False):
        loc = [str(p) for p in item["loc"]]
        if loc and loc[0] in RECORD_TYPES:
            loc = loc[1:]
        field = ".".join(loc) or "record"
        kind = item["type"]
        fix = next(
            (hint for key, hint in _FIXES.items() if key in kind or key in field.rsplit(".")[-1]),
            "correct the value",
        )
        if kind == "value_error" and "score" in item["msg"]:
            field, fix = "score", "use a score within the survey's scale"
        message = item["msg"].removeprefix("Value error, ")
        out.append(RecordError(field, message, fix))
    return out
