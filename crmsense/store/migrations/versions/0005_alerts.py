"""Alerts: lifecycle columns, recovery plans, the delivery outbox, evaluation runs.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import crmsense.store.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alert_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", crmsense.store.types.UTCDateTime(), nullable=False),
        sa.Column("started_at", crmsense.store.types.UTCDateTime(), nullable=False),
        sa.Column("finished_at", crmsense.store.types.UTCDateTime(), nullable=False),
        sa.Column("mode", sa.String(length=12), nullable=False),
        sa.Column("marks", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_runs")),
    )
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("sink", sa.String(length=40), nullable=False),
        sa.Column("event", sa.String(length=30), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", crmsense.store.types.UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("log", sa.JSON(), nullable=False),
        sa.Column("created_at", crmsense.store.types.UTCDateTime(), nullable=False),
        sa.Column("delivered_at", crmsense.store.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_deliveries_alert_id_alerts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_deliveries")),
    )
    with op.batch_alter_table("alert_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alert_deliveries_alert_id"), ["alert_id"], unique=False
        )
        batch_op.create_index(
            "ix_alert_deliveries_status_next", ["status", "next_attempt_at"], unique=False
        )

    op.create_table(
        "recovery_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("created_at", crmsense.store.types.UTCDateTime(), nullable=False),
        sa.Column("due_at", crmsense.store.types.UTCDateTime(), nullable=True),
        sa.Column("closed_at", crmsense.store.types.UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_recovery_plans_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_recovery_plans_alert_id_alerts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_plans")),
        sa.UniqueConstraint("alert_id", name=op.f("uq_recovery_plans_alert_id")),
    )
    with op.batch_alter_table("recovery_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recovery_plans_account_id"), ["account_id"], unique=False
        )

    with op.batch_alter_table("alerts", schema=None) as batch_op:
        for name in ("anchor_at", "opened_at", "acknowledged_at", "closed_at"):
            batch_op.add_column(sa.Column(name, crmsense.store.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("owner", sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column("confidence", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("context", sa.JSON(), nullable=True))
        batch_op.create_index("ix_alerts_owner_opened", ["owner", "opened_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_owner_opened")
        for name in ("context", "confidence", "owner", "closed_at", "acknowledged_at",
                     "opened_at", "anchor_at"):  # fmt: skip
            batch_op.drop_column(name)

    with op.batch_alter_table("recovery_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_plans_account_id"))
    op.drop_table("recovery_plans")
    with op.batch_alter_table("alert_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_deliveries_status_next")
        batch_op.drop_index(batch_op.f("ix_alert_deliveries_alert_id"))
    op.drop_table("alert_deliveries")
    op.drop_table("alert_runs")
