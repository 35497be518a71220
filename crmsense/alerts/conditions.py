"""Rule conditions: small handlers registered under stable, versioned names.

A condition is a params schema (pydantic) and a pure function
``evaluate(facts, params, as_of) -> Match | None``. A match carries the reasons, the
evidence (message, survey or call ids with excerpts of at most 200 characters), the
**anchor** — when the triggering event happened, which is what de-duplication compares —
and values for the rule's action template. Stored rules name a condition
(``"survey_score.v1"``), never a code path; third parties add theirs through the
``crmsense.conditions`` entry-point group with a :class:`Condition` object.

>>> from datetime import datetime, UTC
>>> from crmsense.alerts.facts import AccountFacts, SurveyFact
>>> facts = AccountFacts(1, "acme", "Acme", surveys=[
...     SurveyFact("s1", datetime(2026, 10, 1, 9, tzinfo=UTC), "nps", 4, "Too slow")])
>>> node = compile_node({"type": "survey_score.v1", "kind": "nps", "max": 6}, "when", {})
>>> match = node.evaluate(facts, datetime(2026, 10, 1, 10, tzinfo=UTC))
>>> match.values["score"], match.evidence[0].excerpt, match.anchor.hour
('4', 'Too slow', 9)
"""

from __future__ import annotations

__all__ = [
    "CONDITIONS",
    "Condition",
    "ConditionProblem",
    "Match",
    "Node",
    "compile_node",
    "parse_window",
]

import dataclasses
import itertools
import operator
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError

from crmsense.alerts.calendar import HOURS, parse_duration
from crmsense.alerts.facts import (
    AccountFacts,
    CallFact,
    MessageFact,
    Ref,
    SurveyFact,
    excerpt,
)
from crmsense.analysis.types import Risk
from crmsense.registry import Registry

MAX_EVIDENCE = 10


def parse_window(value: Any) -> timedelta:
    """A wall-clock span: ``"30s"``, ``"90m"``, ``"24h"``, ``"30d"``.

    >>> parse_window("30d").days, parse_window("90m").seconds
    (30, 5400)
    """
    if isinstance(value, timedelta):
        return value
    amount, unit = parse_duration(value)
    if unit == "wd":
        raise ValueError(f"{value!r}: this is a wall-clock span — use s, m, h or d, e.g. '7d'")
    return timedelta(hours=amount * HOURS[unit])


Window = Annotated[timedelta, PlainValidator(parse_window)]
Band = Literal["green", "yellow", "red"]
SurveyKind = Literal["nps", "csat", "ces"]


@dataclass(frozen=True, slots=True)
class Match:
    """Why a condition holds: reasons, evidence, the anchor event's time, template values."""

    reasons: tuple[str, ...]
    evidence: tuple[Ref, ...] = ()
    anchor: datetime | None = None
    confidence: float = 1.0
    values: Mapping[str, Any] = field(default_factory=dict)

    @staticmethod
    def combine(matches: list[Match]) -> Match:
        """All reasons and evidence; the newest anchor; the lowest confidence."""
        refs = {r.id: r for m in matches for r in m.evidence}
        anchors = [m.anchor for m in matches if m.anchor is not None]
        values: dict[str, Any] = {}
        for m in reversed(matches):
            values.update(m.values)
        return Match(
            reasons=tuple(r for m in matches for r in m.reasons),
            evidence=tuple(sorted(refs.values(), key=lambda r: r.t)[-MAX_EVIDENCE:]),
            anchor=max(anchors) if anchors else None,
            confidence=min(m.confidence for m in matches),
            values=values,
        )


Evaluate = Callable[[AccountFacts, Any, datetime], Match | None]


@dataclass(frozen=True, slots=True)
class Condition:
    """A registered handler. ``provides``: the template values its matches carry;
    ``scope="deal"``: it reads ``facts.deal``; ``realtime``: it reads live chat."""

    name: str
    params: type[BaseModel]
    evaluate: Evaluate
    provides: frozenset[str] = frozenset()
    scope: Literal["account", "deal"] = "account"
    realtime: bool = False


CONDITIONS: Registry[Condition] = Registry("conditions")


class ConditionProblem(Exception):
    """Problems found while compiling a condition tree: ``key path: what — fix`` lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Node:
    """A compiled condition: the handler's name and its validated params."""

    type: str
    params: BaseModel

    @property
    def condition(self) -> Condition:
        return CONDITIONS.get(self.type)

    def evaluate(self, facts: AccountFacts, as_of: datetime) -> Match | None:
        return self.condition.evaluate(facts, self.params, as_of)

    def walk(self) -> Iterator[Node]:
        """This node and every node below it."""
        yield self
        for child in getattr(self.params, "conditions", ()):
            yield from child.walk()


def compile_node(raw: Any, path: str, inherited: Mapping[str, Any]) -> Node:
    """Validate a condition table (``{type = "…", …params}``) into a :class:`Node`.

    Params the table leaves out that the playbook's settings define (``min_signals``,
    ``persistence``, ``min_confidence``, ``ignore_contact_roles``) come from the settings.
    Raises :class:`ConditionProblem` listing every problem with its key path.
    """
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        raise ConditionProblem([f"{path}: not a condition — give a table with a type key, "
                                f"e.g. {{ type = \"threshold.v1\", … }}"])  # fmt: skip
    data = dict(raw)
    name = data.pop("type")
    try:
        condition = CONDITIONS.get(name)
    except Exception:  # an unknown name, or a plug-in that fails to import: say which
        known = ", ".join(CONDITIONS.names())
        raise ConditionProblem([f"{path}.type: unknown condition {name!r} — use one of "
                                f"{known}"]) from None  # fmt: skip
    problems: list[str] = []
    if "conditions" in condition.params.model_fields:
        children = data.get("conditions")
        if not isinstance(children, list) or not children:
            raise ConditionProblem([f"{path}.conditions: missing — give a list of conditions"])
        nodes = []
        for i, child in enumerate(children):
            try:
                nodes.append(compile_node(child, f"{path}.conditions[{i}]", inherited))
            except ConditionProblem as exc:
                problems += exc.problems
        data["conditions"] = tuple(nodes)
    for key, value in inherited.items():
        if key in condition.params.model_fields and key not in data:
            data[key] = value
    if problems:
        raise ConditionProblem(problems)
    try:
        params = condition.params.model_validate(data)
    except ValidationError as exc:
        raise ConditionProblem([_problem(path, e) for e in exc.errors(include_url=False)]) from None
    return Node(name, params)


def _problem(path: str, error: Any) -> str:
    key = ".".join(str(p) for p in (path, *error["loc"]))
    if error["type"] == "extra_forbidden":
        return f"{key}: unknown parameter — remove it or check its spelling"
    if error["type"] == "missing":
        return f"{key}: missing — add it"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{key}: {message} — correct the value"


def condition(
    name: str, params: type[BaseModel], *, provides: tuple[str, ...] = (),
    scope: Literal["account", "deal"] = "account", realtime: bool = False,
) -> Callable[[Evaluate], Evaluate]:  # fmt: skip
    """Register the decorated function as condition ``name``."""

    def register(fn: Evaluate) -> Evaluate:
        CONDITIONS.register(name, Condition(name, params, fn, frozenset(provides), scope,
                                            realtime))  # fmt: skip
        return fn

    return register


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              arbitrary_types_allowed=True)  # fmt: skip


# -- shared helpers --------------------------------------------------------------------


def _in(t: datetime, as_of: datetime, window: timedelta) -> bool:
    return as_of - window < t <= as_of


def _day(t: datetime) -> str:
    return t.strftime("%Y-%m-%d")


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _negatives(
    facts: AccountFacts, as_of: datetime, window: timedelta, max_score: float,
    min_confidence: float, channels: tuple[str, ...], ignore_roles: tuple[str, ...],
) -> list[MessageFact]:  # fmt: skip
    """Clearly negative messages in the window: label, score and confidence all agree."""
    ignored = {r.lower() for r in ignore_roles}
    return [
        msg for msg in facts.messages
        if _in(msg.t, as_of, window) and msg.label == "negative" and msg.score <= max_score
        and msg.confidence >= min_confidence and (not channels or msg.channel in channels)
        and (msg.role or "") not in ignored
    ]  # fmt: skip


# -- generic conditions ----------------------------------------------------------------

_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne,
}  # fmt: skip

Metric = tuple[float, datetime | None, list[Ref]]


def _latest_survey(kind: str) -> Callable[[AccountFacts], Metric | None]:
    def read(facts: AccountFacts) -> Metric | None:
        found = [s for s in facts.surveys if s.kind == kind]
        return (found[-1].score, found[-1].t, [found[-1].ref()]) if found else None

    return read


def _health_score(facts: AccountFacts) -> Metric | None:
    h = facts.health
    return None if h is None or h.score is None else (h.score, h.at, [])


def _risk_score(facts: AccountFacts) -> Metric | None:
    d = facts.deal
    return None if d is None or d.risk_score is None else (d.risk_score, d.level_since, [])


def _unanswered_count(facts: AccountFacts) -> Metric | None:
    h = facts.health
    if h is None:
        return None
    return float(len(h.unanswered)), h.at, facts.cite(i for i, _ in h.unanswered)


METRICS: dict[str, Callable[[AccountFacts], Metric | None]] = {
    "health.score": _health_score,
    "nps.latest": _latest_survey("nps"),
    "csat.latest": _latest_survey("csat"),
    "ces.latest": _latest_survey("ces"),
    "arr": lambda f: None if f.arr is None else (f.arr, None, []),
    "deal.risk_score": _risk_score,
    "followups.unanswered": _unanswered_count,
}


class ThresholdParams(Params):
    metric: Literal[
        "health.score", "nps.latest", "csat.latest", "ces.latest", "arr", "deal.risk_score",
        "followups.unanswered",
    ]  # fmt: skip
    op: Literal["<", "<=", ">", ">=", "==", "!="]
    value: float


@condition("threshold.v1", ThresholdParams, provides=("value",))
def threshold(facts: AccountFacts, p: ThresholdParams, as_of: datetime) -> Match | None:
    """A named metric compared with a number; a missing metric never matches."""
    found = METRICS[p.metric](facts)
    if found is None or not _OPS[p.op](found[0], p.value):
        return None
    value, at, refs = found
    return Match((f"{p.metric} is {value:g} ({p.op} {p.value:g})",), tuple(refs), at,
                 values={"value": f"{value:g}"})  # fmt: skip


class CountParams(Params):
    events: Literal["nps", "csat", "ces", "negative_message"]
    window: Window
    min_count: int = Field(ge=1)
    min_score: float | None = None
    max_score: float | None = None
    channels: tuple[str, ...] = ()
    min_confidence: float = Field(0.0, ge=0, le=1)
    ignore_contact_roles: tuple[str, ...] = ()


@condition("count_in_window.v1", CountParams, provides=("count", "window"))
def count_in_window(facts: AccountFacts, p: CountParams, as_of: datetime) -> Match | None:
    """At least ``min_count`` events (survey answers in a score range, or clearly negative
    messages) within ``window``."""
    low = p.min_score if p.min_score is not None else float("-inf")
    high = p.max_score if p.max_score is not None else float("inf")
    refs: list[Ref]
    if p.events == "negative_message":
        found = _negatives(facts, as_of, p.window, high, p.min_confidence, p.channels,
                           p.ignore_contact_roles)  # fmt: skip
        refs = [m.ref() for m in found if m.score >= low]
        what = "clearly negative messages"
    else:
        refs = [
            s.ref()
            for s in facts.surveys
            if s.kind == p.events and _in(s.t, as_of, p.window) and low <= s.score <= high
        ]
        what = f"{p.events.upper()} answers scoring {_range(p.min_score, p.max_score)}"
    if len(refs) < p.min_count:
        return None
    days = p.window.days or round(p.window.total_seconds() / 3600)
    unit = "days" if p.window.days else "hours"
    return Match((f"{len(refs)} {what} in the last {days} {unit}",), tuple(refs[-MAX_EVIDENCE:]),
                 refs[-1].t, values={"count": len(refs), "window": f"{days} {unit}"})  # fmt: skip


def _range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{low:g}–{high:g}"
    return f"≤ {high:g}" if high is not None else f"≥ {low:g}"


class TrendParams(Params):
    direction: Literal["declining", "improving"] = "declining"
    min_slope: float = Field(0.0, ge=0)


@condition("trend.v1", TrendParams, provides=("trend", "slope", "policy"))
def trend(facts: AccountFacts, p: TrendParams, as_of: datetime) -> Match | None:
    """The account's sentiment trend (from the latest health snapshot) is ``direction``."""
    h = facts.health
    if h is None or h.trend != p.direction or abs(h.slope or 0.0) < p.min_slope:
        return None
    slope = f"{h.slope:+.2f}/30 days" if h.slope is not None else "n/a"
    return Match(
        (f"sentiment trend {h.trend} since {_day(h.trend_since)} (slope {slope})",
         f"outreach policy {h.policy}: {h.policy_reason}"),
        tuple(facts.cite(h.trend_evidence)), h.trend_since,
        values={"trend": h.trend, "slope": slope, "policy": h.policy},
    )  # fmt: skip


class BandParams(Params):
    to: tuple[Band, ...] = Field(min_length=1)
    from_: tuple[Band, ...] = Field((), alias="from")
    changed: bool = False
    min_inputs: int = Field(2, ge=1)


@condition("band_change.v1", BandParams, provides=("band", "health_score", "previous_band"))
def band_change(facts: AccountFacts, p: BandParams, as_of: datetime) -> Match | None:
    """The health band is one of ``to`` (optionally: just moved there, from one of ``from``),
    computed from at least ``min_inputs`` score components — a band read from a single
    input (say, two e-mails) does not alert.

    The anchor is when the account entered the band, so staying Red for weeks is one
    alert, and going Red again after recovering is a new one.
    """
    h = facts.health
    if h is None or h.band not in p.to or h.inputs < p.min_inputs:
        return None
    if p.changed and (h.previous_band is None or h.previous_band == h.band):
        return None
    if p.from_ and h.previous_band not in p.from_:
        return None
    was = f" (was {h.previous_band})" if h.previous_band and h.previous_band != h.band else ""
    score = "n/a" if h.score is None else f"{h.score:g}"
    return Match(
        (f"health {score} is {h.band}{was} since {_day(h.band_since)}", *h.reasons[:3]),
        tuple(facts.cite([*h.escalation_evidence, *h.trend_evidence])[-MAX_EVIDENCE:]),
        h.band_since, values={"band": h.band, "health_score": score,
                              "previous_band": h.previous_band or "n/a"},
    )  # fmt: skip


class AllOfParams(Params):
    conditions: tuple[Node, ...] = Field(min_length=2)


class AnyOfParams(Params):
    conditions: tuple[Node, ...] = Field(min_length=1)


@condition("all_of.v1", AllOfParams)
def all_of(facts: AccountFacts, p: AllOfParams, as_of: datetime) -> Match | None:
    """Every sub-condition matches."""
    matches = []
    for node in p.conditions:
        found = node.evaluate(facts, as_of)
        if found is None:
            return None
        matches.append(found)
    return Match.combine(matches)


@condition("any_of.v1", AnyOfParams)
def any_of(facts: AccountFacts, p: AnyOfParams, as_of: datetime) -> Match | None:
    """At least one sub-condition matches (every one that does is reported)."""
    matches = [found for node in p.conditions if (found := node.evaluate(facts, as_of))]
    return Match.combine(matches) if matches else None


# -- domain conditions -----------------------------------------------------------------


class SurveyParams(Params):
    kind: SurveyKind
    min: float | None = None
    max: float | None = None
    within: Window = timedelta(days=7)
    latest_only: bool = True


def _latest_answers(surveys: list[SurveyFact], kind: str) -> list[SurveyFact]:
    """Each respondent's latest answer of ``kind`` (answers without a respondent stay)."""
    latest: dict[str, SurveyFact] = {}
    for s in surveys:
        if s.kind == kind:
            latest[s.respondent or f"#{s.id}"] = s
    return sorted(latest.values(), key=lambda s: s.t)


@condition("survey_score.v1", SurveyParams,
           provides=("score", "verbatim", "respondent", "survey_kind"))  # fmt: skip
def survey_score(facts: AccountFacts, p: SurveyParams, as_of: datetime) -> Match | None:
    """A survey answer of ``kind`` scoring between ``min`` and ``max``, received within
    ``within``; with ``latest_only``, a respondent's newer answer replaces the older."""
    low = p.min if p.min is not None else float("-inf")
    high = p.max if p.max is not None else float("inf")
    answers = (_latest_answers(facts.surveys, p.kind) if p.latest_only
               else [s for s in facts.surveys if s.kind == p.kind])  # fmt: skip
    hits = [s for s in answers if _in(s.t, as_of, p.within) and low <= s.score <= high]
    if not hits:
        return None
    last = hits[-1]
    who = last.respondent or "a respondent"
    said = f": “{last.comment}”" if last.comment else " (no comment)"
    reasons = tuple(f"{s.kind.upper()} {s.score:g} from {s.respondent or 'a respondent'} "
                    f"on {_day(s.t)}" for s in hits[-3:])  # fmt: skip
    return Match(
        (*reasons[:-1], reasons[-1] + said), tuple(s.ref() for s in hits[-MAX_EVIDENCE:]),
        last.t, values={"score": f"{last.score:g}", "verbatim": last.comment or "(no comment)",
                        "respondent": who, "survey_kind": last.kind.upper()},
    )  # fmt: skip


class AccountParams(Params):
    high_value: bool | None = None
    segments: tuple[str, ...] = ()
    min_arr: float | None = None


@condition("account.v1", AccountParams)
def account(facts: AccountFacts, p: AccountParams, as_of: datetime) -> Match | None:
    """The account is (or is not) high-value, in one of ``segments``, at least ``min_arr``.

    It has no anchor: it qualifies an event-driven condition in an ``all_of``.
    """
    if p.high_value is not None and facts.high_value != p.high_value:
        return None
    if p.segments and (facts.segment or "").lower() not in {s.lower() for s in p.segments}:
        return None
    if p.min_arr is not None and (facts.arr or 0) < p.min_arr:
        return None
    arr = f"ARR {facts.arr:,.0f}" if facts.arr is not None else "no ARR"
    kind = "high-value" if facts.high_value else "not high-value"
    return Match((f"{kind} account ({arr}, segment {facts.segment or 'n/a'})",))


class EscalationParams(Params):
    level: Literal["escalating", "major"] = "escalating"


@condition("escalation.v1", EscalationParams)
def escalation(facts: AccountFacts, p: EscalationParams, as_of: datetime) -> Match | None:
    """Support tone escalating across tickets or within a thread (``level="major"``: a
    major escalation, ending at or below the signals' ``major_score``)."""
    h = facts.health
    if h is None or not (h.major_escalation if p.level == "major" else h.escalating):
        return None
    refs = facts.cite(h.escalation_evidence)
    what = "major support escalation" if p.level == "major" else "support tone escalating"
    details = tuple(r for r in h.reasons if "escalating" in r or "got worse" in r)
    return Match((what, *details), tuple(refs[-MAX_EVIDENCE:]), refs[-1].t if refs else h.at)


class UnansweredParams(Params):
    min_days: float = Field(1.0, ge=0)


@condition("unanswered_followup.v1", UnansweredParams, provides=("waiting_days",))
def unanswered_followup(facts: AccountFacts, p: UnansweredParams, as_of: datetime) -> Match | None:
    """A customer follow-up ("still waiting", "any update?") unanswered for ``min_days``."""
    h = facts.health
    if h is None:
        return None
    waiting = [(i, since) for i, since in h.unanswered if (as_of - since).total_seconds()
               >= p.min_days * 86_400]  # fmt: skip
    if not waiting:
        return None
    days = max((as_of - since).total_seconds() / 86_400 for _, since in waiting)
    return Match(
        (f"{len(waiting)} customer follow-up(s) unanswered, the oldest for {days:.0f} days",),
        tuple(facts.cite(i for i, _ in waiting)), max(since for _, since in waiting),
        values={"waiting_days": f"{days:.0f}"},
    )  # fmt: skip


class NegativeTextParams(Params):
    min_signals: int = Field(ge=2)
    persistence: Window
    min_confidence: float = Field(ge=0, le=1)
    max_score: float = Field(-0.3, ge=-1, le=0)
    min_days: int = Field(2, ge=1)
    channels: tuple[str, ...] = ("email", "ticket", "chat")
    ignore_contact_roles: tuple[str, ...] = ()
    unless_recovered: bool = True


@condition("negative_text.v1", NegativeTextParams, provides=("count", "window"))
def negative_text(facts: AccountFacts, p: NegativeTextParams, as_of: datetime) -> Match | None:
    """Clearly negative across multiple signals: at least ``min_signals`` confidently
    negative messages and survey comments within ``persistence``, on ``min_days`` or more
    different days; contacts of ``ignore_contact_roles`` do not count, and a confidently
    positive message after the last negative one (``unless_recovered``) cancels it."""
    refs = [
        m.ref()
        for m in _negatives(
            facts,
            as_of,
            p.persistence,
            p.max_score,
            p.min_confidence,
            p.channels,
            p.ignore_contact_roles,
        )
    ]
    refs += [s.ref() for s in facts.surveys
             if _in(s.t, as_of, p.persistence) and s.verbatim_label == "negative"
             and (s.verbatim_score or 0) <= p.max_score
             and s.verbatim_confidence >= p.min_confidence]  # fmt: skip
    refs.sort(key=lambda r: r.t)
    if len(refs) < p.min_signals or len({_day(r.t) for r in refs}) < p.min_days:
        return None
    if p.unless_recovered and any(
        m.t > refs[-1].t and m.label == "positive" and m.confidence >= p.min_confidence
        for m in facts.messages
    ):
        return None
    days = p.persistence.days
    cited = {r.id for r in refs}
    confidence = _mean([m.confidence for m in facts.messages if m.id in cited] or [1.0])
    return Match(
        (f"{len(refs)} clearly negative messages or comments on {len({_day(r.t) for r in refs})}"
         f" days within {days} days",),
        tuple(refs[-MAX_EVIDENCE:]), refs[-1].t, round(confidence, 3),
        values={"count": len(refs), "window": f"{days} days"},
    )  # fmt: skip


class DealRiskParams(Params):
    min_level: Literal["low", "medium", "high"] = "high"
    signals: tuple[str, ...] = ()
    min_fired: int = Field(1, ge=1)


_LEVELS = {"low": 0, "medium": 1, "high": 2}


@condition("deal_risk.v1", DealRiskParams, scope="deal",
           provides=("deal", "deal_name", "risk_score", "risk_level", "signals"))  # fmt: skip
def deal_risk(facts: AccountFacts, p: DealRiskParams, as_of: datetime) -> Match | None:
    """The deal's risk level is at least ``min_level``; with ``signals``, at least
    ``min_fired`` of those deal signals fired too (e.g. a prospect cooling: shorter
    replies, less positive language, ghosting)."""
    d = facts.deal
    if d is None or d.risk_level is None or _LEVELS[d.risk_level] < _LEVELS[p.min_level]:
        return None
    fired = [s for s in d.signals if not p.signals or s[0] in p.signals]
    if p.signals and len(fired) < p.min_fired:
        return None
    refs = facts.cite(i for s in fired for i in s[2])
    score = "n/a" if d.risk_score is None else f"{d.risk_score:g}"
    names = ", ".join(s[0].replace("_", " ") for s in fired) or "none"
    return Match(
        (f"deal {d.name or d.id} risk {score} ({d.risk_level})", *(s[1] for s in fired)),
        tuple(refs[-MAX_EVIDENCE:]), d.level_since or (refs[-1].t if refs else None),
        values={"deal": d.id, "deal_name": d.name or d.id, "risk_score": score,
                "risk_level": d.risk_level, "signals": names},
    )  # fmt: skip


class ChatParams(Params):
    within: Window = timedelta(hours=1)
    min_messages: int = Field(3, ge=2)
    drop: float = Field(0.4, gt=0, le=2)
    end_below: float = Field(-0.3, ge=-1, le=1)


@condition("chat_deteriorating.v1", ChatParams, realtime=True,
           provides=("session", "opening", "closing"))  # fmt: skip
def chat_deteriorating(facts: AccountFacts, p: ChatParams, as_of: datetime) -> Match | None:
    """In a live chat session (``thread_id`` on ``channel = "chat"``) whose last customer
    message is within ``within``: the customer's closing third scores ``drop`` or more
    below the opening third and ends below ``end_below``."""
    sessions: dict[str, list[MessageFact]] = {}
    for msg in facts.messages:
        if msg.channel == "chat" and msg.thread and msg.t <= as_of:
            sessions.setdefault(msg.thread, []).append(msg)
    live = [s for s in sessions.values() if as_of - s[-1].t <= p.within]
    for session in sorted(live, key=lambda s: s[-1].t, reverse=True):
        if len(session) < p.min_messages:
            continue
        third = max(1, len(session) // 3)
        opening = _mean([m.score for m in session[:third]])
        closing = _mean([m.score for m in session[-third:]])
        if opening - closing >= p.drop and session[-1].score < p.end_below:
            thread = session[-1].thread or ""
            return Match(
                (f"live chat {thread}: customer sentiment fell from {opening:+.2f} to "
                 f"{closing:+.2f} over {len(session)} messages",),
                tuple(m.ref() for m in session[-MAX_EVIDENCE:]), session[-1].t,
                round(_mean([m.confidence for m in session]), 3),
                values={"session": thread, "opening": f"{opening:+.2f}",
                        "closing": f"{closing:+.2f}"},
            )  # fmt: skip
    return None


class SocialParams(Params):
    within: Window = timedelta(days=7)
    max_score: float = Field(-0.3, ge=-1, le=0)
    min_confidence: float = Field(ge=0, le=1)
    min_count: int = Field(1, ge=1)


@condition("social_negative.v1", SocialParams, provides=("count", "excerpt"))
def social_negative(facts: AccountFacts, p: SocialParams, as_of: datetime) -> Match | None:
    """Negative social-media mentions about the account within ``within``."""
    found = _negatives(facts, as_of, p.within, p.max_score, p.min_confidence, ("social",), ())
    if len(found) < p.min_count:
        return None
    return Match(
        (f"{len(found)} negative social mention(s) since {_day(as_of - p.within)}",),
        tuple(m.ref() for m in found[-MAX_EVIDENCE:]), found[-1].t,
        round(_mean([m.confidence for m in found]), 3),
        values={"count": len(found), "excerpt": found[-1].excerpt},
    )  # fmt: skip


class CustomerRiskParams(Params):
    within: Window = timedelta(days=7)
    risks: tuple[Risk, ...] = Field(("leaving",), min_length=1)
    channels: tuple[str, ...] = ("email", "ticket", "chat", "call", "survey")
    """Message channels, ``call`` for the customer side of call transcripts and ``survey``
    for survey comments."""


@condition("customer_risk.v1", CustomerRiskParams, provides=("risk", "excerpt", "count"))
def customer_risk(facts: AccountFacts, p: CustomerRiskParams, as_of: datetime) -> Match | None:
    """A customer's own words within ``within`` — in a message, a survey comment or on the
    customer side of a call — saying they are leaving (moving to a competitor, not
    renewing, cancelling), with ``risks = ["weighing"]`` that they are weighing it
    (evaluating a competitor, the renewal in doubt), or with ``"threat"`` threatening
    (escalating over your head, lawyers, ultimatums, chasing again): the analyses'
    ``risks``. The evidence quotes the sentences; the match is as sure as a quote is
    (confidence 1), whatever the message's overall label."""
    sources: Iterator[tuple[MessageFact | CallFact | SurveyFact, str]] = itertools.chain(
        ((msg, msg.channel) for msg in facts.messages),
        ((call, "call") for call in facts.calls),
        ((answer, "survey") for answer in facts.surveys),
    )
    found = sorted(
        (
            (fact, kind, sentence)
            for fact, channel in sources
            if _in(fact.t, as_of, p.within) and (not p.channels or channel in p.channels)
            for kind, sentence in fact.risks
            if kind in p.risks
        ),
        key=lambda hit: hit[0].t,
    )
    if not found:
        return None
    last, kind, sentence = found[-1]
    # each message, answer or call once, quoting its (last) risky sentence
    refs = {f.id: dataclasses.replace(f.ref(), excerpt=excerpt(s)) for f, _, s in found}
    return Match(
        tuple(f"{f.t:%Y-%m-%d}: {k} — “{excerpt(s)}”" for f, k, s in found[-MAX_EVIDENCE:]),
        tuple(refs.values())[-MAX_EVIDENCE:], last.t,
        values={"risk": kind, "excerpt": excerpt(sentence), "count": len(found)},
    )  # fmt: skip
