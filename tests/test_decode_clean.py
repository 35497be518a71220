"""Decoding bytes of any encoding and cleaning HTML soup never crash."""

from __future__ import annotations

import re

import pytest

from crmsense.ingest.decode import decode_bytes, looks_binary
from crmsense.text.clean import clean_text, text_hash


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        ("Grüße".encode("utf-16"), None, "Grüße"),
        ("Grüße".encode("utf-8-sig"), None, "Grüße"),
        ("Grüße".encode("latin-1"), None, "Grüße"),
        ("Grüße".encode("latin-1"), "iso-8859-1", "Grüße"),
        ("Grüße".encode(), "no-such-charset", "Grüße"),
        (b"abc\xe9", "utf\x008", "abcé"),
        (b"\xff\xfeh\x00i\x00j", None, "hi\ufffd"),
    ],
)
def test_decode_bytes(data: bytes, declared: str | None, expected: str) -> None:
    assert decode_bytes(data, declared) == expected


def test_binary_detection() -> None:
    assert looks_binary(bytes(range(256)))
    assert not looks_binary(b"plain text\nwith lines")
    assert not looks_binary("text".encode("utf-16"))


@pytest.mark.parametrize(
    "soup",
    ["<p>hi</p><![en dfsdf <b>x</b>", "<<<>>><div>x", "<table><tr><td>a<td>b", "<!--", "</p>"],
)
def test_broken_markup_is_cleaned_without_errors(soup: str) -> None:
    cleaned = clean_text(soup)
    assert re.search(r"<[a-z]+[^>]*>", cleaned) is None


def test_clean_text_is_idempotent_and_hash_stable() -> None:
    text = "<p>Hello&nbsp;<b>team</b></p>\r\n\r\n\r\n<p>Still   waiting</p>"
    once = clean_text(text)
    assert once == "Hello team\n\nStill waiting"
    assert clean_text(once) == once
    assert text_hash("a", "b") != text_hash("ab", None)
    assert text_hash("a", "b") == text_hash("a", "b")
