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
    # hostile input (issue 9): Unicode digits, lone surrogates, 64-bit numbers, times out of bounds
    "JA\u0661\u0662\u0663\u0664\u0665\u0666", "\u0661\u0661\u0663\u0661", "\u0661\u0661",
    "\ud800", "x\ud800y", ["w\udfff"], "abc-123\n", "JA123456\n",
    2**63, 2**63 - 1, -(2**63), 10**400, "9" * 30, float("nan"), "nan", float("inf"),
    "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00", "1999-12-31T23:59:59.000000+00:00",
    "3000-01-01T00:00:00.000000+00:00", "2026-11-01T18:00:00+15:00", "2026-11-01T18:00:00+14:00",
    "2000-01-01T00:00:00.000000+00:00", "2099-12-31T23:59:59.999999+00:00",
    "2100-01-01T00:00:00.000000+00:00", "2" * 41,
    [{"kind": "referral", "id": "abc-123", "version": 2**63}],
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


def field(kind: F.Kind, **options: Any) -> F.Field:
    return F.Field("f", kind, F.Share.S, **options)


@pytest.mark.parametrize(("kind", "value"), [
    (F.Kind.RD_NUMBER, "JA\u0661\u0662\u0663\u0664\u0665\u0666"),  # Arabic-Indic digits
    (F.Kind.BEAT, "\u0661\u0661\u0663\u0661"),
    (F.Kind.DISTRICT, "\u0661\u0661"),
    (F.Kind.TEXT, "a\ud800"),
    (F.Kind.STAFF, "\udc00"),
    (F.Kind.VERSION, 2**63),
    (F.Kind.VERSION, "\u0663"),
    (F.Kind.INSTANT, "9999-12-31T23:59:59-23:59"),  # offset beyond 14 h (and UTC would overflow)
    (F.Kind.INSTANT, "2026-11-01T18:00:00+14:30"),
    (F.Kind.INSTANT, "1999-12-31T23:59:59+00:00"),
    (F.Kind.INSTANT, "3000-01-01T00:00:00+00:00"),
    (F.Kind.FLOAT, "nan"),
])
def test_hostile_values_are_refused_naming_the_field(kind: F.Kind, value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        F.check(field(kind), value)
    assert caught.value.field == "f"


def test_time_bounds() -> None:
    assert F.check(field(F.Kind.INSTANT), "2000-01-01T14:00:00+14:00") is not None
    assert F.check(field(F.Kind.INSTANT), "2099-12-31T23:59:59.999999+00:00") is not None
    for outside in ("2000-01-01T09:00:00+14:00", "2100-01-01T00:00:00+00:00", "2099-12-31T20:00:00-05:00"):
        with pytest.raises(ValidationError):
            F.check(field(F.Kind.INSTANT), outside)
    # Where the hub trusts its clock (CPD's notifications) it also refuses the future.
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    assert F.instant_problem(now + timedelta(hours=23), not_after=now + F.AHEAD) is None
    assert F.instant_problem(now + timedelta(days=2), not_after=now + F.AHEAD) == "must not be in the future"
