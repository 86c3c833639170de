"""The client-side sync engine: drains the outbox to the hub and pulls the hub's changes.

Public API (no Qt here; the UI bridges events to signals in one module):

    from sync.engine import SyncEngine, SyncService
    engine = SyncEngine(store, HubClient(url, keyring_token_source(profile)), listeners=[on_event])
    service = SyncService(engine).start()   # worker + live listener threads
    service.request_sync()                  # Sync button / after sign-in
    service.notify_saved()                  # after each save (debounced)
    service.status().text()                 # the status bar line
    service.stop()

Events are the frozen dataclasses in `sync.engine.events`.
"""

from cvi_desktop.outbox import conflicts

from .core import SyncEngine, SyncReport, crash_point
from .events import (
    HubRestored,
    IncidentUpdated,
    Listener,
    NotificationReceived,
    Offline,
    Paused,
    Progress,
    RecordQuarantined,
    SignInNeeded,
    StorageProblem,
    SyncEvent,
    SyncFinished,
    SyncStarted,
    SyncStatus,
)
from .service import LiveListener, SyncService

__all__ = [
    "HubRestored", "IncidentUpdated", "Listener", "LiveListener", "NotificationReceived", "Offline",
    "Paused", "Progress", "RecordQuarantined", "SignInNeeded", "StorageProblem", "SyncEngine", "SyncEvent",
    "SyncFinished", "SyncReport", "SyncService", "SyncStarted", "SyncStatus", "conflicts",
    "crash_point",
]
