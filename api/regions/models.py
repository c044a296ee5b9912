"""Regions: groups of municipalities that share the figures of their regional dialogues."""

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field as PydanticField
from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.core.db import UTCDateTime, enum_type, utcnow
from api.core.schemas import ApiInput, ApiOutput, Id
from api.staff.models import CbsCode


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


class RegionCreate(ApiInput):
    """An own grouping of municipalities; each one is invited and joins itself."""

    name: str = PydanticField(min_length=1, max_length=120)
    municipalities: list[CbsCode] = PydanticField(min_length=2, max_length=400)


class RegionMemberPublic(ApiOutput):
    """A municipality listed in a region."""

    municipality: str = PydanticField(description="CBS code.")
    municipality_name: str
    status: MembershipStatus
    joined_at: datetime | None
    left_at: datetime | None


class RegionPublic(ApiOutput):
    """A region with its listed municipalities."""

    id: int
    kind: RegionKind
    cbs_code: str | None
    name: str
    members: list[RegionMemberPublic]
    created_at: datetime


class RegionalDialogueLink(ApiInput):
    """A dialogue to make regional: its municipality (the lead) must have joined the region."""

    dialogue_id: Id


class RegionalDialogue(ApiOutput):
    """A dialogue of a region, as the region's analysts see it: no session or place detail."""

    id: int
    title: str
    starts_on: date
    ends_on: date
    lead: str = PydanticField(description="CBS code of the municipality that runs it.")
    lead_name: str
    municipalities: list[str] = PydanticField(
        description="CBS codes of the member municipalities where it has sessions."
    )
