"""Ballots: a participant's ranking of the dialogue's priorities, one per participant."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field as PydanticField
from pydantic import field_validator
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from api.core.db import UTCDateTime, enum_type, utcnow
from api.core.problems import InvalidValue
from api.core.schemas import NEIGHBOURHOOD_CODE_PATTERN, ApiInput, ApiOutput
from api.dialogues.models import MAX_PRIORITIES
from api.pledges.models import PledgeCreate, PledgePublic
from api.sessions.models import ParticipantType

MAX_ID = 2**31 - 1  # ids are 32-bit integers on both databases


class AgeBand(StrEnum):
    """Age bands residents may choose from."""

    AGE_12_17 = "12-17"
    AGE_18_24 = "18-24"
    AGE_25_44 = "25-44"
    AGE_45_64 = "45-64"
    AGE_65_PLUS = "65+"


LIFE_SATISFACTION_MAX = 10


class Ballot(SQLModel, table=True):
    """A participant's ballot; the unique participant makes it one ballot per participant."""

    __tablename__ = "ballots"
    __table_args__ = (
        ForeignKeyConstraint(
            ["session_id", "dialogue_id"],
            ["sessions.id", "sessions.dialogue_id"],
            ondelete="CASCADE",
            name="fk_ballots_session_dialogue",
        ),
        UniqueConstraint("id", "dialogue_id"),
        CheckConstraint("ranked_count >= 1", name="ranked_count"),
        CheckConstraint(
            f"life_satisfaction IS NULL OR (life_satisfaction >= 0 AND life_satisfaction <= "
            f"{LIFE_SATISFACTION_MAX})",
            name="life_satisfaction",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    participant_id: str = Field(
        sa_column=Column(
            String(36),
            ForeignKey("participants.id", ondelete="CASCADE"),
            unique=True,
            nullable=False,
        )
    )
    session_id: int = Field(index=True)
    dialogue_id: int = Field(index=True)
    neighbourhood_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("neighbourhoods.id", ondelete="RESTRICT")),
    )
    age_band: AgeBand | None = Field(default=None, sa_type=enum_type(AgeBand, "age_band"))
    participant_type: ParticipantType | None = Field(
        default=None, sa_type=enum_type(ParticipantType, "participant_type")
    )
    # The OECD/CBS question "Hoe tevreden bent u, alles bij elkaar genomen, met het leven dat
    # u nu leidt?" (0–10); published only as figures over enough answers (release-rule.md).
    life_satisfaction: int | None = Field(default=None)
    ranked_count: int
    # The ballot items again, as "priority id,priority id,…" best first: a recount reads a
    # million rankings in one scan of this table instead of joining five million items.
    ranking: str = Field(max_length=400)
    revision: int = Field(default=1)
    # Set aside by staff (a suspected flood): kept, but out of every count until restored.
    set_aside_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("set_asides.id"), index=True),
    )
    # A paper ballot voided by the facilitator who typed it in (mistyped): kept, but out of
    # every count until restored, like a set-aside ballot.
    voided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    voided_by_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("staff_users.id", ondelete="SET NULL")),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BallotItem(SQLModel, table=True):
    """One ranked priority of a ballot; the priority must be of the ballot's dialogue."""

    __tablename__ = "ballot_items"
    __table_args__ = (
        UniqueConstraint("ballot_id", "priority_id"),
        ForeignKeyConstraint(
            ["ballot_id", "dialogue_id"],
            ["ballots.id", "ballots.dialogue_id"],
            ondelete="CASCADE",
            name="fk_ballot_items_ballot_dialogue",
        ),
        ForeignKeyConstraint(
            ["priority_id", "dialogue_id"],
            ["priorities.id", "priorities.dialogue_id"],
            ondelete="RESTRICT",
            name="fk_ballot_items_priority_dialogue",
        ),
        CheckConstraint(f"rank >= 1 AND rank <= {MAX_PRIORITIES}", name="rank"),
    )

    ballot_id: int = Field(
        sa_column=Column(Integer, ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True)
    )
    rank: int = Field(primary_key=True)
    priority_id: int
    dialogue_id: int


class PendingBallot(SQLModel, table=True):
    """A ballot whose current version is not yet in its dialogue's published release.

    Marked in the same transaction as the ballot changes; `token` changes with every mark, so
    the release that publishes a version unmarks the ballot only if it was not changed again
    meanwhile. No other content: the version itself is read from the ballot.
    """

    __tablename__ = "pending_ballots"

    ballot_id: int = Field(
        sa_column=Column(Integer, ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True)
    )
    dialogue_id: int = Field(index=True)
    token: int = Field(sa_type=BigInteger)


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
