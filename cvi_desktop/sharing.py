"""The sharing policy: the one allowlist that decides what may leave this laptop, and for whom.

Every payload that the outbox freezes is built here by *picking* allowlisted fields from a
stored row, never by removing fields from a bigger object, so a column added later stays on
the device until it is declared with a share class in `fields.py`, from which the lists
below are derived.

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

from . import fields as F
from .fields import Share
from .vocab import RecordKind


class Audience(StrEnum):
    CPD = "cpd"
    ORG = "org"


@dataclass(frozen=True)
class Agreement:
    """Terms of the organisation's data-sharing agreement that change what CPD may see."""

    share_block: bool = False


# --- the allowlist, derived from the field table (fields.py) ---------------------------------

def _names(kind: RecordKind, *shares: Share) -> tuple[str, ...]:
    return F.names(F.RECORDS[kind], *shares)


def _gated(kind: RecordKind) -> tuple[str, ...]:
    return tuple(f.name for f in F.RECORDS[kind] if f.share is Share.S and f.agreement)


INCIDENT_S = tuple(n for n in _names(RecordKind.INCIDENT, Share.S) if n not in _gated(RecordKind.INCIDENT))
INCIDENT_S_IF_AGREED = _gated(RecordKind.INCIDENT)
INCIDENT_O = _names(RecordKind.INCIDENT, Share.O)
ACTION_S = _names(RecordKind.RESPONSE_ACTION, Share.S)
ACTION_O = _names(RecordKind.RESPONSE_ACTION, Share.O)
REFERRAL_S = _names(RecordKind.REFERRAL, Share.S)
REFERRAL_O = _names(RecordKind.REFERRAL, Share.O)
FOLLOWUP_O = _names(RecordKind.FOLLOWUP, Share.O)
REVIEW_O = _names(RecordKind.REVIEW, Share.O)


def org_fields(kind: RecordKind) -> tuple[str, ...]:
    """What the organisation's own laptops get of a record: its S and O fields, agreement or not."""
    return _names(kind, Share.S, Share.O)


def cpd_incident_fields(agreement: Agreement) -> tuple[str, ...]:
    return INCIDENT_S + (INCIDENT_S_IF_AGREED if agreement.share_block else ())


# Fields whose stored form is JSON text; they leave as lists.
_JSON_FIELDS = frozenset(
    f.name for fields in F.RECORDS.values() for f in fields
    if f.kind in (F.Kind.ENUM_LIST, F.Kind.STAFF_LIST, F.Kind.REFS)
)


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
    """CPD's view of one approved incident response. Follow-ups only as aggregate timeliness;
    a cancelled one (a duplicate, say) was never a follow-up to keep."""
    followups = [f for f in followups if not f.get("cancelled_at")]
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


def org_record(kind: RecordKind, row: Mapping[str, Any]) -> dict[str, Any]:
    """The organisation's copy of one stored row of `kind`."""
    return pick(row, org_fields(kind))


def org_incident(incident: Mapping[str, Any]) -> dict[str, Any]:
    return org_record(RecordKind.INCIDENT, incident)


def org_action(action: Mapping[str, Any]) -> dict[str, Any]:
    return org_record(RecordKind.RESPONSE_ACTION, action)


def org_referral(referral: Mapping[str, Any]) -> dict[str, Any]:
    return org_record(RecordKind.REFERRAL, referral)


def org_followup(followup: Mapping[str, Any]) -> dict[str, Any]:
    return org_record(RecordKind.FOLLOWUP, followup)


def org_review(review: Mapping[str, Any]) -> dict[str, Any]:
    return org_record(RecordKind.REVIEW, review)


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
