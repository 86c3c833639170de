"""Team caseload: the supervisor's one screen for the whole team.

A table of staff, worst first: open incidents, follow-ups due in the next 7 days and overdue,
the median response time this (Chicago) month, and when each person's laptop last synced with
the hub ("never" for one that has not; a laptop silent for days is work the team cannot see).
Under it, the selected person's open incidents, which can be reassigned (right-click or Ctrl+R,
a picker of active staff), and every overdue follow-up (when it was due in Chicago time, how
overdue, kind, who, which incident). Double-clicking an incident or follow-up (or Enter, or
"Open incident") emits `open_incident(incident_id)`; the main window opens it.

Everything is read on the store thread in one `store_op`, so the tables and the "as of" time
describe the same moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QPoint, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cvi_desktop import queries

from .context import AppContext
from .labels import ago, elapsed, label, local_when, when
from .staff_picker import incident_words, reassign
from .widgets import RecordTable, title_label

if TYPE_CHECKING:
    from cvi_desktop.store import Store


@dataclass(frozen=True)
class TeamSnapshot:
    """What the dialog shows, read in one go on the store thread."""

    staff: list[dict[str, Any]]
    overdue: list[dict[str, Any]]
    # Every open incident, newest first (a team holds dozens, not thousands).
    incidents: list[dict[str, Any]]
    # The store's own "now": the instant the overdue query compared against.
    as_of: datetime


def worst_first(staff: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Overdue follow-ups weigh most (a promise already broken), then open incidents, then name."""
    return sorted(
        staff,
        key=lambda r: (
            -int(r["followups_overdue"]),
            -int(r["open_incidents"]),
            -int(r.get("followups_due") or 0),
            str(r["display_name"]),
        ),
    )


def read_team(store: Store) -> TeamSnapshot:
    """Runs on the store thread only."""
    open_incidents = queries.IncidentFilter(statuses=queries.OPEN_STATUSES)
    return TeamSnapshot(
        staff=worst_first(queries.caseload(store)),
        overdue=queries.overdue_followups(store),
        incidents=queries.incident_page(
            store, open_incidents, limit=max(queries.incident_count(store, open_incidents), 1)
        ),
        as_of=store.now(),
    )


def minutes_text(value: float | None) -> str:
    """A median response time: '42 min', '2 h 05 min', or '—' when there was none this month."""
    if value is None:
        return "—"
    minutes = int(round(value))
    if minutes < 60:
        return QCoreApplication.translate("TeamCaseload", "%d min") % minutes
    return QCoreApplication.translate("TeamCaseload", "%d h %02d min") % divmod(minutes, 60)


# The staff id of the caseload's "Unassigned" line (no staff member has an empty id).
UNASSIGNED_ID = ""

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
                ("display_name", self.tr("Staff member"), self._staff_name),
                ("role", self.tr("Role"), lambda r: self._role(r["role"])),
                ("open_incidents", self.tr("Open"), lambda r: str(r["open_incidents"])),
                ("followups_due", self.tr("Due in 7 days"), lambda r: str(r.get("followups_due") or 0)),
                ("followups_overdue", self.tr("Overdue"), lambda r: str(r["followups_overdue"])),
                (
                    "median_response_minutes",
                    self.tr("Median response, this month"),
                    lambda r: minutes_text(r.get("median_response_minutes")),
                ),
                ("last_synced_at", self.tr("Laptop last synced"), self._synced),
            ],
            self.tr("Caseload per staff member"),
            self,
        )
        self.staff_table.setToolTip(self.tr("Select someone to see their open incidents below"))
        self.incidents_title = title_label(self.tr("Open incidents"), self)
        self.incidents_table = RecordTable(
            [
                ("org_received_at", self.tr("Received"), lambda r: when(r["org_received_at"])),
                ("since", self.tr("Since"), self._since),
                ("rd_number", self.tr("RD number"), lambda r: r["rd_number"] or "—"),
                ("district", self.tr("District"), lambda r: str(r["district"])),
                ("incident_type", self.tr("Type"), lambda r: label(r["incident_type"])),
                ("status", self.tr("Status"), lambda r: label(r["status"])),
            ],
            self.tr("The selected staff member's open incidents"),
            self,
        )
        self.incidents_table.setToolTip(
            self.tr("Enter opens the incident · Ctrl+R reassigns · right-click for more")
        )
        self.incidents_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
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
        _stretch_column(self.incidents_table, 4)
        _stretch_column(self.overdue_table, 3)
        self.overdue_table.setToolTip(self.tr("Double-click or press Enter to open the incident"))
        self.no_overdue = QLabel(self.tr("No follow-ups are overdue."), self)
        self.no_overdue.setObjectName("hint")
        self.no_overdue.setAccessibleName(self.tr("No follow-ups are overdue."))
        self.no_overdue.hide()

        self.open_button = QPushButton(self.tr("&Open incident"), self)
        self.open_button.setAccessibleName(self.tr("Open the selected incident"))
        self.open_button.setEnabled(False)
        self.reassign_button = QPushButton(self.tr("Rea&ssign…"), self)
        self.reassign_button.setAccessibleName(self.tr("Reassign the selected incident"))
        self.reassign_button.setToolTip(self.tr("Reassign (Ctrl+R)"))
        self.reassign_button.setEnabled(False)
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
        layout.addWidget(self.incidents_title)
        layout.addWidget(self.incidents_table, 1)
        layout.addWidget(title_label(self.tr("Overdue follow-ups"), self))
        layout.addWidget(self.overdue_table, 1)
        layout.addWidget(self.no_overdue)
        row = QHBoxLayout()
        row.addWidget(self.refresh_button)
        row.addWidget(self.open_button)
        row.addWidget(self.reassign_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout.addLayout(row)
        self.resize(960, 680)
        # Which table "Open incident" and Ctrl+R act on: the last one that had focus.
        self._active_table: RecordTable = self.overdue_table

        self.refresh_button.clicked.connect(self.refresh)
        self.open_button.clicked.connect(self._open_current)
        self.reassign_button.clicked.connect(self.reassign_current)
        self.staff_table.itemSelectionChanged.connect(self._show_incidents)
        for table in (self.incidents_table, self.overdue_table):
            table.cellDoubleClicked.connect(lambda row, _col, t=table: self._open_row(t, row))
            table.itemSelectionChanged.connect(lambda t=table: self._table_chosen(t))
            # Enter opens the incident too, so the whole screen works from the keyboard.
            for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                shortcut = QShortcut(QKeySequence(key), table)
                shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
                shortcut.activated.connect(lambda t=table: self._open_row(t, t.currentRow()))
        self.incidents_table.customContextMenuRequested.connect(self._context_menu)
        reassign_key = QShortcut(QKeySequence("Ctrl+R"), self)
        reassign_key.activated.connect(self.reassign_current)
        # Assignments and follow-ups change while the dialog is open (here or from the hub).
        ctx.events.data_changed.connect(lambda _id: self.refresh() if self.isVisible() else None)

    # --- loading -----------------------------------------------------------------------------

    def _role(self, role: object) -> str:
        """The hub's role code as a person reads it (the roles are the app's words)."""
        if role == "supervisor":
            return self.tr("Supervisor")
        if role == "worker":
            return self.tr("Worker")
        return label(role)

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
        chosen = self._chosen_staff()
        self.snapshot = snap
        self._names = {str(r["id"]): str(r["display_name"]) for r in snap.staff}
        # Open incidents no one holds get a line of their own, after the people (who stay worst
        # first, the first of them selected): otherwise they are in nobody's count at all.
        unassigned = [r for r in snap.incidents if not r["assignee"]]
        rows = list(snap.staff)
        if unassigned:
            rows.append(self._unassigned_row(len(unassigned), snap))
        open_total = len(snap.incidents)
        overdue = len(snap.overdue)
        # Qt's %n plurals: each language words one and many in its .ts (English too).
        parts = [
            self.tr("%n staff", "", len(snap.staff)),
            self.tr("%n open incident(s)", "", open_total),
            self.tr("%n follow-up(s) overdue", "", overdue),
            self.tr("as of %s") % local_when(snap.as_of),
        ]
        if unassigned:
            parts.insert(2, self.tr("%n unassigned", "", len(unassigned)))
        self.summary.setText(" · ".join(parts))
        self.staff_table.blockSignals(True)
        self.staff_table.set_rows(rows)
        for r, row in enumerate(rows):
            for c in (2, 3, 4, 5):
                self.staff_table.item(r, c).setTextAlignment(_RIGHT)
            if int(row["followups_overdue"]):
                # Bold, not only coloured: the emphasis survives any palette and colour blindness.
                cell = self.staff_table.item(r, 4)
                font = cell.font()
                font.setBold(True)
                cell.setFont(font)
        ids = [str(r["id"]) for r in rows]
        if ids:
            self.staff_table.selectRow(ids.index(chosen) if chosen in ids else 0)
        self.staff_table.blockSignals(False)
        _fit_rows(self.staff_table, MAX_STAFF_ROWS)
        self._show_incidents()
        self.overdue_table.set_rows(snap.overdue)
        self.overdue_table.setVisible(bool(snap.overdue))
        self.no_overdue.setVisible(not snap.overdue)
        self._update_buttons()
        self.loaded.emit()

    def _unassigned_row(self, count: int, snap: TeamSnapshot) -> dict[str, Any]:
        """The caseload's "Unassigned" line (id ""): open incidents no one holds, and the
        overdue follow-ups that belong to no one (neither the follow-up nor its incident)."""
        return {
            "id": UNASSIGNED_ID,
            "display_name": self.tr("Unassigned"),
            "role": "",
            "active": 1,
            "open_incidents": count,
            "followups_due": 0,
            "followups_overdue": sum(1 for r in snap.overdue if not r.get("assignee")),
            "median_response_minutes": None,
            "last_synced_at": None,
            "unassigned": True,
        }

    def _chosen_staff(self) -> str | None:
        record = self.staff_table.current_record() if self.staff_table.selectedItems() else None
        return str(record["id"]) if record else None

    def _show_incidents(self) -> None:
        """The selected staff member's open incidents (from the same snapshot)."""
        if self.snapshot is None:
            return
        chosen = self._chosen_staff()
        rows = [r for r in self.snapshot.incidents if chosen is not None and (r["assignee"] or "") == chosen]
        name = self._names.get(chosen or "", "")
        if chosen == UNASSIGNED_ID:
            title = self.tr("Open incidents no one is assigned to")
        else:
            title = self.tr("Open incidents of %s") % name if name else self.tr("Open incidents")
        self.incidents_title.setText(title)
        self.incidents_table.set_rows(rows)
        self._update_buttons()

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

    def _staff_name(self, row: dict[str, Any]) -> str:
        name = str(row["display_name"])
        # Inactive (token revoked, left the team): still listed while they hold work.
        return name if int(row.get("active", 1) or 0) else self.tr("%s (inactive)") % name

    def _synced(self, row: dict[str, Any]) -> str:
        if row.get("unassigned"):
            return "—"
        now = self.snapshot.as_of if self.snapshot is not None else self.ctx.now()
        return ago(row.get("last_synced_at"), now)

    def _since(self, row: dict[str, Any]) -> str:
        now = self.snapshot.as_of if self.snapshot is not None else self.ctx.now()
        return elapsed(row["org_received_at"], now)

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

    @staticmethod
    def _incident_of(table: RecordTable, row: int) -> tuple[str, dict[str, Any]] | None:
        """(incident id, row) for a row of the incidents or the overdue table."""
        rows = table.rows
        if not 0 <= row < len(rows):
            return None
        record = rows[row]
        incident_id = record.get("incident_id") or (record.get("id") if "org_received_at" in record else None)
        return (str(incident_id), record) if incident_id else None

    def _open_row(self, table: RecordTable, row: int) -> None:
        found = self._incident_of(table, row)
        if found is not None:
            self.open_incident.emit(found[0])

    def _open_current(self) -> None:
        self._open_row(self._active_table, self._active_table.currentRow())

    def _table_chosen(self, table: RecordTable) -> None:
        if table.selectedItems():
            self._active_table = table
        self._update_buttons()

    def _update_buttons(self) -> None:
        table = self._active_table
        has = bool(table.selectedItems()) and self._incident_of(table, table.currentRow()) is not None
        self.open_button.setEnabled(has)
        # Reassigning acts on incidents; a follow-up row stands for its incident too.
        self.reassign_button.setEnabled(has and self.ctx.supervisor)

    def reassign_current(self) -> None:
        table = self._active_table
        found = self._incident_of(table, table.currentRow()) if table.selectedItems() else None
        if found is None:
            return
        incident_id, record = found
        current = None
        if self.snapshot is not None:
            current = next((r["assignee"] for r in self.snapshot.incidents if r["id"] == incident_id), None)
        reassign(
            ctx=self.ctx,
            parent=self,
            incident_id=incident_id,
            current=current,
            what=incident_words(record.get("rd_number")),
        )

    def _context_menu(self, pos: QPoint) -> None:
        item = self.incidents_table.itemAt(pos)
        if item is None:
            return
        self.incidents_table.selectRow(item.row())
        menu = QMenu(self)
        menu.addAction(self.tr("&Open incident"), self._open_current)
        if self.ctx.supervisor:
            menu.addAction(self.tr("Rea&ssign…") + "\tCtrl+R", self.reassign_current)
        menu.popup(self.incidents_table.viewport().mapToGlobal(pos))
