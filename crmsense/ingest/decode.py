"""Turning bytes of unknown encoding into text.

Byte-order marks win (UTF-8, UTF-16 LE/BE); otherwise UTF-8, then a detected charset,
then Latin-1/Windows-1252. Binary files are refused rather than guessed at.

>>> decode_bytes("café".encode("utf-16"))
'café'
>>> decode_bytes("café".encode("latin-1"))
'café'
"""

from __future__ import annotations

__all__ = ["decode_bytes", "looks_binary", "read_text"]

import codecs
from pathlib import Path

from crmsense.errors import UnusableInputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def looks_binary(data: bytes) -> bool:
    """True for data that is not text in any encoding we read (NULs, control bytes)."""
    sample = data[:8192]
    if not sample:
        return False
    if any(sample.startswith(bom) for bom, _ in _BOMS):
        return False
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return b"\x00" in sample or controls / len(sample) > 0.05


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode ``data``; ``declared`` (e.g. a MIME charset) is tried after BOMs."""
    for bom, bom_encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(bom_encoding, errors="replace")
    for encoding in (declared, "utf-8"):
        if encoding:
            try:
                return data.decode(encoding)
            except (UnicodeDecodeError, LookupError, ValueError):
                continue
    western = data.decode("cp1252", errors="replace")
    if _plausible_western(western):
        return western
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    if best is not None and best.encoding not in ("utf_8", "ascii"):
        try:
            return data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("cp1252", errors="replace")


def _plausible_western(text: str) -> bool:
    """Western-European text decodes to letters, not box-drawing or currency soup."""
    odd = sum(1 for ch in text if not (ch.isalnum() or ch.isspace() or ch in _PUNCT))
    return odd <= max(2, len(text) // 50)


_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~«»‘’“”–—…€£°§·•¡¿")


def read_text(path: Path) -> str:
    """Read a text file of any common encoding; binary files raise UnusableInputError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnusableInputError(f"{path}: cannot read ({exc.strerror})", code="E102") from exc
    if looks_binary(data):
        raise UnusableInputError(
            f"{path}: this is a binary file, not text; export the data as UTF-8 JSON Lines or CSV",
            code="E103",
        )
    return decode_bytes(data)
