"""Response bodies of the municipality's photo: wellbeing, comparisons, representativeness and imports."""

from pydantic import Field as PydanticField

from api.core.schemas import ApiOutput


class ComparisonArea(ApiOutput):
    """An area the municipality is compared with, as the CBS area file names it."""

    level: str = PydanticField(
        description="gemeente, corop, provincie, arbeidsmarktregio, nederland"
    )
    code: str
    name: str


class WellbeingImportReport(ApiOutput):
    """What an indicator import stored, and what it left out."""

    municipality: str
    areas: list[ComparisonArea]
    figures: int = PydanticField(description="Figures stored (an earlier import is replaced).")
    indicators: int
    years: list[int]
    skipped_rows: int = PydanticField(description="Rows of areas that are not compared here.")
    unmapped_indicators: list[str] = PydanticField(
        description="Labels without a theme in the product's indicator list: not stored."
    )
    suppressed_rows: int = PydanticField(description="Rows without a value (CBS left it out).")


class PopulationImportReport(ApiOutput):
    """What a population import stored, and what it left out."""

    municipality: str
    year: int
    source: str = PydanticField(description="statline (KWB TypedDataSet) or pdok (GeoJSON)")
    areas: int = PydanticField(description="Areas stored: the municipality, wijken and buurten.")
    skipped_other_municipalities: int = PydanticField(
        description="Rows of other municipalities (a whole-country download), left out."
    )
    suppressed_values: int = PydanticField(
        description="Figures CBS suppressed (≤ −99990 or empty), stored as unknown."
    )


class AreaValue(ApiOutput):
    """An indicator's value for one comparison area in one year."""

    level: str
    code: str
    name: str
    value: float


class IndicatorTrendPoint(ApiOutput):
    """The municipality's value in one year."""

    year: int
    value: float


class IndicatorStanding(ApiOutput):
    """Where the municipality stands on one indicator, in the latest year it has a value."""

    label: str
    higher_is_better: bool
    unit: str | None = None
    year: int
    value: float
    comparisons: list[AreaValue] = PydanticField(description="The same year, other areas.")
    compared: dict[str, str] = PydanticField(
        description="Per comparison level: better, same or worse for the municipality, "
        "taking the indicator's direction into account."
    )
    trend: list[IndicatorTrendPoint] = PydanticField(
        description="Every year present, oldest first."
    )
    trend_direction: str | None = PydanticField(
        default=None,
        description="improving, stable or worsening from the first to the last year present "
        "(direction taken into account); empty with one year.",
    )


class ResidentsRanking(ApiOutput):
    """What residents ranked in this theme: its best-placed priority in the released results."""

    priority_id: int
    title: str
    score: float
    rank: int = PydanticField(description="Schulze rank among the dialogue's priorities (1 best).")
    ranked_high: bool = PydanticField(
        description="In the top third of the priorities (at least the top 3)."
    )


class ThemeStanding(ApiOutput):
    """One theme of the photo."""

    theme_key: str
    name_nl: str
    name_en: str
    standing: str | None = PydanticField(
        description="low, middle or high: against the Netherlands, worse on more than half of "
        "the indicators is low, better on more than half is high; empty without figures."
    )
    worse_than_netherlands: int
    better_than_netherlands: int
    indicators: list[IndicatorStanding]
    residents: ResidentsRanking | None = PydanticField(
        default=None,
        description="Only in a dialogue's photo, from its released results; empty where the "
        "dialogue has no priority of this theme or its results are still suppressed.",
    )


class WellbeingPhoto(ApiOutput):
    """The municipality's brede welvaart photo (CBS regional monitor), per theme."""

    municipality: str
    areas: list[ComparisonArea]
    years: list[int]
    themes: list[ThemeStanding]
    dialogue_id: int | None = None
    results_version: int | None = PydanticField(
        default=None, description="The release of the dialogue's results it was read from."
    )
    rank_high_score_low: list[str] = PydanticField(
        default_factory=list,
        description="The headline: themes residents rank high where the municipality scores "
        "low (theme keys, best-ranked first).",
    )
    source: str = "CBS, Monitor Brede Welvaart (regionale indicatoren)"


class RepresentativenessGroup(ApiOutput):
    """One buurt, wijk or age band: participants next to the population."""

    key: str = PydanticField(
        description="CBS code (BU…, WK…) or age band (12-24 combines 12-17 and 18-24)."
    )
    kind: str = PydanticField(description="buurt, wijk or ageBand")
    label: str
    participants: int | None = PydanticField(
        description="Ballots in the released results; empty where the results suppress it."
    )
    suppressed: bool
    population: int | None = PydanticField(description="CBS residents; empty where unknown.")
    population_bands: str | None = PydanticField(
        default=None, description="The KWB age bands the population is taken from."
    )
    response_rate: float | None = PydanticField(description="participants / population")
    participant_share: float | None = PydanticField(
        description="Share of the participants (of the breakdown's shown total that gave an "
        "answer) in this group."
    )
    population_share: float | None = PydanticField(description="Share of the population.")
    share_difference: float | None = PydanticField(
        description="participantShare − populationShare: positive means over-represented."
    )


class WeightedScore(ApiOutput):
    """A priority's score: as counted, and post-stratified to the population (estimates)."""

    priority_id: int
    title: str
    unweighted: float | None = PydanticField(description="The released score, as counted.")
    weighted_by_buurt: float | None = PydanticField(
        description="Post-stratified by buurt: the shown buurten's released scores, each "
        "weighted by its population share among them. An estimate beside the counted score."
    )
    weighted_by_age_band: float | None = PydanticField(
        description="Post-stratified by age band, in the same way."
    )


class Representativeness(ApiOutput):
    """Who took part compared with who lives there, from released results only."""

    dialogue_id: int
    results_version: int
    min_group_size: int
    population_year: int | None
    total_participants: int | None
    groups: list[RepresentativenessGroup]
    scores: list[WeightedScore]
    weighted_population_covered: dict[str, float | None] = PydanticField(
        description="Per weighting (buurt, ageBand): share of the population whose group is "
        "shown and so enters the weighted scores."
    )
    notes: dict[str, list[str]] = PydanticField(
        description="How to read these figures, per language (nl, en)."
    )
