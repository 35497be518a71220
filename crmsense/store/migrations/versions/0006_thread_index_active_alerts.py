"""Index messages by thread (the real-time chat path); at most one active alert per dedupe key.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ACTIVE = sa.text("status IN ('queued', 'open', 'acknowledged')")


def upgrade() -> None:
    op.create_index("ix_messages_thread_id", "messages", ["thread_id"])
    op.create_index(
        "ux_alerts_active_dedupe_key", "alerts", ["dedupe_key"], unique=True,
        sqlite_where=_ACTIVE, postgresql_where=_ACTIVE,
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ux_alerts_active_dedupe_key", table_name="alerts")
    op.drop_index("ix_messages_thread_id", table_name="messages")
