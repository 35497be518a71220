"""The ``crmsense`` command line: thin Typer commands over library functions.

Each command lives in its own module and registers itself on :data:`app`.
"""

from __future__ import annotations

__all__ = ["app", "main"]

from crmsense.cli.app import app
from crmsense.cli import ingest, stats  # noqa: F401,E402  (registers commands)


def main() -> None:
    """Console-script entry point."""
    from crmsense.cli.app import fail
    from crmsense.errors import CrmsenseError, UnusableInputError

    try:
        app()
    except CrmsenseError as exc:
        fail(exc, code=2 if isinstance(exc, UnusableInputError) else 1)
