"""A fake Zoho CRM (API v2.1) and accounts server.

Shapes follow zoho.com/crm/developer/docs/api/v2.1: records ``{"data": [...], "info":
{"per_page", "count", "page", "sort_by", "sort_order", "more_records",
"next_page_token"}}``; ``204`` for an empty list and ``304`` when nothing changed since
``If-Modified-Since``; ``page`` may not go past the 2,000th record
(``DISCRETE_PAGINATION_LIMIT_EXCEEDED``: use ``page_token``); writes take ``{"data":
[...]}`` and answer per record ``{"code", "details", "message", "status"}``; errors
``{"code", "details", "message", "status": "error"}``; the accounts server's token
endpoint takes its grant in the query string and answers 200 even on failure
(``{"error": "invalid_code"}``). A contact's Emails related list comes ten e-mails at a
time, paged by ``index`` (``info.next_index``, ``more_records``), as the "Get Emails of a
Record" reference shows; the Create Custom Fields API is served at ``/crm/v8`` (it is
documented from v6 on), the fields metadata at v2.1. Accounts have the standard
``Parent_Account`` lookup and ``Account_Type`` picklist, and two custom fields a team
might add: ``Renewal_Date`` (date) and ``CSM`` (a user lookup: ``{"name", "id"}``, no
e-mail; ``GET /users`` has it).
"""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .server import FakeApi

CLIENT_ID = "1000.FAKECLIENTID"
CLIENT_SECRET = "fake-zoho-secret"
REFRESH_TOKEN = "1000.fake.refresh"
API = "/crm/v2.1"
SETUP_API = "/crm/v8"
EMAILS_PER_CALL = 10
USERS = [
    {"id": "777", "full_name": "Sam Rep", "email": "sam@vendor.example", "status": "active"},
    {"id": "778", "full_name": "Dana Csm", "email": "dana@vendor.example", "status": "active"},
]
MODULES = ("Accounts", "Contacts", "Deals", "Notes", "Calls", "Tasks")
STAGES = [
    "Qualification",
    "Needs Analysis",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
]
FIELDS = {
    "Accounts": {"id", "Account_Name", "Website", "Industry", "Owner"},
    "Deals": {"id", "Deal_Name", "Stage", "Amount", "Closing_Date", "Account_Name", "Owner"},
    "Tasks": {
        "id",
        "Subject",
        "Description",
        "Due_Date",
        "Priority",
        "Status",
        "Owner",
        "What_Id",
        "$se_module",
    },
    "Notes": {"id", "Note_Title", "Note_Content", "Parent_Id", "se_module"},
}
PICKLISTS = {
    ("Tasks", "Priority"): {"Highest", "High", "Normal", "Low", "Lowest"},
    ("Tasks", "Status"): {
        "Not Started",
        "Deferred",
        "In Progress",
        "Completed",
        "Waiting for input",
    },
}


def error(status: int, code: str = "", message: str = "") -> dict[str, Any]:
    code = code or {401: "INVALID_TOKEN", 429: "TOO_MANY_REQUESTS"}.get(status, "INTERNAL_ERROR")
    return {"code": code, "details": {}, "message": message or code.lower(), "status": "error"}


IST = timezone(timedelta(hours=5, minutes=30))  # Zoho answers in the org's time zone


def ztime(n: int) -> str:
    when = datetime(2026, 9, 1, tzinfo=UTC) + timedelta(minutes=n)
    return when.astimezone(IST).isoformat(timespec="seconds")


class FakeZoho(FakeApi):
    def reset(self) -> None:
        super().reset()
        self.records: dict[str, dict[str, dict[str, Any]]] = {m: {} for m in MODULES}
        self.emails: dict[str, list[dict[str, Any]]] = {}
        self.custom: dict[str, set[str]] = {"Accounts": set(), "Deals": set()}
        self.valid_token: str | None = None
        self.tokens_issued = 0
        self.clock = itertools.count(1)
        self.ids = itertools.count(3_000_000)

    def add(self, module: str, fields: dict[str, Any], modified: str | None = None) -> str:
        """Store a record; ``Modified_Time`` is the fake's clock unless ``modified`` is given."""
        rid = str(fields.get("id") or next(self.ids))
        now = ztime(next(self.clock))
        self.records[module][rid] = {
            "Created_Time": now,
            **fields,
            "id": rid,
            "Modified_Time": modified or now,
        }
        return rid

    def touch(self, module: str, rid: str) -> None:
        """Edit a record: its ``Modified_Time`` moves on."""
        self.records[module][rid]["Modified_Time"] = ztime(next(self.clock))

    def add_email(
        self, contact: str, subject: str, content: str, sent: bool = False, time: str | None = None
    ) -> str:
        """An e-mail on the contact's Emails list, sent at the fake's clock unless ``time``."""
        message_id = f"msg-{next(self.ids)}"
        now = ztime(next(self.clock))
        self.emails.setdefault(contact, []).append(
            {
                "message_id": message_id,
                "subject": subject,
                "sent": sent,
                "from": {"user_name": "x", "email": f"{contact}@customer.example"},
                "to": [{"user_name": "rep", "email": "rep@vendor.example"}],
                "time": time or now,
                "summary": content[:20],
                "content": content,
            }
        )
        return message_id

    def seed(self, accounts: int = 2, contacts_per: int = 2, emails_per: int = 1) -> None:
        for a in range(1, accounts + 1):
            acc = self.add(
                "Accounts",
                {
                    "id": f"{a}00",
                    "Account_Name": f"Zylker {a}",
                    "Website": f"www.z{a}.example",
                    "ARR": 120000.0,
                    "Owner": {"name": "Sam", "id": "777", "email": "sam@vendor.example"},
                    "Account_Type": "Customer",
                    "Renewal_Date": f"2027-{a % 12 + 1:02d}-20",
                    "CSM": {"name": "Dana Csm", "id": "778"},
                    # account 1 belongs to the last one, which is modified after it
                    "Parent_Account": (
                        {"name": f"Zylker {accounts}", "id": f"{accounts}00"}
                        if a == 1 < accounts
                        else None
                    ),
                },
            )
            deal = self.add(
                "Deals",
                {
                    "id": f"{a}50",
                    "Deal_Name": f"Renewal {a}",
                    "Stage": "Negotiation/Review",
                    "Amount": 12000,
                    "Closing_Date": "2026-12-01",
                    "Account_Name": {"name": f"Zylker {a}", "id": acc},
                    "Owner": {"name": "Dana", "id": "778", "email": "dana@vendor.example"},
                },
            )
            for c in range(1, contacts_per + 1):
                con = self.add(
                    "Contacts",
                    {
                        "id": f"{a}0{c}",
                        "First_Name": f"P{c}",
                        "Last_Name": f"Z{a}",
                        "Email": f"p{c}@z{a}.example",
                        "Account_Name": {"name": f"Zylker {a}", "id": acc},
                    },
                )
                for e in range(emails_per):
                    self.add_email(con, f"Question {e}", "<p>We are <b>unhappy</b> with it.</p>")
            self.add(
                "Notes",
                {
                    "Note_Title": "Kickoff",
                    "Note_Content": "Went well.",
                    "Parent_Id": {"name": f"Zylker {a}", "id": acc},
                    "$se_module": "Accounts",
                },
            )
            self.add(
                "Calls",
                {
                    "Subject": "Check-in",
                    "Call_Type": "Outbound",
                    "Call_Start_Time": ztime(0),
                    "Description": "Worried about price.",
                    "What_Id": {"name": f"Renewal {a}", "id": deal},
                    "$se_module": "Deals",
                },
            )
            self.add(
                "Tasks",
                {
                    "Subject": "Send deck",
                    "Status": "Completed",
                    "What_Id": {"name": f"Zylker {a}", "id": acc},
                    "$se_module": "Accounts",
                },
            )

    # -- app ------------------------------------------------------------------------------

    @property
    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/oauth/v2/token", self.token, methods=["POST"]),
                Route(f"{API}/settings/fields", self.fields, methods=["GET"]),
                Route(f"{SETUP_API}/settings/fields", self.fields, methods=["POST"]),
                Route(f"{API}/users", self.users, methods=["GET"]),
                Route(f"{API}/Contacts/{{id}}/Emails", self.email_list, methods=["GET"]),
                Route(f"{API}/Contacts/{{id}}/Emails/{{mid}}", self.email_one, methods=["GET"]),
                Route(f"{API}/{{module}}", self.records_route, methods=["GET", "PUT", "POST"]),
                Route(f"{API}/{{module}}/{{id}}", self.record_route, methods=["GET", "PUT"]),
            ]
        )

    async def token(self, request: Request) -> Response:
        await self.record(request)
        q = request.query_params
        if (
            q.get("grant_type"),
            q.get("client_id"),
            q.get("client_secret"),
            q.get("refresh_token"),
        ) != ("refresh_token", CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN):
            return JSONResponse({"error": "invalid_code"})
        self.tokens_issued += 1
        self.valid_token = f"1000.{uuid.uuid4().hex}"
        return JSONResponse(
            {
                "access_token": self.valid_token,
                "api_domain": self.base_url,
                "token_type": "Bearer",
                "expires_in": 3600,
            }
        )

    async def _guard(self, request: Request) -> tuple[Any, Response | None]:
        seen = await self.record(request)
        if self.valid_token is None or seen.headers.get("authorization") != (
            f"Zoho-oauthtoken {self.valid_token}"
        ):
            return seen.body, JSONResponse(
                error(401, "INVALID_TOKEN", "invalid oauth token"), status_code=401
            )
        return seen.body, self.injected(request.url.path, error)

    async def records_route(self, request: Request) -> Response:
        body, early = await self._guard(request)
        if early:
            return early
        module = request.path_params["module"]
        if module not in self.records:
            return JSONResponse(
                error(400, "INVALID_MODULE", "the module name given seems to be invalid"),
                status_code=400,
            )
        if request.method == "GET":
            return self._list(request, module)
        return self._write(module, body, None, create=request.method == "POST")

    async def record_route(self, request: Request) -> Response:
        body, early = await self._guard(request)
        if early:
            return early
        module, rid = request.path_params["module"], request.path_params["id"]
        if request.method == "GET":
            if rid not in self.records.get(module, {}):
                return Response(status_code=204)
            return JSONResponse({"data": [self.records[module][rid]]})
        return self._write(module, body, rid, create=False)

    def _list(self, request: Request, module: str) -> Response:
        q = request.query_params
        per_page = int(q.get("per_page", 200))
        if per_page > 200:
            return JSONResponse(error(400, "INVALID_DATA", "per_page max is 200"), status_code=400)
        rows = sorted(self.records[module].values(), key=lambda r: (r["Modified_Time"], r["id"]))
        since = request.headers.get("if-modified-since")
        if since:
            try:
                limit = datetime.fromisoformat(since)
            except ValueError:
                return JSONResponse(
                    error(400, "INVALID_DATA", "If-Modified-Since"), status_code=400
                )
            if limit.tzinfo is None:
                return JSONResponse(
                    error(400, "INVALID_DATA", "timezone required"), status_code=400
                )
            rows = [r for r in rows if datetime.fromisoformat(r["Modified_Time"]) >= limit]
            if not rows:
                return Response(status_code=304)
        if "page_token" in q:
            offset = int(q["page_token"].removeprefix("tok-"))
            page = offset // per_page + 1
        else:
            page = int(q.get("page", 1))
            offset = (page - 1) * per_page
            if offset + per_page > 2000:
                return JSONResponse(
                    error(
                        400,
                        "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
                        "use page_token to fetch beyond 2000 records",
                    ),
                    status_code=400,
                )
        chunk = rows[offset : offset + per_page]
        if not chunk:
            return Response(status_code=204)
        more = offset + per_page < len(rows)
        info = {
            "per_page": per_page,
            "count": len(chunk),
            "page": page,
            "sort_by": q.get("sort_by", "id"),
            "sort_order": q.get("sort_order", "desc"),
            "more_records": more,
            # a token only where ``page`` can no longer reach (the 2,000-record window)
            "next_page_token": f"tok-{offset + per_page}"
            if more and offset + 2 * per_page > 2000
            else None,
            "previous_page_token": None,
        }
        return JSONResponse({"data": chunk, "info": info})

    def _write(self, module: str, body: Any, rid: str | None, create: bool) -> Response:
        items = body.get("data") if isinstance(body, dict) else None
        if not isinstance(items, list) or not items:
            return JSONResponse(error(400, "INVALID_DATA", "data is required"), status_code=400)
        results = []
        for item in items:
            target = rid or item.get("id")
            allowed = FIELDS.get(module, set()) | self.custom.get(module, set())
            unknown = [k for k in item if k not in allowed]
            bad_pick = [
                k
                for k, v in item.items()
                if (module, k) in PICKLISTS and v not in PICKLISTS[(module, k)]
            ]
            if unknown or bad_pick:
                results.append(
                    {
                        "code": "INVALID_DATA",
                        "details": {"api_name": (unknown or bad_pick)[0]},
                        "message": "invalid data",
                        "status": "error",
                    }
                )
            elif create:
                missing = {"Tasks": "Subject", "Notes": "Note_Content"}.get(module)
                if missing and not item.get(missing):
                    results.append(
                        {
                            "code": "MANDATORY_NOT_FOUND",
                            "details": {"api_name": missing},
                            "message": "required field not found",
                            "status": "error",
                        }
                    )
                    continue
                new_id = self.add(module, item)
                results.append(
                    {
                        "code": "SUCCESS",
                        "details": {"id": new_id},
                        "message": "record added",
                        "status": "success",
                    }
                )
            elif target in self.records[module]:
                self.records[module][target].update(item)
                results.append(
                    {
                        "code": "SUCCESS",
                        "details": {"id": target},
                        "message": "record updated",
                        "status": "success",
                    }
                )
            else:
                results.append(
                    {
                        "code": "INVALID_DATA",
                        "details": {"id": target},
                        "message": "the id given seems to be invalid",
                        "status": "error",
                    }
                )
        status = 200 if all(r["status"] == "success" for r in results) else 400
        if create and status == 200:
            status = 201
        return JSONResponse({"data": results}, status_code=status)

    async def email_list(self, request: Request) -> Response:
        _, early = await self._guard(request)
        if early:
            return early
        mails = sorted(self.emails.get(request.path_params["id"], []), key=lambda m: m["time"])
        if not mails:
            return Response(status_code=204)
        start = int(request.query_params.get("index") or 0)
        listed = [
            {k: v for k, v in m.items() if k != "content"}
            for m in mails[::-1][start : start + EMAILS_PER_CALL]  # newest first
        ]
        more = start + EMAILS_PER_CALL < len(mails)
        info = {
            "per_page": EMAILS_PER_CALL,
            "count": len(listed),
            "next_index": str(start + EMAILS_PER_CALL) if more else None,
            "prev_index": str(start - EMAILS_PER_CALL) if start else None,
            "more_records": more,
        }
        return JSONResponse({"email_related_list": listed, "info": info})

    async def users(self, request: Request) -> Response:
        _, early = await self._guard(request)
        if early:
            return early
        if request.query_params.get("type") not in ("AllUsers", "ActiveUsers"):
            return JSONResponse(error(400, "INVALID_DATA", "type"), status_code=400)
        info = {"per_page": 200, "count": len(USERS), "page": 1, "more_records": False}
        return JSONResponse({"users": USERS, "info": info})

    async def email_one(self, request: Request) -> Response:
        _, early = await self._guard(request)
        if early:
            return early
        mails = self.emails.get(request.path_params["id"], [])
        found = [m for m in mails if m["message_id"] == request.path_params["mid"]]
        if not found:
            return Response(status_code=204)
        return JSONResponse({"email_related_list": found})

    async def fields(self, request: Request) -> Response:
        body, early = await self._guard(request)
        if early:
            return early
        module = request.query_params.get("module", "")
        if request.method == "GET":
            values = [
                {"display_value": s, "actual_value": s, "sequence_number": i}
                for i, s in enumerate(STAGES, 1)
            ]
            return JSONResponse(
                {
                    "fields": [
                        {"api_name": "Stage", "data_type": "picklist", "pick_list_values": values}
                    ]
                }
            )
        definition = ((body or {}).get("fields") or [{}])[0]
        label = definition.get("field_label")
        if (
            module not in self.custom
            or not label
            or definition.get("data_type") not in ("double", "picklist")
            or (definition["data_type"] == "picklist" and not definition.get("pick_list_values"))
        ):
            return JSONResponse(
                {
                    "fields": [
                        {
                            "code": "INVALID_DATA",
                            "details": {},
                            "message": "invalid field",
                            "status": "error",
                        }
                    ]
                },
                status_code=400,
            )
        api_name = label.replace(" ", "_")
        if api_name in self.custom[module]:
            return JSONResponse(
                {
                    "fields": [
                        {
                            "code": "DUPLICATE_DATA",
                            "details": {},
                            "message": "duplicate data",
                            "status": "error",
                        }
                    ]
                },
                status_code=400,
            )
        self.custom[module].add(api_name)
        return JSONResponse(
            {
                "fields": [
                    {
                        "code": "SUCCESS",
                        "details": {"id": str(next(self.ids))},
                        "message": "field created",
                        "status": "success",
                    }
                ]
            },
            status_code=201,
        )
