"""Time: an injectable clock and the one way instants are parsed, stored and shown.

All instants are stored as UTC ISO-8601 strings ("2026-11-21T23:21:26.000000+00:00", which
sort correctly as text) and shown in America/Chicago.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from .errors import ValidationError

CHICAGO = ZoneInfo("America/Chicago")

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


class ManualClock:
    """A clock tests move by hand instead of sleeping."""

    def __init__(self, start: datetime) -> None:
        self.now = require_aware(start, "clock")

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now = self.now + timedelta(**delta)
        return self.now


def require_aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(field, "time must carry a time zone")
    return value.astimezone(UTC)


def parse_instant(value: object, field: str) -> datetime:
    """Accept an aware datetime or an ISO-8601 string with an offset; return UTC."""
    if isinstance(value, datetime):
        return require_aware(value, field)
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError(field, f"not an ISO-8601 time: {value!r}") from None
        return require_aware(parsed, field)
    raise ValidationError(field, "expected a time")


def to_db(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def from_db(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def local_text(value: datetime | str | None) -> str:
    """How people read a stored instant: Chicago wall time."""
    if value is None:
        return ""
    instant = from_db(value) if isinstance(value, str) else value
    assert instant is not None
    return instant.astimezone(CHICAGO).strftime("%Y-%m-%d %H:%M")
