"""Reassign an incident: a small picker of the team's active staff, and the action behind it.

One entry point, `reassign(...)`, used from the incident queue, the review queue and the team
caseload (context menu or Ctrl+R): it reads the staff list on the store thread, opens the picker
(window-modal, not blocking, so tests and the event loop keep running), and on a choice calls
`operations.assign_incident`. Only supervisors are offered it; the hub refuses anyone else.

Inactive staff (a hub token revoked, someone who left) are left out: handing a shooting to a
person who no longer reads the queue is the mistake this list is there to prevent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from . import operations
from .context import AppContext

ID_ROLE = Qt.ItemDataRole.UserRole
UNASSIGNED = ""


def incident_words(rd_number: str | None) -> str:
    """How the picker names the incident: its RD number when CPD gave one."""
    if rd_number:
        return QCoreApplication.translate("StaffPicker", "RD %s") % rd_number
    return QCoreApplication.translate("StaffPicker", "this incident")


def active_staff(staff: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Staff who can take work: active on the hub (rows without the flag count as active)."""
    return [s for s in staff if int(s.get("active", 1) or 0)]


class StaffPicker(QDialog):
    """Pick one active staff member (or "Unassigned"). Type to filter, arrows and Enter to pick."""

    picked = Signal(object)  # the staff id, or None for unassigned

    def __init__(
        self,
        staff: list[dict[str, Any]],
        current: str | None,
        what: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Reassign"))
        self.setAccessibleName(self.tr("Reassign incident"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        heading = QLabel(self.tr("Who should follow through on %s?") % what, self)
        heading.setWordWrap(True)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(self.tr("Type a name…"))
        self.filter.setAccessibleName(self.tr("Filter staff"))
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Active staff"))
        unassigned = QListWidgetItem(self.tr("Unassigned"), self.list)
        unassigned.setData(ID_ROLE, UNASSIGNED)
        for s in active_staff(staff):
            text = str(s["display_name"])
            if s["id"] == current:
                text = self.tr("%s (assigned now)") % text
            item = QListWidgetItem(text, self.list)
            item.setData(ID_ROLE, str(s["id"]))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("&Reassign"))
        self.ok.setAccessibleName(self.tr("Reassign"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(340, 360)
        self.filter.textChanged.connect(self._filter)
        self.list.itemActivated.connect(lambda _item: self._accept())
        # Start on someone other than the current assignee: reassigning means a change.
        ids = [self.list.item(r).data(ID_ROLE) for r in range(self.list.count())]
        start = next((r for r, i in enumerate(ids) if i not in (current or "", UNASSIGNED)), 0)
        self.list.setCurrentRow(start)
        self.filter.setFocus()
        # Up/Down in the filter box move in the list, so typing and choosing need no mouse.
        self.filter.installEventFilter(self)

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 - Qt override
        from PySide6.QtCore import QEvent

        if watched is self.filter and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.list.keyPressEvent(event)
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._accept()
                return True
        return super().eventFilter(watched, event)

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        first_visible = -1
        for r in range(self.list.count()):
            item = self.list.item(r)
            hidden = bool(words) and not all(w in item.text().casefold() for w in words)
            item.setHidden(hidden)
            if not hidden and first_visible < 0:
                first_visible = r
        current = self.list.currentItem()
        if (current is None or current.isHidden()) and first_visible >= 0:
            self.list.setCurrentRow(first_visible)

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return None
        return str(item.data(ID_ROLE)) or None

    def _accept(self) -> None:
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return
        self.picked.emit(self.chosen())
        self.accept()


def reassign(
    *,
    ctx: AppContext,
    parent: QWidget,
    incident_id: str,
    current: str | None,
    what: str,
    on_done: Callable[[Any], None] | None = None,
) -> None:
    """Ask whom to hand `incident_id` to, then assign it (store thread). Supervisors only."""
    if not ctx.supervisor or not incident_id:
        return

    def show(staff: list[dict[str, Any]]) -> None:
        picker = StaffPicker(staff, current, what, parent)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # Kept findable (tests, and a second Ctrl+R replaces rather than stacks pickers).
        previous = getattr(parent, "staff_picker", None)
        if isinstance(previous, StaffPicker) and previous.isVisible():
            previous.close()
        parent.staff_picker = picker  # type: ignore[attr-defined]
        picker.picked.connect(
            lambda staff_id: (
                None
                if staff_id == (current or None)
                else operations.assign_incident(
                    ctx=ctx, incident_id=incident_id, assignee=staff_id, on_success=on_done
                )
            )
        )
        picker.open()

    operations.load_staff(ctx=ctx, on_success=show)
