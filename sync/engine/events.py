"""What the sync engine tells the rest of the app: small frozen events and a status snapshot.

Listeners are plain callables (`Listener`); the engine calls them on its own thread, so a GUI
must hop to its own thread in one place (the Qt bridge in `ui`). Events never carry record
content or tokens, only ids, counts, times and the hub's reason codes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cvi_desktop.clock import local_text


@dataclass(frozen=True)
class SyncStarted:
    at: datetime
    reason: str  # "demand", "timer", "saved", "reconnect", "live", "retry", "start"


@dataclass(frozen=True)
class Progress:
    sent: int  # records with a final answer (acknowledged or set aside) in this sync
    total: int  # records that were waiting when this sync began


@dataclass(frozen=True)
class SyncFinished:
    at: datetime
    acknowledged: int
    quarantined: int
    pulled: int


@dataclass(frozen=True)
class Offline:
    retry_at: datetime
    title: str  # e.g. "Offline", "The hub is busy"
    action: str


@dataclass(frozen=True)
class StorageProblem:
    """This laptop's own database failed during a sync (disk full, locked by another program,
    read-only, damaged): not the network, so never shown as "Offline". The pass stopped with
    nothing half-applied; sync tries again at `retry_at` (a lock or a full disk often clears),
    but the person may have to act: show `title` and `action`, as the store phrased them."""

    title: str  # e.g. "This laptop's disk is full"
    action: str  # e.g. "Free some space (…), then do it again; nothing you saved before was lost."
    kind: str  # "disk_full", "locked", "read_only", "damaged", "unavailable"
    retry_at: datetime | None


@dataclass(frozen=True)
class SignInNeeded:
    title: str
    action: str


@dataclass(frozen=True)
class Paused:
    reason: str  # the error title; sync waits for the person (or a `request_sync`)
    action: str


@dataclass(frozen=True)
class NotificationReceived:
    incident_id: str  # a new incident arrived from the hub; ring the bell


@dataclass(frozen=True)
class IncidentUpdated:
    incident_id: str  # a correction or (re)assignment arrived for an incident already here
    version: int


@dataclass(frozen=True)
class TeamRecordsReceived:
    incident_ids: tuple[str, ...]  # teammates' responses, referrals, follow-ups or reviews arrived


@dataclass(frozen=True)
class IdentityChanged:
    identity: dict[str, Any]  # org_id, org_name, role (worker|supervisor), staff_id, display_name


@dataclass(frozen=True)
class TeamChanged:
    members: int  # the hub's staff list changed (names, roles, active, last synced)


@dataclass(frozen=True)
class RecordQuarantined:
    seq: int
    kind: str
    record_id: str
    version: int
    reason: str  # "conflict", "rejected:invalid", "too_large", "bad_request", ...


@dataclass(frozen=True)
class HubRestored:
    """The hub was restored from a backup: noticed by a new epoch, or, when it was restored
    without one, by its answer that this laptop's cursor is ahead of its change log (then
    `old_epoch == new_epoch`). Either way what it acknowledged is being sent again."""

    old_epoch: str
    new_epoch: str
    requeued: int  # acknowledged records sent again because the hub may have lost them


SyncEvent = (SyncStarted | Progress | SyncFinished | Offline | StorageProblem | SignInNeeded | Paused
             | NotificationReceived | IncidentUpdated | TeamRecordsReceived | IdentityChanged | TeamChanged
             | RecordQuarantined | HubRestored)
Listener = Callable[[SyncEvent], None]


@dataclass(frozen=True)
class SyncStatus:
    """Where this laptop's data stands, for the status bar. Built from the store each time, so it
    is true even right after start-up."""

    state: str  # "idle", "syncing", "offline", "storage_problem", "sign_in_needed", "paused"
    waiting: int  # pending + sending outbox rows
    quarantined: int
    last_synced_at: datetime | None
    retry_at: datetime | None  # set in "offline" and "storage_problem"
    message: str  # the last error's title, if any

    def text(self) -> str:
        """Plain English line in the product's wording; the UI may translate from the fields."""
        if self.state == "sign_in_needed":
            return "Sign-in needed"
        if self.state == "paused":
            return f"Sharing paused — {self.message}" if self.message else "Sharing paused"
        if self.state == "storage_problem":
            waiting = f" · {self.waiting} waiting to share" if self.waiting else ""
            return f"Sharing stopped — {self.message or 'a problem with this laptop’s storage'}{waiting}"
        if self.state == "offline" and self.retry_at is not None:
            waiting = f" · {self.waiting} waiting to share" if self.waiting else ""
            return f"Offline — will retry {local_text(self.retry_at)[-5:]}{waiting}"
        if self.state == "syncing":
            return f"Sharing… {self.waiting} waiting" if self.waiting else "Sharing…"
        parts = []
        if self.waiting:
            parts.append(f"Saved on this laptop · {self.waiting} waiting to share")
        elif self.last_synced_at is not None:
            parts.append(f"Shared {local_text(self.last_synced_at)[-5:]}")
        else:
            parts.append("Saved on this laptop")
        if self.quarantined:
            parts.append(f"{self.quarantined} need attention")
        return " · ".join(parts)
