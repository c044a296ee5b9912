"""Small helpers shared by the API tests."""

from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session

from api.core.access import Role
from api.staff import service as staff

PASSWORD = "correct horse battery staple"

# The default theme taxonomy that every fresh database has (DESIGN.md), in its order.
DEFAULT_THEME_KEYS = [
    "welzijn",
    "materiele-welvaart",
    "gezondheid",
    "arbeid-en-vrije-tijd",
    "wonen",
    "samenleving",
    "veiligheid",
    "milieu",
    "onderwijs-en-ontwikkeling",
    "later",
]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(
    response: Response, status: int, *, mentions: str | None = None
) -> dict[str, Any]:
    """The response is a problem+json error with this status (and says `mentions`)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    assert "Traceback" not in response.text
    if mentions:
        assert mentions.lower() in response.text.lower(), response.text
    return body


def make_staff(
    db: Session, *, role: Role, municipalities: list[str] = (), email: str | None = None
) -> str:
    """Create a staff account; returns its e-mail address (the password is PASSWORD)."""
    email = email or f"{role.value}-{'-'.join(municipalities) or 'all'}@example.org".lower()
    staff.create_user(
        db, email=email, password=PASSWORD, role=role, municipality_codes=list(municipalities)
    )
    return email


def login(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/auth/token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    return bearer(response.json()["access_token"])


def staff_headers(client: TestClient, db: Session, *, role: Role, municipalities: list[str] = ()):
    """Sign in a new staff member with this role and scope; returns the auth headers."""
    return login(client, make_staff(db, role=role, municipalities=municipalities))


def create_municipality(client: TestClient, admin: dict[str, str], code: str, name: str) -> None:
    response = client.post("/municipalities", json={"cbsCode": code, "name": name}, headers=admin)
    assert response.status_code == 201, response.text
