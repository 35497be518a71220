"""The ingest pipeline: read → clean → validate → resolve → store, with a rejects file.

Guarantees, whatever the importer: a bad record is reported (file, line, field, fix),
written to the rejects file and never half-stored; valid records in the same file still
land; re-running an import adds nothing (upserts by source and id or natural key).

>>> from crmsense.store import open_database
>>> db = open_database("sqlite://"); db.migrate()
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a.jsonl"
>>> _ = p.write_text('{"type":"account","id":"acme","name":"Acme"}\\n{"type":"outcome"}\\n')
>>> report = ingest_paths(db, [p], rejects_path=p.with_suffix(".rejects.jsonl"))
>>> report.accepted["account"], len(report.rejected), report.exit_code
(1, 1, 3)
"""

from __future__ import annotations

__all__ = ["IngestReport", "Rejection", "Repeat", "ingest_paths", "ingest_reads", "ingest_records"]

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError

from crmsense.errors import InputError, UnusableInputError
from crmsense.ingest.base import Importer, ImportOptions, Item, Location, Problem
from crmsense.records import Record, explain, parse_record, record_key
from crmsense.store.db import Database
from crmsense.store.writer import WRITE_ORDER, RecordWriter, Unresolved
from crmsense.text.clean import clean_text
from crmsense.text.reply import new_text

Progress = Callable[[int, int | None], None]
"""Called as ``progress(done, total)``; total is None while unknown."""


@dataclass(frozen=True, slots=True)
class Rejection:
    """One rejected record: where, which field, why, and what to do."""

    file: str
    line: int
    field: str
    error: str
    fix: str
    record: Any = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.error} — {self.fix}"


@dataclass(frozen=True, slots=True)
class Repeat:
    """A record whose key (id, or natural key) an earlier record of the same input had:
    the later record is stored, as a re-import would, and counted once."""

    file: str
    line: int
    key: str
    earlier_line: int

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key} repeats line {self.earlier_line}; this later record is kept"


@dataclass
class IngestReport:
    """What an ingest run did. ``exit_code``: 0 all accepted, 3 some rejected, 2 unusable.

    ``accepted`` counts distinct records; ``repeated`` lists the records that replaced an
    earlier one with the same key in the same input (not an error).
    """

    accepted: Counter[str] = field(default_factory=Counter)
    rejected: list[Rejection] = field(default_factory=list)
    repeated: list[Repeat] = field(default_factory=list)
    unusable: list[str] = field(default_factory=list)
    files: int = 0
    rejects_path: Path | None = None

    @property
    def exit_code(self) -> int:
        if self.unusable and not self.accepted:
            return 2
        if self.rejected or self.unusable:
            return 3
        return 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "accepted": dict(self.accepted),
            "rejected": len(self.rejected),
            "repeated": len(self.repeated),
            "unusable": self.unusable,
            "rejects_file": str(self.rejects_path) if self.rejects_path else None,
        }


_TEXT_FIELDS = ("text", "comment", "subject")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Clean the texts of one record in place; an e-mail keeps only its new text (quoted
    history, forwards and signatures out, whatever the source: CRM e-mail bodies hold the
    whole thread, which would be read again with every reply)."""
    for key in _TEXT_FIELDS:
        value = data.get(key)
        if isinstance(value, str):
            data[key] = clean_text(value)
    if data.get("type") == "message" and data.get("channel") == "email":
        text = data.get("text")
        if isinstance(text, str) and text:
            data["text"] = new_text(text)
    segments = data.get("segments")
    if isinstance(segments, list):
        for seg in segments:
            if isinstance(seg, dict) and isinstance(seg.get("text"), str):
                seg["text"] = clean_text(seg["text"])
    return data


_MAX_DEPTH = 32


def _unstorable(data: dict[str, Any]) -> tuple[str, str, str] | None:
    """(field, error, fix) when ``data`` holds what no backend stores alike, else None.

    NUL characters (PostgreSQL refuses them in text) and values nested so deeply that
    serialising them to the ``extra`` JSON column would exhaust the stack.

    >>> _unstorable({"id": "a\\x00", "owners": {"csm": "x"}, "segments": [{"speaker": "\\x00"}]})[0]
    'id, segments.0.speaker'
    >>> _unstorable({"id": "a", "x": [[[]]]}) is None
    True
    """
    if _storable(data, 0):  # the common case, checked without naming paths
        return None
    nuls: list[str] = []
    stack: list[tuple[str, int, Any]] = [("", 0, data)]
    while stack:  # iterative: the JSON parser allows deeper nesting than the encoder
        path, depth, value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                nuls.append(path or "record")
        elif isinstance(value, dict | list):
            if depth >= _MAX_DEPTH:
                return (
                    path.split(".")[0],
                    f"nested more than {_MAX_DEPTH} levels deep",
                    "flatten the value",
                )
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend(
                reversed([(f"{path}.{key}".lstrip("."), depth + 1, item) for key, item in items])
            )
    if nuls:
        return (
            ", ".join(nuls),
            "contains a NUL (\\x00) character",
            "remove the NUL characters from the value (the export may be corrupt)",
        )
    return None


def _storable(value: Any, depth: int) -> bool:
    """No NUL in any text, and no object or list nested ``_MAX_DEPTH`` levels deep."""
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, list):
        return True
    if depth >= _MAX_DEPTH:
        return False
    for item in value:  # noqa: SIM110 - a plain loop: half the time of all(generator) per record
        if not _storable(item, depth + 1):
            return False
    return True


def choose_importer(path: Path, fmt: str) -> Importer:
    """The importer for ``path``: by ``--format`` name, else the first that sniffs it."""
    from crmsense.ingest import FORMATS, IMPORTERS, SNIFF_ORDER

    if fmt != "auto":
        return IMPORTERS.get(FORMATS.get(fmt, fmt))()
    names = IMPORTERS.names()
    for name in [*SNIFF_ORDER, *(n for n in names if n not in SNIFF_ORDER)]:
        importer = IMPORTERS.get(name)()
        if importer.sniff(path):
            return importer
    raise UnusableInputError(
        f"{path}: cannot tell the format; pass --format (one of: jsonl, csv, email, "
        "transcript, survey)",
        code="E104",
    )


def _expand(paths: Iterable[Path], fmt: str) -> Iterator[Path]:
    """Folders expand to their files, except for importers that read folders whole."""
    for path in paths:
        if path.is_dir() and fmt not in ("email", "eml", "mbox", "email.v1"):
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not p.name.startswith(".")
                and not p.name.endswith(".rejects.jsonl")
            )
        else:
            yield path


def ingest_paths(
    db: Database,
    paths: Iterable[Path],
    *,
    fmt: str = "auto",
    options: ImportOptions | None = None,
    rejects_path: Path | None = None,
    progress: Progress | None = None,
    batch_size: int = 2000,
) -> IngestReport:
    """Import every file under ``paths`` into ``db`` and return the report.

    Rejected records are written to ``rejects_path`` (JSON Lines) when given.
    """
    options = options or ImportOptions()
    report = IngestReport()
    for path in _expand(paths, fmt):
        report.files += 1
        try:
            if not path.exists():
                raise UnusableInputError(f"{path}: no such file or folder", code="E102")
            importer = choose_importer(path, fmt)
            _ingest_one(db, importer.read(path, options), report, progress, batch_size)
        except UnusableInputError as exc:
            report.unusable.append(str(exc))
    if report.rejected and rejects_path is not None:
        report.rejects_path = rejects_path
        with report.rejects_path.open("w", encoding="utf-8") as fh:
            for rejection in report.rejected:
                fh.write(_reject_line(rejection) + "\n")
    return report


def _reject_line(rejection: Rejection) -> str:
    """The rejection as one JSON line (a record nested too deeply to encode is left out)."""
    row = {f.name: getattr(rejection, f.name) for f in fields(rejection)}
    try:
        return json.dumps(row, default=str, ensure_ascii=False)
    except RecursionError:
        return json.dumps(dict(row, record=None), default=str, ensure_ascii=False)


_Valid = tuple[Location, Record, dict[str, Any]]
"""Where a valid record was read, the record, and the raw object (for a rejection)."""


def _ingest_one(
    db: Database,
    reads: Iterable[Item | Problem],
    report: IngestReport,
    progress: Progress | None,
    batch_size: int,
) -> None:
    # (source, type) → record key → the last valid record with that key
    valid: defaultdict[tuple[str, str], dict[tuple[str, ...], _Valid]] = defaultdict(dict)
    seen = 0
    for read in reads:
        seen += 1
        if progress and seen % 1000 == 0:
            progress(0, None)
        if isinstance(read, Problem):
            report.rejected.append(
                Rejection(
                    read.where.file, read.where.line, read.field, read.message, read.fix, read.raw
                )
            )
            continue
        unstorable = _unstorable(_clean(read.data))
        if unstorable is not None:
            # PostgreSQL cannot store NUL in text: refuse it on every backend alike.
            report.rejected.append(
                Rejection(read.where.file, read.where.line, *unstorable, read.data)
            )
            continue
        try:
            record = parse_record(read.data)
        except ValidationError as exc:
            errors = explain(exc)
            fields = ", ".join(e.field for e in errors)
            messages = "; ".join(e.message for e in errors)
            fixes = "; ".join(dict.fromkeys(e.fix for e in errors))
            report.rejected.append(
                Rejection(read.where.file, read.where.line, fields, messages, fixes, read.data)
            )
            continue
        same = valid[(record.source, record.type)]
        key = record_key(record)
        earlier = same.pop(key, None)
        if earlier is not None:
            shown = f"{record.type} {', '.join(map(repr, key))}"
            report.repeated.append(Repeat(read.where.file, read.where.line, shown,
                                          earlier[0].line))  # fmt: skip
        same[key] = (read.where, record, read.data)
    total = sum(len(v) for v in valid.values())
    done = 0
    for kind in WRITE_ORDER:
        for (source, rtype), keyed in valid.items():
            if rtype != kind:
                continue
            items = list(keyed.values())
            for start in range(0, len(items), batch_size):
                chunk = items[start : start + batch_size]
                _write_chunk(db, source, kind, chunk, report)
                done += len(chunk)
                if progress:
                    progress(done, total)


def _write_chunk(
    db: Database,
    source: str,
    kind: str,
    chunk: list[_Valid],
    report: IngestReport,
) -> None:
    """One transaction for the chunk; on a database error, retry record by record."""
    try:
        with db.engine.begin() as conn:
            problems = RecordWriter(conn, source).write(kind, [r for _, r, _ in chunk])
    except DBAPIError:
        if len(chunk) == 1:
            where, _, raw = chunk[0]
            report.rejected.append(
                Rejection(
                    where.file,
                    where.line,
                    "record",
                    "the database refused this record",
                    "check the values' sizes and types",
                    raw,
                )
            )
            return
        for item in chunk:
            _write_chunk(db, source, kind, [item], report)
        return
    refused = {p.index for p in problems}
    for problem in problems:
        where, _, raw = chunk[problem.index]
        report.rejected.append(_rejection(where, problem, raw))
    report.accepted[kind] += len(chunk) - len(refused)


def _rejection(where: Location, problem: Unresolved, raw: dict[str, Any]) -> Rejection:
    return Rejection(where.file, where.line, problem.field, problem.message, problem.fix, raw)


def ingest_reads(db: Database, reads: Iterable[Item | Problem]) -> IngestReport:
    """Ingest records already read (API bodies, webhooks, connectors): same guarantees."""
    report = IngestReport()
    _ingest_one(db, reads, report, None, 2000)
    return report


def ingest_records(db: Database, records: list[Any], origin: str = "request") -> IngestReport:
    """Ingest parsed interchange objects; ``origin`` names them in rejections."""
    if not isinstance(records, list):
        raise InputError("expected a list of records", code="E105")
    return ingest_reads(
        db,
        (
            Item(Location(origin, n), dict(r))
            if isinstance(r, dict)
            else Problem(
                Location(origin, n),
                "record",
                "expected a JSON object",
                "send one object per record",
                r,
            )
            for n, r in enumerate(records, start=1)
        ),
    )
