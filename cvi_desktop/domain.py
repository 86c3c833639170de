"""Domain vocabulary and validated records for every entity in the product card.

Each record is a frozen dataclass built through `from_input`, which checks every field and
raises `ValidationError` naming the first bad one. Services only ever store such records, so
nothing half-checked reaches the database.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from .clock import parse_instant
from .errors import ValidationError


class Source(StrEnum):
    CPD = "cpd"
    HOSPITAL = "hospital"
    COMMUNITY = "community"
    SELF = "self"


class IncidentType(StrEnum):
    FATAL_SHOOTING = "fatal_shooting"
    NONFATAL_SHOOTING = "nonfatal_shooting"
    NONSHOOTING_HOMICIDE = "nonshooting_homicide"
    SHOTS_FIRED_NO_INJURY = "shots_fired_no_injury"
    OTHER = "other"


class IncidentStatus(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    RESPONDING = "responding"
    CLOSED = "closed"
    NO_RESPONSE = "no_response"


class LocationType(StrEnum):
    STREET = "street"
    RESIDENCE = "residence"
    VEHICLE = "vehicle"
    BUSINESS = "business"
    PARK = "park"
    SCHOOL = "school"
    TRANSIT = "transit"
    OTHER = "other"


class AgeBand(StrEnum):
    UNDER_18 = "under_18"
    AGE_18_24 = "18_24"
    AGE_25_34 = "25_34"
    AGE_35_44 = "35_44"
    AGE_45_PLUS = "45_plus"
    UNKNOWN = "unknown"


class ActionType(StrEnum):
    SCENE = "scene"
    HOSPITAL = "hospital"
    VICTIM_ENGAGEMENT = "victim_engagement"
    FAMILY_ENGAGEMENT = "family_engagement"
    MEDIATION = "mediation"
    CANVASS_RUMOR_CONTROL = "canvass_rumor_control"
    VIGIL_FUNERAL = "vigil_funeral"
    COMMUNITY_EVENT = "community_event"
    REFERRAL = "referral"
    FOLLOWUP_CONTACT = "followup_contact"
    OTHER = "other"


# The first contacts that count for response latency and coverage in the monthly review.
QUALIFYING_ACTIONS = (ActionType.SCENE, ActionType.HOSPITAL, ActionType.FAMILY_ENGAGEMENT)


class Outcome(StrEnum):
    COMPLETED = "completed"
    PARTIAL = "partial"
    UNABLE_UNSAFE = "unable_unsafe"
    UNABLE_POLICE_RESTRICTION = "unable_police_restriction"
    UNABLE_NO_STAFF = "unable_no_staff"
    DECLINED = "declined"
    NOT_LOCATED = "not_located"


class MediationResult(StrEnum):
    RESOLVED = "resolved"
    ONGOING = "ongoing"
    ESCALATED = "escalated"
    UNKNOWN = "unknown"


class RiskLevel(StrEnum):
    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ReferralCategory(StrEnum):
    MENTAL_HEALTH = "mental_health"
    VICTIM_SERVICES = "victim_services"
    MEDICAL = "medical"
    RELOCATION = "relocation"
    EMPLOYMENT = "employment"
    EDUCATION = "education"
    LEGAL = "legal"
    FUNERAL = "funeral"
    SUBSTANCE_USE = "substance_use"
    BASIC_NEEDS = "basic_needs"
    OTHER = "other"


class ReferralStatus(StrEnum):
    MADE = "made"
    CONNECTED = "connected"
    DECLINED = "declined"
    CLOSED = "closed"


class FollowupKind(StrEnum):
    CALL = "call"
    VISIT = "visit"
    HOSPITAL_VISIT = "hospital_visit"
    REFERRAL_CHECK = "referral_check"
    OTHER = "other"


class ReviewState(StrEnum):
    APPROVED = "approved"
    HAS_ISSUES = "has_issues"
    REJECTED = "rejected"


class ThemeTag(StrEnum):
    """Fixed vocabulary for the monthly review. Never group or gang affiliation."""

    INTERPERSONAL_DISPUTE = "interpersonal_dispute"
    DOMESTIC = "domestic"
    ROBBERY = "robbery"
    RETALIATION_CONCERN = "retaliation_concern"
    YOUTH_INVOLVED = "youth_involved"
    REPEAT_LOCATION = "repeat_location"
    COMMUNITY_TENSION = "community_tension"
    HOSPITAL_RESPONSE = "hospital_response"
    UNKNOWN = "unknown"


class Role(StrEnum):
    WORKER = "worker"
    SUPERVISOR = "supervisor"


RD_NUMBER = re.compile(r"^[A-HJ-NPR-TV-Z]{2}\d{6}$")
DISTRICT = re.compile(r"^\d{3}$")
BEAT = re.compile(r"^\d{4}$")
VALID_DISTRICTS = frozenset(
    f"{n:03d}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19, 20, 22, 24, 25)
)

E = TypeVar("E", bound=StrEnum)


def new_id() -> str:
    return str(uuid.uuid4())


# --- field checks: each names the field it refuses ------------------------------------------


def enum_value(kind: type[E], value: object, field: str) -> E:
    if isinstance(value, kind):
        return value
    try:
        return kind(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise ValidationError(field, f"{value!r} is not one of: {allowed}") from None


def optional_enum(kind: type[E], value: object, field: str) -> E | None:
    return None if _blank(value) else enum_value(kind, value, field)


def rd_number(value: object, field: str = "rd_number") -> str | None:
    if _blank(value):
        return None
    text = str(value).strip().upper()
    if not RD_NUMBER.match(text):
        raise ValidationError(
            field, f"{value!r} is not an RD number (two letters without I, O, Q, U, six digits)"
        )
    return text


def district(value: object, field: str = "district") -> str:
    text = str(value).strip() if value is not None else ""
    if text.isdigit() and len(text) < 3:
        text = text.zfill(3)
    if not DISTRICT.match(text) or text not in VALID_DISTRICTS:
        raise ValidationError(field, f"{value!r} is not a Chicago police district code")
    return text


def beat(value: object, district_code: str | None, field: str = "beat") -> str | None:
    if _blank(value):
        return None
    text = str(value).strip().zfill(4)
    if not BEAT.match(text):
        raise ValidationError(field, f"{value!r} is not a four-digit beat")
    # A beat's first two digits are its district (beat 1131 lies in district 011).
    if district_code is not None and text[:2] != district_code[1:]:
        raise ValidationError(field, f"beat {text} does not lie in district {district_code}")
    return text


def community_area(value: object, field: str = "community_area") -> int | None:
    if _blank(value):
        return None
    number = whole(value, field)
    if not 1 <= number <= 77:
        raise ValidationError(field, f"{value!r} is not a community area (1-77)")
    return number


def whole(value: object, field: str, minimum: int = 0) -> int:
    if isinstance(value, bool):
        raise ValidationError(field, "expected a whole number")
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise ValidationError(field, f"{value!r} is not a whole number") from None
    if number < minimum:
        raise ValidationError(field, f"must be at least {minimum}")
    return number


def optional_instant(value: object, field: str) -> datetime | None:
    return None if _blank(value) else parse_instant(value, field)


def text(value: object, field: str, *, max_length: int = 10_000, required: bool = False) -> str:
    result = "" if value is None else str(value).strip()
    if required and not result:
        raise ValidationError(field, "is required")
    if len(result) > max_length:
        raise ValidationError(field, f"is longer than {max_length} characters")
    return result


def coordinate(value: object, field: str, low: float, high: float) -> float | None:
    if _blank(value):
        return None
    try:
        number = float(str(value))
    except ValueError:
        raise ValidationError(field, f"{value!r} is not a number") from None
    if not low <= number <= high:
        raise ValidationError(field, f"{number} is outside {low}..{high}")
    return number


def enum_list(kind: type[E], values: object, field: str) -> tuple[E, ...]:
    if _blank(values):
        return ()
    items = values.split(",") if isinstance(values, str) else list(values)  # type: ignore[call-overload]
    return tuple(enum_value(kind, item, field) for item in items if str(item).strip())


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _get(data: Mapping[str, Any], key: str) -> Any:
    return data.get(key)


# --- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncidentFacts:
    """What CPD (or the person logging it) knows about an incident; versioned, never frozen."""

    source: Source
    incident_type: IncidentType
    occurred_at: datetime
    district: str
    rd_number: str | None = None
    cpd_notified_at: datetime | None = None
    org_received_at: datetime | None = None
    beat: str | None = None
    community_area: int | None = None
    location_type: LocationType | None = None
    block: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    victims_total: int = 0
    victims_fatal: int = 0
    victims_nonfatal: int = 0
    victim_age_bands: tuple[AgeBand, ...] = ()

    @classmethod
    def from_input(cls, data: Mapping[str, Any]) -> IncidentFacts:
        d = district(_get(data, "district"))
        occurred = parse_instant(_get(data, "occurred_at"), "occurred_at")
        notified = optional_instant(_get(data, "cpd_notified_at"), "cpd_notified_at")
        received = optional_instant(_get(data, "org_received_at"), "org_received_at")
        if notified is not None and notified < occurred:
            raise ValidationError("cpd_notified_at", "is before occurred_at")
        if received is not None and received < occurred:
            raise ValidationError("org_received_at", "is before occurred_at")
        fatal = whole(_get(data, "victims_fatal") or 0, "victims_fatal")
        nonfatal = whole(_get(data, "victims_nonfatal") or 0, "victims_nonfatal")
        total_raw = _get(data, "victims_total")
        total = fatal + nonfatal if _blank(total_raw) else whole(total_raw, "victims_total")
        if total < fatal + nonfatal:
            raise ValidationError("victims_total", "is less than fatal plus non-fatal victims")
        return cls(
            source=enum_value(Source, _get(data, "source") or "cpd", "source"),
            incident_type=enum_value(IncidentType, _get(data, "incident_type"), "incident_type"),
            occurred_at=occurred,
            district=d,
            rd_number=rd_number(_get(data, "rd_number")),
            cpd_notified_at=notified,
            org_received_at=received,
            beat=beat(_get(data, "beat"), d),
            community_area=community_area(_get(data, "community_area")),
            location_type=optional_enum(LocationType, _get(data, "location_type"), "location_type"),
            block=text(_get(data, "block"), "block", max_length=120) or None,
            latitude=coordinate(_get(data, "latitude"), "latitude", 41.6, 42.1),
            longitude=coordinate(_get(data, "longitude"), "longitude", -88.0, -87.5),
            victims_total=total,
            victims_fatal=fatal,
            victims_nonfatal=nonfatal,
            victim_age_bands=enum_list(AgeBand, _get(data, "victim_age_bands"), "victim_age_bands"),
        )


@dataclass(frozen=True)
class ResponseAction:
    incident_id: str
    action_type: ActionType
    started_at: datetime
    outcome: Outcome
    ended_at: datetime | None = None
    staff_count: int = 1
    staff_ids: tuple[str, ...] = ()
    mediation_result: MediationResult | None = None
    retaliation_risk: RiskLevel | None = None
    risk_basis: str = ""
    id: str = field(default_factory=new_id)

    @classmethod
    def from_input(cls, data: Mapping[str, Any]) -> ResponseAction:
        started = parse_instant(_get(data, "started_at"), "started_at")
        ended = optional_instant(_get(data, "ended_at"), "ended_at")
        if ended is not None and ended < started:
            raise ValidationError("ended_at", "is before started_at")
        action_type = enum_value(ActionType, _get(data, "action_type"), "action_type")
        mediation = optional_enum(MediationResult, _get(data, "mediation_result"), "mediation_result")
        if mediation is not None and action_type is not ActionType.MEDIATION:
            raise ValidationError("mediation_result", "only applies to a mediation")
        staff_ids = tuple(
            text(s, "staff_ids", max_length=64) for s in (_get(data, "staff_ids") or ()) if s
        )
        raw_count = _get(data, "staff_count")
        staff_count = whole(max(len(staff_ids), 1) if _blank(raw_count) else raw_count, "staff_count", 1)
        return cls(
            id=str(_get(data, "id") or new_id()),
            incident_id=text(_get(data, "incident_id"), "incident_id", required=True),
            action_type=action_type,
            started_at=started,
            ended_at=ended,
            outcome=enum_value(Outcome, _get(data, "outcome") or "completed", "outcome"),
            staff_count=staff_count,
            staff_ids=staff_ids,
            mediation_result=mediation,
            retaliation_risk=optional_enum(RiskLevel, _get(data, "retaliation_risk"), "retaliation_risk"),
            risk_basis=text(_get(data, "risk_basis"), "risk_basis", max_length=2000),
        )


@dataclass(frozen=True)
class Referral:
    incident_id: str
    category: ReferralCategory
    status: ReferralStatus = ReferralStatus.MADE
    provider: str = ""
    participant_id: str | None = None
    id: str = field(default_factory=new_id)

    @classmethod
    def from_input(cls, data: Mapping[str, Any]) -> Referral:
        return cls(
            id=str(_get(data, "id") or new_id()),
            incident_id=text(_get(data, "incident_id"), "incident_id", required=True),
            category=enum_value(ReferralCategory, _get(data, "category"), "category"),
            status=enum_value(ReferralStatus, _get(data, "status") or "made", "status"),
            provider=text(_get(data, "provider"), "provider", max_length=200),
            participant_id=_get(data, "participant_id") or None,
        )


@dataclass(frozen=True)
class FollowUp:
    incident_id: str
    due_at: datetime
    kind: FollowupKind = FollowupKind.CALL
    assignee: str | None = None
    participant_id: str | None = None
    id: str = field(default_factory=new_id)

    @classmethod
    def from_input(cls, data: Mapping[str, Any]) -> FollowUp:
        return cls(
            id=str(_get(data, "id") or new_id()),
            incident_id=text(_get(data, "incident_id"), "incident_id", required=True),
            due_at=parse_instant(_get(data, "due_at"), "due_at"),
            kind=enum_value(FollowupKind, _get(data, "kind") or "call", "kind"),
            assignee=_get(data, "assignee") or None,
            participant_id=_get(data, "participant_id") or None,
        )


PHONE = re.compile(r"^[0-9+()\-. ]{7,20}$")


@dataclass(frozen=True)
class Participant:
    """A person the team works with. Every field stays on this laptop."""

    first_name: str
    last_name: str = ""
    phone: str = ""
    handle: str = ""
    address: str = ""
    consent: bool = False
    incident_id: str | None = None
    id: str = field(default_factory=new_id)

    @classmethod
    def from_input(cls, data: Mapping[str, Any]) -> Participant:
        phone = text(_get(data, "phone"), "phone", max_length=20)
        if phone and not PHONE.match(phone):
            raise ValidationError("phone", f"{phone!r} is not a phone number")
        return cls(
            id=str(_get(data, "id") or new_id()),
            first_name=text(_get(data, "first_name"), "first_name", max_length=100, required=True),
            last_name=text(_get(data, "last_name"), "last_name", max_length=100),
            phone=phone,
            handle=text(_get(data, "handle"), "handle", max_length=100),
            address=text(_get(data, "address"), "address", max_length=300),
            consent=bool(_get(data, "consent")),
            incident_id=_get(data, "incident_id") or None,
        )


@dataclass(frozen=True)
class Note:
    """Narrative text. Stays on this laptop."""

    body: str
    incident_id: str | None = None
    participant_id: str | None = None
    id: str = field(default_factory=new_id)

    @classmethod
    def from_input(cls, data: Mapping[str, Any]) -> Note:
        incident_id = _get(data, "incident_id") or None
        participant_id = _get(data, "participant_id") or None
        if incident_id is None and participant_id is None:
            raise ValidationError("incident_id", "a note belongs to an incident or a participant")
        return cls(
            id=str(_get(data, "id") or new_id()),
            body=text(_get(data, "body"), "body", max_length=50_000, required=True),
            incident_id=incident_id,
            participant_id=participant_id,
        )


@dataclass(frozen=True)
class Review:
    incident_id: str
    state: ReviewState
    comment: str = ""
    id: str = field(default_factory=new_id)

    @classmethod
    def from_input(cls, data: Mapping[str, Any]) -> Review:
        state = enum_value(ReviewState, _get(data, "state"), "state")
        comment = text(_get(data, "comment"), "comment", max_length=5000)
        if state is not ReviewState.APPROVED and not comment:
            raise ValidationError("comment", "say what the worker should fix")
        return cls(
            id=str(_get(data, "id") or new_id()),
            incident_id=text(_get(data, "incident_id"), "incident_id", required=True),
            state=state,
            comment=comment,
        )


@dataclass(frozen=True)
class Staff:
    id: str
    display_name: str
    role: Role = Role.WORKER

    @classmethod
    def from_input(cls, data: Mapping[str, Any]) -> Staff:
        return cls(
            id=text(_get(data, "id"), "id", max_length=64, required=True),
            display_name=text(_get(data, "display_name"), "display_name", max_length=100, required=True),
            role=enum_value(Role, _get(data, "role") or "worker", "role"),
        )
