"""One error body for every 4xx/5xx: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

__all__ = ["ErrorBody", "install_error_handlers"]

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from crmsense.errors import (
    ConfigError,
    CrmsenseError,
    InputError,
    IntegrationError,
    ModelError,
    StorageError,
)

log = logging.getLogger("crmsense.api")


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(error=ErrorDetail(code=code, message=message, details=details))
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


_STATUS = {
    InputError: 422,
    ConfigError: 400,
    StorageError: 503,
    ModelError: 503,
    IntegrationError: 502,
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CrmsenseError)
    async def _crmsense(_: Request, exc: CrmsenseError) -> JSONResponse:
        status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 500)
        return error_response(status, exc.code, str(exc.args[0]))

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        return error_response(
            exc.status_code,
            f"HTTP{exc.status_code}",
            str(exc.detail),
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
        ]
        return error_response(422, "E120", "the request body is not valid", details)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error: %s", exc.__class__.__name__)  # never the body
        return error_response(500, "E999", "internal error; see the server log")
