"""Supervisor review. Approval is what lets CPD's projection of a response leave the device."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import outbox
from ..clock import to_db
from ..domain import Review, ReviewState
from ..sharing import Audience, RecordKind, org_review, response_record
from ..store.database import Store
from .audit import audit
from .incidents import get as get_incident
from .settings import agreement


def review(store: Store, data: Mapping[str, Any]) -> str:
    """Record a review; on approval, freeze the CPD response record in the same transaction."""
    item = Review.from_input(data)
    terms = agreement(store)
    now = store.now()
    with store.write() as db:
        incident = get_incident(store, item.incident_id)
        db.execute(
            "INSERT INTO reviews (id, incident_id, state, comment, reviewer, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [item.id, item.incident_id, item.state, item.comment, store.actor, to_db(now)],
        )
        audit(store, db, f"review_{item.state.value}", "incident", item.incident_id)
        stored = store.rows("SELECT * FROM reviews WHERE id = ?", [item.id])[0]
        outbox.enqueue(db, now, Audience.ORG, RecordKind.REVIEW, item.id, 1, org_review(stored))
        if item.state is ReviewState.APPROVED:
            approvals = db.execute(
                "SELECT count(*) FROM reviews WHERE incident_id = ? AND state = ?",
                [item.incident_id, ReviewState.APPROVED],
            ).fetchone()[0]
            payload = response_record(
                incident,
                store.rows("SELECT * FROM response_actions WHERE incident_id = ? ORDER BY started_at, id",
                     [item.incident_id]),
                store.rows("SELECT * FROM referrals WHERE incident_id = ? ORDER BY created_at",
                           [item.incident_id]),
                store.rows("SELECT * FROM followups WHERE incident_id = ?", [item.incident_id]),
                [r["tag"] for r in store.rows("SELECT tag FROM incident_themes WHERE incident_id = ?",
                                        [item.incident_id])],
                terms,
            )
            outbox.enqueue(db, now, Audience.CPD, RecordKind.RESPONSE_RECORD, item.incident_id,
                           approvals, payload)
    return item.id


def latest(store: Store, incident_id: str) -> dict[str, Any] | None:
    return store.one(
        "SELECT * FROM reviews WHERE incident_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
        [incident_id],
    )
