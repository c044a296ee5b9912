"""Residents' ideas: sent masked, apart from the resident, exactly once, at most three."""

import json
import logging
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from api.sessions.models import DialogueSession, SessionStatus
from tests.helpers import assert_problem
from tests.resident.conftest import Resident, check_in, row_counts
from tests.support.places import Place

RAW = "Een bankje bij de bushalte. Bel me: 06-12345678 of mail piet@example.nl"


def send_idea(client: TestClient, resident: Resident, body, *, key: str | None = None):
    headers = dict(resident.headers)
    if key:
        headers["Idempotency-Key"] = key
    return client.post(f"/sessions/{resident.session_id}/ideas", json=body, headers=headers)


def stored_ideas(db: Session) -> list[dict]:
    rows = [dict(r) for r in db.execute(text("SELECT * FROM ideas")).mappings()]
    db.commit()
    return rows


@pytest.mark.both_databases
def test_an_idea_is_stored_masked_with_the_kinds_masked(
    client: TestClient, db: Session, resident: Resident, tilburg: Place
):
    response = send_idea(client, resident, {"text": f"  {RAW}  "})
    assert response.status_code == 201, response.text
    assert response.json() == {"status": "pending", "ideasLeft": 2}
    [idea] = stored_ideas(db)
    assert idea["text"] == "Een bankje bij de bushalte. Bel me: [phone] of mail [email]"
    kinds = idea["masked_kinds"]  # JSON: text on SQLite, a list on PostgreSQL
    assert (json.loads(kinds) if isinstance(kinds, str) else kinds) == ["email", "phone"]
    assert idea["status"] == "pending"
    assert idea["dialogue_id"] == tilburg.dialogue_id


def test_the_raw_text_reaches_neither_the_database_nor_the_logs(
    client: TestClient, db: Session, resident: Resident, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    assert send_idea(client, resident, {"text": RAW}, key=str(uuid.uuid4())).status_code == 201
    for table in ("ideas", "idea_counts", "idempotency_records", "audit_events", "participants"):
        dump = str(db.execute(text(f"SELECT * FROM {table}")).all())
        assert "06-12345678" not in dump and "piet@example.nl" not in dump, table
    db.commit()
    assert "06-12345678" not in caplog.text and "piet@example.nl" not in caplog.text


def test_nothing_links_an_idea_to_its_participant(
    client: TestClient, db: Session, resident: Resident
):
    assert send_idea(client, resident, {"text": "Meer bankjes"}).status_code == 201
    [idea] = stored_ideas(db)
    assert set(idea) == {
        "id", "dialogue_id", "received_hour", "text", "masked_kinds", "status", "theme_id",
        "priority_id",
    }  # fmt: skip
    assert resident.participant_id not in str(db.execute(text("SELECT * FROM idea_counts")).all())
    received = str(idea["received_hour"])
    assert received[14:19] == "00:00", received  # the hour only
    db.commit()


def test_a_replayed_idea_is_stored_once(client: TestClient, db: Session, resident: Resident):
    key = str(uuid.uuid4())
    first = send_idea(client, resident, {"text": "Een pannakooi"}, key=key)
    again = send_idea(client, resident, {"text": "Een pannakooi"}, key=key)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert len(stored_ideas(db)) == 1
    other = send_idea(client, resident, {"text": "Iets anders"}, key=key)
    assert_problem(other, 422)


@pytest.mark.both_databases
def test_a_fourth_idea_of_one_resident_is_refused_and_others_can_still_send(
    client: TestClient, db: Session, tilburg: Place
):
    resident = check_in(client, tilburg.join_code)
    for number in range(3):
        assert send_idea(client, resident, {"text": f"Idee {number}"}).status_code == 201
    before = row_counts(db)
    body = assert_problem(send_idea(client, resident, {"text": "Idee 4"}), 409, mentions="3")
    assert body["type"].endswith("idea-limit-reached")
    assert row_counts(db) == before
    neighbour = check_in(client, tilburg.join_code)
    assert send_idea(client, neighbour, {"text": "Ook een idee"}).status_code == 201
    assert len(stored_ideas(db)) == 4


@pytest.mark.parametrize(
    "body",
    [
        {"text": ""},
        {"text": "   "},
        {"text": "x" * 281},
        {"text": "nul\x00teken"},
        {},
        {"text": "ok", "contact": "a@b.nl"},
        {"text": 12},
    ],
)
def test_bad_ideas_are_a_400_and_store_nothing(
    client: TestClient, db: Session, resident: Resident, body
):
    before = row_counts(db)
    assert_problem(send_idea(client, resident, body), 400)
    assert row_counts(db) == before


def test_280_characters_after_trimming_are_taken(client: TestClient, resident: Resident):
    assert send_idea(client, resident, {"text": " " + "x" * 280 + "\n"}).status_code == 201


def test_an_idea_needs_a_check_in_for_this_session_and_an_open_session(
    client: TestClient, db: Session, resident: Resident, den_bosch: Place
):
    no_token = client.post(f"/sessions/{resident.session_id}/ideas", json={"text": "Idee"})
    assert_problem(no_token, 401)
    other = client.post(
        f"/sessions/{den_bosch.session_id}/ideas", json={"text": "Idee"}, headers=resident.headers
    )
    assert_problem(other, 403)
    row = db.get(DialogueSession, resident.session_id)
    row.status = SessionStatus.CLOSED
    db.add(row)
    db.commit()
    assert_problem(send_idea(client, resident, {"text": "Idee"}), 409)
