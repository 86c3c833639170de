"""Lock after idle time on shared laptops, and the lock screen that asks again.

`IdleWatcher` sees every key and mouse event in the app (an application event filter) and
compares the last one with an injectable monotonic clock, so tests move time instead of waiting.
The lock screen replaces the window's content (nothing stays readable behind a dialog) and asks
for the profile's hub token, checked against the keyring on a worker thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from .tasks import TaskManager

ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleWatcher(QObject):
    idle = Signal()

    def __init__(
        self,
        timeout_s: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        check_ms: int = 5_000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.timeout_s = timeout_s
        self.monotonic = monotonic
        self.last_activity = monotonic()
        self.enabled = timeout_s > 0
        self._timer = QTimer(self)
        self._timer.setInterval(check_ms)
        self._timer.timeout.connect(self.check)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        if self.enabled:
            self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in ACTIVITY:
            self.last_activity = self.monotonic()
        return False

    def touch(self) -> None:
        self.last_activity = self.monotonic()

    def check(self) -> None:
        if self.enabled and self.monotonic() - self.last_activity >= self.timeout_s:
            self.enabled = False  # fire once; re-armed by `resume` after unlocking
            self.idle.emit()

    def resume(self) -> None:
        self.touch()
        self.enabled = self.timeout_s > 0

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class LockScreen(QWidget):
    unlocked = Signal()

    def __init__(
        self,
        profile: str,
        tasks: TaskManager,
        token_lookup: Callable[[str], str | None],
        *,
        demo: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.profile = profile
        self.tasks = tasks
        self.token_lookup = token_lookup
        self.demo = demo
        self.setAccessibleName(self.tr("Locked"))
        title = QLabel(self.tr("cvi-desktop is locked"), self)
        title.setObjectName("pageTitle")
        info = QLabel(
            self.tr(
                "Profile “%s” was locked after a period of inactivity. Enter your hub token "
                "to continue. Your work is saved."
            )
            % profile,
            self,
        )
        info.setWordWrap(True)
        self.token = QLineEdit(self)
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setAccessibleName(self.tr("Hub token"))
        self.token.setPlaceholderText(self.tr("Hub token"))
        self.button = QPushButton(self.tr("&Unlock"), self)
        self.button.setAccessibleName(self.tr("Unlock"))
        self.message = QLabel(self)
        self.message.setAccessibleName(self.tr("Unlock message"))
        if demo:
            self.token.setPlaceholderText(self.tr("Demo profile: leave empty and press Unlock"))
        # A centred column of readable width: a full-width token field and button look broken.
        column = QWidget(self)
        column.setFixedWidth(460)
        # The outer layout does not ask a centred child for height-for-width: reserve the
        # wrapped text's height, or its first and last lines are cut.
        info.setMinimumHeight(info.heightForWidth(460))
        inner = QVBoxLayout(column)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(8)
        for w in (title, info, self.token, self.message):
            inner.addWidget(w)
        inner.addWidget(self.button, 0, Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(column, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        layout.setContentsMargins(20, 20, 20, 20)
        self.button.clicked.connect(self.try_unlock)
        self.token.returnPressed.connect(self.try_unlock)

    def reset(self) -> None:
        self.token.clear()
        self.message.clear()
        self.token.setFocus()

    def try_unlock(self) -> None:
        typed = self.token.text().strip()
        if self.demo and not typed:
            self.unlocked.emit()
            return
        # The keyring may be a D-Bus call: keep it off the GUI thread.
        self.tasks.network_op(
            lambda: self.token_lookup(self.profile),
            on_success=lambda saved: self._compare(typed, saved),
            on_failure=lambda exc: self.message.setText(self.tr("The keyring could not be read.")),
        )

    def _compare(self, typed: str, saved: str | None) -> None:
        import hmac  # here: the lock screen is built long after the first frame, hashlib is not cheap

        if saved and hmac.compare_digest(typed.encode(), saved.encode()):
            self.token.clear()
            self.unlocked.emit()
        else:
            self.message.setText(self.tr("That is not this profile's token."))
            self.token.selectAll()
