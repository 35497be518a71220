"""Every benchmark runs through ``python -m benchmarks NAME`` (each module has ``main``)."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
NAMES = sorted(
    m.name for m in pkgutil.iter_modules([str(BENCHMARKS)]) if m.name.startswith("bench_")
)


@pytest.mark.parametrize("name", NAMES)
def test_each_benchmark_has_a_main(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS.parent))
    module = importlib.import_module(f"benchmarks.{name}")
    assert callable(getattr(module, "main", None)), f"benchmarks/{name}.py needs a main()"
