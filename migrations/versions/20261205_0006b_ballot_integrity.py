"""Ballot integrity: the network and verified presence of a check-in, ballots set aside.

Revision ID: 0006b
Revises: 0005
Create Date: 2026-12-05 23:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api.core.db import UTCDateTime

revision: str = "0006b"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "set_asides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("checked_in_from", UTCDateTime(timezone=True), nullable=False),
        sa.Column("checked_in_until", UTCDateTime(timezone=True), nullable=False),
        sa.Column("network", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("ballots", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("restored_by_id", sa.Integer(), nullable=True),
        sa.Column("restored_at", UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "checked_in_until > checked_in_from", name=op.f("ck_set_asides_window_forward")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_users.id"],
            name=op.f("fk_set_asides_created_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["restored_by_id"],
            ["staff_users.id"],
            name=op.f("fk_set_asides_restored_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_set_asides_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_set_asides")),
    )
    with op.batch_alter_table("set_asides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_set_asides_session_id"), ["session_id"], unique=False)

    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("set_aside_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_ballots_set_aside_id"), ["set_aside_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_ballots_set_aside_id_set_asides"), "set_asides", ["set_aside_id"], ["id"]
        )

    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("presence_verified", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("network", sa.String(length=16), nullable=True))
    # Before this, paper ballots and rotating codes verified presence as they do now (a
    # session switched from poster to rotating mode can't be told apart any more: its
    # earlier check-ins count as verified).
    op.execute(
        "UPDATE participants SET presence_verified = "
        "(origin = 'assisted' OR (origin = 'qr' AND session_id IN "
        "(SELECT id FROM sessions WHERE check_in_mode = 'rotating')))"
    )


def downgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("network")
        batch_op.drop_column("presence_verified")
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_ballots_set_aside_id_set_asides"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_ballots_set_aside_id"))
        batch_op.drop_column("set_aside_id")
    with op.batch_alter_table("set_asides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_set_asides_session_id"))
    op.drop_table("set_asides")
