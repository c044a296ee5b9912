"""Brede welvaart themes: the default taxonomy and a municipality's own additions."""

from typing import Annotated

from pydantic import Field as PydanticField
from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from api.core.schemas import ApiInput, ApiOutput

THEME_KEY_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
SdgNumber = Annotated[int, PydanticField(ge=1, le=17, description="A UN SDG, 1 to 17.")]


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


class ThemeCreate(ApiInput):
    """A municipality's own theme."""

    key: str = PydanticField(pattern=THEME_KEY_PATTERN, max_length=40, examples=["cultuur"])
    name_nl: str = PydanticField(min_length=1, max_length=80)
    name_en: str = PydanticField(min_length=1, max_length=80)
    description_nl: str = PydanticField(min_length=1, max_length=400)
    description_en: str = PydanticField(min_length=1, max_length=400)
    sdgs: list[SdgNumber] = PydanticField(default_factory=list, max_length=17)
    icon: str = PydanticField(default="circle", pattern=r"^[a-z-]{1,40}$")


class ThemePublic(ApiOutput):
    """A theme, with the UN Sustainable Development Goals it serves."""

    key: str
    name_nl: str
    name_en: str
    description_nl: str
    description_en: str
    sdgs: list[int]
    icon: str
    municipality: str | None = PydanticField(
        default=None, description="CBS code of the municipality that added it; empty if default."
    )
