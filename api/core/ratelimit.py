"""Rate limits (the `limits` library, in memory per app instance)."""

import math
import time
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
        self._limiter = SlidingWindowCounterRateLimiter(MemoryStorage())

    def allows(self, limit: str, *key: str) -> bool:
        """Count one request for `key` if every limit allows it; False (nothing counted) if not."""
        items = _items(limit)
        if any(not self._limiter.test(item, *key) for item in items):
            return False
        return all([self._limiter.hit(item, *key) for item in items])

    def hit(self, limit: str, *key: str, message: str) -> None:
        """Count one request for `key`; raise 429 with `Retry-After` once over the limit."""
        if not self.allows(limit, *key):
            raise TooManyRequests(message, retry_after=self.retry_after(limit, *key))

    def check(self, limit: str, *key: str, message: str) -> None:
        """Raise 429 if `key` is already over the limit, without counting this request."""
        if any(not self._limiter.test(item, *key) for item in _items(limit)):
            raise TooManyRequests(message, retry_after=self.retry_after(limit, *key))

    def count(self, limit: str, *key: str) -> None:
        """Count one event (a failed login, say) without refusing anything now."""
        for item in _items(limit):
            self._limiter.hit(item, *key)

    def reset(self, limit: str, *key: str) -> None:
        for item in _items(limit):
            self._limiter.clear(item, *key)

    def retry_after(self, limit: str, *key: str) -> int:
        """Seconds until every limit that is used up lets one request through again."""
        waits = [
            self._seconds_until_free(item, *key)
            for item in _items(limit)
            if not self._limiter.test(item, *key)
        ]
        return max(waits, default=1)

    def _seconds_until_free(self, item: RateLimitItem, *key: str) -> int:
        reset_at = self._limiter.get_window_stats(item, *key).reset_time
        return max(1, math.ceil(reset_at - time.time()))
