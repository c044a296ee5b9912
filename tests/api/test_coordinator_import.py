"""Neighbourhood import as a coordinator does it: a preview first (nothing written), then
apply; PDOK's OGC API files in RD New or WGS84, opaque codes, CBS's suppression codes and
water parts, and every bad row named in English and Dutch."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from api.core.access import Role
from api.core.problems import InvalidInput
from api.municipalities import service as municipalities
from tests.helpers import assert_problem, staff_headers

DATA = Path(__file__).parents[1] / "data" / "neighbourhoods"
RD = DATA / "gm9998_pdok_ogcapi_rd.geojson"
WGS84 = DATA / "gm9998_pdok_ogcapi_wgs84.geojson"
BUURTEN = {
    "BU99980101",
    "BU99980102",
    "BU99980103",
    "BU9998AD01",
    "BU9998AD02",
    "BU9998AD03",
}


@pytest.fixture
def brugdorp(client: TestClient, db: Session, admin) -> dict[str, str]:
    """A coordinator of the fictional GM9998 Brugdorp, which has no neighbourhoods yet."""
    created = client.post(
        "/municipalities", json={"cbsCode": "GM9998", "name": "Brugdorp"}, headers=admin
    )
    assert created.status_code == 201, created.text
    return staff_headers(client, db, role=Role.COORDINATOR, municipalities=["GM9998"])


def upload(client: TestClient, headers: dict[str, str], data: bytes, *, dry_run: bool):
    return client.post(
        f"/municipalities/GM9998/neighbourhoods/import?dryRun={str(dry_run).lower()}",
        content=data,
        headers={**headers, "Content-Type": "application/geo+json"},
    )


@pytest.mark.both_databases
@pytest.mark.parametrize("fixture", [RD, WGS84], ids=["rd-new", "wgs84"])
def test_a_preview_of_pdoks_buurten_writes_nothing_and_the_import_then_matches_it(
    client: TestClient, brugdorp, fixture: Path
):
    data = fixture.read_bytes()
    preview = upload(client, brugdorp, data, dry_run=True)
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert {k: body[k] for k in ("created", "updated", "unchanged", "wijken", "buurten")} == {
        "created": 8,
        "updated": 0,
        "unchanged": 0,
        "wijken": 2,
        "buurten": 6,
    }
    assert body["format"] == "pdok (geojson)" and body["source"] == "Kadaster / CBS, 2024"
    assert {c["code"] for c in body["changes"]} == BUURTEN | {"WK999801", "WK9998AD"}
    change = next(c for c in body["changes"] if c["code"] == "BU99980103")
    assert change == {
        "code": "BU99980103",
        "name": "Stationsbuurt",
        "kind": "buurt",
        "wijkCode": "WK999801",
        "change": "created",
        "previousName": None,
    }, "CBS's padding spaces are stripped from codes and names"
    features = body["map"]["features"]
    assert {f["properties"]["code"] for f in features} == BUURTEN
    for feature in features:
        for lon, lat in feature["geometry"]["coordinates"][0]:
            assert 5.38 < lon < 5.42 and 52.15 < lat < 52.17, "WGS84, near Amersfoort's origin"
    haven = next(f for f in features if f["id"] == "BU9998AD03")
    assert max(lon for lon, _ in haven["geometry"]["coordinates"][0]) < 5.41, (
        "the buurt's land is on the map, not its water part"
    )
    assert client.get("/municipalities/GM9998/neighbourhoods").json() == [], "nothing written"

    applied = upload(client, brugdorp, data, dry_run=False).json()
    assert {k: applied[k] for k in ("created", "wijken", "buurten")} == {
        "created": 8,
        "wijken": 2,
        "buurten": 6,
    }
    stored = client.get("/municipalities/GM9998/neighbourhoods").json()
    assert {n["code"]: n["wijkCode"] for n in stored if n["kind"] == "buurt"} == {
        code: ("WK9998AD" if "AD" in code else "WK999801") for code in BUURTEN
    }
    again = upload(client, brugdorp, data, dry_run=True).json()
    assert (again["unchanged"], again["changes"]) == (8, [])


def test_a_preview_names_renamed_rows_with_their_previous_name(client: TestClient, brugdorp):
    upload(client, brugdorp, RD.read_bytes(), dry_run=False)
    document = json.loads(RD.read_bytes())
    document["features"][2]["properties"]["buurtnaam"] = "Marktkwartier"
    body = upload(client, brugdorp, json.dumps(document).encode(), dry_run=True).json()
    assert body["changes"] == [
        {
            "code": "BU99980101",
            "name": "Marktkwartier",
            "kind": "buurt",
            "wijkCode": "WK999801",
            "change": "updated",
            "previousName": "Oude Markt",
        }
    ]
    assert (body["updated"], body["unchanged"]) == (1, 7)


def test_suppression_codes_count_as_absent_not_as_numbers(client: TestClient, brugdorp):
    document = json.loads(RD.read_bytes())
    buurt = document["features"][3]["properties"]
    buurt["gemeentecode"] = -99997  # as CBS writes a figure it does not give
    buurt["jaarcode"] = -99995
    response = upload(client, brugdorp, json.dumps(document).encode(), dry_run=True)
    assert response.status_code == 200, response.text


def test_every_bad_feature_is_named_with_a_reason_in_english_and_dutch(
    client: TestClient, db: Session, brugdorp
):
    document = json.loads(RD.read_bytes())
    document["features"][2]["properties"]["buurtcode"] = "BU0363AD07"
    document["features"][4]["properties"]["buurtnaam"] = "   "
    document["features"][5]["properties"]["buurtcode"] = "BU9998a"
    data = json.dumps(document).encode()
    problem = assert_problem(upload(client, brugdorp, data, dry_run=True), 400)
    assert [p["name"] for p in problem["invalidParams"]] == ["feature 3", "feature 5", "feature 6"]
    assert "belongs to another municipality (GM0363)" in problem["invalidParams"][0]["reason"]
    municipality = municipalities.find_municipality(db, cbs_code="GM9998")
    with pytest.raises(InvalidInput) as refused:
        municipalities.preview_neighbourhood_import(
            db, municipality=municipality, upload=municipalities.NeighbourhoodUpload(data)
        )
    db.commit()
    assert refused.value.detail_nl.startswith("Het bestand is niet ingelezen")
    assert [p[2] for p in refused.value.invalid_params] == [
        "buurtcode 'BU0363AD07' hoort bij een andere gemeente (GM0363), niet bij GM9998",
        "buurtnaam is leeg",
        "buurtcode 'BU9998a' is geen buurtcode (BU + 4 cijfers + 4 letters of cijfers)",
    ]


@pytest.mark.both_databases
def test_the_database_takes_alphanumeric_codes_but_not_lower_case_ones(
    client: TestClient, db: Session, brugdorp
):
    upload(client, brugdorp, RD.read_bytes(), dry_run=False)
    with pytest.raises(IntegrityError), db.get_bind().begin() as connection:
        connection.execute(
            text(
                "INSERT INTO neighbourhoods (municipality_id, code, name, kind, updated_at) "
                "SELECT id, 'WK9998ad', 'x', 'wijk', created_at FROM municipalities "
                "WHERE cbs_code = 'GM9998'"
            )
        )
