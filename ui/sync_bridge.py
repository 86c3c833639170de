"""The one seam between the sync engine and Qt.

The engine (`sync.engine`) reports through plain callables on its own threads
(`sync.engine.events`). `SyncBridge.listener` is the callable we hand it: it only posts the
event to the GUI thread (Electrum's `QtEventListener`, Dangerzone's `GUIMixin`), where
`deliver` turns it into Qt signals. Nothing else in `ui` imports the engine or the HTTP client,
and every network call the UI makes (checking a sign-in) runs in the task manager's network pool.

Events are dispatched by class name so this module keeps working while the engine grows new
fields; unknown events are ignored.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal

from .tasks import TaskManager


class EngineLike(Protocol):
    """What the bridge needs from `sync.engine.SyncService`."""

    def start(self) -> Any: ...
    def stop(self, timeout: float = 10.0) -> None: ...
    def request_sync(self, reason: str = "demand") -> None: ...
    def notify_saved(self) -> None: ...


class _EventBox(QEvent):
    TYPE = QEvent.Type(QEvent.registerEventType())

    def __init__(self, payload: object) -> None:
        super().__init__(self.TYPE)
        self.payload = payload


@dataclass(frozen=True)
class HubCheck:
    """The answer to "are this address and token good?"."""

    url: str
    epoch: str


# Events that end a sync pass and say where sharing stands.
OUTCOMES = frozenset({"SyncFinished", "Offline", "SignInNeeded", "Paused", "StorageProblem"})


class SyncBridge(QObject):
    started = Signal(object)  # SyncStarted
    progress = Signal(int, int)  # sent, total
    finished = Signal(object)  # SyncFinished
    offline = Signal(object)  # Offline (retry_at, title, action)
    sign_in_needed = Signal(object)  # SignInNeeded (title, action)
    paused = Signal(object)  # Paused (reason, action)
    # This laptop's own storage failed during a sync (disk full, locked, read-only, damaged): the
    # engine's `StorageProblem` (title, action, kind, retry_at). Not the network, so not `offline`.
    storage_problem = Signal(object)
    # An engine was attached: the hub is set up and the first sync is on its way.
    attached = Signal()
    notification = Signal(str)  # incident id of a new notification
    incident_updated = Signal(str)
    quarantined = Signal(object)  # RecordQuarantined
    # The hub's `GET /v1/me` answer changed (role, staff id, name, organisation): a dict.
    identity_changed = Signal(object)
    # Teammates' records pulled into this store: the incident ids they belong to (a tuple).
    team_records = Signal(object)
    # The hub's staff list changed (names, roles, active, laptops' last sync).
    team_changed = Signal()
    any_event = Signal(object)
    # A sync the person asked for failed: the main window explains it in a dialog.
    demand_failed = Signal(str, str)  # title, what to do

    def __init__(self, tasks: TaskManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.engine: EngineLike | None = None
        self._on_demand = False
        # The last outcome of a sync (SyncFinished, Offline, SignInNeeded, Paused, StorageProblem),
        # for views made after it; None until the first one since `attach`.
        self.outcome: object | None = None
        self.gui_thread_deliveries = 0
        self.other_thread_deliveries = 0

    # --- engine → GUI --------------------------------------------------------------------------

    def listener(self, event: object) -> None:
        """Give this to the engine. Safe on any thread: it only posts."""
        QCoreApplication.postEvent(self, _EventBox(event))

    def event(self, ev: QEvent) -> bool:  # noqa: D401 - Qt override
        if ev.type() == _EventBox.TYPE:
            self.deliver(ev.payload)  # type: ignore[attr-defined]
            return True
        return super().event(ev)

    def deliver(self, event: object) -> None:
        """Turn one engine event into signals. Runs on the GUI thread."""
        if threading.current_thread() is threading.main_thread():
            self.gui_thread_deliveries += 1
        else:
            self.other_thread_deliveries += 1
        name = type(event).__name__
        if name in OUTCOMES:
            self.outcome = event
        self.any_event.emit(event)
        if name == "SyncStarted":
            self.started.emit(event)
        elif name == "Progress":
            self.progress.emit(int(event.sent), int(event.total))  # type: ignore[attr-defined]
        elif name == "SyncFinished":
            self._on_demand = False
            self.finished.emit(event)
        elif name == "Offline":
            self._explain_if_asked(event)
            self.offline.emit(event)
        elif name == "SignInNeeded":
            self._explain_if_asked(event)
            self.sign_in_needed.emit(event)
        elif name == "Paused":
            self._explain_if_asked(event, title_attr="reason")
            self.paused.emit(event)
        elif name == "StorageProblem":
            self._explain_if_asked(event)
            self.storage_problem.emit(event)
        elif name == "NotificationReceived":
            self.notification.emit(str(event.incident_id))  # type: ignore[attr-defined]
        elif name == "IncidentUpdated":
            self.incident_updated.emit(str(event.incident_id))  # type: ignore[attr-defined]
        elif name == "RecordQuarantined":
            self.quarantined.emit(event)
        elif name == "IdentityChanged":
            self.identity_changed.emit(dict(event.identity))  # type: ignore[attr-defined]
        elif name == "TeamChanged":
            self.team_changed.emit()
        elif name == "TeamRecordsReceived":
            self.team_records.emit(tuple(str(i) for i in event.incident_ids))  # type: ignore[attr-defined]

    def _explain_if_asked(self, event: object, title_attr: str = "title") -> None:
        # Automatic sync fails quietly into the status bar; a sync the person asked for explains
        # itself once (Anki's sync.py does the same).
        if self._on_demand:
            self._on_demand = False
            self.demand_failed.emit(str(getattr(event, title_attr, "")), str(getattr(event, "action", "")))

    # --- GUI → engine --------------------------------------------------------------------------

    def attach(self, engine: EngineLike) -> None:
        self.engine = engine
        self.outcome = None
        self.attached.emit()

    def start(self) -> None:
        if self.engine is not None:
            self.engine.start()  # only starts its threads; returns at once

    def stop(self) -> None:
        engine, self.engine = self.engine, None
        if engine is not None:
            engine.stop(5.0)

    def notify_saved(self) -> None:
        """After a local save: sync soon (debounced by the engine), quietly."""
        if self.engine is not None:
            self.engine.notify_saved()

    def request_sync(self, *, on_demand: bool = False) -> None:
        """Ask for a sync now. `on_demand`: the person clicked "Share now"; failures explain."""
        if self.engine is None:
            if on_demand:
                self.demand_failed.emit(
                    QCoreApplication.translate("SyncBridge", "Not signed in to a hub"),
                    QCoreApplication.translate("SyncBridge", "Sign in to a hub to share your work."),
                )
            return
        if on_demand:
            self._on_demand = True
        self.engine.request_sync("demand")

    def signed_in_again(self) -> None:
        """A new token is in the keyring: sync now. The engine reads the token at each request,
        and a sync it is asked for clears its wait for the person."""
        if self.engine is not None:
            self.engine.request_sync("signed_in")

    # --- sign-in checks (network pool) ---------------------------------------------------------

    def check_hub(
        self,
        url: str,
        token: str,
        *,
        on_success: Callable[[HubCheck], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        """Check an address and token against the hub, off the GUI thread."""
        self.tasks.network_op(lambda: check_hub(url, token), on_success=on_success, on_failure=on_failure)


def check_hub(url: str, token: str) -> HubCheck:
    """Blocking: reach the hub's health route, then an authenticated route with the token."""
    from sync.client import HubClient  # the network stack loads only when someone signs in

    client = HubClient(url, lambda: token)
    try:
        client.health()
        config = client.config()
        return HubCheck(url=client.base_url, epoch=config.epoch)
    finally:
        client.close()


def save_sign_in(profile: str, token: str) -> None:
    """Keep the token in the keyring (never a file); called on the network pool after a check."""
    from sync.credentials import set_token

    set_token(profile, token)


def saved_token(profile: str) -> str | None:
    from sync.credentials import get_token

    return get_token(profile)


def build_service(
    *,
    profile: str,
    hub_url: str,
    tasks: TaskManager,
    bridge: SyncBridge,
    clock: Callable[[], datetime] | None = None,
    interval: float | None = None,
    debounce: float | None = None,
    live: bool = True,
) -> Any:
    """The profile's sync service (worker + live listener), wired to the bridge.

    The engine holds no store: each time it needs one it hands a whole core function to the
    store thread (`tasks.store_call`, Datasette's `execute_write_fn`), so the store keeps one
    thread, a sync never holds it between statements, and the GUI never waits on the network.
    """
    from sync.client import HubClient
    from sync.credentials import keyring_token_source
    from sync.engine import SyncEngine, SyncService

    engine = SyncEngine(
        None,
        HubClient(hub_url, keyring_token_source(profile)),  # type: ignore[arg-type]
        clock=clock,
        listeners=[bridge.listener],
        run=tasks.store_call,
    )
    options: dict[str, Any] = {"live": live}
    if interval is not None:
        options["interval"] = interval
    if debounce is not None:
        options["debounce"] = debounce
    return SyncService(engine, **options)
