"""Template helpers: evidence highlighting (escaped, server-side), money, chart data.

>>> str(highlight("a <b> c", [SpanOut(start=2, end=5, weight=-0.5)]))
'a <mark class="neg" title="pushes negative (-0.50)">&lt;b&gt;</mark> c'
>>> money(587_000), money(1_250_000), money(None)
('$587k', '$1.25M', '—')
"""

from __future__ import annotations

__all__ = ["ARROWS", "chart", "highlight", "install", "money", "timestamps"]

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from crmsense.api.schemas import SpanOut

#: Trend direction → (arrow, words for screen readers and tooltips).
ARROWS = {
    "improving": ("↗", "improving"),
    "stable": ("→", "stable"),
    "declining": ("↘", "declining"),
}
#: Colour per channel in charts (readable on white, distinct for common colour blindness).
COLOURS = ("#0550ae", "#bc4c00", "#1a7f37", "#8250df", "#cf222e", "#57606a", "#9a6700")


def highlight(text: str, spans: Sequence[SpanOut]) -> Markup:
    """``text`` HTML-escaped, with each evidence span in ``<mark>`` (overlaps skipped)."""
    out, at = [], 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < at or span.end > len(text):
            continue
        kind, words = ("neg", "negative") if span.weight < 0 else ("pos", "positive")
        out.append(escape(text[at : span.start]))
        out.append(
            Markup('<mark class="{}" title="pushes {} ({:+.2f})">{}</mark>').format(
                kind, words, span.weight, text[span.start : span.end]
            )
        )
        at = span.end
    out.append(escape(text[at:]))
    return Markup("").join(out)


def money(value: float | None) -> str:
    """ARR and amounts, short: ``$587k``, ``$1.25M``."""
    if value is None:
        return "—"
    if value >= 1_000_000:
        return f"${value / 1_000_000:.3g}M"
    if value >= 1_000:
        return f"${value / 1_000:,.0f}k"
    return f"${value:,.0f}"


def timestamps(days: Sequence[date | datetime]) -> list[float]:
    """Dates as POSIX seconds (UTC noon for a date), the x values uPlot expects."""
    return [
        (d if isinstance(d, datetime) else datetime.combine(d, time(12), tzinfo=UTC)).timestamp()
        for d in days
    ]


def chart(x: Sequence[float], series: dict[str, Sequence[float | None]]) -> dict[str, Any]:
    """The ``data-series`` payload app.js draws: x values and one named line per series."""
    return {
        "x": list(x),
        "y": [list(v) for v in series.values()],
        "names": list(series),
        "colors": [COLOURS[i % len(COLOURS)] for i in range(len(series))],
    }


ROLE_NAMES = {"csm": "CSM", "csm_manager": "CSM manager", "account_executive": "Account executive",
              "deal_owner": "Deal owner"}  # fmt: skip


def role(name: str) -> str:
    """A role as people write it: ``csm_manager`` → ``CSM manager``."""
    return ROLE_NAMES.get(name, name.replace("_", " ").capitalize())


def _when(value: datetime | None) -> str:
    return "—" if value is None else value.strftime("%Y-%m-%d %H:%M")


def install(templates: Jinja2Templates) -> None:
    """Register the helpers as template globals and filters."""
    env = templates.env
    env.filters.update(money=money, when=_when, role=role)
    env.globals.update(highlight=highlight, arrows=ARROWS, chart=chart)
