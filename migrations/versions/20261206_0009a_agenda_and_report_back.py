"""The agenda that follows a dialogue, and the report back to residents.

`agenda_items` (what the municipality does, with owner, partners, horizon, dates, budget line,
status and translations), linked to the dialogue's priorities in `agenda_item_priorities`;
`report_back_responses` (per priority: adopted, partly or not adopted, and why); on
`dialogues` the moment the report back was published; on `pledges` the agenda item a
coordinator linked the pledge to.

Revision ID: 0009a
Revises: 0008f
Create Date: 2026-12-06 05:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.core.db

revision: str = "0009a"
down_revision: str | None = "0008f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("goal", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("indicator", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("partners", sa.JSON(), nullable=False),
        sa.Column(
            "horizon",
            sa.Enum(
                "short", "long", name="agenda_horizon", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("budget_line", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "underway",
                "done",
                "dropped",
                name="agenda_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("translations", sa.JSON(), nullable=True),
        sa.Column("created_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "starts_on IS NULL OR ends_on IS NULL OR ends_on >= starts_on",
            name=op.f("ck_agenda_items_ends_after_start"),
        ),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogues.id"],
            name=op.f("fk_agenda_items_dialogue_id_dialogues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_items")),
        sa.UniqueConstraint("id", "dialogue_id", name="uq_agenda_items_id_dialogue"),
    )
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agenda_items_dialogue_id"), ["dialogue_id"], unique=False
        )

    op.create_table(
        "agenda_item_priorities",
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id", "dialogue_id"],
            ["agenda_items.id", "agenda_items.dialogue_id"],
            name="fk_agenda_item_priorities_item_dialogue",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["priority_id", "dialogue_id"],
            ["priorities.id", "priorities.dialogue_id"],
            name="fk_agenda_item_priorities_priority_dialogue",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agenda_item_id", "priority_id", name="pk_agenda_item_priorities"),
    )
    with op.batch_alter_table("agenda_item_priorities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agenda_item_priorities_priority_id"), ["priority_id"], unique=False
        )

    op.create_table(
        "report_back_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(
                "adopted",
                "partly",
                "notAdopted",
                name="report_back_decision",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogues.id"],
            name=op.f("fk_report_back_responses_dialogue_id_dialogues"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["priority_id", "dialogue_id"],
            ["priorities.id", "priorities.dialogue_id"],
            name="fk_report_back_responses_priority_dialogue",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_back_responses")),
        sa.UniqueConstraint("dialogue_id", "priority_id", name="uq_report_back_responses_priority"),
    )
    with op.batch_alter_table("report_back_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_back_responses_dialogue_id"), ["dialogue_id"], unique=False
        )

    with op.batch_alter_table("dialogues", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "report_back_published_at", api.core.db.UTCDateTime(timezone=True), nullable=True
            )
        )

    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agenda_item_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_pledges_agenda_item_id"), ["agenda_item_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_pledges_agenda_item_id_agenda_items"),
            "agenda_items",
            ["agenda_item_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_pledges_agenda_item_id_agenda_items"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_pledges_agenda_item_id"))
        batch_op.drop_column("agenda_item_id")

    with op.batch_alter_table("dialogues", schema=None) as batch_op:
        batch_op.drop_column("report_back_published_at")

    with op.batch_alter_table("report_back_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_back_responses_dialogue_id"))

    op.drop_table("report_back_responses")
    with op.batch_alter_table("agenda_item_priorities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_item_priorities_priority_id"))

    op.drop_table("agenda_item_priorities")
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_items_dialogue_id"))

    op.drop_table("agenda_items")
