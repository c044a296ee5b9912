"""CBS figures a municipality imports: wellbeing indicators and population per area."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.core.db import UTCDateTime, utcnow

# The comparison areas of the photo, in the order it shows them.
AREA_LEVELS = ("gemeente", "corop", "provincie", "arbeidsmarktregio", "nederland")


class WellbeingFigure(SQLModel, table=True):
    """One indicator of the CBS regional Monitor Brede Welvaart, for one area and year."""

    __tablename__ = "wellbeing_figures"
    __table_args__ = (
        UniqueConstraint(
            "municipality_id", "indicator", "year", "area_code", name="uq_wellbeing_figures_cell"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("municipalities.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    indicator: str = Field(max_length=200, description="The label as CBS writes it.")
    year: int
    area_level: str = Field(max_length=20, description="One of AREA_LEVELS.")
    area_code: str = Field(max_length=10, description="GM…, CR…, PV…, AM… or NL00.")
    area_name: str = Field(max_length=120)
    value: float
    imported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PopulationFigure(SQLModel, table=True):
    """Residents of one area (the municipality, a wijk or a buurt) in one year, per KWB age band;
    empty where CBS suppressed the figure."""

    __tablename__ = "population_figures"
    __table_args__ = (
        UniqueConstraint("municipality_id", "year", "area_code", name="uq_population_figures_cell"),
    )

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("municipalities.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    year: int
    area_code: str = Field(max_length=10)
    residents: int | None = None
    age_0_14: int | None = None
    age_15_24: int | None = None
    age_25_44: int | None = None
    age_45_64: int | None = None
    age_65_plus: int | None = None
    source: str = Field(max_length=40, description="statline or pdok")
    imported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# ------------------------------------------------------------------ import answers


# ------------------------------------------------------------------ the photo


# ------------------------------------------------------------------ representativeness
