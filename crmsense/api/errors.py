"""One error body for every 4xx/5xx: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

__all__ = [
    "ErrorBody",
    "error_response",
    "error_responses",
    "install_error_handlers",
    "not_found",
]

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


_MEANING = {
    400: "The payload cannot be used.",
    401: "No valid API key: send `Authorization: Bearer <key>`.",
    403: "The key lacks the scope this route needs.",
    404: "No such record.",
    409: "The record is not in a state that allows this (or a delivery was replayed).",
    413: "The request body is too large.",
    422: "The request is not valid.",
    503: "The database or the model is unavailable.",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries: these statuses answer with :class:`ErrorBody`."""
    return {s: {"model": ErrorBody, "description": _MEANING[s]} for s in statuses}


def not_found(what: str, ident: object, hint: str) -> HTTPException:
    """A 404 for an unknown id, saying where the valid ones are listed."""
    return HTTPException(404, f"no {what} {ident!r}; {hint}")


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
        return error_response(422, "E120", "the request is not valid; see details", details)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error: %s", exc.__class__.__name__)  # never the body
        return error_response(500, "E999", "internal error; see the server log")
