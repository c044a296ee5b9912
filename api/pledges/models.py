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

import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import Field as PydanticField
from pydantic import field_validator, model_validator
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
from api.core.problems import InvalidValue
from api.core.schemas import ApiInput, ApiOutput
from api.sessions.models import ParticipantType

# Control characters (tab and line breaks excepted) and lone UTF-16 surrogates: PostgreSQL
# cannot store NUL and neither database can encode a lone surrogate, so they are a 400.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

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


class PledgeCreate(ApiInput):
    """A pledge; `contact` is only accepted together with `contactConsent: true`."""

    kind: PledgeKind
    priority_id: int | None = PydanticField(default=None, ge=1, le=2**31 - 1)
    hours_per_month: Decimal | None = PydanticField(
        default=None, gt=0, le=MAX_HOURS_PER_MONTH, max_digits=4, decimal_places=1
    )
    text: str = PydanticField(default="", max_length=MAX_PLEDGE_TEXT)
    contact: str | None = PydanticField(default=None, min_length=3, max_length=200)
    contact_consent: bool = False
    participant_type: ParticipantType | None = PydanticField(
        default=None,
        description="How the pledger takes part (as on the ballot); when left out, the ballot's.",
        examples=["organisation"],
    )
    organisation_name: str | None = PydanticField(
        default=None,
        min_length=1,
        max_length=MAX_ORGANISATION_NAME,
        description="The organisation or business pledging: a public name, published with "
        "the pledge (not personal data). Only for participantType organisation or business.",
    )
    organisation_kind: str | None = PydanticField(
        default=None,
        min_length=1,
        max_length=MAX_ORGANISATION_KIND,
        description="What kind of organisation, in a few words (school, sports club, shop …).",
    )

    @field_validator("text", "contact", "organisation_name", "organisation_kind")
    @classmethod
    def _storable(cls, value: str | None) -> str | None:
        if value is not None and _UNSTORABLE.search(value):
            raise InvalidValue(
                "remove the control or invalid characters from this text",
                nl="haal de stuurtekens of ongeldige tekens uit deze tekst",
            )
        return value

    @model_validator(mode="after")
    def _contact_needs_consent(self) -> "PledgeCreate":
        if self.contact and not self.contact_consent:
            raise InvalidValue(
                "contact details are only kept with consent: set contactConsent to true "
                "or leave contact out",
                nl="contactgegevens bewaren we alleen met toestemming: zet contactConsent op "
                "true of laat contact weg",
            )
        return self

    @model_validator(mode="after")
    def _organisation_needs_type(self) -> "PledgeCreate":
        named = self.organisation_name is not None or self.organisation_kind is not None
        if named and self.participant_type not in (None, *ORGANISATION_TYPES):
            raise InvalidValue(
                "an organisation name or kind is only for pledges made for an organisation or "
                "business: set participantType to organisation or business, or leave them out",
                nl="een organisatienaam of soort organisatie hoort alleen bij een toezegging "
                "namens een organisatie of bedrijf: zet participantType op organisation of "
                "business, of laat ze weg",
            )
        if self.organisation_name is not None and self.contact:
            # The public name would match the organisation's other pledges, and so its ballot.
            raise InvalidValue(
                "an organisation's pledge is published under its name, so it cannot also keep "
                "contact details: leave contact out (the municipality can find the "
                "organisation by its name) or leave the name out",
                nl="een toezegging van een organisatie wordt onder haar naam gepubliceerd en kan "
                "dus geen contactgegevens bewaren: laat contact weg (de gemeente vindt de "
                "organisatie op haar naam) of laat de naam weg",
            )
        if self.organisation_kind is not None and self.organisation_name is None:
            raise InvalidValue(
                "give the organisation's name with its kind",
                nl="geef de naam van de organisatie bij de soort",
            )
        return self


class PledgePublic(ApiOutput):
    """A stored pledge. The contact details are never sent back. With contact details kept,
    the pledge is kept with them, apart from you: `id` and `text` are then null (this answer is
    stored with the request's Idempotency-Key, under you)."""

    id: int | None
    session_id: int
    kind: PledgeKind
    priority_id: int | None
    hours_per_month: float | None
    text: str | None
    organisation_name: str | None = None
    organisation_kind: str | None = None
    contact_kept: bool
    created_at: datetime


class ContactOfferPublic(ApiOutput):
    """What a coordinator sees of an offer: the pledge and how to reach its maker.

    `contact` is null once the retention period has passed (`welvaartgesprek purge`)."""

    id: str
    kind: PledgeKind
    priority_id: int | None
    hours_per_month: float | None
    text: str
    contact: str | None
    consented_on: date


class PledgeFollowUp(ApiOutput):
    """A released pledge as a coordinator follows it up; `contact` only where its maker
    consented to be contacted (null once purged after the retention period)."""

    id: str = PydanticField(description="A random id: it says nothing about arrival order.")
    kind: PledgeKind
    priority_id: int | None
    hours_per_month: float | None
    text: str
    status: FollowUpStatus
    contact: str | None
    agenda_item_id: int | None = PydanticField(
        default=None, description="The agenda item the pledge contributes to, if linked."
    )


class PledgeFollowUpUpdate(ApiInput):
    """Where the follow-up of a pledge stands now, and the agenda item it contributes to."""

    status: FollowUpStatus | None = None
    agenda_item_id: int | None = PydanticField(
        default=None,
        ge=1,
        le=2**31 - 1,
        description="An agenda item of the pledge's dialogue; null unlinks the pledge.",
    )

    @model_validator(mode="after")
    def _something_to_change(self) -> "PledgeFollowUpUpdate":
        if "status" in self.model_fields_set and self.status is None:
            raise InvalidValue(
                "status may not be null; leave it out to keep it as it is",
                nl="status mag niet null zijn; laat het weg om het te houden zoals het is",
            )
        if not self.model_fields_set:
            raise InvalidValue(
                "give status, agendaItemId or both",
                nl="geef status, agendaItemId of allebei",
            )
        return self
