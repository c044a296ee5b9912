"""Request and response bodies of staff accounts, invitations and sign-in."""

from datetime import datetime
from typing import Annotated

from pydantic import EmailStr
from pydantic import Field as PydanticField

from api.core.access import Role
from api.core.schemas import MUNICIPALITY_CODE_PATTERN, ApiInput, ApiOutput

CbsCode = Annotated[str, PydanticField(pattern=MUNICIPALITY_CODE_PATTERN, examples=["GM0855"])]


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
