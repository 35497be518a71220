"""Fake CRM servers (one per session, state reset per test) and connector factories."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

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


F = TypeVar("F", FakeHubSpot, FakeSalesforce, FakeZoho)


def _served(fake: F) -> Iterator[tuple[F, str]]:
    """``fake`` served for the session: ``(fake, its base URL)``."""
    with serve(fake.app) as url:
        fake.base_url = url
        yield fake, url


def _fresh(server: tuple[F, str]) -> tuple[F, str]:
    """The session's fake, emptied for one test."""
    server[0].reset()
    return server


@pytest.fixture(scope="session")
def _hubspot_server() -> Iterator[tuple[FakeHubSpot, str]]:
    yield from _served(FakeHubSpot())


@pytest.fixture
def hubspot(_hubspot_server: tuple[FakeHubSpot, str]) -> tuple[FakeHubSpot, str]:
    return _fresh(_hubspot_server)


@pytest.fixture
def closing() -> Iterator[list[Any]]:
    """Connectors appended here are closed after the test (no leaked sockets)."""
    opened: list[Any] = []
    yield opened
    for connector in opened:
        connector.close()


@pytest.fixture(scope="session")
def _salesforce_server() -> Iterator[tuple[FakeSalesforce, str]]:
    yield from _served(FakeSalesforce())


@pytest.fixture
def salesforce(_salesforce_server: tuple[FakeSalesforce, str]) -> tuple[FakeSalesforce, str]:
    return _fresh(_salesforce_server)


@pytest.fixture(scope="session")
def _zoho_server() -> Iterator[tuple[FakeZoho, str]]:
    yield from _served(FakeZoho())


@pytest.fixture
def zoho(_zoho_server: tuple[FakeZoho, str]) -> tuple[FakeZoho, str]:
    return _fresh(_zoho_server)
