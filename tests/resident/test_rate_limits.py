"""Limits on resident writes: per participant token and per session, never per IP alone."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.core.config import Settings
from tests.helpers import assert_problem
from tests.resident.conftest import check_in, row_counts
from tests.resident.test_ballots import put_ballot
from tests.resident.test_ideas import send_idea
from tests.resident.test_pledges import pledge
from tests.support.places import Place


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Small limits, so a handful of requests reach them.

    The limiter holds a limit in every window of its period, also across the turn of a
    minute, so the test may start at any moment.
    """
    return settings.model_copy(
        update={"participant_writes_limit": "3/minute", "session_writes_limit": "7/minute"}
    )


def test_a_participant_sending_too_fast_gets_a_429_with_retry_after(
    client: TestClient, db: Session, tilburg: Place
):
    resident = check_in(client, tilburg.join_code)
    put_ballot(client, resident, {"ranking": tilburg.priority_ids[:1]})
    pledge(client, resident, {"kind": "time"})
    put_ballot(client, resident, {"ranking": tilburg.priority_ids[:2]})
    before = row_counts(db)
    for send in (
        lambda: put_ballot(client, resident, {"ranking": tilburg.priority_ids[:3]}),
        lambda: pledge(client, resident, {"kind": "skill"}),
    ):
        limited = send()
        assert_problem(limited, 429, mentions="wait")
        # a hit is forgotten between one minute and one minute plus a bucket (1 s) after it
        assert 1 <= int(limited.headers["Retry-After"]) <= 61
    assert row_counts(db) == before
    # someone else in the same room (same IP) is not held back by it
    neighbour = check_in(client, tilburg.join_code)
    assert put_ballot(client, neighbour, {"ranking": tilburg.priority_ids[:1]}).status_code == 200


def test_a_session_receiving_too_much_at_once_gets_a_429_with_retry_after(
    client: TestClient, db: Session, tilburg: Place, den_bosch: Place
):
    residents = [check_in(client, tilburg.join_code) for _ in range(4)]
    sent = 0
    for resident in residents[:3]:
        for _ in range(2):
            assert put_ballot(client, resident, {"ranking": tilburg.priority_ids[:1]}).status_code == 200  # fmt: skip
            sent += 1
    assert put_ballot(client, residents[3], {"ranking": tilburg.priority_ids[:1]}).status_code == 200  # fmt: skip
    before = row_counts(db)
    limited = put_ballot(client, residents[3], {"ranking": tilburg.priority_ids[:2]})
    assert_problem(limited, 429, mentions="many people")
    assert int(limited.headers["Retry-After"]) >= 1
    assert row_counts(db) == before
    # another session is not affected
    elsewhere = check_in(client, den_bosch.join_code)
    assert put_ballot(client, elsewhere, {"ranking": den_bosch.priority_ids[:1]}).status_code == 200  # fmt: skip


def test_refused_input_does_not_use_up_the_limit(client: TestClient, tilburg: Place):
    resident = check_in(client, tilburg.join_code)
    for _ in range(5):
        assert_problem(put_ballot(client, resident, {"ranking": []}), 400)
    assert put_ballot(client, resident, {"ranking": tilburg.priority_ids[:1]}).status_code == 200


def test_ideas_count_towards_the_participants_write_limit(
    client: TestClient, db: Session, tilburg: Place
):
    resident = check_in(client, tilburg.join_code)
    put_ballot(client, resident, {"ranking": tilburg.priority_ids[:1]})
    pledge(client, resident, {"kind": "time"})
    send_idea(client, resident, {"text": "Een bankje"})
    before = row_counts(db)
    limited = send_idea(client, resident, {"text": "Nog een bankje"})
    assert_problem(limited, 429, mentions="wait")
    assert row_counts(db) == before
