"""Dialogues and their priorities: creating, reading, listing and changing them."""

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlmodel import Session

from api.pledges.models import Pledge
from tests.helpers import assert_problem
from tests.support.places import Place


def dialogue_body(**changes) -> dict:
    body = {
        "municipality": "GM0855",
        "title": "Brede welvaart Tilburg 2028",
        "description": "Wat vindt u belangrijk?",
        "startsOn": "2028-01-10",
        "endsOn": "2028-04-10",
        "priorities": [
            {"title": "Meer groen en schaduw", "description": "Bomen.", "themeKey": "milieu"},
            {"title": "Betaalbare woningen", "themeKey": "wonen"},
            {"title": "Veilige fietsroutes", "themeKey": "veiligheid"},
        ],
    }
    return {**body, **changes}


def priorities_of(client: TestClient, headers, dialogue_id: int) -> list[dict]:
    response = client.get(f"/dialogues/{dialogue_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["priorities"]


def as_update(priorities: list[dict]) -> list[dict]:
    return [{k: p[k] for k in ("id", "title", "description", "themeKey")} for p in priorities]


@pytest.fixture
def ballot_in(client: TestClient, tilburg: Place) -> dict:
    """A resident of Tilburg checked in and ranked three priorities."""
    check_in = client.post("/check-ins", json={"joinCode": tilburg.join_code})
    assert check_in.status_code == 201, check_in.text
    headers = {"Authorization": f"Bearer {check_in.json()['participantToken']}"}
    ranking = tilburg.priority_ids[:3]
    response = client.put(
        f"/sessions/{tilburg.session_id}/ballot", json={"ranking": ranking}, headers=headers
    )
    assert response.status_code == 200, response.text
    return headers


# --- creating -------------------------------------------------------------------------------


def test_a_facilitator_creates_a_dialogue_with_its_priorities_in_order(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    response = client.post("/dialogues", json=dialogue_body(), headers=tilburg_facilitator)
    assert response.status_code == 201, response.text
    dialogue = response.json()
    assert dialogue == {
        **dialogue,
        "municipality": "GM0855",
        "title": "Brede welvaart Tilburg 2028",
        "startsOn": "2028-01-10",
        "endsOn": "2028-04-10",
    }
    assert [(p["title"], p["themeKey"], p["position"]) for p in dialogue["priorities"]] == [
        ("Meer groen en schaduw", "milieu", 1),
        ("Betaalbare woningen", "wonen", 2),
        ("Veilige fietsroutes", "veiligheid", 3),
    ]
    assert dialogue["priorities"][0]["description"] == "Bomen."
    assert (
        client.get(f"/dialogues/{dialogue['id']}", headers=tilburg_facilitator).json() == dialogue
    )


def test_an_unknown_theme_is_a_400_that_lists_the_known_themes(
    client: TestClient, tilburg: Place, admin
):
    body = dialogue_body()
    body["priorities"][1]["themeKey"] = "geluk"
    problem = assert_problem(client.post("/dialogues", json=body, headers=admin), 400)
    assert "geluk" in problem["detail"]
    for known in ("milieu", "welzijn", "later", "onderwijs-en-ontwikkeling"):
        assert known in problem["detail"]
    assert problem["invalidParams"] == [
        {"name": "priorities.1.themeKey", "reason": "unknown theme 'geluk'"}
    ]


def test_a_theme_key_that_is_not_a_key_is_a_400(client: TestClient, tilburg: Place, admin):
    body = dialogue_body()
    body["priorities"][0]["themeKey"] = "Milieu & klimaat"
    problem = assert_problem(client.post("/dialogues", json=body, headers=admin), 400)
    assert problem["invalidParams"][0]["name"] == "priorities.0.themeKey"


@pytest.mark.both_databases
def test_a_duplicate_dialogue_title_in_a_municipality_is_a_409(
    client: TestClient, tilburg: Place, den_bosch: Place, admin
):
    assert client.post("/dialogues", json=dialogue_body(), headers=admin).status_code == 201
    again = client.post("/dialogues", json=dialogue_body(), headers=admin)
    assert_problem(again, 409, mentions="already has a dialogue")
    elsewhere = client.post("/dialogues", json=dialogue_body(municipality="GM0796"), headers=admin)
    assert elsewhere.status_code == 201, "the same title is fine in another municipality"


def test_two_priorities_with_the_same_title_are_a_400(client: TestClient, tilburg: Place, admin):
    body = dialogue_body()
    body["priorities"][2]["title"] = "meer GROEN en schaduw"
    problem = assert_problem(client.post("/dialogues", json=body, headers=admin), 400)
    assert problem["invalidParams"][0]["name"] == "priorities"
    assert "same title" in problem["invalidParams"][0]["reason"]


def test_an_end_before_the_start_is_a_400_naming_ends_on(client: TestClient, tilburg: Place, admin):
    body = dialogue_body(startsOn="2028-04-10", endsOn="2028-01-10")
    problem = assert_problem(client.post("/dialogues", json=body, headers=admin), 400)
    assert problem["invalidParams"][0]["name"] == "endsOn"
    same_day = dialogue_body(startsOn="2028-04-10", endsOn="2028-04-10")
    assert client.post("/dialogues", json=same_day, headers=admin).status_code == 201


def test_a_dialogue_needs_two_to_thirty_priorities(client: TestClient, tilburg: Place, admin):
    one = dialogue_body(priorities=[{"title": "Alleen dit", "themeKey": "milieu"}])
    problem = assert_problem(client.post("/dialogues", json=one, headers=admin), 400)
    assert problem["invalidParams"][0]["name"] == "priorities"
    many = dialogue_body(
        priorities=[{"title": f"Punt {i}", "themeKey": "milieu"} for i in range(31)]
    )
    assert_problem(client.post("/dialogues", json=many, headers=admin), 400, mentions="priorities")
    thirty = dialogue_body(
        priorities=[{"title": f"Punt {i}", "themeKey": "milieu"} for i in range(30)]
    )
    assert client.post("/dialogues", json=thirty, headers=admin).status_code == 201


def test_missing_and_malformed_fields_are_each_named(client: TestClient, tilburg: Place, admin):
    body = dialogue_body(municipality="0855", startsOn="10-01-2028")
    del body["title"]
    problem = assert_problem(client.post("/dialogues", json=body, headers=admin), 400)
    assert {p["name"] for p in problem["invalidParams"]} == {"municipality", "title", "startsOn"}


def test_a_dialogue_in_an_unknown_municipality_is_a_404(client: TestClient, admin):
    response = client.post("/dialogues", json=dialogue_body(municipality="GM0001"), headers=admin)
    assert_problem(response, 404, mentions="GM0001")


def test_a_municipalitys_own_theme_can_be_used_in_its_dialogues_only(
    client: TestClient, tilburg: Place, den_bosch: Place, admin
):
    theme = {
        "key": "cultuur",
        "nameNl": "Cultuur",
        "nameEn": "Culture",
        "descriptionNl": "Musea, muziek en festivals.",
        "descriptionEn": "Museums, music and festivals.",
        "sdgs": [11],
    }
    assert (
        client.post("/municipalities/GM0855/themes", json=theme, headers=admin).status_code == 201
    )
    body = dialogue_body()
    body["priorities"][0]["themeKey"] = "cultuur"
    created = client.post("/dialogues", json=body, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["priorities"][0]["themeKey"] == "cultuur"
    body["municipality"] = "GM0796"
    problem = assert_problem(client.post("/dialogues", json=body, headers=admin), 400)
    assert "cultuur" in problem["invalidParams"][0]["reason"]


# --- reading --------------------------------------------------------------------------------


def test_dialogues_are_listed_newest_first_and_filtered_by_municipality(
    client: TestClient, tilburg: Place, den_bosch: Place, admin
):
    later = client.post("/dialogues", json=dialogue_body(), headers=admin).json()
    listed = client.get("/dialogues", headers=admin).json()
    assert listed[0]["id"] == later["id"]
    assert [d["startsOn"] for d in listed] == sorted((d["startsOn"] for d in listed), reverse=True)
    only = client.get("/dialogues?municipality=GM0855", headers=admin).json()
    assert [d["id"] for d in only] == [later["id"], tilburg.dialogue_id]
    problem = assert_problem(client.get("/dialogues?municipality=0855", headers=admin), 400)
    assert problem["invalidParams"][0]["name"] == "municipality"


def test_a_dialogue_that_does_not_exist_is_a_404_and_a_bad_id_a_400(
    client: TestClient, tilburg: Place, tilburg_analyst
):
    assert_problem(client.get("/dialogues/999999", headers=tilburg_analyst), 404)
    for bad in ("0", "-1", "abc"):
        problem = assert_problem(client.get(f"/dialogues/{bad}", headers=tilburg_analyst), 400)
        assert problem["invalidParams"][0]["name"] == "id"
    read = client.get(f"/dialogues/{tilburg.dialogue_id}", headers=tilburg_analyst)
    assert [p["id"] for p in read.json()["priorities"]] == tilburg.priority_ids


def test_dialogues_need_a_signed_in_staff_member(client: TestClient, tilburg: Place):
    assert_problem(client.get("/dialogues"), 401)
    assert_problem(client.get(f"/dialogues/{tilburg.dialogue_id}"), 401)
    assert_problem(client.post("/dialogues", json=dialogue_body()), 401)


# --- changing -------------------------------------------------------------------------------


def test_title_description_and_dates_can_be_changed(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    before = client.get(f"/dialogues/{tilburg.dialogue_id}", headers=tilburg_facilitator).json()
    new_end = (date.today() + timedelta(days=90)).isoformat()
    response = client.patch(
        f"/dialogues/{tilburg.dialogue_id}",
        json={"title": "Tilburg praat mee", "description": "Nieuw.", "endsOn": new_end},
        headers=tilburg_facilitator,
    )
    assert response.status_code == 200, response.text
    after = response.json()
    assert after == {
        **before,
        "title": "Tilburg praat mee",
        "description": "Nieuw.",
        "endsOn": new_end,
        "updatedAt": after["updatedAt"],
    }
    assert after["updatedAt"] > before["updatedAt"]


def test_a_change_that_puts_the_end_before_the_start_is_a_400(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    response = client.patch(
        f"/dialogues/{tilburg.dialogue_id}", json={"endsOn": yesterday}, headers=tilburg_facilitator
    )
    problem = assert_problem(response, 400)
    assert problem["invalidParams"][0]["name"] == "endsOn"
    both = client.patch(
        f"/dialogues/{tilburg.dialogue_id}",
        json={"startsOn": "2028-05-01", "endsOn": "2028-04-01"},
        headers=tilburg_facilitator,
    )
    assert assert_problem(both, 400)["invalidParams"][0]["name"] == "endsOn"


def test_null_for_a_required_field_is_a_400_not_a_crash(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    for field in ("startsOn", "endsOn", "title"):
        response = client.patch(
            f"/dialogues/{tilburg.dialogue_id}", json={field: None}, headers=tilburg_facilitator
        )
        problem = assert_problem(response, 400)
        assert problem["invalidParams"][0]["name"] == field


def test_renaming_to_another_dialogues_title_is_a_409(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    other = client.post("/dialogues", json=dialogue_body(), headers=tilburg_facilitator).json()
    response = client.patch(
        f"/dialogues/{other['id']}",
        json={"title": "Brede welvaart Tilburg 2027"},
        headers=tilburg_facilitator,
    )
    assert_problem(response, 409, mentions="title")
    assert client.get(f"/dialogues/{other['id']}", headers=tilburg_facilitator).json() == other


def test_without_ballots_priorities_can_be_added_removed_and_reordered(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    current = as_update(priorities_of(client, tilburg_facilitator, tilburg.dialogue_id))
    wanted = [current[4], current[0], {"title": "Nieuw punt", "themeKey": "samenleving"}]
    response = client.patch(
        f"/dialogues/{tilburg.dialogue_id}",
        json={"priorities": wanted},
        headers=tilburg_facilitator,
    )
    assert response.status_code == 200, response.text
    after = response.json()["priorities"]
    assert [p["title"] for p in after] == ["Prioriteit 5", "Prioriteit 1", "Nieuw punt"]
    assert [p["position"] for p in after] == [1, 2, 3]
    assert after[0]["id"] == current[4]["id"] and after[1]["id"] == current[0]["id"]
    assert after[2]["id"] not in tilburg.priority_ids
    assert priorities_of(client, tilburg_facilitator, tilburg.dialogue_id) == after


def test_after_ballots_priorities_can_be_reworded_and_reordered(
    client: TestClient, tilburg: Place, tilburg_facilitator, ballot_in
):
    current = as_update(priorities_of(client, tilburg_facilitator, tilburg.dialogue_id))
    current[0]["title"], current[1]["title"] = current[1]["title"], current[0]["title"]
    current[2]["title"] = "Veilig fietsen naar school"
    current[2]["themeKey"] = "onderwijs-en-ontwikkeling"
    reordered = list(reversed(current))
    response = client.patch(
        f"/dialogues/{tilburg.dialogue_id}",
        json={"priorities": reordered},
        headers=tilburg_facilitator,
    )
    assert response.status_code == 200, response.text
    after = response.json()["priorities"]
    assert [p["id"] for p in after] == [p["id"] for p in reordered]
    assert after[2] == {**after[2], "title": "Veilig fietsen naar school", "position": 3}
    assert after[2]["themeKey"] == "onderwijs-en-ontwikkeling"
    assert {p["id"]: p["title"] for p in after}[tilburg.priority_ids[0]] == "Prioriteit 2"
    ballot = client.get(f"/sessions/{tilburg.session_id}/ballot", headers=ballot_in).json()
    assert ballot["ranking"] == tilburg.priority_ids[:3], "the ballot still ranks the same ids"


def test_after_ballots_adding_or_removing_a_priority_is_a_409(
    client: TestClient, tilburg: Place, tilburg_facilitator, ballot_in
):
    before = priorities_of(client, tilburg_facilitator, tilburg.dialogue_id)
    current = as_update(before)
    attempts = {
        "added": [*current, {"title": "Nog een punt", "themeKey": "welzijn"}],
        "removed": current[:-1],
        "swapped for a new one": [*current[:-1], {"title": "Vervanger", "themeKey": "welzijn"}],
        "listed twice": [*current[:-1], current[0]],
    }
    for what, priorities in attempts.items():
        response = client.patch(
            f"/dialogues/{tilburg.dialogue_id}",
            json={"priorities": priorities},
            headers=tilburg_facilitator,
        )
        assert response.status_code in (400, 409), (what, response.text)
        assert_problem(response, response.status_code)
    assert priorities_of(client, tilburg_facilitator, tilburg.dialogue_id) == before
    added = client.patch(
        f"/dialogues/{tilburg.dialogue_id}",
        json={"priorities": attempts["added"]},
        headers=tilburg_facilitator,
    )
    assert_problem(added, 409, mentions="already ranked")


def test_a_priority_listed_twice_is_a_400(client: TestClient, tilburg: Place, tilburg_facilitator):
    current = as_update(priorities_of(client, tilburg_facilitator, tilburg.dialogue_id))
    twice = [current[0], {**current[0], "title": "Zelfde id, andere titel"}, current[1]]
    response = client.patch(
        f"/dialogues/{tilburg.dialogue_id}", json={"priorities": twice}, headers=tilburg_facilitator
    )
    assert_problem(response, 400, mentions=str(current[0]["id"]))
    assert len(priorities_of(client, tilburg_facilitator, tilburg.dialogue_id)) == 5


def test_a_priority_of_another_dialogue_cannot_be_moved_in(
    client: TestClient, tilburg: Place, den_bosch: Place, admin
):
    current = as_update(priorities_of(client, admin, tilburg.dialogue_id))
    foreign = as_update(priorities_of(client, admin, den_bosch.dialogue_id))[0]
    foreign["title"] = "Gekaapt"
    response = client.patch(
        f"/dialogues/{tilburg.dialogue_id}",
        json={"priorities": [*current, foreign]},
        headers=admin,
    )
    problem = assert_problem(response, 400, mentions=str(foreign["id"]))
    assert problem["invalidParams"][0]["name"] == "priorities"
    assert priorities_of(client, admin, den_bosch.dialogue_id)[0]["title"] == "Prioriteit 1"


def test_changed_priorities_are_checked_like_new_ones(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    current = as_update(priorities_of(client, tilburg_facilitator, tilburg.dialogue_id))
    unknown_theme = [*current[:-1], {**current[-1], "themeKey": "geluk"}]
    response = client.patch(
        f"/dialogues/{tilburg.dialogue_id}",
        json={"priorities": unknown_theme},
        headers=tilburg_facilitator,
    )
    assert_problem(response, 400, mentions="known themes")
    same_titles = [current[0], {**current[1], "title": current[0]["title"].upper()}]
    response = client.patch(
        f"/dialogues/{tilburg.dialogue_id}",
        json={"priorities": same_titles},
        headers=tilburg_facilitator,
    )
    assert_problem(response, 400, mentions="same title")
    too_few = client.patch(
        f"/dialogues/{tilburg.dialogue_id}",
        json={"priorities": current[:1]},
        headers=tilburg_facilitator,
    )
    assert_problem(too_few, 400, mentions="priorities")
    assert [
        p["title"] for p in priorities_of(client, tilburg_facilitator, tilburg.dialogue_id)
    ] == [f"Prioriteit {i}" for i in range(1, 6)]


def test_a_priority_with_a_pledge_cannot_be_removed_even_without_ballots(
    client: TestClient, db: Session, tilburg: Place, tilburg_facilitator
):
    check_in = client.post("/check-ins", json={"joinCode": tilburg.join_code}).json()
    pledge = client.post(
        f"/sessions/{tilburg.session_id}/pledges",
        json={"kind": "time", "priorityId": tilburg.priority_ids[-1], "hoursPerMonth": 4},
        headers={"Authorization": f"Bearer {check_in['participantToken']}"},
    )
    assert pledge.status_code == 201, pledge.text
    current = as_update(priorities_of(client, tilburg_facilitator, tilburg.dialogue_id))
    response = client.patch(
        f"/dialogues/{tilburg.dialogue_id}",
        json={"priorities": current[:-1]},
        headers=tilburg_facilitator,
    )
    assert_problem(response, 409, mentions="pledge")
    assert len(priorities_of(client, tilburg_facilitator, tilburg.dialogue_id)) == 5
    assert db.execute(select(func.count()).select_from(Pledge)).scalar_one() == 1
    db.commit()
