"""The REST resources on a demo workspace: accounts, contacts, deals, calls, alerts,
metrics — filters, sorting, paging, 404s with the error body, scopes, and agreement with
what the signals and alerts modules report."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from crmsense.alerts.views import list_alerts
from crmsense.signals.report import account_reports, deal_reports
from crmsense.store import Database
from crmsense.store.queries import record_counts

Demo = tuple[TestClient, dict[str, dict[str, str]], Database]


def _get(demo: Demo, path: str, status: int = 200) -> Any:
    client, keys, _ = demo
    response = client.get(path, headers=keys["read"])
    assert response.status_code == status, response.text
    return response.json()


def test_accounts_match_the_signal_reports(demo: Demo) -> None:
    from demo_workspace import AS_OF

    page = _get(demo, "/api/v1/accounts?limit=500")
    reports = {r["account_id"]: r for r in account_reports(demo[2], AS_OF.date())}
    assert page["total"] == len(page["items"]) == len(reports) == 40
    for item in page["items"]:
        report = reports[item["id"]]
        assert item["health_score"] == report["health_score"]
        assert item["health_band"] == report["health_band"]
        assert item["sentiment_trend"] == report["sentiment_trend"]
        assert item["outreach_policy"] == report["outreach_policy"]
        assert len(item["sparkline"]) == 13
    scores = [i["health_score"] for i in page["items"]]
    assert scores == sorted(scores)  # default: worst health first
    open_alerts = {a["account_id"] for a in list_alerts(demo[2], statuses=("open",))}
    assert {i["id"] for i in page["items"] if i["open_alerts"]} >= open_alerts


def test_accounts_filter_sort_and_page(demo: Demo) -> None:
    red = _get(demo, "/api/v1/accounts?band=red")
    assert red["total"] > 0 and {i["health_band"] for i in red["items"]} == {"red"}
    smb = _get(demo, "/api/v1/accounts?segment=smb&policy=standard")
    assert all(i["segment"] == "smb" and i["outreach_policy"] == "standard" for i in smb["items"])
    owner = red["items"][0]["owners"]["csm"]
    mine = _get(demo, f"/api/v1/accounts?owner={owner.upper()}")
    assert 0 < mine["total"] < 40
    assert all(owner in i["owners"].values() for i in mine["items"])
    by_arr = _get(demo, "/api/v1/accounts?sort=arr&order=desc&limit=500")["items"]
    arrs = [i["arr"] for i in by_arr if i["arr"] is not None]
    assert arrs == sorted(arrs, reverse=True)
    first = _get(demo, "/api/v1/accounts?sort=name&limit=15")
    second = _get(demo, "/api/v1/accounts?sort=name&limit=15&offset=15")
    assert (first["limit"], second["offset"], second["total"]) == (15, 15, 40)
    names = [i["name"] for i in first["items"] + second["items"]]
    assert names == sorted(names, key=str.lower) and len(set(names)) == 30
    bad = _get(demo, "/api/v1/accounts?limit=0", 422)
    assert bad["error"]["code"] == "E120" and bad["error"]["details"][0]["field"] == "query.limit"


def test_account_detail_explains_health(demo: Demo) -> None:
    a = _get(demo, "/api/v1/accounts/bluefin")
    assert a["name"] == "Bluefin Media" and a["sentiment_trend"] == "declining"
    contributions = [c["contribution"] for c in a["components"] if not c["missing"]]
    assert sum(contributions) == pytest.approx(a["health_score"], abs=0.2)
    assert a["reasons"] and a["history"][-1]["score"] == a["health_score"]
    series = a["series"]
    assert len(series["weeks"]) == 13 and {"email", "ticket"} <= set(series["channels"])
    assert all(len(v) == 13 for v in series["channels"].values())
    assert series["overall"][-4:] == a["sparkline"][-4:]
    listed = _get(demo, "/api/v1/accounts?limit=500")["items"]
    summary = next(i for i in listed if i["id"] == "bluefin")
    assert {k: a[k] for k in summary} == summary  # the detail repeats the portfolio row
    assert len(a["messages"]) == 30 and any(m["cited"] for m in a["messages"])
    times = [m["timestamp"] for m in a["messages"]]
    assert times == sorted(times, reverse=True)
    for m in a["messages"]:
        for span in m["evidence"]:
            assert 0 <= span["start"] < span["end"] <= len(m["text"])
    kinds = {s["kind"] for s in a["surveys"]}
    assert {"nps", "csat"} <= kinds
    assert a["alerts"] and all(x["account_id"] == "bluefin" for x in a["alerts"])
    assert a["calls"] and a["calls"][0]["id"].startswith("call-bluefin")


def test_unknown_ids_answer_404_with_the_error_body(demo: Demo) -> None:
    for path in (
        "/api/v1/accounts/nobody",
        "/api/v1/contacts/nobody",
        "/api/v1/deals/nobody",
        "/api/v1/calls/nobody",
        "/api/v1/alerts/99999",
    ):
        body = _get(demo, path, 404)
        assert body["error"]["code"] == "HTTP404"
        assert path.rsplit("/", 1)[1] in body["error"]["message"]
    client, keys, _ = demo
    missing = client.post("/api/v1/alerts/99999/dismiss", headers=keys["write"], json={})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "HTTP404"


def test_contacts(demo: Demo) -> None:
    page = _get(demo, "/api/v1/contacts?account_id=bluefin")
    assert page["total"] >= 3 and {c["account_id"] for c in page["items"]} == {"bluefin"}
    busiest = max(page["items"], key=lambda c: c["messages"])
    found = _get(demo, f"/api/v1/contacts?q={busiest['email'][:6].upper()}")
    assert busiest["id"] in [c["id"] for c in found["items"]]
    detail = _get(demo, f"/api/v1/contacts/{busiest['id']}")
    assert detail["sentiment"]["n"] > 0
    assert detail["curtness"]["contact"] == busiest["id"]
    assert detail["recent_messages"] and all(
        m["contact_id"] == busiest["id"] for m in detail["recent_messages"]
    )


def test_deals_ranked_by_risk_like_the_reports(demo: Demo) -> None:
    from demo_workspace import AS_OF

    page = _get(demo, "/api/v1/deals")
    reports = deal_reports(demo[2], AS_OF.date())
    assert [d["id"] for d in page["items"]] == [r["deal_id"] for r in reports]
    assert [d["risk_score"] for d in page["items"]] == [r["risk_score"] for r in reports]
    medium = _get(demo, "/api/v1/deals?level=medium")
    assert medium["total"] > 0 and {d["risk_level"] for d in medium["items"]} == {"medium"}
    top = page["items"][0]
    detail = _get(demo, f"/api/v1/deals/{top['id']}")
    cited = {i for s in detail["signals"] for i in s["evidence"]}
    assert detail["evidence"] and {m["id"] for m in detail["evidence"]} <= cited
    assert all(m["cited"] for m in detail["evidence"])


def test_call_per_speaker_view(demo: Demo) -> None:
    call = _get(demo, "/api/v1/calls/call-brightwave-3")
    assert call["account_id"] == "brightwave"
    roles = {s["role"] for s in call["speakers"]}
    assert {"customer", "rep"} <= roles
    segments = call["segments"]
    assert [s["position"] for s in segments] == list(range(len(segments)))
    customer = [s["score"] for s in segments if s["role"] == "customer"]
    assert call["trajectory"]["opening"] == pytest.approx(customer[0], abs=1e-6)
    assert call["label"] == "negative" and all(s["label"] for s in segments)


def test_alerts_list_filters_and_overdue(demo: Demo) -> None:
    page = _get(demo, "/api/v1/alerts?limit=200")
    stored = list_alerts(demo[2], statuses=("queued", "open", "acknowledged"))
    assert page["total"] == len(stored) > 0
    assert [a["id"] for a in page["items"]] == [a["id"] for a in stored]
    now = datetime.now(UTC).isoformat()
    for a in page["items"]:
        assert a["overdue"] == (a["due_at"] is not None and a["due_at"] < now), a
    assert any(a["overdue"] for a in page["items"])  # the demo is days old
    high = _get(demo, "/api/v1/alerts?severity=high")
    assert high["total"] > 0 and {a["severity"] for a in high["items"]} == {"high"}
    role = _get(demo, "/api/v1/alerts?role=account_executive")
    assert role["total"] > 0
    assert all("account_executive" in a["assignees"] for a in role["items"])
    who = role["items"][0]["owners"]["account_executive"]
    mine = _get(demo, f"/api/v1/alerts?assignee={who}")
    assert all(who in a["owners"].values() for a in mine["items"])
    assert mine["total"] < page["total"]
    paged = _get(demo, "/api/v1/alerts?limit=2&offset=2")
    assert [a["id"] for a in paged["items"]] == [a["id"] for a in page["items"][2:4]]


def test_alert_actions_need_write_and_follow_the_lifecycle(demo: Demo) -> None:
    client, keys, _ = demo
    alert = _get(demo, "/api/v1/alerts?status=open&limit=1")["items"][0]
    url = f"/api/v1/alerts/{alert['id']}"
    assert client.post(f"{url}/ack", headers=keys["read"]).status_code == 403
    acked = client.post(f"{url}/ack", headers=keys["write"])
    assert acked.status_code == 200 and acked.json()["status"] == "acknowledged"
    again = client.post(f"{url}/ack", headers=keys["write"])
    assert again.status_code == 409 and again.json()["error"]["code"] == "HTTP409"
    resolved = client.post(f"{url}/resolve", headers=keys["write"], json={"reason": "called"})
    assert resolved.json()["status"] == "resolved" and resolved.json()["status_reason"] == "called"
    other = _get(demo, "/api/v1/alerts?status=open&limit=1")["items"][0]
    dismissed = client.post(
        f"/api/v1/alerts/{other['id']}/dismiss", headers=keys["admin"], json={"reason": "sarcasm"}
    )
    body = dismissed.json()
    assert body["status"] == "dismissed" and body["status_reason"] == "sarcasm"
    active = [a["id"] for a in _get(demo, "/api/v1/alerts?limit=500")["items"]]
    assert alert["id"] not in active and other["id"] not in active
    listed = _get(demo, "/api/v1/alerts?status=dismissed&status=resolved&limit=500")["items"]
    assert {alert["id"], other["id"]} <= {a["id"] for a in listed}
    too_long = client.post(f"{url}/dismiss", headers=keys["write"], json={"reason": "x" * 3000})
    assert too_long.status_code == 422


def test_metrics(demo: Demo) -> None:
    metrics = _get(demo, "/api/v1/metrics")
    assert metrics["counts"] == record_counts(demo[2])
    assert metrics["alerts"]["total"] == metrics["counts"]["alert"] > 0
    assert set(metrics["alerts"]["by_severity"]) == {"low", "moderate", "high"}


def test_every_resource_needs_a_key(demo: Demo) -> None:
    client, _, _ = demo
    for path in ("/api/v1/accounts", "/api/v1/deals", "/api/v1/alerts", "/api/v1/metrics"):
        response = client.get(path)
        assert response.status_code == 401 and response.json()["error"]["code"] == "HTTP401"
