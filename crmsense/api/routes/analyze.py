"""``POST /api/v1/analyze``: text in, analysis out — synchronous, for chat."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from crmsense.analysis.types import Analysis, Document
from crmsense.api.deps import ReadKey
from crmsense.api.errors import error_responses
from crmsense.api.schemas import AnalyzeBatchRequest, AnalyzeRequest

router = APIRouter(
    prefix="/api/v1", tags=["analyze"], responses=error_responses(401, 403, 413, 422, 503)
)


def _engine_name(request: Request, name: str | None) -> str:
    return name or request.app.state.settings.engine


@router.post("/analyze", response_model=Analysis)
async def analyze(body: AnalyzeRequest, request: Request, _: ReadKey) -> Analysis:
    """Analyse one text (subject and channel optional)."""
    from crmsense.analysis.api import analyze_documents

    doc = Document(
        text=body.text, subject=body.subject, channel=body.channel, topics=tuple(body.topics)
    )
    [result] = await run_in_threadpool(
        analyze_documents, [doc], engine=_engine_name(request, body.engine)
    )
    return result


@router.post("/analyze/batch", response_model=list[Analysis])
async def analyze_batch(body: AnalyzeBatchRequest, request: Request, _: ReadKey) -> list[Analysis]:
    """Analyse up to 1,000 texts in one call (channel and topics apply to every text)."""
    from crmsense.analysis.api import analyze

    return await run_in_threadpool(
        analyze, body.texts, channel=body.channel, topics=body.topics,
        engine=_engine_name(request, body.engine),
    )  # fmt: skip
