"""Dialogues with their priorities; changing one is in `api.ballots.router` (ballots fix its
priorities)."""

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.core.deps import ResourceId, SessionDep
from api.core.schemas import MUNICIPALITY_CODE_PATTERN
from api.dialogues import service
from api.dialogues.schemas import DialogueCreate, DialoguePublic
from api.staff.dependencies import CurrentActor, FacilitatorActor

router = APIRouter(prefix="/dialogues", tags=["Dialogues"])


@router.get("", response_model=list[DialoguePublic])
def list_dialogues(
    actor: CurrentActor,
    db: SessionDep,
    municipality: Annotated[
        str | None,
        Query(pattern=MUNICIPALITY_CODE_PATTERN, description="Only this municipality's."),
    ] = None,
) -> list[DialoguePublic]:
    """The dialogues of the municipalities you work for, newest first."""
    rows = service.list_dialogues(db, actor=actor, municipality_code=municipality)
    return [service.to_public(db, dialogue) for dialogue in rows]


@router.post("", response_model=DialoguePublic, status_code=status.HTTP_201_CREATED)
def create_dialogue(
    body: DialogueCreate, actor: FacilitatorActor, db: SessionDep
) -> DialoguePublic:
    """Create a dialogue with the priorities residents will rank."""
    return service.to_public(db, service.create_dialogue(db, dialogue=body, actor=actor))


@router.get("/{id}", response_model=DialoguePublic)
def read_dialogue(dialogue_id: ResourceId, actor: CurrentActor, db: SessionDep) -> DialoguePublic:
    """One dialogue with its priorities."""
    dialogue = service.get_dialogue(db, dialogue_id=dialogue_id, actor=actor)
    return service.to_public(db, dialogue)
