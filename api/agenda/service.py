"""The agenda of a dialogue and the report back: plain functions on a database session."""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from api.agenda.models import AgendaItem, AgendaItemPriority, ReportBackResponse
from api.agenda.schemas import (
    AgendaItem as AgendaItemOut,
)
from api.agenda.schemas import (
    AgendaItemCreate,
    AgendaItemPublic,
    AgendaItemRef,
    AgendaItemText,
    AgendaItemUpdate,
    Contributions,
    OrganisationContribution,
    ReasonText,
    ReportBack,
    ReportBackItem,
    ReportBackPriority,
    ReportBackUpdate,
)
from api.context.indicators import find_indicator
from api.context.models import WellbeingFigure
from api.core.access import Actor
from api.core.db import utcnow
from api.core.problems import Conflict, InvalidInput, NotFound
from api.core.translations import DEFAULT_LANGUAGE, Language, in_language, stored_translations
from api.dialogues import service as dialogues
from api.dialogues.models import Dialogue, Priority
from api.pledges.models import Pledge
from api.results.layout import min_group_size_of
from api.results.models import ReleasedPledge
from api.results.service import has_ended


def get_item(db: Session, *, item_id: int, actor: Actor) -> AgendaItem:
    """The agenda item, if it exists and the actor works in its municipality (else 404)."""
    item = db.get(AgendaItem, item_id)
    dialogue = db.get(Dialogue, item.dialogue_id) if item is not None else None
    if item is None or dialogue is None or not actor.can_access(dialogue.municipality_id):
        raise NotFound(
            f"There is no agenda item {item_id} that you have access to.",
            nl=f"Er is geen agendapunt {item_id} waar u toegang toe hebt.",
        )
    return item


def _lock(db: Session, table: type[AgendaItem] | type[Dialogue], row_id: int | None) -> None:
    """Lock the row until commit (PostgreSQL; SQLite has one writer at a time anyway)."""
    db.exec(select(table).where(table.id == row_id).with_for_update()).one()  # type: ignore[arg-type,attr-defined]  # `table` is one of two table classes, each with an id column; the comparison is a SQL expression


def item_of_dialogue(db: Session, *, item_id: int, dialogue_id: int) -> AgendaItem:
    """The agenda item, if it belongs to this dialogue (else a 400 naming `agendaItemId`)."""
    item = db.get(AgendaItem, item_id)
    if item is None or item.dialogue_id != dialogue_id:
        raise InvalidInput(
            f"Agenda item {item_id} is not on the agenda of this pledge's dialogue.",
            nl=f"Agendapunt {item_id} staat niet op de agenda van de dialoog van deze toezegging.",
            invalid_params=[
                (
                    "agendaItemId",
                    "not an agenda item of the pledge's dialogue",
                    "geen agendapunt van de dialoog van de toezegging",
                )
            ],
        )
    return item


def items_of(db: Session, *, dialogue_id: int) -> list[AgendaItem]:
    """A dialogue's agenda items: short term first, then by start (none last) and id."""
    return list(
        db.exec(
            select(AgendaItem)
            .where(AgendaItem.dialogue_id == dialogue_id)
            # "short" sorts after "long": descending puts the short term first. Items without
            # a start come last on both databases (their NULL order differs).
            .order_by(
                AgendaItem.horizon.desc(),  # type: ignore[attr-defined]  # SQLModel types the column as its Python value, not a SQL expression
                AgendaItem.starts_on.is_(None),  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
                AgendaItem.starts_on,
                AgendaItem.id,
            )
        )
    )


def _check_priorities(
    db: Session, *, dialogue: Dialogue, ids: Sequence[int], param: str = "priorityIds.{}"
) -> list[int]:
    """The dialogue's priority ids, in order; a 400 naming each of `ids` (at `param` with its
    index) that is not one of them."""
    own = [p.id for p in dialogues.priorities_of(db, dialogue_id=dialogue.id)]  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    foreign = [(i, pid) for i, pid in enumerate(ids) if pid not in own]
    if foreign:
        raise InvalidInput(
            f"Priority {foreign[0][1]} is not a priority of this dialogue.",
            nl=f"Prioriteit {foreign[0][1]} is geen prioriteit van deze dialoog.",
            invalid_params=[
                (
                    param.format(i),
                    f"priority {pid} is not part of this dialogue",
                    f"prioriteit {pid} hoort niet bij deze dialoog",
                )
                for i, pid in foreign
            ],
        )
    return own  # type: ignore[return-value]  # a stored row's id is set; SQLModel types it int | None


def _indicator_label(db: Session, *, dialogue: Dialogue, indicator: str) -> str:
    """The photo's label of the indicator: a curated one, or one the municipality imported."""
    known = find_indicator(indicator)
    if known is not None:
        return known.label
    imported = db.exec(
        select(WellbeingFigure.indicator)
        .where(WellbeingFigure.municipality_id == dialogue.municipality_id)
        .where(func.lower(WellbeingFigure.indicator) == indicator.lower())
    ).first()
    if imported is None:
        raise InvalidInput(
            f"'{indicator}' is not an indicator of the municipality's photo.",
            nl=f"'{indicator}' is geen indicator van de foto van de gemeente.",
            invalid_params=[
                (
                    "indicator",
                    "use a label as GET /municipalities/{cbsCode}/wellbeing lists it",
                    "gebruik een label zoals GET /municipalities/{cbsCode}/wellbeing het noemt",
                )
            ],
        )
    return imported


def _link_priorities(db: Session, *, item: AgendaItem, priority_ids: Iterable[int]) -> None:
    db.execute(
        delete(AgendaItemPriority).where(AgendaItemPriority.agenda_item_id == item.id)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
    )
    db.add_all(
        AgendaItemPriority(agenda_item_id=item.id, priority_id=pid, dialogue_id=item.dialogue_id)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        for pid in priority_ids
    )


def _check_dates(item: AgendaItem) -> None:
    if item.starts_on and item.ends_on and item.ends_on < item.starts_on:
        raise InvalidInput(
            "endsOn must be on or after startsOn.",
            nl="endsOn moet op of na startsOn liggen.",
            invalid_params=[("endsOn", "before startsOn", "ligt voor startsOn")],
        )


def create_item(db: Session, *, dialogue: Dialogue, body: AgendaItemCreate) -> AgendaItem:
    """Put an item on the dialogue's agenda."""
    _check_priorities(db, dialogue=dialogue, ids=body.priority_ids)
    fields = body.model_dump(exclude={"priority_ids", "translations", "indicator"})
    item = AgendaItem(dialogue_id=dialogue.id, **fields)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    if body.indicator is not None:
        item.indicator = _indicator_label(db, dialogue=dialogue, indicator=body.indicator)
    item.translations = stored_translations(body.translations)
    db.add(item)
    db.flush()
    _link_priorities(db, item=item, priority_ids=body.priority_ids)
    db.commit()
    return item


def update_item(db: Session, *, item: AgendaItem, changes: AgendaItemUpdate) -> AgendaItem:
    """Change the fields given; null empties the indicator, dates or budget line."""
    _lock(db, AgendaItem, item.id)  # two updates at once replace the links in turn
    dialogue = db.get(Dialogue, item.dialogue_id)
    assert dialogue is not None
    given = changes.model_fields_set
    if changes.priority_ids is not None:
        _check_priorities(db, dialogue=dialogue, ids=changes.priority_ids)
    fields = changes.model_dump(
        include=given - {"priority_ids", "translations", "indicator"}, exclude_unset=True
    )
    for name, value in fields.items():
        setattr(item, name, value)
    if "indicator" in given:
        item.indicator = (
            None
            if changes.indicator is None
            else _indicator_label(db, dialogue=dialogue, indicator=changes.indicator)
        )
    _check_dates(item)
    if "translations" in given:
        item.translations = stored_translations(changes.translations)
    if changes.priority_ids is not None:
        _link_priorities(db, item=item, priority_ids=changes.priority_ids)
    item.updated_at = utcnow()
    db.add(item)
    db.commit()
    return item


def delete_item(db: Session, *, item: AgendaItem) -> None:
    """Take the item off the agenda; pledges linked to it are kept, unlinked."""
    db.execute(
        update(Pledge).where(Pledge.agenda_item_id == item.id).values(agenda_item_id=None)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
    )
    db.delete(item)
    db.commit()


def organisation_contributions(
    db: Session, *, agenda_item_ids: Sequence[int]
) -> dict[int, list[OrganisationContribution]]:
    """Organisations' and businesses' released pledges per agenda item, by their public name."""
    answer: dict[int, list[OrganisationContribution]] = {item_id: [] for item_id in agenda_item_ids}
    if not agenda_item_ids:
        return answer
    rows = db.exec(
        select(Pledge)
        .join(ReleasedPledge, ReleasedPledge.pledge_id == Pledge.id)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
        .where(Pledge.agenda_item_id.in_(agenda_item_ids))  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
        .where(Pledge.organisation_name.is_not(None))  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
        .order_by(Pledge.organisation_name, Pledge.id)  # type: ignore[arg-type]  # SQLModel types the column as its Python value, not a SQL expression
    )
    for pledge in rows:
        answer[pledge.agenda_item_id].append(  # type: ignore[index]  # filtered on the ids above
            OrganisationContribution(
                name=pledge.organisation_name,  # type: ignore[arg-type]  # filtered: not None
                kind=pledge.organisation_kind or "",
                description=pledge.text,
            )
        )
    return answer


def _resident_pledge_counts(
    db: Session, *, dialogue_id: int, agenda_item_ids: Sequence[int]
) -> dict[int, int]:
    """Released pledges of residents (no organisation named) linked to each item: only what
    the pledge totals already count."""
    if not agenda_item_ids:
        return {}
    rows = db.execute(
        select(Pledge.agenda_item_id, func.count())
        .join(ReleasedPledge, ReleasedPledge.pledge_id == Pledge.id)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
        .where(Pledge.dialogue_id == dialogue_id)
        .where(Pledge.agenda_item_id.in_(agenda_item_ids))  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
        .where(Pledge.organisation_name.is_(None))  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
        .group_by(Pledge.agenda_item_id)
    ).all()
    return {item_id: count for item_id, count in rows}


def _contributions(
    db: Session, *, dialogue: Dialogue, items: Sequence[AgendaItem]
) -> dict[int, Contributions]:
    ids = [item.id for item in items]
    organisations = organisation_contributions(db, agenda_item_ids=ids)  # type: ignore[arg-type]  # the ids of stored rows are set; SQLModel types them int | None
    counts = _resident_pledge_counts(db, dialogue_id=dialogue.id, agenda_item_ids=ids)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    minimum = min_group_size_of(db, dialogue)
    answer = {}
    for item_id in ids:
        count = counts.get(item_id, 0)  # type: ignore[call-overload]  # a stored row's id is set; SQLModel types it int | None
        shown = count >= minimum
        answer[item_id] = Contributions(
            organisations=organisations.get(item_id, []),  # type: ignore[call-overload]  # a stored row's id is set; SQLModel types it int | None
            resident_pledges=count if shown else None,
            resident_pledges_at_least=minimum if shown else None,
        )
    return answer


def _priority_links(db: Session, *, dialogue_id: int) -> dict[int, list[int]]:
    """Per agenda item, the ids of its priorities."""
    links: dict[int, list[int]] = defaultdict(list)
    rows = db.exec(select(AgendaItemPriority).where(AgendaItemPriority.dialogue_id == dialogue_id))
    for link in rows:
        links[link.agenda_item_id].append(link.priority_id)
    return links


def _ordered(priority_ids: list[int], order: dict[int, int]) -> list[int]:
    return sorted(priority_ids, key=lambda pid: order.get(pid, 0))


def _public_item(
    item: AgendaItem, *, language: Language, priority_ids: list[int], contributions: Contributions
) -> AgendaItemPublic:
    texts, shown_in = in_language(
        {"title": item.title, "goal": item.goal}, item.translations, language
    )
    return AgendaItemPublic(
        id=item.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        dialogue_id=item.dialogue_id,
        title=texts["title"],
        goal=texts["goal"],
        language=shown_in,
        priority_ids=priority_ids,
        indicator=item.indicator,
        owner=item.owner,
        partners=list(item.partners),
        horizon=item.horizon,
        starts_on=item.starts_on,
        ends_on=item.ends_on,
        status=item.status,
        contributions=contributions,
    )


def agenda_of(db: Session, *, dialogue: Dialogue, language: Language) -> list[AgendaItemPublic]:
    """The dialogue's agenda as anyone may read it (once published), in `language`.

    Published or not: callers show it to the public only once `report_back_published_at` is set."""
    items = items_of(db, dialogue_id=dialogue.id)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    links = _priority_links(db, dialogue_id=dialogue.id)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    order = {p.id: p.position for p in dialogues.priorities_of(db, dialogue_id=dialogue.id)}  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    contributions = _contributions(db, dialogue=dialogue, items=items)
    return [
        _public_item(
            item,
            language=language,
            priority_ids=_ordered(links[item.id], order),  # type: ignore[arg-type,index]  # a stored row's id is set; SQLModel types it int | None
            contributions=contributions[item.id],  # type: ignore[index]  # a stored row's id is set; SQLModel types it int | None
        )
        for item in items
    ]


def staff_item(db: Session, *, item: AgendaItem) -> AgendaItemOut:
    """One agenda item as staff edit it: Dutch texts, translations, budget line."""
    dialogue = db.get(Dialogue, item.dialogue_id)
    assert dialogue is not None
    return next(i for i in staff_agenda(db, dialogue=dialogue) if i.id == item.id)


def staff_agenda(db: Session, *, dialogue: Dialogue) -> list[AgendaItemOut]:
    """The dialogue's agenda as staff edit it: Dutch texts, translations, budget line."""
    rows = {item.id: item for item in items_of(db, dialogue_id=dialogue.id)}  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    return [
        AgendaItemOut(
            **public.model_dump(),
            budget_line=rows[public.id].budget_line,
            translations={
                Language(code): AgendaItemText.model_validate(text)
                for code, text in (rows[public.id].translations or {}).items()
            },
            created_at=rows[public.id].created_at,
            updated_at=rows[public.id].updated_at,
        )
        for public in agenda_of(db, dialogue=dialogue, language=DEFAULT_LANGUAGE)
    ]


def is_published(dialogue: Dialogue) -> bool:
    """Whether the dialogue's report back (and with it its agenda) is public."""
    return dialogue.report_back_published_at is not None


def readable_dialogue(db: Session, *, dialogue_id: int, actor: Actor | None) -> Dialogue:
    """The dialogue whose agenda and report back the actor reads; for anyone (None) only once
    the report back is published."""
    dialogue = dialogues.get_dialogue(db, dialogue_id=dialogue_id, actor=actor)
    if actor is None and not is_published(dialogue):
        raise NotFound(
            f"Dialogue {dialogue_id} has not reported back yet.",
            nl=f"Dialoog {dialogue_id} heeft nog niet teruggekoppeld.",
        )
    return dialogue


def report_back_of(db: Session, *, dialogue: Dialogue, language: Language) -> ReportBack:
    """The report back in `language` (Dutch where not translated), draft or published.

    Callers show it to the public only once `published` is true."""
    responses = {
        r.priority_id: r
        for r in db.exec(
            select(ReportBackResponse).where(ReportBackResponse.dialogue_id == dialogue.id)
        )
    }
    items = {item.id: item for item in items_of(db, dialogue_id=dialogue.id)}  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    following: dict[int, list[AgendaItemRef]] = defaultdict(list)
    for item_id, priority_ids in _priority_links(db, dialogue_id=dialogue.id).items():  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        item = items[item_id]
        texts, _ = in_language({"title": item.title}, item.translations, language)
        for priority_id in priority_ids:
            following[priority_id].append(
                AgendaItemRef(
                    id=item_id, title=texts["title"], status=item.status, horizon=item.horizon
                )
            )
    answered = []
    for priority in dialogues.priorities_of(db, dialogue_id=dialogue.id):  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        response = responses.get(priority.id)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        if response is None:
            continue
        answered.append(_report_back_item(priority, response, language, following[priority.id]))  # type: ignore[index]  # a stored row's id is set; SQLModel types it int | None
    return ReportBack(
        dialogue_id=dialogue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        published=is_published(dialogue),
        published_at=dialogue.report_back_published_at,
        responses=answered,
    )


def _report_back_item(
    priority: Priority,
    response: ReportBackResponse,
    language: Language,
    agenda_items: list[AgendaItemRef],
) -> ReportBackItem:
    names, _ = in_language(
        {"title": priority.title, "description": priority.description},
        priority.translations,
        language,
    )
    reason, shown_in = in_language({"reason": response.reason}, response.translations, language)
    return ReportBackItem(
        priority_id=priority.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        priority=ReportBackPriority(id=priority.id, **names),  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        decision=response.decision,
        reason=reason["reason"],
        language=shown_in,
        translations={
            Language(code): ReasonText.model_validate(text)
            for code, text in (response.translations or {}).items()
        },
        agenda_items=agenda_items,
    )


def save_report_back(db: Session, *, dialogue: Dialogue, body: ReportBackUpdate) -> None:
    """Replace the responses, and publish or withdraw the report back.

    Publishing needs a response to every priority and the dialogue's last day passed."""
    _lock(db, Dialogue, dialogue.id)  # two saves at once replace the responses in turn
    ids = [r.priority_id for r in body.responses]
    own = _check_priorities(db, dialogue=dialogue, ids=ids, param="responses.{}.priorityId")
    twice = [(i, pid) for i, pid in enumerate(ids) if pid in ids[:i]]
    if twice:
        raise InvalidInput(
            f"Priority {twice[0][1]} has more than one response; give each priority one.",
            nl=f"Prioriteit {twice[0][1]} heeft meer dan één antwoord; geef elke prioriteit er één.",
            invalid_params=[
                (
                    f"responses.{i}.priorityId",
                    f"priority {pid} was answered before in this list",
                    f"prioriteit {pid} is eerder in deze lijst al beantwoord",
                )
                for i, pid in twice
            ],
        )
    if body.published:
        missing = [pid for pid in own if pid not in ids]
        if missing:
            raise Conflict(
                f"Answer every priority before publishing: {len(missing)} still without a "
                f"response (priority {', '.join(map(str, missing))}).",
                nl=f"Beantwoord elke prioriteit voordat u publiceert: nog {len(missing)} zonder "
                f"antwoord (prioriteit {', '.join(map(str, missing))}).",
                kind="report-back-incomplete",
            )
        if not has_ended(dialogue):
            raise Conflict(
                f"The dialogue runs until {dialogue.ends_on:%Y-%m-%d}: publish the report back "
                "after its last day. You can save it as a draft until then.",
                nl=f"De dialoog loopt tot en met {dialogue.ends_on:%d-%m-%Y}: publiceer de "
                "terugkoppeling na de laatste dag. Tot dan kunt u haar als concept bewaren.",
                kind="dialogue-not-ended",
            )
    db.execute(
        delete(ReportBackResponse).where(ReportBackResponse.dialogue_id == dialogue.id)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
    )
    db.add_all(
        ReportBackResponse(
            dialogue_id=dialogue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
            priority_id=r.priority_id,
            decision=r.decision,
            reason=r.reason,
            translations=stored_translations(r.translations),
        )
        for r in body.responses
    )
    if not body.published:
        dialogue.report_back_published_at = None
    elif dialogue.report_back_published_at is None:
        dialogue.report_back_published_at = utcnow()
    db.add(dialogue)
    db.commit()
