"""Setting a burst of ballots aside: out of the results after a refresh, back on restore,
both audited; only the session's facilitators (and admins) may, analysts only read."""

from datetime import timedelta

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session

from api.ballots import service as ballots
from api.core.access import Role
from api.core.db import utcnow
from api.results import store
from api.results.refresher import refresh_all
from api.sessions import service as sessions
from tests.helpers import login, make_staff, staff_headers
from tests.integrity.conftest import Clients
from tests.integrity.test_check_in_limits import check_in_and_vote
from tests.support.places import Place

# set-asides lock rows (FOR UPDATE) and move released ballots
pytestmark = pytest.mark.both_databases

FLOOD = 12
RESIDENTS = 10


@pytest.fixture
def flooded(clients: Clients, tilburg: Place, clean_engine: Engine) -> Place:
    """Tilburg's session with 12 ballots from one network (priority 1 first) and 10 from ten
    others (priority 2 first), tallied."""
    for _ in range(FLOOD):
        assert check_in_and_vote(clients.at("203.0.113.9"), tilburg, tilburg.priority_ids[:2]) == (201, 200)  # fmt: skip
    for n in range(RESIDENTS):
        assert check_in_and_vote(clients.at(f"10.{n}.1.1"), tilburg, tilburg.priority_ids[1:3]) == (201, 200)  # fmt: skip
    refresh_all(clean_engine)
    return tilburg


@pytest.fixture
def facilitator(client: TestClient, db: Session, tilburg: Place, admin) -> dict[str, str]:  # noqa: ANN001
    """A facilitator assigned to Tilburg's session."""
    email = make_staff(db, role=Role.FACILITATOR, municipalities=["GM0855"], email="f@example.org")
    headers = login(client, email)
    me = client.get("/users/me", headers=headers).json()
    assigned = client.patch(
        f"/sessions/{tilburg.session_id}", json={"facilitatorIds": [me["id"]]}, headers=admin
    )
    assert assigned.status_code == 200, assigned.text
    return headers


def dialogue_total(client: TestClient, place: Place, headers) -> tuple[int, float]:  # noqa: ANN001
    """The dialogue's total ballots and priority 1's first-choice share, as an analyst reads."""
    body = client.get(
        f"/dialogues/{place.dialogue_id}/results", params={"groupBy": "dialogue"}, headers=headers
    ).json()
    group = body["groups"][0]
    first = {p["id"]: p["firstChoiceShare"] for p in group["priorities"]}
    return body["totalBallots"], first[place.priority_ids[0]]


def audit_actions(db: Session) -> list[str]:
    actions = db.execute(
        text("SELECT action FROM audit_events WHERE action LIKE 'ballots.%' ORDER BY id")
    ).scalars()
    result = list(actions)
    db.commit()
    return result


def test_a_burst_set_aside_leaves_the_results_and_comes_back_when_restored(
    client: TestClient,
    db: Session,
    clean_engine: Engine,
    flooded: Place,
    facilitator: dict[str, str],
    tilburg_analyst: dict[str, str],
):
    assert dialogue_total(client, flooded, tilburg_analyst) == (22, pytest.approx(12 / 22))
    signals = client.get(f"/sessions/{flooded.session_id}/integrity", headers=facilitator).json()
    assert signals["largestNetworkShare"] == "50to75"
    now = utcnow()
    created = client.post(
        f"/sessions/{flooded.session_id}/set-asides",
        json={
            "checkedInFrom": (now - timedelta(hours=1)).isoformat(),
            "checkedInUntil": (now + timedelta(minutes=1)).isoformat(),
            "network": signals["largestNetwork"],
            "reason": "Twelve check-ins from one network within seconds",
        },
        headers=facilitator,
    )
    assert created.status_code == 201, created.text
    assert created.json()["ballots"] == FLOOD
    refresh_all(clean_engine)
    assert dialogue_total(client, flooded, tilburg_analyst) == (RESIDENTS, 0.0)
    assert ballots.count_ballots(db, session_id=flooded.session_id) == RESIDENTS
    assert ballots.count_ballots(db, session_id=flooded.session_id, include_set_aside=True) == 22
    index = {pid: i for i, pid in enumerate(flooded.priority_ids)}
    rankings, *_ = store.all_rankings(db, dialogue_id=flooded.dialogue_id, priority_index=index)
    db.commit()
    assert len(rankings) == RESIDENTS and not np.any(rankings[:, 0] == 0)  # the recount too
    listed = client.get(f"/sessions/{flooded.session_id}/set-asides", headers=facilitator).json()
    assert [s["id"] for s in listed] == [created.json()["id"]]
    after = client.get(f"/sessions/{flooded.session_id}/integrity", headers=facilitator).json()
    assert (after["ballots"], after["setAsideBallots"]) == (RESIDENTS, FLOOD)

    restored = client.delete(
        f"/sessions/{flooded.session_id}/set-asides/{created.json()['id']}", headers=facilitator
    )
    assert restored.status_code == 204, restored.text
    refresh_all(clean_engine)
    assert dialogue_total(client, flooded, tilburg_analyst) == (22, pytest.approx(12 / 22))
    assert client.get(f"/sessions/{flooded.session_id}/set-asides", headers=facilitator).json() == []  # fmt: skip
    assert audit_actions(db) == ["ballots.set_aside", "ballots.restored"]
    again = client.delete(
        f"/sessions/{flooded.session_id}/set-asides/{created.json()['id']}", headers=facilitator
    )
    assert again.status_code == 404


def test_a_ballot_replaced_while_set_aside_stays_out_and_comes_back_as_replaced(
    clients: Clients, client: TestClient, db: Session, clean_engine: Engine, tilburg: Place,
    facilitator: dict[str, str], tilburg_analyst: dict[str, str],
):  # fmt: skip
    flood = clients.at("203.0.113.9")
    tokens = []
    for _ in range(FLOOD):
        checked_in = flood.post("/check-ins", json={"joinCode": tilburg.join_code}).json()
        tokens.append({"Authorization": f"Bearer {checked_in['participantToken']}"})
        flood.put(f"/sessions/{tilburg.session_id}/ballot", json={"ranking": tilburg.priority_ids[:1]}, headers=tokens[-1])  # fmt: skip
    now = utcnow()
    created = client.post(
        f"/sessions/{tilburg.session_id}/set-asides",
        json={
            "checkedInFrom": (now - timedelta(hours=1)).isoformat(),
            "checkedInUntil": (now + timedelta(minutes=1)).isoformat(),
        },  # fmt: skip
        headers=facilitator,
    )
    assert created.status_code == 201, created.text
    replaced = flood.put(f"/sessions/{tilburg.session_id}/ballot", json={"ranking": tilburg.priority_ids[1:2]}, headers=tokens[0])  # fmt: skip
    assert replaced.status_code == 200
    refresh_all(clean_engine)
    assert ballots.count_ballots(db, session_id=tilburg.session_id) == 0
    db.commit()
    client.delete(f"/sessions/{tilburg.session_id}/set-asides/{created.json()['id']}", headers=facilitator)  # fmt: skip
    refresh_all(clean_engine)
    assert dialogue_total(client, tilburg, tilburg_analyst) == (FLOOD, pytest.approx(11 / 12))


def test_setting_aside_fewer_ballots_than_the_smallest_group_is_refused(
    client: TestClient, flooded: Place, facilitator: dict[str, str], tilburg_analyst
):  # noqa: ANN001
    now = utcnow()
    body = {"checkedInFrom": (now - timedelta(hours=1)).isoformat(), "checkedInUntil": (now + timedelta(minutes=1)).isoformat()}  # fmt: skip
    resident_network = client.get(f"/sessions/{flooded.session_id}/integrity", headers=facilitator)
    one_resident = {**body, "network": "0123456789abcdef"}
    nothing = client.post(f"/sessions/{flooded.session_id}/set-asides", json=one_resident, headers=facilitator)  # fmt: skip
    assert nothing.status_code == 409 and "no ballots" in nothing.text
    minutes = resident_network.json()["minutes"]
    assert minutes  # the flood's minute is there
    early = {"checkedInFrom": (now - timedelta(hours=2)).isoformat(), "checkedInUntil": (now - timedelta(hours=1)).isoformat()}  # fmt: skip
    assert client.post(f"/sessions/{flooded.session_id}/set-asides", json=early, headers=facilitator).status_code == 409  # fmt: skip
    assert dialogue_total(client, flooded, tilburg_analyst)[0] == 22


def test_set_asides_are_for_the_sessions_own_facilitators_and_analysts_only_read(
    client: TestClient,
    db: Session,
    flooded: Place,
    den_bosch: Place,
    admin,
    tilburg_analyst,  # noqa: ANN001
):
    now = utcnow()
    body = {"checkedInFrom": (now - timedelta(hours=1)).isoformat(), "checkedInUntil": (now + timedelta(minutes=1)).isoformat()}  # fmt: skip
    unassigned = staff_headers(client, db, role=Role.FACILITATOR, municipalities=["GM0855"])
    elsewhere = staff_headers(client, db, role=Role.FACILITATOR, municipalities=["GM0796"])
    other_analyst = staff_headers(client, db, role=Role.ANALYST, municipalities=["GM0796"])
    path = f"/sessions/{flooded.session_id}"
    for headers in (unassigned, elsewhere, other_analyst):
        assert client.get(f"{path}/integrity", headers=headers).status_code == 404
        assert client.get(f"{path}/set-asides", headers=headers).status_code == 404
        assert client.post(f"{path}/set-asides", json=body, headers=headers).status_code == 404
        assert client.delete(f"{path}/set-asides/1", headers=headers).status_code == 404
    assert client.get(f"{path}/integrity", headers=tilburg_analyst).status_code == 200
    assert client.post(f"{path}/set-asides", json=body, headers=tilburg_analyst).status_code == 403
    dialogue = client.get(f"/dialogues/{flooded.dialogue_id}/integrity", headers=tilburg_analyst)
    assert [s["sessionId"] for s in dialogue.json()] == [flooded.session_id]
    assert client.get(f"/dialogues/{flooded.dialogue_id}/integrity", headers=other_analyst).status_code == 404  # fmt: skip
    made = client.post(f"{path}/set-asides", json=body, headers=admin)
    assert made.status_code == 201
    assert client.get(f"{path}/set-asides", headers=tilburg_analyst).json()[0]["ballots"] == 22
    assert client.delete(f"{path}/set-asides/{made.json()['id']}", headers=admin).status_code == 204  # fmt: skip
    other_session = client.delete(f"/sessions/{den_bosch.session_id}/set-asides/{made.json()['id']}", headers=admin)  # fmt: skip
    assert other_session.status_code == 404


def test_presence_is_verified_for_rotating_codes_and_paper_ballots_not_for_the_poster(
    client: TestClient,
    db: Session,
    flooded: Place,
    admin,  # noqa: ANN001
):
    session = client.get(f"/sessions/{flooded.session_id}", headers=admin).json()
    assert session["presenceVerified"] is False
    assert sessions.presence_verified_by_session(db, session_ids=[flooded.session_id]) == {
        flooded.session_id: False
    }
    db.commit()
    # Switching to rotating codes doesn't verify the poster's ballots already in
    switched = client.patch(f"/sessions/{flooded.session_id}", json={"checkInMode": "rotating"}, headers=admin)  # fmt: skip
    assert switched.json()["presenceVerified"] is False
