"""No request holds the database writer while it waits on the network or on argon2.

On SQLite there is one write lock; a request holding it while a file trickles in or a password
is hashed would stop every ballot. Each test holds a request at the slow point (a body half
sent, a hash at a gate) and checks that a ballot is stored meanwhile, against a real server.
"""

import socket
import threading
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx
import pytest
from sqlmodel import Session

from api.core.access import Role
from api.staff import service as staff
from tests.helpers import PASSWORD, CountingHasher, bearer, make_staff
from tests.resident.conftest import Resident, resident_from
from tests.support.places import Place

# both_databases: the writer lock and connection pool of each dialect.
pytestmark = [pytest.mark.both_databases, pytest.mark.concurrency, pytest.mark.timeout(180)]

# Generous: on a loaded machine a ballot may take a while, but never the 90 s the held
# request waits before giving up (the tests release it only after the ballot is in).
BALLOT_TIMEOUT = 45


def api(live_server: str, **kwargs) -> httpx.Client:
    return httpx.Client(base_url=f"{live_server}/api/v1", timeout=BALLOT_TIMEOUT, **kwargs)


def check_in(live_server: str, join_code: str) -> Resident:
    with api(live_server) as http:
        response = http.post("/check-ins", json={"joinCode": join_code})
    assert response.status_code == 201, response.text
    return resident_from(response.json())


def put_ballot(live_server: str, resident: Resident, place: Place) -> httpx.Response:
    with api(live_server) as http:
        return http.put(
            f"/sessions/{resident.session_id}/ballot",
            json={"ranking": place.priority_ids[:3], "ageBand": "25-44"},
            headers={**resident.headers, "Idempotency-Key": str(uuid.uuid4())},
        )


def staff_token(live_server: str, email: str) -> dict[str, str]:
    with api(live_server) as http:
        response = http.post("/auth/token", data={"username": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return bearer(response.json()["access_token"])


def test_a_ballot_is_stored_while_a_neighbourhood_file_is_still_uploading(
    live_server: str, db: Session, tilburg: Place, monkeypatch: pytest.MonkeyPatch
):
    resident = check_in(live_server, tilburg.join_code)
    admin = staff_token(live_server, make_staff(db, role=Role.ADMIN))
    upload_signed_in = threading.Event()
    load_actor = staff.load_actor

    def noting_load_actor(*args, **kwargs):
        actor = load_actor(*args, **kwargs)
        upload_signed_in.set()
        return actor

    monkeypatch.setattr(staff, "load_actor", noting_load_actor)
    body = "statcode;statnaam\nWK085502;Noord\n" + "".join(
        f"BU085502{n:02d};Buurt {n}\n" for n in range(1, 60)
    )
    data = body.encode()
    address = urlsplit(live_server)
    with socket.create_connection((address.hostname, address.port), timeout=60) as upload:
        head = (
            "POST /api/v1/municipalities/GM0855/neighbourhoods/import HTTP/1.1\r\n"
            f"Host: {address.netloc}\r\n"
            f"Authorization: {admin['Authorization']}\r\n"
            "Content-Type: text/csv\r\n"
            f"Content-Length: {len(data)}\r\n\r\n"
        )
        upload.sendall(head.encode() + data[:40])
        assert upload_signed_in.wait(timeout=60), "the upload never reached the server"

        # The upload is signed in and half its body is still to come: a ballot goes through.
        ballot = put_ballot(live_server, resident, tilburg)
        assert ballot.status_code == 200, ballot.text

        upload.sendall(data[40:])
        answer = _read_response(upload)
    assert answer.startswith(b"HTTP/1.1 200"), answer
    assert b'"created":60' in answer.replace(b" ", b""), answer


def _read_response(connection: socket.socket) -> bytes:
    """One HTTP/1.1 response with a Content-Length, read off a raw socket."""
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = connection.recv(65536)
        assert chunk, f"the server closed the connection: {answer!r}"
        answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")[1:]
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = connection.recv(65536)
        assert chunk, f"the server closed the connection: {answer!r}"
        body += chunk
    return head + b"\r\n\r\n" + body


def _sign_in(live_server: str, email: str, password: str) -> int:
    with api(live_server) as http:
        return http.post("/auth/token", data={"username": email, "password": password}).status_code


@pytest.mark.parametrize(
    "action",
    ["failed sign-ins", "a right sign-in", "creating a staff account", "changing a password"],
)
def test_a_ballot_is_stored_while_passwords_are_being_hashed(
    live_server: str, db: Session, tilburg: Place, monkeypatch: pytest.MonkeyPatch, action: str
):
    resident = check_in(live_server, tilburg.join_code)
    email = make_staff(db, role=Role.ADMIN)
    admin = staff_token(live_server, email)
    me = api(live_server).get("/users/me", headers=admin).json()
    hasher = CountingHasher.install(monkeypatch)
    hasher.gate = threading.Event()

    requests: dict[str, tuple[int, Callable[[], int]]] = {
        "failed sign-ins": (3, lambda: _sign_in(live_server, email, "wrong password")),
        "a right sign-in": (1, lambda: _sign_in(live_server, email, PASSWORD)),
        "creating a staff account": (
            1,
            lambda: (
                api(live_server)
                .post(
                    "/users",
                    json={"email": "new@example.org", "password": PASSWORD, "role": "admin"},
                    headers=admin,
                )
                .status_code
            ),
        ),
        "changing a password": (
            1,
            lambda: (
                api(live_server)
                .patch(
                    f"/users/{me['id']}", json={"password": "another long password"}, headers=admin
                )
                .status_code
            ),
        ),
    }
    count, send = requests[action]
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda: statuses.append(send())) for _ in range(count)]
    for thread in threads:
        thread.start()
    try:
        in_argon2 = hasher.wait_until(lambda h: h.checks + h.hashes >= count)
        assert in_argon2, "the requests never reached the password hasher"

        # Every one of them is inside argon2 now, held there: a ballot goes through.
        ballot = put_ballot(live_server, resident, tilburg)
        assert ballot.status_code == 200, ballot.text
    finally:
        hasher.gate.set()
        for thread in threads:
            thread.join(timeout=60)
    expected = {"failed sign-ins": 401, "a right sign-in": 200}.get(action, 200)
    if action == "creating a staff account":
        expected = 201
    assert statuses == [expected] * count


def test_a_writing_request_gives_its_connection_back_before_its_response_is_sent(
    app, clean_engine, db: Session
):
    """Sending a response can wait on a slow client; the write lock must not wait with it."""
    from fastapi.testclient import TestClient

    held_at_response_start: list[int] = []

    async def noting_app(scope, receive, send):
        async def noting_send(message):
            if message["type"] == "http.response.start":
                held_at_response_start.append(clean_engine.pool.checkedout())
            await send(message)

        await app(scope, receive, noting_send)

    email = make_staff(db, role=Role.ADMIN)
    db.commit()
    with TestClient(noting_app, base_url="http://testserver/api/v1") as client:
        token = client.post("/auth/token", data={"username": email, "password": PASSWORD})
        headers = bearer(token.json()["access_token"])
        me = client.get("/users/me", headers=headers).json()
        held_at_response_start.clear()
        changed = client.patch(f"/users/{me['id']}", json={"fullName": "A. Dmin"}, headers=headers)
    assert changed.status_code == 200, changed.text
    assert held_at_response_start == [0]
