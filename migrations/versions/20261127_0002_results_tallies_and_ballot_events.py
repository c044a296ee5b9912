"""Results: ballot events (the tally outbox), tallies per published cell, room snapshots.

Existing ballots have no events: the first refresh of a dialogue without a result state
counts all its ballots from scratch.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 18:45:54.321463
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.core.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ballot_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("sign", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=True),
        sa.Column("age_band", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("ranking", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.CheckConstraint("sign IN (-1, 1)", name=op.f("ck_ballot_events_sign")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_events")),
    )
    with op.batch_alter_table("ballot_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ballot_events_dialogue_id"), ["dialogue_id"], unique=False
        )

    op.create_table(
        "group_tallies",
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("neighbourhood", sa.String(length=10), nullable=False),
        sa.Column("venue", sa.String(length=20), nullable=False),
        sa.Column("age_band", sa.String(length=8), nullable=False),
        sa.Column("ballots", sa.Integer(), nullable=False),
        sa.Column("suppressed", sa.Boolean(), nullable=False),
        sa.Column("tally", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogues.id"],
            name=op.f("fk_group_tallies_dialogue_id_dialogues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "dialogue_id", "neighbourhood", "venue", "age_band", name=op.f("pk_group_tallies")
        ),
    )
    op.create_table(
        "result_states",
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("priority_count", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("ballots", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogues.id"],
            name=op.f("fk_result_states_dialogue_id_dialogues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("dialogue_id", name=op.f("pk_result_states")),
    )
    op.create_table(
        "session_snapshots",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("ballots", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("taken_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_session_snapshots_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_session_snapshots")),
    )


def downgrade() -> None:
    op.drop_table("session_snapshots")
    op.drop_table("result_states")
    op.drop_table("group_tallies")
    with op.batch_alter_table("ballot_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_events_dialogue_id"))

    op.drop_table("ballot_events")
