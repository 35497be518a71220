"""One exception hierarchy for crmsense.

Every error carries a stable code (``E1xx`` input, ``E2xx`` storage, ``E3xx`` models,
``E4xx`` configuration, ``E5xx`` integrations) and a message that says what to do::

    CrmsenseError
    ├── ConfigError            E4xx  bad settings, rules or health-score files
    ├── InputError             E1xx  a record, file or request we cannot accept
    │   └── UnusableInputError       the whole input is unreadable (CLI exit 2)
    ├── StorageError           E2xx  database unreachable, schema out of date
    ├── ModelError             E3xx  model files missing or incompatible
    ├── MissingExtraError      E001  an optional dependency is not installed
    └── IntegrationError       E5xx  a CRM, survey tool or LLM endpoint failed
        └── RateLimitedError         the remote side asked us to slow down
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "CrmsenseError",
    "InputError",
    "IntegrationError",
    "MissingExtraError",
    "ModelError",
    "RateLimitedError",
    "StorageError",
    "UnusableInputError",
    "require_extra",
]

import importlib
from types import ModuleType


class CrmsenseError(Exception):
    """Base class: ``code`` is stable and documented, ``str(err)`` says what to do."""

    code = "E000"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"[{self.code}] {self.args[0]}"


class ConfigError(CrmsenseError):
    code = "E400"


class InputError(CrmsenseError):
    code = "E100"


class UnusableInputError(InputError):
    code = "E101"


class StorageError(CrmsenseError):
    code = "E200"


class ModelError(CrmsenseError):
    code = "E300"


class MissingExtraError(CrmsenseError):
    code = "E001"


class IntegrationError(CrmsenseError):
    code = "E500"


class RateLimitedError(IntegrationError):
    code = "E501"

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def require_extra(module: str, extra: str) -> ModuleType:
    """Import an optional dependency, or fail with the exact install command.

    >>> require_extra("json", "core").__name__
    'json'
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(
            f"{module!r} is not installed; run: pip install 'crmsense[{extra}]'"
        ) from exc
