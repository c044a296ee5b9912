"""Ideas: received masked and apart from their writer, moderated, turned into priorities."""

import hashlib
import hmac
from datetime import datetime

from sqlalchemy import Exists, exists, func, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from api.audit.service import record_event
from api.core.access import Actor
from api.core.constraints import refused_as
from api.core.db import utcnow
from api.core.problems import Conflict, InvalidInput, NotFound
from api.dialogues import service as dialogues
from api.dialogues.models import MAX_PRIORITIES, Dialogue, Priority
from api.dialogues.schemas import PriorityPublic
from api.ideas.masking import mask
from api.ideas.models import MAX_IDEAS_PER_PARTICIPANT, Idea, IdeaCount, IdeaStatus, new_idea_id
from api.ideas.schemas import (
    DraftDialogue,
    IdeaCreate,
    IdeaGroup,
    IdeaList,
    IdeaPublic,
    IdeaReceipt,
    IdeaTheme,
)
from api.sessions import service as sessions
from api.sessions.models import DialogueSession, SessionStatus
from api.sessions.service import OpenDialogueSession
from api.themes import service as themes
from api.themes.models import Theme

_COUNTS = IdeaCount.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table classes; its stubs do not declare it
_IDEAS = Idea.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table classes; its stubs do not declare it
MAX_TITLE = 120


def idea_count_key(*, participant_id: str, secret: str) -> str:
    """The key of a participant's `IdeaCount`: HMAC-SHA-256 with the app's secret."""
    return hmac.new(secret.encode(), f"ideas:{participant_id}".encode(), hashlib.sha256).hexdigest()


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def submit_idea(
    db: Session, *, participant_id: str, target: OpenDialogueSession, idea: IdeaCreate, secret: str
) -> IdeaReceipt:
    """Keep an idea, masked (not committed); at most three per person, counted under the
    person's lock in a count whose key needs `secret` (the app's secret key) to compute."""
    sessions.lock_participant(db, participant_id=participant_id)
    key = idea_count_key(participant_id=participant_id, secret=secret)
    sent = db.execute(select(_COUNTS.c.ideas).where(_COUNTS.c.key == key)).scalar() or 0
    if sent >= MAX_IDEAS_PER_PARTICIPANT:
        raise Conflict(
            f"You have already sent {MAX_IDEAS_PER_PARTICIPANT} ideas, the most one person "
            "can send. Thank you!",
            nl=f"Je hebt al {MAX_IDEAS_PER_PARTICIPANT} ideeën gestuurd, het meeste dat één "
            "persoon kan sturen. Dank je wel!",
            kind="idea-limit-reached",
        )
    masked = mask(idea.text)
    try:
        if sent:
            db.execute(update(_COUNTS).where(_COUNTS.c.key == key).values(ideas=sent + 1))
        else:
            db.execute(insert(_COUNTS).values(key=key, dialogue_id=target.dialogue_id, ideas=1))
        db.execute(
            insert(_IDEAS).values(
                id=new_idea_id(),
                dialogue_id=target.dialogue_id,
                received_hour=_hour(utcnow()),
                text=masked.text,
                masked_kinds=[kind.value for kind in masked.kinds],
                status=IdeaStatus.PENDING,
            )
        )
    except IntegrityError as error:  # another idea of the same person, at the same moment
        db.rollback()
        raise Conflict(
            "Another idea of yours was being saved at the same moment. Please send this one again.",
            nl="Er werd op hetzelfde moment een ander idee van je opgeslagen. Stuur dit nog "
            "een keer.",
            kind="idea-conflict",
        ) from error
    return IdeaReceipt(status=IdeaStatus.PENDING, ideas_left=MAX_IDEAS_PER_PARTICIPANT - sent - 1)


def _theme(theme: Theme | None) -> IdeaTheme | None:
    if theme is None:
        return None
    return IdeaTheme(id=theme.id, key=theme.key, name_nl=theme.name_nl, name_en=theme.name_en)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None


def _public(idea: Idea, theme: Theme | None) -> IdeaPublic:
    return IdeaPublic(
        id=idea.id,
        dialogue_id=idea.dialogue_id,
        text=idea.text,
        masked_kinds=idea.masked_kinds,  # type: ignore[arg-type]  # stored kinds are MaskedKind values; the column is typed list[str]
        status=idea.status,
        theme=_theme(theme),
        received_hour=idea.received_hour,
        priority_id=idea.priority_id,
    )


def list_ideas(
    db: Session,
    *,
    dialogue: Dialogue,
    actor: Actor,
    status: IdeaStatus | None,
    by_theme: bool,
) -> IdeaList:
    """The ideas the actor may read: coordinators and admins all of them (or those of
    `status`), analysts the approved ones only. By theme: the approved ones in groups."""
    manages = actor.can_manage(dialogue.municipality_id)
    query = (
        select(Idea, Theme)
        .join(Theme, Theme.id == Idea.theme_id, isouter=True)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
        .where(Idea.dialogue_id == dialogue.id)
        .order_by(Idea.received_hour, Idea.id)  # type: ignore[arg-type]  # SQLModel types the column as its Python value, not a SQL expression
    )
    if by_theme or not manages:
        query = query.where(Idea.status == IdeaStatus.APPROVED)
    elif status is not None:
        query = query.where(Idea.status == status)
    rows = [_public(idea, theme) for idea, theme in db.exec(query)]
    extra: dict = {"total": None, "themes": None, "draft_dialogues": None}
    if manages:
        extra["total"] = db.exec(
            select(func.count()).select_from(Idea).where(Idea.dialogue_id == dialogue.id)
        ).one()
        usable = themes.themes_by_key(db, municipality_id=dialogue.municipality_id)
        extra["themes"] = [_theme(t) for t in usable.values()]
        extra["draft_dialogues"] = _drafts(db, municipality_id=dialogue.municipality_id)
    if not by_theme:
        return IdeaList(dialogue_id=dialogue.id, ideas=rows, groups=None, **extra)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    groups: dict[int | None, IdeaGroup] = {}
    for idea in rows:
        key = idea.theme.id if idea.theme else None
        groups.setdefault(key, IdeaGroup(theme=idea.theme, ideas=[])).ideas.append(idea)
    ordered = sorted(
        groups.values(), key=lambda g: (g.theme is None, g.theme.name_nl if g.theme else "")
    )
    return IdeaList(dialogue_id=dialogue.id, ideas=[], groups=ordered, **extra)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None


def find_idea(db: Session, *, idea_id: str, actor: Actor) -> tuple[Idea, Dialogue]:
    """The idea and its dialogue, if the actor runs its municipality (else 404)."""
    idea = db.get(Idea, idea_id)
    dialogue = db.get(Dialogue, idea.dialogue_id) if idea else None
    if idea is None or dialogue is None or not actor.can_manage(dialogue.municipality_id):
        raise NotFound(
            f"There is no idea {idea_id} in your municipalities.",
            nl=f"Er is geen idee {idea_id} in uw gemeenten.",
        )
    return idea, dialogue


def _usable_theme(db: Session, *, municipality_id: int, theme_id: int) -> Theme:
    by_key = themes.themes_by_key(db, municipality_id=municipality_id)
    usable = {t.id: t for t in by_key.values()}
    if theme_id not in usable:
        raise InvalidInput(
            f"There is no theme {theme_id} in this municipality (see GET /themes).",
            nl=f"Er is geen thema {theme_id} in deze gemeente (zie GET /themes).",
            invalid_params=[("themeId", "unknown theme", "onbekend thema")],
        )
    return usable[theme_id]


def decide(
    db: Session,
    *,
    idea: Idea,
    dialogue: Dialogue,
    status: IdeaStatus,
    theme_id: int | None,
    theme_given: bool,
    actor: Actor,
) -> IdeaPublic:
    """Approve or reject an idea (and give it a theme); audited without the text."""
    theme = None
    if theme_given and theme_id is not None:
        theme = _usable_theme(db, municipality_id=dialogue.municipality_id, theme_id=theme_id)
    elif not theme_given and idea.theme_id is not None:
        theme = db.get(Theme, idea.theme_id)
    previous = idea.status
    idea.status = status
    idea.theme_id = theme.id if theme else None
    db.add(idea)
    record_event(
        db,
        actor_id=actor.user_id,
        action=f"idea.{status.value}",
        object_type="idea",
        object_id=idea.id,
        detail={"from": previous.value, "status": status.value, "themeId": idea.theme_id},
    )
    db.commit()
    return _public(idea, theme)


def _started(dialogue_id: int | None) -> Exists:
    return exists().where(
        DialogueSession.dialogue_id == dialogue_id,
        DialogueSession.status != SessionStatus.PLANNED,
    )


def _is_draft(db: Session, *, dialogue: Dialogue) -> bool:
    """A dialogue no session of which has opened yet (so nobody has ranked its priorities)."""
    return not db.exec(select(_started(dialogue.id))).one()


def _drafts(db: Session, *, municipality_id: int) -> list[DraftDialogue]:
    rows = db.exec(
        select(Dialogue.id, Dialogue.title)
        .where(Dialogue.municipality_id == municipality_id, ~_started(Dialogue.id))
        .order_by(Dialogue.starts_on, Dialogue.id)  # type: ignore[arg-type]  # SQLModel types the column as its Python value, not a SQL expression
    )
    return [DraftDialogue(id=i, title=title) for i, title in rows]


def _title(text: str) -> str:
    """The idea's text as a priority's title: whole words, at most 120 characters."""
    if len(text) <= MAX_TITLE:
        return text
    return text[: MAX_TITLE - 1].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"


def make_priority(
    db: Session, *, idea: Idea, dialogue: Dialogue, target: Dialogue, actor: Actor
) -> PriorityPublic:
    """Add an approved idea as the last priority of a draft dialogue of its municipality."""
    if target.municipality_id != dialogue.municipality_id:
        raise InvalidInput(
            "An idea can only become a priority of a dialogue of its own municipality.",
            nl="Een idee kan alleen een prioriteit worden van een dialoog van de eigen gemeente.",
            invalid_params=[
                ("dialogueId", "another municipality's dialogue", "dialoog van een andere gemeente")
            ],
        )
    if idea.status is not IdeaStatus.APPROVED:
        raise Conflict(
            "Only an approved idea can become a priority. Approve it first.",
            nl="Alleen een goedgekeurd idee kan een prioriteit worden. Keur het eerst goed.",
            kind="idea-not-approved",
        )
    if idea.theme_id is None:
        raise Conflict(
            "Give the idea a theme first: every priority has one.",
            nl="Geef het idee eerst een thema: elke prioriteit heeft er een.",
            kind="idea-without-theme",
        )
    if not _is_draft(db, dialogue=target):
        raise Conflict(
            f"Dialogue {target.id} is not a draft: one of its sessions has opened, so its "
            "priorities are fixed. Choose a dialogue that has not started yet.",
            nl=f"Dialoog {target.id} is geen concept meer: een van de sessies is al geopend, "
            "dus de prioriteiten liggen vast. Kies een dialoog die nog niet begonnen is.",
            kind="dialogue-not-draft",
        )
    current = dialogues.priorities_of(db, dialogue_id=target.id)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    title = _title(idea.text)
    if len(current) >= MAX_PRIORITIES or any(p.title == title for p in current):
        raise Conflict(
            f"Dialogue {target.id} already has {MAX_PRIORITIES} priorities or one with this title.",
            nl=f"Dialoog {target.id} heeft al {MAX_PRIORITIES} prioriteiten of een met deze titel.",
            kind="priority-not-added",
        )
    priority = Priority(
        dialogue_id=target.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        position=max((p.position for p in current), default=0) + 1,
        title=title,
        description=idea.text,
        theme_id=idea.theme_id,
    )
    db.add(priority)
    changed_meanwhile = Conflict(
        f"Dialogue {target.id} was changed at the same moment. Try again.",
        nl=f"Dialoog {target.id} werd op hetzelfde moment gewijzigd. Probeer het opnieuw.",
        kind="priority-not-added",
    )
    with refused_as(db, changed_meanwhile):  # the same title, added at the same moment
        db.flush()
    idea.priority_id = priority.id
    db.add(idea)
    record_event(
        db,
        actor_id=actor.user_id,
        action="idea.priority",
        object_type="idea",
        object_id=idea.id,
        detail={"dialogueId": target.id, "priorityId": priority.id},
    )
    db.commit()
    return next(
        p
        for p in dialogues.priorities_public(db, dialogue_id=target.id)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        if p.id == priority.id
    )
