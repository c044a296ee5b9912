"""Request and response bodies of ballot integrity: set-asides and check-in signals."""

from datetime import datetime
from enum import StrEnum

from pydantic import Field as PydanticField
from pydantic import model_validator

from api.core.problems import InvalidValue
from api.core.schemas import ApiInput, ApiOutput
from api.integrity.models import NETWORK_PATTERN
from api.sessions.models import CheckInMode, SessionStatus


class SetAsideCreate(ApiInput):
    """Set aside the ballots of residents who checked in within a time window."""

    checked_in_from: datetime = PydanticField(examples=["2027-03-01T19:12:00+01:00"])
    checked_in_until: datetime = PydanticField(examples=["2027-03-01T19:14:00+01:00"])
    network: str | None = PydanticField(
        default=None,
        pattern=NETWORK_PATTERN,
        description="Only check-ins from this network (a `network` from the signals).",
    )
    reason: str | None = PydanticField(default=None, max_length=500)

    @model_validator(mode="after")
    def _window(self) -> "SetAsideCreate":
        for moment in (self.checked_in_from, self.checked_in_until):
            if moment.tzinfo is None:
                raise InvalidValue(
                    "times need a time zone, e.g. 2027-03-01T19:12:00+01:00",
                    nl="tijden hebben een tijdzone nodig, bijvoorbeeld 2027-03-01T19:12:00+01:00",
                )
        if self.checked_in_until <= self.checked_in_from:
            raise InvalidValue(
                "checkedInUntil must be after checkedInFrom",
                nl="checkedInUntil moet na checkedInFrom liggen",
            )
        return self


class SetAsidePublic(ApiOutput):
    """Ballots set aside: how many, whose check-ins, by whom; restored ones are not listed."""

    id: int
    session_id: int
    checked_in_from: datetime
    checked_in_until: datetime
    network: str | None
    reason: str | None
    ballots: int
    created_by_id: int | None
    created_at: datetime


class NetworkShare(StrEnum):
    """The share of a session's counted ballots that came from its single largest network."""

    UNDER_25 = "under25"
    FROM_25 = "25to50"
    FROM_50 = "50to75"
    FROM_75 = "75orMore"


class CheckInMinute(ApiOutput):
    """One minute of check-ins by QR code or typed code (paper ballots are not check-ins)."""

    minute: datetime
    check_ins: int
    from_largest_network: int = PydanticField(
        description="Check-ins of this minute from its busiest network."
    )
    largest_network: str | None = PydanticField(
        description="That network, as a hash only comparable within this session."
    )
    refused: int = PydanticField(
        description="Check-ins refused because their network went over its own limit "
        "(counted by this app instance)."
    )
    burst: bool


class SessionIntegrity(ApiOutput):
    """Signals of ballot stuffing in one session."""

    session_id: int
    label: str = PydanticField(description="The session's title, or else its venue's name.")
    starts_at: datetime
    status: SessionStatus
    check_in_mode: CheckInMode
    presence_verified: bool
    check_ins: int = PydanticField(description="Check-ins by code (not paper ballots).")
    ballots: int = PydanticField(description="Ballots in the results (not set aside).")
    set_aside_ballots: int
    normal_per_minute: float = PydanticField(
        description="The median minute's check-ins since the session opened."
    )
    minutes: list[CheckInMinute] = PydanticField(
        description="Recent minutes (up to the last 3 hours of the session), oldest first."
    )
    bursts: list[CheckInMinute] = PydanticField(
        description="Minutes far above the normal rate, over the whole session."
    )
    refused_check_ins: int
    largest_network_share: NetworkShare | None = PydanticField(
        description="The largest network's share of the ballots, in quarters; null while "
        "that network or the rest has 1 to minGroupSize − 1 ballots."
    )
    largest_network: str | None
    min_group_size: int
    flags: list[str] = PydanticField(
        description="`burst`, `refusedCheckIns`, `oneNetworkHasMost` (half the ballots or "
        "more from one network), `presenceNotVerified`."
    )
