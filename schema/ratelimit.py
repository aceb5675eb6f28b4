"""A request rate limit per token: a token bucket per principal, in this process.

Each token may make ``per_minute`` requests a minute on average, in bursts of up to
``per_minute`` (a bucket that refills continuously), over every transport: an HTTP
request takes one, and so do a websocket's connection and each operation sent over it
(``schema.ws``). Over it, an HTTP request is refused with 429 and ``Retry-After`` (whole
seconds until one request is allowed again); a websocket operation gets an ``error``
message with the same text, and a websocket connection is closed with code 4429.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

TOO_MANY = "Too many requests for this token; retry later."


class RateLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens a second
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (level, at)
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Spend one request for ``key``: 0 if allowed, else seconds until it would be."""
        now = self._clock()
        with self._lock:
            level, at = self._buckets.get(key, (self.capacity, now))
            level = min(self.capacity, level + (now - at) * self.rate)
            if level >= 1.0:
                self._buckets[key] = (level - 1.0, now)
                return 0.0
            self._buckets[key] = (level, now)
            return (1.0 - level) / self.rate

    @staticmethod
    def retry_after(wait: float) -> str:
        return str(max(1, math.ceil(wait)))
