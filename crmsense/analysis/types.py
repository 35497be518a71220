"""What an analysis holds: the one return type of every engine, CLI and API call."""

from __future__ import annotations

__all__ = [
    "CHANNELS",
    "EMOTIONS",
    "EMOTION_MAP",
    "INTENTS",
    "KINDS",
    "LABELS",
    "Analysis",
    "AspectSentiment",
    "CallSummary",
    "Document",
    "Evidence",
    "Prediction",
    "Risk",
    "RiskMention",
    "SentenceSentiment",
    "SpeakerSentiment",
    "TopicSentiment",
    "Trajectory",
]

from dataclasses import dataclass, field, replace
from typing import Literal

from pydantic import BaseModel, Field

Label = Literal["negative", "neutral", "positive"]
Channel = Literal["email", "ticket", "chat", "social", "note", "survey"]
Kind = Literal["conversational", "transactional", "auto_reply"]
Risk = Literal["leaving", "weighing", "threat", "contact_leaving"]
Intent = Literal[
    "interest", "polite_disengagement", "objection", "out_of_office", "unsubscribe", "referral",
    "other",
]  # fmt: skip

LABELS: tuple[Label, ...] = ("negative", "neutral", "positive")
CHANNELS: tuple[Channel, ...] = ("email", "ticket", "chat", "social", "note", "survey")
"""Where a text came from: an e-mail is read for its new text only; a survey comment, a
support ticket and a note have no reply intent."""
KINDS: tuple[Kind, ...] = ("conversational", "transactional", "auto_reply")
INTENTS: tuple[Intent, ...] = (
    "interest", "polite_disengagement", "objection", "out_of_office", "unsubscribe", "referral",
    "other",
)  # fmt: skip
EMOTIONS: tuple[str, ...] = (
    "frustration", "anger", "disappointment", "confusion", "urgency", "enthusiasm",
    "satisfaction",
)  # fmt: skip
PRAISE_EMOTIONS: tuple[str, ...] = ("satisfaction", "enthusiasm")
DISPLEASURE_EMOTIONS: tuple[str, ...] = ("frustration", "anger", "disappointment")
"""The emotions that go with a positive and with a negative reading (a corrected reading
caps those of the side it turned from; sarcasm turns praise into frustration)."""
EMOTION_MAP: dict[str, tuple[str, ...]] = {
    "frustration": ("annoyance",),
    "anger": ("anger",),
    "disappointment": ("disappointment", "sadness"),
    "confusion": ("confusion", "nervousness"),
    "urgency": (),  # no public training data: the rule engine's urgency lexicon scores it
    "enthusiasm": ("excitement", "joy", "optimism", "love"),
    "satisfaction": ("gratitude", "approval", "relief", "admiration"),
}
"""crmsense emotion ← GoEmotions labels: ``model.v1`` combines their probabilities as
noisy-or, 1 - Π(1 - p), and ``rules.v1``'s emotion calibration is fitted against them
(:mod:`crmsense.analysis.rules.build`); one map for both engines. Admiration and love
joined on 2026-12-05: "The new dashboard is great, the team loves it!" had read
satisfaction 0.03 and enthusiasm 0.03."""


# -- engine-level contract ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Document:
    """One text to analyse. ``segments`` (speaker, role, text) makes it a call."""

    text: str
    subject: str | None = None
    channel: str | None = None
    direction: str | None = None
    auto_reply: bool = False
    segments: tuple[tuple[str, str, str], ...] = ()
    topics: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Evidence:
    """A span of the text and how much it pushed the score (signed)."""

    start: int
    end: int
    text: str
    weight: float


@dataclass(slots=True)
class Prediction:
    """An engine's reading of one sentence (or short text).

    ``probs`` are (negative, neutral, positive) and sum to 1; ``score`` is intensity in
    [-1, 1]; ``evidence`` offsets are relative to the text given to the engine.
    """

    probs: tuple[float, float, float]
    score: float
    emotions: dict[str, float] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    kind: dict[str, float] | None = None
    intent: dict[str, float] | None = None

    def reads(self, label: Label) -> bool:
        """Whether ``label`` is more probable than each other label.

        >>> Prediction((0.2, 0.3, 0.5), 0.3).reads("positive")
        True
        """
        i = LABELS.index(label)
        return all(self.probs[i] > p for k, p in enumerate(self.probs) if k != i)

    def swapped(self, first: Label, second: Label) -> Prediction:
        """The probabilities of two labels swapped, the score recomputed, the emotions
        capped as in :meth:`mirrored` and the word spans (which pushed the other way)
        dropped: a negative reading of paperwork turns neutral
        (:mod:`~crmsense.analysis.routine`), a neutral reading of a customer leaving turns
        negative (:mod:`~crmsense.analysis.defection`), a positive reading of a polite "no"
        turns neutral (:mod:`~crmsense.analysis.decline`).

        >>> Prediction((0.7, 0.2, 0.1), -0.6).swapped("negative", "neutral").probs
        (0.2, 0.7, 0.1)
        """
        probs = list(self.probs)
        i, j = LABELS.index(first), LABELS.index(second)
        probs[i], probs[j] = probs[j], probs[i]
        new = (probs[0], probs[1], probs[2])
        return replace(self, probs=new, score=probs[2] - probs[0],
                       emotions=_capped(self.emotions, new), evidence=[])  # fmt: skip

    def toward(self, label: Label) -> Prediction:
        """The reading turned to the polar ``label``: the opposite polar reading mirrored, a
        neutral one swapped with ``label``, the word spans (which pushed the other way)
        dropped; a reading already at ``label`` is returned as is. A customer leaving or
        threatening turns negative (:mod:`~crmsense.analysis.defection`,
        :mod:`~crmsense.analysis.threat`), a praise idiom positive
        (:mod:`~crmsense.analysis.praise`).

        >>> Prediction((0.2, 0.7, 0.1), -0.1).toward("negative").probs
        (0.7, 0.2, 0.1)
        >>> Prediction((0.1, 0.2, 0.7), 0.6).toward("negative").probs
        (0.7, 0.2, 0.1)
        """
        if label == "neutral":
            raise ValueError("toward() takes a polar label: 'negative' or 'positive'")
        other: Label = "positive" if label == "negative" else "negative"
        target, opposite, neutral = (self.probs[LABELS.index(k)] for k in (label, other, "neutral"))
        if target >= max(opposite, neutral):
            return self
        if opposite >= neutral:
            return replace(self.mirrored(), evidence=[])
        return self.swapped(label, "neutral")

    def assured(self, floor: float) -> Prediction:
        """The reading with its most probable label at least ``floor`` probable, the other
        two scaled down in proportion, the score recomputed and the emotions capped as in
        :meth:`mirrored`: a label that a correction
        decided is as sure as that correction is right, not as unsure as the reading it
        overturned ("Still waiting. Please escalate." read (0.22, 0.40, 0.38), its threat
        turned it (0.40, 0.22, 0.38): negative, at 0.40).

        >>> p = Prediction((0.40, 0.22, 0.38), -0.02).assured(0.9)
        >>> [round(x, 3) for x in p.probs], round(p.score, 3)
        ([0.9, 0.037, 0.063], -0.837)
        """
        i = max((1, 0, 2), key=lambda k: self.probs[k])  # label_of's order
        top = self.probs[i]
        if top >= floor:
            return self
        scale = (1.0 - floor) / (1.0 - top)
        new = tuple(floor if k == i else p * scale for k, p in enumerate(self.probs))
        probs = (new[0], new[1], new[2])
        return replace(self, probs=probs, score=probs[2] - probs[0],
                       emotions=_capped(self.emotions, probs))  # fmt: skip

    def citing(self, text: str, span: tuple[int, int]) -> Prediction:
        """The reading with one span of ``text`` as its evidence, weighted by its score: the
        words a correction recognised ("hats off to", "revisit our renewal") rather than
        the engine's spans, which pushed the other way. ``span`` indexes ``text.lower()``,
        so it is used only where lower-casing kept the length; else the evidence is dropped
        (the analysis then cites the sentence).

        >>> p = Prediction((0.1, 0.1, 0.8), 0.7).citing("Hats off to Sam.", (0, 11))
        >>> [(e.text, e.weight) for e in p.evidence]
        [('Hats off to', 0.7)]
        """
        start, end = span
        if len(text.lower()) != len(text) or not 0 <= start < end:
            return replace(self, evidence=[])
        return replace(self, evidence=[Evidence(start, end, text[start:end], self.score)])

    def mirrored(self) -> Prediction:
        """The opposite reading: negative and positive probabilities swapped, score and
        evidence weights negated, and the emotions of the side that now loses capped at its
        new probability (:func:`_capped`: a price objection read +0.64 had kept satisfaction
        0.77 when it was turned negative); the rest as it is.

        >>> p = Prediction((0.1, 0.08, 0.82), 0.72, {"satisfaction": 0.77, "urgency": 0.3})
        >>> p.mirrored().emotions
        {'satisfaction': 0.1, 'urgency': 0.3}
        """
        negative, neutral, positive = self.probs
        probs = (positive, neutral, negative)
        return replace(
            self,
            probs=probs,
            score=-self.score,
            emotions=_capped(self.emotions, probs),
            evidence=[Evidence(e.start, e.end, e.text, -e.weight) for e in self.evidence],
        )


def _capped(emotions: dict[str, float], probs: tuple[float, float, float]) -> dict[str, float]:
    """``emotions`` with those of the side that a corrected reading ``probs`` has turned
    from capped at that side's probability: enthusiasm and satisfaction at p(positive) in a
    reading that leans negative, frustration, anger and disappointment at p(negative) in
    one that leans positive."""
    negative, _, positive = probs
    if negative == positive:
        return emotions
    losing, cap = (
        (PRAISE_EMOTIONS, positive) if negative > positive else (DISPLEASURE_EMOTIONS, negative)
    )
    return {name: min(v, cap) if name in losing else v for name, v in emotions.items()}


# -- the public analysis --------------------------------------------------------------------


class EvidenceSpan(BaseModel):
    start: int
    end: int
    text: str
    weight: float


class SentenceSentiment(BaseModel):
    text: str
    start: int
    end: int
    label: Label
    score: float
    confidence: float
    speaker: str | None = None
    role: str | None = None
    sarcastic: bool = False


class AspectSentiment(BaseModel):
    aspect: str
    label: Label
    score: float
    evidence: str
    start: int
    end: int


class TopicSentiment(BaseModel):
    topic: str
    label: Label
    score: float
    evidence: str | None = None


class SpeakerSentiment(BaseModel):
    speaker: str
    role: str
    label: Label
    score: float
    segments: int
    emotions: dict[str, float]


class Trajectory(BaseModel):
    """Customer sentiment in the opening and closing thirds of a call."""

    opening: float
    closing: float
    change: float
    objection_raised: bool
    objection_resolved: bool | None


class RiskMention(BaseModel):
    """A sentence in which the customer says they are leaving (``leaving``: moving to a
    competitor, not renewing, cancelling), weighing it (``weighing``: evaluating a
    competitor, looking elsewhere, the renewal in doubt) or threatens (``threat``:
    escalating over your head, lawyers, an ultimatum, chasing again), or says that a
    contact is leaving their company or role (``contact_leaving``: "Sarah, who championed
    this project, is leaving the company", :mod:`~crmsense.analysis.departure`)."""

    kind: Risk
    text: str
    start: int
    end: int


class CallSummary(BaseModel):
    speakers: list[SpeakerSentiment]
    roles: dict[str, SpeakerSentiment]
    trajectory: Trajectory


class Analysis(BaseModel):
    """The analysis of one message, call or survey comment.

    ``score`` is intensity in [-1, 1]; ``confidence`` is the calibrated probability that
    ``label`` is right. When ``unscored`` holds a reason (empty, no content, not English,
    too uncertain, auto-reply), ``label`` is neutral and the text must not drive signals or alerts.
    """

    label: Label
    score: float = Field(ge=-1, le=1)
    confidence: float = Field(ge=0, le=1)
    unscored: str | None = None
    probabilities: dict[str, float]
    sentences: list[SentenceSentiment]
    emotions: dict[str, float]
    aspects: list[AspectSentiment]
    kind: Kind
    reply_intent: Intent | None
    competitors: list[str]
    risks: list[RiskMention] = Field(default_factory=list)
    evidence: list[EvidenceSpan]
    call: CallSummary | None = None
    topic_sentiment: TopicSentiment | None = None
    language: str
    engine: str
    model_version: str
