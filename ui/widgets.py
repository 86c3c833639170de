"""Small shared widgets: a read-only record table, a "stays on this laptop" banner, a flow layout
and a one-line label that elides."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLayout,
    QLayoutItem,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

Column = tuple[str, str, Callable[[dict[str, Any]], str]]


class RecordTable(QTableWidget):
    """A small read-only table for the few dozen rows under one incident."""

    def __init__(self, columns: Sequence[Column], name: str, parent: QWidget | None = None) -> None:
        super().__init__(0, len(columns), parent)
        self.columns = list(columns)
        self.rows: list[dict[str, Any]] = []
        self._fit: tuple[int, int] | None = None
        self.setAccessibleName(name)
        self.setHorizontalHeaderLabels([header for _key, header, _fmt in columns])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)
        self.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it

    def set_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        self.rows = list(rows)
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, (_key, _header, fmt) in enumerate(self.columns):
                item = QTableWidgetItem(fmt(row))
                item.setData(Qt.ItemDataRole.UserRole, row.get("id"))
                self.setItem(r, c, item)
        if self._fit is not None:
            self._fit_height()

    def fit_rows(self, fewest: int = 2, most: int = 6) -> None:
        """Be as tall as the rows (between `fewest` and `most`, then scroll), not a fixed ~190 px:
        an incident's few participants or referrals leave room for the form under them."""
        self._fit = (fewest, most)
        self._fit_height()

    def _fit_height(self) -> None:
        assert self._fit is not None
        fewest, most = self._fit
        shown = max(fewest, min(self.rowCount(), most))
        row = self.verticalHeader().defaultSectionSize()
        header = self.horizontalHeader().sizeHint().height()
        self.setFixedHeight(header + 2 * self.frameWidth() + shown * row + 2)

    def current_record(self) -> dict[str, Any] | None:
        row = self.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None


def private_banner(parent: QWidget | None, what: str) -> QLabel:
    text = (
        QCoreApplication.translate(
            # No padlock emoji: many Linux desktops have no font for it and draw an empty box.
            "widgets", "<b>Private.</b> %s stay on this laptop. They are never sent to the hub or to CPD."
        )
        % what
    )
    banner = QLabel(text, parent)
    banner.setObjectName("privateBanner")
    banner.setWordWrap(True)
    banner.setAccessibleName(QCoreApplication.translate("widgets", "Privacy notice"))
    return banner


def title_label(text: str, parent: QWidget | None, name: str = "sectionTitle") -> QLabel:
    lab = QLabel(text, parent)
    lab.setObjectName(name)
    lab.setAccessibleName(text)
    return lab


class FlowLayout(QLayout):
    """Lays its items left to right and wraps onto a new line when the width runs out (Qt's
    flow-layout example), so a filter bar fits a 1024 px laptop without a horizontal
    scrollbar and stays one line on a wide screen.

    Built in the window's first frame, so it names no `Qt` enum (see `main_window`): its
    orientations come back as plain values of the property system."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self.stretch_widget: QWidget | None = None
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt override
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt override
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        m = self.contentsMargins()
        left, top, right = rect.x() + m.left(), rect.y() + m.top(), rect.right() - m.right()
        x, y, line = left, top, 0
        row: list[tuple[QLayoutItem, int]] = []
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            width = min(hint.width(), max(right - left + 1, 1))
            if row and x + width - 1 > right:
                if move:
                    self._place(row, y, line, right)
                x, y, line, row = left, y + line + self._gap, 0, []
            row.append((item, x))
            x += width + self._gap
            line = max(line, hint.height())
        if move and row:
            self._place(row, y, line, right)
        return y + line - rect.y() + m.bottom()

    def _place(self, row: list[tuple[QLayoutItem, int]], y: int, height: int, right: int) -> None:
        # `stretch_widget` (the search box), when it starts a line, takes the width that line
        # leaves over: as wide as it can be. (Not `expandingDirections()`: that answers with a
        # `Qt` enum, which the first frame must not build.)
        widths = [min(item.sizeHint().width(), right - x + 1) for item, x in row]
        spare = right - (row[-1][1] + widths[-1] - 1)
        shift = 0
        for i, (item, x) in enumerate(row):
            grow = i == 0 and item.widget() is self.stretch_widget
            width = widths[i] + (spare if grow else 0)
            item.setGeometry(QRect(x + shift, y, width, height))
            if grow:
                shift = spare


class ElidedLabel(QLabel):
    """A one-line label that gives up its room first: narrower than its text, it ends in "…"
    and its tooltip carries the whole text. `text()` stays whole (screen readers, tests).

    For texts that vary with the person and the language (a name, a role, an organisation) in
    a row that must fit a 1024-pixel screen: Spanish made the status bar 1105 pixels wide."""

    elides = True  # for checks that look for cut-off labels: this one is cut off on purpose

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._own_tip = ""

    def setToolTip(self, tip: str) -> None:  # noqa: N802 - Qt's name
        self._own_tip = tip
        super().setToolTip(tip)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.fontMetrics().horizontalAdvance("M" * 6)), hint.height())

    def elided(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self._tip()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._tip()

    def _tip(self) -> None:
        QLabel.setToolTip(self, self.text() if self.elided() else self._own_tip)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        if not self.elided():
            super().paintEvent(event)
            return
        room = self.contentsRect()
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, room.width())
        painter = QPainter(self)
        self.style().drawItemText(painter, room, int(self.alignment()), self.palette(), self.isEnabled(),
                                  shown, self.foregroundRole())
