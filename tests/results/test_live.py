"""The projector's live feed (SSE) and the background refresher that keeps results current."""

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.core.access import Role
from api.main import create_app
from tests.helpers import assert_problem, staff_headers
from tests.results.conftest import World, build_world, results_of

pytestmark = pytest.mark.both_databases  # the background refresher (SKIP LOCKED on PostgreSQL)


def server_sent_events(response: httpx.Response) -> Iterator[tuple[str, dict]]:
    """(event name, JSON data) for each event of the stream."""
    name, data = None, []
    for line in response.iter_lines():
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            data.append(line.split(":", 1)[1].strip())
        elif line == "" and name:
            yield name, json.loads("\n".join(data))
            name, data = None, []


def test_the_live_feed_sends_counts_and_results_once_the_room_has_enough_ballots(
    live_server: str, client: TestClient, db: Session, empty_world: World
):
    world = empty_world
    room = world.session_ids[0]
    facilitator = staff_headers(client, db, role=Role.FACILITATOR, municipalities=[world.code])
    world.cast_random(9, session_id=room)
    world.refresh()

    url = f"{live_server}/api/v1/sessions/{room}/live"
    with (
        httpx.Client(timeout=httpx.Timeout(10.0)) as http,
        http.stream("GET", url, headers=facilitator) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = server_sent_events(response)
        seen = [next(events), next(events)]  # the counts, and why there are no results yet
        assert [name for name, _ in seen] == ["status", "results"]
        assert seen[0][1] == {"status": "open", "checkIns": 9, "ballots": 9}
        (waiting,) = seen[1][1]["groups"]
        assert waiting["suppressed"] and waiting["suppressedReason"] == "tooFew"
        assert seen[1][1]["totalBallots"] is None

        world.cast_random(1, session_id=room)
        world.refresh()
        deadline = time.monotonic() + 10
        results = None
        while results is None and time.monotonic() < deadline:
            name, data = next(events)
            seen.append((name, data))
            if name == "results" and data["totalBallots"]:
                results = data
    assert results is not None, seen
    assert results["totalBallots"] == 10
    (group,) = results["groups"]
    assert group["key"] == str(room) and group["ballots"] == 10 and not group["suppressed"]
    assert ("status", {"status": "open", "checkIns": 10, "ballots": 10}) in seen


def test_the_live_feed_is_for_facilitators_of_the_municipality(
    client: TestClient, db: Session, empty_world: World
):
    world = empty_world
    other = build_world(world.engine, code="GM0599", name="Rotterdam", join_codes=(
        "RTAAA2", "RTBBB3", "RTCCC4", "RTDDD5"))  # fmt: skip
    analyst = staff_headers(client, db, role=Role.ANALYST, municipalities=[world.code])
    stranger = staff_headers(client, db, role=Role.FACILITATOR, municipalities=[other.code])
    path = f"/sessions/{world.session_ids[0]}/live"
    assert_problem(client.get(path), 401)
    assert_problem(client.get(path, headers=analyst), 403)
    assert_problem(client.get(path, headers=stranger), 404)


def test_the_background_refresher_releases_ten_like_ballots_within_5_seconds(
    settings, clean_engine, analyst, world: World
):
    app = create_app(
        settings.model_copy(update={"results_refresh_seconds": 0.5}), engine=clean_engine
    )
    with TestClient(app, base_url="http://testserver/api/v1") as refreshing:
        before = results_of(refreshing, analyst, world, groupBy="dialogue")["totalBallots"]
        assert before == len(world.released())
        alike = world.random_ballot(world.session_ids[0])
        world.cast((None, alike) for _ in range(10))  # enough to move every figure they touch
        deadline = time.monotonic() + 5
        total = before
        while total == before and time.monotonic() < deadline:
            time.sleep(0.1)
            total = results_of(refreshing, analyst, world, groupBy="dialogue")["totalBallots"]
        assert total >= before + 10
        assert total == len(world.released())
        assert world.count_rows("pending_ballots") == len(world.ballots) - total
