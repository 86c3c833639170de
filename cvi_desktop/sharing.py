"""The sharing policy: the one allowlist that decides what may leave this laptop, and for whom.

Every payload that the outbox freezes is built here by *picking* allowlisted fields from a
stored row, never by removing fields from a bigger object, so a column added later stays on
the device until someone adds it to this file on purpose.

Audiences:
- `cpd`: the police data-sharing endpoint. Only share class S, and only for records a
  supervisor approved (the `response_record`, one per incident and approval).
- `org`: the organisation's own supervisors, through the hub. Share classes S and O.
Share class L (names, phones, notes, coordinates, risk basis, audit log) is in no list.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Audience(StrEnum):
    CPD = "cpd"
    ORG = "org"


class RecordKind(StrEnum):
    RESPONSE_RECORD = "response_record"  # CPD's projection of an approved incident response
    INCIDENT = "incident"
    RESPONSE_ACTION = "response_action"
    REFERRAL = "referral"
    FOLLOWUP = "followup"
    REVIEW = "review"


@dataclass(frozen=True)
class Agreement:
    """Terms of the organisation's data-sharing agreement that change what CPD may see."""

    share_block: bool = False


# --- the allowlist ---------------------------------------------------------------------------

INCIDENT_S = (
    "id", "source", "rd_number", "incident_type", "occurred_at", "cpd_notified_at",
    "org_received_at", "district", "beat", "community_area", "location_type",
    "victims_total", "victims_fatal", "victims_nonfatal", "victim_age_bands",
)
INCIDENT_S_IF_AGREED = ("block",)
INCIDENT_O = ("status", "assignee", "version")

ACTION_S = (
    "id", "action_type", "started_at", "ended_at", "staff_count", "outcome",
    "mediation_result", "retaliation_risk", "device_recorded_at",
)
ACTION_O = ("incident_id", "staff_ids")

REFERRAL_S = ("category", "status")
REFERRAL_O = ("id", "incident_id", "provider", "version")

FOLLOWUP_O = ("id", "incident_id", "due_at", "done_at", "kind", "result", "assignee", "version")

REVIEW_O = ("id", "incident_id", "state", "comment", "reviewer", "created_at")

THEMES_S = ("tags",)


def cpd_incident_fields(agreement: Agreement) -> tuple[str, ...]:
    return INCIDENT_S + (INCIDENT_S_IF_AGREED if agreement.share_block else ())


# Fields whose stored form is JSON text; they leave as lists.
_JSON_FIELDS = frozenset({"victim_age_bands", "staff_ids"})


def _value(name: str, row: Mapping[str, Any]) -> Any:
    value = row.get(name)
    if name in _JSON_FIELDS and isinstance(value, str):
        return json.loads(value)
    return value


def pick(row: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """The only way a payload gets its fields: copy exactly the named ones."""
    return {name: _value(name, row) for name in fields}


# --- payload builders, one per record kind ---------------------------------------------------


def response_record(
    incident: Mapping[str, Any],
    actions: Sequence[Mapping[str, Any]],
    referrals: Sequence[Mapping[str, Any]],
    followups: Sequence[Mapping[str, Any]],
    themes: Sequence[str],
    agreement: Agreement,
) -> dict[str, Any]:
    """CPD's view of one approved incident response. Follow-ups only as aggregate timeliness."""
    done_on_time = sum(
        1 for f in followups if f.get("done_at") and f["done_at"] <= f["due_at"]
    )
    return {
        "incident": pick(incident, cpd_incident_fields(agreement)),
        "actions": [pick(a, ACTION_S) for a in actions],
        "referrals": [pick(r, REFERRAL_S) for r in referrals],
        "themes": sorted(themes),
        "followups": {"scheduled": len(followups), "done_on_time": done_on_time},
    }


def org_incident(incident: Mapping[str, Any]) -> dict[str, Any]:
    return pick(incident, INCIDENT_S + INCIDENT_S_IF_AGREED + INCIDENT_O)


def org_action(action: Mapping[str, Any]) -> dict[str, Any]:
    return pick(action, ACTION_S + ACTION_O)


def org_referral(referral: Mapping[str, Any]) -> dict[str, Any]:
    return pick(referral, REFERRAL_S + REFERRAL_O)


def org_followup(followup: Mapping[str, Any]) -> dict[str, Any]:
    return pick(followup, FOLLOWUP_O)


def org_review(review: Mapping[str, Any]) -> dict[str, Any]:
    return pick(review, REVIEW_O)


ORG_BUILDERS: dict[RecordKind, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    RecordKind.RESPONSE_ACTION: org_action,
    RecordKind.REFERRAL: org_referral,
    RecordKind.FOLLOWUP: org_followup,
    RecordKind.REVIEW: org_review,
}


# --- freezing --------------------------------------------------------------------------------


def envelope(kind: RecordKind, record_id: str, version: int, audience: Audience,
             data: dict[str, Any]) -> dict[str, Any]:
    return {"kind": kind.value, "id": record_id, "version": version,
            "audience": audience.value, "data": data}


def canonical_json(payload: Mapping[str, Any]) -> str:
    """Stable text for a payload, so the same content always has the same hash."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
