"""Signals: health and deal-risk snapshots, the signal computation state.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import crmsense.store.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signal_state",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("as_of", crmsense.store.types.UTCDateTime(), nullable=False),
        sa.Column("engine", sa.String(length=40), nullable=False),
        sa.Column("config_hash", sa.String(length=32), nullable=False),
        sa.Column("marks", sa.JSON(), nullable=False),
        sa.Column("started_at", crmsense.store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_signal_state")),
    )
    op.create_table(
        "health_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("as_of", crmsense.store.types.UTCDateTime(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("own_score", sa.Float(), nullable=True),
        sa.Column("band", sa.String(length=10), nullable=True),
        sa.Column("scorecard", sa.String(length=60), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("trend", sa.String(length=10), nullable=False),
        sa.Column("slope", sa.Float(), nullable=True),
        sa.Column("trend_t", sa.Float(), nullable=True),
        sa.Column("policy", sa.String(length=10), nullable=False),
        sa.Column("suppressed_since", crmsense.store.types.UTCDateTime(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("signals", sa.JSON(), nullable=False),
        sa.Column("computed_at", crmsense.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_health_snapshots_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_snapshots")),
        sa.UniqueConstraint("account_id", "day", name=op.f("uq_health_snapshots_account_id")),
    )
    with op.batch_alter_table("health_snapshots", schema=None) as batch_op:
        batch_op.create_index("ix_health_snapshots_day", ["day"], unique=False)

    op.create_table(
        "deal_risk_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("as_of", crmsense.store.types.UTCDateTime(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("late_stage", sa.Boolean(), nullable=False),
        sa.Column("signals", sa.JSON(), nullable=False),
        sa.Column("measured", sa.JSON(), nullable=False),
        sa.Column("computed_at", crmsense.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_deal_risk_snapshots_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_deal_risk_snapshots_deal_id_deals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_risk_snapshots")),
        sa.UniqueConstraint("deal_id", "day", name=op.f("uq_deal_risk_snapshots_deal_id")),
    )
    with op.batch_alter_table("deal_risk_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deal_risk_snapshots_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index("ix_deal_risk_snapshots_day", ["day"], unique=False)

    with op.batch_alter_table("analyses", schema=None) as batch_op:
        batch_op.create_index("ix_analyses_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("analyses", schema=None) as batch_op:
        batch_op.drop_index("ix_analyses_created_at")

    with op.batch_alter_table("deal_risk_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_risk_snapshots_day")
        batch_op.drop_index(batch_op.f("ix_deal_risk_snapshots_account_id"))

    op.drop_table("deal_risk_snapshots")
    with op.batch_alter_table("health_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_health_snapshots_day")

    op.drop_table("health_snapshots")
    op.drop_table("signal_state")
