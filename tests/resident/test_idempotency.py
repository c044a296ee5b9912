"""`Idempotency-Key` on resident writes: replays change nothing, conflicts say so."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, update
from sqlmodel import Session

from api.ballots import service as ballots_service
from api.core.config import Settings
from api.core.db import utcnow
from api.core.problems import problem_type
from api.idempotency import service as idempotency
from api.idempotency.models import IdempotencyRecord, IdempotencyState
from api.sessions.models import DialogueSession
from tests.helpers import assert_problem
from tests.resident.conftest import Resident, check_in, resident_from, row_counts
from tests.resident.test_ballots import put_ballot, stored_ballots
from tests.resident.test_pledges import pledge, stored_pledges
from tests.support.places import Place

pytestmark = pytest.mark.both_databases  # key claims, leases and PostgreSQL's advisory locks


def test_a_replayed_ballot_returns_the_first_response_and_changes_nothing(
    client: TestClient, db: Session, resident: Resident, tilburg: Place
):
    key = str(uuid.uuid4())
    body = {"ranking": tilburg.priority_ids[:3], "ageBand": "25-44"}
    first = put_ballot(client, resident, body, key=key)
    assert first.status_code == 200, first.text
    assert "Idempotent-Replayed" not in first.headers
    after_first, ballots_after_first = row_counts(db), stored_ballots(db)
    for _ in range(3):
        replay = put_ballot(client, resident, {"ageBand": "25-44", "ranking": body["ranking"]}, key=key)  # fmt: skip
        assert replay.status_code == 200
        assert replay.headers["Idempotent-Replayed"] == "true"
        assert replay.json() == first.json()
    assert row_counts(db) == after_first
    assert stored_ballots(db) == ballots_after_first
    assert ballots_after_first[0]["revision"] == 1
    # without the key the same PUT is a new write: the ballot's revision moves on
    again = put_ballot(client, resident, body)
    assert again.json()["revision"] == 2


def test_a_replayed_pledge_returns_the_first_pledge_and_adds_none(
    client: TestClient, db: Session, resident: Resident, tilburg: Place
):
    key = str(uuid.uuid4())
    body = {"kind": "space", "text": "Mijn schuur", "contact": "06-1", "contactConsent": True}
    first = pledge(client, resident, body, key=key)
    assert first.status_code == 201, first.text
    replay = pledge(client, resident, body, key=key)
    assert replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert "06-1" not in replay.text
    assert len(stored_pledges(db)) == 0  # a pledge with contact details is an offer only
    assert row_counts(db)["contact_offers"] == 1


@pytest.mark.parametrize("route", ["ballot", "pledge"])
def test_the_same_key_with_another_body_is_a_422_and_changes_nothing(
    client: TestClient, db: Session, resident: Resident, tilburg: Place, route: str
):
    key = str(uuid.uuid4())
    send = put_ballot if route == "ballot" else pledge
    bodies = (
        [{"ranking": tilburg.priority_ids[:3]}, {"ranking": tilburg.priority_ids[:2]}]
        if route == "ballot"
        else [{"kind": "time", "hoursPerMonth": 2}, {"kind": "time", "hoursPerMonth": 3}]
    )
    assert send(client, resident, bodies[0], key=key).status_code in (200, 201)
    before, ballots_before = row_counts(db), stored_ballots(db)
    assert_problem(send(client, resident, bodies[1], key=key), 422, mentions="Idempotency-Key")
    assert row_counts(db) == before
    assert stored_ballots(db) == ballots_before


def test_a_key_used_for_a_ballot_cannot_be_reused_for_a_pledge(
    client: TestClient, db: Session, resident: Resident, tilburg: Place
):
    key = str(uuid.uuid4())
    assert put_ballot(client, resident, {"ranking": tilburg.priority_ids[:1]}, key=key).status_code == 200  # fmt: skip
    assert_problem(pledge(client, resident, {"kind": "time"}, key=key), 422)
    assert row_counts(db)["pledges"] == 0


@pytest.mark.parametrize("key", ["abc", "12345", "not-a-uuid-at-all-000000000000000000", "{}"])
def test_an_idempotency_key_that_is_not_a_uuid_is_a_400(
    client: TestClient, db: Session, resident: Resident, tilburg: Place, key: str
):
    before = row_counts(db)
    response = put_ballot(client, resident, {"ranking": tilburg.priority_ids[:1]}, key=key)
    assert_problem(response, 400, mentions="Idempotency-Key")
    assert_problem(pledge(client, resident, {"kind": "time"}, key=key), 400)
    assert row_counts(db) == before


def test_keys_are_scoped_to_the_participant(client: TestClient, db: Session, tilburg: Place):
    key = str(uuid.uuid4())
    one, two = check_in(client, tilburg.join_code), check_in(client, tilburg.join_code)
    body = {"ranking": tilburg.priority_ids[:2]}
    for resident in (one, two):
        response = put_ballot(client, resident, body, key=key)
        assert response.status_code == 200, response.text
        assert "Idempotent-Replayed" not in response.headers
    assert {b["participant_id"] for b in stored_ballots(db)} == {one.participant_id, two.participant_id}  # fmt: skip
    assert row_counts(db)["idempotency_records"] == 2


def test_a_refused_request_releases_its_key_so_a_corrected_retry_succeeds(
    client: TestClient, db: Session, resident: Resident, tilburg: Place, den_bosch: Place
):
    key = str(uuid.uuid4())
    wrong = {"ranking": [tilburg.priority_ids[0], den_bosch.priority_ids[0]]}
    assert_problem(put_ballot(client, resident, wrong, key=key), 400)
    assert row_counts(db)["idempotency_records"] == 0
    corrected = put_ballot(client, resident, {"ranking": tilburg.priority_ids[:1]}, key=key)
    assert corrected.status_code == 200, corrected.text
    assert "Idempotent-Replayed" not in corrected.headers
    pledge_key = str(uuid.uuid4())
    foreign = {"kind": "skill", "priorityId": den_bosch.priority_ids[0]}
    assert_problem(pledge(client, resident, foreign, key=pledge_key), 400)
    fixed = pledge(client, resident, {"kind": "skill", "priorityId": tilburg.priority_ids[0]}, key=pledge_key)  # fmt: skip
    assert fixed.status_code == 201, fixed.text
    assert len(stored_pledges(db)) == 1


def test_a_retry_after_the_session_closed_still_gets_the_stored_response(
    client: TestClient, db: Session, resident: Resident, tilburg: Place
):
    """The phone sent just before closing time and lost the answer: its retry is no error."""
    key, pledge_key = str(uuid.uuid4()), str(uuid.uuid4())
    body = {"ranking": tilburg.priority_ids[:3]}
    first = put_ballot(client, resident, body, key=key)
    first_pledge = pledge(client, resident, {"kind": "time"}, key=pledge_key)
    row = db.get(DialogueSession, tilburg.session_id)
    row.status = "closed"
    db.add(row)
    db.commit()
    before = row_counts(db)
    retry = put_ballot(client, resident, body, key=key)
    assert retry.status_code == 200, retry.text
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    retried_pledge = pledge(client, resident, {"kind": "time"}, key=pledge_key)
    assert (retried_pledge.status_code, retried_pledge.json()) == (201, first_pledge.json())
    # but nothing new gets in
    assert_problem(put_ballot(client, resident, body, key=str(uuid.uuid4())), 409, mentions="closed")  # fmt: skip
    assert_problem(put_ballot(client, resident, body), 409)
    assert row_counts(db) == before


def test_a_replay_is_authenticated_first(
    client: TestClient, db: Session, resident: Resident, tilburg: Place, den_bosch: Place
):
    key = str(uuid.uuid4())
    body = {"ranking": tilburg.priority_ids[:3]}
    assert put_ballot(client, resident, body, key=key).status_code == 200
    stranger = check_in(client, den_bosch.join_code)
    response = client.put(
        f"/sessions/{tilburg.session_id}/ballot",
        json=body,
        headers={**stranger.headers, "Idempotency-Key": key},
    )
    assert_problem(response, 403)
    no_token = client.put(
        f"/sessions/{tilburg.session_id}/ballot", json=body, headers={"Idempotency-Key": key}
    )
    assert_problem(no_token, 401)


def test_an_expired_key_may_be_used_again(
    client: TestClient, db: Session, resident: Resident, tilburg: Place
):
    key = str(uuid.uuid4())
    put_ballot(client, resident, {"ranking": tilburg.priority_ids[:3]}, key=key)
    db.execute(update(IdempotencyRecord).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    fresh = put_ballot(client, resident, {"ranking": tilburg.priority_ids[:1]}, key=key)
    assert fresh.status_code == 200, fresh.text
    assert "Idempotent-Replayed" not in fresh.headers
    assert fresh.json()["revision"] == 2
    assert row_counts(db)["idempotency_records"] == 1


def test_a_key_left_processing_by_a_crashed_request_is_taken_over_after_its_lease(
    client: TestClient, db: Session, resident: Resident, tilburg: Place, settings: Settings
):
    key = str(uuid.uuid4())
    body = {"ranking": tilburg.priority_ids[:2]}
    scope = f"participant:{resident.participant_id}"
    request_hash = idempotency.fingerprint(
        method="PUT",
        path=f"/sessions/{tilburg.session_id}/ballot",
        body=ballots_service.BallotPut.model_validate(body),
        key=settings.signing_key(),
    )
    now = utcnow()
    db.execute(
        insert(IdempotencyRecord).values(
            scope=scope,
            key=key,
            fingerprint=request_hash,
            state=IdempotencyState.PROCESSING,
            locked_until=now + timedelta(seconds=20),
            created_at=now,
            expires_at=now + timedelta(hours=1),
        )
    )
    db.commit()
    assert_problem(put_ballot(client, resident, body, key=key), 409, mentions="still being processed")  # fmt: skip
    db.execute(update(IdempotencyRecord).values(locked_until=now - timedelta(seconds=1)))
    db.commit()
    taken_over = put_ballot(client, resident, body, key=key)
    assert taken_over.status_code == 200, taken_over.text
    replay = put_ballot(client, resident, body, key=key)
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert len(stored_ballots(db)) == 1


def test_the_same_key_while_the_first_request_is_still_running_is_a_409(
    live_server: str, db: Session, tilburg: Place, monkeypatch: pytest.MonkeyPatch
):
    entered, release = threading.Event(), threading.Event()
    original = ballots_service.store_ballot

    def held(*args, **kwargs):
        entered.set()
        assert release.wait(20), "the test never released the first request"
        return original(*args, **kwargs)

    monkeypatch.setattr(ballots_service, "store_ballot", held)
    base = f"{live_server}/api/v1"
    with httpx.Client(base_url=base, timeout=30) as http:
        resident = resident_from(http.post("/check-ins", json={"joinCode": tilburg.join_code}).json())  # fmt: skip
        key = str(uuid.uuid4())
        headers = {**resident.headers, "Idempotency-Key": key}
        url = f"/sessions/{tilburg.session_id}/ballot"
        body = {"ranking": tilburg.priority_ids[:3]}
        with ThreadPoolExecutor(1) as pool:
            try:
                first = pool.submit(http.put, url, json=body, headers=headers)
                assert entered.wait(10), "the first request never reached the write"
                second = http.put(url, json=body, headers=headers)
                other_body = http.put(url, json={"ranking": tilburg.priority_ids[:1]}, headers=headers)  # fmt: skip
            finally:
                release.set()
            first_response = first.result(timeout=30)
        assert assert_problem(second, 409)["type"] == problem_type("request-in-progress")

        assert second.headers["Retry-After"] == "1"
        assert_problem(other_body, 422)
        assert first_response.status_code == 200, first_response.text
        replay = http.put(url, json=body, headers=headers)
        assert replay.status_code == 200
        assert replay.headers["Idempotent-Replayed"] == "true"
        assert replay.json() == first_response.json()
    (stored,) = stored_ballots(db)
    assert stored["revision"] == 1


def test_assisted_ballots_accept_an_idempotency_key_per_staff_member(
    client: TestClient, db: Session, tilburg: Place, tilburg_facilitator
):
    key = str(uuid.uuid4())
    body = {"ranking": tilburg.priority_ids[:3], "ageBand": "65+"}
    headers = {**tilburg_facilitator, "Idempotency-Key": key}
    url = f"/sessions/{tilburg.session_id}/assisted-ballots"
    first = client.post(url, json=body, headers=headers)
    assert first.status_code == 201, first.text
    replay = client.post(url, json=body, headers=headers)
    assert (replay.status_code, replay.json()) == (201, first.json())
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert_problem(client.post(url, json={"ranking": tilburg.priority_ids[:1]}, headers=headers), 422)  # fmt: skip
    counts = row_counts(db)
    assert (counts["ballots"], counts["participants"], counts["audit_events"]) == (
        1,
        1,
        counts["audit_events"],
    )
    assert len(stored_ballots(db)) == 1


def test_another_instance_with_the_same_key_is_held_off_by_the_database(
    live_server: str, db: Session, tilburg: Place, monkeypatch: pytest.MonkeyPatch, settings
):
    """Without this process's own record of running keys (as for a second app instance), the
    database still decides: PostgreSQL's advisory lock answers 409; on SQLite the single writer
    makes the second request wait, and it then gets the stored answer (its own write, made
    before the key's record turned up, rolled back: the ballot is at its first revision)."""
    from contextlib import nullcontext

    monkeypatch.setattr(idempotency, "_running_here", lambda *args: nullcontext())
    entered, release = threading.Event(), threading.Event()
    original = ballots_service.store_ballot

    def held(*args, **kwargs):
        entered.set()
        assert release.wait(20), "the test never released the first request"
        return original(*args, **kwargs)

    monkeypatch.setattr(ballots_service, "store_ballot", held)
    with httpx.Client(base_url=f"{live_server}/api/v1", timeout=30) as http:
        resident = resident_from(http.post("/check-ins", json={"joinCode": tilburg.join_code}).json())  # fmt: skip
        headers = {**resident.headers, "Idempotency-Key": str(uuid.uuid4())}
        url = f"/sessions/{tilburg.session_id}/ballot"
        body = {"ranking": tilburg.priority_ids[:3]}
        with ThreadPoolExecutor(2) as pool:
            try:
                first = pool.submit(http.put, url, json=body, headers=headers)
                assert entered.wait(10), "the first request never reached the write"
                entered.clear()
                second = pool.submit(http.put, url, json=body, headers=headers)
                if settings.is_sqlite:
                    with pytest.raises(TimeoutError):
                        second.result(timeout=0.5)  # waiting for the single writer
                else:
                    assert_problem(second.result(timeout=10), 409, mentions="still being processed")  # fmt: skip
            finally:
                release.set()
            first_response, second_response = first.result(timeout=30), second.result(timeout=30)
    assert first_response.status_code == 200, first_response.text
    assert "Idempotent-Replayed" not in first_response.headers
    if settings.is_sqlite:
        assert second_response.status_code == 200, second_response.text
        assert second_response.headers["Idempotent-Replayed"] == "true"
        assert second_response.json() == first_response.json()
    (stored,) = stored_ballots(db)
    assert stored["revision"] == 1
