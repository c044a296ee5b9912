"""Remember the minimum group size the stored suppression was decided with.

When a municipality changes its minimum, the refresher decides suppression again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 20:03:46.128669
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("result_states", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_group_size", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("result_states", schema=None) as batch_op:
        batch_op.drop_column("min_group_size")
