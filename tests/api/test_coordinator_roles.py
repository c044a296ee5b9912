"""The role matrix of the coordinator's routes: admins everywhere, coordinators inside their
own municipalities (404 elsewhere), facilitators and analysts only what they did before,
participants and anonymous callers nothing (bar the public reads)."""

import itertools
from datetime import date, timedelta

from fastapi.testclient import TestClient

from api.core.db import utcnow
from tests.api.roles import MANAGERS_ONLY, actors_fixture, check_matrix  # noqa: F401
from tests.support.places import Place

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
STAFF_ONLY = {"participant": 401, "anonymous": 401}
counter = itertools.count(1)


def test_anyone_reads_a_municipality_with_its_contacts(client: TestClient, actors):
    everyone = dict.fromkeys(actors, 2)
    check_matrix(actors, everyone, lambda _, h: client.get("/municipalities/GM0855", headers=h))


def test_only_admins_add_municipalities(client: TestClient, actors):
    expected = {**dict.fromkeys(actors, 403), "admin": 2, **STAFF_ONLY}
    check_matrix(
        actors,
        expected,
        lambda _, h: client.post(
            "/municipalities", json={"cbsCode": f"GM01{next(counter):02d}", "name": "X"}, headers=h
        ),
    )


def test_managers_change_the_municipality_settings(client: TestClient, actors):
    check_matrix(
        actors,
        MANAGERS_ONLY,
        lambda _, h: client.patch(
            "/municipalities/GM0855", json={"contactEmail": "info@tilburg.example"}, headers=h
        ),
    )


def test_managers_upload_and_delete_the_logo_and_anyone_reads_it(client: TestClient, actors):
    upload = {"Content-Type": "image/png"}
    check_matrix(
        actors,
        MANAGERS_ONLY,
        lambda _, h: client.put(
            "/municipalities/GM0855/logo", content=PNG, headers={**h, **upload}
        ),
    )
    check_matrix(
        actors,
        dict.fromkeys(actors, 2),
        lambda _, h: client.get("/municipalities/GM0855/logo", headers=h),
    )

    def delete(_: str, headers: dict[str, str]):
        admin = actors["admin"]
        client.put("/municipalities/GM0855/logo", content=PNG, headers={**admin, **upload})
        return client.delete("/municipalities/GM0855/logo", headers=headers)

    check_matrix(actors, MANAGERS_ONLY, delete)


def test_managers_preview_and_apply_neighbourhood_imports(client: TestClient, actors):
    csv = b"statcode;statnaam\nWK085502;Noord\nBU08550201;Noord-Oost\n"
    for dry_run in ("true", "false"):
        check_matrix(
            actors,
            MANAGERS_ONLY,
            lambda _, h, d=dry_run: client.post(
                f"/municipalities/GM0855/neighbourhoods/import?dryRun={d}",
                content=csv,
                headers={**h, "Content-Type": "text/csv"},
            ),
        )


def test_managers_add_single_neighbourhoods_and_themes(client: TestClient, actors):
    check_matrix(
        actors,
        MANAGERS_ONLY,
        lambda _, h: client.post(
            "/municipalities/GM0855/neighbourhoods",
            json={"code": f"WK0855A{next(counter) % 10}", "name": "Wijk"},
            headers=h,
        ),
    )
    check_matrix(
        actors,
        MANAGERS_ONLY,
        lambda _, h: client.post(
            "/municipalities/GM0855/themes",
            json={
                "key": f"eigen-{next(counter)}",
                "nameNl": "Eigen thema",
                "nameEn": "Own theme",
                "descriptionNl": "Uitleg",
                "descriptionEn": "Explanation",
            },
            headers=h,
        ),
    )


def test_staff_of_the_municipality_list_and_add_venues_managers_change_and_remove_them(
    client: TestClient, actors, tilburg: Place
):
    staff = {**MANAGERS_ONLY, "facilitator": 2, "analyst": 2}
    check_matrix(
        actors,
        staff,
        lambda _, h: client.get("/venues", params={"municipality": "GM0855"}, headers=h),
    )
    check_matrix(actors, staff, lambda _, h: client.get(f"/venues/{tilburg.venue_id}", headers=h))
    check_matrix(
        actors,
        {**MANAGERS_ONLY, "facilitator": 2},
        lambda _, h: client.post(
            "/venues",
            json={"municipality": "GM0855", "name": f"Buurthuis {next(counter)}", "kind": "other"},
            headers=h,
        ),
    )
    check_matrix(
        actors,
        MANAGERS_ONLY,
        lambda _, h: client.patch(
            f"/venues/{tilburg.venue_id}",
            json={"accessibilityNotes": "Drempelvrij, ringleiding"},
            headers=h,
        ),
    )

    def delete(_: str, headers: dict[str, str]):
        made = client.post(
            "/venues",
            json={"municipality": "GM0855", "name": f"Tijdelijk {next(counter)}", "kind": "other"},
            headers=actors["admin"],
        )
        return client.delete(f"/venues/{made.json()['id']}", headers=headers)

    check_matrix(actors, MANAGERS_ONLY, delete)


def test_managers_list_invite_change_and_reinvite_the_staff_of_their_municipality(
    client: TestClient, actors
):
    listing = {**MANAGERS_ONLY, "other_coordinator": 2}  # their own (Den Bosch) staff
    check_matrix(actors, listing, lambda _, h: client.get("/users", headers=h))
    check_matrix(
        actors,
        {**MANAGERS_ONLY, "other_coordinator": 403},  # may not give access to Tilburg
        lambda _, h: client.post(
            "/users",
            json={
                "email": f"nieuw{next(counter)}@tilburg.example",
                "role": "facilitator",
                "municipalities": ["GM0855"],
            },
            headers=h,
        ),
    )
    target = client.post(
        "/users",
        json={"email": "doel@tilburg.example", "role": "analyst", "municipalities": ["GM0855"]},
        headers=actors["admin"],
    ).json()["id"]
    check_matrix(
        actors,
        MANAGERS_ONLY,
        lambda _, h: client.patch(f"/users/{target}", json={"fullName": "Doel"}, headers=h),
    )
    check_matrix(
        actors, MANAGERS_ONLY, lambda _, h: client.post(f"/users/{target}/invitation", headers=h)
    )


def test_coordinators_run_dialogues_sessions_and_their_signals_like_admins(
    client: TestClient, actors, tilburg: Place
):
    planners = {**MANAGERS_ONLY, "facilitator": 2}

    def dialogue(_: str, headers: dict[str, str]):
        body = {
            "municipality": "GM0855",
            "title": f"Ronde {next(counter)}",
            "startsOn": date.today().isoformat(),
            "endsOn": (date.today() + timedelta(days=30)).isoformat(),
            "priorities": [
                {"title": "Groen", "themeKey": "milieu"},
                {"title": "Wonen", "themeKey": "wonen"},
            ],
        }
        return client.post("/dialogues", json=body, headers=headers)

    check_matrix(actors, planners, dialogue)
    starts = utcnow() + timedelta(days=3)
    check_matrix(
        actors,
        planners,
        lambda _, h: client.post(
            f"/dialogues/{tilburg.dialogue_id}/sessions",
            json={
                "venueId": tilburg.venue_id,
                "startsAt": starts.isoformat(),
                "endsAt": (starts + timedelta(hours=2)).isoformat(),
            },
            headers=h,
        ),
    )
    # Signals: the session's own facilitators only (this one facilitates none of them).
    check_matrix(
        actors,
        {**MANAGERS_ONLY, "facilitator": 404, "analyst": 2},
        lambda _, h: client.get(f"/sessions/{tilburg.session_id}/integrity", headers=h),
    )
