"""Results: kept-up-to-date tallies per published group, and the releases they are read from."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from sqlalchemy import JSON, Column, ForeignKey, Integer, LargeBinary, Numeric, String
from sqlmodel import Field, SQLModel

from api.core.db import UTCDateTime, utcnow

ALL = "*"
NOT_GIVEN = "?"


class GroupBy(StrEnum):
    """How a dialogue's results are broken down."""

    NEIGHBOURHOOD = "neighbourhood"
    VENUE_KIND = "venueKind"
    AGE_BAND = "ageBand"
    SESSION = "session"
    PARTICIPANT_TYPE = "participantType"
    DIALOGUE = "dialogue"
    MUNICIPALITY = "municipality"


class ResultState(SQLModel, table=True):
    """How far a dialogue's tallies are; `version` changes whenever the numbers do."""

    __tablename__ = "result_states"

    dialogue_id: int = Field(
        sa_column=Column(Integer, ForeignKey("dialogues.id", ondelete="CASCADE"), primary_key=True)
    )
    priority_count: int
    min_group_size: int | None = Field(
        default=None, description="The minimum the stored suppression was decided with."
    )
    version: int = Field(default=0)
    ballots: int = Field(default=0)
    refreshed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    final_at: datetime | None = Field(
        default=None,
        sa_type=UTCDateTime,
        description="When the last release was published, after the dialogue ended: from "
        "then on the release no longer changes and crossed breakdowns are shown.",
    )


class GroupTally(SQLModel, table=True):
    """The tally of one published cell: neighbourhood × venue kind or session × age band.

    Each coordinate is `*` for "all", `?` for "not given", or a value: a CBS code, a venue
    kind or `s<session id>`, an age band.
    """

    __tablename__ = "group_tallies"

    dialogue_id: int = Field(
        sa_column=Column(Integer, ForeignKey("dialogues.id", ondelete="CASCADE"), primary_key=True)
    )
    neighbourhood: str = Field(sa_column=Column(String(10), primary_key=True))
    venue: str = Field(sa_column=Column(String(20), primary_key=True))
    age_band: str = Field(sa_column=Column(String(8), primary_key=True))
    ballots: int
    suppressed: bool
    tally: bytes = Field(sa_type=LargeBinary)


class ReleasedBallot(SQLModel, table=True):
    """A ballot as it is counted in its dialogue's published release.

    The release is this set of ballot versions: every published figure is an exact tally
    over it, and it only changes by the rule in `api/results/releases.py`. A recount
    recounts these rows, never the ballots as they are now.
    """

    __tablename__ = "released_ballots"

    ballot_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    dialogue_id: int = Field(index=True)
    session_id: int
    neighbourhood_id: int | None = None
    age_band: str | None = Field(default=None, max_length=8)
    participant_type: str | None = Field(default=None, max_length=12)
    life_satisfaction: int | None = None
    ranked_count: int
    ranking: str = Field(max_length=400)


class ReleasedPledge(SQLModel, table=True):
    """A pledge as the published pledge totals count it, with where its pledger stood then.

    Pledges reach the totals by the same release rule as ballots, pledger by pledger. No
    text and no contact details: only what the totals add up.
    """

    __tablename__ = "released_pledges"

    pledge_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    dialogue_id: int = Field(index=True)
    participant_id: str = Field(max_length=36, index=True)
    session_id: int
    neighbourhood_id: int | None = None
    age_band: str | None = Field(default=None, max_length=8)
    participant_type: str | None = Field(default=None, max_length=12)
    kind: str = Field(max_length=12)
    priority_id: int | None = None
    hours_per_month: Decimal | None = Field(default=None, sa_type=Numeric(4, 1))


class ReleaseSnapshot(SQLModel, table=True):
    """An earlier readable release as the release rule compares new ones with it: its hidden
    cells and their counts (`[neighbourhood, venue, age band, count]`), for ballots or
    pledgers (`figures`). Counts of groups only: no ballot, pledge or participant."""

    __tablename__ = "release_snapshots"

    id: int | None = Field(default=None, primary_key=True)
    dialogue_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("dialogues.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    figures: str = Field(max_length=8)
    cells: list[list[str | int]] = Field(sa_column=Column(JSON, nullable=False))


class CountedPledge(Protocol):
    """A released pledge as the pledge totals read it: a stored row or the table model."""

    pledge_id: int
    participant_id: str
    session_id: int
    neighbourhood_id: int | None
    age_band: str | None
    participant_type: str | None
    kind: str
    priority_id: int | None
    hours_per_month: Decimal | None


class ReleasedOffer(SQLModel, table=True):
    """A contact offer as the dialogue's pledge totals count it: no text, no contact."""

    __tablename__ = "released_offers"

    offer_id: str = Field(primary_key=True, max_length=36)
    dialogue_id: int = Field(index=True)
    kind: str = Field(max_length=12)
    priority_id: int | None = None
    hours_per_month: Decimal | None = Field(default=None, sa_type=Numeric(4, 1))
