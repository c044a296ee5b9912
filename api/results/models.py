"""Results: kept-up-to-date tallies per published group, and the API's result documents."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from pydantic import Field as PydanticField
from sqlalchemy import JSON, Column, ForeignKey, Integer, LargeBinary, Numeric, String
from sqlmodel import Field, SQLModel

from api.core.db import UTCDateTime, utcnow
from api.core.schemas import ApiOutput

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


class PriorityResult(ApiOutput):
    """One priority's figures in a group (fractions 0…1, unrounded)."""

    id: int
    score: float = PydanticField(description="Mean Borda points / (m − 1).")
    score_low: float = PydanticField(description="95% interval, lower bound.")
    score_high: float = PydanticField(description="95% interval, upper bound.")
    first_choice_share: float
    top_three_share: float
    mean_rank: float
    schulze_rank: int


class LifeSatisfaction(ApiOutput):
    """The answers to "Hoe tevreden bent u, alles bij elkaar genomen, met het leven dat u nu
    leidt?" (0–10) in a group: published from the dialogue's last release, over at least
    minGroupSize answers."""

    answered: int = PydanticField(description="How many in the group answered (0–10).")
    mean: float
    mean_low: float = PydanticField(
        description="95% interval of the mean, lower bound: normal approximation, "
        "mean − 1.96 · s / √answered (s: the sample standard deviation)."
    )
    mean_high: float = PydanticField(description="95% interval of the mean, upper bound.")
    shares: dict[str, float] = PydanticField(
        description="Share of the answers scoring 0-5, 6, 7-8 and 9-10 (CBS's bands), 0…1."
    )


class SuppressedReason(StrEnum):
    """Why a group shows no figures."""

    TOO_FEW = "tooFew"
    PROTECTS_ANOTHER = "protectsAnother"


class GroupResult(ApiOutput):
    """A group's results; a suppressed group shows only that it is suppressed, and why."""

    key: str = PydanticField(
        description="CBS code (BU… buurt, WK… wijk roll-up), venue kind, age band, session id, "
        "`dialogue` for the whole dialogue, or `unknown` where residents did not say."
    )
    label: str
    kind: str = PydanticField(
        description="buurt, wijk, venueKind, ageBand, session, participantType, dialogue, unknown"
    )
    parent: str | None = PydanticField(default=None, description="The wijk of a buurt.")
    ballots: int | None = PydanticField(description="Empty when suppressed.")
    suppressed: bool
    suppressed_reason: SuppressedReason | None = PydanticField(
        default=None,
        description="tooFew: fewer than minGroupSize ballots (none included: empty and small "
        "groups look the same); protectsAnother: hidden so that a small group elsewhere can't "
        "be worked out by subtraction.",
    )
    priorities: list[PriorityResult] | None = None
    presence_verified: bool | None = PydanticField(
        default=None,
        description="For a session: whether every counted ballot came from a rotating code "
        "or a paper ballot (presence checked), not from the poster's code.",
    )
    life_satisfaction: LifeSatisfaction | None = PydanticField(
        default=None,
        description="Life satisfaction of those in the group who answered; null while the "
        "dialogue runs (published from its last release), and when too few answered.",
    )


class PriorityLabel(ApiOutput):
    """A priority of the dialogue, for reading the figures."""

    id: int
    title: str
    theme_key: str
    sdgs: list[int] = PydanticField(
        description="The UN Sustainable Development Goals (1–17) of the priority's theme."
    )


class Results(ApiOutput):
    """A dialogue's (or session's) results, broken down into groups."""

    dialogue_id: int
    group_by: GroupBy
    venue_kind: str | None = None
    age_band: str | None = None
    min_group_size: int
    total_ballots: int | None = PydanticField(description="Empty when the total is too small.")
    unshown_ballots: int | None = PydanticField(
        default=None,
        description="Ballots of the total that are in no shown group of this breakdown "
        "(0 or at least minGroupSize); empty when the total is hidden.",
    )
    version: int = PydanticField(description="The release: it changes whenever figures do.")
    refreshed_at: datetime
    priorities: list[PriorityLabel]
    groups: list[GroupResult]


class TrendPoint(ApiOutput):
    """A priority's score in one dialogue."""

    dialogue_id: int
    dialogue_title: str
    starts_on: date
    ballots: int | None
    suppressed: bool
    score: float | None
    score_low: float | None
    score_high: float | None


class Trend(ApiOutput):
    """The same priority (by title) across a municipality's dialogues, oldest first."""

    title: str
    theme_key: str
    points: list[TrendPoint]


class PledgeTotals(ApiOutput):
    """Pledge counts and hours per month."""

    pledges: int
    hours_per_month: float


class PledgeGroup(ApiOutput):
    """A group's pledge totals; suppressed below the minimum group size of pledgers."""

    key: str
    label: str
    kind: str
    parent: str | None = PydanticField(default=None, description="The wijk of a buurt.")
    suppressed: bool
    suppressed_reason: SuppressedReason | None = None
    pledgers: int | None = None
    totals: PledgeTotals | None = None
    by_kind: dict[str, PledgeTotals] | None = None
    by_priority: dict[str, PledgeTotals] | None = None


class PledgeSummary(ApiOutput):
    """Pledge totals per group; never any text or contact details."""

    dialogue_id: int
    group_by: GroupBy
    min_group_size: int
    groups: list[PledgeGroup]


class PublicRanking(ApiOutput):
    """One priority's place in the dialogue's released overall ranking."""

    id: int
    schulze_rank: int = PydanticField(description="1 = preferred head-to-head over the others.")
    score: float = PydanticField(description="Mean Borda points / (m − 1), 0…1.")
    mean_rank: float = PydanticField(description="The average place residents gave it.")


class DialogueResultsPage(ApiOutput):
    """What the results give the public page of a dialogue (the agenda adds the rest)."""

    id: int
    title: str
    question: str
    starts_on: date
    ends_on: date
    municipality: str
    municipality_name: str
    brand_colour: str
    min_group_size: int
    final: bool = PydanticField(description="Whether the dialogue ended and its results are final.")
    ballots: int | None = PydanticField(
        description="Ballots in the released results; empty while fewer than minGroupSize."
    )
    version: int = PydanticField(description="The release: it changes whenever figures do.")
    refreshed_at: datetime | None
    priorities: list[PriorityLabel] = PydanticField(description="In the dialogue's own order.")
    ranking: list[PublicRanking] | None = PydanticField(
        description="The released overall ranking, head-to-head (Schulze) winner first; empty "
        "until the release holds minGroupSize ballots."
    )
