"""rules.v1: negation, intensity, contrast, emphasis, emoji, CRM language, evidence, emotions."""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmsense.analysis.engines import ENGINES
from crmsense.analysis.rules.engine import RuleEngine
from crmsense.analysis.rules.lexicon import TOKEN, load_lexicon, mask, normalise, tokens
from crmsense.analysis.types import EMOTIONS, LABELS, Prediction


@pytest.fixture(scope="module")
def engine() -> RuleEngine:
    return RuleEngine()


def one(engine: RuleEngine, text: str) -> Prediction:
    return engine.predict([text])[0]


def label(p: Prediction) -> str:
    return LABELS[p.probs.index(max(p.probs))]


# -- negation (the complaints about VADER, TextBlob, NRCLex and transformers) -------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No complaints", "positive"),
        ("not bad at all", "positive"),
        ("It isn't working", "negative"),
        ("Nothing to complain about", "positive"),
        ("No problems", "positive"),
        ("I'm not happy", "negative"),
        ("I do not know the answer.", "neutral"),
        ("Thank you for all your hard work", "positive"),
        ("Website is not working", "negative"),
        ("The export doesn’t work", "negative"),  # curly apostrophe
        ("the sync does n't work", "negative"),  # Penn Treebank tokens
        ("We never had a single issue with the rollout", "positive"),
        ("The app no longer works after the update", "negative"),
        ("There is a lack of support from your team", "negative"),
        ("Hardly any bugs since the upgrade", "positive"),
        ("Can't wait to roll this out to the whole team!", "positive"),
        ("I couldn't be happier with the onboarding", "positive"),
        ("I don't like the new dashboard", "negative"),
        ("We still haven't received the refund", "negative"),
    ],
)
def test_negation(engine: RuleEngine, text: str, expected: str) -> None:
    assert label(one(engine, text)) == expected


def test_negation_stops_at_punctuation_and_contrast(engine: RuleEngine) -> None:
    # "not" must not reach "great" across the comma or the "but"
    assert label(one(engine, "Not yet, but the team was great")) == "positive"
    assert one(engine, "No. The support was great").score > 0


def test_negation_span_is_the_evidence(engine: RuleEngine) -> None:
    [e] = one(engine, "Honestly, not bad at all").evidence
    assert e.text == "not bad" and e.weight > 0


# -- intensity, contrast, emphasis ------------------------------------------------------


def test_intensifiers_and_dampeners_order_the_score(engine: RuleEngine) -> None:
    scores = [
        one(engine, f"The support was {m}helpful").score
        for m in ("slightly ", "", "very ", "extremely ")
    ]
    assert scores == sorted(scores)
    assert len(set(scores)) == 4
    assert one(engine, "It is a bit slow").score > one(engine, "It is slow").score


def test_not_very_good_is_milder_than_bad(engine: RuleEngine) -> None:
    milder = one(engine, "The release was not very good").score
    assert one(engine, "The release was bad").score < milder < 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The product is great but support is terrible", "negative"),
        ("Support is terrible but the product is great", "positive"),
        ("Although the onboarding was rough, the team was fantastic", "positive"),
        ("The pricing is fair. However, the implementation has been a disaster", "negative"),
        ("It was expensive, yet totally worth it", "positive"),
        ("The dashboard looks nice though it crashes every day", "negative"),
    ],
)
def test_contrast_weighs_the_later_clause(engine: RuleEngine, text: str, expected: str) -> None:
    assert label(one(engine, text)) == expected


def test_contrast_halves_the_earlier_clause(engine: RuleEngine) -> None:
    alone = one(engine, "The product is great").evidence[0].weight
    before = one(engine, "The product is great but the invoice is late").evidence[0]
    assert before.text == "great" and before.weight == pytest.approx(alone / 2)


@pytest.mark.parametrize(
    ("plain", "emphatic"),
    [
        ("This is good", "This is GOOD"),
        ("This is good", "This is good!!"),
        ("This is good", "This is goooood"),
        ("This is so good", "This is sooo good"),
        ("The migration failed", "The migration FAILED"),
    ],
)
def test_emphasis_strengthens(engine: RuleEngine, plain: str, emphatic: str) -> None:
    assert abs(one(engine, emphatic).score) > abs(one(engine, plain).score) > 0


def test_shouting_text_reads_as_anger(engine: RuleEngine) -> None:
    calm = one(engine, "This is the third time the export failed")
    shouted = one(engine, "THIS IS THE THIRD TIME THE EXPORT FAILED")
    assert shouted.emotions["anger"] > calm.emotions["anger"]
    assert shouted.score < calm.score < 0


# -- emoji, emoticons, sarcasm --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("😡", "negative"),
        ("🙁", "negative"),
        ("👍", "positive"),
        ("🎉🎉", "positive"),
        ("Done :)", "positive"),
        ("Still broken :(", "negative"),
        ("thanks:)", "positive"),
        ("👍🏽", "positive"),  # skin tone modifier
        ("❤️", "positive"),  # variation selector
    ],
)
def test_emoji_and_emoticons(engine: RuleEngine, text: str, expected: str) -> None:
    assert label(one(engine, text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Great, another outage.",
        "Yeah right, the fix is coming",
        "Thanks for nothing",
        "Oh great, the portal is down again",
    ],
)
def test_sarcasm_cues(engine: RuleEngine, text: str) -> None:
    assert label(one(engine, text)) == "negative"


# -- business / CRM language -------------------------------------------------------------------

CRM = [
    ("We need this escalated. The outage has blocked our whole sales team since Monday.",
     "negative"),
    ("Still waiting on a response to ticket #4821. This is unacceptable.", "negative"),
    ("Any update on the SSO bug? It's been two weeks.", "negative"),
    ("Honestly we are frustrated and looking at alternatives before the renewal.", "negative"),
    ("We will not be renewing our contract and would like to cancel at the end of the term.",
     "negative"),
    ("The app keeps crashing when I upload a CSV, and the workaround doesn't help.",
     "negative"),
    ("Your SLA says four hours. We have had no response for two days.", "negative"),
    ("We were double charged this month and want a refund.", "negative"),
    ("Migration went smoothly, the new sync is seamless. Great job team!", "positive"),
    ("Thank you for your help, the issue is resolved and everything works great.",
     "positive"),
    ("The onboarding exceeded our expectations, we love the new reporting.", "positive"),
    ("Really appreciate the quick turnaround on this.", "positive"),
    ("Renewal signed! Looking forward to another great year together.", "positive"),
    ("Please find the invoice attached.", "neutral"),
    ("Can we schedule a meeting for Tuesday at 3pm to review the contract?", "neutral"),
    ("Your password reset code is 483920. It expires in 10 minutes.", "neutral"),
    ("Receipt for your payment of $1,200.00 to Acme Analytics.", "neutral"),
    ("Hi Sam, attached is the updated order form. Best regards, Dana", "neutral"),
    ("Please let me know if you have any questions.", "neutral"),
    ("I am out of the office until Monday and will reply when I return.", "neutral"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CRM)
def test_crm_texts(engine: RuleEngine, text: str, expected: str) -> None:
    assert label(one(engine, text)) == expected


PRODUCT_REVIEWS = [
    ("There was no learning curve for our new hires.", "positive"),
    ("Setting up the new workspace was straightforward.", "positive"),
    ("The mobile app is snappy and dependable.", "positive"),
    ("For a small team the starter plan is great value.", "positive"),
    ("The admin console is anything but intuitive.", "negative"),
    ("The new editor is far from user friendly.", "negative"),
    ("The report builder is unintuitive and cluttered.", "negative"),
    ("The desktop client freezes whenever a large report opens.", "negative"),
    ("The learning curve was steep for our field team.", "negative"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), PRODUCT_REVIEWS)
def test_product_review_vocabulary(engine: RuleEngine, text: str, expected: str) -> None:
    """Plain praise and criticism of a product, as in survey verbatims and app reviews."""
    assert label(one(engine, text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Please find the invoice attached.",
        "Meeting scheduled for Thursday, please see the attached agenda.",
        "Kind regards, the billing team",
        "Can you help me update the credit card on file?",
    ],
)
def test_neutral_business_words_do_not_score(engine: RuleEngine, text: str) -> None:
    p = one(engine, text)
    assert p.evidence == []
    assert p.score == 0.0
    assert p.probs[1] > 0.6


def test_transactional_mail_is_confidently_neutral(engine: RuleEngine) -> None:
    assert one(engine, "Please find the invoice attached.").probs[1] > 0.6


def test_urls_addresses_and_mentions_are_ignored(engine: RuleEngine) -> None:
    p = one(engine, "@terrible_support see https://bad.example.com/fail or mail fail@bad.io")
    assert p.evidence == []


# -- the output contract ----------------------------------------------------------------------


SAMPLES = [text for text, _ in CRM] + ["", "   ", "😡", "ok", "!!!", "?", "İstanbul office rocks"]


def test_probabilities_scores_and_emotions_are_well_formed(engine: RuleEngine) -> None:
    for p in engine.predict(SAMPLES):
        assert len(p.probs) == 3
        assert math.isclose(sum(p.probs), 1.0, abs_tol=1e-9)
        assert all(0.0 <= x <= 1.0 for x in p.probs)
        assert -1.0 <= p.score <= 1.0
        assert set(p.emotions) == set(EMOTIONS)
        assert all(0.0 <= v <= 1.0 for v in p.emotions.values())
        assert p.kind is None and p.intent is None


def test_evidence_offsets_point_at_the_text(engine: RuleEngine) -> None:
    text = "Hi team 👋 — the SSO login isn’t working AGAIN!! Very frustrated. Otherwise great :)"
    p = one(engine, text)
    found = {e.text: e.weight for e in p.evidence}
    for e in p.evidence:
        assert text[e.start : e.end] == e.text
    assert found["isn’t working"] < 0
    assert found["Very frustrated"] < 0
    assert found["great"] > 0 and found[":)"] > 0


def test_evidence_sums_to_the_raw_score(engine: RuleEngine) -> None:
    for text in ("Great support, but the app is slow", "Slow app, but great support"):
        p = one(engine, text)
        raw = sum(e.weight for e in p.evidence)
        assert math.copysign(1, raw) == math.copysign(1, p.score)
        assert p.score == pytest.approx(math.tanh(raw / (len(p.evidence) + 1) / 2))


PIECES = [
    "good", "bad", "not", "very", "no complaints", "but", ":)", ":d", "=d", "=", "d", "x",
    " ", "'", "’", "@ana", "a@b.io", "http://x.io/bad", "#fail", "İ", "ß", "!", "?", ",", ".",
    "😡", "👍", "🏽", "\ufe0f", "sooo", "GREAT", "aaa", "<3", "3",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_evidence_spans_fall_on_token_boundaries(text: str) -> None:
    spans = [m.span() for m in TOKEN.finditer(mask(normalise(text)))]
    starts, ends = {s for s, _ in spans}, {e for _, e in spans}
    for e in RuleEngine().predict([text])[0].evidence:
        assert e.start in starts and e.end in ends and e.text == text[e.start : e.end]


def test_offsets_survive_case_folding_that_changes_length(engine: RuleEngine) -> None:
    text = "İİİ İstanbul team was terrible"
    [e] = one(engine, text).evidence
    assert e.text == "terrible" == text[e.start : e.end]


def test_long_texts_do_not_saturate(engine: RuleEngine) -> None:
    unit = (
        "The rollout went well and the team was helpful. "
        "The invoice was wrong and the export failed twice. "
        "We met on Tuesday to review the plan and the timeline for next quarter. "
    )
    text = unit * (2000 // len(unit.split()) + 1)
    assert len(text.split()) >= 2000
    mixed = one(engine, text)
    assert abs(mixed.score) < 0.5
    praise = "Thanks, the new dashboard works great. "
    single, repeated = one(engine, praise), one(engine, praise * 300)
    assert 0 < single.score <= repeated.score < 0.9


@pytest.mark.parametrize(
    ("text", "words", "emoji"),
    [
        ("ok 👍", 1, 1),
        ("👍🏽👍🏽 thanks so much!!", 3, 2),  # a skin tone is part of its emoji
        ("still broken :( 😡", 2, 1),  # an emoticon is neither
        ("Don't! https://x.example/😡 @ops", 1, 0),  # links and handles are skipped
        ("", 0, 0),
    ],
)
def test_trace_counts_words_and_emoji(
    engine: RuleEngine, text: str, words: int, emoji: int
) -> None:
    trace = engine.trace(text)
    assert (trace.words, trace.emoji) == (words, emoji)
    assert trace.emoji_share == (emoji / (words + emoji) if emoji else 0.0)


def test_empty_and_emoji_only_input(engine: RuleEngine) -> None:
    empty = one(engine, "")
    assert empty.score == 0.0 and empty.evidence == []
    assert label(empty) == "neutral"
    assert one(engine, " \n\t ").probs == empty.probs
    emoji = one(engine, "🙏🙏🙏")
    assert label(emoji) == "positive" and len(emoji.evidence) == 3


@pytest.mark.slow
def test_one_megabyte_input(engine: RuleEngine) -> None:
    text = ("Still waiting 😡 but thanks for the quick fix! ") * 24_000
    assert len(text) > 1_000_000
    start = time.perf_counter()
    p = one(engine, text)
    assert time.perf_counter() - start < 30
    assert -1 <= p.score <= 1 and len(p.evidence) > 10_000


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "a" * 1_000_000 + "@",  # no quadratic backtracking in the URL/e-mail mask
        "x" * 1_000_000,
        "'" * 1_000_000,
        "gooood " * 140_000,
        "great but " * 100_000,
        "not, " * 200_000,
        "😡" * 300_000,
    ],
)
def test_pathological_megabyte_inputs(engine: RuleEngine, text: str) -> None:
    start = time.perf_counter()
    p = one(engine, text)
    assert time.perf_counter() - start < 30
    assert math.isclose(sum(p.probs), 1.0)


def test_deterministic(engine: RuleEngine) -> None:
    first = engine.predict(SAMPLES)
    assert engine.predict(SAMPLES) == first
    assert RuleEngine().predict(SAMPLES) == first


def test_predictions_keep_input_order(engine: RuleEngine) -> None:
    texts = ["awful", "fine", "wonderful"]
    batch = engine.predict(texts)
    assert batch == [one(engine, t) for t in texts]
    assert batch[0].score < batch[1].score < batch[2].score


def test_registered_under_its_versioned_name() -> None:
    assert ENGINES.get("rules.v1") is RuleEngine
    engine = ENGINES.get("rules.v1")()
    assert engine.name == "rules.v1"
    assert engine.model_version.startswith("rules.v1+")


# -- emotions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "emotion"),
    [
        ("URGENT: production is down, we need a fix ASAP", "urgency"),
        ("This is a blocker for our launch tomorrow, please respond immediately", "urgency"),
        ("Third time I'm asking. Still waiting, and honestly fed up.", "frustration"),
        ("This is outrageous 😡 your rep was rude and I want to speak to a manager", "anger"),
        ("Honestly disappointed, we expected better from the new release", "disappointment"),
        ("I'm confused, how do I export the report? The docs are unclear.", "confusion"),
        ("We're so excited to launch next week 🎉 can't wait!", "enthusiasm"),
        ("Thank you so much, we really appreciate the help. Very satisfied.", "satisfaction"),
    ],
)
def test_emotions_detected(engine: RuleEngine, text: str, emotion: str) -> None:
    p = one(engine, text)
    calm = one(engine, "The quarterly report is attached for your review.")
    assert p.emotions[emotion] > 0.5
    assert p.emotions[emotion] > 3 * calm.emotions[emotion]
    assert max(p.emotions, key=p.emotions.__getitem__) == emotion


def test_deadlines_are_urgency(engine: RuleEngine) -> None:
    """Seventh session: a deadline ("by Friday", "first thing tomorrow") read as no urgency,
    so a late-stage prospect naming one looked like one without urgency (deal risk)."""
    calm = one(engine, "Thanks, see you on Monday.").emotions["urgency"]
    for text in (
        "Please send the signed order form by Friday.",
        "Can you fix it first thing tomorrow?",
        "We need an answer within the hour.",
    ):
        assert one(engine, text).emotions["urgency"] > 3 * calm


def test_negated_emotion_words_do_not_count(engine: RuleEngine) -> None:
    assert one(engine, "We are not frustrated at all").emotions["frustration"] < 0.2
    assert one(engine, "This is not urgent").emotions["urgency"] < 0.2


# -- lexicon -------------------------------------------------------------------------------


def test_business_lexicon_overrides_general_words() -> None:
    entries = load_lexicon().entries
    for word in ("please", "help", "support", "like", "invoice", "best regards", "po"):
        first, *rest = word.split()
        entry = entries[first]
        if rest:
            entry = dict(entry.phrases)[tuple(rest)]
        assert entry.valence == 0.0
    assert entries["working"].valence == 0 > entries["working"].negated
    assert entries["complaints"].valence < 0 < entries["complaints"].negated
    assert entries["timing"].phrases and dict(entries["timing"].phrases)[("out",)].valence < 0


def test_tokens() -> None:
    expected = ["don't", "fail", ":-(", "👍", "🏽", "ok", "!!!"]
    assert tokens("Don’t #fail @ana :-( 👍🏽 ok!!!") == expected


# -- the data-derived files are reproducible from train-licensed data only -----------------


@pytest.mark.slow
def test_build_reads_only_train_splits_and_reproduces_the_shipped_files(
    shared_datasets: Path, tmp_path: Path
) -> None:
    pytest.importorskip("vaderSentiment")
    from crmsense.analysis.rules import build

    train_only = [
        "sst2/train.csv", "tweeteval-emotion/train.csv", "goemotions/group/labels.txt",
        "goemotions/group/train.tsv", "goemotions/original/labels.txt",
        "goemotions/original/train.tsv",
    ]  # fmt: skip
    for name in train_only:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).symlink_to(shared_datasets / name)
    corpus = build.load_corpora(tmp_path)
    shipped = (build.DATA / "general.tsv").read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in shipped if not line.startswith("#")]
    derived = build.derive_general(corpus)
    assert [(w, float(v), s) for w, v, s in rows] == derived
    fitted = {(a, b): values for a, b, values in build.fit_calibration(corpus)}
    lexicon = load_lexicon()
    for i, name in enumerate(LABELS):
        assert fitted["polarity", name] == pytest.approx(lexicon.polarity[i], abs=1e-3)
    for i, name in enumerate(EMOTIONS):
        assert fitted["emotion", name] == pytest.approx(lexicon.emotion[i], abs=1e-3)
