"""Request and response bodies of themes."""

from typing import Annotated

from pydantic import Field as PydanticField

from api.core.schemas import ApiInput, ApiOutput
from api.themes.models import THEME_KEY_PATTERN

SdgNumber = Annotated[int, PydanticField(ge=1, le=17, description="A UN SDG, 1 to 17.")]


class ThemeCreate(ApiInput):
    """A municipality's own theme."""

    key: str = PydanticField(pattern=THEME_KEY_PATTERN, max_length=40, examples=["cultuur"])
    name_nl: str = PydanticField(min_length=1, max_length=80)
    name_en: str = PydanticField(min_length=1, max_length=80)
    description_nl: str = PydanticField(min_length=1, max_length=400)
    description_en: str = PydanticField(min_length=1, max_length=400)
    sdgs: list[SdgNumber] = PydanticField(default_factory=list, max_length=17)
    icon: str = PydanticField(default="circle", pattern=r"^[a-z-]{1,40}$")


class ThemePublic(ApiOutput):
    """A theme, with the UN Sustainable Development Goals it serves."""

    key: str
    name_nl: str
    name_en: str
    description_nl: str
    description_en: str
    sdgs: list[int]
    icon: str
    municipality: str | None = PydanticField(
        default=None, description="CBS code of the municipality that added it; empty if default."
    )
