"""A full room at once, against a real server: nothing lost, nothing counted twice."""

import asyncio
import json
import socket
import uuid
from collections import Counter
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import Session

from api.core.config import Settings
from api.core.problems import problem_type
from tests.resident.conftest import resident_from, row_counts
from tests.resident.test_ballots import stored_ballots
from tests.resident.test_pledges import stored_pledges
from tests.support.places import Place

# both_databases: races between concurrent writers.
pytestmark = [pytest.mark.both_databases, pytest.mark.concurrency, pytest.mark.timeout(120)]

ROOM = 200
CONNECTIONS = 64


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Limits roomy enough that only the behaviour under test is seen (retries hammer one token)."""
    return settings.model_copy(
        update={
            "participant_writes_limit": "1000/minute",
            "check_ins_per_session_limit": "1000/minute",
            "check_ins_per_client_limit": "1000/minute",  # the whole room is on 127.0.0.1
        }  # fmt: skip
    )


def ranking_for(number: int, priority_ids: list[int]) -> list[int]:
    """A different top-k for each resident: rotated, 1 to 5 long."""
    shift = number % len(priority_ids)
    rotated = priority_ids[shift:] + priority_ids[:shift]
    return rotated[: 1 + number % len(priority_ids)]


def client_for(live_server: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=f"{live_server}/api/v1",
        limits=httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS),
        timeout=60,
    )


def test_a_room_of_200_checking_in_voting_and_pledging_at_once_leaves_exactly_200_ballots(
    live_server: str, db: Session, tilburg: Place
):
    async def resident(http: httpx.AsyncClient, number: int):
        checked_in = await http.post("/check-ins", json={"joinCode": tilburg.join_code})
        assert checked_in.status_code == 201, checked_in.text
        me = resident_from(checked_in.json())
        ranking = ranking_for(number, tilburg.priority_ids)
        ballot = await http.put(
            f"/sessions/{me.session_id}/ballot",
            json={"ranking": ranking, "ageBand": "25-44"},
            headers={**me.headers, "Idempotency-Key": str(uuid.uuid4())},
        )
        pledge = await http.post(
            f"/sessions/{me.session_id}/pledges",
            json={"kind": "time", "hoursPerMonth": 1 + number % 8, "text": f"resident {number}"},
            headers={**me.headers, "Idempotency-Key": str(uuid.uuid4())},
        )
        return me.participant_id, ranking, ballot, pledge

    async def room():
        async with client_for(live_server) as http:
            return await asyncio.gather(*(resident(http, n) for n in range(ROOM)))

    results = asyncio.run(room())
    assert Counter(b.status_code for _, _, b, _ in results) == {200: ROOM}
    assert Counter(p.status_code for _, _, _, p in results) == {201: ROOM}
    counts = row_counts(db)
    assert (counts["participants"], counts["ballots"], counts["pledges"]) == (ROOM, ROOM, ROOM)
    expected = {participant: ranking for participant, ranking, _, _ in results}
    stored = {b["participant_id"]: b for b in stored_ballots(db)}
    assert {p: b["ranking"] for p, b in stored.items()} == expected
    assert {b["revision"] for b in stored.values()} == {1}
    assert counts["ballot_items"] == sum(len(r) for r in expected.values())
    assert sorted(p["text"] for p in stored_pledges(db)) == sorted(f"resident {n}" for n in range(ROOM))  # fmt: skip


async def _check_in(live_server: str, join_code: str):
    async with client_for(live_server) as http:
        return resident_from((await http.post("/check-ins", json={"joinCode": join_code})).json())


def test_20_identical_puts_at_once_leave_one_ballot(live_server: str, db: Session, tilburg: Place):
    me = asyncio.run(_check_in(live_server, tilburg.join_code))
    body = {"ranking": tilburg.priority_ids[:3], "neighbourhoodCode": tilburg.buurten[0]}

    async def burst():
        async with client_for(live_server) as http:
            return await asyncio.gather(
                *(
                    http.put(f"/sessions/{me.session_id}/ballot", json=body, headers=me.headers)
                    for _ in range(20)
                )
            )

    responses = asyncio.run(burst())
    assert [r.status_code for r in responses] == [200] * 20, [r.text for r in responses]
    assert sorted(r.json()["revision"] for r in responses) == list(range(1, 21))
    (ballot,) = stored_ballots(db)
    assert (ballot["ranking"], ballot["revision"]) == (body["ranking"], 20)
    assert row_counts(db)["ballot_items"] == 3


def test_20_identical_puts_with_the_same_key_at_once_write_once(
    live_server: str, db: Session, tilburg: Place
):
    me = asyncio.run(_check_in(live_server, tilburg.join_code))
    body = {"ranking": tilburg.priority_ids[:2]}
    headers = {**me.headers, "Idempotency-Key": str(uuid.uuid4())}

    async def burst():
        async with client_for(live_server) as http:
            return await asyncio.gather(
                *(
                    http.put(f"/sessions/{me.session_id}/ballot", json=body, headers=headers)
                    for _ in range(20)
                )
            )

    responses = asyncio.run(burst())
    fresh = [
        r for r in responses if r.status_code == 200 and "Idempotent-Replayed" not in r.headers
    ]
    replays = [r for r in responses if r.headers.get("Idempotent-Replayed") == "true"]
    in_progress = [r for r in responses if r.status_code == 409]
    assert len(fresh) == 1, [r.text for r in responses]
    assert len(fresh) + len(replays) + len(in_progress) == 20, [r.text for r in responses]
    assert all(r.json() == fresh[0].json() for r in replays)
    assert all(r.json()["type"] == problem_type("request-in-progress") for r in in_progress)
    (ballot,) = stored_ballots(db)
    assert ballot["revision"] == 1
    assert row_counts(db)["idempotency_records"] == 1


def _send_and_hang_up(live_server: str, method: str, path: str, headers: dict, body: dict) -> None:
    """Send a request and close the connection without reading: the response is lost."""
    address = urlsplit(live_server)
    payload = json.dumps(body).encode()
    head = [f"{method} /api/v1{path} HTTP/1.1", f"Host: {address.netloc}"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    head += ["Content-Type: application/json", f"Content-Length: {len(payload)}", "", ""]
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall("\r\n".join(head).encode() + payload)


def test_retries_after_lost_responses_count_nothing_twice(
    live_server: str, db: Session, tilburg: Place
):
    people = 40

    async def resident(http: httpx.AsyncClient, number: int):
        me = resident_from((await http.post("/check-ins", json={"joinCode": tilburg.join_code})).json())  # fmt: skip
        writes = [
            (
                "PUT",
                f"/sessions/{me.session_id}/ballot",
                {"ranking": ranking_for(number, tilburg.priority_ids)},
            ),  # fmt: skip
            ("POST", f"/sessions/{me.session_id}/pledges", {"kind": "skill", "text": f"p{number}"}),
        ]
        answers = []
        for method, path, body in writes:
            headers = {**me.headers, "Idempotency-Key": str(uuid.uuid4())}
            await asyncio.to_thread(_send_and_hang_up, live_server, method, path, headers, body)
            for _attempt in range(100):  # the outbox retries until it gets an answer
                response = await http.request(method, path, json=body, headers=headers)
                if response.status_code != 409:
                    break
                await asyncio.sleep(0.05)
            assert response.status_code in (200, 201), response.text
            answers.append(response)
        return me.participant_id, answers

    async def room():
        async with client_for(live_server) as http:
            return await asyncio.gather(*(resident(http, n) for n in range(people)))

    results = asyncio.run(room())
    counts = row_counts(db)
    assert (counts["participants"], counts["ballots"], counts["pledges"]) == (
        people,
        people,
        people,
    )
    assert {b["revision"] for b in stored_ballots(db)} == {1}
    assert Counter(p["participant_id"] for p in stored_pledges(db)) == {p: 1 for p, _ in results}
    # the retried pledge is the pledge that was stored, not a second one
    stored_ids = {p["id"] for p in stored_pledges(db)}
    assert {answers[1].json()["id"] for _, answers in results} == stored_ids


def test_one_participant_sending_six_pledges_at_once_gets_exactly_five(
    live_server: str, db: Session, tilburg: Place
):
    me = asyncio.run(_check_in(live_server, tilburg.join_code))

    async def burst():
        async with client_for(live_server) as http:
            return await asyncio.gather(
                *(
                    http.post(
                        f"/sessions/{me.session_id}/pledges",
                        json={"kind": "time", "text": f"pledge {n}"},
                        headers={**me.headers, "Idempotency-Key": str(uuid.uuid4())},
                    )
                    for n in range(6)
                )
            )

    responses = asyncio.run(burst())
    assert sorted(r.status_code for r in responses) == [201] * 5 + [409], [
        r.text for r in responses
    ]
    refused = next(r for r in responses if r.status_code == 409)
    assert refused.json()["type"] == problem_type("pledge-limit-reached")
    assert sorted(p["sequence"] for p in stored_pledges(db)) == [1, 2, 3, 4, 5]
    assert row_counts(db)["idempotency_records"] == 5


def test_ballots_and_closing_the_session_at_once_never_half_count(
    live_server: str, db: Session, tilburg: Place, admin
):
    """Every ballot acknowledged before closing is kept; every one after is refused."""
    import httpx as sync_http

    async def voters():
        async with client_for(live_server) as http:
            people = [
                resident_from(
                    (await http.post("/check-ins", json={"joinCode": tilburg.join_code})).json()
                )  # fmt: skip
                for _ in range(60)
            ]

            async def vote(me):
                return me.participant_id, await http.put(
                    f"/sessions/{me.session_id}/ballot",
                    json={"ranking": tilburg.priority_ids[:2]},
                    headers=me.headers,
                )

            async def close():
                await asyncio.sleep(0.05)
                return await asyncio.to_thread(
                    sync_http.patch,
                    f"{live_server}/api/v1/sessions/{tilburg.session_id}",
                    json={"status": "closed"},
                    headers=admin,
                )

            *votes, closed = await asyncio.gather(*(vote(p) for p in people), close())
            return votes, closed

    votes, closed = asyncio.run(voters())
    assert closed.status_code == 200, closed.text
    accepted = {p for p, r in votes if r.status_code == 200}
    assert {r.status_code for _, r in votes} <= {200, 409}
    stored = {b["participant_id"] for b in stored_ballots(db)}
    assert stored == accepted
    late = db.execute(
        text(
            "SELECT count(*) FROM ballots b JOIN sessions s ON s.id = b.session_id WHERE b.created_at > s.closed_at"
        )  # fmt: skip
    ).scalar_one()
    db.commit()
    assert late == 0
