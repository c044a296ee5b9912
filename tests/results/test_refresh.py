"""Releases: changed ballots folded into the tallies equal a recount of the release, each once."""

import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
from fastapi.testclient import TestClient
from jose import jwt
from sqlalchemy import delete, select

from api.ballots import counting
from api.core.db import open_session
from api.pledges import service as pledges
from api.results import service, store
from api.results.models import GroupBy, GroupTally, ResultState
from api.results.refresher import refresh_all
from api.results.workshop import Workshop
from api.sessions.ballot_box import PendingBallot
from tests.results.conftest import (
    JOIN_CODES,
    TruthBallot,
    World,
    assert_group_matches_reference,
    results_of,
)

# the refresher's store: ON CONFLICT, SKIP LOCKED, COPY
pytestmark = pytest.mark.both_databases


def stored_cells(world: World) -> dict[tuple[str, str, str], tuple[int, bool, list[int]]]:
    """Every group_tallies row of the dialogue: (ballots, suppressed, tally values)."""
    with open_session(world.engine, write=False) as db:
        rows = db.execute(
            select(
                GroupTally.neighbourhood, GroupTally.venue, GroupTally.age_band,
                GroupTally.ballots, GroupTally.suppressed, GroupTally.tally,
            ).where(GroupTally.dialogue_id == world.dialogue_id)
        ).all()  # fmt: skip
    return {
        (n, v, a): (count, bool(hidden), store.from_blob(blob, world.m).tolist())
        for n, v, a, count, hidden, blob in rows
    }


def recount_from_scratch(world: World) -> None:
    with open_session(world.engine) as db:
        service.recompute_dialogue(db, dialogue_id=world.dialogue_id)


def assert_results_equal_the_reference(client: TestClient, headers, world: World) -> None:
    """The breakdowns by neighbourhood, session and age band match the reference on the
    released ballots."""
    for group_by in (GroupBy.NEIGHBOURHOOD, GroupBy.SESSION, GroupBy.AGE_BAND):
        body = results_of(client, headers, world, groupBy=group_by.value)
        expected = world.expected_groups(group_by)
        assert {g["key"] for g in body["groups"]} == set(expected)
        for group in body["groups"]:
            if not group["suppressed"]:
                assert_group_matches_reference(group, expected[group["key"]], world)


def assert_tallies_equal_a_recount(client: TestClient, headers, world: World) -> None:
    """The stored tallies equal a recount of the release, which leaves the waiting ballots
    waiting, and the results match the reference."""
    incremental = stored_cells(world)
    waiting = world.count_rows("pending_ballots")
    recount_from_scratch(world)
    assert stored_cells(world) == incremental
    assert world.count_rows("pending_ballots") == waiting
    assert_results_equal_the_reference(client, headers, world)


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
    assert world.count_rows("pending_ballots") > 0
    first = {p: world.history[p][0] for p in participants}

    # A release takes changes in only once enough of them move every figure they touch:
    # new ballots keep coming until one does.
    for _ in range(10):
        world.refresh()
        released = world.released()
        if len(released) > 120:
            break
        world.cast_random(20)
    assert len(released) > 120
    assert any(released[p] != first[p] for p in participants), "replacements were taken in"

    assert_tallies_equal_a_recount(client, analyst, world)
    assert sum(released.get(p) != b for p, b in world.ballots.items()) == world.count_rows(
        "pending_ballots"
    )


def test_a_cell_emptied_by_replacements_disappears_as_in_a_recount(
    client: TestClient, analyst, empty_world: World
):
    world = empty_world
    buurt = world.buurten[-1]
    there = world.cast(
        (None, TruthBallot(world.session_ids[0], (world.priority_ids[0],), buurt, "18-24"))
        for _ in range(10)
    )
    others = (world.random_ballot(world.session_ids[0]) for _ in range(12))
    world.cast((None, dataclasses.replace(b, neighbourhood=world.buurten[0])) for b in others)
    world.refresh()
    assert any(cell[0] == buurt for cell in stored_cells(world))
    for participant in there:  # all ten move out at once: enough for the next release
        world.replace(participant, neighbourhood=None, ranking=(world.priority_ids[0],))
    world.refresh()

    assert world.released() == world.ballots
    incremental = stored_cells(world)
    recount_from_scratch(world)
    assert not any(cell[0] == buurt for cell in stored_cells(world))
    assert stored_cells(world) == incremental
    group = {g["key"]: g for g in results_of(client, analyst, world)["groups"]}[buurt]
    assert group["suppressed"] and group["suppressedReason"] == "tooFew"


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
        world.take_part(jwt.get_unverified_claims(body["participantToken"])["sub"], ballot)
        if n == 5:
            world.refresh()  # some retries land after a refresh, some before

    world.refresh()

    assert world.count_rows("pending_ballots") == 0
    total = results_of(client, analyst, world, groupBy="dialogue")
    assert total["totalBallots"] == 12
    assert_group_matches_reference(total["groups"][0], list(world.released().values()), world)
    per_session = world.expected_groups("session")
    for group in results_of(client, analyst, world, groupBy="session")["groups"]:
        assert group["suppressed"] or group["ballots"] == len(per_session[group["key"]])
    incremental = stored_cells(world)
    recount_from_scratch(world)
    assert stored_cells(world) == incremental


def test_a_lost_result_state_and_tallies_are_recounted_from_the_release(
    client: TestClient, analyst, world: World
):
    released = len(world.released())
    world.cast_random(7)  # changed since the release: they keep waiting, not counted anew
    with open_session(world.engine) as db:
        db.execute(delete(ResultState).where(ResultState.dialogue_id == world.dialogue_id))
        db.execute(delete(GroupTally).where(GroupTally.dialogue_id == world.dialogue_id))
        db.commit()

    world.refresh()

    with open_session(world.engine, write=False) as db:
        state = db.get(ResultState, world.dialogue_id)
        assert state is not None and state.ballots == len(world.released()) == released
    assert results_of(client, analyst, world, groupBy="dialogue")["totalBallots"] == released
    assert_results_equal_the_reference(client, analyst, world)


def test_the_first_release_publishes_the_ballots_as_they_are_now(
    client: TestClient, analyst, empty_world: World
):
    world = empty_world
    world.cast_random(30)
    for participant in list(world.ballots)[:10]:
        world.replace(participant)
    with open_session(world.engine, write=False) as db:
        marked = db.execute(
            select(PendingBallot.ballot_id).where(PendingBallot.dialogue_id == world.dialogue_id)
        ).all()
    assert len(marked) == 30

    world.refresh()

    released = world.released()
    assert len(released) >= 20
    assert all(version == world.ballots[p] for p, version in released.items())
    # Those that would only hide a room or the total to protect them wait, still marked.
    assert world.count_rows("pending_ballots") == len(world.ballots) - len(released)
    assert_results_equal_the_reference(client, analyst, world)


def test_a_refresh_without_new_ballots_changes_nothing(client: TestClient, analyst, world: World):
    before = results_of(client, analyst, world, groupBy="neighbourhood")
    cells = stored_cells(world)
    world.refresh()
    assert stored_cells(world) == cells
    assert results_of(client, analyst, world, groupBy="neighbourhood") == before


def test_a_refresh_reads_only_the_pledges_of_pledgers_who_wait(world: World, monkeypatch):
    voters = list(world.ballots)
    world.pledge((p, {"kind": "time", "hoursPerMonth": "2"}) for p in voters[:30])
    world.refresh()
    assert world.count_rows("released_pledges") == 30
    read_for: list[list[str]] = []
    facts = pledges.pledge_facts

    def recorded_facts(db, *, dialogue_id, participant_ids):
        read_for.append(list(participant_ids))
        return facts(db, dialogue_id=dialogue_id, participant_ids=participant_ids)

    def not_read(*_args, **_kwargs):
        raise AssertionError("the released pledges were read while no pledge waited")

    monkeypatch.setattr(pledges, "pledge_facts", recorded_facts)
    monkeypatch.setattr(store, "released_pledges", not_read)
    world.cast_random(10)
    world.refresh()  # new ballots, no new pledge: nothing of the pledges is read
    assert read_for == []

    monkeypatch.undo()
    monkeypatch.setattr(pledges, "pledge_facts", recorded_facts)
    world.pledge((p, {"kind": "time", "hoursPerMonth": "1"}) for p in (voters[40], voters[3]))
    world.refresh()  # a new pledger and one who pledged again: only theirs are read
    assert read_for == [sorted([voters[40], voters[3]])]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_ballot_replaced_while_its_release_is_made_is_released_as_replaced_later(
    world: World, monkeypatch
):
    # On PostgreSQL a resident's write commits while a release is being made (on SQLite the
    # single writer makes them take turns). Its mark must survive that release.
    released = world.released()
    participant = next(p for p, version in released.items() if world.ballots[p] == version)
    world.cast([(participant, world.ballots[participant])])  # sent again: its mark only goes
    unmark = counting.unmark
    replaced: list[TruthBallot] = []

    def replaced_meanwhile(db, *, marks):
        monkeypatch.setattr(counting, "unmark", unmark)
        world.replace(participant)  # committed after the release read the ballots
        replaced.append(world.ballots[participant])
        return unmark(db, marks=marks)

    monkeypatch.setattr(counting, "unmark", replaced_meanwhile)
    world.refresh()
    assert replaced and world.ballots[participant] == replaced[0]
    # A release takes changes in once enough of them move every figure they touch.
    for _ in range(10):
        if world.released().get(participant) == replaced[0]:
            break
        world.cast_random(20)
        world.refresh()
    assert world.released()[participant] == replaced[0]


def test_a_very_large_first_release_takes_in_every_ballot_as_it_is(empty_world: World, monkeypatch):
    # Above this many ballots the first release is not chosen ballot by ballot (a dialogue
    # from before releases existed): every ballot is published at once.
    monkeypatch.setattr(service, "FIRST_RELEASE_CHOSEN_UP_TO", 10)
    world = empty_world
    world.cast_random(30)
    participant = next(iter(world.ballots))
    world.replace(participant)

    world.refresh()

    assert world.released() == world.ballots
    assert world.count_rows("pending_ballots") == 0


def test_a_residents_answer_is_stored_while_a_release_is_worked_out(world: World, monkeypatch):
    # A release is worked out on a reader; the writer is taken only to store it. On SQLite,
    # whose single writer every resident's answer waits for, an answer given meanwhile is
    # stored at once, and its ballot stays marked for a later release.
    world.cast_random(20)
    participant = next(p for p, version in world.released().items() if world.ballots[p] == version)
    choose = service.choose_release
    stored_at_once: list[bool] = []

    def answer_meanwhile(*args, **kwargs):
        if not stored_at_once:
            resident = threading.Thread(target=world.replace, args=(participant,))
            resident.start()
            resident.join(timeout=30)  # only a failing run waits this long
            stored_at_once.append(not resident.is_alive())
        return choose(*args, **kwargs)

    monkeypatch.setattr(service, "choose_release", answer_meanwhile)
    world.refresh()
    monkeypatch.undo()

    assert stored_at_once == [True]
    replaced = world.ballots[participant]
    assert world.released()[participant] != replaced
    for _ in range(10):
        if world.released().get(participant) == replaced:
            break
        world.cast_random(20)
        world.refresh()
    assert world.released()[participant] == replaced


def test_a_release_worked_out_while_another_was_stored_is_not_stored(
    client: TestClient, analyst, world: World, monkeypatch
):
    # Two releases worked out from the same one must not both be stored: the second would
    # count the same changes again. Ten alike ballots move every figure they touch by ten:
    # a release takes them in.
    alike = TruthBallot(
        world.session_ids[0], tuple(world.priority_ids[:3]), world.buurten[0], "65+"
    )
    newcomers = world.cast((None, alike) for _ in range(10))
    choose = service.choose_release
    recounted: list[bool] = []

    def recount_meanwhile(*args, **kwargs):
        if not recounted:
            recounted.append(True)
            other = threading.Thread(target=recount_from_scratch, args=(world,))
            other.start()
            other.join()
        return choose(*args, **kwargs)

    monkeypatch.setattr(service, "choose_release", recount_meanwhile)
    with (
        open_session(world.engine, write=False) as reader,
        open_session(world.engine) as db,
    ):
        stored = service.refresh_dialogue(db, dialogue_id=world.dialogue_id, reader=reader)
    monkeypatch.undo()

    assert recounted == [True]
    assert stored is False
    assert all(world.released().get(p) == alike for p in newcomers)  # by the recount
    assert_tallies_equal_a_recount(client, analyst, world)


@pytest.fixture
def workshop(world: World):
    workshop = Workshop(world.engine.url.render_as_string(hide_password=False))
    yield workshop
    workshop.close()


def test_releases_worked_out_in_a_process_of_their_own_equal_a_recount(
    client: TestClient, analyst, world: World, workshop: Workshop, monkeypatch
):
    def not_here(*_args, **_kwargs):
        raise AssertionError("a release was worked out in the app's process")

    stored: list[service.Release] = []
    store_release = service.store_release

    def recorded(db, *, release):
        stored.append(release)
        return store_release(db, release=release)

    monkeypatch.setattr(service, "work_out_release", not_here)
    monkeypatch.setattr(service, "store_release", recorded)
    released_before = len(world.released())
    voters = list(world.ballots)
    for round_ in range(4):
        world.cast_random(20)
        for participant in world.rng.sample(voters, 10):
            world.replace(participant)
        world.pledge(
            (p, {"kind": "time", "hoursPerMonth": "2"}) for p in voters[10 * round_ :][:10]
        )
        refresh_all(world.engine, workshop=workshop)

    assert sum(release.changed for release in stored) >= 2
    assert len(world.released()) > released_before
    assert world.count_rows("released_pledges") > 0
    assert_tallies_equal_a_recount(client, analyst, world)


def test_a_workshop_whose_process_died_works_the_next_release_out_in_a_new_one(
    world: World, workshop: Workshop
):
    world.cast_random(20)
    refresh_all(world.engine, workshop=workshop)
    (process,) = workshop._pool._processes.values()  # type: ignore[union-attr]  # started by the release above
    os.kill(process.pid, signal.SIGKILL)
    process.join()
    alike = TruthBallot(
        world.session_ids[0], tuple(world.priority_ids[:3]), world.buurten[0], "65+"
    )
    newcomers = world.cast((None, alike) for _ in range(10))

    assert refresh_all(world.engine, workshop=workshop) == 1

    assert all(world.released().get(p) == alike for p in newcomers)
    (new_process,) = workshop._pool._processes.values()  # type: ignore[union-attr]  # as above
    assert new_process.pid != process.pid


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


def test_a_workshop_process_ends_when_the_app_process_is_killed(world: World):
    app = subprocess.Popen(
        [
            sys.executable, "-c",
            "import sys, time\n"
            "from api.results.workshop import Workshop\n"
            "workshop = Workshop(sys.argv[1])\n"
            "workshop.work_out(int(sys.argv[2]))\n"
            "print(*workshop._pool._processes, flush=True)\n"
            "time.sleep(600)\n",
            world.engine.url.render_as_string(hide_password=False), str(world.dialogue_id),
        ],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        workshop_process = int(app.stdout.readline())
        assert _running(workshop_process)
    finally:
        app.kill()
        app.wait()
    deadline = time.monotonic() + 60  # it looks every second; only a failing run waits this long
    while _running(workshop_process) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(workshop_process)
