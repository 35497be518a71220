"""The OpenAPI document is accurate: every route declares its response schemas, errors
share the one error body, and real responses of the main paths validate against it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from crmsense.store import Database

Demo = tuple[TestClient, dict[str, dict[str, str]], Database]
PUBLIC = {"/healthz", "/readyz", "/api/v1/webhooks/{provider}"}  # signed, no key


@pytest.fixture(scope="module")
def spec(demo: Demo) -> dict[str, Any]:
    document: dict[str, Any] = demo[0].get("/openapi.json").json()
    return document


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(p, m, op) for p, item in spec["paths"].items() for m, op in item.items()]


def _validator(spec: dict[str, Any], path: str, method: str, status: str) -> Draft202012Validator:
    schema = spec["paths"][path][method]["responses"][status]["content"]["application/json"]
    return Draft202012Validator({**schema["schema"], "components": spec["components"]})


def test_every_route_declares_its_responses(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.") and spec["info"]["title"] == "crmsense"
    operations = _operations(spec)
    assert len(operations) >= 18
    for path, method, op in operations:
        ok = op["responses"]["200"]
        schema = ok["content"]["application/json"]["schema"]
        assert schema, f"{method} {path} has no response schema"
        for status, response in op["responses"].items():
            if status.startswith(("4", "5")):
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/ErrorBody", (method, path, status)
        if path not in PUBLIC:
            assert op["security"] == [{"HTTPBearer": []}], (method, path)
            assert {"401", "403"} <= set(op["responses"]), (method, path)
        if "{" in path:
            assert "404" in op["responses"], (method, path)
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    Draft202012Validator.check_schema(
        {"$defs": spec["components"]["schemas"]}
    )  # every component is a valid JSON Schema


MAIN = [
    ("/api/v1/accounts", "/api/v1/accounts?limit=5"),
    ("/api/v1/accounts/{account_id}", "/api/v1/accounts/bluefin"),
    ("/api/v1/contacts", "/api/v1/contacts?limit=5"),
    ("/api/v1/contacts/{contact_id}", "/api/v1/contacts/c-bluefin-2"),
    ("/api/v1/deals", "/api/v1/deals"),
    ("/api/v1/deals/{deal_id}", "/api/v1/deals/d-bluefin-1"),
    ("/api/v1/calls/{call_id}", "/api/v1/calls/call-brightwave-3"),
    ("/api/v1/alerts", "/api/v1/alerts?status=open&status=dismissed"),
    ("/api/v1/metrics", "/api/v1/metrics"),
    ("/readyz", "/readyz"),
]


@pytest.mark.parametrize(("template", "url"), MAIN)
def test_responses_validate_against_the_document(
    demo: Demo, spec: dict[str, Any], template: str, url: str
) -> None:
    client, keys, _ = demo
    response = client.get(url, headers=keys["read"])
    assert response.status_code == 200, response.text
    _validator(spec, template, "get", "200").validate(response.json())
    if "{" in template:
        missing = client.get(url.rsplit("/", 1)[0] + "/999999", headers=keys["read"])
        assert missing.status_code == 404
        _validator(spec, template, "get", "404").validate(missing.json())


def test_posts_validate_against_the_document(demo: Demo, spec: dict[str, Any]) -> None:
    client, keys, _ = demo
    analysis = client.post(
        "/api/v1/analyze", json={"text": "The new dashboard is great."}, headers=keys["read"]
    )
    _validator(spec, "/api/v1/analyze", "post", "200").validate(analysis.json())
    alert = client.get("/api/v1/alerts?status=open&limit=1", headers=keys["read"]).json()
    acked = client.post(f"/api/v1/alerts/{alert['items'][0]['id']}/ack", headers=keys["write"])
    _validator(spec, "/api/v1/alerts/{alert_id}/ack", "post", "200").validate(acked.json())
    refused = client.post("/api/v1/analyze", json={"text": 5}, headers=keys["read"])
    assert refused.status_code == 422
    _validator(spec, "/api/v1/analyze", "post", "422").validate(refused.json())


def test_every_route_is_documented(spec: dict[str, Any]) -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    missing = [
        f"{method.upper()} {path}"
        for path, method, _ in _operations(spec)
        if f"`{method.upper()} {path}`" not in doc
    ]
    assert missing == [], "routes missing from docs/api.md"
