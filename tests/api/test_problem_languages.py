"""Problems in Dutch or English following Accept-Language, with a type that never changes."""

import json

import pytest
from fastapi.testclient import TestClient

from api.core.config import Settings
from api.core.languages import negotiate
from api.core.problems import KINDS, problem_response, problem_type
from tests.helpers import assert_problem
from tests.support.places import Place


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("en", "en"),
        ("nl", "nl"),
        ("en-GB,en;q=0.9", "en"),
        ("nl-BE", "nl"),
        ("fr, en;q=0.5, nl;q=0.4", "en"),
        ("nl;q=0.2, en;q=0.8", "en"),
        ("en;q=0.8, nl", "nl"),
        ("EN", "en"),
        ("*", "nl"),
        ("nl;q=0, *", "en"),
        ("ar", "nl"),
        ("de-DE, fr;q=0.9", "nl"),
        ("en;q=abc, nl;q=0.1", "nl"),
        ("en;q=7", "nl"),
        (";;;,,q=", "nl"),
        ("", "nl"),
        (None, "nl"),
    ],
)
def test_accept_language_picks_the_preferred_of_dutch_and_english_or_else_dutch(header, language):
    assert negotiate(header, ("nl", "en"), default="nl") == language


def _without_language(client: TestClient) -> TestClient:
    del client.headers["Accept-Language"]
    return client


def _in(language: str | None) -> dict[str, str]:
    return {} if language is None else {"Accept-Language": language}


@pytest.mark.parametrize(
    ("header", "language"),
    [("en", "en"), ("nl", "nl"), ("en-US,en;q=0.9,nl;q=0.8", "en"), ("fr", "nl"), ("x;;q", "nl")],
)
def test_a_404_route_speaks_the_language_asked_for_and_says_so(
    client: TestClient, header: str, language: str
):
    response = client.get("/no-such-resources", headers=_in(header))
    body = assert_problem(response, 404)
    assert response.headers["Content-Language"] == language
    assert "Accept-Language" in response.headers["Vary"]
    assert body["type"] == problem_type("not-found")
    assert body["title"] == KINDS["not-found"][language == "nl"]
    expected = (
        "Op /api/v1/no-such-resources is niets" if language == "nl" else "There is nothing at"
    )
    assert body["detail"].startswith(expected)


def test_without_accept_language_the_problem_is_dutch(client: TestClient):
    response = _without_language(client).get("/no-such-resources")
    body = assert_problem(response, 404)
    assert response.headers["Content-Language"] == "nl"
    assert body["title"] == "Niet gevonden"


def test_a_validation_error_names_each_field_in_the_language_asked_for(
    client: TestClient, admin: dict[str, str]
):
    body = {"cbsCode": "GM0001", "name": "", "colour": "red"}
    english = assert_problem(
        client.post("/municipalities", json=body, headers={**admin, **_in("en")}), 400
    )
    dutch_response = client.post("/municipalities", json=body, headers={**admin, **_in("nl")})
    dutch = assert_problem(dutch_response, 400)
    assert dutch_response.headers["Content-Language"] == "nl"
    assert english["type"] == dutch["type"] == problem_type("invalid-input")
    assert (english["title"], dutch["title"]) == ("Invalid input", "Ongeldige invoer")
    reasons = {p["name"]: p["reason"] for p in dutch["invalidParams"]}
    assert [p["name"] for p in english["invalidParams"]] == list(reasons)
    assert reasons["colour"] == "Dit veld is hier niet bekend; laat het weg."
    assert reasons["name"] == "Gebruik minstens 1 teken."
    assert dutch["detail"].startswith("Niet alle velden zijn goedgekeurd: ")
    assert english["detail"].startswith("Some fields were not accepted: ")


def test_a_validator_of_our_own_gives_its_reason_in_dutch(client: TestClient, tilburg: Place):
    checked_in = client.post("/check-ins", json={"joinCode": tilburg.join_code}).json()
    headers = {"Authorization": f"Bearer {checked_in['participantToken']}", **_in("nl")}
    ranking = [tilburg.priority_ids[0]] * 2
    response = client.put(
        f"/sessions/{tilburg.session_id}/ballot", json={"ranking": ranking}, headers=headers
    )
    body = assert_problem(response, 400)
    assert body["invalidParams"] == [
        {"name": "ranking", "reason": "Elke prioriteit mag maar één keer in de volgorde staan."}
    ]


def test_invalid_json_is_explained_in_dutch(client: TestClient, admin: dict[str, str]):
    response = client.post(
        "/municipalities",
        content=b'{"cbsCode": ',
        headers={**admin, **_in("nl"), "Content-Type": "application/json"},
    )
    body = assert_problem(response, 400)
    assert body["detail"].startswith("De body van het verzoek is geen geldige JSON.")
    assert body["invalidParams"][0]["reason"].startswith("De body is geen geldige JSON")


def test_an_unknown_join_code_is_explained_in_both_languages_with_one_type(
    client: TestClient, tilburg: Place
):
    answers = {
        language: client.post("/check-ins", json={"joinCode": "ZZZZZZ"}, headers=_in(language))
        for language in ("en", "nl")
    }
    english, dutch = (assert_problem(answers[lang], 404) for lang in ("en", "nl"))
    assert english["type"] == dutch["type"] == problem_type("not-found")
    assert english["detail"].startswith("There is no session with code")
    assert dutch["detail"].startswith("Er is geen gesprek met code")
    assert {lang: r.headers["Content-Language"] for lang, r in answers.items()} == {
        "en": "en",
        "nl": "nl",
    }


def test_a_closed_session_is_told_apart_by_its_type_not_its_title(
    client: TestClient, tilburg: Place, tilburg_facilitator: dict[str, str]
):
    closed = client.patch(
        f"/sessions/{tilburg.session_id}", json={"status": "closed"}, headers=tilburg_facilitator
    )
    assert closed.status_code == 200, closed.text
    for language, title in (("en", "Session not open"), ("nl", "Sessie afgelopen")):
        response = client.post(
            "/check-ins", json={"joinCode": tilburg.join_code}, headers=_in(language)
        )
        body = assert_problem(response, 409)
        assert body["type"] == problem_type("session-ended")
        assert body["title"] == title


def test_staff_without_a_token_get_a_401_in_the_language_asked_for(client: TestClient):
    for language, detail in (("en", "Sign in first"), ("nl", "Log eerst in")):
        response = client.get("/users/me", headers=_in(language))
        body = assert_problem(response, 401)
        assert body["type"] == problem_type("not-signed-in")
        assert body["detail"].startswith(detail)
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.headers["Content-Language"] == language


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Two unknown codes a minute from one network, so the third attempt is refused."""
    return settings.model_copy(update={"unknown_join_codes_limit": "2/minute"})


def test_a_rate_limit_says_when_to_try_again_in_the_language_asked_for(
    client: TestClient, tilburg: Place
):
    wrong = "ZZZZZZ"
    statuses = [client.post("/check-ins", json={"joinCode": wrong}).status_code for _ in range(3)]
    assert statuses == [404, 404, 429]
    for language, detail in (("en", "Too many unknown codes"), ("nl", "Vanaf je netwerk")):
        response = client.post("/check-ins", json={"joinCode": wrong}, headers=_in(language))
        body = assert_problem(response, 429)
        assert body["type"] == problem_type("too-many-requests")
        assert body["title"] == KINDS["too-many-requests"][language == "nl"]
        assert body["detail"].startswith(detail)
        assert int(response.headers["Retry-After"]) >= 1


def test_the_openapi_document_lists_every_kind_of_problem(client: TestClient):
    schema = client.get("/openapi.json").json()["components"]["schemas"]["ProblemDetails"]
    assert schema["properties"]["type"]["examples"] == [problem_type(k) for k in KINDS]
    assert "type" in schema["required"]


def test_a_problem_without_dutch_text_is_english_throughout():
    response = problem_response(status=503, detail="The database is away.", accept_language="nl")
    assert response.headers["Content-Language"] == "en"
    body = json.loads(response.body)
    assert (body["title"], body["detail"]) == ("Service unavailable", "The database is away.")
    assert body["type"] == problem_type("unavailable")
