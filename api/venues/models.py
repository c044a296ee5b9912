"""Venues: the low-threshold places where sessions are held."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.core.db import UTCDateTime, enum_type, utcnow


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
    translations: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    kind: VenueKind = Field(sa_type=enum_type(VenueKind, "venue_kind"))
    neighbourhood_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("neighbourhoods.id", ondelete="SET NULL")),
    )
    address: str | None = Field(default=None, max_length=200)
    accessibility_notes: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
