"""Translations: dialogues, priorities and venues in English and Arabic beside the Dutch, and
residents reading them in their language (Accept-Language), marked where they fall back."""

import pytest
from fastapi.testclient import TestClient

from api.core.db import open_session
from api.venues.models import Venue
from tests.helpers import assert_problem, bearer
from tests.support.places import Place

ENGLISH_DIALOGUE = {"title": "Broad prosperity Tilburg", "description": "What matters to you?"}
ARABIC_DIALOGUE = {"title": "الرفاه الواسع تيلبورخ", "description": "ما المهم بالنسبة لك؟"}


def translate(client: TestClient, headers, place: Place) -> list[dict]:
    """Give the dialogue English and Arabic texts, and its priorities English ones, except
    the last two (one of them Arabic only); returns the priorities as staff read them."""
    priorities = client.get(f"/dialogues/{place.dialogue_id}", headers=headers).json()["priorities"]
    changes = []
    for number, p in enumerate(priorities, 1):
        change = {k: p[k] for k in ("id", "title", "description", "themeKey")}
        if number <= 3:
            change["translations"] = {
                "en": {"title": f"Priority {number}", "description": f"Explained {number}"}
            }
        elif number == 4:
            change["translations"] = {"ar": {"title": "الأولوية ٤"}}
        changes.append(change)
    response = client.patch(
        f"/dialogues/{place.dialogue_id}",
        json={
            "translations": {"en": ENGLISH_DIALOGUE, "ar": ARABIC_DIALOGUE},
            "priorities": changes,
        },
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response.json()["priorities"]


def test_a_dialogue_takes_and_returns_translations_of_itself_and_its_priorities(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    body = {
        "municipality": "GM0855",
        "title": "Brede welvaart Tilburg 2028",
        "description": "Wat vindt u belangrijk?",
        "translations": {"en": {"title": "Broad prosperity Tilburg 2028"}},
        "startsOn": "2028-01-10",
        "endsOn": "2028-04-10",
        "priorities": [
            {
                "title": "Meer groen",
                "themeKey": "milieu",
                "translations": {"en": {"title": "More green", "description": "Trees."}},
            },
            {"title": "Betaalbare woningen", "themeKey": "wonen"},
        ],
    }
    created = client.post("/dialogues", json=body, headers=tilburg_facilitator)
    assert created.status_code == 201, created.text
    dialogue = created.json()
    assert dialogue["translations"] == {
        "en": {"title": "Broad prosperity Tilburg 2028", "description": ""}
    }
    first, second = dialogue["priorities"]
    assert first["translations"] == {"en": {"title": "More green", "description": "Trees."}}
    assert second["translations"] == {}
    read = client.get(f"/dialogues/{dialogue['id']}", headers=tilburg_facilitator).json()
    assert read["translations"] == dialogue["translations"]
    assert read["priorities"] == dialogue["priorities"]


def test_an_update_keeps_translations_it_leaves_out_and_removes_them_with_an_empty_object(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    translate(client, tilburg_facilitator, tilburg)
    url = f"/dialogues/{tilburg.dialogue_id}"
    priorities = client.get(url, headers=tilburg_facilitator).json()["priorities"]
    reworded = [
        {"id": p["id"], "title": p["title"] + "!", "themeKey": p["themeKey"]} for p in priorities
    ]
    reworded[1]["translations"] = {}
    response = client.patch(
        url, json={"title": "Nieuwe titel", "priorities": reworded}, headers=tilburg_facilitator
    )
    assert response.status_code == 200, response.text
    dialogue = response.json()
    assert set(dialogue["translations"]) == {"en", "ar"}, "left out: kept"
    after = dialogue["priorities"]
    assert after[0]["translations"]["en"]["title"] == "Priority 1"
    assert after[1]["translations"] == {}, "{} removes them"
    assert after[2]["translations"]["en"]["title"] == "Priority 3"
    cleared = client.patch(url, json={"translations": {}}, headers=tilburg_facilitator)
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["translations"] == {}


@pytest.mark.parametrize(
    ("translations", "field", "says"),
    [
        ({"de": {"title": "Wohlstand"}}, "translations", "'en' (English) or 'ar'"),
        ({"nl": {"title": "Welvaart"}}, "translations", "plain fields"),
        ({"en": {"title": ""}}, "translations.en.title", "at least 1"),
        ({"en": {"title": "x" * 161}}, "translations.en.title", "at most 160"),
        ({"en": {"title": "Ok", "description": "x" * 2001}}, "translations.en.description", ""),
        ({"en": {"title": "Ok", "question": "?"}}, "translations.en.question", ""),
        ({"en": {"title": "Null\x00byte"}}, "translations.en", "control"),
    ],
)
def test_translations_are_refused_in_other_languages_or_beyond_the_dutch_limits(
    client: TestClient, tilburg: Place, tilburg_facilitator, translations, field, says
):
    response = client.patch(
        f"/dialogues/{tilburg.dialogue_id}",
        json={"translations": translations},
        headers=tilburg_facilitator,
    )
    problem = assert_problem(response, 400, mentions=says or None)
    names = [p["name"] for p in problem["invalidParams"]]
    assert any(name.startswith(field) for name in names), names


def test_a_priority_translation_is_held_to_the_limits_of_the_dutch_one(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    priorities = client.get(
        f"/dialogues/{tilburg.dialogue_id}", headers=tilburg_facilitator
    ).json()["priorities"]
    changes = [{k: p[k] for k in ("id", "title", "themeKey")} for p in priorities]
    changes[0]["translations"] = {"en": {"title": "x" * 121}}
    changes[1]["translations"] = {"fr": {"title": "Plus de vert"}}
    response = client.patch(
        f"/dialogues/{tilburg.dialogue_id}",
        json={"priorities": changes},
        headers=tilburg_facilitator,
    )
    problem = assert_problem(response, 400)
    names = {p["name"] for p in problem["invalidParams"]}
    assert "priorities.0.translations.en.title" in names, names
    assert "priorities.1.translations" in names, names


def test_a_venue_takes_and_returns_its_name_in_other_languages(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    body = {"name": "Buurthuis De Linde", "kind": "community_centre",
            "translations": {"en": {"name": "Community centre De Linde"}, "ar": {"name": "مركز"}}}  # fmt: skip
    response = client.post("/municipalities/GM0855/venues", json=body, headers=tilburg_facilitator)
    assert response.status_code == 201, response.text
    assert response.json()["translations"] == body["translations"]
    refused = client.post(
        "/municipalities/GM0855/venues",
        json={**body, "name": "Ander", "translations": {"tr": {"name": "Toplum merkezi"}}},
        headers=tilburg_facilitator,
    )
    assert_problem(refused, 400, mentions="'en' (English) or 'ar'")


@pytest.mark.parametrize(
    ("accept_language", "language"),
    [
        (None, "nl"),
        ("nl", "nl"),
        ("en", "en"),
        ("ar", "ar"),
        ("en-GB,en;q=0.9", "en"),
        ("de", "nl"),  # not ours: Dutch
        ("de-DE, ar;q=0.5, en;q=0.4", "ar"),
        ("en;q=0.2, ar;q=0.9", "ar"),
        ("ar;q=0, en;q=0.1", "en"),  # q=0 refuses
        ("*", "nl"),
        ("en;q=banana, ar", "ar"),  # an unreadable weight is ignored
    ],
)
def test_check_in_answers_in_the_language_asked_for_and_marks_each_dutch_fallback(
    client: TestClient, tilburg: Place, tilburg_facilitator, accept_language, language
):
    translate(client, tilburg_facilitator, tilburg)
    if accept_language is None:
        del client.headers["Accept-Language"]  # the test clients' default (tests/conftest.py)
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = client.post("/check-ins", json={"joinCode": tilburg.join_code}, headers=headers)
    assert response.status_code == 201, response.text
    assert response.headers["content-language"] == language
    assert "accept-language" in response.headers["vary"].lower()
    body = response.json()
    session, priorities = body["session"], body["priorities"]
    languages = [p["language"] for p in priorities]
    if language == "en":
        assert session["dialogueTitle"] == ENGLISH_DIALOGUE["title"]
        assert session["dialogueLanguage"] == "en"
        assert languages == ["en", "en", "en", "nl", "nl"]
        assert [p["title"] for p in priorities[:3]] == ["Priority 1", "Priority 2", "Priority 3"]
        assert priorities[0]["description"] == "Explained 1"
    elif language == "ar":
        assert session["dialogueTitle"] == ARABIC_DIALOGUE["title"]
        assert session["dialogueLanguage"] == "ar"
        assert languages == ["nl", "nl", "nl", "ar", "nl"]
        assert priorities[3]["title"] == "الأولوية ٤"
        assert priorities[3]["description"] == ""
    else:
        assert session["dialogueTitle"] == "Brede welvaart Tilburg 2027"
        assert session["dialogueLanguage"] == "nl"
        assert languages == ["nl"] * 5
    # Every fallback is the Dutch text, exactly.
    for number, priority in enumerate(priorities, 1):
        if priority["language"] == "nl":
            assert priority["title"] == f"Prioriteit {number}"
    assert "translations" not in priorities[0], "residents get their language, not all of them"
    assert session["venue"] == {**session["venue"], "name": "Bibliotheek", "language": "nl"}


def test_a_resident_re_reads_the_texts_in_another_language_with_their_token(
    client: TestClient, tilburg: Place, den_bosch: Place, tilburg_facilitator, admin
):
    translate(client, tilburg_facilitator, tilburg)
    venue_id = tilburg.venue_id
    # The venue's name in English, written directly: there is no venue PATCH yet.
    with open_session(client.app.state.engine) as db:
        venue = db.get(Venue, venue_id)
        venue.translations = {"en": {"name": "Library"}}
        db.add(venue)
        db.commit()
    check_in = client.post(
        "/check-ins", json={"joinCode": tilburg.join_code}, headers={"Accept-Language": "nl"}
    )
    assert check_in.status_code == 201, check_in.text
    token = bearer(check_in.json()["participantToken"])
    assert check_in.json()["session"]["venue"]["language"] == "nl"
    url = f"/sessions/{tilburg.session_id}/resident-view"
    english = client.get(url, headers={**token, "Accept-Language": "en"})
    assert english.status_code == 200, english.text
    assert english.headers["content-language"] == "en"
    view = english.json()
    assert view["session"]["dialogueTitle"] == ENGLISH_DIALOGUE["title"]
    assert view["session"]["venue"] == {
        **view["session"]["venue"],
        "name": "Library",
        "language": "en",
    }
    assert [p["language"] for p in view["priorities"]] == ["en", "en", "en", "nl", "nl"]
    assert [p["id"] for p in view["priorities"]] == [p["id"] for p in check_in.json()["priorities"]]
    assert "participantToken" not in view
    dutch = client.get(url, headers={**token, "Accept-Language": "nl"}).json()
    assert dutch["priorities"] == check_in.json()["priorities"]
    # Only with a token, and only for its own session.
    assert_problem(client.get(url), 401)
    assert_problem(client.get(url, headers=admin), 401)
    other = client.post("/check-ins", json={"joinCode": den_bosch.join_code}).json()
    assert_problem(client.get(url, headers=bearer(other["participantToken"])), 403)
