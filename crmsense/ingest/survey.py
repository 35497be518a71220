"""Survey exports (NPS, CSAT, CES) as Delighted, SurveyMonkey and Typeform write them.

The vendor is recognised from the header row; each response becomes a ``survey`` record
with the vendor's response id, score, comment, respondent e-mail and date (as ISO UTC).
The score column is the vendor's ``Score`` (Delighted) or the question that asks for it
("How likely are you to recommend …" → NPS, "How satisfied …" → CSAT, "How easy …" →
CES). ``options.mapping`` (FIELD → COLUMN) overrides any of these, ``options.defaults``
fills what the export lacks (``kind``, ``account_id`` …). Scores are passed through as
read, so one outside its scale is rejected by the pipeline with its line.

>>> to_iso("10/01/2026 02:03:04 PM"), to_iso("1790863380"), to_iso("2026-10-01 14:03:00")
('2026-10-01T14:03:04+00:00', '2026-10-01T14:03:00+00:00', '2026-10-01T14:03:00+00:00')
>>> score_text("9 - Very likely"), score_text("Very satisfied"), score_text("n/a")
('9', '5', 'n/a')
"""

from __future__ import annotations

__all__ = ["VENDORS", "SurveyExportImporter", "Vendor", "score_text", "to_iso"]

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from crmsense.errors import UnusableInputError
from crmsense.ingest.base import ImportOptions, Item, Location, Read
from crmsense.ingest.csvfile import fill_defaults, map_columns, read_table, sniff_delimiter
from crmsense.ingest.decode import decode_bytes


@dataclass(frozen=True, slots=True)
class Vendor:
    """How one survey tool lays out its CSV export (column names lower-cased)."""

    name: str
    #: The export is this vendor's when every column of any one set is in the header.
    signatures: tuple[frozenset[str], ...]
    #: Header rows before the first response (SurveyMonkey adds a row of answer labels).
    header_rows: int
    #: Candidate columns per record field, first present wins.
    columns: dict[str, tuple[str, ...]]
    #: The kind when neither options, a column nor the question text tell it.
    default_kind: str | None = None

    def matches(self, header: list[str]) -> bool:
        names = {name.strip().lower() for name in header}
        return any(signature <= names for signature in self.signatures)


VENDORS = (
    Vendor(
        "delighted",
        (frozenset({"response id", "score"}), frozenset({"survey_type", "score", "created_at"})),
        1,
        {"id": ("response id", "id"), "score": ("score",), "comment": ("comment",),
         "email": ("email", "person email"), "kind": ("survey type", "survey_type"),
         "timestamp": ("response timestamp", "created", "created_at")},
        default_kind="nps",
    ),
    Vendor(
        "surveymonkey",
        (frozenset({"respondent id", "collector id"}),),
        2,
        {"id": ("respondent id",), "email": ("email address",),
         "timestamp": ("end date", "start date")},
    ),
    Vendor(
        "typeform",
        (frozenset({"#", "submit date (utc)"}), frozenset({"#", "network id"})),
        1,
        {"id": ("#",), "timestamp": ("submit date (utc)", "start date (utc)")},
    ),
)  # fmt: skip

#: Question wording that tells the survey kind, in the order they are tried.
KIND_QUESTIONS = {
    "nps": re.compile(r"\brecommend", re.I),
    "csat": re.compile(r"\bsatisf", re.I),
    "ces": re.compile(r"\beas(?:y|ier|e)\b|\beffort", re.I),
}
_COMMENT_QUESTION = re.compile(
    r"\bwhy\b|\breason|\bcomment|\bfeedback|\btell us\b|\banything else\b|\bimprove|\bexplain",
    re.I,
)
_OPEN_ENDED = "open-ended response"
_SURVEY_FIELDS = frozenset({"id", "kind", "score", "comment", "email", "timestamp",
                            "account_id", "contact_id"})  # fmt: skip
_LEADING_NUMBER = re.compile(r"\s*(-?\d+(?:[.,]\d+)?)(?!\d)")
#: Five-point satisfaction labels (SurveyMonkey exports answer text, not numbers).
CSAT_LABELS = {
    "very satisfied": 5, "satisfied": 4, "neither satisfied nor dissatisfied": 3, "neutral": 3,
    "dissatisfied": 2, "very dissatisfied": 1,
}  # fmt: skip
_DATE_FORMATS = (
    "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M",
    "%m/%d/%Y", "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S %Z",
)  # fmt: skip
_SNIFF_BYTES = 64 * 1024


def to_iso(value: str) -> str:
    """A vendor date as ISO 8601 UTC; naive dates are taken as UTC, unknown ones kept as is.

    Reads ISO dates, US dates with or without AM/PM (SurveyMonkey) and Unix epoch
    seconds or milliseconds (Delighted's API).
    """
    text = value.strip()
    parsed: datetime | None = None
    if re.fullmatch(r"\d{9,13}(?:\.\d+)?", text):
        seconds = float(text) / (1000 if len(text.split(".")[0]) == 13 else 1)
        try:
            parsed = datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, ValueError, OSError):  # past year 9999: the pipeline says so
            return value
    else:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            for fmt in _DATE_FORMATS:
                try:
                    parsed = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
    if parsed is None:
        return value
    try:
        parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31 23:59:59 -0500: kept, the pipeline rejects it
        return value
    return parsed.isoformat()


def score_text(value: str) -> str:
    """The number in a score answer ("9", "9 - Very likely", "Very satisfied" → 5)."""
    match = _LEADING_NUMBER.match(value)
    if match:
        return match.group(1).replace(",", ".")
    label = CSAT_LABELS.get(value.strip().lower())
    return value if label is None else str(label)


def detect_vendor(header: list[str]) -> Vendor | None:
    """The vendor whose export has this header row, if any."""
    return next((vendor for vendor in VENDORS if vendor.matches(header)), None)


def _first_row(path: Path) -> list[str]:
    with path.open("rb") as fh:
        sample = fh.read(_SNIFF_BYTES)
    text = decode_bytes(sample[: len(sample) // 4 * 4] if len(sample) == _SNIFF_BYTES else sample)
    return next(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)), [])


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where each record field is in one export, and the kind when it is not a column."""

    columns: list[tuple[int, str]]
    kind: str | None


def _score_question(names: list[str], kind: str | None) -> tuple[int, str] | None:
    """(column, kind) of the first question whose wording asks for a score of ``kind``."""
    kinds = [kind] if kind in KIND_QUESTIONS else list(KIND_QUESTIONS)
    for wanted in kinds:
        for index, name in enumerate(names):
            if KIND_QUESTIONS[wanted].search(name):
                return index, wanted
    return None


def _comment_question(names: list[str], labels: list[str], score: int) -> int | None:
    """The first open-ended or "why …" question after the score question."""
    for index in range(score + 1, len(names)):
        if names[index] == names[score]:
            continue
        if _COMMENT_QUESTION.search(names[index]) or labels[index].lower() == _OPEN_ENDED:
            return index
    return None


def _layout(
    path: Path, vendor: Vendor, header: list[str], labels: list[str], options: ImportOptions
) -> _Layout:
    names = [name.strip() for name in header]
    for i, name in enumerate(names):  # SurveyMonkey leaves follow-on option columns unnamed
        if not name and i:
            names[i] = names[i - 1]
    folded = [name.lower() for name in names]
    labels = [label.strip() for label in labels] + [""] * (len(names) - len(labels))
    pairs = map_columns(path, names, options.mapping, _SURVEY_FIELDS)
    found = {field for _, field in pairs}
    for field, candidates in vendor.columns.items():
        index = next((folded.index(c) for c in candidates if c in folded), None)
        if field not in found and index is not None:
            pairs.append((index, field))
            found.add(field)
    kind = options.defaults.get("kind")
    if "score" not in found:
        question = _score_question(names, kind)
        if question is None:
            raise UnusableInputError(
                f"{path}: no score column in this {vendor.name} export; pass --map "
                "score=COLUMN and --set kind=nps|csat|ces",
                code="E109",
            )
        pairs.append((question[0], "score"))
        kind = kind or question[1]
        comment = _comment_question(names, labels, question[0])
        if "comment" not in found and comment is not None:
            pairs.append((comment, "comment"))
    if "email" not in found:
        email = next((i for i, name in enumerate(folded) if "email" in name), None)
        if email is not None:
            pairs.append((email, "email"))
    return _Layout(pairs, kind or vendor.default_kind)


class SurveyExportImporter:
    """Delighted, SurveyMonkey and Typeform CSV exports → survey records."""

    name: ClassVar[str] = "survey.v1"

    def sniff(self, path: Path) -> bool:
        if path.suffix.lower() not in (".csv", ".tsv") or not path.is_file():
            return False
        try:
            return detect_vendor(_first_row(path)) is not None
        except (OSError, csv.Error):
            return False

    def read(self, path: Path, options: ImportOptions) -> Iterator[Read]:
        table = read_table(path)
        _, header = table.next_row()
        vendor = detect_vendor(header)
        if vendor is None:
            raise UnusableInputError(
                f"{path}: not a Delighted, SurveyMonkey or Typeform export; import it with "
                "--format csv --set type=survey --map score=COLUMN …",
                code="E109",
            )
        labels = table.next_row()[1] if vendor.header_rows == 2 else []
        layout = _layout(path, vendor, header, labels, options)
        for line, cells in table.rows:
            problem = table.width_problem(line, cells, len(header))
            if problem:
                yield problem
                continue
            data: dict[str, Any] = {"type": "survey"}
            for index, field in layout.columns:
                value = cells[index].strip()
                if value:
                    data[field] = value
            fill_defaults(data, options)
            if layout.kind:
                data.setdefault("kind", layout.kind)
            if isinstance(data.get("kind"), str):
                data["kind"] = data["kind"].strip().lower()
            if isinstance(data.get("score"), str):
                data["score"] = score_text(data["score"])
            if isinstance(data.get("timestamp"), str):
                data["timestamp"] = to_iso(data["timestamp"])
            yield Item(Location(str(path), line), data)
