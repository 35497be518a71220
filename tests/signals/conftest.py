"""Fixtures of the signal tests."""

from __future__ import annotations

import pytest

from crmsense.signals.config import HealthConfig, load_config


@pytest.fixture(scope="session")
def cfg() -> HealthConfig:
    """The shipped configuration."""
    return load_config()
