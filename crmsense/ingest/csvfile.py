"""CSV with a header row: any record type, any channel, columns mapped to record fields.

``options.mapping`` maps a record FIELD to a CSV COLUMN (``text=Body``); columns whose
names already are record fields (``account_id``, ``Account ID``, ``owners.csm``) are used
as they are; other columns are ignored. ``options.defaults`` fills what the file lacks and
``type`` defaults to ``message``. Empty cells are left out, values stay strings (the
record models coerce ``"4"`` to a score of 4.0).

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = p.write_text('Ticket ID;Body\\nT-1;"Two\\nlines"\\nT-2;Short\\n')
>>> opts = ImportOptions(mapping={"id": "Ticket ID", "text": "Body"})
>>> [(i.where.line, i.data) for i in CsvImporter().read(p, opts)]  # doctest: +NORMALIZE_WHITESPACE
[(2, {'id': 'T-1', 'text': 'Two\\nlines', 'type': 'message'}),
 (4, {'id': 'T-2', 'text': 'Short', 'type': 'message'})]
"""

from __future__ import annotations

__all__ = [
    "CsvImporter",
    "CsvTable",
    "column_key",
    "fill_defaults",
    "map_columns",
    "read_dicts",
    "read_table",
    "sniff_delimiter",
]

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from crmsense.errors import UnusableInputError
from crmsense.ingest.base import ImportOptions, Item, Location, Problem, Read
from crmsense.ingest.decode import read_text

_DELIMITERS = ",;\t"
_SNIFF_CHARS = 64 * 1024
_MAX_CELL_CHARS = 64 * 1024 * 1024  # longer cells are refused by the record models anyway


def column_key(name: str) -> str:
    """A column name as a record field would spell it.

    >>> column_key(" Account ID "), column_key("owners.csm"), column_key("Ticket-Priority")
    ('account_id', 'owners.csm', 'ticket_priority')
    """
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text: comma, semicolon or tab (comma when unsure).

    >>> [sniff_delimiter(t) for t in ("a;b;c\\n1;2;3\\n", "a\\tb\\n1\\t2\\n", "x\\n")]
    [';', '\\t', ',']
    """
    sample = text[:_SNIFF_CHARS]
    header = sample.split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        delimiter = ""
    if not delimiter or delimiter not in header:
        # The sniffer is fooled by prose in quoted cells; the header row rarely lies.
        counts = {d: header.count(d) for d in _DELIMITERS}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    return delimiter


@dataclass
class CsvTable:
    """A CSV file split into rows; ``rows`` yields ``(first physical line, cells)``."""

    path: Path
    delimiter: str
    rows: Iterator[tuple[int, list[str]]]

    def next_row(self) -> tuple[int, list[str]]:
        """The next non-blank row; a file without one is unusable."""
        for row in self.rows:
            if any(cell.strip() for cell in row[1]):
                return row
        raise UnusableInputError(
            f"{self.path}: no header row; the first line must name the columns", code="E106"
        )

    def width_problem(self, line: int, cells: list[str], width: int) -> Problem | None:
        """A :class:`Problem` when a row's cell count differs from the header's."""
        if len(cells) == width or (len(cells) > width and not any(cells[width:])):
            return None
        name = {",": "comma", ";": "semicolon", "\t": "tab"}[self.delimiter]
        return Problem(
            Location(str(self.path), line), "row",
            f"{len(cells)} cells where the header has {width}",
            f"give every row {width} cells; quote cells that contain a {name} or a line break",
            self.delimiter.join(cells)[:2000],
        )  # fmt: skip


def read_table(path: Path, *, keep_blank: bool = False) -> CsvTable:
    """Decode ``path`` (any common encoding), sniff its delimiter and split it into rows:
    empty lines never count, rows of blank cells only with ``keep_blank``."""
    text = read_text(path)
    if not text.strip():
        raise UnusableInputError(
            f"{path}: the file is empty; export it with a header row", code="E106"
        )
    delimiter = "\t" if path.suffix.lower() == ".tsv" else sniff_delimiter(text)
    return CsvTable(path, delimiter, _rows(text, delimiter, keep_blank=keep_blank))


def read_dicts(path: Path) -> tuple[list[str], Iterator[dict[str, str]]]:
    """The header of a CSV (:func:`read_table`) and its rows as column → cell, a short
    row's missing cells read as empty. Rows of blank cells are rows here (``crmsense
    analyze`` writes one object per input row); only empty lines are skipped.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("text;label\\nGreat;positive\\nMeh\\n")
    >>> header, rows = read_dicts(p)
    >>> header, list(rows)
    (['text', 'label'], [{'text': 'Great', 'label': 'positive'}, {'text': 'Meh', 'label': ''}])
    """
    table = read_table(path, keep_blank=True)
    _, header = table.next_row()
    width = len(header)
    rows = (
        dict(zip(header, [*cells, *[""] * (width - len(cells))], strict=False))
        for _, cells in table.rows
    )
    return header, rows


def _rows(text: str, delimiter: str, *, keep_blank: bool) -> Iterator[tuple[int, list[str]]]:
    # The csv module refuses cells over 128 KiB by default; texts may be up to 2M chars.
    if csv.field_size_limit() < _MAX_CELL_CHARS:
        csv.field_size_limit(_MAX_CELL_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    last = 0
    for cells in reader:
        first, last = last + 1, reader.line_num
        if any(cell.strip() for cell in cells) or (keep_blank and cells):
            yield first, cells


def map_columns(
    path: Path, header: list[str], mapping: dict[str, str], fields: frozenset[str]
) -> list[tuple[int, str]]:
    """(column index, record field) pairs: ``mapping`` first, then columns named as ``fields``.

    >>> map_columns(Path("t.csv"), ["Body", "Account ID", "Notes"], {"text": "body"},
    ...             frozenset({"text", "account_id"}))
    [(0, 'text'), (1, 'account_id')]
    """
    names = [name.strip() for name in header]
    folded = [name.lower() for name in names]
    pairs: list[tuple[int, str]] = []
    for field, column in mapping.items():
        wanted = column.strip()
        if wanted in names:
            pairs.append((names.index(wanted), field))
        elif wanted.lower() in folded:
            pairs.append((folded.index(wanted.lower()), field))
        else:
            raise UnusableInputError(
                f"{path}: --map {field}={column}: there is no column {column!r}; "
                f"the header has: {', '.join(names)}",
                code="E107",
            )
    taken = {index for index, _ in pairs}
    for index, name in enumerate(names):
        key = column_key(name)
        if index not in taken and key not in mapping and key.split(".")[0] in fields:
            pairs.append((index, key))
    return pairs


@cache
def _record_fields() -> frozenset[str]:
    from crmsense import records

    models = (
        records.AccountRecord,
        records.ContactRecord,
        records.DealRecord,
        records.MessageRecord,
        records.CallRecord,
        records.SurveyRecord,
        records.UsageRecord,
        records.ActivityRecord,
        records.OutcomeRecord,
    )
    return frozenset(name for model in models for name in model.model_fields)


def fill_defaults(data: dict[str, Any], options: ImportOptions) -> dict[str, Any]:
    """Fill what ``data`` lacks from ``options.defaults`` and ``options.source``; return it."""
    for key, value in options.defaults.items():
        data.setdefault(key, value)
    if options.source != "local":
        data.setdefault("source", options.source)
    return data


def _put(data: dict[str, Any], field: str, value: str) -> None:
    """Set ``field`` in ``data``; dotted fields (``owners.csm``) nest."""
    *parents, leaf = field.split(".")
    for parent in parents:
        data = data.setdefault(parent, {})
    data[leaf] = value


class CsvImporter:
    """A header row, then one record per row (see the module docstring)."""

    name: ClassVar[str] = "csv.v1"

    def sniff(self, path: Path) -> bool:
        return path.suffix.lower() in (".csv", ".tsv")

    def read(self, path: Path, options: ImportOptions) -> Iterator[Read]:
        table = read_table(path)
        _, header = table.next_row()
        columns = map_columns(path, header, options.mapping, _record_fields())
        for line, cells in table.rows:
            problem = table.width_problem(line, cells, len(header))
            if problem:
                yield problem
                continue
            data: dict[str, Any] = {}
            for index, field in columns:
                if cells[index].strip():
                    _put(data, field, cells[index])
            fill_defaults(data, options).setdefault("type", "message")
            yield Item(Location(str(path), line), data)
