"""What every view is given instead of reaching for globals: the profile's task manager, the
app-wide events, the sync bridge and the clock. Passed in explicitly (no `from ui import mw`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import QObject, Signal

from cvi_desktop.clock import Clock, system_clock

from .tasks import TaskManager


class AppEvents(QObject):
    """App-wide signals. Emitted on the GUI thread only."""

    # An incident (id) or something under it changed on this laptop or arrived from the hub.
    data_changed = Signal(str)
    # Ask the main window to open an incident (from a notification, the sync panel, ...).
    open_incident = Signal(str)
    # A new CPD notification reached this laptop (incident id).
    notification = Signal(str)


@dataclass
class AppContext:
    profile: str
    actor: str
    tasks: TaskManager
    events: AppEvents
    clock: Clock = system_clock
    display_name: str = ""
    role: str = "worker"
    # Called after every local save so the outbox starts draining (quietly) without waiting.
    request_sync: Callable[[], None] = field(default=lambda: None)
    # The team's staff ids, for the "my team" default of the response form.
    team: list[str] = field(default_factory=list)

    def now(self) -> datetime:
        return self.clock()
