"""Dashboard pages through the in-process client: each page renders what it must,
message text is escaped around the highlighted evidence, and alert actions work as plain
form posts (without JavaScript) for keys with the write scope only."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from crmsense.store import Database

Demo = tuple[TestClient, dict[str, dict[str, str]], Database]


def _login(client: TestClient, headers: dict[str, str]) -> None:
    key = headers["Authorization"].removeprefix("Bearer ")
    assert client.post("/login", data={"key": key}, follow_redirects=False).status_code == 303


def test_pages_render_on_the_demo(demo: Demo) -> None:
    client, keys, _ = demo
    _login(client, keys["read"])
    portfolio = client.get("/?band=red&sort=arr")
    assert portfolio.status_code == 200
    assert 'aria-sort="descending"' in portfolio.text and "Silverline Telecom" in portfolio.text
    assert "Bluefin Media" not in portfolio.text  # yellow
    account = client.get("/accounts/bluefin").text
    for part in ("Health score breakdown", "support sentiment", "data-series=", "<mark class="):
        assert part in account
    assert "Dismiss as false positive" not in account  # read-only key: no actions
    assert "ghosting" in client.get("/deals").text
    assert "opening third" in client.get("/calls/call-brightwave-3").text
    missing = client.get("/accounts/nobody")
    assert missing.status_code == 404 and "There is no account &#39;nobody&#39;" in missing.text
    client.post("/logout")


def test_alert_actions_as_form_posts(demo: Demo) -> None:
    client, keys, _ = demo
    alert = client.get("/api/v1/alerts?status=open&limit=1", headers=keys["read"]).json()
    alert_id = alert["items"][0]["id"]
    _login(client, keys["read"])
    assert client.post(f"/alerts/{alert_id}/dismiss", data={}).status_code == 403
    _login(client, keys["write"])
    queue = client.get("/alerts").text
    assert f'id="alert-{alert_id}"' in queue and "Dismiss as false positive" in queue
    done = client.post(
        f"/alerts/{alert_id}/dismiss",
        data={"reason": "not a real complaint", "next": "/alerts?severity=high"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/alerts?severity=high"
    assert f'id="alert-{alert_id}"' not in client.get("/alerts").text
    view = client.get(f"/api/v1/alerts/{alert_id}", headers=keys["read"]).json()
    assert view["status"] == "dismissed" and view["status_reason"] == "not a real complaint"
    again = client.post(f"/alerts/{alert_id}/dismiss", data={}, follow_redirects=False)
    assert again.status_code == 409
    unknown = client.post("/alerts/999999/dismiss", data={}, follow_redirects=False)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "HTTP404"
    other = client.get("/api/v1/alerts?status=open&limit=1", headers=keys["read"]).json()
    away = client.post(
        f"/alerts/{other['items'][0]['id']}/ack",
        data={"next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert away.status_code == 303 and away.headers["location"] == "/"
    client.post("/logout")


def test_message_text_is_escaped_around_evidence(
    client: TestClient, keys: dict[str, dict[str, str]], api_db: Database
) -> None:
    from crmsense.analysis.api import load_engine
    from crmsense.analysis.stored import analyze_stored
    from crmsense.signals.compute import compute_signals

    text = "<script>alert(1)</script> This is terrible, the worst support & service ever."
    records = [
        {"type": "account", "id": "acme", "name": "Acme <b>Corp</b>"},
        {"type": "message", "id": "m-1", "channel": "email", "account_id": "acme",
         "timestamp": "2026-10-01T14:03:00Z", "text": text},
    ]  # fmt: skip
    assert client.post("/api/v1/ingest", json=records, headers=keys["write"]).status_code == 200
    analyze_stored(api_db, load_engine("rules.v1"))
    compute_signals(api_db, datetime(2026, 10, 2, tzinfo=UTC), engine="rules.v1")
    detail = client.get("/api/v1/accounts/acme", headers=keys["read"]).json()
    assert detail["messages"][0]["evidence"], "the rules engine cites evidence here"
    _login(client, keys["read"])
    html = client.get("/accounts/acme").text
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Corp</b>" not in html and "Acme &lt;b&gt;Corp&lt;/b&gt;" in html
    assert '<mark class="neg"' in html and "&amp; service" in html
