"""What a coordinator does in their workspace: settings, logo, staff, invitations, venues,
and the purge of contact details by each municipality's own retention period."""

import hashlib
import uuid
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text, update
from sqlmodel import Session, select

from api.core.access import Role
from api.core.db import utcnow
from api.pledges import service as pledges
from api.staff.models import StaffUser
from tests.helpers import PASSWORD, assert_problem, bearer, login, staff_headers
from tests.support.places import Place

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def coordinator(client: TestClient, db: Session, tilburg: Place, den_bosch: Place):
    return staff_headers(client, db, role=Role.COORDINATOR, municipalities=["GM0855"])


def test_settings_show_publicly_and_null_restores_the_default(client: TestClient, coordinator):
    changes = {
        "contactEmail": "welvaart@tilburg.example",
        "privacyContactName": "Functionaris gegevensbescherming",
        "privacyContactEmail": "privacy@tilburg.example",
        "contactRetentionDays": 30,
        "minGroupSize": 12,
    }
    response = client.patch("/municipalities/GM0855", json=changes, headers=coordinator)
    assert response.status_code == 200, response.text
    public = client.get("/municipalities/GM0855").json()
    assert {k: public[k] for k in changes} == changes
    assert public["logoUrl"] is None
    cleared = client.patch(
        "/municipalities/GM0855",
        json={"contactRetentionDays": None, "privacyContactEmail": None},
        headers=coordinator,
    ).json()
    assert cleared["contactRetentionDays"] == 90, "the service's CONTACT_RETENTION_DAYS"
    assert cleared["privacyContactEmail"] is None
    assert cleared["contactEmail"] == "welvaart@tilburg.example", "left out: unchanged"


def test_a_resident_is_told_the_municipalitys_own_retention_period(
    client: TestClient, coordinator, tilburg: Place
):
    client.patch("/municipalities/GM0855", json={"contactRetentionDays": 45}, headers=coordinator)
    check_in = client.post("/check-ins", json={"joinCode": tilburg.join_code}).json()
    assert check_in["session"]["contactRetentionDays"] == 45


def test_a_bad_contact_address_or_period_is_a_400_naming_the_field(client: TestClient, coordinator):
    for field, value in (("contactEmail", "geen adres"), ("contactRetentionDays", 5000)):
        problem = assert_problem(
            client.patch("/municipalities/GM0855", json={field: value}, headers=coordinator), 400
        )
        assert problem["invalidParams"][0]["name"] == field


@pytest.mark.both_databases
def test_the_purge_keeps_contacts_as_long_as_each_municipality_says(
    client: TestClient, db: Session, coordinator, tilburg: Place, den_bosch: Place
):
    client.patch("/municipalities/GM0855", json={"contactRetentionDays": 30}, headers=coordinator)
    ended = date.today() - timedelta(days=40)
    with db.get_bind().begin() as connection:
        for place in (tilburg, den_bosch):
            connection.execute(
                text("UPDATE dialogues SET starts_on = :s, ends_on = :e WHERE id = :id"),
                {"s": ended - timedelta(days=10), "e": ended, "id": place.dialogue_id},
            )
            connection.execute(
                text(
                    "INSERT INTO contact_offers (id, dialogue_id, kind, text, contact, "
                    "consented_on) VALUES (:id, :d, 'time', 'Ik help', 'a@b.example', :c)"
                ),
                {"id": str(uuid.uuid4()), "d": place.dialogue_id, "c": ended},
            )
    with Session(db.get_bind()) as other_db:
        deleted = pledges.purge_contacts(other_db, default_retention_days=90, today=date.today())
    assert deleted == 1, "Tilburg keeps 30 days (40 passed); Den Bosch the default 90"
    rows = db.execute(text("SELECT dialogue_id, contact FROM contact_offers")).all()
    db.commit()
    assert dict(rows) == {tilburg.dialogue_id: None, den_bosch.dialogue_id: "a@b.example"}


def test_a_logo_is_checked_by_its_bytes_served_safely_and_removable(
    client: TestClient, coordinator
):
    png = {**coordinator, "Content-Type": "image/png"}
    assert client.put("/municipalities/GM0855/logo", content=PNG, headers=png).status_code == 204
    url = client.get("/municipalities/GM0855").json()["logoUrl"]
    assert url.startswith("/api/v1/municipalities/GM0855/logo?v=")
    logo = client.get("/municipalities/GM0855/logo")
    assert logo.content == PNG and logo.headers["content-type"] == "image/png"
    assert logo.headers["content-security-policy"] == "default-src 'none'"
    assert logo.headers["x-content-type-options"] == "nosniff"
    svg = {**coordinator, "Content-Type": "image/svg+xml"}
    assert_problem(client.put("/municipalities/GM0855/logo", content=SVG, headers=svg), 415)
    disguised = {**coordinator, "Content-Type": "image/png"}
    assert_problem(client.put("/municipalities/GM0855/logo", content=SVG, headers=disguised), 400)
    jpeg = {**coordinator, "Content-Type": "image/jpeg"}
    assert_problem(client.put("/municipalities/GM0855/logo", content=PNG, headers=jpeg), 400)
    large = PNG + b"\x00" * (256 * 1024)
    assert_problem(client.put("/municipalities/GM0855/logo", content=large, headers=png), 413)
    assert client.get("/municipalities/GM0855/logo").content == PNG, "refusals changed nothing"
    assert client.delete("/municipalities/GM0855/logo", headers=coordinator).status_code == 204
    assert_problem(client.get("/municipalities/GM0855/logo"), 404)
    assert client.get("/municipalities/GM0855").json()["logoUrl"] is None


@pytest.mark.both_databases
def test_an_invitation_link_sets_the_password_once_and_is_stored_hashed(
    client: TestClient, db: Session, coordinator
):
    response = client.post(
        "/users",
        json={
            "email": "Nieuw@Tilburg.example",
            "role": "facilitator",
            "municipalities": ["GM0855"],
        },
        headers=coordinator,
    )
    assert response.status_code == 201, response.text
    invited = response.json()
    url = invited["invitation"]["url"]
    assert url.startswith("http://testserver/workspace/#/welcome?token=")
    token = parse_qs(urlsplit(url).fragment.split("?", 1)[1])["token"][0]
    stored = db.exec(select(StaffUser).where(StaffUser.id == invited["id"])).one()
    db.commit()
    assert stored.password_hash is None
    assert stored.invitation_hash == hashlib.sha256(token.encode()).hexdigest() != token
    expires = stored.invitation_expires_at - utcnow()
    assert timedelta(days=6, hours=23) < expires <= timedelta(days=7)
    client.post("/auth/token", data={"username": "nieuw@tilburg.example", "password": "x" * 12})
    signed_in = client.post("/auth/invitation", json={"token": token, "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    me = client.get("/users/me", headers=bearer(signed_in.json()["access_token"])).json()
    assert me["email"] == "nieuw@tilburg.example" and me["invitationExpiresAt"] is None
    login(client, "nieuw@tilburg.example")
    again = client.post(
        "/auth/invitation", json={"token": token, "password": "een ander wachtwoord"}
    )
    assert assert_problem(again, 400)["invalidParams"][0]["name"] == "token"


@pytest.mark.both_databases
def test_a_new_invitation_replaces_the_old_and_an_expired_one_fails(
    client: TestClient, db: Session, coordinator
):
    body = {"email": "later@tilburg.example", "role": "analyst", "municipalities": ["GM0855"]}
    first = client.post("/users", json=body, headers=coordinator).json()
    second = client.post(f"/users/{first['id']}/invitation", headers=coordinator).json()
    token_of = lambda user: user["invitation"]["url"].rsplit("token=", 1)[1]  # noqa: E731
    old = client.post("/auth/invitation", json={"token": token_of(first), "password": PASSWORD})
    assert_problem(old, 400)
    with Session(db.get_bind()) as other_db:
        other_db.exec(
            update(StaffUser)
            .where(StaffUser.id == first["id"])
            .values(invitation_expires_at=utcnow() - timedelta(seconds=1))
        )
        other_db.commit()
    expired = client.post(
        "/auth/invitation", json={"token": token_of(second), "password": PASSWORD}
    )
    assert_problem(expired, 400, mentions="expired")


def test_a_coordinator_never_makes_an_admin_nor_gives_another_municipality(
    client: TestClient, coordinator
):
    def create(**changes):
        body = {"email": "x@tilburg.example", "role": "facilitator", "municipalities": ["GM0855"]}
        return client.post("/users", json={**body, **changes}, headers=coordinator)

    assert_problem(create(role="admin", municipalities=[]), 403)
    problem = assert_problem(create(municipalities=["GM0855", "GM0796"]), 403)
    assert problem["invalidParams"] == [{"name": "municipalities", "reason": "GM0796 is not yours"}]
    assert_problem(create(municipalities=["GM0001"]), 403)  # unknown: told the same
    user = create(role="coordinator").json()
    assert user["role"] == "coordinator"
    assert_problem(
        client.patch(f"/users/{user['id']}", json={"role": "admin"}, headers=coordinator), 403
    )
    assert_problem(
        client.patch(
            f"/users/{user['id']}", json={"municipalities": ["GM0796"]}, headers=coordinator
        ),
        403,
    )


def test_a_coordinator_sees_and_changes_only_staff_of_their_own_municipalities(
    client: TestClient, db: Session, coordinator, admin
):
    both = client.post(
        "/users",
        json={
            "email": "beide@example.org",
            "password": PASSWORD,
            "role": "analyst",
            "municipalities": ["GM0796", "GM0855"],
        },
        headers=admin,
    ).json()
    elsewhere = client.post(
        "/users",
        json={
            "email": "bosch@example.org",
            "password": PASSWORD,
            "role": "analyst",
            "municipalities": ["GM0796"],
        },
        headers=admin,
    ).json()
    listed = {u["email"] for u in client.get("/users", headers=coordinator).json()}
    assert "beide@example.org" in listed
    assert "bosch@example.org" not in listed and not any("admin" in e for e in listed)
    change = {"isActive": False}
    assert_problem(client.patch(f"/users/{elsewhere['id']}", json=change, headers=coordinator), 404)
    assert_problem(client.patch(f"/users/{both['id']}", json=change, headers=coordinator), 403)
    admin_id = client.get("/users/me", headers=admin).json()["id"]
    assert_problem(client.patch(f"/users/{admin_id}", json=change, headers=coordinator), 404)


def test_deactivating_an_account_signs_it_out_at_once(client: TestClient, db: Session, coordinator):
    headers = staff_headers(client, db, role=Role.FACILITATOR, municipalities=["GM0855"])
    me = client.get("/users/me", headers=headers).json()
    response = client.patch(f"/users/{me['id']}", json={"isActive": False}, headers=coordinator)
    assert response.status_code == 200 and response.json()["isActive"] is False
    assert_problem(client.get("/users/me", headers=headers), 401)
    signed_in = client.post("/auth/token", data={"username": me["email"], "password": PASSWORD})
    assert_problem(signed_in, 401)
    assert_problem(client.post(f"/users/{me['id']}/invitation", headers=coordinator), 409)


def test_a_venue_takes_accessibility_notes_and_only_an_unused_one_is_removed(
    client: TestClient, coordinator, tilburg: Place
):
    made = client.post(
        "/venues",
        json={
            "municipality": "GM0855",
            "name": "Buurthuis De Klif",
            "kind": "community_centre",
            "address": "Klifstraat 2",
            "accessibilityNotes": "Ingang zonder drempel",
        },
        headers=coordinator,
    )
    assert made.status_code == 201, made.text
    venue = made.json()
    changed = client.patch(
        f"/venues/{venue['id']}",
        json={
            "accessibilityNotes": "Lift naar de zaal",
            "address": None,
            "neighbourhoodCode": tilburg.buurten[1],
        },
        headers=coordinator,
    ).json()
    assert changed == {
        **venue,
        "accessibilityNotes": "Lift naar de zaal",
        "address": None,
        "neighbourhoodCode": tilburg.buurten[1],
    }
    taken = client.patch(
        f"/venues/{venue['id']}", json={"name": "Bibliotheek"}, headers=coordinator
    )
    assert_problem(taken, 409)
    in_use = client.delete(f"/venues/{tilburg.venue_id}", headers=coordinator)
    assert_problem(in_use, 409, mentions="sessions")
    assert client.delete(f"/venues/{venue['id']}", headers=coordinator).status_code == 204
    assert_problem(client.get(f"/venues/{venue['id']}", headers=coordinator), 404)
