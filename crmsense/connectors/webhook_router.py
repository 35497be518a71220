"""``POST /api/v1/webhooks/{provider}``: the FastAPI router the API server mounts.

Authentication is the provider's signature (no API key). Answers: ``200`` stored or
ignored, ``202`` spooled (database unavailable; replayed on the next start), ``401``
unsigned/bad signature/stale, ``404`` provider not enabled, ``409`` replay, ``400``/``422``
bad payload. The receiver is built once per app from ``app.state.db`` and the
``CRMSENSE_WEBHOOKS_*`` settings; building it replays the spool. After each stored
response the alert rules run at once (:func:`evaluate_alerts`: a detractor gets its
follow-up task within seconds); set ``app.state.webhook_after_ingest`` to replace that.

    app.include_router(crmsense.connectors.webhook_router.router)
"""

from __future__ import annotations

__all__ = ["evaluate_alerts", "receiver_for", "router"]

import logging
import threading
from typing import Any, Literal

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from crmsense.connectors.config import WebhookConfig, load_config
from crmsense.connectors.webhooks import WebhookReceiver, WebhookRejected
from crmsense.errors import CrmsenseError
from crmsense.store.db import Database

log = logging.getLogger("crmsense.webhooks")
router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])
_lock = threading.Lock()


class WebhookReceipt(BaseModel):
    provider: str
    status: Literal["stored", "spooled", "ignored"]
    records: int
    delivery: str


def evaluate_alerts(db: Database, records: list[dict[str, Any]]) -> None:
    """Run the alert rules now for what just arrived (incremental), delivering at once.

    A failure is logged, not raised: the response is stored, and the next
    ``crmsense run`` evaluates it anyway.
    """
    from crmsense.alerts.engine import evaluate

    try:
        evaluate(db, deliver=True)
    except CrmsenseError as exc:
        log.error("alert rules after a webhook failed (%s); `crmsense run` will retry", exc.code)


def receiver_for(app: FastAPI) -> WebhookReceiver:
    """The app's receiver, built (and its spool replayed) on first use."""
    with _lock:
        receiver: WebhookReceiver | None = getattr(app.state, "webhook_receiver", None)
        if receiver is None:
            config = getattr(app.state, "webhook_config", None) or load_config(WebhookConfig)
            receiver = WebhookReceiver(
                app.state.db,
                config,
                after_ingest=getattr(app.state, "webhook_after_ingest", evaluate_alerts),
            )
            replayed = receiver.replay_spool()
            if replayed:
                log.info("replayed %d spooled webhook deliveries", replayed)
            app.state.webhook_receiver = receiver
    return receiver


@router.post(
    "/{provider}",
    response_model=WebhookReceipt,
    responses={202: {"model": WebhookReceipt, "description": "Spooled: database unavailable"}},
    openapi_extra={"requestBody": {"content": {"application/json": {"schema": {}}}}},
)
async def receive(
    provider: Literal["delighted", "typeform", "surveymonkey", "generic"], request: Request
) -> JSONResponse:
    """Receive one signed delivery from a survey tool (or any signed JSON sender)."""
    receiver = await run_in_threadpool(receiver_for, request.app)
    body = await request.body()
    try:
        receipt = await run_in_threadpool(receiver.receive, provider, request.headers, body)
    except WebhookRejected as exc:
        log.warning("webhook %s rejected (%d): %s", provider, exc.status, exc.args[0])
        raise HTTPException(exc.status, exc.args[0]) from None
    status = 202 if receipt.status == "spooled" else 200
    return JSONResponse(receipt.to_dict(), status_code=status)
