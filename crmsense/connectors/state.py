"""What connectors remember between runs: cursors, pushed ids, seen webhook deliveries.

* a **cursor** per connector and object, saved after every page, so an interrupted
  backfill resumes where it stopped;
* a **link** per task or note crmsense pushed (its key here → its id in the CRM), so a
  re-push updates instead of duplicating;
* a **delivery** per accepted webhook, so a replayed request is refused.

>>> from crmsense.store import open_database
>>> db = open_database("sqlite://"); db.migrate()
>>> save_cursor(db, "hubspot.v1", "companies", {"since": "2026-10-01T00:00:00Z"})
>>> load_cursor(db, "hubspot.v1", "companies")
{'since': '2026-10-01T00:00:00Z'}
>>> first_delivery(db, "typeform", "evt-1"), first_delivery(db, "typeform", "evt-1")
(True, False)
"""

from __future__ import annotations

__all__ = [
    "delivery_seen",
    "first_delivery",
    "get_link",
    "load_cursor",
    "reset_cursors",
    "save_cursor",
    "save_link",
]

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from crmsense.store import models as m
from crmsense.store.db import Database
from crmsense.store.models import table_of as _table


def _upsert(db: Database, model: type[m.Base], row: dict[str, Any], keys: Sequence[str]) -> None:
    table = _table(model)
    insert = postgresql.insert if db.dialect == "postgresql" else sqlite.insert
    stmt = insert(table).values(**row)
    update = {c: stmt.excluded[c] for c in row if c not in keys}
    with db.engine.begin() as conn:
        conn.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=update))


def load_cursor(db: Database, connector: str, object_type: str) -> dict[str, Any]:
    """The saved cursor, or ``{}`` (pull everything) when there is none."""
    table = _table(m.ConnectorCursor)
    with db.engine.connect() as conn:
        found = conn.execute(
            select(table.c.cursor).where(
                table.c.connector == connector, table.c.object_type == object_type
            )
        ).scalar_one_or_none()
    return dict(found or {})


def save_cursor(db: Database, connector: str, object_type: str, cursor: dict[str, Any]) -> None:
    row = {"connector": connector, "object_type": object_type, "cursor": cursor,
           "updated_at": datetime.now(UTC)}  # fmt: skip
    _upsert(db, m.ConnectorCursor, row, ("connector", "object_type"))


def reset_cursors(db: Database, connector: str) -> None:
    """Forget every cursor of ``connector``: the next pull is a full backfill."""
    table = _table(m.ConnectorCursor)
    with db.engine.begin() as conn:
        conn.execute(delete(table).where(table.c.connector == connector))


def get_link(db: Database, connector: str, kind: str, key: str) -> str | None:
    """The CRM id of the task/note crmsense pushed as ``key``, if any."""
    table = _table(m.ConnectorLink)
    with db.engine.connect() as conn:
        found: str | None = conn.execute(
            select(table.c.external_id).where(
                table.c.connector == connector, table.c.kind == kind, table.c.key == key
            )
        ).scalar_one_or_none()
    return found


def save_link(db: Database, connector: str, kind: str, key: str, external_id: str) -> None:
    row = {"connector": connector, "kind": kind, "key": key, "external_id": external_id,
           "updated_at": datetime.now(UTC)}  # fmt: skip
    _upsert(db, m.ConnectorLink, row, ("connector", "kind", "key"))


def delivery_seen(db: Database, provider: str, key: str) -> bool:
    """True when a webhook delivery with ``key`` was already accepted."""
    table = _table(m.WebhookDelivery)
    with db.engine.connect() as conn:
        found = conn.execute(
            select(table.c.id).where(
                table.c.provider == provider, table.c.delivery_key == key[:200]
            )
        ).first()
    return found is not None


def first_delivery(db: Database, provider: str, key: str) -> bool:
    """Record a webhook delivery; False when ``key`` was seen before (a replay)."""
    table = _table(m.WebhookDelivery)
    insert = postgresql.insert if db.dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(table)
        .values(provider=provider, delivery_key=key[:200], received_at=datetime.now(UTC))
        .on_conflict_do_nothing(index_elements=["provider", "delivery_key"])
        .returning(table.c.id)  # rowcount is -1 on PostgreSQL once RETURNING is implied
    )
    with db.engine.begin() as conn:
        return conn.execute(stmt).first() is not None
