"""One signed-in profile: its task manager (writer thread + network pool), app events, sync
bridge and sync service. The launcher, the tests and the benchmark all build the app this way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from .context import AppContext, AppEvents, system_clock
from .sync_bridge import SyncBridge, build_service
from .tasks import TaskManager

if TYPE_CHECKING:
    from cvi_desktop.store import Store


def _profile_opener(
    profile: str, home: Path | None, clock: Callable[[], datetime], actor: str
) -> Callable[[], Store]:
    def open_store() -> Store:
        # Imported here, on the store thread: the store's dependencies (sqlite-utils, SQLCipher,
        # keyring) load while the window is already on screen, not before it.
        from cvi_desktop.store import open_profile

        return open_profile(profile, home=home, clock=clock, actor=actor)

    return open_store


class Session(QObject):
    def __init__(
        self,
        profile: str,
        *,
        home: Path | None = None,
        actor: str | None = None,
        role: str = "worker",
        clock: Callable[[], datetime] = system_clock,
        debug_threads: bool | None = None,
        opener: Callable[[], Store] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.profile = profile
        self.home = home
        self.tasks = TaskManager(self, debug_threads=debug_threads)
        self.events = AppEvents(self)
        self.bridge = SyncBridge(self.tasks, self)
        actor = actor or profile
        self.ctx = AppContext(
            profile=profile,
            actor=actor,
            tasks=self.tasks,
            events=self.events,
            clock=clock,
            role=role,
            request_sync=self.bridge.notify_saved,
            team=[actor],
        )
        self._opener = opener or _profile_opener(profile, home, clock, actor)
        self.hub_url = ""
        # New incidents from the hub: refresh views; the main window rings the bell.
        self.bridge.notification.connect(self.events.notification)
        self.bridge.notification.connect(self.events.data_changed)
        self.bridge.incident_updated.connect(self.events.data_changed)
        self.bridge.finished.connect(lambda _e: self.events.data_changed.emit(""))
        self.bridge.quarantined.connect(lambda _e: self.events.data_changed.emit(""))
        # A teammate's record pulled in: each open view of that incident reloads itself.
        self.bridge.team_records.connect(self._team_records)
        # Role, staff id and name come from the hub, never from a setting on this laptop.
        self.bridge.identity_changed.connect(self.apply_identity)
        self.bridge.team_changed.connect(self.events.team_changed)
        # Names and "last synced" show in the caseload and every record's "recorded by".
        self.bridge.team_changed.connect(lambda: self.events.data_changed.emit(""))

    def _team_records(self, incident_ids: tuple[str, ...]) -> None:
        for incident_id in incident_ids:
            self.events.data_changed.emit(incident_id)

    def apply_identity(self, identity: dict[str, Any] | None) -> None:
        """Who the hub says this laptop's person is; views follow through `identity_changed`."""
        if self.ctx.apply_identity(identity):
            self.events.identity_changed.emit(self.ctx)

    def _read_identity(self) -> None:
        # Queued on the writer thread behind the open, so it finds the store open. The last
        # identity the hub gave is kept in the store, so a laptop opened offline still knows it.
        def read(store: Store) -> dict[str, Any] | None:
            from cvi_desktop.services import settings

            return settings.identity(store)

        self.tasks.store_op(read, on_success=self.apply_identity, on_failure=lambda _exc: None)

    def open(
        self,
        *,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Open the encrypted store on the writer thread (keyring + SQLCipher there, not here)."""
        self.tasks.open_store(self._opener, on_success=on_success, on_failure=on_failure)
        self._read_identity()

    def open_blocking(self, timeout: float = 60) -> None:
        """For tests and the self-test: open and wait (the GUI is not shown yet)."""
        self.tasks.open_store(self._opener).result(timeout)
        self._read_identity()

    def connect_hub(
        self, hub_url: str, *, interval: float | None = None, debounce: float | None = None, live: bool = True
    ) -> None:
        """Start syncing with the hub (the token is already in the keyring)."""
        self.hub_url = hub_url
        service = build_service(
            profile=self.profile,
            hub_url=hub_url,
            tasks=self.tasks,
            bridge=self.bridge,
            clock=self.ctx.clock,
            interval=interval,
            debounce=debounce,
            live=live,
        )
        self.bridge.attach(service)
        self.bridge.start()

    def close(self) -> None:
        self.bridge.stop()
        self.tasks.shutdown()
