"""Municipalities, neighbourhoods and their import, as an admin uses them."""

import json

import pytest
from fastapi.testclient import TestClient

from tests.helpers import assert_problem, create_municipality
from tests.support.places import Place


def test_admin_creates_and_lists_municipalities(client: TestClient, admin):
    create_municipality(client, admin, "GM0855", "Tilburg")
    response = client.get("/municipalities", headers=admin)
    assert [m["cbsCode"] for m in response.json()] == ["GM0855"]
    one = client.get("/municipalities/GM0855", headers=admin).json()
    assert one == {**one, "name": "Tilburg", "minGroupSize": 10}


def test_a_municipality_code_must_be_a_cbs_code(client: TestClient, admin):
    for bad in ["0855", "GM085", "GM08555", "gm0855", "XX0855", "GM08A5"]:
        response = client.post("/municipalities", json={"cbsCode": bad, "name": "X"}, headers=admin)
        body = assert_problem(response, 400, mentions="cbsCode")
        assert body["invalidParams"][0]["name"] == "cbsCode"


@pytest.mark.both_databases
def test_a_duplicate_municipality_is_a_409(client: TestClient, admin):
    create_municipality(client, admin, "GM0855", "Tilburg")
    response = client.post(
        "/municipalities", json={"cbsCode": "GM0855", "name": "Tilburg"}, headers=admin
    )
    assert_problem(response, 409, mentions="already exists")


def test_min_group_size_can_never_go_below_five(client: TestClient, admin):
    response = client.post(
        "/municipalities", json={"cbsCode": "GM0855", "name": "T", "minGroupSize": 4}, headers=admin
    )
    assert_problem(response, 400, mentions="minGroupSize")
    create_municipality(client, admin, "GM0855", "Tilburg")
    patched = client.patch("/municipalities/GM0855", json={"minGroupSize": 3}, headers=admin)
    assert_problem(patched, 400)
    assert (
        client.patch("/municipalities/GM0855", json={"minGroupSize": 5}, headers=admin).json()[
            "minGroupSize"
        ]
        == 5
    )


def test_only_admins_create_municipalities(client, tilburg_facilitator):
    response = client.post(
        "/municipalities", json={"cbsCode": "GM0001", "name": "X"}, headers=tilburg_facilitator
    )
    assert_problem(response, 403, mentions="admin")


def test_neighbourhoods_are_listed_with_their_wijk(client: TestClient, tilburg: Place):
    rows = client.get("/municipalities/GM0855/neighbourhoods").json()
    assert {r["code"]: r["wijkCode"] for r in rows} == {
        "BU08550101": "WK085501",
        "BU08550102": "WK085501",
        "WK085501": None,
    }


def test_a_buurt_needs_its_wijk_and_must_be_of_the_municipality(client, admin, tilburg):
    orphan = client.post(
        "/municipalities/GM0855/neighbourhoods",
        json={"code": "BU08559901", "name": "Ergens"},
        headers=admin,
    )
    assert_problem(orphan, 400, mentions="WK085599")
    foreign = client.post(
        "/municipalities/GM0855/neighbourhoods",
        json={"code": "WK079601", "name": "Elders"},
        headers=admin,
    )
    assert_problem(foreign, 400, mentions="GM0855")
    bad_code = client.post(
        "/municipalities/GM0855/neighbourhoods", json={"code": "BU0855", "name": "X"}, headers=admin
    )
    assert_problem(bad_code, 400, mentions="code")


@pytest.mark.both_databases
def test_import_of_cbs_statcode_csv_creates_then_updates_without_duplicates(client, admin):
    create_municipality(client, admin, "GM0855", "Tilburg")
    csv = "statcode;statnaam\nWK085501;Centrum\nBU08550101;Binnenstad\nBU08550102;Oude Stad\n"
    first = client.post(
        "/municipalities/GM0855/neighbourhoods/import?year=2024",
        content=csv.encode(),
        headers={**admin, "Content-Type": "text/csv"},
    )
    assert first.status_code == 200, first.text
    assert first.json() == {
        **first.json(),
        "created": 3,
        "updated": 0,
        "source": "Kadaster / CBS, 2024",
    }
    renamed = csv.replace("Oude Stad", "Oude Stad-Noord")
    second = client.post(
        "/municipalities/GM0855/neighbourhoods/import",
        content=renamed.encode(),
        headers={**admin, "Content-Type": "text/csv"},
    )
    assert second.json() == {**second.json(), "created": 0, "updated": 1, "unchanged": 2}
    names = {
        r["code"]: r["name"] for r in client.get("/municipalities/GM0855/neighbourhoods").json()
    }
    assert len(names) == 3 and names["BU08550102"] == "Oude Stad-Noord"


@pytest.mark.both_databases
def test_import_of_geojson_keeps_geometry_for_the_map(client, admin):
    create_municipality(client, admin, "GM0855", "Tilburg")
    square = {
        "type": "Polygon",
        "coordinates": [[[5.0, 51.5], [5.1, 51.5], [5.1, 51.6], [5.0, 51.5]]],
    }
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"statcode": "WK085501", "statnaam": "Centrum"}, "geometry": square},
            {"type": "Feature", "properties": {"statcode": "BU08550101", "statnaam": "Binnenstad"}, "geometry": square},
        ],
    }  # fmt: skip
    response = client.post(
        "/municipalities/GM0855/neighbourhoods/import",
        content=json.dumps(collection).encode(),
        headers={**admin, "Content-Type": "application/geo+json"},
    )
    assert response.status_code == 200, response.text
    geo = client.get("/municipalities/GM0855/neighbourhoods?format=geojson")
    assert geo.headers["content-type"].startswith("application/geo+json")
    assert {f["id"] for f in geo.json()["features"]} == {"WK085501", "BU08550101"}


def test_import_as_multipart_upload(client, admin):
    create_municipality(client, admin, "GM0855", "Tilburg")
    response = client.post(
        "/municipalities/GM0855/neighbourhoods/import",
        files={"file": ("wijken.csv", b"statcode,statnaam\nWK085501,Centrum\n", "text/csv")},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 1


@pytest.mark.both_databases
def test_a_bad_import_file_names_the_wrong_row_and_writes_nothing(client, admin):
    create_municipality(client, admin, "GM0855", "Tilburg")
    csv = "statcode;statnaam\nWK085501;Centrum\nBU0855010;Kapot\nBU08550102;\n"
    response = client.post(
        "/municipalities/GM0855/neighbourhoods/import",
        content=csv.encode(),
        headers={**admin, "Content-Type": "text/csv"},
    )
    body = assert_problem(response, 400, mentions="row 2")
    assert any("row 3" in p["name"] for p in body["invalidParams"])
    assert client.get("/municipalities/GM0855/neighbourhoods").json() == []


def test_an_import_over_the_size_limit_is_refused(client, admin, settings):
    create_municipality(client, admin, "GM0855", "Tilburg")
    response = client.post(
        "/municipalities/GM0855/neighbourhoods/import",
        content=b"x" * (settings.max_import_bytes + 1),
        headers={**admin, "Content-Type": "text/csv"},
    )
    assert_problem(response, 413)
