"""What every view is given instead of reaching for globals: the profile's task manager, the
app-wide events, the sync bridge and the clock. Passed in explicitly (no `from ui import mw`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from cvi_desktop.clock import Clock

    from .tasks import TaskManager


def system_clock() -> datetime:
    """The real time, as `cvi_desktop.clock.system_clock` gives it.

    Defined here rather than imported: a session (and so this module) is made before the main
    window's first frame, and `cvi_desktop.clock` loads zoneinfo and the Chicago zone, which the
    first frame has no use for."""
    return datetime.now(UTC)


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
