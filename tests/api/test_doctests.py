"""The docstring examples of the API and dashboard modules run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    "name",
    ["crmsense.api.security", "crmsense.api.queries.common", "crmsense.web.common",
     "crmsense.web.format"],
)  # fmt: skip
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
