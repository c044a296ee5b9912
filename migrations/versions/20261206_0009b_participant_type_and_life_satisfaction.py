"""How a participant takes part and their life satisfaction on the ballot (and in the
release); an organisation's public name on its pledges.

Revision ID: 0009b
Revises: 0009c
Create Date: 2026-12-06 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009b"
down_revision: str | None = "0009c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TYPES = "participant_type IN ('resident', 'business', 'organisation', 'youth')"
_LIFE = "life_satisfaction IS NULL OR (life_satisfaction >= 0 AND life_satisfaction <= 10)"


def upgrade() -> None:
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("participant_type", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("life_satisfaction", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f("ck_ballots_participant_type"), _TYPES)
        batch_op.create_check_constraint(op.f("ck_ballots_life_satisfaction"), _LIFE)
    with op.batch_alter_table("released_ballots", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "participant_type", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True
            )
        )
        batch_op.add_column(sa.Column("life_satisfaction", sa.Integer(), nullable=True))
    with op.batch_alter_table("released_pledges", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "participant_type", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True
            )
        )
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "organisation_name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "organisation_kind", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.drop_column("organisation_kind")
        batch_op.drop_column("organisation_name")
    with op.batch_alter_table("released_pledges", schema=None) as batch_op:
        batch_op.drop_column("participant_type")
    with op.batch_alter_table("released_ballots", schema=None) as batch_op:
        batch_op.drop_column("life_satisfaction")
        batch_op.drop_column("participant_type")
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_ballots_life_satisfaction"), type_="check")
        batch_op.drop_constraint(op.f("ck_ballots_participant_type"), type_="check")
        batch_op.drop_column("life_satisfaction")
        batch_op.drop_column("participant_type")
