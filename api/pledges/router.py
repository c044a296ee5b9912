"""A resident's pledges: what they will contribute themselves."""

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse

from api.core.db import open_session
from api.core.deps import ResourceId
from api.idempotency import service as idempotency
from api.idempotency.http import IdempotencyKey, stored_response
from api.pledges import service
from api.pledges.models import PledgeCreate, PledgePublic
from api.sessions import service as sessions
from api.sessions.dependencies import CurrentParticipant
from api.sessions.limits import limit_resident_write, require_own_session

router = APIRouter(tags=["Resident participation"])


@router.post(
    "/sessions/{id}/pledges",
    response_model=PledgePublic,
    status_code=status.HTTP_201_CREATED,
    responses={
        409: {"description": "Session not open, five pledges made, or key in use."},
        422: {"description": "The Idempotency-Key was used before with another body."},
        429: {"description": "Too many requests; retry after Retry-After seconds."},
    },
)
def create_pledge(
    session_id: ResourceId,
    body: PledgeCreate,
    participant: CurrentParticipant,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Pledge what you will do yourself; contact details only with `contactConsent: true`."""
    # As `PUT /sessions/{id}/ballot`: no plain-function dependencies, session closed here.
    state = request.app.state
    require_own_session(participant, session_id)
    limit_resident_write(state.rate_limiter, state.settings, participant)
    with open_session(state.engine) as session:
        stored = idempotency.run_once(
            session,
            scope=participant.idempotency_scope,
            key=str(idempotency_key) if idempotency_key else None,
            request_hash=idempotency.fingerprint(
                method="POST", path=f"/sessions/{session_id}/pledges", body=body
            ),
            ttl=state.settings.idempotency_ttl,
            status=status.HTTP_201_CREATED,
            prepare=lambda: sessions.open_session_for_writes(session, session_id=session_id),
            write=lambda target: service.store_pledge(
                session, participant_id=participant.participant_id, target=target, pledge=body
            ),
        )
    return stored_response(stored)
