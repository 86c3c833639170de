"""The incident queue: filters, full-text search and the paging table.

Every filter widget feeds one `IncidentFilter`; the model runs it on the store thread. Typing in
the search box waits 250 ms after the last key before asking, so a fast typist sends one query.

The queue is in the window's first frame, which has no rows yet (the profile opens after it).
So the table first shows a plain header model (the same column titles and widths, drawn by Qt
alone) and the real `IncidentQueueModel` is attached right after that frame (`attach_model`,
or the `model` property on first use). The model brings the store's query types and PySide6's
`Qt` namespace, whose ~100 enums take ~40 ms to build on first touch (a Python model's
`headerData` receives a `Qt.Orientation`, so the first painted header would pay for them).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QModelIndex, QTimer, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from .queue_columns import (
    COLUMN,
    COLUMNS,
    DEFAULT_SORT_COLUMN,
    NARROW,
    NARROW_HIDDEN,
    WIDTHS,
    header_text,
)
from .widgets import FlowLayout

if TYPE_CHECKING:
    from cvi_desktop.queries import IncidentFilter

    from .context import AppContext
    from .queue_model import IncidentQueueModel

# The assignee combo's "Unassigned" choice (no staff id can be this: ids have no parentheses).
UNASSIGNED = "(unassigned)"

RANGES = [
    ("any", QT_TRANSLATE_NOOP("IncidentQueueView", "Any time"), None),
    ("24h", QT_TRANSLATE_NOOP("IncidentQueueView", "Last 24 hours"), timedelta(hours=24)),
    ("7d", QT_TRANSLATE_NOOP("IncidentQueueView", "Last 7 days"), timedelta(days=7)),
    ("30d", QT_TRANSLATE_NOOP("IncidentQueueView", "Last 30 days"), timedelta(days=30)),
    ("365d", QT_TRANSLATE_NOOP("IncidentQueueView", "Last 12 months"), timedelta(days=365)),
]


class IncidentQueueView(QWidget):
    incident_activated = Signal(str)
    current_changed = Signal(str)
    # Right-click → Reassign (supervisors): the main window opens the staff picker for it.
    reassign_requested = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._model: IncidentQueueModel | None = None
        self.setAccessibleName(self.tr("Incident queue"))

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search RD number, block, beat, notes…"))
        self.search.setAccessibleName(self.tr("Search incidents"))
        self.search.setClearButtonEnabled(True)
        # The choices that come from the domain are added by `fill_choices` after the first frame:
        # the first frame shows only each combo's current (first) entry anyway.
        # Each combo is sized for a number of characters, not for its items: the items arrive
        # after the first frame (and the staff names later still), and a width that followed
        # them would make the filter bar jump as they did.
        self.status = self._combo(
            self.tr("Status"), [("open", self.tr("Open")), ("", self.tr("All statuses"))], 9
        )
        self.district = self._combo(self.tr("District"), [("", self.tr("All districts"))], 9)
        self.type = self._combo(self.tr("Type"), [("", self.tr("All types"))], 14)
        self._filled = False
        self.assignee = self._combo(
            self.tr("Assignee"),
            [("", self.tr("Anyone")), ("me", self.tr("Me")), (UNASSIGNED, self.tr("Unassigned"))],
            10,
        )
        self.range = self._combo(
            self.tr("Received"), [(k, self.tr(text)) for k, text, _ in RANGES], 10
        )
        self.count = QLabel(self)
        self.count.setObjectName("hint")
        self.count.setAccessibleName(self.tr("Number of incidents"))

        # The filters wrap onto a second line when the window is narrow (a 1024 px laptop) rather
        # than squeezing the search box or hiding behind a horizontal scrollbar; each caption
        # stays with its combo.
        self.filter_bar = QWidget(self)
        filters = FlowLayout(self.filter_bar)
        self.search.setMinimumWidth(self.fontMetrics().averageCharWidth() * 30)
        filters.addWidget(self.search)
        filters.stretch_widget = self.search
        # No mnemonics on the filters: Alt+letters are shared by the whole window (menus, tabs,
        # the response form) and there are not enough letters for all. Ctrl+F goes to the
        # search box and Tab walks the filters from there.
        for caption, combo in (
            (self.tr("Status"), self.status),
            (self.tr("District"), self.district),
            (self.tr("Type"), self.type),
            (self.tr("Assignee"), self.assignee),
            (self.tr("Received"), self.range),
        ):
            pair = QWidget(self.filter_bar)
            pair_layout = QHBoxLayout(pair)
            pair_layout.setContentsMargins(0, 0, 0, 0)
            lab = QLabel(caption, pair)
            lab.setBuddy(combo)
            combo.setParent(pair)
            pair_layout.addWidget(lab)
            pair_layout.addWidget(combo)
            filters.addWidget(pair)

        self.table = QTableView(self)
        # Column titles only, until `attach_model` (see the module docstring).
        self._header_model = QStandardItemModel(0, len(COLUMNS), self)
        self._header_model.setHorizontalHeaderLabels([header_text(i) for i in range(len(COLUMNS))])
        self.table.setModel(self._header_model)
        self.table.setAccessibleName(self.tr("Incidents"))
        # Tab leaves the table for the next area; Up/Down (and Home/End, `_row_keys`) move rows.
        # Walking it cell by cell took ten Tabs a row and opened each incident on the way.
        self.table.setTabKeyNavigation(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self._set_widths()
        self.table.activated.connect(self._activated)
        self.table.doubleClicked.connect(self._activated)
        # A context menu (Open, Reassign for supervisors); set up with the model, after the
        # first frame, since naming its policy builds PySide6's `Qt` namespace.

        # The first frame's loading sign is the count line; the one over the table is built
        # with the model (`_build_empty_state`): asking for the table's viewport before the
        # first frame builds PySide6's `Qt` namespace (~15 ms, see the module docstring).
        self.count.setText(self.tr("Loading incidents…"))
        self.empty: QWidget | None = None
        self.empty_text: QLabel | None = None
        self.clear_filters: QPushButton | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_bar)
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

    def _set_widths(self) -> None:
        for key, width in WIDTHS.items():
            self.table.setColumnWidth(COLUMN[key], width)
        self._fit_sync_column()
        self._fit_columns()

    def _fit_sync_column(self) -> None:
        """Another language's badges can be longer than English's ("Compartido con su equipo"):
        the sync column is as wide as its longest badge, in bold, with its icon. (English fits
        the fixed width, and its first frame need not load the labels' catalog to know it.)"""
        from .language import current_language

        if current_language() == "en":
            return
        from PySide6.QtGui import QFontMetrics

        from .labels import BADGES, label

        bold = self.table.font()
        bold.setBold(True)
        longest = max(QFontMetrics(bold).horizontalAdvance(label(b)) for b in BADGES)
        width = max(WIDTHS["sync"], longest + 16 + 28)  # the icon, its gap and the cell's margins
        self.table.setColumnWidth(COLUMN["sync"], width)

    def _fit_columns(self) -> None:
        """Hide the columns a narrow window has no room for (see `NARROW_HIDDEN`)."""
        narrow = 0 < self.width() < NARROW
        for key in NARROW_HIDDEN:
            self.table.setColumnHidden(COLUMN[key], narrow)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_columns()

    @property
    def model(self) -> IncidentQueueModel:
        """The incident model (attached on first use if the first frame has not done it yet)."""
        if self._model is None:
            self.attach_model()
        assert self._model is not None
        return self._model

    def _build_empty_state(self) -> None:
        """Over the empty table: "Loading incidents…" until the first page comes, then what to
        do when nothing matches. A layout on the viewport centres it; the stretches around it
        leave the rest of the table clickable."""
        self.empty = QWidget(self.table.viewport())
        self.empty.setObjectName("emptyState")
        empty_layout = QVBoxLayout(self.empty)
        self.empty_text = QLabel(self.tr("Loading incidents…"), self.empty)
        self.empty_text.setObjectName("emptyText")
        self.empty_text.setWordWrap(True)
        self.empty_text.setAccessibleName(self.tr("Queue status"))
        self.clear_filters = QPushButton(self.tr("C&lear filters"), self.empty)
        self.clear_filters.setAccessibleName(self.tr("Clear filters"))
        self.clear_filters.hide()
        self.clear_filters.clicked.connect(self.reset_filters)
        empty_layout.addWidget(self.empty_text)
        clear_row = QHBoxLayout()
        clear_row.addStretch(1)
        clear_row.addWidget(self.clear_filters)
        clear_row.addStretch(1)
        empty_layout.addLayout(clear_row)
        centre = QVBoxLayout(self.table.viewport())
        centre.addStretch(1)
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(self.empty)
        middle.addStretch(1)
        centre.addLayout(middle)
        centre.addStretch(2)

    def attach_model(self) -> None:
        """Put the real model behind the table (once): rows, sorting, selection."""
        if self._model is not None:
            return
        from PySide6.QtCore import Qt

        from .queue_model import IncidentQueueModel

        model = self._model = IncidentQueueModel(self.ctx, self)
        self.table.setModel(model)
        self._header_model.deleteLater()
        self._set_widths()  # a new model resets the header's sections
        header = self.table.horizontalHeader()
        # The model's own filter already sorts this way, so enabling sorting asks for nothing.
        header.setSortIndicator(DEFAULT_SORT_COLUMN, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        model.total_changed.connect(self._show_count)
        self._build_empty_state()
        model.page_loaded.connect(self._update_empty_state)
        model.modelReset.connect(self._update_empty_state)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        model.modelReset.connect(self._restore_selection)
        self._row_keys()
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

    def _row_keys(self) -> None:
        """Home / End go to the first / last incident (Qt's go to the first / last column of the
        row, which in a row-selecting table only moves the focus rectangle)."""
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QKeySequence, QShortcut

        for key, row in (("Home", lambda: 0), ("End", lambda: self.model.rowCount() - 1)):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda row=row: self._go_to_row(row()))

    def _go_to_row(self, row: int) -> None:
        if self._model is None or row < 0:
            return
        column = max(self.table.currentIndex().column(), 0)
        index = self.model.index(row, column)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)

    def fill_choices(self) -> None:
        """Add the statuses, districts and incident types to the filter combos (once)."""
        if self._filled:
            return
        self._filled = True
        from cvi_desktop.domain import VALID_DISTRICTS, IncidentStatus, IncidentType

        from .labels import label

        for combo, items in (
            (self.status, [(s.value, label(s.value)) for s in IncidentStatus]),
            # Every district until the laptop knows its coverage (`set_districts`).
            (self.district, [(d, d) for d in sorted(VALID_DISTRICTS)]),
            (self.type, [(t.value, label(t.value)) for t in IncidentType]),
        ):
            combo.blockSignals(True)  # the selection stays where it is: no new query
            for value, text in items:
                combo.addItem(text, value)
            combo.blockSignals(False)

    def _combo(self, name: str, items: list[tuple[str, str]], chars: int) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(chars)
        for value, text in items:
            combo.addItem(text, value)
        return combo

    def set_districts(self, covered: list[str]) -> None:
        """Offer only the districts this organisation covers (those of the incidents the hub
        routed here), plus the one chosen now; all 22 stay while none are known."""
        if not covered:
            return
        self.fill_choices()
        current = self.district.currentData()
        wanted = sorted(set(covered) | ({current} if current else set()))
        self.district.blockSignals(True)
        while self.district.count() > 1:
            self.district.removeItem(1)
        for d in wanted:
            self.district.addItem(d, d)
        self.district.setCurrentIndex(max(self.district.findData(current), 0))
        self.district.blockSignals(False)

    def filters_active(self) -> bool:
        """Whether anything narrows the queue beyond its opening view (open incidents, all)."""
        combos = (self.status, self.district, self.type, self.assignee, self.range)
        return bool(self.search.text().strip()) or any(c.currentIndex() != 0 for c in combos)

    def reset_filters(self) -> None:
        """Back to the opening view: open incidents, every district, type and assignee, any time."""
        for combo in (self.status, self.district, self.type, self.assignee, self.range):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_filters()
        self.search.setFocus()

    def _update_empty_state(self, *_args: object) -> None:
        model = self._model
        if self.empty is None or self.empty_text is None or self.clear_filters is None or model is None:
            return
        if model.rowCount() > 0:
            self.empty.hide()
            return
        if model.loaded_once:
            if self.filters_active():
                self.empty_text.setText(self.tr("No incidents match these filters."))
                self.clear_filters.show()
            else:
                self.empty_text.setText(
                    self.tr("No open incidents. New CPD notifications for your districts will appear here.")
                )
                self.clear_filters.hide()
        self.empty.show()

    def set_staff(self, staff: list[dict[str, Any]]) -> None:
        self.model.staff_names = {s["id"]: s["display_name"] for s in staff}
        current = self.assignee.currentData()
        self.assignee.blockSignals(True)
        while self.assignee.count() > 3:
            self.assignee.removeItem(3)
        for s in staff:
            self.assignee.addItem(s["display_name"], s["id"])
        index = self.assignee.findData(current)
        self.assignee.setCurrentIndex(max(index, 0))
        self.assignee.blockSignals(False)

    def current_filter(self) -> IncidentFilter:
        from cvi_desktop.queries import OPEN_STATUSES

        status = self.status.currentData()
        statuses: tuple[str, ...] = OPEN_STATUSES if status == "open" else ((status,) if status else ())
        assignee = self.assignee.currentData() or None
        unassigned = assignee == UNASSIGNED
        if assignee == "me":
            assignee = self.ctx.actor
        elif unassigned:
            assignee = None
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
            unassigned=unassigned,
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
        from .queue_model import ID_ROLE

        if index.isValid() and self._model is not None:
            self.incident_activated.emit(str(index.data(ID_ROLE)))

    def current_record(self) -> dict[str, Any] | None:
        """The selected incident's queue row, if any."""
        index = self.table.currentIndex()
        if self._model is None or not index.isValid() or index.row() >= self._model.loaded():
            return None
        return self._model.record(index.row())

    def _context_menu(self, pos: Any) -> None:
        from PySide6.QtWidgets import QMenu

        from .queue_model import ID_ROLE

        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        self.table.setCurrentIndex(index)
        incident_id = str(index.data(ID_ROLE))
        menu = QMenu(self)
        menu.addAction(self.tr("&Open incident"), lambda: self.incident_activated.emit(incident_id))
        if self.ctx.supervisor:
            menu.addAction(
                self.tr("Rea&ssign…") + "\tCtrl+R", lambda: self.reassign_requested.emit(incident_id)
            )
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        from .queue_model import ID_ROLE

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
