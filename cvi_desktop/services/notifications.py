"""CPD notifications this laptop received, and whether the person has opened each one yet.

A notification is new until its incident is opened; a later one never pushes an earlier one out
of view. What is new survives a restart, so it is kept in the store, in the `sync_state` table
(one row per notified incident, key `notification:<incident id>`, value JSON
`{"received_at": ..., "opened_at": ... | null}`): no schema change for a handful of rows.

Only fresh incidents are news: an incident CPD notified more than `RECENT` ago that arrives now
(a first sync pulling a month of history, a laptop back after a long time away) goes to the
queue quietly instead of ringing the bell hundreds of times.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from ..clock import from_db, to_db
from ..store.database import Store

PREFIX = "notification:"
RECENT = timedelta(hours=24)
KEEP_OPENED = timedelta(days=14)  # opened ones are forgotten after this; new ones never are


def _entries(store: Store) -> dict[str, dict[str, Any]]:
    rows = store.rows("SELECT key, value FROM sync_state WHERE key LIKE ?", [PREFIX + "%"])
    return {str(r["key"])[len(PREFIX):]: dict(json.loads(r["value"])) for r in rows}


def _put(store: Store, incident_id: str, entry: dict[str, Any]) -> None:
    with store.write() as db:
        db.execute(
            "INSERT INTO sync_state (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [PREFIX + incident_id, json.dumps(entry, sort_keys=True)],
        )


def _notified_at(incident: dict[str, Any]) -> datetime | None:
    value = incident.get("org_received_at") or incident.get("cpd_notified_at") or incident.get("occurred_at")
    return from_db(value)


def record(store: Store, incident_id: str) -> bool:
    """A notification for this incident reached the laptop. True when it is news (first time
    here, and fresh): then it stays new until `mark_opened`. Calling it again changes nothing."""
    now = store.now()
    entries = _entries(store)
    forget = [
        key for key, e in entries.items()
        if e.get("opened_at") and (from_db(e["opened_at"]) or now) < now - KEEP_OPENED
    ]
    if forget:
        with store.write() as db:
            db.execute(
                f"DELETE FROM sync_state WHERE key IN ({','.join('?' * len(forget))})",
                [PREFIX + key for key in forget],
            )
    if incident_id in entries:
        return False
    incident = store.rows("SELECT * FROM incidents WHERE id = ?", [incident_id])
    if not incident:
        return False
    when = _notified_at(incident[0])
    if when is not None and when < now - RECENT:
        return False
    _put(store, incident_id, {"received_at": to_db(now), "opened_at": None})
    return True


def mark_opened(store: Store, incident_id: str) -> bool:
    """The person opened this incident: its notification is no longer new. True if it was."""
    entry = _entries(store).get(incident_id)
    if entry is None or entry.get("opened_at"):
        return False
    _put(store, incident_id, entry | {"opened_at": to_db(store.now())})
    return True


def unopened(store: Store) -> list[dict[str, Any]]:
    """The new notifications, newest first: the incident's id, type, district, RD number,
    victims and times, plus `received_at` (when this laptop got it)."""
    waiting = {k: e for k, e in _entries(store).items() if not e.get("opened_at")}
    if not waiting:
        return []
    rows = store.rows(
        "SELECT id, incident_type, district, rd_number, victims_fatal, victims_nonfatal, occurred_at, "
        f"org_received_at FROM incidents WHERE id IN ({','.join('?' * len(waiting))})",
        list(waiting),
    )
    found = [dict(r) | {"received_at": waiting[str(r["id"])]["received_at"]} for r in rows]
    return sorted(found, key=lambda r: (r["received_at"], r["org_received_at"] or ""), reverse=True)
