"""Ballot integrity: ballots set aside by staff, and the signals of a flood of check-ins."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from api.core.db import UTCDateTime, utcnow

NETWORK_PATTERN = r"^[0-9a-f]{16}$"


class SetAside(SQLModel, table=True):
    """Ballots of a session set aside by staff: kept, but out of the results until restored."""

    __tablename__ = "set_asides"
    __table_args__ = (CheckConstraint("checked_in_until > checked_in_from", name="window_forward"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    checked_in_from: datetime = Field(sa_type=UTCDateTime)
    checked_in_until: datetime = Field(sa_type=UTCDateTime)
    network: str | None = Field(default=None, max_length=16)
    reason: str | None = Field(default=None, max_length=500)
    ballots: int
    created_by_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("staff_users.id", ondelete="SET NULL")),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    restored_by_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("staff_users.id", ondelete="SET NULL")),
    )
    restored_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
