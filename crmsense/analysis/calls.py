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
  raised): the customer spoke again after their last objection, and what they said after
  it within the closing third reads neutral or positive (since the eighth session; before,
  an objection anywhere in the closing third left it unresolved, even when the customer's
  last word was "That works, thanks") and neither hedges nor puts the decision off (since
  the ninth session: "Sure. No promises though.", "We'll see.", "Let me think about it."
  had counted as resolving a price objection).
- A rep's sympathy ("I'm so sorry to hear that.", "I apologise for the inconvenience.",
  "I completely understand your frustration.") is courtesy, not the rep's mood: every
  engine reads it as negative (``model.v1``: −0.85, −0.82, −0.62), which made an
  empathetic rep read as the unhappy one. The Analyzer reads such a rep sentence as
  neutral (:func:`is_sympathy`). Only the rep's: a customer's "sorry to hear" is theirs,
  and in tweets and reviews the same words quote a complaint.

>>> is_sympathy("I'm so sorry to hear that, let me look into it.")
True
>>> is_sympathy("Sorry, the export is still broken on our side.")
False
"""

from __future__ import annotations

__all__ = ["call_text", "customer_side", "is_sympathy", "summarize_call"]

import math
import re
from collections.abc import Callable, Sequence

from crmsense.analysis.aggregate import aggregate, label_of, word_count
from crmsense.analysis.intent import RULES, has_objection
from crmsense.analysis.types import (
    EMOTIONS,
    CallSummary,
    Prediction,
    SpeakerSentiment,
    Trajectory,
)
from crmsense.text.patterns import APOSTROPHE as _A

Segment = tuple[str, str, str]
_NOT_NOW = dict(RULES)["polite_disengagement"]
"""The reply intent's "not now" wording ("let me think about it", "circle back")."""

_SYMPATHY = re.compile(
    r"^\W*(?:(?:oh no|oh dear|oh|ah|gosh|okay|ok|right|yes|yeah),? )?(?:"
    r"(?:i(?:'|’)m|i am|we(?:'|’)re|we are) (?:so |very |really |truly |terribly )?sorry "
    r"(?:to hear|about|for|that)|so sorry|sorry about that|sorry to hear"
    r"|(?:i|we) (?:do |sincerely |really )?apologi[sz]e|(?:my|our) apologies|apologies for"
    r"|(?:i|we) (?:completely |totally |fully |really )?understand (?:your|the|how) "
    r"(?:frustrat|concern|annoy|disappoint|urgency|frustrating)"
    r"|that (?:must|would|sounds like it would) be (?:so |really |very )?(?:frustrating|"
    r"annoying|stressful|difficult)|that sounds (?:so |really |very )?(?:frustrating|"
    r"annoying|stressful|difficult))"
)
"""The openings of sympathy and apology, for lower-cased sentences."""
_OWN_TROUBLE = re.compile(
    r"\bstill (?:broken|down|failing|not working|ongoing|happening|going on|an issue)\b"
)
"""Trouble still going on: an apology for it is news, not only courtesy."""


def is_sympathy(sentence: str) -> bool:
    """Whether ``sentence`` opens with sympathy or an apology ("I'm sorry to hear that",
    "we apologise for the inconvenience", "I understand your frustration", "that must be
    frustrating") and reports no trouble that is still going on."""
    lowered = sentence.lower()
    return bool(_SYMPATHY.search(lowered)) and not _OWN_TROUBLE.search(lowered)


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
    raised_at = [k for k, i in enumerate(side) if objection(segments[i][2])]
    resolved = None
    if raised_at:
        # what the customer said after their last objection, within the closing third
        later = [i for i in side[raised_at[-1] + 1 :] if i in closing]
        resolved = (
            bool(later)
            and label_of(aggregate([scored[i] for i in later]).probs) != "negative"
            and not any(_uncommitted(segments[i][2]) for i in later)
        )
    return Trajectory(
        opening=round(start.score, 4),
        closing=round(end.score, 4),
        change=round(end.score - start.score, 4),
        objection_raised=bool(raised_at),
        objection_resolved=resolved,
    )


_HEDGE = re.compile(
    rf"\bno promises\b|\bwe(?:{_A}ll| will) (?:have to )?see\b|\b(?:i{_A}m|i am|we{_A}re|we are)"
    rf" (?:still |just )?not (?:sure|convinced)\b|\b(?:i|we) doubt\b|\bnot (?:yet )?sold\b"
    r"|\bdon(?:'|’)?t get your hopes up\b"
)
"""A customer who has not come round: "Sure. No promises though.", "We'll see.", "I'm
still not convinced." (ninth session)."""


def _uncommitted(text: str) -> bool:
    """Whether a customer's words after an objection hedge or put the decision off
    (:data:`_HEDGE`, or the reply intent's polite disengagement: "let me think about it")."""
    lowered = text.lower()
    return bool(_HEDGE.search(lowered) or _NOT_NOW.search(lowered))


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
