"""Venues of a municipality."""

from fastapi import APIRouter, status

from api.core.deps import CbsCodePath, SessionDep
from api.municipalities import service as municipalities
from api.staff.dependencies import CurrentActor, FacilitatorActor
from api.venues import service
from api.venues.models import VenueCreate, VenuePublic

router = APIRouter(prefix="/municipalities/{cbsCode}/venues", tags=["Venues"])


@router.get("", response_model=list[VenuePublic])
def list_venues(
    cbs_code: CbsCodePath, actor: CurrentActor, session: SessionDep
) -> list[VenuePublic]:
    """The venues of a municipality."""
    municipality = municipalities.get_municipality(session, cbs_code=cbs_code, actor=actor)
    return [
        service.to_public(session, venue)
        for venue in service.list_venues(session, municipality=municipality)
    ]


@router.post("", response_model=VenuePublic, status_code=status.HTTP_201_CREATED)
def create_venue(
    cbs_code: CbsCodePath, body: VenueCreate, actor: FacilitatorActor, session: SessionDep
) -> VenuePublic:
    """Add a venue."""
    municipality = municipalities.get_municipality(session, cbs_code=cbs_code, actor=actor)
    return service.to_public(
        session, service.create_venue(session, municipality=municipality, venue=body)
    )
