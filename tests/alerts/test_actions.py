"""Delivery sinks against real local servers: the signed webhook (HMAC-SHA256) with
retries, backoff and its delivery log; Slack; SMTP; a CRM task through the HubSpot fake.
A failing receiver never loses an alert."""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from sqlalchemy import select

from crmsense.alerts.actions.outbox import deliver_pending
from crmsense.alerts.actions.webhook import verify
from crmsense.alerts.config import Playbook, load_playbook
from crmsense.alerts.lifecycle import transition
from crmsense.store import Database
from crmsense.store import models as m

from .timeline import Replay, Timeline, alerts, at

SECRET = "whsec-test-0123456789"


class Receiver:
    """A local HTTP server answering with scripted statuses and recording requests."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.requests: list[dict[str, Any]] = []

    def handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


@contextmanager
def receiving(statuses: list[int]) -> Iterator[tuple[Receiver, str]]:
    receiver = Receiver(statuses)
    server = ThreadingHTTPServer(("127.0.0.1", 0), receiver.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver, f"http://127.0.0.1:{server.server_address[1]}/hooks/crmsense"
    finally:
        server.shutdown()
        server.server_close()


def _alert(db: Database, playbook: Playbook, source: str = "local") -> int:
    tl = Timeline()
    tl.account("acme")
    tl.survey("acme", at(0, 8), "nps", 2, "We are unhappy.")
    if source != "local":
        for record in tl.records:
            record["source"] = source
    Replay(db, tl, playbook).step(at(0, 9))
    [alert] = [a for a in alerts(db) if a["rule"] == "detractor_followup"]
    return int(alert["id"])


def _webhook(url: str, name: str = "ops", **options: Any) -> str:
    """A ``[sinks.NAME]`` table for a signed webhook to ``url``, keyed with $HOOK_SECRET."""
    lines = [f"[sinks.{name}]", 'type = "webhook.v1"', f'url = "{url}"',
             'secret_env = "HOOK_SECRET"']  # fmt: skip
    lines += [f"{key} = {json.dumps(value)}" for key, value in options.items()]
    return "\n".join(lines) + "\n"


def _deliveries(db: Database) -> list[m.AlertDelivery]:
    with db.session() as s:
        rows = list(s.scalars(select(m.AlertDelivery).order_by(m.AlertDelivery.id)))
        s.expunge_all()
        return rows


def test_webhook_is_signed_retried_with_backoff_and_logged(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    with receiving([500, 503, 200]) as (receiver, url):
        playbook = load_playbook(text=_webhook(url, rules=["detractor_followup"], backoff="30s"))
        alert_id = _alert(db, playbook)
        [row] = _deliveries(db)  # one rule, one sink: one outbox row
        assert (row.status, row.event, row.attempts) == ("pending", "alert.opened", 0)

        now = at(0, 9, 1)
        first = deliver_pending(db, playbook, now=now)
        assert first.counts["retry"] == 1
        assert deliver_pending(db, playbook, now=now + timedelta(seconds=29)).counts == {}
        deliver_pending(db, playbook, now=now + timedelta(seconds=30))  # 2nd try, then 60 s
        [row] = _deliveries(db)
        assert (row.status, row.attempts) == ("pending", 2)
        assert row.next_attempt_at == now + timedelta(seconds=90)
        done = deliver_pending(db, playbook, now=now + timedelta(seconds=90))
        assert done.counts["sent"] == 1

    [row] = _deliveries(db)
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, None)
    assert [e.get("error", e.get("result")) for e in row.log] == [
        "[E520] HTTP 500 from the receiver",
        "[E520] HTTP 503 from the receiver",
        "HTTP 200",
    ]
    assert len(receiver.requests) == 3
    for request in receiver.requests:
        headers, body = request["headers"], request["body"]
        assert verify(SECRET, headers["X-Crmsense-Timestamp"], body,
                      headers["X-Crmsense-Signature"])  # fmt: skip
        assert not verify("wrong", headers["X-Crmsense-Timestamp"], body,
                          headers["X-Crmsense-Signature"])  # fmt: skip
        assert headers["X-Crmsense-Delivery"] == str(row.id)  # the same on every retry
        assert headers["X-Crmsense-Event"] == "alert.opened"
    payload = json.loads(receiver.requests[-1]["body"])
    assert payload["alert"]["id"] == alert_id and payload["alert"]["account_id"] == "acme"
    assert payload["alert"]["evidence"][0]["excerpt"] == "We are unhappy."


def test_refused_or_exhausted_deliveries_fail_but_the_alert_stays(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    with receiving([400, 500, 500]) as (receiver, url):
        playbook = load_playbook(
            text=_webhook(url, "strict", rules=["detractor_followup"])
            + _webhook(url, "flaky", rules=["detractor_followup"], max_attempts=2, backoff="1s")
        )
        alert_id = _alert(db, playbook)
        deliver_pending(db, playbook, now=at(0, 10))
        deliver_pending(db, playbook, now=at(0, 11))
        strict, flaky = _deliveries(db)
        assert (strict.status, strict.attempts) == ("failed", 1)  # HTTP 400: refused at once
        assert "refused" in (strict.last_error or "")
        assert (flaky.status, flaky.attempts) == ("failed", 2)  # out of attempts
        assert [a["status"] for a in alerts(db) if a["id"] == alert_id] == ["open"]

        report = deliver_pending(db, playbook, now=at(0, 12), retry_failed=True)
        assert report.counts["sent"] == 2
    assert len(receiver.requests) == 5


def test_transitions_are_delivered_too(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    with receiving([]) as (receiver, url):
        playbook = load_playbook(text=_webhook(url, min_severity="high"))
        alert_id = _alert(db, playbook)  # moderate alerts only: below the sink's minimum
        deliver_pending(db, playbook, now=at(0, 10))
        assert receiver.requests == [] and _deliveries(db) == []
        detractors = load_playbook(text=_webhook(url, rules=["detractor_followup"]))
        transition(db, alert_id, "dismiss", detractors, reason="not a real detractor",
                   at=at(0, 11))  # fmt: skip
        deliver_pending(db, detractors, now=at(0, 12))
    [request] = receiver.requests
    assert request["headers"]["X-Crmsense-Event"] == "alert.dismissed"
    assert json.loads(request["body"])["alert"]["status_reason"] == "not a real detractor"


def test_missing_secret_waits_for_it(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOOK_SECRET", raising=False)
    playbook = load_playbook(text=_webhook("http://127.0.0.1:9/x", rules=["detractor_followup"]))
    _alert(db, playbook)
    report = deliver_pending(db, playbook, now=at(0, 10))
    assert report.counts["retry"] == 1 and "$HOOK_SECRET is not set" in report.errors[0]


def test_slack_incoming_webhook(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    with receiving([]) as (receiver, url):
        monkeypatch.setenv("SLACK_URL", url)
        playbook = load_playbook(
            text="""
[sinks.slack]
type = "slack.v1"
url_env = "SLACK_URL"
rules = ["detractor_followup"]
"""
        )
        _alert(db, playbook)
        assert deliver_pending(db, playbook, now=at(0, 10)).counts["sent"] == 1
    text = json.loads(receiver.requests[0]["body"])["text"]
    assert "[crmsense] moderate: Contact this customer within 24 hours" in text
    assert "“We are unhappy.”" in text


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

    received: ClassVar[list[dict[str, Any]]] = []

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._say("220 fake.example ESMTP")
        mail: dict[str, Any] = {"to": []}
        while line := self.rfile.readline().decode().strip():
            verb = line.split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                self._say("250 fake.example")
            elif verb == "MAIL":
                mail["from"] = line.split(":", 1)[1].strip(" <>")
                self._say("250 OK")
            elif verb == "RCPT":
                mail["to"].append(line.split(":", 1)[1].strip(" <>"))
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 go ahead")
                data = []
                while (chunk := self.rfile.readline().decode()) not in (".\r\n", ""):
                    data.append(chunk)
                mail["data"] = "".join(data)
                _Smtp.received.append(mail)
                self._say("250 queued")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 OK")


def test_smtp_mails_the_assignees(db: Database) -> None:
    _Smtp.received = []
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        playbook = load_playbook(
            text=f"""
[sinks.mail]
type = "smtp.v1"
host = "127.0.0.1"
port = {server.server_address[1]}
sender = "alerts@vendor.example"
to = ["cs-leads@vendor.example"]
rules = ["detractor_followup"]
"""
        )
        _alert(db, playbook)
        assert deliver_pending(db, playbook, now=at(0, 10)).counts["sent"] == 1
    finally:
        server.shutdown()
        server.server_close()
    [mail] = _Smtp.received
    assert mail["from"] == "alerts@vendor.example"
    assert sorted(mail["to"]) == ["cs-leads@vendor.example", "csm@acme.example"]
    assert "Subject: [crmsense] moderate: Contact this customer" in mail["data"]


def test_crm_task_goes_to_hubspot_and_is_updated_on_resolution(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from connectors.fakes.hubspot import TOKEN, FakeHubSpot  # the connectors' HubSpot fake
    from connectors.fakes.server import serve

    fake = FakeHubSpot()
    with serve(fake.app) as url:
        monkeypatch.setenv("CRMSENSE_HUBSPOT_TOKEN", TOKEN)
        monkeypatch.setenv("CRMSENSE_HUBSPOT_BASE_URL", url)
        monkeypatch.setenv("CRMSENSE_HUBSPOT_MAX_RETRIES", "0")
        playbook = load_playbook(
            text="""
[sinks.crm]
type = "crm_task.v1"
crm = "hubspot"
rules = ["detractor_followup"]
"""
        )
        alert_id = _alert(db, playbook, source="hubspot")
        assert deliver_pending(db, playbook, now=at(0, 10)).counts["sent"] == 1
        [task] = fake.records["tasks"].values()
        assert task["properties"]["hs_task_status"] == "NOT_STARTED"
        transition(db, alert_id, "resolve", playbook, at=at(0, 12))
        report = deliver_pending(db, playbook, now=at(0, 13))
        assert report.counts["sent"] == 1, report.errors
        [task] = fake.records["tasks"].values()  # updated, not duplicated
        assert task["properties"]["hs_task_status"] == "COMPLETED"
    log = [row.log[-1]["result"] for row in _deliveries(db)]
    assert log == ["tasks_created 1", "tasks_updated 1"]
