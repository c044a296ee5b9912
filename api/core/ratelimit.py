"""Rate limits and lockouts: exact sliding windows, shared through PostgreSQL, in memory on SQLite.

A limit such as `"30/minute"` is counted per key in `SLOTS` buckets of 1/`BUCKETS` of its
period (the current bucket and the `BUCKETS` before it). Every hit of the last full period
lies in those buckets, so the limit holds in *every* window of the period's length, also
across the turn of a minute: no extra request slips through there. The price is that a hit
is forgotten a little late, between one period and one period plus a bucket after it; a
`Retry-After` can therefore be a bucket longer than the period (61 s for a minute).

On PostgreSQL every app instance counts in one table (`rate_limits`, UNLOGGED: the counters
need not survive a crash of the database): a hit is one atomic upsert that counts only if
the limit allows it, so instances never count past a limit together. On SQLite (one process)
the same counters live in this process's memory. Neither starts a timer or a thread per
call: memory entries past their expiry are swept every 10,000 hits, and `purge_expired`
deletes expired rows (the refresher's leader every 5 minutes, and `welvaartgesprek purge`).
"""

import math
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

import psycopg
from limits import parse_many
from sqlalchemy import JSON, BigInteger, Column, Engine, Integer, create_engine, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from api.core.db import WRITER_THREADS
from api.core.problems import TooManyRequests

BUCKETS = 60
SLOTS = BUCKETS + 1
_REMEMBER = "remember"
_PURGE_EVERY = 10_000  # hits between two sweeps of the memory counters
_NO_HITS = (0,) * SLOTS


class RateLimitCounter(SQLModel, table=True):
    """One limit's buckets for one key (or a remembered key), shared by the app instances.

    Used on PostgreSQL only (UNLOGGED there); times are milliseconds since the epoch.
    """

    __tablename__ = "rate_limits"

    counter: str = Field(primary_key=True, max_length=400)
    head: int = Field(sa_type=BigInteger)
    counts: list[int] = Field(
        sa_column=Column(JSON().with_variant(ARRAY(Integer), "postgresql"), nullable=False)
    )
    expires_at: int = Field(sa_type=BigInteger, index=True)


@dataclass(frozen=True)
class Window:
    """One limit: `amount` hits per `period_ms`, counted in buckets of `bucket_ms`."""

    amount: int
    period_ms: int
    bucket_ms: int

    def counter(self, key: Sequence[str]) -> str:
        return "/".join((f"{self.amount}:{self.period_ms}", *key))

    def bucket(self, now_ms: int) -> int:
        return now_ms // self.bucket_ms

    def expiry_ms(self, head: int) -> int:
        """When every hit up to bucket `head` is forgotten."""
        return (head + SLOTS) * self.bucket_ms


@cache
def windows(limit: str) -> tuple[Window, ...]:
    """`"30/minute"`, or several at once: `"40/minute;240/hour"` (all of them apply)."""
    parsed = []
    for item in parse_many(limit):
        period_ms = item.get_expiry() * 1000
        # Rounded up, so that the counted buckets always span at least the whole period.
        parsed.append(Window(item.amount, period_ms, math.ceil(period_ms / BUCKETS)))
    return tuple(parsed)


def shifted(head: int, counts: Sequence[int], bucket: int) -> list[int]:
    """The counts (oldest first, the last one bucket `head`) as seen from bucket `bucket`."""
    shift = min(max(bucket - head, 0), SLOTS)
    return [*counts[shift:], *([0] * shift)]


def wait_ms(window: Window, head: int, counts: Sequence[int], now_ms: int) -> int:
    """Milliseconds until one more hit fits in `window` (0: it fits now)."""
    bucket = max(window.bucket(now_ms), head)
    seen = shifted(head, counts, bucket)
    excess = sum(seen) + 1 - window.amount
    if excess <= 0:
        return 0
    for slot, hits in enumerate(seen):
        excess -= hits
        if excess <= 0:  # this slot's bucket leaves the count when `bucket` has moved past it
            return (bucket + slot + 1) * window.bucket_ms - now_ms
    return window.expiry_ms(bucket) - now_ms  # the limit is 0: nothing ever fits


def _now_ms() -> int:
    return int(time.time() * 1000)


def rate_limiter_for(engine: Engine) -> "RateLimiter":
    """Counters shared through PostgreSQL, or in this process's memory on SQLite."""
    if engine.dialect.name == "postgresql":
        return PostgresRateLimiter(engine)
    return MemoryRateLimiter()


class RateLimiter(ABC):
    """Named limits such as `"30/minute"`, counted per key; exceeding one is a 429."""

    shared = False  # True: counted in the database (each call a round trip, not for the loop)

    def allows(self, limit: str, *key: str) -> bool:
        """Count one request for `key` if every limit allows it; False (nothing counted) if not.

        Testing and counting are one step, so parallel requests can't all pass the test first.
        """
        return self._take(windows(limit), key, _now_ms())

    def would_allow(self, limit: str, *key: str) -> bool:
        """Whether one more event for `key` stays within every limit (nothing is counted)."""
        now_ms = _now_ms()
        return all(self._wait_ms(window, key, now_ms) == 0 for window in windows(limit))

    def hit(self, limit: str, *key: str, message: str, nl: str | None = None) -> None:
        """Count one request for `key`; raise 429 with `Retry-After` once over the limit."""
        if not self.allows(limit, *key):
            raise TooManyRequests(message, nl=nl, retry_after=self.retry_after(limit, *key))

    def check(self, limit: str, *key: str, message: str, nl: str | None = None) -> None:
        """Raise 429 if `key` is already over the limit, without counting this request."""
        retry_after = self.retry_after(limit, *key, refused_only=True)
        if retry_after:
            raise TooManyRequests(message, nl=nl, retry_after=retry_after)

    def count(self, limit: str, *key: str) -> None:
        """Count one event (a failed login, say) without refusing anything now."""
        now_ms = _now_ms()
        for window in windows(limit):
            self._add(window, key, now_ms)

    def reset(self, limit: str, *key: str) -> None:
        self._clear([window.counter(key) for window in windows(limit)])

    def retry_after(self, limit: str, *key: str, refused_only: bool = False) -> int:
        """Whole seconds until every limit that is used up lets one request through again.

        At least 1; with `refused_only`, 0 when every limit lets one through now.
        """
        now_ms = _now_ms()
        waited = max((self._wait_ms(window, key, now_ms) for window in windows(limit)), default=0)
        if waited == 0 and refused_only:
            return 0
        return max(1, math.ceil(waited / 1000))

    def remember(self, seconds: int, *key: str) -> None:
        """Note `key` for `seconds` from now (e.g. a client that signed in to an account)."""
        self._remember("/".join((_REMEMBER, *key)), _now_ms() + seconds * 1000)

    def remembers(self, *key: str) -> bool:
        """Whether `key` was noted with `remember` and has not expired."""
        return self._remembers("/".join((_REMEMBER, *key)), _now_ms())

    @abstractmethod
    def atomic(self) -> AbstractContextManager[None]:
        """Hold this while testing and counting several keys as one step.

        Without it, parallel requests can all pass `would_allow` before any of them is
        counted; inside it, "test every key, then count every key" cannot interleave with
        another request doing the same (in every app instance that shares the counters).
        """

    @abstractmethod
    def _take(self, limits: Sequence[Window], key: Sequence[str], now_ms: int) -> bool:
        """Count one hit in every window if each has room; else count nothing."""

    @abstractmethod
    def _add(self, window: Window, key: Sequence[str], now_ms: int) -> None:
        """Count one hit, room or not."""

    @abstractmethod
    def _wait_ms(self, window: Window, key: Sequence[str], now_ms: int) -> int:
        """Milliseconds until one more hit fits (0: now)."""

    @abstractmethod
    def _clear(self, counters: Sequence[str]) -> None:
        """Forget these counters."""

    @abstractmethod
    def _remember(self, name: str, until_ms: int) -> None:
        """Note `name` until `until_ms`."""

    @abstractmethod
    def _remembers(self, name: str, now_ms: int) -> bool:
        """Whether `name` is noted until after `now_ms`."""


class MemoryRateLimiter(RateLimiter):
    """The counters in this process's memory (SQLite: one app process)."""

    def __init__(self) -> None:
        self._atomic = threading.RLock()
        self._counters: dict[str, tuple[int, list[int], int]] = {}  # head, counts, expiry
        self._remembered: dict[str, int] = {}
        self._hits = 0

    @contextmanager
    def atomic(self) -> Iterator[None]:
        with self._atomic:
            yield

    def _take(self, limits: Sequence[Window], key: Sequence[str], now_ms: int) -> bool:
        # Each counter looked up and shifted once: this runs before every resident write.
        with self._atomic:
            current = [(window, *self._current(window, key, now_ms)) for window in limits]
            if any(sum(counts) >= window.amount for window, _name, _bucket, counts in current):
                return False
            for window, name, bucket, counts in current:
                self._count(window, name, bucket, counts, now_ms)
            return True

    def _add(self, window: Window, key: Sequence[str], now_ms: int) -> None:
        with self._atomic:
            self._count(window, *self._current(window, key, now_ms), now_ms)

    def _current(
        self, window: Window, key: Sequence[str], now_ms: int
    ) -> tuple[str, int, list[int]]:
        """A counter's name, the bucket of now, and its counts as seen from that bucket."""
        name = window.counter(key)
        head, counts, _expiry = self._counters.get(name, (0, _NO_HITS, 0))
        bucket = max(window.bucket(now_ms), head)
        if bucket != head or counts is _NO_HITS:
            counts = shifted(head, counts, bucket)  # a list of the counter's own
        return name, bucket, counts

    def _count(
        self, window: Window, name: str, bucket: int, counts: list[int], now_ms: int
    ) -> None:
        """Add one hit to the counts `_current` gave and keep them."""
        counts[-1] += 1
        self._counters[name] = (bucket, counts, window.expiry_ms(bucket))
        self._hits += 1
        if self._hits % _PURGE_EVERY == 0:
            self._purge(now_ms)

    def _wait_ms(self, window: Window, key: Sequence[str], now_ms: int) -> int:
        with self._atomic:
            found = self._counters.get(window.counter(key))
        if found is None:
            return 0 if window.amount > 0 else window.period_ms
        head, counts, _expiry = found
        return wait_ms(window, head, counts, now_ms)

    def _clear(self, counters: Sequence[str]) -> None:
        with self._atomic:
            for name in counters:
                self._counters.pop(name, None)

    def _remember(self, name: str, until_ms: int) -> None:
        with self._atomic:
            self._remembered[name] = until_ms

    def _remembers(self, name: str, now_ms: int) -> bool:
        return self._remembered.get(name, 0) > now_ms

    def _purge(self, now_ms: int) -> None:
        for name in [n for n, (_h, _c, expiry) in self._counters.items() if expiry <= now_ms]:
            del self._counters[name]
        for name in [n for n, until in self._remembered.items() if until <= now_ms]:
            del self._remembered[name]


# One statement per hit: insert the counter, or (its row locked) shift its buckets to now and
# add the hit, but only WHERE the shifted counts leave room. No row back: refused. Written for
# the driver (psycopg) directly: the limiter runs before every resident write.
_SHIFT = "least(greatest(%(bucket)s::bigint - r.head, 0), %(slots)s)::integer"
_SHIFTED = f"(r.counts[{_SHIFT} + 1 : %(slots)s] || array_fill(0, ARRAY[{_SHIFT}]))"
_TAKE = f"""
    INSERT INTO rate_limits AS r (counter, head, counts, expires_at)
    VALUES (%(counter)s, %(bucket)s, array_fill(0, ARRAY[%(slots)s::integer - 1]) || 1, %(expires_at)s)
    ON CONFLICT (counter) DO UPDATE SET
        head = greatest(%(bucket)s::bigint, r.head),
        counts = {_SHIFTED}[1 : %(slots)s - 1] || ({_SHIFTED}[%(slots)s] + 1),
        expires_at = greatest(%(expires_at)s::bigint, r.expires_at)
    WHERE %(limited)s = 0 OR (
        SELECT coalesce(sum(c), 0) FROM unnest(r.counts[{_SHIFT} + 1 : %(slots)s]) AS c
    ) < %(amount)s
    RETURNING 1
"""
_STATE = "SELECT head, counts FROM rate_limits WHERE counter = %(counter)s"
_CLEAR = "DELETE FROM rate_limits WHERE counter = ANY(%(counters)s)"
_REMEMBER_SQL = """
    INSERT INTO rate_limits AS r (counter, head, counts, expires_at)
    VALUES (%(counter)s, 0, '{}', %(expires_at)s)
    ON CONFLICT (counter) DO UPDATE SET expires_at = excluded.expires_at
"""
_REMEMBERS = "SELECT 1 FROM rate_limits WHERE counter = %(counter)s AND expires_at > %(now)s"
_LOCK_ALL = "SELECT pg_advisory_xact_lock(%(lock)s)"
_ATOMIC_LOCK = 0x57475F524C  # "WG_RL": the lock `atomic` holds, in every instance


class PostgresRateLimiter(RateLimiter):
    """The counters in PostgreSQL's `rate_limits`, shared by every app instance.

    Its connections are a small pool of their own (one per database in the process), in
    autocommit and without a ping before each use (one round trip per hit): a connection that
    turns out dead is dropped and the statement sent once more on a fresh one.
    """

    shared = True

    def __init__(self, engine: Engine) -> None:
        self._pool = _pool_for(engine.url.render_as_string(hide_password=False))
        self._local = threading.local()

    def _run(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """Run one statement: in this thread's `atomic` transaction, or on its own."""
        held = getattr(self._local, "connection", None)
        if held is not None:
            return _fetch(held.execute(sql, params))
        for attempt in range(2):
            with _as_database_error(sql, params):
                raw = self._pool.raw_connection()
                try:
                    return _fetch(raw.driver_connection.execute(sql, params))
                except psycopg.OperationalError:
                    raw.invalidate()
                    if attempt:
                        raise
                finally:
                    raw.close()
        raise AssertionError("unreachable")

    @contextmanager
    def atomic(self) -> Iterator[None]:
        with self._transaction() as connection:
            connection.execute(_LOCK_ALL, {"lock": _ATOMIC_LOCK})
            yield

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection[Any]]:
        """One transaction for this thread's statements (joined if one is open)."""
        held = getattr(self._local, "connection", None)
        if held is not None:
            with held.transaction():  # a savepoint
                yield held
            return
        with _as_database_error("BEGIN", {}):
            raw = self._pool.raw_connection()
        try:
            connection = raw.driver_connection
            with _as_database_error("COMMIT", {}), connection.transaction():
                self._local.connection = connection
                try:
                    yield connection
                finally:
                    self._local.connection = None
        finally:
            raw.close()

    def _upsert(self, window: Window, key: Sequence[str], *, now_ms: int, limited: bool) -> bool:
        bucket = window.bucket(now_ms)
        params = {
            "counter": window.counter(key),
            "bucket": bucket,
            "expires_at": window.expiry_ms(bucket),
            "slots": SLOTS,
            "amount": window.amount,
            "limited": int(limited),
        }
        return bool(self._run(_TAKE, params))

    def _take(self, limits: Sequence[Window], key: Sequence[str], now_ms: int) -> bool:
        if any(window.amount <= 0 for window in limits):
            return False
        if len(limits) == 1:
            return self._upsert(limits[0], key, now_ms=now_ms, limited=True)
        # All of them or none: each counted row stays locked until the commit, and a refusal
        # rolls the others back. Always in the same order, so two never wait for each other.
        taken = True
        with self._transaction():
            for window in limits:
                taken = self._upsert(window, key, now_ms=now_ms, limited=True)
                if not taken:
                    raise psycopg.Rollback  # psycopg ends the block here, rolled back
        return taken

    def _add(self, window: Window, key: Sequence[str], now_ms: int) -> None:
        self._upsert(window, key, now_ms=now_ms, limited=False)

    def _wait_ms(self, window: Window, key: Sequence[str], now_ms: int) -> int:
        found = self._run(_STATE, {"counter": window.counter(key)})
        if not found:
            return 0 if window.amount > 0 else window.period_ms
        head, counts = found[0]
        return wait_ms(window, head, counts, now_ms)

    def _clear(self, counters: Sequence[str]) -> None:
        self._run(_CLEAR, {"counters": list(counters)})

    def _remember(self, name: str, until_ms: int) -> None:
        self._run(_REMEMBER_SQL, {"counter": name, "expires_at": until_ms})

    def _remembers(self, name: str, now_ms: int) -> bool:
        return bool(self._run(_REMEMBERS, {"counter": name, "now": now_ms}))


@cache  # one pool per database for the process, however many apps it builds (tests do)
def _pool_for(url: str) -> Engine:
    # As many kept connections as writer threads, each of which counts a resident write: a
    # smaller pool opened and closed an overflow connection for a quarter of the writes.
    return create_engine(
        url, isolation_level="AUTOCOMMIT", pool_size=WRITER_THREADS, max_overflow=12
    )


@contextmanager
def _as_database_error(statement: str, params: dict[str, Any]) -> Iterator[None]:
    """The driver's errors as SQLAlchemy's, so that the app answers a database that is down
    with its 503 (as for every other statement) rather than a 500."""
    try:
        yield
    except psycopg.Error as error:
        raise sa_exc.DBAPIError.instance(statement, params, error, psycopg.Error) from error


def _fetch(cursor: Any) -> list[tuple[Any, ...]]:
    return cursor.fetchall() if cursor.description else []


def purge_expired(engine: Engine) -> int:
    """Delete the shared counters that have forgotten every hit; returns how many."""
    if engine.dialect.name != "postgresql":
        return 0
    with engine.begin() as connection:
        return connection.execute(
            text("DELETE FROM rate_limits WHERE expires_at <= :now"), {"now": _now_ms()}
        ).rowcount
