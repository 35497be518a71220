"""model.v1's kind and reply-intent heads: data, storage, reproducibility, held-out quality."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.api import load_engine
from crmsense.analysis.evaluate import evaluate
from crmsense.analysis.model.engine import ModelEngine, default_model_dir
from crmsense.analysis.model.heads import Heads, LinearHead, stratified_folds, stratified_split
from crmsense.analysis.model.tasks import read_task_rows, write_task_heads
from crmsense.analysis.types import INTENTS, KINDS
from crmsense.errors import InputError, ModelError

HELD_OUT = Path(__file__).parent / "fixtures" / "analysis" / "crm_heads_heldout.tsv"


def _held_out(task: str) -> tuple[list[str], list[str]]:
    with HELD_OUT.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r[task]]
    return [r["text"] for r in rows], [r[task] for r in rows]


def test_task_rows_name_the_line_of_a_bad_label(tmp_path: Path) -> None:
    data = tmp_path / "rows.tsv"
    lines = ["text\tkind\tintent", "Sure, send it over.\tconversational\tinterest",
             "Invoice attached.\ttransactional\t", "Hi\tchatty\t"]  # fmt: skip
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"rows\.tsv:4: kind 'chatty'"):
        read_task_rows(data)
    data.write_text("text\tkind\tintent\nInvoice attached.\ttransactional\t\n", encoding="utf-8")
    [row] = read_task_rows(data)
    assert (row.kind, row.intent) == ("transactional", None)


def test_the_held_out_split_is_stratified_and_leaves_every_class_rows_to_fit() -> None:
    labels = ["a"] * 10 + ["b"] * 2 + ["c"]
    fit, held = stratified_split(labels, 0.2, seed=13)
    assert sorted(fit + held) == list(range(len(labels)))
    assert [labels[i] for i in held].count("a") == 2  # a fifth of each class
    assert [labels[i] for i in held].count("b") == 1  # at least one row
    assert [labels[i] for i in fit].count("b") == 1  # and one left to fit
    assert labels.index("c") in fit  # a class of one row is not held out
    assert stratified_split(labels, 0.2, seed=13) == (fit, held)
    assert stratified_split(labels, 0.2, seed=14) != (fit, held)


def test_cross_validation_folds_are_stratified_and_reproducible() -> None:
    labels = ["a"] * 10 + ["b"] * 5 + ["c"] * 2
    fold = stratified_folds(labels, 5, seed=13)
    for k in range(5):  # every fold holds its share of each class
        members = [labels[i] for i in range(len(labels)) if fold[i] == k]
        assert members.count("a") == 2 and members.count("b") == 1
    assert sorted(fold[i] for i in range(15, 17)) == [0, 1]  # a small class is dealt too
    assert stratified_folds(labels, 5, seed=13) == fold
    assert stratified_folds(labels, 5, seed=14) != fold


def test_heads_round_trip_with_and_without_task_heads(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)

    def head(classes: int) -> LinearHead:
        return LinearHead(rng.normal(size=(classes, 4)), rng.normal(size=classes))

    plain = Heads(head(3), head(28), np.full(28, 0.5))
    full = Heads(head(3), head(28), np.full(28, 0.5), kind=head(3), intent=head(7))
    for heads in (plain, full):
        heads.save(tmp_path / "heads.npz")
        loaded = Heads.load(tmp_path / "heads.npz")
        assert (loaded.kind is None) == (heads.kind is None)
        assert np.allclose(loaded.polarity.weight, heads.polarity.weight, atol=1e-6)
        if heads.intent is not None and loaded.intent is not None:
            assert np.allclose(loaded.intent.bias, heads.intent.bias, atol=1e-6)
    np.savez(tmp_path / "broken.npz", thresholds=np.zeros(28))
    with pytest.raises(ModelError, match="lacks the polarity or emotion head"):
        Heads.load(tmp_path / "broken.npz")


def test_the_shipped_model_reports_kind_and_intent_probabilities() -> None:
    engine = ModelEngine()
    invoice, reply = engine.predict([
        "Hi, please find attached invoice #2291 for October. Payment terms are 30 days.",
        "Not for us, we use Gong and are happy with it.",
    ])  # fmt: skip
    assert invoice.kind is not None and reply.intent is not None
    assert set(invoice.kind) == set(KINDS) and set(reply.intent) == set(INTENTS)
    assert sum(invoice.kind.values()) == pytest.approx(1.0)
    assert max(invoice.kind, key=invoice.kind.__getitem__) == "transactional"
    assert max(reply.intent, key=reply.intent.__getitem__) == "objection"


@pytest.mark.slow
def test_refitting_the_task_heads_reproduces_the_shipped_ones(tmp_path: Path) -> None:
    """Bit for bit on one machine. Across CPUs floating-point rounding differs slightly (the
    int8 products are exact everywhere), so the shipped heads are matched by their
    decisions and their summary."""
    copies = [tmp_path / "a", tmp_path / "b"]
    summaries = []
    for copy in copies:
        shutil.copytree(default_model_dir(), copy)
        summaries.append(write_task_heads(copy))
    shipped = Heads.load(default_model_dir() / "heads.npz")
    first, second = (Heads.load(copy / "heads.npz") for copy in copies)
    recorded = json.loads((default_model_dir() / "config.json").read_text())
    texts, _ = _held_out("kind")
    x = ModelEngine().embed(texts)
    for name in ("kind", "intent"):
        a, b = getattr(first, name), getattr(second, name)
        np.testing.assert_array_equal(a.weight, b.weight)
        np.testing.assert_array_equal(a.bias, b.bias)
        agree = a.logits(x).argmax(1) == getattr(shipped, name).logits(x).argmax(1)
        assert agree.mean() >= 0.95
        ours, theirs = summaries[0][name], recorded["training"]["task_heads"][name]
        assert ours["l2"] == theirs["l2"] and ours["folds"] == theirs["folds"]
        assert abs(ours["cross_validated_accuracy"] - theirs["cross_validated_accuracy"]) <= 0.02


@pytest.mark.slow
@pytest.mark.parametrize(("task", "floor"), [("kind", 0.75), ("intent", 0.70)])
def test_on_held_out_messages_the_heads_beat_the_rules(task: str, floor: float) -> None:
    """Authored messages the heads never saw (other companies, names and wording)."""
    texts, gold = _held_out(task)
    model = evaluate(Analyzer(load_engine("model.v1")), texts, gold, task=task).metrics
    rules = evaluate(Analyzer(load_engine("rules.v1")), texts, gold, task=task).metrics
    assert model.accuracy >= floor
    assert model.accuracy > rules.accuracy and model.macro_f1 > rules.macro_f1
