"""Zoho CRM: REST API v2.1 in (modules and the Emails related list), fields, Tasks, Notes out.

API surface (``{api_domain}/crm/v2.1``):

* ``GET /{Module}?page&per_page=200&sort_by=Modified_Time&sort_order=asc`` with the
  ``If-Modified-Since`` header for Accounts, Contacts, Deals, Notes, Calls and Tasks;
  responses ``{"data": [...], "info": {"per_page", "count", "page", "more_records",
  "next_page_token"}}``, ``204``/``304`` when nothing (changed). Past the first 2,000
  records Zoho wants ``page_token`` instead of ``page``; the pull follows it.
* ``GET /Contacts/{id}/Emails`` (the Emails related list: ``{"email_related_list":
  [...], "info": {"next_index", "more_records", …}}``, a few e-mails per call, paged by
  ``index``) and ``GET /Contacts/{id}/Emails/{message_id}`` for each new e-mail's content.
  Zoho has no list of all e-mails and no modified-since filter on this list, so it is
  read per contact: every contact on a full pass (at most every
  ``email_full_scan_hours``), otherwise only contacts changed since the last pull; only
  e-mails sent since the cursor are fetched in full.
* ``GET /users?type=AllUsers``: e-mails of users a user-lookup field names (owners by role).
* ``PUT /{Accounts|Deals}``, ``POST|PUT /Tasks``, ``POST|PUT /Notes`` (``{"data": [...]}``
  in, per-record ``{"code", "details", "message", "status"}`` out); setup with ``POST
  /crm/v8/settings/fields?module=…`` (the Create Custom Fields API, documented from v6).
* OAuth: ``Authorization: Zoho-oauthtoken …``; tokens from ``POST
  {accounts_url}/oauth/v2/token?grant_type=refresh_token…``, whose ``api_domain`` is the
  data centre to call. Errors: ``{"code", "details", "message", "status": "error"}``;
  ``429 TOO_MANY_REQUESTS`` (concurrency) is retried with backoff.

Accounts carry ``Parent_Account``, the segment (``Account_Type`` unless configured), a
configured renewal-date field and owners by role from user-lookup fields.
"""

from __future__ import annotations

__all__ = ["ZohoConnector", "field_name"]

import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
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
from crmsense.connectors.config import ZohoConfig, load_config
from crmsense.connectors.http import ApiError, HttpClient, OAuthRefresh, Throttle
from crmsense.errors import IntegrationError

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("crmsense.connectors")

Row = dict[str, Any]

API = "/crm/v2.1"
#: The Create Custom Fields API is documented from v6 on (not for v2.1).
SETUP_API = "/crm/v8"
PER_PAGE = 200
_MODULES = {
    "accounts": "Accounts",
    "contacts": "Contacts",
    "deals": "Deals",
    "notes": "Notes",
    "calls": "Calls",
    "tasks": "Tasks",
}
_MODULE_OF = {"account": "Accounts", "deal": "Deals"}
_PRIORITY = {"high": "High", "normal": "Normal", "low": "Low"}
#: Spent API credits. Not confirmed in Zoho's documentation (see docs/connectors.md).
_QUOTA_CODES = {"LIMIT_REACHED", "API_LIMIT_EXCEEDED"}


def field_name(canonical: str) -> str:
    """The API name Zoho gives the custom field labelled after ``canonical``.

    >>> field_name("deal_risk_score")
    'Deal_Risk_Score'
    """
    return "_".join(part.capitalize() for part in canonical.split("_"))


def _parse_error(response: httpx.Response) -> tuple[str, str]:
    body = response.json()
    if isinstance(body.get("data"), list) and body["data"]:
        body = body["data"][0]
    elif isinstance(body.get("fields"), list) and body["fields"]:
        body = body["fields"][0]
    code = body.get("code") or body.get("error") or f"HTTP{response.status_code}"
    return str(code), str(body.get("message", ""))


def _rate_limits(status: int, code: str, message: str) -> Throttle | None:
    return Throttle(quota=True) if code in _QUOTA_CODES else None


def _id(value: Any) -> Any:
    """A lookup field (``{"name", "id"}``) or a bare id, as an id; an id that is neither
    text nor a number comes back as it came, for validation to reject by field name.

    >>> _id({"name": "Zylker", "id": 7}), _id("7"), _id(None), _id({"id": [7]})
    ('7', '7', None, [7])
    """
    if isinstance(value, dict):
        value = value.get("id")
    if not value:
        return None
    return as_id(value) or value


def _lookup(value: Any) -> Row:
    """A user-lookup field (``{"name", "id", "email"}``); ``{}`` when null or not one."""
    return value if isinstance(value, dict) else {}


def _later(a: Any, b: Any) -> str | None:
    """The later of two timestamps (either may be missing, a CRM time or a datetime), as
    ISO 8601 UTC."""
    times = [t for t in (as_datetime(a), as_datetime(b)) if t is not None]
    return max(times).isoformat() if times else None


def _since_header(value: Any) -> dict[str, str]:
    when = as_datetime(value)
    return {"If-Modified-Since": when.isoformat(timespec="seconds")} if when else {}


class ZohoConnector:
    """Zoho CRM both ways; see the module docstring for the endpoints used."""

    name: ClassVar[str] = "zoho.v1"
    source: ClassVar[str] = "zoho"
    objects: ClassVar[tuple[str, ...]] = (*_MODULES, "emails")

    def __init__(self, config: ZohoConfig, *, sleep: Callable[[float], None] = time.sleep):
        self.auth = OAuthRefresh(
            "zoho",
            f"{config.accounts_url.rstrip('/')}/oauth/v2/token",
            {
                "client_id": config.client_id,
                "client_secret": config.client_secret.get_secret_value(),
                "refresh_token": config.refresh_token.get_secret_value(),
            },
            access_token=config.access_token.get_secret_value() if config.access_token else None,
            scheme="Zoho-oauthtoken",
            in_query=True,
            base_url_key="api_domain",
        )
        self.http = HttpClient(
            "zoho",
            config.api_domain,
            self.auth,
            _parse_error,
            rate_limits=_rate_limits,
            timeout_s=config.timeout_s,
            max_retries=config.max_retries,
            sleep=sleep,
        )
        self.config = config
        self.owner_fields = {"account_executive": "Owner", **config.owner_fields}
        self._stages: dict[str, tuple[int, int]] | None = None
        self._deal_accounts: dict[str, str | None] = {}
        self._users: dict[str, str] | None = None

    @classmethod
    def configured(cls, config_path: Path | None = None) -> Self:
        return cls(load_config(ZohoConfig, config_path))

    def close(self) -> None:
        self.http.close()

    # -- pull -----------------------------------------------------------------------------

    def _list(self, module: str, page: int, token: str | None, since: Any) -> Row:
        """One page of a module; ``{}`` when Zoho answers 204/304 (nothing there)."""
        params: dict[str, Any] = {
            "per_page": PER_PAGE,
            "sort_by": "Modified_Time",
            "sort_order": "asc",
        }
        params.update({"page_token": token} if token else {"page": page})
        response = self.http.request(
            "GET", f"{API}/{module}", params=params, headers=_since_header(since)
        )
        if response.status_code in (204, 304) or not response.content:
            return {}
        data: Row = response.json()
        return data

    def _pages(self, module: str, cursor: dict[str, Any]) -> Iterator[tuple[list[Row], Row, Row]]:
        """``(records, info, cursor after them)`` per page, from ``cursor``."""
        now = datetime.now(UTC)  # later modification times do not move the cursor
        since = cursor.get("since")
        page = int(cursor.get("page", 1))
        token: str | None = cursor.get("token")
        newest = _later(cursor.get("newest"), since)
        while True:
            data = self._list(module, page, token, since)
            records = page_rows(data, "data", "zoho")
            info: Row = data.get("info", {})
            stamps = (record.get("Modified_Time") for record in records)
            newest = _later(newest, newest_stamp(stamps, now, f"zoho {module}"))
            if not info.get("more_records"):
                yield records, info, {"since": newest}
                return
            token = info.get("next_page_token")
            page += 1
            yield records, info, {"since": since, "page": page, "token": token, "newest": newest}

    def pull(self, object_type: str, cursor: dict[str, Any]) -> Iterator[Page]:
        if object_type == "emails":
            return self._pull_emails(cursor)
        if object_type not in _MODULES:
            raise IntegrationError(f"zoho has no object {object_type!r}", code="E505")
        pages = self._pull_module(object_type, cursor)
        return link_parents(pages, cursor) if object_type == "accounts" else pages

    def _pull_module(self, object_type: str, cursor: dict[str, Any]) -> Iterator[Page]:
        for records, info, after in self._pages(_MODULES[object_type], cursor):
            mapped = self._map_page(object_type, records)
            yield Page(object_type, mapped, after, info.get("count"), len(records))

    def _full_scan_due(self, cursor: dict[str, Any]) -> bool:
        last = as_datetime(cursor.get("full_scan_at"))
        every = timedelta(hours=self.config.email_full_scan_hours)
        return not cursor.get("since") or last is None or datetime.now(UTC) - last >= every

    def _pull_emails(self, cursor: dict[str, Any]) -> Iterator[Page]:
        """E-mails sent since ``since``, from the Emails related list of each contact.

        A full pass reads every contact; between full passes only contacts changed since
        the last pull (``If-Modified-Since``) are read. Cursor: ``since`` (newest e-mail
        time), ``full_scan_at``; mid-pass also the contacts' ``page``/``token``.
        """
        now = datetime.now(UTC)  # later e-mail times do not move the cursor
        since = cursor.get("since")
        after = as_datetime(since)
        resuming = "page" in cursor
        full = bool(cursor.get("full")) if resuming else self._full_scan_due(cursor)
        started = cursor.get("pass_started") or now.isoformat()
        contacts_cursor: Row = {k: cursor[k] for k in ("page", "token") if k in cursor}
        if not full and since:
            contacts_cursor["since"] = since
        newest = _later(cursor.get("newest"), since)
        for contacts, _, following in self._pages("Contacts", contacts_cursor):
            records: list[Row] = []
            sent: list[Any] = []
            for contact in contacts:
                if not (contact_id := as_id(contact.get("id"))):
                    continue  # rejected, naming ``id``, when the contacts were pulled
                for email in self._emails_of(contact_id, after):
                    sent.append(email.get("time") or email.get("sent_time"))
                    records.append(self._map_email(contact_id, email))
            newest = _later(newest, newest_stamp(sent, now, "zoho emails"))
            scanned = started if full else cursor.get("full_scan_at")
            nxt: Row = {"since": newest, "full_scan_at": scanned}
            if "page" in following:  # more contacts to go: keep the old ``since`` until the end
                nxt = {"since": since, "newest": newest, "page": following["page"],
                       "token": following["token"], "full": full, "pass_started": started,
                       "full_scan_at": cursor.get("full_scan_at")}  # fmt: skip
            yield Page("emails", records, nxt, None, len(records))

    def _emails_of(self, contact_id: str, after: datetime | None) -> Iterator[Row]:
        """The contact's e-mails sent at or after ``after``, each with its content."""
        path = f"{API}/Contacts/{contact_id}/Emails"
        index: str | None = None
        while True:
            response = self.http.request("GET", path, params={"index": index} if index else None)
            if response.status_code == 204 or not response.content:
                return
            data: Row = response.json()
            for summary in data.get("email_related_list", []):
                sent = as_datetime(summary.get("time") or summary.get("sent_time"))
                if sent is None or (after is not None and sent < after):
                    continue  # already pulled: no need for its content
                if not (message_id := as_id(summary.get("message_id"))):
                    yield summary  # no content to fetch; rejected, naming ``id``
                    continue
                found = self.http.request("GET", f"{path}/{message_id}")
                detail: Row = found.json() if found.content else {}  # 204: deleted since listed
                yield {**summary, **(detail.get("email_related_list") or [{}])[0]}
            info: Row = data.get("info") or {}
            index = info.get("next_index") or data.get("next_index")
            if not index or info.get("more_records") is False:
                return

    def _user_email(self, user_id: str | None) -> str | None:
        """A CRM user's e-mail (for user-lookup fields, which carry only name and id)."""
        if not user_id:
            return None
        if self._users is None:
            self._users = {}
            page = 1
            try:
                while True:
                    response = self.http.request(
                        "GET", f"{API}/users",
                        params={"type": "AllUsers", "page": page, "per_page": PER_PAGE},
                    )  # fmt: skip
                    data: Row = response.json() if response.content else {}
                    for user in data.get("users", []):
                        if user.get("email"):
                            self._users[str(user["id"])] = user["email"]
                    if not (data.get("info") or {}).get("more_records"):
                        break
                    page += 1
            except ApiError as exc:  # e.g. no ZohoCRM.users.READ scope: keep the ids only
                log.warning("zoho: users unavailable (%s); owner e-mails by role left empty",
                            exc.vendor_code)  # fmt: skip
        return self._users.get(user_id)

    def _stage(self, name: str | None) -> tuple[int, int] | None:
        if not name:
            return None
        if self._stages is None:
            data = self.http.request(
                "GET", f"{API}/settings/fields", params={"module": "Deals"}
            ).json()
            stage: Row = next(
                (f for f in data.get("fields", []) if f.get("api_name") == "Stage"), {}
            )
            values = sorted(
                stage.get("pick_list_values", []), key=lambda v: v.get("sequence_number", 0)
            )
            self._stages = {v["actual_value"]: (i, len(values)) for i, v in enumerate(values, 1)}
        return self._stages.get(name)

    def _account_of_deal(self, deal_id: str) -> str | None:
        if deal_id not in self._deal_accounts:
            response = self.http.request("GET", f"{API}/Deals/{deal_id}")
            rows = response.json().get("data", []) if response.content else []
            self._deal_accounts[deal_id] = _id(rows[0].get("Account_Name")) if rows else None
        return self._deal_accounts[deal_id]

    def _map_page(self, object_type: str, records: list[Row]) -> list[Row]:
        out: list[Row] = []
        for record in records:
            record = {**record, "id": as_id(record.get("id"))}  # "" is rejected as id
            out.extend(getattr(self, f"_map_{object_type}")(record))
        return out

    def _base(self, record: Row, **values: Any) -> Row:
        return crm_record(self.source, record["id"], **values)

    def _parent(self, record: Row, key: str) -> Row:
        """account_id / contact_id / deal_id from a ``What_Id``-style lookup + ``$se_module``."""
        target, module = _id(record.get(key)), record.get("$se_module")
        if module == "Accounts":
            return {"account_id": target}
        if module == "Deals" and isinstance(target, str):
            return {"deal_id": target, "account_id": self._account_of_deal(target)}
        if module == "Deals":
            return {"deal_id": target}
        if module == "Contacts":
            return {"contact_id": target}
        return {}

    def _map_accounts(self, r: Row) -> list[Row]:
        cfg = self.config
        owner = _lookup(r.get("Owner"))
        owners: Row = {}
        for role, field in self.owner_fields.items():
            user = r.get(field)
            if isinstance(user, dict):
                owners[role] = user.get("email") or self._user_email(_id(user))
        return [
            {
                **self._base(
                    r,
                    domain=if_text(r.get("Website"), domain_of),
                    industry=r.get("Industry"),
                    arr=r.get(cfg.arr_field) if cfg.arr_field else None,
                    parent_id=_id(r.get("Parent_Account")),
                    segment=r.get(cfg.segment_field) if cfg.segment_field else None,
                    renewal_date=as_date(r.get(cfg.renewal_field or "")),
                    crm_owner_id=owner.get("id"),
                ),
                "type": "account",
                "name": r.get("Account_Name") or f"Zoho account {r['id']}",
                "owners": {role: email for role, email in owners.items() if email},
            }
        ]

    def _map_contacts(self, r: Row) -> list[Row]:
        name = r.get("Full_Name") or " ".join(
            filter(None, (r.get("First_Name"), r.get("Last_Name")))
        )
        return [
            {
                **self._base(
                    r,
                    account_id=_id(r.get("Account_Name")),
                    name=name or None,
                    email=r.get("Email"),
                    title=r.get("Title"),
                ),
                "type": "contact",
            }
        ]

    def _map_deals(self, r: Row) -> list[Row]:
        stage_name = r.get("Stage") or ""
        stage = self._stage(stage_name) if isinstance(stage_name, str) else None
        status = "open"
        if isinstance(stage_name, str) and stage_name.startswith("Closed"):
            status = "won" if "Won" in stage_name else "lost"
        account = _id(r.get("Account_Name"))
        if r["id"] and isinstance(account, str | None):
            self._deal_accounts[r["id"]] = account
        owner = _lookup(r.get("Owner"))
        return [
            {
                **self._base(
                    r,
                    account_id=account,
                    name=r.get("Deal_Name"),
                    stage=stage_name,
                    amount=r.get("Amount"),
                    close_date=r.get("Closing_Date"),
                    owner=owner.get("email"),
                    crm_owner_id=owner.get("id"),
                ),
                "type": "deal",
                "status": status,
                "stage_index": stage[0] if stage else None,
                "stage_count": stage[1] if stage else None,
            }
        ]

    def _map_notes(self, r: Row) -> list[Row]:
        title = r.get("Note_Title") or ""
        if isinstance(title, str) and title.startswith(MARKER):
            return []
        links = self._parent(r, "Parent_Id")
        return [
            {
                **self._base(r, **links, subject=title or None),
                "type": "message",
                "channel": "note",
                "direction": "outbound",
                "timestamp": r.get("Created_Time"),
                "text": r.get("Note_Content") or "",
            }
        ]

    def _map_calls(self, r: Row) -> list[Row]:
        links = self._parent(r, "What_Id")
        if _id(r.get("Who_Id")):
            links["contact_id"] = _id(r.get("Who_Id"))
        when = r.get("Call_Start_Time") or r.get("Created_Time")
        out: list[Row] = []
        if r.get("Description"):
            out.append(
                {
                    **self._base(r, **links, title=r.get("Subject")),
                    "type": "call",
                    "timestamp": when,
                    "segments": call_notes(r["Description"]),
                }
            )
        if links.get("account_id"):
            out.append(
                activity(
                    self.source,
                    "call",
                    links["account_id"],
                    when,
                    contact_id=links.get("contact_id"),
                )
            )
        return out

    def _map_tasks(self, r: Row) -> list[Row]:
        subject = r.get("Subject") or ""
        links = self._parent(r, "What_Id")
        if (isinstance(subject, str) and subject.startswith(MARKER)) or not links.get("account_id"):
            return []
        return [
            activity(self.source, "task", links["account_id"], r.get("Created_Time"), note=subject)
        ]

    def _map_email(self, contact_id: str, e: Row) -> Row:
        sender = e.get("from")
        return {
            "id": as_id(e.get("message_id")),  # "" is rejected as id
            "source": self.source,
            "type": "message",
            "channel": "email",
            "direction": "outbound" if e.get("sent") else "inbound",
            "contact_id": contact_id,
            "subject": e.get("subject"),
            "sender": sender.get("email") if isinstance(sender, dict) else sender,
            "timestamp": e.get("time") or e.get("sent_time"),
            "text": e.get("content") or e.get("summary") or "",
        }

    # -- push -----------------------------------------------------------------------------

    def _write(self, method: str, path: str, record: Row, params: Row | None = None) -> str:
        """One record through Zoho's ``{"data": [...]}`` envelope; its id back."""
        data = self.http.request(method, path, json={"data": [record]}, params=params).json()
        result = data["data"][0]
        if result.get("status") != "success":
            raise ApiError(
                f"zoho: {method} {path} refused: {result.get('code')}: {result.get('message')}",
                status=400,
                vendor_code=str(result.get("code")),
            )
        return str(result.get("details", {}).get("id") or record.get("id"))

    def push_fields(self, object_type: str, external_id: str, fields: dict[str, Any]) -> None:
        record = {"id": external_id, **{field_name(k): v for k, v in fields.items()}}
        self._write("PUT", f"{API}/{_MODULE_OF[object_type]}", record)

    def _upsert(self, module: str, body: Row, create_only: Row, external_id: str | None) -> str:
        if external_id:
            try:
                return self._write("PUT", f"{API}/{module}/{external_id}", body)
            except ApiError as exc:  # deleted in Zoho since: create it again
                if exc.vendor_code not in ("INVALID_DATA", "RECORD_NOT_FOUND"):
                    raise
        return self._write("POST", f"{API}/{module}", {**body, **create_only})

    def upsert_task(self, task: TaskSpec, external_id: str | None) -> str:
        body = {
            "Subject": f"{MARKER} {task.subject}"[:255],
            "Description": task.body,
            "Due_Date": task.due.astimezone(UTC).date().isoformat(),
            "Priority": _PRIORITY[task.priority],
            "Status": "Completed" if task.done else "Not Started",
            **({"Owner": {"id": task.owner_id}} if task.owner_id else {}),
        }
        parent = {
            "What_Id": task.deal_id or task.account_id,
            "$se_module": "Deals" if task.deal_id else "Accounts",
        }
        return self._upsert("Tasks", body, parent, external_id)

    def upsert_note(self, note: NoteSpec, external_id: str | None) -> str:
        body = {"Note_Title": f"{MARKER} {note.title}"[:120], "Note_Content": note.body}
        parent = {
            "Parent_Id": note.deal_id or note.account_id,
            "se_module": "Deals" if note.deal_id else "Accounts",
        }
        return self._upsert("Notes", body, parent, external_id)

    def setup(self) -> SetupResult:
        result = SetupResult()
        for kind, specs in PUSH_FIELDS.items():
            module = _MODULE_OF[kind]
            for spec in specs:
                definition: Row = {
                    "field_label": spec.label,
                    "data_type": "double" if spec.numeric else "picklist",
                }
                if not spec.numeric:
                    definition["pick_list_values"] = [
                        {"display_value": c.title(), "actual_value": c} for c in spec.choices
                    ]
                label = f"{module}.{field_name(spec.name)}"
                try:
                    data = self.http.request(
                        "POST",
                        f"{SETUP_API}/settings/fields",
                        params={"module": module},
                        json={"fields": [definition]},
                    ).json()
                    code = data["fields"][0].get("code")
                except ApiError as exc:
                    code = exc.vendor_code
                if code == "DUPLICATE_DATA":
                    result.existing.append(label)
                elif code == "SUCCESS":
                    result.created.append(label)
                else:
                    raise IntegrationError(
                        f"zoho: cannot create field {label}: {code}", code="E502"
                    )
        return result
