"""A resident's pledges: what they will contribute themselves."""

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse

from api.core.deps import ResourceId
from api.idempotency.http import IdempotencyKey, write_responses
from api.pledges import service
from api.pledges.schemas import PledgeCreate, PledgePublic
from api.sessions.dependencies import CurrentParticipant
from api.sessions.resident_writes import run_resident_write

router = APIRouter(tags=["Resident participation"])


@router.post(
    "/sessions/{id}/pledges",
    response_model=PledgePublic,
    status_code=status.HTTP_201_CREATED,
    responses=write_responses("Session not open, five pledges made, or key in use."),
)
async def create_pledge(
    session_id: ResourceId,
    body: PledgeCreate,
    participant: CurrentParticipant,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Pledge what you will do yourself; contact details only with `contactConsent: true`."""
    return await run_resident_write(
        request,
        participant=participant,
        session_id=session_id,
        idempotency_key=idempotency_key,
        body=body,
        status=status.HTTP_201_CREATED,
        write=lambda db, target: service.store_pledge(
            db,
            participant_id=participant.participant_id,
            target=target,
            pledge=body,
            secret=request.app.state.settings.signing_key(),
        ),
    )
