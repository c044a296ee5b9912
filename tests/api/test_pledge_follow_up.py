"""Pledge follow-up: coordinators list a dialogue's released pledges (contact details only where
residents consented, every showing audited), mark them contacted or taken up, export them."""

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlmodel import Session

from api.audit.models import AuditEvent
from api.core.access import Role
from api.core.db import open_session
from api.pledges import service as pledges
from api.pledges.schemas import PledgeCreate
from api.results.refresher import refresh_all
from api.sessions import service as sessions
from api.sessions.service import OpenDialogueSession
from tests.helpers import assert_problem, bearer, staff_headers
from tests.support.places import Place

KINDS = ["time", "skill", "space", "materials", "network", "other"]


@dataclass
class Pledged:
    place: Place
    texts: dict[str, str | None]  # pledge text -> contact (None: no contact details)
    late_texts: set[str]  # pledged after the last release


def pledge(engine: Engine, place: Place, secret: str, body: dict) -> None:
    with open_session(engine) as db:
        participant = sessions.create_simulated_participant(db, session_id=place.session_id)
        db.flush()
        pledges.store_pledge(
            db,
            participant_id=participant,
            target=OpenDialogueSession(
                id=place.session_id, dialogue_id=place.dialogue_id, municipality_id=0
            ),
            pledge=PledgeCreate.model_validate(body),
            secret=secret,
        )
        db.commit()


@pytest.fixture
def pledged(clean_engine: Engine, settings, tilburg: Place) -> Pledged:
    """12 pledges without and 3 with contact details, released; then one of each, not yet."""
    secret = settings.signing_key()
    texts: dict[str, str | None] = {}
    for n in range(12):
        words = f'=HYPERLINK("x") {n}' if n == 0 else f"Ik help mee ({n})"
        body = {"kind": KINDS[n % 6], "text": words, "priorityId": tilburg.priority_ids[n % 3]}
        if n % 2:
            body["hoursPerMonth"] = 2.5
        pledge(clean_engine, tilburg, secret, body)
        texts[words] = None
    for n in range(3):
        contact = f"bewoner{n}@example.org"
        words = f"Bel mij maar ({n})"
        body = {"kind": "skill", "text": words, "contact": contact, "contactConsent": True}
        pledge(clean_engine, tilburg, secret, {**body, "priorityId": tilburg.priority_ids[n]})
        texts[words] = contact
    refresh_all(clean_engine)
    pledge(clean_engine, tilburg, secret, {"kind": "time", "text": "Te laat"})
    pledge(clean_engine, tilburg, secret,
           {"kind": "time", "text": "Ook te laat", "contact": "laat@example.org", "contactConsent": True})  # fmt: skip
    return Pledged(place=tilburg, texts=texts, late_texts={"Te laat", "Ook te laat"})


@pytest.fixture
def coordinator(client: TestClient, db: Session, tilburg: Place) -> dict[str, str]:
    return staff_headers(client, db, role=Role.COORDINATOR, municipalities=["GM0855"])


def audit_events(db: Session) -> list[AuditEvent]:
    """The audit log's entries about pledges."""
    query = select(AuditEvent).where(AuditEvent.action.startswith("pledge")).order_by(AuditEvent.id)
    events = list(db.exec(query).scalars())
    db.commit()
    return events


def listed(client: TestClient, headers, place: Place, **params) -> list[dict]:
    response = client.get(f"/dialogues/{place.dialogue_id}/pledges", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_coordinator_lists_the_released_pledges_with_contact_only_where_consented(
    client: TestClient, db: Session, pledged: Pledged, coordinator
):
    items = listed(client, coordinator, pledged.place)
    assert {item["text"]: item["contact"] for item in items} == pledged.texts
    assert not pledged.late_texts & {item["text"] for item in items}, "not released yet"
    for item in items:
        assert set(item) == {
            "id",
            "kind",
            "priorityId",
            "hoursPerMonth",
            "text",
            "status",
            "contact",
            "agendaItemId",
        }
        assert item["status"] == "new"
        uuid.UUID(item["id"])  # a random id, not the counting one
    positions = {p: i for i, p in enumerate(pledged.place.priority_ids)}
    keys = [(positions[i["priorityId"]], KINDS.index(i["kind"]), i["id"]) for i in items]
    assert keys == sorted(keys), "by priority, kind and random id: never by arrival"
    [event] = audit_events(db)
    assert (event.action, event.object_type, event.object_id) == (
        "pledges.contacts_shown", "dialogue", str(pledged.place.dialogue_id),
    )  # fmt: skip
    assert event.detail == {"contactsShown": 3, "format": "json"}
    assert event.actor_id is not None


def test_the_list_as_csv_for_a_spreadsheet_with_formulas_defused(
    client: TestClient, db: Session, pledged: Pledged, coordinator
):
    url = f"/dialogues/{pledged.place.dialogue_id}/pledges"
    by_query = client.get(url, params={"format": "csv"}, headers=coordinator)
    by_accept = client.get(url, headers={**coordinator, "Accept": "text/csv"})
    for response in (by_query, by_accept):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
    assert by_query.text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(by_query.text.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 15
    assert list(rows[0]) == [
        "id", "kind", "priority_id", "priority_title", "hours_per_month", "text", "status",
        "contact",
    ]  # fmt: skip
    json_items = listed(client, coordinator, pledged.place)
    assert [r["id"] for r in rows] == [i["id"] for i in json_items]
    by_text = {r["text"]: r for r in rows}
    assert by_text['\'=HYPERLINK("x") 0']["contact"] == ""
    assert by_text["Ik help mee (1)"]["hours_per_month"] == "2,5"
    assert by_text["Bel mij maar (0)"]["contact"] == "bewoner0@example.org"
    assert by_text["Bel mij maar (0)"]["priority_title"] == "Prioriteit 1"
    formats = [e.detail["format"] for e in audit_events(db)]
    assert formats == ["csv", "csv", "json"]


def test_marking_a_pledge_contacted_or_taken_up_is_kept_and_audited(
    client: TestClient, db: Session, pledged: Pledged, coordinator
):
    items = listed(client, coordinator, pledged.place)
    offer = next(i for i in items if i["contact"])
    plain = next(i for i in items if not i["contact"])
    contacted = client.patch(
        f"/pledges/{offer['id']}", json={"status": "contacted"}, headers=coordinator
    )
    assert contacted.status_code == 200, contacted.text
    assert contacted.json() == {**offer, "status": "contacted"}
    taken_up = client.patch(
        f"/pledges/{plain['id']}", json={"status": "takenUp"}, headers=coordinator
    )
    assert taken_up.json() == {**plain, "status": "takenUp"}
    statuses = {i["id"]: i["status"] for i in listed(client, coordinator, pledged.place)}
    assert (statuses[offer["id"]], statuses[plain["id"]]) == ("contacted", "takenUp")
    assert sum(status == "new" for status in statuses.values()) == 13
    back = client.patch(f"/pledges/{plain['id']}", json={"status": "new"}, headers=coordinator)
    assert back.json()["status"] == "new"
    changes = [e for e in audit_events(db) if e.action == "pledge.follow_up_status"]
    assert [(e.object_id, e.detail["from"], e.detail["to"]) for e in changes] == [
        (offer["id"], "new", "contacted"),
        (plain["id"], "new", "takenUp"),
        (plain["id"], "takenUp", "new"),
    ]
    assert [e.detail["contactShown"] for e in changes] == [True, False, False]
    assert_problem(
        client.patch(f"/pledges/{plain['id']}", json={"status": "done"}, headers=coordinator), 400
    )


def test_a_pledge_not_yet_released_cannot_be_followed_up(
    client: TestClient, db: Session, pledged: Pledged, coordinator
):
    late = db.execute(text("SELECT follow_up_id FROM pledges WHERE text = 'Te laat'")).scalar_one()
    late_offer = db.execute(
        text("SELECT id FROM contact_offers WHERE text = 'Ook te laat'")
    ).scalar_one()
    db.commit()
    for pledge_id in (late, late_offer, str(uuid.uuid4())):
        response = client.patch(
            f"/pledges/{pledge_id}", json={"status": "contacted"}, headers=coordinator
        )
        assert_problem(response, 404)
    assert_problem(client.patch("/pledges/12", json={"status": "new"}, headers=coordinator), 400)


def test_after_the_purge_the_offers_are_listed_without_contact_details(
    client: TestClient, db: Session, pledged: Pledged, coordinator, clean_engine: Engine
):
    with open_session(clean_engine) as other_db:
        other_db.execute(
            text("UPDATE dialogues SET starts_on = :s, ends_on = :e WHERE id = :d"),
            {"s": date.today() - timedelta(days=200), "e": date.today() - timedelta(days=100),
             "d": pledged.place.dialogue_id},
        )  # fmt: skip
        other_db.commit()
        assert pledges.purge_contacts(other_db, default_retention_days=30, today=date.today()) == 4
    items = listed(client, coordinator, pledged.place)
    assert len(items) == 15 and all(item["contact"] is None for item in items)
    assert audit_events(db) == [], "no contact details shown, nothing to log"


ROLES = {
    "admin": (Role.ADMIN, []),
    "coordinator": (Role.COORDINATOR, ["GM0855"]),
    "coordinator elsewhere": (Role.COORDINATOR, ["GM0796"]),
    "facilitator": (Role.FACILITATOR, ["GM0855"]),
    "analyst": (Role.ANALYST, ["GM0855"]),
}


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("coordinator", 200),
        ("coordinator elsewhere", 404),
        ("facilitator", 403),
        ("analyst", 403),
        ("participant", 401),
        ("anonymous", 401),
    ],
)
def test_only_admins_and_the_municipality_s_coordinators_follow_pledges_up(
    client: TestClient, db: Session, pledged: Pledged, den_bosch: Place, coordinator, who, status
):
    if who in ROLES:
        role, municipalities = ROLES[who]
        headers = (
            coordinator
            if who == "coordinator"
            else staff_headers(client, db, role=role, municipalities=municipalities)
        )
    elif who == "participant":
        check_in = client.post("/check-ins", json={"joinCode": pledged.place.join_code})
        headers = bearer(check_in.json()["participantToken"])
    else:
        headers = {}
    offer_id = next(i["id"] for i in listed(client, coordinator, pledged.place) if i["contact"])
    before = len(audit_events(db))
    url = f"/dialogues/{pledged.place.dialogue_id}/pledges"
    responses = [
        client.get(url, headers=headers),
        client.get(url, params={"format": "csv"}, headers=headers),
        client.patch(f"/pledges/{offer_id}", json={"status": "contacted"}, headers=headers),
    ]
    for response in responses:
        if status == 200:
            assert response.status_code == 200, response.text
            assert "bewoner0@example.org" in response.text
        else:
            assert_problem(response, status)
            assert "bewoner" not in response.text and "Bel mij" not in response.text
    written = len(audit_events(db)) - before
    assert written == (3 if status == 200 else 0), "every showing of contacts is logged"
