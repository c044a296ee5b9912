"""Earlier readable releases, so that a new release is compared with every one of them.

`release_snapshots`: per dialogue and per kind of figure (ballots or pledgers) one row for
each release whose total was readable, holding per cell its count and whether it was hidden.

Revision ID: 0010a
Revises: 0009a
Create Date: 2026-12-06 12:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010a"
down_revision: str | None = "0009a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "release_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("figures", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["dialogue_id"], ["dialogues.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_release_snapshots_dialogue_id"), "release_snapshots", ["dialogue_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_release_snapshots_dialogue_id"), table_name="release_snapshots")
    op.drop_table("release_snapshots")
