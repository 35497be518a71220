"""Request dependencies: the database, the analyzer, and scope checks."""

from __future__ import annotations

__all__ = [
    "MAX_OFFSET",
    "AdminKey",
    "DbDep",
    "Limit",
    "NoNul",
    "Offset",
    "PlaybookDep",
    "ReadKey",
    "WriteKey",
    "require",
]

import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator

from crmsense.alerts.config import Playbook, load_playbook
from crmsense.api.security import COOKIE, has_scope, verify_key
from crmsense.store.db import Database

_bearer = HTTPBearer(auto_error=False, description="API key from `crmsense keys create`")


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


DbDep = Annotated[Database, Depends(get_db)]


def require(scope: str) -> Callable[..., frozenset[str]]:
    """Dependency: a valid, unrevoked key (bearer token or session cookie) with ``scope``."""

    def check(
        request: Request,
        db: DbDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> frozenset[str]:
        key = credentials.credentials if credentials else request.cookies.get(COOKIE)
        scopes = verify_key(db, key) if key else None
        if scopes is None:
            raise HTTPException(
                401,
                "a valid API key is required: Authorization: Bearer <key>",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if not has_scope(scopes, scope):
            raise HTTPException(403, f"this key lacks the {scope!r} scope")
        return scopes

    return check


Limit = Annotated[int, Query(ge=1, le=500, description="Page size.")]
#: The largest 64-bit integer: SQL OFFSET takes no more on either backend.
MAX_OFFSET = 2**63 - 1
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip.")]


def _no_nul(value: str | None) -> str | None:
    if value is not None and "\x00" in value:
        raise ValueError("must not contain a NUL (%00) character")
    return value


#: An id or filter text from the path or query string: PostgreSQL cannot compare NUL.
NoNul = AfterValidator(_no_nul)
ReadKey = Annotated[frozenset[str], Depends(require("read"))]
WriteKey = Annotated[frozenset[str], Depends(require("write"))]
AdminKey = Annotated[frozenset[str], Depends(require("admin"))]


def get_playbook(request: Request) -> Playbook:
    """The alert playbook (``CRMSENSE_RULES``, as for ``crmsense alerts``, else the
    default), loaded once per process on first use."""
    state = request.app.state
    if getattr(state, "playbook", None) is None:
        path = os.environ.get("CRMSENSE_RULES")
        state.playbook = load_playbook(Path(path) if path else None)
    playbook: Playbook = state.playbook
    return playbook


PlaybookDep = Annotated[Playbook, Depends(get_playbook)]
