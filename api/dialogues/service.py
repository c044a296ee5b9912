"""Dialogues and their priorities."""

from sqlmodel import Session, select

from api.core.access import Actor
from api.core.constraints import refused_as
from api.core.db import utcnow
from api.core.problems import Conflict, InvalidInput, NotFound
from api.core.translations import Language, in_language, stored_translations
from api.dialogues.models import Dialogue, Priority
from api.dialogues.schemas import (
    DialogueCreate,
    DialoguePublic,
    DialogueText,
    DialogueUpdate,
    PriorityPublic,
    PriorityText,
    ResidentPriority,
)
from api.municipalities import service as municipalities
from api.themes import service as themes
from api.themes.models import Theme


def get_dialogue(db: Session, *, dialogue_id: int, actor: Actor | None) -> Dialogue:
    """The dialogue, if it exists and the actor may see it (else 404)."""
    dialogue = db.get(Dialogue, dialogue_id)
    if dialogue is None or (actor is not None and not actor.can_access(dialogue.municipality_id)):
        raise NotFound(
            f"There is no dialogue {dialogue_id} that you have access to.",
            nl=f"Er is geen dialoog {dialogue_id} waar u toegang toe hebt.",
        )
    return dialogue


def list_dialogues(
    db: Session, *, actor: Actor, municipality_code: str | None = None
) -> list[Dialogue]:
    """The dialogues the actor may see, newest first, optionally of one municipality."""
    query = select(Dialogue).order_by(Dialogue.starts_on.desc(), Dialogue.id.desc())  # type: ignore[attr-defined,union-attr]  # SQLModel types the column as its Python value, not a SQL expression
    if municipality_code:
        municipality = municipalities.get_municipality(db, cbs_code=municipality_code, actor=actor)
        query = query.where(Dialogue.municipality_id == municipality.id)
    elif not actor.is_admin:
        query = query.where(Dialogue.municipality_id.in_(actor.municipality_ids))  # type: ignore[attr-defined]  # SQLModel types the column as its Python value, not a SQL expression
    return list(db.exec(query))


def priorities_of(db: Session, *, dialogue_id: int) -> list[Priority]:
    """A dialogue's priorities in their order."""
    return list(
        db.exec(
            select(Priority).where(Priority.dialogue_id == dialogue_id).order_by(Priority.position)
        )
    )


def create_dialogue(db: Session, *, dialogue: DialogueCreate, actor: Actor) -> Dialogue:
    """Create a dialogue with its priorities, each tagged with a known theme."""
    municipality = municipalities.get_municipality(db, cbs_code=dialogue.municipality, actor=actor)
    assert municipality.id is not None
    known = themes.themes_by_key(db, municipality_id=municipality.id)
    _check_theme_keys(known, [p.theme_key for p in dialogue.priorities])
    row = Dialogue(
        municipality_id=municipality.id,
        title=dialogue.title,
        description=dialogue.description,
        translations=stored_translations(dialogue.translations),
        starts_on=dialogue.starts_on,
        ends_on=dialogue.ends_on,
    )
    db.add(row)
    title_taken = Conflict(
        f"{municipality.name} already has a dialogue called '{dialogue.title}'.",
        nl=f"{municipality.name} heeft al een dialoog met de naam '{dialogue.title}'.",
    )
    with refused_as(db, title_taken):
        db.flush()
    db.add_all(
        Priority(
            dialogue_id=row.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
            position=position,
            title=priority.title,
            description=priority.description,
            translations=stored_translations(priority.translations),
            theme_id=known[priority.theme_key].id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        )
        for position, priority in enumerate(dialogue.priorities, 1)
    )
    db.commit()
    return row


def _check_theme_keys(known: dict[str, Theme], keys: list[str]) -> None:
    unknown = [(f"priorities.{i}.themeKey", k) for i, k in enumerate(keys) if k not in known]
    if unknown:
        raise InvalidInput(
            f"Unknown theme '{unknown[0][1]}'. Known themes: {', '.join(sorted(known))}.",
            nl=f"Onbekend thema '{unknown[0][1]}'. Bekende thema's: {', '.join(sorted(known))}.",
            invalid_params=[
                (field, f"unknown theme '{key}'", f"onbekend thema '{key}'")
                for field, key in unknown
            ],
        )


def update_dialogue(
    db: Session,
    *,
    dialogue: Dialogue,
    changes: DialogueUpdate,
    has_ballots: bool,
) -> Dialogue:
    """Change a dialogue; with ballots in, priorities may be reworded but not added or removed."""
    fields = changes.model_dump(exclude_unset=True, exclude={"priorities", "translations"})
    starts_on = fields.get("starts_on") or dialogue.starts_on
    ends_on = fields.get("ends_on") or dialogue.ends_on
    if ends_on < starts_on:
        raise InvalidInput(
            "endsOn must be on or after startsOn.",
            nl="endsOn moet op of na startsOn liggen.",
            invalid_params=[("endsOn", "before startsOn", "ligt voor startsOn")],
        )
    title = fields.get("title")
    if title and title != dialogue.title and _title_taken(db, dialogue=dialogue, title=title):
        raise Conflict(
            f"Another dialogue of this municipality is already called '{title}'.",
            nl=f"Een andere dialoog van deze gemeente heet al '{title}'.",
        )
    for name, value in fields.items():
        if value is not None:
            setattr(dialogue, name, value)
    if "translations" in changes.model_fields_set:
        dialogue.translations = stored_translations(changes.translations)
    if changes.priorities is not None:
        _replace_priorities(db, dialogue=dialogue, changes=changes, has_ballots=has_ballots)
    dialogue.updated_at = utcnow()
    db.add(dialogue)
    changed_meanwhile = Conflict(
        "The dialogue was changed at the same moment by someone else (or its new title "
        "was just taken). Reload it and try again.",
        nl="Iemand anders heeft de dialoog op hetzelfde moment gewijzigd (of de nieuwe naam "
        "is net in gebruik genomen). Laad de dialoog opnieuw en probeer het nog eens.",
    )
    with refused_as(db, changed_meanwhile):  # a concurrent change took the title or a priority
        db.commit()
    return dialogue


def _title_taken(db: Session, *, dialogue: Dialogue, title: str) -> bool:
    return (
        db.exec(
            select(Dialogue.id).where(
                Dialogue.municipality_id == dialogue.municipality_id,
                Dialogue.title == title,
                Dialogue.id != dialogue.id,
            )
        ).first()
        is not None
    )


def _replace_priorities(
    db: Session, *, dialogue: Dialogue, changes: DialogueUpdate, has_ballots: bool
) -> None:
    assert changes.priorities is not None
    current = {p.id: p for p in priorities_of(db, dialogue_id=dialogue.id)}  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    wanted_ids = [p.id for p in changes.priorities if p.id is not None]
    foreign = [i for i in wanted_ids if i not in current]
    if foreign:
        raise InvalidInput(
            f"Priority {foreign[0]} is not part of this dialogue.",
            nl=f"Prioriteit {foreign[0]} hoort niet bij deze dialoog.",
            invalid_params=[
                ("priorities", f"unknown priority id {i}", f"onbekende prioriteit-id {i}")
                for i in foreign
            ],
        )
    twice = sorted({i for i in wanted_ids if wanted_ids.count(i) > 1})
    if twice:
        raise InvalidInput(
            f"Priority {twice[0]} is listed more than once; list each priority once.",
            nl=f"Prioriteit {twice[0]} staat er meer dan één keer in; noem elke prioriteit één keer.",
            invalid_params=[
                (
                    "priorities",
                    f"priority id {i} listed twice",
                    f"prioriteit-id {i} staat er twee keer in",
                )
                for i in twice
            ],
        )
    if has_ballots and (
        set(wanted_ids) != set(current) or len(wanted_ids) != len(changes.priorities)
    ):
        raise Conflict(
            "Residents have already ranked these priorities, so none can be added or removed "
            "(that would change everyone's ballot). You can still reword them or change the order.",
            nl="Inwoners hebben deze prioriteiten al gerangschikt, dus u kunt er geen toevoegen of "
            "weghalen (dat zou ieders stem veranderen). U kunt ze nog wel anders verwoorden of de "
            "volgorde veranderen.",
        )
    known = themes.themes_by_key(db, municipality_id=dialogue.municipality_id)
    _check_theme_keys(known, [p.theme_key for p in changes.priorities])
    # Titles are unique per dialogue: park the kept rows under temporary titles first so
    # that swapping two titles does not trip the constraint half-way.
    for priority in current.values():
        priority.title = f"~{priority.id}"
        db.add(priority)
    db.flush()
    removed = sorted(set(current) - set(wanted_ids))
    for removed_id in removed:
        db.delete(current[removed_id])
    answered = Conflict(
        "Residents' answers already refer to "
        + ("this priority" if len(removed) == 1 else "these priorities")
        + f" ({', '.join(map(str, removed))}): a pledge or ballot names it, so it cannot "
        "be removed. You can still reword it or change the order.",
        nl="Antwoorden van inwoners verwijzen al naar "
        + ("deze prioriteit" if len(removed) == 1 else "deze prioriteiten")
        + f" ({', '.join(map(str, removed))}): een toezegging of stem noemt die, dus die kan "
        "niet weg. U kunt de tekst nog wel aanpassen of de volgorde veranderen.",
    )
    # Pledges (and, in a race, ballots) refer to priorities; the database keeps them.
    with refused_as(db, answered):
        db.flush()
    for position, change in enumerate(changes.priorities, 1):
        row = current[change.id] if change.id is not None else Priority(dialogue_id=dialogue.id)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        row.position = position
        row.title = change.title
        row.description = change.description
        if "translations" in change.model_fields_set or change.id is None:
            row.translations = stored_translations(change.translations)
        row.theme_id = known[change.theme_key].id  # type: ignore[assignment]  # a stored row's id is set; SQLModel types it int | None
        db.add(row)
    db.flush()


def _priority_rows(
    db: Session, *, dialogue_id: int
) -> list[tuple[Priority, str, list[int] | None]]:
    return list(
        db.exec(
            select(Priority, Theme.key, Theme.sdgs)
            .join(Theme, Theme.id == Priority.theme_id)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
            .where(Priority.dialogue_id == dialogue_id)
            .order_by(Priority.position)
        )
    )


def priorities_public(db: Session, *, dialogue_id: int) -> list[PriorityPublic]:
    """A dialogue's priorities as staff see them, with their translations."""
    return [
        PriorityPublic(
            id=p.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
            title=p.title,
            description=p.description,
            theme_key=key,
            sdgs=sorted(sdgs or []),
            position=p.position,
            translations={
                language: PriorityText.model_validate(text)
                for language, text in (p.translations or {}).items()
            },
        )
        for p, key, sdgs in _priority_rows(db, dialogue_id=dialogue_id)
    ]


def resident_priorities(
    db: Session, *, dialogue_id: int, language: Language
) -> list[ResidentPriority]:
    """A dialogue's priorities in `language`, each in Dutch where it has no translation."""
    priorities = []
    for p, key, sdgs in _priority_rows(db, dialogue_id=dialogue_id):
        texts, found = in_language(
            {"title": p.title, "description": p.description}, p.translations, language
        )
        priorities.append(
            ResidentPriority(
                id=p.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
                theme_key=key,
                sdgs=sorted(sdgs or []),
                position=p.position,
                language=found,
                **texts,
            )
        )
    return priorities


def to_public(db: Session, dialogue: Dialogue) -> DialoguePublic:
    """The API view of a dialogue with its priorities."""
    municipality = municipalities.get_municipality_by_id(
        db, municipality_id=dialogue.municipality_id
    )
    return DialoguePublic(
        id=dialogue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        municipality=municipality.cbs_code,
        title=dialogue.title,
        description=dialogue.description,
        translations={
            language: DialogueText.model_validate(text)
            for language, text in (dialogue.translations or {}).items()
        },
        starts_on=dialogue.starts_on,
        ends_on=dialogue.ends_on,
        region_id=dialogue.region_id,
        priorities=priorities_public(db, dialogue_id=dialogue.id),  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        created_at=dialogue.created_at,
        updated_at=dialogue.updated_at,
    )
