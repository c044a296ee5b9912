"""Signals of ballot stuffing per session, and ballots set aside (reversibly) by staff."""

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status

from api.core.deps import ResourceId, SessionDep
from api.dialogues import service as dialogues
from api.integrity import service
from api.integrity.schemas import SessionIntegrity, SetAsideCreate, SetAsidePublic
from api.sessions import service as sessions
from api.staff.dependencies import AnalystActor, CurrentActor

router = APIRouter(tags=["Sessions"])

SetAsideId = Annotated[
    int, Path(alias="setAsideId", ge=1, le=2_147_483_647, description="The set-aside's id.")
]


def _signals(request: Request, db: SessionDep, row) -> SessionIntegrity:  # noqa: ANN001
    settings = request.app.state.settings
    return service.signals(
        db,
        row=row,
        refused=request.app.state.refused_check_ins.per_minute(row.id),
        burst_min_check_ins=settings.burst_min_check_ins,
        burst_factor=settings.burst_factor,
    )


@router.get("/sessions/{id}/integrity", response_model=SessionIntegrity)
def read_integrity(
    session_id: ResourceId, actor: CurrentActor, db: SessionDep, request: Request
) -> SessionIntegrity:
    """Check-ins per minute, bursts, refused check-ins and the share of ballots from one
    network: for the session's facilitators, admins and the municipality's analysts."""
    row = service.session_for(db, session_id=session_id, actor=actor)
    return _signals(request, db, row)


@router.get("/dialogues/{id}/integrity", response_model=list[SessionIntegrity])
def read_dialogue_integrity(
    dialogue_id: ResourceId, actor: AnalystActor, db: SessionDep, request: Request
) -> list[SessionIntegrity]:
    """The signals of every session of a dialogue, for analysts and admins."""
    dialogue = dialogues.get_dialogue(db, dialogue_id=dialogue_id, actor=actor)
    return [_signals(request, db, row) for row in sessions.list_sessions(db, dialogue=dialogue)]


@router.get("/sessions/{id}/set-asides", response_model=list[SetAsidePublic])
def list_set_asides(
    session_id: ResourceId, actor: CurrentActor, db: SessionDep
) -> list[SetAsidePublic]:
    """Ballots of this session set aside now (out of the results, kept, restorable)."""
    row = service.session_for(db, session_id=session_id, actor=actor)
    return service.list_set_asides(db, session_id=row.id)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None


@router.post(
    "/sessions/{id}/set-asides",
    response_model=SetAsidePublic,
    status_code=status.HTTP_201_CREATED,
    responses={
        409: {"description": "No ballots, or fewer than minGroupSize, in this window."},
    },
)
def create_set_aside(
    session_id: ResourceId, body: SetAsideCreate, actor: CurrentActor, db: SessionDep
) -> SetAsidePublic:
    """Set aside the ballots of residents who checked in by code in a time window (and,
    optionally, from one network): they leave the results but are kept; audited."""
    row = service.session_for(db, session_id=session_id, actor=actor, write=True)
    return SetAsidePublic.model_validate(service.set_aside(db, row=row, body=body, actor=actor))


@router.delete(
    "/sessions/{id}/set-asides/{setAsideId}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
)
def restore_set_aside(
    session_id: ResourceId, set_aside_id: SetAsideId, actor: CurrentActor, db: SessionDep
) -> Response:
    """Restore ballots set aside: they count in the results again; audited."""
    row = service.session_for(db, session_id=session_id, actor=actor, write=True)
    service.restore(db, row=row, set_aside_id=set_aside_id, actor=actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
