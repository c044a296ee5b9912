"""Regions: groups of municipalities that share the figures of their regional dialogues."""

from datetime import date, datetime

from pydantic import Field as PydanticField

from api.core.schemas import ApiInput, ApiOutput, Id
from api.membership.models import MembershipStatus, RegionKind
from api.staff.schemas import CbsCode


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
