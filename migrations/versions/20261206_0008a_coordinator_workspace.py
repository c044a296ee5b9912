"""The coordinator's workspace: the role `coordinator`, a municipality's contacts, retention
period and logo, venues' accessibility notes, staff invitations, and opaque wijk and buurt
codes (Amsterdam's `WK0363AD`, `BU0363AD07`).

Invited staff have no password until they choose one, so `password_hash` may be empty.
Downgrade refuses nothing but loses data: coordinators become facilitators, invited
accounts without a password are removed, logos and the new fields are dropped, and
neighbourhoods with letters in their code are deleted (with what refers to them: set null
or cascaded as the foreign keys say).

Revision ID: 0008a
Revises: 0007
Create Date: 2026-12-06 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.core.db
from api.core.schemas import cbs_code_check, neighbourhood_code_check

revision: str = "0008a"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROLES_BEFORE = ("admin", "facilitator", "analyst")
_ROLES = ("admin", "coordinator", "facilitator", "analyst")
_CODES = (
    f"(kind = 'wijk' AND wijk_id IS NULL AND {neighbourhood_code_check('code', 'WK', 2)})"
    f" OR (kind = 'buurt' AND {neighbourhood_code_check('code', 'BU', 4)})"
)
_CODES_BEFORE = (
    f"(kind = 'wijk' AND wijk_id IS NULL AND {cbs_code_check('code', 'WK', 6)}) OR "
    f"(kind = 'buurt' AND {cbs_code_check('code', 'BU', 8)})"
)
_RETENTION = (
    "contact_retention_days IS NULL OR "
    "(contact_retention_days >= 0 AND contact_retention_days <= 1095)"
)


def _role_check(roles: Sequence[str]) -> str:
    return "role IN (" + ", ".join(f"'{r}'" for r in roles) + ")"


def upgrade() -> None:
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_staff_users_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_staff_users_role"), _role_check(_ROLES))
        batch_op.alter_column(
            "password_hash", existing_type=sqlmodel.sql.sqltypes.AutoString(length=255),
            nullable=True,
        )  # fmt: skip
        batch_op.add_column(
            sa.Column("invitation_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "invitation_expires_at", api.core.db.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_staff_users_invitation_hash"), ["invitation_hash"]
        )
    with op.batch_alter_table("neighbourhoods", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_neighbourhoods_code_matches_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_neighbourhoods_code_matches_kind"), _CODES)
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("contact_email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "privacy_contact_name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "privacy_contact_email",
                sqlmodel.sql.sqltypes.AutoString(length=254),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("contact_retention_days", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_municipalities_contact_retention_days"), _RETENTION
        )
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "accessibility_notes", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True
            )
        )
    op.create_table(
        "municipality_logos",
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column(
            "media_type",
            sa.Enum(
                "image/png",
                "image/jpeg",
                "image/webp",
                name="logo_type",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "length(content) <= 262144", name=op.f("ck_municipality_logos_content_size")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_municipality_logos_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("municipality_id", name=op.f("pk_municipality_logos")),
    )


def downgrade() -> None:
    op.drop_table("municipality_logos")
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.drop_column("accessibility_notes")
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_municipalities_contact_retention_days"), type_="check")
        batch_op.drop_column("contact_retention_days")
        batch_op.drop_column("privacy_contact_email")
        batch_op.drop_column("privacy_contact_name")
        batch_op.drop_column("contact_email")
    # Buurten first: a wijk with letters in its code has only such buurten.
    op.execute(
        f"DELETE FROM neighbourhoods WHERE kind = 'buurt' AND NOT ({cbs_code_check('code', 'BU', 8)})"
    )
    op.execute(
        f"DELETE FROM neighbourhoods WHERE kind = 'wijk' AND NOT ({cbs_code_check('code', 'WK', 6)})"
    )
    with op.batch_alter_table("neighbourhoods", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_neighbourhoods_code_matches_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_neighbourhoods_code_matches_kind"), _CODES_BEFORE)
    op.execute("DELETE FROM staff_users WHERE password_hash IS NULL")
    op.execute("UPDATE staff_users SET role = 'facilitator' WHERE role = 'coordinator'")
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_staff_users_invitation_hash"), type_="unique")
        batch_op.drop_column("invitation_expires_at")
        batch_op.drop_column("invitation_hash")
        batch_op.alter_column(
            "password_hash", existing_type=sqlmodel.sql.sqltypes.AutoString(length=255),
            nullable=False,
        )  # fmt: skip
        batch_op.drop_constraint(op.f("ck_staff_users_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_staff_users_role"), _role_check(_ROLES_BEFORE))
