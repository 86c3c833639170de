"""The incident queue as a paging table model.

Rows come from `queries.incident_page` a page at a time on the store thread (`canFetchMore` /
`fetchMore`), so 100,000 incidents never load at once. A filter or sort change keeps showing the
old rows until the first page of the new query arrives, then swaps in one reset (no flicker).
A generation number drops pages that arrive for a query the user has already replaced.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from cvi_desktop.queries import OPEN_STATUSES, IncidentFilter

from . import operations
from .context import AppContext
from .labels import badge_state, elapsed, label, when
from .queue_columns import COLUMN, COLUMNS, header_text
from .resources import icon

Index = QModelIndex | QPersistentModelIndex


# What each badge means, for its tooltip: the words people mix up most are "shared" and "sent".
BADGE_HELP = {
    "local": QT_TRANSLATE_NOOP(
        "IncidentQueueModel", "Saved on this laptop only; nothing of it has been shared yet"
    ),
    "pending": QT_TRANSLATE_NOOP(
        "IncidentQueueModel", "Saved here and waiting to be shared with your organisation's hub"
    ),
    "shared_team": QT_TRANSLATE_NOOP(
        "IncidentQueueModel", "Your team's hub has every change; CPD has received nothing for it yet"
    ),
    "sent_to_cpd": QT_TRANSLATE_NOOP(
        "IncidentQueueModel", "CPD received the approved record, and your team's hub has every change"
    ),
    "from_cpd": QT_TRANSLATE_NOOP(
        "IncidentQueueModel", "A CPD notification that arrived from the hub; nothing has been logged for it yet"  # noqa: E501
    ),
    "quarantined": QT_TRANSLATE_NOOP(
        "IncidentQueueModel", "The hub refused a change; open the Sync panel to see why"
    ),
}


def _t(text: str) -> str:
    return QCoreApplication.translate("IncidentQueueModel", text)


# lupdate reads `translate("Context", "literal")` calls: the literal strings use it directly.
translate = QCoreApplication.translate


ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_ROLE = Qt.ItemDataRole.UserRole + 2


def read_badged_page(store: Any, f: IncidentFilter, *, generation: int, offset: int, limit: int) -> Any:
    """One page of the queue with each row's badge (`queries.sync_badges`: "sent to CPD",
    "shared with your team", "from CPD", ...) in place of the raw outbox state. Store thread."""
    from cvi_desktop.queries import sync_badges

    page = operations.read_incident_page(store, f, generation=generation, offset=offset, limit=limit)
    return replace(page, states=sync_badges(store, [r["id"] for r in page.rows]))


def _rows_key(f: IncidentFilter) -> IncidentFilter:
    """The part of a filter that decides which rows match (everything but the order)."""
    return replace(f, sort="received", descending=True)


class IncidentQueueModel(QAbstractTableModel):
    page_loaded = Signal(int)  # number of rows now loaded
    total_changed = Signal(int)

    PAGE = 100

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.filter = IncidentFilter()
        self._rows: list[dict[str, Any]] = []
        self._states: dict[str, str] = {}
        self._total: int | None = None
        # The filter (sort aside) that `_total` counted; None until the first count arrives.
        self._total_key: IncidentFilter | None = None
        self._more = False  # the last page was full, so more rows may follow
        self._generation = 0
        self._fetching = False
        # A first page has arrived (the queue's "Loading…" state ends then, even if it is empty).
        self.loaded_once = False
        self.staff_names: dict[str, str] = {}
        # The live clock: refresh "since notification" without touching the store.
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(30_000)
        self._clock_timer.timeout.connect(self.tick)
        self._clock_timer.start()

    # --- queries -------------------------------------------------------------------------------

    def set_filter(self, f: IncidentFilter) -> None:
        # A new sort order shows the same rows in another order: their count stays valid, so
        # only a change to what is selected pays for a new count(*).
        recount = self._total is None or _rows_key(f) != self._total_key
        self.filter = f
        self._generation += 1
        self._request(offset=0, limit=self.PAGE)
        if recount:
            self._request_count()

    def refresh(self) -> None:
        """Reload what is shown (e.g. after a notification), keeping as many rows loaded."""
        self._generation += 1
        self._request(offset=0, limit=max(self.PAGE, len(self._rows)))
        self._request_count()

    def _request(self, *, offset: int, limit: int) -> None:
        generation, f = self._generation, self.filter
        self._fetching = True
        self.ctx.tasks.store_op(
            lambda s: read_badged_page(s, f, generation=generation, offset=offset, limit=limit),
            on_success=self._arrived,
            on_failure=self._failed,
        )

    def _request_count(self) -> None:
        # A second store op queued behind the page: the first rows paint before the count.
        f = self.filter
        self.ctx.tasks.store_op(
            lambda s: operations.count_incidents(s, f),
            on_success=lambda total: self._counted(_rows_key(f), total),
        )

    def _counted(self, key: IncidentFilter, total: int) -> None:
        if key != _rows_key(self.filter):
            return  # the user has changed the filter since; its own count is on its way
        self._total, self._total_key = total, key
        self.total_changed.emit(total)

    def _failed(self, exc: BaseException) -> None:
        self._fetching = False
        self.ctx.tasks.default_failure(exc)

    def _arrived(self, page: operations.Page) -> None:
        if page.generation != self._generation:
            return  # an older query's page; a newer request is on its way
        self._fetching = False
        self.loaded_once = True
        self._more = len(page.rows) == page.limit
        if page.offset == 0:
            self.beginResetModel()
            self._rows = list(page.rows)
            self._states = dict(page.states)
            if self._total_key != _rows_key(self.filter):
                self._total = None  # these rows belong to a count that has not arrived yet
            self.endResetModel()
        elif page.offset == len(self._rows) and page.rows:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self._states.update(page.states)
            self.endInsertRows()
        self.page_loaded.emit(len(self._rows))

    @property
    def total(self) -> int | None:
        return self._total

    def loaded(self) -> int:
        return len(self._rows)

    def incident_id(self, row: int) -> str:
        return str(self._rows[row]["id"])

    def record(self, row: int) -> dict[str, Any]:
        """The loaded queue row (id, rd_number, assignee, ...) at `row`."""
        return self._rows[row]

    def row_of(self, incident_id: str) -> int:
        for i, r in enumerate(self._rows):
            if r["id"] == incident_id:
                return i
        return -1

    def tick(self) -> None:
        if self._rows:
            col = COLUMN["since"]
            self.dataChanged.emit(
                self.index(0, col), self.index(len(self._rows) - 1, col), [Qt.ItemDataRole.DisplayRole]
            )

    # --- Qt model API --------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or self._fetching:
            return False
        if self._total is None:
            return self._more  # the count is still on its way; a full page says there may be more
        return len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._request(offset=len(self._rows), limit=self.PAGE)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return header_text(section)
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            if COLUMNS[section][0] == "since":
                return translate(
                    "IncidentQueueModel", "How long an open incident has waited since your team was notified"
                )
            sortable = COLUMNS[section][2] is not None
            return translate("IncidentQueueModel", "Click to sort") if sortable else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        key = COLUMNS[index.column()][0]
        state = badge_state(self._states.get(row["id"]))
        if role == ID_ROLE:
            return row["id"]
        if role == STATE_ROLE:
            return state
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, key, state)
        if role == Qt.ItemDataRole.DecorationRole and key == "sync":
            return icon(f"sync-{state}")
        if role == Qt.ItemDataRole.ToolTipRole and key == "sync":
            return _t(BADGE_HELP.get(state, "")) or label(state)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{_t(COLUMNS[index.column()][1])}: {self._display(row, key, state)}"
        if role == Qt.ItemDataRole.FontRole and row["status"] == "new":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and key == "sync" and state == "quarantined":
            return QColor("#b3261e")
        return None

    def _display(self, row: dict[str, Any], key: str, state: str) -> str:
        if key == "sync":
            return label(state)
        if key == "received":
            return when(row["org_received_at"])
        if key == "since":
            if row["status"] not in OPEN_STATUSES:
                return "—"
            return elapsed(row["org_received_at"], self.ctx.now())
        if key == "rd_number":
            return row["rd_number"] or translate("IncidentQueueModel", "(none yet)")
        if key == "type":
            return label(row["incident_type"])
        if key == "district":
            return row["district"]
        if key == "beat":
            return row["beat"] or ""
        if key == "victims":
            fatal = row["victims_fatal"] or 0
            fatal_text = translate("IncidentQueueModel", " (%n fatal)", "", fatal) if fatal else ""
            return f"{row['victims_total']}" + fatal_text
        if key == "status":
            return label(row["status"])
        if key == "assignee":
            who = row["assignee"]
            return self.staff_names.get(who, who) if who else translate("IncidentQueueModel", "Unassigned")
        return ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][2]
        if key is None:
            return
        wanted = replace(self.filter, sort=key, descending=order == Qt.SortOrder.DescendingOrder)
        # The view calls sort() when it is set up (the initial sort indicator), before the window
        # has painted or the profile is open: an order that is already the filter's is no change.
        if wanted != self.filter:
            self.set_filter(wanted)

    def sortable(self, column: int) -> bool:
        return COLUMNS[column][2] is not None
