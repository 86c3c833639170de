"""No two things answer the same key: every window's and dialog's mnemonics and shortcuts.

A mnemonic (the underlined letter of "&Save") is an Alt+letter shortcut for its whole window,
shared with the menu bar's titles: "&Save action" in the response form and the "&Sync" menu
both wanted Alt+S, so the S of Save opened the Sync menu. So the scope checked here is what
Qt uses: all that is visible in one window at once (the menu bar, the banners, the queue's
filters, the detail's header, its tab bar and the tab page in front, in turn for each page and
role); each menu on its own; each dialog on its own. Shortcuts (menu entries' and QShortcut
objects') must not clash with each other or with a mnemonic's Alt+letter where their scopes
overlap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QMenu, QTabBar, QWidget

from tests.ui.data import seed_incidents

pytestmark = pytest.mark.timeout(120)


def mnemonic(text: str) -> str | None:
    """The letter after a single '&' ("Sa&ve" → "v"), or None ("A && B" has none)."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] == "&":
                i += 2
                continue
            return text[i + 1].lower()
        i += 1
    return None


def shown(widget: QWidget) -> bool:
    return widget.isVisible()


def window_mnemonics(window: QWidget) -> list[tuple[str, str]]:
    """(letter, what) for everything with a mnemonic visible in `window` (not its dialogs)."""
    found: list[tuple[str, str]] = []
    bar = getattr(window, "menuBar", None)
    # A disabled menu bar (the window is locked) answers no Alt+letter.
    menu_bar = window.menuBar() if callable(bar) else None
    if menu_bar is not None and window.findChild(type(menu_bar)) is not None and menu_bar.isEnabled():
        for action in window.menuBar().actions():
            if action.isVisible() and (m := mnemonic(action.text())):
                found.append((m, f"menu {action.text()!r}"))
    for w in window.findChildren(QWidget):
        if w.window() is not window or not shown(w):
            continue
        if isinstance(w, QAbstractButton) and (m := mnemonic(w.text())):
            found.append((m, f"button {w.text()!r}"))
        elif isinstance(w, QLabel) and w.buddy() is not None and (m := mnemonic(w.text())):
            found.append((m, f"label {w.text()!r}"))
        elif isinstance(w, QGroupBox) and (m := mnemonic(w.title())):
            found.append((m, f"group {w.title()!r}"))
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                if w.isTabVisible(i) and (m := mnemonic(w.tabText(i))):
                    found.append((m, f"tab {w.tabText(i)!r}"))
    return found


def clashes(found: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    by_letter: dict[str, list[str]] = defaultdict(list)
    for letter, what in found:
        by_letter[letter].append(what)
    return {k: v for k, v in by_letter.items() if len(v) > 1}


def menu_clashes(window: QWidget) -> dict[str, dict[str, list[str]]]:
    bad = {}
    for menu in window.findChildren(QMenu):
        entries = [
            (m, a.text())
            for a in menu.actions()
            if a.isVisible() and not a.isSeparator() and (m := mnemonic(a.text()))
        ]
        if clashes(entries):
            bad[menu.title()] = clashes(entries)
    return bad


def _scope(obj: QObject, context: Qt.ShortcutContext) -> QWidget | None:
    widget = obj.parent() if isinstance(obj, QShortcut) else None
    if isinstance(obj, QShortcut) and isinstance(widget, QWidget):
        return widget.window() if context == Qt.ShortcutContext.WindowShortcut else widget
    return None


def shortcut_clashes(window: QWidget) -> list[str]:
    """Two live shortcuts with the same keys whose scopes overlap (one contains the other)."""
    live: list[tuple[str, QWidget, bool, str]] = []  # keys, scope, scope-is-the-widget-only, what
    for action in window.findChildren(QAction):
        if not action.isEnabled() or action.shortcut().isEmpty():
            continue
        if not any(isinstance(w, QMenu) and w.window() is window for w in action.associatedObjects()):
            continue
        live.append((action.shortcut().toString(), window, False, f"menu entry {action.text()!r}"))
    for shortcut in window.findChildren(QShortcut):
        parent = shortcut.parent()
        if not isinstance(parent, QWidget) or parent.window() is not window or not shown(parent):
            continue
        if not shortcut.isEnabled():
            continue
        context = shortcut.context()
        scope = _scope(shortcut, context)
        assert scope is not None
        only = context == Qt.ShortcutContext.WidgetShortcut
        live.append((shortcut.key().toString(), scope, only, f"shortcut on {type(parent).__name__}"))
    for letter, what in window_mnemonics(window):
        live.append((QKeySequence(f"Alt+{letter.upper()}").toString(), window, False, what))
    bad = []
    mnemonics = len(live) - len(window_mnemonics(window))  # those from here on: reported apart
    for i, (keys, scope, only, what) in enumerate(live):
        for j, (keys2, scope2, only2, what2) in enumerate(live[i + 1 :], start=i + 1):
            if keys != keys2 or (i >= mnemonics and j >= mnemonics):
                continue
            overlap = scope is scope2 or (
                (not only and scope.isAncestorOf(scope2)) or (not only2 and scope2.isAncestorOf(scope))
            )
            if overlap:
                bad.append(f"{keys}: {what} / {what2}")
    return bad


def check_window(window: QWidget, state: str) -> list[str]:
    found = clashes(window_mnemonics(window))
    problems = [f"{state}: Alt+{k.upper()} is {' and '.join(v)}" for k, v in found.items()]
    problems += [f"{state}: {p}" for p in shortcut_clashes(window)]
    return problems


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_mnemonic_or_shortcut_clash_in_any_window_or_dialog(make_session, make_window, qtbot, lang):
    from ui.language import apply_language

    apply_language(lang)  # each language has its own letters
    session = make_session()
    ids = session.tasks.store_op(lambda s: seed_incidents(s, 3)).result(30)
    window = make_window(session)
    window.activateWindow()
    # Everything that can be on screen at once: both banners, an incident with the flag banner.
    window.banner.set_entries([{"id": ids[0], "incident_type": "nonfatal_shooting", "district": "011"}])
    window.sign_in_banner.show()
    window.open_incident(ids[1])
    detail = window.detail
    qtbot.waitUntil(
        lambda: detail.detail is not None and detail.detail.incident["id"] == ids[1], timeout=5000
    )
    tab = detail.responses
    tab.flag_box.show()
    tab.keep.show()
    tab.move.show()
    problems: list[str] = []
    for role in ("supervisor", "worker"):
        session.ctx.role = role
        window.apply_identity()
        for i in range(detail.tabs.count()):
            detail.tabs.setCurrentIndex(i)
            problems += check_window(window, f"{role}, tab {detail.tabs.tabText(i)!r}")
        # "What CPD will see" with its exact data shown (its Copy button appears then).
        detail.show_tab(detail.cpd)
        detail.cpd.toggle.click()
        problems += check_window(window, f"{role}, exact CPD data shown")
        detail.cpd.toggle.click()
        # The form while correcting: other buttons and texts.
        detail.tabs.setCurrentIndex(0)
        tab.form.start_correction({**{"incident_id": ids[1]}, **_an_action()})
        problems += check_window(window, f"{role}, correcting")
        tab.form.cancel_correction()
        bad_menus = menu_clashes(window)
        problems += [f"{role}, menu {k!r}: {v}" for k, v in bad_menus.items()]
    session.ctx.role = "supervisor"
    window.apply_identity()
    # Locked: the lock screen alone (PIN and hub-token modes).
    window.lock(reason="hand")
    lock = window.lock_screen
    for mode in ("pin", "token"):
        lock._set_mode(mode)
        problems += check_window(window, f"locked, {mode}")
    window.unlock()

    # Every dialog the window opens, each on its own.
    window.show_sync_panel()
    window.show_team()
    window.show_monthly_review()
    window.show_review_queue()
    window.show_shortcuts()
    window.choose_pin()
    window.sign_in_again()
    from ui.recovery_dialog import show_recovery_key
    from ui.responses_tab import EndDialog, HistoryDialog

    show_recovery_key(window)
    row = _an_action() | {"incident_id": ids[1]}
    for dialog in (EndDialog(session.ctx, row, window), HistoryDialog(session.ctx, row, window)):
        dialog.show()
    qtbot.wait(50)  # let the dialogs lay out (bounded; nothing is waited for)
    dialogs = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window]
    assert len(dialogs) >= 9, [type(d).__name__ for d in dialogs]
    for dialog in dialogs:
        problems += check_window(dialog, type(dialog).__name__)
        problems += [f"{type(dialog).__name__} menu {k!r}: {v}" for k, v in menu_clashes(dialog).items()]
        dialog.close()
    assert not problems, "\n".join(problems)


def _an_action() -> dict[str, object]:
    return {
        "id": "a-1",
        "action_type": "hospital",
        "started_at": "2026-11-01T17:00:00+00:00",
        "ended_at": None,
        "staff_count": 1,
        "outcome": "ongoing",
        "mediation_result": None,
        "retaliation_risk": None,
        "risk_basis": "",
        "version": 1,
    }
