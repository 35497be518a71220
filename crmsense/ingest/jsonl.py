"""JSON Lines: the native interchange format (``docs/interchange-format.md``)."""

from __future__ import annotations

__all__ = ["JsonlImporter", "parse_lines"]

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
        suffix = path.suffix.lower()
        if suffix in (".jsonl", ".ndjson"):
            return True
        if suffix != ".json":
            return False
        with path.open("rb") as fh:
            head = fh.read(4096).lstrip()
        return head.startswith(b"{") and b'"type"' in head.split(b"\n", 1)[0]

    def read(self, path: Path, options: ImportOptions) -> Iterator[Read]:
        return parse_lines(read_text(path), str(path), options)


def parse_lines(text: str, origin: str, options: ImportOptions) -> Iterator[Read]:
    """Parse JSON Lines ``text``; ``origin`` names it in locations (a path, "request")."""
    loads = json.loads
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        where = Location(origin, number)
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
        except RecursionError:
            yield Problem(
                where,
                "line",
                "the JSON is nested too deeply to read",
                "flatten the record: nest objects and arrays only a few levels deep",
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
