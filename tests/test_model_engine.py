"""model.v1: the shipped ONNX model, its heads, long inputs, and domain tuning."""

from __future__ import annotations

import csv
import json
import multiprocessing
import socket
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from crmsense.analysis.model.engine import (
    BLENDED_EMOTIONS,
    GOEMOTIONS,
    MODEL_FILES,
    ModelConfig,
    ModelEngine,
    _crm_emotions,
    default_model_dir,
    without_laughter,
    write_config,
)
from crmsense.analysis.model.heads import ComplaintBias, softmax
from crmsense.analysis.model.tune import read_labelled, tune
from crmsense.analysis.rules.engine import RuleEngine
from crmsense.analysis.types import EMOTIONS, KINDS, LABELS
from crmsense.errors import InputError, ModelError

FIXTURES = Path(__file__).parent / "fixtures" / "tuning"
SHIPPED = all((default_model_dir() / name).is_file() for name in MODEL_FILES)
needs_model = pytest.mark.skipif(
    not SHIPPED, reason="shipped model not built yet: run `crmsense train`"
)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("model.v1 tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(scope="module")
def engine() -> ModelEngine:
    if not SHIPPED:
        pytest.skip("shipped model not built yet: run `crmsense train`")
    return ModelEngine(default_model_dir())


@pytest.fixture(scope="module")
def tuned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if not SHIPPED:
        pytest.skip("shipped model not built yet: run `crmsense train`")
    output = tmp_path_factory.mktemp("tuned") / "billing-model"
    tune(FIXTURES / "labelled.csv", output, base_dir=default_model_dir(),
         text_column="message", label_column="status")  # fmt: skip
    yield output


def label(engine: ModelEngine, text: str) -> str:
    return LABELS[int(np.argmax(engine.predict([text])[0].probs))]


@needs_model
def test_probabilities_sum_to_one_and_score_is_intensity(engine: ModelEngine) -> None:
    texts = ["Thanks, the fix works great!", "Please find the invoice attached.", "", "🙂🙂"]
    for p in engine.predict(texts):
        assert sum(p.probs) == pytest.approx(1.0, abs=1e-6)
        assert all(0.0 <= x <= 1.0 for x in p.probs)
        assert p.score == pytest.approx(p.probs[2] - p.probs[0])


@needs_model
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We are still waiting for a fix and the outage is costing us money.", "negative"),
        ("This is unacceptable, we will cancel our contract if it happens again.", "negative"),
        ("The export keeps failing and support has not replied in a week.", "negative"),
        ("Thank you so much, the new dashboard is fantastic!", "positive"),
        ("Your team did a brilliant job on the rollout, everyone is delighted.", "positive"),
        ("Could we push our check-in meeting to Wednesday morning?", "neutral"),
        ("Attached is the updated statement of work for your review.", "neutral"),
    ],
)
def test_clear_crm_texts(engine: ModelEngine, text: str, expected: str) -> None:
    assert label(engine, text) == expected


@needs_model
def test_handles_and_links_do_not_change_the_reading(engine: ModelEngine) -> None:
    plain, addressed = engine.predict(
        ["how do I change my booking?", "@AcmeAir how do I change my booking? https://t.co/a1"]
    )
    assert plain.probs == pytest.approx(addressed.probs, abs=1e-6)


@needs_model
def test_laughter_beside_a_complaint_is_not_read_as_praise(engine: ModelEngine) -> None:
    said = engine.predict(["lol the dashboard is broken again", "haha the export crashed again",
                           "the dashboard is broken again", "lol"])  # fmt: skip
    assert [LABELS[int(np.argmax(p.probs))] for p in said[:2]] == ["negative", "negative"]
    assert said[0].probs == pytest.approx(said[2].probs, abs=1e-6)
    assert without_laughter("lol") == "lol"  # laughter alone is all there is to read
    assert without_laughter("Lolly pops and hahn") == "Lolly pops and hahn"


@needs_model
def test_emotions_cover_every_crm_emotion(engine: ModelEngine) -> None:
    texts = [
        "This is so annoying, the sync broke AGAIN and nobody cares.",
        "Thank you, we really appreciate your help!",
        "URGENT: production is down, we need a fix today, please escalate ASAP.",
    ]
    angry, thankful, urgent = engine.predict(texts)
    for prediction in (angry, thankful, urgent):
        assert set(prediction.emotions) == set(EMOTIONS)
        assert all(0.0 <= v <= 1.0 for v in prediction.emotions.values())
    # urgency has no public training data: the rule engine's urgency lexicon scores it
    assert urgent.emotions["urgency"] > 0.8 > 0.2 > thankful.emotions["urgency"]
    assert angry.emotions["frustration"] > thankful.emotions["frustration"]
    assert thankful.emotions["satisfaction"] > angry.emotions["satisfaction"]


@needs_model
def test_emoji_the_network_cannot_read_are_read_by_the_lexicon(engine: ModelEngine) -> None:
    """Every emoji is [UNK] to the network: alone, "👍" and "😡😡" were the same reading."""
    thumbs, angry = engine.predict(["👍", "😡😡"])
    assert LABELS[int(np.argmax(thumbs.probs))] == "positive"
    assert LABELS[int(np.argmax(angry.probs))] == "negative"
    rules = RuleEngine()
    # "ok 👍": half words, half emoji, so half the network's reading and half the lexicon's
    network = engine.polarity(engine.embed(["ok 👍"]))[0]
    lexicon = np.array(rules.predict(["ok 👍"])[0].probs)
    np.testing.assert_allclose(engine.predict(["ok 👍"])[0].probs, (network + lexicon) / 2)
    # a text of emoticons alone is the lexicon's to read (":)" read +0.10, neutral, before
    # 2026-12-07): the network's tokens ":" and ")" say too little
    smile, frown = engine.predict([":)", ":-("])
    np.testing.assert_allclose(smile.probs, rules.predict([":)"])[0].probs)
    assert LABELS[int(np.argmax(smile.probs))] == "positive"
    assert LABELS[int(np.argmax(frown.probs))] == "negative"
    # without emoji the probabilities are the network's alone
    plain = "The export is still broken."
    np.testing.assert_allclose(
        engine.predict([plain])[0].probs, engine.polarity(engine.embed([plain]))[0]
    )


@needs_model
def test_urgency_and_word_evidence_come_from_the_rule_lexicon(engine: ModelEngine) -> None:
    texts = [
        "URGENT: production is down, please escalate ASAP.",
        "Thanks, the onboarding went great and support was quick.",
        "The export is slow but the new dashboard is lovely.",
    ]
    for model, rules in zip(engine.predict(texts), RuleEngine().predict(texts), strict=True):
        assert model.emotions["urgency"] == rules.emotions["urgency"]
        agreeing = [(e.start, e.end) for e in rules.evidence if e.weight * model.score > 0]
        assert [(e.start, e.end) for e in model.evidence] == agreeing
        assert agreeing  # every text here has words that push the model's way
        assert sum(abs(e.weight) for e in model.evidence) == pytest.approx(abs(model.score))


@needs_model
def test_frustration_anger_and_confusion_blend_the_network_and_the_lexicon(
    engine: ModelEngine,
) -> None:
    texts = [
        "This is the third time I've asked. Still waiting on a fix for the export bug!!!",
        "Thanks, the onboarding went great and support was quick.",
    ]
    waiting, thanks = engine.predict(texts)
    network = _crm_emotions(engine.goemotions(engine.embed(texts)))
    for prediction, row, text in zip((waiting, thanks), network, texts, strict=True):
        lexicon = RuleEngine().predict([text])[0].emotions
        for name in BLENDED_EMOTIONS:
            network_says = row[EMOTIONS.index(name)]
            blended = 1 - (1 - network_says) * (1 - lexicon[name])
            assert prediction.emotions[name] == pytest.approx(blended)
        for name in ("disappointment", "enthusiasm", "satisfaction"):
            assert prediction.emotions[name] == pytest.approx(row[EMOTIONS.index(name)])
    # The network alone missed the frustration of a customer chasing a fix for the third time.
    assert network[0][EMOTIONS.index("frustration")] < 0.5 < waiting.emotions["frustration"]
    assert waiting.emotions["frustration"] == max(waiting.emotions.values())
    assert thanks.emotions["frustration"] < 0.2


@needs_model
def test_praise_shows_a_positive_emotion(engine: ModelEngine) -> None:
    """Admiration and love count towards satisfaction and enthusiasm: without them this
    praise read 0.03 for both."""
    praise, complaint = engine.predict([
        "The new dashboard is great, the team loves it!",
        "The export has been broken for a week and nobody answers.",
    ])  # fmt: skip
    assert max(praise.emotions["satisfaction"], praise.emotions["enthusiasm"]) >= 0.5
    assert max(complaint.emotions["satisfaction"], complaint.emotions["enthusiasm"]) < 0.2


@needs_model
def test_raw_goemotions_probabilities(engine: ModelEngine) -> None:
    probs = engine.goemotions(engine.embed(["Thank you so much!", "Why is this broken?"]))
    assert probs.shape == (2, len(GOEMOTIONS))
    assert probs[0, GOEMOTIONS.index("gratitude")] > probs[0].mean()
    assert engine.heads.thresholds.shape == (len(GOEMOTIONS),)


@needs_model
def test_two_thousand_word_email_is_read_to_the_end(engine: ModelEngine) -> None:
    opening = "Please find the agenda for the quarterly review attached. " * 160  # ~1,400 words
    complaint = (
        "The outage was a disaster, we are furious and we are cancelling the contract. " * 45
    )
    email = opening + complaint
    assert 1900 <= len(email.split()) <= 2200
    whole, start = engine.predict([email, opening])
    assert whole.score < start.score - 0.1  # the complaint 1,400 words in still counts
    assert sum(whole.probs) == pytest.approx(1.0, abs=1e-6)


@needs_model
def test_deterministic_across_calls_batches_and_instances(engine: ModelEngine) -> None:
    texts = ["Still no answer on the billing dispute.", "Works like a charm.", "Ok."]
    first = [p.probs for p in engine.predict(texts)]
    assert first == [p.probs for p in engine.predict(texts)]
    # fresh instances (no embedding cache): each text alone, and among other neighbours
    alone = [ModelEngine(default_model_dir()).predict([t])[0].probs for t in texts]
    neighbours = [
        "WHY IS THE EXPORT STILL BROKEN?!!! " * 5,
        "Thanks so much, the onboarding team was wonderful and patient with us.",
        "Invoice #4411 attached; payment terms are 30 days.",
    ]
    mixed = ModelEngine(default_model_dir()).predict([*neighbours, *texts[::-1]])
    other = [p.probs for p in mixed[len(neighbours) :]][::-1]
    np.testing.assert_allclose(first, alone, atol=1e-6)
    np.testing.assert_allclose(first, other, atol=1e-6)


def _mixed_lengths() -> list[str]:
    """Texts of 3 to ~300 tokens: several batches, and windows of every length."""
    base = "The renewal call went fine but the invoice is wrong again and nobody answers"
    return [" ".join([base] * (1 + i % 4) + ["ticket", str(i)] * (i % 7)) for i in range(90)]


@needs_model
def test_concurrent_batches_give_the_same_embeddings_in_order() -> None:
    texts = _mixed_lengths()
    one = ModelEngine(default_model_dir(), threads=1).embed(texts)
    for threads in (2, 3):
        np.testing.assert_allclose(
            ModelEngine(default_model_dir(), threads=threads).embed(texts), one, atol=1e-6
        )
    alone = ModelEngine(default_model_dir(), threads=2)
    np.testing.assert_allclose([alone.embed([t])[0] for t in texts[::9]], one[::9], atol=1e-6)


def test_concurrent_first_requests_load_one_model() -> None:
    """API requests share an engine: eight that arrive together used to load up to eight
    ONNX sessions (~0.3 s and ~30 MB each)."""
    import threading

    engine = ModelEngine(default_model_dir(), threads=2)
    start = threading.Barrier(8)
    encoders: list[int] = []
    readings: list[tuple[float, ...]] = []

    def request(i: int) -> None:
        start.wait()
        encoders.append(id(engine.encoder))
        readings.append(engine.predict([f"The sync failed again on run {i}.", "Thanks!"])[1].probs)

    workers = [threading.Thread(target=request, args=(i,)) for i in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert len(set(encoders)) == 1 and len(readings) == 8
    assert len(set(readings)) == 1


def _embed_in_child(connection: Connection, engine: ModelEngine, texts: list[str]) -> None:
    connection.send(engine.embed(texts))


@needs_model
def test_a_forked_process_gets_its_own_encoder_threads() -> None:
    """Threads do not survive fork: a child (gunicorn --preload, a prefork worker) that
    reused the parent's pool would wait forever for them."""
    engine = ModelEngine(default_model_dir(), threads=2)
    texts = _mixed_lengths()
    expected = engine.embed(texts)  # the parent's pool now has live threads
    fork = multiprocessing.get_context("fork")
    here, there = fork.Pipe()
    fresh = [f"{t} (child)" for t in texts]  # not in the inherited cache
    child = fork.Process(target=_embed_in_child, args=(there, engine, fresh))
    child.start()
    try:
        assert here.poll(120), "the forked child never finished embedding"
        got = here.recv()
        child.join(10)
    finally:
        child.kill()
    assert child.exitcode == 0
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, engine.embed(fresh), atol=1e-6)


@needs_model
def test_domain_tuning_writes_a_model_that_loads_and_changes_predictions(
    engine: ModelEngine, tuned: Path
) -> None:
    tuned_engine = ModelEngine(tuned)
    assert tuned_engine.model_version.startswith(engine.model_version + "+tuned.")
    report = tuned_engine.config.training["tuning"]["heads"]["polarity"]
    assert report["holdout_after"]["accuracy"] >= report["holdout_before"]["accuracy"]
    texts = ["Invoice 4821 closed as paid.", "Chargeback filed against invoice 7730."]
    base = engine.predict(texts)
    after = tuned_engine.predict(texts)
    assert [label(tuned_engine, t) for t in texts] == ["positive", "negative"]
    assert after[0].probs[2] > base[0].probs[2]
    assert after[1].probs[0] > base[1].probs[0]
    # the shipped complaint bias was fitted to the shipped head; a tuned head goes without
    assert engine.config.complaint_bias != ComplaintBias()
    assert tuned_engine.config.complaint_bias == ComplaintBias()


@needs_model
def test_model_dir_setting_selects_the_tuned_model(
    tuned: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRMSENSE_MODEL_DIR", str(tuned))
    assert "+tuned." in ModelEngine().model_version


@needs_model
def test_cli_train_with_data(tmp_path: Path) -> None:
    from crmsense.cli import app

    output = tmp_path / "cli-model"
    result = CliRunner().invoke(app, [
        "train", "--data", str(FIXTURES / "labelled.csv"), "--text-column", "message",
        "--label-column", "status", "--output", str(output),
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "+tuned." in ModelEngine(output).model_version


@needs_model
def test_the_complaint_bias_lowers_neutral_for_texts_that_lean_negative(
    engine: ModelEngine,
) -> None:
    """A short complaint the network reads as neutral-ish is read negative, and between
    positive and negative the bias moves every text by the same small constant (its
    ``negative``), so a text that clearly leans positive stays positive."""
    texts = ["Still no reply about my refund.", "The new dashboard is quite nice.",
             "Can we move Thursday's call to 3pm?", "Honestly the export is a disaster.",
             "Thanks, that fixed it!", "The invoice is attached."]  # fmt: skip
    embedded = engine.embed(texts)
    raw = softmax(engine.heads.polarity.logits(embedded), engine.config.temperature)
    biased = engine.polarity(embedded)
    assert biased[0, 0] > raw[0, 0]
    assert biased[0].argmax() == LABELS.index("negative")
    assert biased[1].argmax() == LABELS.index("positive")
    bias, temperature = engine.config.complaint_bias, engine.config.temperature
    shift = np.log(biased[:, 2] / biased[:, 0]) - np.log(raw[:, 2] / raw[:, 0])
    np.testing.assert_allclose(shift, -bias.negative / temperature, atol=1e-6)
    # the neutral logit drops in proportion to the negative lean, never rises
    lean = softmax(engine.heads.polarity.logits(embedded)[:, [0, 2]])[:, 0]
    drop = np.log(raw[:, 1] / raw[:, 0]) - np.log(biased[:, 1] / biased[:, 0])
    expected = (bias.negative + bias.neutral_per_lean * lean) / temperature
    np.testing.assert_allclose(drop, expected, atol=1e-6)


def test_config_keeps_the_complaint_bias_and_reads_older_directories(tmp_path: Path) -> None:
    """Directories written before the bias (its offset baked into the head) read as none."""
    bias = ComplaintBias(negative=0.5, neutral_per_lean=3.0)
    write_config(tmp_path, model_version="m.1", temperature=1.5, training={},
                 complaint_bias=bias)  # fmt: skip
    for name in MODEL_FILES[:-1]:
        (tmp_path / name).write_bytes(b"")
    assert ModelConfig.read(tmp_path).complaint_bias == bias
    raw = json.loads((tmp_path / "config.json").read_text())
    del raw["complaint_bias"]
    (tmp_path / "config.json").write_text(json.dumps(raw))
    assert ModelConfig.read(tmp_path).complaint_bias == ComplaintBias()
    raw["complaint_bias"] = {"negative": 1.0, "sideways": 2.0}
    (tmp_path / "config.json").write_text(json.dumps(raw))
    with pytest.raises(ModelError, match="unreadable") as info:
        ModelConfig.read(tmp_path)
    assert info.value.code == "E302"


def test_missing_model_dir_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as info:
        ModelEngine(tmp_path / "nowhere")
    assert info.value.code == "E301"
    assert "crmsense train" in str(info.value)


def test_labelled_csv_with_unknown_labels_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("text,label\n" + "fine thanks,positive\n" * 30 + "meh,so-so\n")
    with pytest.raises(InputError, match="so-so"):
        read_labelled(path)


def test_labelled_csv_merges_repeated_texts_and_resolves_conflicting_labels(
    tmp_path: Path,
) -> None:
    # A repeated text could land in both the training and the held-out part, which would
    # flatter the held-out figures; disagreeing rows are resolved by majority.
    path = tmp_path / "dups.tsv"
    rows = [f"Ticket {i} is still open\tnegative\tconversational" for i in range(12)]
    rows += [f"Thanks for fixing {i}\tpositive\tconversational" for i in range(12)]
    rows += ["Invoice attached\tneutral\ttransactional"] * 3  # one text, three rows
    rows += ["Meh\tneutral\t", "Meh\tnegative\t", "  Meh \tneutral\t"]  # 2 to 1
    rows += ["So-so\tpositive\t", "So-so\tnegative\t"]  # a tie: no polarity label
    path.write_text("text\tlabel\tkind\n" + "\n".join(rows) + "\n", encoding="utf-8")
    data = read_labelled(path)
    assert len(data.texts) == 27 and data.repeated == 5
    assert data.conflicting == {"polarity": 2, "kind": 0}
    labels = dict(zip(data.texts, data.labels["polarity"].tolist(), strict=True))
    assert labels["Meh"] == LABELS.index("neutral") and labels["So-so"] == -1
    assert labels["Invoice attached"] == LABELS.index("neutral")
    kinds = dict(zip(data.texts, data.labels["kind"].tolist(), strict=True))
    assert kinds["Invoice attached"] == KINDS.index("transactional") and kinds["Meh"] == -1


def test_labelled_csv_columns_are_checked() -> None:
    with pytest.raises(InputError, match="--text-column"):
        read_labelled(FIXTURES / "labelled.csv")


def test_tuning_refits_the_kind_and_intent_heads_when_the_csv_labels_them(
    engine: ModelEngine, tmp_path: Path
) -> None:
    """A sales team's labelled replies: "keep me posted" means polite disengagement for
    them, and vendor portal notices are transactional."""
    rows = [
        ("Keep me posted on the roadmap.", "conversational", "polite_disengagement"),
        ("Keep me posted, thanks.", "conversational", "polite_disengagement"),
        ("Please keep me posted on this.", "conversational", "polite_disengagement"),
        ("Sounds good, keep me posted!", "conversational", "polite_disengagement"),
        ("Supplier portal: your documents were received.", "transactional", ""),
        ("Supplier portal: a new form awaits your signature.", "transactional", ""),
        ("Supplier portal: compliance certificate accepted.", "transactional", ""),
        ("Supplier portal: your banking details were updated.", "transactional", ""),
        ("Let's book the demo for Tuesday.", "conversational", "interest"),
        ("Can you send pricing for 50 seats?", "conversational", "interest"),
    ]
    rows = [(f"{text} (ref {n})", kind, intent) for n in range(4) for text, kind, intent in rows]
    data = tmp_path / "labelled.csv"
    with data.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "kind", "intent"])
        writer.writerows(rows)
    report = tune(data, tmp_path / "sales-model", base_dir=default_model_dir())
    assert [h.task for h in report.heads] == ["kind", "intent"]  # no polarity column
    for head in report.heads:
        assert head.after["accuracy"] >= head.before["accuracy"]
    tuned_engine = ModelEngine(tmp_path / "sales-model")
    [after] = tuned_engine.predict(["Supplier portal: your invoice was approved."])
    [before] = engine.predict(["Supplier portal: your invoice was approved."])
    assert after.kind is not None and before.kind is not None
    assert after.kind["transactional"] > before.kind["transactional"]
    assert tuned_engine.config.temperature == engine.config.temperature  # polarity untouched
    assert tuned_engine.config.complaint_bias == engine.config.complaint_bias
    with pytest.raises(InputError, match=r"column 'kind': labels 'spam' ×1"):
        data.write_text("text,kind\n" + "Hi there,conversational\n" * 30 + "Buy now,spam\n")
        read_labelled(data)


def test_cli_train_with_wrong_column_exits_2(tmp_path: Path) -> None:
    from crmsense.cli import app

    result = CliRunner().invoke(
        app, ["train", "--data", str(FIXTURES / "labelled.csv"), "--output", str(tmp_path / "m")]
    )
    assert result.exit_code == 2
    assert "--text-column" in result.output


@pytest.mark.parametrize(("layers", "bound"), [("0", "greater than or equal to 1"),
                                               ("7", "less than or equal to 6")])  # fmt: skip
def test_train_layers_must_be_what_the_base_encoder_has(
    layers: str, bound: str, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from crmsense.cli import app

    result = CliRunner().invoke(
        app, ["train", "--layers", layers, "--output", str(tmp_path / "m"), "--quiet"]
    )
    assert result.exit_code == 2
    assert "--layers" in result.output and bound in result.output


def test_training_uses_bf16_only_where_the_cpu_has_it(tmp_path: Path) -> None:
    """Emulated bf16 ran a third as fast as fp32 on an AVX-512 CPU without AVX512-BF16."""
    from crmsense.analysis.model.train import native_bf16

    without, with_bf16 = tmp_path / "cpuinfo-vnni", tmp_path / "cpuinfo-bf16"
    without.write_text("flags\t\t: fpu sse2 avx2 avx512f avx512_vnni\n")
    with_bf16.write_text("flags\t\t: fpu sse2 avx2 avx512f avx512_vnni avx512_bf16 amx_tile\n")
    assert not native_bf16(without)
    assert native_bf16(with_bf16)
    assert not native_bf16(tmp_path / "missing")
