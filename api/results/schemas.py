"""The API's result documents: rankings per group, trends, pledge summaries and the public page."""

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field as PydanticField

from api.core.schemas import ApiOutput
from api.results.models import (
    GroupBy,
)


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
