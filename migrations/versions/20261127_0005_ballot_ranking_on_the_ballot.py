"""Keep each ballot's ranking on the ballot row too, for recounts in one scan.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ranking", sa.String(length=400), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            """
            UPDATE ballots SET ranking = items.ranking
            FROM (
                SELECT ballot_id, string_agg(priority_id::text, ',' ORDER BY rank) AS ranking
                FROM ballot_items GROUP BY ballot_id
            ) AS items
            WHERE items.ballot_id = ballots.id
            """
        )
    else:
        rankings: dict[int, list[str]] = {}
        for ballot_id, priority_id in bind.execute(
            sa.text("SELECT ballot_id, priority_id FROM ballot_items ORDER BY ballot_id, rank")
        ):
            rankings.setdefault(ballot_id, []).append(str(priority_id))
        if rankings:
            bind.execute(
                sa.text("UPDATE ballots SET ranking = :ranking WHERE id = :id"),
                [{"id": i, "ranking": ",".join(r)} for i, r in rankings.items()],
            )
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.alter_column("ranking", existing_type=sa.String(length=400), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.drop_column("ranking")
