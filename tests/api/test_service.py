"""Service-level API behaviour: health, auth, keys, errors, limits, ingest, OpenAPI."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from crmsense.api.security import revoke_key
from crmsense.store import Database
from crmsense.store import models as m
from crmsense.store.queries import record_counts

ACCOUNT = {"type": "account", "id": "acme", "name": "Acme Corp", "arr": 250000}
MESSAGE = {
    "type": "message",
    "id": "m-1",
    "channel": "chat",
    "account_id": "acme",
    "timestamp": "2026-10-01T14:03:00Z",
    "text": "Still waiting on the export fix.",
}


def test_health_needs_no_key(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["database"] == "sqlite"


def test_routes_need_a_valid_key_with_the_right_scope(
    client: TestClient, keys: dict[str, dict[str, str]], api_db: Database
) -> None:
    body = [ACCOUNT]
    missing = client.post("/api/v1/ingest", json=body)
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "HTTP401"
    assert missing.headers["www-authenticate"] == "Bearer"
    assert (
        client.post(
            "/api/v1/ingest", json=body, headers={"Authorization": "Bearer csk_nope_nope"}
        ).status_code
        == 401
    )
    assert client.post("/api/v1/ingest", json=body, headers=keys["read"]).status_code == 403
    assert client.post("/api/v1/ingest", json=body, headers=keys["write"]).status_code == 200
    assert client.post("/api/v1/ingest", json=body, headers=keys["admin"]).status_code == 200
    key = keys["write"]["Authorization"].removeprefix("Bearer ")
    revoke_key(api_db, key[4:12])
    assert client.post("/api/v1/ingest", json=body, headers=keys["write"]).status_code == 401


def test_ingest_json_array_and_json_lines(
    client: TestClient, keys: dict[str, dict[str, str]], api_db: Database
) -> None:
    result = client.post("/api/v1/ingest", json=[ACCOUNT, MESSAGE], headers=keys["write"])
    assert result.json() == {
        "accepted": {"account": 1, "message": 1},
        "rejected": [],
        "repeated": 0,
    }
    bad = dict(MESSAGE, id="m-2", channel="fax")
    lines = "\n".join([json.dumps(dict(MESSAGE, id="m-3")), "{oops", json.dumps(bad)])
    result = client.post(
        "/api/v1/ingest",
        content=lines.encode(),
        headers={**keys["write"], "Content-Type": "application/x-ndjson"},
    )
    payload = result.json()
    assert result.status_code == 200
    assert payload["accepted"] == {"message": 1}
    assert [(r["line"], r["field"]) for r in payload["rejected"]] == [(2, "line"), (3, "channel")]
    assert record_counts(api_db)["message"] == 2
    again = client.post("/api/v1/ingest", json=[ACCOUNT, MESSAGE], headers=keys["write"])
    assert again.status_code == 200 and record_counts(api_db)["message"] == 2


def test_ingest_counts_a_repeated_id_once_and_stores_the_later_record(
    client: TestClient, keys: dict[str, dict[str, str]], api_db: Database
) -> None:
    body = [ACCOUNT, MESSAGE, dict(MESSAGE, text="Fixed now, thanks!")]
    payload = client.post("/api/v1/ingest", json=body, headers=keys["write"]).json()
    assert payload["accepted"] == {"account": 1, "message": 1}
    assert payload["repeated"] == 1 and payload["rejected"] == []
    with api_db.session() as s:
        assert s.scalars(select(m.Message.text)).all() == ["Fixed now, thanks!"]


def test_analyze_reads_only_the_new_text_of_an_email(
    client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    thread = (
        "Thanks, that fixed it!\n\nOn Tue, 1 Oct 2026 at 10:00, Support "
        "<support@vendor.example> wrote:\n> The app keeps crashing, it is terrible."
    )
    email = client.post("/api/v1/analyze", json={"text": thread, "channel": "email"},
                        headers=keys["read"]).json()  # fmt: skip
    assert [s["text"] for s in email["sentences"]] == ["Thanks, that fixed it!"]
    assert email["label"] == "positive"
    chat = client.post("/api/v1/analyze", json={"text": thread, "channel": "chat"},
                       headers=keys["read"]).json()  # fmt: skip
    assert any("terrible" in s["text"] for s in chat["sentences"])  # other channels: as given
    plain = client.post("/api/v1/analyze", json={"text": thread}, headers=keys["read"]).json()
    assert [s["text"] for s in plain["sentences"]] == ["Thanks, that fixed it!"]  # no channel


def test_analyze_batch_applies_channel_and_topics_to_every_text(
    client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    thread = "Thanks, that fixed it!\n\nOn Tue, 1 Oct 2026, Sam wrote:\n> It keeps crashing."
    body = {"texts": [thread, "The onboarding was slow."], "channel": "email",
            "topics": ["onboarding"], "engine": "rules.v1"}  # fmt: skip
    first, second = client.post("/api/v1/analyze/batch", json=body, headers=keys["read"]).json()
    assert [s["text"] for s in first["sentences"]] == ["Thanks, that fixed it!"]
    assert first["label"] == "positive"
    assert "onboarding" in [a["aspect"] for a in second["aspects"]]
    chat = {"texts": [thread], "channel": "chat", "engine": "rules.v1"}
    plain = client.post("/api/v1/analyze/batch", json=chat, headers=keys["read"]).json()
    assert any("crashing" in s["text"] for s in plain[0]["sentences"])  # chat: as given


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"texts": ["Fine."], "channel": "fax"}, "body.channel"),
        ({"text": "Fine.", "channel": "fax"}, "body.channel"),
        ({"texts": ["Fine."], "topics": [""]}, "body.topics.0"),
        ({"text": "Fine.", "topics": ["x" * 201]}, "body.topics.0"),
        ({"texts": ["Fine."], "topics": [f"t{n}" for n in range(51)]}, "body.topics"),
    ],
)
def test_analyze_refuses_an_unknown_channel_or_unusable_topics_by_field(
    client: TestClient, keys: dict[str, dict[str, str]], body: dict[str, Any], field: str
) -> None:
    path = "/api/v1/analyze/batch" if "texts" in body else "/api/v1/analyze"
    refused = client.post(path, json=body, headers=keys["read"])
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "E120"
    assert [d["field"] for d in error["details"]] == [field]


def test_ingest_rejects_non_objects_with_their_own_line(
    client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    body = [ACCOUNT, 5, "text", None, MESSAGE]
    payload = client.post("/api/v1/ingest", json=body, headers=keys["write"]).json()
    assert payload["accepted"] == {"account": 1, "message": 1}
    assert [(r["line"], r["field"]) for r in payload["rejected"]] == [
        (2, "line"),
        (3, "line"),
        (4, "line"),
    ]  # each was reported as line 1


def test_ingest_of_deeply_nested_json_is_a_422_not_a_500(
    client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    response = client.post("/api/v1/ingest", content=deep, headers=keys["write"])
    assert response.status_code == 422, response.text
    assert "nested too deeply" in response.json()["error"]["message"]


@pytest.mark.parametrize("path", [
    "/api/v1/accounts?offset=9223372036854775808",
    "/api/v1/contacts?offset=99999999999999999999",
    "/api/v1/accounts/a%00b", "/api/v1/contacts/a%00b", "/api/v1/deals/a%00b",
    "/api/v1/calls/a%00b", "/api/v1/accounts?segment=a%00b", "/api/v1/contacts?q=a%00b",
    "/api/v1/deals?account_id=a%00b", "/api/v1/alerts?rule=a%00b",
])  # fmt: skip
def test_out_of_range_paging_and_nul_ids_are_422_with_the_field(
    client: TestClient, keys: dict[str, dict[str, str]], path: str
) -> None:
    # A huge offset overflowed the driver (500); NUL broke PostgreSQL's queries (500).
    response = client.get(path, headers=keys["read"])
    assert response.status_code == 422, response.text
    [detail] = response.json()["error"]["details"]
    name = path.split("?")[1].split("=")[0] if "?" in path else path.split("/")[3][:-1] + "_id"
    assert detail["field"].endswith(name)


def test_alert_ids_beyond_any_row_are_404_not_500(
    client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    for response in (
        client.get("/api/v1/alerts/99999999999999999999", headers=keys["read"]),
        client.post("/api/v1/alerts/99999999999999999999/ack", headers=keys["write"]),
    ):
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] == "HTTP404"


def test_errors_share_one_body_shape(client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    empty = client.post("/api/v1/ingest", content=b"", headers=keys["write"])
    assert empty.status_code == 422
    assert set(empty.json()["error"]) >= {"code", "message"}
    unknown = client.get("/api/v1/nothing-here", headers=keys["read"])
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "HTTP404"


def test_request_size_limit(client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    huge = [dict(MESSAGE, id=f"m{i}", text="x" * 1000) for i in range(300)]
    response = client.post("/api/v1/ingest", json=huge, headers=keys["write"])
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "E121"


def test_openapi_lists_routes_with_bearer_auth(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/healthz", "/readyz", "/api/v1/ingest", "/api/v1/analyze"} <= set(schema["paths"])
    assert "HTTPBearer" in schema["components"]["securitySchemes"]


def test_keys_cli_prints_the_key_alone_on_the_last_line(tmp_path: Path) -> None:
    from crmsense.cli import app

    url = f"sqlite:///{tmp_path / 'k.db'}"
    result = CliRunner().invoke(app, ["keys", "create", "--scopes", "read,write", "--db", url])
    assert result.exit_code == 0, result.output
    key = result.stdout.strip().splitlines()[-1]
    assert key.startswith("csk_") and " " not in key
    listing = json.loads(CliRunner().invoke(app, ["keys", "list", "--db", url]).stdout)
    assert listing[0]["scopes"] == ["read", "write"] and key not in json.dumps(listing)
    bad = CliRunner().invoke(app, ["keys", "create", "--scopes", "root", "--db", url])
    assert bad.exit_code == 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_against_a_running_server(tmp_path: Path) -> None:
    import uvicorn

    from crmsense.api.app import create_app
    from crmsense.api.security import create_key
    from crmsense.settings import Settings
    from crmsense.store import open_database

    db = open_database(f"sqlite:///{tmp_path / 'srv.db'}")
    db.migrate()
    key = create_key(db, ["write"])
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(Settings(), db), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline:
                pytest.fail("server did not start")
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/healthz").status_code == 200
        response = httpx.post(
            f"{base}/api/v1/ingest", json=[ACCOUNT], headers={"Authorization": f"Bearer {key}"}
        )
        assert response.json()["accepted"] == {"account": 1}
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        db.dispose()
