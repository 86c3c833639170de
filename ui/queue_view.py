"""The incident queue: filters, full-text search and the paging table.

Every filter widget feeds one `IncidentFilter`; the model runs it on the store thread. Typing in
the search box waits 250 ms after the last key before asking, so a fast typist sends one query.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cvi_desktop.queries import OPEN_STATUSES, IncidentFilter

from .context import AppContext
from .labels import label
from .queue_model import COLUMN, ID_ROLE, IncidentQueueModel

RANGES = [
    ("any", "Any time", None),
    ("24h", "Last 24 hours", timedelta(hours=24)),
    ("7d", "Last 7 days", timedelta(days=7)),
    ("30d", "Last 30 days", timedelta(days=30)),
    ("365d", "Last 12 months", timedelta(days=365)),
]


class IncidentQueueView(QWidget):
    incident_activated = Signal(str)
    current_changed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = IncidentQueueModel(ctx, self)
        self.setAccessibleName(self.tr("Incident queue"))

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search RD number, block, beat, notes…"))
        self.search.setAccessibleName(self.tr("Search incidents"))
        self.search.setClearButtonEnabled(True)
        # The choices that come from the domain are added by `fill_choices` after the first frame:
        # the first frame shows only each combo's current (first) entry anyway.
        self.status = self._combo(
            self.tr("Status"), [("open", self.tr("Open")), ("", self.tr("All statuses"))]
        )
        self.district = self._combo(self.tr("District"), [("", self.tr("All districts"))])
        self.type = self._combo(self.tr("Type"), [("", self.tr("All types"))])
        self._filled = False
        self.assignee = self._combo(self.tr("Assignee"), [("", self.tr("Anyone")), ("me", self.tr("Me"))])
        self.range = self._combo(self.tr("Received"), [(k, self.tr(text)) for k, text, _ in RANGES])
        self.count = QLabel(self)
        self.count.setObjectName("hint")
        self.count.setAccessibleName(self.tr("Number of incidents"))

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for caption, combo in (
            (self.tr("S&tatus"), self.status),
            (self.tr("&District"), self.district),
            (self.tr("T&ype"), self.type),
            (self.tr("&Assignee"), self.assignee),
            (self.tr("&Received"), self.range),
        ):
            lab = QLabel(caption, self)
            lab.setBuddy(combo)
            filters.addWidget(lab)
            filters.addWidget(combo, 1)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Incidents"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicator(COLUMN["received"], Qt.SortOrder.DescendingOrder)
        for key, width in (
            ("sync", 150),
            ("received", 150),
            ("since", 140),
            ("rd_number", 100),
            ("type", 170),
            ("district", 70),
            ("beat", 60),
            ("victims", 90),
            ("status", 100),
        ):
            self.table.setColumnWidth(COLUMN[key], width)
        self.table.activated.connect(self._activated)
        self.table.doubleClicked.connect(self._activated)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self.apply_filters)
        for combo in (self.status, self.district, self.type, self.assignee, self.range):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.model.total_changed.connect(self._show_count)
        self.model.modelReset.connect(self._restore_selection)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self._wanted_current: str | None = None
        self._tab_order = [
            self.search,
            self.status,
            self.district,
            self.type,
            self.assignee,
            self.range,
            self.table,
        ]
        for first, second in zip(self._tab_order, self._tab_order[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def fill_choices(self) -> None:
        """Add the statuses, districts and incident types to the filter combos (once)."""
        if self._filled:
            return
        self._filled = True
        from cvi_desktop.domain import VALID_DISTRICTS, IncidentStatus, IncidentType

        for combo, items in (
            (self.status, [(s.value, label(s.value)) for s in IncidentStatus]),
            (self.district, [(d, d) for d in sorted(VALID_DISTRICTS)]),
            (self.type, [(t.value, label(t.value)) for t in IncidentType]),
        ):
            combo.blockSignals(True)  # the selection stays where it is: no new query
            for value, text in items:
                combo.addItem(text, value)
            combo.blockSignals(False)

    def _combo(self, name: str, items: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(name)
        for value, text in items:
            combo.addItem(text, value)
        return combo

    def set_staff(self, staff: list[dict[str, Any]]) -> None:
        self.model.staff_names = {s["id"]: s["display_name"] for s in staff}
        current = self.assignee.currentData()
        self.assignee.blockSignals(True)
        while self.assignee.count() > 2:
            self.assignee.removeItem(2)
        for s in staff:
            self.assignee.addItem(s["display_name"], s["id"])
        index = self.assignee.findData(current)
        self.assignee.setCurrentIndex(max(index, 0))
        self.assignee.blockSignals(False)

    def current_filter(self) -> IncidentFilter:
        status = self.status.currentData()
        statuses: tuple[str, ...] = OPEN_STATUSES if status == "open" else ((status,) if status else ())
        assignee = self.assignee.currentData() or None
        if assignee == "me":
            assignee = self.ctx.actor
        received_from = None
        span = dict((k, d) for k, _t, d in RANGES)[self.range.currentData()]
        if span is not None:
            received_from = self.ctx.now() - span
        return replace(
            self.model.filter,
            statuses=statuses,
            districts=(self.district.currentData(),) if self.district.currentData() else (),
            types=(self.type.currentData(),) if self.type.currentData() else (),
            assignee=assignee,
            received_from=received_from,
            search=self.search.text().strip(),
        )

    def apply_filters(self) -> None:
        self._debounce.stop()
        self.model.set_filter(self.current_filter())

    def refresh(self) -> None:
        self.model.refresh()

    def _show_count(self, total: int) -> None:
        self.count.setText(self.tr("%n incident(s)", "", total))

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.incident_activated.emit(str(index.data(ID_ROLE)))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._wanted_current = str(current.data(ID_ROLE))
            self.current_changed.emit(self._wanted_current)

    def _restore_selection(self) -> None:
        if self._wanted_current is None:
            return
        row = self.model.row_of(self._wanted_current)
        if row >= 0:
            self.table.selectRow(row)

    def select_incident(self, incident_id: str) -> None:
        self._wanted_current = incident_id
        row = self.model.row_of(incident_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
