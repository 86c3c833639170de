"""Supervisor review, bound to content. Approval is what lets CPD's projection leave the device.

Every review names the exact records it covers (kind, id, version: the incident's response
actions, referrals and follow-ups as this laptop holds them). On approval CPD's response record
is frozen from exactly those rows, in the same transaction. A record of the incident that is
not among them — a teammate's late response, a correction — re-opens review: the incident shows
"changed since approval" and nothing new goes to CPD until a supervisor approves again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .. import outbox
from ..clock import to_db
from ..domain import Review, ReviewState
from ..errors import PermissionRefused, ValidationError
from ..sharing import Audience, RecordKind, org_review, response_record
from ..store.database import Store
from .audit import audit
from .incidents import get as get_incident
from .settings import agreement, may_supervise

# The records of an incident a review covers, each as (kind, id, version, who, when, summary).
_REFS_SQL = """
SELECT 'response_action' AS kind, a.id, a.version, a.recorded_by, a.device_recorded_at AS at,
       a.action_type || ' · ' || a.outcome AS summary
  FROM response_actions a WHERE a.incident_id = :incident
UNION ALL
SELECT 'referral', r.id, r.version, r.recorded_by, r.updated_at,
       'referral · ' || r.category || ' · ' || r.status
  FROM referrals r WHERE r.incident_id = :incident
UNION ALL
SELECT 'followup', f.id, f.version, f.recorded_by, COALESCE(f.updated_at, f.created_at),
       'follow-up · ' || f.kind || CASE WHEN f.done_at IS NULL THEN ' · due' ELSE ' · done' END
  FROM followups f WHERE f.incident_id = :incident
"""

# States of an incident's review, as people read them.
NOT_REVIEWED = "not_reviewed"  # nothing to review yet (no response logged)
WAITING = "waiting"  # responses logged (or corrected after "has issues"), not yet reviewed
CHANGED = "changed_since_approval"


def covered_refs(store: Store, incident_id: str) -> list[dict[str, Any]]:
    """What a review of the incident made now would cover, oldest first, with who recorded it."""
    rows = store.rows(
        f"SELECT x.*, COALESCE(s.display_name, x.recorded_by) AS recorded_by_name FROM ({_REFS_SQL}) x "
        "LEFT JOIN staff s ON s.id = x.recorded_by ORDER BY x.at, x.kind, x.id",
        {"incident": incident_id},
    )
    return rows


def _key(ref: Mapping[str, Any]) -> tuple[str, str, int]:
    return (str(ref["kind"]), str(ref["id"]), int(ref["version"]))


def review(store: Store, data: Mapping[str, Any]) -> str:
    """Record a review of what the incident holds now; on approval, freeze the CPD response
    record from exactly the covered records in the same transaction.

    `data["covers"]`, when given, is what the supervisor was shown (`preview(...)["covers"]`):
    if a teammate's record arrived or changed since, nothing is saved and the error says to
    look again, so nothing is ever approved unseen."""
    item = Review.from_input(data)
    shown = data.get("covers")
    if not may_supervise(store):
        raise PermissionRefused("Only a supervisor can review responses.")
    terms = agreement(store)
    now = store.now()
    with store.write() as db:
        incident = get_incident(store, item.incident_id)
        covers = [{"kind": r["kind"], "id": r["id"], "version": r["version"]}
                  for r in covered_refs(store, item.incident_id)]
        if shown is not None and {_key(r) for r in shown} != {_key(r) for r in covers}:
            raise ValidationError("covers", "the incident's records changed since you looked; "
                                            "review what it holds now")
        db.execute(
            "INSERT INTO reviews (id, incident_id, state, comment, reviewer, created_at, covers) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [item.id, item.incident_id, item.state, item.comment, store.actor, to_db(now),
             json.dumps(covers)],
        )
        audit(store, db, f"review_{item.state.value}", "incident", item.incident_id)
        stored = store.rows("SELECT * FROM reviews WHERE id = ?", [item.id])[0]
        outbox.enqueue(db, now, Audience.ORG, RecordKind.REVIEW, item.id, 1, org_review(stored))
        if item.state is ReviewState.APPROVED:
            approvals = db.execute(
                "SELECT count(*) FROM reviews WHERE incident_id = ? AND state = ?",
                [item.incident_id, ReviewState.APPROVED],
            ).fetchone()[0]
            outbox.enqueue(db, now, Audience.CPD, RecordKind.RESPONSE_RECORD, item.incident_id,
                           approvals, _cpd_payload(store, incident, terms))
    return item.id


def _cpd_payload(store: Store, incident: Mapping[str, Any], terms: Any) -> dict[str, Any]:
    of = [incident["id"]]
    return response_record(
        incident,
        store.rows("SELECT * FROM response_actions WHERE incident_id = ? ORDER BY started_at, id", of),
        store.rows("SELECT * FROM referrals WHERE incident_id = ? ORDER BY created_at, id", of),
        store.rows("SELECT * FROM followups WHERE incident_id = ? ORDER BY due_at, id", of),
        [r["tag"] for r in store.rows("SELECT tag FROM incident_themes WHERE incident_id = ?", of)],
        terms,
    )


def preview(store: Store, incident_id: str) -> dict[str, Any]:
    """What an approval now would include: the covered records (who recorded each), the exact
    JSON CPD would receive, and how many of the covered records this laptop has not yet shared."""
    incident = get_incident(store, incident_id)
    covers = covered_refs(store, incident_id)
    unsent = 0
    for ref in covers:
        state = outbox.record_state(store, RecordKind(ref["kind"]), ref["id"])
        if state in (outbox.OutboxState.PENDING, outbox.OutboxState.SENDING, outbox.OutboxState.QUARANTINED):
            unsent += 1
    payload = _cpd_payload(store, incident, agreement(store))
    return {"covers": covers, "cpd_payload": payload, "unsent": unsent}


def latest(store: Store, incident_id: str) -> dict[str, Any] | None:
    return store.one(
        "SELECT * FROM reviews WHERE incident_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
        [incident_id],
    )


def history(store: Store, incident_id: str) -> list[dict[str, Any]]:
    """Every review of the incident, newest first, with the reviewer's name."""
    return store.rows(
        "SELECT r.*, COALESCE(s.display_name, r.reviewer) AS reviewer_name FROM reviews r "
        "LEFT JOIN staff s ON s.id = r.reviewer WHERE r.incident_id = ? "
        "ORDER BY r.created_at DESC, r.rowid DESC",
        [incident_id],
    )


def status(store: Store, incident_id: str) -> dict[str, Any]:
    """Where the incident's review stands: not_reviewed, waiting, approved, has_issues, rejected,
    or changed_since_approval; with the latest review's comment, reviewer and time."""
    found = history(store, incident_id)
    current = {_key(r) for r in covered_refs(store, incident_id)}
    if not found:
        return {"state": WAITING if current else NOT_REVIEWED, "comment": "", "reviewer": None,
                "reviewer_name": None, "at": None}
    last = found[0]
    covered = {_key(r) for r in json.loads(last["covers"] or "[]")}
    changed = bool(current - covered)
    state = last["state"]
    if changed:
        state = CHANGED if state == ReviewState.APPROVED else WAITING
    return {"state": state, "comment": last["comment"], "reviewer": last["reviewer"],
            "reviewer_name": last["reviewer_name"], "at": last["created_at"]}
