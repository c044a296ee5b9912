"""Staff accounts: admins, coordinators, facilitators and analysts, scoped to municipalities."""

from datetime import datetime
from typing import Annotated

from pydantic import EmailStr
from pydantic import Field as PydanticField
from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from api.core.access import Role
from api.core.db import UTCDateTime, enum_type, utcnow
from api.core.schemas import MUNICIPALITY_CODE_PATTERN, ApiInput, ApiOutput

CbsCode = Annotated[str, PydanticField(pattern=MUNICIPALITY_CODE_PATTERN, examples=["GM0855"])]


class StaffMunicipality(SQLModel, table=True):
    """Links a staff member to a municipality they work for."""

    __tablename__ = "staff_municipalities"

    staff_user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True
        )
    )
    municipality_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("municipalities.id", ondelete="CASCADE"), primary_key=True
        )
    )


class StaffRegion(SQLModel, table=True):
    """Links a regional analyst to a region whose figures they read."""

    __tablename__ = "staff_regions"

    staff_user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True
        )
    )
    region_id: int = Field(
        sa_column=Column(Integer, ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True)
    )


class StaffUser(SQLModel, table=True):
    """A staff account."""

    __tablename__ = "staff_users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    # None until an invited person chooses a password with their one-time link.
    password_hash: str | None = Field(default=None, max_length=255)
    role: Role = Field(sa_type=enum_type(Role, "role"))
    full_name: str | None = Field(default=None, max_length=120)
    is_active: bool = Field(default=True)
    token_version: int = Field(default=0)
    # SHA-256 of the open invitation's token (the token itself is never stored).
    invitation_hash: str | None = Field(default=None, max_length=64, unique=True)
    invitation_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StaffUserCreate(ApiInput):
    """A new staff account."""

    email: EmailStr
    password: str | None = PydanticField(
        default=None,
        min_length=12,
        max_length=256,
        description="Leave out to invite: the answer then has a one-time link, valid 7 days, "
        "where the person chooses their own password.",
    )
    role: Role
    full_name: str | None = PydanticField(default=None, max_length=120)
    municipalities: list[CbsCode] = PydanticField(
        default_factory=list,
        max_length=400,
        description="CBS codes of the municipalities this person works for.",
    )


class StaffUserUpdate(ApiInput):
    """Changes to a staff account; fields left out stay as they are."""

    role: Role | None = None
    full_name: str | None = PydanticField(default=None, max_length=120)
    is_active: bool | None = None
    password: str | None = PydanticField(default=None, min_length=12, max_length=256)
    municipalities: list[CbsCode] | None = PydanticField(default=None, max_length=400)


class StaffUserPublic(ApiOutput):
    """A staff account as the API shows it (never the password hash)."""

    id: int
    email: str
    role: Role
    full_name: str | None
    is_active: bool
    municipalities: list[str]
    invitation_expires_at: datetime | None = PydanticField(
        description="Until when the open invitation link works; null when there is none."
    )
    created_at: datetime


class Invitation(ApiOutput):
    """A one-time link where an invited staff member chooses their password."""

    url: str
    expires_at: datetime


class StaffUserInvited(StaffUserPublic):
    """A staff account with the invitation link just made (shown only this once)."""

    invitation: Invitation | None = None


class InvitationAccept(ApiInput):
    """The token of an invitation link and the password its owner chooses."""

    token: str = PydanticField(min_length=20, max_length=200)
    password: str = PydanticField(min_length=12, max_length=256)


class Token(ApiOutput):
    """An OAuth2 bearer token (field names as RFC 6749 prescribes)."""

    access_token: str = PydanticField(serialization_alias="access_token")
    token_type: str = PydanticField(default="bearer", serialization_alias="token_type")
    expires_in: int = PydanticField(serialization_alias="expires_in")
