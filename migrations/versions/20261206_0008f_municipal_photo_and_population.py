"""The municipality's photo and population: CBS wellbeing indicators per comparison area and
year, and residents per area and KWB age band per year.

Revision ID: 0008f
Revises: 0008e
Create Date: 2026-12-06 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.core.db

revision: str = "0008f"
down_revision: str | None = "0008e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wellbeing_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("area_level", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("area_code", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("area_name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("imported_at", api.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_wellbeing_figures_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wellbeing_figures")),
        sa.UniqueConstraint(
            "municipality_id", "indicator", "year", "area_code", name="uq_wellbeing_figures_cell"
        ),
    )
    with op.batch_alter_table("wellbeing_figures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wellbeing_figures_municipality_id"), ["municipality_id"], unique=False
        )
    op.create_table(
        "population_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("area_code", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("residents", sa.Integer(), nullable=True),
        sa.Column("age_0_14", sa.Integer(), nullable=True),
        sa.Column("age_15_24", sa.Integer(), nullable=True),
        sa.Column("age_25_44", sa.Integer(), nullable=True),
        sa.Column("age_45_64", sa.Integer(), nullable=True),
        sa.Column("age_65_plus", sa.Integer(), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("imported_at", api.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_population_figures_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_population_figures")),
        sa.UniqueConstraint(
            "municipality_id", "year", "area_code", name="uq_population_figures_cell"
        ),
    )
    with op.batch_alter_table("population_figures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_population_figures_municipality_id"), ["municipality_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("population_figures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_population_figures_municipality_id"))
    op.drop_table("population_figures")
    with op.batch_alter_table("wellbeing_figures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wellbeing_figures_municipality_id"))
    op.drop_table("wellbeing_figures")
