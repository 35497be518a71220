"""Contract tests: every request crmsense sent during a full sync has the documented shape.

The fakes already refuse malformed requests the way the vendors do; these tests read the
request logs of a complete setup + pull + push and check the fields and types the API
references require, so a drift in our requests fails here even where a fake is lenient.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import SecretStr

from crmsense.connectors.config import HubSpotConfig, SalesforceConfig, ZohoConfig
from crmsense.connectors.hubspot import HubSpotConnector
from crmsense.connectors.salesforce import SalesforceConnector
from crmsense.connectors.sync import pull, push
from crmsense.connectors.zoho import ZohoConnector
from crmsense.store import Database

from .fakes import salesforce as sf
from .fakes import zoho as zo
from .fakes.hubspot import TOKEN, FakeHubSpot
from .fakes.salesforce import FakeSalesforce
from .fakes.server import Seen
from .fakes.zoho import FakeZoho
from .helpers import add_alert

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
DAY = re.compile(r"^\d{4}-\d\d-\d\d$")


def _full_sync(db: Database, connector: Any, source: str, account: str, deal: str) -> None:
    connector.setup()
    pull(db, connector)
    add_alert(db, source, account, deal=deal, severity="high")
    push(db, connector)
    push(db, connector)  # the update path too


def _json_requests(seen: list[Seen]) -> list[Seen]:
    return [s for s in seen if s.method in ("POST", "PATCH", "PUT") and "token" not in s.path]


def test_hubspot_requests(
    memory_db: Database, hubspot: tuple[FakeHubSpot, str], closing: list[Any]
) -> None:
    fake, url = hubspot
    fake.seed(companies=1, contacts_per=1, emails_per=1)
    crm = HubSpotConnector(HubSpotConfig(token=SecretStr(TOKEN), base_url=url))
    closing.append(crm)
    _full_sync(memory_db, crm, "hubspot", "1", "d1")
    assert all(s.headers["authorization"] == f"Bearer {TOKEN}" for s in fake.seen)
    for s in _json_requests(fake.seen):
        assert s.headers["content-type"] == "application/json"
    for s in fake.calls("/search"):
        (group,) = s.body["filterGroups"]
        (f,) = group["filters"]
        assert f["operator"] == "GTE" and f["value"].isdigit()
        assert f["propertyName"] in ("lastmodifieddate", "hs_lastmodifieddate")
        assert s.body["sorts"] == [{"propertyName": f["propertyName"], "direction": "ASCENDING"}]
        assert s.body["limit"] == 200 and all(isinstance(p, str) for p in s.body["properties"])
    (companies,) = fake.calls("/companies/search")
    assert "hs_parent_company_id" in companies.body["properties"]
    for s in fake.calls("/batch/read"):
        assert all(set(i) == {"id"} and isinstance(i["id"], str) for i in s.body["inputs"])
    tasks = [s for s in fake.calls("/crm/v3/objects/tasks") if not s.path.endswith("/search")]
    assert [s.method for s in tasks] == ["POST", "PATCH"]
    for s in tasks:
        props = s.body["properties"]
        assert ISO_Z.match(props["hs_timestamp"])
        assert props["hs_task_priority"] in ("HIGH", "MEDIUM", "LOW")
        assert props["hs_task_status"] in ("NOT_STARTED", "COMPLETED")
        assert all(isinstance(v, str) for v in props.values())
    created = tasks[0].body["associations"]
    assert all(
        t["associationCategory"] == "HUBSPOT_DEFINED" and isinstance(t["associationTypeId"], int)
        for a in created
        for t in a["types"]
    )
    for s in fake.calls("/crm/v3/properties/"):
        assert {"name", "label", "type", "fieldType", "groupName"} <= set(s.body)
        assert re.fullmatch(r"[a-z0-9_]+", s.body["name"])


def test_salesforce_requests(
    memory_db: Database, salesforce: tuple[FakeSalesforce, str], closing: list[Any]
) -> None:
    fake, url = salesforce
    fake.seed(accounts=1, contacts_per=1, emails_per=1)
    config = SalesforceConfig(
        client_id=sf.CLIENT_ID,
        client_secret=SecretStr(sf.CLIENT_SECRET),
        refresh_token=SecretStr(sf.REFRESH_TOKEN),
        login_url=url,
    )
    crm = SalesforceConnector(config)
    closing.append(crm)
    _full_sync(memory_db, crm, "salesforce", sf.sf_id("Account", 1), sf.sf_id("Opportunity", 1))
    (grant,) = fake.calls("/services/oauth2/token")
    assert grant.headers["content-type"] == "application/x-www-form-urlencoded"
    assert "refresh_token=" in grant.body and "grant_type=refresh_token" in grant.body
    for s in fake.calls(f"{sf.API}/query", "GET"):
        soql = s.query.get("q")
        if soql is None:
            continue  # a nextRecordsUrl
        assert soql.startswith("SELECT ") and " FROM " in soql
        stamp = re.search(r"SystemModstamp >= (\S+)", soql)
        assert stamp is None or ISO_Z.match(stamp[1])  # a SOQL datetime literal, unquoted
    for s in _json_requests(fake.seen):
        assert s.headers["content-type"] == "application/json"
    tasks = fake.calls("/sobjects/Task")
    assert [s.method for s in tasks] == ["POST", "PATCH"]
    for s in tasks:
        assert DAY.match(s.body["ActivityDate"]) and len(s.body["Subject"]) <= 255
        assert s.body["Priority"] in sf.PICKLISTS[("Task", "Priority")]
    assert "ParentId" not in fake.calls("/sobjects/Note", "PATCH")[0].body
    for s in fake.calls("/tooling/sobjects/CustomField"):
        assert re.fullmatch(r"(Account|Opportunity)\.\w+__c", s.body["FullName"])


def test_zoho_requests(memory_db: Database, zoho: tuple[FakeZoho, str], closing: list[Any]) -> None:
    fake, url = zoho
    fake.seed(accounts=1, contacts_per=1)
    config = ZohoConfig(
        client_id=zo.CLIENT_ID,
        client_secret=SecretStr(zo.CLIENT_SECRET),
        refresh_token=SecretStr(zo.REFRESH_TOKEN),
        accounts_url=url,
    )
    crm = ZohoConnector(config)
    closing.append(crm)
    _full_sync(memory_db, crm, "zoho", "100", "150")
    (grant,) = fake.calls("/oauth/v2/token")
    assert grant.query["grant_type"] == "refresh_token" and not grant.body  # in the query
    api = [s for s in fake.seen if s.path.startswith(zo.API)]
    assert all(s.headers["authorization"].startswith("Zoho-oauthtoken ") for s in api)
    for s in fake.calls(f"{zo.API}/", "GET"):
        if "per_page" in s.query:
            assert int(s.query["per_page"]) <= 200 and s.query["sort_order"] == "asc"
        since = s.headers.get("if-modified-since")
        assert since is None or re.search(r"[+-]\d\d:\d\d$", since)  # an explicit offset
    for s in _json_requests(fake.seen):
        if "/settings/fields" in s.path:
            assert isinstance(s.body["fields"], list) and s.query["module"]
        else:
            assert isinstance(s.body["data"], list) and len(s.body["data"]) == 1
    (created,) = [s for s in fake.calls("/Tasks", "POST")]
    assert DAY.match(created.body["data"][0]["Due_Date"])
    assert created.body["data"][0]["$se_module"] in ("Accounts", "Deals")
