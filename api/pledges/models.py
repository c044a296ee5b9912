"""Pledges: what a participant will contribute; contact details only with consent, kept apart.

A pledge without contact details is a `Pledge` row of its participant: it counts in the
totals per group (buurt, age band, session) and towards the five a participant may make.

A pledge with contact details is a `ContactOffer` instead, and only that: its kind, priority,
hours, text and the contact, with nothing that leads to a participant, ballot or session (a
random id, the dialogue only, the day of consent rather than the moment). No pledge row is
written for it, since any row of the participant that held the same kind, priority and hours
would let anyone with the database match the two on those values. Towards the five, a
participant's offers are counted in a `ContactOfferCount` under a key that only the app can
compute (HMAC with its secret key), so the database alone cannot say whose count it is.
"""

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from api.core.db import UTCDateTime, enum_type, utcnow
from api.sessions.models import ParticipantType

MAX_PLEDGES_PER_PARTICIPANT = 5
MAX_PLEDGE_TEXT = 500
MAX_ORGANISATION_NAME = 120
MAX_ORGANISATION_KIND = 60
# Who may pledge in an organisation's name: those taking part for an organisation or business.
ORGANISATION_TYPES = (ParticipantType.ORGANISATION, ParticipantType.BUSINESS)
MAX_HOURS_PER_MONTH = 40
FOLLOW_UP_ID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


class PledgeKind(StrEnum):
    """What kind of contribution."""

    TIME = "time"
    SKILL = "skill"
    SPACE = "space"
    MATERIALS = "materials"
    NETWORK = "network"
    OTHER = "other"


class FollowUpStatus(StrEnum):
    """Where a coordinator is in following a pledge up."""

    NEW = "new"
    CONTACTED = "contacted"
    TAKEN_UP = "takenUp"


def new_follow_up_id() -> str:
    """A random id for following a pledge up: it says nothing about when the pledge came in."""
    return str(uuid.uuid4())


class Pledge(SQLModel, table=True):
    """A contribution a participant pledges; `sequence` (1–5) caps pledges per participant."""

    __tablename__ = "pledges"
    __table_args__ = (
        UniqueConstraint("participant_id", "sequence"),
        ForeignKeyConstraint(
            ["session_id", "dialogue_id"],
            ["sessions.id", "sessions.dialogue_id"],
            ondelete="CASCADE",
            name="fk_pledges_session_dialogue",
        ),
        ForeignKeyConstraint(
            ["priority_id", "dialogue_id"],
            ["priorities.id", "priorities.dialogue_id"],
            ondelete="RESTRICT",
            name="fk_pledges_priority_dialogue",
        ),
        CheckConstraint(
            f"sequence >= 1 AND sequence <= {MAX_PLEDGES_PER_PARTICIPANT}", name="sequence"
        ),
        CheckConstraint(
            f"hours_per_month IS NULL OR (hours_per_month > 0 AND hours_per_month <= {MAX_HOURS_PER_MONTH})",
            name="hours_per_month",
        ),
        CheckConstraint(f"length(text) <= {MAX_PLEDGE_TEXT}", name="text_length"),
    )

    id: int | None = Field(default=None, primary_key=True)
    participant_id: str = Field(
        sa_column=Column(
            String(36), ForeignKey("participants.id", ondelete="CASCADE"), nullable=False
        )
    )
    session_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    dialogue_id: int = Field(index=True)
    sequence: int
    kind: PledgeKind = Field(sa_type=enum_type(PledgeKind, "pledge_kind"))
    priority_id: int | None = Field(default=None)
    hours_per_month: Decimal | None = Field(default=None, sa_type=Numeric(4, 1))
    text: str = Field(default="", max_length=MAX_PLEDGE_TEXT)
    # An organisation's public name (not personal data: it is published with its pledge).
    organisation_name: str | None = Field(default=None, max_length=MAX_ORGANISATION_NAME)
    organisation_kind: str | None = Field(default=None, max_length=MAX_ORGANISATION_KIND)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Staff follow pledges up under this id, never the counting `id` (the order of arrival).
    follow_up_id: str = Field(
        default_factory=new_follow_up_id,
        sa_column=Column(String(36), nullable=False, unique=True, default=new_follow_up_id),
    )
    follow_up_status: FollowUpStatus = Field(
        default=FollowUpStatus.NEW,
        sa_type=enum_type(FollowUpStatus, "follow_up_status"),
        sa_column_kwargs={"server_default": FollowUpStatus.NEW.value},
    )
    agenda_item_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("agenda_items.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )


class ContactOffer(SQLModel, table=True):
    """A pledge whose maker may be contacted about it: the pledge as the coordinator follows it up.

    Deliberately unlinked: no participant, session, ballot or pledge column; a random id (not
    one next to the pledge's); the day of consent, not the moment (which would match the
    pledge's `created_at`). On SQLite the table has no rowid, so even the file's order is the
    random id's, not the order of arrival. `contact` is emptied by `welvaartgesprek purge`
    after the retention period; the offer itself stays.
    """

    __tablename__ = "contact_offers"
    __table_args__ = (
        ForeignKeyConstraint(
            ["priority_id", "dialogue_id"],
            ["priorities.id", "priorities.dialogue_id"],
            ondelete="RESTRICT",
            name="fk_contact_offers_priority_dialogue",
        ),
        CheckConstraint(
            f"hours_per_month IS NULL OR (hours_per_month > 0 AND hours_per_month <= {MAX_HOURS_PER_MONTH})",
            name="hours_per_month",
        ),
        CheckConstraint(f"length(text) <= {MAX_PLEDGE_TEXT}", name="text_length"),
        {"sqlite_with_rowid": False},
    )

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    dialogue_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("dialogues.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    kind: PledgeKind = Field(sa_type=enum_type(PledgeKind, "pledge_kind"))
    priority_id: int | None = Field(default=None)
    hours_per_month: Decimal | None = Field(default=None, sa_type=Numeric(4, 1))
    text: str = Field(default="", max_length=MAX_PLEDGE_TEXT)
    contact: str | None = Field(default=None, max_length=200)
    consented_on: date
    follow_up_status: FollowUpStatus = Field(
        default=FollowUpStatus.NEW,
        sa_type=enum_type(FollowUpStatus, "follow_up_status"),
        sa_column_kwargs={"server_default": FollowUpStatus.NEW.value},
    )


class ContactOfferCount(SQLModel, table=True):
    """How many contact offers one participant made, under a key the database cannot invert.

    `key` is HMAC-SHA-256(app secret, participant id): the app finds the count of the person
    it serves; whoever holds only the database finds counts of nobody in particular.
    """

    __tablename__ = "contact_offer_counts"
    __table_args__ = (
        CheckConstraint(f"offers >= 1 AND offers <= {MAX_PLEDGES_PER_PARTICIPANT}", name="offers"),
    )

    key: str = Field(sa_column=Column(String(64), primary_key=True))
    dialogue_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("dialogues.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    offers: int
