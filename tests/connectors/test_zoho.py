"""Zoho CRM connector against the local fake: OAuth, paging, If-Modified-Since, push."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from crmsense.connectors.config import ZohoConfig
from crmsense.connectors.http import ApiError
from crmsense.connectors.state import load_cursor
from crmsense.connectors.sync import pull, push
from crmsense.connectors.zoho import ZohoConnector
from crmsense.store import Database
from crmsense.store import models as m
from crmsense.store.queries import record_counts

from .conftest import Sleeps
from .fakes.zoho import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, FakeZoho
from .helpers import add_alert, add_analysis, pull_holding_the_cursor, stored_ids

Fake = tuple[FakeZoho, str]
Maker = Callable[..., ZohoConnector]


@pytest.fixture
def connector(closing: list[Any], sleeps: Sleeps) -> Maker:
    def make(
        url: str, refresh_token: str = REFRESH_TOKEN, retries: int = 3, **extra: Any
    ) -> ZohoConnector:
        config = ZohoConfig(
            client_id=CLIENT_ID,
            client_secret=SecretStr(CLIENT_SECRET),
            refresh_token=SecretStr(refresh_token),
            accounts_url=url,
            api_domain="http://127.0.0.1:9",  # replaced by the token response's api_domain
            max_retries=retries,
            **extra,
        )
        closing.append(ZohoConnector(config, sleep=sleeps))
        return closing[-1]

    return make


def test_pull_round_trip(db: Database, zoho: Fake, connector: Maker) -> None:
    fake, url = zoho
    fake.seed(accounts=2, contacts_per=2, emails_per=1)
    report = pull(db, connector(url, arr_field="ARR"))
    assert report.rejected == [] and report.failures == []
    counts = record_counts(db)
    assert (counts["account"], counts["contact"], counts["deal"]) == (2, 4, 2)
    assert counts["message"] == 2 + 4  # notes + e-mails from the Emails related list
    assert (counts["call"], counts["activity"]) == (2, 4)
    assert fake.tokens_issued == 1
    with db.session() as s:
        deal = s.scalars(select(m.Deal).where(m.Deal.external_id == "150")).one()
        assert (deal.stage_index, deal.stage_count, deal.owner) == (4, 6, "dana@vendor.example")
        call = s.scalars(select(m.Call).where(m.Call.deal_id == deal.id)).one()
        assert call.account_id == deal.account_id
        email = s.scalars(select(m.Message).where(m.Message.channel == "email")).first()
        assert email is not None and email.text == "We are unhappy with it."
        assert email.contact_id is not None and email.direction == "inbound"
        account = s.scalars(select(m.Account).where(m.Account.external_id == "100")).one()
        assert account.domain == "z1.example" and account.extra["crm_owner_id"] == "777"
        assert account.arr == 120000.0


def test_accounts_bring_parent_segment_renewal_and_owners_by_role(
    db: Database, zoho: Fake, connector: Maker
) -> None:
    fake, url = zoho
    fake.seed(accounts=2, contacts_per=0, emails_per=0)
    crm = connector(url, renewal_field="Renewal_Date", owner_fields={"csm": "CSM"})
    assert pull(db, crm, objects=["accounts"]).rejected == []
    assert len(fake.calls("/users")) == 1  # the CSM lookup has no e-mail: asked once
    with db.session() as s:
        rows = {a.external_id: a for a in s.scalars(select(m.Account))}
    one, two = rows["100"], rows["200"]
    assert (one.parent_id, two.parent_id) == (two.id, None)
    assert (one.segment, one.renewal_date) == ("Customer", date(2027, 2, 20))
    assert one.owners == {"account_executive": "sam@vendor.example", "csm": "dana@vendor.example"}


def test_emails_are_paged_and_only_new_ones_fetched_in_full(
    memory_db: Database, zoho: Fake, connector: Maker
) -> None:
    fake, url = zoho
    fake.seed(accounts=2, contacts_per=2, emails_per=12)  # more than one list call each
    crm = connector(url)
    pull(memory_db, crm, objects=["accounts", "contacts"])
    first = pull(memory_db, crm, objects=["emails"])
    assert first.fetched["emails"] == 48 and record_counts(memory_db)["message"] == 48
    assert len(fake.calls("/Emails/msg-")) == 48
    assert [
        c.query.get("index") for c in fake.calls("/Contacts/101/Emails") if "msg-" not in c.path
    ] == [None, "10"]
    fake.seen.clear()
    pull(memory_db, crm, objects=["emails"])  # nothing changed: no contact is read
    assert fake.calls("/Emails") == []
    fake.add_email("101", "Renewal", "We will not renew.")
    fake.touch("Contacts", "101")  # e.g. an e-mail sent from the CRM edits the contact
    fake.add_email("202", "Hello", "Quiet contact, not edited.")
    fake.seen.clear()
    again = pull(memory_db, crm, objects=["emails"])
    assert again.fetched["emails"] == 1
    assert {c.path.split("/")[4] for c in fake.calls("/Emails")} == {"101"}
    assert len(fake.calls("/Emails/msg-")) == 1  # the new one only
    fake.seen.clear()
    full = pull(memory_db, connector(url, email_full_scan_hours=0), objects=["emails"])
    assert full.fetched["emails"] == 2 and record_counts(memory_db)["message"] == 50
    assert len(fake.calls("/Emails/msg-")) == 2  # the missed one and the boundary one


def test_incremental_pull_sends_if_modified_since(
    memory_db: Database, zoho: Fake, connector: Maker
) -> None:
    fake, url = zoho
    fake.seed(accounts=1, contacts_per=1)
    crm = connector(url)
    pull(memory_db, crm)
    since = load_cursor(memory_db, "zoho.v1", "notes")["since"]
    fake.seen.clear()
    nothing = pull(memory_db, crm, objects=["notes"])  # 304: nothing changed
    assert fake.calls("/Notes")[0].headers["if-modified-since"].startswith(since[:19])
    assert nothing.fetched["notes"] == 1  # the boundary note again, nothing else
    fake.add(
        "Notes",
        {
            "Note_Title": "Escalation",
            "Note_Content": "Angry call.",
            "Parent_Id": {"id": "100"},
            "$se_module": "Accounts",
        },
    )
    again = pull(memory_db, crm, objects=["notes"])
    assert again.fetched["notes"] == 2 and record_counts(memory_db)["message"] == 3


#: A bogus far-future time, as Zoho sends times: in the org's time zone.
FUTURE = "2999-01-01T05:30:00+05:30"


def test_a_future_modification_time_does_not_move_the_cursor(
    memory_db: Database, zoho: Fake, connector: Maker, caplog: pytest.LogCaptureFixture
) -> None:
    fake, url = zoho
    fake.add("Accounts", {"Account_Name": "Zylker"})
    fake.add("Accounts", {"id": "ahead", "Account_Name": "Clock ahead"}, modified=FUTURE)
    fake.add("Accounts", {"Account_Name": "Globex"})
    crm = connector(url)
    pull_holding_the_cursor(memory_db, crm, ["accounts"], ("zoho.v1", "accounts"),
                            "zoho Accounts: 1 records have a modification time in the future",
                            caplog)  # fmt: skip
    new = fake.add("Accounts", {"Account_Name": "New customer"})  # modified after the rest
    pull(memory_db, crm, objects=["accounts"])
    assert new in stored_ids(memory_db, m.Account)
    assert record_counts(memory_db)["account"] == 4


def test_a_future_e_mail_time_does_not_move_the_e_mail_cursor(
    memory_db: Database, zoho: Fake, connector: Maker, caplog: pytest.LogCaptureFixture
) -> None:
    fake, url = zoho
    fake.seed(accounts=1, contacts_per=1, emails_per=1)
    ahead = fake.add_email("101", "Clock ahead", "Sent from a misconfigured client.", time=FUTURE)
    crm = connector(url)
    pull(memory_db, crm, objects=["accounts", "contacts"])
    pull_holding_the_cursor(memory_db, crm, ["emails"], ("zoho.v1", "emails"),
                            "zoho emails: 1 records have a modification time in the future",
                            caplog)  # fmt: skip
    new = fake.add_email("101", "Renewal", "We will not renew.")
    fake.touch("Contacts", "101")
    pull(memory_db, crm, objects=["emails"])
    assert {ahead, new} <= set(stored_ids(memory_db, m.Message))
    assert record_counts(memory_db)["message"] == 3  # seeded, ahead (again) and the new one


def test_backfill_resumes_and_switches_to_page_tokens(
    db: Database, zoho: Fake, connector: Maker
) -> None:
    fake, url = zoho
    for n in range(2_150):
        fake.add("Accounts", {"Account_Name": f"Account {n}"})
    fake.fail_after = ("/Accounts", 3, 500)
    crm = connector(url, retries=1)
    with pytest.raises(ApiError):
        pull(db, crm, objects=["accounts"])
    assert load_cursor(db, "zoho.v1", "accounts")["page"] == 4
    assert record_counts(db)["account"] == 600
    fake.fail_after = None
    fake.seen.clear()
    pull(db, crm, objects=["accounts"])
    assert record_counts(db)["account"] == 2_150
    pages = [c.query.get("page") or c.query.get("page_token") for c in fake.calls("/Accounts")]
    assert pages[0] == "4" and pages[-1] == "tok-2000"  # page 11 needs a page token


def test_bad_refresh_token_is_an_auth_error(
    memory_db: Database, zoho: Fake, connector: Maker
) -> None:
    _, url = zoho
    with pytest.raises(ApiError) as failed:
        pull(memory_db, connector(url, refresh_token="revoked"), objects=["accounts"])
    assert failed.value.status == 401 and failed.value.vendor_code == "invalid_code"
    assert "CRMSENSE_ZOHO_REFRESH_TOKEN" in str(failed.value)


def test_429_without_retry_after_backs_off(
    memory_db: Database, zoho: Fake, connector: Maker, sleeps: Sleeps
) -> None:
    fake, url = zoho
    fake.seed(accounts=1, contacts_per=0)
    fake.fault("/Accounts", 429)
    pull(memory_db, connector(url), objects=["accounts"])
    assert len(sleeps) == 1 and record_counts(memory_db)["account"] == 1


def test_setup_creates_fields_once(zoho: Fake, connector: Maker) -> None:
    fake, url = zoho
    crm = connector(url)
    assert len(crm.setup().created) == 6
    assert {c.path for c in fake.calls("/settings/fields", "POST")} == {"/crm/v8/settings/fields"}
    assert fake.custom["Deals"] == {"Deal_Risk_Score", "Last_Message_Sentiment"}
    assert len(crm.setup().existing) == 6


def test_push_round_trip(db: Database, zoho: Fake, connector: Maker) -> None:
    fake, url = zoho
    fake.seed(accounts=1, contacts_per=1)
    crm = connector(url)
    pull(db, crm)
    crm.setup()
    message = fake.emails["101"][0]["message_id"]
    add_analysis(db, "zoho", message, "negative")
    add_alert(db, "zoho", "100", deal="150", severity="high")
    report = push(db, crm)
    assert report.failures == []
    assert fake.records["Accounts"]["100"]["Last_Message_Sentiment"] == "negative"
    tasks = [t for t in fake.records["Tasks"].values() if t["Subject"].startswith("[crmsense]")]
    assert len(tasks) == 1
    assert (tasks[0]["What_Id"], tasks[0]["$se_module"], tasks[0]["Owner"]) == (
        "150",
        "Deals",
        {"id": "778"},
    )
    assert tasks[0]["Due_Date"] == "2026-10-06" and tasks[0]["Priority"] == "High"
    assert (
        len([n for n in fake.records["Notes"].values() if n["Note_Title"].startswith("[crmsense]")])
        == 1
    )
    again = push(db, crm)
    assert again.pushed["tasks_updated"] == 1 and again.failures == []
    assert len(fake.records["Tasks"]) == 2
    before = record_counts(db)
    pull(db, crm)  # crmsense's own notes and tasks are not pulled back in
    assert record_counts(db)["message"] == before["message"]


def _page(*records: dict[str, Any]) -> dict[str, Any]:
    """One module page as Zoho sends it, with ``records`` as given."""
    rows = [{"Modified_Time": "2026-10-01T05:30:00+05:30", **r} for r in records]
    return {"data": rows, "info": {"per_page": 200, "count": len(rows), "more_records": False}}


def test_malformed_records_are_rejected_and_the_rest_lands(
    db: Database, zoho: Fake, connector: Maker
) -> None:
    """No usable ``id``, odd lookup fields, NUL, huge or absurd values: one record each."""
    fake, url = zoho
    pages = {
        "Accounts": _page(
            {"Account_Name": "No id"},
            {"id": {"x": 1}, "Account_Name": "Object id"},
            {"id": ["3"], "Account_Name": "List id"},
            {"id": True, "Account_Name": "Bool id"},
            {"id": "4", "Account_Name": "Null owner", "Owner": None, "Parent_Account": None},
            {"id": "5", "Account_Name": "String owner", "Owner": "sam", "Website": 5},
            {"id": 6, "Account_Name": "Nul\x00name"},
            {"id": "7", "Account_Name": "x" * 100_000},
            {"id": "8", "Account_Name": "Absurd", "Renewal_Date": "9999-12-31T23:00:00-05:00",
             "Modified_Time": "99999-01-01T00:00:00+05:30"},
            {"id": "9", "Account_Name": "First copy"},
            {"id": "9", "Account_Name": "Second copy"},
        ),
        "Contacts": _page(
            {"Full_Name": "No id"},
            {"id": "31", "Full_Name": "Null owner", "Account_Name": {"id": "4"}, "Owner": None},
            {"id": "32", "Full_Name": "Odd account", "Account_Name": {"id": {"x": 1}}},
        ),
        "Deals": _page(
            {"id": "51", "Deal_Name": "Null account", "Account_Name": None},
            {"id": "52", "Deal_Name": "String owner", "Account_Name": {"id": "4"},
             "Owner": "dana", "Stage": {"x": 1}},
            {"id": "53", "Deal_Name": "Lots", "Account_Name": {"id": "4"}, "Amount": "lots"},
            {"id": "54", "Deal_Name": "Far", "Account_Name": {"id": "4"},
             "Closing_Date": "99999-12-31"},
            {"id": "55", "Deal_Name": "Fine", "Account_Name": {"name": "Null owner", "id": "4"},
             "Stage": "Negotiation/Review", "Amount": 10},
        ),
        "Notes": _page(
            {"id": "61", "Note_Title": 5, "Note_Content": "Hm", "Parent_Id": {"id": "4"},
             "$se_module": "Accounts", "Created_Time": "2026-10-01T05:30:00+05:30"},
            {"id": "62", "Note_Title": "Fine", "Note_Content": "Ok", "Parent_Id": "4",
             "$se_module": "Accounts", "Created_Time": "2026-10-01T05:30:00+05:30"},
        ),
        "Calls": _page(
            {"id": "71", "Description": "Hm", "What_Id": {"id": ["55"]}, "$se_module": "Deals",
             "Call_Start_Time": "2026-10-01T05:30:00+05:30"},
            {"id": "72", "Description": "Ok", "What_Id": {"id": "55"}, "$se_module": "Deals",
             "Call_Start_Time": "2026-10-01T05:30:00+05:30"},
        ),
    }  # fmt: skip
    emails = {
        "email_related_list": [
            {"subject": "No id", "time": "2026-10-01T05:30:00+05:30", "sent": False},
            {"message_id": "m2", "subject": "String sender", "from": "p@z.example",
             "time": "2026-10-01T05:30:00+05:30", "sent": False, "content": "Fine"},
        ],
        "info": {"more_records": False},
    }  # fmt: skip
    crm = connector(url)
    expected = {
        "accounts": ["domain", "id", "id", "id", "id", "name", "name"],
        "contacts": ["account_id", "id"],
        "deals": ["account_id", "amount", "close_date", "stage"],
        "notes": ["subject"],
        "calls": ["deal_id"],
        "emails": ["id"],
    }
    for _ in range(2):  # a re-run stores nothing twice and rejects the same records
        for module, page in pages.items():
            fake.fault(f"/{module}", 200, page)
            report = pull(db, crm, objects=[module.lower()])
            assert sorted(r.field for r in report.rejected) == expected[module.lower()], [
                (r.field, r.error) for r in report.rejected
            ]
        fake.fault("/Contacts", 200, pages["Contacts"])
        fake.fault("/Contacts/31/Emails", 200, emails)
        report = pull(db, crm, objects=["emails"])
        assert sorted(r.field for r in report.rejected) == expected["emails"]
        assert stored_ids(db, m.Account) == ["4", "8", "9"]
        assert stored_ids(db, m.Contact) == ["31"]
        assert stored_ids(db, m.Deal) == ["55"]
        assert stored_ids(db, m.Message) == ["62", "m2"]
        assert stored_ids(db, m.Call) == ["72"]
    with db.session() as s:
        assert s.scalars(select(m.Account.name).where(m.Account.external_id == "9")).one() == (
            "Second copy"
        )
