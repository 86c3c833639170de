"""The keyboard path, driven by key events alone on the real window (offscreen).

Each key goes to the widget that has the focus, as a real keyboard's would (`press`), so a
shortcut that only works when the test aims it at the right widget would fail here.
"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTabBar,
    QTableView,
    QWidget,
)

from cvi_desktop.services import responses
from sync.engine.events import NotificationReceived
from tests.ui.data import seed_incidents
from ui.response_form import suggest_type
from ui.responses_tab import EndDialog, HistoryDialog
from ui.shortcuts import ShortcutsDialog

pytestmark = pytest.mark.timeout(90)
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


class Keyboard:
    """Presses keys on whatever has the focus, and counts them."""

    def __init__(self, qtbot: object) -> None:
        self.qtbot = qtbot
        self.count = 0

    def press(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        target = QApplication.focusWidget()
        assert target is not None, "nothing has the keyboard focus"
        self.qtbot.keyClick(target, key, modifiers)  # type: ignore[attr-defined]
        self.count += 1


def active(window: QWidget, qtbot: object) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)  # type: ignore[attr-defined]


def actions_of(session: object, incident_id: str) -> list[dict]:
    return session.tasks.store_op(lambda s: responses.for_incident(s, incident_id)).result(10)  # type: ignore[attr-defined]


def test_a_hospital_response_to_a_new_notification_takes_four_keystrokes(make_session, make_window, qtbot):
    session = make_session()
    ids = session.tasks.store_op(lambda s: seed_incidents(s, 3)).result(30)
    shooting = ids[1]  # a non-fatal shooting with one injured victim, nobody has responded yet
    window = make_window(session)
    window.notifier.sound_on = False
    active(window, qtbot)
    window.queue.table.setFocus()  # where the person was: reading the queue
    qtbot.waitUntil(lambda: window.queue.table.hasFocus(), timeout=3000)

    # The sync engine hears of the incident (on its own thread, as it does).
    threading.Thread(target=session.bridge.listener, args=(NotificationReceived(shooting),)).start()
    qtbot.waitUntil(lambda: window.banner.count == 1 and window.banner.isVisible(), timeout=5000)

    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_N, CTRL | SHIFT)  # Incident → New notifications: the list, newest chosen
    assert window.banner.list.hasFocus()
    keys.press(Qt.Key.Key_Return)  # open it
    detail = window.detail
    qtbot.waitUntil(
        lambda: detail.detail is not None and detail.detail.incident["id"] == shooting, timeout=5000
    )
    keys.press(Qt.Key.Key_L, CTRL)  # Incident → Log a response
    form = detail.responses.form
    assert form.action_type.hasFocus()
    # The defaults follow the situation: a first response to an injured victim is a hospital
    # visit, still going, so no final outcome yet.
    assert form.action_type.currentData() == "hospital"
    assert form.minutes.value() == 0 and form.outcome.currentData() == "ongoing"
    assert "injured" in form.suggestion.text()
    keys.press(Qt.Key.Key_Return, CTRL)  # save
    qtbot.waitUntil(lambda: len(actions_of(session, shooting)) == 1, timeout=5000)
    saved = actions_of(session, shooting)[0]
    assert saved["action_type"] == "hospital" and saved["outcome"] == "ongoing" and saved["ended_at"] is None
    assert keys.count == 4  # at most six, from the banner
    qtbot.waitUntil(lambda: form.message.text() == "Saved on this laptop.", timeout=5000)
    assert form.action_type.hasFocus()

    # Every key used is discoverable: in the menus with its shortcut, and in Help → Keyboard
    # shortcuts (F1), which lists them all.
    keys.press(Qt.Key.Key_F1)
    dialog = window._shortcuts_dialog
    qtbot.waitUntil(dialog.table.hasFocus, timeout=3000)
    listed = dialog.keys_listed()
    for shortcut in ("Ctrl+Shift+N", "Ctrl+L", "Ctrl+Enter", "Ctrl+Shift+L", "F1", "Home / End"):
        assert any(shortcut in k for k in listed), shortcut
    assert any("Ctrl+Enter" in b.toolTip() for b in [form.save_button])
    keys.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)


def test_tab_leaves_the_queue_and_arrows_home_end_move_rows(make_session, make_window, qtbot):
    session = make_session()
    session.tasks.store_op(lambda s: seed_incidents(s, 6)).result(30)
    window = make_window(session)
    active(window, qtbot)
    table = window.queue.table
    qtbot.waitUntil(lambda: window.queue.model.rowCount() == 6, timeout=5000)
    table.setFocus()
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_Home)
    assert table.currentIndex().row() == 0
    keys.press(Qt.Key.Key_Down)
    assert table.currentIndex().row() == 1
    keys.press(Qt.Key.Key_End)
    assert table.currentIndex().row() == 5
    keys.press(Qt.Key.Key_Home)
    assert table.currentIndex().row() == 0
    keys.press(Qt.Key.Key_Right)  # a column to the right: Home must still go to the first row
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Home)
    assert table.currentIndex().row() == 0
    detail = window.detail
    first = window.queue.current_record()
    assert first is not None
    qtbot.waitUntil(lambda: detail.incident_id == first["id"], timeout=5000)

    # One Tab leaves the table for the next area, and the open incident stays the same.
    keys.press(Qt.Key.Key_Tab)
    assert not table.hasFocus() and QApplication.focusWidget() is not None
    assert table.currentIndex().row() == 0 and detail.incident_id == first["id"]
    keys.press(Qt.Key.Key_Tab, SHIFT)
    assert table.hasFocus()


def test_ctrl_tab_walks_the_incident_sections_from_inside_them(make_session, make_window, qtbot):
    session = make_session()
    ids = session.tasks.store_op(lambda s: seed_incidents(s, 2)).result(30)
    window = make_window(session)
    active(window, qtbot)
    window.open_incident(ids[1])
    detail = window.detail
    qtbot.waitUntil(lambda: detail.responses.form.incident_id == ids[1], timeout=5000)
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_L, CTRL)
    assert detail.tabs.currentIndex() == 0
    keys.press(Qt.Key.Key_Tab, CTRL)
    assert detail.tabs.currentIndex() == 1
    keys.press(Qt.Key.Key_Tab, CTRL | SHIFT)
    assert detail.tabs.currentIndex() == 0


def test_enter_presses_the_focused_button(make_session, make_window, qtbot):
    session = make_session()
    ids = session.tasks.store_op(lambda s: seed_incidents(s, 2)).result(30)
    window = make_window(session)
    active(window, qtbot)
    window.banner.set_entries([{"id": ids[1], "incident_type": "nonfatal_shooting", "district": "007"}])
    window.banner.open_button.setFocus()
    qtbot.waitUntil(window.banner.open_button.hasFocus, timeout=3000)
    Keyboard(qtbot).press(Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: window.detail.detail is not None and window.detail.detail.incident["id"] == ids[1],
        timeout=5000,
    )
    # And on the response form's Save button.
    form = window.detail.responses.form
    form.save_button.setFocus()
    qtbot.waitUntil(form.save_button.hasFocus, timeout=3000)
    Keyboard(qtbot).press(Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: len(actions_of(session, ids[1])) == 1, timeout=5000)


def _image(widget: QWidget) -> QImage:
    return widget.grab().toImage()


def test_every_kind_of_focusable_control_shows_its_focus(make_session, make_window, qtbot):
    session = make_session()
    ids = session.tasks.store_op(lambda s: seed_incidents(s, 2)).result(30)
    window = make_window(session)
    active(window, qtbot)
    window.open_incident(ids[1])
    detail = window.detail
    qtbot.waitUntil(lambda: detail.detail is not None, timeout=5000)
    window.banner.set_entries([{"id": ids[0], "incident_type": "fatal_shooting", "district": "011"}])
    kinds = (QPushButton, QComboBox, QLineEdit, QSpinBox, QDateTimeEdit, QTableView, QListWidget, QTabBar)
    checked = []
    for kind in kinds:
        widgets = [
            w
            for w in window.findChildren(kind)
            if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
            and w.window() is window
        ]
        assert widgets, kind.__name__
        widget = widgets[0]
        window.queue.count.setFocus()  # somewhere neutral (a label takes no focus: clears it)
        (window.status.button if widget is not window.status.button else window.queue.search).setFocus()
        qtbot.waitUntil(lambda widget=widget: not widget.hasFocus(), timeout=3000)
        before = _image(widget)
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(widget.hasFocus, timeout=3000)
        assert _image(widget) != before, f"{kind.__name__} looks the same focused"
        checked.append(kind.__name__)
    # A check box too (the recovery dialog has one; a plain one here is the same style).
    box = QCheckBox(window.tr("I have written it down"), window.detail)
    box.show()
    window.queue.search.setFocus()
    before = _image(box)
    box.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(box.hasFocus, timeout=3000)
    assert _image(box) != before
    assert len(checked) == len(kinds)


# --- defaults that follow the situation, ending and correcting a response ----------------------


def test_the_suggested_type_follows_the_incident_not_the_last_one_logged():
    assert suggest_type({"victims_nonfatal": 2}, [])[0] == "hospital"
    assert suggest_type({"victims_fatal": 1, "victims_nonfatal": 0}, [])[0] == "scene"
    assert suggest_type({"victims_nonfatal": 0}, [])[0] == "scene"
    logged = [
        {"id": "a", "action_type": "hospital", "started_at": "2026-11-01T18:00:00+00:00"},
        {"id": "b", "action_type": "family_engagement", "started_at": "2026-11-01T19:00:00+00:00"},
    ]
    assert suggest_type({"victims_nonfatal": 1}, logged)[0] == "family_engagement"


def test_still_going_means_no_final_outcome_until_ended(make_session, make_window, qtbot):
    session = make_session()
    ids = session.tasks.store_op(lambda s: seed_incidents(s, 2)).result(30)
    window = make_window(session)
    active(window, qtbot)
    window.open_incident(ids[1])
    detail = window.detail
    qtbot.waitUntil(
        lambda: detail.detail is not None and detail.responses.form.incident_id == ids[1], timeout=5000
    )
    form = detail.responses.form
    assert form.outcome.currentData() == "ongoing"
    form.minutes.setValue(45)  # a length: it is over, so it has an outcome
    assert form.outcome.currentData() == "completed"
    form.outcome.setCurrentIndex(form.outcome.findData("partial"))
    form.minutes.setValue(30)
    assert form.outcome.currentData() == "partial"  # a chosen outcome is kept
    form.minutes.setValue(0)  # still going again: no final outcome
    assert form.outcome.currentData() == "ongoing"
    form.minutes.setValue(30)
    form.outcome.setCurrentIndex(form.outcome.findData("ongoing"))  # and "ongoing" has no length
    assert form.minutes.value() == 0


def test_a_response_is_ended_and_corrected_from_the_tab_with_its_history(make_session, make_window, qtbot):
    session = make_session()
    ids = session.tasks.store_op(lambda s: seed_incidents(s, 2)).result(30)
    window = make_window(session)
    active(window, qtbot)
    window.open_incident(ids[1])
    detail = window.detail
    tab = detail.responses
    qtbot.waitUntil(lambda: tab.form.incident_id == ids[1], timeout=5000)
    keys = Keyboard(qtbot)
    tab.form.action_type.setFocus()
    keys.press(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: tab.log.rowCount() == 1, timeout=5000)

    # End it: select the row, Enter on End…, Enter in the dialog (its default button).
    tab.log.setFocus()
    tab.log.selectRow(0)
    assert tab.end.isEnabled()
    tab.end.setFocus()
    keys.press(Qt.Key.Key_Return)
    dialog = tab._end_dialog
    assert isinstance(dialog, EndDialog)
    qtbot.waitUntil(dialog.outcome.hasFocus, timeout=3000)
    assert dialog.outcome.currentData() == "completed"
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: tab.log.rows and tab.log.rows[0]["version"] == 2, timeout=5000)
    active(window, qtbot)  # the window manager's part: the window is active again
    ended = tab.log.rows[0]
    assert ended["outcome"] == "completed" and ended["ended_at"]
    tab.log.selectRow(0)
    assert not tab.end.isEnabled()  # ended once; a change now is a correction

    # Correct it: Enter on the row loads it into the form; change the staff; Ctrl+Enter.
    tab.log.setFocus()
    keys.press(Qt.Key.Key_Return)
    assert tab.form.correcting is not None
    tab.form.staff_count.setValue(3)
    keys.press(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: tab.log.rows and tab.log.rows[0]["version"] == 3, timeout=5000)
    assert tab.log.rows[0]["staff_count"] == 3

    # The history keeps every version: logged, ended, corrected.
    tab.log.selectRow(0)
    tab.history.setFocus()
    keys.press(Qt.Key.Key_Return)
    history = tab._history_dialog
    assert isinstance(history, HistoryDialog)
    qtbot.waitUntil(lambda: history.table.rowCount() == 3, timeout=5000)
    texts = [[history.table.item(r, c).text() for c in range(4)] for r in range(3)]
    assert [t[1] for t in texts] == ["Logged", "Ended", "Corrected"]
    assert history.table.item(0, 5).text() == "Ongoing" and history.table.item(1, 5).text() == "Completed"
    history.close()


def test_shortcuts_dialog_lists_every_menu_shortcut(make_session, make_window, qtbot):
    session = make_session()
    window = make_window(session)
    dialog = ShortcutsDialog(window.menuBar(), window)
    from PySide6.QtGui import QKeySequence

    listed = dialog.keys_listed()
    for menu in window.menuBar().findChildren(type(window._menu["file"])):
        for action in menu.actions():
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if keys and action.isVisible():
                assert keys in listed, action.text()
