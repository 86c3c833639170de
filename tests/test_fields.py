"""The field table: the fast per-value path used for pulled pages gives exactly what the full
check gives (the same stored value, or the same refusal naming the same field)."""

from __future__ import annotations

from typing import Any

import pytest

from cvi_desktop import fields as F
from cvi_desktop.errors import ValidationError

SAMPLES: list[Any] = [
    None, "", " ", "x", " padded ", "a" * 65, "a" * 3000, 0, 1, -1, 3, 100, 101, 10_001, True, 2.5, "7",
    "hospital", "HOSPITAL", "completed", "medium", "no_such_code", "011", "11", "1131", "ZZ123456",
    "2026-11-01T18:00:00.000000+00:00", "2026-11-01T18:00:00+00:00", "2026-11-01T12:00:00-06:00",
    "2026-13-01T18:00:00.000000+00:00", "2026-11-01T18:00:00", "not a time", "abc-123", "a b", ["w1"],
    "2026-02-30T18:00:00.000000+00:00", ["under_18", "18_24"], ["under_18", "nope"], ["UNDER_18"], [],
    [{"kind": "response_action", "id": "abc-123", "version": 2}],
    [{"id": "abc-123", "kind": "referral", "version": 1}],
    [{"kind": "referral", "id": "abc-123", "version": 0}],
    [{"kind": "no_kind", "id": "abc-123", "version": 1}], [{"kind": "referral", "id": "a b", "version": 1}],
    [{"kind": "referral", "id": "abc-123", "version": True}], [{"kind": "referral", "id": "abc-123"}],
]


def outcome(fn: Any, value: Any) -> tuple[str, Any]:
    try:
        return "ok", fn(value)
    except ValidationError as exc:
        return "refused", exc.field


SHARED = [s for fields in F.RECORDS.values() for s in fields if s.share is not F.Share.L]


@pytest.mark.parametrize("spec", SHARED, ids=lambda s: s.name)
def test_fast_stored_check_agrees_with_the_full_check(spec: F.Field) -> None:
    fast = F.stored_check(spec)
    for value in SAMPLES:
        full = outcome(lambda v: F.stored(F.check(spec, v)), value)
        assert outcome(fast, value) == full, (spec.name, value)
