"""A fake HubSpot CRM API (v3 objects, search, properties; v4 associations; owners).

Shapes follow developers.hubspot.com (CRM v3 search: ``filterGroups``/``sorts``/``limit``
≤ 200/``after``; results ``{"total", "results": [{"id", "properties", "createdAt",
"updatedAt", "archived"}], "paging": {"next": {"after"}}}``; errors ``{"status": "error",
"message", "correlationId", "category"}``; a 429 is ``{"status": "error", "message",
"errorType": "RATE_LIMIT", "correlationId", "policyName", "requestId"}`` as the usage
guidelines show it, without ``Retry-After``). Search refuses to page past 10,000 results,
as HubSpot does. The portal has three custom company properties a team might keep: a
segment (``tier``), a renewal date (``renewal_date``, a date property: ``YYYY-MM-DD``) and
a CSM (``csm_owner``, a HubSpot-user property: an owner id); ``hs_parent_company_id`` is
HubSpot's own read-only "Parent Company" (a company id).
"""

from __future__ import annotations

import bisect
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .server import FakeApi, correlation_id

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
_OPERATORS = {
    "EQ",
    "NEQ",
    "LT",
    "LTE",
    "GT",
    "GTE",
    "BETWEEN",
    "IN",
    "NOT_IN",
    "HAS_PROPERTY",
    "NOT_HAS_PROPERTY",
    "CONTAINS_TOKEN",
    "NOT_CONTAINS_TOKEN",
}
STANDARD_PROPERTIES = {
    "companies": {
        "name",
        "domain",
        "hubspot_owner_id",
        "industry",
        "hs_lastmodifieddate",
        "hs_parent_company_id",
        "annualrevenue",
        "arr",
        "tier",
        "renewal_date",
        "csm_owner",
    },
    "contacts": {
        "email",
        "firstname",
        "lastname",
        "jobtitle",
        "associatedcompanyid",
        "lastmodifieddate",
    },
    "deals": {
        "dealname",
        "dealstage",
        "pipeline",
        "amount",
        "closedate",
        "hubspot_owner_id",
        "hs_is_closed",
        "hs_is_closed_won",
        "hs_lastmodifieddate",
    },
    "emails": {
        "hs_timestamp",
        "hs_email_subject",
        "hs_email_text",
        "hs_email_html",
        "hs_email_direction",
        "hs_email_from_email",
        "hs_lastmodifieddate",
    },
    "calls": {
        "hs_timestamp",
        "hs_call_title",
        "hs_call_body",
        "hs_call_direction",
        "hs_lastmodifieddate",
    },
    "notes": {"hs_timestamp", "hs_note_body", "hs_lastmodifieddate", "hubspot_owner_id"},
    "tickets": {"subject", "content", "hs_ticket_priority", "createdate", "hs_lastmodifieddate"},
    "tasks": {
        "hs_timestamp",
        "hs_task_subject",
        "hs_task_body",
        "hs_task_status",
        "hs_task_priority",
        "hs_task_type",
        "hubspot_owner_id",
        "hs_lastmodifieddate",
    },
}
STAGES = [
    ("appointmentscheduled", "Appointment Scheduled"),
    ("qualifiedtobuy", "Qualified"),
    ("presentationscheduled", "Presentation"),
    ("contractsent", "Contract Sent"),
    ("closedwon", "Closed Won"),
    ("closedlost", "Closed Lost"),
]
OWNERS = [
    {"id": "101", "email": "sam@vendor.example", "firstName": "Sam", "lastName": "Rep"},
    {"id": "102", "email": "dana@vendor.example", "firstName": "Dana", "lastName": "Csm"},
]


def iso(ms: int) -> str:
    return (
        datetime.fromtimestamp(ms / 1000, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def rate_limited(policy: str = "TEN_SECONDLY_ROLLING") -> dict[str, Any]:
    """A 429 body as HubSpot sends it (``DAILY``: the daily limit is spent)."""
    which = "daily" if policy == "DAILY" else policy.lower()
    return {
        "status": "error",
        "message": f"You have reached your {which} limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": correlation_id(),
        "policyName": policy,
        "requestId": correlation_id(),
    }


def error(status: int, message: str = "", category: str = "", **extra: Any) -> dict[str, Any]:
    if status == 429:
        return rate_limited()
    default = {
        401: "INVALID_AUTHENTICATION",
        404: "OBJECT_NOT_FOUND",
        409: "CONFLICT",
        429: "RATE_LIMITS",
    }.get(status, "VALIDATION_ERROR" if status < 500 else "")
    return {
        "status": "error",
        "message": message or f"HTTP {status}",
        "correlationId": correlation_id(),
        "category": category or default or "ERROR",
        **extra,
    }


class FakeHubSpot(FakeApi):
    def reset(self) -> None:
        super().reset()
        self.records: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in STANDARD_PROPERTIES}
        self.associations: dict[tuple[str, str], dict[str, list[str]]] = {}
        self.custom: dict[str, dict[str, dict[str, Any]]] = {"companies": {}, "deals": {}}
        self.clock = 1_790_000_000_000
        self.next_id = 1000
        self._sorted: dict[str, list[dict[str, Any]]] = {}

    # -- seeding --------------------------------------------------------------------------

    def _ordered(self, object_type: str) -> list[dict[str, Any]]:
        """Records by (modification time, id); cached until the next change."""
        if object_type not in self._sorted:
            self._sorted[object_type] = sorted(
                self.records[object_type].values(), key=lambda r: (r["modified"], r["id"])
            )
        return self._sorted[object_type]

    def add(
        self,
        object_type: str,
        rid: str,
        properties: dict[str, Any],
        modified: int | None = None,
        **links: str,
    ) -> None:
        """Store a record (properties as HubSpot returns them: strings) and its links."""
        self._sorted.pop(object_type, None)
        self.clock += 1000
        ms = modified if modified is not None else self.clock
        key = "lastmodifieddate" if object_type == "contacts" else "hs_lastmodifieddate"
        props = {k: (None if v is None else str(v)) for k, v in properties.items()}
        self.records[object_type][rid] = {
            "id": rid,
            "properties": {**props, key: iso(ms)},
            "modified": ms,
            "created": ms,
        }
        for to_type, target in links.items():
            self.associations.setdefault((object_type, to_type), {})[rid] = [target]

    def seed(self, companies: int = 3, contacts_per: int = 2, emails_per: int = 2) -> None:
        """A small realistic portfolio: companies, contacts, deals and every engagement."""
        for c in range(1, companies + 1):
            cid = f"{c}"
            # company 1 belongs to the last one (modified after it), the others to company 1
            parent = str(companies) if c == 1 else "1"
            self.add(
                "companies",
                cid,
                {
                    "name": f"Company {c}",
                    "domain": f"c{c}.example",
                    "hubspot_owner_id": "101",
                    "industry": "SOFTWARE",
                    "arr": "250000",
                    "tier": "enterprise" if c == 1 else "mid_market",
                    "renewal_date": f"2027-{c % 12 + 1:02d}-01",
                    "csm_owner": "102",
                    "hs_parent_company_id": parent if companies > 1 and c != companies else None,
                },
            )
            self.add(
                "deals",
                f"d{c}",
                {
                    "dealname": f"Deal {c}",
                    "dealstage": "contractsent",
                    "pipeline": "default",
                    "amount": "50000",
                    "closedate": "2026-12-15T00:00:00Z",
                    "hubspot_owner_id": "102",
                    "hs_is_closed": "false",
                    "hs_is_closed_won": "false",
                },
                companies=cid,
            )
            for p in range(1, contacts_per + 1):
                pid = f"{c}0{p}"
                self.add(
                    "contacts",
                    pid,
                    {
                        "email": f"person{p}@c{c}.example",
                        "firstname": f"Person{p}",
                        "lastname": f"C{c}",
                        "associatedcompanyid": cid,
                    },
                )
                for e in range(1, emails_per + 1):
                    self.add(
                        "emails",
                        f"e{pid}{e}",
                        {
                            "hs_timestamp": iso(self.clock),
                            "hs_email_subject": f"Re: rollout {e}",
                            "hs_email_text": f"Hello, the rollout is going well ({e}).",
                            "hs_email_direction": "INCOMING_EMAIL",
                            "hs_email_from_email": f"person{p}@c{c}.example",
                        },
                        companies=cid,
                        contacts=pid,
                        deals=f"d{c}",
                    )
            self.add(
                "calls",
                f"k{c}",
                {
                    "hs_timestamp": iso(self.clock),
                    "hs_call_title": "QBR",
                    "hs_call_body": "<p>Customer is happy with support.</p>",
                },
                companies=cid,
            )
            self.add(
                "notes",
                f"n{c}",
                {"hs_timestamp": iso(self.clock), "hs_note_body": "Renewal discussion scheduled."},
                companies=cid,
            )
            self.add(
                "tickets",
                f"t{c}",
                {
                    "subject": "Login broken",
                    "content": "We still cannot log in, any update?",
                    "hs_ticket_priority": "HIGH",
                    "createdate": iso(self.clock),
                },
                companies=cid,
                contacts=f"{c}01",
            )
            self.add(
                "tasks",
                f"a{c}",
                {"hs_timestamp": iso(self.clock), "hs_task_subject": "Follow up"},
                companies=cid,
            )

    # -- app ------------------------------------------------------------------------------

    @property
    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/crm/v3/objects/{type}/search", self.search, methods=["POST"]),
                Route("/crm/v3/objects/{type}/{id}", self.update, methods=["PATCH"]),
                Route("/crm/v3/objects/{type}", self.create, methods=["POST"]),
                Route("/crm/v4/associations/{from}/{to}/batch/read", self.assoc, methods=["POST"]),
                Route("/crm/v3/properties/{type}", self.create_property, methods=["POST"]),
                Route("/crm/v3/owners", self.owners, methods=["GET"]),
                Route("/crm/v3/pipelines/deals", self.pipelines, methods=["GET"]),
            ]
        )

    async def _guard(self, request: Request) -> tuple[Any, Response | None]:
        seen = await self.record(request)
        if seen.headers.get("authorization") != f"Bearer {TOKEN}":
            return seen.body, JSONResponse(
                error(401, "Authentication credentials not found."), status_code=401
            )
        return seen.body, self.injected(request.url.path, error)

    async def search(self, request: Request) -> Response:
        body, early = await self._guard(request)
        if early:
            return early
        object_type = request.path_params["type"]
        problems = _search_problems(body)
        if object_type not in self.records:
            return JSONResponse(
                error(400, f"Unable to infer object type from: {object_type}"), status_code=400
            )
        if problems:
            return JSONResponse(error(400, "; ".join(problems)), status_code=400)
        rows = self._ordered(object_type)
        for group in body.get("filterGroups", [])[:1]:
            for f in group["filters"]:
                if f["operator"] == "GTE" and f["propertyName"].endswith("lastmodifieddate"):
                    start = bisect.bisect_left(rows, int(f["value"]), key=lambda r: r["modified"])
                    rows = rows[start:]
        offset = int(body.get("after") or 0)
        limit = int(body.get("limit", 10))
        if offset >= 10_000:
            return JSONResponse(
                error(400, "Search cannot page past 10000 results"), status_code=400
            )
        page = rows[offset : offset + limit]
        wanted = set(body.get("properties") or [])
        results = [
            {
                "id": r["id"],
                "properties": {k: v for k, v in r["properties"].items() if k in wanted},
                "createdAt": iso(r["created"]),
                "updatedAt": iso(r["modified"]),
                "archived": False,
            }
            for r in page
        ]
        out: dict[str, Any] = {"total": len(rows), "results": results}
        if offset + limit < len(rows):
            out["paging"] = {"next": {"after": str(offset + limit), "link": "?after="}}
        return JSONResponse(out)

    async def assoc(self, request: Request) -> Response:
        body, early = await self._guard(request)
        if early:
            return early
        pair = (request.path_params["from"], request.path_params["to"])
        if not isinstance(body, dict) or not isinstance(body.get("inputs"), list):
            return JSONResponse(error(400, "inputs is required"), status_code=400)
        if len(body["inputs"]) > 1000:
            return JSONResponse(error(400, "at most 1000 inputs"), status_code=400)
        links = self.associations.get(pair, {})
        results, missing = [], []
        for item in body["inputs"]:
            rid = item.get("id")
            if not isinstance(rid, str):
                return JSONResponse(error(400, "inputs[].id must be a string"), status_code=400)
            if rid in links:
                results.append(
                    {
                        "from": {"id": rid},
                        "to": [
                            {
                                "toObjectId": int(t) if t.isdigit() else t,
                                "associationTypes": [
                                    {"category": "HUBSPOT_DEFINED", "typeId": 1, "label": None}
                                ],
                            }
                            for t in links[rid]
                        ],
                    }
                )
            else:
                missing.append(rid)
        out: dict[str, Any] = {
            "status": "COMPLETE",
            "results": results,
            "startedAt": iso(self.clock),
            "completedAt": iso(self.clock),
        }
        if missing:
            out["numErrors"] = len(missing)
            out["errors"] = [
                {
                    "status": "error",
                    "category": "OBJECT_NOT_FOUND",
                    "message": "No associations found",
                    "context": {"fromObjectId": missing},
                }
            ]
            return JSONResponse(out, status_code=207)
        return JSONResponse(out)

    def _known(self, object_type: str) -> set[str]:
        return STANDARD_PROPERTIES[object_type] | set(self.custom.get(object_type, {}))

    def _check_properties(self, object_type: str, properties: Any) -> str | None:
        if not isinstance(properties, dict):
            return "properties must be an object"
        unknown = sorted(set(properties) - self._known(object_type))
        if unknown:
            return f"Property values were not valid: PROPERTY_DOESNT_EXIST {unknown}"
        bad = [k for k, v in properties.items() if not isinstance(v, str | int | float)]
        return f"Property values must be strings or numbers: {bad}" if bad else None

    async def update(self, request: Request) -> Response:
        body, early = await self._guard(request)
        if early:
            return early
        object_type, rid = request.path_params["type"], request.path_params["id"]
        record = self.records.get(object_type, {}).get(rid)
        if record is None:
            return JSONResponse(error(404, "resource not found"), status_code=404)
        problem = self._check_properties(object_type, (body or {}).get("properties"))
        if problem:
            return JSONResponse(error(400, problem), status_code=400)
        record["properties"].update({k: str(v) for k, v in body["properties"].items()})
        return JSONResponse(
            {
                "id": rid,
                "properties": record["properties"],
                "createdAt": iso(record["created"]),
                "updatedAt": iso(self.clock),
                "archived": False,
            }
        )

    async def create(self, request: Request) -> Response:
        body, early = await self._guard(request)
        if early:
            return early
        object_type = request.path_params["type"]
        if object_type not in ("tasks", "notes"):
            return JSONResponse(error(400, "only tasks and notes in this fake"), status_code=400)
        problem = self._check_properties(object_type, (body or {}).get("properties"))
        if problem or "hs_timestamp" not in body["properties"]:
            return JSONResponse(error(400, problem or "hs_timestamp is required"), status_code=400)
        for assoc in body.get("associations", []):
            ok = (
                isinstance(assoc.get("to", {}).get("id"), str)
                and assoc.get("types")
                and all(
                    t.get("associationCategory") == "HUBSPOT_DEFINED"
                    and isinstance(t.get("associationTypeId"), int)
                    for t in assoc["types"]
                )
            )
            if not ok:
                return JSONResponse(error(400, "invalid association"), status_code=400)
        self.next_id += 1
        rid = str(self.next_id)
        self.add(object_type, rid, body["properties"])
        self.records[object_type][rid]["associations"] = body.get("associations", [])
        return JSONResponse(
            {
                "id": rid,
                "properties": self.records[object_type][rid]["properties"],
                "createdAt": iso(self.clock),
                "updatedAt": iso(self.clock),
                "archived": False,
            },
            status_code=201,
        )

    async def create_property(self, request: Request) -> Response:
        body, early = await self._guard(request)
        if early:
            return early
        object_type = request.path_params["type"]
        required = ("name", "label", "type", "fieldType", "groupName")
        missing = [k for k in required if not isinstance((body or {}).get(k), str)]
        if missing:
            return JSONResponse(error(400, f"missing {missing}"), status_code=400)
        if body["type"] == "enumeration" and not all(
            isinstance(o.get("label"), str) and isinstance(o.get("value"), str)
            for o in body.get("options") or [{}]
        ):
            return JSONResponse(error(400, "enumeration needs options"), status_code=400)
        if body["name"] in self._known(object_type):
            return JSONResponse(
                error(
                    409, f"Property named '{body['name']}' already exists.", "OBJECT_ALREADY_EXISTS"
                ),
                status_code=409,
            )
        self.custom.setdefault(object_type, {})[body["name"]] = body
        return JSONResponse({**body, "createdAt": iso(self.clock)}, status_code=201)

    async def owners(self, request: Request) -> Response:
        _, early = await self._guard(request)
        return early or JSONResponse({"results": OWNERS})

    async def pipelines(self, request: Request) -> Response:
        _, early = await self._guard(request)
        stages = [
            {
                "id": sid,
                "label": label,
                "displayOrder": i,
                "metadata": {"isClosed": str(sid.startswith("closed")).lower()},
            }
            for i, (sid, label) in enumerate(STAGES)
        ]
        return early or JSONResponse(
            {
                "results": [
                    {
                        "id": "default",
                        "label": "Sales Pipeline",
                        "displayOrder": 0,
                        "stages": stages,
                    }
                ]
            }
        )


def _search_problems(body: Any) -> list[str]:
    """Contract: the documented search request shape, field by field."""
    if not isinstance(body, dict):
        return ["body must be a JSON object"]
    problems = []
    for group in body.get("filterGroups", []):
        for f in group.get("filters", []):
            if not isinstance(f.get("propertyName"), str):
                problems.append("filters[].propertyName must be a string")
            if f.get("operator") not in _OPERATORS:
                problems.append(f"unknown operator {f.get('operator')!r}")
            if "value" in f and not isinstance(f["value"], str):
                problems.append("filters[].value must be a string")
    for s in body.get("sorts", []):
        if not isinstance(s, dict) or s.get("direction") not in ("ASCENDING", "DESCENDING"):
            problems.append("sorts[] must be {propertyName, direction}")
    limit = body.get("limit", 10)
    if not isinstance(limit, int) or not 1 <= limit <= 200:
        problems.append("limit must be an integer between 1 and 200")
    if "after" in body and not (isinstance(body["after"], str) and body["after"].isdigit()):
        problems.append("after must be a numeric string")
    if not all(isinstance(p, str) for p in body.get("properties", [])):
        problems.append("properties must be strings")
    return problems
