"""Venues: the libraries, youth centres and community centres where sessions are held."""

import pytest
from fastapi.testclient import TestClient

from tests.helpers import assert_problem
from tests.support.places import Place


def test_a_facilitator_adds_a_venue_in_a_neighbourhood(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    body = {
        "name": "Jongerencentrum De Poort",
        "kind": "youth_centre",
        "neighbourhoodCode": tilburg.buurten[1],
        "address": "Poortstraat 1, Tilburg",
        "translations": {"en": {"name": "Youth centre De Poort"}},
    }
    response = client.post("/municipalities/GM0855/venues", json=body, headers=tilburg_facilitator)
    assert response.status_code == 201, response.text
    venue = response.json()
    assert venue == {
        **body,
        "id": venue["id"],
        "municipality": "GM0855",
        "accessibilityNotes": None,
    }
    listed = client.get("/municipalities/GM0855/venues", headers=tilburg_facilitator).json()
    assert venue in listed


def test_a_venue_may_be_in_a_wijk_or_in_no_neighbourhood_at_all(
    client: TestClient, tilburg: Place, admin
):
    in_wijk = client.post(
        "/municipalities/GM0855/venues",
        json={"name": "Wijkcentrum", "kind": "community_centre", "neighbourhoodCode": tilburg.wijk},
        headers=admin,
    )
    assert in_wijk.status_code == 201, in_wijk.text
    assert in_wijk.json()["neighbourhoodCode"] == tilburg.wijk
    nowhere = client.post(
        "/municipalities/GM0855/venues", json={"name": "Bus", "kind": "other"}, headers=admin
    )
    assert nowhere.status_code == 201, nowhere.text
    assert nowhere.json()["neighbourhoodCode"] is None and nowhere.json()["address"] is None


def test_venues_are_listed_by_name(client: TestClient, tilburg: Place, admin):
    for name in ("Zwembad", "Atelier"):
        client.post(
            "/municipalities/GM0855/venues", json={"name": name, "kind": "other"}, headers=admin
        )
    names = [v["name"] for v in client.get("/municipalities/GM0855/venues", headers=admin).json()]
    assert names == ["Atelier", "Bibliotheek", "Zwembad"]


def test_a_neighbourhood_of_another_municipality_is_a_400(
    client: TestClient, tilburg: Place, den_bosch: Place, admin
):
    response = client.post(
        "/municipalities/GM0855/venues",
        json={"name": "Elders", "kind": "library", "neighbourhoodCode": den_bosch.buurten[0]},
        headers=admin,
    )
    problem = assert_problem(response, 400, mentions=den_bosch.buurten[0])
    assert problem["invalidParams"][0]["name"] == "neighbourhoodCode"


def test_an_unknown_or_malformed_neighbourhood_code_is_a_400(
    client: TestClient, tilburg: Place, admin
):
    unknown = client.post(
        "/municipalities/GM0855/venues",
        json={"name": "Nergens", "kind": "library", "neighbourhoodCode": "BU08559999"},
        headers=admin,
    )
    assert assert_problem(unknown, 400)["invalidParams"][0]["name"] == "neighbourhoodCode"
    for bad in ("0855", "BU0855", "GM0855", "wk085501"):
        malformed = client.post(
            "/municipalities/GM0855/venues",
            json={"name": "Nergens", "kind": "library", "neighbourhoodCode": bad},
            headers=admin,
        )
        assert assert_problem(malformed, 400)["invalidParams"][0]["name"] == "neighbourhoodCode"


@pytest.mark.both_databases
def test_a_duplicate_venue_name_in_a_municipality_is_a_409(
    client: TestClient, tilburg: Place, den_bosch: Place, admin
):
    again = client.post(
        "/municipalities/GM0855/venues", json={"name": " Bibliotheek ", "kind": "library"},
        headers=admin,
    )  # fmt: skip
    assert_problem(again, 409, mentions="Bibliotheek")
    count = len(client.get("/municipalities/GM0855/venues", headers=admin).json())
    assert count == 1
    elsewhere = client.post(
        "/municipalities/GM0796/venues", json={"name": "Stadsbibliotheek", "kind": "library"},
        headers=admin,
    )  # fmt: skip
    assert elsewhere.status_code == 201


def test_an_unknown_venue_kind_and_a_missing_name_are_400s(
    client: TestClient, tilburg: Place, admin
):
    response = client.post(
        "/municipalities/GM0855/venues", json={"name": "Kerk", "kind": "church"}, headers=admin
    )
    problem = assert_problem(response, 400, mentions="library")
    assert problem["invalidParams"][0]["name"] == "kind"
    for name in ("", "   "):
        response = client.post(
            "/municipalities/GM0855/venues", json={"name": name, "kind": "other"}, headers=admin
        )
        assert assert_problem(response, 400)["invalidParams"][0]["name"] == "name"
    too_long = client.post(
        "/municipalities/GM0855/venues", json={"name": "x" * 121, "kind": "other"}, headers=admin
    )
    assert assert_problem(too_long, 400)["invalidParams"][0]["name"] == "name"


def test_venues_of_an_unknown_or_malformed_municipality(client: TestClient, admin):
    assert_problem(client.get("/municipalities/GM0001/venues", headers=admin), 404)
    response = client.post(
        "/municipalities/GM0001/venues", json={"name": "X", "kind": "other"}, headers=admin
    )
    assert_problem(response, 404)
    malformed = assert_problem(client.get("/municipalities/0855/venues", headers=admin), 400)
    assert malformed["invalidParams"][0]["name"] == "cbsCode"


def test_venues_need_a_signed_in_staff_member(client: TestClient, tilburg: Place):
    assert_problem(client.get("/municipalities/GM0855/venues"), 401)
    response = client.post("/municipalities/GM0855/venues", json={"name": "X", "kind": "other"})
    assert_problem(response, 401)
