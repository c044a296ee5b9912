"""Request and response bodies of sessions, check-in and the projector."""

from datetime import date, datetime

from pydantic import Field as PydanticField
from pydantic import model_validator

from api.core.problems import InvalidValue
from api.core.schemas import ApiInput, ApiOutput, Id, Moment
from api.core.translations import Language
from api.dialogues.schemas import ResidentPriority
from api.sessions.models import (
    CheckInMode,
    SessionStatus,
)
from api.venues.models import VenueKind


class SessionCreate(ApiInput):
    """A new session of a dialogue at a venue."""

    venue_id: Id
    title: str | None = PydanticField(default=None, max_length=160)
    starts_at: Moment
    ends_at: Moment
    check_in_mode: CheckInMode = CheckInMode.POSTER
    show_results: bool = PydanticField(
        default=True, description="Show residents the session's results once enough took part."
    )
    facilitator_ids: list[Id] = PydanticField(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _ends_after_start(self) -> "SessionCreate":
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise InvalidValue(
                "startsAt and endsAt need a time zone, e.g. 2027-03-01T19:00:00+01:00",
                nl="startsAt en endsAt hebben een tijdzone nodig, bijvoorbeeld "
                "2027-03-01T19:00:00+01:00",
            )
        if self.ends_at <= self.starts_at:
            raise InvalidValue("endsAt must be after startsAt", nl="endsAt moet na startsAt liggen")
        return self


class SessionUpdate(ApiInput):
    """Changes to a session; `status` moves `planned` → `open` → `closed`."""

    status: SessionStatus | None = None
    title: str | None = PydanticField(default=None, max_length=160)
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    check_in_mode: CheckInMode | None = None
    show_results: bool | None = None
    facilitator_ids: list[Id] | None = PydanticField(default=None, max_length=20)

    @model_validator(mode="after")
    def _aware(self) -> "SessionUpdate":
        for moment in (self.starts_at, self.ends_at):
            if moment is not None and moment.tzinfo is None:
                raise InvalidValue(
                    "times need a time zone, e.g. 2027-03-01T19:00:00+01:00",
                    nl="tijden hebben een tijdzone nodig, bijvoorbeeld 2027-03-01T19:00:00+01:00",
                )
        return self


class VenueSummary(ApiOutput):
    """The venue of a session, as residents see it."""

    id: int
    name: str
    kind: VenueKind
    address: str | None


class ResidentVenue(VenueSummary):
    """The venue of a session, its name in the resident's language where it has one."""

    language: Language = PydanticField(
        description="The language of `name`: the one asked for, or `nl` where it has none."
    )


class SessionPublic(ApiOutput):
    """A session as staff see it."""

    id: int
    dialogue_id: int
    municipality: str
    venue: VenueSummary
    title: str | None
    starts_at: datetime
    ends_at: datetime
    status: SessionStatus
    check_in_mode: CheckInMode
    presence_verified: bool = PydanticField(
        description="Whether every counted ballot came from someone shown to be present: a "
        "rotating code from the screen or a paper ballot, never the poster's code. False while "
        "a session can still take poster check-ins."
    )
    join_code: str
    check_in_url: str
    show_results: bool
    facilitator_ids: list[int]
    opened_at: datetime | None
    closed_at: datetime | None
    checked_in_without_ballot: int | None = PydanticField(
        description="While the session is open: residents checked in who have sent no ballot "
        "yet (their answers are refused once it closes); null otherwise. It counts people, not "
        "what anyone chose: the room's live check-ins minus ballots received."
    )


class ResidentSession(ApiOutput):
    """A session as a resident sees it after checking in."""

    id: int
    dialogue_id: int
    dialogue_title: str
    dialogue_description: str
    dialogue_language: Language = PydanticField(
        description="The language of `dialogueTitle` and `dialogueDescription`: the one asked "
        "for (Accept-Language), or `nl` where the dialogue has no translation into it."
    )
    dialogue_ends_on: date = PydanticField(
        description="The dialogue's last day: the final results come after it."
    )
    municipality: str
    municipality_name: str
    brand_colour: str
    min_group_size: int
    venue: ResidentVenue
    title: str | None
    starts_at: datetime
    ends_at: datetime
    status: SessionStatus
    show_results: bool
    contact_retention_days: int = PydanticField(
        description="Days after the dialogue ends that contact details given with a pledge are kept."
    )


class ProjectorLink(ApiOutput):
    """A token for one session's projector window: it reads that screen and nothing else."""

    token: str = PydanticField(
        description="Send as `Authorization: Bearer` to this session's projector, rotating-code, "
        "qr and live endpoints. It ends when it expires or the facilitator's sign-in is revoked."
    )
    expires_at: datetime


class ProjectorView(ApiOutput):
    """What the projector shows of a session: no staff member, no one's details."""

    id: int
    dialogue_id: int
    dialogue_title: str
    municipality_name: str
    brand_colour: str
    min_group_size: int
    venue_name: str
    title: str | None
    status: SessionStatus
    check_in_mode: CheckInMode
    join_code: str | None = PydanticField(
        description="The poster's code; empty for a rotating session (read its rotating code)."
    )
    check_in_url: str | None = PydanticField(description="Empty for a rotating session.")
    join_page_url: str = PydanticField(description="Where people type the code by hand.")
    show_results: bool


class CheckInCreate(ApiInput):
    """A resident checking in with the code from the poster or projector."""

    join_code: str = PydanticField(min_length=4, max_length=16, examples=["WVSTAD"])


class ResidentView(ApiOutput):
    """The session and its priorities as a resident reads them, in their language."""

    session: ResidentSession
    priorities: list[ResidentPriority]


class CheckInPublic(ResidentView):
    """A check-in: the participant's token and everything the resident app needs."""

    participant_token: str
    expires_at: datetime


class RotatingCode(ApiOutput):
    """The code a rotating session's projector shows now."""

    join_code: str
    check_in_url: str
    valid_until: datetime
    rotates_every_seconds: int
