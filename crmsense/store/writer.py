"""Bulk, idempotent writes of validated records.

Records are upserted by ``(source, external_id)`` (or their natural key), in
dependency order, a chunk per transaction. References (``account_id`` …) are resolved
to row ids here; a record whose reference cannot be resolved is returned as a problem
and not stored.
"""

from __future__ import annotations

__all__ = ["RecordWriter", "Unresolved"]

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from crmsense.records import (
    RECORD_TYPES,
    AccountRecord,
    ActivityRecord,
    CallRecord,
    ContactRecord,
    DealRecord,
    MessageRecord,
    OutcomeRecord,
    Record,
    Segment,
    SurveyRecord,
    UsageRecord,
)
from crmsense.store import models as m
from crmsense.store.models import table_of as _table
from crmsense.text.clean import text_hash

#: Order in which record types are written, so references resolve: the interchange
#: format lists them that way (accounts before contacts before deals before messages …).
WRITE_ORDER = RECORD_TYPES


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A record whose reference points at nothing stored."""

    index: int
    field: str
    message: str
    fix: str


def _first_problem(*values: object) -> Unresolved | None:
    return next((v for v in values if isinstance(v, Unresolved)), None)


def _domain(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    return email.rsplit("@", 1)[1].strip().lower().rstrip(">")


class _Refs:
    """External id → row id maps for one source, loaded once and kept current."""

    def __init__(self, conn: Connection, source: str) -> None:
        self.source = source
        acc = _table(m.Account)
        con = _table(m.Contact)
        deal = _table(m.Deal)
        self.accounts: dict[str, int] = {
            ext: pk
            for ext, pk in conn.execute(
                select(acc.c.external_id, acc.c.id).where(acc.c.source == source)
            )
        }
        self.domains: dict[str, int] = {}
        for dom, pk in conn.execute(select(acc.c.domain, acc.c.id).where(acc.c.domain.isnot(None))):
            self.domains[dom.lower()] = pk
        self.contacts: dict[str, tuple[int, int]] = {}
        self.emails: dict[str, tuple[int, int]] = {}
        rows = conn.execute(
            select(con.c.external_id, con.c.id, con.c.account_id, con.c.email, con.c.source)
        )
        for ext, pk, account_pk, email, src in rows:
            if src == source:
                self.contacts[ext] = (pk, account_pk)
            self._note_email(email, pk, account_pk)
        self.deals: dict[str, tuple[int, int]] = {
            ext: (pk, account_pk)
            for ext, pk, account_pk in conn.execute(
                select(deal.c.external_id, deal.c.id, deal.c.account_id).where(
                    deal.c.source == source
                )
            )
        }

    def _note_email(self, email: str | None, pk: int, account_pk: int) -> None:
        if email:
            self.emails.setdefault(email.lower(), (pk, account_pk))
            dom = _domain(email)
            if dom:
                self.domains.setdefault(dom, account_pk)


class RecordWriter:
    """Writes validated records of one source through an open connection."""

    def __init__(self, conn: Connection, source: str = "local") -> None:
        self.conn = conn
        self.refs = _Refs(conn, source)
        self.now = datetime.now(UTC)  # ``updated_at`` of the accounts, contacts, deals written
        self._insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert

    # -- public ---------------------------------------------------------------------------

    def write(self, kind: str, records: Sequence[Record]) -> list[Unresolved]:
        """Upsert ``records`` (all of type ``kind``); return the ones left unresolved."""
        method = getattr(self, f"_write_{kind}")
        problems: list[Unresolved] = method(records)
        return problems

    # -- helpers --------------------------------------------------------------------------

    def _upsert(self, table: Table, rows: list[dict[str, Any]], keys: Sequence[str]) -> None:
        if not rows:
            return
        stmt = self._insert(table)
        update = {c: stmt.excluded[c] for c in rows[0] if c not in keys}
        if update:
            stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=update)
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
        self.conn.execute(stmt, rows)

    def _ids(self, table: Table, externals: list[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for start in range(0, len(externals), 900):
            chunk = externals[start : start + 900]
            rows = self.conn.execute(
                select(table.c.external_id, table.c.id).where(
                    table.c.source == self.refs.source, table.c.external_id.in_(chunk)
                )
            )
            out.update((ext, pk) for ext, pk in rows)
        return out

    def _account(self, ext: str | None, i: int, field: str = "account_id") -> int | Unresolved:
        if ext is None:
            return Unresolved(i, field, "no account given", f"add {field}")
        pk = self.refs.accounts.get(ext)
        if pk is None:
            return Unresolved(
                i,
                field,
                f"unknown account {ext!r}",
                "import the account record first (or in the same file)",
            )
        return pk

    def _contact(self, ext: str | None, i: int) -> tuple[int, int] | Unresolved | None:
        if ext is None:
            return None
        found = self.refs.contacts.get(ext)
        if found is None:
            return Unresolved(
                i,
                "contact_id",
                f"unknown contact {ext!r}",
                "import the contact record first, or leave contact_id out",
            )
        return found

    def _owner_of(
        self, i: int, account_id: str | None, contact_id: str | None, email: str | None
    ) -> tuple[int, int | None] | Unresolved:
        """(account pk, contact pk): by account, else contact, else e-mail, else domain."""
        contact = self._contact(contact_id, i)
        if isinstance(contact, Unresolved):
            return contact
        contact_pk = contact[0] if contact else None
        if account_id is not None:
            account = self._account(account_id, i)
            return account if isinstance(account, Unresolved) else (account, contact_pk)
        if contact:
            return contact[1], contact_pk
        if email:
            by_email = self.refs.emails.get(email.lower())
            if by_email:
                return by_email[1], by_email[0]
            dom = _domain(email)
            if dom and dom in self.refs.domains:
                return self.refs.domains[dom], None
        return Unresolved(
            i,
            "account_id",
            "cannot tell which account this belongs to",
            "add account_id, a known contact_id, or a sender e-mail whose "
            "domain matches an account",
        )

    def _deal(self, ext: str | None, i: int) -> int | Unresolved | None:
        if ext is None:
            return None
        found = self.refs.deals.get(ext)
        if found is None:
            return Unresolved(
                i,
                "deal_id",
                f"unknown deal {ext!r}",
                "import the deal record first, or leave deal_id out",
            )
        return found[0]

    # -- one method per record type -------------------------------------------------------

    def _write_account(self, records: Sequence[Record]) -> list[Unresolved]:
        table = _table(m.Account)
        rows: list[dict[str, Any]] = []
        parents: list[tuple[str, str]] = []
        for r in records:
            assert isinstance(r, AccountRecord)
            rows.append(
                {
                    "source": r.source,
                    "external_id": r.id,
                    "name": r.name,
                    "arr": r.arr,
                    "segment": r.segment,
                    "owners": r.owners.model_dump(exclude_none=True),
                    "renewal_date": r.renewal_date,
                    "domain": r.domain.lower() if r.domain else None,
                    "extra": r.extra,
                    "updated_at": self.now,
                }
            )
            if r.parent_id:
                parents.append((r.id, r.parent_id))
        self._upsert(table, rows, ("source", "external_id"))
        self.refs.accounts.update(self._ids(table, [r["external_id"] for r in rows]))
        for row in rows:
            if row["domain"]:
                self.refs.domains[row["domain"]] = self.refs.accounts[row["external_id"]]
        problems = []
        for ext, parent in parents:
            parent_pk = self.refs.accounts.get(parent)
            if parent_pk is None:
                index = next(i for i, r in enumerate(records) if getattr(r, "id", None) == ext)
                problems.append(
                    Unresolved(
                        index,
                        "parent_id",
                        f"unknown parent account {parent!r}",
                        "import the parent account too",
                    )
                )
                continue
            self.conn.execute(
                table.update()
                .where(table.c.id == self.refs.accounts[ext])
                .values(parent_id=parent_pk)
            )
        return problems

    def _write_contact(self, records: Sequence[Record]) -> list[Unresolved]:
        table = _table(m.Contact)
        rows: list[dict[str, Any]] = []
        problems: list[Unresolved] = []
        for i, r in enumerate(records):
            assert isinstance(r, ContactRecord)
            owner = self._owner_of(i, r.account_id, None, r.email)
            if isinstance(owner, Unresolved):
                problems.append(owner)
                continue
            rows.append(
                {
                    "source": r.source,
                    "external_id": r.id,
                    "account_id": owner[0],
                    "name": r.name,
                    "email": r.email.lower() if r.email else None,
                    "role": r.role,
                    "extra": r.extra,
                    "updated_at": self.now,
                }
            )
        self._upsert(table, rows, ("source", "external_id"))
        ids = self._ids(table, [r["external_id"] for r in rows])
        for row in rows:
            pk = ids[row["external_id"]]
            self.refs.contacts[row["external_id"]] = (pk, row["account_id"])
            self.refs._note_email(row["email"], pk, row["account_id"])
        return problems

    def _write_deal(self, records: Sequence[Record]) -> list[Unresolved]:
        table = _table(m.Deal)
        rows: list[dict[str, Any]] = []
        problems: list[Unresolved] = []
        for i, r in enumerate(records):
            assert isinstance(r, DealRecord)
            account = self._account(r.account_id, i)
            if isinstance(account, Unresolved):
                problems.append(account)
                continue
            rows.append(
                {
                    "source": r.source,
                    "external_id": r.id,
                    "account_id": account,
                    "name": r.name,
                    "stage": r.stage,
                    "stage_index": r.stage_index,
                    "stage_count": r.stage_count,
                    "amount": r.amount,
                    "close_date": r.close_date,
                    "status": r.status,
                    "owner": r.owner,
                    "extra": r.extra,
                    "updated_at": self.now,
                }
            )
        self._upsert(table, rows, ("source", "external_id"))
        ids = self._ids(table, [r["external_id"] for r in rows])
        for row in rows:
            self.refs.deals[row["external_id"]] = (ids[row["external_id"]], row["account_id"])
        return problems

    def _write_message(self, records: Sequence[Record]) -> list[Unresolved]:
        rows: list[dict[str, Any]] = []
        problems: list[Unresolved] = []
        for i, r in enumerate(records):
            assert isinstance(r, MessageRecord)
            owner = self._owner_of(i, r.account_id, r.contact_id, r.sender)
            deal = self._deal(r.deal_id, i)
            problem = _first_problem(owner, deal)
            if problem is not None:
                problems.append(problem)
                continue
            assert not isinstance(owner, Unresolved) and not isinstance(deal, Unresolved)
            rows.append(
                {
                    "source": r.source,
                    "external_id": r.id,
                    "channel": r.channel,
                    "direction": r.direction,
                    "account_id": owner[0],
                    "contact_id": owner[1],
                    "deal_id": deal,
                    "thread_id": r.thread_id,
                    "ticket_id": r.ticket_id,
                    "ticket_priority": r.ticket_priority,
                    "timestamp": r.timestamp,
                    "subject": r.subject,
                    "text": r.text,
                    "sender": r.sender,
                    "auto_reply": r.auto_reply,
                    "text_hash": text_hash(r.subject, r.text),
                    "extra": r.extra,
                }
            )
        self._upsert(_table(m.Message), rows, ("source", "external_id"))
        return problems

    def _write_call(self, records: Sequence[Record]) -> list[Unresolved]:
        table = _table(m.Call)
        rows: list[dict[str, Any]] = []
        segments: dict[str, list[Segment]] = {}
        problems: list[Unresolved] = []
        for i, r in enumerate(records):
            assert isinstance(r, CallRecord)
            owner = self._owner_of(i, r.account_id, r.contact_id, None)
            deal = self._deal(r.deal_id, i)
            problem = _first_problem(owner, deal)
            if problem is not None:
                problems.append(problem)
                continue
            assert not isinstance(owner, Unresolved) and not isinstance(deal, Unresolved)
            texts = [s.text for s in r.segments]
            rows.append(
                {
                    "source": r.source,
                    "external_id": r.id,
                    "account_id": owner[0],
                    "contact_id": owner[1],
                    "deal_id": deal,
                    "timestamp": r.timestamp,
                    "title": r.title,
                    "text_hash": text_hash(*texts),
                    "extra": r.extra,
                }
            )
            segments[r.id] = r.segments
        self._upsert(table, rows, ("source", "external_id"))
        ids = self._ids(table, list(segments))
        seg_table = _table(m.CallSegment)
        if ids:
            self.conn.execute(delete(seg_table).where(seg_table.c.call_id.in_(list(ids.values()))))
            seg_rows = [
                {
                    "call_id": ids[ext],
                    "position": n,
                    "speaker": s.speaker,
                    "role": s.role,
                    "start": s.start,
                    "end": s.end,
                    "text": s.text,
                }
                for ext, segs in segments.items()
                for n, s in enumerate(segs)
            ]
            self.conn.execute(seg_table.insert(), seg_rows)
        return problems

    def _write_survey(self, records: Sequence[Record]) -> list[Unresolved]:
        rows: list[dict[str, Any]] = []
        problems: list[Unresolved] = []
        for i, r in enumerate(records):
            assert isinstance(r, SurveyRecord)
            owner = self._owner_of(i, r.account_id, r.contact_id, r.email)
            if isinstance(owner, Unresolved):
                problems.append(owner)
                continue
            rows.append(
                {
                    "source": r.source,
                    "external_id": r.id,
                    "kind": r.kind,
                    "score": r.score,
                    "comment": r.comment,
                    "account_id": owner[0],
                    "contact_id": owner[1],
                    "respondent_email": r.email,
                    "timestamp": r.timestamp,
                    "text_hash": text_hash(r.comment),
                    "extra": r.extra,
                }
            )
        self._upsert(_table(m.Survey), rows, ("source", "external_id"))
        return problems

    def _write_usage(self, records: Sequence[Record]) -> list[Unresolved]:
        rows: list[dict[str, Any]] = []
        problems: list[Unresolved] = []
        for i, r in enumerate(records):
            assert isinstance(r, UsageRecord)
            account = self._account(r.account_id, i)
            if isinstance(account, Unresolved):
                problems.append(account)
                continue
            rows.append(
                {
                    "account_id": account,
                    "date": r.date,
                    "active_users": r.active_users,
                    "licensed_users": r.licensed_users,
                }
            )
        self._upsert(_table(m.Usage), rows, ("account_id", "date"))
        return problems

    def _write_activity(self, records: Sequence[Record]) -> list[Unresolved]:
        rows: list[dict[str, Any]] = []
        problems: list[Unresolved] = []
        for i, r in enumerate(records):
            assert isinstance(r, ActivityRecord)
            owner = self._owner_of(i, r.account_id, r.contact_id, None)
            if isinstance(owner, Unresolved):
                problems.append(owner)
                continue
            rows.append(
                {
                    "account_id": owner[0],
                    "kind": r.kind,
                    "timestamp": r.timestamp,
                    "contact_id": owner[1],
                    "note": r.note,
                }
            )
        self._upsert(_table(m.Activity), rows, ("account_id", "kind", "timestamp"))
        return problems

    def _write_outcome(self, records: Sequence[Record]) -> list[Unresolved]:
        rows: list[dict[str, Any]] = []
        problems: list[Unresolved] = []
        for i, r in enumerate(records):
            assert isinstance(r, OutcomeRecord)
            account = self._account(r.account_id, i)
            if isinstance(account, Unresolved):
                problems.append(account)
                continue
            rows.append({"account_id": account, "kind": r.kind, "date": r.date})
        self._upsert(_table(m.Outcome), rows, ("account_id", "kind", "date"))
        return problems
