"""The long-term theme is named for what it is, and the default texts say "je".

"Later" read as "postpone" on a resident's screen; the theme is about the people after us,
so it is "Voor de toekomst" / "For the future". Residents are addressed with "je" (B1)
everywhere, so the one default description that said "u" now says "je". Only the stored
default themes change; a municipality's own themes are left as it wrote them.

Revision ID: 0008e
Revises: 0008d
Create Date: 2026-12-06 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008e"
down_revision: str | None = "0008d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_THEMES = sa.table(
    "themes",
    sa.column("municipality_id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("name_nl", sa.String),
    sa.column("name_en", sa.String),
    sa.column("description_nl", sa.String),
)

# (key, column, old, new)
_CHANGES = [
    ("later", "name_nl", "Later", "Voor de toekomst"),
    ("later", "name_en", "Future generations", "For the future"),
    (
        "welzijn",
        "description_nl",
        "Hoe tevreden mensen zijn met hun leven. Voelt u zich goed? Heeft u grip op uw leven?",
        "Hoe tevreden mensen zijn met hun leven. Voel je je goed? Heb je grip op je leven?",
    ),
]


def _apply(*, forward: bool) -> None:
    for key, column, old, new in _CHANGES:
        before, after = (old, new) if forward else (new, old)
        op.execute(
            _THEMES.update()
            .where(_THEMES.c.municipality_id.is_(None))
            .where(_THEMES.c.key == key)
            .where(_THEMES.c[column] == before)
            .values({column: after})
        )


def upgrade() -> None:
    # Only a text still as shipped changes: an admin's own rewording is kept.
    _apply(forward=True)


def downgrade() -> None:
    _apply(forward=False)
