"""Tenant isolation between municipalities, and what each staff role may do.

Staff of Tilburg (GM0855) must not see or change anything of 's-Hertogenbosch (GM0796): its
objects answer 404 exactly like objects that do not exist (never 403, which would confirm
they exist), and its lists leave them out. Admins work everywhere.
"""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.core.access import Role
from tests.helpers import PASSWORD, assert_problem, login, make_staff, staff_headers
from tests.support.places import Place

NO_SUCH_ID = 987654


def _session_body(venue_id: int) -> dict:
    start = datetime.now(UTC) + timedelta(days=1)
    return {
        "venueId": venue_id,
        "startsAt": start.isoformat(),
        "endsAt": (start + timedelta(hours=2)).isoformat(),
    }


def _dialogue_body(code: str, title: str = "Nieuwe ronde") -> dict:
    return {
        "municipality": code,
        "title": title,
        "startsOn": "2027-01-01",
        "endsOn": "2027-03-01",
        "priorities": [
            {"title": "Groen", "themeKey": "milieu"},
            {"title": "Wonen", "themeKey": "wonen"},
        ],
    }


def _reads(place: Place, code: str) -> list[tuple[str, str]]:
    """Every staff read of one municipality's objects (the municipality itself is public: the
    resident app's statements read its contacts)."""
    return [
        ("GET", f"/municipalities/{code}/venues"),
        ("GET", f"/dialogues?municipality={code}"),
        ("GET", f"/dialogues/{place.dialogue_id}"),
        ("GET", f"/dialogues/{place.dialogue_id}/sessions"),
        ("GET", f"/sessions/{place.session_id}"),
        ("GET", f"/sessions/{place.session_id}/qr"),
        ("GET", f"/sessions/{place.session_id}/qr?format=png"),
        ("GET", f"/sessions/{place.session_id}/poster"),
        ("GET", f"/sessions/{place.session_id}/rotating-code"),
    ]


def _writes(place: Place, code: str) -> list[tuple[str, str, dict]]:
    """Every facilitator write on one municipality's objects."""
    return [
        ("POST", f"/municipalities/{code}/venues", {"name": "Wijkcentrum", "kind": "other"}),
        ("POST", "/dialogues", _dialogue_body(code)),
        ("PATCH", f"/dialogues/{place.dialogue_id}", {"title": "Overgenomen"}),
        ("POST", f"/dialogues/{place.dialogue_id}/sessions", _session_body(place.venue_id)),
        ("PATCH", f"/sessions/{place.session_id}", {"status": "closed"}),
        ("POST", f"/sessions/{place.session_id}/assisted-ballots", {"ranking": place.priority_ids}),
    ]


def test_a_tilburg_facilitator_gets_404_on_every_den_bosch_object(
    client: TestClient, tilburg: Place, den_bosch: Place, tilburg_facilitator
):
    for method, path in _reads(den_bosch, "GM0796"):
        response = client.request(method, path, headers=tilburg_facilitator)
        assert_problem(response, 404)
        assert "Bibliotheek" not in response.text and den_bosch.join_code not in response.text
    for method, path in _reads(tilburg, "GM0855"):
        response = client.request(method, path, headers=tilburg_facilitator)
        if path.endswith("rotating-code"):  # reached, but a poster session does not rotate
            assert_problem(response, 409, mentions="poster")
        else:
            assert response.status_code == 200, path


def test_a_foreign_object_is_indistinguishable_from_a_missing_one(
    client: TestClient, tilburg: Place, den_bosch: Place, tilburg_facilitator
):
    pairs = [
        ("/municipalities/GM0796/venues", "/municipalities/GM0001/venues"),
        (f"/dialogues/{den_bosch.dialogue_id}", f"/dialogues/{NO_SUCH_ID}"),
        (f"/sessions/{den_bosch.session_id}", f"/sessions/{NO_SUCH_ID}"),
    ]
    for foreign, missing in pairs:
        a = assert_problem(client.get(foreign, headers=tilburg_facilitator), 404)
        b = assert_problem(client.get(missing, headers=tilburg_facilitator), 404)
        assert a["title"] == b["title"]
        neutral = a["detail"].replace("GM0796", "?").replace(str(den_bosch.dialogue_id), "?")
        neutral = neutral.replace(str(den_bosch.session_id), "?")
        expected = b["detail"].replace("GM0001", "?").replace(str(NO_SUCH_ID), "?")
        assert neutral == expected


def test_a_tilburg_facilitator_cannot_create_or_change_anything_in_den_bosch(
    client: TestClient, db: Session, tilburg: Place, den_bosch: Place, tilburg_facilitator, admin
):
    before = client.get(f"/dialogues/{den_bosch.dialogue_id}", headers=admin).json()
    for method, path, body in _writes(den_bosch, "GM0796"):
        response = client.request(method, path, json=body, headers=tilburg_facilitator)
        assert_problem(response, 404)
    assert client.get(f"/dialogues/{den_bosch.dialogue_id}", headers=admin).json() == before
    assert [
        v["name"] for v in client.get("/municipalities/GM0796/venues", headers=admin).json()
    ] == ["Bibliotheek"]
    assert [d["municipality"] for d in client.get("/dialogues", headers=admin).json()].count(
        "GM0796"
    ) == 1
    den_bosch_sessions = client.get(
        f"/dialogues/{den_bosch.dialogue_id}/sessions", headers=admin
    ).json()
    assert [s["status"] for s in den_bosch_sessions] == ["open"]


def test_a_tilburg_session_cannot_use_a_den_bosch_venue_or_facilitator(
    client: TestClient, db: Session, tilburg: Place, den_bosch: Place, tilburg_facilitator
):
    response = client.post(
        f"/dialogues/{tilburg.dialogue_id}/sessions",
        json=_session_body(den_bosch.venue_id),
        headers=tilburg_facilitator,
    )
    assert_problem(response, 400, mentions="venueId")
    make_staff(db, role=Role.FACILITATOR, municipalities=["GM0796"], email="fac@db.example")
    db.commit()
    den_bosch_facilitator = client.get("/users/me", headers=login(client, "fac@db.example")).json()[
        "id"
    ]
    response = client.post(
        f"/dialogues/{tilburg.dialogue_id}/sessions",
        json={**_session_body(tilburg.venue_id), "facilitatorIds": [den_bosch_facilitator]},
        headers=tilburg_facilitator,
    )
    assert_problem(response, 400, mentions="facilitatorIds")


def test_a_tilburg_analyst_gets_404_on_den_bosch_dialogues_and_results(
    client: TestClient, tilburg: Place, den_bosch: Place, tilburg_analyst
):
    foreign = [
        "/municipalities/GM0796/venues",
        f"/dialogues/{den_bosch.dialogue_id}",
        "/dialogues?municipality=GM0796",
        f"/dialogues/{den_bosch.dialogue_id}/results",
        f"/dialogues/{den_bosch.dialogue_id}/pledges/summary",
        "/municipalities/GM0796/trends",
    ]
    for path in foreign:
        assert_problem(client.get(path, headers=tilburg_analyst), 404)
    own = [
        "/municipalities/GM0855",
        f"/dialogues/{tilburg.dialogue_id}",
        f"/dialogues/{tilburg.dialogue_id}/results",
        f"/dialogues/{tilburg.dialogue_id}/pledges/summary",
    ]
    for path in own:
        assert client.get(path, headers=tilburg_analyst).status_code == 200, path


def test_lists_show_only_the_staff_members_own_municipality(
    client: TestClient, tilburg: Place, den_bosch: Place, tilburg_facilitator, tilburg_analyst
):
    for headers in (tilburg_facilitator, tilburg_analyst):
        municipalities = client.get("/municipalities", headers=headers).json()
        assert [m["cbsCode"] for m in municipalities] == ["GM0855"]
        dialogues = client.get("/dialogues", headers=headers).json()
        assert [d["id"] for d in dialogues] == [tilburg.dialogue_id]
    venues = client.get("/municipalities/GM0855/venues", headers=tilburg_facilitator).json()
    assert [v["id"] for v in venues] == [tilburg.venue_id]
    sessions = client.get(
        f"/dialogues/{tilburg.dialogue_id}/sessions", headers=tilburg_facilitator
    ).json()
    assert [s["id"] for s in sessions] == [tilburg.session_id]


def test_admins_see_and_work_in_every_municipality(
    client: TestClient, tilburg: Place, den_bosch: Place, admin
):
    assert [m["cbsCode"] for m in client.get("/municipalities", headers=admin).json()] == [
        "GM0796",
        "GM0855",
    ]
    dialogues = client.get("/dialogues", headers=admin).json()
    assert {d["municipality"] for d in dialogues} == {"GM0796", "GM0855"}
    for place, code in ((tilburg, "GM0855"), (den_bosch, "GM0796")):
        for method, path in _reads(place, code):
            if path.endswith("rotating-code"):
                continue  # a poster session has no rotating code (409), for admins too
            assert client.request(method, path, headers=admin).status_code == 200, path
    created = client.post(
        "/municipalities/GM0796/venues", json={"name": "Het Buurthuis", "kind": "community_centre"},
        headers=admin,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    renamed = client.patch(
        "/municipalities/GM0796", json={"name": "Den Bosch", "brandColour": "#123456"},
        headers=admin,
    )  # fmt: skip
    assert renamed.status_code == 200, renamed.text
    assert renamed.json() == {**renamed.json(), "name": "Den Bosch", "brandColour": "#123456"}
    bad_colour = client.patch("/municipalities/GM0796", json={"brandColour": "blue"}, headers=admin)
    assert assert_problem(bad_colour, 400)["invalidParams"][0]["name"] == "brandColour"
    assert_problem(client.patch("/municipalities/GM0001", json={"name": "X"}, headers=admin), 404)


def test_staff_of_two_municipalities_see_both_and_nothing_else(
    client: TestClient, db: Session, tilburg: Place, den_bosch: Place
):
    from api.municipalities import service as municipalities

    municipalities.create_municipality(
        db, cbs_code="GM0363", name="Amsterdam", min_group_size=10, brand_colour="#ec0000"
    )
    headers = staff_headers(client, db, role=Role.FACILITATOR, municipalities=["GM0855", "GM0796"])
    codes = [m["cbsCode"] for m in client.get("/municipalities", headers=headers).json()]
    assert codes == ["GM0796", "GM0855"]
    assert client.get(f"/sessions/{den_bosch.session_id}", headers=headers).status_code == 200
    assert_problem(client.get("/municipalities/GM0363/venues", headers=headers), 404)


def test_taking_a_municipality_away_from_a_staff_member_works_at_once(
    client: TestClient, db: Session, tilburg: Place, den_bosch: Place, admin
):
    email = make_staff(db, role=Role.FACILITATOR, municipalities=["GM0855", "GM0796"])
    db.commit()
    user_id = client.get("/users/me", headers=login(client, email)).json()["id"]
    changed = client.patch(f"/users/{user_id}", json={"municipalities": ["GM0855"]}, headers=admin)
    assert changed.status_code == 200, changed.text
    headers = login(client, email, PASSWORD)
    assert_problem(client.get(f"/sessions/{den_bosch.session_id}", headers=headers), 404)
    assert client.get(f"/sessions/{tilburg.session_id}", headers=headers).status_code == 200


def test_analysts_may_not_create_or_change_dialogues_venues_or_sessions(
    client: TestClient, tilburg: Place, tilburg_analyst
):
    forbidden = [
        ("POST", "/dialogues", _dialogue_body("GM0855")),
        ("PATCH", f"/dialogues/{tilburg.dialogue_id}", {"title": "Anders"}),
        ("POST", "/municipalities/GM0855/venues", {"name": "Nieuw", "kind": "library"}),
        ("POST", f"/dialogues/{tilburg.dialogue_id}/sessions", _session_body(tilburg.venue_id)),
        ("PATCH", f"/sessions/{tilburg.session_id}", {"status": "closed"}),
        ("POST", f"/sessions/{tilburg.session_id}/assisted-ballots", {"ranking": [1]}),
        ("GET", f"/sessions/{tilburg.session_id}", None),
        ("GET", f"/sessions/{tilburg.session_id}/qr", None),
    ]
    for method, path, body in forbidden:
        response = client.request(method, path, json=body, headers=tilburg_analyst)
        assert_problem(response, 403, mentions="facilitator")


def test_facilitators_may_not_manage_municipalities_staff_neighbourhoods_or_themes(
    client: TestClient, tilburg: Place, den_bosch: Place, tilburg_facilitator
):
    theme = {
        "key": "cultuur",
        "nameNl": "Cultuur",
        "nameEn": "Culture",
        "descriptionNl": "Kunst.",
        "descriptionEn": "Art.",
    }
    user = {"email": "new@example.org", "password": PASSWORD, "role": "admin"}
    for code in ("GM0855", "GM0796", "GM0001"):  # same answer whether it exists or is ours
        forbidden = [
            ("POST", "/municipalities", {"cbsCode": "GM0001", "name": "Nieuw"}),
            ("PATCH", f"/municipalities/{code}", {"name": "Anders"}),
            ("POST", f"/municipalities/{code}/neighbourhoods", {"code": "WK085599", "name": "X"}),
            ("POST", f"/municipalities/{code}/themes", theme),
            ("POST", "/users", user),
            ("GET", "/users", None),
        ]
        for method, path, body in forbidden:
            response = client.request(method, path, json=body, headers=tilburg_facilitator)
            assert_problem(response, 403, mentions="admin")
        imported = client.post(
            f"/municipalities/{code}/neighbourhoods/import",
            content=b"statcode;statnaam\nWK085599;X\n",
            headers={**tilburg_facilitator, "Content-Type": "text/csv"},
        )
        assert_problem(imported, 403, mentions="admin")
    assert client.get("/users/me", headers=tilburg_facilitator).json()["role"] == "facilitator"
