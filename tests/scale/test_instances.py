"""Two app instances (uvicorn processes) on one PostgreSQL database behave as one service:
rate limits counted across both, a retried ballot stored once, the live feed of one instance
reporting ballots that landed on the other, and one results refresher that fails over."""

import os
import secrets
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text

from api.core.access import Role
from api.core.db import create_db_engine, open_session
from api.core.migrations import upgrade_to_head
from tests.conftest import POSTGRES_ADMIN_URL
from tests.helpers import (
    PASSWORD,
    answers_health,
    bearer,
    create_postgres_database,
    drop_postgres_database,
    free_port,
    leads_the_refresher,
    make_staff,
    next_status,
    stop_process,
    wait_for,
)
from tests.results.conftest import JOIN_CODES, World, build_world

pytestmark = [pytest.mark.both_databases, pytest.mark.timeout(240)]

PROJECT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60
WAIT_SECONDS = 60
EVENT_SECONDS = 30  # how long a stream may take to report a change: half its fallback


@dataclass
class Instance:
    """One app process serving on 127.0.0.1."""

    process: subprocess.Popen
    url: str

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=f"{self.url}/api/v1", timeout=30)

    def leads_the_refresher(self) -> bool:
        return leads_the_refresher(self.url)


@contextmanager
def instance(env: dict[str, str], log: Path) -> Iterator[Instance]:
    """Start uvicorn on a free port of 127.0.0.1; stop it at the end."""
    url = f"http://127.0.0.1:{free_port()}"
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory",
             "--host", "127.0.0.1", "--port", url.rsplit(":", 1)[1], "--log-level", "warning"],
            cwd=PROJECT, env=env, stdout=output, stderr=output,
        )  # fmt: skip
    try:
        wait_for(
            lambda: process.poll() is None and answers_health(url) or process.poll() is not None,
            what="the instance answers /healthz",
            seconds=STARTUP_SECONDS,
        )
        assert process.poll() is None, log.read_text()[-3000:]
        yield Instance(process, url)
    finally:
        stop_process(process)


@pytest.fixture(scope="module")
def shared_database() -> Iterator[str]:
    """A PostgreSQL database of its own, migrated, for the instances of this module."""
    name, url = create_postgres_database(POSTGRES_ADMIN_URL, prefix="wg_instances")
    upgrade_to_head(url)
    yield url
    drop_postgres_database(POSTGRES_ADMIN_URL, name)


@pytest.fixture(scope="module")
def shared_engine(shared_database: str) -> Iterator[Engine]:
    engine = create_db_engine(shared_database)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def world(shared_engine: Engine) -> World:
    return build_world(shared_engine)


@pytest.fixture(scope="module")
def instance_env(shared_database: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The settings every instance shares (small limits, a live feed that relies on events)."""
    data = tmp_path_factory.mktemp("instances")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WG_", "DATABASE_"))}
    env.update(
        DATABASE_URL=shared_database,
        SECRET_KEY=secrets.token_urlsafe(48),
        DATA_DIR=str(data),
        PARTICIPANT_WRITES_LIMIT="4/minute",
        RESULTS_REFRESH_SECONDS="0.5",
        # Far longer than any wait below: a stream reports a ballot in time only if an event
        # (NOTIFY from the other instance) wakes it.
        LIVE_FALLBACK_SECONDS="60",
        LOG_LEVEL="warning",
    )
    return env


@pytest.fixture(scope="module")
def pair(instance_env: dict[str, str], world: World, tmp_path_factory) -> Iterator[tuple[Instance, Instance]]:  # fmt: skip
    logs = tmp_path_factory.mktemp("logs")
    with (
        instance(instance_env, logs / "a.log") as a,
        instance(instance_env, logs / "b.log") as b,
    ):
        yield a, b


def check_in(app: Instance, join_code: str) -> tuple[int, dict[str, str]]:
    with app.http() as http:
        response = http.post("/check-ins", json={"joinCode": join_code})
    assert response.status_code == 201, response.text
    body = response.json()
    return body["session"]["id"], bearer(body["participantToken"])


def put_ballot(app: Instance, session_id: int, headers: dict, ranking: list[int], key: str | None = None) -> httpx.Response:  # fmt: skip
    if key is not None:
        headers = {**headers, "Idempotency-Key": key}
    with app.http() as http:
        return http.put(f"/sessions/{session_id}/ballot", json={"ranking": ranking}, headers=headers)  # fmt: skip


def ballots_of(engine: Engine, session_id: int) -> int:
    with engine.connect() as connection:
        return connection.execute(
            text("SELECT count(*) FROM ballots WHERE session_id = :id"), {"id": session_id}
        ).scalar_one()


def test_a_residents_rate_limit_is_counted_across_both_instances(pair, world: World):
    a, b = pair
    session_id, resident = check_in(a, JOIN_CODES[0])
    answers = [
        put_ballot((a, b)[n % 2], session_id, resident, world.priority_ids[: 1 + n % 3]).status_code
        for n in range(6)
    ]
    assert answers == [200, 200, 200, 200, 429, 429]


def test_a_ballot_retried_on_the_other_instance_is_stored_once(pair, world: World, shared_engine):
    a, b = pair
    session_id, resident = check_in(b, JOIN_CODES[1])
    before = ballots_of(shared_engine, session_id)
    key = str(uuid.uuid4())
    first = put_ballot(a, session_id, resident, world.priority_ids[:2], key=key)
    retried = put_ballot(b, session_id, resident, world.priority_ids[:2], key=key)
    assert first.status_code == retried.status_code == 200
    assert retried.headers.get("Idempotent-Replayed") == "true"
    assert retried.json() == first.json()
    assert ballots_of(shared_engine, session_id) == before + 1


def test_one_key_sent_to_both_instances_at_once_is_stored_once(pair, world: World, shared_engine):
    a, b = pair
    session_id, resident = check_in(a, JOIN_CODES[2])
    before = ballots_of(shared_engine, session_id)
    key = str(uuid.uuid4())
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(
            pool.map(
                lambda app: put_ballot(app, session_id, resident, world.priority_ids[:3], key=key),
                (a, b),
            )
        )
    statuses = sorted(r.status_code for r in answers)
    # the loser either waited and got the stored answer, or was told the key is in flight
    assert statuses in ([200, 200], [200, 409]), [r.text for r in answers]
    assert ballots_of(shared_engine, session_id) == before + 1


def test_the_live_feed_on_one_instance_reports_a_ballot_posted_on_the_other(
    pair, world: World, shared_engine: Engine
):
    """The stream reads the room again only when an event wakes it (LIVE_FALLBACK_SECONDS is
    60, twice the wait), and it is on the instance that does not refresh the results:
    every event that can wake it (the ballot's, the release's) comes from the other one."""
    wait_for(lambda: pair[0].leads_the_refresher() or pair[1].leads_the_refresher(), what="a leader")  # fmt: skip
    b, a = pair if pair[0].leads_the_refresher() else pair[::-1]
    with open_session(shared_engine) as db:
        email = make_staff(db, role=Role.FACILITATOR, municipalities=[world.code])
        db.commit()
    with a.http() as http:
        token = http.post("/auth/token", data={"username": email, "password": PASSWORD})
    assert token.status_code == 200, token.text
    session_id, resident = check_in(b, JOIN_CODES[3])
    url = f"{a.url}/api/v1/sessions/{session_id}/live"
    headers = bearer(token.json()["access_token"])
    with (
        httpx.Client(timeout=httpx.Timeout(WAIT_SECONDS)) as http,
        http.stream("GET", url, headers=headers) as stream,
    ):
        assert stream.status_code == 200
        lines = stream.iter_lines()
        first = next_status(lines, seconds=EVENT_SECONDS)
        assert put_ballot(b, session_id, resident, world.priority_ids[:1]).status_code == 200
        reported = next_status(lines, differs_from=first, seconds=EVENT_SECONDS)
    assert reported["ballots"] == first["ballots"] + 1


def test_when_the_refreshers_leader_is_killed_the_other_instance_takes_over(
    pair, world: World, shared_engine: Engine
):
    """Last in this module: it kills one of the pair."""
    a, b = pair
    wait_for(lambda: a.leads_the_refresher() or b.leads_the_refresher(), what="a leader")
    leader, follower = (a, b) if a.leads_the_refresher() else (b, a)
    assert not follower.leads_the_refresher()

    leader.process.send_signal(signal.SIGKILL)
    leader.process.wait(timeout=30)
    wait_for(follower.leads_the_refresher, what="the follower takes the lead")

    world.cast_random(3)  # and the new leader does the refresher's work
    wait_for(lambda: pending_ballots(shared_engine) == 0, what="the new leader refreshes")


def pending_ballots(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM pending_ballots")).scalar_one()
