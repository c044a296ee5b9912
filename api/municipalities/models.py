"""Municipalities (gemeenten) and their neighbourhoods (wijken and buurten), by CBS code."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Integer, LargeBinary
from sqlmodel import Field, SQLModel

from api.core.db import UTCDateTime, enum_type, utcnow
from api.core.schemas import (
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
