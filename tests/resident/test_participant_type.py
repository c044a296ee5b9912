"""How someone takes part and how satisfied they are with their life, on the ballot; an
organisation's public name on its pledge."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from tests.helpers import assert_problem
from tests.resident.conftest import Resident, check_in, row_counts
from tests.resident.test_ballots import put_ballot
from tests.resident.test_pledges import pledge
from tests.support.places import Place

# The ballots' CHECK constraints and the results store run per dialect.
pytestmark = pytest.mark.both_databases


def stored(db: Session) -> list[tuple]:
    rows = db.execute(
        text("SELECT participant_type, life_satisfaction FROM ballots ORDER BY id")
    ).all()
    db.commit()
    return [tuple(row) for row in rows]


def test_participant_type_and_life_satisfaction_are_stored_and_echoed(
    client: TestClient, db: Session, resident: Resident, tilburg: Place
):
    body = {"ranking": tilburg.priority_ids[:2], "participantType": "youth", "lifeSatisfaction": 7}
    response = put_ballot(client, resident, body)
    assert response.status_code == 200, response.text
    assert response.json()["participantType"] == "youth"
    assert response.json()["lifeSatisfaction"] == 7
    assert stored(db) == [("youth", 7)]
    read = client.get(f"/sessions/{resident.session_id}/ballot", headers=resident.headers)
    assert (read.json()["participantType"], read.json()["lifeSatisfaction"]) == ("youth", 7)


def test_replacing_a_ballot_replaces_both_answers_and_leaving_them_out_clears_them(
    client: TestClient, db: Session, resident: Resident, tilburg: Place
):
    ranking = tilburg.priority_ids[:2]
    put_ballot(
        client, resident, {"ranking": ranking, "participantType": "business", "lifeSatisfaction": 3}
    )
    assert (
        put_ballot(client, resident, {"ranking": ranking, "lifeSatisfaction": 0}).status_code == 200
    )
    assert stored(db) == [(None, 0)]
    put_ballot(client, resident, {"ranking": ranking, "participantType": "organisation"})
    assert stored(db) == [("organisation", None)]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("participantType", "alien"),
        ("participantType", ""),
        ("lifeSatisfaction", 11),
        ("lifeSatisfaction", -1),
        ("lifeSatisfaction", 7.5),
        ("lifeSatisfaction", "very"),
    ],
)
def test_a_bad_participant_type_or_life_satisfaction_is_a_bilingual_4xx_and_writes_nothing(
    client: TestClient, db: Session, resident: Resident, tilburg: Place, field, value
):
    before = row_counts(db)
    body = {"ranking": tilburg.priority_ids[:2], field: value}
    response = put_ballot(client, resident, body)
    problem = assert_problem(response, response.status_code)
    assert 400 <= response.status_code < 500
    assert any(field in param["name"] for param in problem.get("invalidParams", [])), problem
    dutch = client.put(
        f"/sessions/{resident.session_id}/ballot",
        json=body,
        headers={**resident.headers, "Accept-Language": "nl"},
    )
    assert dutch.json()["detail"] != problem["detail"]
    assert row_counts(db) == before


def test_an_organisation_pledges_under_its_public_name(
    client: TestClient, db: Session, resident: Resident, tilburg: Place
):
    put_ballot(
        client, resident, {"ranking": tilburg.priority_ids[:1], "participantType": "organisation"}
    )
    body = {
        "kind": "space",
        "organisationName": "Scouting Tilburg",
        "organisationKind": "vereniging",
    }
    response = pledge(client, resident, body)
    assert response.status_code == 201, response.text
    assert response.json()["organisationName"] == "Scouting Tilburg"
    row = db.execute(text("SELECT organisation_name, organisation_kind FROM pledges")).one()
    db.commit()
    assert tuple(row) == ("Scouting Tilburg", "vereniging")


def test_the_pledge_may_say_itself_that_it_is_made_for_a_business(
    client: TestClient, resident: Resident
):
    body = {
        "kind": "materials",
        "participantType": "business",
        "organisationName": "Bakkerij Ons Brood",
    }
    response = pledge(client, resident, body)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("ballot_type", "body"),
    [
        ("resident", {"kind": "time", "organisationName": "Club"}),
        (None, {"kind": "time", "organisationName": "Club"}),
        ("business", {"kind": "time", "participantType": "youth", "organisationName": "Club"}),
        ("organisation", {"kind": "time", "organisationKind": "school"}),
        ("organisation", {"kind": "time", "organisationName": "x" * 121}),
        (
            "organisation",
            {"kind": "time", "organisationName": "Club", "organisationKind": "y" * 61},
        ),
        (
            "organisation",
            {
                "kind": "time",
                "organisationName": "Club",
                "contact": "a@b.nl",
                "contactConsent": True,
            },
        ),
    ],
)
def test_an_organisation_name_is_refused_where_it_does_not_belong(
    client: TestClient, db: Session, tilburg: Place, ballot_type, body
):
    resident = check_in(client, tilburg.join_code)
    if ballot_type:
        ballot = {"ranking": tilburg.priority_ids[:1], "participantType": ballot_type}
        assert put_ballot(client, resident, ballot).status_code == 200
    before = row_counts(db)
    response = pledge(client, resident, body)
    assert response.status_code in (400, 422), response.text
    assert_problem(response, response.status_code)
    assert row_counts(db) == before
