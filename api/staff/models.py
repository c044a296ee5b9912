"""Staff accounts: admins, coordinators, facilitators and analysts, scoped to municipalities."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from api.core.access import Role
from api.core.db import UTCDateTime, enum_type, utcnow


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
