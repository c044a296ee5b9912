"""Rate limits (the `limits` library, in memory per app instance)."""

import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter

from api.core.problems import TooManyRequests


class RateLimiter:
    """Named limits such as `"30/minute"`, counted per key; exceeding one is a 429."""

    def __init__(self) -> None:
        self._limiter = SlidingWindowCounterRateLimiter(MemoryStorage())

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

    def count(self, limit: str, *key: str) -> None:
        """Count one event (a failed login, say) without refusing anything now."""
        self._limiter.hit(parse(limit), *key)

    def reset(self, limit: str, *key: str) -> None:
        self._limiter.clear(parse(limit), *key)

    def retry_after(self, item: RateLimitItem, *key: str) -> int:
        reset_at = self._limiter.get_window_stats(item, *key).reset_time
        return max(1, math.ceil(reset_at - time.time()))
