"""Incremental tallies: ballot events folded in equal a recount from scratch, each ballot once."""

import dataclasses
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from api.ballots.models import BallotEvent
from api.core.db import open_session
from api.results import service
from api.results.models import GroupBy, GroupTally, ResultState
from tests.results.conftest import (
    JOIN_CODES,
    TruthBallot,
    World,
    assert_group_matches_reference,
    results_of,
)


def stored_cells(world: World) -> dict[tuple[str, str, str], tuple[int, bool, list[int]]]:
    """Every group_tallies row of the dialogue: (ballots, suppressed, tally values)."""
    with open_session(world.engine, write=False) as session:
        rows = session.execute(
            select(
                GroupTally.neighbourhood, GroupTally.venue, GroupTally.age_band,
                GroupTally.ballots, GroupTally.suppressed, GroupTally.tally,
            ).where(GroupTally.dialogue_id == world.dialogue_id)
        ).all()  # fmt: skip
    return {
        (n, v, a): (count, bool(hidden), service._from_blob(blob, world.m).tolist())
        for n, v, a, count, hidden, blob in rows
    }


def recount_from_scratch(world: World) -> None:
    with open_session(world.engine) as session:
        service.recompute_dialogue(session, dialogue_id=world.dialogue_id)


def assert_results_equal_the_reference(client: TestClient, headers, world: World) -> None:
    """The breakdowns by neighbourhood and by session match the reference on the ballots now."""
    for group_by in (GroupBy.NEIGHBOURHOOD, GroupBy.SESSION, GroupBy.AGE_BAND):
        body = results_of(client, headers, world, groupBy=group_by.value)
        expected = world.expected_groups(group_by)
        assert {g["key"] for g in body["groups"]} == set(expected)
        for group in body["groups"]:
            if not group["suppressed"]:
                assert_group_matches_reference(group, expected[group["key"]], world)


def test_incremental_tallies_equal_a_recount_after_ballots_are_replaced(
    client: TestClient, analyst, world: World
):
    participants = list(world.ballots)
    rng = world.rng
    # Change rankings only, move people between buurten, wijken and "not given", change or
    # drop age bands; some twice. Then new ballots, and a ballot replaced by itself.
    for participant in rng.sample(participants, 25):
        world.replace(participant, neighbourhood=world.ballots[participant].neighbourhood)
    for participant in rng.sample(participants, 25):
        world.replace(participant, ranking=world.ballots[participant].ranking)
    for participant in rng.sample(participants, 20):
        world.replace(participant)
    moved = participants[0]
    world.replace(moved, neighbourhood=None, age_band=None)
    world.replace(moved, neighbourhood=world.buurten[0], age_band="65+")
    world.cast_random(15)
    same = participants[1]
    world.cast([(same, world.ballots[same])])
    assert world.count_rows("ballot_events") > 0

    world.refresh()

    assert world.count_rows("ballot_events") == 0
    incremental = stored_cells(world)
    recount_from_scratch(world)
    assert stored_cells(world) == incremental
    assert world.count_rows("ballot_events") == 0
    assert_results_equal_the_reference(client, analyst, world)


def test_a_cell_emptied_by_replacements_disappears_as_in_a_recount(
    client: TestClient, analyst, empty_world: World
):
    world = empty_world
    buurt = world.buurten[-1]
    (only,) = world.cast(
        [(None, TruthBallot(world.session_ids[0], (world.priority_ids[0],), buurt, "18-24"))]
    )
    others = (world.random_ballot() for _ in range(12))
    world.cast((None, dataclasses.replace(b, neighbourhood=world.buurten[0])) for b in others)
    world.refresh()
    assert any(cell[0] == buurt for cell in stored_cells(world))
    world.replace(only, neighbourhood=None)
    world.refresh()

    incremental = stored_cells(world)
    recount_from_scratch(world)
    assert not any(cell[0] == buurt for cell in stored_cells(world))
    assert stored_cells(world) == incremental
    assert buurt not in {g["key"] for g in results_of(client, analyst, world)["groups"]}


def test_a_retried_ballot_put_is_counted_once(client: TestClient, analyst, empty_world: World):
    world = empty_world
    for n in range(12):
        session_index = n % 2
        checked_in = client.post("/check-ins", json={"joinCode": JOIN_CODES[session_index]})
        assert checked_in.status_code == 201, checked_in.text
        body = checked_in.json()
        session_id = body["session"]["id"]
        token = {"Authorization": f"Bearer {body['participantToken']}"}
        ballot = world.random_ballot(session_id)
        put = {"ranking": list(ballot.ranking), "ageBand": ballot.age_band}
        if ballot.neighbourhood:
            put["neighbourhoodCode"] = ballot.neighbourhood
        key = {"Idempotency-Key": str(uuid.uuid4())}
        path = f"/sessions/{session_id}/ballot"
        for _ in range(2):  # a retry with the same key is a replay
            response = client.put(path, json=put, headers={**token, **key})
            assert response.status_code == 200, response.text
        for _ in range(2):  # a retry without a key replaces the ballot by itself
            response = client.put(path, json=put, headers=token)
            assert response.status_code == 200, response.text
        world.ballots[f"api-{n}"] = ballot
        if n == 5:
            world.refresh()  # some retries land after a refresh, some before

    world.refresh()

    assert world.count_rows("ballot_events") == 0
    total = results_of(client, analyst, world, groupBy="dialogue")
    assert total["totalBallots"] == 12
    assert_group_matches_reference(total["groups"][0], list(world.ballots.values()), world)
    per_session = world.expected_groups("session")
    for group in results_of(client, analyst, world, groupBy="session")["groups"]:
        assert group["suppressed"] or group["ballots"] == len(per_session[group["key"]])
    incremental = stored_cells(world)
    recount_from_scratch(world)
    assert stored_cells(world) == incremental


def test_a_dialogue_whose_ballots_predate_the_events_is_recounted_on_the_next_refresh(
    client: TestClient, analyst, world: World
):
    world.cast_random(20)
    for participant in list(world.ballots)[:10]:
        world.replace(participant)
    # Ballots stored before there were ballot events: no result state and no events.
    with open_session(world.engine) as session:
        session.execute(delete(BallotEvent).where(BallotEvent.dialogue_id == world.dialogue_id))
        session.execute(delete(ResultState).where(ResultState.dialogue_id == world.dialogue_id))
        session.commit()

    world.refresh()

    with open_session(world.engine, write=False) as session:
        state = session.get(ResultState, world.dialogue_id)
        assert state is not None and state.ballots == len(world.ballots)
    assert_results_equal_the_reference(client, analyst, world)
    incremental = stored_cells(world)
    recount_from_scratch(world)
    assert stored_cells(world) == incremental


def test_a_dialogue_without_a_result_state_is_counted_from_all_ballots(
    client: TestClient, analyst, world: World
):
    # The events of the last ballots are still queued, but the tallies are gone: the
    # refresh must count every ballot, not add the queued ones to nothing.
    world.cast_random(7)
    with open_session(world.engine) as session:
        session.execute(delete(ResultState).where(ResultState.dialogue_id == world.dialogue_id))
        session.execute(delete(GroupTally).where(GroupTally.dialogue_id == world.dialogue_id))
        session.commit()

    world.refresh()

    assert world.count_rows("ballot_events") == 0
    assert results_of(client, analyst, world, groupBy="dialogue")["totalBallots"] == len(
        world.ballots
    )
    assert_results_equal_the_reference(client, analyst, world)


def test_a_refresh_without_new_ballots_changes_nothing(client: TestClient, analyst, world: World):
    before = results_of(client, analyst, world, groupBy="neighbourhood")
    cells = stored_cells(world)
    world.refresh()
    assert stored_cells(world) == cells
    assert results_of(client, analyst, world, groupBy="neighbourhood") == before
