"""Two member municipalities of a COROP region, a regional dialogue led by Tilburg with a
session at a venue of each, and the staff who act on it."""

import random
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from api.ballots.schemas import BallotPut
from api.ballots.service import store_ballot
from api.core.access import Role
from api.core.db import open_session, utcnow
from api.municipalities.models import Municipality
from api.results.refresher import refresh_all
from api.sessions import service as sessions
from api.sessions.service import OpenDialogueSession
from tests.helpers import login, make_staff, staff_headers
from tests.reference import reference_summary
from tests.support.places import Place, build_place

# The CBS table "Gebieden in Nederland" as a titled CSV: Tilburg and 's-Hertogenbosch in the
# COROP area CR35, Utrecht elsewhere, Goirle in CR35 but not in the product.
AREAS_CSV = (
    '"Regio\'s";"Codes en namen van gemeenten/Code";"Codes en namen van gemeenten/Naam";'
    '"Lokaliseringen van gemeenten/Arbeidsmarktregio\'s/Code";'
    '"Lokaliseringen van gemeenten/Arbeidsmarktregio\'s/Naam";'
    '"Lokaliseringen van gemeenten/COROP-gebieden/Code";'
    '"Lokaliseringen van gemeenten/COROP-gebieden/Naam";'
    '"Lokaliseringen van gemeenten/Provincies/Code";"Lokaliseringen van gemeenten/Provincies/Naam"\n'
    '"Utrecht";"GM0344";"Utrecht";"AM20";"Midden-Utrecht";"CR17";"Utrecht";"PV26";"Utrecht"\n'
    '"Tilburg";"GM0855";"Tilburg";"AM31";"Midden-Brabant";"CR35";"Midden-Noord-Brabant";"PV30";"Noord-Brabant"\n'
    '"Goirle";"GM0785";"Goirle";"AM31";"Midden-Brabant";"CR35";"Midden-Noord-Brabant";"PV30";"Noord-Brabant"\n'
    '"\'s-Hertogenbosch";"GM0796";"\'s-Hertogenbosch";"AM32";"Noordoost-Brabant";"CR35";"Midden-Noord-Brabant";"PV30";"Noord-Brabant"\n'
)  # fmt: skip


def import_region(client: TestClient, admin, *, kind: str = "corop", code: str = "CR35"):
    return client.post(
        "/regions/import",
        params={"kind": kind, "code": code},
        files={"areas": ("gebieden.csv", AREAS_CSV.encode(), "text/csv")},
        headers=admin,
    )


@dataclass
class Region:
    """The region, its regional dialogue (Tilburg's) and one session at each member's venue."""

    engine: Engine
    id: int
    tilburg: Place
    den_bosch: Place
    dialogue_id: int
    session_of: dict[str, int]  # CBS code → the regional dialogue's session at its venue
    admin: dict[str, str]
    coordinators: dict[str, dict[str, str]]
    facilitators: dict[str, dict[str, str]]
    analyst: dict[str, str]
    analyst_id: int
    rng: random.Random = field(default_factory=lambda: random.Random(12))
    ballots: dict[str, list[tuple[int, ...]]] = field(default_factory=dict)  # code → rankings

    def cast(self, code: str, n: int) -> None:
        """n ballots (random partial rankings) at the regional session in this municipality."""
        session_id = self.session_of[code]
        with open_session(self.engine) as db:
            lead = db.get(Municipality, self._municipality_id(db, self.tilburg.code))
            target = OpenDialogueSession(
                id=session_id, dialogue_id=self.dialogue_id, municipality_id=lead.id
            )
            for _ in range(n):
                participant = sessions.create_simulated_participant(db, session_id=session_id)
                db.flush()
                ids = self.tilburg.priority_ids
                ranking = tuple(self.rng.sample(ids, self.rng.randint(1, len(ids))))
                store_ballot(
                    db, participant_id=participant, target=target,
                    ballot=BallotPut.model_validate({"ranking": list(ranking)}),
                )  # fmt: skip
                self.ballots.setdefault(code, []).append(ranking)
            db.commit()

    def _municipality_id(self, db: Session, code: str) -> int:
        return db.query(Municipality).filter_by(cbs_code=code).one().id

    def refresh(self) -> None:
        refresh_all(self.engine)

    def reference(self, rankings: list[tuple[int, ...]]):
        ids = sorted(self.tilburg.priority_ids)
        index = {pid: i for i, pid in enumerate(ids)}
        return reference_summary([tuple(index[p] for p in r) for r in rankings], len(ids))

    def set_min_group_size(self, code: str, size: int) -> None:
        with open_session(self.engine) as db:
            municipality = db.get(Municipality, self._municipality_id(db, code))
            municipality.min_group_size = size
            db.add(municipality)
            db.commit()


def plan_session(client: TestClient, headers, *, dialogue_id: int, venue_id: int):
    now = utcnow()
    return client.post(
        f"/dialogues/{dialogue_id}/sessions",
        json={
            "venueId": venue_id,
            "startsAt": (now - timedelta(minutes=5)).isoformat(),
            "endsAt": (now + timedelta(hours=2)).isoformat(),
        },
        headers=headers,
    )


@pytest.fixture(name="region")
def region_fixture(client: TestClient, db: Session, clean_engine: Engine) -> Region:
    tilburg = build_place(db, "GM0855", "Tilburg", join_code="TBGAAA")
    den_bosch = build_place(db, "GM0796", "'s-Hertogenbosch", join_code="DBSBBB")
    admin = staff_headers(client, db, role=Role.ADMIN)
    coordinators = {
        code: staff_headers(client, db, role=Role.COORDINATOR, municipalities=[code])
        for code in ("GM0855", "GM0796")
    }
    facilitators = {
        code: staff_headers(client, db, role=Role.FACILITATOR, municipalities=[code])
        for code in ("GM0855", "GM0796")
    }
    created = import_region(client, admin)
    assert created.status_code == 201, created.text
    region_id = created.json()["id"]
    for code, headers in coordinators.items():
        joined = client.put(f"/regions/{region_id}/members/{code}", headers=headers)
        assert joined.status_code == 200, joined.text
    linked = client.post(
        f"/regions/{region_id}/dialogues",
        json={"dialogueId": tilburg.dialogue_id},
        headers=coordinators["GM0855"],
    )
    assert linked.status_code == 201, linked.text
    planned = plan_session(
        client, facilitators["GM0796"], dialogue_id=tilburg.dialogue_id, venue_id=den_bosch.venue_id
    )
    assert planned.status_code == 201, planned.text
    opened = client.patch(
        f"/sessions/{planned.json()['id']}", json={"status": "open"}, headers=facilitators["GM0796"]
    )
    assert opened.status_code == 200, opened.text
    email = make_staff(db, role=Role.REGIONAL_ANALYST, email="regio@example.org")
    me = client.get("/users/me", headers=login(client, email)).json()
    added = client.put(f"/regions/{region_id}/analysts/{me['id']}", headers=admin)
    assert added.status_code == 204, added.text
    return Region(
        engine=clean_engine,
        id=region_id,
        tilburg=tilburg,
        den_bosch=den_bosch,
        dialogue_id=tilburg.dialogue_id,
        session_of={"GM0855": tilburg.session_id, "GM0796": planned.json()["id"]},
        admin=admin,
        coordinators=coordinators,
        facilitators=facilitators,
        analyst=login(client, email),
        analyst_id=me["id"],
    )
