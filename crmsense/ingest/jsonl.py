"""JSON Lines: the native interchange format (``docs/interchange-format.md``)."""

from __future__ import annotations

__all__ = ["JsonlImporter"]

import json
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from crmsense.ingest.base import ImportOptions, Item, Location, Problem, Read
from crmsense.ingest.decode import read_text


class JsonlImporter:
    """One JSON object per line; blank lines and ``#`` comments are skipped."""

    name: ClassVar[str] = "jsonl.v1"

    def sniff(self, path: Path) -> bool:
        return path.suffix.lower() in (".jsonl", ".ndjson", ".json")

    def read(self, path: Path, options: ImportOptions) -> Iterator[Read]:
        text = read_text(path)
        loads = json.loads
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            where = Location(str(path), number)
            try:
                data = loads(stripped)
            except json.JSONDecodeError as exc:
                yield Problem(
                    where,
                    "line",
                    f"not valid JSON ({exc.msg}, column {exc.colno})",
                    "write one complete JSON object per line",
                    stripped[:2000],
                )
                continue
            if not isinstance(data, dict):
                yield Problem(
                    where,
                    "line",
                    f"expected a JSON object, got {type(data).__name__}",
                    "wrap the record in {...} with a type field",
                    data,
                )
                continue
            if options.source != "local":
                data.setdefault("source", options.source)
            for key, value in options.defaults.items():
                data.setdefault(key, value)
            yield Item(where, data)
