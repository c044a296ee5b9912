"""Brede welvaart themes: the default taxonomy and a municipality's own additions."""

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, UniqueConstraint, text
from sqlmodel import Field, SQLModel

THEME_KEY_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"


class Theme(SQLModel, table=True):
    """A theme; `municipality_id` is empty for the default taxonomy everyone shares."""

    __tablename__ = "themes"
    __table_args__ = (
        UniqueConstraint("municipality_id", "key"),
        Index(
            "uq_themes_default_key",
            "key",
            unique=True,
            sqlite_where=text("municipality_id IS NULL"),
            postgresql_where=text("municipality_id IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("municipalities.id", ondelete="CASCADE")),
    )
    key: str = Field(max_length=40)
    name_nl: str = Field(max_length=80)
    name_en: str = Field(max_length=80)
    description_nl: str = Field(max_length=400)
    description_en: str = Field(max_length=400)
    sdgs: list[int] = Field(default_factory=list, sa_type=JSON)
    icon: str = Field(default="circle", max_length=40)
    position: int = Field(default=0)
