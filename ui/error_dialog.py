"""The error dialog: a title, what to do, and details that can be copied — already scrubbed."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .errors import Explained, explain


class ErrorDialog(QDialog):
    def __init__(self, explained: Explained, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.explained = explained
        self.setWindowTitle(explained.title)
        self.setAccessibleName(self.tr("Error"))
        layout = QVBoxLayout(self)
        title = QLabel(explained.title, self)
        title.setObjectName("pageTitle")
        title.setWordWrap(True)
        todo = QLabel(explained.what_to_do, self)
        todo.setWordWrap(True)
        todo.setAccessibleName(self.tr("What to do"))
        self.details = QPlainTextEdit(explained.details, self)
        self.details.setReadOnly(True)
        self.details.setAccessibleName(self.tr("Details"))
        self.details.setVisible(False)
        self.details.setMinimumHeight(160)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        self.toggle = QPushButton(self.tr("Show &details"), self)
        self.toggle.setAccessibleName(self.tr("Show details"))
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._toggle)
        self.copy = QPushButton(self.tr("&Copy details"), self)
        self.copy.setAccessibleName(self.tr("Copy details"))
        self.copy.clicked.connect(self.copy_details)
        buttons.addButton(self.toggle, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        layout.addWidget(title)
        layout.addWidget(todo)
        layout.addWidget(self.details)
        layout.addWidget(buttons)
        # adjustSize() (showing details) shrinks to the buttons' width and wraps the title
        # word by word; a minimum keeps the dialog readable.
        self.setMinimumWidth(480)
        self.resize(520, 200)

    def _toggle(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.toggle.setText(self.tr("Hide &details") if shown else self.tr("Show &details"))
        self.adjustSize()

    def copy_details(self) -> None:
        text = f"{self.explained.title}\n{self.explained.what_to_do}\n\n{self.explained.details}"
        QGuiApplication.clipboard().setText(text)


def show_error(parent: QWidget | None, exc: BaseException) -> ErrorDialog:
    dialog = ErrorDialog(explain(exc), parent)
    dialog.open()  # window-modal, never blocks the event loop
    return dialog


def show_explained(parent: QWidget | None, title: str, what_to_do: str, details: str = "") -> ErrorDialog:
    dialog = ErrorDialog(Explained(title, what_to_do, details), parent)
    dialog.open()
    return dialog
