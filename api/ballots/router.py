"""The resident's ballot, and paper ballots typed in by a facilitator."""

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse

from api.ballots import service
from api.ballots.models import AssistedBallotCreate, BallotPublic, BallotPut
from api.core.deps import ResourceId, SessionDep, SettingsDep
from api.core.problems import NotFound
from api.idempotency import service as idempotency
from api.idempotency.http import IdempotencyKey, stored_response
from api.sessions import service as sessions
from api.sessions.dependencies import CurrentParticipant
from api.sessions.limits import require_own_session
from api.sessions.resident_writes import run_resident_write
from api.staff.dependencies import FacilitatorActor

router = APIRouter(tags=["Resident participation"])
assisted_router = APIRouter(tags=["Sessions"])

_WRITE_RESPONSES: dict[int | str, dict[str, str]] = {
    409: {"description": "The session is not open, or the same Idempotency-Key is in use."},
    422: {"description": "The Idempotency-Key was used before with another body."},
    429: {"description": "Too many requests; retry after Retry-After seconds."},
}


@router.put("/sessions/{id}/ballot", response_model=BallotPublic, responses=_WRITE_RESPONSES)
async def put_ballot(
    session_id: ResourceId,
    body: BallotPut,
    participant: CurrentParticipant,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Send or replace your ranking (best first; the top 3 is enough). One ballot per person."""
    return await run_resident_write(
        request,
        participant=participant,
        session_id=session_id,
        idempotency_key=str(idempotency_key) if idempotency_key else None,
        body=body,
        status=status.HTTP_200_OK,
        write=lambda session, target: service.store_ballot(
            session, participant_id=participant.participant_id, target=target, ballot=body
        ),
    )


@router.get("/sessions/{id}/ballot", response_model=BallotPublic)
def read_ballot(
    session_id: ResourceId, participant: CurrentParticipant, session: SessionDep
) -> BallotPublic:
    """Your ballot as it is stored now."""
    require_own_session(participant, session_id)
    try:
        return service.read_ballot(session, participant_id=participant.participant_id)
    except NotFound:
        known = sessions.participant_exists(
            session, participant_id=participant.participant_id, session_id=session_id
        )
        if not known:
            raise sessions.participant_unknown() from None
        raise


@assisted_router.post(
    "/sessions/{id}/assisted-ballots",
    response_model=BallotPublic,
    status_code=status.HTTP_201_CREATED,
    responses=_WRITE_RESPONSES,
)
def create_assisted_ballot(
    session_id: ResourceId,
    body: AssistedBallotCreate,
    actor: FacilitatorActor,
    session: SessionDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Type in a paper ballot from someone without a phone; it counts like any other."""
    sessions.get_session(session, session_id=session_id, actor=actor)
    return stored_response(
        idempotency.run_once(
            session,
            scope=f"staff:{actor.user_id}",
            key=str(idempotency_key) if idempotency_key else None,
            request_hash=idempotency.fingerprint(
                method="POST",
                path=f"/sessions/{session_id}/assisted-ballots",
                body=body,
                key=settings.signing_key(),
            ),
            ttl=settings.idempotency_ttl,
            status=status.HTTP_201_CREATED,
            prepare=lambda: sessions.open_session_for_writes(session, session_id=session_id),
            write=lambda target: service.store_assisted_ballot(
                session, target=target, ballot=body, staff_id=actor.user_id
            ),
        )
    )
