"""Municipalities (gemeenten) and their neighbourhoods (wijken and buurten), by CBS code."""

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import EmailStr
from pydantic import Field as PydanticField
from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Integer, LargeBinary
from sqlmodel import Field, SQLModel

from api.core.db import UTCDateTime, enum_type, utcnow
from api.core.schemas import (
    MUNICIPALITY_CODE_PATTERN,
    NEIGHBOURHOOD_CODE_PATTERN,
    WIJK_CODE_PATTERN,
    ApiInput,
    ApiOutput,
    cbs_code_check,
    neighbourhood_code_check,
)

DEFAULT_MIN_GROUP_SIZE = 10
LOWEST_MIN_GROUP_SIZE = 5
COLOUR_PATTERN = r"^#[0-9a-fA-F]{6}$"
MAX_CONTACT_RETENTION_DAYS = 3 * 365
MAX_LOGO_BYTES = 256 * 1024


class NeighbourhoodKind(StrEnum):
    """A wijk (district) or a buurt (neighbourhood within a wijk)."""

    WIJK = "wijk"
    BUURT = "buurt"


class Municipality(SQLModel, table=True):
    """A gemeente, identified by its CBS code."""

    __tablename__ = "municipalities"
    __table_args__ = (
        CheckConstraint(cbs_code_check("cbs_code", "GM", 4), name="cbs_code"),
        CheckConstraint(f"min_group_size >= {LOWEST_MIN_GROUP_SIZE}", name="min_group_size"),
        CheckConstraint(
            "contact_retention_days IS NULL OR (contact_retention_days >= 0 AND "
            f"contact_retention_days <= {MAX_CONTACT_RETENTION_DAYS})",
            name="contact_retention_days",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    cbs_code: str = Field(max_length=6, unique=True)
    name: str = Field(max_length=120)
    min_group_size: int = Field(default=DEFAULT_MIN_GROUP_SIZE)
    brand_colour: str = Field(default="#01689b", max_length=7)
    contact_email: str | None = Field(default=None, max_length=254)
    privacy_contact_name: str | None = Field(default=None, max_length=120)
    privacy_contact_email: str | None = Field(default=None, max_length=254)
    # None follows the service's setting (CONTACT_RETENTION_DAYS).
    contact_retention_days: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LogoType(StrEnum):
    """The image formats a logo may have (never SVG: it can carry scripts)."""

    PNG = "image/png"
    JPEG = "image/jpeg"
    WEBP = "image/webp"


class MunicipalityLogo(SQLModel, table=True):
    """A municipality's logo, kept apart so that reading a municipality never loads it."""

    __tablename__ = "municipality_logos"
    __table_args__ = (CheckConstraint(f"length(content) <= {MAX_LOGO_BYTES}", name="content_size"),)

    municipality_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("municipalities.id", ondelete="CASCADE"), primary_key=True
        )
    )
    media_type: LogoType = Field(sa_type=enum_type(LogoType, "logo_type"))
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Neighbourhood(SQLModel, table=True):
    """A wijk or buurt of a municipality; a buurt belongs to a wijk."""

    __tablename__ = "neighbourhoods"
    __table_args__ = (
        CheckConstraint(
            f"(kind = 'wijk' AND wijk_id IS NULL AND {neighbourhood_code_check('code', 'WK', 2)})"
            f" OR (kind = 'buurt' AND {neighbourhood_code_check('code', 'BU', 4)})",
            name="code_matches_kind",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("municipalities.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    code: str = Field(max_length=10, unique=True)
    name: str = Field(max_length=120)
    kind: NeighbourhoodKind = Field(sa_type=enum_type(NeighbourhoodKind, "neighbourhood_kind"))
    wijk_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("neighbourhoods.id", ondelete="RESTRICT"), index=True),
    )
    # None is stored as SQL NULL (not the JSON text `null`), so whether a row has a shape is
    # known without reading the shape, which can be megabytes (see neighbourhood lists).
    geometry: dict[str, Any] | None = Field(default=None, sa_type=JSON(none_as_null=True))
    source: str | None = Field(default=None, max_length=120)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


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
