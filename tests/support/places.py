"""A small world of two municipalities (Tilburg and 's-Hertogenbosch), and fixtures that build it
and sign staff in; a pytest plugin of every test (tests/conftest.py)."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.core.access import SYSTEM, Role
from api.core.db import utcnow
from api.dialogues import service as dialogues
from api.dialogues.schemas import DialogueCreate, PriorityCreate
from api.municipalities import service as municipalities
from api.sessions import service as sessions
from api.sessions.models import CheckInMode, SessionStatus
from api.sessions.schemas import SessionCreate, SessionUpdate
from api.venues import service as venues
from api.venues.models import VenueKind
from api.venues.schemas import VenueCreate
from tests.helpers import staff_headers


@dataclass
class Place:
    """One municipality with a wijk, two buurten, a venue, a dialogue and an open session."""

    code: str
    dialogue_id: int
    priority_ids: list[int]
    venue_id: int
    session_id: int
    join_code: str
    buurten: list[str]
    wijk: str


def build_place(
    db: Session, code: str, name: str, *, join_code: str, mode=CheckInMode.POSTER
) -> Place:
    municipality = municipalities.create_municipality(
        db, cbs_code=code, name=name, min_group_size=10, brand_colour="#01689b"
    )
    digits = code[2:]
    wijk = f"WK{digits}01"
    buurten = [f"BU{digits}0101", f"BU{digits}0102"]
    municipalities.create_neighbourhood(
        db, municipality=municipality, code=wijk, name="Centrum", wijk_code=None, geometry=None
    )
    for number, buurt in enumerate(buurten, 1):
        municipalities.create_neighbourhood(
            db, municipality=municipality, code=buurt, name=f"Buurt {number}", wijk_code=None,
            geometry=None,
        )  # fmt: skip
    venue = venues.create_venue(
        db,
        municipality=municipality,
        venue=VenueCreate(name="Bibliotheek", kind=VenueKind.LIBRARY, neighbourhoodCode=buurten[0]),
    )
    dialogue = dialogues.create_dialogue(
        db,
        dialogue=DialogueCreate(
            municipality=code,
            title=f"Brede welvaart {name} 2027",
            startsOn=date.today(),
            endsOn=date.today() + timedelta(days=60),
            priorities=[
                PriorityCreate(title=f"Prioriteit {i}", description="", themeKey=key)
                for i, key in enumerate(["milieu", "wonen", "veiligheid", "gezondheid", "later"], 1)
            ],
        ),
        actor=SYSTEM,
    )
    now = utcnow()
    row = sessions.create_session(
        db,
        dialogue=dialogue,
        body=SessionCreate(
            venueId=venue.id, startsAt=now - timedelta(hours=1), endsAt=now + timedelta(hours=2),
            checkInMode=mode,
        ),
        actor=SYSTEM,
        join_code=join_code,
    )  # fmt: skip
    sessions.update_session(
        db, row=row, changes=SessionUpdate(status=SessionStatus.OPEN), actor=SYSTEM
    )
    priority_ids = [p.id for p in dialogues.priorities_of(db, dialogue_id=dialogue.id)]
    db.commit()
    return Place(
        code=code,
        dialogue_id=dialogue.id,
        priority_ids=priority_ids,
        venue_id=venue.id,
        session_id=row.id,
        join_code=join_code,
        buurten=buurten,
        wijk=wijk,
    )


@pytest.fixture
def tilburg(db: Session) -> Place:
    return build_place(db, "GM0855", "Tilburg", join_code="TBGAAA")


@pytest.fixture
def den_bosch(db: Session) -> Place:
    return build_place(db, "GM0796", "'s-Hertogenbosch", join_code="DBSBBB")


@pytest.fixture
def admin(client: TestClient, db: Session) -> dict[str, str]:
    return staff_headers(client, db, role=Role.ADMIN)


@pytest.fixture
def tilburg_facilitator(client: TestClient, db: Session, tilburg: Place) -> dict[str, str]:
    return staff_headers(client, db, role=Role.FACILITATOR, municipalities=["GM0855"])


@pytest.fixture
def tilburg_analyst(client: TestClient, db: Session, tilburg: Place) -> dict[str, str]:
    return staff_headers(client, db, role=Role.ANALYST, municipalities=["GM0855"])
