"""A resident's pledges: what they will contribute themselves."""

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from api.idempotency.http import write_responses
from api.pledges import service
from api.pledges.schemas import PledgeCreate, PledgePublic
from api.sessions.resident_writes import ResidentWriteDep

router = APIRouter(tags=["Resident participation"])


@router.post(
    "/sessions/{id}/pledges",
    response_model=PledgePublic,
    status_code=status.HTTP_201_CREATED,
    responses=write_responses("Session not open, five pledges made, or key in use."),
)
async def create_pledge(body: PledgeCreate, resident: ResidentWriteDep) -> JSONResponse:
    """Pledge what you will do yourself; contact details only with `contactConsent: true`."""
    secret = resident.request.app.state.settings.signing_key()
    return await resident.run(
        body=body,
        status=status.HTTP_201_CREATED,
        write=lambda db, target: service.store_pledge(
            db, participant_id=resident.participant_id, target=target, pledge=body, secret=secret
        ),
    )
