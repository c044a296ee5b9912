"""Translations of resident-facing texts, and following pledges up.

Dialogues, priorities and venues get `translations` (JSON, null: none): their texts in other
languages than Dutch. Pledges and contact offers get a `follow_up_status` (new, contacted,
takenUp); pledges also a random `follow_up_id`, under which staff follow them up instead of
the counting id (which tells the order of arrival). Existing pledges get their random ids in
a random order.

Revision ID: 0008b
Revises: 0008a
Create Date: 2026-12-06 03:00:00
"""

import random
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008b"
down_revision: str | None = "0008a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUSES = ("new", "contacted", "takenUp")


def _status_column() -> sa.Column:
    return sa.Column(
        "follow_up_status",
        sa.Enum(*_STATUSES, name="follow_up_status", native_enum=False, create_constraint=True),
        nullable=False,
        server_default="new",
    )


def _recreate() -> str:
    """SQLite adds a CHECK constraint only by copying the table; PostgreSQL alters it."""
    return "always" if op.get_bind().dialect.name == "sqlite" else "auto"


def upgrade() -> None:
    for table in ("dialogues", "priorities", "venues"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("translations", sa.JSON(), nullable=True))

    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("follow_up_id", sa.String(length=36), nullable=True))
    bind = op.get_bind()
    ids = list(bind.execute(sa.text("SELECT id FROM pledges")).scalars())
    random.SystemRandom().shuffle(ids)
    if ids:
        bind.execute(
            sa.text("UPDATE pledges SET follow_up_id = :key WHERE id = :id"),
            [{"key": str(uuid.uuid4()), "id": pledge_id} for pledge_id in ids],
        )
    with op.batch_alter_table("pledges", schema=None, recreate=_recreate()) as batch_op:
        batch_op.alter_column("follow_up_id", existing_type=sa.String(length=36), nullable=False)
        batch_op.add_column(_status_column())
        batch_op.create_unique_constraint(batch_op.f("uq_pledges_follow_up_id"), ["follow_up_id"])

    # Still without a rowid on SQLite (see 0006d).
    with op.batch_alter_table(
        "contact_offers",
        schema=None,
        recreate=_recreate(),
        table_kwargs={"sqlite_with_rowid": False},
    ) as batch_op:
        batch_op.add_column(_status_column())


def downgrade() -> None:
    with op.batch_alter_table(
        "contact_offers",
        schema=None,
        recreate=_recreate(),
        table_kwargs={"sqlite_with_rowid": False},
    ) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_contact_offers_follow_up_status"), type_="check")
        batch_op.drop_column("follow_up_status")
    with op.batch_alter_table("pledges", schema=None, recreate=_recreate()) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_pledges_follow_up_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("ck_pledges_follow_up_status"), type_="check")
        batch_op.drop_column("follow_up_status")
        batch_op.drop_column("follow_up_id")
    for table in ("venues", "priorities", "dialogues"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("translations")
