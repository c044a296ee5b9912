"""The brede welvaart themes: the default taxonomy and a municipality's own themes."""

import pytest
from fastapi.testclient import TestClient

from tests.helpers import DEFAULT_THEME_KEYS as DEFAULT_KEYS
from tests.helpers import assert_problem
from tests.support.places import Place


def theme_body(**changes) -> dict:
    body = {
        "key": "cultuur",
        "nameNl": "Cultuur",
        "nameEn": "Culture",
        "descriptionNl": "Musea, muziek, theater en festivals in de buurt.",
        "descriptionEn": "Museums, music, theatre and festivals nearby.",
        "sdgs": [11, 4, 11],
        "icon": "music",
    }
    return {**body, **changes}


@pytest.mark.both_databases
def test_anyone_gets_the_ten_default_themes_with_names_descriptions_and_sdgs(client: TestClient):
    response = client.get("/themes")
    assert response.status_code == 200
    themes = response.json()
    assert sorted(t["key"] for t in themes) == sorted(DEFAULT_KEYS)
    for theme in themes:
        assert theme["nameNl"] and theme["nameEn"], theme
        assert len(theme["descriptionNl"]) > 30 and len(theme["descriptionEn"]) > 30, theme
        assert theme["sdgs"] and all(1 <= n <= 17 for n in theme["sdgs"]), theme
        assert theme["municipality"] is None
    by_key = {t["key"]: t for t in themes}
    assert by_key["milieu"]["nameEn"] == "Environment"
    assert by_key["materiele-welvaart"]["nameNl"] == "Materiële welvaart"
    assert themes[0]["key"] == "welzijn", "the themes keep the taxonomy's order"


def test_an_admin_adds_a_theme_for_one_municipality(
    client: TestClient, tilburg: Place, den_bosch: Place, admin
):
    response = client.post("/municipalities/GM0855/themes", json=theme_body(), headers=admin)
    assert response.status_code == 201, response.text
    theme = response.json()
    assert theme == {**theme_body(), "sdgs": [4, 11], "municipality": "GM0855"}
    tilburg_themes = client.get("/municipalities/GM0855/themes").json()
    assert [t["key"] for t in tilburg_themes] == [*DEFAULT_KEYS, "cultuur"]
    assert tilburg_themes[-1]["municipality"] == "GM0855"
    assert "cultuur" not in [t["key"] for t in client.get("/municipalities/GM0796/themes").json()]
    assert "cultuur" not in [t["key"] for t in client.get("/themes").json()]


@pytest.mark.both_databases
def test_a_theme_key_already_in_use_is_a_409(client: TestClient, tilburg: Place, admin):
    assert (
        client.post("/municipalities/GM0855/themes", json=theme_body(), headers=admin).status_code
        == 201
    )
    again = client.post("/municipalities/GM0855/themes", json=theme_body(), headers=admin)
    assert_problem(again, 409, mentions="cultuur")
    default = client.post(
        "/municipalities/GM0855/themes", json=theme_body(key="milieu"), headers=admin
    )
    assert_problem(default, 409, mentions="milieu")


@pytest.mark.both_databases
def test_the_same_theme_key_may_be_added_by_two_municipalities(
    client: TestClient, tilburg: Place, den_bosch: Place, admin
):
    for code in ("GM0855", "GM0796"):
        response = client.post(f"/municipalities/{code}/themes", json=theme_body(), headers=admin)
        assert response.status_code == 201, response.text


def test_invalid_themes_are_400s_that_name_the_field(client: TestClient, tilburg: Place, admin):
    cases = {
        "key": theme_body(key="Cultuur en Kunst"),
        "nameNl": theme_body(nameNl=""),
        "descriptionEn": theme_body(descriptionEn="x" * 401),
        "icon": theme_body(icon="<svg>"),
        "colour": theme_body(colour="#ff0000"),
    }
    for field, body in cases.items():
        response = client.post("/municipalities/GM0855/themes", json=body, headers=admin)
        problem = assert_problem(response, 400)
        assert problem["invalidParams"][0]["name"] == field, problem
    for sdgs, field in (([0], "sdgs.0"), ([18], "sdgs.0"), ([3, 99], "sdgs.1")):
        response = client.post(
            "/municipalities/GM0855/themes", json=theme_body(sdgs=sdgs), headers=admin
        )
        problem = assert_problem(response, 400)
        assert problem["invalidParams"][0]["name"] == field, problem
    assert [t["key"] for t in client.get("/municipalities/GM0855/themes").json()] == DEFAULT_KEYS


def test_themes_of_an_unknown_municipality_are_a_404(client: TestClient, admin):
    assert_problem(client.get("/municipalities/GM0001/themes"), 404)
    response = client.post("/municipalities/GM0001/themes", json=theme_body(), headers=admin)
    assert_problem(response, 404)


def test_only_signed_in_admins_add_themes(client: TestClient, tilburg: Place, tilburg_facilitator):
    assert_problem(client.post("/municipalities/GM0855/themes", json=theme_body()), 401)
    response = client.post(
        "/municipalities/GM0855/themes", json=theme_body(), headers=tilburg_facilitator
    )
    assert_problem(response, 403, mentions="admin")
