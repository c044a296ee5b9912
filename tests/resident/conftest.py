"""Fixtures and helpers for the resident API: check-ins, tokens and row counts."""

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from api.sessions.models import CheckInMode
from tests.helpers import bearer
from tests.support.places import Place, build_place

# Every table a resident write can touch; "writes nothing" means none of these changed.
RESIDENT_TABLES = (
    "participants",
    "ballots",
    "ballot_items",
    "pledges",
    "contact_offers",
    "contact_offer_counts",
    "ideas",
    "idea_counts",
    "idempotency_records",
    "audit_events",
)


@dataclass
class Resident:
    """A checked-in participant: their token (as headers) and what the check-in returned."""

    participant_id: str
    session_id: int
    token: str
    headers: dict[str, str]
    check_in: dict[str, Any]


def check_in(client: TestClient, join_code: str) -> Resident:
    """Check in with a join code; fails the test unless it is a 201."""
    response = client.post("/check-ins", json={"joinCode": join_code})
    assert response.status_code == 201, response.text
    return resident_from(response.json())


def resident_from(body: dict[str, Any]) -> Resident:
    from jose import jwt

    claims = jwt.get_unverified_claims(body["participantToken"])
    return Resident(
        participant_id=claims["sub"],
        session_id=body["session"]["id"],
        token=body["participantToken"],
        headers=bearer(body["participantToken"]),
        check_in=body,
    )


def row_counts(db: Session) -> dict[str, int]:
    """How many rows each resident table has now (the read is committed right away)."""
    counts = {
        t: db.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in RESIDENT_TABLES
    }
    db.commit()
    return counts


@pytest.fixture
def resident(client: TestClient, tilburg: Place) -> Resident:
    """A participant checked in to Tilburg's open poster session."""
    return check_in(client, tilburg.join_code)


@pytest.fixture
def amsterdam(db: Session) -> Place:
    """A municipality whose open session checks residents in with rotating codes."""
    return build_place(db, "GM0363", "Amsterdam", join_code="AMSCCC", mode=CheckInMode.ROTATING)
