"""Sessions (a dialogue held at a venue at a time) and the participants checked in to them."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlmodel import Field, SQLModel

from api.core.db import UTCDateTime, enum_type, utcnow

JOIN_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: easy to type by hand
JOIN_CODE_LENGTH = 6
ROTATING_PART_LENGTH = 4


class SessionStatus(StrEnum):
    """Where a session is in its life: `planned` → `open` → `closed`."""

    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"


class CheckInMode(StrEnum):
    """`poster`: the printed code works while open; `rotating`: the projector's code changes."""

    POSTER = "poster"
    ROTATING = "rotating"


class ParticipantOrigin(StrEnum):
    """How a participant came in."""

    QR = "qr"
    ASSISTED = "assisted"
    SIMULATED = "simulated"


class DialogueSession(SQLModel, table=True):
    """A dialogue held at a venue at a time, with a join code."""

    __tablename__ = "sessions"
    __table_args__ = (
        UniqueConstraint("id", "dialogue_id"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dialogue_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("dialogues.id", ondelete="RESTRICT"), nullable=False, index=True
        )
    )
    venue_id: int = Field(
        sa_column=Column(Integer, ForeignKey("venues.id", ondelete="RESTRICT"), nullable=False)
    )
    title: str | None = Field(default=None, max_length=160)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    status: SessionStatus = Field(
        default=SessionStatus.PLANNED, sa_type=enum_type(SessionStatus, "session_status")
    )
    check_in_mode: CheckInMode = Field(
        default=CheckInMode.POSTER, sa_type=enum_type(CheckInMode, "check_in_mode")
    )
    join_code: str = Field(sa_column=Column(String(JOIN_CODE_LENGTH), unique=True, nullable=False))
    rotation_secret: str = Field(max_length=64)
    show_results: bool = Field(default=True)
    opened_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SessionFacilitator(SQLModel, table=True):
    """A facilitator assigned to a session."""

    __tablename__ = "session_facilitators"

    session_id: int = Field(
        sa_column=Column(Integer, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    )
    staff_user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True
        )
    )


class ParticipantType(StrEnum):
    """How someone takes part: as a resident, a business, an organisation or a young person."""

    RESIDENT = "resident"
    BUSINESS = "business"
    ORGANISATION = "organisation"
    YOUTH = "youth"


class Participant(SQLModel, table=True):
    """An anonymous resident checked in to one session: no name, no e-mail."""

    __tablename__ = "participants"

    id: str = Field(primary_key=True, max_length=36)
    session_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    origin: ParticipantOrigin = Field(
        default=ParticipantOrigin.QR, sa_type=enum_type(ParticipantOrigin, "participant_origin")
    )
    entered_by_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("staff_users.id", ondelete="SET NULL")),
    )
    # Presence was verified: a current rotating code from the screen, or a paper ballot typed
    # in by a facilitator. A poster's code (or a photo of it) proves nothing.
    presence_verified: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # A keyed hash of the check-in's network (IPv4 /24, IPv6 /64), comparable only within
    # the session; never the address itself. None for paper ballots.
    network: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
