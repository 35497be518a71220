"""HubSpot: CRM v3 objects and engagements in, custom properties, tasks and notes out.

API surface (HubSpot's "legacy" v3/v4 paths, still the stable public ones):

* ``POST /crm/v3/objects/{type}/search``: incremental pulls, ``GTE`` on the
  last-modified property (``lastmodifieddate`` for contacts, ``hs_lastmodifieddate``
  otherwise), sorted ascending, ``limit`` 200 and ``after`` paging. Search stops at
  10,000 results per query, so the pull re-anchors on the newest timestamp seen.
* ``POST /crm/v4/associations/{from}/{to}/batch/read``: which company, contact and deal
  an engagement belongs to.
* ``GET /crm/v3/owners``, ``GET /crm/v3/pipelines/deals``: owner e-mails, stage order.
* ``PATCH /crm/v3/objects/{type}/{id}``, ``POST /crm/v3/objects/{tasks|notes}``,
  ``POST /crm/v3/properties/{type}``: push-back and setup.

Auth: a private-app access token (``Authorization: Bearer pat-…``). Errors come as
``{"status": "error", "message", "correlationId", "category"}``; a 429 comes as
``{"status": "error", "message", "errorType": "RATE_LIMIT", "correlationId",
"policyName"}``: ``DAILY`` means the daily quota is spent (stop), ``TEN_SECONDLY_ROLLING``
the 10-second window (wait it out), and search's own per-second limit says "You have
reached your secondly limit." (wait a second). HubSpot's own client waits the same way.

Companies carry their parent (``hs_parent_company_id``) and, through properties named in
the config, segment, renewal date, ARR and owners by role.
"""

from __future__ import annotations

__all__ = ["HubSpotConnector"]

import html
import logging
import time
from collections.abc import Callable, Iterator
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
    link_parents,
    newest_stamp,
    page_rows,
)
from crmsense.connectors.config import HubSpotConfig, load_config
from crmsense.connectors.http import ApiError, BearerToken, HttpClient, Throttle
from crmsense.errors import IntegrationError

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("crmsense.connectors")

Row = dict[str, Any]

PAGE_SIZE = 200
SEARCH_CAP = 10_000

_PROPERTIES: dict[str, list[str]] = {
    "companies": ["name", "domain", "hubspot_owner_id", "industry", "hs_parent_company_id"],
    "contacts": ["email", "firstname", "lastname", "jobtitle", "associatedcompanyid"],
    "deals": ["dealname", "dealstage", "pipeline", "amount", "closedate", "hubspot_owner_id",
              "hs_is_closed", "hs_is_closed_won"],
    "emails": ["hs_timestamp", "hs_email_subject", "hs_email_text", "hs_email_html",
               "hs_email_direction", "hs_email_from_email"],
    "calls": ["hs_timestamp", "hs_call_title", "hs_call_body", "hs_call_direction"],
    "notes": ["hs_timestamp", "hs_note_body"],
    "tickets": ["subject", "content", "hs_ticket_priority", "createdate"],
    "tasks": ["hs_timestamp", "hs_task_subject", "hs_task_status"],
}  # fmt: skip
_ASSOCIATED: dict[str, tuple[str, ...]] = {
    "deals": ("companies",),
    "emails": ("companies", "contacts", "deals"),
    "calls": ("companies", "contacts", "deals"),
    "notes": ("companies", "contacts", "deals"),
    "tickets": ("companies", "contacts"),
    "tasks": ("companies", "contacts"),
}
#: HubSpot-defined association type ids (engagement → company / deal).
_ASSOCIATION_TYPES = {"tasks": {"companies": 192, "deals": 216},
                      "notes": {"companies": 190, "deals": 214}}  # fmt: skip
_OBJECT_OF = {"account": "companies", "deal": "deals"}
_GROUP_OF = {"account": "companyinformation", "deal": "dealinformation"}
_PRIORITY = {"high": "HIGH", "normal": "MEDIUM", "low": "LOW"}


def _modified_property(object_type: str) -> str:
    return "lastmodifieddate" if object_type == "contacts" else "hs_lastmodifieddate"


def _parse_error(response: httpx.Response) -> tuple[str, str]:
    body = response.json()
    code = (
        body.get("policyName")
        or body.get("category")
        or body.get("errorType")
        or f"HTTP{response.status_code}"
    )
    return str(code), str(body.get("message", ""))


#: 429 policies → what to do: the daily quota stops the sync; the others are windows.
_POLICIES = {
    "DAILY": Throttle(quota=True),
    "TEN_SECONDLY_ROLLING": Throttle(wait_s=10.0),
    "SECONDLY": Throttle(wait_s=1.0),
}


def _rate_limits(status: int, code: str, message: str) -> Throttle | None:
    if status != 429:
        return None
    if "secondly limit" in message.lower():  # search's per-second limit names no policy
        return _POLICIES["SECONDLY"]
    return _POLICIES.get(code)


def _ms(value: Any) -> int:
    """A cursor's ``since`` (epoch ms, ISO 8601 or a datetime) as epoch milliseconds."""
    if value in (None, ""):
        return 0
    if isinstance(value, int | float):
        return int(value)
    when = as_datetime(value)
    return int(when.timestamp() * 1000) if when else 0


def _number(value: Any) -> float | None:
    """A HubSpot number property (sent as a string) as a float; None when empty."""
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _rid(result: dict[str, Any]) -> str:
    """A search result's id; ``""`` (rejected by validation, naming ``id``) when unusable."""
    return as_id(result.get("id"))


def property_name(field: str) -> str:
    """The HubSpot internal name of a canonical field: ``crmsense_<field>``."""
    return f"crmsense_{field}"


class HubSpotConnector:
    """HubSpot CRM both ways; see the module docstring for the endpoints used."""

    name: ClassVar[str] = "hubspot.v1"
    source: ClassVar[str] = "hubspot"
    objects: ClassVar[tuple[str, ...]] = tuple(_PROPERTIES)

    def __init__(self, config: HubSpotConfig, *, sleep: Callable[[float], None] = time.sleep):
        self.http = HttpClient(
            "hubspot",
            config.base_url,
            BearerToken(config.token.get_secret_value()),
            _parse_error,
            rate_limits=_rate_limits,
            timeout_s=config.timeout_s,
            max_retries=config.max_retries,
            sleep=sleep,
        )
        self.config = config
        self.owner_fields = {"account_executive": "hubspot_owner_id", **config.owner_fields}
        self._owners: dict[str, str] | None = None
        self._stages: dict[str, tuple[int, int, str]] | None = None

    @classmethod
    def configured(cls, config_path: Path | None = None) -> Self:
        return cls(load_config(HubSpotConfig, config_path))

    def close(self) -> None:
        self.http.close()

    # -- pull -----------------------------------------------------------------------------

    def pull(self, object_type: str, cursor: dict[str, Any]) -> Iterator[Page]:
        if object_type not in _PROPERTIES:
            raise IntegrationError(f"hubspot has no object {object_type!r}", code="E505")
        pages = self._search(object_type, cursor)
        return link_parents(pages, cursor) if object_type == "companies" else pages

    def _search(self, object_type: str, cursor: dict[str, Any]) -> Iterator[Page]:
        modified = _modified_property(object_type)
        now = datetime.now(UTC)  # later modification times do not move the cursor
        since = _ms(cursor.get("since"))
        after: str | None = cursor.get("after")
        newest = int(cursor.get("newest", since))
        reached = since  # how far the search got, future times included: where to re-anchor
        while True:
            body: dict[str, Any] = {
                "filterGroups": [
                    {
                        "filters": [
                            {"propertyName": modified, "operator": "GTE", "value": str(since)}
                        ]
                    }
                ],
                "sorts": [{"propertyName": modified, "direction": "ASCENDING"}],
                "properties": [*_PROPERTIES[object_type], *self._extra(object_type), modified],
                "limit": PAGE_SIZE,
            }
            if after is not None:
                body["after"] = after
            data = self.http.request(
                "POST", f"/crm/v3/objects/{object_type}/search", json=body
            ).json()
            results = page_rows(data, "results", "hubspot")
            stamps = [(r.get("properties") or {}).get(modified) for r in results]
            newest = max(newest, _ms(newest_stamp(stamps, now, f"hubspot {object_type}")))
            reached = max([reached, *map(_ms, stamps)])
            records = self._map_page(object_type, results)
            next_after = data.get("paging", {}).get("next", {}).get("after")
            if next_after is None:
                yield Page(object_type, records, {"since": newest}, data.get("total"), len(results))
                return
            if int(next_after) + PAGE_SIZE > SEARCH_CAP:
                if reached == since:
                    raise IntegrationError(
                        f"hubspot: more than {SEARCH_CAP} {object_type} share one modification "
                        "time; the search API cannot page past them",
                        code="E505",
                    )
                since, after = reached, None  # re-anchor: search cannot page past 10,000
            else:
                after = str(next_after)
            cursor = {"since": since, "after": after, "newest": newest}
            yield Page(object_type, records, cursor, data.get("total"), len(results))

    def _extra(self, object_type: str) -> list[str]:
        if object_type != "companies":
            return []
        cfg = self.config
        named = [cfg.arr_field, cfg.segment_field, cfg.renewal_field, *self.owner_fields.values()]
        return sorted({n for n in named if n and n not in _PROPERTIES["companies"]})

    def _associations(self, object_type: str, ids: list[str]) -> dict[str, dict[str, str]]:
        """``{to_type: {from_id: first associated id}}`` for one page."""
        out: dict[str, dict[str, str]] = {}
        for to_type in _ASSOCIATED.get(object_type, ()) if ids else ():
            data = self.http.request(
                "POST",
                f"/crm/v4/associations/{object_type}/{to_type}/batch/read",
                json={"inputs": [{"id": i} for i in ids]},
            ).json()
            out[to_type] = {
                str(r["from"]["id"]): str(r["to"][0]["toObjectId"])
                for r in data.get("results", [])
                if r.get("to")
            }
        return out

    def _owner_email(self, owner_id: str | None) -> str | None:
        if not owner_id:
            return None
        if self._owners is None:
            self._owners = {}
            after: str | None = None
            try:
                while True:
                    params: dict[str, Any] = {"limit": 500, **({"after": after} if after else {})}
                    data = self.http.request("GET", "/crm/v3/owners", params=params).json()
                    for owner in data.get("results", []):
                        if owner.get("email"):
                            self._owners[str(owner["id"])] = owner["email"]
                    after = data.get("paging", {}).get("next", {}).get("after")
                    if not after:
                        break
            except ApiError as exc:  # e.g. the owners scope is missing: keep the ids only
                log.warning("hubspot: owners unavailable (%s); owner e-mails left empty",
                            exc.vendor_code)  # fmt: skip
        return self._owners.get(str(owner_id))

    def _stage(self, stage_id: str | None) -> tuple[int, int, str] | None:
        if not stage_id:
            return None
        if self._stages is None:
            self._stages = {}
            data = self.http.request("GET", "/crm/v3/pipelines/deals").json()
            for pipeline in data.get("results", []):
                stages = sorted(pipeline.get("stages", []), key=lambda s: s.get("displayOrder", 0))
                for index, stage in enumerate(stages, start=1):
                    self._stages[str(stage["id"])] = (index, len(stages), stage.get("label", ""))
        return self._stages.get(stage_id)

    def _map_page(self, object_type: str, results: list[dict[str, Any]]) -> list[dict[str, Any]]:
        links = self._associations(object_type, [rid for r in results if (rid := _rid(r))])
        out: list[dict[str, Any]] = []
        for result in results:
            rid, props = _rid(result), result.get("properties") or {}
            linked = {to: ids.get(rid) for to, ids in links.items()}
            out.extend(getattr(self, f"_map_{object_type}")(rid, props, linked))
        return out

    def _base(self, rid: str, **values: Any) -> Row:
        return crm_record(self.source, rid, **values)

    def _map_companies(self, rid: str, p: Row, _: Row) -> list[Row]:
        cfg = self.config
        owners = {role: self._owner_email(p.get(prop)) for role, prop in self.owner_fields.items()}
        return [{
            **self._base(rid, domain=p.get("domain"), industry=p.get("industry"),
                         arr=_number(p.get(cfg.arr_field or "")),
                         parent_id=p.get("hs_parent_company_id"),
                         segment=p.get(cfg.segment_field or ""),
                         renewal_date=as_date(p.get(cfg.renewal_field or ""))),
            "type": "account",
            "name": p.get("name") or p.get("domain") or f"HubSpot company {rid}",
            "owners": {role: email for role, email in owners.items() if email},
            "crm_owner_id": p.get("hubspot_owner_id"),
        }]  # fmt: skip

    def _map_contacts(self, rid: str, p: Row, _: Row) -> list[Row]:
        name = " ".join(filter(None, (p.get("firstname"), p.get("lastname")))) or None
        return [{
            **self._base(rid, account_id=p.get("associatedcompanyid"), name=name,
                         email=p.get("email"), title=p.get("jobtitle")),
            "type": "contact",
        }]  # fmt: skip

    def _map_deals(self, rid: str, p: Row, linked: Row) -> list[Row]:
        stage = self._stage(p.get("dealstage"))
        status = "open"
        if p.get("hs_is_closed_won") == "true":
            status = "won"
        elif p.get("hs_is_closed") == "true":
            status = "lost"
        return [{
            **self._base(rid, account_id=linked.get("companies"), name=p.get("dealname"),
                         owner=self._owner_email(p.get("hubspot_owner_id")),
                         close_date=(p.get("closedate") or "")[:10]),
            "type": "deal",
            "stage": stage[2] if stage else p.get("dealstage"),
            "stage_index": stage[0] if stage else None,
            "stage_count": stage[1] if stage else None,
            "amount": _number(p.get("amount")),
            "status": status,
            "crm_owner_id": p.get("hubspot_owner_id"),
        }]  # fmt: skip

    def _links(self, linked: dict[str, Any]) -> dict[str, Any]:
        return {"account_id": linked.get("companies"), "contact_id": linked.get("contacts"),
                "deal_id": linked.get("deals")}  # fmt: skip

    def _map_emails(self, rid: str, p: Row, linked: Row) -> list[Row]:
        inbound = p.get("hs_email_direction") == "INCOMING_EMAIL"
        return [{
            **self._base(rid, **self._links(linked), subject=p.get("hs_email_subject"),
                         sender=p.get("hs_email_from_email")),
            "type": "message", "channel": "email",
            "direction": "inbound" if inbound else "outbound",
            "timestamp": p.get("hs_timestamp"),
            "text": p.get("hs_email_text") or p.get("hs_email_html") or "",
        }]  # fmt: skip

    def _map_calls(self, rid: str, p: Row, linked: Row) -> list[Row]:
        out: list[dict[str, Any]] = []
        links = self._links(linked)
        if links["account_id"]:
            out.append(activity(self.source, "call", links["account_id"], p.get("hs_timestamp"),
                                contact_id=links["contact_id"]))  # fmt: skip
        if p.get("hs_call_body"):
            out.append({
                **self._base(rid, **links, title=p.get("hs_call_title")),
                "type": "call", "timestamp": p.get("hs_timestamp"),
                "segments": call_notes(p["hs_call_body"]),
            })  # fmt: skip
        return out

    def _map_notes(self, rid: str, p: Row, linked: Row) -> list[Row]:
        body = p.get("hs_note_body") or ""
        if body.startswith(MARKER):
            return []
        return [{**self._base(rid, **self._links(linked)), "type": "message", "channel": "note",
                 "direction": "outbound", "timestamp": p.get("hs_timestamp"),
                 "text": body}]  # fmt: skip

    def _map_tickets(self, rid: str, p: Row, linked: Row) -> list[Row]:
        priority = p.get("hs_ticket_priority")
        return [{
            **self._base(rid, **self._links(linked), subject=p.get("subject"),
                         ticket_priority=priority.lower() if priority else None),
            "type": "message", "channel": "ticket", "direction": "inbound", "ticket_id": rid,
            "timestamp": p.get("createdate"), "text": p.get("content") or "",
        }]  # fmt: skip

    def _map_tasks(self, rid: str, p: Row, linked: Row) -> list[Row]:
        subject = p.get("hs_task_subject") or ""
        account = linked.get("companies")
        if subject.startswith(MARKER) or not account:
            return []
        return [activity(self.source, "task", account, p.get("hs_timestamp"), note=subject)]

    # -- push -----------------------------------------------------------------------------

    def push_fields(self, object_type: str, external_id: str, fields: dict[str, Any]) -> None:
        properties = {property_name(k): "" if v is None else v for k, v in fields.items()}
        self.http.request("PATCH", f"/crm/v3/objects/{_OBJECT_OF[object_type]}/{external_id}",
                          json={"properties": properties})  # fmt: skip

    def _upsert(self, kind: str, properties: dict[str, Any], external_id: str | None,
                account_id: str, deal_id: str | None) -> str:  # fmt: skip
        if external_id:
            try:
                self.http.request("PATCH", f"/crm/v3/objects/{kind}/{external_id}",
                                  json={"properties": properties})  # fmt: skip
                return external_id
            except ApiError as exc:
                if exc.status != 404:
                    raise
        types = _ASSOCIATION_TYPES[kind]
        targets = [("companies", account_id), ("deals", deal_id)]
        associations = [
            {"to": {"id": target},
             "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": types[to]}]}
            for to, target in targets if target
        ]  # fmt: skip
        created = self.http.request(
            "POST", f"/crm/v3/objects/{kind}",
            json={"properties": properties, "associations": associations},
        ).json()  # fmt: skip
        return str(created["id"])

    def upsert_task(self, task: TaskSpec, external_id: str | None) -> str:
        properties = {
            "hs_timestamp": task.due.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "hs_task_subject": f"{MARKER} {task.subject}",
            "hs_task_body": task.body,
            "hs_task_status": "COMPLETED" if task.done else "NOT_STARTED",
            "hs_task_priority": _PRIORITY[task.priority],
            "hs_task_type": "TODO",
        }
        if task.owner_id:
            properties["hubspot_owner_id"] = task.owner_id
        return self._upsert("tasks", properties, external_id, task.account_id, task.deal_id)

    def upsert_note(self, note: NoteSpec, external_id: str | None) -> str:
        when = note.timestamp or datetime.now(UTC)
        body = html.escape(note.body).replace("\n", "<br>")
        properties = {
            "hs_timestamp": when.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "hs_note_body": f"{MARKER} <strong>{html.escape(note.title)}</strong><br>{body}",
        }
        return self._upsert("notes", properties, external_id, note.account_id, note.deal_id)

    def setup(self) -> SetupResult:
        result = SetupResult()
        for kind, specs in PUSH_FIELDS.items():
            for spec in specs:
                definition: dict[str, Any] = {
                    "name": property_name(spec.name),
                    "label": f"{spec.label} (crmsense)",
                    "groupName": _GROUP_OF[kind],
                    "description": "Written by crmsense; do not edit by hand.",
                    "type": "number" if spec.numeric else "enumeration",
                    "fieldType": "number" if spec.numeric else "select",
                }
                if not spec.numeric:
                    definition["options"] = [
                        {"label": c.title(), "value": c, "displayOrder": i}
                        for i, c in enumerate(spec.choices)
                    ]
                label = f"{_OBJECT_OF[kind]}.{property_name(spec.name)}"
                try:
                    self.http.request("POST", f"/crm/v3/properties/{_OBJECT_OF[kind]}",
                                      json=definition)  # fmt: skip
                    result.created.append(label)
                except ApiError as exc:
                    if exc.status != 409:
                        raise
                    result.existing.append(label)
        return result
