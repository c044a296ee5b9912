"""Every kind of caller, for the role matrix of the coordinator's routes (tests/api/test_coordinator_*)."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.core.access import Role
from tests.helpers import bearer, staff_headers
from tests.support.places import Place

ACTORS = (
    "admin",
    "coordinator",
    "other_coordinator",
    "facilitator",
    "analyst",
    "participant",
    "anonymous",
)

MANAGERS_ONLY = {
    "admin": 2,
    "coordinator": 2,
    "other_coordinator": 404,
    "facilitator": 403,
    "analyst": 403,
    "participant": 401,
    "anonymous": 401,
}
"""Expected statuses of a route for admins and the municipality's coordinators (2 = any 2xx)."""


@pytest.fixture(name="actors")
def actors_fixture(
    client: TestClient, db: Session, tilburg: Place, den_bosch: Place
) -> dict[str, Any]:
    """Headers of each kind of caller; the coordinator, facilitator and analyst work in
    Tilburg, the other coordinator in Den Bosch, the participant checked in at Tilburg."""
    check_in = client.post("/check-ins", json={"joinCode": tilburg.join_code})
    assert check_in.status_code == 201, check_in.text
    return {
        "admin": staff_headers(client, db, role=Role.ADMIN),
        "coordinator": staff_headers(client, db, role=Role.COORDINATOR, municipalities=["GM0855"]),
        "other_coordinator": staff_headers(
            client, db, role=Role.COORDINATOR, municipalities=["GM0796"]
        ),
        "facilitator": staff_headers(client, db, role=Role.FACILITATOR, municipalities=["GM0855"]),
        "analyst": staff_headers(client, db, role=Role.ANALYST, municipalities=["GM0855"]),
        "participant": bearer(check_in.json()["participantToken"]),
        "anonymous": {},
    }


def check_matrix(
    actors: dict[str, Any],
    expected: dict[str, int],
    call: Callable[[str, dict[str, str]], Any],
) -> None:
    """Call the route as every actor; every status must be the expected one (2 = any 2xx),
    and every refusal a problem+json. Lists every mismatch at once."""
    wrong = []
    for name in ACTORS:
        response = call(name, actors[name])
        want = expected[name]
        ok = 200 <= response.status_code < 300 if want == 2 else response.status_code == want
        if ok and want != 2:
            ok = response.headers["content-type"].startswith("application/problem+json")
        if not ok:
            wrong.append(f"{name}: {response.status_code} (expected {want}) {response.text[:200]}")
    assert not wrong, "\n".join(wrong)
