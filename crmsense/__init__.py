"""crmsense: a self-hosted customer-sentiment engine for CRMs.

>>> import crmsense
>>> crmsense.__version__
'0.1.0'
"""

from __future__ import annotations

__all__ = ["__version__", "analyze"]

from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """``crmsense.analyze`` is imported on first use, so ``import crmsense`` stays cheap."""
    if name == "analyze":
        from crmsense.analysis.api import analyze

        return analyze
    raise AttributeError(f"module 'crmsense' has no attribute {name!r}")
