"""Staff sign-in and every way a token can be misused."""

import base64
import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from jose import jwt
from sqlmodel import Session

from api.core.access import Role
from api.core.config import Settings
from api.core.db import utcnow
from api.core.security import JWT_ISSUER, TokenType, create_token
from tests.helpers import PASSWORD, assert_problem, bearer, login, make_staff


def _claims(user_id: int = 1, **extra) -> dict:
    now = utcnow()
    return {
        "sub": str(user_id),
        "typ": "staff",
        "iss": JWT_ISSUER,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        "ver": 0,
        **extra,
    }


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.fixture
def admin_email(db: Session) -> str:
    return make_staff(db, role=Role.ADMIN)


def test_sign_in_returns_a_bearer_token_that_opens_staff_routes(client: TestClient, admin_email):
    response = client.post("/auth/token", data={"username": admin_email, "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()
    assert token["token_type"] == "bearer" and token["expires_in"] > 0
    me = client.get("/users/me", headers=bearer(token["access_token"]))
    assert me.status_code == 200 and me.json()["email"] == admin_email


def test_sign_in_ignores_case_and_spaces_in_the_email(client: TestClient, admin_email):
    login(client, f"  {admin_email.upper()} ")


def test_wrong_password_is_401_without_saying_which_part_was_wrong(client, admin_email):
    response = client.post("/auth/token", data={"username": admin_email, "password": "nope"})
    body = assert_problem(response, 401)
    unknown = client.post("/auth/token", data={"username": "who@x.org", "password": "nope"})
    assert assert_problem(unknown, 401)["detail"] == body["detail"]


def test_repeated_failed_sign_ins_are_slowed_down_with_retry_after(client, admin_email):
    for _ in range(5):
        client.post("/auth/token", data={"username": admin_email, "password": "wrong"})
    response = client.post("/auth/token", data={"username": admin_email, "password": PASSWORD})
    assert_problem(response, 429, mentions="failed sign-ins")
    assert int(response.headers["Retry-After"]) > 0


def test_missing_token_is_401(client: TestClient):
    assert_problem(client.get("/users/me"), 401, mentions="sign in")


def test_expired_token_is_refused(client, admin_email, settings: Settings):
    token = create_token(
        subject="1",
        token_type=TokenType.STAFF,
        expires_at=utcnow() - timedelta(seconds=1),
        signing_key=settings.signing_key(),
        claims={"ver": 0},
    )
    assert_problem(client.get("/users/me", headers=bearer(token)), 401)


def test_tampered_token_is_refused(client, admin_email, settings: Settings):
    token = jwt.encode(_claims(), settings.signing_key(), algorithm="HS256")
    header, _payload, signature = token.split(".")
    forged = f"{header}.{_b64(_claims(role='admin', sub='2'))}.{signature}"
    assert_problem(client.get("/users/me", headers=bearer(forged)), 401)


def test_token_signed_with_another_algorithm_is_refused(client, admin_email, settings):
    token = jwt.encode(_claims(), settings.signing_key(), algorithm="HS512")
    assert_problem(client.get("/users/me", headers=bearer(token)), 401)


def test_unsigned_alg_none_token_is_refused(client, admin_email):
    token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims())}."
    assert_problem(client.get("/users/me", headers=bearer(token)), 401)


def test_token_without_expiry_is_refused(client, admin_email, settings: Settings):
    claims = _claims()
    del claims["exp"]
    token = jwt.encode(claims, settings.signing_key(), algorithm="HS256")
    assert_problem(client.get("/users/me", headers=bearer(token)), 401)


def test_token_signed_with_another_key_is_refused(client, admin_email):
    token = jwt.encode(_claims(), "another-key-" * 4, algorithm="HS256")
    assert_problem(client.get("/users/me", headers=bearer(token)), 401)


def test_participant_token_is_refused_on_staff_routes(client, admin_email, settings: Settings):
    token = create_token(
        subject="1",
        token_type=TokenType.PARTICIPANT,
        expires_at=utcnow() + timedelta(hours=1),
        signing_key=settings.signing_key(),
        claims={"sid": 1, "ver": 0},
    )
    assert_problem(client.get("/users/me", headers=bearer(token)), 401)


def test_changing_a_password_signs_out_existing_tokens(client, db, admin_email):
    headers = login(client, admin_email)
    me = client.get("/users/me", headers=headers).json()
    changed = client.patch(
        f"/users/{me['id']}", json={"password": "a new long password"}, headers=headers
    )
    assert changed.status_code == 200, changed.text
    assert_problem(client.get("/users/me", headers=headers), 401)
    login(client, admin_email, "a new long password")


def test_deactivated_account_cannot_sign_in_and_its_token_stops_working(client, admin_email):
    admin = login(client, admin_email)
    created = client.post(
        "/users",
        json={"email": "second@example.org", "password": PASSWORD, "role": "admin"},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    second = login(client, "second@example.org")
    client.patch(f"/users/{created.json()['id']}", json={"isActive": False}, headers=admin)
    response = client.post(
        "/auth/token", data={"username": "second@example.org", "password": PASSWORD}
    )
    assert_problem(response, 401)
    assert_problem(client.get("/users/me", headers=second), 401)
