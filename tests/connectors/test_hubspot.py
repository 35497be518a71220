"""HubSpot connector against the local fake: pull, resume, push, errors, contracts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from crmsense.connectors import CONNECTORS
from crmsense.connectors.config import HubSpotConfig
from crmsense.connectors.http import ApiError, QuotaExceededError
from crmsense.connectors.hubspot import HubSpotConnector
from crmsense.connectors.state import load_cursor
from crmsense.connectors.sync import pull, push
from crmsense.store import Database
from crmsense.store import models as m
from crmsense.store.queries import record_counts

from .conftest import Sleeps
from .fakes.hubspot import TOKEN, FakeHubSpot, rate_limited
from .helpers import add_alert, add_analysis, pull_holding_the_cursor, set_alert_status, stored_ids

Fake = tuple[FakeHubSpot, str]
Maker = Callable[..., HubSpotConnector]


@pytest.fixture
def connector(closing: list[Any], sleeps: Sleeps) -> Callable[..., HubSpotConnector]:
    def make(url: str, token: str = TOKEN, retries: int = 3, **extra: Any) -> HubSpotConnector:
        config = HubSpotConfig(token=SecretStr(token), base_url=url, max_retries=retries, **extra)
        closing.append(HubSpotConnector(config, sleep=sleeps))
        return closing[-1]

    return make


def test_registered_under_a_stable_name() -> None:
    assert CONNECTORS.get("hubspot.v1") is HubSpotConnector


def test_pull_round_trip_lands_every_object(
    db: Database, hubspot: Fake, connector: Maker, sleeps: Sleeps
) -> None:
    fake, url = hubspot
    fake.seed(companies=3, contacts_per=2, emails_per=2)
    report = pull(db, connector(url, arr_field="arr"))
    assert report.rejected == [] and report.failures == []
    counts = record_counts(db)
    assert {
        k: counts[k] for k in ("account", "contact", "deal", "message", "call", "activity")
    } == {
        "account": 3,
        "contact": 6,
        "deal": 3,
        "message": 12 + 3 + 3,
        "call": 3,
        "activity": 6,
    }
    with db.session() as s:
        account = s.scalars(select(m.Account).where(m.Account.external_id == "1")).one()
        assert account.source == "hubspot" and account.domain == "c1.example"
        assert account.owners == {"account_executive": "sam@vendor.example"}
        assert account.extra["crm_owner_id"] == "101" and account.arr == 250000.0
        deal = s.scalars(select(m.Deal).where(m.Deal.external_id == "d1")).one()
        assert (deal.stage, deal.stage_index, deal.stage_count) == ("Contract Sent", 4, 6)
        assert deal.owner == "dana@vendor.example" and deal.status == "open"
        email = s.scalars(select(m.Message).where(m.Message.external_id == "e1011")).one()
        assert email.channel == "email" and email.direction == "inbound"
        assert email.contact_id is not None and email.deal_id == deal.id
        ticket = s.scalars(select(m.Message).where(m.Message.channel == "ticket")).first()
        assert ticket is not None and ticket.ticket_priority == "high"
        call = s.scalars(select(m.Call)).first()
        assert call is not None and call.title == "QBR"


def test_companies_bring_parent_segment_renewal_and_owners_by_role(
    db: Database, hubspot: Fake, connector: Maker
) -> None:
    fake, url = hubspot
    fake.seed(companies=3, contacts_per=0, emails_per=0)
    crm = connector(
        url,
        arr_field="arr",
        segment_field="tier",
        renewal_field="renewal_date",
        owner_fields={"csm": "csm_owner"},
    )
    report = pull(db, crm, objects=["companies"])
    assert report.rejected == []
    (search,) = fake.calls("/companies/search")
    assert {"hs_parent_company_id", "tier", "renewal_date", "csm_owner", "arr"} <= set(
        search.body["properties"]
    )
    with db.session() as s:
        rows = {a.external_id: a for a in s.scalars(select(m.Account))}
    one, two, three = rows["1"], rows["2"], rows["3"]
    assert (one.parent_id, two.parent_id, three.parent_id) == (three.id, one.id, None)
    assert (one.segment, one.renewal_date, one.arr) == ("enterprise", date(2027, 2, 1), 250000.0)
    assert one.owners == {"account_executive": "sam@vendor.example", "csm": "dana@vendor.example"}


def test_a_zero_arr_is_kept_not_dropped(db: Database, hubspot: Fake, connector: Maker) -> None:
    fake, url = hubspot
    fake.add("companies", "free", {"name": "Free tier", "arr": "0"})
    assert pull(db, connector(url, arr_field="arr"), objects=["companies"]).rejected == []
    with db.session() as s:
        account = s.scalars(select(m.Account).where(m.Account.external_id == "free")).one()
        assert account.arr == 0.0  # a free account, not an unknown ARR


def _crash_between_child_and_parent(db: Database, fake: FakeHubSpot, crm: HubSpotConnector) -> None:
    """A child company on page 1, its parent (modified last) on the last page, and a CRM
    that goes down after page 1 is stored."""
    fake.add("companies", "child", {"name": "Acme EMEA", "hs_parent_company_id": "parent"})
    for n in range(250):
        fake.add("companies", f"c{n}", {"name": f"Company {n}"})
    fake.add("companies", "parent", {"name": "Acme Holdings"})
    fake.fail_after = ("/companies/search", 1, 503)
    with pytest.raises(ApiError):
        pull(db, crm, objects=["companies"], batch_records=1)
    fake.fail_after = None


def test_a_child_pulled_pages_before_its_parent_is_linked_even_after_a_crash(
    db: Database, hubspot: Fake, connector: Maker
) -> None:
    fake, url = hubspot
    crm = connector(url, retries=0)
    _crash_between_child_and_parent(db, fake, crm)
    waiting = load_cursor(db, "hubspot.v1", "companies")["pending_parents"]
    assert [(r["id"], r["parent_id"]) for r in waiting] == [("child", "parent")]
    report = pull(db, crm, objects=["companies"], batch_records=1)
    assert report.rejected == []
    with db.session() as s:
        rows = {a.external_id: a for a in s.scalars(select(m.Account))}
    assert rows["child"].parent_id == rows["parent"].id and len(rows) == 252
    assert "pending_parents" not in load_cursor(db, "hubspot.v1", "companies")


def test_a_pull_restarted_with_since_still_links_the_waiting_children(
    db: Database, hubspot: Fake, connector: Maker
) -> None:
    fake, url = hubspot
    crm = connector(url, retries=0)
    _crash_between_child_and_parent(db, fake, crm)
    after_child = datetime.fromtimestamp(fake.clock / 1000 - 0.5, tz=UTC)  # the parent only
    pull(db, crm, objects=["companies"], since=after_child)
    with db.session() as s:
        rows = {a.external_id: a for a in s.scalars(select(m.Account))}
    assert rows["child"].parent_id == rows["parent"].id
    assert "pending_parents" not in load_cursor(db, "hubspot.v1", "companies")


def test_incremental_pull_asks_only_for_changes(
    memory_db: Database, hubspot: Fake, connector: Maker, sleeps: Sleeps
) -> None:
    fake, url = hubspot
    fake.seed(companies=2, contacts_per=1, emails_per=1)
    crm = connector(url)
    pull(memory_db, crm, objects=["companies", "contacts", "deals", "emails"])
    newest = load_cursor(memory_db, "hubspot.v1", "emails")["since"]
    fake.add(
        "emails",
        "new-1",
        {
            "hs_timestamp": "2026-10-02T10:00:00Z",
            "hs_email_text": "Any update? Still broken.",
            "hs_email_direction": "INCOMING_EMAIL",
        },
        companies="1",
    )
    fake.seen.clear()
    report = pull(memory_db, crm, objects=["emails"])
    search = fake.calls("/emails/search")[0].body
    assert search["filterGroups"][0]["filters"][0] == {
        "propertyName": "hs_lastmodifieddate",
        "operator": "GTE",
        "value": str(newest),
    }
    assert report.fetched["emails"] == 2  # the boundary record again (idempotent) + the new one
    assert record_counts(memory_db)["message"] == 3


def test_backfill_resumes_after_interruption_without_gaps_or_duplicates(
    db: Database, hubspot: Fake, connector: Maker, sleeps: Sleeps
) -> None:
    fake, url = hubspot
    fake.add("companies", "1", {"name": "Acme", "domain": "acme.example"})
    for n in range(450):
        fake.add(
            "emails",
            f"e{n}",
            {"hs_timestamp": "2026-10-01T10:00:00Z", "hs_email_text": f"message {n}"},
            companies="1",
        )
    fake.fail_after = ("/emails/search", 2, 503)  # pages 1 and 2, then the CRM goes down
    crm = connector(url, retries=1)
    with pytest.raises(ApiError) as failed:
        pull(db, crm, objects=["companies", "emails"])
    assert failed.value.status == 503
    assert load_cursor(db, "hubspot.v1", "emails")["after"] == "400"
    assert record_counts(db)["message"] == 400
    fake.fail_after = None
    fake.seen.clear()
    report = pull(db, crm, objects=["emails"])
    assert [c.body.get("after") for c in fake.calls("/emails/search")] == ["400"]
    assert report.fetched["emails"] == 50
    with db.engine.connect() as conn:
        ids = conn.execute(select(m.Message.external_id)).scalars().all()
    assert sorted(ids) == sorted(f"e{n}" for n in range(450))


@pytest.mark.slow
def test_search_past_10000_results_re_anchors(
    memory_db: Database, hubspot: Fake, connector: Maker, sleeps: Sleeps
) -> None:
    fake, url = hubspot
    for n in range(10_150):
        fake.add("companies", str(n), {"name": f"Company {n}"})
    report = pull(memory_db, connector(url), objects=["companies"])
    assert record_counts(memory_db)["account"] == 10_150
    anchors = {c.body["filterGroups"][0]["filters"][0]["value"] for c in fake.calls("/search")}
    assert len(anchors) == 2 and report.fetched["companies"] >= 10_150


#: A bogus far-future modification time (epoch ms), as a broken integration might write.
FUTURE_MS = int(datetime(2999, 1, 1, tzinfo=UTC).timestamp() * 1000)


def test_a_future_modification_time_does_not_move_the_cursor(
    memory_db: Database, hubspot: Fake, connector: Maker, caplog: pytest.LogCaptureFixture
) -> None:
    fake, url = hubspot
    fake.seed(companies=2, contacts_per=0, emails_per=0)
    fake.add("companies", "ahead", {"name": "Clock ahead"}, modified=FUTURE_MS)
    crm = connector(url)
    pull_holding_the_cursor(memory_db, crm, ["companies"], ("hubspot.v1", "companies"),
                            "hubspot companies: 1 records have a modification time in the "
                            "future", caplog)  # fmt: skip
    fake.add("companies", "new", {"name": "New customer"})  # after the first pull's records
    pull(memory_db, crm, objects=["companies"])
    assert stored_ids(memory_db, m.Account) == ["1", "2", "ahead", "new"]


def test_re_anchoring_moves_past_future_times_but_the_cursor_holds(
    memory_db: Database, hubspot: Fake, connector: Maker
) -> None:
    fake, url = hubspot
    fake.add("companies", "a", {"name": "A"})
    fake.add("companies", "b", {"name": "B"})
    for n in range(10_100):  # a whole search window of distinct times in the future
        fake.add("companies", f"f{n}", {"name": f"Ahead {n}"}, modified=FUTURE_MS + 1000 * n)
    started = datetime.now(UTC)
    pull(memory_db, connector(url), objects=["companies"])
    assert record_counts(memory_db)["account"] == 10_102
    anchors = [c.body["filterGroups"][0]["filters"][0]["value"] for c in fake.calls("/search")]
    assert len(set(anchors)) == 2 and int(anchors[-1]) > FUTURE_MS  # the search moved on
    held = load_cursor(memory_db, "hubspot.v1", "companies")
    assert set(held) == {"since"} and held["since"] == fake.records["companies"]["b"]["modified"]
    assert held["since"] <= started.timestamp() * 1000


def test_429_waits_for_retry_after_then_succeeds(
    memory_db: Database, hubspot: Fake, connector: Maker, sleeps: Sleeps
) -> None:
    fake, url = hubspot
    fake.seed(companies=1, contacts_per=0, emails_per=0)
    body = {
        "status": "error",
        "message": "You have reached your ten_secondly_rolling limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": "c",
        "policyName": "TEN_SECONDLY_ROLLING",
    }
    fake.fault("/companies/search", 429, body, headers={"Retry-After": "3"})
    pull(memory_db, connector(url), objects=["companies"])
    assert sleeps == [3.0]
    assert record_counts(memory_db)["account"] == 1


@pytest.mark.parametrize(
    ("body", "wait"),
    [
        (rate_limited("TEN_SECONDLY_ROLLING"), 10.0),  # the rolling window, not a blind retry
        ({**rate_limited("SECONDLY"), "message": "You have reached your secondly limit."}, 1.0),
    ],
)
def test_429_without_retry_after_waits_out_the_named_window(
    memory_db: Database,
    hubspot: Fake,
    connector: Maker,
    sleeps: Sleeps,
    body: dict[str, Any],
    wait: float,
) -> None:
    fake, url = hubspot
    fake.seed(companies=1, contacts_per=0, emails_per=0)
    fake.fault("/companies/search", 429, body)
    pull(memory_db, connector(url), objects=["companies"])
    assert sleeps == [wait] and record_counts(memory_db)["account"] == 1


def test_daily_quota_stops_without_retrying(
    memory_db: Database, hubspot: Fake, connector: Maker, sleeps: Sleeps
) -> None:
    fake, url = hubspot
    fake.seed(companies=1, contacts_per=0, emails_per=0)
    fake.fault("/companies/search", 429, rate_limited("DAILY"), times=5)
    with pytest.raises(QuotaExceededError, match="quota"):
        pull(memory_db, connector(url), objects=["companies"])
    assert len(fake.calls("/companies/search")) == 1 and sleeps == []


def test_500_then_success_backs_off(
    memory_db: Database, hubspot: Fake, connector: Maker, sleeps: Sleeps
) -> None:
    fake, url = hubspot
    fake.seed(companies=2, contacts_per=0, emails_per=0)
    fake.fault("/companies/search", 500, times=2)
    pull(memory_db, connector(url), objects=["companies"])
    assert len(sleeps) == 2 and all(0 <= s <= 1.0 for s in sleeps)
    assert record_counts(memory_db)["account"] == 2


def test_bad_token_fails_with_the_vendor_error_and_no_secret(
    memory_db: Database, hubspot: Fake, connector: Maker, sleeps: Sleeps
) -> None:
    _, url = hubspot
    with pytest.raises(ApiError) as failed:
        pull(memory_db, connector(url, token="pat-wrong-secret"), objects=["companies"])
    assert failed.value.status == 401 and failed.value.vendor_code == "INVALID_AUTHENTICATION"
    assert "pat-wrong-secret" not in str(failed.value) and "credentials" in str(failed.value)


def test_setup_creates_properties_once(hubspot: Fake, connector: Maker, sleeps: Sleeps) -> None:
    fake, url = hubspot
    crm = connector(url)
    first = crm.setup()
    assert len(first.created) == 6 and first.existing == []
    assert set(fake.custom["companies"]) == {
        "crmsense_health_score",
        "crmsense_health_band",
        "crmsense_sentiment_trend",
        "crmsense_last_message_sentiment",
    }
    band = fake.custom["companies"]["crmsense_health_band"]
    assert band["type"] == "enumeration" and band["fieldType"] == "select"
    assert [o["value"] for o in band["options"]] == ["green", "yellow", "red"]
    second = crm.setup()
    assert second.created == [] and len(second.existing) == 6


def test_push_round_trip_updates_instead_of_duplicating(
    db: Database, hubspot: Fake, connector: Maker, sleeps: Sleeps
) -> None:
    fake, url = hubspot
    fake.seed(companies=2, contacts_per=1, emails_per=1)
    crm = connector(url)
    pull(db, crm)
    crm.setup()
    add_analysis(db, "hubspot", "e1011", "negative")
    alert = add_alert(db, "hubspot", "1", deal="d1", severity="high")
    report = push(db, crm)
    assert report.failures == [] and report.pushed["tasks_created"] == 1
    assert report.pushed["notes_created"] == 1
    assert any("run `crmsense run`" in s for s in report.skipped)
    company = fake.records["companies"]["1"]["properties"]
    assert company["crmsense_last_message_sentiment"] == "negative"
    tasks = [t for t in fake.records["tasks"].values() if t["id"] not in ("a1", "a2")]
    assert len(tasks) == 1
    task = tasks[0]
    assert task["properties"]["hs_task_priority"] == "HIGH"
    assert task["properties"]["hubspot_owner_id"] == "102"  # the deal owner, from the CRM
    assert task["properties"]["hs_task_subject"].startswith("[crmsense]")
    assert "We still cannot log in" in task["properties"]["hs_task_body"]
    assert {(a["to"]["id"], a["types"][0]["associationTypeId"]) for a in task["associations"]} == {
        ("1", 192),
        ("d1", 216),
    }

    again = push(db, crm)
    assert again.pushed["tasks_updated"] == 1 and again.pushed["tasks_created"] == 0
    assert len(fake.records["tasks"]) == 3 and len(fake.records["notes"]) == 3
    set_alert_status(db, alert, "resolved")
    push(db, crm)
    assert fake.records["tasks"][task["id"]]["properties"]["hs_task_status"] == "COMPLETED"
    # pulling again skips crmsense's own tasks and notes
    before = record_counts(db)
    pull(db, crm)
    assert record_counts(db)["message"] == before["message"]
    assert record_counts(db)["activity"] == before["activity"]


def test_push_reports_a_refused_record_and_goes_on(
    memory_db: Database, hubspot: Fake, connector: Maker, sleeps: Sleeps
) -> None:
    fake, url = hubspot
    fake.seed(companies=2, contacts_per=1, emails_per=1)
    crm = connector(url)
    pull(memory_db, crm)
    add_analysis(memory_db, "hubspot", "e1011", "negative")
    add_analysis(memory_db, "hubspot", "e2011", "positive")
    del fake.records["companies"]["1"]  # deleted in the CRM since the last pull
    report = push(memory_db, crm)  # properties not set up either: 400 for the other one
    assert len(report.failures) == 4  # two companies and their two deals
    assert any("HTTP 404" in f for f in report.failures)
    assert any("PROPERTY_DOESNT_EXIST" in f for f in report.failures)
    assert report.exit_code == 3


def _company(rid: Any, **properties: Any) -> dict[str, Any]:
    found = {"properties": {"name": f"Company {rid}", "hs_lastmodifieddate":
                            "2026-10-01T00:00:00Z", **properties}, "archived": False}  # fmt: skip
    return found if rid is None else {"id": rid, **found}


def test_malformed_records_are_rejected_and_the_rest_lands(
    db: Database, hubspot: Fake, connector: Maker
) -> None:
    """A record without a usable id or with an absurd date cannot stop the pull."""
    fake, url = hubspot
    results = [
        _company(None),
        _company({"id": 7}),
        {"id": "3", "properties": None},
        _company("4", hs_lastmodifieddate="99999999999999999999999"),
        _company("5", hs_lastmodifieddate="²"),
        _company("6", renewal_date="99999999999999999"),
        _company("7", name="Bad\x00name"),
        _company("8"),
        None,  # not objects: nothing to store, skipped with a warning
        5,
    ]
    fake.fault("/crm/v3/objects/companies/search", 200, {"total": 10, "results": results})
    report = pull(db, connector(url, renewal_field="renewal_date"), objects=["companies"])
    assert sorted(r.field for r in report.rejected) == ["id", "id", "name"]
    with db.session() as s:
        stored = s.scalars(select(m.Account.external_id)).all()
    assert sorted(stored) == ["3", "4", "5", "6", "8"]
