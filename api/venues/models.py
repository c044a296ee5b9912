"""Venues: the low-threshold places where sessions are held."""

from datetime import datetime
from enum import StrEnum

from pydantic import Field as PydanticField
from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.core.db import UTCDateTime, enum_type, utcnow
from api.core.schemas import (
    MUNICIPALITY_CODE_PATTERN,
    NEIGHBOURHOOD_CODE_PATTERN,
    ApiInput,
    ApiOutput,
)


class VenueKind(StrEnum):
    """The kind of place."""

    LIBRARY = "library"
    YOUTH_CENTRE = "youth_centre"
    COMMUNITY_CENTRE = "community_centre"
    OTHER = "other"


class Venue(SQLModel, table=True):
    """A library, youth centre, community centre or other place in a municipality."""

    __tablename__ = "venues"
    __table_args__ = (UniqueConstraint("municipality_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("municipalities.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    name: str = Field(max_length=120)
    kind: VenueKind = Field(sa_type=enum_type(VenueKind, "venue_kind"))
    neighbourhood_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("neighbourhoods.id", ondelete="SET NULL")),
    )
    address: str | None = Field(default=None, max_length=200)
    accessibility_notes: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class VenueCreate(ApiInput):
    """A new venue."""

    name: str = PydanticField(min_length=1, max_length=120, examples=["Bibliotheek Centrum"])
    kind: VenueKind
    neighbourhood_code: str | None = PydanticField(default=None, pattern=NEIGHBOURHOOD_CODE_PATTERN)
    address: str | None = PydanticField(default=None, max_length=200)
    accessibility_notes: str | None = PydanticField(
        default=None,
        max_length=500,
        examples=["Ingang zonder drempel, invalidentoilet, ringleiding in de zaal"],
    )


class VenueCreateIn(VenueCreate):
    """A new venue of the municipality named."""

    municipality: str = PydanticField(pattern=MUNICIPALITY_CODE_PATTERN, examples=["GM0855"])


class VenueUpdate(ApiInput):
    """Changes to a venue; fields left out stay as they are, null empties an optional one."""

    name: str | None = PydanticField(default=None, min_length=1, max_length=120)
    kind: VenueKind | None = None
    neighbourhood_code: str | None = PydanticField(default=None, pattern=NEIGHBOURHOOD_CODE_PATTERN)
    address: str | None = PydanticField(default=None, max_length=200)
    accessibility_notes: str | None = PydanticField(default=None, max_length=500)


class VenuePublic(ApiOutput):
    """A venue."""

    id: int
    municipality: str
    name: str
    kind: VenueKind
    neighbourhood_code: str | None
    address: str | None
    accessibility_notes: str | None
