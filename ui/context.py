"""What every view is given instead of reaching for globals: the profile's task manager, the
app-wide events, the sync bridge and the clock. Passed in explicitly (no `from ui import mw`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

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
    # Who this laptop's person is changed (the hub said so): menus and titles follow. The payload
    # is the context itself, already updated.
    identity_changed = Signal(object)
    # The team's staff list changed (from the hub): pickers, names and the caseload follow.
    team_changed = Signal()


@dataclass
class AppContext:
    profile: str
    actor: str
    tasks: TaskManager
    events: AppEvents
    clock: Clock = system_clock
    display_name: str = ""
    # "worker" until the hub says otherwise: supervisor tools appear only once the hub's
    # `GET /v1/me` (kept in the store by the sync engine) confirms the role.
    role: str = "worker"
    org_id: str = ""
    org_name: str = ""
    # False until an identity from the hub is known (first contact, or read from the store).
    identity_known: bool = False
    # Called after every local save so the outbox starts draining (quietly) without waiting.
    request_sync: Callable[[], None] = field(default=lambda: None)
    # The team's staff ids, for the "my team" default of the response form.
    team: list[str] = field(default_factory=list)

    def now(self) -> datetime:
        return self.clock()

    @property
    def supervisor(self) -> bool:
        return self.role == "supervisor"

    def apply_identity(self, identity: dict[str, Any] | None) -> bool:
        """Take role, staff id, name and organisation from the hub's answer; True if any changed.

        `None` (no contact with the hub yet) keeps what the context was made with."""
        if not identity:
            return False
        before = (self.actor, self.role, self.display_name, self.org_id, self.org_name, self.identity_known)
        self.actor = str(identity.get("staff_id") or self.actor)
        self.role = "supervisor" if identity.get("role") == "supervisor" else "worker"
        self.display_name = str(identity.get("display_name") or self.actor)
        self.org_id = str(identity.get("org_id") or "")
        self.org_name = str(identity.get("org_name") or self.org_id)
        self.identity_known = True
        if self.actor not in self.team:
            self.team = [self.actor]
        after = (self.actor, self.role, self.display_name, self.org_id, self.org_name, self.identity_known)
        return before != after
