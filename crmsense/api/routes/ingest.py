"""``POST /api/v1/ingest``: interchange records as a JSON array, one object, or JSON Lines."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from crmsense.api.deps import DbDep, WriteKey
from crmsense.api.errors import error_responses
from crmsense.api.schemas import IngestResult
from crmsense.errors import InputError
from crmsense.ingest.base import ImportOptions, Item, Location, Problem, Read
from crmsense.ingest.decode import decode_bytes
from crmsense.ingest.jsonl import parse_lines
from crmsense.ingest.pipeline import ingest_reads

router = APIRouter(prefix="/api/v1", tags=["ingest"], responses=error_responses(401, 403, 413, 422))


def _reads(body: bytes) -> list[Read]:
    text = decode_bytes(body).strip()
    if not text:
        raise InputError("empty body: send interchange records as JSON or JSON Lines", code="E122")
    try:
        parsed: Any = json.loads(text)
    except json.JSONDecodeError:
        return list(parse_lines(text, "request", ImportOptions()))
    except RecursionError:
        raise InputError(
            "the JSON is nested too deeply to read; nest records only a few levels deep",
            code="E122",
        ) from None
    if isinstance(parsed, dict):
        parsed = [parsed]
    if not isinstance(parsed, list):
        raise InputError("expected a JSON array of records or JSON Lines", code="E122")
    return [
        Item(Location("request", n), r)
        if isinstance(r, dict)
        else Problem(
            Location("request", n),
            "line",
            f"expected a JSON object, got {type(r).__name__}",
            "wrap the record in {...} with a type field",
            r,
        )
        for n, r in enumerate(parsed, start=1)
    ]


@router.post(
    "/ingest",
    response_model=IngestResult,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                "application/x-ndjson": {"schema": {"type": "string"}},
            },
            "required": True,
        }
    },
)
async def ingest(request: Request, db: DbDep, _: WriteKey) -> IngestResult:
    """Store records; valid ones land even when others are rejected (each with its line)."""
    reads = _reads(await request.body())
    report = await run_in_threadpool(ingest_reads, db, reads)
    rejected = [
        {"line": r.line, "field": r.field, "error": r.error, "fix": r.fix} for r in report.rejected
    ]
    return IngestResult(
        accepted=dict(report.accepted), rejected=rejected, repeated=len(report.repeated)
    )
