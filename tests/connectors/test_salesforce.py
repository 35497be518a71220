"""Salesforce connector against the local fake org: OAuth, SOQL paging, resume, push."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from crmsense.connectors.config import SalesforceConfig, load_config
from crmsense.connectors.http import ApiError, QuotaExceededError
from crmsense.connectors.salesforce import SalesforceConnector
from crmsense.connectors.state import load_cursor
from crmsense.connectors.sync import pull, push
from crmsense.errors import ConfigError, IntegrationError
from crmsense.store import Database
from crmsense.store import models as m
from crmsense.store.queries import record_counts

from .conftest import Sleeps
from .fakes.salesforce import (
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    FakeSalesforce,
    errors,
    sf_id,
)
from .helpers import add_alert, add_analysis, pull_holding_the_cursor, stored_ids

Fake = tuple[FakeSalesforce, str]
Maker = Callable[..., SalesforceConnector]
ACC1, OPP1 = sf_id("Account", 1), sf_id("Opportunity", 1)


@pytest.fixture
def connector(closing: list[Any], sleeps: Sleeps) -> Maker:
    def make(
        url: str, refresh_token: str = REFRESH_TOKEN, retries: int = 3, **extra: Any
    ) -> SalesforceConnector:
        config = SalesforceConfig(
            client_id=CLIENT_ID,
            client_secret=SecretStr(CLIENT_SECRET),
            refresh_token=SecretStr(refresh_token),
            login_url=url,
            max_retries=retries,
            **extra,
        )
        closing.append(SalesforceConnector(config, sleep=sleeps))
        return closing[-1]

    return make


def test_pull_round_trip(db: Database, salesforce: Fake, connector: Maker) -> None:
    fake, url = salesforce
    fake.seed(accounts=2, contacts_per=2, emails_per=2)
    report = pull(db, connector(url, arr_field="ARR__c"))
    assert report.rejected == [] and report.failures == []
    counts = record_counts(db)
    assert (counts["account"], counts["contact"], counts["deal"]) == (2, 4, 2)
    assert counts["message"] == 4 + 8 + 2  # cases, case e-mails, opportunity e-mails
    assert (counts["call"], counts["activity"]) == (2, 2)
    assert fake.tokens_issued == 1  # one refresh-token grant, then the token is reused
    with db.session() as s:
        account = s.scalars(select(m.Account).where(m.Account.external_id == ACC1)).one()
        assert account.domain == "a1.example" and account.arr == 90000.0
        assert account.extra["crm_owner_id"] == "005000000000001"
        deal = s.scalars(select(m.Deal).where(m.Deal.external_id == OPP1)).one()
        assert (deal.stage, deal.stage_index, deal.stage_count) == ("Negotiation", 4, 6)
        pricing = s.scalars(select(m.Message).where(m.Message.subject == "Pricing")).first()
        assert pricing is not None and pricing.deal_id == deal.id
        assert pricing.account_id == account.id  # looked up from the opportunity
        case = s.scalars(select(m.Message).where(m.Message.channel == "ticket")).first()
        assert case is not None and case.ticket_priority == "high"


def test_accounts_bring_parent_segment_renewal_and_owners_by_role(
    db: Database, salesforce: Fake, connector: Maker
) -> None:
    fake, url = salesforce
    fake.seed(accounts=2, contacts_per=0, emails_per=0)
    fake.batch_size = 1  # one account per query page: the child comes a page before its parent
    crm = connector(url, renewal_field="Renewal_Date__c", owner_fields={"csm": "CSM__c"})
    report = pull(db, crm, objects=["accounts"], batch_records=1)
    assert report.rejected == []
    soql = fake.calls("/query", "GET")[0].query["q"]
    assert soql.startswith("SELECT Id, Name, Website, Industry, OwnerId, ParentId, ")
    assert all(f in soql for f in ("CSM__r.Email", "Owner.Email", "Renewal_Date__c", "Type"))
    with db.session() as s:
        one = s.scalars(select(m.Account).where(m.Account.external_id == ACC1)).one()
        two = s.scalars(select(m.Account).where(m.Account.external_id == sf_id("Account", 2))).one()
    assert (one.parent_id, two.parent_id) == (two.id, None)
    assert (one.segment, one.renewal_date) == ("Customer - Direct", date(2027, 2, 15))
    assert one.owners == {"account_executive": "sam@vendor.example", "csm": "dana@vendor.example"}


def test_soql_is_incremental_and_ordered(
    memory_db: Database, salesforce: Fake, connector: Maker
) -> None:
    fake, url = salesforce
    fake.seed(accounts=1, contacts_per=1, emails_per=1)
    crm = connector(url)
    pull(memory_db, crm)
    since = load_cursor(memory_db, "salesforce.v1", "cases")["since"]
    fake.seen.clear()
    pull(memory_db, crm, objects=["cases"])
    soql = fake.calls("/query")[0].query["q"]
    assert soql.startswith("SELECT Id, AccountId, ContactId, CaseNumber")
    assert f"WHERE SystemModstamp >= {since[:19]}Z" in soql
    assert soql.endswith("ORDER BY SystemModstamp ASC, Id ASC")


def test_a_future_modification_time_does_not_move_the_cursor(
    memory_db: Database, salesforce: Fake, connector: Maker, caplog: pytest.LogCaptureFixture
) -> None:
    fake, url = salesforce
    fake.add("Account", {"Name": "Acme", "Website": "acme.example"})
    fake.add("Account", {"Name": "Clock ahead"}, modified="2999-01-01T00:00:00.000+0000")
    fake.add("Account", {"Name": "Globex", "Website": "globex.example"})
    crm = connector(url)
    pull_holding_the_cursor(memory_db, crm, ["accounts"], ("salesforce.v1", "accounts"),
                            "salesforce accounts: 1 records have a modification time in the "
                            "future", caplog)  # fmt: skip
    new = fake.add("Account", {"Name": "New customer"})  # after the first pull's records
    pull(memory_db, crm, objects=["accounts"])
    assert new in stored_ids(memory_db, m.Account)
    assert record_counts(memory_db)["account"] == 4


@pytest.mark.parametrize("locator_expired", [False, True])
def test_backfill_resumes_without_gaps_or_duplicates(
    db: Database, salesforce: Fake, connector: Maker, locator_expired: bool
) -> None:
    fake, url = salesforce
    acc = fake.add("Account", {"Name": "Acme", "Website": "acme.example"})
    for n in range(450):
        fake.add(
            "Case",
            {
                "AccountId": acc,
                "CaseNumber": str(n),
                "Subject": f"case {n}",
                "Description": "Still broken",
                "CreatedDate": "2026-10-01T10:00:00Z",
            },
        )
    fake.fail_after = ("/query/", 1, 503)  # page 2 arrives, page 3 fails
    crm = connector(url, retries=1)
    with pytest.raises(ApiError):
        pull(db, crm, objects=["accounts", "cases"])
    assert record_counts(db)["message"] == 400
    assert load_cursor(db, "salesforce.v1", "cases")["next"].endswith("-400")
    fake.fail_after = None
    if locator_expired:
        fake.locators.clear()
    fake.seen.clear()
    pull(db, crm, objects=["cases"])
    with db.engine.connect() as conn:
        tickets = conn.execute(select(m.Message.ticket_id)).scalars().all()
    assert sorted(tickets) == sorted(str(n) for n in range(450))
    first = fake.seen[0]
    assert (
        first.path.endswith("-400")
        if not locator_expired
        else "SystemModstamp >=" in (fake.calls("/query", "GET")[-1].query.get("q", ""))
    )


def test_expired_session_refreshes_once(
    memory_db: Database, salesforce: Fake, connector: Maker
) -> None:
    fake, url = salesforce
    fake.seed(accounts=1, contacts_per=0, emails_per=0)
    crm = connector(url)
    pull(memory_db, crm, objects=["accounts"])
    fake.expire_token()
    pull(memory_db, crm, objects=["accounts"])
    assert fake.tokens_issued == 2
    assert [s.path for s in fake.seen].count("/services/oauth2/token") == 2


def test_bad_refresh_token_names_the_setting_not_the_secret(
    memory_db: Database, salesforce: Fake, connector: Maker
) -> None:
    _, url = salesforce
    with pytest.raises(ApiError) as failed:
        pull(memory_db, connector(url, refresh_token="stolen-or-revoked"), objects=["accounts"])
    assert failed.value.vendor_code == "invalid_grant"
    assert "CRMSENSE_SALESFORCE_REFRESH_TOKEN" in str(failed.value)
    assert "stolen-or-revoked" not in str(failed.value)


def test_daily_request_limit_stops(
    memory_db: Database, salesforce: Fake, connector: Maker, sleeps: Sleeps
) -> None:
    fake, url = salesforce
    fake.seed(accounts=1, contacts_per=0, emails_per=0)
    fake.fault("/query", 403)
    with pytest.raises(QuotaExceededError):
        pull(memory_db, connector(url), objects=["accounts"])
    assert sleeps == []


def test_concurrent_request_limit_is_waited_out(
    memory_db: Database, salesforce: Fake, connector: Maker, sleeps: Sleeps
) -> None:
    fake, url = salesforce
    fake.seed(accounts=1, contacts_per=0, emails_per=0)
    busy = errors("REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded.")
    fake.fault("/query", 403, busy)
    pull(memory_db, connector(url), objects=["accounts"])
    assert sleeps == [10.0] and record_counts(memory_db)["account"] == 1


def test_setup_creates_custom_fields_once(salesforce: Fake, connector: Maker) -> None:
    fake, url = salesforce
    crm = connector(url)
    assert len(crm.setup().created) == 6
    assert fake.custom["Account"] == {
        "Health_Score__c",
        "Health_Band__c",
        "Sentiment_Trend__c",
        "Last_Message_Sentiment__c",
    }
    assert fake.custom["Opportunity"] == {"Deal_Risk_Score__c", "Last_Message_Sentiment__c"}
    again = crm.setup()
    assert again.created == [] and len(again.existing) == 6


def test_push_round_trip(db: Database, salesforce: Fake, connector: Maker) -> None:
    fake, url = salesforce
    fake.seed(accounts=1, contacts_per=1, emails_per=1)
    crm = connector(url)
    pull(db, crm)
    crm.setup()
    pricing = next(
        r["Id"] for r in fake.records["EmailMessage"].values() if r.get("Subject") == "Pricing"
    )
    add_analysis(db, "salesforce", pricing, "negative")
    add_alert(db, "salesforce", ACC1, deal=OPP1, severity="high", rule="deal_risk_high")
    report = push(db, crm)
    assert report.failures == []
    assert fake.records["Account"][ACC1]["Last_Message_Sentiment__c"] == "negative"
    assert fake.records["Opportunity"][OPP1]["Last_Message_Sentiment__c"] == "negative"
    tasks = [t for t in fake.records["Task"].values() if t["Subject"].startswith("[crmsense]")]
    assert len(tasks) == 1
    task = tasks[0]
    assert task["WhatId"] == OPP1 and task["OwnerId"] == "005000000000002"
    assert (task["Priority"], task["Status"], task["ActivityDate"]) == (
        "High",
        "Not Started",
        "2026-10-06",
    )
    notes = list(fake.records["Note"].values())
    assert len(notes) == 1 and notes[0]["ParentId"] == OPP1
    again = push(db, crm)
    assert again.failures == []
    assert (again.pushed["tasks_updated"], again.pushed["notes_updated"]) == (1, 1)
    assert len(fake.records["Task"]) == 2 and len(fake.records["Note"]) == 1


def _team_queries(fake: FakeSalesforce) -> list[str]:
    soql = (c.query.get("q", "") for c in fake.calls("/query", "GET"))
    return [q for q in soql if "FROM AccountTeamMember" in q]


def _owners(db: Database) -> dict[str, dict[str, str]]:
    with db.engine.connect() as conn:
        rows = conn.execute(select(m.Account.external_id, m.Account.owners)).all()
    return {external_id: owners for external_id, owners in rows}


def test_account_team_roles_become_owners_one_query_per_page(
    db: Database, salesforce: Fake, connector: Maker
) -> None:
    fake, url = salesforce
    fake.seed(accounts=3, contacts_per=0, emails_per=0)
    acc2, acc3 = sf_id("Account", 2), sf_id("Account", 3)
    fake.add_team_member(ACC1, "Customer Success Manager", "cleo@vendor.example")
    fake.add_team_member(ACC1, "Executive Sponsor", "vic@vendor.example")
    fake.add_team_member(ACC1, "Pre-Sales Consultant", "pat@vendor.example")  # not mapped
    fake.add_team_member(acc2, "Customer Success Manager", "zed@vendor.example")
    fake.add_team_member(acc2, "customer success manager", "ann@vendor.example")  # same role
    fake.add_team_member(acc2, None, "nobody@vendor.example")  # no role
    fake.add_team_member(acc3, "Sales Rep", "rex@vendor.example")
    fake.batch_size = 2  # account pages of 2 and 1; the first page's 6 members take 3 pages
    roles = {"Customer Success Manager": "csm", "Sales Rep": "account_executive",
             "Executive Sponsor": "csm_manager"}  # fmt: skip
    report = pull(db, connector(url, team_roles=roles), objects=["accounts"])
    assert report.rejected == [] and report.failures == []
    teams = _team_queries(fake)
    assert len(teams) == 2  # one per page of accounts
    assert len(fake.calls("/query", "GET")) == 2 + 3 + 1  # accounts, then each page's team
    assert teams[0] == (
        "SELECT AccountId, TeamMemberRole, User.Email FROM AccountTeamMember "
        f"WHERE AccountId IN ('{ACC1}', '{acc2}')"
    )
    assert _owners(db) == {
        ACC1: {"account_executive": "sam@vendor.example", "csm": "cleo@vendor.example",
               "csm_manager": "vic@vendor.example"},
        acc2: {"account_executive": "sam@vendor.example", "csm": "ann@vendor.example"},
        acc3: {"account_executive": "rex@vendor.example"},  # the team role over the owner
    }  # fmt: skip


def test_owner_fields_win_over_team_roles(db: Database, salesforce: Fake, connector: Maker) -> None:
    fake, url = salesforce
    fake.seed(accounts=2, contacts_per=0, emails_per=0)
    acc2 = sf_id("Account", 2)
    fake.records["Account"][acc2].update(CSM__c=None, CSM__r=None)  # an empty lookup
    for account in (ACC1, acc2):
        fake.add_team_member(account, "Customer Success Manager", "cleo@vendor.example")
        fake.add_team_member(account, "Sales Rep", "rex@vendor.example")
    crm = connector(
        url,
        owner_fields={"csm": "CSM__c", "account_executive": "OwnerId"},
        team_roles={"Customer Success Manager": "csm", "Sales Rep": "account_executive"},
    )
    pull(db, crm, objects=["accounts"])
    assert _owners(db) == {
        ACC1: {"account_executive": "sam@vendor.example", "csm": "dana@vendor.example"},
        acc2: {"account_executive": "sam@vendor.example", "csm": "cleo@vendor.example"},
    }


def test_default_team_roles_and_long_pages_batch_the_in_list(
    memory_db: Database, salesforce: Fake, connector: Maker
) -> None:
    fake, url = salesforce
    fake.batch_size = 500
    ids = [fake.add("Account", {"Name": f"A{n}", "OwnerId": "005000000000001"}) for n in range(201)]
    fake.add_team_member(ids[-1], "Customer Success Manager", "cleo@vendor.example")
    fake.add_team_member(ids[-1], "Account Manager", "amy@vendor.example")
    fake.add_team_member(ids[-1], "Executive Sponsor", "vic@vendor.example")
    pull(memory_db, connector(url), objects=["accounts"])
    assert [q.count("'") // 2 for q in _team_queries(fake)] == [200, 1]
    assert _owners(memory_db)[ids[-1]] == {
        "csm": "cleo@vendor.example",
        "account_manager": "amy@vendor.example",
        "csm_manager": "vic@vendor.example",
    }


def test_no_team_roles_means_no_team_query(
    memory_db: Database, salesforce: Fake, connector: Maker
) -> None:
    fake, url = salesforce
    fake.seed(accounts=1, contacts_per=0, emails_per=0)
    fake.add_team_member(ACC1, "Customer Success Manager", "cleo@vendor.example")
    pull(memory_db, connector(url, team_roles={}), objects=["accounts"])
    assert _team_queries(fake) == []
    assert _owners(memory_db)[ACC1] == {"account_executive": "sam@vendor.example"}


def test_org_without_account_teams_still_pulls_accounts(
    db: Database, salesforce: Fake, connector: Maker, caplog: pytest.LogCaptureFixture
) -> None:
    fake, url = salesforce
    fake.seed(accounts=3, contacts_per=0, emails_per=0)
    fake.account_teams = False
    fake.batch_size = 1
    caplog.set_level(logging.INFO, logger="crmsense.connectors")
    report = pull(db, connector(url), objects=["accounts"])
    assert report.failures == [] and record_counts(db)["account"] == 3
    assert len(_team_queries(fake)) == 1  # asked once, then skipped for the other pages
    assert _owners(db)[ACC1] == {"account_executive": "sam@vendor.example"}
    said = [r for r in caplog.records if "AccountTeamMember" in r.getMessage()]
    assert [r.levelno for r in said] == [logging.INFO]
    assert "not supported" not in caplog.text  # the vendor's message is not logged


def test_other_team_query_errors_are_not_swallowed(
    memory_db: Database, salesforce: Fake, connector: Maker
) -> None:
    fake, url = salesforce
    fake.seed(accounts=1, contacts_per=0, emails_per=0)
    fake.fail_after = ("/query", 1, 400)  # the account query passes, the team query fails
    report = pull(memory_db, connector(url), objects=["accounts"])
    assert len(report.failures) == 1 and report.failures[0].startswith("accounts: ")
    assert len(_team_queries(fake)) == 1
    assert record_counts(memory_db)["account"] == 0  # the page is not stored without its team


def test_team_roles_setting_from_file_and_environment(tmp_path: Path) -> None:
    creds = {"CLIENT_ID": CLIENT_ID, "CLIENT_SECRET": "s", "REFRESH_TOKEN": "r"}
    env = {f"CRMSENSE_SALESFORCE_{k}": v for k, v in creds.items()}
    assert load_config(SalesforceConfig, env=env).team_roles["Executive Sponsor"] == "csm_manager"
    toml = tmp_path / "connectors.toml"
    toml.write_text('[salesforce]\nteam_roles = { "Sales Rep" = "account_executive" }\n')
    assert load_config(SalesforceConfig, toml, env).team_roles == {"Sales Rep": "account_executive"}
    env["CRMSENSE_SALESFORCE_TEAM_ROLES"] = ""  # the environment wins: no account teams
    assert load_config(SalesforceConfig, toml, env).team_roles == {}
    env["CRMSENSE_SALESFORCE_TEAM_ROLES"] = "Sales Rep=Account Executive"
    with pytest.raises(ConfigError, match="CRMSENSE_SALESFORCE_TEAM_ROLES"):
        load_config(SalesforceConfig, env=env)


def _page(sobject: str, *records: dict[str, Any]) -> dict[str, Any]:
    """One SOQL result page as Salesforce sends it, with ``records`` as given."""
    rows = [{"attributes": {"type": sobject}, "SystemModstamp": "2026-10-01T00:00:00.000+0000",
             **r} for r in records]  # fmt: skip
    return {"totalSize": len(rows), "done": True, "records": rows}


def test_malformed_records_are_rejected_and_the_rest_lands(
    db: Database, salesforce: Fake, connector: Maker
) -> None:
    """No usable ``Id``, odd relationship fields, NUL, huge or absurd values: one record each."""
    fake, url = salesforce
    acc = [sf_id("Account", n) for n in range(10)]
    accounts = _page(
        "Account",
        {"Name": "No id"},
        {"Id": {"x": 1}, "Name": "Object id"},
        {"Id": [acc[1]], "Name": "List id"},
        {"Id": True, "Name": "Bool id"},
        {"Id": acc[4], "Name": "Null owner", "Owner": None, "Website": None, "ParentId": None},
        {"Id": acc[5], "Name": "String owner", "Owner": "sam", "CSM__r": [], "Website": 5},
        {"Id": acc[6], "Name": "Nul\x00name"},
        {"Id": acc[7], "Name": "x" * 100_000},
        {"Id": acc[8], "Name": "Absurd", "Renewal_Date__c": "9999-12-31T23:00:00.000-0500",
         "SystemModstamp": "99999-01-01T00:00:00.000+0000"},
        {"Id": acc[9], "Name": "First copy"},
        {"Id": acc[9], "Name": "Second copy"},
    )  # fmt: skip
    opp = [sf_id("Opportunity", n) for n in range(6)]
    deals = _page(
        "Opportunity",
        {"Id": opp[1], "AccountId": acc[4], "Name": "Null owner", "Owner": None},
        {"Id": opp[2], "AccountId": acc[4], "Name": "String owner", "Owner": "dana",
         "StageName": {"label": "Won"}},
        {"Id": opp[3], "AccountId": acc[4], "Name": "Lots", "Amount": "lots"},
        {"Id": opp[4], "AccountId": acc[4], "Name": "Far", "CloseDate": "99999-12-31"},
        {"Id": opp[5], "AccountId": acc[4], "Name": "Fine", "StageName": "Negotiation",
         "Amount": 100.0},
    )  # fmt: skip
    cases = _page(
        "Case",
        {"Id": sf_id("Case", 1), "AccountId": acc[4], "Priority": 3, "Description": "Hm",
         "CreatedDate": "2026-10-01T10:00:00Z"},
        {"Id": sf_id("Case", 2), "AccountId": acc[4], "Priority": "High", "Description": "Ok",
         "CreatedDate": "2026-10-01T10:00:00Z"},
    )  # fmt: skip
    tasks = _page(
        "Task",
        {"Id": sf_id("Task", 1), "AccountId": acc[4], "Subject": ["x"], "WhoId": {"Id": 1},
         "WhatId": {"Id": opp[5]}, "CreatedDate": "2026-10-01T10:00:00Z"},
        {"Id": sf_id("Task", 2), "AccountId": acc[4], "Subject": "Call", "TaskSubtype": "Call",
         "Description": "Fine", "CreatedDate": "2026-10-01T10:00:00Z"},
    )  # fmt: skip
    crm = connector(url, renewal_field="Renewal_Date__c")
    for _ in range(2):  # a re-run stores nothing twice and rejects the same records
        for sobject, page in (("accounts", accounts), ("opportunities", deals),
                              ("cases", cases), ("tasks", tasks)):  # fmt: skip
            fake.fault("/query", 200, page)
            report = pull(db, crm, since=datetime(2026, 1, 1, tzinfo=UTC), objects=[sobject])
            fields = sorted(r.field for r in report.rejected)
            expected = {
                "accounts": ["domain", "id", "id", "id", "id", "name", "name"],
                "opportunities": ["amount", "close_date", "stage"],
                "cases": ["ticket_priority"],
                "tasks": ["contact_id, note"],
            }[sobject]
            assert fields == expected, sobject
        assert stored_ids(db, m.Account) == [acc[4], acc[8], acc[9]]
        assert stored_ids(db, m.Deal) == [opp[1], opp[5]]
        assert stored_ids(db, m.Message) == [sf_id("Case", 2)]
        assert stored_ids(db, m.Call) == [sf_id("Task", 2)]
    with db.session() as s:
        assert s.scalars(select(m.Account.name).where(m.Account.external_id == acc[9])).one() == (
            "Second copy"
        )
    since = datetime(2026, 1, 1, tzinfo=UTC)
    fake.fault("/query", 200, dict(cases, records=[*cases["records"], None, "x"]))
    report = pull(db, crm, since=since, objects=["cases"])  # non-objects skipped, rest lands
    assert [r.field for r in report.rejected] == ["ticket_priority"]
    fake.fault("/query", 200, {"totalSize": 0, "done": True})  # no records list at all
    with pytest.raises(IntegrationError, match="no 'records' list") as info:
        pull(db, crm, since=since, objects=["cases"])
    assert info.value.code == "E506"
