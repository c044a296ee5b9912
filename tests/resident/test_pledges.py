"""Pledges: what a resident will contribute; contact details only with consent, kept apart."""

import hashlib
import json
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from api.dialogues.models import Dialogue
from api.pledges import service as pledges_service
from api.pledges.models import PledgeKind
from api.pledges.schemas import PledgeCreate
from api.sessions.models import DialogueSession
from tests.helpers import assert_problem
from tests.resident.conftest import Resident, check_in, row_counts
from tests.support.places import Place


def pledge(client: TestClient, resident: Resident, body, *, key: str | None = None):
    headers = dict(resident.headers)
    if key:
        headers["Idempotency-Key"] = key
    return client.post(f"/sessions/{resident.session_id}/pledges", json=body, headers=headers)


def stored_pledges(db: Session) -> list[dict]:
    rows = [
        dict(r)
        for r in db.execute(
            text(
                "SELECT id, participant_id, session_id, dialogue_id, sequence, kind,"
                " priority_id, hours_per_month, text FROM pledges ORDER BY id"
            )
        ).mappings()
    ]
    db.commit()
    return rows


def stored_offers(db: Session) -> list[dict]:
    rows = [dict(r) for r in db.execute(text("SELECT * FROM contact_offers")).mappings()]
    db.commit()
    return rows


def test_a_pledge_of_every_kind_is_stored(client: TestClient, db: Session, tilburg: Place):
    residents = [check_in(client, tilburg.join_code) for _ in range(2)]
    for number, kind in enumerate(PledgeKind):
        response = pledge(client, residents[number % 2], {"kind": kind.value})
        assert response.status_code == 201, response.text
        assert response.json()["kind"] == kind.value
    assert [p["kind"] for p in stored_pledges(db)] == [k.value for k in PledgeKind]


def test_a_full_pledge_is_stored_and_echoed_without_contact_details(
    client: TestClient, db: Session, resident: Resident, tilburg: Place
):
    body = {
        "kind": "time",
        "priorityId": tilburg.priority_ids[1],
        "hoursPerMonth": 4.5,
        "text": "Ik help elke maand bij de moestuin.",
    }
    response = pledge(client, resident, body)
    assert response.status_code == 201, response.text
    echoed = response.json()
    assert echoed == {
        **echoed,
        "sessionId": tilburg.session_id,
        "kind": "time",
        "priorityId": tilburg.priority_ids[1],
        "hoursPerMonth": 4.5,
        "text": "Ik help elke maand bij de moestuin.",
        "contactKept": False,
    }
    (stored,) = stored_pledges(db)
    assert stored["participant_id"] == resident.participant_id
    assert (stored["session_id"], stored["dialogue_id"]) == (
        tilburg.session_id,
        tilburg.dialogue_id,
    )
    assert float(stored["hours_per_month"]) == 4.5
    assert stored["text"] == "Ik help elke maand bij de moestuin."
    assert row_counts(db)["contact_offers"] == 0


@pytest.mark.both_databases
def test_a_pledge_with_contact_details_is_kept_as_an_offer_nothing_links_to_its_maker(
    client: TestClient, db: Session, resident: Resident, tilburg: Place
):
    """The pledge row, the offer and the stored answer to the request's Idempotency-Key."""
    body = {
        "kind": "time",
        "priorityId": tilburg.priority_ids[1],
        "hoursPerMonth": 4.5,
        "text": "Ik help elke maand bij de moestuin.",
        "contact": "06-12345678",
        "contactConsent": True,
    }
    response = pledge(client, resident, body, key=str(uuid.uuid4()))
    assert response.status_code == 201, response.text
    echoed = response.json()
    for secret in ("06-12345678", "moestuin"):  # the answer is kept under the participant
        assert secret not in response.text
    assert echoed == {**echoed, "kind": "time", "id": None, "text": None, "contactKept": True}
    # No pledge row: one of the participant with the same kind, priority and hours would
    # match the offer on those values.
    assert stored_pledges(db) == []
    # The offer holds it all, with nothing that points back: no participant, session, pledge
    # or ballot, a random id, the day of consent only.
    (offer,) = stored_offers(db)
    assert set(offer) == {
        "id", "dialogue_id", "kind", "priority_id", "hours_per_month", "text", "contact",
        "consented_on", "follow_up_status",
    }  # fmt: skip
    assert offer["follow_up_status"] == "new"
    assert offer["dialogue_id"] == tilburg.dialogue_id
    assert (offer["kind"], offer["priority_id"]) == ("time", tilburg.priority_ids[1])
    assert float(offer["hours_per_month"]) == 4.5
    assert offer["text"] == "Ik help elke maand bij de moestuin."
    assert offer["contact"] == "06-12345678"
    assert str(offer["consented_on"]) == echoed["createdAt"][:10]
    assert str(uuid.UUID(offer["id"])) == offer["id"]
    # It counts towards the participant's five under a key the database alone cannot tie to
    # them (an HMAC with the app's secret).
    [count] = db.execute(text("SELECT * FROM contact_offer_counts")).mappings().all()
    db.commit()
    assert count["offers"] == 1 and resident.participant_id not in count["key"]
    assert count["key"] != hashlib.sha256(resident.participant_id.encode()).hexdigest()
    # ... and the answer stored under the participant's key neither holds the text nor a hash
    # that could be recomputed from the offer without the app's secret.
    [record] = db.execute(text("SELECT * FROM idempotency_records")).mappings().all()
    db.commit()
    assert record["scope"] == f"participant:{resident.participant_id}"
    everything = " ".join(str(value) for value in record.values())
    assert "moestuin" not in everything and "06-12345678" not in everything
    canonical = json.dumps(
        PledgeCreate.model_validate(body).model_dump(mode="json", by_alias=True), sort_keys=True
    )
    for path in (f"/sessions/{tilburg.session_id}/pledges", f"/api/v1/sessions/{tilburg.session_id}/pledges"):  # fmt: skip
        unkeyed = hashlib.sha256(f"POST {path} {canonical}".encode()).hexdigest()
        assert record["fingerprint"] != unkeyed


def test_a_coordinator_sees_each_offers_text_with_its_contact_details(
    client: TestClient, db: Session, tilburg: Place, den_bosch: Place
):
    offers = {
        "jan@example.org": {"kind": "skill", "text": "Ik geef computerles."},
        "06-12345678": {"kind": "time", "text": "Ik help bij de moestuin.", "hoursPerMonth": 2},
    }
    for contact, body in offers.items():
        resident = check_in(client, tilburg.join_code)
        sent = pledge(client, resident, {**body, "contact": contact, "contactConsent": True})
        assert sent.status_code == 201, sent.text
    anonymous = check_in(client, tilburg.join_code)
    assert pledge(client, anonymous, {"kind": "space", "text": "Mijn schuur"}).status_code == 201
    elsewhere = check_in(client, den_bosch.join_code)
    assert (
        pledge(
            client,
            elsewhere,
            {"kind": "other", "contact": "piet@example.org", "contactConsent": True},
        ).status_code
        == 201
    )

    seen = pledges_service.contact_offers(db, dialogue_id=tilburg.dialogue_id)
    db.commit()
    assert {(o.contact, o.text, o.kind.value, o.hours_per_month) for o in seen} == {
        ("jan@example.org", "Ik geef computerles.", "skill", None),
        ("06-12345678", "Ik help bij de moestuin.", "time", 2.0),
    }
    assert [o.kind.value for o in seen] == ["skill", "time"], "in a fixed order, not by arrival"
    [other] = pledges_service.contact_offers(db, dialogue_id=den_bosch.dialogue_id)
    assert other.contact == "piet@example.org"


def test_without_contact_details_nothing_is_kept_apart(
    client: TestClient, db: Session, resident: Resident
):
    for body in ({"kind": "skill"}, {"kind": "skill", "contactConsent": True}):
        response = pledge(client, resident, body)
        assert response.status_code == 201, response.text
        assert response.json()["contactKept"] is False
    assert row_counts(db)["contact_offers"] == 0


@pytest.mark.parametrize("hours", [0.5, 1, 12.5, 40, "40.0", None])
def test_hours_per_month_up_to_40_are_accepted(
    client: TestClient, db: Session, resident: Resident, hours
):
    response = pledge(client, resident, {"kind": "time", "hoursPerMonth": hours})
    assert response.status_code == 201, response.text
    assert response.json()["hoursPerMonth"] == (float(hours) if hours is not None else None)


def test_a_500_character_text_is_accepted(client: TestClient, resident: Resident):
    text_500 = "é" * 500  # characters, not bytes
    response = pledge(client, resident, {"kind": "other", "text": text_500})
    assert response.status_code == 201, response.text
    assert response.json()["text"] == text_500


def bad_pledges(tilburg: Place, den_bosch: Place) -> dict[str, tuple[object, str]]:
    """Bodies that must be refused with a 400, and a word the problem must mention."""
    return {
        "zero hours": ({"kind": "time", "hoursPerMonth": 0}, "hoursPerMonth"),
        "negative hours": ({"kind": "time", "hoursPerMonth": -2}, "hoursPerMonth"),
        "40.5 hours": ({"kind": "time", "hoursPerMonth": 40.5}, "hoursPerMonth"),
        "41 hours": ({"kind": "time", "hoursPerMonth": 41}, "hoursPerMonth"),
        "hundredths of an hour": ({"kind": "time", "hoursPerMonth": 0.25}, "hoursPerMonth"),
        "hours as words": ({"kind": "time", "hoursPerMonth": "a few"}, "hoursPerMonth"),
        "501 characters": ({"kind": "other", "text": "x" * 501}, "text"),
        "a NUL character in the text": ({"kind": "other", "text": "hallo\u0000"}, "text"),
        "a NUL character in the contact": (
            {"kind": "other", "contact": "06\u00001234", "contactConsent": True},
            "contact",
        ),  # fmt: skip
        "contact without consent": (
            {"kind": "time", "contact": "jan@example.org"},
            "contactConsent",
        ),  # fmt: skip
        "contact with consent refused": (
            {"kind": "time", "contact": "jan@example.org", "contactConsent": False},
            "contactConsent",
        ),  # fmt: skip
        "contact too long": (
            {"kind": "time", "contact": "x" * 201, "contactConsent": True},
            "contact",
        ),  # fmt: skip
        "unknown kind": ({"kind": "money"}, "kind"),
        "no kind": ({"text": "Ik help"}, "kind"),
        "priority of another dialogue": (
            {"kind": "skill", "priorityId": den_bosch.priority_ids[0]},
            "priorityId",
        ),  # fmt: skip
        "unknown priority": ({"kind": "skill", "priorityId": 999999}, "priorityId"),
        "unknown field": ({"kind": "skill", "email": "jan@example.org"}, "email"),
        "snake_case field": ({"kind": "time", "hours_per_month": 2}, "hours_per_month"),
    }


def test_every_bad_pledge_is_a_400_problem_and_writes_nothing(
    client: TestClient, db: Session, resident: Resident, tilburg: Place, den_bosch: Place
):
    assert pledge(client, resident, {"kind": "network"}).status_code == 201
    before = row_counts(db)
    for case, (body, mention) in bad_pledges(tilburg, den_bosch).items():
        for key in (None, str(uuid.uuid4())):
            response = pledge(client, resident, body, key=key)
            assert response.status_code == 400, f"{case}: {response.text}"
            assert_problem(response, 400, mentions=mention)
            assert "jan@example.org" not in response.text or mention == "email", case
            assert row_counts(db) == before, case
    # a lone UTF-16 surrogate: valid JSON, but no database can store it
    for raw in (b'{"kind": "other", "text": "ok \\ud800"}', b'{"kind": "other", "contact": "06 \\udfff", "contactConsent": true}'):  # fmt: skip
        response = client.post(
            f"/sessions/{resident.session_id}/pledges",
            content=raw,
            headers={**resident.headers, "Content-Type": "application/json"},
        )
        assert_problem(response, 400)
    assert row_counts(db) == before


@pytest.mark.both_databases
@pytest.mark.parametrize("offers", [0, 2, 5])
def test_at_most_five_pledges_per_participant(
    client: TestClient, db: Session, resident: Resident, tilburg: Place, offers: int
):
    """Pledges with contact details count too, though nothing ties them to the person."""
    for number in range(5):
        body = {"kind": "time", "text": f"pledge {number}"}
        if number < offers:
            body |= {"contact": f"jan{number}@example.org", "contactConsent": True}
        response = pledge(client, resident, body)
        assert response.status_code == 201, response.text
    before = row_counts(db)
    sixth = pledge(client, resident, {"kind": "time", "text": "one more"}, key=str(uuid.uuid4()))
    assert_problem(sixth, 409, mentions="5 pledges")
    assert row_counts(db) == before
    assert sorted(p["sequence"] for p in stored_pledges(db)) == list(range(1, 6 - offers))
    assert len(stored_offers(db)) == offers
    other = check_in(client, tilburg.join_code)  # the limit is per person, not per session
    assert pledge(client, other, {"kind": "time"}).status_code == 201
    with_contact = {"kind": "time", "contact": "piet@example.org", "contactConsent": True}
    assert pledge(client, other, with_contact).status_code == 201


@pytest.mark.parametrize("status", ["closed", "planned"])
def test_a_pledge_for_a_session_that_is_not_open_is_a_409_and_writes_nothing(
    client: TestClient, db: Session, resident: Resident, tilburg: Place, status: str
):
    row = db.get(DialogueSession, tilburg.session_id)
    row.status = status
    db.add(row)
    db.commit()
    before = row_counts(db)
    for key in (None, str(uuid.uuid4())):
        assert_problem(pledge(client, resident, {"kind": "time"}, key=key), 409)
    assert row_counts(db) == before


@pytest.mark.both_databases
def test_purge_empties_the_contact_details_of_ended_dialogues_and_keeps_the_offers(
    client: TestClient, db: Session, tilburg: Place, den_bosch: Place
):
    for place, contact in ((tilburg, "jan@example.org"), (den_bosch, "piet@example.org")):
        resident = check_in(client, place.join_code)
        body = {"kind": "skill", "text": "Ik geef les.", "contact": contact, "contactConsent": True}
        assert pledge(client, resident, body).status_code == 201
    tilburg_ends = db.get(Dialogue, tilburg.dialogue_id).ends_on
    still_running = db.get(Dialogue, den_bosch.dialogue_id)
    still_running.ends_on = tilburg_ends + timedelta(days=60)
    db.add(still_running)
    db.commit()

    day_after = tilburg_ends + timedelta(days=31)
    files_before = _table_files(db)
    assert pledges_service.purge_contacts(db, default_retention_days=30, today=day_after) == 1
    [purged] = pledges_service.contact_offers(db, dialogue_id=tilburg.dialogue_id)
    assert (purged.text, purged.contact) == ("Ik geef les.", None)
    stored = db.execute(text("SELECT contact FROM contact_offers")).scalars().all()
    db.commit()
    assert sorted(stored, key=str) == sorted([None, "piet@example.org"], key=str)
    # Gone from the files too, not only from the rows one can select.
    if db.get_bind().dialect.name == "sqlite":
        database = Path(db.get_bind().url.database)
        on_disk = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
        assert b"jan@example.org" not in on_disk and b"piet@example.org" in on_disk
    else:
        assert _table_files(db) != files_before, "the table is rewritten without dead rows"
    assert pledges_service.purge_contacts(db, default_retention_days=30, today=day_after) == 0


def _table_files(db: Session) -> str | None:
    """PostgreSQL: the file the contact offers are stored in (a rewrite gives a new one)."""
    if db.get_bind().dialect.name == "sqlite":
        return None
    path = db.execute(text("SELECT pg_relation_filepath('contact_offers')")).scalar_one()
    db.commit()
    return path
