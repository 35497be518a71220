"""The ``crmsense`` command line: thin Typer commands over library functions.

Each command lives in its own module and registers itself on :data:`app`.
"""

from __future__ import annotations

__all__ = ["app", "main"]

# Importing a command module registers its commands on the app (one module per line).
from crmsense.cli import (  # noqa: F401
    alerts,
    analyze,
    connect,
    demo,
    ingest,
    serve,
    signals,
    stats,
    train,
)
from crmsense.cli.app import app


def main() -> None:
    """Console-script entry point."""
    import typer

    from crmsense.cli.app import fail
    from crmsense.errors import CrmsenseError, UnusableInputError

    try:
        app()
    except CrmsenseError as exc:  # raised outside a command's own handling
        code = 2 if isinstance(exc, UnusableInputError) else 1
        try:
            fail(exc, code=code)
        except typer.Exit:  # outside click's main loop: exit here, without a traceback
            raise SystemExit(code) from None
