"""Mentions of configured competitor names (``Settings.competitors`` or an argument).

Whole words, case-insensitive; names may contain dots or spaces ("Monday.com", "Zoho
CRM"). Each name is reported once, spelled as configured, in order of first mention.

>>> CompetitorFinder(["Gong", "Monday.com"]).find("We moved to monday.com; GONG too. Gongs!")
['Monday.com', 'Gong']
"""

from __future__ import annotations

__all__ = ["CompetitorFinder", "normalized"]

import re
from collections.abc import Iterable


def normalized(names: Iterable[str]) -> list[str]:
    """Distinct non-blank names, trimmed and lower-cased, sorted: how configured competitor
    names (and topics) are compared.

    >>> normalized([" Zendesk", "zendesk", "", "HubSpot"])
    ['hubspot', 'zendesk']
    """
    return sorted({name.strip().lower() for name in names if name.strip()})


class CompetitorFinder:
    """Compiled once per analyzer; :meth:`find` runs one regular expression per text."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = {n.strip().lower(): n.strip() for n in names if n.strip()}
        alternatives = sorted(self.names, key=len, reverse=True)
        self._pattern = (
            re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, alternatives))})(?!\w)", re.I)
            if alternatives else None
        )  # fmt: skip

    def find(self, text: str) -> list[str]:
        """Configured names mentioned in ``text``."""
        if self._pattern is None:
            return []
        found = dict.fromkeys(self.names[m.group(0).lower()] for m in self._pattern.finditer(text))
        return list(found)
