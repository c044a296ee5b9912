"""Projector links: the projector window reads its own session's screen and nothing else."""

from datetime import datetime

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from api.core.access import Role
from api.sessions.models import DialogueSession
from tests.helpers import assert_problem, bearer, staff_headers
from tests.results.conftest import World, build_world
from tests.results.test_live import server_sent_events

SCREEN_FIELDS = {
    "id", "dialogueId", "dialogueTitle", "municipalityName", "brandColour", "minGroupSize",
    "venueName", "title", "status", "checkInMode", "joinCode", "checkInUrl", "joinPageUrl",
    "showResults",
}  # fmt: skip


def projector_link(client: TestClient, headers: dict[str, str], session_id: int) -> dict:
    response = client.post(f"/sessions/{session_id}/projector-links", headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_projector_link_opens_its_own_sessions_screen_and_nothing_else(
    live_server: str, client: TestClient, db: Session, empty_world: World
):
    world = empty_world
    room, other = world.session_ids[0], world.session_ids[1]
    facilitator = staff_headers(client, db, role=Role.FACILITATOR, municipalities=[world.code])
    link = projector_link(client, facilitator, room)
    row = db.get(DialogueSession, room)
    assert datetime.fromisoformat(link["expiresAt"]) > row.ends_at
    screen = bearer(link["token"])

    view = client.get(f"/sessions/{room}/projector", headers=screen)
    assert view.status_code == 200, view.text
    assert set(view.json()) == SCREEN_FIELDS  # no facilitators, no e-mail, no staff data
    assert view.json()["dialogueTitle"] == world.dialogue_title
    assert client.get(f"/sessions/{room}/qr", headers=screen).status_code == 200
    world.cast_random(3, session_id=room)
    with (
        httpx.Client(timeout=httpx.Timeout(10.0)) as http,
        http.stream("GET", f"{live_server}/api/v1/sessions/{room}/live", headers=screen) as live,
    ):
        assert live.status_code == 200
        name, status = next(server_sent_events(live))
        assert name == "status" and status["ballots"] == 3

    # Nothing else: not the staff view of the session, not another session, no staff API.
    assert_problem(client.get(f"/sessions/{room}", headers=screen), 401)
    assert_problem(client.get(f"/sessions/{other}/projector", headers=screen), 403)
    assert_problem(client.get(f"/sessions/{other}/qr", headers=screen), 403)
    assert_problem(client.get("/dialogues", headers=screen), 401)
    assert_problem(client.post(f"/sessions/{room}/projector-links", headers=screen), 401)


def test_a_projector_link_ends_with_the_facilitators_sign_in(
    client: TestClient, db: Session, empty_world: World
):
    world = empty_world
    room = world.session_ids[0]
    facilitator = staff_headers(client, db, role=Role.FACILITATOR, municipalities=[world.code])
    screen = bearer(projector_link(client, facilitator, room)["token"])
    assert client.get(f"/sessions/{room}/projector", headers=screen).status_code == 200
    db.execute(text("UPDATE staff_users SET token_version = token_version + 1"))
    db.commit()
    assert_problem(client.get(f"/sessions/{room}/projector", headers=screen), 401)


def test_only_facilitators_of_the_municipality_open_a_projector(
    client: TestClient, db: Session, empty_world: World
):
    world = empty_world
    room = world.session_ids[0]
    other = build_world(world.engine, code="GM0599", name="Rotterdam", join_codes=(
        "RTAAA2", "RTBBB3", "RTCCC4", "RTDDD5"))  # fmt: skip
    analyst = staff_headers(client, db, role=Role.ANALYST, municipalities=[world.code])
    stranger = staff_headers(client, db, role=Role.FACILITATOR, municipalities=[other.code])
    assert_problem(client.post(f"/sessions/{room}/projector-links"), 401)
    assert_problem(client.post(f"/sessions/{room}/projector-links", headers=analyst), 403)
    assert_problem(client.post(f"/sessions/{room}/projector-links", headers=stranger), 404)
    assert_problem(client.get(f"/sessions/{room}/projector"), 401)
    assert_problem(client.get(f"/sessions/{room}/projector", headers=analyst), 403)
    # A resident's participant token is no projector link.
    checked_in = client.post("/check-ins", json={"joinCode": "RSAAA2"})
    assert checked_in.status_code == 201, checked_in.text
    participant = bearer(checked_in.json()["participantToken"])
    assert_problem(client.get(f"/sessions/{room}/projector", headers=participant), 401)
