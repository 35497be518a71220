"""The REST API and web dashboard (FastAPI). Build it with :func:`create_app`."""

from __future__ import annotations

__all__ = ["create_app"]

from typing import Any


def create_app(*args: Any, **kwargs: Any) -> Any:
    """Build the ASGI app; see :func:`crmsense.api.app.create_app`."""
    from crmsense.api.app import create_app as build

    return build(*args, **kwargs)
