"""Request and response bodies of pledges, contact offers and their follow-up."""

import re
from datetime import date, datetime
from decimal import Decimal

from pydantic import Field as PydanticField
from pydantic import field_validator, model_validator

from api.core.problems import InvalidValue
from api.core.schemas import ApiInput, ApiOutput
from api.pledges.models import (
    MAX_HOURS_PER_MONTH,
    MAX_ORGANISATION_KIND,
    MAX_ORGANISATION_NAME,
    MAX_PLEDGE_TEXT,
    ORGANISATION_TYPES,
    FollowUpStatus,
    PledgeKind,
)
from api.sessions.models import ParticipantType

# Control characters (tab and line breaks excepted) and lone UTF-16 surrogates: PostgreSQL
# cannot store NUL and neither database can encode a lone surrogate, so they are a 400.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


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
