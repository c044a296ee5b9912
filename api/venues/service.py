"""Venues of a municipality."""

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from api.core.problems import Conflict, NotFound
from api.core.translations import stored_translations
from api.municipalities import service as municipalities
from api.municipalities.models import Municipality
from api.venues.models import Venue, VenueCreate, VenuePublic, VenueText


def list_venues(session: Session, *, municipality: Municipality) -> list[Venue]:
    """The venues of a municipality, by name."""
    return list(
        session.exec(
            select(Venue).where(Venue.municipality_id == municipality.id).order_by(Venue.name)
        )
    )


def create_venue(session: Session, *, municipality: Municipality, venue: VenueCreate) -> Venue:
    """Add a venue, optionally in one of the municipality's neighbourhoods."""
    assert municipality.id is not None
    taken = session.exec(
        select(Venue).where(Venue.municipality_id == municipality.id, Venue.name == venue.name)
    ).first()
    if taken:
        raise Conflict(f"{municipality.name} already has a venue called '{venue.name}'.")
    neighbourhood_id = None
    if venue.neighbourhood_code:
        neighbourhood_id = municipalities.neighbourhood_in_municipality(
            session,
            municipality_id=municipality.id,
            code=venue.neighbourhood_code,
            field="neighbourhoodCode",
        ).id
    row = Venue(
        municipality_id=municipality.id,
        name=venue.name,
        translations=stored_translations(venue.translations),
        kind=venue.kind,
        neighbourhood_id=neighbourhood_id,
        address=venue.address,
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError as error:  # a concurrent request added the same name first
        session.rollback()
        raise Conflict(f"{municipality.name} already has a venue called '{venue.name}'.") from error
    return row


def get_venue(session: Session, *, venue_id: int) -> Venue:
    """One venue."""
    venue = session.get(Venue, venue_id)
    if venue is None:
        raise NotFound(f"There is no venue {venue_id}.")
    return venue


def venues_by_id(session: Session, *, venue_ids: set[int]) -> dict[int, Venue]:
    """The venues with these ids, in one query."""
    if not venue_ids:
        return {}
    rows = session.exec(select(Venue).where(Venue.id.in_(venue_ids)))  # type: ignore[union-attr]
    return {venue.id: venue for venue in rows}  # type: ignore[misc]


def to_public(session: Session, venue: Venue) -> VenuePublic:
    """The API view of a venue."""
    municipality = municipalities.get_municipality_by_id(
        session, municipality_id=venue.municipality_id
    )
    code = None
    if venue.neighbourhood_id:
        code = municipalities.neighbourhood_code_of(
            session, neighbourhood_id=venue.neighbourhood_id
        )
    return VenuePublic(
        id=venue.id,  # type: ignore[arg-type]
        municipality=municipality.cbs_code,
        name=venue.name,
        translations={
            language: VenueText.model_validate(text)
            for language, text in (venue.translations or {}).items()
        },
        kind=venue.kind,
        neighbourhood_code=code,
        address=venue.address,
    )
