"""Sentence splitting: boundaries, offsets, and the text shapes CRM messages come in."""

from __future__ import annotations

import itertools

import pytest

from crmsense.analysis.sentences import sentence_texts, split_sentences


def texts(text: str, **kwargs: int) -> list[str]:
    return [s.text for s in split_sentences(text, **kwargs)]


def assert_offsets(text: str) -> None:
    sentences = split_sentences(text)
    for s in sentences:
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip()
    assert all(a.end <= b.start for a, b in itertools.pairwise(sentences))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Per our call with Mr. Patel, e.g. the v2.1 release fixes it. Thanks!",
         ["Per our call with Mr. Patel, e.g. the v2.1 release fixes it.", "Thanks!"]),
        ("Price went from $4.50 to $5.25 per seat. That's a 16.7% increase, i.e. too much.",
         ["Price went from $4.50 to $5.25 per seat.",
          "That's a 16.7% increase, i.e. too much."]),
        ("Docs are at https://help.acme.io/sso/setup.html?x=1. Email jane.doe@acme.io. Thanks",
         ["Docs are at https://help.acme.io/sso/setup.html?x=1.", "Email jane.doe@acme.io.",
          "Thanks"]),
        ("This is the third outage this week!!! Are you serious?! We need a fix.",
         ["This is the third outage this week!!!", "Are you serious?!", "We need a fix."]),
        ("We work with Acme Inc. and Globex Ltd. on this. They are fine.",
         ["We work with Acme Inc. and Globex Ltd. on this.", "They are fine."]),
        ("Our HQ is in the U.S. We ship to the U.S. market next year.",
         ["Our HQ is in the U.S.", "We ship to the U.S. market next year."]),
        ("See ticket No. 4411 for details. The answer was no. Then it broke.",
         ["See ticket No. 4411 for details.", "The answer was no.", "Then it broke."]),
        ("I waited... and waited... Nothing happened.",
         ["I waited... and waited...", "Nothing happened."]),
        ('She said "we will cancel." Then she hung up.',
         ['She said "we will cancel."', "Then she hung up."]),
        ("Call me at 3 p.m. Tomorrow works too.", ["Call me at 3 p.m.", "Tomorrow works too."]),
    ],
)  # fmt: skip
def test_boundaries(text: str, expected: list[str]) -> None:
    assert texts(text) == expected
    assert_offsets(text)


def test_email_lines_bullets_and_hard_wraps() -> None:
    email = (
        "Hi Sam,\n\n"
        "We have been waiting for three weeks for\n"
        "the fix and our users are losing patience\n\n"
        "Open items:\n"
        "- SSO login fails for contractors\n"
        "* CSV export times out\n"
        "• 2. invoices show the wrong VAT\n"
        "1) Dashboard is slow\n\n"
        "Regards,\r\nJane Roe\r\nHead of Ops"
    )
    assert texts(email) == [
        "Hi Sam,",
        "We have been waiting for three weeks for\nthe fix and our users are losing patience",
        "Open items:",
        "SSO login fails for contractors",
        "CSV export times out",
        "invoices show the wrong VAT",
        "Dashboard is slow",
        "Regards,",
        "Jane Roe",
        "Head of Ops",
    ]
    assert_offsets(email)


@pytest.mark.parametrize("text", ["", "   \n\n  ", "---\n***\n...", "\u00a0"])
def test_nothing_to_split(text: str) -> None:
    assert split_sentences(text) == []


def test_emoji_only_is_a_sentence() -> None:
    assert texts("  👍👍 ") == ["👍👍"]
    assert texts("Thanks 🙏 Ship it 🚀") == ["Thanks 🙏 Ship it 🚀"]


def test_long_run_on_text_is_cut_without_losing_words() -> None:
    words = [f"word{i}" for i in range(3000)]
    text = " ".join(words)
    sentences = split_sentences(text, max_chars=500)
    assert len(sentences) > 1
    assert all(len(s.text) <= 500 for s in sentences)
    assert " ".join(s.text for s in sentences).split() == words
    assert_offsets(text)


def test_one_megabyte_email_keeps_its_last_sentence() -> None:
    paragraph = ("The rollout is on track and the team is responsive. "
                 "However, the reporting module is still slow!\n\n")  # fmt: skip
    text = paragraph * (1_000_000 // len(paragraph)) + "Final question: can we renew early?"
    sentences = split_sentences(text)
    assert len(sentences) > 20_000
    assert sentences[-1].text == "Final question: can we renew early?"
    assert sentences[-1].end == len(text)


def test_splitting_is_deterministic() -> None:
    text = "Mr. Smith called. He's unhappy!! Why?! Because v3.2 broke e.g. exports..."
    assert split_sentences(text) == split_sentences(text)


def test_an_emoticon_is_a_sentence_and_punctuation_is_not() -> None:
    """Until 2026-12-07 a sentence needed a letter, a digit or an emoji, so ":(" was empty."""
    assert sentence_texts("I cannot sign in! :(") == ["I cannot sign in!", ":("]
    assert sentence_texts(":-)") == [":-)"]
    assert sentence_texts("--- *** !!") == []
