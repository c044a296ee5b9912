"""Paper ballots typed in by a facilitator can be voided (and restored): who and when.

Revision ID: 0008d
Revises: 0008b
Create Date: 2026-12-06 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api.core.db import UTCDateTime

revision: str = "0008d"
down_revision: str | None = "0008b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("voided_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("voided_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_ballots_voided_by_id_staff_users"),
            "staff_users",
            ["voided_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_ballots_voided_by_id_staff_users"), type_="foreignkey"
        )
        batch_op.drop_column("voided_by_id")
        batch_op.drop_column("voided_at")
