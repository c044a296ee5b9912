"""Ballots over the API: a participant's ranking of the dialogue's priorities, one per participant."""

from datetime import datetime
from typing import Annotated

from pydantic import Field as PydanticField
from pydantic import field_validator

from api.core.problems import InvalidValue
from api.core.schemas import NEIGHBOURHOOD_CODE_PATTERN, ApiInput, ApiOutput
from api.dialogues.models import MAX_PRIORITIES
from api.pledges.schemas import PledgeCreate, PledgePublic
from api.sessions.ballot_box import LIFE_SATISFACTION_MAX, AgeBand
from api.sessions.models import ParticipantType

MAX_ID = 2**31 - 1  # ids are 32-bit integers on both databases


class BallotPut(ApiInput):
    """A ranking (best first, top-k is enough) with optional home neighbourhood and age band."""

    ranking: list[Annotated[int, PydanticField(ge=1, le=MAX_ID)]] = PydanticField(
        min_length=1,
        max_length=MAX_PRIORITIES,
        description="Priority ids, best first. Ranking only the top few is fine.",
        examples=[[3, 1, 7]],
    )
    neighbourhood_code: str | None = PydanticField(
        default=None, pattern=NEIGHBOURHOOD_CODE_PATTERN, examples=["BU08550101"]
    )
    age_band: AgeBand | None = None
    participant_type: ParticipantType | None = PydanticField(
        default=None,
        description="How you take part: resident, business (entrepreneur or business), "
        "organisation (association, school, care, housing corporation …) or youth.",
    )
    life_satisfaction: int | None = PydanticField(
        default=None,
        description='Answer to "Hoe tevreden bent u, alles bij elkaar genomen, met het leven '
        'dat u nu leidt?" (0 = very dissatisfied … 10 = very satisfied); leave out to skip.',
    )

    @field_validator("life_satisfaction")
    @classmethod
    def _zero_to_ten(cls, value: int | None) -> int | None:
        if value is not None and not 0 <= value <= LIFE_SATISFACTION_MAX:
            raise InvalidValue(
                "life satisfaction is a whole number from 0 to 10, or left out",
                nl="tevredenheid met het leven is een heel getal van 0 tot en met 10, of leeg",
            )
        return value

    @field_validator("ranking")
    @classmethod
    def _distinct(cls, ranking: list[int]) -> list[int]:
        if len(set(ranking)) != len(ranking):
            raise InvalidValue(
                "each priority may appear only once in the ranking",
                nl="elke prioriteit mag maar één keer in de volgorde staan",
            )
        return ranking


class AssistedBallotCreate(BallotPut):
    """A paper ballot typed in by a facilitator at the venue, with the pledge if it has one."""

    pledge: PledgeCreate | None = PydanticField(
        default=None,
        description="The pledge box of the paper ballot, as a resident's pledge: with "
        "`contact` (and `contactConsent: true`) it is kept as a contact offer, apart from "
        "the ballot.",
    )


class BallotPublic(ApiOutput):
    """The ballot as it is now stored."""

    session_id: int
    ranking: list[int]
    neighbourhood_code: str | None
    age_band: AgeBand | None
    participant_type: ParticipantType | None = None
    life_satisfaction: int | None = None
    assisted: bool
    revision: int
    updated_at: datetime


class AssistedBallotPublic(BallotPublic):
    """A paper ballot as stored; `id` is what voiding it takes."""

    id: int
    pledge: PledgePublic | None = None


class AssistedBallotEntry(ApiOutput):
    """A paper ballot in the list of those you typed in this session."""

    id: int
    entered_at: datetime
    ranking: list[int]
    neighbourhood_code: str | None
    age_band: AgeBand | None
    voided: bool
    voided_at: datetime | None
