"""Regions: groups of municipalities (a CBS area or their own grouping), their members'
consent, regional dialogues and the role `regional_analyst`.

Revision ID: 0009d
Revises: 0009b
Create Date: 2026-12-06 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.core.db

revision: str = "0009d"
down_revision: str | None = "0009b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROLES_BEFORE = ("admin", "coordinator", "facilitator", "analyst")
_ROLES = (*_ROLES_BEFORE, "regional_analyst")


def _role_check(roles: Sequence[str]) -> str:
    return "role IN (" + ", ".join(f"'{r}'" for r in roles) + ")"


def upgrade() -> None:
    op.create_table(
        "regions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "corop",
                "arbeidsmarktregio",
                "provincie",
                "own",
                name="region_kind",
                native_enum=False,
                create_constraint=True,
                length=17,
            ),
            nullable=False,
        ),  # fmt: skip
        sa.Column("cbs_code", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("created_at", api.core.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regions")),
        sa.UniqueConstraint("kind", "name", name=op.f("uq_regions_kind_name")),
    )
    op.create_table(
        "region_members",
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "invited",
                "joined",
                "left",
                name="membership_status",
                native_enum=False,
                create_constraint=True,
                length=7,
            ),
            nullable=False,
        ),  # fmt: skip
        sa.Column("joined_at", api.core.db.UTCDateTime(), nullable=True),
        sa.Column("left_at", api.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_region_members_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["regions.id"],
            name=op.f("fk_region_members_region_id_regions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("region_id", "municipality_id", name=op.f("pk_region_members")),
    )
    with op.batch_alter_table("region_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_region_members_municipality_id"), ["municipality_id"], unique=False
        )
    op.create_table(
        "staff_regions",
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["regions.id"],
            name=op.f("fk_staff_regions_region_id_regions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_users.id"],
            name=op.f("fk_staff_regions_staff_user_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("staff_user_id", "region_id", name=op.f("pk_staff_regions")),
    )
    with op.batch_alter_table("dialogues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_dialogues_region_id"), ["region_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_dialogues_region_id_regions"),
            "regions",
            ["region_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_staff_users_role"), type_="check")
        batch_op.alter_column(
            "role", existing_type=sa.String(length=11), type_=sa.String(length=16),
            existing_nullable=False,
        )  # fmt: skip
        batch_op.create_check_constraint(op.f("ck_staff_users_role"), _role_check(_ROLES))


def downgrade() -> None:
    op.execute(
        "UPDATE staff_users SET role = 'analyst', is_active = false, "
        "token_version = token_version + 1 WHERE role = 'regional_analyst'"
    )
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_staff_users_role"), type_="check")
        batch_op.alter_column(
            "role", existing_type=sa.String(length=16), type_=sa.String(length=11),
            existing_nullable=False,
        )  # fmt: skip
        batch_op.create_check_constraint(op.f("ck_staff_users_role"), _role_check(_ROLES_BEFORE))
    with op.batch_alter_table("dialogues", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_dialogues_region_id_regions"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_dialogues_region_id"))
        batch_op.drop_column("region_id")
    op.drop_table("staff_regions")
    with op.batch_alter_table("region_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_region_members_municipality_id"))
    op.drop_table("region_members")
    op.drop_table("regions")
