"""The lock screen: says why it locked, unlocks with a PIN a person can type, five tries, then
the hub token; the PIN is offered after the first token unlock and in File → Unlock PIN…"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from cvi_desktop.services import unlock
from ui.idle_lock import PinDialog

pytestmark = pytest.mark.timeout(90)
TOKEN = "cvi_secret-token-for-the-pin-test-0123456789abc"


def type_and_enter(qtbot, field, text: str) -> None:
    field.clear()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def has_pin(session) -> bool:
    return session.tasks.store_op(unlock.has_pin).result(10)


def test_lock_by_hand_then_pin_offered_then_idle_lock_takes_the_pin(
    make_session, make_window, qtbot, memory_keyring
):
    from sync.credentials import set_token

    set_token("sup1", TOKEN)
    session = make_session()
    now = [0.0]
    window = make_window(session, idle_timeout_s=60, monotonic=lambda: now[0])
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)

    # By hand (File → Lock now, Ctrl+Shift+L): it says so. No PIN yet: the hub token.
    qtbot.keyClick(
        window.queue.table,
        Qt.Key.Key_L,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.locked
    lock = window.lock_screen
    assert "locked by hand" in lock.info.text() and "inactivity" not in lock.info.text()
    qtbot.waitUntil(lambda: lock.token.isVisible() and lock.token.hasFocus(), timeout=3000)
    assert not lock.pin.isVisible()
    type_and_enter(qtbot, lock.token, TOKEN)
    qtbot.waitUntil(lambda: not window.locked, timeout=5000)

    # The first token unlock offers a PIN; typed twice, saved as a hash in the profile.
    dialog = window._pin_dialog
    assert isinstance(dialog, PinDialog)
    qtbot.waitUntil(dialog.first.hasFocus, timeout=3000)
    qtbot.keyClicks(dialog.first, "4821")
    qtbot.keyClick(dialog.first, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.second, "4812")
    qtbot.keyClick(dialog.second, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "do not match" in dialog.message.text(), timeout=3000)
    assert not has_pin(session)
    type_and_enter(qtbot, dialog.second, "4821")
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert has_pin(session)

    # After inactivity: it says so, and asks for the PIN.
    window.activateWindow()
    now[0] = 61
    window.idle.check()
    assert window.locked
    qtbot.waitUntil(lambda: lock.pin.isVisible(), timeout=3000)
    assert "after a period of inactivity" in lock.info.text() and "PIN" in lock.info.text()
    type_and_enter(qtbot, lock.pin, "0000")
    qtbot.waitUntil(lambda: "4 tries left" in lock.message.text(), timeout=5000)
    assert window.locked
    type_and_enter(qtbot, lock.pin, "4821")
    qtbot.waitUntil(lambda: not window.locked, timeout=5000)


def test_five_wrong_pins_then_the_hub_token_and_the_pin_works_again(
    make_session, make_window, qtbot, memory_keyring
):
    from sync.credentials import set_token

    set_token("sup1", TOKEN)
    session = make_session()
    session.tasks.store_op(lambda s: unlock.set_pin(s, "green bicycle")).result(10)
    window = make_window(session)
    window.lock(reason="hand")
    lock = window.lock_screen
    qtbot.waitUntil(lambda: lock.pin.isVisible(), timeout=3000)
    for left in (4, 3, 2, 1):
        type_and_enter(qtbot, lock.pin, "red bicycle")
        tries = f"{left} tries left" if left > 1 else "1 try left"  # Qt's plural forms (English .qm)
        qtbot.waitUntil(lambda tries=tries: tries in lock.message.text(), timeout=5000)
    type_and_enter(qtbot, lock.pin, "red bicycle")
    qtbot.waitUntil(lambda: lock.token.isVisible(), timeout=5000)
    assert "Too many wrong tries" in lock.message.text() and not lock.pin.isVisible()
    assert window.locked
    type_and_enter(qtbot, lock.token, TOKEN)
    qtbot.waitUntil(lambda: not window.locked, timeout=5000)
    assert window._lock_screen is lock and getattr(window, "_pin_dialog", None) is None  # a PIN exists
    qtbot.waitUntil(
        lambda: session.tasks.store_op(unlock.tries_left).result(10) == unlock.MAX_TRIES, timeout=5000
    )
    window.lock(reason="idle")
    qtbot.waitUntil(lambda: lock.pin.isVisible(), timeout=3000)
    type_and_enter(qtbot, lock.pin, "green bicycle")
    qtbot.waitUntil(lambda: not window.locked, timeout=5000)


def test_the_pin_is_chosen_from_the_file_menu_and_a_forgotten_one_falls_back_to_the_token(
    make_session, make_window, qtbot, memory_keyring
):
    from sync.credentials import set_token

    set_token("sup1", TOKEN)
    session = make_session()
    window = make_window(session)
    entry = next(a for a in window._menu["file"].actions() if a.text() == "Unlock &PIN…")
    entry.trigger()
    dialog = window._pin_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    for field in (dialog.first, dialog.second):
        qtbot.keyClicks(field, "123")
    qtbot.keyClick(dialog.second, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "at least 4" in dialog.message.text(), timeout=5000)
    for field in (dialog.first, dialog.second):
        field.clear()
        qtbot.keyClicks(field, "9090")
    qtbot.keyClick(dialog.second, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    window.lock()
    lock = window.lock_screen
    qtbot.waitUntil(lambda: lock.pin.isVisible(), timeout=3000)
    qtbot.mouseClick(lock.use_token, Qt.MouseButton.LeftButton)  # "Use the hub token instead"
    assert lock.token.isVisible() and not lock.pin.isVisible()
    type_and_enter(qtbot, lock.token, TOKEN)
    qtbot.waitUntil(lambda: not window.locked, timeout=5000)
