"""Survey signals: latest NPS and CSAT per contact and account, verbatim sentiment, movement.

NPS categories: promoter 9–10, passive 7–8, detractor 0–6. The account's NPS is
%promoters − %detractors over each respondent's latest answer in the window; its
``movement`` compares the latest answer with the same respondent's previous one
(else the account's previous answer), e.g. ``"7 → 9"``.

>>> category(9), category(7.5), category(6)
('promoter', 'passive', 'detractor')
"""

from __future__ import annotations

__all__ = ["Response", "SurveySignal", "SurveyStats", "category", "survey_signal"]

from dataclasses import dataclass, field

from crmsense.signals.config import SurveyConfig
from crmsense.signals.data import DAY, AccountData, SurveyRow, iso


def category(nps: float) -> str:
    """promoter / passive / detractor for an NPS answer."""
    if nps >= 9:
        return "promoter"
    return "passive" if nps >= 7 else "detractor"


def _fmt(score: float) -> str:
    return f"{score:g}"


@dataclass(frozen=True, slots=True)
class Response:
    id: str
    respondent: str
    score: float
    at: str
    previous: float | None
    verbatim: float | None

    @property
    def movement(self) -> str | None:
        return None if self.previous is None else f"{_fmt(self.previous)} → {_fmt(self.score)}"


@dataclass(frozen=True, slots=True)
class SurveyStats:
    """One survey kind: each respondent's latest answer and the account's summary."""

    latest: Response
    respondents: list[Response]
    mean: float
    verbatim: float | None
    low_recent: list[str] = field(default_factory=list)

    @property
    def change(self) -> float | None:
        return None if self.latest.previous is None else self.latest.score - self.latest.previous


@dataclass(frozen=True, slots=True)
class SurveySignal:
    nps: SurveyStats | None
    csat: SurveyStats | None
    account_nps: float | None

    @property
    def evidence(self) -> list[str]:
        return [s.latest.id for s in (self.nps, self.csat) if s is not None]


def _stats(rows: list[SurveyRow], as_of: float, low: float | None) -> SurveyStats | None:
    """``rows``: one kind, in time order, within the window."""
    if not rows:
        return None
    history: dict[str, list[SurveyRow]] = {}
    for r in rows:
        history.setdefault(r.respondent or r.id, []).append(r)
    latest_per = []
    for who, answers in history.items():
        last = answers[-1]
        prev = answers[-2].score if len(answers) >= 2 else None
        latest_per.append(Response(last.id, who, last.score, iso(last.t), prev, last.verbatim))
    latest_per.sort(key=lambda r: r.at)
    newest = latest_per[-1]
    if newest.previous is None and len(rows) >= 2:
        newest = Response(
            newest.id, newest.respondent, newest.score, newest.at, rows[-2].score, newest.verbatim
        )
        latest_per[-1] = newest
    verbatims = [r.verbatim for r in latest_per if r.verbatim is not None]
    low_recent = (
        [r.id for r in rows if r.score <= low and r.t > as_of - 30 * DAY] if low is not None else []
    )
    return SurveyStats(
        latest=newest,
        respondents=latest_per,
        mean=round(sum(r.score for r in latest_per) / len(latest_per), 3),
        verbatim=round(sum(verbatims) / len(verbatims), 3) if verbatims else None,
        low_recent=low_recent,
    )


def survey_signal(data: AccountData, as_of: float, cfg: SurveyConfig) -> SurveySignal:
    """NPS and CSAT summaries from the responses in the window before ``as_of``."""
    start = as_of - cfg.window_days * DAY
    window = [s for s in data.surveys if start < s.t <= as_of]
    nps = _stats([s for s in window if s.kind == "nps"], as_of, None)
    csat = _stats([s for s in window if s.kind == "csat"], as_of, cfg.low_csat)
    account_nps = None
    if nps is not None:
        cats = [category(r.score) for r in nps.respondents]
        account_nps = round(100 * (cats.count("promoter") - cats.count("detractor")) / len(cats), 1)
    return SurveySignal(nps=nps, csat=csat, account_nps=account_nps)
