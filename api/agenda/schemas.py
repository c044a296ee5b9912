"""Request and response bodies of the agenda and the report back."""

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, field_validator

from api.agenda.models import (
    MAX_GOAL,
    MAX_INDICATOR,
    MAX_NAME,
    MAX_PARTNERS,
    MAX_REASON,
    MAX_TITLE,
    AgendaStatus,
    Decision,
    Horizon,
)
from api.core.problems import InvalidValue
from api.core.schemas import (
    ApiInput,
    ApiOutput,
    Day,
    Id,
    check_end_after_start,
    check_translation_languages,
    kept_unless_given,
)
from api.core.translations import Language
from api.dialogues.models import MAX_PRIORITIES
from api.results.schemas import DialogueResultsPage

Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME)]


class AgendaItemText(ApiInput):
    """An agenda item's title and goal in one other language."""

    title: str = Field(min_length=1, max_length=MAX_TITLE)
    goal: str = Field(default="", max_length=MAX_GOAL)


class ReasonText(ApiInput):
    """The reason of a decision in one other language."""

    reason: str = Field(min_length=1, max_length=MAX_REASON)


def _check_distinct(ids: list[int] | None) -> list[int] | None:
    twice = sorted({i for i in ids or [] if ids.count(i) > 1})  # type: ignore[union-attr]  # inside the comprehension ids is not None: it iterates over ids
    if twice:
        raise InvalidValue(
            f"priority {twice[0]} is listed more than once; list each priority once",
            nl=f"prioriteit {twice[0]} staat er meer dan één keer in; noem elke prioriteit één keer",
        )
    return ids


AGENDA_TRANSLATIONS = Field(
    default=None,
    description="The title and goal in other languages (`en`, `ar`); the Dutch is in `title` "
    "and `goal`. Left out in an update: kept as they are; `{}` removes them.",
    examples=[{"en": {"title": "Shade in the schoolyards", "goal": ""}}],
)


class AgendaItemCreate(ApiInput):
    """A new agenda item, answering one or more of the dialogue's priorities."""

    title: str = Field(min_length=1, max_length=MAX_TITLE, examples=["Schaduw op schoolpleinen"])
    goal: str = Field(default="", max_length=MAX_GOAL)
    priority_ids: list[Id] = Field(min_length=1, max_length=MAX_PRIORITIES)
    indicator: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_INDICATOR,
        description="An indicator of the municipality's photo, by its label as "
        "`GET /municipalities/{cbsCode}/wellbeing` lists it.",
    )
    owner: str = Field(default="", max_length=MAX_NAME, description="Who in the municipality.")
    partners: list[Name] = Field(default_factory=list, max_length=MAX_PARTNERS)
    horizon: Horizon
    starts_on: Day | None = None
    ends_on: Day | None = None
    budget_line: str | None = Field(default=None, min_length=1, max_length=MAX_NAME)
    status: AgendaStatus = AgendaStatus.PLANNED
    translations: dict[str, AgendaItemText] | None = AGENDA_TRANSLATIONS

    _end_after_start = field_validator("ends_on")(check_end_after_start)
    _distinct = field_validator("priority_ids")(_check_distinct)
    _languages = field_validator("translations")(check_translation_languages)


class AgendaItemUpdate(ApiInput):
    """Changes to an agenda item: only the fields given; null empties an optional field."""

    title: str | None = Field(default=None, min_length=1, max_length=MAX_TITLE)
    goal: str | None = Field(default=None, max_length=MAX_GOAL)
    priority_ids: list[Id] | None = Field(default=None, min_length=1, max_length=MAX_PRIORITIES)
    indicator: str | None = Field(default=None, min_length=1, max_length=MAX_INDICATOR)
    owner: str | None = Field(default=None, max_length=MAX_NAME)
    partners: list[Name] | None = Field(default=None, max_length=MAX_PARTNERS)
    horizon: Horizon | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None
    budget_line: str | None = Field(default=None, min_length=1, max_length=MAX_NAME)
    status: AgendaStatus | None = None
    translations: dict[str, AgendaItemText] | None = AGENDA_TRANSLATIONS

    _end_after_start = field_validator("ends_on")(check_end_after_start)
    _distinct = field_validator("priority_ids")(_check_distinct)
    _languages = field_validator("translations")(check_translation_languages)

    # Null empties the optional fields (indicator, dates, budget line); these always have one.
    _not_null = field_validator(
        "title", "goal", "priority_ids", "owner", "partners", "horizon", "status", "translations"
    )(kept_unless_given)


class OrganisationContribution(ApiOutput):
    """What an organisation or business pledged towards an agenda item, by its public name."""

    name: str
    kind: str
    description: str


class Contributions(ApiOutput):
    """What others contribute to an agenda item."""

    organisations: list[OrganisationContribution]
    resident_pledges: int | None = Field(
        description="Residents' pledges linked to the item; null while fewer than minGroupSize."
    )
    resident_pledges_at_least: int | None = Field(
        description="The group size the count reached (minGroupSize) when shown; null while "
        "fewer: then say 'fewer than minGroupSize'."
    )


class AgendaItemPublic(ApiOutput):
    """An agenda item as anyone reads it once the report back is published."""

    id: int
    dialogue_id: int
    title: str
    goal: str
    language: Language = Field(description="The language of `title` and `goal`.")
    priority_ids: list[int]
    indicator: str | None
    owner: str
    partners: list[str]
    horizon: Horizon
    starts_on: date | None
    ends_on: date | None
    status: AgendaStatus
    contributions: Contributions


class AgendaItem(AgendaItemPublic):
    """An agenda item as staff read and edit it: the Dutch texts, with their translations."""

    budget_line: str | None = None
    translations: dict[Language, AgendaItemText] = Field(
        default_factory=dict, description="The title and goal in other languages (`en`, `ar`)."
    )
    created_at: datetime | None = None
    updated_at: datetime | None = None


class AgendaList(ApiOutput):
    """A dialogue's agenda."""

    items: list[AgendaItem]


class PublicAgendaList(ApiOutput):
    """A dialogue's agenda as anyone reads it."""

    items: list[AgendaItemPublic]


class ResponseInput(ApiInput):
    """The decision about one priority and why."""

    priority_id: Id
    decision: Decision
    reason: str = Field(min_length=1, max_length=MAX_REASON)
    translations: dict[str, ReasonText] | None = Field(
        default=None,
        description="The reason in other languages (`en`, `ar`); the Dutch is in `reason`.",
    )

    _languages = field_validator("translations")(check_translation_languages)


class ReportBackUpdate(ApiInput):
    """The whole report back: it replaces every earlier response."""

    published: bool
    responses: list[ResponseInput] = Field(max_length=MAX_PRIORITIES)


class ReportBackPriority(ApiOutput):
    """A priority as the report back names it (in the language asked for)."""

    id: int
    title: str
    description: str


class AgendaItemRef(ApiOutput):
    """An agenda item that follows from a decision."""

    id: int
    title: str
    status: AgendaStatus
    horizon: Horizon


class ReportBackItem(ApiOutput):
    """The municipality's response to one priority."""

    priority_id: int
    priority: ReportBackPriority
    decision: Decision
    reason: str = Field(description="In the language asked for, Dutch where not translated.")
    language: Language = Field(description="The language of `reason`.")
    translations: dict[Language, ReasonText]
    agenda_items: list[AgendaItemRef]


class ReportBack(ApiOutput):
    """What the municipality did with the dialogue's priorities ("you said, we did")."""

    dialogue_id: int
    published: bool
    published_at: datetime | None
    responses: list[ReportBackItem] = Field(description="In the order of the priorities.")


class DialoguePage(DialogueResultsPage):
    """A dialogue as anyone may read it: what was asked, when, and its released ranking."""

    report_back: ReportBack | None = Field(
        default=None,
        description="What the municipality did with each priority; null until published.",
    )
    agenda: list[AgendaItemPublic] | None = Field(
        default=None,
        description="The agenda that follows; null until the report back is published.",
    )
