"""Ingest: importers for every channel, behind one protocol, and the pipeline that stores.

Built-in importers are registered by stable name, exactly as third parties register
theirs (entry-point group ``crmsense.importers``).
"""

from __future__ import annotations

__all__ = ["IMPORTERS", "IngestReport", "ingest_paths"]

from typing import TYPE_CHECKING, Any

from crmsense.ingest.base import Importer
from crmsense.registry import Registry

if TYPE_CHECKING:
    from crmsense.ingest.pipeline import IngestReport, ingest_paths

IMPORTERS: Registry[type[Importer]] = Registry("importers")
IMPORTERS.register("jsonl.v1", "crmsense.ingest.jsonl:JsonlImporter")
IMPORTERS.register("csv.v1", "crmsense.ingest.csvfile:CsvImporter")
IMPORTERS.register("email.v1", "crmsense.ingest.email:EmailImporter")
IMPORTERS.register("transcript.v1", "crmsense.ingest.transcript:TranscriptImporter")
IMPORTERS.register("survey.v1", "crmsense.ingest.survey:SurveyExportImporter")

#: Auto-detection asks importers in this order (survey exports before generic CSV).
SNIFF_ORDER = ("jsonl.v1", "email.v1", "transcript.v1", "survey.v1", "csv.v1")

#: Short names accepted by ``crmsense ingest --format``.
FORMATS = {
    "jsonl": "jsonl.v1",
    "csv": "csv.v1",
    "email": "email.v1",
    "eml": "email.v1",
    "mbox": "email.v1",
    "transcript": "transcript.v1",
    "vtt": "transcript.v1",
    "srt": "transcript.v1",
    "survey": "survey.v1",
}


def __getattr__(name: str) -> Any:
    if name in ("IngestReport", "ingest_paths"):
        from crmsense.ingest import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
