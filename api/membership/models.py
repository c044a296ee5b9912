"""Region membership: which municipalities belong to a region, and since when.

Kept apart from `api.regions` (regional dialogues and their reading) so that the sessions
domain can ask whether a municipality shares a regional dialogue without depending on it.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.core.db import UTCDateTime, enum_type, utcnow


class RegionKind(StrEnum):
    """Where a region's grouping comes from: a CBS area, or the municipalities' own choice."""

    COROP = "corop"
    ARBEIDSMARKTREGIO = "arbeidsmarktregio"
    PROVINCIE = "provincie"
    OWN = "own"


class MembershipStatus(StrEnum):
    """A municipality listed in a region has been invited, has joined, or has left."""

    INVITED = "invited"
    JOINED = "joined"
    LEFT = "left"


class Region(SQLModel, table=True):
    """A group of municipalities, such as the COROP area Midden-Noord-Brabant."""

    __tablename__ = "regions"
    __table_args__ = (UniqueConstraint("kind", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: RegionKind = Field(sa_type=enum_type(RegionKind, "region_kind"))
    # The CBS code of the area (CR35, AM31, PV30); None for an own grouping.
    cbs_code: str | None = Field(default=None, max_length=10)
    name: str = Field(max_length=120)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RegionMember(SQLModel, table=True):
    """A municipality listed in a region, and whether it shares (joined) or not."""

    __tablename__ = "region_members"

    region_id: int = Field(
        sa_column=Column(Integer, ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True)
    )
    municipality_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("municipalities.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        )
    )
    status: MembershipStatus = Field(
        default=MembershipStatus.INVITED, sa_type=enum_type(MembershipStatus, "membership_status")
    )
    joined_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    left_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
