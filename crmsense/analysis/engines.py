"""The engine protocol and the registry of engines by stable, versioned name.

An engine reads sentences; :class:`crmsense.analysis.analyzer.Analyzer` does the rest
(splitting, aspects, kind, intent, calls, calibration) the same way for every engine.
"""

from __future__ import annotations

__all__ = ["ENGINES", "Engine"]

from collections.abc import Sequence
from typing import ClassVar, Protocol

from crmsense.analysis.types import Prediction
from crmsense.registry import Registry


class Engine(Protocol):
    """Scores short texts. ``name`` and ``model_version`` are stored with each analysis."""

    name: ClassVar[str]
    model_version: str

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """One :class:`Prediction` per text, in order. Must be deterministic."""
        ...


ENGINES: Registry[type[Engine]] = Registry("engines")
ENGINES.register("rules.v1", "crmsense.analysis.rules.engine:RuleEngine")
ENGINES.register("model.v1", "crmsense.analysis.model.engine:ModelEngine")
ENGINES.register("llm.v1", "crmsense.analysis.llm:LlmEngine")
