"""A fake Salesforce org: OAuth token endpoint, SOQL query with paging, sObject writes, Tooling.

Shapes follow the REST API Developer Guide (v60.0): query results ``{"totalSize", "done",
"nextRecordsUrl", "records": [{"attributes": {"type", "url"}, …}]}``; errors a list
``[{"message", "errorCode"}]``; ``POST /sobjects/X`` → ``201 {"id", "success",
"errors"}``; ``PATCH`` → ``204``; the OAuth token endpoint ``{"access_token",
"instance_url", "id", "token_type", "issued_at", "signature"}`` or ``400 {"error",
"error_description"}``; the spent 24-hour allocation is ``403 [{"message": "TotalRequests
Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]``. SOQL is parsed only as far
as crmsense uses it, and unknown columns fail as Salesforce fails them
(``INVALID_FIELD``), unknown objects too (``INVALID_TYPE``). The org has the custom Account
fields a team might add: ``ARR__c``, ``Renewal_Date__c`` (Date) and ``CSM__c`` (a User
lookup, read as ``CSM__r.Email``), and Account Teams (``AccountTeamMember``: ``AccountId``,
``UserId``, ``TeamMemberRole``, ``User.Email``); ``account_teams = False`` turns them off
as Setup does, and the object then answers ``INVALID_TYPE`` like any unknown one.
"""

from __future__ import annotations

import itertools
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .server import FakeApi

CLIENT_ID = "3MVG9-fake-consumer-key"
CLIENT_SECRET = "fake-consumer-secret"
REFRESH_TOKEN = "5Aep861-fake-refresh-token"
API = "/services/data/v60.0"

SCHEMA: dict[str, set[str]] = {
    "Account": {
        "Id",
        "Name",
        "Website",
        "Industry",
        "OwnerId",
        "Owner.Email",
        "SystemModstamp",
        "ParentId",
        "Type",
        "AnnualRevenue",
        "ARR__c",
        "Renewal_Date__c",
        "CSM__c",
        "CSM__r.Email",
    },
    "Contact": {"Id", "AccountId", "FirstName", "LastName", "Email", "Title", "SystemModstamp"},
    "Opportunity": {
        "Id",
        "AccountId",
        "Name",
        "StageName",
        "Amount",
        "CloseDate",
        "IsClosed",
        "IsWon",
        "OwnerId",
        "Owner.Email",
        "SystemModstamp",
    },
    "Case": {
        "Id",
        "AccountId",
        "ContactId",
        "CaseNumber",
        "Subject",
        "Description",
        "Priority",
        "CreatedDate",
        "SystemModstamp",
    },
    "EmailMessage": {
        "Id",
        "ParentId",
        "Parent.AccountId",
        "RelatedToId",
        "Subject",
        "TextBody",
        "HtmlBody",
        "Incoming",
        "FromAddress",
        "MessageDate",
        "ThreadIdentifier",
        "SystemModstamp",
    },
    "Task": {
        "Id",
        "AccountId",
        "WhatId",
        "WhoId",
        "Subject",
        "Description",
        "TaskSubtype",
        "ActivityDate",
        "CreatedDate",
        "SystemModstamp",
        "Priority",
        "Status",
        "OwnerId",
    },
    "Note": {"Id", "ParentId", "Title", "Body", "SystemModstamp"},
    "AccountTeamMember": {
        "Id",
        "AccountId",
        "UserId",
        "User.Email",
        "TeamMemberRole",
        "AccountAccessLevel",
        "SystemModstamp",
    },
    "OpportunityStage": {"ApiName", "MasterLabel", "SortOrder", "IsActive"},
}
PICKLISTS = {
    ("Task", "Priority"): {"High", "Normal", "Low"},
    ("Task", "Status"): {
        "Not Started",
        "In Progress",
        "Completed",
        "Waiting on someone else",
        "Deferred",
    },
}
STAGES = ["Prospecting", "Qualification", "Proposal", "Negotiation", "Closed Won", "Closed Lost"]
_PREFIX = {
    "Account": "001",
    "Contact": "003",
    "Opportunity": "006",
    "Case": "500",
    "EmailMessage": "02s",
    "Task": "00T",
    "Note": "002",
    "AccountTeamMember": "01M",
    "User": "005",
}
_SELECT = re.compile(
    r"^SELECT (?P<fields>.+?) FROM (?P<obj>\w+)(?: WHERE (?P<where>.+?))?"
    r"(?: ORDER BY (?P<order>.+?))?$"
)
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def stamp(n: int) -> str:
    when = datetime.fromtimestamp(1_790_000_000 + n, UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def sf_id(sobject: str, n: int) -> str:
    return f"{_PREFIX[sobject]}{n:015d}"


def errors(code: str, message: str) -> list[dict[str, Any]]:
    return [{"message": message, "errorCode": code}]


class FakeSalesforce(FakeApi):
    def reset(self) -> None:
        super().reset()
        self.batch_size = 200  # records per query page (Salesforce's default is 2,000)
        self.records: dict[str, dict[str, dict[str, Any]]] = {o: {} for o in SCHEMA}
        self.custom: dict[str, set[str]] = {"Account": set(), "Opportunity": set()}
        self.locators: dict[str, tuple[list[dict[str, Any]], int]] = {}
        self.valid_token: str | None = None
        self.tokens_issued = 0
        self.clock = itertools.count(1)
        self.ids = itertools.count(900_000)
        self.account_teams = True
        for n, label in enumerate(STAGES, start=1):
            self.records["OpportunityStage"][label] = {
                "ApiName": label,
                "MasterLabel": label,
                "SortOrder": n,
                "IsActive": True,
            }

    def add(self, sobject: str, fields: dict[str, Any], modified: str | None = None) -> str:
        """Store a record; ``SystemModstamp`` is the fake's clock unless ``modified`` is given."""
        rid = fields.get("Id") or sf_id(sobject, next(self.ids))
        now = stamp(next(self.clock))
        self.records[sobject][rid] = {**fields, "Id": rid, "SystemModstamp": modified or now}
        return rid

    def add_team_member(self, account_id: str, role: str | None, email: str) -> str:
        """A user on the account's team (``role`` is the TeamMemberRole picklist value)."""
        user = sf_id("User", next(self.ids))
        return self.add(
            "AccountTeamMember",
            {
                "AccountId": account_id,
                "UserId": user,
                "User": {"Email": email},
                "TeamMemberRole": role,
                "AccountAccessLevel": "Edit",
            },
        )

    def seed(self, accounts: int = 2, contacts_per: int = 2, emails_per: int = 2) -> None:
        for a in range(1, accounts + 1):
            acc = self.add(
                "Account",
                {
                    "Id": sf_id("Account", a),
                    "Name": f"Account {a}",
                    "Website": f"https://www.a{a}.example/",
                    "ARR__c": 90000.0,
                    "OwnerId": "005000000000001",
                    "Owner": {"Email": "sam@vendor.example"},
                    # account 1 belongs to the last one, which is modified after it
                    "ParentId": sf_id("Account", accounts) if a == 1 < accounts else None,
                    "Type": "Customer - Direct",
                    "Renewal_Date__c": f"2027-{a % 12 + 1:02d}-15",
                    "CSM__c": "005000000000002",
                    "CSM__r": {"Email": "dana@vendor.example"},
                },
            )
            opp = self.add(
                "Opportunity",
                {
                    "Id": sf_id("Opportunity", a),
                    "AccountId": acc,
                    "Name": f"Expansion {a}",
                    "StageName": "Negotiation",
                    "Amount": 80000.0,
                    "CloseDate": "2026-12-15",
                    "IsClosed": False,
                    "IsWon": False,
                    "OwnerId": "005000000000002",
                    "Owner": {"Email": "dana@vendor.example"},
                },
            )
            for c in range(1, contacts_per + 1):
                con = self.add(
                    "Contact",
                    {
                        "Id": sf_id("Contact", a * 100 + c),
                        "AccountId": acc,
                        "FirstName": f"P{c}",
                        "LastName": f"A{a}",
                        "Email": f"p{c}@a{a}.example",
                    },
                )
                case = self.add(
                    "Case",
                    {
                        "Id": sf_id("Case", a * 100 + c),
                        "AccountId": acc,
                        "ContactId": con,
                        "CaseNumber": f"0000{a}{c}",
                        "Subject": "Export fails",
                        "Priority": "High",
                        "Description": "Export still fails. Any update?",
                        "CreatedDate": "2026-10-01T10:00:00.000+0000",
                    },
                )
                for e in range(1, emails_per + 1):
                    self.add(
                        "EmailMessage",
                        {
                            "ParentId": case,
                            "Parent": {"AccountId": acc},
                            "Subject": f"Re: export {e}",
                            "Incoming": True,
                            "TextBody": "Thanks, that helped a lot.",
                            "FromAddress": f"p{c}@a{a}.example",
                            "MessageDate": "2026-10-02T10:00:00.000+0000",
                        },
                    )
            # an e-mail logged on the opportunity only: its account is looked up
            self.add(
                "EmailMessage",
                {
                    "RelatedToId": opp,
                    "Subject": "Pricing",
                    "Incoming": True,
                    "TextBody": "We need to think about it.",
                    "FromAddress": f"p1@a{a}.example",
                    "MessageDate": "2026-10-03T10:00:00.000+0000",
                },
            )
            self.add(
                "Task",
                {
                    "WhatId": opp,
                    "AccountId": acc,
                    "Subject": "Call",
                    "TaskSubtype": "Call",
                    "Description": "Prospect is cooling.",
                    "CreatedDate": "2026-10-04T10:00:00.000+0000",
                },
            )

    # -- app ------------------------------------------------------------------------------

    @property
    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/services/oauth2/token", self.token, methods=["POST"]),
                Route(f"{API}/query", self.query, methods=["GET"]),
                Route(f"{API}/query/{{locator}}", self.more, methods=["GET"]),
                Route(f"{API}/sobjects/{{obj}}/{{id}}", self.update, methods=["PATCH"]),
                Route(f"{API}/sobjects/{{obj}}", self.create, methods=["POST"]),
                Route(f"{API}/tooling/sobjects/CustomField", self.custom_field, methods=["POST"]),
            ]
        )

    async def token(self, request: Request) -> Response:
        await self.record(request)
        form = dict(await request.form())
        if (
            form.get("grant_type"),
            form.get("client_id"),
            form.get("client_secret"),
            form.get("refresh_token"),
        ) != ("refresh_token", CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN):
            return JSONResponse(
                {"error": "invalid_grant", "error_description": "expired access/refresh token"},
                status_code=400,
            )
        self.tokens_issued += 1
        self.valid_token = f"00Dfake!{uuid.uuid4().hex}"
        return JSONResponse(
            {
                "access_token": self.valid_token,
                "instance_url": self.base_url,
                "id": f"{self.base_url}/id/00D000000000001/005000000000001",
                "token_type": "Bearer",
                "issued_at": "1790000000000",
                "signature": "c2ln",
            }
        )

    def expire_token(self) -> None:
        self.valid_token = "expired"

    async def _guard(self, request: Request) -> tuple[Any, Response | None]:
        seen = await self.record(request)
        if self.valid_token is None or seen.headers.get("authorization") != (
            f"Bearer {self.valid_token}"
        ):
            return seen.body, JSONResponse(
                errors("INVALID_SESSION_ID", "Session expired or invalid"), status_code=401
            )
        return seen.body, self.injected(
            request.url.path,
            lambda s: (
                errors("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
                if s == 403
                else errors("SERVER_ERROR", f"HTTP {s}")
            ),
        )

    def _columns(self, sobject: str) -> set[str]:
        return SCHEMA[sobject] | self.custom.get(sobject, set())

    async def query(self, request: Request) -> Response:
        _, early = await self._guard(request)
        if early:
            return early
        soql = request.query_params.get("q", "")
        match = _SELECT.match(soql)
        if not match:
            return JSONResponse(
                errors("MALFORMED_QUERY", f"unexpected token in: {soql[:60]}"), status_code=400
            )
        sobject = match["obj"]
        if sobject not in SCHEMA or (sobject == "AccountTeamMember" and not self.account_teams):
            return JSONResponse(
                errors(
                    "INVALID_TYPE",
                    f"\n{soql[:60]}\n^\nERROR at Row:1:Column:1\nsObject type '{sobject}' is "
                    "not supported. If you are attempting to use a custom object, be sure to "
                    "append the '__c' after the entity name. Please reference your WSDL or the "
                    "describe call for the appropriate names.",
                ),
                status_code=400,
            )
        fields = [f.strip() for f in match["fields"].split(",")]
        unknown = [f for f in fields if f not in self._columns(sobject)]
        if unknown:
            return JSONResponse(
                errors("INVALID_FIELD", f"No such column '{unknown[0]}' on entity '{sobject}'."),
                status_code=400,
            )
        rows = list(self.records[sobject].values())
        where = match["where"]
        if where:
            since = re.fullmatch(r"SystemModstamp >= (\S+)", where)
            ids = re.fullmatch(r"(Id|AccountId) IN \(((?:'[A-Za-z0-9]+'(?:, )?)+)\)", where)
            if since and _DATETIME.match(since[1]):
                limit = since[1].replace("Z", "")
                rows = [r for r in rows if _naive(r["SystemModstamp"]) >= limit]
            elif ids:
                wanted = set(re.findall(r"'([A-Za-z0-9]+)'", ids[2]))
                rows = [r for r in rows if r.get(ids[1]) in wanted]
            elif where != "IsActive = true":
                return JSONResponse(
                    errors("MALFORMED_QUERY", f"unsupported WHERE {where}"), status_code=400
                )
        if match["order"] == "SystemModstamp ASC, Id ASC":
            rows.sort(key=lambda r: (r["SystemModstamp"], r["Id"]))
        elif match["order"] == "SortOrder ASC":
            rows.sort(key=lambda r: r["SortOrder"])
        projected = [self._project(sobject, r, fields) for r in rows]
        return JSONResponse(self._batch(projected, 0))

    async def more(self, request: Request) -> Response:
        _, early = await self._guard(request)
        if early:
            return early
        locator = request.path_params["locator"]
        key, _, offset = locator.rpartition("-")
        if key not in self.locators:
            return JSONResponse(
                errors("INVALID_QUERY_LOCATOR", "invalid query locator"), status_code=400
            )
        rows, _ = self.locators[key]
        return JSONResponse(self._batch(rows, int(offset), key))

    def _batch(
        self, rows: list[dict[str, Any]], offset: int, key: str | None = None
    ) -> dict[str, Any]:
        key = key or f"01g{uuid.uuid4().hex[:15]}"
        end = offset + self.batch_size
        out: dict[str, Any] = {
            "totalSize": len(rows),
            "done": end >= len(rows),
            "records": rows[offset:end],
        }
        if end < len(rows):
            self.locators[key] = (rows, end)
            out["nextRecordsUrl"] = f"{API}/query/{key}-{end}"
        return out

    def _project(self, sobject: str, row: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "attributes": {"type": sobject, "url": f"{API}/sobjects/{sobject}/{row.get('Id')}"}
        }
        for f in fields:
            if "." in f:
                rel, col = f.split(".")
                value = (row.get(rel) or {}).get(col)
                out[rel] = None if value is None else {"attributes": {"type": "User"}, col: value}
            else:
                out[f] = row.get(f)
        return out

    def _check(self, sobject: str, body: Any) -> Response | None:
        if not isinstance(body, dict):
            return JSONResponse(
                errors("JSON_PARSER_ERROR", "body must be an object"), status_code=400
            )
        for key, value in body.items():
            if key not in self._columns(sobject):
                return JSONResponse(
                    errors("INVALID_FIELD", f"No such column '{key}' on sobject of type {sobject}"),
                    status_code=400,
                )
            allowed = PICKLISTS.get((sobject, key))
            if allowed and value not in allowed:
                return JSONResponse(
                    errors(
                        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                        f"{key}: bad value for restricted picklist field: {value}",
                    ),
                    status_code=400,
                )
        return None

    async def update(self, request: Request) -> Response:
        body, early = await self._guard(request)
        if early:
            return early
        sobject, rid = request.path_params["obj"], request.path_params["id"]
        if sobject not in self.records or rid not in self.records[sobject]:
            return JSONResponse(
                errors("NOT_FOUND", "The requested resource does not exist"), status_code=404
            )
        problem = self._check(sobject, body)
        if problem:
            return problem
        if sobject == "Note" and "ParentId" in body:
            return JSONResponse(
                errors(
                    "INVALID_FIELD_FOR_INSERT_UPDATE", "Unable to create/update fields: ParentId"
                ),
                status_code=400,
            )
        self.records[sobject][rid].update(body)
        return Response(status_code=204)

    async def create(self, request: Request) -> Response:
        body, early = await self._guard(request)
        if early:
            return early
        sobject = request.path_params["obj"]
        if sobject not in ("Task", "Note"):
            return JSONResponse(errors("NOT_FOUND", "not in this fake"), status_code=404)
        problem = self._check(sobject, body)
        if problem:
            return problem
        required = {"Task": ("Subject", "WhatId"), "Note": ("Title", "ParentId")}[sobject]
        missing = [f for f in required if not body.get(f)]
        if missing:
            return JSONResponse(
                errors("REQUIRED_FIELD_MISSING", f"Required fields are missing: {missing}"),
                status_code=400,
            )
        rid = self.add(sobject, body)
        return JSONResponse({"id": rid, "success": True, "errors": []}, status_code=201)

    async def custom_field(self, request: Request) -> Response:
        body, early = await self._guard(request)
        if early:
            return early
        full_name = (body or {}).get("FullName", "")
        metadata = (body or {}).get("Metadata") or {}
        match = re.fullmatch(r"(\w+)\.(\w+__c)", full_name)
        if (
            not match
            or match[1] not in self.custom
            or not metadata.get("label")
            or metadata.get("type") not in ("Number", "Picklist")
        ):
            return JSONResponse(
                errors("INVALID_INPUT", "FullName and Metadata.label/type are required"),
                status_code=400,
            )
        if metadata["type"] == "Picklist" and not metadata.get("valueSet", {}).get(
            "valueSetDefinition", {}
        ).get("value"):
            return JSONResponse(errors("INVALID_INPUT", "picklist needs values"), status_code=400)
        if match[2] in self.custom[match[1]]:
            return JSONResponse(
                errors(
                    "DUPLICATE_DEVELOPER_NAME",
                    f"There's already a field named {match[2]} on {match[1]}.",
                ),
                status_code=400,
            )
        self.custom[match[1]].add(match[2])
        return JSONResponse(
            {"id": f"00N{uuid.uuid4().hex[:12]}", "success": True, "errors": []}, status_code=201
        )


def _naive(sf_stamp: str) -> str:
    return sf_stamp[:19]
