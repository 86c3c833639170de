"""Response actions: append-only, many per incident. Logging one never waits on the network."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .. import outbox
from ..clock import to_db
from ..domain import IncidentStatus, ResponseAction
from ..errors import NotFound
from ..sharing import Audience, RecordKind, org_action
from ..store.database import Store
from .audit import audit


def log_action(store: Store, data: Mapping[str, Any]) -> str:
    """Save one response action with its audit and outbox rows, all in one transaction."""
    action = ResponseAction.from_input(data)
    now = to_db(store.now())
    row = {
        "id": action.id,
        "incident_id": action.incident_id,
        "action_type": action.action_type.value,
        "started_at": to_db(action.started_at),
        "ended_at": to_db(action.ended_at) if action.ended_at else None,
        "staff_count": action.staff_count,
        "staff_ids": json.dumps(list(action.staff_ids)),
        "outcome": action.outcome.value,
        "mediation_result": action.mediation_result.value if action.mediation_result else None,
        "retaliation_risk": action.retaliation_risk.value if action.retaliation_risk else None,
        "risk_basis": action.risk_basis,
        "device_recorded_at": now,
        "recorded_by": store.actor,
    }
    with store.write() as db:
        found = db.execute("SELECT status FROM incidents WHERE id = ?", [action.incident_id]).fetchone()
        if found is None:
            raise NotFound("incident", action.incident_id)
        db.execute(
            f"INSERT INTO response_actions ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
        if found[0] in (IncidentStatus.NEW, IncidentStatus.ASSIGNED):
            # Status is the hub's to version; locally it only shows the worker is on it.
            db.execute("UPDATE incidents SET status = ? WHERE id = ?",
                       [IncidentStatus.RESPONDING, action.incident_id])
        audit(store, db, "log_action", "response_action", action.id)
        outbox.enqueue(db, store.now(), Audience.ORG, RecordKind.RESPONSE_ACTION, action.id, 1,
                       org_action(row))
    return action.id


def for_incident(store: Store, incident_id: str) -> list[dict[str, Any]]:
    return store.rows(
        "SELECT * FROM response_actions WHERE incident_id = ? ORDER BY started_at, id", [incident_id]
    )


def last_action_type(store: Store, actor: str) -> str | None:
    """The default for the next action form: what this worker logged last."""
    return store.scalar(
        "SELECT action_type FROM response_actions WHERE recorded_by = ? "
        "ORDER BY device_recorded_at DESC LIMIT 1", [actor],
    )
