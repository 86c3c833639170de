"""Referrals and follow-ups: the work that continues after the first response.

Each is versioned; a change is a new version by its author, a supervisor, or (for a follow-up)
the person it is assigned to. Teammates' referrals and follow-ups arrive through the hub
(`replica.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import outbox
from ..clock import parse_instant, to_db
from ..domain import FollowUp, Referral, ReferralStatus, enum_value, text
from ..errors import NotFound, PermissionRefused, ValidationError
from ..sharing import Audience, RecordKind, org_followup, org_referral
from ..store.database import Store
from .audit import audit
from .incidents import get as get_incident
from .settings import may_supervise


def _may_change(store: Store, row: dict[str, Any]) -> None:
    mine = store.actor in (row.get("recorded_by"), row.get("assignee"))
    if not mine and not may_supervise(store, strict=True) and row.get("origin") == "team":
        raise PermissionRefused("Only the person who recorded this, the person it is assigned to, "
                                "or a supervisor can change it.")


def _row(store: Store, table: str, record_id: str) -> dict[str, Any]:
    found = store.one(f"SELECT * FROM {table} WHERE id = ?", [record_id])
    if found is None:
        raise NotFound(table.rstrip("s"), record_id)
    return found


def add_referral(store: Store, data: Mapping[str, Any]) -> str:
    referral = Referral.from_input(data)
    now = to_db(store.now())
    with store.write() as db:
        get_incident(store, referral.incident_id)
        db.execute(
            "INSERT INTO referrals (id, incident_id, participant_id, category, status, provider, version, "
            "created_at, updated_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
            [referral.id, referral.incident_id, referral.participant_id, referral.category,
             referral.status, referral.provider, now, now, store.actor],
        )
        audit(store, db, "add_referral", "referral", referral.id)
        outbox.enqueue(db, store.now(), Audience.ORG, RecordKind.REFERRAL, referral.id, 1,
                       org_referral(_row(store, "referrals", referral.id)))
    return referral.id


def update_referral(store: Store, referral_id: str, *, status: str) -> int:
    new_status = enum_value(ReferralStatus, status, "status")
    with store.write() as db:
        current = _row(store, "referrals", referral_id)
        _may_change(store, current)
        version = current["version"] + 1
        db.execute("UPDATE referrals SET status = ?, version = ?, updated_at = ? WHERE id = ?",
                   [new_status, version, to_db(store.now()), referral_id])
        audit(store, db, "update_referral", "referral", referral_id, new_status.value)
        outbox.enqueue(db, store.now(), Audience.ORG, RecordKind.REFERRAL, referral_id, version,
                       org_referral(_row(store, "referrals", referral_id)))
    return version


def schedule_followup(store: Store, data: Mapping[str, Any]) -> str:
    followup = FollowUp.from_input(data)
    with store.write() as db:
        get_incident(store, followup.incident_id)
        db.execute(
            "INSERT INTO followups (id, incident_id, participant_id, due_at, kind, assignee, version, "
            "created_at, updated_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
            [followup.id, followup.incident_id, followup.participant_id, to_db(followup.due_at),
             followup.kind, followup.assignee, to_db(store.now()), to_db(store.now()), store.actor],
        )
        audit(store, db, "schedule_followup", "followup", followup.id)
        outbox.enqueue(db, store.now(), Audience.ORG, RecordKind.FOLLOWUP, followup.id, 1,
                       org_followup(_row(store, "followups", followup.id)))
    return followup.id


def complete_followup(store: Store, followup_id: str, *, result: str, done_at: object = None) -> int:
    finished = store.now() if done_at is None else parse_instant(done_at, "done_at")
    summary = text(result, "result", max_length=2000, required=True)
    with store.write() as db:
        current = _row(store, "followups", followup_id)
        _may_change(store, current)
        version = current["version"] + 1
        db.execute("UPDATE followups SET done_at = ?, result = ?, version = ?, updated_at = ? WHERE id = ?",
                   [to_db(finished), summary, version, to_db(store.now()), followup_id])
        audit(store, db, "complete_followup", "followup", followup_id)
        outbox.enqueue(db, store.now(), Audience.ORG, RecordKind.FOLLOWUP, followup_id, version,
                       org_followup(_row(store, "followups", followup_id)))
    return version


# A cancelled follow-up is closed with this prefix in its result: the follow-up table has no
# state column, and the hub checks follow-ups against the shared field table, so a closing
# version with a readable reason shares through every laptop without a schema change.
CANCELLED_PREFIX = "Cancelled"


def cancel_followup(store: Store, followup_id: str, *, reason: str = "duplicate") -> int:
    """Cancel an open follow-up (a duplicate, or one no longer needed): a new version that
    closes it (`cancelled_at`, so it counts as neither kept nor missed anywhere) with
    "Cancelled: <reason>", audited and queued for the organisation like any other change. Same
    permission as completing it; a closed follow-up cannot be cancelled."""
    why = text(reason, "reason", max_length=1900, required=True)
    with store.write() as db:
        current = _row(store, "followups", followup_id)
        _may_change(store, current)
        if current["done_at"]:
            raise ValidationError("followup", "this follow-up is already closed")
        version = current["version"] + 1
        now = to_db(store.now())
        db.execute("UPDATE followups SET done_at = ?, cancelled_at = ?, result = ?, version = ?, "
                   "updated_at = ? WHERE id = ?",
                   [now, now, f"{CANCELLED_PREFIX}: {why}", version, now, followup_id])
        audit(store, db, "cancel_followup", "followup", followup_id)  # the reason is content: not audited
        outbox.enqueue(db, store.now(), Audience.ORG, RecordKind.FOLLOWUP, followup_id, version,
                       org_followup(_row(store, "followups", followup_id)))
    return version


def _with_author(table: str) -> str:
    return (f"SELECT t.*, COALESCE(s.display_name, t.recorded_by) AS recorded_by_name FROM {table} t "
            "LEFT JOIN staff s ON s.id = t.recorded_by")


def referrals_for(store: Store, incident_id: str) -> list[dict[str, Any]]:
    return store.rows(f"{_with_author('referrals')} WHERE t.incident_id = ? ORDER BY t.created_at",
                      [incident_id])


def followups_for(store: Store, incident_id: str) -> list[dict[str, Any]]:
    return store.rows(f"{_with_author('followups')} WHERE t.incident_id = ? ORDER BY t.due_at",
                      [incident_id])
