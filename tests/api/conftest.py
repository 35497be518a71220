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


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A demo workspace (sample portfolio, analysed, signals and alerts), built once."""
    from demo_workspace import build_demo

    workspace = tmp_path_factory.mktemp("api-demo")
    url = f"sqlite:///{workspace / 'crmsense.db'}"
    build_demo(url, workspace)
    return url


@pytest.fixture(scope="module")
def demo(demo_url: str) -> Iterator[tuple[TestClient, dict[str, dict[str, str]], Database]]:
    """An in-process client on the demo workspace, its keys per scope, and its database."""
    from crmsense.store import open_database

    db = open_database(demo_url)
    settings = Settings(database_url=demo_url, engine="rules.v1")
    headers = {
        scope: {"Authorization": f"Bearer {create_key(db, [scope])}"}
        for scope in ("read", "write", "admin")
    }
    with TestClient(create_app(settings, db)) as test_client:
        yield test_client, headers, db
    db.dispose()
