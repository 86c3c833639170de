"""Retry timing: exponential backoff with full jitter, capped, honouring Retry-After.

Full jitter (a uniform draw between 0 and the exponential ceiling) spreads a fleet of laptops
that all lost the hub at the same moment, so they do not come back in lock-step. The clock and
the random source are injected so tests never sleep and can pin every draw.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

BASE_SECONDS = 2.0
CAP_SECONDS = 15 * 60.0


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent
    or unreadable."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


@dataclass
class Backoff:
    """How long to wait before the next try after `failures` consecutive transient failures."""

    base: float = BASE_SECONDS
    cap: float = CAP_SECONDS
    rand: Callable[[], float] = field(default=random.random)
    # A floor keeps a zero draw from turning a failure into an immediate hot loop.
    floor: float = 0.5

    def delay(self, failures: int, retry_after: float | None = None) -> float:
        if retry_after is not None:
            # The hub told us when; a longer wait than our cap would strand the queue.
            return min(self.cap, max(self.floor, retry_after))
        ceiling = min(self.cap, self.base * (2 ** max(0, min(failures, 30) - 1)))
        return max(self.floor, self.rand() * ceiling)


@dataclass
class RetryTimer:
    """Consecutive-failure count and the next time to try, on an injected clock."""

    clock: Callable[[], datetime]
    backoff: Backoff = field(default_factory=Backoff)
    failures: int = 0
    retry_at: datetime | None = None

    def failed(self, retry_after: float | None = None) -> datetime:
        self.failures += 1
        self.retry_at = self.clock() + timedelta(seconds=self.backoff.delay(self.failures, retry_after))
        return self.retry_at

    def succeeded(self) -> None:
        self.failures = 0
        self.retry_at = None

    def due(self) -> bool:
        """True when a retry may go now. A retry time beyond the cap (the clock went back) is
        due at once, so a clock change cannot stall sync."""
        if self.retry_at is None:
            return True
        now = self.clock()
        return now >= self.retry_at or self.retry_at - now > timedelta(seconds=self.backoff.cap)
