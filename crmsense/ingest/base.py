"""The importer protocol: a file in, raw interchange records (or problems) out.

An importer only reads and maps; validation, id resolution and storage are the
pipeline's job (:mod:`crmsense.ingest.pipeline`), so every importer gets the same
guarantees for free.
"""

from __future__ import annotations

__all__ = ["ImportOptions", "Importer", "Item", "Location", "Problem", "Read"]

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol


@dataclass(frozen=True, slots=True)
class Location:
    """Where a record came from: ``file:line`` (line 0 = the whole file)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True, slots=True)
class Item:
    """One raw record in the interchange format, not yet validated."""

    where: Location
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Problem:
    """A record that could not be read; ``raw`` is kept for the rejects file."""

    where: Location
    field: str
    message: str
    fix: str
    raw: Any = None


Read = Item | Problem


@dataclass(frozen=True)
class ImportOptions:
    """Options every importer understands; each uses what applies to it.

    ``mapping`` renames input columns to record fields (CSV, survey exports);
    ``defaults`` fills fields the input lacks (e.g. ``{"channel": "ticket"}``);
    ``speaker_roles`` maps transcript speaker names to customer/rep.
    """

    source: str = "local"
    mapping: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    speaker_roles: dict[str, str] = field(default_factory=dict)
    own_domains: tuple[str, ...] = ()


class Importer(Protocol):
    """Reads one file (or folder) into raw records. Registered by a stable name."""

    name: ClassVar[str]

    def sniff(self, path: Path) -> bool:
        """True when this importer recognises ``path`` (used by ``--format auto``)."""
        ...

    def read(self, path: Path, options: ImportOptions) -> Iterator[Read]:
        """Yield an :class:`Item` per record or a :class:`Problem` per unreadable one.

        Raise :class:`crmsense.errors.UnusableInputError` when nothing can be read.
        """
        ...
