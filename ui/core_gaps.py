"""Read helpers the UI needs that the core does not offer yet.

Everything here should move into `cvi_desktop.outbox` (see the report that came with this
module); until then this is the only place in `ui` that names an SQL table, and it is only
ever called on the store writer thread through `TaskManager.store_op`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from cvi_desktop.outbox import OutboxState
from cvi_desktop.sharing import RecordKind
from cvi_desktop.store import Store

_PENDING = (OutboxState.PENDING.value, OutboxState.SENDING.value)


def latest_payload(store: Store, kind: RecordKind, record_id: str) -> dict[str, Any] | None:
    """The newest frozen payload of one record (what the sync sends), with its state."""
    row = store.one(
        "SELECT payload, state, version FROM outbox WHERE kind = ? AND record_id = ? AND state != ? "
        "ORDER BY version DESC, seq DESC LIMIT 1",
        [kind.value, record_id, OutboxState.SUPERSEDED.value],
    )
    if row is None:
        return None
    return {"payload": json.loads(row["payload"]), "state": row["state"], "version": row["version"]}


def waiting(store: Store, limit: int = 500) -> list[dict[str, Any]]:
    """Outbox rows still to be shared, oldest first."""
    return store.rows(
        "SELECT seq, audience, kind, record_id, version, state, attempts, next_attempt_at, last_error, "
        "created_at, payload FROM outbox WHERE state IN (?, ?) ORDER BY seq LIMIT ?",
        [*_PENDING, limit],
    )


def last_acknowledged_at(store: Store) -> str | None:
    return store.scalar("SELECT max(acknowledged_at) FROM outbox")


def incident_states(store: Store, incident_ids: Sequence[str]) -> dict[str, str]:
    """The worst outbox state over each incident's records (incident, its actions, referrals,
    follow-ups, reviews and CPD response record): quarantined > pending > acknowledged."""
    if not incident_ids:
        return {}
    marks = ",".join("?" * len(incident_ids))
    rows = store.rows(
        f"""
        SELECT record_id AS incident_id, state FROM outbox
            WHERE record_id IN ({marks}) AND kind IN ('incident', 'response_record') AND state != 'superseded'
        UNION ALL
        SELECT json_extract(payload, '$.data.incident_id'), state FROM outbox
            WHERE kind IN ('response_action', 'referral', 'followup', 'review') AND state != 'superseded'
              AND json_extract(payload, '$.data.incident_id') IN ({marks})
        """,
        [*incident_ids, *incident_ids],
    )
    rank = {"quarantined": 3, "pending": 2, "sending": 2, "acknowledged": 1}
    found: dict[str, str] = {}
    for row in rows:
        current = found.get(row["incident_id"])
        if current is None or rank.get(row["state"], 0) > rank.get(current, 0):
            found[row["incident_id"]] = row["state"]
    return found
