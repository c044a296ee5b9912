"""Request and response bodies of municipalities and their neighbourhoods."""

from datetime import datetime
from typing import Any, Literal, TypedDict

from pydantic import EmailStr, JsonValue
from pydantic import Field as PydanticField

from api.core.schemas import (
    MUNICIPALITY_CODE_PATTERN,
    NEIGHBOURHOOD_CODE_PATTERN,
    WIJK_CODE_PATTERN,
    ApiInput,
    ApiOutput,
)
from api.municipalities.models import (
    COLOUR_PATTERN,
    DEFAULT_MIN_GROUP_SIZE,
    LOWEST_MIN_GROUP_SIZE,
    MAX_CONTACT_RETENTION_DAYS,
    NeighbourhoodKind,
)

# A GeoJSON geometry object as stored: imports write WGS84 (Multi)Polygons, while
# POST /neighbourhoods keeps the object it was sent.
Geometry = dict[str, JsonValue]


class MunicipalityCreate(ApiInput):
    """A new municipality."""

    cbs_code: str = PydanticField(pattern=MUNICIPALITY_CODE_PATTERN, examples=["GM0855"])
    name: str = PydanticField(min_length=1, max_length=120, examples=["Tilburg"])
    min_group_size: int = PydanticField(
        default=DEFAULT_MIN_GROUP_SIZE,
        ge=LOWEST_MIN_GROUP_SIZE,
        le=1000,
        description="Groups with fewer ballots than this are never shown.",
    )
    brand_colour: str = PydanticField(default="#01689b", pattern=COLOUR_PATTERN)


class MunicipalityUpdate(ApiInput):
    """Changes to a municipality; fields left out stay as they are. The contact fields and
    `contactRetentionDays` take null: no address, or the service's default period."""

    name: str | None = PydanticField(default=None, min_length=1, max_length=120)
    min_group_size: int | None = PydanticField(default=None, ge=LOWEST_MIN_GROUP_SIZE, le=1000)
    brand_colour: str | None = PydanticField(default=None, pattern=COLOUR_PATTERN)
    contact_email: EmailStr | None = PydanticField(
        default=None, max_length=254, description="Where residents write with questions."
    )
    privacy_contact_name: str | None = PydanticField(
        default=None,
        max_length=120,
        description="Who answers questions about personal data (e.g. the privacy officer).",
    )
    privacy_contact_email: EmailStr | None = PydanticField(default=None, max_length=254)
    contact_retention_days: int | None = PydanticField(
        default=None,
        ge=0,
        le=MAX_CONTACT_RETENTION_DAYS,
        description="Days after a dialogue ends that residents' contact details are kept; "
        "null for the service's default.",
    )


class MunicipalityPublic(ApiOutput):
    """A municipality, as anyone may read it (the resident app's statements show it)."""

    cbs_code: str
    name: str
    min_group_size: int
    brand_colour: str
    contact_email: str | None
    privacy_contact_name: str | None
    privacy_contact_email: str | None
    contact_retention_days: int = PydanticField(
        description="Days after a dialogue ends that contact details given with a pledge are "
        "kept (the municipality's own period, else the service's default)."
    )
    logo_url: str | None = PydanticField(description="The logo, if the municipality has one.")
    created_at: datetime


class NeighbourhoodCreate(ApiInput):
    """A new wijk or buurt; a buurt names its wijk (else the wijk is derived from its code)."""

    code: str = PydanticField(pattern=NEIGHBOURHOOD_CODE_PATTERN, examples=["BU08550101"])
    name: str = PydanticField(min_length=1, max_length=120)
    wijk_code: str | None = PydanticField(default=None, pattern=WIJK_CODE_PATTERN)
    geometry: dict[str, Any] | None = None


class NeighbourhoodPublic(ApiOutput):
    """A wijk or buurt."""

    code: str
    name: str
    kind: NeighbourhoodKind
    wijk_code: str | None
    has_geometry: bool
    source: str | None


class NeighbourhoodImportReport(ApiOutput):
    """What an import did (or, previewed, would do)."""

    created: int
    updated: int
    unchanged: int
    wijken: int
    buurten: int
    source: str | None
    format: str


class NeighbourhoodChange(ApiOutput):
    """One wijk or buurt an import would create or rename, move or reshape."""

    code: str
    name: str
    kind: NeighbourhoodKind
    wijk_code: str | None
    change: Literal["created", "updated"]
    previous_name: str | None = PydanticField(description="The name it has now, if updated.")


class NeighbourhoodImportPreview(NeighbourhoodImportReport):
    """What an import would do; nothing was written."""

    changes: list[NeighbourhoodChange] = PydanticField(
        description="The rows that would be created or updated (unchanged ones are counted)."
    )
    map: dict[str, Any] = PydanticField(
        description="A GeoJSON FeatureCollection (WGS84) of the file's buurten with a shape, "
        "properties `code`, `name`, `wijkCode`."
    )


class NeighbourhoodProperties(TypedDict):
    """What the map shows of a neighbourhood besides its shape."""

    code: str
    name: str
    kind: str
    wijkCode: str | None


class NeighbourhoodFeature(TypedDict):
    """One neighbourhood with a shape, as a GeoJSON Feature identified by its code."""

    type: Literal["Feature"]
    id: str
    geometry: Geometry
    properties: NeighbourhoodProperties


class NeighbourhoodMap(TypedDict):
    """A GeoJSON FeatureCollection of neighbourhoods, with the sources of their shapes."""

    type: Literal["FeatureCollection"]
    attribution: str | None
    features: list[NeighbourhoodFeature]
