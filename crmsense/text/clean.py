"""Cleaning stored text: HTML soup to readable text, control characters out.

>>> clean_text("<p>Hello&nbsp;<b>team</b></p><p>Still waiting!</p>")
'Hello team\\n\\nStill waiting!'
>>> clean_text("tab\\tand\\x00nul")
'tab and nul'
"""

from __future__ import annotations

__all__ = ["clean_text", "html_to_text", "looks_like_html", "text_hash"]

import hashlib
import re
import unicodedata

_HTML_HINT = re.compile(
    r"<\s*(html|body|div|p|br|span|table|td|font|a\s|b>|i>|ul|li|h[1-6])\b", re.I
)
_TAG = re.compile(r"<[^>]*>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANKS = re.compile(r"\n{3,}")
_BLOCK_TAGS = (
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table",
    "ul", "ol", "hr", "pre", "section", "article",
)  # fmt: skip


def looks_like_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text[:20000]))


def html_to_text(html: str) -> str:
    """Visible text of an HTML fragment or document, paragraphs kept as blank lines."""
    from bs4 import BeautifulSoup
    from bs4.exceptions import ParserRejectedMarkup

    try:
        soup = BeautifulSoup(html, "html.parser")
    except ParserRejectedMarkup:  # markup too broken to parse: drop the tags crudely
        return _TAG.sub(" ", html)
    for tag in soup(["script", "style", "head", "title", "meta", "noscript"]):
        tag.decompose()
    for tag in soup.find_all("br"):
        tag.replace_with("\n")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    return soup.get_text()


def clean_text(text: str) -> str:
    """Normalise ``text`` for storage and analysis (idempotent)."""
    if looks_like_html(text):
        text = html_to_text(text)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub(" ", text.replace("\t", " "))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def text_hash(*parts: str | None) -> str:
    """A short stable fingerprint of text, to tell when an analysis is out of date."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update((part or "").encode("utf-8", "surrogatepass"))
        digest.update(b"\x1f")
    return digest.hexdigest()
