"""The new CPD notifications, across the top of the window, each one until it is opened.

One banner used to hold only the newest notification, so a fatal shooting was replaced by a
"shots fired" a minute later. This list keeps every new one (newest first, fatal ones in bold
red), with the count in its title; opening an incident, from here or anywhere else, takes it
off. "Hide" folds the list away, but the status bar keeps the count and brings it back, and the
next notification shows it again. What is new lives in the store
(`cvi_desktop.services.notifications`), so it survives a restart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .labels import label, when
from .resources import icon

if TYPE_CHECKING:
    from cvi_desktop.store import Store

    from .context import AppContext

ID_ROLE = Qt.ItemDataRole.UserRole
MAX_ROWS = 3  # rows shown before the list scrolls: the queue must stay in view on a 700 px screen
FATAL_COLOR = QColor("#b3261e")


class NotificationList(QFrame):
    open_incident = Signal(str)
    count_changed = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entries: list[dict[str, Any]] = []
        self.folded = False  # the person pressed Hide; the next news unfolds it
        self.setObjectName("notificationBanner")
        self.setAccessibleName(self.tr("New CPD notifications"))
        mark = QLabel(self)
        mark.setPixmap(icon("notification").pixmap(20, 20))
        self.title = QLabel(self)
        self.title.setAccessibleName(self.tr("How many notifications are new"))
        # No mnemonic: the window's letters are all taken (tests/ui/test_mnemonics.py); the keys
        # here are Ctrl+Shift+N (the list, newest chosen) and Enter.
        self.open_button = QPushButton(self.tr("Open incident"), self)
        self.open_button.setAccessibleName(self.tr("Open the selected notification's incident"))
        self.hide_button = QPushButton(self.tr("Hide"), self)
        self.hide_button.setAccessibleName(self.tr("Hide the notification list"))
        self.hide_button.setToolTip(self.tr("The status bar keeps the count (Ctrl+Shift+N shows the list)"))
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("New notifications, newest first"))
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

        header = QHBoxLayout()
        header.addWidget(mark)
        header.addWidget(self.title, 1)
        header.addWidget(self.open_button)
        header.addWidget(self.hide_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 3, 8, 5)
        layout.setSpacing(3)
        layout.addLayout(header)
        layout.addWidget(self.list)

        self.open_button.clicked.connect(self._open_selected)
        self.hide_button.clicked.connect(self.fold)
        self.list.itemActivated.connect(lambda item: self._open(str(item.data(ID_ROLE))))
        self.hide()

    @property
    def count(self) -> int:
        return len(self.entries)

    # --- the store's side (all on the store thread) -----------------------------------------

    def reload(self) -> None:
        """Read the new notifications (at start-up: those still new from last time)."""
        from cvi_desktop.services import notifications

        self.ctx.tasks.store_op(
            notifications.unopened, on_success=lambda rows: self.set_entries(rows), on_failure=lambda _e: None
        )

    def received(self, incident_id: str, on_news: Callable[[dict[str, Any]], None]) -> None:
        """A notification came for this incident. If it is news (not seen here before, and
        fresh), the list shows it and `on_news` gets its entry, to ring the bell."""
        from cvi_desktop.services import notifications

        def work(store: Store) -> tuple[bool, list[dict[str, Any]]]:
            return notifications.record(store, incident_id), notifications.unopened(store)

        def done(result: tuple[bool, list[dict[str, Any]]]) -> None:
            news, rows = result
            self.set_entries(rows, reveal=news)
            entry = next((r for r in rows if r["id"] == incident_id), None)
            if news and entry is not None:
                on_news(entry)

        self.ctx.tasks.store_op(work, on_success=done, on_failure=lambda _e: None)

    def opened(self, incident_id: str) -> None:
        """The person opened this incident (from here, the queue, the tray...): no longer new."""
        if not any(e["id"] == incident_id for e in self.entries):
            return  # nothing to change: no store call for every row the queue moves over
        from cvi_desktop.services import notifications

        self.set_entries([e for e in self.entries if e["id"] != incident_id])

        def work(store: Store) -> list[dict[str, Any]]:
            notifications.mark_opened(store, incident_id)
            return notifications.unopened(store)

        self.ctx.tasks.store_op(work, on_success=self.set_entries, on_failure=lambda _e: None)

    # --- the view -------------------------------------------------------------------------------

    def summary(self, entry: dict[str, Any], *, with_rd: bool = True) -> str:
        """One notification in words: "Fatal shooting · District 011 · RD JB123456 · received
        14:02". `with_rd=False` for the tray, which shows even while the window is locked."""
        parts = [label(entry["incident_type"]), self.tr("District %s") % entry["district"]]
        if with_rd and entry.get("rd_number"):
            parts.append(self.tr("RD %s") % entry["rd_number"])
        received = entry.get("org_received_at") or entry.get("received_at")
        if received:
            shown = when(received)
            # Today's need only the time; an older one (the laptop was away) its date too.
            today = when(self.ctx.now().isoformat())[:10]
            parts.append(self.tr("received %s") % (shown[-5:] if shown[:10] == today else shown))
        return " · ".join(parts)

    def set_entries(self, entries: list[dict[str, Any]], *, reveal: bool = False) -> None:
        before = self.count
        selected = self._selected_id()
        self.entries = list(entries)
        self.list.clear()
        bold = QFont(self.list.font())
        bold.setBold(True)
        row_height = self.list.fontMetrics().height() + 6  # a little air: these are read in a hurry
        for entry in self.entries:
            fatal = bool(entry.get("victims_fatal")) or entry["incident_type"] == "fatal_shooting"
            text = self.summary(entry)
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, entry["id"])
            item.setSizeHint(QSize(0, row_height))
            if fatal:
                item.setFont(bold)
                item.setForeground(QBrush(FATAL_COLOR))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, (self.tr("Fatal: ") if fatal else "") + text)
            self.list.addItem(item)
        n = self.count
        self.title.setText(
            "<b>" + self.tr("%n new CPD notification(s)", "", n) + "</b>"
        )
        self.title.setAccessibleDescription(self.title.text())
        if n:
            # The choice survives a refresh; nothing is pre-selected, so the highlight never
            # hides a fatal one's colour (Open takes the newest when none is chosen).
            row = next((i for i, e in enumerate(self.entries) if e["id"] == selected), -1)
            if row >= 0:
                self.list.setCurrentRow(row)
            rows = min(n, MAX_ROWS)
            self.list.setFixedHeight(row_height * rows + 2 * self.list.frameWidth())
        if reveal:
            self.folded = False
        self.setVisible(bool(n) and not self.folded)
        if n != before:
            self.count_changed.emit(n)

    def fold(self) -> None:
        """Hide the list until the next notification; the status bar keeps the count."""
        self.folded = True
        self.hide()

    def reveal(self) -> None:
        """Show the list (the status bar's count, Ctrl+Shift+N) and put the keyboard in it."""
        self.folded = False
        if self.count:
            self.show()
            if self.list.currentRow() < 0:
                self.list.setCurrentRow(0)  # Enter opens the newest straight away
            self.list.setFocus()

    def _selected_id(self) -> str:
        item = self.list.currentItem()
        return str(item.data(ID_ROLE)) if item is not None else ""

    def _open_selected(self) -> None:
        incident_id = self._selected_id() or (self.entries[0]["id"] if self.entries else "")
        self._open(incident_id)

    def _open(self, incident_id: str) -> None:
        if incident_id:
            self.open_incident.emit(incident_id)
