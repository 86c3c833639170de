"""Response actions: many per incident, never deleted. Logging one never waits on the network.

A correction is a new version by the action's author or a supervisor; so is ending an action
logged as still going (`end_action`: its end time and final outcome). Each version is audited
and its frozen payload stays in the outbox, so `history` can show what every version said; teammates' actions
arrive through the hub (`replica.py`) and are read-only here otherwise. When the hub flags an
action as logged after its incident was reassigned, a supervisor resolves the flag: keep it
with the worker who logged it, or move its follow-through to the new assignee.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database

from .. import outbox
from ..clock import to_db
from ..domain import FlagResolution, IncidentStatus, Outcome, ResponseAction, enum_value
from ..errors import NotFound, PermissionRefused, ValidationError
from ..fields import stored
from ..sharing import Audience, RecordKind, org_action
from ..store.database import Store
from ..vocab import FINAL_OUTCOMES
from .audit import audit
from .settings import may_supervise

# What a correction may change: the facts of the response, not whose or which incident it is.
CORRECTABLE = ("action_type", "started_at", "ended_at", "staff_count", "staff_ids", "outcome",
               "mediation_result", "retaliation_risk", "risk_basis")

_SELECT = (
    "SELECT a.*, COALESCE(s.display_name, a.recorded_by) AS recorded_by_name "
    "FROM response_actions a LEFT JOIN staff s ON s.id = a.recorded_by"
)


def _stored(action: ResponseAction) -> dict[str, Any]:
    return {name: stored(getattr(action, name)) for name in CORRECTABLE}


def mark_responding(db: Database, *incident_ids: str) -> None:
    """Status is the hub's to version; locally it only shows someone is on it: an incident with
    a response action is "responding" however it arrived (a later assignment from the hub does
    not hide that). Several ids at once (a pulled page's) are one statement per 500."""
    listed = sorted(set(incident_ids))
    for start in range(0, len(listed), 500):  # well under SQLite's parameter limit
        chunk = listed[start:start + 500]
        db.execute(f"UPDATE incidents SET status = ? WHERE id IN ({', '.join('?' * len(chunk))}) "
                   "AND status IN (?, ?) "
                   "AND EXISTS (SELECT 1 FROM response_actions a WHERE a.incident_id = incidents.id)",
                   [IncidentStatus.RESPONDING, *chunk, IncidentStatus.NEW, IncidentStatus.ASSIGNED])


def log_action(store: Store, data: Mapping[str, Any]) -> str:
    """Save one response action with its audit and outbox rows, all in one transaction."""
    action = ResponseAction.from_input(data)
    row = {
        "id": action.id,
        "incident_id": action.incident_id,
        **_stored(action),
        "device_recorded_at": to_db(store.now()),
        "recorded_by": store.actor,
        "version": 1,
    }
    with store.write() as db:
        if db.execute("SELECT 1 FROM incidents WHERE id = ?", [action.incident_id]).fetchone() is None:
            raise NotFound("incident", action.incident_id)
        db.execute(
            f"INSERT INTO response_actions ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
        mark_responding(db, action.incident_id)
        audit(store, db, "log_action", "response_action", action.id)
        _share(store, db, action.id)
    return action.id


def get(store: Store, action_id: str) -> dict[str, Any]:
    found = store.one(f"{_SELECT} WHERE a.id = ?", [action_id])
    if found is None:
        raise NotFound("response action", action_id)
    return found


def can_edit(store: Store, row: Mapping[str, Any]) -> bool:
    """This laptop's person may correct the record: they recorded it, or they supervise."""
    return row.get("recorded_by") == store.actor or may_supervise(store, strict=True)


def correct_action(store: Store, action_id: str, changes: Mapping[str, Any]) -> int:
    """Correct a response: a new version, shared with the team (and re-opening its review)."""
    return _new_version(store, action_id, changes, "correct_action")


def is_ongoing(row: Mapping[str, Any]) -> bool:
    """Still going: logged with no end time and no final outcome yet."""
    return row.get("ended_at") in (None, "") and row.get("outcome") in (None, "", Outcome.ONGOING)


def end_action(store: Store, action_id: str, ended_at: Any, outcome: Any) -> int:
    """End a response logged as still going: its end time and final outcome, as a new version
    (audited as `end_action`, shared like a correction). One already ended is corrected instead."""
    final = enum_value(Outcome, outcome, "outcome")
    if final not in FINAL_OUTCOMES:
        raise ValidationError("outcome", "must be a final outcome to end a response")
    current = get(store, action_id)
    if not is_ongoing(current):
        raise ValidationError("ended_at", "this response has already ended; correct it instead")
    return _new_version(store, action_id, {"ended_at": ended_at, "outcome": final}, "end_action")


def _new_version(store: Store, action_id: str, changes: Mapping[str, Any], what: str) -> int:
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ValidationError(sorted(unknown)[0], "is not a part of a response that can be corrected")
    with store.write() as db:
        current = get(store, action_id)
        if not can_edit(store, current):
            raise PermissionRefused("Only the person who logged this response, or a supervisor, can "
                                    "correct it.")
        merged = {name: current[name] for name in (*CORRECTABLE, "incident_id", "id")}
        merged["staff_ids"] = json.loads(current["staff_ids"])
        merged.update(changes)
        fields = _stored(ResponseAction.from_input(merged))
        version = current["version"] + 1
        db.execute(
            f"UPDATE response_actions SET {', '.join(f'{k} = ?' for k in fields)}, version = ? WHERE id = ?",
            [*fields.values(), version, action_id],
        )
        audit(store, db, what, "response_action", action_id)
        _share(store, db, action_id)
    return version


def history(store: Store, action_id: str) -> list[dict[str, Any]]:
    """Every version of one response this laptop knows, oldest first: `version`, `at` (when it
    was saved here), `what` (logged, corrected, ended...), `by` and the fields it said (the
    frozen shared payload: no laptop-only fields). A teammate's earlier versions live on the
    hub; only the ones this laptop made or holds are listed."""
    payloads = store.rows(
        "SELECT version, payload, created_at FROM outbox WHERE kind = ? AND record_id = ? "
        "AND audience = ? ORDER BY version, seq",
        [RecordKind.RESPONSE_ACTION, action_id, Audience.ORG],
    )
    audits = store.rows(
        "SELECT a.action, a.at, COALESCE(s.display_name, a.actor) AS by FROM audit_log a "
        "LEFT JOIN staff s ON s.id = a.actor WHERE a.entity = 'response_action' AND a.entity_id = ? "
        "AND a.action IN ('log_action', 'correct_action', 'end_action', 'flag_kept', 'flag_moved') "
        "ORDER BY a.id",
        [action_id],
    )
    seen: dict[int, dict[str, Any]] = {}
    for row in payloads:
        seen[int(row["version"])] = {  # a re-queued version keeps its newest payload
            "version": int(row["version"]),
            "at": row["created_at"],
            "fields": json.loads(row["payload"])["data"],
        }
    versions = [seen[v] for v in sorted(seen)]
    # The audit entries are in the same order as the versions this laptop made.
    for entry, step in zip(versions, audits, strict=False):
        entry["what"] = step["action"]
        entry["by"] = step["by"]
    for entry in versions:
        entry.setdefault("what", "log_action" if entry["version"] == 1 else "correct_action")
        entry.setdefault("by", "")
    return versions


def resolve_flag(store: Store, action_id: str, resolution: str) -> int:
    """A supervisor's answer to a response logged after its incident was reassigned:
    `keep` (it stays with whoever logged it) or `move` (its follow-through goes to the incident's
    current assignee). A new version of the action, shared with the team."""
    choice = {"keep": FlagResolution.KEPT, "move": FlagResolution.MOVED}.get(str(resolution).strip().lower())
    if choice is None:
        choice = enum_value(FlagResolution, resolution, "resolution")
    if not may_supervise(store):
        raise PermissionRefused("Only a supervisor can resolve a reassignment flag.")
    with store.write() as db:
        current = get(store, action_id)
        if current["flag"] is None:
            raise ValidationError("resolution", "this response has no flag to resolve")
        owner = current["owner"]
        if choice is FlagResolution.MOVED:
            owner = db.execute("SELECT assignee FROM incidents WHERE id = ?",
                               [current["incident_id"]]).fetchone()[0]
            if owner is None:
                raise ValidationError("resolution", "the incident has no assignee to move it to")
        version = current["version"] + 1
        db.execute("UPDATE response_actions SET flag_resolution = ?, owner = ?, version = ? WHERE id = ?",
                   [choice, owner, version, action_id])
        audit(store, db, f"flag_{choice.value}", "response_action", action_id)
        _share(store, db, action_id)
    return version


def _share(store: Store, db: Database, action_id: str) -> None:
    row = store.one("SELECT * FROM response_actions WHERE id = ?", [action_id])  # sees this transaction
    assert row is not None
    outbox.enqueue(db, store.now(), Audience.ORG, RecordKind.RESPONSE_ACTION, action_id, row["version"],
                   org_action(row))


def for_incident(store: Store, incident_id: str) -> list[dict[str, Any]]:
    return store.rows(f"{_SELECT} WHERE a.incident_id = ? ORDER BY a.started_at, a.id", [incident_id])


def last_action_type(store: Store, actor: str) -> str | None:
    """The default for the next action form: what this worker logged last."""
    return store.scalar(
        "SELECT action_type FROM response_actions WHERE recorded_by = ? "
        "ORDER BY device_recorded_at DESC LIMIT 1", [actor],
    )
