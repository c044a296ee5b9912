"""The resident's ballot: one per participant, replaced by a second PUT, bad input refused."""

import json
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from api.sessions.models import DialogueSession
from tests.helpers import assert_problem
from tests.resident.conftest import Resident, check_in, row_counts
from tests.support.places import Place


def put_ballot(client: TestClient, resident: Resident, body, *, key: str | None = None, **kwargs):
    headers = dict(resident.headers)
    if key:
        headers["Idempotency-Key"] = key
    return client.put(
        f"/sessions/{resident.session_id}/ballot", json=body, headers=headers, **kwargs
    )


def stored_ballots(db: Session) -> list[dict]:
    """Every ballot with its items in rank order (the read is committed right away).

    Also proves that the ranking kept on the ballot row is exactly its items.
    """
    ballots = [
        dict(row)
        for row in db.execute(
            text(
                "SELECT id, participant_id, session_id, dialogue_id, neighbourhood_id, age_band,"
                " ranked_count, ranking AS ranking_on_ballot, revision FROM ballots ORDER BY id"
            )
        ).mappings()
    ]
    for ballot in ballots:
        ballot["ranking"] = list(
            db.execute(
                text("SELECT priority_id FROM ballot_items WHERE ballot_id = :id ORDER BY rank"),
                {"id": ballot["id"]},
            ).scalars()
        )
        assert ballot.pop("ranking_on_ballot") == ",".join(map(str, ballot["ranking"]))
    db.commit()
    return ballots


@pytest.mark.both_databases
def test_a_ballot_is_stored_with_its_ranking_neighbourhood_and_age_band(
    client: TestClient, db: Session, resident: Resident, tilburg: Place
):
    ranking = [tilburg.priority_ids[2], tilburg.priority_ids[0], tilburg.priority_ids[4]]
    response = put_ballot(
        client,
        resident,
        {"ranking": ranking, "neighbourhoodCode": tilburg.buurten[1], "ageBand": "65+"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body == {
        **body,
        "sessionId": tilburg.session_id,
        "ranking": ranking,
        "neighbourhoodCode": tilburg.buurten[1],
        "ageBand": "65+",
        "assisted": False,
        "revision": 1,
    }
    (stored,) = stored_ballots(db)
    assert stored["participant_id"] == resident.participant_id
    assert (stored["session_id"], stored["dialogue_id"]) == (
        tilburg.session_id,
        tilburg.dialogue_id,
    )
    assert (stored["ranking"], stored["ranked_count"], stored["age_band"]) == (ranking, 3, "65+")
    assert stored["neighbourhood_id"] is not None
    read = client.get(f"/sessions/{tilburg.session_id}/ballot", headers=resident.headers).json()
    assert {k: read[k] for k in ("ranking", "neighbourhoodCode", "ageBand", "revision")} == {
        "ranking": ranking,
        "neighbourhoodCode": tilburg.buurten[1],
        "ageBand": "65+",
        "revision": 1,
    }


@pytest.mark.both_databases
def test_a_second_put_replaces_the_first_ballot(
    client: TestClient, db: Session, resident: Resident, tilburg: Place
):
    first = put_ballot(
        client,
        resident,
        {"ranking": tilburg.priority_ids, "neighbourhoodCode": tilburg.buurten[0], "ageBand": "18-24"},
    )  # fmt: skip
    assert first.json()["revision"] == 1
    second = put_ballot(client, resident, {"ranking": tilburg.priority_ids[3:1:-1]})
    assert second.status_code == 200, second.text
    assert second.json()["revision"] == 2
    assert second.json()["ranking"] == tilburg.priority_ids[3:1:-1]
    (stored,) = stored_ballots(db)
    assert stored["ranking"] == tilburg.priority_ids[3:1:-1]
    assert (stored["revision"], stored["ranked_count"]) == (2, 2)
    assert stored["neighbourhood_id"] is None and stored["age_band"] is None
    counts = row_counts(db)
    assert (counts["ballots"], counts["ballot_items"], counts["participants"]) == (1, 2, 1)


@pytest.mark.parametrize("k", [1, 3, 5])
def test_ranking_only_the_top_few_priorities_is_enough(
    client: TestClient, db: Session, resident: Resident, tilburg: Place, k: int
):
    ranking = list(reversed(tilburg.priority_ids))[:k]
    assert put_ballot(client, resident, {"ranking": ranking}).status_code == 200
    (stored,) = stored_ballots(db)
    assert (stored["ranking"], stored["ranked_count"]) == (ranking, k)


def test_a_wijk_code_is_accepted_as_home_neighbourhood(
    client: TestClient, db: Session, resident: Resident, tilburg: Place
):
    response = put_ballot(
        client, resident, {"ranking": tilburg.priority_ids[:1], "neighbourhoodCode": tilburg.wijk}
    )
    assert response.status_code == 200, response.text
    assert response.json()["neighbourhoodCode"] == tilburg.wijk
    read = client.get(f"/sessions/{tilburg.session_id}/ballot", headers=resident.headers).json()
    assert read["neighbourhoodCode"] == tilburg.wijk


@pytest.mark.parametrize("age_band", ["12-17", "18-24", "25-44", "45-64", "65+", None])
def test_every_age_band_is_accepted(client: TestClient, resident: Resident, tilburg, age_band):
    response = put_ballot(client, resident, {"ranking": tilburg.priority_ids[:2], "ageBand": age_band})  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.json()["ageBand"] == age_band


def bad_ballots(tilburg: Place, den_bosch: Place) -> dict[str, tuple[object, str]]:
    """Bodies that must be refused with a 400, and a word the problem must mention."""
    p = tilburg.priority_ids
    return {
        "priority of another dialogue": (
            {"ranking": [p[0], den_bosch.priority_ids[0]]},
            "ranking.1",
        ),
        "unknown priority": ({"ranking": [p[0], 999999]}, "999999"),
        "negative priority": ({"ranking": [-1]}, "ranking"),
        "duplicate priority": ({"ranking": [p[0], p[1], p[0]]}, "once"),
        "empty ranking": ({"ranking": []}, "ranking"),
        "no ranking": ({"ageBand": "65+"}, "ranking"),
        "ranking not a list": ({"ranking": p[0]}, "ranking"),
        "text for a priority": ({"ranking": ["meer groen"]}, "ranking"),
        "over 30 priorities": ({"ranking": list(range(1, 32))}, "ranking"),
        "unknown field": ({"ranking": p[:2], "name": "Jan"}, "name"),
        "snake_case field": ({"ranking": p[:2], "age_band": "65+"}, "age_band"),
        "neighbourhood of another municipality": (
            {"ranking": p[:2], "neighbourhoodCode": den_bosch.buurten[0]},
            "neighbourhoodCode",
        ),  # fmt: skip
        "wijk of another municipality": (
            {"ranking": p[:2], "neighbourhoodCode": den_bosch.wijk},
            "neighbourhoodCode",
        ),  # fmt: skip
        "unknown buurt": (
            {"ranking": p[:2], "neighbourhoodCode": "BU08559999"},
            "neighbourhoodCode",
        ),  # fmt: skip
        "postcode for a neighbourhood": (
            {"ranking": p[:2], "neighbourhoodCode": "5038"},
            "neighbourhoodCode",
        ),  # fmt: skip
        "municipality for a neighbourhood": (
            {"ranking": p[:2], "neighbourhoodCode": "GM0855"},
            "neighbourhoodCode",
        ),  # fmt: skip
        "bad age band": ({"ranking": p[:2], "ageBand": "30-40"}, "ageBand"),
        "age as a number": ({"ranking": p[:2], "ageBand": 42}, "ageBand"),
        "a list for a body": ([p[0]], "body"),
    }


def test_every_bad_ballot_is_a_400_problem_and_writes_nothing(
    client: TestClient, db: Session, resident: Resident, tilburg: Place, den_bosch: Place
):
    first = {"ranking": tilburg.priority_ids[:2], "neighbourhoodCode": tilburg.buurten[0]}
    assert put_ballot(client, resident, first).status_code == 200
    before, ballots_before = row_counts(db), stored_ballots(db)
    for case, (body, mention) in bad_ballots(tilburg, den_bosch).items():
        for key in (None, str(uuid.uuid4())):
            response = put_ballot(client, resident, body, key=key)
            assert response.status_code == 400, f"{case}: {response.text}"
            assert_problem(response, 400, mentions=mention)
            assert row_counts(db) == before, case
    assert stored_ballots(db) == ballots_before


@pytest.mark.both_databases
def test_a_ballot_for_a_fresh_participant_that_is_refused_leaves_no_ballot(
    client: TestClient, db: Session, resident: Resident, tilburg: Place, den_bosch: Place
):
    before = row_counts(db)
    for case, (body, _) in bad_ballots(tilburg, den_bosch).items():
        assert put_ballot(client, resident, body, key=str(uuid.uuid4())).status_code == 400, case
    assert row_counts(db) == before
    assert_problem(client.get(f"/sessions/{tilburg.session_id}/ballot", headers=resident.headers), 404)  # fmt: skip


def test_malformed_json_is_a_400_problem_and_writes_nothing(
    client: TestClient, db: Session, resident: Resident, tilburg: Place
):
    before = row_counts(db)
    for raw in (b'{"ranking": [1, 2', b"ranking=1,2", b"", b'{"ranking": [1,2]} trailing'):
        response = client.put(
            f"/sessions/{tilburg.session_id}/ballot",
            content=raw,
            headers={**resident.headers, "Content-Type": "application/json"},
        )
        assert_problem(response, 400)
    assert row_counts(db) == before


def test_an_oversized_body_is_a_413_problem_and_writes_nothing(
    client: TestClient, db: Session, resident: Resident, tilburg: Place
):
    before = row_counts(db)
    padding = "x" * (70 * 1024)
    body = json.dumps({"ranking": tilburg.priority_ids[:2], "ageBand": padding}).encode()
    declared = client.put(
        f"/sessions/{tilburg.session_id}/ballot",
        content=body,
        headers={**resident.headers, "Content-Type": "application/json"},
    )
    assert_problem(declared, 413, mentions="bytes")

    def chunks():
        for start in range(0, len(body), 4096):
            yield body[start : start + 4096]

    streamed = client.put(
        f"/sessions/{tilburg.session_id}/ballot",
        content=chunks(),
        headers={**resident.headers, "Content-Type": "application/json"},
    )
    assert_problem(streamed, 413)
    assert row_counts(db) == before


@pytest.mark.both_databases
@pytest.mark.parametrize("status", ["closed", "planned"])
def test_a_ballot_for_a_session_that_is_not_open_is_a_409_and_writes_nothing(
    client: TestClient, db: Session, resident: Resident, tilburg: Place, status: str
):
    assert put_ballot(client, resident, {"ranking": tilburg.priority_ids[:2]}).status_code == 200
    row = db.get(DialogueSession, tilburg.session_id)
    row.status = status
    db.add(row)
    db.commit()
    before, ballots_before = row_counts(db), stored_ballots(db)
    for key in (None, str(uuid.uuid4())):
        response = put_ballot(client, resident, {"ranking": tilburg.priority_ids[3:]}, key=key)
        assert_problem(response, 409, mentions="not open" if status == "planned" else "closed")
    assert row_counts(db) == before
    assert stored_ballots(db) == ballots_before


@pytest.mark.both_databases
def test_ballots_of_different_participants_are_kept_apart(
    client: TestClient, db: Session, tilburg: Place, den_bosch: Place
):
    one, two = check_in(client, tilburg.join_code), check_in(client, tilburg.join_code)
    three = check_in(client, den_bosch.join_code)
    put_ballot(client, one, {"ranking": tilburg.priority_ids[:1]})
    put_ballot(client, two, {"ranking": tilburg.priority_ids[1:3]})
    put_ballot(client, three, {"ranking": den_bosch.priority_ids[:2]})
    put_ballot(client, one, {"ranking": tilburg.priority_ids[4:]})
    by_participant = {b["participant_id"]: b for b in stored_ballots(db)}
    assert by_participant[one.participant_id]["ranking"] == tilburg.priority_ids[4:]
    assert by_participant[one.participant_id]["revision"] == 2
    assert by_participant[two.participant_id]["ranking"] == tilburg.priority_ids[1:3]
    assert by_participant[three.participant_id]["dialogue_id"] == den_bosch.dialogue_id
    assert row_counts(db)["ballot_items"] == 1 + 2 + 2
