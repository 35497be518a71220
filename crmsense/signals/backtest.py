"""Backtesting the health score against what happened: churned versus renewed/expanded.

Every outcome record is one example. The account's health is replayed from its stored
history at ``lead_days`` before the outcome (what a CSM would have seen then) and every
``step_days`` over the ``horizon_days`` before it:

- **ROC AUC**: how well low health ranked churners above renewers (0.5 = chance);
- **precision / recall at Red**: of the accounts Red at the reference time, the share that
  churned; of the churners, the share that were Red;
- **lead time**: for churners that went Red within the horizon, days from the first Red to
  the churn date.

**Suggested weights**: an L2-regularised logistic regression of churn on the component
values (standardised; a missing value imputed with the component's mean), fitted with
Newton's method in numpy. A component whose higher value predicts churn gets weight 0.
The report compares the score with the current and the suggested weights on the same
examples, and gives a k-fold cross-validated AUC for the suggestion, so an in-sample
improvement is not mistaken for a real one. Contracted outcomes are left out.

>>> roc_auc(np.array([0.9, 0.8, 0.3, 0.1]), np.array([True, False, True, False]))
0.75
"""

from __future__ import annotations

__all__ = ["BacktestReport", "Example", "backtest", "fit_logistic", "roc_auc", "suggest_weights"]

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select

from crmsense.signals.assess import health_at
from crmsense.signals.config import COMPONENTS, HealthConfig, Scorecard
from crmsense.signals.data import DAY, AccountData
from crmsense.signals.health import composite
from crmsense.signals.load import history_days, load_accounts
from crmsense.store import models as m
from crmsense.store.db import Database

NEGATIVE_OUTCOMES = ("renewed", "expanded")


@dataclass(frozen=True, slots=True)
class Example:
    """One outcome: the component values and score at the reference time, and lead time."""

    account: str
    segment: str | None
    outcome: str
    date: str
    churned: bool
    values: dict[str, float | None]
    score: float | None
    band: str | None
    lead_time: float | None


@dataclass
class BacktestReport:
    examples: int
    churned: int
    renewed: int
    excluded: dict[str, int]
    lead_days: float
    before: dict[str, float | None]
    after: dict[str, float | None]
    lead_time_days: dict[str, float | None]
    weights: dict[str, dict[str, float]]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "examples": self.examples,
            "churned": self.churned,
            "renewed": self.renewed,
            "excluded": self.excluded,
            "lead_days": self.lead_days,
            "roc_auc": self.before["roc_auc"],
            "precision_at_red": self.before["precision_at_red"],
            "recall_at_red": self.before["recall_at_red"],
            "lead_time_days": self.lead_time_days,
            "before": self.before,
            "after": self.after,
            "weights": self.weights,
            "notes": self.notes,
        }


def roc_auc(risk: np.ndarray, positive: np.ndarray) -> float | None:
    """Probability that a random positive has higher ``risk`` than a random negative
    (ties count half); None without both classes."""
    pos, neg = int(positive.sum()), int((~positive).sum())
    if pos == 0 or neg == 0:
        return None
    order = np.argsort(risk, kind="mergesort")
    ranks = np.empty(len(risk), dtype=float)
    sorted_risk = risk[order]
    i = 0
    while i < len(risk):
        j = i
        while j + 1 < len(risk) and sorted_risk[j + 1] == sorted_risk[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    u = ranks[positive].sum() - pos * (pos + 1) / 2
    return round(float(u / (pos * neg)), 4)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0) -> tuple[np.ndarray, float]:
    """L2-penalised logistic regression (intercept not penalised) by Newton's method.

    >>> x = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0, 0, 1, 1.0])
    >>> coef, _ = fit_logistic(x, y, l2=0.1)
    >>> bool(coef[0] > 0)
    True
    """
    n, p = x.shape
    design = np.hstack([np.ones((n, 1)), x])
    penalty = np.eye(p + 1) * l2
    penalty[0, 0] = 0.0
    beta = np.zeros(p + 1)
    for _ in range(100):
        prob = 1.0 / (1.0 + np.exp(-np.clip(design @ beta, -30, 30)))
        grad = design.T @ (prob - y) + penalty @ beta
        hess = design.T @ (design * (prob * (1 - prob))[:, None]) + penalty + 1e-9 * np.eye(p + 1)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return beta[1:], float(beta[0])


def _matrix(examples: list[Example], names: list[str]) -> np.ndarray:
    raw = np.array(
        [[np.nan if e.values.get(n) is None else e.values[n] for n in names] for e in examples],
        dtype=float,
    ).reshape(len(examples), len(names))
    means = np.nanmean(np.where(np.isnan(raw).all(axis=0), 50.0, raw), axis=0)
    return np.where(np.isnan(raw), means, raw)


def suggest_weights(examples: list[Example], names: list[str], l2: float = 1.0) -> dict[str, float]:
    """Weights (summing to 100) from a logistic fit of churn on the component values;
    empty when no component separates churners in the healthy direction."""
    x = _matrix(examples, names)
    sd = x.std(axis=0)
    usable = sd > 1e-9
    if not usable.any():
        return {}
    z = (x[:, usable] - x[:, usable].mean(axis=0)) / sd[usable]
    coef, _ = fit_logistic(z, np.array([e.churned for e in examples], dtype=float), l2)
    raw = np.zeros(len(names))
    raw[usable] = np.maximum(0.0, -coef / sd[usable])
    if raw.sum() <= 0:
        return {}
    return {n: round(float(100 * w / raw.sum()), 1) for n, w in zip(names, raw, strict=True)}


def _rescore(
    examples: list[Example], weights: dict[str, float], cfg: HealthConfig
) -> list[tuple[float | None, str | None]]:
    out = []
    for e in examples:
        card = cfg.scorecard_for(e.segment)
        trial = Scorecard(name=card.name, segments=card.segments, weights=weights, bands=card.bands)
        values = {n: (v, "") for n, v in e.values.items()}
        h = composite(values, trial, cfg.bands_for(card))
        out.append((h.score, h.band))
    return out


def _metrics(
    scored: list[tuple[float | None, str | None]], churned: np.ndarray
) -> dict[str, float | None]:
    keep = np.array([s is not None for s, _ in scored], dtype=bool)
    risk = np.array([100 - (s or 0.0) for s, _ in scored], dtype=float)[keep]
    y = churned[keep]
    red = np.array([b == "red" for _, b in scored], dtype=bool)[keep]
    return {
        "roc_auc": roc_auc(risk, y),
        "precision_at_red": round(float(y[red].mean()), 4) if red.any() else None,
        "recall_at_red": round(float(red[y].mean()), 4) if y.any() else None,
        "red": float(red.sum()),
    }


def _cv_auc(
    examples: list[Example], names: list[str], cfg: HealthConfig, l2: float
) -> float | None:
    churned = np.array([e.churned for e in examples])
    folds = min(5, int(churned.sum()), int((~churned).sum()))
    if folds < 2:
        return None
    fold_of = np.empty(len(examples), dtype=int)
    for cls in (True, False):
        idx = np.flatnonzero(churned == cls)
        fold_of[idx] = np.arange(len(idx)) % folds
    risk = np.full(len(examples), np.nan)
    for k in range(folds):
        train = [e for e, f in zip(examples, fold_of, strict=True) if f != k]
        weights = suggest_weights(train, names, l2) or {n: 1.0 for n in names}
        test = np.flatnonzero(fold_of == k)
        for i, (score, _) in zip(
            test, _rescore([examples[i] for i in test], weights, cfg), strict=True
        ):
            risk[i] = np.nan if score is None else 100 - score
    keep = ~np.isnan(risk)
    return roc_auc(risk[keep], churned[keep])


def _example(
    data: AccountData,
    outcome: str,
    when: datetime,
    cfg: HealthConfig,
    lead: float,
    horizon: float,
    step: float,
) -> Example:
    ref = when.timestamp() - lead * DAY
    h = health_at(data, ref, cfg)
    first_red = None
    for k in range(int(horizon // step), 0, -1):
        t = when.timestamp() - k * step * DAY
        if health_at(data, t, cfg).band == "red":
            first_red = k * step
            break
    return Example(
        account=data.id,
        segment=data.segment,
        outcome=outcome,
        date=when.date().isoformat(),
        churned=outcome == "churned",
        values={c.name: c.value for c in h.components},
        score=h.score,
        band=h.band,
        lead_time=first_red if outcome == "churned" else None,
    )


def backtest(
    db: Database,
    cfg: HealthConfig,
    *,
    engine: str,
    lead_days: float = 30,
    horizon_days: float = 180,
    step_days: float = 15,
    l2: float = 1.0,
) -> BacktestReport:
    """Replay health before every stored outcome and measure how well it foretold churn."""
    outcomes = m.Outcome.__table__
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(outcomes.c.account_id, outcomes.c.kind, outcomes.c.date).order_by(
                outcomes.c.account_id, outcomes.c.date
            )
        ).all()
        used = [r for r in rows if r.kind == "churned" or r.kind in NEGATIVE_OUTCOMES]
        excluded = {"contracted": len(rows) - len(used), "no_score": 0}
        data: dict[int, AccountData] = {}
        if used:
            first = min(r.date for r in used)
            last = max(r.date for r in used)
            start = datetime(first.year, first.month, first.day, tzinfo=UTC) - timedelta(
                days=horizon_days + history_days(cfg)
            )
            end = datetime(last.year, last.month, last.day, tzinfo=UTC)
            data = load_accounts(
                conn, sorted({r.account_id for r in used}), engine=engine, start=start, end=end
            )
    examples = []
    for r in used:
        when = datetime(r.date.year, r.date.month, r.date.day, tzinfo=UTC)
        ex = _example(data[r.account_id], r.kind, when, cfg, lead_days, horizon_days, step_days)
        if ex.score is None:
            excluded["no_score"] += 1
        else:
            examples.append(ex)
    names = list(COMPONENTS)
    churned = np.array([e.churned for e in examples], dtype=bool)
    before = _metrics([(e.score, e.band) for e in examples], churned)
    leads = [e.lead_time for e in examples if e.lead_time is not None]
    current = {n: float(w) for n, w in cfg.scorecards["default"].weights.items()}
    suggested = suggest_weights(examples, names, l2) if len(set(churned.tolist())) == 2 else {}
    notes = []
    if suggested:
        after = _metrics(_rescore(examples, suggested, cfg), churned)
        after["roc_auc_cv"] = _cv_auc(examples, names, cfg, l2)
    else:
        after = dict.fromkeys(("roc_auc", "precision_at_red", "recall_at_red", "roc_auc_cv"))
        notes.append(
            "no weights suggested: need churned and renewed examples, and a component "
            "whose lower values go with churn"
        )
    if len(examples) < 30:
        notes.append(f"only {len(examples)} examples: treat the figures as indicative")
    return BacktestReport(
        examples=len(examples),
        churned=int(churned.sum()),
        renewed=int((~churned).sum()),
        excluded=excluded,
        lead_days=lead_days,
        before=before,
        after=after,
        lead_time_days={
            "median": float(np.median(leads)) if leads else None,
            "mean": round(float(np.mean(leads)), 1) if leads else None,
            "flagged": float(len(leads)),
        },
        weights={"current_default": current, "suggested": suggested},
        notes=notes,
    )
