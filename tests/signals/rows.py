"""Rows of one account built in a line: what the pure signal tests feed in."""

from __future__ import annotations

from crmsense.signals.data import DAY, MessageRow

AS_OF_T = 400 * DAY


def msg(i: int | str, days_ago: float, score: float | None = 0.0, **kw: object) -> MessageRow:
    """A customer e-mail ``days_ago`` before :data:`AS_OF_T` (scored unless score is None)."""
    fields: dict[str, object] = {"confidence": 1.0, "length": 100, "contact": "c1"}
    fields.update(kw)
    return MessageRow(str(i), AS_OF_T - days_ago * DAY, score=score, **fields)  # type: ignore[arg-type]
