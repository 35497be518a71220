"""API fixtures: an app on a migrated database, keys per scope, an in-process client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from crmsense.api.app import create_app
from crmsense.api.security import create_key
from crmsense.settings import Settings
from crmsense.store import Database


@pytest.fixture
def api_db(memory_db: Database) -> Database:
    return memory_db


@pytest.fixture
def client(api_db: Database) -> Iterator[TestClient]:
    settings = Settings(database_url="sqlite://", engine="rules.v1", max_request_bytes=200_000)
    with TestClient(create_app(settings, api_db)) as test_client:
        yield test_client


@pytest.fixture
def keys(api_db: Database) -> dict[str, dict[str, str]]:
    """Authorization headers per scope: read, write, admin."""
    return {
        scope: {"Authorization": f"Bearer {create_key(api_db, [scope])}"}
        for scope in ("read", "write", "admin")
    }
