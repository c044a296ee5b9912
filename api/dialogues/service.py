"""Dialogues and their priorities."""

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from api.core.access import Actor
from api.core.db import utcnow
from api.core.problems import Conflict, InvalidInput, NotFound
from api.dialogues.models import (
    Dialogue,
    DialogueCreate,
    DialoguePublic,
    DialogueUpdate,
    Priority,
    PriorityPublic,
)
from api.municipalities import service as municipalities
from api.themes import service as themes
from api.themes.models import Theme


def get_dialogue(session: Session, *, dialogue_id: int, actor: Actor | None) -> Dialogue:
    """The dialogue, if it exists and the actor may see it (else 404)."""
    dialogue = session.get(Dialogue, dialogue_id)
    if dialogue is None or (actor is not None and not actor.can_access(dialogue.municipality_id)):
        raise NotFound(f"There is no dialogue {dialogue_id} that you have access to.")
    return dialogue


def list_dialogues(
    session: Session, *, actor: Actor, municipality_code: str | None = None
) -> list[Dialogue]:
    """The dialogues the actor may see, newest first, optionally of one municipality."""
    query = select(Dialogue).order_by(Dialogue.starts_on.desc(), Dialogue.id.desc())  # type: ignore[attr-defined,union-attr]
    if municipality_code:
        municipality = municipalities.get_municipality(
            session, cbs_code=municipality_code, actor=actor
        )
        query = query.where(Dialogue.municipality_id == municipality.id)
    elif not actor.is_admin:
        query = query.where(Dialogue.municipality_id.in_(actor.municipality_ids))  # type: ignore[attr-defined]
    return list(session.exec(query))


def priorities_of(session: Session, *, dialogue_id: int) -> list[Priority]:
    """A dialogue's priorities in their order."""
    return list(
        session.exec(
            select(Priority).where(Priority.dialogue_id == dialogue_id).order_by(Priority.position)
        )
    )


def create_dialogue(session: Session, *, dialogue: DialogueCreate, actor: Actor) -> Dialogue:
    """Create a dialogue with its priorities, each tagged with a known theme."""
    municipality = municipalities.get_municipality(
        session, cbs_code=dialogue.municipality, actor=actor
    )
    assert municipality.id is not None
    known = themes.themes_by_key(session, municipality_id=municipality.id)
    _check_theme_keys(known, [p.theme_key for p in dialogue.priorities])
    row = Dialogue(
        municipality_id=municipality.id,
        title=dialogue.title,
        description=dialogue.description,
        starts_on=dialogue.starts_on,
        ends_on=dialogue.ends_on,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise Conflict(
            f"{municipality.name} already has a dialogue called '{dialogue.title}'."
        ) from error
    session.add_all(
        Priority(
            dialogue_id=row.id,  # type: ignore[arg-type]
            position=position,
            title=priority.title,
            description=priority.description,
            theme_id=known[priority.theme_key].id,  # type: ignore[arg-type]
        )
        for position, priority in enumerate(dialogue.priorities, 1)
    )
    session.commit()
    return row


def _check_theme_keys(known: dict[str, Theme], keys: list[str]) -> None:
    unknown = [(f"priorities.{i}.themeKey", k) for i, k in enumerate(keys) if k not in known]
    if unknown:
        raise InvalidInput(
            f"Unknown theme '{unknown[0][1]}'. Known themes: {', '.join(sorted(known))}.",
            invalid_params=[(field, f"unknown theme '{key}'") for field, key in unknown],
        )


def update_dialogue(
    session: Session,
    *,
    dialogue: Dialogue,
    changes: DialogueUpdate,
    has_ballots: bool,
) -> Dialogue:
    """Change a dialogue; with ballots in, priorities may be reworded but not added or removed."""
    fields = changes.model_dump(exclude_unset=True, exclude={"priorities"})
    starts_on = fields.get("starts_on") or dialogue.starts_on
    ends_on = fields.get("ends_on") or dialogue.ends_on
    if ends_on < starts_on:
        raise InvalidInput(
            "endsOn must be on or after startsOn.",
            invalid_params=[("endsOn", "before startsOn")],
        )
    title = fields.get("title")
    if title and title != dialogue.title and _title_taken(session, dialogue=dialogue, title=title):
        raise Conflict(f"Another dialogue of this municipality is already called '{title}'.")
    for name, value in fields.items():
        if value is not None:
            setattr(dialogue, name, value)
    if changes.priorities is not None:
        _replace_priorities(session, dialogue=dialogue, changes=changes, has_ballots=has_ballots)
    dialogue.updated_at = utcnow()
    session.add(dialogue)
    try:
        session.commit()
    except IntegrityError as error:  # a concurrent change took the title or used a priority
        session.rollback()
        raise Conflict(
            "The dialogue was changed at the same moment by someone else (or its new title "
            "was just taken). Reload it and try again."
        ) from error
    return dialogue


def _title_taken(session: Session, *, dialogue: Dialogue, title: str) -> bool:
    return (
        session.exec(
            select(Dialogue.id).where(
                Dialogue.municipality_id == dialogue.municipality_id,
                Dialogue.title == title,
                Dialogue.id != dialogue.id,
            )
        ).first()
        is not None
    )


def _replace_priorities(
    session: Session, *, dialogue: Dialogue, changes: DialogueUpdate, has_ballots: bool
) -> None:
    assert changes.priorities is not None
    current = {p.id: p for p in priorities_of(session, dialogue_id=dialogue.id)}  # type: ignore[arg-type]
    wanted_ids = [p.id for p in changes.priorities if p.id is not None]
    foreign = [i for i in wanted_ids if i not in current]
    if foreign:
        raise InvalidInput(
            f"Priority {foreign[0]} is not part of this dialogue.",
            invalid_params=[("priorities", f"unknown priority id {i}") for i in foreign],
        )
    twice = sorted({i for i in wanted_ids if wanted_ids.count(i) > 1})
    if twice:
        raise InvalidInput(
            f"Priority {twice[0]} is listed more than once; list each priority once.",
            invalid_params=[("priorities", f"priority id {i} listed twice") for i in twice],
        )
    if has_ballots and (
        set(wanted_ids) != set(current) or len(wanted_ids) != len(changes.priorities)
    ):
        raise Conflict(
            "Residents have already ranked these priorities, so none can be added or removed "
            "(that would change everyone's ballot). You can still reword them or change the order."
        )
    known = themes.themes_by_key(session, municipality_id=dialogue.municipality_id)
    _check_theme_keys(known, [p.theme_key for p in changes.priorities])
    # Titles are unique per dialogue: park the kept rows under temporary titles first so
    # that swapping two titles does not trip the constraint half-way.
    for priority in current.values():
        priority.title = f"~{priority.id}"
        session.add(priority)
    session.flush()
    removed = sorted(set(current) - set(wanted_ids))
    for removed_id in removed:
        session.delete(current[removed_id])
    try:
        session.flush()
    except IntegrityError as error:
        # Pledges (and, in a race, ballots) refer to priorities; the database keeps them.
        session.rollback()
        raise Conflict(
            "Residents' answers already refer to "
            + ("this priority" if len(removed) == 1 else "these priorities")
            + f" ({', '.join(map(str, removed))}): a pledge or ballot names it, so it cannot "
            "be removed. You can still reword it or change the order."
        ) from error
    for position, change in enumerate(changes.priorities, 1):
        row = current[change.id] if change.id is not None else Priority(dialogue_id=dialogue.id)  # type: ignore[arg-type]
        row.position = position
        row.title = change.title
        row.description = change.description
        row.theme_id = known[change.theme_key].id  # type: ignore[assignment]
        session.add(row)
    session.flush()


def priorities_public(session: Session, *, dialogue_id: int) -> list[PriorityPublic]:
    """A dialogue's priorities as residents and staff see them."""
    rows = session.exec(
        select(Priority, Theme.key, Theme.sdgs)
        .join(Theme, Theme.id == Priority.theme_id)  # type: ignore[arg-type]
        .where(Priority.dialogue_id == dialogue_id)
        .order_by(Priority.position)
    )
    return [
        PriorityPublic(
            id=p.id,  # type: ignore[arg-type]
            title=p.title,
            description=p.description,
            theme_key=key,
            sdgs=sorted(sdgs or []),
            position=p.position,
        )
        for p, key, sdgs in rows
    ]


def to_public(session: Session, dialogue: Dialogue) -> DialoguePublic:
    """The API view of a dialogue with its priorities."""
    municipality = municipalities.get_municipality_by_id(
        session, municipality_id=dialogue.municipality_id
    )
    return DialoguePublic(
        id=dialogue.id,  # type: ignore[arg-type]
        municipality=municipality.cbs_code,
        title=dialogue.title,
        description=dialogue.description,
        starts_on=dialogue.starts_on,
        ends_on=dialogue.ends_on,
        priorities=priorities_public(session, dialogue_id=dialogue.id),  # type: ignore[arg-type]
        created_at=dialogue.created_at,
        updated_at=dialogue.updated_at,
    )
