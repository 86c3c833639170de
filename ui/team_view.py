"""Team caseload: the supervisor's one screen for the whole team.

A table of staff with their open incidents and overdue follow-ups, worst first, and under it
every overdue follow-up (when it was due in Chicago time, how overdue, kind, who, which incident).
Double-clicking a follow-up (or Enter, or "Open incident") emits `open_incident(incident_id)`;
the main window opens it. Everything is read on the store thread in one `store_op`, so the
two tables and the "as of" time describe the same moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cvi_desktop import queries
from cvi_desktop.clock import local_text

from .context import AppContext
from .labels import elapsed, label, when
from .widgets import RecordTable, title_label

if TYPE_CHECKING:
    from cvi_desktop.store import Store


@dataclass(frozen=True)
class TeamSnapshot:
    """What the dialog shows, read in one go on the store thread."""

    staff: list[dict[str, Any]]
    overdue: list[dict[str, Any]]
    # The store's own "now": the instant the overdue query compared against.
    as_of: datetime


def worst_first(staff: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Overdue follow-ups weigh most (a promise already broken), then open incidents, then name."""
    return sorted(
        staff,
        key=lambda r: (-int(r["overdue_followups"]), -int(r["open_incidents"]), str(r["display_name"])),
    )


def read_team(store: Store) -> TeamSnapshot:
    """Runs on the store thread only."""
    return TeamSnapshot(
        staff=worst_first(queries.caseload(store)),
        overdue=queries.overdue_followups(store),
        as_of=store.now(),
    )


# A team is 5-15 people: the caseload shows that many rows whole, the follow-ups get the rest.
MAX_STAFF_ROWS = 12


def _stretch_column(table: RecordTable, column: int) -> None:
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)


def _fit_rows(table: RecordTable, max_rows: int) -> None:
    """Make the table exactly as tall as its rows (up to `max_rows`, then it scrolls)."""
    shown = min(table.rowCount(), max_rows)
    height = table.horizontalHeader().height() + 2 * table.frameWidth()
    height += sum(table.rowHeight(r) for r in range(shown)) or table.verticalHeader().defaultSectionSize()
    if table.horizontalScrollBar().isVisible():
        height += table.horizontalScrollBar().height()
    table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustIgnored)
    table.setFixedHeight(height)


# Numeric columns read better right-aligned, so digits line up under each other.
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class TeamCaseloadDialog(QDialog):
    """Non-modal; loads when first shown (`refresh()` reloads). Emits `open_incident(incident_id)`."""

    open_incident = Signal(str)
    # After every successful load (tests and the main window may wait on it).
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.snapshot: TeamSnapshot | None = None
        self._names: dict[str, str] = {}
        self._generation = 0
        self.setWindowTitle(self.tr("Team caseload"))
        self.setAccessibleName(self.tr("Team caseload"))

        self.summary = QLabel(self.tr("Loading…"), self)
        self.summary.setAccessibleName(self.tr("Team summary"))
        self.summary.setWordWrap(True)

        self.staff_table = RecordTable(
            [
                ("display_name", self.tr("Staff member"), lambda r: str(r["display_name"])),
                ("role", self.tr("Role"), lambda r: label(r["role"])),
                ("open_incidents", self.tr("Open incidents"), lambda r: str(r["open_incidents"])),
                ("overdue_followups", self.tr("Overdue follow-ups"), lambda r: str(r["overdue_followups"])),
            ],
            self.tr("Caseload per staff member"),
            self,
        )
        self.overdue_table = RecordTable(
            [
                ("due_at", self.tr("Was due"), lambda r: when(r["due_at"])),
                ("overdue_by", self.tr("Overdue by"), self._overdue_by),
                ("kind", self.tr("Kind"), lambda r: label(r["kind"])),
                ("assignee", self.tr("Assigned to"), self._assignee_name),
                ("rd_number", self.tr("RD number"), lambda r: r["rd_number"] or "—"),
                ("district", self.tr("District"), lambda r: str(r["district"])),
            ],
            self.tr("Overdue follow-ups"),
            self,
        )
        # The name and "assigned to" columns take the spare width; numbers and dates stay
        # next to them instead of drifting to the far right edge.
        _stretch_column(self.staff_table, 0)
        _stretch_column(self.overdue_table, 3)
        self.overdue_table.setToolTip(self.tr("Double-click or press Enter to open the incident"))
        self.no_overdue = QLabel(self.tr("No follow-ups are overdue."), self)
        self.no_overdue.setObjectName("hint")
        self.no_overdue.setAccessibleName(self.tr("No follow-ups are overdue."))
        self.no_overdue.hide()

        self.open_button = QPushButton(self.tr("&Open incident"), self)
        self.open_button.setAccessibleName(self.tr("Open the selected follow-up's incident"))
        self.open_button.setEnabled(False)
        self.refresh_button = QPushButton(self.tr("&Refresh"), self)
        self.refresh_button.setAccessibleName(self.tr("Refresh the team caseload"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName(self.tr("Close"))
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Team caseload"), self, "pageTitle"))
        layout.addWidget(self.summary)
        layout.addWidget(title_label(self.tr("Caseload"), self))
        layout.addWidget(self.staff_table)
        layout.addWidget(title_label(self.tr("Overdue follow-ups"), self))
        layout.addWidget(self.overdue_table, 1)
        layout.addWidget(self.no_overdue)
        row = QHBoxLayout()
        row.addWidget(self.refresh_button)
        row.addWidget(self.open_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout.addLayout(row)
        self.resize(860, 640)

        self.refresh_button.clicked.connect(self.refresh)
        self.open_button.clicked.connect(self._open_current)
        self.overdue_table.cellDoubleClicked.connect(lambda row, _col: self._open_row(row))
        self.overdue_table.itemSelectionChanged.connect(
            lambda: self.open_button.setEnabled(self.overdue_table.current_record() is not None)
        )
        # Enter opens the incident too, so the whole screen works from the keyboard.
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.overdue_table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self._open_current)
        # Assignments and follow-ups change while the dialog is open (here or from the hub).
        ctx.events.data_changed.connect(lambda _id: self.refresh() if self.isVisible() else None)

    # --- loading -----------------------------------------------------------------------------

    def refresh(self) -> None:
        self._generation += 1
        generation = self._generation
        self.refresh_button.setEnabled(False)
        self.ctx.tasks.store_op(
            read_team,
            on_success=lambda snap: self._show(generation, snap),
            on_failure=lambda exc: self._failed(generation, exc),
        )

    def _show(self, generation: int, snap: TeamSnapshot) -> None:
        if generation != self._generation:
            return  # an older load finishing after a newer one was asked for
        self.refresh_button.setEnabled(True)
        self.snapshot = snap
        self._names = {str(r["id"]): str(r["display_name"]) for r in snap.staff}
        open_total = sum(int(r["open_incidents"]) for r in snap.staff)
        overdue = len(snap.overdue)
        # Whole phrases for one and for many, so each language can word both (Qt's %n plurals
        # need a translation file even for English).
        parts = [
            self.tr("%d staff") % len(snap.staff),
            (self.tr("1 open incident") if open_total == 1 else self.tr("%d open incidents") % open_total),
            (self.tr("1 follow-up overdue") if overdue == 1 else self.tr("%d follow-ups overdue") % overdue),
            self.tr("as of %s") % local_text(snap.as_of),
        ]
        self.summary.setText(" · ".join(parts))
        self.staff_table.set_rows(snap.staff)
        for r, row in enumerate(snap.staff):
            for c in (2, 3):
                self.staff_table.item(r, c).setTextAlignment(_RIGHT)
            if int(row["overdue_followups"]):
                # Bold, not only coloured: the emphasis survives any palette and colour blindness.
                cell = self.staff_table.item(r, 3)
                font = cell.font()
                font.setBold(True)
                cell.setFont(font)
        _fit_rows(self.staff_table, MAX_STAFF_ROWS)
        self.overdue_table.set_rows(snap.overdue)
        self.overdue_table.setVisible(bool(snap.overdue))
        self.no_overdue.setVisible(not snap.overdue)
        self.open_button.setEnabled(self.overdue_table.current_record() is not None)
        self.loaded.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.refresh_button.setEnabled(True)
        self.summary.setText(self.tr("The team caseload could not be loaded."))
        self.ctx.tasks.default_failure(exc)  # the main window's error dialog explains it

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        if self._generation == 0:
            self.refresh()  # first show: load without the caller asking
        super().showEvent(event)

    # --- cells -------------------------------------------------------------------------------

    def _assignee_name(self, row: dict[str, Any]) -> str:
        assignee = row.get("assignee")
        if not assignee:
            return self.tr("Unassigned")
        # A follow-up can name someone not (yet) on this laptop's staff list: show the id.
        return self._names.get(str(assignee), str(assignee))

    def _overdue_by(self, row: dict[str, Any]) -> str:
        now = self.snapshot.as_of if self.snapshot is not None else self.ctx.now()
        return elapsed(row["due_at"], now)

    # --- opening -----------------------------------------------------------------------------

    def _open_row(self, row: int) -> None:
        rows = self.overdue_table.rows
        if 0 <= row < len(rows) and rows[row].get("incident_id"):
            self.open_incident.emit(str(rows[row]["incident_id"]))

    def _open_current(self) -> None:
        self._open_row(self.overdue_table.currentRow())
