"""Analyses remember the analyzer that made them.

``analyses.analyzer`` holds ``Analyzer.fingerprint`` (:mod:`crmsense.analysis.analyzer`):
the analyzer's version and its competitor and topic settings. An analysis whose fingerprint
differs from the running analyzer's is out of date, so upgrading crmsense or changing the
configured competitors re-analyses what is stored. Rows written before this revision have
none and are recomputed once.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("analyses") as batch:
        batch.add_column(sa.Column("analyzer", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("analyses") as batch:
        batch.drop_column("analyzer")
