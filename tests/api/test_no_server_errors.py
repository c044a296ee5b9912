"""Input that used to crash the service (a 500) is a 4xx problem that says what to change, and a
database that can't serve is a 503 with Retry-After. Every test runs on SQLite and PostgreSQL.
"""

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, event, text
from sqlmodel import Session

from api.core.access import Role
from api.core.db import create_db_engine, utcnow
from api.main import create_app
from tests.helpers import assert_problem, free_port, make_staff
from tests.resident.conftest import check_in
from tests.support.places import Place

# values each database refuses in its own way (NUL, int4, dates, outages)
pytestmark = pytest.mark.both_databases

BEYOND_INT4 = 2**31
BEYOND_INT8 = 2**63
IMPORT = "/municipalities/GM0855/neighbourhoods/import"
GEOJSON = {"Content-Type": "application/geo+json"}


def feature_collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def feature(code: str, name: str, geometry: Any = None) -> dict[str, Any]:
    properties = {"statcode": code, "statnaam": name}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def neighbourhood_codes(db: Session) -> list[str]:
    codes = list(db.execute(text("SELECT code FROM neighbourhoods ORDER BY code")).scalars())
    db.commit()
    return codes


# --- Deeply nested and huge-number JSON ----------------------------------------------------


def test_deeply_nested_json_import_is_a_400(client: TestClient, admin, tilburg: Place, db):
    before = neighbourhood_codes(db)
    nested = "[" * 50_000 + "]" * 50_000
    body = f'{{"type": "FeatureCollection", "features": {nested}}}'
    response = client.post(IMPORT, content=body.encode(), headers={**admin, **GEOJSON})
    assert_problem(response, 400, mentions="nests lists or objects")
    assert neighbourhood_codes(db) == before


def test_huge_number_in_a_json_import_is_a_400(client: TestClient, admin, tilburg: Place, db):
    before = neighbourhood_codes(db)
    square = '{"type": "Polygon", "coordinates": [[[5, 51], [6, 51], [6, 52], [%s, 51]]]}'
    body = (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        '"properties": {"statcode": "WK085502", "statnaam": "Noord"}, '
        f'"geometry": {square % ("5" * 5000)}}}]}}'
    )
    response = client.post(IMPORT, content=body.encode(), headers={**admin, **GEOJSON})
    assert_problem(response, 400, mentions="thousands of digits")
    assert neighbourhood_codes(db) == before


def test_deeply_nested_json_body_is_a_400_that_says_so(client: TestClient, admin):
    body = '{"cbsCode": ' + "[" * 20_000 + "]" * 20_000 + "}"
    response = client.post(
        "/municipalities",
        content=body.encode(),
        headers={**admin, "Content-Type": "application/json"},
    )
    assert_problem(response, 400, mentions="nests lists or objects")


def test_huge_number_in_a_json_body_is_a_400_that_says_so(
    client: TestClient, admin, tilburg: Place
):
    body = '{"venueId": ' + "7" * 5000 + ', "startsAt": "2027-03-01T19:00:00+01:00"}'
    response = client.post(
        f"/dialogues/{tilburg.dialogue_id}/sessions",
        content=body.encode(),
        headers={**admin, "Content-Type": "application/json"},
    )
    assert_problem(response, 400, mentions="thousands of digits")


# --- NUL and other control characters -------------------------------------------------------


@pytest.mark.parametrize("field", ["username", "password"])
def test_nul_character_in_sign_in_name_is_a_400(client: TestClient, db, field: str):
    email = make_staff(db, role=Role.ADMIN)
    form = {"username": email, "password": "whatever it is"}
    form[field] = form[field][:3] + "\x00" + form[field][3:]
    response = client.post("/auth/token", data=form)
    body = assert_problem(response, 400, mentions="NUL")
    assert [p["name"] for p in body["invalidParams"]] == [field]


def test_nul_character_in_an_imported_name_is_a_400_and_stores_nothing(
    client: TestClient, admin, tilburg: Place, db
):
    before = neighbourhood_codes(db)
    collection = feature_collection(
        feature("WK085502", "Noord"), feature("BU08550201", "Oude\x00Stad")
    )
    response = client.post(
        IMPORT, content=json.dumps(collection).encode(), headers={**admin, **GEOJSON}
    )
    body = assert_problem(response, 400, mentions="control character")
    assert body["invalidParams"][0]["name"] == "feature 2"
    assert neighbourhood_codes(db) == before


def test_nul_character_deep_in_an_imported_csv_is_a_400_and_stores_nothing(
    client: TestClient, admin, tilburg: Place, db
):
    """Past the first 8 kB, where the check for binary files looks, a NUL is still refused."""
    before = neighbourhood_codes(db)
    filler = "met een lange naam die de regel vult tot ver voorbij de eerste acht kilobyte"
    rows = [f"BU085501{n:02d};Buurt {n} {filler}" for n in range(1, 99)]
    csv = "statcode;statnaam\nWK085501;Centrum\n" + "\n".join(rows) + "\nBU08550199;Nul\x00Buurt\n"
    assert csv.index("\x00") > 8192
    response = client.post(
        IMPORT, content=csv.encode(), headers={**admin, "Content-Type": "text/csv"}
    )
    assert_problem(response, 400, mentions="control character")
    assert neighbourhood_codes(db) == before


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/municipalities", {"cbsCode": "GM0001", "name": "Nul\x00stad"}, "name"),
        (
            "/municipalities/GM0855/neighbourhoods",
            {"code": "WK085509", "name": "Noord", "geometry": {"type": "Polygon", "x": ["a\x00"]}},
            "geometry",
        ),
        (
            "/municipalities/GM0855/venues",
            {"name": "Bieb", "kind": "library", "address": "Straat\x001"},
            "address",
        ),
    ],
)
def test_nul_character_anywhere_in_a_json_body_is_a_400_naming_the_field(
    client: TestClient, admin, tilburg: Place, path: str, body: dict[str, Any], field: str
):
    response = client.post(path, json=body, headers=admin)
    problem = assert_problem(response, 400, mentions="NUL")
    assert [p["name"] for p in problem["invalidParams"]] == [field]


# --- Ids out of the integer range -----------------------------------------------------------


def session_body(place: Place, **changes: Any) -> dict[str, Any]:
    now = utcnow()
    body = {
        "venueId": place.venue_id,
        "startsAt": now.isoformat(),
        "endsAt": (now + timedelta(hours=2)).isoformat(),
    }
    return {**body, **changes}


@pytest.mark.parametrize("venue_id", [BEYOND_INT4, BEYOND_INT8, -BEYOND_INT4 - 1, 0])
def test_venue_id_beyond_int4_is_a_400(client: TestClient, admin, tilburg: Place, venue_id: int):
    response = client.post(
        f"/dialogues/{tilburg.dialogue_id}/sessions",
        json=session_body(tilburg, venueId=venue_id),
        headers=admin,
    )
    problem = assert_problem(response, 400, mentions="venueId")
    assert [p["name"] for p in problem["invalidParams"]] == ["venueId"]


def test_every_id_beyond_int4_is_a_400(client: TestClient, admin, tilburg: Place):
    places = [
        (
            "POST",
            f"/dialogues/{tilburg.dialogue_id}/sessions",
            session_body(tilburg, facilitatorIds=[BEYOND_INT4]),
            "facilitatorIds.0",
        ),
        ("PATCH", f"/sessions/{tilburg.session_id}", {"facilitatorIds": [BEYOND_INT8]}, "facilitatorIds.0"),
        (
            "PATCH",
            f"/dialogues/{tilburg.dialogue_id}",
            {"priorities": [{"id": BEYOND_INT4, "title": "A", "themeKey": "wonen"},
                            {"title": "B", "themeKey": "wonen"}]},
            "priorities.0.id",
        ),
        ("POST", f"/sessions/{tilburg.session_id}/assisted-ballots", {"ranking": [BEYOND_INT8]}, "ranking.0"),
        ("GET", f"/sessions/{BEYOND_INT4}", None, "id"),
        ("GET", f"/dialogues/{BEYOND_INT8}/results", None, "id"),
    ]  # fmt: skip
    for method, path, body, field in places:
        response = client.request(method, path, json=body, headers=admin)
        problem = assert_problem(response, 400)
        assert [p["name"] for p in problem["invalidParams"]] == [field], (method, path)


def test_priority_id_beyond_int4_in_a_pledge_is_a_400(client: TestClient, tilburg: Place):
    resident = check_in(client, tilburg.join_code)
    response = client.post(
        f"/sessions/{tilburg.session_id}/pledges",
        json={"kind": "time", "priorityId": BEYOND_INT8},
        headers=resident.headers,
    )
    problem = assert_problem(response, 400, mentions="priorityId")
    assert [p["name"] for p in problem["invalidParams"]] == ["priorityId"]


# --- Dates near the ends of the calendar ----------------------------------------------------


@pytest.mark.parametrize(
    ("field", "moment"),
    [
        ("endsAt", "9999-12-31T23:59:59-05:00"),  # past year 9999 in UTC
        ("endsAt", "9999-12-31T20:00:00+00:00"),  # a participant's token would outlive 9999
        ("startsAt", "0001-01-01T00:00:00+01:00"),  # before year 1 in UTC
        ("startsAt", "1000-06-01T12:00:00+00:00"),
    ],
)
def test_date_at_the_end_of_the_calendar_is_a_400(
    client: TestClient, admin, tilburg: Place, field: str, moment: str
):
    response = client.post(
        f"/dialogues/{tilburg.dialogue_id}/sessions",
        json=session_body(tilburg, **{field: moment}),
        headers=admin,
    )
    problem = assert_problem(response, 400, mentions="1970 to 2999")
    assert [p["name"] for p in problem["invalidParams"]] == [field]
    changed = client.patch(f"/sessions/{tilburg.session_id}", json={field: moment}, headers=admin)
    assert_problem(changed, 400, mentions="1970 to 2999")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_dialogue_date_at_the_end_of_the_calendar_is_a_400(
    client: TestClient, admin, tilburg: Place, day: str
):
    response = client.patch(
        f"/dialogues/{tilburg.dialogue_id}", json={"endsOn": day}, headers=admin
    )
    problem = assert_problem(response, 400, mentions="1970 to 2999")
    assert [p["name"] for p in problem["invalidParams"]] == ["endsOn"]


def test_a_session_ending_late_in_the_calendar_still_checks_residents_in(
    client: TestClient, admin, tilburg: Place
):
    """The last day accepted leaves room for a token's grace period after it."""
    response = client.patch(
        f"/sessions/{tilburg.session_id}",
        json={"endsAt": "2999-12-31T23:59:59+00:00"},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    resident = check_in(client, tilburg.join_code)
    assert resident.check_in["expiresAt"].startswith("3000-01-0")


# --- A token whose participant is gone ------------------------------------------------------


def test_token_of_a_deleted_participant_is_a_401(client: TestClient, tilburg: Place, db):
    resident = check_in(client, tilburg.join_code)
    db.execute(text("DELETE FROM participants WHERE id = :id"), {"id": resident.participant_id})
    db.commit()
    session = f"/sessions/{tilburg.session_id}"
    answers = [
        client.put(f"{session}/ballot", json={"ranking": tilburg.priority_ids[:3]}, headers=resident.headers),
        client.post(f"{session}/pledges", json={"kind": "time", "text": "Ik help"}, headers=resident.headers),
        client.get(f"{session}/ballot", headers=resident.headers),
    ]  # fmt: skip
    for response in answers:
        assert_problem(response, 401, mentions="Scan the QR code again")
        assert response.headers["WWW-Authenticate"] == "Bearer"
    counts = db.execute(text("SELECT count(*) FROM ballots UNION ALL SELECT count(*) FROM pledges"))
    assert list(counts.scalars()) == [0, 0]
    db.commit()


# --- The database can't serve ---------------------------------------------------------------


def assert_unavailable(response) -> None:
    assert_problem(response, 503, mentions="try again")
    assert int(response.headers["Retry-After"]) > 0


@contextmanager
def failing_writes(engine: Engine, error: Exception) -> Iterator[None]:
    """Every INSERT, UPDATE or DELETE on the engine fails with `error`, as on a full disk."""

    def fail(_conn, _cursor, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            raise error

    event.listen(engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", fail)


def disk_full(engine: Engine) -> Exception:
    if engine.dialect.name == "postgresql":
        return psycopg.errors.DiskFull("could not extend file: No space left on device")
    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode, error.sqlite_errorname = 13, "SQLITE_FULL"
    return error


def test_database_unavailable_is_a_503_with_retry_after(settings, database_url: str):
    """A database that can't be reached: SQLite's file can't be opened, PostgreSQL refuses."""
    if database_url.startswith("sqlite"):
        engine = create_engine("sqlite:////proc/no-such-directory/welvaartgesprek.db")
    else:
        engine = create_db_engine(
            f"postgresql+psycopg://nobody:nothing@127.0.0.1:{free_port()}/welvaartgesprek",
            connect_args={"connect_timeout": 5},
        )
    app = create_app(settings, engine=engine)
    with TestClient(app, base_url="http://testserver/api/v1") as client:
        assert_unavailable(client.get("/themes"))
        assert_unavailable(client.post("/check-ins", json={"joinCode": "TBGAAA"}))
        assert_unavailable(client.post("/auth/token", data={"username": "a@b.nl", "password": "x"}))


def test_disk_full_is_a_503_with_retry_after_and_nothing_is_half_written(
    client: TestClient, admin, tilburg: Place, db, clean_engine: Engine
):
    resident = check_in(client, tilburg.join_code)
    with failing_writes(clean_engine, disk_full(clean_engine)):
        assert_unavailable(client.post("/check-ins", json={"joinCode": tilburg.join_code}))
        assert_unavailable(
            client.put(
                f"/sessions/{tilburg.session_id}/ballot",
                json={"ranking": tilburg.priority_ids[:3]},
                headers=resident.headers,
            )
        )
        assert_unavailable(
            client.post("/municipalities", json={"cbsCode": "GM0001", "name": "Vol"}, headers=admin)
        )
    counts = db.execute(
        text("SELECT count(*) FROM participants UNION ALL SELECT count(*) FROM ballots")
    )
    assert list(counts.scalars()) == [1, 0]
    db.commit()
    # and once there is room again, the same requests go through
    stored = client.put(
        f"/sessions/{tilburg.session_id}/ballot",
        json={"ranking": tilburg.priority_ids[:3]},
        headers=resident.headers,
    )
    assert stored.status_code == 200, stored.text


def test_a_database_error_that_is_a_bug_stays_a_500(settings, clean_engine: Engine, tilburg):
    """Only a database that can't serve is a 503: a broken query is still our error."""
    broken = sqlite3.OperationalError("no such column: nonsense")
    broken.sqlite_errorcode, broken.sqlite_errorname = 1, "SQLITE_ERROR"
    if clean_engine.dialect.name == "postgresql":
        broken = psycopg.errors.UndefinedColumn('column "nonsense" does not exist')
    app = create_app(settings, engine=clean_engine)
    with (
        TestClient(
            app, base_url="http://testserver/api/v1", raise_server_exceptions=False
        ) as client,
        failing_writes(clean_engine, broken),
    ):
        response = client.post("/check-ins", json={"joinCode": tilburg.join_code})
    assert_problem(response, 500)
    assert "Retry-After" not in response.headers


def test_a_value_the_database_refuses_is_a_400_not_a_500(
    client: TestClient, admin, clean_engine: Engine
):
    """The net under validation: should a value get past it, the database's refusal is a 400."""
    if clean_engine.dialect.name == "postgresql":
        refused = psycopg.errors.NumericValueOutOfRange("integer out of range")
    else:
        refused = sqlite3.DataError("string or blob too big")
        refused.sqlite_errorcode, refused.sqlite_errorname = 18, "SQLITE_TOOBIG"
    with failing_writes(clean_engine, refused):
        response = client.post(
            "/municipalities", json={"cbsCode": "GM0001", "name": "Ergens"}, headers=admin
        )
    assert_problem(response, 400, mentions="can't be stored")
