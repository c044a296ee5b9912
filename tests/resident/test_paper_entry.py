"""Paper ballots with their pledge; the facilitator's own list of them; voiding and restoring."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session, select

from api.audit.models import AuditEvent
from api.ballots import service as ballots
from api.core.access import Role
from api.results.refresher import refresh_all
from api.sessions.models import DialogueSession
from tests.helpers import assert_problem, login, make_staff
from tests.reference import reference_summary
from tests.resident.conftest import check_in, row_counts
from tests.resident.test_assisted_ballots import assisted, staff_id
from tests.support.places import Place


def entered(client: TestClient, place: Place, headers) -> list[dict]:
    response = client.get(f"/sessions/{place.session_id}/assisted-ballots", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def void(client: TestClient, place: Place, headers, ballot_id: int):
    return client.delete(
        f"/sessions/{place.session_id}/assisted-ballots/{ballot_id}", headers=headers
    )


def restore(client: TestClient, place: Place, headers, ballot_id: int):
    return client.post(
        f"/sessions/{place.session_id}/assisted-ballots/{ballot_id}/restore", headers=headers
    )


def another_facilitator(client: TestClient, db: Session, code: str) -> dict[str, str]:
    email = f"colleague-{code.lower()}@example.org"
    return login(client, make_staff(db, role=Role.FACILITATOR, municipalities=[code], email=email))


def type_in(client: TestClient, place: Place, headers, body) -> dict:
    response = assisted(client, place, headers, body)
    assert response.status_code == 201, response.text
    return response.json()


def counted(db: Session, place: Place) -> int:
    count = ballots.count_ballots(db, session_id=place.session_id)
    db.commit()
    return count


def test_a_paper_ballot_keeps_its_pledge_as_a_residents_pledge(
    client: TestClient, db: Session, tilburg: Place, tilburg_facilitator
):
    pledge = {"kind": "time", "hoursPerMonth": 4, "text": "Voorlezen in de bibliotheek"}
    body = type_in(
        client, tilburg, tilburg_facilitator,
        {"ranking": tilburg.priority_ids[:3], "pledge": {**pledge, "priorityId": tilburg.priority_ids[0]}},
    )  # fmt: skip
    assert body["pledge"]["kind"] == "time" and body["pledge"]["contactKept"] is False
    rows = db.execute(
        text(
            "SELECT p.kind, p.hours_per_month, p.text, p.session_id FROM pledges p "
            "JOIN ballots b ON b.participant_id = p.participant_id WHERE b.id = :b"
        ),
        {"b": body["id"]},
    ).all()
    db.commit()
    assert [(k, float(h), t, s) for k, h, t, s in rows] == [
        ("time", 4.0, pledge["text"], tilburg.session_id)
    ]


def test_a_paper_pledge_with_contact_and_consent_is_a_contact_offer_linked_to_nothing(
    client: TestClient, db: Session, tilburg: Place, tilburg_facilitator
):
    pledge = {"kind": "skill", "text": "Fietsen repareren", "contact": "06 12345678", "contactConsent": True}  # fmt: skip
    body = type_in(
        client,
        tilburg,
        tilburg_facilitator,
        {"ranking": tilburg.priority_ids[:2], "pledge": pledge},
    )
    assert body["pledge"]["contactKept"] is True and body["pledge"]["text"] is None
    counts = row_counts(db)
    assert counts["pledges"] == 0 and counts["contact_offers"] == 1
    offer = db.execute(text("SELECT * FROM contact_offers")).mappings().one()
    db.commit()
    assert offer["contact"] == "06 12345678" and offer["text"] == "Fietsen repareren"
    assert set(offer) == {
        "id", "dialogue_id", "kind", "priority_id", "hours_per_month", "text", "contact",
        "consented_on", "follow_up_status",
    }  # fmt: skip
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "ballot.assisted")).all()
    db.commit()
    assert all("06 12345678" not in str(e.detail) and "pledge" not in e.detail for e in events)


@pytest.mark.parametrize(
    ("pledge", "mention"),
    [
        ({"kind": "time", "contact": "jan@example.org"}, "consent"),
        ({"kind": "gold"}, "kind"),
        ({"kind": "time", "hoursPerMonth": 41}, "hoursPerMonth"),
    ],
)
def test_a_bad_paper_pledge_refuses_the_whole_paper_ballot(
    client: TestClient, db: Session, tilburg: Place, tilburg_facilitator, pledge, mention
):
    before = row_counts(db)
    response = assisted(
        client,
        tilburg,
        tilburg_facilitator,
        {"ranking": tilburg.priority_ids[:2], "pledge": pledge},
    )
    assert_problem(response, 400, mentions=mention)
    assert row_counts(db) == before


def test_a_paper_pledge_for_a_priority_of_another_dialogue_writes_nothing(
    client: TestClient, db: Session, tilburg: Place, den_bosch: Place, tilburg_facilitator
):
    before = row_counts(db)
    body = {"ranking": tilburg.priority_ids[:2], "pledge": {"kind": "time", "priorityId": den_bosch.priority_ids[0]}}  # fmt: skip
    assert_problem(assisted(client, tilburg, tilburg_facilitator, body), 400, mentions="priority")
    assert row_counts(db) == before


def test_the_list_shows_only_the_paper_ballots_this_facilitator_typed_in_this_session(
    client: TestClient, db: Session, tilburg: Place, tilburg_facilitator, admin
):
    colleague = another_facilitator(client, db, "GM0855")
    mine = type_in(
        client, tilburg, tilburg_facilitator,
        {"ranking": tilburg.priority_ids[:3], "neighbourhoodCode": tilburg.buurten[1], "ageBand": "45-64"},
    )  # fmt: skip
    type_in(client, tilburg, colleague, {"ranking": tilburg.priority_ids[:1]})
    type_in(client, tilburg, admin, {"ranking": tilburg.priority_ids[:2]})
    resident = check_in(client, tilburg.join_code)
    client.put(
        f"/sessions/{tilburg.session_id}/ballot",
        json={"ranking": tilburg.priority_ids[:2]},
        headers=resident.headers,
    )
    (entry,) = entered(client, tilburg, tilburg_facilitator)
    assert set(entry) == {
        "id", "enteredAt", "ranking", "neighbourhoodCode", "ageBand", "voided", "voidedAt"
    }  # fmt: skip
    assert (entry["id"], entry["ranking"], entry["neighbourhoodCode"], entry["ageBand"]) == (
        mine["id"], tilburg.priority_ids[:3], tilburg.buurten[1], "45-64",
    )  # fmt: skip
    assert entry["voided"] is False and entry["voidedAt"] is None
    assert [e["ranking"] for e in entered(client, tilburg, colleague)] == [tilburg.priority_ids[:1]]
    assert [e["ranking"] for e in entered(client, tilburg, admin)] == [tilburg.priority_ids[:2]]


@pytest.mark.both_databases
def test_voiding_takes_a_paper_ballot_out_of_the_count_and_restoring_puts_it_back_audited(
    client: TestClient, db: Session, tilburg: Place, tilburg_facilitator
):
    me = staff_id(client, tilburg_facilitator)
    first = type_in(client, tilburg, tilburg_facilitator, {"ranking": tilburg.priority_ids[:2]})
    type_in(client, tilburg, tilburg_facilitator, {"ranking": tilburg.priority_ids[1:3]})
    assert counted(db, tilburg) == 2

    assert void(client, tilburg, tilburg_facilitator, first["id"]).status_code == 204
    assert counted(db, tilburg) == 1
    listed = entered(client, tilburg, tilburg_facilitator)
    assert [(e["id"], e["voided"]) for e in listed][0] == (first["id"], True)
    assert listed[0]["voidedAt"] is not None
    assert void(client, tilburg, tilburg_facilitator, first["id"]).status_code == 204  # again

    response = restore(client, tilburg, tilburg_facilitator, first["id"])
    assert response.status_code == 200, response.text
    assert response.json()["voided"] is False and response.json()["voidedAt"] is None
    assert counted(db, tilburg) == 2

    events = db.exec(
        select(AuditEvent)
        .where(AuditEvent.action.in_(["ballot.voided", "ballot.restored"]))  # type: ignore[attr-defined]
        .order_by(AuditEvent.id)
    ).all()
    db.commit()
    assert [(e.action, e.actor_id, e.object_id, e.detail) for e in events] == [
        ("ballot.voided", me, str(tilburg.session_id), {"ballot": first["id"]}),
        ("ballot.restored", me, str(tilburg.session_id), {"ballot": first["id"]}),
    ]


@pytest.mark.both_databases
def test_a_voided_paper_ballot_is_out_of_the_released_results(
    client: TestClient, db: Session, tilburg: Place, tilburg_facilitator, admin
):
    ids = tilburg.priority_ids
    rankings = [tuple(ids[(i + j) % len(ids)] for j in range(1 + i % 3)) for i in range(12)]
    typed = [type_in(client, tilburg, tilburg_facilitator, {"ranking": list(r)}) for r in rankings]
    assert void(client, tilburg, tilburg_facilitator, typed[4]["id"]).status_code == 204
    refresh_all(client.app.state.engine)

    response = client.get(f"/dialogues/{tilburg.dialogue_id}/results", headers=admin)
    assert response.status_code == 200, response.text
    (total,) = [g for g in response.json()["groups"] if g["key"] == "dialogue"]
    kept = [r for i, r in enumerate(rankings) if i != 4]
    expected = reference_summary(
        [tuple(ids.index(p) for p in ranking) for ranking in kept], len(ids)
    )
    assert total["ballots"] == 11
    figures = {p["id"]: p for p in total["priorities"]}
    for index, wanted in enumerate(expected):
        assert figures[ids[index]]["score"] == pytest.approx(float(wanted.score))
        assert figures[ids[index]]["schulzeRank"] == wanted.schulze_rank


@pytest.mark.parametrize("status", ["closed", "planned"])
def test_the_list_voiding_and_restoring_are_only_while_the_session_is_open(
    client: TestClient, db: Session, tilburg: Place, tilburg_facilitator, status: str
):
    typed = type_in(client, tilburg, tilburg_facilitator, {"ranking": tilburg.priority_ids[:1]})
    row = db.get(DialogueSession, tilburg.session_id)
    row.status = status
    db.add(row)
    db.commit()
    path = f"/sessions/{tilburg.session_id}/assisted-ballots"
    assert_problem(client.get(path, headers=tilburg_facilitator), 409, mentions="open")
    assert_problem(void(client, tilburg, tilburg_facilitator, typed["id"]), 409)
    assert_problem(restore(client, tilburg, tilburg_facilitator, typed["id"]), 409)
    assert counted(db, tilburg) == 1


def test_only_the_facilitator_who_typed_a_paper_ballot_can_void_it(
    client: TestClient,
    db: Session,
    tilburg: Place,
    den_bosch: Place,
    tilburg_facilitator,
    tilburg_analyst,
    admin,
):
    typed = type_in(client, tilburg, tilburg_facilitator, {"ranking": tilburg.priority_ids[:1]})
    colleague = another_facilitator(client, db, "GM0855")
    elsewhere = another_facilitator(client, db, "GM0796")
    resident = check_in(client, tilburg.join_code)
    path = f"/sessions/{tilburg.session_id}/assisted-ballots"
    before = row_counts(db)
    for headers, status in [
        (colleague, 404),  # the same municipality, but not the one who typed it
        (admin, 404),
        (elsewhere, 404),
        (tilburg_analyst, 403),
        (resident.headers, 401),
        ({}, 401),
    ]:
        assert_problem(void(client, tilburg, headers, typed["id"]), status)
        assert_problem(restore(client, tilburg, headers, typed["id"]), status)
    for headers, status in [(elsewhere, 404), (tilburg_analyst, 403), (resident.headers, 401), ({}, 401)]:  # fmt: skip
        assert_problem(client.get(path, headers=headers), status)
    assert row_counts(db) == before
    assert counted(db, tilburg) == 1
    # a ballot id of another session is no paper ballot of this one
    other = type_in(client, den_bosch, admin, {"ranking": den_bosch.priority_ids[:1]})
    assert_problem(void(client, tilburg, admin, other["id"]), 404)
