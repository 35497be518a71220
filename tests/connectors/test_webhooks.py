"""Webhooks: each provider's real signature scheme, replays, staleness, bad payloads, spool."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select

from crmsense.connectors import state
from crmsense.connectors.config import WebhookConfig
from crmsense.connectors.webhook_router import router
from crmsense.connectors.webhooks import WebhookReceiver, WebhookRejected, sign_generic
from crmsense.ingest.pipeline import ingest_records
from crmsense.store import Database, open_database
from crmsense.store import models as m

from .fakes.server import serve
from .fakes.surveymonkey import TOKEN, FakeSurveyMonkey

NOW = 1_790_000_000
SECRETS = {
    "delighted": "dl-api-key",
    "typeform": "tf-secret",
    "generic": "gen-secret",
    "sm_key": "sm-client-id",
    "sm_secret": "sm-client-secret",
}
Signed = tuple[dict[str, str], bytes]


@pytest.fixture(scope="module")
def surveymonkey() -> Iterator[tuple[FakeSurveyMonkey, str]]:
    fake = FakeSurveyMonkey()
    with serve(fake.app) as url:
        yield fake, url


def config(tmp_path: Path, sm_url: str = "http://127.0.0.1:9") -> WebhookConfig:
    return WebhookConfig(
        delighted_secret=SecretStr(SECRETS["delighted"]),
        typeform_secret=SecretStr(SECRETS["typeform"]),
        surveymonkey_api_key=SECRETS["sm_key"],
        surveymonkey_api_secret=SecretStr(SECRETS["sm_secret"]),
        surveymonkey_token=SecretStr(TOKEN),
        surveymonkey_base_url=sm_url,
        generic_secret=SecretStr(SECRETS["generic"]),
        spool_path=tmp_path / "spool.jsonl",
        max_retries=0,
    )


def with_customer(db: Database) -> Database:
    ingest_records(
        db,
        [
            {"type": "account", "id": "acme", "name": "Acme", "domain": "acme.example"},
            {"type": "contact", "id": "c-17", "account_id": "acme", "email": "jane@acme.example"},
        ],
    )
    return db


# -- what each provider sends, signed its way -----------------------------------------------


def delighted(
    score: Any = 3,
    event_id: str = "evt-d1",
    email: str = "jane@acme.example",
    event_type: str = "survey_response.updated",
    at: int = NOW,
) -> Signed:
    body = json.dumps(
        {
            "event_type": event_type,
            "event_id": event_id,
            "event_data": {
                "id": "5435",
                "person": {"id": "5975", "email": email, "name": "Jane Roe"},
                "survey_type": "nps",
                "score": score,
                "comment": "Support never answers.",
                "created_at": at - 600,
                "updated_at": at - 60,
                "notes": [],
                "tags": [],
            },
        }
    ).encode()
    sig = "sha256=" + hmac.new(SECRETS["delighted"].encode(), body, hashlib.sha256).hexdigest()
    return {"X-Delighted-Webhook-Signature": sig}, body


def typeform(event_id: str = "01TF") -> Signed:
    body = json.dumps(
        {
            "event_id": event_id,
            "event_type": "form_response",
            "form_response": {
                "form_id": "lT4Z3j",
                "token": "a3a12ec67a1365927098a606107fac15",
                "submitted_at": "2026-10-01T14:03:00Z",
                "hidden": {"email": "jane@acme.example"},
                "definition": {"id": "lT4Z3j", "title": "NPS", "fields": []},
                "answers": [
                    {
                        "type": "number",
                        "number": 9,
                        "field": {"id": "f1", "type": "nps", "ref": "nps"},
                    },
                    {
                        "type": "text",
                        "text": "Great onboarding!",
                        "field": {"id": "f2", "type": "long_text", "ref": "why"},
                    },
                ],
            },
        }
    ).encode()
    mac = hmac.new(SECRETS["typeform"].encode(), body, hashlib.sha256).digest()
    return {"Typeform-Signature": "sha256=" + base64.b64encode(mac).decode()}, body


def surveymonkey_event(event_id: str = "sm-evt-1") -> Signed:
    body = json.dumps(
        {
            "name": "crmsense",
            "filter_type": "survey",
            "filter_id": "123",
            "event_type": "response_completed",
            "event_id": event_id,
            "object_type": "response",
            "object_id": "R-9",
            "event_datetime": "2026-10-01T10:02:00+00:00",
            "resources": {
                "respondent_id": "R-9",
                "recipient_id": "0",
                "user_id": "1",
                "collector_id": "C",
                "survey_id": "S-1",
            },
        }
    ).encode()
    key = f"{SECRETS['sm_key']}&{SECRETS['sm_secret']}".encode()
    sig = base64.b64encode(hmac.new(key, body, hashlib.sha1).digest()).decode()
    return {"Sm-Apikey": SECRETS["sm_key"], "Sm-Signature": sig}, body


def generic(t: int = NOW, record_id: str = "s-100") -> Signed:
    body = json.dumps(
        {
            "type": "survey",
            "id": record_id,
            "kind": "csat",
            "score": 2,
            "comment": "Slow.",
            "email": "jane@acme.example",
            "timestamp": "2026-10-01T14:03:00Z",
        }
    ).encode()
    return {"X-Crmsense-Signature": sign_generic(SECRETS["generic"], body, t)}, body


# -- tests ----------------------------------------------------------------------------------


@pytest.fixture
def receiver(
    tmp_path: Path, surveymonkey: tuple[FakeSurveyMonkey, str], memory_db: Database
) -> WebhookReceiver:
    fake, url = surveymonkey
    fake.reset()
    fake.add_response("S-1", "R-9", "jane@acme.example", 4, "Too many outages.")
    return WebhookReceiver(with_customer(memory_db), config(tmp_path, url), clock=lambda: NOW)


CASES: dict[str, Callable[[], Signed]] = {
    "delighted": delighted,
    "typeform": typeform,
    "surveymonkey": surveymonkey_event,
    "generic": generic,
}
EXPECTED = {
    "delighted": ("nps", 3.0, "Support never answers."),
    "typeform": ("nps", 9.0, "Great onboarding!"),
    "surveymonkey": ("nps", 4.0, "Too many outages."),
    "generic": ("csat", 2.0, "Slow."),
}


@pytest.mark.parametrize("provider", list(CASES))
def test_valid_delivery_is_stored_and_linked_by_email(
    receiver: WebhookReceiver, provider: str
) -> None:
    headers, body = CASES[provider]()
    receipt = receiver.receive(provider, headers, body)
    assert (receipt.status, receipt.records) == ("stored", 1)
    with receiver.db.session() as s:
        survey = s.scalars(select(m.Survey)).one()
        contact = s.scalars(select(m.Contact)).one()
        assert (survey.kind, survey.score, survey.comment) == EXPECTED[provider]
        assert survey.contact_id == contact.id and survey.account_id == contact.account_id


@pytest.mark.parametrize("provider", list(CASES))
def test_tampered_body_is_refused(receiver: WebhookReceiver, provider: str) -> None:
    headers, body = CASES[provider]()
    with pytest.raises(WebhookRejected, match="signature does not match") as refused:
        receiver.receive(provider, headers, body + b" ")
    assert refused.value.status == 401


@pytest.mark.parametrize("provider", list(CASES))
def test_unsigned_request_is_refused(receiver: WebhookReceiver, provider: str) -> None:
    _, body = CASES[provider]()
    with pytest.raises(WebhookRejected, match="unsigned request") as refused:
        receiver.receive(provider, {}, body)
    assert refused.value.status == 401


@pytest.mark.parametrize("provider", list(CASES))
def test_replayed_delivery_is_refused(receiver: WebhookReceiver, provider: str) -> None:
    headers, body = CASES[provider]()
    receiver.receive(provider, headers, body)
    with pytest.raises(WebhookRejected, match="replayed") as refused:
        receiver.receive(provider, headers, body)
    assert refused.value.status == 409


@pytest.mark.parametrize("age", [301, -301])
def test_generic_stale_or_future_timestamp_is_refused(receiver: WebhookReceiver, age: int) -> None:
    headers, body = generic(t=NOW - age)
    with pytest.raises(WebhookRejected, match="stale request"):
        receiver.receive("generic", headers, body)
    fresh_headers, fresh_body = generic(t=NOW - 299)
    assert receiver.receive("generic", fresh_headers, fresh_body).status == "stored"


def test_surveymonkey_api_key_must_match(receiver: WebhookReceiver) -> None:
    headers, body = surveymonkey_event()
    with pytest.raises(WebhookRejected):
        receiver.receive("surveymonkey", {**headers, "Sm-Apikey": "someone-else"}, body)


def test_surveymonkey_details_are_fetched_with_the_token(
    receiver: WebhookReceiver, surveymonkey: tuple[FakeSurveyMonkey, str]
) -> None:
    fake, _ = surveymonkey
    receiver.receive("surveymonkey", *surveymonkey_event())
    call = fake.calls("/details")[0]
    assert call.path == "/v3/surveys/S-1/responses/R-9/details"
    assert call.query == {"simple": "true"}


@pytest.mark.parametrize(
    ("make", "status", "message"),
    [
        (lambda: ({}, b""), 400, "not JSON"),
        (lambda: delighted(score=None), 422, "event_data.score"),
        (lambda: delighted(score=14), 422, "score: a NPS score must be between 0 and 10"),
        (lambda: delighted(email="who@nowhere.example"), 422, "cannot tell which account"),
    ],
)
def test_bad_payloads_get_a_clear_4xx(
    receiver: WebhookReceiver, make: Callable[[], Signed], status: int, message: str
) -> None:
    headers, body = make()
    if not body:
        body = b"not json"
        headers = {
            "X-Delighted-Webhook-Signature": "sha256="
            + hmac.new(SECRETS["delighted"].encode(), body, hashlib.sha256).hexdigest()
        }
    with pytest.raises(WebhookRejected, match=message) as refused:
        receiver.receive("delighted", headers, body)
    assert refused.value.status == status
    with receiver.db.session() as s:
        assert s.scalars(select(m.Survey)).all() == []


def resigned(provider: str, payload: Any) -> Signed:
    """``payload`` (an object, or raw bytes) signed the way ``provider`` signs."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    mac = hmac.new(SECRETS[provider].encode(), body, hashlib.sha256)
    if provider == "typeform":
        return {"Typeform-Signature": "sha256=" + base64.b64encode(mac.digest()).decode()}, body
    return {"X-Delighted-Webhook-Signature": "sha256=" + mac.hexdigest()}, body


def edited(make: Callable[[], Signed], edit: Callable[[dict[str, Any]], None]) -> Any:
    payload = json.loads(make()[1])
    edit(payload)
    return payload


def _answers(p: dict[str, Any], answers: Any) -> None:
    p["form_response"]["answers"] = answers


@pytest.mark.parametrize(
    ("provider", "payload", "status", "message"),
    [
        ("delighted", b"[" * 100_000, 400, "nested too deeply"),
        ("delighted", b'{"comment": "caf\xe9"}', 400, "not UTF-8"),
        ("delighted", b'{"event_id": ', 400, "line 1, column 14"),
        ("delighted", edited(delighted, lambda p: p["event_data"].update(person="jane")), 422,
         "event_data.person must be a JSON object"),
        ("delighted", edited(delighted, lambda p: p["event_data"].update(id={"a": 1})), 422,
         "event_data.id must be a string or an integer"),
        ("delighted", edited(delighted, lambda p: p.update(event_id=["x"])), 422,
         "event_id must be a string or an integer"),
        ("delighted", edited(delighted, lambda p: p.update(event_id="evt\x00")), 422,
         "event_id contains a NUL"),
        ("delighted", edited(delighted, lambda p: p["event_data"].update(updated_at=10**30)),
         422, "event_data.updated_at: 1000000000000000000000000000000 is not a Unix time"),
        ("delighted", edited(delighted, lambda p: p["event_data"].update(updated_at=-(10**15))),
         422, "event_data.updated_at: -1000000000000000 is not a Unix time"),
        ("typeform", edited(typeform, lambda p: p["form_response"].update(hidden="x")), 422,
         "form_response.hidden must be a JSON object"),
        ("typeform", edited(typeform, lambda p: _answers(p, ["nine"])), 422,
         r"form_response.answers\[0\] must be a JSON object"),
        ("typeform", edited(typeform, lambda p: _answers(p, [{"field": "nps", "number": 9}])),
         422, r"form_response.answers\[0\].field must be a JSON object"),
        ("typeform", edited(typeform, lambda p: p["form_response"].update(token=[1])), 422,
         "form_response.token must be a string or an integer"),
    ],
)  # fmt: skip
def test_malformed_payloads_get_a_4xx_naming_the_field(
    db: Database, tmp_path: Path, provider: str, payload: Any, status: int, message: str
) -> None:
    """Never a 500, and on PostgreSQL too (a NUL in an id used to be taken for an outage)."""
    receiver = WebhookReceiver(with_customer(db), config(tmp_path), clock=lambda: NOW)
    with pytest.raises(WebhookRejected, match=message) as refused:
        receiver.receive(provider, *resigned(provider, payload))
    assert refused.value.status == status
    assert not receiver.config.spool_path.exists()
    with db.session() as s:
        assert s.scalars(select(m.Survey)).all() == []
    assert receiver.receive(provider, *CASES[provider]()).status == "stored"


def test_delighted_created_then_updated_is_one_response(receiver: WebhookReceiver) -> None:
    # Delighted sends survey_response.created with the score, then .updated with the comment
    created = receiver.receive(
        "delighted", *delighted(event_type="survey_response.created", event_id="evt-c")
    )
    updated = receiver.receive("delighted", *delighted(score=2, event_id="evt-u"))
    assert (created.status, updated.status) == ("stored", "stored")
    with receiver.db.session() as s:
        (survey,) = s.scalars(select(m.Survey)).all()
    assert (survey.score, survey.comment) == (2.0, "Support never answers.")


def test_events_crmsense_does_not_use_are_acknowledged(receiver: WebhookReceiver) -> None:
    receipt = receiver.receive("delighted", *delighted(event_type="unsubscribe.created"))
    assert (receipt.status, receipt.records) == ("ignored", 0)


def test_disabled_provider_is_not_found(tmp_path: Path, memory_db: Database) -> None:
    quiet = WebhookReceiver(memory_db, WebhookConfig(spool_path=tmp_path / "s.jsonl"))
    with pytest.raises(WebhookRejected, match="not enabled") as refused:
        quiet.receive("typeform", *typeform())
    assert refused.value.status == 404


def test_after_ingest_runs_for_stored_responses(receiver: WebhookReceiver) -> None:
    seen: list[list[dict[str, Any]]] = []
    receiver.after_ingest = lambda db, records: seen.append(records)
    receiver.receive("delighted", *delighted())
    assert [r["score"] for r in seen[0]] == [3]


def test_database_outage_spools_and_replays(tmp_path: Path, db: Database) -> None:
    cfg = config(tmp_path)
    down = open_database("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")
    outage = WebhookReceiver(down, cfg, clock=lambda: NOW)
    receipt = outage.receive("delighted", *delighted())
    assert receipt.status == "spooled"
    outage.receive("generic", *generic())
    down.dispose()
    assert len(cfg.spool_path.read_text().splitlines()) == 2
    back = WebhookReceiver(with_customer(db), cfg, clock=lambda: NOW)
    assert back.replay_spool() == 2
    assert not cfg.spool_path.exists()
    with db.session() as s:
        assert sorted(x.source for x in s.scalars(select(m.Survey))) == ["delighted", "webhook"]
    with pytest.raises(WebhookRejected, match="replayed"):
        back.receive("delighted", *delighted())


def _webhook_app(receiver: WebhookReceiver) -> FastAPI:
    """An app serving only the webhook routes, on the receiver's database and config."""
    app = FastAPI()
    app.state.db = receiver.db
    app.state.webhook_config = receiver.config
    app.state.webhook_after_ingest = None
    app.include_router(router)
    return app


def test_router_status_codes_and_error_body(receiver: WebhookReceiver) -> None:
    with TestClient(_webhook_app(receiver)) as client:
        headers, body = typeform()
        ok = client.post("/api/v1/webhooks/typeform", content=body, headers=headers)
        assert ok.status_code == 200 and ok.json()["status"] == "stored"
        again = client.post("/api/v1/webhooks/typeform", content=body, headers=headers)
        assert again.status_code == 409 and "replayed" in again.json()["detail"]
        bad = client.post("/api/v1/webhooks/typeform", content=body, headers={})
        assert bad.status_code == 401
        unknown = client.post("/api/v1/webhooks/qualtrics", content=body, headers=headers)
        assert unknown.status_code == 422


def test_a_detractor_gets_its_alert_at_once_through_the_router(
    receiver: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRMSENSE_ENGINE", "rules.v1")  # the fast engine for the verbatim
    app = FastAPI()
    app.state.db = receiver.db
    app.state.webhook_config = receiver.config
    app.include_router(router)
    headers, body = delighted(at=int(time.time()))  # a response given just now
    with TestClient(app) as client:
        response = client.post("/api/v1/webhooks/delighted", content=body, headers=headers)
    assert response.status_code == 200
    with receiver.db.session() as s:
        rules = {a.rule for a in s.scalars(select(m.Alert))}
    assert "detractor_followup" in rules


def test_simultaneous_copies_of_a_delivery_run_the_rules_once(tmp_path: Path, db: Database) -> None:
    """Copies that all pass the replay check together: one is stored and runs the rules, the
    others are refused as replays, and the survey lands once."""
    receiver = WebhookReceiver(with_customer(db), config(tmp_path), clock=lambda: NOW)
    ran: list[int] = []
    receiver.after_ingest = lambda db, records: ran.append(len(records))
    headers, body = delighted()
    copies = 4
    start = threading.Barrier(copies)
    outcomes: list[str] = []

    def deliver() -> None:
        start.wait()
        try:
            outcomes.append(receiver.receive("delighted", headers, body).status)
        except WebhookRejected as refused:
            outcomes.append(str(refused.status))

    threads = [threading.Thread(target=deliver) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["409"] * (copies - 1) + ["stored"]
    assert ran == [1]
    with db.session() as s:
        assert len(s.scalars(select(m.Survey)).all()) == 1


def test_a_delivery_key_is_claimed_once(db: Database) -> None:
    assert state.first_delivery(db, "typeform", "evt-1")
    assert not state.first_delivery(db, "typeform", "evt-1")
    assert state.first_delivery(db, "delighted", "evt-1")  # keys are per provider
    assert state.delivery_seen(db, "typeform", "evt-1")


def test_corrupt_spool_entries_are_set_aside_and_the_rest_replayed(
    tmp_path: Path, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """Bad lines (not JSON, truncated, wrong shape, refused) never block the good ones."""
    cfg = config(tmp_path)
    down = open_database("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")
    outage = WebhookReceiver(down, cfg, clock=lambda: NOW)
    outage.receive("delighted", *delighted())
    outage.receive("generic", *generic())
    outage.receive("delighted", *delighted(email="nobody@elsewhere.example", event_id="evt-x"))
    down.dispose()
    good_d, good_g, unknown = cfg.spool_path.read_bytes().splitlines()
    entry = json.loads(good_d)
    bad = [
        b"not json at all",
        b"[1, 2]",
        b'{"provider": "delighted"}',
        json.dumps({**entry, "records": "nope"}).encode(),
        json.dumps({**entry, "provider": "qualtrics"}).encode(),
        json.dumps({**entry, "delivery": "evt-\x00nul"}).encode(),  # as an older version wrote
        b"\xff\xfe not utf-8",
        unknown,  # refused for good: no contact has that e-mail
    ]
    truncated = good_g[: len(good_g) // 2]  # the last write was cut short
    cfg.spool_path.write_bytes(b"\n".join([bad[0], good_d, *bad[1:], good_g, truncated]))
    back = WebhookReceiver(with_customer(db), cfg, clock=lambda: NOW)
    with caplog.at_level("WARNING", logger="crmsense.webhooks"):
        assert back.replay_spool() == 2
    rejects = cfg.spool_path.with_name("spool.rejects.jsonl")
    assert rejects.read_bytes().splitlines() == [*bad, truncated]  # verbatim, to fix and retry
    assert not cfg.spool_path.exists()
    with db.session() as s:
        assert sorted(x.source for x in s.scalars(select(m.Survey))) == ["delighted", "webhook"]
    logged = caplog.text
    assert "line 1" in logged and "not JSON" in logged
    assert "Support never answers" not in logged and SECRETS["delighted"] not in logged
    assert back.replay_spool() == 0 and len(rejects.read_bytes().splitlines()) == len(bad) + 1


def test_a_spool_that_cannot_be_replayed_does_not_break_later_deliveries(
    receiver: WebhookReceiver,
) -> None:
    receiver.config.spool_path.mkdir()  # e.g. a directory where the spool file should be
    with TestClient(_webhook_app(receiver)) as client:
        for event in ("evt-1", "evt-2"):
            headers, body = delighted(event_id=event)
            ok = client.post("/api/v1/webhooks/delighted", content=body, headers=headers)
            assert ok.status_code == 200 and ok.json()["status"] == "stored"
