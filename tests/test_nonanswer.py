"""A survey box filled in with nothing ("Nothing to add.", "N/A") is unscored, not negative."""

from __future__ import annotations

import pytest

from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.api import load_engine
from crmsense.analysis.nonanswer import is_non_answer
from crmsense.analysis.types import Document

NON_ANSWERS = [
    "Nothing to add.",
    "Nothing",
    "nothing really",
    "No comment",
    "No comments, thanks!",
    "None at this time.",
    "n/a",
    "N/A.",
    "NA",
    "Not at the moment.",
    "Nothing else to add, thanks.",
    "No additional feedback.",
    "No suggestions",
    "Nothing comes to mind.",
    "Can't think of anything else.",
    "I don't have any other comments.",
    "Nothing specific to report.",
    "Honestly can't think of anything.",  # 2026-12-07: −0.73 before
]
SURVEY_ONLY = ["No", "Nope.", "nah", "Not really.", "no thanks", "Hard to say.", "Not sure.",
               "I don't know", "No opinion.",
               "Haven't used it enough to say.", "No strong feelings either way."]  # fmt: skip
ANSWERS = [
    "Nothing to add, keep up the good work!",
    "Nothing works since the update.",
    "No answer from support in three days.",
    "None of the reports load.",
    "Not at all happy with the renewal quote.",
    "No issues.",
    "Nothing to improve",
    "Hard to say, the rollout was rough.",
    "Not sure the export works.",
    "",
    "Nothing to add. " * 10,  # long: read as written
]


@pytest.mark.parametrize("text", NON_ANSWERS)
def test_non_answers_in_any_channel(text: str) -> None:
    assert is_non_answer(text) and is_non_answer(text, channel="survey")


@pytest.mark.parametrize("text", SURVEY_ONLY)
def test_a_bare_no_is_a_non_answer_only_in_a_survey(text: str) -> None:
    """Elsewhere it answers a question: "Is it fixed now?" "No"."""
    assert is_non_answer(text, channel="survey")
    assert not is_non_answer(text, channel="chat") and not is_non_answer(text)


@pytest.mark.parametrize("text", ANSWERS)
def test_answers(text: str) -> None:
    assert not is_non_answer(text, channel="survey")


def test_the_analyzer_leaves_non_answers_unscored_without_asking_the_engine() -> None:
    from test_analyzer import KeywordEngine

    engine = KeywordEngine()
    docs = [Document("Nothing to add.", channel="survey"), Document("No", channel="survey"),
            Document("No", channel="chat")]  # fmt: skip
    analyses = Analyzer(engine).analyze(docs)
    assert [a.unscored for a in analyses] == ["no_content", "no_content", None]
    for a in analyses[:2]:
        assert (a.label, a.score, a.confidence) == ("neutral", 0.0, 0.0)
        assert a.sentences == [] and a.evidence == []
    assert [t for call in engine.calls for t in call] == ["No"]  # only the chat reply


def test_model_v1_read_survey_non_answers_as_negative_before() -> None:
    """model.v1 read them −0.88, −0.80, −0.74 and −0.82 (2026-12-07), so a promoter with
    nothing to add pulled the account's trend down. "Nothing to improve" reads positive."""
    texts = ["Nothing to add.", "No feedback.", "Can't think of anything.", "Not really.",
             "Nothing to improve"]  # fmt: skip
    analyzer = Analyzer(load_engine("model.v1"))
    analyses = analyzer.analyze([Document(t, channel="survey") for t in texts])
    assert [a.unscored for a in analyses] == ["no_content"] * 4 + [None]
    assert [a.label for a in analyses] == ["neutral"] * 4 + ["positive"]
