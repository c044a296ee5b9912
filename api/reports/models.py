"""The participation report as plain data: what each section says, before any rendering."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from api.results.schemas import SuppressedReason


class ReportLanguage(StrEnum):
    """The languages the report is written in."""

    NL = "nl"
    EN = "en"


class ReportFormat(StrEnum):
    """The forms the report can be had in."""

    HTML = "html"
    PDF = "pdf"


SECTION_IDS = ("who", "what", "when-where", "how-many", "results", "response", "method")
"""The report's sections in order; each is an element with this id in the HTML."""


@dataclass(frozen=True)
class Count:
    """A figure as the release shows it: a number, or why it is hidden."""

    value: int | None
    hidden: SuppressedReason | None = None


@dataclass(frozen=True)
class GroupRow:
    """One group of a breakdown of the participants."""

    key: str
    label: str
    kind: str
    ballots: Count


@dataclass(frozen=True)
class PopulationRow:
    """One buurt, wijk or age band: participants beside the CBS population."""

    key: str
    label: str
    kind: str
    participants: Count
    population: int | None
    response_rate: float | None
    share_difference: float | None


@dataclass(frozen=True)
class Who:
    """Who took part: in all, and by kind of venue, buurt and age band."""

    total: Count
    by_venue_kind: list[GroupRow]
    by_neighbourhood: list[GroupRow]
    by_age_band: list[GroupRow]
    population_year: int | None
    population: list[PopulationRow]


@dataclass(frozen=True)
class AskedPriority:
    """A priority residents were asked to rank."""

    id: int
    title: str
    description: str
    theme: str
    language: str = "nl"
    """The language of `title` and `description` (Dutch where not translated)."""


@dataclass(frozen=True)
class What:
    """The question and the priorities asked."""

    question: str
    priorities: list[AskedPriority]


@dataclass(frozen=True)
class SessionHeld:
    """A session of the dialogue: when (Amsterdam time), where, and its released ballots."""

    starts_at: datetime
    ends_at: datetime
    title: str | None
    venue: str
    venue_kind: str
    ballots: Count


@dataclass(frozen=True)
class HowMany:
    """Ballots, sessions, venues and pledges."""

    ballots: Count
    sessions: int
    venues: int
    pledgers: Count
    pledges: int | None
    hours_per_month: float | None


@dataclass(frozen=True)
class RankedPriority:
    """A priority's released overall figures, and its weighted estimates where there are any."""

    id: int
    title: str
    rank: int
    score: float
    score_low: float
    score_high: float
    first_choice_share: float
    top_three_share: float
    weighted_by_buurt: float | None
    weighted_by_age_band: float | None
    language: str = "nl"


@dataclass(frozen=True)
class ResultsSection:
    """The overall ranking; empty while the release holds fewer than minGroupSize ballots."""

    priorities: list[RankedPriority]
    weighted: bool


@dataclass(frozen=True)
class PriorityResponse:
    """The municipality's answer to one priority, and the agenda items that follow from it."""

    priority: str
    decision: str
    reason: str
    agenda_items: list[str]
    priority_language: str = "nl"
    reason_language: str = "nl"


@dataclass(frozen=True)
class AgendaEntry:
    """An agenda item: the municipality's effort and what others contribute to it."""

    title: str
    goal: str
    owner: str
    horizon: str
    status: str
    starts_on: date | None
    ends_on: date | None
    partners: list[str]
    organisations: list[str]
    resident_pledges: int | None
    language: str = "nl"
    """The language of `title` and `goal`."""


@dataclass(frozen=True)
class ResponseSection:
    """What was done with the results and why: the report-back and the agenda."""

    published_at: datetime | None
    responses: list[PriorityResponse]
    agenda: list[AgendaEntry]


@dataclass(frozen=True)
class Method:
    """How to read the figures: the release, suppression and weighting."""

    min_group_size: int
    version: int
    refreshed_at: datetime
    final: bool
    population_year: int | None
    weighted_buurt_covered: float | None
    weighted_age_band_covered: float | None


@dataclass(frozen=True)
class ParticipationReport:
    """A dialogue's participatieverslag in one language."""

    dialogue_id: int
    language: ReportLanguage
    municipality: str
    title: str
    title_language: str
    """The language of the dialogue's title and question (Dutch where not translated)."""
    starts_on: date
    ends_on: date
    generated_on: date
    draft: bool
    who: Who
    what: What
    sessions: list[SessionHeld]
    how_many: HowMany
    results: ResultsSection
    response: ResponseSection
    method: Method
