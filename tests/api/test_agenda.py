"""The agenda of a dialogue: coordinators put items on it that answer priorities, link pledges
to them; staff read it always, anyone once the report back is published."""

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session

from api.core.access import Role
from api.results.refresher import refresh_all
from tests.api.test_pledge_follow_up import pledge
from tests.helpers import assert_problem, staff_headers
from tests.support.places import Place


@pytest.fixture
def coordinator(client: TestClient, db: Session, tilburg: Place) -> dict[str, str]:
    return staff_headers(client, db, role=Role.COORDINATOR, municipalities=["GM0855"])


def item_body(place: Place, **changes) -> dict:
    body = {
        "title": "Schaduw op schoolpleinen",
        "goal": "Elk schoolplein krijgt bomen.",
        "priorityIds": place.priority_ids[:2],
        "owner": "Team Openbare Ruimte",
        "partners": ["Stichting Groen", "Basisschool De Linde"],
        "horizon": "short",
        "startsOn": "2027-03-01",
        "endsOn": "2027-10-31",
        "budgetLine": "6.3 Openbaar groen",
        "translations": {"en": {"title": "Shade in schoolyards", "goal": "Trees in every yard."}},
    }
    return {**body, **changes}


def add_item(client: TestClient, headers: dict, place: Place, **changes) -> dict:
    response = client.post(
        f"/dialogues/{place.dialogue_id}/agenda", json=item_body(place, **changes), headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def publish(db: Session, client: TestClient, headers: dict, place: Place) -> None:
    """End the dialogue, answer every priority and publish the report back."""
    db.execute(
        text("UPDATE dialogues SET starts_on = :start, ends_on = :end WHERE id = :id"),
        {"start": date.today() - timedelta(days=30), "end": date.today() - timedelta(days=2),
         "id": place.dialogue_id},
    )  # fmt: skip
    db.commit()
    responses = [
        {"priorityId": pid, "decision": "adopted", "reason": "Dat doen we."}
        for pid in place.priority_ids
    ]
    response = client.put(
        f"/dialogues/{place.dialogue_id}/report-back",
        json={"published": True, "responses": responses},
        headers=headers,
    )
    assert response.status_code == 200, response.text


def test_a_coordinator_puts_an_item_on_the_agenda_and_reads_it_back(
    client: TestClient, tilburg: Place, coordinator
):
    created = add_item(client, coordinator, tilburg)
    assert created["dialogueId"] == tilburg.dialogue_id
    assert created["priorityIds"] == tilburg.priority_ids[:2]
    assert created["status"] == "planned"
    assert created["title"] == "Schaduw op schoolpleinen"
    assert created["translations"]["en"]["title"] == "Shade in schoolyards"
    assert created["budgetLine"] == "6.3 Openbaar groen"
    assert created["contributions"] == {
        "organisations": [],
        "residentPledges": None,
        "residentPledgesAtLeast": None,
    }
    listed = client.get(f"/dialogues/{tilburg.dialogue_id}/agenda", headers=coordinator)
    assert listed.status_code == 200
    assert listed.json() == {"items": [created]}


def test_an_agenda_item_is_changed_field_by_field_and_deleted(
    client: TestClient, tilburg: Place, coordinator
):
    item = add_item(client, coordinator, tilburg)
    changed = client.patch(
        f"/agenda-items/{item['id']}",
        json={"status": "underway", "priorityIds": [tilburg.priority_ids[2]], "budgetLine": None},
        headers=coordinator,
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["status"], body["priorityIds"], body["budgetLine"]) == (
        "underway",
        [tilburg.priority_ids[2]],
        None,
    )
    assert body["title"] == item["title"] and body["partners"] == item["partners"]
    assert client.delete(f"/agenda-items/{item['id']}", headers=coordinator).status_code == 204
    assert client.get(f"/dialogues/{tilburg.dialogue_id}/agenda", headers=coordinator).json() == {
        "items": []
    }
    assert_problem(client.patch(f"/agenda-items/{item['id']}", json={"status": "done"},
                                headers=coordinator), 404)  # fmt: skip


def test_an_indicator_of_the_photo_is_kept_under_its_curated_label(
    client: TestClient, tilburg: Place, coordinator
):
    item = add_item(client, coordinator, tilburg, indicator="tevredenheid met het leven")
    assert item["indicator"] == "Tevredenheid met het leven"
    response = client.post(
        f"/dialogues/{tilburg.dialogue_id}/agenda",
        json=item_body(tilburg, indicator="Aantal windmolens per inwoner"),
        headers=coordinator,
    )
    body = assert_problem(response, 400, mentions="indicator")
    assert body["invalidParams"][0]["name"] == "indicator"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"priorityIds": []}, "priorityIds"),
        ({"priorityIds": [999999]}, "priorityIds.0"),
        ({"title": ""}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"goal": "x" * 1001}, "goal"),
        ({"owner": "x" * 121}, "owner"),
        ({"partners": ["x" * 121]}, "partners.0"),
        ({"partners": [f"Partner {n}" for n in range(21)]}, "partners"),
        ({"horizon": "medium"}, "horizon"),
        ({"status": "forgotten"}, "status"),
        ({"startsOn": "2027-05-01", "endsOn": "2027-04-30"}, "endsOn"),
        ({"budgetLine": "x" * 121}, "budgetLine"),
        ({"translations": {"nl": {"title": "Dubbel"}}}, "translations"),
        ({"translations": {"fr": {"title": "Ombre"}}}, "translations"),
        ({"title": "Nul\u0000teken"}, "title"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_a_bad_agenda_item_is_refused_naming_the_field(
    client: TestClient, tilburg: Place, coordinator, changes: dict, field: str
):
    response = client.post(
        f"/dialogues/{tilburg.dialogue_id}/agenda",
        json=item_body(tilburg, **changes),
        headers=coordinator,
    )
    body = assert_problem(response, 400)
    assert any(p["name"].startswith(field) for p in body["invalidParams"]), body
    assert client.get(f"/dialogues/{tilburg.dialogue_id}/agenda", headers=coordinator).json() == {
        "items": []
    }


def test_a_priority_of_another_dialogue_or_listed_twice_is_refused(
    client: TestClient, tilburg: Place, den_bosch: Place, admin
):
    for ids in (
        [tilburg.priority_ids[0], den_bosch.priority_ids[0]],
        [tilburg.priority_ids[0]] * 2,
    ):
        response = client.post(
            f"/dialogues/{tilburg.dialogue_id}/agenda",
            json=item_body(tilburg, priorityIds=ids),
            headers=admin,
        )
        assert_problem(response, 400, mentions="priority")


def test_an_update_cannot_end_before_the_start_or_null_a_required_field(
    client: TestClient, tilburg: Place, coordinator
):
    item = add_item(client, coordinator, tilburg)
    for change in ({"endsOn": "2027-01-01"}, {"title": None}, {"priorityIds": None}):
        response = client.patch(f"/agenda-items/{item['id']}", json=change, headers=coordinator)
        assert_problem(response, 400)
    after = client.get(f"/dialogues/{tilburg.dialogue_id}/agenda", headers=coordinator).json()
    assert after == {"items": [item]}


def test_only_staff_of_the_municipality_read_a_draft_agenda(
    client: TestClient, db: Session, tilburg: Place, den_bosch: Place, coordinator,
    tilburg_analyst, tilburg_facilitator,
):  # fmt: skip
    add_item(client, coordinator, tilburg)
    url = f"/dialogues/{tilburg.dialogue_id}/agenda"
    assert client.get(url, headers=tilburg_analyst).status_code == 200
    assert_problem(client.get(url), 404)
    assert_problem(client.get(url, headers={"Authorization": "Bearer nonsense"}), 401)
    assert_problem(client.get(url, headers=tilburg_facilitator), 403)
    other = staff_headers(client, db, role=Role.COORDINATOR, municipalities=["GM0796"])
    assert_problem(client.get(url, headers=other), 404)
    assert_problem(client.post(url, json=item_body(tilburg), headers=other), 404)
    assert_problem(client.post(url, json=item_body(tilburg), headers=tilburg_analyst), 403)
    assert_problem(client.post(url, json=item_body(tilburg)), 401)


def test_anyone_reads_the_published_agenda_in_their_language_without_staff_fields(
    client: TestClient, db: Session, tilburg: Place, coordinator
):
    item = add_item(client, coordinator, tilburg)
    add_item(client, coordinator, tilburg, title="Veilige fietsroutes", translations=None,
             horizon="long")  # fmt: skip
    publish(db, client, coordinator, tilburg)
    url = f"/dialogues/{tilburg.dialogue_id}/agenda"
    english = client.get(url, headers={"Accept-Language": "en"})
    assert english.status_code == 200, english.text
    first, second = english.json()["items"]
    assert (first["title"], first["goal"], first["language"]) == (
        "Shade in schoolyards",
        "Trees in every yard.",
        "en",
    )
    assert (second["title"], second["language"]) == ("Veilige fietsroutes", "nl")
    assert not {"budgetLine", "translations", "createdAt", "updatedAt"} & set(first)
    assert first["owner"] == item["owner"] and first["partners"] == item["partners"]
    dutch = client.get(url + "?lang=nl", headers={"Accept-Language": "en"}).json()["items"][0]
    assert dutch["title"] == "Schaduw op schoolpleinen"


def test_linked_resident_pledges_show_only_from_the_minimum_group_size(
    client: TestClient, db: Session, clean_engine: Engine, settings, tilburg: Place, coordinator
):
    item = add_item(client, coordinator, tilburg)
    secret = settings.signing_key()
    for n in range(10):
        pledge(clean_engine, tilburg, secret, {"kind": "time", "text": f"Ik plant een boom {n}"})
    refresh_all(clean_engine)
    listed = client.get(f"/dialogues/{tilburg.dialogue_id}/pledges", headers=coordinator).json()
    assert len(listed) == 10

    def counted() -> dict:
        agenda = client.get(f"/dialogues/{tilburg.dialogue_id}/agenda", headers=coordinator)
        return agenda.json()["items"][0]["contributions"]

    for entry in listed[:9]:
        linked = client.patch(
            f"/pledges/{entry['id']}", json={"agendaItemId": item["id"]}, headers=coordinator
        )
        assert linked.status_code == 200, linked.text
        assert linked.json()["agendaItemId"] == item["id"]
    assert counted()["residentPledges"] is None
    client.patch(f"/pledges/{listed[9]['id']}", json={"agendaItemId": item["id"]},
                 headers=coordinator)  # fmt: skip
    assert counted() == {"organisations": [], "residentPledges": 10, "residentPledgesAtLeast": 10}
    unlinked = client.patch(
        f"/pledges/{listed[9]['id']}", json={"agendaItemId": None}, headers=coordinator
    )
    assert unlinked.json()["agendaItemId"] is None
    assert counted()["residentPledges"] is None


def test_an_organisations_linked_pledge_shows_by_its_name_and_not_among_residents(
    client: TestClient, clean_engine: Engine, settings, tilburg: Place, coordinator
):
    item = add_item(client, coordinator, tilburg)
    secret = settings.signing_key()
    body = {
        "kind": "time",
        "text": "Wij zorgen voor de bomen op het plein",
        "participantType": "organisation",
        "organisationName": "Groen Tilburg",
        "organisationKind": "vereniging",
    }
    pledge(clean_engine, tilburg, secret, body)
    for n in range(10):
        pledge(clean_engine, tilburg, secret, {"kind": "time", "text": f"Ik plant een boom {n}"})
    refresh_all(clean_engine)
    for entry in client.get(
        f"/dialogues/{tilburg.dialogue_id}/pledges", headers=coordinator
    ).json():
        linked = client.patch(
            f"/pledges/{entry['id']}", json={"agendaItemId": item["id"]}, headers=coordinator
        )
        assert linked.status_code == 200, linked.text
    agenda = client.get(f"/dialogues/{tilburg.dialogue_id}/agenda", headers=coordinator).json()
    assert agenda["items"][0]["contributions"] == {
        "organisations": [
            {
                "name": "Groen Tilburg",
                "kind": "vereniging",
                "description": "Wij zorgen voor de bomen op het plein",
            }
        ],
        "residentPledges": 10,
        "residentPledgesAtLeast": 10,
    }


def test_a_pledge_links_only_to_an_agenda_item_of_its_own_dialogue(
    client: TestClient, db: Session, clean_engine: Engine, settings, tilburg: Place,
    den_bosch: Place, admin,
):  # fmt: skip
    foreign = add_item(client, admin, den_bosch)
    secret = settings.signing_key()
    pledge(clean_engine, tilburg, secret, {"kind": "time", "text": "Ik help"})
    pledge(clean_engine, tilburg, secret,
           {"kind": "time", "text": "Bel mij", "contact": "a@example.org", "contactConsent": True})  # fmt: skip
    refresh_all(clean_engine)
    listed = client.get(f"/dialogues/{tilburg.dialogue_id}/pledges", headers=admin).json()
    plain = next(p for p in listed if not p["contact"])
    offer = next(p for p in listed if p["contact"])
    response = client.patch(
        f"/pledges/{plain['id']}", json={"agendaItemId": foreign["id"]}, headers=admin
    )
    body = assert_problem(response, 400)
    assert body["invalidParams"][0]["name"] == "agendaItemId"
    own = add_item(client, admin, tilburg)
    assert_problem(
        client.patch(f"/pledges/{offer['id']}", json={"agendaItemId": own["id"]}, headers=admin),
        409,
    )
    assert_problem(client.patch(f"/pledges/{plain['id']}", json={}, headers=admin), 400)
    assert_problem(
        client.patch(f"/pledges/{plain['id']}", json={"status": None}, headers=admin), 400
    )


def test_deleting_an_agenda_item_keeps_its_pledges_unlinked(
    client: TestClient, clean_engine: Engine, settings, tilburg: Place, coordinator
):
    item = add_item(client, coordinator, tilburg)
    pledge(clean_engine, tilburg, settings.signing_key(), {"kind": "skill", "text": "Ik snoei"})
    refresh_all(clean_engine)
    (entry,) = client.get(f"/dialogues/{tilburg.dialogue_id}/pledges", headers=coordinator).json()
    client.patch(f"/pledges/{entry['id']}", json={"agendaItemId": item["id"]}, headers=coordinator)
    assert client.delete(f"/agenda-items/{item['id']}", headers=coordinator).status_code == 204
    (after,) = client.get(f"/dialogues/{tilburg.dialogue_id}/pledges", headers=coordinator).json()
    assert after["agendaItemId"] is None and after["text"] == "Ik snoei"


@pytest.mark.both_databases
def test_the_agenda_lists_short_term_first_then_by_start_with_undated_items_last(
    client: TestClient, tilburg: Place, coordinator
):
    add_item(client, coordinator, tilburg, title="Lang", horizon="long", startsOn="2027-01-01",
             endsOn=None)  # fmt: skip
    add_item(client, coordinator, tilburg, title="Zonder datum", startsOn=None, endsOn=None)
    add_item(client, coordinator, tilburg, title="Later", startsOn="2027-06-01", endsOn=None)
    add_item(client, coordinator, tilburg, title="Eerst", startsOn="2027-02-01", endsOn=None)
    agenda = client.get(f"/dialogues/{tilburg.dialogue_id}/agenda", headers=coordinator).json()
    assert [i["title"] for i in agenda["items"]] == ["Eerst", "Later", "Zonder datum", "Lang"]
