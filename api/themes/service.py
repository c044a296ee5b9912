"""Themes: the default taxonomy and a municipality's own additions."""

from sqlalchemy import or_
from sqlmodel import Session, select

from api.core.problems import Conflict, InvalidInput
from api.themes.models import Theme
from api.themes.schemas import ThemeCreate, ThemePublic


def list_themes(db: Session, *, municipality_id: int | None = None) -> list[Theme]:
    """The default themes, followed by the municipality's own when one is given."""
    query = select(Theme).order_by(Theme.municipality_id.is_not(None), Theme.position, Theme.key)  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
    if municipality_id is None:
        query = query.where(Theme.municipality_id.is_(None))  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
    else:
        query = query.where(
            or_(Theme.municipality_id.is_(None), Theme.municipality_id == municipality_id)  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
        )
    return list(db.exec(query))


def themes_by_key(db: Session, *, municipality_id: int) -> dict[str, Theme]:
    """Themes usable in this municipality by key; its own theme wins over a default one."""
    return {theme.key: theme for theme in list_themes(db, municipality_id=municipality_id)}


def create_theme(db: Session, *, municipality_id: int, theme: ThemeCreate) -> Theme:
    """Add a municipality's own theme."""
    if theme.key in themes_by_key(db, municipality_id=municipality_id):
        raise Conflict(
            f"A theme with key '{theme.key}' already exists here.",
            nl=f"Er is hier al een thema met de sleutel '{theme.key}'.",
        )
    if any(not 1 <= sdg <= 17 for sdg in theme.sdgs):
        raise InvalidInput(
            "SDG numbers run from 1 to 17.",
            nl="SDG-nummers lopen van 1 tot en met 17.",
            invalid_params=[("sdgs", "use numbers 1 to 17", "gebruik de nummers 1 tot en met 17")],
        )
    last = list_themes(db, municipality_id=municipality_id)
    row = Theme(
        municipality_id=municipality_id,
        position=(last[-1].position + 1) if last else 1,
        **theme.model_dump(),
    )
    row.sdgs = sorted(set(theme.sdgs))
    db.add(row)
    db.commit()
    return row


def to_public(theme: Theme, *, municipality_code: str | None = None) -> ThemePublic:
    """The API view of a theme."""
    return ThemePublic.model_validate(theme).model_copy(update={"municipality": municipality_code})
