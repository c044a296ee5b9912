"""Residents checking in with the poster code or the projector's rotating code."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

import api.sessions.router as sessions_router
from api.core.security import TokenType, decode_token
from api.sessions import service as sessions
from api.sessions.models import DialogueSession
from tests.helpers import assert_problem
from tests.resident.conftest import row_counts
from tests.support.places import Place

NOON = datetime(2027, 3, 2, 12, 0, 0, tzinfo=UTC)  # the start of a 30-second window


@pytest.mark.both_databases
def test_checking_in_with_the_poster_code_gives_a_token_the_session_and_its_priorities(
    client: TestClient, db: Session, tilburg: Place, settings
):
    before = row_counts(db)
    response = client.post("/check-ins", json={"joinCode": tilburg.join_code})
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"participantToken", "expiresAt", "session", "priorities"}
    assert body["session"]["id"] == tilburg.session_id
    assert body["session"]["status"] == "open"
    assert body["session"]["municipality"] == "GM0855"
    assert body["session"]["venue"]["name"] == "Bibliotheek"
    assert [p["id"] for p in body["priorities"]] == tilburg.priority_ids
    first = body["priorities"][0]
    assert {"id", "title", "description", "themeKey"} <= set(first)
    assert (first["title"], first["themeKey"]) == ("Prioriteit 1", "milieu")

    claims = decode_token(
        body["participantToken"],
        token_type=TokenType.PARTICIPANT,
        signing_key=settings.signing_key(),
    )
    assert claims["sid"] == tilburg.session_id
    ends_at = datetime.fromisoformat(body["session"]["endsAt"])
    expires_at = datetime.fromisoformat(body["expiresAt"])
    assert expires_at == ends_at.replace(microsecond=0) + timedelta(hours=4)
    assert claims["exp"] == int(expires_at.timestamp())
    assert row_counts(db) == {**before, "participants": before["participants"] + 1}


def test_each_check_in_is_a_new_anonymous_participant(client: TestClient, db: Session, tilburg):
    tokens = {client.post("/check-ins", json={"joinCode": tilburg.join_code}).json()["participantToken"] for _ in range(3)}  # fmt: skip
    assert len(tokens) == 3
    assert row_counts(db)["participants"] == 3


@pytest.mark.parametrize("typed", ["tbgaaa", "TBG AAA", "tbg-aaa", " T-B-G a a a ", "TbG–AaA"])
def test_the_poster_code_may_be_typed_in_lower_case_with_spaces_or_dashes(
    client: TestClient, tilburg: Place, typed: str
):
    response = client.post("/check-ins", json={"joinCode": typed})
    assert response.status_code == 201, response.text
    assert response.json()["session"]["id"] == tilburg.session_id


@pytest.mark.parametrize("code", ["ZZZZZZ", "TBGAAB", "TBGAA", "TBGAAAX", "------"])
def test_an_unknown_code_is_a_404_and_checks_no_one_in(
    client: TestClient, db: Session, tilburg: Place, code: str
):
    before = row_counts(db)
    assert_problem(client.post("/check-ins", json={"joinCode": code}), 404, mentions="code")
    assert row_counts(db) == before


@pytest.mark.parametrize("body", [{}, {"joinCode": ""}, {"joinCode": "AB"}, {"joinCode": "A" * 17}, {"joinCode": 123456}, {"joinCode": "TBGAAA", "name": "Jan"}])  # fmt: skip
def test_a_malformed_check_in_is_a_400(client: TestClient, db: Session, tilburg: Place, body):
    before = row_counts(db)
    assert_problem(client.post("/check-ins", json=body), 400)
    assert row_counts(db) == before


@pytest.mark.both_databases
@pytest.mark.parametrize("status", ["planned", "closed"])
def test_a_session_that_is_not_open_admits_no_one(
    client: TestClient, db: Session, tilburg: Place, status: str
):
    row = db.get(DialogueSession, tilburg.session_id)
    row.status = status
    db.add(row)
    db.commit()
    before = row_counts(db)
    response = client.post("/check-ins", json={"joinCode": tilburg.join_code})
    assert_problem(response, 409, mentions="not started" if status == "planned" else "closed")
    assert row_counts(db) == before


def _rotating(db: Session, place: Place) -> DialogueSession:
    row = db.get(DialogueSession, place.session_id)
    db.commit()
    return row


def _code_at(row: DialogueSession, moment: datetime) -> str:
    return sessions.rotating_code(row, now=moment, seconds=30)[0]


def _check_in_at(client, monkeypatch, moment: datetime, code: str):
    monkeypatch.setattr(sessions_router, "utcnow", lambda: moment)
    return client.post("/check-ins", json={"joinCode": code})


def test_a_rotating_code_changes_every_30_seconds(db: Session, amsterdam: Place):
    row = _rotating(db, amsterdam)
    codes = [_code_at(row, NOON + timedelta(seconds=s)) for s in (0, 29, 30, 59, 60)]
    assert codes[0] == codes[1] != codes[2] == codes[3] != codes[4]
    assert all(c.startswith(amsterdam.join_code) and len(c) == 10 for c in codes)
    assert sessions.rotating_code(row, now=NOON, seconds=30)[1] == NOON + timedelta(seconds=30)


def test_the_current_and_the_previous_rotating_code_are_accepted(
    client: TestClient, db: Session, amsterdam: Place, monkeypatch
):
    row = _rotating(db, amsterdam)
    current, previous = _code_at(row, NOON), _code_at(row, NOON - timedelta(seconds=30))
    for moment in (NOON, NOON + timedelta(seconds=29)):
        for code in (current, previous, previous.lower()[:6] + " " + previous[6:]):
            response = _check_in_at(client, monkeypatch, moment, code)
            assert response.status_code == 201, (moment, code, response.text)
            assert response.json()["session"]["id"] == amsterdam.session_id


def test_a_photo_of_the_rotating_qr_code_from_two_windows_ago_is_refused(
    client: TestClient, db: Session, amsterdam: Place, monkeypatch
):
    row = _rotating(db, amsterdam)
    photographed = _code_at(row, NOON)
    before = row_counts(db)
    for later in (60, 89, 3600):
        response = _check_in_at(client, monkeypatch, NOON + timedelta(seconds=later), photographed)
        assert_problem(response, 403, mentions="expired")
    # the photo still worked while it was the previous code
    assert _check_in_at(client, monkeypatch, NOON + timedelta(seconds=59), photographed).status_code == 201  # fmt: skip
    assert row_counts(db)["participants"] == before["participants"] + 1


def test_a_rotating_session_refuses_the_bare_poster_code_and_made_up_suffixes(
    client: TestClient, db: Session, amsterdam: Place, monkeypatch
):
    row = _rotating(db, amsterdam)
    before = row_counts(db)
    bare = _check_in_at(client, monkeypatch, NOON, amsterdam.join_code)
    assert_problem(bare, 400)
    current = _code_at(row, NOON)
    wrong = current[:6] + ("2222" if current[6:] != "2222" else "3333")
    assert_problem(_check_in_at(client, monkeypatch, NOON, wrong), 403)
    assert row_counts(db) == before


@pytest.mark.parametrize("typed", [6, 8])
def test_a_rotating_code_typed_without_its_last_characters_says_to_type_all_ten(
    client: TestClient, db: Session, amsterdam: Place, monkeypatch, typed: int
):
    row = _rotating(db, amsterdam)
    current = _code_at(row, NOON)
    response = _check_in_at(client, monkeypatch, NOON, current[:typed])
    problem = assert_problem(response, 400, mentions="has 10 characters")
    assert "expired" not in response.text
    assert [p["name"] for p in problem["invalidParams"]] == ["joinCode"]
    assert _check_in_at(client, monkeypatch, NOON, current).status_code == 201


def test_a_poster_session_refuses_codes_with_a_rotating_suffix(
    client: TestClient, db: Session, tilburg: Place
):
    row = _rotating(db, tilburg)
    with_suffix = _code_at(row, datetime.now(UTC))
    assert_problem(client.post("/check-ins", json={"joinCode": with_suffix}), 404)


def test_wrong_rotating_codes_are_rate_limited_with_retry_after(
    client: TestClient, db: Session, amsterdam: Place, monkeypatch, settings
):
    settings.check_in_failures_limit = "5/minute"
    row = _rotating(db, amsterdam)
    stale = _code_at(row, NOON - timedelta(minutes=5))
    for _ in range(5):
        assert_problem(_check_in_at(client, monkeypatch, NOON, stale), 403)
    limited = _check_in_at(client, monkeypatch, NOON, stale)
    assert_problem(limited, 429)
    # a hit is forgotten between one minute and one minute plus a bucket (1 s) after it
    assert 1 <= int(limited.headers["Retry-After"]) <= 61


def test_someone_trying_old_codes_from_elsewhere_does_not_lock_the_room_out(
    app, db: Session, amsterdam: Place, monkeypatch, settings
):
    """The limit on wrong codes counts per session and client, so the room still gets in."""
    settings.check_in_failures_limit = "5/minute"
    row = _rotating(db, amsterdam)
    monkeypatch.setattr(sessions_router, "utcnow", lambda: NOON)
    stale = _code_at(row, NOON - timedelta(minutes=5))
    with (
        TestClient(app, base_url="http://testserver/api/v1", client=("203.0.113.9", 5000)) as home,
        TestClient(app, base_url="http://testserver/api/v1", client=("198.51.100.7", 5000)) as room,
    ):
        for _ in range(5):
            assert_problem(home.post("/check-ins", json={"joinCode": stale}), 403)
        assert_problem(home.post("/check-ins", json={"joinCode": _code_at(row, NOON)}), 429)
        admitted = room.post("/check-ins", json={"joinCode": _code_at(row, NOON)})
        assert admitted.status_code == 201, admitted.text


def test_check_ins_per_session_are_rate_limited_with_retry_after(
    client: TestClient, db: Session, tilburg: Place, den_bosch: Place, settings
):
    settings.check_ins_per_session_limit = "3/minute"
    for _ in range(3):
        assert client.post("/check-ins", json={"joinCode": tilburg.join_code}).status_code == 201
    before = row_counts(db)
    limited = client.post("/check-ins", json={"joinCode": tilburg.join_code})
    assert_problem(limited, 429)
    assert int(limited.headers["Retry-After"]) >= 1
    assert row_counts(db) == before
    # another session is not affected
    assert client.post("/check-ins", json={"joinCode": den_bosch.join_code}).status_code == 201


def test_a_check_in_shows_the_session_as_it_is_now(client: TestClient, tilburg: Place, admin):
    first = client.post("/check-ins", json={"joinCode": tilburg.join_code}).json()
    assert first["session"]["title"] is None
    client.patch(f"/sessions/{tilburg.session_id}", json={"title": "Avond in de bieb"}, headers=admin)  # fmt: skip
    again = client.post("/check-ins", json={"joinCode": tilburg.join_code}).json()
    assert again["session"]["title"] == "Avond in de bieb"
    assert again["priorities"] == first["priorities"]
