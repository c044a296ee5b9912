"""The report back: per priority the municipality's decision and why, with the agenda items
that follow; a draft for staff, public (also on the dialogue's page) once published."""

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session, select

from api.core.access import Role
from api.demo.agenda import load_demo_agenda
from api.demo.service import load_demo
from api.municipalities.models import Municipality
from tests.api.test_agenda import add_item
from tests.helpers import assert_problem, staff_headers
from tests.support.places import Place

DECISIONS = ["adopted", "partly", "notAdopted", "adopted", "partly"]


@pytest.fixture
def coordinator(client: TestClient, db: Session, tilburg: Place) -> dict[str, str]:
    return staff_headers(client, db, role=Role.COORDINATOR, municipalities=["GM0855"])


def end_dialogue(db: Session, place: Place) -> None:
    db.execute(
        text("UPDATE dialogues SET starts_on = :start, ends_on = :end WHERE id = :id"),
        {"start": date.today() - timedelta(days=30), "end": date.today() - timedelta(days=2),
         "id": place.dialogue_id},
    )  # fmt: skip
    db.commit()


def answers(place: Place) -> list[dict]:
    return [
        {
            "priorityId": pid,
            "decision": decision,
            "reason": f"Reden {n}",
            "translations": {"en": {"reason": f"Reason {n}"}},
        }
        for n, (pid, decision) in enumerate(zip(place.priority_ids, DECISIONS, strict=True))
    ]


def put(client: TestClient, headers: dict, place: Place, *, published: bool, responses: list):
    return client.put(
        f"/dialogues/{place.dialogue_id}/report-back",
        json={"published": published, "responses": responses},
        headers=headers,
    )


def test_a_draft_is_saved_and_read_by_staff_in_their_language(
    client: TestClient, tilburg: Place, coordinator, tilburg_analyst
):
    item = add_item(client, coordinator, tilburg)
    saved = put(client, coordinator, tilburg, published=False, responses=answers(tilburg)[:2])
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert (body["published"], body["publishedAt"]) == (False, None)
    first = body["responses"][0]
    assert first["priorityId"] == tilburg.priority_ids[0]
    assert first["priority"] == {"id": tilburg.priority_ids[0], "title": "Prioriteit 1",
                                 "description": ""}  # fmt: skip
    assert (first["decision"], first["reason"], first["language"]) == ("adopted", "Reason 0", "en")
    assert first["translations"] == {"en": {"reason": "Reason 0"}}
    assert first["agendaItems"] == [
        {"id": item["id"], "title": "Shade in schoolyards", "status": "planned", "horizon": "short"}
    ]
    url = f"/dialogues/{tilburg.dialogue_id}/report-back"
    dutch = client.get(url + "?lang=nl", headers=tilburg_analyst)
    assert dutch.status_code == 200
    assert dutch.json()["responses"][0]["reason"] == "Reden 0"
    assert dutch.json()["responses"][0]["agendaItems"][0]["title"] == "Schaduw op schoolpleinen"
    arabic = client.get(url, headers={**tilburg_analyst, "Accept-Language": "ar"}).json()
    assert arabic["responses"][0]["reason"] == "Reden 0"
    assert arabic["responses"][0]["language"] == "nl"


def test_a_save_replaces_every_earlier_response(client: TestClient, tilburg: Place, coordinator):
    put(client, coordinator, tilburg, published=False, responses=answers(tilburg))
    again = put(client, coordinator, tilburg, published=False, responses=answers(tilburg)[3:])
    assert [r["priorityId"] for r in again.json()["responses"]] == tilburg.priority_ids[3:]


def test_publishing_needs_every_priority_answered(
    client: TestClient, db: Session, tilburg: Place, coordinator
):
    end_dialogue(db, tilburg)
    put(client, coordinator, tilburg, published=False, responses=answers(tilburg)[:1])
    response = put(client, coordinator, tilburg, published=True, responses=answers(tilburg)[:4])
    body = assert_problem(response, 409, mentions="every priority")
    assert body["type"].endswith("/report-back-incomplete")
    kept = client.get(f"/dialogues/{tilburg.dialogue_id}/report-back", headers=coordinator).json()
    assert len(kept["responses"]) == 1 and kept["published"] is False


def test_publishing_waits_for_the_end_of_the_dialogue(
    client: TestClient, tilburg: Place, coordinator
):
    response = put(client, coordinator, tilburg, published=True, responses=answers(tilburg))
    body = assert_problem(response, 409)
    assert body["type"].endswith("/dialogue-not-ended")
    assert_problem(client.get(f"/dialogues/{tilburg.dialogue_id}/report-back"), 404)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"priorityId": 999999}, "responses.0.priorityId"),
        ({"decision": "maybe"}, "responses.0.decision"),
        ({"reason": ""}, "responses.0.reason"),
        ({"reason": "x" * 2001}, "responses.0.reason"),
        ({"translations": {"en": {"reason": "x" * 2001}}}, "responses.0.translations"),
        ({"translations": {"de": {"reason": "Grund"}}}, "responses.0.translations"),
        ({"priorityId": 0}, "responses.0.priorityId"),
    ],
)
def test_a_bad_response_is_refused_naming_it(
    client: TestClient, tilburg: Place, coordinator, change: dict, field: str
):
    responses = answers(tilburg)
    responses[0] = {**responses[0], **change}
    body = assert_problem(
        put(client, coordinator, tilburg, published=False, responses=responses), 400
    )
    assert any(p["name"].startswith(field) for p in body["invalidParams"]), body
    saved = client.get(f"/dialogues/{tilburg.dialogue_id}/report-back", headers=coordinator)
    assert saved.json()["responses"] == []


def test_a_priority_of_another_dialogue_or_answered_twice_is_refused(
    client: TestClient, tilburg: Place, den_bosch: Place, admin
):
    foreign = answers(tilburg)
    foreign[1] = {**foreign[1], "priorityId": den_bosch.priority_ids[1]}
    body = assert_problem(put(client, admin, tilburg, published=False, responses=foreign), 400)
    assert body["invalidParams"][0]["name"] == "responses.1.priorityId"
    twice = answers(tilburg) + [answers(tilburg)[2]]
    body = assert_problem(put(client, admin, tilburg, published=False, responses=twice), 400)
    assert body["invalidParams"][0]["name"] == "responses.5.priorityId"


def test_roles_and_municipalities_of_the_report_back(
    client: TestClient, db: Session, tilburg: Place, den_bosch: Place, coordinator,
    tilburg_analyst, tilburg_facilitator,
):  # fmt: skip
    url = f"/dialogues/{tilburg.dialogue_id}/report-back"
    body = {"published": False, "responses": answers(tilburg)}
    assert_problem(client.put(url, json=body), 401)
    assert_problem(client.put(url, json=body, headers=tilburg_analyst), 403)
    assert_problem(client.put(url, json=body, headers=tilburg_facilitator), 403)
    other = staff_headers(client, db, role=Role.COORDINATOR, municipalities=["GM0796"])
    assert_problem(client.put(url, json=body, headers=other), 404)
    assert client.put(url, json=body, headers=coordinator).status_code == 200
    assert client.get(url, headers=tilburg_analyst).status_code == 200
    assert_problem(client.get(url, headers=tilburg_facilitator), 403)
    assert_problem(client.get(url, headers=other), 404)
    assert_problem(client.get(url), 404)
    assert_problem(client.get(url, headers={"Authorization": "Bearer nonsense"}), 401)


def test_a_published_report_back_is_public_and_on_the_dialogue_page(
    client: TestClient, db: Session, tilburg: Place, coordinator
):
    add_item(client, coordinator, tilburg)
    page = client.get(f"/dialogues/{tilburg.dialogue_id}/public").json()
    assert (page["reportBack"], page["agenda"]) == (None, None)
    end_dialogue(db, tilburg)
    published = put(client, coordinator, tilburg, published=True, responses=answers(tilburg))
    assert published.status_code == 200, published.text
    assert published.json()["publishedAt"]
    public = client.get(f"/dialogues/{tilburg.dialogue_id}/report-back")
    assert public.status_code == 200
    assert [r["decision"] for r in public.json()["responses"]] == DECISIONS
    page = client.get(f"/dialogues/{tilburg.dialogue_id}/public?lang=nl").json()
    assert page["reportBack"]["responses"][1]["reason"] == "Reden 1"
    assert page["agenda"][0]["title"] == "Schaduw op schoolpleinen"
    english = client.get(f"/dialogues/{tilburg.dialogue_id}/public").json()
    assert english["reportBack"]["responses"][1]["reason"] == "Reason 1"
    assert english["agenda"][0]["title"] == "Shade in schoolyards"
    assert "budgetLine" not in english["agenda"][0]


def test_withdrawing_a_report_back_hides_it_again(
    client: TestClient, db: Session, tilburg: Place, coordinator
):
    end_dialogue(db, tilburg)
    put(client, coordinator, tilburg, published=True, responses=answers(tilburg))
    withdrawn = put(client, coordinator, tilburg, published=False, responses=answers(tilburg))
    assert (withdrawn.json()["published"], withdrawn.json()["publishedAt"]) == (False, None)
    assert_problem(client.get(f"/dialogues/{tilburg.dialogue_id}/report-back"), 404)
    assert_problem(client.get(f"/dialogues/{tilburg.dialogue_id}/agenda"), 404)
    assert client.get(f"/dialogues/{tilburg.dialogue_id}/public").json()["reportBack"] is None


def test_the_demo_publishes_its_report_back_only_for_an_ended_dialogue(
    client: TestClient, db: Session
):
    load_demo(db)
    db.commit()
    (dialogue_id,) = db.execute(text("SELECT id FROM dialogues")).scalars().all()
    page = client.get(f"/dialogues/{dialogue_id}/public").json()
    assert page["reportBack"] is None, "a running dialogue keeps its report back a draft"
    assert db.execute(text("SELECT count(*) FROM agenda_items")).scalar_one() == 3
    db.execute(text("DELETE FROM agenda_items"))
    db.execute(
        text("UPDATE dialogues SET starts_on = :start, ends_on = :end"),
        {"start": date.today() - timedelta(days=90), "end": date.today() - timedelta(days=1)},
    )
    db.commit()
    municipality = db.exec(select(Municipality)).one()
    load_demo_agenda(db, municipality=municipality)
    page = client.get(f"/dialogues/{dialogue_id}/public?lang=en").json()
    assert page["reportBack"]["published"] is True
    assert {r["decision"] for r in page["reportBack"]["responses"]} == {
        "adopted",
        "partly",
        "notAdopted",
    }
    assert "Trees and shade in three schoolyards" in [i["title"] for i in page["agenda"]]


def test_the_qr_code_of_an_ended_session_names_the_dialogues_public_page(
    client: TestClient, db: Session, tilburg: Place
):
    db.execute(text("UPDATE sessions SET status = 'closed' WHERE id = :id"),
               {"id": tilburg.session_id})  # fmt: skip
    db.commit()
    response = client.post("/check-ins", json={"joinCode": tilburg.join_code})
    body = assert_problem(response, 409)
    assert body["type"].endswith("/session-ended")
    assert response.headers["link"] == f'</d/{tilburg.dialogue_id}>; rel="related"'
