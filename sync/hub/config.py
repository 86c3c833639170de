"""Hub settings and its clock; kept free of FastAPI so the admin CLI starts fast."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

Clock = Callable[[], datetime]
# Seconds on a monotonic scale, for rate limits: injectable so tests advance time instead of sleeping.
Ticks = Callable[[], float]

PUSH_PATH = "/v1/sync/push"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class HubConfig:
    """Limits the hub enforces and advertises on /v1/sync/config. Generous by default."""

    max_batch_records: int = 500
    max_body_bytes: int = 2_000_000  # a push batch (the only large body)
    # Every other route's body (a notification, a staff member, a token request) is a few hundred
    # bytes; anything far above is refused before it is read, with or without a token.
    max_request_bytes: int = 65_536
    max_pull_limit: int = 500
    max_wait_seconds: float = 30.0
    # Offer the event stream (`GET /v1/sync/events`)? Off, the route answers 404 and the config
    # advertises the long-poll only (for a reverse proxy that buffers streamed responses).
    sse: bool = True
    # The event stream: a `: ping` comment after this many silent
    # seconds, so the laptop (whose read time-out is a little longer) notices a dead connection,
    # and the change log is looked at again then (a safety net for a write nobody woke it for).
    sse_heartbeat_seconds: float = 15.0
    # Also look at the change log this often on each open stream even when not woken (None:
    # at heartbeats only). Only for hub processes whose writes do not reach each other's
    # `Notifier` (several processes on one database with no LISTEN/NOTIFY bridge); costs a
    # query per stream per period.
    sse_recheck_seconds: float | None = None
    # One stream ends cleanly after this long and the laptop reconnects from where it left off
    # (Last-Event-ID): it bounds how long one connection holds a token's rights after a
    # revocation and lets connections move between hub processes. None: 10 x max_wait_seconds.
    max_stream_seconds: float | None = None
    min_client_version: str = "0.1.0"
    rate_per_second: float = 200.0  # per authenticated token; 0 disables the limiter
    rate_burst: int = 1000
    # Failed sign-ins (missing, unknown or revoked token) per client address: a token bucket, so
    # guessing tokens is slow; at most `auth_fail_addresses` addresses are remembered (LRU).
    auth_fail_per_second: float = 1.0  # 0 disables
    auth_fail_burst: int = 30
    auth_fail_addresses: int = 10_000
    # Connection time-outs: a request head must arrive within `header_timeout` of the connection
    # opening (or of its first byte on a kept-alive connection); an idle kept-alive connection
    # closes after `keep_alive_timeout`; a request body may pause at most `body_timeout` between
    # chunks.
    header_timeout: float = 5.0
    # The HTTP/1.1 parser: "auto" (httptools if installed, else h11), "httptools" or "h11".
    http: str = "auto"
    keep_alive_timeout: float = 5.0
    body_timeout: float = 15.0

    def stream_seconds(self) -> float:
        """How long one event stream lasts before the hub ends it (see `max_stream_seconds`)."""
        return self.max_stream_seconds if self.max_stream_seconds is not None else 10 * self.max_wait_seconds

    def body_limit(self, path: str) -> int:
        """The largest request body accepted on `path` (push has its own, larger limit)."""
        return self.max_body_bytes if path == PUSH_PATH else self.max_request_bytes
