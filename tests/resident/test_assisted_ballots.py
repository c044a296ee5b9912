"""Paper ballots typed in by a facilitator: they count, are marked assisted and are logged."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session, select

from api.audit.models import AuditEvent
from api.core.access import Role
from api.sessions.models import DialogueSession
from tests.helpers import assert_problem, staff_headers
from tests.resident.conftest import check_in, row_counts
from tests.resident.test_ballots import bad_ballots, put_ballot, stored_ballots
from tests.support.places import Place


def assisted(client: TestClient, place: Place, headers, body):
    return client.post(f"/sessions/{place.session_id}/assisted-ballots", json=body, headers=headers)


def staff_id(client: TestClient, headers) -> int:
    return client.get("/users/me", headers=headers).json()["id"]


@pytest.mark.both_databases
def test_a_facilitator_types_in_a_paper_ballot_that_counts_like_any_other(
    client: TestClient, db: Session, tilburg: Place, tilburg_facilitator
):
    resident = check_in(client, tilburg.join_code)
    put_ballot(client, resident, {"ranking": tilburg.priority_ids[:2]})
    body = {"ranking": tilburg.priority_ids[::-1][:3], "neighbourhoodCode": tilburg.buurten[0], "ageBand": "65+"}  # fmt: skip
    response = assisted(client, tilburg, tilburg_facilitator, body)
    assert response.status_code == 201, response.text
    assert response.json() == {
        **response.json(),
        "sessionId": tilburg.session_id,
        "ranking": body["ranking"],
        "neighbourhoodCode": tilburg.buurten[0],
        "ageBand": "65+",
        "assisted": True,
        "revision": 1,
    }
    ballots = stored_ballots(db)
    assert len(ballots) == 2
    assert ballots[1]["ranking"] == body["ranking"]
    assert ballots[1]["session_id"] == tilburg.session_id


def test_an_assisted_ballot_is_marked_and_logged_with_who_entered_it(
    client: TestClient, db: Session, tilburg: Place, tilburg_facilitator
):
    me = staff_id(client, tilburg_facilitator)
    for _ in range(2):  # two paper ballots are two people, not a replacement
        response = assisted(client, tilburg, tilburg_facilitator, {"ranking": tilburg.priority_ids[:1]})  # fmt: skip
        assert response.status_code == 201, response.text
    participants = db.execute(
        text(
            "SELECT p.id, p.origin, p.entered_by_id FROM participants p"
            " JOIN ballots b ON b.participant_id = p.id ORDER BY b.id"
        )
    ).all()
    db.commit()
    assert [(origin, entered_by) for _, origin, entered_by in participants] == [("assisted", me)] * 2  # fmt: skip
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "ballot.assisted")).all()
    db.commit()
    assert [(e.actor_id, e.object_type, e.object_id) for e in events] == [
        (me, "session", str(tilburg.session_id))
    ] * 2
    assert {e.detail["participant"] for e in events} == {p for p, _, _ in participants}


def test_an_admin_may_type_in_paper_ballots_anywhere(
    client: TestClient, db: Session, den_bosch: Place, admin
):
    response = assisted(client, den_bosch, admin, {"ranking": den_bosch.priority_ids[:2]})
    assert response.status_code == 201, response.text
    assert row_counts(db)["ballots"] == 1


def test_an_analyst_may_not_type_in_ballots(
    client: TestClient, db: Session, tilburg: Place, tilburg_analyst
):
    before = row_counts(db)
    response = assisted(client, tilburg, tilburg_analyst, {"ranking": tilburg.priority_ids[:2]})
    assert_problem(response, 403)
    assert row_counts(db) == before


def test_a_facilitator_of_another_municipality_gets_a_404(
    client: TestClient, db: Session, tilburg: Place, den_bosch: Place, tilburg_facilitator
):
    before = row_counts(db)
    response = assisted(client, den_bosch, tilburg_facilitator, {"ranking": den_bosch.priority_ids[:2]})  # fmt: skip
    assert_problem(response, 404)
    assert row_counts(db) == before


@pytest.mark.parametrize("status", ["closed", "planned"])
def test_no_paper_ballots_for_a_session_that_is_not_open(
    client: TestClient, db: Session, tilburg: Place, tilburg_facilitator, status: str
):
    row = db.get(DialogueSession, tilburg.session_id)
    row.status = status
    db.add(row)
    db.commit()
    before = row_counts(db)
    response = assisted(client, tilburg, tilburg_facilitator, {"ranking": tilburg.priority_ids[:2]})
    assert_problem(response, 409)
    assert row_counts(db) == before


@pytest.mark.both_databases
def test_a_bad_paper_ballot_is_a_400_and_leaves_no_participant_behind(
    client: TestClient, db: Session, tilburg: Place, den_bosch: Place, tilburg_facilitator
):
    before = row_counts(db)
    for case, (body, mention) in bad_ballots(tilburg, den_bosch).items():
        response = assisted(client, tilburg, tilburg_facilitator, body)
        assert response.status_code == 400, f"{case}: {response.text}"
        assert_problem(response, 400, mentions=mention)
    assert row_counts(db) == before


def test_without_a_sign_in_no_paper_ballots(client: TestClient, db: Session, tilburg: Place):
    assert_problem(assisted(client, tilburg, {}, {"ranking": tilburg.priority_ids[:1]}), 401)
    other = staff_headers(client, db, role=Role.FACILITATOR, municipalities=["GM0855"])
    assert (
        assisted(client, tilburg, other, {"ranking": tilburg.priority_ids[:1]}).status_code == 201
    )
