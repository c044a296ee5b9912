"""Staff accounts: an admin creates, lists and changes them; everyone reads their own."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.staff.models import StaffUser
from tests.helpers import assert_problem, login
from tests.support.places import Place


def user_body(**changes) -> dict:
    body = {
        "email": "Anna.deVries@Tilburg.example",
        "password": "een lang wachtwoord",
        "role": "facilitator",
        "fullName": "Anna de Vries",
        "municipalities": ["GM0855"],
    }
    return {**body, **changes}


def test_an_admin_creates_a_facilitator_who_can_then_sign_in(
    client: TestClient, db: Session, tilburg: Place, admin
):
    response = client.post("/users", json=user_body(), headers=admin)
    assert response.status_code == 201, response.text
    user = response.json()
    assert user.pop("invitation") is None, "a password was given: no invitation"
    assert user == {
        **user,
        "email": "anna.devries@tilburg.example",
        "role": "facilitator",
        "fullName": "Anna de Vries",
        "municipalities": ["GM0855"],
        "isActive": True,
    }
    assert "password" not in response.text and "argon2" not in response.text
    stored = db.exec(select(StaffUser).where(StaffUser.id == user["id"])).one()
    db.commit()
    assert stored.password_hash.startswith("$argon2") and "een lang" not in stored.password_hash
    me = client.get(
        "/users/me", headers=login(client, "anna.devries@tilburg.example", "een lang wachtwoord")
    )
    assert me.json() == user


def test_an_admin_lists_every_account_without_password_hashes(
    client: TestClient, tilburg: Place, admin, tilburg_facilitator
):
    response = client.get("/users", headers=admin)
    assert response.status_code == 200
    users = response.json()
    assert sorted(u["role"] for u in users) == ["admin", "facilitator"]
    assert [u["email"] for u in users] == sorted(u["email"] for u in users)
    assert "argon2" not in response.text and "passwordHash" not in response.text


def test_an_admin_account_needs_no_municipality(client: TestClient, admin):
    response = client.post("/users", json=user_body(role="admin", municipalities=[]), headers=admin)
    assert response.status_code == 201, response.text
    assert response.json()["municipalities"] == []


def test_a_facilitator_or_analyst_without_a_municipality_is_a_400(
    client: TestClient, tilburg: Place, admin
):
    for role in ("facilitator", "analyst"):
        body = user_body(role=role, municipalities=[])
        problem = assert_problem(client.post("/users", json=body, headers=admin), 400)
        assert problem["invalidParams"][0]["name"] == "municipalities"
        without = {k: v for k, v in body.items() if k != "municipalities"}
        assert_problem(
            client.post("/users", json=without, headers=admin), 400, mentions="municipalit"
        )
    assert len(client.get("/users", headers=admin).json()) == 1


def test_an_unknown_or_malformed_municipality_is_a_400(client: TestClient, tilburg: Place, admin):
    unknown = client.post("/users", json=user_body(municipalities=["GM0001"]), headers=admin)
    problem = assert_problem(unknown, 400, mentions="GM0001")
    assert problem["invalidParams"][0]["name"] == "municipalities"
    malformed = client.post("/users", json=user_body(municipalities=["0855"]), headers=admin)
    problem = assert_problem(malformed, 400)
    assert problem["invalidParams"][0]["name"].startswith("municipalities")


@pytest.mark.both_databases
def test_a_duplicate_email_is_a_409_whatever_its_case(client: TestClient, tilburg: Place, admin):
    assert client.post("/users", json=user_body(), headers=admin).status_code == 201
    again = client.post(
        "/users",
        json=user_body(email="ANNA.DEVRIES@tilburg.example", role="analyst"),
        headers=admin,
    )
    assert_problem(again, 409, mentions="anna.devries@tilburg.example")
    assert len(client.get("/users", headers=admin).json()) == 2


def test_a_short_password_an_invalid_email_or_role_are_400s(
    client: TestClient, tilburg: Place, admin
):
    cases = {
        "password": user_body(password="kort"),
        "email": user_body(email="anna-at-tilburg"),
        "role": user_body(role="mayor"),
        "fullName": user_body(fullName="x" * 121),
        "passwordHash": {**user_body(), "passwordHash": "$argon2id$..."},
    }
    for field, body in cases.items():
        problem = assert_problem(client.post("/users", json=body, headers=admin), 400)
        assert problem["invalidParams"][0]["name"] == field, problem
    eleven = assert_problem(
        client.post("/users", json=user_body(password="elf tekens!"), headers=admin), 400
    )
    assert "12" in eleven["invalidParams"][0]["reason"]
    assert len(client.get("/users", headers=admin).json()) == 1


def test_an_admin_changes_role_name_and_municipalities(
    client: TestClient, tilburg: Place, den_bosch: Place, admin
):
    user = client.post("/users", json=user_body(), headers=admin).json()
    del user["invitation"]
    response = client.patch(
        f"/users/{user['id']}",
        json={"role": "analyst", "fullName": "A. de Vries", "municipalities": ["GM0796", "GM0855"]},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        **user,
        "role": "analyst",
        "fullName": "A. de Vries",
        "municipalities": ["GM0796", "GM0855"],
    }
    headers = login(client, "anna.devries@tilburg.example", "een lang wachtwoord")
    assert client.get("/users/me", headers=headers).json()["role"] == "analyst"


def test_a_change_that_leaves_a_facilitator_without_municipality_is_a_400(
    client: TestClient, tilburg: Place, admin
):
    user = client.post("/users", json=user_body(), headers=admin).json()
    emptied = client.patch(f"/users/{user['id']}", json={"municipalities": []}, headers=admin)
    assert assert_problem(emptied, 400)["invalidParams"][0]["name"] == "municipalities"
    an_admin = client.post(
        "/users", json=user_body(email="boss@example.org", role="admin", municipalities=[]),
        headers=admin,
    ).json()  # fmt: skip
    demoted = client.patch(f"/users/{an_admin['id']}", json={"role": "facilitator"}, headers=admin)
    assert assert_problem(demoted, 400)["invalidParams"][0]["name"] == "municipalities"
    listed = {u["id"]: u for u in client.get("/users", headers=admin).json()}
    assert listed[user["id"]]["municipalities"] == ["GM0855"]
    assert listed[an_admin["id"]]["role"] == "admin"


def test_changing_an_unknown_account_is_a_404_and_bad_changes_are_400s(
    client: TestClient, tilburg: Place, admin
):
    assert_problem(client.patch("/users/999999", json={"fullName": "X"}, headers=admin), 404)
    user = client.post("/users", json=user_body(), headers=admin).json()
    cases = {
        "password": {"password": "kort"},
        "role": {"role": "mayor"},
        "email": {"email": "other@example.org"},  # the e-mail address is the account: fixed
    }
    for field, body in cases.items():
        problem = assert_problem(
            client.patch(f"/users/{user['id']}", json=body, headers=admin), 400
        )
        assert problem["invalidParams"][0]["name"] == field


def test_a_password_change_by_the_admin_signs_the_account_out(
    client: TestClient, tilburg: Place, admin
):
    user = client.post("/users", json=user_body(), headers=admin).json()
    old = login(client, "anna.devries@tilburg.example", "een lang wachtwoord")
    changed = client.patch(
        f"/users/{user['id']}", json={"password": "nog een lang wachtwoord"}, headers=admin
    )
    assert changed.status_code == 200
    assert_problem(client.get("/users/me", headers=old), 401)
    response = client.post(
        "/auth/token",
        data={"username": "anna.devries@tilburg.example", "password": "een lang wachtwoord"},
    )
    assert_problem(response, 401)
    login(client, "anna.devries@tilburg.example", "nog een lang wachtwoord")


def test_every_staff_member_reads_their_own_account_but_not_others(
    client: TestClient, tilburg: Place, tilburg_facilitator, tilburg_analyst
):
    me = client.get("/users/me", headers=tilburg_analyst).json()
    assert me["role"] == "analyst" and me["municipalities"] == ["GM0855"]
    assert_problem(client.get("/users", headers=tilburg_analyst), 403, mentions="admin")
    own = client.patch(f"/users/{me['id']}", json={"role": "admin"}, headers=tilburg_analyst)
    assert_problem(own, 403, mentions="admin")
    assert client.get("/users/me", headers=tilburg_analyst).json()["role"] == "analyst"
