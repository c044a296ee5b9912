"""A server killed with SIGKILL in the middle of a stream of ballots has lost none it answered.

The app runs as its own process (uvicorn) and residents send ballots back to back; the
process is killed without warning while they do. Every ballot that was acknowledged must be
in the database, none counted twice: a resident's ballot revision is the number of PUTs
acknowledged for it, or one more when the kill fell between a commit and its answer.
"""

import os
import secrets
import signal
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from jose import jwt
from sqlalchemy import Engine, text

from tests.helpers import answers_health, free_port, wait_for
from tests.results.conftest import JOIN_CODES, build_world

pytestmark = [pytest.mark.both_databases, pytest.mark.concurrency, pytest.mark.timeout(240)]

PROJECT = Path(__file__).resolve().parents[2]
RESIDENTS = 12
ACKNOWLEDGED_BEFORE_THE_KILL = 60
WAIT_SECONDS = 120  # a bound for a loaded machine, not a measurement


@dataclass
class Sent:
    """What the server acknowledged to one resident, and the ballot it was sending last."""

    participant_id: str
    acknowledged: int = 0
    last_acknowledged: list[int] = field(default_factory=list)
    in_flight: list[int] = field(default_factory=list)


def test_no_acknowledged_ballot_is_lost_when_the_server_is_killed(
    database_url: str, clean_engine: Engine, tmp_path: Path
) -> None:
    world = build_world(clean_engine)
    url = f"http://127.0.0.1:{free_port()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WG_", "DATABASE_"))}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(48),
        DATA_DIR=str(tmp_path),
        RESULTS_REFRESH_SECONDS="0",
        PARTICIPANT_WRITES_LIMIT="100000/minute",
        SESSION_WRITES_LIMIT="100000/minute",
        CHECK_INS_PER_CLIENT_LIMIT="100000/minute",
        CHECK_INS_PER_SESSION_LIMIT="100000/minute",
    )
    log = tmp_path / "server.log"
    with log.open("ab") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory",
             "--host", "127.0.0.1", "--port", url.rsplit(":", 1)[1], "--log-level", "warning"],
            cwd=PROJECT, env=env, stdout=output, stderr=output,
        )  # fmt: skip
    sent: list[Sent] = []
    stop = threading.Event()
    try:
        wait_for(
            lambda: answers_health(url) or server.poll() is not None,
            what="the server answers",
            seconds=WAIT_SECONDS,
        )
        assert server.poll() is None, log.read_text()[-3000:]
        api = httpx.Client(base_url=f"{url}/api/v1", timeout=30)
        tokens = []
        for number in range(RESIDENTS):
            response = api.post("/check-ins", json={"joinCode": JOIN_CODES[number % 2]})
            assert response.status_code == 201, response.text
            body = response.json()
            sent.append(
                Sent(participant_id=str(jwt.get_unverified_claims(body["participantToken"])["sub"]))
            )
            tokens.append((body["participantToken"], body["session"]["id"]))

        def vote(number: int) -> None:
            token, session_id = tokens[number]
            resident = sent[number]
            with httpx.Client(base_url=f"{url}/api/v1", timeout=30) as http:
                while not stop.is_set():
                    ranking = world.rng.sample(world.priority_ids, 3)
                    resident.in_flight = ranking
                    try:
                        response = http.put(
                            f"/sessions/{session_id}/ballot",
                            json={"ranking": ranking},
                            headers={
                                "Authorization": f"Bearer {token}",
                                "Idempotency-Key": str(uuid.uuid4()),
                            },
                        )
                    except httpx.HTTPError:
                        return  # the server is gone
                    assert response.status_code == 200, response.text
                    assert response.json()["revision"] == resident.acknowledged + 1
                    resident.acknowledged += 1
                    resident.last_acknowledged = ranking

        voters = [threading.Thread(target=vote, args=(n,)) for n in range(RESIDENTS)]
        for voter in voters:
            voter.start()
        wait_for(
            lambda: sum(r.acknowledged for r in sent) >= ACKNOWLEDGED_BEFORE_THE_KILL,
            what=f"{ACKNOWLEDGED_BEFORE_THE_KILL} ballots acknowledged",
            seconds=WAIT_SECONDS,
        )
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
        stop.set()
        for voter in voters:
            voter.join(timeout=60)
    finally:
        stop.set()
        if server.poll() is None:
            server.kill()
            server.wait(timeout=30)

    with clean_engine.connect() as connection:
        participant_ids = [
            pid for (pid,) in connection.execute(text("SELECT id FROM participants ORDER BY id"))
        ]
        stored = {
            participant_id: revision
            for participant_id, revision in connection.execute(
                text("SELECT participant_id, revision FROM ballots")
            )
        }
        items: dict[str, list[int]] = {}
        for participant_id, priority_id in connection.execute(
            text(
                "SELECT b.participant_id, i.priority_id FROM ballot_items i"
                " JOIN ballots b ON b.id = i.ballot_id ORDER BY b.participant_id, i.rank"
            )
        ):
            items.setdefault(participant_id, []).append(priority_id)
    assert sorted(participant_ids) == sorted(r.participant_id for r in sent)
    for number, resident in enumerate(sent):
        revision = stored.get(resident.participant_id, 0)
        # Acknowledged means stored; at most the one PUT in flight at the kill is stored too.
        assert revision in (resident.acknowledged, resident.acknowledged + 1), (
            f"resident {number}: revision {revision}, {resident.acknowledged} acknowledged"
        )
        if revision:
            expected = (
                resident.last_acknowledged
                if revision == resident.acknowledged
                else resident.in_flight
            )
            assert items[resident.participant_id] == expected
    assert sum(r.acknowledged for r in sent) >= ACKNOWLEDGED_BEFORE_THE_KILL
