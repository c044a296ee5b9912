"""Venues of a municipality."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from api.core.deps import CbsCodePath, ResourceId, SessionDep
from api.core.schemas import MUNICIPALITY_CODE_PATTERN
from api.municipalities import service as municipalities
from api.staff.dependencies import CurrentActor, FacilitatorActor, ManagerActor
from api.venues import service
from api.venues.schemas import VenueCreate, VenueCreateIn, VenuePublic, VenueUpdate

router = APIRouter(prefix="/municipalities/{cbsCode}/venues", tags=["Venues"])
venues_router = APIRouter(prefix="/venues", tags=["Venues"])


@router.get("", response_model=list[VenuePublic])
def list_venues(cbs_code: CbsCodePath, actor: CurrentActor, db: SessionDep) -> list[VenuePublic]:
    """The venues of a municipality."""
    municipality = municipalities.get_municipality(db, cbs_code=cbs_code, actor=actor)
    return [
        service.to_public(db, venue) for venue in service.list_venues(db, municipality=municipality)
    ]


@router.post("", response_model=VenuePublic, status_code=status.HTTP_201_CREATED)
def create_venue(
    cbs_code: CbsCodePath, body: VenueCreate, actor: FacilitatorActor, db: SessionDep
) -> VenuePublic:
    """Add a venue."""
    municipality = municipalities.get_municipality(db, cbs_code=cbs_code, actor=actor)
    return service.to_public(db, service.create_venue(db, municipality=municipality, venue=body))


@venues_router.get("", response_model=list[VenuePublic])
def list_venues_of(
    actor: CurrentActor,
    db: SessionDep,
    municipality: Annotated[
        str, Query(pattern=MUNICIPALITY_CODE_PATTERN, description="CBS code, e.g. GM0855.")
    ],
) -> list[VenuePublic]:
    """The venues of a municipality you work for."""
    return list_venues(municipality, actor, db)


@venues_router.post("", response_model=VenuePublic, status_code=status.HTTP_201_CREATED)
def create_venue_in(body: VenueCreateIn, actor: FacilitatorActor, db: SessionDep) -> VenuePublic:
    """Add a venue to the municipality named in the body."""
    municipality = municipalities.get_municipality(db, cbs_code=body.municipality, actor=actor)
    venue = VenueCreate.model_validate(body.model_dump(by_alias=True, exclude={"municipality"}))
    return service.to_public(db, service.create_venue(db, municipality=municipality, venue=venue))


@venues_router.get("/{id}", response_model=VenuePublic)
def read_venue(venue_id: ResourceId, actor: CurrentActor, db: SessionDep) -> VenuePublic:
    """One venue."""
    return service.to_public(db, service.get_venue(db, venue_id=venue_id, actor=actor))


@venues_router.patch("/{id}", response_model=VenuePublic)
def update_venue(
    venue_id: ResourceId, body: VenueUpdate, actor: ManagerActor, db: SessionDep
) -> VenuePublic:
    """Change a venue (admins and the municipality's coordinators)."""
    venue = service.get_venue(db, venue_id=venue_id, actor=actor)
    return service.to_public(db, service.update_venue(db, venue=venue, changes=body))


@venues_router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_venue(venue_id: ResourceId, actor: ManagerActor, db: SessionDep) -> Response:
    """Remove a venue no session ever used (admins and the municipality's coordinators)."""
    venue = service.get_venue(db, venue_id=venue_id, actor=actor)
    service.delete_venue(db, venue=venue)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
