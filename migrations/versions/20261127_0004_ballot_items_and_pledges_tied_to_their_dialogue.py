"""Tie ballot items to their ballot's dialogue, and pledges to their session's dialogue.

The database itself now refuses an item or pledge that claims another dialogue.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 20:29:14.978856
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_ballots_id_dialogue_id"), ["id", "dialogue_id"]
        )
    with op.batch_alter_table("ballot_items", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_ballot_items_ballot_dialogue",
            "ballots",
            ["ballot_id", "dialogue_id"],
            ["id", "dialogue_id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_pledges_session_dialogue",
            "sessions",
            ["session_id", "dialogue_id"],
            ["id", "dialogue_id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.drop_constraint("fk_pledges_session_dialogue", type_="foreignkey")
    with op.batch_alter_table("ballot_items", schema=None) as batch_op:
        batch_op.drop_constraint("fk_ballot_items_ballot_dialogue", type_="foreignkey")
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_ballots_id_dialogue_id"), type_="unique")
