"""Validated records for every entity in the product card.

Each record is a frozen dataclass built through `from_input`, which checks every field and
raises `ValidationError` naming the first bad one. Services only ever store such records, so
nothing half-checked reaches the database. The per-field checks come from the one field
table (`fields.py`); what is written here is only what a single field cannot say: defaults a
form may leave out and rules that tie fields together (a beat lies in its district, an end
follows its start).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from . import fields as F
from .errors import ValidationError
from .fields import VALID_DISTRICTS, blank, enum_value, whole  # noqa: F401 - re-exported
from .vocab import (  # noqa: F401 - the domain's vocabulary, re-exported
    QUALIFYING_ACTIONS,
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
    Role,
    Source,
    ThemeTag,
)

E = TypeVar("E", bound=StrEnum)


def new_id() -> str:
    return str(uuid.uuid4())


# --- single-field helpers for services and forms (each names the field it refuses) ----------

def optional_enum(kind: type[E], value: object, field: str) -> E | None:
    return None if blank(value) else enum_value(kind, value, field)


def rd_number(value: object, field: str = "rd_number") -> str | None:
    return F.check(F.Field(field, F.Kind.RD_NUMBER, F.Share.S), value)  # type: ignore[no-any-return]


def text(value: object, field: str, *, max_length: int = 10_000, required: bool = False) -> str:
    result: str = F.check(F.Field(field, F.Kind.TEXT, F.Share.L, max_length=max_length), value)
    if required and not result:
        raise ValidationError(field, "is required")
    return result


def enum_list(kind: type[E], values: object, field: str) -> tuple[E, ...]:
    return F.check(F.Field(field, F.Kind.ENUM_LIST, F.Share.L, enum=kind), values)  # type: ignore[no-any-return]


def _checked(table: tuple[F.Field, ...], data: Mapping[str, Any], *skip: str) -> dict[str, Any]:
    """Every described field of `data` checked; `id` filled with a new UUID when absent."""
    values = F.check_all((f for f in table if f.name not in skip), data)
    if "id" in values and values["id"] is None:
        values["id"] = new_id()
    return values


def _required(values: Mapping[str, Any], *names: str) -> None:
    for name in names:
        if blank(values.get(name)):
            raise ValidationError(name, "is required")


# --- rules that tie fields together, shared with the hub -------------------------------------
# Both take values as `fields.check` returns them (UTC datetimes, codes, ints or None) and raise
# ValidationError naming the field. The hub applies them to pushed records and CPD's
# notifications (`wire_rules`), so it refuses what the laptop would never have made.


def incident_rules(values: Mapping[str, Any]) -> None:
    """Notified and received follow the occurrence, a beat lies in its district, and the total
    of victims is at least the fatal plus the non-fatal ones."""
    occurred = values.get("occurred_at")
    for later in ("cpd_notified_at", "org_received_at"):
        if occurred is not None and values.get(later) is not None and values[later] < occurred:
            raise ValidationError(later, "is before occurred_at")
    # A beat's first two digits are its district (beat 1131 lies in district 011).
    beat, district = values.get("beat"), values.get("district")
    if beat is not None and district is not None and beat[:2] != district[1:]:
        raise ValidationError("beat", f"beat {beat} does not lie in district {district}")
    fatal = values.get("victims_fatal") or 0
    nonfatal = values.get("victims_nonfatal") or 0
    total = values.get("victims_total")
    if total is not None and total < fatal + nonfatal:
        raise ValidationError("victims_total", "is less than fatal plus non-fatal victims")


def action_rules(values: Mapping[str, Any]) -> None:
    """An action ends after it starts; a mediation result belongs to a mediation."""
    started, ended = values.get("started_at"), values.get("ended_at")
    if started is not None and ended is not None and ended < started:
        raise ValidationError("ended_at", "is before started_at")
    action_type = values.get("action_type")
    if values.get("mediation_result") is not None and action_type is not ActionType.MEDIATION:
        raise ValidationError("mediation_result", "only applies to a mediation")


_RULES = {RecordKind.INCIDENT: (F.INCIDENT, incident_rules),
          RecordKind.RESPONSE_ACTION: (F.RESPONSE_ACTION, action_rules)}


def wire_rules(kind: RecordKind, data: Mapping[str, Any]) -> None:
    """The cross-field rules of `kind` on data as it travels (text times, codes): what the hub
    calls on a record whose single fields its wire model already accepted. Only the fields a
    rule reads are checked, so this costs a handful of parses per record."""
    found = _RULES.get(kind)
    if found is None:
        return
    table, rules = found
    read = _RULE_FIELDS[kind]
    rules({f.name: F.check(f, data.get(f.name)) for f in table if f.name in read and f.name in data})


_RULE_FIELDS = {
    RecordKind.INCIDENT: frozenset({"occurred_at", "cpd_notified_at", "org_received_at", "beat", "district",
                                    "victims_total", "victims_fatal", "victims_nonfatal"}),
    RecordKind.RESPONSE_ACTION: frozenset({"started_at", "ended_at", "action_type", "mediation_result"}),
}


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
        facts = set(cls.__dataclass_fields__)
        values = _checked(tuple(f for f in F.INCIDENT if f.name in facts), data)
        _required(values, "incident_type", "occurred_at", "district")
        incident_rules(values)
        fatal = values["victims_fatal"] or 0
        nonfatal = values["victims_nonfatal"] or 0
        total = fatal + nonfatal if values["victims_total"] is None else values["victims_total"]
        return cls(**{
            **values,
            "source": values["source"] or Source.CPD,
            "block": values["block"] or None,
            "victims_total": total, "victims_fatal": fatal, "victims_nonfatal": nonfatal,
        })


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
        own = set(cls.__dataclass_fields__)
        values = _checked(tuple(f for f in F.RESPONSE_ACTION if f.name in own), data)
        _required(values, "incident_id", "action_type", "started_at")
        action_rules(values)
        if values["staff_count"] is None:
            values["staff_count"] = max(len(values["staff_ids"]), 1)
        return cls(**{**values, "outcome": values["outcome"] or Outcome.COMPLETED})


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
        values = _checked(F.REFERRAL, data, "version")
        _required(values, "incident_id", "category")
        return cls(**{**values, "status": values["status"] or ReferralStatus.MADE})


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
        own = set(cls.__dataclass_fields__)
        values = _checked(tuple(f for f in F.FOLLOWUP if f.name in own), data)
        _required(values, "incident_id", "due_at")
        return cls(**{**values, "kind": values["kind"] or FollowupKind.CALL,
                      "assignee": values["assignee"] or None})


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
        values = _checked(F.PARTICIPANT, data)
        _required(values, "first_name")
        if values["phone"] and not PHONE.match(values["phone"]):
            raise ValidationError("phone", f"{values['phone']!r} is not a phone number")
        return cls(**values)


@dataclass(frozen=True)
class Note:
    """Narrative text. Stays on this laptop."""

    body: str
    incident_id: str | None = None
    participant_id: str | None = None
    id: str = field(default_factory=new_id)

    @classmethod
    def from_input(cls, data: Mapping[str, Any]) -> Note:
        values = _checked(F.NOTE, data)
        if values["incident_id"] is None and values["participant_id"] is None:
            raise ValidationError("incident_id", "a note belongs to an incident or a participant")
        _required(values, "body")
        return cls(**values)


@dataclass(frozen=True)
class Review:
    incident_id: str
    state: ReviewState
    comment: str = ""
    id: str = field(default_factory=new_id)

    @classmethod
    def from_input(cls, data: Mapping[str, Any]) -> Review:
        own = set(cls.__dataclass_fields__)
        values = _checked(tuple(f for f in F.REVIEW if f.name in own), data)
        _required(values, "state", "incident_id")
        if values["state"] is not ReviewState.APPROVED and not values["comment"]:
            raise ValidationError("comment", "say what the worker should fix")
        return cls(**values)


@dataclass(frozen=True)
class Staff:
    id: str
    display_name: str
    role: Role = Role.WORKER

    @classmethod
    def from_input(cls, data: Mapping[str, Any]) -> Staff:
        return cls(
            id=text(data.get("id"), "id", max_length=64, required=True),
            display_name=text(data.get("display_name"), "display_name", max_length=100, required=True),
            role=enum_value(Role, data.get("role") or "worker", "role"),
        )
