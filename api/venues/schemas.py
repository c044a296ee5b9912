"""Request and response bodies of venues."""

from pydantic import Field as PydanticField
from pydantic import field_validator

from api.core.schemas import (
    MUNICIPALITY_CODE_PATTERN,
    NEIGHBOURHOOD_CODE_PATTERN,
    ApiInput,
    ApiOutput,
    check_translation_languages,
)
from api.core.translations import Language
from api.venues.models import VenueKind


class VenueText(ApiInput):
    """A venue's name in one other language."""

    name: str = PydanticField(min_length=1, max_length=120, examples=["Central Library"])


class VenueCreate(ApiInput):
    """A new venue."""

    name: str = PydanticField(min_length=1, max_length=120, examples=["Bibliotheek Centrum"])
    translations: dict[str, VenueText] | None = PydanticField(
        default=None,
        description="The name in other languages (`en`, `ar`), where residents would not "
        "recognise the Dutch name; the Dutch is in `name`.",
        examples=[{"en": {"name": "Central Library"}}],
    )
    kind: VenueKind
    neighbourhood_code: str | None = PydanticField(default=None, pattern=NEIGHBOURHOOD_CODE_PATTERN)
    address: str | None = PydanticField(default=None, max_length=200)
    accessibility_notes: str | None = PydanticField(
        default=None,
        max_length=500,
        examples=["Ingang zonder drempel, invalidentoilet, ringleiding in de zaal"],
    )

    _languages = field_validator("translations")(check_translation_languages)


class VenueCreateIn(VenueCreate):
    """A new venue of the municipality named."""

    municipality: str = PydanticField(pattern=MUNICIPALITY_CODE_PATTERN, examples=["GM0855"])


class VenueUpdate(ApiInput):
    """Changes to a venue; fields left out stay as they are, null empties an optional one."""

    name: str | None = PydanticField(default=None, min_length=1, max_length=120)
    kind: VenueKind | None = None
    neighbourhood_code: str | None = PydanticField(default=None, pattern=NEIGHBOURHOOD_CODE_PATTERN)
    address: str | None = PydanticField(default=None, max_length=200)
    accessibility_notes: str | None = PydanticField(default=None, max_length=500)
    translations: dict[str, VenueText] | None = None

    _languages = field_validator("translations")(check_translation_languages)


class VenuePublic(ApiOutput):
    """A venue."""

    id: int
    municipality: str
    name: str
    translations: dict[Language, VenueText] = PydanticField(
        description="The name in other languages (`en`, `ar`)."
    )
    kind: VenueKind
    neighbourhood_code: str | None
    address: str | None
    accessibility_notes: str | None
