"""crmsense: a self-hosted customer-sentiment engine for CRMs.

>>> import crmsense
>>> crmsense.__version__
'0.1.0'
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
