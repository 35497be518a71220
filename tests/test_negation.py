"""Negated complaints read as the praise they are; real complaints next to them do not."""

from __future__ import annotations

import pytest

import crmsense
import crmsense.analysis.analyzer as analyzer_module
from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.api import load_engine
from crmsense.analysis.negation import (
    is_faded_praise,
    is_lukewarm,
    is_negated_complaint,
    is_unmet_expectation,
    unnegated,
)
from crmsense.analysis.types import Document, Evidence, Prediction

NEGATED = [
    "No complaints.",
    "Not bad at all, the migration finished a day early.",
    "Nothing to complain about this quarter.",
    "I can't complain.",
    "No issues so far with the new release.",
    "Never had a problem with support.",
    "We haven't had a single outage since the upgrade.",
    "No complaints from Dr. Patel's team.",  # one sentence despite "Dr."
    "Moving our 40 reps onto the new plan was painless.",
    "Setup was painless and support answered within minutes.",
    "The whole upgrade was trouble-free.",
    # praise said with a negation (2026-12-05)
    "Honestly, we couldn't have launched on time without your team.",
    "Can't thank you all enough for the weekend cover.",
    "The data migration went without a hitch.",
    "We couldn't be happier with the new reporting.",
    "I can't recommend Lena highly enough.",
    "Honestly, we can't live without it now.",
    # a survey's answer to "what should we improve?" (2026-12-07)
    "Nothing to improve",
    "Nothing I'd change.",
    "Honestly, I wouldn't change a thing.",
    "Don't change a thing.",  # 2026-12-07: −0.14 before
    "Couldn't have asked for a smoother handover.",  # 2026-12-07: −0.39 before
    "Zero tickets from the floor this week.",  # 2026-12-07: −0.84 before
    "I expected the go-live weekend to be a lot more painful than it was.",  # −0.44 before
    # seventh session
    "Can't imagine going back to how we worked before.",  # −0.55 before
    "I couldn't recommend them more.",  # −0.91 before
    "Never had to contact support once in two years.",
    "I don't think I've ever had to contact support, and that says it all.",  # −0.83 before
    "I wouldn't recommend anyone else for CRM work.",  # −0.87 before
]
NOT_NEGATED = [
    "The sync isn't working.",
    "No complaints about the UI, but the API keeps timing out.",
    "No complaints about the UI, the API keeps timing out.",
    "No response from support yet.",
    "Not happy with the response time.",
    "No issues with login. The export failed twice today.",
    "No problems until yesterday, when the sync broke.",
    "The import was painless, but half the contacts are missing.",
    "Gluten-free options are limited and the staff was rude.",
    "I can't thank you enough, but the export is still broken.",
    "We couldn't have finished without the workaround, the sync still fails daily.",
    "I cannot recommend this vendor.",
    "We can't work without the export, please fix it.",
    "There is nothing to change in the config.",
    "Nothing to improve in the UI, but the exports keep failing.",
    "Please don't change a thing in the contract without telling us.",
    "Zero tickets resolved this week.",
    "We expected it to be painful and it was.",
    "I wouldn't recommend the mobile app to anyone.",
    "Never had to contact support before this week, now the sync is broken.",
    "I can't imagine why the export still fails.",
]


@pytest.mark.parametrize("text", NEGATED)
def test_negated_complaints_are_recognised(text: str) -> None:
    assert is_negated_complaint(text)


@pytest.mark.parametrize("text", NOT_NEGATED)
def test_real_complaints_are_not(text: str) -> None:
    assert not is_negated_complaint(text)


def test_only_a_negative_reading_is_mirrored() -> None:
    misread = Prediction((0.6, 0.1, 0.3), -0.3, {"anger": 0.2}, [Evidence(0, 7, "Not bad", -0.3)])
    turned = unnegated("Not bad at all.", misread)
    assert turned.probs == (0.3, 0.1, 0.6)
    assert turned.score == 0.3
    assert turned.evidence == [Evidence(0, 7, "Not bad", 0.3)]
    assert turned.emotions == {"anger": 0.2}
    right = Prediction((0.1, 0.2, 0.7), 0.6)
    assert unnegated("Not bad at all.", right) is right
    assert unnegated("The sync isn't working.", misread) is misread


@pytest.mark.parametrize("engine", ["rules.v1", "model.v1"])
def test_no_engine_reads_a_negated_complaint_as_negative(engine: str) -> None:
    for analysis in crmsense.analyze(NEGATED, engine=engine):
        assert analysis.label != "negative", analysis.sentences[0].text
    broken, but = crmsense.analyze(NOT_NEGATED[:2], engine=engine)
    assert broken.label == "negative" and but.sentences[0].label != "positive"


def test_a_corrected_sentence_is_not_outvoted_by_the_whole_message_reading() -> None:
    """The whole reading of a short message shares the misreading the negation undid in its
    first sentence ("painless" read -0.52); it read -0.68 overall (-0.81 with
    ``minilm-l6-crm.6``) before the message was rolled up from its sentences."""
    [mixed] = crmsense.analyze(["Setup was painless. The only gripe: exports are slow."])
    assert [s.label for s in mixed.sentences] == ["positive", "negative"]
    assert mixed.score > -0.6
    [decline] = crmsense.analyze(["Thank you for the material. We won't be pursuing this."])
    assert decline.label != "positive"  # a corrected whole reading is kept


def test_the_roll_up_survives_a_full_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """A full cache is emptied before a batch is corrected, not after, so the batch keeps
    what its corrections undid."""
    monkeypatch.setattr(analyzer_module, "_CACHE_LIMIT", 2)
    analyzer = Analyzer(load_engine("model.v1"))
    analyzer.analyze([Document("Fine."), Document("Thanks.")])  # the cache is full
    [mixed] = analyzer.analyze([Document("Setup was painless. The only gripe: exports are slow.")])
    assert mixed.score > -0.6


def test_praise_said_with_a_negation_is_not_read_as_negative() -> None:
    """model.v1 read these as −0.78, −0.62 and −0.75 before they joined the negated
    complaints."""
    texts = [
        "We couldn't have hit the deadline without your help.",
        "Can't thank you enough for staying late to fix the sync.",
        "The rollout went without a hitch.",
    ]
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    assert [a.label for a in analyses] == ["positive"] * 3


@pytest.mark.parametrize(
    ("text", "faded"),
    [
        ("It used to be great, not anymore.", True),
        ("The app used to be fast. Now it crawls.", True),
        ("Your onboarding used to be excellent.", True),
        ("It used to be good and still is.", False),
        ("We used to be a small team.", False),
        ("It used to be slow, now it flies.", False),
        ("Used to love it, not anymore.", True),  # 2026-12-07: +0.54 before
        ("We used to recommend your support to everyone.", True),
        ("We used to love it and we still do.", False),
        ("I used to like Trello better.", False),
        # a recommendation withheld (seventh session)
        ("Can't say I'd recommend it to anyone I like.", True),  # +0.39 before
        ("Honestly I don't think I'd recommend it at this price.", True),  # +0.84 before
        ("Not sure I'd recommend it to a friend.", True),
        ("I'd recommend it to anyone.", False),
        ("I can't say I'd recommend it highly enough.", False),
    ],
)
def test_faded_praise(text: str, faded: bool) -> None:
    assert is_faded_praise(text) is faded


def test_faded_praise_is_not_read_as_positive() -> None:
    """model.v1 read it +0.12."""
    [analysis] = Analyzer(load_engine("model.v1")).analyze(
        [Document("It used to be great, not anymore.")]
    )
    assert analysis.label == "negative"


@pytest.mark.parametrize(
    ("text", "lukewarm"),
    [
        ("Your product is okay, nothing special.", True),
        ("It's fine I guess.", True),
        ("Honestly the support is so-so.", True),
        ("It does the job, nothing more.", True),
        ("It's okay.", True),  # only that (fifth session)
        ("The product is average!", True),
        ("Could be better.", True),  # 2026-12-07: a survey comment read +0.18
        ("Could be better, honestly.", True),  # seventh session: +0.52
        ("It could be better, the sync fails daily.", False),  # a complaint, not faint praise
        ("It's okay, the team loves it.", False),
        ("It's great.", False),
        ("Nothing fancy, but really good food at a fair price.", False),  # praise after "but"
        ("The rollout was fine and the team loved the training.", False),
        ("It's fine. Nothing special. But the support team is wonderful.", False),  # 3 sentences
    ],
)
def test_lukewarm_praise(text: str, lukewarm: bool) -> None:
    assert is_lukewarm(text) is lukewarm


def test_lukewarm_praise_is_not_read_as_positive() -> None:
    """model.v1 read them +0.68, +0.71, +0.45 and +0.30 (2026-12-07), and the survey
    comment "It's okay." +0.62 (fifth session)."""
    texts = ["Your product is okay, nothing special.", "It's fine I guess.",
             "Honestly the support is so-so.", "It does the job, nothing more."]  # fmt: skip
    analyzer = Analyzer(load_engine("model.v1"))
    analyses = analyzer.analyze([Document(t) for t in texts])
    analyses += analyzer.analyze([Document("It's okay.", channel="survey")])
    assert [a.label for a in analyses] == ["neutral"] * 5


@pytest.mark.parametrize(
    ("text", "unmet"),
    [
        ("We expected better.", True),
        ("Honestly we expected more for what we pay.", True),
        ("We were hoping for a lot more from the upgrade.", True),
        ("I'd expect better from a company your size.", True),
        ("We were promised this feature in Q2 and it's now November.", True),
        ("Frankly, we had hoped for more.", True),
        # bill shock (2026-12-07)
        ("We were also surprised by the invoice, it was higher than the quote.", True),
        ("We were shocked by the renewal invoice.", True),
        ("The March invoice is 30% higher than what we were quoted.", True),
        ("We were pleasantly surprised by the invoice.", False),
        ("We were pleasantly surprised by the price.", False),
        ("Why is the bill higher than the quote?", False),
        ("We expected more hassle with the migration, but it was smooth.", False),
        ("It's even better than we expected!", False),
        ("The delivery was exactly what we were promised.", False),
        ("Can you confirm the discount we were promised?", False),
        ("Did you expect more from the beta?", False),
        # a complaint wished away (fourth session)
        ("It would be nice if it actually worked.", True),
        ("Would be great if the export didn't crash every day.", True),
        ("Would be nice if someone actually replied to my emails for once.", True),
        ("It would be great if the export supported XLSX.", False),
        ("Would be great if you kept the old layout as an option.", False),
        # (2026-12-07)
        ("Honestly, the tool should just work.", True),
        ("I wouldn't say the migration has been smooth, but we are where we are.", True),
        ("It should work now, can you try again?", False),
        ("I wouldn't say no to a discount.", False),
        ("The support experience has been less than ideal.", True),
        ("Not exactly smooth, but it's live.", False),  # conceded, then the point
        ("We were told it would be ready by Friday. It isn't.", True),  # a promise broken
        ("I was told I'd love it and I do.", False),
        # (eighth session)
        ("You can do better than that.", True),
        ("I hoped I would have had a response by now.", True),
        ("Would love to see some seriousness here.", True),
        ("We can do better on our side with the data.", False),
        ("I hoped you'd like the new dashboard, and you did.", False),
        ("Would love to see some examples of the API.", False),
    ],
)
def test_unmet_expectations(text: str, unmet: bool) -> None:
    assert is_unmet_expectation(text) is unmet


def test_unmet_expectations_are_read_as_negative() -> None:
    """model.v1 read these +0.47, +0.53, +0.71 and +0.36 (2026-12-07)."""
    texts = [
        "We expected better.",
        "Honestly we expected more for what we pay.",
        "We were hoping for a lot more from the upgrade.",
        "We were promised this feature in Q2 and it's now November.",
    ]
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    assert [a.label for a in analyses] == ["negative"] * 4


def test_a_complaint_wished_away_reads_negative() -> None:
    """model.v1 read these +0.09, +0.58 and (too uncertain) +0.00 (fourth session,
    2026-12-07); the suggestion rule must not take them for wishes."""
    texts = [
        "Would be great if the export didn't crash every day.",
        "It would be nice if it actually worked.",
        "Would be nice if someone actually replied to my emails for once.",
    ]
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    assert [(a.label, a.unscored) for a in analyses] == [("negative", None)] * 3


def test_bill_shock_reads_negative_and_objects_in_a_call() -> None:
    """model.v1 read the customer's segment +0.12, and no objection was raised
    (2026-12-07)."""
    text = "Okay. We were also surprised by the invoice, it was higher than the quote."
    segments = (("Alex", "rep", "How did the first month go?"), ("Dana", "customer", text))
    analyzer = Analyzer(load_engine("model.v1"))
    [message, call] = analyzer.analyze(
        [Document(text), Document("", channel="call", segments=segments)]
    )
    assert message.label == "negative"
    assert call.call is not None and call.call.trajectory.objection_raised


def test_survey_answers_of_the_eighth_session() -> None:
    """A recommendation withheld (+0.39), faint praise with an aside (+0.52), no call for
    help (−0.83) and life without it unimaginable (−0.25, :mod:`crmsense.analysis.praise`)
    read as what they say."""
    texts = [
        "Can't say I'd recommend it to anyone I like.",
        "Could be better, honestly.",
        "I don't think I've ever had to contact support, and that says it all.",
        "Hard to imagine running the shop without it now.",
    ]
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    assert [a.label for a in analyses] == ["negative", "neutral", "positive", "positive"]
