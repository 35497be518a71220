"""Salesforce: REST API and SOQL in, custom fields, Tasks and Notes out.

API surface (REST API, version ``CRMSENSE_SALESFORCE_API_VERSION``, default v60.0):

* ``GET /services/data/vXX.X/query?q=SELECT … WHERE SystemModstamp >= … ORDER BY
  SystemModstamp, Id``: incremental pulls of Account, Contact, Opportunity, Case,
  EmailMessage and Task; paging by ``nextRecordsUrl`` until ``done``. Responses are
  ``{"totalSize", "done", "nextRecordsUrl", "records": [{"attributes": {"type", "url"},
  …}]}``; errors are a list ``[{"message", "errorCode"}]``.
* ``PATCH /sobjects/{Account|Opportunity}/{id}``, ``POST|PATCH /sobjects/{Task|Note}``:
  push-back; ``POST /tooling/sobjects/CustomField``: setup (``Health_Score__c`` …).
* ``POST {login_url}/services/oauth2/token`` (``grant_type=refresh_token``) for the
  access token and ``instance_url``; a 401 ``INVALID_SESSION_ID`` refreshes once.
* Limits: ``403 REQUEST_LIMIT_EXCEEDED`` "TotalRequests Limit exceeded." is the 24-hour
  allocation (stop); the same code for concurrent long-running requests
  ("ConcurrentRequests …", "ConcurrentPerOrgLongTxn …") is waited out and retried.

Accounts carry ``ParentId``, the segment (``Type`` unless configured), a configured
renewal-date field and owners by role from user lookups (``Owner.Email``, ``CSM__r.Email``)
and from the Account Team: ``SELECT AccountId, TeamMemberRole, User.Email FROM
AccountTeamMember WHERE AccountId IN (…)``, one query per page of accounts (200 ids a
query), roles mapped by ``team_roles``. An org without Account Teams (or a user who may not
read them) answers ``400 INVALID_TYPE``: teams are then skipped for the connector's life.

Why httpx and not ``simple-salesforce``: that SDK has no 429/5xx retry or backoff and no
refresh-token grant (it takes a session id, password, JWT or client-credentials login),
so it would need wrapping anyway; one small client gives all three CRMs the same retry,
quota and no-secrets-in-logs policy and lets the tests aim it at a local fake.
"""

from __future__ import annotations

__all__ = ["SalesforceConnector", "field_name"]

import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Self

from crmsense.connectors.base import (
    MARKER,
    PUSH_FIELDS,
    NoteSpec,
    Page,
    SetupResult,
    TaskSpec,
    activity,
    as_date,
    as_datetime,
    as_id,
    call_notes,
    crm_record,
    domain_of,
    if_text,
    link_parents,
    newest_stamp,
    page_rows,
)
from crmsense.connectors.config import SalesforceConfig, load_config
from crmsense.connectors.http import ApiError, HttpClient, OAuthRefresh, Throttle
from crmsense.errors import IntegrationError

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("crmsense.connectors")

Row = dict[str, Any]

#: object type → (sObject, fields read). Relationship fields are dotted.
_QUERIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "accounts": ("Account", ("Id", "Name", "Website", "Industry", "OwnerId", "ParentId")),
    "contacts": ("Contact", ("Id", "AccountId", "FirstName", "LastName", "Email", "Title")),
    "opportunities": ("Opportunity", ("Id", "AccountId", "Name", "StageName", "Amount",
                                      "CloseDate", "IsClosed", "IsWon", "OwnerId",
                                      "Owner.Email")),
    "cases": ("Case", ("Id", "AccountId", "ContactId", "CaseNumber", "Subject", "Description",
                       "Priority", "CreatedDate")),
    "emails": ("EmailMessage", ("Id", "ParentId", "Parent.AccountId", "RelatedToId", "Subject",
                                "TextBody", "HtmlBody", "Incoming", "FromAddress", "MessageDate",
                                "ThreadIdentifier")),
    "tasks": ("Task", ("Id", "AccountId", "WhatId", "WhoId", "Subject", "Description",
                       "TaskSubtype", "ActivityDate", "CreatedDate")),
}  # fmt: skip
_SOBJECT_OF = {"account": "Account", "deal": "Opportunity"}
_PRIORITY = {"high": "High", "normal": "Normal", "low": "Low"}
_ID = re.compile(r"^[A-Za-z0-9]{15,18}$")
_PREFIX = {"account": "001", "contact": "003", "deal": "006"}


def field_name(canonical: str) -> str:
    """The custom field's API name.

    >>> field_name("health_score")
    'Health_Score__c'
    """
    return "_".join(part.capitalize() for part in canonical.split("_")) + "__c"


def _parse_error(response: httpx.Response) -> tuple[str, str]:
    body = response.json()
    if isinstance(body, list) and body:
        return str(body[0].get("errorCode", "")), str(body[0].get("message", ""))
    return str(body.get("error", f"HTTP{response.status_code}")), str(
        body.get("error_description", "")
    )


def _rate_limits(status: int, code: str, message: str) -> Throttle | None:
    if code != "REQUEST_LIMIT_EXCEEDED":
        return None
    if "concurrent" in message.lower():  # long-running requests (>= 20 s) at the org cap
        return Throttle(wait_s=10.0)
    return Throttle(quota=True)  # "TotalRequests Limit exceeded.": the 24-hour allocation


def _user_email(field: str) -> str:
    """The SOQL path to the e-mail of the user a lookup field names.

    >>> _user_email("OwnerId"), _user_email("CSM__c"), _user_email("Account_Manager__c")
    ('Owner.Email', 'CSM__r.Email', 'Account_Manager__r.Email')
    """
    if field.endswith("__c"):
        return f"{field.removesuffix('__c')}__r.Email"
    return f"{field.removesuffix('Id')}.Email"


def _get(record: Row, dotted: str) -> Any:
    value: Any = record
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _id_chunks(ids: Iterable[str], size: int = 200) -> Iterator[list[str]]:
    """Record ids, ``size`` at a time, for a SOQL ``IN (…)`` that keeps the URL short.

    Only ids shaped like Salesforce ids pass, so quoting them is safe.

    >>> [len(c) for c in _id_chunks([f"001{n:015d}" for n in range(450)] + ["x'"])]
    [200, 200, 50]
    """
    valid = sorted({i for i in ids if _ID.match(i)})
    for start in range(0, len(valid), size):
        yield valid[start : start + size]


def _in(ids: list[str]) -> str:
    return ", ".join(f"'{i}'" for i in ids)


def _soql_datetime(value: Any) -> str:
    when = as_datetime(value)
    if when is None:
        raise IntegrationError(f"salesforce: bad cursor time {value!r}", code="E505")
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _of(kind: str, sf_id: Any) -> Any:
    """``sf_id`` if it names a ``kind``; not text: as it came, for validation to reject."""
    if not isinstance(sf_id, str):
        return sf_id
    return sf_id if sf_id.startswith(_PREFIX[kind]) else None


class SalesforceConnector:
    """Salesforce both ways; see the module docstring for the endpoints used."""

    name: ClassVar[str] = "salesforce.v1"
    source: ClassVar[str] = "salesforce"
    objects: ClassVar[tuple[str, ...]] = tuple(_QUERIES)

    def __init__(self, config: SalesforceConfig, *, sleep: Callable[[float], None] = time.sleep):
        self.auth = OAuthRefresh(
            "salesforce",
            f"{config.login_url.rstrip('/')}/services/oauth2/token",
            {
                "client_id": config.client_id,
                "client_secret": config.client_secret.get_secret_value(),
                "refresh_token": config.refresh_token.get_secret_value(),
            },
            access_token=config.access_token.get_secret_value() if config.access_token else None,
            base_url_key="instance_url",
        )
        self.http = HttpClient(
            "salesforce",
            config.instance_url or config.login_url,
            self.auth,
            _parse_error,
            rate_limits=_rate_limits,
            timeout_s=config.timeout_s,
            max_retries=config.max_retries,
            sleep=sleep,
        )
        self.api = f"/services/data/{config.api_version}"
        self.config = config
        self.owner_fields = {"account_executive": "OwnerId", **config.owner_fields}
        self.team_roles = {label.casefold(): role for label, role in config.team_roles.items()}
        self._stages: dict[str, tuple[int, int]] | None = None
        self._deal_accounts: dict[str, str | None] = {}
        self._teams: dict[str, dict[str, str]] = {}  # account id → role → e-mail, this page

    @classmethod
    def configured(cls, config_path: Path | None = None) -> Self:
        return cls(load_config(SalesforceConfig, config_path))

    def close(self) -> None:
        self.http.close()

    # -- pull -----------------------------------------------------------------------------

    def _query(self, soql: str) -> Row:
        result: Row = self.http.request("GET", f"{self.api}/query", params={"q": soql}).json()
        return result

    def _all(self, soql: str) -> list[Row]:
        data = self._query(soql)
        records = page_rows(data, "records", "salesforce", required=True)
        while not data.get("done", True):
            data = self.http.request("GET", data["nextRecordsUrl"]).json()
            records += page_rows(data, "records", "salesforce", required=True)
        return records

    def pull(self, object_type: str, cursor: dict[str, Any]) -> Iterator[Page]:
        if object_type not in _QUERIES:
            raise IntegrationError(f"salesforce has no object {object_type!r}", code="E505")
        if object_type == "accounts":
            return link_parents(self._pull(object_type, cursor), cursor)
        return self._pull(object_type, cursor)

    def _account_fields(self) -> tuple[str, ...]:
        cfg = self.config
        named = [cfg.arr_field, cfg.segment_field, cfg.renewal_field]
        named += [_user_email(f) for f in self.owner_fields.values()]
        base = _QUERIES["accounts"][1]
        return (*base, *sorted({n for n in named if n and n not in base}))

    def _pull(self, object_type: str, cursor: dict[str, Any]) -> Iterator[Page]:
        sobject, fields = _QUERIES[object_type]
        if object_type == "accounts":
            fields = self._account_fields()
        now = datetime.now(UTC)  # later modification times do not move the cursor
        since = cursor.get("since")
        next_url: str | None = cursor.get("next")
        data: Row | None = None
        if next_url:
            try:
                data = self.http.request("GET", next_url).json()
            except ApiError as exc:  # query locators expire: fall back to the timestamp
                if exc.vendor_code not in ("INVALID_QUERY_LOCATOR", "NOT_FOUND"):
                    raise
        if data is None:
            where = f" WHERE SystemModstamp >= {_soql_datetime(since)}" if since else ""
            # SOQL, not SQL; fields are constants and the time is formatted by us
            data = self._query(
                f"SELECT {', '.join((*fields, 'SystemModstamp'))} FROM {sobject}{where} "  # noqa: S608
                "ORDER BY SystemModstamp ASC, Id ASC"
            )
        while True:
            records = page_rows(data, "records", "salesforce", required=True)
            stamps = (r.get("SystemModstamp") for r in records)
            newest = newest_stamp(stamps, now, f"salesforce {object_type}") or as_datetime(since)
            mapped = self._map_page(object_type, records)
            done = data.get("done", True)
            cursor = {"since": newest.isoformat() if newest else since}
            if not done:
                cursor["next"] = data["nextRecordsUrl"]
            yield Page(object_type, mapped, cursor, data.get("totalSize"), len(records))
            if done:
                return
            since = cursor["since"]
            data = self.http.request("GET", data["nextRecordsUrl"]).json()

    def _stage(self, name: Any) -> tuple[int, int] | None:
        if not name or not isinstance(name, str):
            return None
        if self._stages is None:
            rows = self._all(
                "SELECT ApiName, MasterLabel, SortOrder FROM OpportunityStage "
                "WHERE IsActive = true ORDER BY SortOrder ASC"
            )
            self._stages = {}
            for index, row in enumerate(rows, start=1):
                for key in (row.get("ApiName"), row.get("MasterLabel")):
                    if key:
                        self._stages[key] = (index, len(rows))
        return self._stages.get(name)

    def _accounts_of_deals(self, deal_ids: set[str]) -> None:
        for chunk in _id_chunks(i for i in deal_ids if i not in self._deal_accounts):
            rows = self._all(f"SELECT Id, AccountId FROM Opportunity WHERE Id IN ({_in(chunk)})")  # noqa: S608
            self._deal_accounts.update({i: None for i in chunk})
            self._deal_accounts.update({r["Id"]: r.get("AccountId") for r in rows})

    def _account_teams(self, account_ids: Iterable[str]) -> dict[str, dict[str, str]]:
        """Owners by role from the accounts' Account Teams, as ``team_roles`` maps them.

        Where two members map to one role, the role listed first in ``team_roles`` wins,
        then the smaller e-mail (stable from pull to pull).
        """
        if not self.team_roles:
            return {}
        rows: list[Row] = []
        try:
            for chunk in _id_chunks(account_ids):
                rows += self._all(
                    "SELECT AccountId, TeamMemberRole, User.Email FROM AccountTeamMember "  # noqa: S608
                    f"WHERE AccountId IN ({_in(chunk)})"
                )
        except ApiError as exc:
            if exc.vendor_code != "INVALID_TYPE":
                raise
            log.info(
                "salesforce: AccountTeamMember is not available (account teams off or not "
                "readable); owners by role come from account fields only"
            )
            self.team_roles = {}
            return {}
        order = list(self.team_roles)
        members = sorted(
            (order.index(label), email, row["AccountId"], self.team_roles[label])
            for row in rows
            if (label := str(row.get("TeamMemberRole") or "").casefold()) in self.team_roles
            and (email := _get(row, "User.Email"))
        )
        teams: dict[str, dict[str, str]] = {}
        for _, email, account, role in members:
            teams.setdefault(account, {}).setdefault(role, email)
        return teams

    def _map_page(self, object_type: str, records: list[Row]) -> list[Row]:
        records = [{**r, "Id": as_id(r.get("Id"))} for r in records]  # "" is rejected as id
        if object_type in ("emails", "tasks"):
            self._accounts_of_deals({d for r in records if (d := _of("deal", _related(r)))})
        if object_type == "accounts":
            self._teams = self._account_teams(r["Id"] for r in records)
        out: list[Row] = []
        for record in records:
            out.extend(getattr(self, f"_map_{object_type}")(record))
        return out

    def _base(self, record: Row, **values: Any) -> Row:
        return crm_record(self.source, record["Id"], **values)

    def _map_accounts(self, r: Row) -> list[Row]:
        cfg = self.config
        found = {role: e for role, f in self.owner_fields.items() if (e := _get(r, _user_email(f)))}
        explicit = {role: found[role] for role in cfg.owner_fields if role in found}
        owners = {**found, **self._teams.get(r["Id"], {}), **explicit}  # team > OwnerId default
        return [{**self._base(r, domain=if_text(r.get("Website"), domain_of),
                              industry=r.get("Industry"),
                              arr=r.get(cfg.arr_field) if cfg.arr_field else None,
                              parent_id=r.get("ParentId"),
                              segment=r.get(cfg.segment_field) if cfg.segment_field else None,
                              renewal_date=as_date(r.get(cfg.renewal_field or "")),
                              crm_owner_id=r.get("OwnerId")),
                 "type": "account", "name": r.get("Name") or f"Salesforce account {r['Id']}",
                 "owners": owners}]  # fmt: skip

    def _map_contacts(self, r: Row) -> list[Row]:
        name = " ".join(filter(None, (r.get("FirstName"), r.get("LastName")))) or None
        return [{**self._base(r, account_id=r.get("AccountId"), name=name, email=r.get("Email"),
                              title=r.get("Title")), "type": "contact"}]  # fmt: skip

    def _map_opportunities(self, r: Row) -> list[Row]:
        stage = self._stage(r.get("StageName"))
        status = ("won" if r.get("IsWon") else "lost") if r.get("IsClosed") else "open"
        return [{**self._base(r, account_id=r.get("AccountId"), name=r.get("Name"),
                              stage=r.get("StageName"), amount=r.get("Amount"),
                              close_date=r.get("CloseDate"), owner=_get(r, "Owner.Email"),
                              crm_owner_id=r.get("OwnerId")),
                 "type": "deal", "status": status,
                 "stage_index": stage[0] if stage else None,
                 "stage_count": stage[1] if stage else None}]  # fmt: skip

    def _map_cases(self, r: Row) -> list[Row]:
        priority = r.get("Priority")
        return [{**self._base(r, account_id=r.get("AccountId"), contact_id=r.get("ContactId"),
                              subject=r.get("Subject"), ticket_id=r.get("CaseNumber"),
                              ticket_priority=if_text(priority, str.lower)),
                 "type": "message", "channel": "ticket", "direction": "inbound",
                 "timestamp": r.get("CreatedDate"),
                 "text": r.get("Description") or ""}]  # fmt: skip

    def _owner_links(self, r: Row, account: str | None) -> Row:
        deal = _of("deal", _related(r))
        account = account or _of("account", _related(r)) or self._deal_accounts.get(deal or "")
        return {"account_id": account, "deal_id": deal}

    def _map_emails(self, r: Row) -> list[Row]:
        links = self._owner_links(r, _get(r, "Parent.AccountId"))
        return [{**self._base(r, **links, subject=r.get("Subject"), sender=r.get("FromAddress"),
                              thread_id=r.get("ThreadIdentifier")),
                 "type": "message", "channel": "email",
                 "direction": "inbound" if r.get("Incoming") else "outbound",
                 "timestamp": r.get("MessageDate"),
                 "text": r.get("TextBody") or r.get("HtmlBody") or ""}]  # fmt: skip

    def _map_tasks(self, r: Row) -> list[Row]:
        subject = r.get("Subject") or ""
        if isinstance(subject, str) and subject.startswith(MARKER):
            return []
        links = self._owner_links(r, r.get("AccountId"))
        contact = _of("contact", r.get("WhoId"))
        when = r.get("CreatedDate")
        subtype = r.get("TaskSubtype")
        out: list[Row] = []
        if subtype == "Email" and r.get("Description"):
            out.append({**self._base(r, **links, contact_id=contact, subject=subject),
                        "type": "message", "channel": "email", "direction": "outbound",
                        "timestamp": when, "text": r["Description"]})  # fmt: skip
        elif subtype == "Call" and r.get("Description"):
            out.append({**self._base(r, **links, contact_id=contact, title=subject),
                        "type": "call", "timestamp": when,
                        "segments": call_notes(r["Description"])})  # fmt: skip
        if links["account_id"]:
            kind = "call" if subtype == "Call" else "task"
            note = subject if kind == "task" else None
            out.append(activity(self.source, kind, links["account_id"], when,
                                contact_id=contact, note=note))  # fmt: skip
        return out

    # -- push -----------------------------------------------------------------------------

    def push_fields(self, object_type: str, external_id: str, fields: dict[str, Any]) -> None:
        self.http.request(
            "PATCH",
            f"{self.api}/sobjects/{_SOBJECT_OF[object_type]}/{external_id}",
            json={field_name(k): v for k, v in fields.items()},
        )

    def _upsert(self, sobject: str, body: Row, create_only: Row, external_id: str | None) -> str:
        if external_id:
            try:
                self.http.request("PATCH", f"{self.api}/sobjects/{sobject}/{external_id}",
                                  json=body)  # fmt: skip
                return external_id
            except ApiError as exc:
                if exc.status != 404:
                    raise
        created = self.http.request(
            "POST", f"{self.api}/sobjects/{sobject}", json={**body, **create_only}
        ).json()
        return str(created["id"])

    def upsert_task(self, task: TaskSpec, external_id: str | None) -> str:
        body = {
            "Subject": f"{MARKER} {task.subject}"[:255],
            "Description": task.body[:32000],
            "ActivityDate": task.due.date().isoformat(),
            "Priority": _PRIORITY[task.priority],
            "Status": "Completed" if task.done else "Not Started",
            **({"OwnerId": task.owner_id} if task.owner_id else {}),
        }
        return self._upsert("Task", body, {"WhatId": task.deal_id or task.account_id}, external_id)

    def upsert_note(self, note: NoteSpec, external_id: str | None) -> str:
        body = {"Title": f"{MARKER} {note.title}"[:80], "Body": note.body[:32000]}
        return self._upsert("Note", body, {"ParentId": note.deal_id or note.account_id},
                            external_id)  # fmt: skip

    def setup(self) -> SetupResult:
        result = SetupResult()
        for kind, specs in PUSH_FIELDS.items():
            sobject = _SOBJECT_OF[kind]
            for spec in specs:
                metadata: Row = {
                    "label": spec.label,
                    "description": "Written by crmsense; do not edit by hand.",
                }
                if spec.numeric:
                    metadata.update(type="Number", precision=5, scale=1)
                else:
                    values = [{"fullName": c, "label": c.title(), "default": False}
                              for c in spec.choices]  # fmt: skip
                    metadata.update(type="Picklist", valueSet={
                        "restricted": True,
                        "valueSetDefinition": {"sorted": False, "value": values},
                    })  # fmt: skip
                full_name = f"{sobject}.{field_name(spec.name)}"
                try:
                    self.http.request(
                        "POST",
                        f"{self.api}/tooling/sobjects/CustomField",
                        json={"FullName": full_name, "Metadata": metadata},
                    )
                    result.created.append(full_name)
                except ApiError as exc:
                    if exc.vendor_code != "DUPLICATE_DEVELOPER_NAME":
                        raise
                    result.existing.append(full_name)
        return result


def _related(record: Row) -> str | None:
    value = record.get("RelatedToId") or record.get("WhatId")
    return str(value) if value else None
