"""What shapes a dialogue's published groups: its priorities, places and sessions."""

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlmodel import Session

from api.dialogues import service as dialogues
from api.dialogues.models import Dialogue
from api.municipalities import service as municipalities
from api.municipalities.models import Municipality, NeighbourhoodKind
from api.sessions import service as sessions
from api.sessions.ballot_box import AgeBand
from api.sessions.models import DialogueSession
from api.venues import service as venues
from api.venues.models import Venue

Cell = tuple[str, str, str]


@dataclass(frozen=True)
class DialogueLayout:
    """What tallying needs to know about a dialogue: its priorities, places and sessions."""

    priority_ids: tuple[int, ...]
    buurt_code: dict[int, str]
    wijk_code: dict[int, str]
    session_kind: dict[int, str]
    session_ids_by_kind: dict[str, tuple[int, ...]]
    buurten_by_wijk: dict[str, tuple[str, ...]]
    age_bands: tuple[str, ...]
    place_names: dict[str, str]
    session_labels: dict[int, str]
    # Regional dialogues only: the member municipality (CBS code) of each session's venue,
    # and each such municipality's name. Empty for a dialogue of one municipality.
    session_municipality: dict[int, str] = field(default_factory=dict)
    municipality_names: dict[str, str] = field(default_factory=dict)

    @property
    def municipalities(self) -> tuple[str, ...]:
        """The municipalities whose venues hold the sessions of a regional dialogue."""
        return tuple(sorted(set(self.session_municipality.values())))

    @property
    def m(self) -> int:
        return len(self.priority_ids)

    def priority_index(self) -> dict[int, int]:
        """Tallies index priorities by ascending id: stable when a dialogue is reordered."""
        return {pid: index for index, pid in enumerate(self.priority_ids)}


def session_key(session_id: int) -> str:
    """The venue coordinate of a single session."""
    return f"s{session_id}"


def is_municipality(venue: str) -> bool:
    """Whether a venue coordinate is a member municipality (its CBS code, "GM0855")."""
    return venue.startswith("GM")


def wijk_only(wijk: str) -> str:
    """The never-published cell of the ballots that name a wijk but no buurt of it."""
    return f"{wijk}+"


def dialogue_layout(db: Session, *, dialogue: Dialogue) -> DialogueLayout:
    """The priorities, neighbourhoods and sessions that shape a dialogue's cells (4 queries)."""
    places = municipalities.neighbourhood_outlines(db, municipality_id=dialogue.municipality_id)
    code_of = {id_: code for id_, code, _, _, _ in places}
    buurt_code = {id_: code for id_, code, _, kind, _ in places if kind is NeighbourhoodKind.BUURT}
    wijk_code = {
        id_: code_of[wijk_id] if kind is NeighbourhoodKind.BUURT and wijk_id else code
        for id_, code, _, kind, wijk_id in places
    }
    buurten_by_wijk: dict[str, list[str]] = {
        code: [] for _, code, _, kind, _ in places if kind is NeighbourhoodKind.WIJK
    }
    for _, code, _, kind, wijk_id in sorted(places, key=lambda place: place[1]):
        if kind is NeighbourhoodKind.BUURT and wijk_id:
            buurten_by_wijk[code_of[wijk_id]].append(code)
    rows = sessions.list_sessions(db, dialogue=dialogue)
    places_of = venues.venues_by_id(db, venue_ids={row.venue_id for row in rows})
    session_kind: dict[int, str] = {}
    session_ids_by_kind: dict[str, list[int]] = {}
    session_labels: dict[int, str] = {}
    session_municipality: dict[int, str] = {}
    municipality_names: dict[str, str] = {}
    if dialogue.region_id is not None:
        hosts = {
            m.id: m
            for m in db.execute(
                select(Municipality).where(
                    Municipality.id.in_({v.municipality_id for v in places_of.values()})  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
                )
            ).scalars()
        }
        for row in rows:
            host = hosts[places_of[row.venue_id].municipality_id]
            session_municipality[row.id] = host.cbs_code  # type: ignore[index]  # a stored row's id is set; SQLModel types it int | None
            municipality_names[host.cbs_code] = host.name
    for row in rows:
        venue = places_of[row.venue_id]
        session_kind[row.id] = venue.kind.value  # type: ignore[index]  # a stored row's id is set; SQLModel types it int | None
        session_ids_by_kind.setdefault(venue.kind.value, []).append(row.id)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        session_labels[row.id] = (
            f"{row.title or venue.name} ({venue.name}, {row.starts_at:%Y-%m-%d})"  # type: ignore[index]  # a stored row's id is set; SQLModel types it int | None
        )
    return DialogueLayout(
        priority_ids=tuple(
            sorted(p.id for p in dialogues.priorities_of(db, dialogue_id=dialogue.id))
        ),  # type: ignore[misc, arg-type]  # priority ids read from the database are set
        buurt_code=buurt_code,  # type: ignore[arg-type]  # neighbourhood ids read from the database are set
        wijk_code=wijk_code,  # type: ignore[arg-type]  # neighbourhood ids read from the database are set
        session_kind=session_kind,
        session_ids_by_kind={k: tuple(v) for k, v in session_ids_by_kind.items()},
        buurten_by_wijk={k: tuple(v) for k, v in buurten_by_wijk.items()},
        age_bands=tuple(band.value for band in AgeBand),
        place_names={code: name for _, code, name, _, _ in places},
        session_labels=session_labels,
        session_municipality=session_municipality,
        municipality_names=municipality_names,
    )


def min_group_size_of(db: Session, dialogue: Dialogue) -> int:
    """The minimum group size of the dialogue's municipality; for a regional dialogue the
    largest of its lead and of every municipality whose venues hold its sessions, so that no
    figure is finer than any municipality involved allows."""
    municipality = db.get(Municipality, dialogue.municipality_id)
    assert municipality is not None
    if dialogue.region_id is None:
        return municipality.min_group_size
    hosts = db.execute(
        select(func.max(Municipality.min_group_size))
        .join(Venue, Venue.municipality_id == Municipality.id)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
        .join(DialogueSession, DialogueSession.venue_id == Venue.id)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
        .where(DialogueSession.dialogue_id == dialogue.id)
    ).scalar()
    return max(municipality.min_group_size, hosts or 0)
