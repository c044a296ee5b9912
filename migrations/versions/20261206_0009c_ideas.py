"""Residents' ideas ("wat mist er?"): masked, moderated, apart from their writers.

`ideas` holds the masked text, the kinds masked, the dialogue and the hour received, its
moderation status, theme and the priority it became; `idea_counts` the ideas per participant
under an HMAC key only the app can compute (towards the most one person may send).

Revision ID: 0009c
Revises: 0008f
Create Date: 2026-12-06 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.core.db

revision: str = "0009c"
down_revision: str | None = "0008f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ideas",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("received_hour", api.core.db.UTCDateTime(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("masked_kinds", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                name="idea_status",
                native_enum=False,
                create_constraint=True,
            ),
            server_default="pending",
            nullable=False,
        ),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("priority_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("length(text) <= 400", name=op.f("ck_ideas_text_length")),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogues.id"],
            name=op.f("fk_ideas_dialogue_id_dialogues"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_ideas_theme_id_themes"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["priority_id"],
            ["priorities.id"],
            name=op.f("fk_ideas_priority_id_priorities"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ideas")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ideas_dialogue_id"), ["dialogue_id"], unique=False)
    op.create_table(
        "idea_counts",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("ideas", sa.Integer(), nullable=False),
        sa.CheckConstraint("ideas >= 1 AND ideas <= 3", name=op.f("ck_idea_counts_ideas")),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogues.id"],
            name=op.f("fk_idea_counts_dialogue_id_dialogues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_idea_counts")),
    )
    with op.batch_alter_table("idea_counts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idea_counts_dialogue_id"), ["dialogue_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("idea_counts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idea_counts_dialogue_id"))
    op.drop_table("idea_counts")
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ideas_dialogue_id"))
    op.drop_table("ideas")
