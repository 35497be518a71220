"""Every docstring example in the package runs and holds (modules listed by walking it, so
a new example cannot be forgotten by a hand-written list)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import crmsense

MODULES = sorted(m.name for m in pkgutil.walk_packages(crmsense.__path__, "crmsense."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:  # an optional extra, e.g. torch for [train]
        pytest.skip(f"{name} needs {exc.name}, not installed")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
