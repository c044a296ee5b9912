"""Moderating residents' ideas: who reads what, decisions audited, ideas becoming priorities."""

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from api.core.access import Role
from tests.helpers import assert_problem, staff_headers
from tests.resident.conftest import check_in
from tests.support.places import Place

WITH_CONTACT = "Een moestuin bij de school! Bel 06-12345678 of mail piet@example.nl"


@pytest.fixture
def coordinator(client: TestClient, db: Session, tilburg: Place) -> dict[str, str]:
    return staff_headers(client, db, role=Role.COORDINATOR, municipalities=["GM0855"])


def send(client: TestClient, place: Place, idea: str) -> None:
    resident = check_in(client, place.join_code)
    response = client.post(
        f"/sessions/{place.session_id}/ideas", json={"text": idea}, headers=resident.headers
    )
    assert response.status_code == 201, response.text


def ideas(client: TestClient, place: Place, headers, **params):
    return client.get(f"/dialogues/{place.dialogue_id}/ideas", headers=headers, params=params)


def only_idea(client: TestClient, place: Place, headers) -> dict:
    [idea] = ideas(client, place, headers).json()["ideas"]
    return idea


def theme_ids(db: Session) -> dict[str, int]:
    rows = dict(db.execute(text("SELECT key, id FROM themes WHERE municipality_id IS NULL")).all())
    db.commit()
    return rows


def test_the_moderator_sees_contact_details_masked_and_the_analyst_nothing_before_approval(
    client: TestClient, tilburg: Place, coordinator, tilburg_analyst
):
    send(client, tilburg, WITH_CONTACT)
    listed = ideas(client, tilburg, coordinator)
    assert listed.status_code == 200, listed.text
    assert listed.headers["cache-control"] == "no-store"
    body = listed.json()
    assert body["total"] == 1
    [idea] = body["ideas"]
    assert idea["text"] == "Een moestuin bij de school! Bel [phone] of mail [email]"
    assert idea["maskedKinds"] == ["email", "phone"]
    assert idea["status"] == "pending"
    for_analyst = ideas(client, tilburg, tilburg_analyst).json()
    assert for_analyst["ideas"] == [] and for_analyst["total"] is None
    assert "moestuin" not in str(for_analyst)


def test_an_idea_is_nowhere_public_before_or_after_approval(
    client: TestClient, tilburg: Place, coordinator
):
    send(client, tilburg, WITH_CONTACT)
    idea = only_idea(client, tilburg, coordinator)
    public = client.get(f"/dialogues/{tilburg.dialogue_id}/public")
    assert public.status_code == 200
    assert "moestuin" not in public.text
    assert_problem(client.get(f"/dialogues/{tilburg.dialogue_id}/ideas"), 401)
    client.patch(f"/ideas/{idea['id']}", json={"status": "approved"}, headers=coordinator)
    public = client.get(f"/dialogues/{tilburg.dialogue_id}/public")
    assert "moestuin" not in public.text and "06-12345678" not in public.text


def test_an_approved_idea_is_read_by_the_analyst_grouped_by_theme(
    client: TestClient, db: Session, tilburg: Place, coordinator, tilburg_analyst
):
    send(client, tilburg, WITH_CONTACT)
    send(client, tilburg, "Meer huizen voor starters")
    send(client, tilburg, "Iets onaardigs")
    themes = theme_ids(db)
    listed = {i["text"][:4]: i for i in ideas(client, tilburg, coordinator).json()["ideas"]}
    decisions = [
        (listed["Een "]["id"], {"status": "approved", "themeId": themes["milieu"]}),
        (listed["Meer"]["id"], {"status": "approved", "themeId": themes["wonen"]}),
        (listed["Iets"]["id"], {"status": "rejected"}),
    ]
    for idea_id, decision in decisions:
        response = client.patch(f"/ideas/{idea_id}", json=decision, headers=coordinator)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == decision["status"]
    for_analyst = ideas(client, tilburg, tilburg_analyst).json()["ideas"]
    assert sorted(i["text"][:4] for i in for_analyst) == ["Een ", "Meer"]
    assert all(i["status"] == "approved" for i in for_analyst)
    grouped = ideas(client, tilburg, tilburg_analyst, groupBy="theme").json()
    assert grouped["ideas"] == []
    assert {g["theme"]["key"]: [i["text"][:4] for i in g["ideas"]] for g in grouped["groups"]} == {
        "milieu": ["Een "],
        "wonen": ["Meer"],
    }
    assert all("count" not in g for g in grouped["groups"])
    rejected = ideas(client, tilburg, coordinator, status="rejected").json()["ideas"]
    assert [i["text"] for i in rejected] == ["Iets onaardigs"]


def test_every_decision_is_audited_without_the_text(
    client: TestClient, db: Session, tilburg: Place, coordinator
):
    send(client, tilburg, WITH_CONTACT)
    idea = only_idea(client, tilburg, coordinator)
    client.patch(f"/ideas/{idea['id']}", json={"status": "rejected"}, headers=coordinator)
    client.patch(f"/ideas/{idea['id']}", json={"status": "approved"}, headers=coordinator)
    rows = db.execute(
        text(
            "SELECT a.action, a.object_id, a.detail, a.occurred_at, u.email FROM audit_events a"
            " JOIN staff_users u ON u.id = a.actor_id WHERE a.object_type = 'idea'"
            " ORDER BY a.id"
        )
    ).all()
    db.commit()
    assert [r.action for r in rows] == ["idea.rejected", "idea.approved"]
    assert {r.object_id for r in rows} == {idea["id"]}
    assert all(r.email.startswith("coordinator") and r.occurred_at for r in rows)
    assert "moestuin" not in str(rows) and "[phone]" not in str(rows)


@pytest.mark.parametrize(
    "body",
    [{"status": "pending"}, {"status": "maybe"}, {}, {"status": "approved", "themeId": 999999}],
)
def test_a_bad_decision_is_a_400_and_changes_nothing(
    client: TestClient, tilburg: Place, coordinator, body
):
    send(client, tilburg, "Een idee")
    idea = only_idea(client, tilburg, coordinator)
    assert_problem(client.patch(f"/ideas/{idea['id']}", json=body, headers=coordinator), 400)
    assert only_idea(client, tilburg, coordinator)["status"] == "pending"


def test_facilitators_and_analysts_do_not_moderate_and_other_municipalities_see_nothing(
    client: TestClient, db: Session, tilburg: Place, den_bosch: Place, coordinator,
    tilburg_analyst, tilburg_facilitator,
):  # fmt: skip
    send(client, tilburg, "Een idee")
    idea = only_idea(client, tilburg, coordinator)
    assert_problem(ideas(client, tilburg, tilburg_facilitator), 403)
    approve = {"status": "approved"}
    assert_problem(client.patch(f"/ideas/{idea['id']}", json=approve, headers=tilburg_analyst), 403)
    other = staff_headers(client, db, role=Role.COORDINATOR, municipalities=["GM0796"])
    assert_problem(ideas(client, tilburg, other), 404)
    assert_problem(client.patch(f"/ideas/{idea['id']}", json=approve, headers=other), 404)
    to_priority = {"dialogueId": den_bosch.dialogue_id}
    assert_problem(client.post(f"/ideas/{idea['id']}/priority", json=to_priority, headers=other), 404)  # fmt: skip
    unknown = "00000000-0000-4000-8000-000000000000"
    assert_problem(client.patch(f"/ideas/{unknown}", json=approve, headers=coordinator), 404)


def draft_dialogue(client: TestClient, headers) -> int:
    today = date.today()
    response = client.post(
        "/dialogues",
        json={
            "municipality": "GM0855",
            "title": "Brede welvaart Tilburg 2028",
            "startsOn": str(today + timedelta(days=90)),
            "endsOn": str(today + timedelta(days=120)),
            "priorities": [
                {"title": "Groen", "themeKey": "milieu"},
                {"title": "Wonen", "themeKey": "wonen"},
            ],
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_an_approved_idea_becomes_a_priority_of_a_draft_dialogue(
    client: TestClient, db: Session, tilburg: Place, coordinator
):
    send(client, tilburg, "Een moestuin bij elke basisschool, " + "met hulp van buren " * 8)
    idea = only_idea(client, tilburg, coordinator)
    draft = draft_dialogue(client, coordinator)
    path = f"/ideas/{idea['id']}/priority"
    body = assert_problem(client.post(path, json={"dialogueId": draft}, headers=coordinator), 409)
    assert body["type"].endswith("idea-not-approved")
    client.patch(f"/ideas/{idea['id']}", json={"status": "approved"}, headers=coordinator)
    body = assert_problem(client.post(path, json={"dialogueId": draft}, headers=coordinator), 409)
    assert body["type"].endswith("idea-without-theme")
    decision = {"status": "approved", "themeId": theme_ids(db)["milieu"]}
    client.patch(f"/ideas/{idea['id']}", json=decision, headers=coordinator)
    running = client.post(path, json={"dialogueId": tilburg.dialogue_id}, headers=coordinator)
    assert assert_problem(running, 409)["type"].endswith("dialogue-not-draft")
    made = client.post(path, json={"dialogueId": draft}, headers=coordinator)
    assert made.status_code == 201, made.text
    priority = made.json()
    assert priority["themeKey"] == "milieu" and priority["position"] == 3
    assert len(priority["title"]) <= 120 and priority["title"].endswith("…")
    assert priority["description"] == idea["text"]
    titles = [p["title"] for p in client.get(f"/dialogues/{draft}", headers=coordinator).json()["priorities"]]  # fmt: skip
    assert titles == ["Groen", "Wonen", priority["title"]]
    assert only_idea(client, tilburg, coordinator)["priorityId"] == priority["id"]
    again = client.post(path, json={"dialogueId": draft}, headers=coordinator)
    assert assert_problem(again, 409)["type"].endswith("priority-not-added")
    audited = db.execute(
        text("SELECT detail FROM audit_events WHERE action = 'idea.priority'")
    ).scalar_one()
    db.commit()
    assert str(draft) in str(audited)


def test_the_moderator_gets_the_themes_and_draft_dialogues_to_choose_from(
    client: TestClient, tilburg: Place, coordinator, tilburg_analyst
):
    draft = draft_dialogue(client, coordinator)
    body = ideas(client, tilburg, coordinator).json()
    assert body["draftDialogues"] == [{"id": draft, "title": "Brede welvaart Tilburg 2028"}]
    assert "wonen" in {theme["key"] for theme in body["themes"]}
    for_analyst = ideas(client, tilburg, tilburg_analyst).json()
    assert for_analyst["draftDialogues"] is None and for_analyst["themes"] is None
