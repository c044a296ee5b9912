"""GET /sessions/{id}/results: the room's results, from minGroupSize ballots, in releases."""

import pytest
from fastapi.testclient import TestClient

from api.core.access import SYSTEM
from api.core.db import open_session
from api.sessions import service as sessions
from api.sessions.models import DialogueSession
from api.sessions.schemas import SessionUpdate
from tests.helpers import assert_problem
from tests.results.conftest import World, assert_group_matches_reference

pytestmark = pytest.mark.both_databases  # releases per session from each dialect's store


def room(client: TestClient, session_id: int) -> dict:
    response = client.get(f"/sessions/{session_id}/results")  # no sign-in: it is public
    assert response.status_code == 200, response.text
    body = response.json()
    (group,) = body["groups"]
    assert group["key"] == str(session_id) and group["kind"] == "session"
    return body


def ballots_of(world: World, session_id: int):
    return [b for b in world.released().values() if b.session_id == session_id]


def test_the_room_sees_nothing_below_min_group_size_then_results_in_releases(
    client: TestClient, empty_world: World
):
    world = empty_world
    youth = world.session_ids[2]
    world.cast_random(9, session_id=youth)
    world.refresh()
    body = room(client, youth)
    (group,) = body["groups"]
    assert group["suppressed"] is True and group["suppressedReason"] == "tooFew"
    assert group["ballots"] is None and group["priorities"] is None
    assert body["totalBallots"] is None and body["minGroupSize"] == 10

    world.cast_random(1, session_id=youth)
    world.refresh()
    shown = room(client, youth)
    (group,) = shown["groups"]
    assert shown["totalBallots"] == 10
    assert_group_matches_reference(group, ballots_of(world, youth), world)

    # One more ballot (or a changed one) does not change the screen: it would show one
    # person's ranking as the difference.
    first = next(p for p, b in world.ballots.items() if b.session_id == youth)
    world.cast_random(1, session_id=youth)
    world.replace(first)
    world.refresh()
    assert room(client, youth) == shown

    # Once ten ballots have changed, the room sees all of them.
    world.cast_random(8, session_id=youth)
    world.refresh()
    updated = room(client, youth)
    (group,) = updated["groups"]
    assert world.released() == world.ballots
    assert updated["totalBallots"] == 19
    assert_group_matches_reference(group, ballots_of(world, youth), world)


def test_a_small_room_waits_rather_than_hide_the_room_beside_it(
    client: TestClient, empty_world: World
):
    world = empty_world
    world.cast_random(4, session_id=world.session_ids[0])
    world.cast_random(10, session_id=world.session_ids[2])
    world.refresh()
    # With the four in, showing the 10-ballot room would give them away (the total minus
    # the room): the four wait for more to join them, and the room is shown.
    assert room(client, world.session_ids[2])["totalBallots"] == 10
    small = room(client, world.session_ids[0])["groups"][0]
    assert small["suppressed"] is True and small["suppressedReason"] == "tooFew"
    assert world.count_rows("pending_ballots") == 4


def test_session_results_follow_the_municipalitys_min_group_size(
    client: TestClient, empty_world: World
):
    world = empty_world
    world.set_min_group_size(5)
    community = world.session_ids[3]
    world.cast_random(5, session_id=community)
    world.refresh()
    assert room(client, community)["totalBallots"] == 5
    world.set_min_group_size(20)
    body = room(client, community)
    assert body["minGroupSize"] == 20
    assert body["groups"][0]["suppressed"] is True and body["totalBallots"] is None


def test_session_results_are_a_404_when_the_session_does_not_show_them(
    client: TestClient, empty_world: World
):
    world = empty_world
    library = world.session_ids[0]
    world.cast_random(12, session_id=library)
    world.refresh()
    assert room(client, library)["totalBallots"] == 12
    with open_session(world.engine) as db:
        row = db.get(DialogueSession, library)
        sessions.update_session(db, row=row, changes=SessionUpdate(showResults=False), actor=SYSTEM)
    assert_problem(client.get(f"/sessions/{library}/results"), 404)
    assert_problem(client.get("/sessions/999999/results"), 404)
