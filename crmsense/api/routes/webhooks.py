"""``POST /api/v1/webhooks/{provider}``: signed deliveries from survey tools.

The receiver is the connectors' (:mod:`crmsense.connectors.webhook_router`); it is
authenticated by the provider's signature, not an API key. Mounted here so that its
error answers are declared with the one error body.
"""

from __future__ import annotations

from fastapi import APIRouter

from crmsense.api.errors import error_responses
from crmsense.connectors.webhook_router import router as receiver

router = APIRouter(responses=error_responses(400, 401, 404, 409, 422))
router.include_router(receiver)
