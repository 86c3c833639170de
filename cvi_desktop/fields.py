"""Every field of every record kind, described once: name, type, constraints and share class.

This table is the single source the rest of the product derives from:
- the sharing allowlist (`sharing.py` picks exactly the S / S+O fields named here),
- the per-field checks of the domain validators (`check` below, used by `domain.py`),
- the hub's wire models (`sync/wire_models.py` builds its pydantic models from it),
- the export columns (`transfer.py`), and
- the field names scrubbed from error text (`private_field_names`).

A new field is added here, with its share class decided where it is declared; a field in no
share class cannot exist. Share classes (product.md):
- **S**: shareable with CPD (the police data-sharing endpoint),
- **O**: organisation-internal (reaches the org's own laptops through the hub, never CPD),
- **L**: never leaves the laptop that recorded it.

`agreement` names a term of the data-sharing agreement that must be on for an S field to go
to CPD (e.g. the block only if the agreement allows it); the organisation sees it regardless.

Every field is bounded, on the laptop and on the hub alike (the hub's wire types call the same
functions, `instant_problem` and `text_problem`):
- integers within 63 bits (`MAX_INT`; a version or count beyond that cannot be stored),
- times between 2000-01-01 and 2100-01-01, with an offset of at most +/-14 hours (the widest
  real one), so converting to UTC can never overflow. The window is fixed, not "now + 1 day":
  a laptop's clock may be far off and the product keeps working when it is (a laptop a year
  ahead still syncs, fault row 24), and a record a laptop made must not become invalid because
  its clock was wrong. Where the clock is trustworthy the hub also refuses the future: CPD's
  notifications may lie at most a day past the hub's now (`not_after`, `protocol.CpdInstant`),
- text valid Unicode (no lone surrogates, which cannot be stored as UTF-8) and of bounded length,
- digits ASCII 0-9 only (Python's `\\d` and `int()` also take Arabic-Indic and other digits).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any

from .clock import to_db
from .errors import ValidationError
from .vocab import (
    ActionType,
    AgeBand,
    FlagResolution,
    FollowupKind,
    IncidentStatus,
    IncidentType,
    LocationType,
    MediationResult,
    Outcome,
    RecordKind,
    ReferralCategory,
    ReferralStatus,
    ReviewState,
    RiskLevel,
    Source,
)


class Share(StrEnum):
    S = "S"
    O = "O"  # noqa: E741 - the product's own name for the class
    L = "L"


class Kind(StrEnum):
    """Field types. Each has one check here and one wire type in `sync/wire_models.py`."""

    ID = "id"  # a record id (UUID made on the device, or CPD's id)
    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    INSTANT = "instant"  # an aware time, stored as UTC ISO-8601
    ENUM = "enum"
    ENUM_LIST = "enum_list"
    STAFF = "staff"  # a staff id
    STAFF_LIST = "staff_list"
    RD_NUMBER = "rd_number"
    DISTRICT = "district"
    BEAT = "beat"
    VERSION = "version"
    REFS = "refs"  # a list of {kind, id, version}: the records a review covers


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    share: Share
    required: bool = False  # on the wire: the hub refuses a record without it
    enum: type[StrEnum] | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    agreement: str | None = None  # an S field only shared with CPD when this term is agreed
    label: str = ""  # the column heading in exports

    @property
    def heading(self) -> str:
        return self.label or self.name.replace("_", " ")


def _f(name: str, kind: Kind, share: Share, **options: Any) -> Field:
    return Field(name, kind, share, **options)


S, O, L = Share.S, Share.O, Share.L  # noqa: E741

INCIDENT = (
    _f("id", Kind.ID, S, required=True),
    _f("source", Kind.ENUM, S, enum=Source),
    _f("rd_number", Kind.RD_NUMBER, S, label="RD number"),
    _f("incident_type", Kind.ENUM, S, required=True, enum=IncidentType),
    _f("occurred_at", Kind.INSTANT, S, required=True),
    _f("cpd_notified_at", Kind.INSTANT, S),
    _f("org_received_at", Kind.INSTANT, S),
    _f("district", Kind.DISTRICT, S, required=True),
    _f("beat", Kind.BEAT, S),
    _f("community_area", Kind.INT, S, minimum=1, maximum=77),
    _f("location_type", Kind.ENUM, S, enum=LocationType),
    _f("block", Kind.TEXT, S, max_length=120, agreement="share_block"),
    _f("latitude", Kind.FLOAT, L, minimum=41.6, maximum=42.1),
    _f("longitude", Kind.FLOAT, L, minimum=-88.0, maximum=-87.5),
    _f("victims_total", Kind.INT, S, minimum=0, maximum=10_000),
    _f("victims_fatal", Kind.INT, S, minimum=0, maximum=10_000),
    _f("victims_nonfatal", Kind.INT, S, minimum=0, maximum=10_000),
    _f("victim_age_bands", Kind.ENUM_LIST, S, enum=AgeBand),
    _f("status", Kind.ENUM, O, enum=IncidentStatus),
    _f("assignee", Kind.STAFF, O),
    _f("version", Kind.VERSION, O),
)

RESPONSE_ACTION = (
    _f("id", Kind.ID, S, required=True),
    _f("incident_id", Kind.ID, O, required=True),
    _f("action_type", Kind.ENUM, S, required=True, enum=ActionType),
    _f("started_at", Kind.INSTANT, S, required=True),
    _f("ended_at", Kind.INSTANT, S),
    _f("staff_count", Kind.INT, S, minimum=1, maximum=100),
    _f("staff_ids", Kind.STAFF_LIST, O),
    _f("outcome", Kind.ENUM, S, enum=Outcome),
    _f("mediation_result", Kind.ENUM, S, enum=MediationResult),
    _f("retaliation_risk", Kind.ENUM, S, enum=RiskLevel),
    _f("risk_basis", Kind.TEXT, L, max_length=2000),
    _f("device_recorded_at", Kind.INSTANT, S),
    _f("version", Kind.VERSION, O),
    _f("owner", Kind.STAFF, O),
    _f("flag_resolution", Kind.ENUM, O, enum=FlagResolution),
)

REFERRAL = (
    _f("id", Kind.ID, O, required=True),
    _f("incident_id", Kind.ID, O, required=True),
    _f("participant_id", Kind.ID, L),
    _f("category", Kind.ENUM, S, required=True, enum=ReferralCategory),
    _f("status", Kind.ENUM, S, enum=ReferralStatus),
    _f("provider", Kind.TEXT, O, max_length=200),
    _f("version", Kind.VERSION, O),
)

FOLLOWUP = (
    _f("id", Kind.ID, O, required=True),
    _f("incident_id", Kind.ID, O, required=True),
    _f("participant_id", Kind.ID, L),
    _f("due_at", Kind.INSTANT, O),
    _f("done_at", Kind.INSTANT, O),
    _f("cancelled_at", Kind.INSTANT, O),  # closed without taking place: counted nowhere
    _f("kind", Kind.ENUM, O, enum=FollowupKind),
    _f("result", Kind.TEXT, O, max_length=2000),
    _f("assignee", Kind.STAFF, O),
    _f("version", Kind.VERSION, O),
)

REVIEW = (
    _f("id", Kind.ID, O, required=True),
    _f("incident_id", Kind.ID, O, required=True),
    _f("state", Kind.ENUM, O, required=True, enum=ReviewState),
    _f("comment", Kind.TEXT, O, max_length=5000),
    _f("reviewer", Kind.STAFF, O),
    _f("created_at", Kind.INSTANT, O),
    _f("covers", Kind.REFS, O),
)

PARTICIPANT = (
    _f("id", Kind.ID, L),
    _f("incident_id", Kind.ID, L),
    _f("first_name", Kind.TEXT, L, max_length=100),
    _f("last_name", Kind.TEXT, L, max_length=100),
    _f("phone", Kind.TEXT, L, max_length=20),
    _f("handle", Kind.TEXT, L, max_length=100),
    _f("address", Kind.TEXT, L, max_length=300),
    _f("consent", Kind.BOOL, L),
)

NOTE = (
    _f("id", Kind.ID, L),
    _f("incident_id", Kind.ID, L),
    _f("participant_id", Kind.ID, L),
    _f("body", Kind.TEXT, L, max_length=50_000),
)

# The record kinds that cross the wire, by their wire name.
RECORDS: dict[RecordKind, tuple[Field, ...]] = {
    RecordKind.INCIDENT: INCIDENT,
    RecordKind.RESPONSE_ACTION: RESPONSE_ACTION,
    RecordKind.REFERRAL: REFERRAL,
    RecordKind.FOLLOWUP: FOLLOWUP,
    RecordKind.REVIEW: REVIEW,
}
# Kinds that never leave the laptop at all.
LOCAL_ONLY: dict[str, tuple[Field, ...]] = {"participant": PARTICIPANT, "note": NOTE}


def by_name(fields: Iterable[Field]) -> dict[str, Field]:
    return {f.name: f for f in fields}


def names(fields: Iterable[Field], *shares: Share, agreed: Iterable[str] | None = None) -> tuple[str, ...]:
    """Field names in `shares`, in declaration order. With `agreed` (the agreement's terms that
    are on), an S field gated by a term that is off is left out."""
    terms = None if agreed is None else set(agreed)
    return tuple(
        f.name for f in fields
        if f.share in shares and (terms is None or f.agreement is None or f.agreement in terms)
    )


def private_field_names() -> tuple[str, ...]:
    """Every share-class L field name (for scrubbing error and log text), sorted, unique."""
    every = [*RECORDS.values(), *LOCAL_ONLY.values()]
    return tuple(sorted({f.name for fields in every for f in fields
                         if f.share is Share.L and f.kind is not Kind.ID}))


# --- per-field checks: each names the field it refuses ----------------------------------------

# Patterns are matched whole (`fullmatch`: `$` alone also matches before a final newline) and
# spell digits [0-9]: `\d` matches any Unicode digit. The hub's wire types use the same text.
RD_NUMBER = re.compile(r"^[A-HJ-NPR-TV-Z]{2}[0-9]{6}$")
BEAT = re.compile(r"^[0-9]{4}$")
VALID_DISTRICTS = frozenset(
    f"{n:03d}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19, 20, 22, 24, 25)
)
RECORD_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


# The largest integer SQLite (and most JSON readers) hold exactly: versions and counts stay below.
MAX_INT = 2**63 - 1
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
AHEAD = timedelta(days=1)  # how far past a trusted now a reported time may be (clock skew)
MAX_OFFSET = timedelta(hours=14)  # the widest UTC offset in use (Line Islands, +14:00)
MAX_INSTANT_TEXT = 40
_SURROGATE = re.compile("[\ud800-\udfff]")


def instant_problem(value: datetime, not_after: datetime | None = None) -> str | None:
    """Why an aware time is out of bounds, or None: the offset, the fixed window and, if given,
    `not_after`. The offset and year are checked before any conversion to UTC, which overflows
    near year 1 or 9999."""
    offset = value.utcoffset()
    if offset is None:
        return "time must carry an offset"
    if abs(offset) > MAX_OFFSET:
        return "offset must be within +/-14 hours"
    window = f"must be between {EARLIEST.date()} and {LATEST.date()}"
    if not EARLIEST.year - 1 <= value.year <= LATEST.year:
        return window
    utc = value.astimezone(UTC)
    if not EARLIEST <= utc < LATEST:
        return window
    if not_after is not None and utc > not_after:
        return "must not be in the future"
    return None


def parse_time(value: object, field: str) -> datetime:
    """An aware datetime or ISO-8601 text with an offset, within bounds; returned in UTC."""
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        if len(text) > MAX_INSTANT_TEXT:
            raise ValidationError(field, "not an ISO-8601 time (too long)")
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError(field, f"not an ISO-8601 time: {shown(text)}") from None
    if not isinstance(value, datetime):
        raise ValidationError(field, "expected a time")
    problem = instant_problem(value)
    if problem is not None:
        raise ValidationError(field, "time must carry a time zone" if value.utcoffset() is None else problem)
    return value.astimezone(UTC)


def text_problem(value: str) -> str | None:
    """Why text cannot be stored, or None: a lone surrogate is valid JSON but not Unicode."""
    if not value.isascii() and _SURROGATE.search(value):
        return "must be valid Unicode text (no lone surrogates)"
    return None


def shown(value: object, longest: int = 60) -> str:
    """A value for an error message: repr (so control characters and surrogates are escaped),
    cut short, since the message is echoed back and logged."""
    text = repr(value)
    return text if len(text) <= longest else text[: longest - 3] + "..."


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check(spec: Field, value: object) -> Any:
    """The checked value of one field, or ValidationError naming the field.

    Blank values become None (or the empty form of the type); whether a field is required
    is the record's business (`domain.py`), since the wire and a form differ on that."""
    if spec.kind not in _KEEPS_BLANK and blank(value):
        return "" if spec.kind is Kind.TEXT else None
    return _CHECKS[spec.kind](spec, value)


def _items(field: str, value: object) -> list[Any]:
    """A list field's entries: a list, or text separated by commas (as a spreadsheet has it)."""
    if blank(value):
        return []
    if isinstance(value, str):
        return value.split(",")
    if isinstance(value, list | tuple):
        return list(value)
    raise ValidationError(field, "expected a list")


def _check_staff_list(spec: Field, value: object) -> tuple[str, ...]:
    return tuple(_text(spec.name, s, 64) for s in _items(spec.name, value) if not blank(s))


def _check_bool(spec: Field, value: object) -> bool:
    return bool(value) and str(value).strip().lower() not in ("0", "false", "no")


def _check_int(spec: Field, value: object) -> int:
    number = whole(value, spec.name, 1 if spec.kind is Kind.VERSION else None)
    _bounds(spec.name, number, spec.minimum, MAX_INT if spec.maximum is None else spec.maximum)
    return number


def _check_float(spec: Field, value: object) -> float:
    number = _number(spec.name, value)
    _bounds(spec.name, number, spec.minimum, spec.maximum, outside=True)
    return number


def _check_id(spec: Field, value: object) -> str:
    text = str(value).strip()
    if not RECORD_ID.fullmatch(text):
        raise ValidationError(spec.name, f"{shown(value)} is not a record id")
    return text


def _check_rd(spec: Field, value: object) -> str:
    text = str(value).strip().upper()
    if not RD_NUMBER.fullmatch(text):
        raise ValidationError(
            spec.name, f"{shown(value)} is not an RD number (two letters without I, O, Q, U, six digits)")
    return text


def _check_district(spec: Field, value: object) -> str:
    text = str(value).strip()
    if text.isascii() and text.isdigit() and len(text) < 3:
        text = text.zfill(3)
    if text not in VALID_DISTRICTS:
        raise ValidationError(spec.name, f"{shown(value)} is not a Chicago police district code")
    return text


def _check_beat(spec: Field, value: object) -> str:
    text = str(value).strip().zfill(4)
    if not BEAT.fullmatch(text):
        raise ValidationError(spec.name, f"{shown(value)} is not a four-digit beat")
    return text


# Kinds whose check decides itself what a blank value means (an empty list, False).
_KEEPS_BLANK = frozenset({Kind.ENUM_LIST, Kind.STAFF_LIST, Kind.REFS, Kind.BOOL})
# One check per field type: a new Kind without one fails at import, not on some record later.
_CHECKS: dict[Kind, Any] = {
    Kind.ENUM_LIST: lambda spec, value: _enum_list(spec, value),
    Kind.STAFF_LIST: _check_staff_list,
    Kind.REFS: lambda spec, value: _refs(spec.name, value),
    Kind.BOOL: _check_bool,
    Kind.ENUM: lambda spec, value: enum_value(spec.enum, value, spec.name),
    Kind.INSTANT: lambda spec, value: parse_time(value, spec.name),
    Kind.INT: _check_int,
    Kind.VERSION: _check_int,
    Kind.FLOAT: _check_float,
    Kind.TEXT: lambda spec, value: _text(spec.name, value, spec.max_length or 10_000),
    Kind.STAFF: lambda spec, value: _text(spec.name, value, 64),
    Kind.ID: _check_id,
    Kind.RD_NUMBER: _check_rd,
    Kind.DISTRICT: _check_district,
    Kind.BEAT: _check_beat,
}
assert set(_CHECKS) == set(Kind), "every field type needs a check"


def stored(value: Any) -> Any:
    """A checked value in the form the local tables keep it: lists as JSON text, instants as
    UTC ISO-8601 (`clock.to_db`), enum members as their codes, everything else as it is."""
    kind = type(value)
    if value is None or kind is str or kind is int or kind is float:
        return value  # most values: nothing to convert
    if isinstance(value, tuple | list):
        return json.dumps([v if isinstance(v, dict) else str(v) for v in value])
    if isinstance(value, datetime):
        return to_db(value)
    if isinstance(value, StrEnum):
        return value.value
    return value


_CANONICAL_INSTANT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\+00:00")
_EARLIEST_TEXT, _LATEST_TEXT = to_db(EARLIEST), to_db(LATEST)


@cache
def stored_check(spec: Field) -> Callable[[Any], Any]:
    """`stored(check(spec, value))` as one function, for values that arrive by the thousand (a
    pulled page). A value already in the stored form — what a laptop sends — is accepted as it is
    after the same test the full check makes; anything else goes the long way. One call per
    value: a team's first pull makes 170,000 of them."""

    def slow(value: Any) -> Any:
        return stored(check(spec, value))

    empty = slow(None)  # what a missing value is stored as ("" for text, "[]" for a list, else None)

    def other(value: Any) -> Any:
        return empty if value is None else slow(value)

    return _fast_path(spec, other)


def _fast_path(spec: Field, other: Callable[[Any], Any]) -> Callable[[Any], Any]:
    kind = spec.kind
    if kind is Kind.ENUM:
        assert spec.enum is not None
        codes = frozenset(m.value for m in spec.enum)
        return lambda v: v if type(v) is str and v in codes else other(v)
    if kind is Kind.ID:
        return lambda v: v if type(v) is str and RECORD_ID.fullmatch(v) else other(v)
    if kind in (Kind.TEXT, Kind.STAFF):
        longest = 64 if kind is Kind.STAFF else (spec.max_length or 10_000)
        return lambda v: v if _plain_text(v, longest) else other(v)
    if kind is Kind.STAFF_LIST:
        return lambda v: (json.dumps(v) if type(v) is list and all(_plain_text(s, 64) for s in v)
                          else other(v))
    if kind is Kind.ENUM_LIST:
        assert spec.enum is not None
        codes = frozenset(m.value for m in spec.enum)
        return lambda v: (json.dumps(v) if type(v) is list and all(type(i) is str and i in codes for i in v)
                          else other(v))
    if kind is Kind.REFS:
        return lambda v: (json.dumps([{"kind": r["kind"], "id": r["id"], "version": r["version"]} for r in v])
                          if type(v) is list and all(_plain_ref(r) for r in v) else other(v))
    if kind is Kind.INSTANT:
        # Canonical UTC text sorts as time, so the window is two string comparisons.
        def instant(v: Any) -> Any:
            if type(v) is str and _CANONICAL_INSTANT.fullmatch(v) and _EARLIEST_TEXT <= v < _LATEST_TEXT:
                try:
                    datetime.fromisoformat(v)  # still a real date and time (no 13th month)
                except ValueError:
                    return other(v)
                return v
            return other(v)
        return instant
    if kind in (Kind.INT, Kind.VERSION):
        low = 1 if kind is Kind.VERSION and spec.minimum is None else spec.minimum
        high = MAX_INT if spec.maximum is None else spec.maximum
        return lambda v: (v if type(v) is int and (low is None or v >= low) and (high is None or v <= high)
                          else other(v))
    return other


_REF_KEYS = frozenset(("kind", "id", "version"))
_REF_KINDS = frozenset(k.value for k in RecordKind)


def _plain_ref(ref: Any) -> bool:
    """A covered record as a laptop sends it: {kind, id, version} (in any order), nothing else."""
    return (type(ref) is dict and ref.keys() == _REF_KEYS and ref["kind"] in _REF_KINDS
            and type(ref["id"]) is str and RECORD_ID.fullmatch(ref["id"]) is not None
            and type(ref["version"]) is int and 1 <= ref["version"] <= MAX_INT)


def _plain_text(v: Any, longest: int) -> bool:
    """Text already in its stored form: non-empty, within length, no surrounding blanks, no lone
    surrogates (ASCII text, most of it, skips that search)."""
    return (type(v) is str and 0 < len(v) <= longest and not v[0].isspace() and not v[-1].isspace()
            and (v.isascii() or _SURROGATE.search(v) is None))


def check_all(fields: Iterable[Field], data: Mapping[str, Any]) -> dict[str, Any]:
    """Check every described field present in `data` (first bad one raises)."""
    return {f.name: check(f, data.get(f.name)) for f in fields}


def enum_value(kind: type[StrEnum], value: object, field: str) -> Any:
    if isinstance(value, kind):
        return value
    exact = kind._value2member_map_.get(value) if isinstance(value, str) else None
    if exact is not None:
        return exact  # the code as stored and sent: no need to tidy it
    try:
        return kind(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise ValidationError(field, f"{value!r} is not one of: {allowed}") from None


_WHOLE = re.compile(r"[+-]?[0-9]{1,19}")  # ASCII digits; more than 19 is beyond 63 bits anyway


def whole(value: object, field: str, minimum: int | None = 0) -> int:
    """A whole number within 63 bits, from an int, an integral float or ASCII-digit text."""
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise ValidationError(field, "expected a whole number")  # also NaN and infinity
    if isinstance(value, int | float):
        number = int(value)
    else:
        text = str(value).strip()
        if not _WHOLE.fullmatch(text):
            raise ValidationError(field, f"{shown(value)} is not a whole number")
        number = int(text)
    if minimum is not None and number < minimum:
        raise ValidationError(field, f"must be at least {minimum}")
    if abs(number) > MAX_INT:
        raise ValidationError(field, f"must be at most {MAX_INT}")
    return number


_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?")


def _number(field: str, value: object) -> float:
    """A finite number from a number or ASCII decimal text (not "nan", not Unicode digits)."""
    if isinstance(value, bool):
        raise ValidationError(field, "expected a number")
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an int beyond any float
            raise ValidationError(field, "must be a finite number") from None
    else:
        text = str(value).strip()
        if not _DECIMAL.fullmatch(text):
            raise ValidationError(field, f"{shown(value)} is not a number")
        number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValidationError(field, "must be a finite number")
    return number


def _bounds(field: str, number: float, low: float | None, high: float | None, *,
            outside: bool = False) -> None:
    if outside and low is not None and high is not None and not low <= number <= high:
        raise ValidationError(field, f"{number} is outside {low}..{high}")
    if low is not None and number < low:
        raise ValidationError(field, f"must be at least {low:g}")
    if high is not None and number > high:
        raise ValidationError(field, f"must be at most {high:g}")


def _text(field: str, value: object, max_length: int) -> str:
    result = "" if value is None else str(value).strip()
    if len(result) > max_length:
        raise ValidationError(field, f"is longer than {max_length} characters")
    problem = text_problem(result)
    if problem is not None:
        raise ValidationError(field, problem)
    return result


def _enum_list(spec: Field, values: object) -> tuple[Any, ...]:
    assert spec.enum is not None
    return tuple(enum_value(spec.enum, item, spec.name) for item in _items(spec.name, values)
                 if str(item).strip())


def _refs(field: str, value: object) -> tuple[dict[str, Any], ...]:
    if blank(value):
        return ()
    if not isinstance(value, list | tuple):
        raise ValidationError(field, "expected a list of records")
    out = []
    for item in value:
        if not isinstance(item, Mapping):
            raise ValidationError(field, "each entry names a kind, id and version")
        kind = enum_value(RecordKind, item.get("kind"), f"{field}.kind")
        record_id = check(Field("id", Kind.ID, Share.O), item.get("id"))
        version = whole(item.get("version"), f"{field}.version", 1)  # within 63 bits too
        out.append({"kind": kind.value, "id": record_id, "version": version})
    return tuple(out)
