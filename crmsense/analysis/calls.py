"""Calls: sentiment per speaker and per role, and the customer's trajectory.

A call is a sequence of segments ``(speaker, role, text)``; role is ``customer``,
``rep`` or ``other``. The "customer side" is the customer segments, or, when no segment
is marked customer, every segment that is not the rep's.

- Per speaker and per role: segment readings combined by
  :func:`crmsense.analysis.aggregate.aggregate`.
- Trajectory: the customer side's opening third against its closing third (at least one
  segment each); ``change = closing - opening``.
- ``objection_raised``: objection language (price, timing, competitor, authority …) in
  any customer-side segment: :func:`~crmsense.analysis.intent.has_objection`, or the
  caller's ``objection`` (the Analyzer's adds a customer weighing a competitor,
  :mod:`~crmsense.analysis.defection`). ``objection_resolved`` (None when none was
  raised): the closing third reads neutral or positive and raises no objection itself.
"""

from __future__ import annotations

__all__ = ["call_text", "customer_side", "summarize_call"]

import math
from collections.abc import Callable, Sequence

from crmsense.analysis.aggregate import aggregate, label_of, word_count
from crmsense.analysis.intent import has_objection
from crmsense.analysis.types import (
    EMOTIONS,
    CallSummary,
    Prediction,
    SpeakerSentiment,
    Trajectory,
)

Segment = tuple[str, str, str]


def call_text(segments: Sequence[Segment]) -> tuple[str, list[tuple[int, int]]]:
    """The segment texts joined by newlines, and each segment's ``(start, end)`` in it.

    >>> call_text([("Ann", "rep", "Hi!"), ("Bo", "customer", "Hello.")])
    ('Hi!\\nHello.', [(0, 3), (4, 10)])
    """
    spans, pos = [], 0
    for _, _, text in segments:
        spans.append((pos, pos + len(text)))
        pos += len(text) + 1
    return "\n".join(text for _, _, text in segments), spans


def customer_side(segments: Sequence[Segment]) -> list[int]:
    """Indices of the customer's segments (see the module docstring)."""
    customer = [i for i, (_, role, _) in enumerate(segments) if role == "customer"]
    return customer or [i for i, (_, role, _) in enumerate(segments) if role != "rep"]


def _sentiment(
    name: str, role: str, indices: Sequence[int], segments: Sequence[Segment],
    readings: Sequence[Prediction | None],
) -> SpeakerSentiment | None:  # fmt: skip
    parts = [(word_count(segments[i][2]), r) for i in indices if (r := readings[i]) is not None]
    if not parts:
        return None
    whole = aggregate(parts)
    emotions = {e: round(whole.emotions.get(e, 0.0), 4) for e in EMOTIONS}
    return SpeakerSentiment(
        speaker=name,
        role=role,
        label=label_of(whole.probs),
        score=round(whole.score, 4),
        segments=len(parts),
        emotions=emotions,
    )


def _trajectory(
    segments: Sequence[Segment], readings: Sequence[Prediction | None],
    objection: Callable[[str], bool],
) -> Trajectory:  # fmt: skip
    scored = {i: (word_count(segments[i][2]), r) for i in customer_side(segments)
              if (r := readings[i]) is not None}  # fmt: skip
    side = list(scored)
    if not side:
        return Trajectory(
            opening=0.0, closing=0.0, change=0.0, objection_raised=False, objection_resolved=None
        )
    third = max(1, math.ceil(len(side) / 3))
    opening, closing = side[:third], side[-third:]
    start = aggregate([scored[i] for i in opening])
    end = aggregate([scored[i] for i in closing])
    raised = any(objection(segments[i][2]) for i in side)
    calm = not any(objection(segments[i][2]) for i in closing)
    resolved = label_of(end.probs) != "negative" and calm if raised else None
    return Trajectory(
        opening=round(start.score, 4),
        closing=round(end.score, 4),
        change=round(end.score - start.score, 4),
        objection_raised=raised,
        objection_resolved=resolved,
    )


def summarize_call(
    segments: Sequence[Segment], readings: Sequence[Prediction | None],
    objection: Callable[[str], bool] = has_objection,
) -> CallSummary:  # fmt: skip
    """Per-speaker, per-role and trajectory figures; ``readings[i]`` is segment i's
    combined prediction, or None for a segment with nothing to score."""
    speakers: dict[str, list[int]] = {}
    roles: dict[str, list[int]] = {}
    for i, (speaker, role, _) in enumerate(segments):
        speakers.setdefault(speaker, []).append(i)
        roles.setdefault(role, []).append(i)
    by_speaker = [
        s for name, idx in speakers.items()
        if (s := _sentiment(name, segments[idx[0]][1], idx, segments, readings)) is not None
    ]  # fmt: skip
    by_role = {
        role: s for role, idx in roles.items()
        if (s := _sentiment(role, role, idx, segments, readings)) is not None
    }  # fmt: skip
    return CallSummary(
        speakers=by_speaker,
        roles=by_role,
        trajectory=_trajectory(segments, readings, objection),
    )
