"""Venues of a municipality."""

from sqlmodel import Session, select

from api.core.access import Actor
from api.core.constraints import refused_as
from api.core.problems import Conflict, NotFound
from api.core.translations import stored_translations
from api.municipalities import service as municipalities
from api.municipalities.models import Municipality
from api.venues.models import Venue
from api.venues.schemas import VenueCreate, VenuePublic, VenueText, VenueUpdate


def list_venues(db: Session, *, municipality: Municipality) -> list[Venue]:
    """The venues of a municipality, by name."""
    return list(
        db.exec(select(Venue).where(Venue.municipality_id == municipality.id).order_by(Venue.name))
    )


def create_venue(db: Session, *, municipality: Municipality, venue: VenueCreate) -> Venue:
    """Add a venue, optionally in one of the municipality's neighbourhoods."""
    assert municipality.id is not None
    taken = db.exec(
        select(Venue).where(Venue.municipality_id == municipality.id, Venue.name == venue.name)
    ).first()
    if taken:
        raise _name_taken(municipality, venue.name)
    neighbourhood_id = None
    if venue.neighbourhood_code:
        neighbourhood_id = municipalities.neighbourhood_in_municipality(
            db,
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
        accessibility_notes=venue.accessibility_notes,
    )
    db.add(row)
    with refused_as(db, _name_taken(municipality, venue.name)):  # a concurrent request came first
        db.commit()
    return row


def _name_taken(municipality: Municipality, name: str) -> Conflict:
    return Conflict(
        f"{municipality.name} already has a venue called '{name}'.",
        nl=f"{municipality.name} heeft al een locatie met de naam '{name}'.",
        kind="venue-name-taken",
    )


def get_venue(db: Session, *, venue_id: int, actor: Actor | None = None) -> Venue:
    """One venue, if the actor may see it (else 404)."""
    venue = db.get(Venue, venue_id)
    if venue is None or (actor is not None and not actor.can_access(venue.municipality_id)):
        raise NotFound(
            f"There is no venue {venue_id} that you have access to.",
            nl=f"Er is geen locatie {venue_id} waar u toegang toe hebt.",
        )
    return venue


def update_venue(db: Session, *, venue: Venue, changes: VenueUpdate) -> Venue:
    """Change a venue's name, kind, neighbourhood, address or accessibility notes."""
    fields = changes.model_dump(exclude_unset=True)
    municipality = municipalities.get_municipality_by_id(db, municipality_id=venue.municipality_id)
    if fields.get("name") is not None and fields["name"] != venue.name:
        taken = db.exec(
            select(Venue.id).where(
                Venue.municipality_id == venue.municipality_id,
                Venue.name == fields["name"],
                Venue.id != venue.id,
            )
        ).first()
        if taken is not None:
            raise _name_taken(municipality, fields["name"])
        venue.name = fields["name"]
    if fields.get("kind") is not None:
        venue.kind = fields["kind"]
    if "neighbourhood_code" in fields:
        code = fields["neighbourhood_code"]
        venue.neighbourhood_id = (
            municipalities.neighbourhood_in_municipality(
                db,
                municipality_id=venue.municipality_id,
                code=code,
                field="neighbourhoodCode",
            ).id
            if code
            else None
        )
    for name in ("address", "accessibility_notes"):
        if name in fields:
            setattr(venue, name, fields[name] or None)
    if "translations" in fields:
        venue.translations = stored_translations(changes.translations)
    db.add(venue)
    with refused_as(db, _name_taken(municipality, venue.name)):  # a concurrent change came first
        db.commit()
    return venue


def delete_venue(db: Session, *, venue: Venue) -> None:
    """Remove a venue no session is planned at."""
    in_use = Conflict(
        f"Sessions (planned, held or cancelled) took place at '{venue.name}', so it "
        "cannot be removed: their history needs it. Move planned sessions elsewhere, or "
        "keep the venue.",
        nl=f"Er zijn sessies (gepland, gehouden of geannuleerd) in '{venue.name}', dus "
        "de locatie kan niet weg: hun geschiedenis heeft haar nodig. Verplaats geplande "
        "sessies, of houd de locatie.",
        kind="venue-in-use",
    )
    db.delete(venue)
    with refused_as(db, in_use):  # sessions refer to it (the database keeps them)
        db.commit()


def venues_by_id(db: Session, *, venue_ids: set[int]) -> dict[int, Venue]:
    """The venues with these ids, in one query."""
    if not venue_ids:
        return {}
    rows = db.exec(select(Venue).where(Venue.id.in_(venue_ids)))  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
    return {venue.id: venue for venue in rows}  # type: ignore[misc]  # a stored row's id is set; SQLModel types it int | None


def to_public(db: Session, venue: Venue) -> VenuePublic:
    """The API view of a venue."""
    municipality = municipalities.get_municipality_by_id(db, municipality_id=venue.municipality_id)
    code = None
    if venue.neighbourhood_id:
        code = municipalities.neighbourhood_code_of(db, neighbourhood_id=venue.neighbourhood_id)
    return VenuePublic(
        id=venue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        municipality=municipality.cbs_code,
        name=venue.name,
        translations={
            language: VenueText.model_validate(text)
            for language, text in (venue.translations or {}).items()
        },
        kind=venue.kind,
        neighbourhood_code=code,
        address=venue.address,
        accessibility_notes=venue.accessibility_notes,
    )
