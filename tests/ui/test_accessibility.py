"""Every control a person can reach with the keyboard tells a screen reader what it is.

Walks every window and dialog the app has (the main window with each incident tab, the team
caseload, the review queue, the monthly review, the sync panel, the lock screen, the sign-in
and error dialogs) and fails on any focusable control whose accessibility interface has no
name or no role. The name is what Qt's accessibility layer reports (`QAccessibleInterface
.text(Name)`): a button's own text or a field's label buddy counts, as it does for a screen
reader; an empty string does not.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollBar,
    QTabBar,
    QWidget,
)

from tests.ui.data import seed_incidents

pytestmark = pytest.mark.timeout(90)

# Gaps allowed, named one by one so that any new gap still fails (none today).
KNOWN_GAPS: set[str] = set()


def _internal(widget: QWidget) -> bool:
    """Parts Qt builds inside a control, which the control itself names: a spin box's or an
    editable combo's line edit or popup list, a view's viewport, scroll bars, a tab bar's
    scroll arrows."""
    parent = widget.parentWidget()
    if isinstance(widget, QScrollBar):
        return True
    if parent is not None and isinstance(parent, QAbstractItemView) and widget is parent.viewport():
        return True
    # A combo's popup list, a spin box's editor: the enclosing control carries the name.
    ancestor = widget.parent()
    while ancestor is not None:
        if isinstance(ancestor, (QAbstractSpinBox, QComboBox, QTabBar)):
            return True
        ancestor = ancestor.parent()
    return False


def unnamed_controls(root: QWidget) -> list[str]:
    """Focusable controls under `root` (itself included) without an accessible name or role."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or _internal(widget):
            continue
        iface = QAccessible.queryAccessibleInterface(widget)
        name = iface.text(QAccessible.Text.Name).strip() if iface is not None else ""
        role = iface.role() if iface is not None else QAccessible.Role.NoRole
        if not name or role == QAccessible.Role.NoRole:
            found.append(f"{type(widget).__name__} {widget.objectName()!r} in {type(root).__name__}")
    return found


def test_every_focusable_control_in_every_window_has_a_name_and_role(
    make_session, make_window, manual_clock, qtbot
):
    session = make_session(clock=manual_clock)
    ids = session.tasks.store_op(lambda s: seed_incidents(s, 4)).result(30)
    window = make_window(session)
    window.open_incident(ids[0])
    detail = window.detail
    qtbot.waitUntil(lambda: detail.detail is not None, timeout=5000)
    problems: list[str] = []
    for tab in (detail.responses, detail.facts, detail.casework, detail.people, detail.cpd):
        detail.show_tab(tab)
        problems += unnamed_controls(tab)
    detail.cpd.toggle.setChecked(True)  # the exact data and its copy button
    problems += unnamed_controls(window)

    window.show_team()
    problems += unnamed_controls(window._team)
    window.show_review_queue()
    problems += unnamed_controls(window.review_queue)
    window.show_monthly_review()
    problems += unnamed_controls(window._review)
    window.show_sync_panel()
    problems += unnamed_controls(window.sync_panel)
    window.lock()
    problems += unnamed_controls(window.lock_screen)
    window.unlock()

    from ui.error_dialog import ErrorDialog
    from ui.errors import Explained
    from ui.sign_in import SignInDialog
    from ui.sync_bridge import check_hub, save_sign_in, saved_token

    sign_in = SignInDialog(
        session.tasks, checker=check_hub, save_token=save_sign_in, saved_token=saved_token, home=session.home
    )
    qtbot.addWidget(sign_in)
    problems += unnamed_controls(sign_in)
    error = ErrorDialog(Explained("The hub cannot be reached", "Your work is saved.", "detail"))
    qtbot.addWidget(error)
    problems += unnamed_controls(error)
    problems = [p for p in problems if p not in KNOWN_GAPS]
    assert problems == [], "\n".join(problems)


def test_the_walk_catches_an_unnamed_control(qtbot):
    """The walk is not vacuous: an unlabelled, textless button is reported."""
    from PySide6.QtWidgets import QPushButton, QVBoxLayout

    root = QWidget()
    qtbot.addWidget(root)
    QVBoxLayout(root).addWidget(QPushButton(root))
    assert QApplication.instance() is not None
    assert unnamed_controls(root) == ["QPushButton '' in QWidget"]
