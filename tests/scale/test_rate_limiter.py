"""The rate limiter holds every limit in every window of its period, on both databases, and on
PostgreSQL two app instances (two limiters on one database) count together."""

import threading
import types
from collections import Counter

import pytest
from sqlalchemy import Engine, func, select

from api.core import ratelimit
from api.core.ratelimit import RateLimitCounter, purge_expired, rate_limiter_for

pytestmark = pytest.mark.both_databases

MINUTE_MS = 60_000


class Clock:
    """The limiter's clock, standing still until the test moves it (milliseconds)."""

    def __init__(self, start_ms: int) -> None:
        self.now_ms = start_ms

    def time(self) -> float:
        return self.now_ms / 1000


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock(1_800_000_000_000)  # a turn of the minute
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=fake.time))
    return fake


def test_no_extra_request_passes_when_a_minute_turns(clean_engine: Engine, clock: Clock):
    limiter = rate_limiter_for(clean_engine)
    clock.now_ms -= 500  # the last half second of a minute
    assert [limiter.allows("7/minute", "room") for _ in range(7)] == [True] * 7
    assert not limiter.allows("7/minute", "room")
    for step_ms in (500, 1_000, 20_000, 30_000):  # into the next minute, still within 60 s
        clock.now_ms += step_ms
        assert not limiter.allows("7/minute", "room"), clock.now_ms
    clock.now_ms += 10_000  # 62 s after the seven: they are forgotten
    assert limiter.allows("7/minute", "room")


def test_retry_after_is_when_the_oldest_hit_is_forgotten(clean_engine: Engine, clock: Clock):
    limiter = rate_limiter_for(clean_engine)
    assert limiter.allows("2/minute", "resident")
    clock.now_ms += 20_000
    assert limiter.allows("2/minute", "resident")
    assert not limiter.allows("2/minute", "resident")
    wait = limiter.retry_after("2/minute", "resident")
    assert 40 <= wait <= 41
    clock.now_ms += (wait - 1) * 1000
    assert not limiter.would_allow("2/minute", "resident")
    clock.now_ms += 1000
    assert limiter.allows("2/minute", "resident")


def test_several_limits_count_all_or_nothing(clean_engine: Engine, clock: Clock):
    limiter = rate_limiter_for(clean_engine)
    for _ in range(3):
        assert limiter.allows("3/minute;4/hour", "client")
    assert not limiter.allows("3/minute;4/hour", "client")
    clock.now_ms += 61_000
    assert limiter.allows("3/minute;4/hour", "client")
    # the refusal above counted nothing against the hour; now it is used up
    clock.now_ms += 61_000
    assert not limiter.allows("3/minute;4/hour", "client")
    assert limiter.would_allow("3/minute", "client")


def test_counting_resetting_and_remembering(clean_engine: Engine, clock: Clock):
    limiter = rate_limiter_for(clean_engine)
    for _ in range(5):
        limiter.count("3/minute", "account")
    assert not limiter.would_allow("3/minute", "account")
    limiter.reset("3/minute", "account")
    assert limiter.would_allow("3/minute", "account")
    limiter.remember(60, "known", "client")
    assert limiter.remembers("known", "client")
    clock.now_ms += 61_000
    assert not limiter.remembers("known", "client")


def test_parallel_hits_from_two_instances_never_pass_the_limit(clean_engine: Engine):
    shared = clean_engine.dialect.name == "postgresql"
    first = rate_limiter_for(clean_engine)
    # SQLite serves from one process: its "instances" are that process's threads
    instances = [first, rate_limiter_for(clean_engine) if shared else first]
    answers: list[bool] = []
    start = threading.Barrier(8)

    def send(number: int) -> None:
        start.wait(timeout=30)
        for _ in range(25):
            answers.append(instances[number % 2].allows("60/minute", "session", "1"))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Counter(answers) == {True: 60, False: 140}
    assert not instances[1].would_allow("60/minute", "session", "1")


def test_expired_counters_are_purged_and_sqlite_never_uses_the_table(
    clean_engine: Engine, clock: Clock
):
    shared = clean_engine.dialect.name == "postgresql"
    limiter = rate_limiter_for(clean_engine)
    limiter.allows("1/minute", "old")
    clock.now_ms += 2 * MINUTE_MS
    limiter.allows("1/minute", "new")
    assert purge_expired(clean_engine) == (1 if shared else 0)
    with clean_engine.connect() as connection:
        rows = connection.execute(select(func.count()).select_from(RateLimitCounter)).scalar()
    assert rows == (1 if shared else 0)
