"""The photo (CBS wellbeing indicators beside what residents ranked) and who took part."""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping

from sqlalchemy import delete
from sqlmodel import Session, select

from api.context.importers import (
    read_area_file,
    read_indicator_file,
    read_population_file,
)
from api.context.indicators import find_indicator, indicators_by_label
from api.context.models import AREA_LEVELS, PopulationFigure, WellbeingFigure
from api.context.schemas import (
    AreaValue,
    ComparisonArea,
    IndicatorStanding,
    IndicatorTrendPoint,
    PopulationImportReport,
    Representativeness,
    RepresentativenessGroup,
    ResidentsRanking,
    ThemeStanding,
    WeightedScore,
    WellbeingImportReport,
    WellbeingPhoto,
)
from api.core.problems import Conflict
from api.dialogues.models import Dialogue
from api.municipalities import service as municipalities
from api.municipalities.models import Municipality
from api.results import reading
from api.results.models import GroupBy
from api.results.schemas import GroupResult, Results
from api.themes import service as themes

# The CBS "hier en nu" themes, in the monitor's order: the photo shows these.
PHOTO_THEMES = (
    "welzijn",
    "materiele-welvaart",
    "gezondheid",
    "arbeid-en-vrije-tijd",
    "wonen",
    "samenleving",
    "veiligheid",
    "milieu",
)
STABLE_WITHIN = 0.01  # a change of less than 1% of the first value is "stable"
# The product's age bands and the KWB bands their population is taken from. 12-17 and 18-24
# are compared together: KWB counts 15-24, and the 12-14 year olds inside its 0-14.
AGE_BAND_POPULATION = {
    "12-24": ("12-17", "18-24"),
    "25-44": ("25-44",),
    "45-64": ("45-64",),
    "65+": ("65+",),
}
_BAND_SOURCES = {
    "12-24": "KWB 15-24 + 3/15 × KWB 0-14",
    "25-44": "KWB 25-44",
    "45-64": "KWB 45-64",
    "65+": "KWB 65+",
}


# ------------------------------------------------------------------ imports


def import_wellbeing(
    db: Session, *, municipality: Municipality, indicators: bytes, areas: bytes
) -> WellbeingImportReport:
    """Replace the municipality's indicator figures with those of these two CBS files."""
    directory = read_area_file(areas, municipality_code=municipality.cbs_code)
    parsed = read_indicator_file(indicators, areas=directory)
    known = [(row, find_indicator(row.label)) for row in parsed.rows]
    unmapped = sorted({row.label for row, indicator in known if indicator is None})
    db.execute(
        delete(WellbeingFigure).where(WellbeingFigure.municipality_id == municipality.id)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
    )
    stored = [
        WellbeingFigure(
            municipality_id=municipality.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
            indicator=indicator.label,
            year=row.year,
            area_level=row.area.level,
            area_code=row.area.code,
            area_name=row.area.name,
            value=row.value,
        )
        for row, indicator in known
        if indicator is not None
    ]
    db.add_all(stored)
    db.commit()
    return WellbeingImportReport(
        municipality=municipality.cbs_code,
        areas=[_comparison_area(directory.comparison[level]) for level in AREA_LEVELS],
        figures=len(stored),
        indicators=len({f.indicator for f in stored}),
        years=sorted({f.year for f in stored}),
        skipped_rows=parsed.skipped,
        unmapped_indicators=unmapped,
        suppressed_rows=parsed.suppressed,
    )


def has_wellbeing_figures(db: Session, *, municipality_id: int) -> bool:
    """Whether the municipality's indicator figures were imported."""
    query = select(WellbeingFigure.id).where(WellbeingFigure.municipality_id == municipality_id)
    return db.exec(query).first() is not None


def has_population_figures(db: Session, *, municipality_id: int) -> bool:
    """Whether any of the municipality's population figures were imported."""
    query = select(PopulationFigure.id).where(PopulationFigure.municipality_id == municipality_id)
    return db.exec(query).first() is not None


def _comparison_area(area) -> ComparisonArea:  # noqa: ANN001 (an importers.Area)
    return ComparisonArea(level=area.level, code=area.code, name=area.name)


def import_population(
    db: Session, *, municipality: Municipality, data: bytes, year: int
) -> PopulationImportReport:
    """Replace the municipality's population figures of `year` with those of this KWB file."""
    known = {n.code for n in municipalities.list_neighbourhoods(db, municipality=municipality)}
    parsed = read_population_file(data, municipality_code=municipality.cbs_code, known_codes=known)
    db.execute(
        delete(PopulationFigure)
        .where(PopulationFigure.municipality_id == municipality.id)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
        .where(PopulationFigure.year == year)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
    )
    db.add_all(
        PopulationFigure(
            municipality_id=municipality.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
            year=year,
            area_code=row.code,
            source=parsed.source,
            **row.figures,
        )
        for row in parsed.rows
    )
    db.commit()
    return PopulationImportReport(
        municipality=municipality.cbs_code,
        year=year,
        source=parsed.source,
        areas=len(parsed.rows),
        skipped_other_municipalities=parsed.skipped,
        suppressed_values=parsed.suppressed,
    )


# ------------------------------------------------------------------ the photo


def _compare(value: float, other: float, *, higher_is_better: bool) -> str:
    if value == other:
        return "same"
    return "better" if (value > other) == higher_is_better else "worse"


def _trend_direction(points: list[IndicatorTrendPoint], *, higher_is_better: bool) -> str | None:
    if len(points) < 2:
        return None
    first, last = points[0].value, points[-1].value
    if abs(last - first) < STABLE_WITHIN * abs(first):
        return "stable"
    return "improving" if (last > first) == higher_is_better else "worsening"


def _standings(figures: list[WellbeingFigure]) -> dict[str, list[IndicatorStanding]]:
    """Per theme key, each indicator the municipality has a value for."""
    by_indicator: dict[str, list[WellbeingFigure]] = defaultdict(list)
    for figure in figures:
        by_indicator[figure.indicator].append(figure)
    curated = {i.label: i for i in indicators_by_label().values()}
    standings: dict[str, list[IndicatorStanding]] = defaultdict(list)
    for label in sorted(
        by_indicator, key=lambda lb: list(curated).index(lb) if lb in curated else 0
    ):
        indicator = curated.get(label)
        rows = by_indicator[label]
        own = sorted((f for f in rows if f.area_level == "gemeente"), key=lambda f: f.year)
        if indicator is None or not own:
            continue
        latest = own[-1]
        others = sorted(
            (f for f in rows if f.year == latest.year and f.area_level != "gemeente"),
            key=lambda f: AREA_LEVELS.index(f.area_level),
        )
        trend = [IndicatorTrendPoint(year=f.year, value=f.value) for f in own]
        standings[indicator.theme_key].append(
            IndicatorStanding(
                label=label,
                higher_is_better=indicator.higher_is_better,
                unit=indicator.unit,
                year=latest.year,
                value=latest.value,
                comparisons=[
                    AreaValue(level=f.area_level, code=f.area_code, name=f.area_name, value=f.value)
                    for f in others
                ],
                compared={
                    f.area_level: _compare(
                        latest.value, f.value, higher_is_better=indicator.higher_is_better
                    )
                    for f in others
                },
                trend=trend,
                trend_direction=_trend_direction(
                    trend, higher_is_better=indicator.higher_is_better
                ),
            )
        )
    return standings


def _residents_by_theme(results: Results) -> dict[str, ResidentsRanking]:
    """Each theme's best-placed priority in the released overall results."""
    total = results.groups[0] if results.groups else None
    if total is None or total.suppressed or not total.priorities:
        return {}
    labels = {label.id: label for label in results.priorities}
    high = math.ceil(len(results.priorities) / 3)
    best: dict[str, ResidentsRanking] = {}
    for figure in sorted(total.priorities, key=lambda p: (p.schulze_rank, -p.score)):
        label = labels[figure.id]
        best.setdefault(
            label.theme_key,
            ResidentsRanking(
                priority_id=figure.id,
                title=label.title,
                score=figure.score,
                rank=figure.schulze_rank,
                ranked_high=figure.schulze_rank <= high,
            ),
        )
    return best


def wellbeing_photo(
    db: Session, *, municipality: Municipality, dialogue: Dialogue | None = None
) -> WellbeingPhoto:
    """Per theme, where the municipality stands against its comparison areas and over the
    years; with a dialogue, what its residents ranked (its released results) beside it."""
    figures = list(
        db.exec(select(WellbeingFigure).where(WellbeingFigure.municipality_id == municipality.id))
    )
    areas: dict[str, ComparisonArea] = {}
    for figure in sorted(figures, key=lambda f: f.year):
        areas[figure.area_level] = ComparisonArea(
            level=figure.area_level, code=figure.area_code, name=figure.area_name
        )
    standings = _standings(figures)
    residents: dict[str, ResidentsRanking] = {}
    version = None
    if dialogue is not None:
        results = reading.dialogue_results(db, dialogue=dialogue, group_by=GroupBy.DIALOGUE)
        residents, version = _residents_by_theme(results), results.version
    known = themes.themes_by_key(db, municipality_id=municipality.id)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    theme_rows = []
    for key in PHOTO_THEMES:
        indicators = standings.get(key, [])
        against = [i.compared["nederland"] for i in indicators if "nederland" in i.compared]
        worse, better = against.count("worse"), against.count("better")
        standing = None
        if against:
            standing = (
                "low"
                if worse * 2 > len(against)
                else "high"
                if better * 2 > len(against)
                else "middle"
            )
        theme = known.get(key)
        theme_rows.append(
            ThemeStanding(
                theme_key=key,
                name_nl=theme.name_nl if theme else key,
                name_en=theme.name_en if theme else key,
                standing=standing,
                worse_than_netherlands=worse,
                better_than_netherlands=better,
                indicators=indicators,
                residents=residents.get(key),
            )
        )
    headline = sorted(
        (t for t in theme_rows if t.standing == "low" and t.residents and t.residents.ranked_high),
        key=lambda t: t.residents.rank,  # type: ignore[union-attr]  # the filter above keeps only themes with residents' figures
    )
    return WellbeingPhoto(
        municipality=municipality.cbs_code,
        areas=[areas[level] for level in AREA_LEVELS if level in areas],
        years=sorted({f.year for f in figures}),
        themes=theme_rows,
        dialogue_id=dialogue.id if dialogue else None,
        results_version=version,
        rank_high_score_low=[t.theme_key for t in headline],
    )


# ------------------------------------------------------------------ representativeness


def post_stratified(
    groups: Iterable[tuple[int, Mapping[int, float]]],
) -> dict[int, float]:
    """Scores weighted to the population: each group's score counts with its population's
    share among the groups given (population, {priority id: score})."""
    groups = [(population, scores) for population, scores in groups if population > 0]
    total = sum(population for population, _ in groups)
    if not total:
        return {}
    weighted: dict[int, float] = defaultdict(float)
    for population, scores in groups:
        for priority, score in scores.items():
            weighted[priority] += population / total * score
    return dict(weighted)


def _released_breakdowns(db: Session, *, dialogue: Dialogue) -> tuple[Results, Results, Results]:
    """The overall, per-buurt and per-age-band results of one and the same release."""
    for _attempt in range(5):
        read = [
            reading.dialogue_results(db, dialogue=dialogue, group_by=group_by)
            for group_by in (GroupBy.DIALOGUE, GroupBy.NEIGHBOURHOOD, GroupBy.AGE_BAND)
        ]
        if len({results.version for results in read}) == 1:
            return read[0], read[1], read[2]
    raise Conflict(
        "The results changed while they were read; try again in a moment.",
        nl="De resultaten veranderden tijdens het lezen; probeer het zo opnieuw.",
        kind="results-changed",
    )


def _population_by_area(
    db: Session, *, municipality_id: int, year: int | None
) -> tuple[int | None, dict[str, PopulationFigure]]:
    query = select(PopulationFigure).where(PopulationFigure.municipality_id == municipality_id)
    rows = list(db.exec(query))
    years = sorted({row.year for row in rows})
    chosen = year if year is not None else (years[-1] if years else None)
    return chosen, {row.area_code: row for row in rows if row.year == chosen}


def _band_population(figure: PopulationFigure | None, band: str) -> int | None:
    if figure is None:
        return None
    if band == "12-24":
        if figure.age_15_24 is None or figure.age_0_14 is None:
            return None
        return figure.age_15_24 + round(figure.age_0_14 * 3 / 15)
    return {"25-44": figure.age_25_44, "45-64": figure.age_45_64, "65+": figure.age_65_plus}[band]


def _scores(group: GroupResult) -> dict[int, float]:
    return {p.id: p.score for p in group.priorities or []}


def _combined_band(groups: list[GroupResult]) -> tuple[int | None, dict[int, float]]:
    """Ballots and scores of bands taken together: only when every one of them is shown
    (a hidden band can't be told apart from an empty one)."""
    if any(g.suppressed or g.ballots is None for g in groups):
        return None, {}
    ballots = sum(g.ballots for g in groups)  # type: ignore[misc]  # the line above returned when any group's ballots are None
    if not ballots:
        return 0, {}
    scores: dict[int, float] = defaultdict(float)
    for group in groups:
        for priority, score in _scores(group).items():
            scores[priority] += score * group.ballots / ballots  # type: ignore[operator]  # the line above returned when any group's ballots are None
    return ballots, dict(scores)


def _with_shares(rows: list[RepresentativenessGroup]) -> list[RepresentativenessGroup]:
    """Shares among the shown groups that have a population, participants and residents alike."""
    usable = [r for r in rows if r.participants is not None and r.population]
    participants = sum(r.participants for r in usable)  # type: ignore[misc]  # usable rows have participants and a population
    population = sum(r.population for r in usable)  # type: ignore[misc]  # usable rows have participants and a population
    shared = []
    for row in rows:
        if row in usable and participants and population:
            p_share = row.participants / participants  # type: ignore[operator]  # usable rows have participants and a population
            n_share = row.population / population  # type: ignore[operator]  # usable rows have participants and a population
            row = row.model_copy(
                update={"participant_share": p_share, "population_share": n_share,
                        "share_difference": p_share - n_share}
            )  # fmt: skip
        shared.append(row)
    return shared


def _group_row(
    key: str,
    kind: str,
    label: str,
    participants: int | None,
    population: int | None,
    bands: str | None = None,
) -> RepresentativenessGroup:
    return RepresentativenessGroup(
        key=key,
        kind=kind,
        label=label,
        participants=participants,
        suppressed=participants is None,
        population=population,
        population_bands=bands,
        response_rate=participants / population
        if participants is not None and population
        else None,
        participant_share=None,
        population_share=None,
        share_difference=None,
    )


NOTES = {
    "nl": [
        "Wie meedeed, koos daar zelf voor: dit is geen steekproef. Deze cijfers zeggen hoe "
        "de deelnemers rangschikten, niet met zekerheid wat alle inwoners vinden.",
        "Het aantal deelnemers per groep komt uit de gepubliceerde resultaten: een groep met "
        "te weinig stemmen wordt niet getoond, net als daar.",
        "De leeftijdsgroepen 25-44, 45-64 en 65+ vallen samen met die van het CBS. 12-17 en "
        "18-24 worden samen (12-24) vergeleken met CBS 15-24 plus 3/15 van CBS 0-14 (een "
        "schatting van de 12- tot 14-jarigen).",
        "Aandelen gaan over de getoonde groepen met een bekend inwonertal, voor deelnemers en "
        "inwoners gelijk.",
        "Gewogen scores zijn een schatting naast de getelde scores, niet in plaats daarvan: "
        "elke getoonde groep telt mee naar zijn aandeel in de bevolking. Weging verbetert de "
        "samenstelling naar buurt of leeftijd, niet de zelfselectie binnen een groep.",
    ],
    "en": [
        "People chose to take part: this is not a random sample. These figures say how the "
        "participants ranked, not with certainty what all residents think.",
        "The participants per group come from the published results: a group with too few "
        "ballots is not shown, as there.",
        "The age bands 25-44, 45-64 and 65+ match CBS's. 12-17 and 18-24 are compared "
        "together (12-24) with CBS 15-24 plus 3/15 of CBS 0-14 (an estimate of the 12 to 14 "
        "year olds).",
        "Shares are taken among the shown groups with a known population, for participants "
        "and residents alike.",
        "Weighted scores are an estimate beside the counted scores, not instead of them: each "
        "shown group counts with its share of the population. Weighting corrects the make-up "
        "by buurt or age, not the self-selection within a group.",
    ],
}


def representativeness(
    db: Session, *, dialogue: Dialogue, year: int | None = None
) -> Representativeness:
    """Participants per buurt, wijk and age band beside the CBS population, and scores
    post-stratified to it: every participant figure is one the released results show."""
    overall, by_place, by_band = _released_breakdowns(db, dialogue=dialogue)
    population_year, population = _population_by_area(
        db, municipality_id=dialogue.municipality_id, year=year
    )
    municipality = municipalities.get_municipality_by_id(
        db, municipality_id=dialogue.municipality_id
    )
    whole = population.get(municipality.cbs_code)
    place_rows, buurt_weights = [], []
    for group in by_place.groups:
        if group.kind not in ("buurt", "wijk"):
            continue
        figure = population.get(group.key)
        residents = figure.residents if figure else None
        place_rows.append(
            _group_row(
                group.key,
                group.kind,
                group.label,
                group.ballots if not group.suppressed else None,
                residents,
            )
        )
        if group.kind == "buurt" and not group.suppressed and residents:
            buurt_weights.append((residents, _scores(group)))
    bands = {g.key: g for g in by_band.groups if g.kind == "ageBand"}
    band_rows, band_weights = [], []
    for band, parts in AGE_BAND_POPULATION.items():
        ballots, scores = _combined_band([bands[p] for p in parts if p in bands])
        residents = _band_population(whole, band)
        band_rows.append(
            _group_row(band, "ageBand", f"{band} jaar", ballots, residents, _BAND_SOURCES[band])
        )
        if ballots and residents:
            band_weights.append((residents, scores))
    total_residents = whole.residents if whole else None
    by_buurt = post_stratified(buurt_weights)
    by_age = post_stratified(band_weights)
    total = overall.groups[0]
    unweighted = {} if total.suppressed else _scores(total)
    return Representativeness(
        dialogue_id=dialogue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        results_version=overall.version,
        min_group_size=overall.min_group_size,
        population_year=population_year,
        total_participants=overall.total_ballots,
        groups=[
            *_with_shares([r for r in place_rows if r.kind == "buurt"]),
            *_with_shares([r for r in place_rows if r.kind == "wijk"]),
            *_with_shares(band_rows),
        ],
        scores=[
            WeightedScore(
                priority_id=label.id,
                title=label.title,
                unweighted=unweighted.get(label.id),
                weighted_by_buurt=by_buurt.get(label.id),
                weighted_by_age_band=by_age.get(label.id),
            )
            for label in overall.priorities
        ],
        weighted_population_covered={
            "buurt": _covered(buurt_weights, total_residents),
            "ageBand": _covered(band_weights, total_residents),
        },
        notes=NOTES,
    )


def _covered(weights: list[tuple[int, Mapping[int, float]]], total: int | None) -> float | None:
    if not total or not weights:
        return None
    return min(1.0, sum(population for population, _ in weights) / total)
