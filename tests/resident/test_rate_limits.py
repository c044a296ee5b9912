"""Limits on resident writes: per participant token and per session, never per IP alone."""

import time

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.core.config import Settings
from tests.api.conftest import Place
from tests.helpers import assert_problem
from tests.resident.conftest import check_in, row_counts
from tests.resident.test_ballots import put_ballot
from tests.resident.test_pledges import pledge


class _ClockAtAMinutesStart:
    """The `time` module, but with `time()` moved on so that it was one second past a full
    minute when it was made; it runs at the real pace from there."""

    def __init__(self) -> None:
        now = time.time()
        self._shift = 61 - now % 60

    def time(self) -> float:
        return time.time() + self._shift

    def __getattr__(self, name: str):  # noqa: ANN204  (everything else as in `time`)
        return getattr(time, name)


@pytest.fixture
def settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Small limits, so a handful of requests reach them, sent within one limit window.

    The limiter counts in clock-aligned minutes and weighs the previous minute by what is left
    of it: just after a minute turns, the last minute's 7 weigh 6.99, so one more goes through.
    The limiter's clock (and the Retry-After computed from it) is therefore set to start the
    test one second into a minute, so that its requests (a few seconds' worth even on a slow
    machine) all fall in one minute, without waiting for the next minute to begin.
    """
    import limits.storage.memory
    import limits.strategies

    from api.core import ratelimit

    clock = _ClockAtAMinutesStart()
    for module in (limits.storage.memory, limits.strategies, ratelimit):
        monkeypatch.setattr(module, "time", clock)
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
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
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
