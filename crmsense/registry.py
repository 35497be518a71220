"""Registries: extension points resolved by stable, versioned names.

Built-in implementations register exactly as third parties do: a name such as
``"jsonl.v1"`` maps to ``"module:attribute"``, imported only when first used, so
importing crmsense does no work. Stored rows keep the name, never a code path.
Third-party packages add entries through the ``crmsense.<kind>`` entry-point group.

>>> r = Registry[object]("demo")
>>> r.register("thing.v1", "json:dumps")
>>> r.get("thing.v1")([1])
'[1]'
"""

from __future__ import annotations

__all__ = ["Registry"]

import importlib
from importlib.metadata import entry_points
from typing import Generic, TypeVar

from crmsense.errors import ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    """Names → lazily imported objects for one extension point."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._targets: dict[str, str] = {}
        self._loaded: dict[str, T] = {}
        self._entry_points_read = False

    def register(self, name: str, target: str | T) -> None:
        """Register ``target`` ("module:attr" or the object itself) under ``name``."""
        if isinstance(target, str):
            self._targets[name] = target
            self._loaded.pop(name, None)
        else:
            self._loaded[name] = target
            self._targets[name] = f"<object {target!r}>"

    def names(self) -> list[str]:
        self._read_entry_points()
        return sorted(self._targets)

    def get(self, name: str) -> T:
        """Return the object registered under ``name``; unknown names raise ConfigError."""
        if name in self._loaded:
            return self._loaded[name]
        self._read_entry_points()
        if name not in self._targets:
            known = ", ".join(self.names()) or "none"
            raise ConfigError(f"unknown {self.kind} {name!r}; known: {known}", code="E401")
        module_name, _, attr = self._targets[name].partition(":")
        obj: T = getattr(importlib.import_module(module_name), attr)
        self._loaded[name] = obj
        return obj

    def _read_entry_points(self) -> None:
        if self._entry_points_read:
            return
        self._entry_points_read = True
        for ep in entry_points(group=f"crmsense.{self.kind}"):
            self._targets.setdefault(ep.name, ep.value)
