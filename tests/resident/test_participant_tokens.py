"""Participant tokens: one session each, never a staff token, and they expire."""

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.core.db import utcnow
from api.core.security import TokenType, create_token
from tests.helpers import assert_problem, bearer
from tests.resident.conftest import Resident, check_in, row_counts
from tests.support.places import Place


def staff_routes(client: TestClient) -> list[tuple[str, str]]:
    """(method, path) of every operation the OpenAPI document says needs a staff sign-in."""
    document = client.get("/openapi.json").json()
    return [
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if any("OAuth2PasswordBearer" in s for s in operation.get("security", []))
    ]


def _fill(path: str, place: Place) -> str:
    path = path.replace("{cbsCode}", place.code)
    return re.sub(r"\{[^}]+\}", str(place.session_id), path)


def test_staff_routes_are_found(client: TestClient):
    routes = staff_routes(client)
    assert ("PATCH", "/sessions/{id}") in routes
    assert ("POST", "/sessions/{id}/assisted-ballots") in routes
    assert ("GET", "/users/me") in routes
    assert len(routes) >= 15


def test_a_participant_token_is_refused_on_every_staff_route(
    client: TestClient, db: Session, resident: Resident, tilburg: Place
):
    before = row_counts(db)
    for method, path in staff_routes(client):
        response = client.request(method, _fill(path, tilburg), headers=resident.headers, json={})
        assert_problem(response, 401)
    assert row_counts(db) == before


def test_a_staff_token_is_refused_as_a_participant_token(
    client: TestClient, db: Session, tilburg: Place, tilburg_facilitator, admin
):
    ballot = {"ranking": tilburg.priority_ids[:3]}
    before = row_counts(db)
    for headers in (tilburg_facilitator, admin):
        put = client.put(f"/sessions/{tilburg.session_id}/ballot", json=ballot, headers=headers)
        assert_problem(put, 401, mentions="check-in")
        pledge = client.post(
            f"/sessions/{tilburg.session_id}/pledges", json={"kind": "time"}, headers=headers
        )
        assert_problem(pledge, 401)
        assert_problem(client.get(f"/sessions/{tilburg.session_id}/ballot", headers=headers), 401)
    assert row_counts(db) == before


def test_a_staff_token_with_the_claims_of_a_participant_is_still_refused(
    client: TestClient, db: Session, resident: Resident, tilburg: Place, settings
):
    forged = create_token(
        subject=resident.participant_id,
        token_type=TokenType.STAFF,
        expires_at=utcnow() + timedelta(hours=1),
        signing_key=settings.signing_key(),
        claims={"sid": tilburg.session_id},
    )
    put = client.put(
        f"/sessions/{tilburg.session_id}/ballot",
        json={"ranking": tilburg.priority_ids[:1]},
        headers=bearer(forged),
    )
    assert_problem(put, 401)
    assert row_counts(db)["ballots"] == 0


def test_a_token_for_one_session_is_refused_on_another(
    client: TestClient, db: Session, resident: Resident, den_bosch: Place
):
    before = row_counts(db)
    put = client.put(
        f"/sessions/{den_bosch.session_id}/ballot",
        json={"ranking": den_bosch.priority_ids[:3]},
        headers=resident.headers,
    )
    assert_problem(put, 403, mentions="another session")
    pledge = client.post(
        f"/sessions/{den_bosch.session_id}/pledges", json={"kind": "time"}, headers=resident.headers
    )
    assert_problem(pledge, 403)
    assert_problem(client.get(f"/sessions/{den_bosch.session_id}/ballot", headers=resident.headers), 403)  # fmt: skip
    assert row_counts(db) == before


@pytest.mark.parametrize("kind", ["expired", "other key", "tampered", "garbage", "missing"])
def test_an_expired_or_invalid_participant_token_is_a_401(
    client: TestClient, db: Session, resident: Resident, tilburg: Place, settings, kind: str
):
    def token(*, expires_in: timedelta, key: str) -> str:
        return create_token(
            subject=resident.participant_id,
            token_type=TokenType.PARTICIPANT,
            expires_at=utcnow() + expires_in,
            signing_key=key,
            claims={"sid": tilburg.session_id},
        )

    headers = {
        "expired": bearer(token(expires_in=timedelta(seconds=-1), key=settings.signing_key())),
        "other key": bearer(token(expires_in=timedelta(hours=1), key="x" * 48)),
        "tampered": bearer(resident.token[:-3] + ("AAA" if not resident.token.endswith("AAA") else "BBB")),
        "garbage": bearer("not-a-token"),
        "missing": {},
    }[kind]  # fmt: skip
    before = row_counts(db)
    put = client.put(
        f"/sessions/{tilburg.session_id}/ballot",
        json={"ranking": tilburg.priority_ids[:3]},
        headers=headers,
    )
    body = assert_problem(put, 401)
    assert "scan" in body["detail"].lower() or "check in" in body["detail"].lower()
    assert put.headers["WWW-Authenticate"] == "Bearer"
    assert row_counts(db) == before


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "/sessions/{id}/ballot", {"ranking": "first"}),
        ("POST", "/sessions/{id}/pledges", {"kind": 5}),
        ("POST", "/sessions/{id}/ideas", {"text": ""}),
    ],
)
@pytest.mark.parametrize("wrong", ["id", "idempotency key"])
def test_a_write_without_a_valid_token_is_a_401_whatever_else_is_wrong_with_it(
    client: TestClient, tilburg: Place, method: str, path: str, body: dict, wrong: str
):
    """Who is asking is settled first: a phone whose check-in is gone learns to scan again,
    not which of its fields were wrong."""
    session_id = 0 if wrong == "id" else tilburg.session_id
    headers = bearer("not-a-token")
    if wrong == "idempotency key":
        headers["Idempotency-Key"] = "not-a-uuid"
    answer = client.request(method, path.format(id=session_id), json=body, headers=headers)
    assert_problem(answer, 401)


def test_a_participant_reads_back_their_own_ballot_only(
    client: TestClient, resident: Resident, tilburg: Place
):
    assert_problem(client.get(f"/sessions/{tilburg.session_id}/ballot", headers=resident.headers), 404)  # fmt: skip
    client.put(
        f"/sessions/{tilburg.session_id}/ballot",
        json={"ranking": tilburg.priority_ids[:2]},
        headers=resident.headers,
    )
    other = check_in(client, tilburg.join_code)
    assert_problem(client.get(f"/sessions/{tilburg.session_id}/ballot", headers=other.headers), 404)  # fmt: skip
    mine = client.get(f"/sessions/{tilburg.session_id}/ballot", headers=resident.headers).json()
    assert mine["ranking"] == tilburg.priority_ids[:2]
