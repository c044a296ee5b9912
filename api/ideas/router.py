"""Residents' ideas: sent masked, read and moderated by the municipality."""

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status
from fastapi.responses import JSONResponse

from api.core.access import Actor, Role
from api.core.db import SessionDep
from api.core.deps import ResourceId
from api.dialogues import service as dialogues
from api.dialogues.schemas import PriorityPublic
from api.ideas import service
from api.ideas.models import IDEA_ID_PATTERN, IdeaStatus
from api.ideas.schemas import (
    IdeaCreate,
    IdeaDecision,
    IdeaList,
    IdeaPublic,
    IdeaReceipt,
    IdeaToPriority,
)
from api.idempotency.http import write_responses
from api.sessions.resident_writes import ResidentWriteDep
from api.staff.dependencies import ManagerActor, require_role

router = APIRouter(tags=["Ideas"])

IdeaReaderActor = Annotated[Actor, Depends(require_role(Role.ANALYST))]
IdeaId = Annotated[
    str,
    Path(
        alias="id",
        pattern=IDEA_ID_PATTERN,
        description="The idea's id as `GET /dialogues/{id}/ideas` lists it.",
    ),
]


class IdeaGrouping(StrEnum):
    """How to group the ideas."""

    THEME = "theme"


@router.post(
    "/sessions/{id}/ideas",
    response_model=IdeaReceipt,
    status_code=status.HTTP_201_CREATED,
    responses=write_responses("Session not open, three ideas sent, or key in use."),
)
async def send_idea(body: IdeaCreate, resident: ResidentWriteDep) -> JSONResponse:
    """Say what is missing (≤ 280 characters); held for moderation, contact details masked."""
    secret = resident.request.app.state.settings.signing_key()
    return await resident.run(
        body=body,
        status=status.HTTP_201_CREATED,
        write=lambda db, target: service.submit_idea(
            db, participant_id=resident.participant_id, target=target, idea=body, secret=secret
        ),
    )


@router.get(
    "/dialogues/{id}/ideas",
    response_model=IdeaList,
    responses={
        403: {"description": "Facilitators do not read ideas."},
        404: {"description": "No such dialogue in your municipalities."},
    },
)
def list_ideas(
    dialogue_id: ResourceId,
    actor: IdeaReaderActor,
    db: SessionDep,
    response: Response,
    status_filter: Annotated[
        IdeaStatus | None,
        Query(alias="status", description="Coordinators and admins: only ideas in this state."),
    ] = None,
    group_by: Annotated[
        IdeaGrouping | None,
        Query(alias="groupBy", description="`theme`: the approved ideas grouped by theme."),
    ] = None,
) -> IdeaList:
    """The dialogue's ideas, masked: all for coordinators and admins, approved ones for analysts."""
    dialogue = dialogues.get_dialogue(db, dialogue_id=dialogue_id, actor=actor)
    response.headers["Cache-Control"] = "no-store"  # residents' words: kept in no cache
    return service.list_ideas(
        db,
        dialogue=dialogue,
        actor=actor,
        status=status_filter,
        by_theme=group_by is IdeaGrouping.THEME,
    )


@router.patch(
    "/ideas/{id}",
    response_model=IdeaPublic,
    responses={
        403: {"description": "Only admins and coordinators moderate ideas."},
        404: {"description": "No such idea in your municipalities."},
    },
)
def decide_idea(
    idea_id: IdeaId, body: IdeaDecision, actor: ManagerActor, db: SessionDep
) -> IdeaPublic:
    """Approve or reject an idea, optionally with its theme; audited (without the text)."""
    idea, dialogue = service.find_idea(db, idea_id=idea_id, actor=actor)
    return service.decide(
        db,
        idea=idea,
        dialogue=dialogue,
        status=body.status,
        theme_id=body.theme_id,
        theme_given="theme_id" in body.model_fields_set,
        actor=actor,
    )


@router.post(
    "/ideas/{id}/priority",
    response_model=PriorityPublic,
    status_code=status.HTTP_201_CREATED,
    responses={
        403: {"description": "Only admins and coordinators turn ideas into priorities."},
        404: {"description": "No such idea or dialogue in your municipalities."},
        409: {
            "description": "The idea is not approved or has no theme, or the dialogue is "
            "not a draft (a session has opened) or has no room."
        },
    },
)
def idea_to_priority(
    idea_id: IdeaId, body: IdeaToPriority, actor: ManagerActor, db: SessionDep
) -> PriorityPublic:
    """Make an approved idea the last priority of a draft dialogue of the same municipality."""
    idea, dialogue = service.find_idea(db, idea_id=idea_id, actor=actor)
    target = dialogues.get_dialogue(db, dialogue_id=body.dialogue_id, actor=actor)
    return service.make_priority(db, idea=idea, dialogue=dialogue, target=target, actor=actor)
