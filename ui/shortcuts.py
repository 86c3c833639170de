"""Help → Keyboard shortcuts (F1): every key the app answers to, in one list.

The menu entries are read from the window's own menus when the dialog opens, so a shortcut
added to a menu shows up here without anyone remembering to; the keys that belong to one
place (the queue's rows, the response form, the log) are listed in `PLACE_KEYS` below.

`enter_presses_buttons` makes Enter press a focused push button everywhere in a window, as
Space does. Qt does that by itself only inside dialogs ("auto-default" buttons), so outside one
a keyboard user pressed Enter on "Open incident" and nothing happened.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QMenuBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def _t(text: str) -> str:
    return QCoreApplication.translate("Shortcuts", text)


# (where, keys, what) for the keys that are not menu entries. Translated when shown (the
# no-op marks each literal for lupdate in context "Shortcuts" and returns it unchanged).
PLACE_KEYS: tuple[tuple[str, str, str], ...] = (
    (
        QT_TRANSLATE_NOOP("Shortcuts", "Anywhere"),
        QT_TRANSLATE_NOOP("Shortcuts", "Tab / Shift+Tab"),
        QT_TRANSLATE_NOOP("Shortcuts", "Next / previous area or field"),
    ),
    (
        QT_TRANSLATE_NOOP("Shortcuts", "Anywhere"),
        QT_TRANSLATE_NOOP("Shortcuts", "Alt+underlined letter"),
        QT_TRANSLATE_NOOP("Shortcuts", "Open that menu, or go to that field, tab or button"),
    ),
    (
        QT_TRANSLATE_NOOP("Shortcuts", "Anywhere"),
        QT_TRANSLATE_NOOP("Shortcuts", "Enter or Space"),
        QT_TRANSLATE_NOOP("Shortcuts", "Press the focused button"),
    ),
    (
        QT_TRANSLATE_NOOP("Shortcuts", "Notifications"),
        QT_TRANSLATE_NOOP("Shortcuts", "Ctrl+Shift+N, then Enter"),
        QT_TRANSLATE_NOOP("Shortcuts", "Open the newest new notification's incident"),
    ),
    (
        QT_TRANSLATE_NOOP("Shortcuts", "Notifications"),
        QT_TRANSLATE_NOOP("Shortcuts", "Up / Down"),
        QT_TRANSLATE_NOOP("Shortcuts", "Choose another new notification"),
    ),
    (
        QT_TRANSLATE_NOOP("Shortcuts", "Queue"),
        QT_TRANSLATE_NOOP("Shortcuts", "Up / Down, Page Up / Page Down"),
        QT_TRANSLATE_NOOP("Shortcuts", "Move between incidents (opens the one you reach)"),
    ),
    (
        QT_TRANSLATE_NOOP("Shortcuts", "Queue"),
        QT_TRANSLATE_NOOP("Shortcuts", "Home / End"),
        QT_TRANSLATE_NOOP("Shortcuts", "First / last incident"),
    ),
    (
        QT_TRANSLATE_NOOP("Shortcuts", "Queue"),
        QT_TRANSLATE_NOOP("Shortcuts", "Enter"),
        QT_TRANSLATE_NOOP("Shortcuts", "Open the incident"),
    ),
    (
        QT_TRANSLATE_NOOP("Shortcuts", "Incident"),
        QT_TRANSLATE_NOOP("Shortcuts", "Ctrl+Tab / Ctrl+Shift+Tab"),
        QT_TRANSLATE_NOOP("Shortcuts", "Next / previous section tab (from inside the tabs)"),
    ),
    (
        QT_TRANSLATE_NOOP("Shortcuts", "Incident"),
        QT_TRANSLATE_NOOP("Shortcuts", "Ctrl+Page Down / Ctrl+Page Up"),
        QT_TRANSLATE_NOOP("Shortcuts", "The same, as in other programs"),
    ),
    (
        QT_TRANSLATE_NOOP("Shortcuts", "Response form"),
        QT_TRANSLATE_NOOP("Shortcuts", "Ctrl+Enter"),
        QT_TRANSLATE_NOOP("Shortcuts", "Save the response, from any field"),
    ),
    (
        QT_TRANSLATE_NOOP("Shortcuts", "Response form"),
        QT_TRANSLATE_NOOP("Shortcuts", "Enter"),
        QT_TRANSLATE_NOOP("Shortcuts", "Save (in the risk basis field, or on the Save button)"),
    ),
    (
        QT_TRANSLATE_NOOP("Shortcuts", "Response form"),
        QT_TRANSLATE_NOOP("Shortcuts", "Esc"),
        QT_TRANSLATE_NOOP("Shortcuts", "Cancel a correction"),
    ),
    (
        QT_TRANSLATE_NOOP("Shortcuts", "Response log"),
        QT_TRANSLATE_NOOP("Shortcuts", "Enter"),
        QT_TRANSLATE_NOOP("Shortcuts", "Correct the selected response"),
    ),
    (
        QT_TRANSLATE_NOOP("Shortcuts", "Lock screen"),
        QT_TRANSLATE_NOOP("Shortcuts", "Enter"),
        QT_TRANSLATE_NOOP("Shortcuts", "Unlock with the PIN or passphrase typed"),
    ),
)


def _plain(text: str) -> str:
    """A menu entry's text without its mnemonic marker ("&Lock now" → "Lock now")."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").replace("…", "")


def menu_shortcuts(bar: QMenuBar) -> list[tuple[str, str, str]]:
    """(menu, keys, entry) for every visible, enabled menu entry that has a shortcut."""
    found: list[tuple[str, str, str]] = []
    for top in bar.actions():
        menu = top.menu()
        if not isinstance(menu, QMenu) or not top.isVisible():
            continue
        for action in menu.actions():
            if action.isSeparator() or not action.isVisible() or not isinstance(action, QAction):
                continue
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if keys:
                found.append((_plain(top.text()), keys, _plain(action.text())))
    return found


class ShortcutsDialog(QDialog):
    """The list of keyboard shortcuts: the menus' and each place's."""

    def __init__(self, bar: QMenuBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.setAccessibleName(self.tr("Keyboard shortcuts"))
        intro = QLabel(
            self.tr(
                "Every menu entry shows its shortcut in the menu too. Logging a response to a new "
                "notification: Ctrl+Shift+N, Enter, Ctrl+L, check the type, Ctrl+Enter."
            ),
            self,
        )
        intro.setWordWrap(True)
        rows = [(where, keys, what) for where, keys, what in menu_shortcuts(bar)]
        rows += [(_t(where), _t(keys), _t(what)) for where, keys, what in PLACE_KEYS]
        self.rows = rows
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setAccessibleName(self.tr("Shortcuts"))
        self.table.setHorizontalHeaderLabels([self.tr("Where"), self.tr("Keys"), self.tr("What it does")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the Close button
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(720, 520)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.table.setFocus()  # arrows scroll the list at once; Esc or Tab, Enter closes

    def keys_listed(self) -> set[str]:
        return {keys for _where, keys, _what in self.rows}


def enter_presses_buttons(root: QWidget) -> None:
    """Enter on a focused push button under `root` presses it (Qt's "auto-default"), as in a
    dialog. Flat status-bar links and buttons in dialogs already behave; this is for the rest."""
    for button in root.findChildren(QPushButton):
        if not button.autoDefault():
            button.setAutoDefault(True)
