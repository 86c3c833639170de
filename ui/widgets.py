"""Small shared widgets: a read-only record table and a "stays on this laptop" banner."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QWidget

Column = tuple[str, str, Callable[[dict[str, Any]], str]]


class RecordTable(QTableWidget):
    """A small read-only table for the few dozen rows under one incident."""

    def __init__(self, columns: Sequence[Column], name: str, parent: QWidget | None = None) -> None:
        super().__init__(0, len(columns), parent)
        self.columns = list(columns)
        self.rows: list[dict[str, Any]] = []
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
