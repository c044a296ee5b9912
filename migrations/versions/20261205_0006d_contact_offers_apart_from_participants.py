"""Keep contact details apart: contact offers that nothing links to a participant or ballot.

Every `pledge_contacts` row becomes a `contact_offers` row with a random id, its pledge's
dialogue, kind, priority, hours and text, the contact, and the day (not the moment) of
consent, written in a random order. The pledge row itself is deleted (kept, its kind,
priority and hours would match the offer's), the participant's other pledges are numbered
1, 2, … again (a gap would show where an offer was), and `pledge_contacts` is dropped.
`contact_offer_counts` starts empty: the keys need the app's secret, which a migration does
not have, so for a dialogue still running a participant's earlier offers no longer count
towards their five pledges.

Downgrade is lossy: nothing links an offer to a participant any more, so the offers (their
texts and contact details) are dropped and `pledge_contacts` comes back empty.

Revision ID: 0006d
Revises: 0006c
Create Date: 2026-12-05 23:45:00
"""

import random
import uuid
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.core.db

revision: str = "0006d"
down_revision: str | None = "0006c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KINDS = ("time", "skill", "space", "materials", "network", "other")


def upgrade() -> None:
    op.create_table(
        "contact_offers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*_KINDS, name="pledge_kind", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("priority_id", sa.Integer(), nullable=True),
        sa.Column("hours_per_month", sa.Numeric(precision=4, scale=1), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("contact", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("consented_on", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "hours_per_month IS NULL OR (hours_per_month > 0 AND hours_per_month <= 40)",
            name=op.f("ck_contact_offers_hours_per_month"),
        ),
        sa.CheckConstraint("length(text) <= 500", name=op.f("ck_contact_offers_text_length")),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogues.id"],
            name=op.f("fk_contact_offers_dialogue_id_dialogues"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["priority_id", "dialogue_id"],
            ["priorities.id", "priorities.dialogue_id"],
            name="fk_contact_offers_priority_dialogue",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_offers")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("contact_offers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_offers_dialogue_id"), ["dialogue_id"], unique=False
        )
    op.create_table(
        "contact_offer_counts",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("offers", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "offers >= 1 AND offers <= 5", name=op.f("ck_contact_offer_counts_offers")
        ),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogues.id"],
            name=op.f("fk_contact_offer_counts_dialogue_id_dialogues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_contact_offer_counts")),
    )
    with op.batch_alter_table("contact_offer_counts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_offer_counts_dialogue_id"), ["dialogue_id"], unique=False
        )

    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT p.id, p.dialogue_id, p.kind, p.priority_id, p.hours_per_month, p.text,"
            " c.contact, c.consented_at"
            " FROM pledge_contacts c JOIN pledges p ON p.id = c.pledge_id"
        )
    ).all()
    offers = [
        {
            "id": str(uuid.uuid4()),
            "dialogue_id": row.dialogue_id,
            "kind": row.kind,
            "priority_id": row.priority_id,
            "hours_per_month": row.hours_per_month,
            "text": row.text,
            "contact": row.contact,
            # a datetime on PostgreSQL, ISO text on SQLite; both in UTC
            "consented_on": date.fromisoformat(str(row.consented_at)[:10]),
        }
        for row in rows
    ]
    random.SystemRandom().shuffle(offers)  # not in the order of the pledges
    if offers:
        offer_table = sa.table(
            "contact_offers",
            sa.column("id", sa.String),
            sa.column("dialogue_id", sa.Integer),
            sa.column("kind", sa.String),
            sa.column("priority_id", sa.Integer),
            sa.column("hours_per_month", sa.Numeric(4, 1)),
            sa.column("text", sa.String),
            sa.column("contact", sa.String),
            sa.column("consented_on", sa.Date),
        )
        bind.execute(offer_table.insert(), offers)
        participants = set(
            bind.execute(
                sa.text(
                    "SELECT p.participant_id FROM pledge_contacts c"
                    " JOIN pledges p ON p.id = c.pledge_id"
                )
            ).scalars()
        )
        bind.execute(
            sa.text("DELETE FROM pledges WHERE id IN (SELECT pledge_id FROM pledge_contacts)")
        )
        for participant in participants:  # renumber, lowest first: never two with one number
            ids = bind.execute(
                sa.text("SELECT id FROM pledges WHERE participant_id = :p ORDER BY sequence"),
                {"p": participant},
            ).scalars()
            for sequence, pledge_id in enumerate(list(ids), 1):
                bind.execute(
                    sa.text("UPDATE pledges SET sequence = :s WHERE id = :id"),
                    {"s": sequence, "id": pledge_id},
                )
    op.drop_table("pledge_contacts")


def downgrade() -> None:
    op.create_table(
        "pledge_contacts",
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("contact", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("consented_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["pledges.id"],
            name=op.f("fk_pledge_contacts_pledge_id_pledges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pledge_id", name=op.f("pk_pledge_contacts")),
    )
    with op.batch_alter_table("contact_offer_counts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_offer_counts_dialogue_id"))
    op.drop_table("contact_offer_counts")
    with op.batch_alter_table("contact_offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_offers_dialogue_id"))
    op.drop_table("contact_offers")
