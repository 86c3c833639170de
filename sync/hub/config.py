"""Hub settings and its clock; kept free of FastAPI so the admin CLI starts fast."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class HubConfig:
    """Limits the hub enforces and advertises on /v1/sync/config. Generous by default."""

    max_batch_records: int = 500
    max_body_bytes: int = 2_000_000
    max_pull_limit: int = 500
    max_wait_seconds: float = 30.0
    min_client_version: str = "0.1.0"
    rate_per_second: float = 200.0  # per token; 0 disables the limiter
    rate_burst: int = 1000
