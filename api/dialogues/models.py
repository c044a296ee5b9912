"""Dialogues (one round of a municipality's brede welvaart dialogue) and their priorities."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.core.db import UTCDateTime, utcnow

MIN_PRIORITIES = 2
MAX_PRIORITIES = 30


class Dialogue(SQLModel, table=True):
    """A round of the dialogue, such as "Brede welvaart Tilburg 2027"."""

    __tablename__ = "dialogues"
    __table_args__ = (
        UniqueConstraint("municipality_id", "title"),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("municipalities.id", ondelete="RESTRICT"),
            nullable=False,
            index=True,
        )
    )
    # A regional dialogue belongs to a region too: its sessions may be held at venues of the
    # region's member municipalities (see api/regions).
    region_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("regions.id", ondelete="RESTRICT"), index=True),
    )
    title: str = Field(max_length=160)
    description: str = Field(default="", max_length=2000)
    translations: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    starts_on: date
    ends_on: date
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    report_back_published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Priority(SQLModel, table=True):
    """One item residents rank, tagged with a theme."""

    __tablename__ = "priorities"
    __table_args__ = (
        UniqueConstraint("id", "dialogue_id"),
        UniqueConstraint("dialogue_id", "title"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dialogue_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("dialogues.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    position: int
    title: str = Field(max_length=120)
    description: str = Field(default="", max_length=500)
    translations: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    theme_id: int = Field(
        sa_column=Column(Integer, ForeignKey("themes.id", ondelete="RESTRICT"), nullable=False)
    )
