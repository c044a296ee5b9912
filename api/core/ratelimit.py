"""Rate limits (the `limits` library, in memory per app instance)."""

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter

from api.core.problems import TooManyRequests


@cache
def _items(limit: str) -> tuple[RateLimitItem, ...]:
    """`"30/minute"`, or several at once: `"40/minute;240/hour"` (all of them apply)."""
    return tuple(parse_many(limit))


class RateLimiter:
    """Named limits such as `"30/minute"`, counted per key; exceeding one is a 429."""

    def __init__(self) -> None:
        self._storage = MemoryStorage()
        self._limiter = SlidingWindowCounterRateLimiter(self._storage)
        self._atomic = threading.RLock()

    def allows(self, limit: str, *key: str) -> bool:
        """Count one request for `key` if every limit allows it; False (nothing counted) if not.

        Testing and counting are one step, so parallel requests can't all pass the test first.
        """
        items = _items(limit)
        with self._atomic:
            if any(not self._limiter.test(item, *key) for item in items):
                return False
            return all([self._limiter.hit(item, *key) for item in items])

    def would_allow(self, limit: str, *key: str) -> bool:
        """Whether one more event for `key` stays within every limit (nothing is counted)."""
        return all(self._limiter.test(item, *key) for item in _items(limit))

    def hit(self, limit: str, *key: str, message: str, nl: str | None = None) -> None:
        """Count one request for `key`; raise 429 with `Retry-After` once over the limit."""

        if not self.allows(limit, *key):
            raise TooManyRequests(message, nl=nl, retry_after=self.retry_after(limit, *key))

    def check(self, limit: str, *key: str, message: str, nl: str | None = None) -> None:
        """Raise 429 if `key` is already over the limit, without counting this request."""
        if not self.would_allow(limit, *key):
            raise TooManyRequests(message, nl=nl, retry_after=self.retry_after(limit, *key))

    def count(self, limit: str, *key: str) -> None:
        """Count one event (a failed login, say) without refusing anything now."""
        for item in _items(limit):
            self._limiter.hit(item, *key)

    def reset(self, limit: str, *key: str) -> None:
        for item in _items(limit):
            self._limiter.clear(item, *key)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Hold this while testing and counting several keys as one step.

        Without it, parallel requests can all pass `would_allow` before any of them is
        counted; inside it, "test every key, then count every key" cannot interleave with
        another request doing the same (in this process; the limits live in memory per
        instance).
        """
        with self._atomic:
            yield

    def remember(self, seconds: int, *key: str) -> None:
        """Note `key` for `seconds` from now (e.g. a client that signed in to an account)."""
        name = "/".join(("remember", *key))
        with self._atomic:
            self._storage.clear(name)
            self._storage.incr(name, seconds)

    def remembers(self, *key: str) -> bool:
        """Whether `key` was noted with `remember` and has not expired."""
        return self._storage.get("/".join(("remember", *key))) > 0

    def retry_after(self, limit: str, *key: str) -> int:
        """Whole seconds until every limit that is used up lets one request through again."""
        waits = [
            self._seconds_until_free(item, *key)
            for item in _items(limit)
            if not self._limiter.test(item, *key)
        ]
        return max(waits, default=1)

    def _seconds_until_free(self, item: RateLimitItem, *key: str) -> int:
        reset_at = self._limiter.get_window_stats(item, *key).reset_time
        return max(1, math.ceil(reset_at - time.time()))
