"""Results published in releases: released ballots, pledges and contact offers, and marks
of pending ballots, replace the ballot events and the room snapshots; a result state records
its dialogue's last release.

Every existing ballot is marked pending and the tallies are emptied, so the first refresh
of each dialogue publishes its first release from the ballots as they are.

Revision ID: 0007
Revises: 0006d
Create Date: 2026-12-05 23:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.core.db

revision: str = "0007"
down_revision: str | None = "0006d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "released_ballots",
        sa.Column("ballot_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=True),
        sa.Column("age_band", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("ranked_count", sa.Integer(), nullable=False),
        sa.Column("ranking", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.PrimaryKeyConstraint("ballot_id", name=op.f("pk_released_ballots")),
    )
    with op.batch_alter_table("released_ballots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_released_ballots_dialogue_id"), ["dialogue_id"], unique=False
        )
    op.create_table(
        "pending_ballots",
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ballot_id"],
            ["ballots.id"],
            name=op.f("fk_pending_ballots_ballot_id_ballots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ballot_id", name=op.f("pk_pending_ballots")),
    )
    with op.batch_alter_table("pending_ballots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pending_ballots_dialogue_id"), ["dialogue_id"], unique=False
        )
    op.create_table(
        "released_pledges",
        sa.Column("pledge_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=True),
        sa.Column("age_band", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=True),
        sa.Column("hours_per_month", sa.Numeric(precision=4, scale=1), nullable=True),
        sa.PrimaryKeyConstraint("pledge_id", name=op.f("pk_released_pledges")),
    )
    with op.batch_alter_table("released_pledges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_released_pledges_dialogue_id"), ["dialogue_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_released_pledges_participant_id"), ["participant_id"], unique=False
        )
    op.create_table(
        "released_offers",
        sa.Column("offer_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=True),
        sa.Column("hours_per_month", sa.Numeric(precision=4, scale=1), nullable=True),
        sa.PrimaryKeyConstraint("offer_id", name=op.f("pk_released_offers")),
    )
    with op.batch_alter_table("released_offers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_released_offers_dialogue_id"), ["dialogue_id"], unique=False
        )
    op.execute(
        "INSERT INTO pending_ballots (ballot_id, dialogue_id, token) "
        "SELECT id, dialogue_id, 0 FROM ballots"
    )
    op.execute("DELETE FROM group_tallies")
    op.execute("DELETE FROM result_states")
    with op.batch_alter_table("result_states", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("final_at", api.core.db.UTCDateTime(timezone=True), nullable=True)
        )
    op.drop_table("session_snapshots")
    with op.batch_alter_table("ballot_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_events_dialogue_id"))
    op.drop_table("ballot_events")


def downgrade() -> None:
    # The earlier code recounts every dialogue without a result state from all its ballots.
    op.execute("DELETE FROM group_tallies")
    op.execute("DELETE FROM result_states")
    with op.batch_alter_table("result_states", schema=None) as batch_op:
        batch_op.drop_column("final_at")
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
    with op.batch_alter_table("released_offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_released_offers_dialogue_id"))
    op.drop_table("released_offers")
    with op.batch_alter_table("released_pledges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_released_pledges_participant_id"))
        batch_op.drop_index(batch_op.f("ix_released_pledges_dialogue_id"))
    op.drop_table("released_pledges")
    with op.batch_alter_table("pending_ballots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_ballots_dialogue_id"))
    op.drop_table("pending_ballots")
    with op.batch_alter_table("released_ballots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_released_ballots_dialogue_id"))
    op.drop_table("released_ballots")
