"""An absent neighbourhood geometry is SQL NULL, not the JSON text `null`.

Rows written before were stored with the JSON encoding of None (`'null'`), so telling
whether a neighbourhood has a map shape meant reading the shape. Now the column is NULL when
there is no shape (the model's JSON type stores None as NULL), and `geometry IS NOT NULL`
answers from the row header without reading a byte of a 16 MB polygon.

Revision ID: 0006c
Revises: 0006b
Create Date: 2026-12-05 23:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006c"
down_revision: str | None = "0006b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE neighbourhoods SET geometry = NULL "
        "WHERE geometry IS NOT NULL AND CAST(geometry AS TEXT) = 'null'"
    )
    if op.get_bind().dialect.name == "sqlite":
        # SQLite keeps a row's columns in order, a large value spilling into a chain of
        # overflow pages: reading `source` or `updated_at` after a 16 MB geometry walked
        # 4,000 pages. The geometry goes last, so reading a row without it stops early.
        # (PostgreSQL keeps large values out of line; its order does not matter.)
        with op.batch_alter_table(
            "neighbourhoods",
            recreate="always",
            partial_reordering=[("wijk_id", "source", "updated_at", "geometry")],
        ):
            pass


def downgrade() -> None:
    # Both spellings of "no geometry" are read the same way; nothing to undo.
    pass
