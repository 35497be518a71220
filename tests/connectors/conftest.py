"""Fake CRM servers (one per session, state reset per test) and connector factories."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .fakes.hubspot import FakeHubSpot
from .fakes.salesforce import FakeSalesforce
from .fakes.server import serve
from .fakes.zoho import FakeZoho


class Sleeps(list[float]):
    """Records the waits the retry policy asked for, instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture(scope="session")
def _hubspot_server() -> Iterator[tuple[FakeHubSpot, str]]:
    fake = FakeHubSpot()
    with serve(fake.app) as url:
        yield fake, url


@pytest.fixture
def hubspot(_hubspot_server: tuple[FakeHubSpot, str]) -> tuple[FakeHubSpot, str]:
    fake, url = _hubspot_server
    fake.reset()
    return fake, url


@pytest.fixture
def closing() -> Iterator[list[Any]]:
    """Connectors appended here are closed after the test (no leaked sockets)."""
    opened: list[Any] = []
    yield opened
    for connector in opened:
        connector.close()


@pytest.fixture(scope="session")
def _salesforce_server() -> Iterator[tuple[FakeSalesforce, str]]:
    fake = FakeSalesforce()
    with serve(fake.app) as url:
        yield fake, url


@pytest.fixture
def salesforce(_salesforce_server: tuple[FakeSalesforce, str]) -> tuple[FakeSalesforce, str]:
    fake, url = _salesforce_server
    fake.reset()
    fake.base_url = url
    return fake, url


@pytest.fixture(scope="session")
def _zoho_server() -> Iterator[tuple[FakeZoho, str]]:
    fake = FakeZoho()
    with serve(fake.app) as url:
        yield fake, url


@pytest.fixture
def zoho(_zoho_server: tuple[FakeZoho, str]) -> tuple[FakeZoho, str]:
    fake, url = _zoho_server
    fake.reset()
    fake.base_url = url
    return fake, url
