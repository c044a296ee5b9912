"""The participation report of a dialogue: every figure from the published release."""

from datetime import datetime

from sqlmodel import Session

from api.agenda import service as agenda
from api.context import service as context
from api.context.schemas import Representativeness, RepresentativenessGroup
from api.core.access import Actor, Role
from api.core.problems import Conflict, NotFound
from api.core.translations import Language, in_language
from api.core.zones import AMSTERDAM
from api.dialogues import service as dialogues
from api.dialogues.models import Dialogue
from api.municipalities import service as municipalities
from api.reports.models import (
    AgendaEntry,
    AskedPriority,
    Count,
    GroupRow,
    HowMany,
    Method,
    ParticipationReport,
    PopulationRow,
    PriorityResponse,
    RankedPriority,
    ReportLanguage,
    ResponseSection,
    ResultsSection,
    SessionHeld,
    What,
    Who,
)
from api.reports.texts import text
from api.results import reading
from api.results.models import GroupBy
from api.results.schemas import GroupResult, Results, SuppressedReason
from api.sessions import service as sessions
from api.themes import service as themes
from api.venues import service as venues

_BREAKDOWNS = (
    GroupBy.DIALOGUE,
    GroupBy.VENUE_KIND,
    GroupBy.NEIGHBOURHOOD,
    GroupBy.AGE_BAND,
    GroupBy.SESSION,
)


def readable_dialogue(db: Session, *, dialogue_id: int, actor: Actor | None) -> Dialogue:
    """The dialogue whose report this reader may see: staff of its municipality (analysts,
    coordinators, admins) always, anyone else once the report-back is published (else 404)."""
    dialogue = dialogues.get_dialogue(db, dialogue_id=dialogue_id, actor=None)
    if is_staff_reader(actor, dialogue) or agenda.is_published(dialogue):
        return dialogue
    raise NotFound(
        "This dialogue has no published participation report.",
        nl="Deze dialoog heeft geen gepubliceerd participatieverslag.",
    )


def is_staff_reader(actor: Actor | None, dialogue: Dialogue) -> bool:
    """Whether the actor is staff of the dialogue's municipality who may read its results."""
    return (
        actor is not None
        and actor.has_role(Role.ANALYST)
        and actor.can_access(dialogue.municipality_id)
    )


def response_of(db: Session, *, dialogue: Dialogue, language: ReportLanguage) -> ResponseSection:
    """What the municipality did with the results and why: its report-back and agenda."""
    spoken = Language(language.value)
    report_back = agenda.report_back_of(db, dialogue=dialogue, language=spoken)
    priority_languages = {
        p.id: p.language.value
        for p in dialogues.resident_priorities(
            db,
            dialogue_id=dialogue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
            language=spoken,
        )
    }
    return ResponseSection(
        published_at=report_back.published_at if report_back.published else None,
        responses=[
            PriorityResponse(
                priority=answer.priority.title,
                decision=answer.decision.value,
                reason=answer.reason,
                agenda_items=[item.title for item in answer.agenda_items],
                priority_language=priority_languages.get(answer.priority_id, "nl"),
                reason_language=answer.language.value,
            )
            for answer in report_back.responses
        ],
        agenda=[
            AgendaEntry(
                title=item.title,
                goal=item.goal,
                owner=item.owner,
                horizon=item.horizon.value,
                status=item.status.value,
                starts_on=item.starts_on,
                ends_on=item.ends_on,
                partners=list(item.partners),
                organisations=[
                    f"{organisation.name} ({organisation.kind})"
                    if organisation.kind
                    else organisation.name
                    for organisation in item.contributions.organisations
                ],
                resident_pledges=item.contributions.resident_pledges,
                language=item.language.value,
            )
            for item in agenda.agenda_of(db, dialogue=dialogue, language=spoken)
        ],
    )


def participation_report(
    db: Session, *, dialogue: Dialogue, language: ReportLanguage
) -> ParticipationReport:
    """The dialogue's participatieverslag in `language`, from one and the same release."""
    municipality = municipalities.get_municipality_by_id(
        db, municipality_id=dialogue.municipality_id
    )
    released, representativeness = _one_release(db, dialogue=dialogue)
    overall = released[GroupBy.DIALOGUE]
    minimum = overall.min_group_size
    own, own_language = in_language(
        {"title": dialogue.title, "description": dialogue.description},
        dialogue.translations,
        Language(language.value),
    )
    response = response_of(db, dialogue=dialogue, language=language)
    population_shown = representativeness.population_year is not None
    return ParticipationReport(
        dialogue_id=dialogue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        language=language,
        municipality=municipality.name,
        title=own["title"],
        title_language=own_language.value,
        starts_on=dialogue.starts_on,
        ends_on=dialogue.ends_on,
        generated_on=datetime.now(AMSTERDAM).date(),
        draft=response.published_at is None,
        who=_who(released, representativeness, language=language),
        what=_what(db, dialogue=dialogue, question=own["description"], language=language),
        sessions=_sessions(
            db, dialogue=dialogue, released=released[GroupBy.SESSION], language=language
        ),  # fmt: skip
        how_many=_how_many(db, dialogue=dialogue, overall=overall),
        results=_results(
            db,
            dialogue=dialogue,
            overall=overall,
            representativeness=representativeness if population_shown else None,
            language=language,
        ),  # fmt: skip
        response=response,
        method=Method(
            min_group_size=minimum,
            version=overall.version,
            refreshed_at=overall.refreshed_at.astimezone(AMSTERDAM),
            final=reading.dialogue_page(db, dialogue=dialogue).final,
            population_year=representativeness.population_year,
            weighted_buurt_covered=representativeness.weighted_population_covered.get("buurt"),
            weighted_age_band_covered=representativeness.weighted_population_covered.get("ageBand"),
        ),
    )


def _one_release(
    db: Session, *, dialogue: Dialogue
) -> tuple[dict[GroupBy, Results], Representativeness]:
    """Every breakdown the report shows, and the representativeness, of one release."""
    for _attempt in range(5):
        released = {
            group_by: reading.dialogue_results(db, dialogue=dialogue, group_by=group_by)
            for group_by in _BREAKDOWNS
        }
        representativeness = context.representativeness(db, dialogue=dialogue)
        versions = {results.version for results in released.values()}
        if versions == {representativeness.results_version}:
            return released, representativeness
    raise Conflict(
        "The results changed while they were read; try again in a moment.",
        nl="De resultaten veranderden tijdens het lezen; probeer het zo opnieuw.",
        kind="results-changed",
    )


def _count(group: GroupResult) -> Count:
    if group.suppressed:
        return Count(None, group.suppressed_reason or SuppressedReason.TOO_FEW)
    return Count(group.ballots)


def _label(group: GroupResult, language: ReportLanguage) -> str:
    if group.kind == "venueKind":
        return text(language, f"venueKind.{group.key}")
    if group.kind == "unknown" or group.key == "unknown":
        return text(language, "notGiven")
    if group.kind == "ageBand":
        return text(language, "ageBand", band=group.key)
    return group.label


def _rows(results: Results, language: ReportLanguage) -> list[GroupRow]:
    return [
        GroupRow(key=g.key, label=_label(g, language), kind=g.kind, ballots=_count(g))
        for g in results.groups
        if g.kind != "dialogue"
    ]


def _who(
    released: dict[GroupBy, Results],
    representativeness: Representativeness,
    *,
    language: ReportLanguage,
) -> Who:
    by_place = {g.key: g for g in released[GroupBy.NEIGHBOURHOOD].groups}
    by_band = {g.key: g for g in released[GroupBy.AGE_BAND].groups}
    population = []
    if representativeness.population_year is not None:
        for row in representativeness.groups:
            if row.kind == "ageBand":
                label = text(language, "ageBand", band=row.key)
                parts = context.AGE_BAND_POPULATION[row.key]
                participants = _combined_count(row, [by_band[p] for p in parts if p in by_band])
            else:
                label = row.label
                participants = (
                    _count(by_place[row.key]) if row.key in by_place else _combined_count(row, [])
                )
            population.append(
                PopulationRow(
                    key=row.key,
                    label=label,
                    kind=row.kind,
                    participants=participants,
                    population=row.population,
                    response_rate=row.response_rate,
                    share_difference=row.share_difference,
                )
            )
    return Who(
        total=_count(released[GroupBy.DIALOGUE].groups[0]),
        by_venue_kind=_rows(released[GroupBy.VENUE_KIND], language),
        by_neighbourhood=_rows(released[GroupBy.NEIGHBOURHOOD], language),
        by_age_band=_rows(released[GroupBy.AGE_BAND], language),
        population_year=representativeness.population_year,
        population=population,
    )


def _combined_count(row: RepresentativenessGroup, parts: list[GroupResult]) -> Count:
    """A representativeness group's participants, hidden as its hidden parts are."""
    if not row.suppressed:
        return Count(row.participants)
    reasons = [g.suppressed_reason for g in parts if g.suppressed]
    if reasons and all(r is SuppressedReason.PROTECTS_ANOTHER for r in reasons):
        return Count(None, SuppressedReason.PROTECTS_ANOTHER)
    return Count(None, SuppressedReason.TOO_FEW)


def _what(db: Session, *, dialogue: Dialogue, question: str, language: ReportLanguage) -> What:
    theme_names = themes.themes_by_key(db, municipality_id=dialogue.municipality_id)
    priorities = dialogues.resident_priorities(
        db,
        dialogue_id=dialogue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        language=Language(language.value),
    )
    return What(
        question=question,
        priorities=[
            AskedPriority(
                id=p.id,
                title=p.title,
                description=p.description,
                theme=_theme_name(theme_names.get(p.theme_key), p.theme_key, language),
                language=p.language.value,
            )
            for p in priorities
        ],
    )


def _theme_name(theme, key: str, language: ReportLanguage) -> str:  # noqa: ANN001 (a Theme)
    if theme is None:
        return key
    return theme.name_en if language is ReportLanguage.EN else theme.name_nl


def _sessions(
    db: Session, *, dialogue: Dialogue, released: Results, language: ReportLanguage
) -> list[SessionHeld]:
    rows = sessions.list_sessions(db, dialogue=dialogue)
    places = venues.venues_by_id(db, venue_ids={row.venue_id for row in rows})
    ballots = {g.key: _count(g) for g in released.groups if g.kind == "session"}
    held = []
    for row in rows:
        venue = places[row.venue_id]
        name, _ = in_language({"name": venue.name}, venue.translations, Language(language.value))
        held.append(
            SessionHeld(
                starts_at=row.starts_at.astimezone(AMSTERDAM),
                ends_at=row.ends_at.astimezone(AMSTERDAM),
                title=row.title,
                venue=name["name"] or venue.name,
                venue_kind=text(language, f"venueKind.{venue.kind.value}"),
                ballots=ballots.get(str(row.id), Count(None, SuppressedReason.TOO_FEW)),
            )
        )
    return held


def _how_many(db: Session, *, dialogue: Dialogue, overall: Results) -> HowMany:
    rows = sessions.list_sessions(db, dialogue=dialogue)
    pledges = reading.pledges_summary(db, dialogue=dialogue, group_by=GroupBy.DIALOGUE)
    whole = pledges.groups[0]
    shown = not whole.suppressed and whole.totals is not None
    return HowMany(
        ballots=_count(overall.groups[0]),
        sessions=len(rows),
        venues=len({row.venue_id for row in rows}),
        pledgers=Count(whole.pledgers)
        if shown
        else Count(None, whole.suppressed_reason or SuppressedReason.TOO_FEW),
        pledges=whole.totals.pledges if shown else None,  # type: ignore[union-attr]  # shown implies the totals are set
        hours_per_month=whole.totals.hours_per_month if shown else None,  # type: ignore[union-attr]  # shown implies the totals are set
    )


def _results(
    db: Session,
    *,
    dialogue: Dialogue,
    overall: Results,
    representativeness: Representativeness | None,
    language: ReportLanguage,
) -> ResultsSection:
    total = overall.groups[0]
    if total.suppressed or not total.priorities:
        return ResultsSection(priorities=[], weighted=False)
    titles = {
        p.id: (p.title, p.language.value)
        for p in dialogues.resident_priorities(
            db,
            dialogue_id=dialogue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
            language=Language(language.value),
        )
    }
    weighted = {s.priority_id: s for s in representativeness.scores} if representativeness else {}
    ranked = sorted(total.priorities, key=lambda p: (p.schulze_rank, -p.score))
    return ResultsSection(
        priorities=[
            RankedPriority(
                id=p.id,
                title=titles[p.id][0],
                language=titles[p.id][1],
                rank=p.schulze_rank,
                score=p.score,
                score_low=p.score_low,
                score_high=p.score_high,
                first_choice_share=p.first_choice_share,
                top_three_share=p.top_three_share,
                weighted_by_buurt=weighted[p.id].weighted_by_buurt if p.id in weighted else None,
                weighted_by_age_band=weighted[p.id].weighted_by_age_band
                if p.id in weighted
                else None,
            )
            for p in ranked
        ],
        weighted=any(
            s.weighted_by_buurt is not None or s.weighted_by_age_band is not None
            for s in weighted.values()
        ),
    )
