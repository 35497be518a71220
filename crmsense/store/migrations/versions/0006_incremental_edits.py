"""Incremental updates see edits; the chat path is indexed; one active alert per dedupe key.

``updated_at`` on accounts, contacts and deals (set by every import, so incremental
signals and alerts recompute an account whose ARR, segment, owners, contacts or deals were
edited); an index on ``messages.thread_id``; a partial unique index on active alerts.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import crmsense.store.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ACTIVE = sa.text("status IN ('queued', 'open', 'acknowledged')")


def upgrade() -> None:
    for table in ("accounts", "contacts", "deals"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("updated_at", crmsense.store.types.UTCDateTime(), nullable=True)
            )
    op.create_index("ix_messages_thread_id", "messages", ["thread_id"])
    op.create_index(
        "ux_alerts_active_dedupe_key", "alerts", ["dedupe_key"], unique=True,
        sqlite_where=_ACTIVE, postgresql_where=_ACTIVE,
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ux_alerts_active_dedupe_key", table_name="alerts")
    op.drop_index("ix_messages_thread_id", table_name="messages")
    for table in ("deals", "contacts", "accounts"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("updated_at")
