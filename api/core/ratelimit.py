"""Rate limits (the `limits` library, in memory per app instance)."""

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter

from api.core.problems import TooManyRequests


class RateLimiter:
    """Named limits such as `"30/minute"`, counted per key; exceeding one is a 429."""

    def __init__(self) -> None:
        self._storage = MemoryStorage()
        self._limiter = SlidingWindowCounterRateLimiter(self._storage)
        self._atomic = threading.RLock()

    def hit(self, limit: str, *key: str, message: str) -> None:
        """Count one request for `key`; raise 429 with `Retry-After` once over the limit."""
        item = parse(limit)
        if not self._limiter.hit(item, *key):
            raise TooManyRequests(message, retry_after=self.retry_after(item, *key))

    def check(self, limit: str, *key: str, message: str) -> None:
        """Raise 429 if `key` is already over the limit, without counting this request."""
        item = parse(limit)
        if not self._limiter.test(item, *key):
            raise TooManyRequests(message, retry_after=self.retry_after(item, *key))

    def allows(self, limit: str, *key: str) -> bool:
        """Whether one more event for `key` stays within the limit (nothing is counted)."""
        return self._limiter.test(parse(limit), *key)

    def count(self, limit: str, *key: str) -> None:
        """Count one event (a failed login, say) without refusing anything now."""
        self._limiter.hit(parse(limit), *key)

    def reset(self, limit: str, *key: str) -> None:
        self._limiter.clear(parse(limit), *key)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Hold this while testing and counting several keys as one step.

        Without it, parallel requests can all pass `allows` before any of them is counted;
        inside it, "test every key, then count every key" cannot interleave with another
        request doing the same (in this process; the limits live in memory per instance).
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

    def retry_after(self, item: RateLimitItem | str, *key: str) -> int:
        """Whole seconds until one more event for `key` fits the limit again (at least 1)."""
        item = parse(item) if isinstance(item, str) else item
        reset_at = self._limiter.get_window_stats(item, *key).reset_time
        return max(1, math.ceil(reset_at - time.time()))
