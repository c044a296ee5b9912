"""Request and response bodies of dialogues."""

from datetime import date, datetime

from pydantic import Field as PydanticField
from pydantic import field_validator

from api.core.problems import InvalidValue
from api.core.schemas import (
    MUNICIPALITY_CODE_PATTERN,
    ApiInput,
    ApiOutput,
    Day,
    Id,
    check_end_after_start,
    check_translation_languages,
    kept_unless_given,
)
from api.core.translations import Language
from api.dialogues.models import MAX_PRIORITIES, MIN_PRIORITIES
from api.themes.models import THEME_KEY_PATTERN


class PriorityText(ApiInput):
    """A priority's title and explanation in one other language."""

    title: str = PydanticField(min_length=1, max_length=120, examples=["More green and shade"])
    description: str = PydanticField(default="", max_length=500)


class DialogueText(ApiInput):
    """A dialogue's title and question in one other language."""

    title: str = PydanticField(min_length=1, max_length=160)
    description: str = PydanticField(default="", max_length=2000)


PRIORITY_TRANSLATIONS = PydanticField(
    default=None,
    description="The title and explanation in other languages (`en`, `ar`); the Dutch is in "
    "`title` and `description`. A translation replaces both together. Left out in an update: "
    "kept as they are; `{}` removes them.",
    examples=[{"en": {"title": "More green and shade", "description": ""}}],
)


DIALOGUE_TRANSLATIONS = PydanticField(
    default=None,
    description="The title and question in other languages (`en`, `ar`); the Dutch is in "
    "`title` and `description`. Left out in an update: kept as they are; `{}` removes them.",
)


class PriorityCreate(ApiInput):
    """A priority of a new dialogue, or one added to a dialogue without ballots."""

    title: str = PydanticField(
        min_length=1, max_length=120, examples=["Meer groen en schaduw in de wijk"]
    )
    description: str = PydanticField(default="", max_length=500)
    theme_key: str = PydanticField(pattern=THEME_KEY_PATTERN, examples=["milieu"])
    translations: dict[str, PriorityText] | None = PRIORITY_TRANSLATIONS

    _languages = field_validator("translations")(check_translation_languages)


class PriorityUpdate(PriorityCreate):
    """A priority in a dialogue update: with `id` to change an existing one, without to add."""

    id: Id | None = None


class _PriorityShown(ApiOutput):
    """What every view of a priority shows."""

    id: int
    title: str
    description: str
    theme_key: str
    sdgs: list[int] = PydanticField(
        description="The UN Sustainable Development Goals (1–17) of the priority's theme."
    )
    position: int


class PriorityPublic(_PriorityShown):
    """A priority, as residents and staff see it."""

    translations: dict[Language, PriorityText] = PydanticField(
        description="The title and explanation in other languages (`en`, `ar`)."
    )


class ResidentPriority(_PriorityShown):
    """A priority as a resident reads it: in their language, or in Dutch where it has none."""

    language: Language = PydanticField(
        description="The language of `title` and `description`: the one asked for "
        "(Accept-Language), or `nl` where the priority has no translation into it."
    )


def _check_unique_titles(priorities: list[PriorityCreate] | None) -> None:
    if priorities is None:
        return
    titles = [p.title.casefold() for p in priorities]
    if len(titles) != len(set(titles)):
        raise InvalidValue(
            "two priorities have the same title; give each its own",
            nl="twee prioriteiten hebben dezelfde titel; geef elke prioriteit een eigen titel",
        )


class DialogueCreate(ApiInput):
    """A new dialogue with the priorities residents will rank."""

    municipality: str = PydanticField(pattern=MUNICIPALITY_CODE_PATTERN, examples=["GM0855"])
    title: str = PydanticField(min_length=1, max_length=160)
    description: str = PydanticField(default="", max_length=2000)
    translations: dict[str, DialogueText] | None = DIALOGUE_TRANSLATIONS
    starts_on: Day
    ends_on: Day
    priorities: list[PriorityCreate] = PydanticField(
        min_length=MIN_PRIORITIES, max_length=MAX_PRIORITIES
    )

    _end_after_start = field_validator("ends_on")(check_end_after_start)
    _languages = field_validator("translations")(check_translation_languages)

    @field_validator("priorities")
    @classmethod
    def _unique_titles(cls, priorities: list[PriorityCreate]) -> list[PriorityCreate]:
        _check_unique_titles(priorities)
        return priorities


class DialogueUpdate(ApiInput):
    """Changes to a dialogue; once ballots exist, priorities can be reworded but not added or removed."""

    title: str | None = PydanticField(default=None, min_length=1, max_length=160)
    description: str | None = PydanticField(default=None, max_length=2000)
    translations: dict[str, DialogueText] | None = DIALOGUE_TRANSLATIONS
    starts_on: Day | None = None
    ends_on: Day | None = None
    priorities: list[PriorityUpdate] | None = PydanticField(
        default=None, min_length=MIN_PRIORITIES, max_length=MAX_PRIORITIES
    )

    _end_after_start = field_validator("ends_on")(check_end_after_start)
    _languages = field_validator("translations")(check_translation_languages)

    _not_null = field_validator(
        "title", "description", "translations", "starts_on", "ends_on", "priorities"
    )(kept_unless_given)

    @field_validator("priorities")
    @classmethod
    def _unique_titles(cls, priorities: list[PriorityUpdate] | None) -> list[PriorityUpdate] | None:
        _check_unique_titles(priorities)  # type: ignore[arg-type]  # the check reads only .title, which PriorityUpdate has too
        return priorities


class DialoguePublic(ApiOutput):
    """A dialogue with its priorities in their order."""

    id: int
    municipality: str
    title: str
    description: str
    translations: dict[Language, DialogueText] = PydanticField(
        description="The title and question in other languages (`en`, `ar`)."
    )
    starts_on: date
    ends_on: date
    region_id: int | None = PydanticField(
        default=None,
        description="A regional dialogue's region (its sessions may be held in the region's "
        "member municipalities); null for a dialogue of one municipality.",
    )
    priorities: list[PriorityPublic]
    created_at: datetime
    updated_at: datetime
