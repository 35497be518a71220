"""API keys: random bearer tokens, stored only as SHA-256 hashes, with scopes.

A key looks like ``csk_<8-char id>_<32-char secret>``; the id is stored in clear to find
the row, the whole key only as a hash. Keys are high-entropy random strings, so a fast
hash is the right tool (as for GitHub or Stripe tokens); a leaked table reveals no key.

>>> key = new_key_text()
>>> key.startswith("csk_") and len(key) == 45
True
>>> key_id(key) == key[4:12]
True
"""

from __future__ import annotations

__all__ = [
    "COOKIE",
    "SCOPES",
    "create_key",
    "has_scope",
    "key_id",
    "new_key_text",
    "revoke_key",
    "verify_key",
]

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from sqlalchemy import select, update

from crmsense.errors import ConfigError, InputError
from crmsense.store.db import Database
from crmsense.store.models import ApiKey

SCOPES = ("read", "write", "admin")
#: The dashboard's session cookie, holding the API key.
COOKIE = "crmsense_key"


def has_scope(scopes: frozenset[str], scope: str) -> bool:
    """Whether a key with ``scopes`` may do what needs ``scope`` (admin may do anything).

    >>> has_scope(frozenset({"admin"}), "write"), has_scope(frozenset({"read"}), "write")
    (True, False)
    """
    return scope in scopes or "admin" in scopes


def new_key_text() -> str:
    return f"csk_{secrets.token_hex(4)}_{secrets.token_urlsafe(24)[:32]}"


def key_id(key: str) -> str:
    return key[4:12]


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(db: Database, scopes: list[str], name: str | None = None) -> str:
    """Store a new key with ``scopes`` and return its text (shown once, never stored)."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ConfigError(
            f"unknown scope(s) {unknown or scopes}; use: {', '.join(SCOPES)}", code="E410"
        )
    key = new_key_text()
    with db.session() as s:
        s.add(
            ApiKey(
                key_id=key_id(key),
                key_hash=_digest(key),
                scopes=",".join(sorted(scopes)),
                name=name,
                created_at=datetime.now(UTC),
            )
        )
    return key


def revoke_key(db: Database, ident: str) -> None:
    """Revoke the key with id ``ident`` (the 8 characters after ``csk_``)."""
    with db.session() as s:
        result = s.execute(
            update(ApiKey)
            .where(ApiKey.key_id == ident, ApiKey.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise InputError(
                f"no active key with id {ident!r}; see crmsense keys list", code="E110"
            )


def verify_key(db: Database, key: str) -> frozenset[str] | None:
    """The scopes of ``key`` if it is valid and not revoked, else None."""
    if not key.startswith("csk_") or len(key) < 13:
        return None
    with db.session() as s:
        row = s.scalars(select(ApiKey).where(ApiKey.key_id == key_id(key))).first()
        if row is None or row.revoked_at is not None:
            return None
        if not hmac.compare_digest(row.key_hash, _digest(key)):
            return None
        return frozenset(row.scopes.split(","))
