"""Lock after idle time on shared laptops, and the lock screen that asks again.

`IdleWatcher` sees every key and mouse event in the app (an application event filter) and
compares the last one with an injectable monotonic clock, so tests move time instead of waiting.
The lock screen replaces the window's content (nothing stays readable behind a dialog) and says
why it locked (by hand, or after inactivity). It asks for the PIN or passphrase this profile's
person chose (`cvi_desktop.services.unlock`, checked on the store thread). With none chosen, or
after `unlock.MAX_TRIES` wrong tries, it asks for the full sign-in: the profile's hub token,
checked against the keyring on a worker thread. After a token unlock with no PIN yet it offers
to choose one (`PinDialog`, also in File → Unlock PIN…).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .tasks import TaskManager

if TYPE_CHECKING:
    from cvi_desktop.services.unlock import Check
    from cvi_desktop.store import Store

# Why the window locked: the lock screen says which, so nobody wonders whether they were away.
BY_HAND = "hand"
IDLE = "idle"

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
    # A token unlock on a profile with no PIN yet: the window offers to choose one.
    offer_pin = Signal()

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
        self.reason = IDLE
        # "pin" when the profile has a PIN with tries left, else "token" (the full sign-in).
        self.mode = "token"
        self.has_pin = False
        self.setAccessibleName(self.tr("Locked"))
        title = QLabel(self.tr("cvi-desktop is locked"), self)
        title.setObjectName("pageTitle")
        self.info = QLabel(self)
        self.info.setWordWrap(True)
        self.info.setAccessibleName(self.tr("Why it is locked"))
        self.pin = QLineEdit(self)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setAccessibleName(self.tr("PIN or passphrase"))
        self.pin.setPlaceholderText(self.tr("PIN or passphrase"))
        self.token = QLineEdit(self)
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setAccessibleName(self.tr("Hub token"))
        self.token.setPlaceholderText(self.tr("Hub token"))
        self.button = QPushButton(self.tr("&Unlock"), self)
        self.button.setAccessibleName(self.tr("Unlock"))
        self.button.setDefault(True)
        # For a forgotten PIN: the full sign-in always works.
        self.use_token = QPushButton(self.tr("Use the hub &token instead"), self)
        self.use_token.setAccessibleName(self.tr("Unlock with the hub token instead of the PIN"))
        self.use_token.setFlat(True)
        self.message = QLabel(self)
        self.message.setAccessibleName(self.tr("Unlock message"))
        self.message.setWordWrap(True)
        if demo:
            self.token.setPlaceholderText(self.tr("Demo profile: leave empty and press Unlock"))
        # A centred column of readable width: a full-width token field and button look broken.
        column = QWidget(self)
        column.setFixedWidth(460)
        self._column_width = 460
        inner = QVBoxLayout(column)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(8)
        for w in (title, self.info, self.pin, self.token, self.message):
            inner.addWidget(w)
        buttons = QVBoxLayout()
        buttons.addWidget(self.button, 0, Qt.AlignmentFlag.AlignRight)
        buttons.addWidget(self.use_token, 0, Qt.AlignmentFlag.AlignRight)
        inner.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(column, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        layout.setContentsMargins(20, 20, 20, 20)
        self.button.clicked.connect(self.try_unlock)
        self.token.returnPressed.connect(self.try_unlock)
        self.pin.returnPressed.connect(self.try_unlock)
        self.use_token.clicked.connect(lambda: self._set_mode("token"))
        self._set_mode("token")
        self._show_reason()

    def _show_reason(self) -> None:
        if self.reason == BY_HAND:
            why = self.tr("Profile “%s” was locked by hand.") % self.profile
        else:
            why = self.tr("Profile “%s” was locked after a period of inactivity.") % self.profile
        if self.mode == "pin":
            ask = self.tr("Enter your PIN or passphrase to continue.")
        else:
            ask = self.tr("Enter your hub token to continue.")
        saved = self.tr("Your work is saved.")
        self.info.setText(f"{why} {ask} {saved}")
        # The outer layout does not ask a centred child for height-for-width: reserve the
        # wrapped text's height, or its first and last lines are cut.
        self.info.setMinimumHeight(self.info.heightForWidth(self._column_width))

    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        pin = mode == "pin"
        self.pin.setVisible(pin)
        self.token.setVisible(not pin)
        self.use_token.setVisible(pin)
        self.message.clear()
        self._show_reason()
        (self.pin if pin else self.token).setFocus()

    def reset(self, reason: str = IDLE) -> None:
        """Show the lock: why it locked, and ask for the PIN if the profile has one (and tries
        left), else for the hub token."""
        from cvi_desktop.services import unlock

        self.reason = reason
        self.token.clear()
        self.pin.clear()
        self.message.clear()
        self._set_mode("token")

        def found(state: tuple[bool, int]) -> None:
            self.has_pin, left = state
            if self.has_pin and left > 0:
                typed = self.token.text()  # typed before the answer came: it was the PIN
                self.token.clear()
                self._set_mode("pin")
                self.pin.setText(typed)
            elif self.has_pin:
                self._set_mode("token")
                self.message.setText(self.tr("Too many wrong tries: sign in with your hub token."))

        self.tasks.store_op(
            lambda s: (unlock.has_pin(s), unlock.tries_left(s)), on_success=found, on_failure=lambda _e: None
        )

    def try_unlock(self) -> None:
        if self.mode == "pin":
            self._try_pin()
            return
        typed = self.token.text().strip()
        if self.demo and not typed:
            self._token_accepted()
            return
        # The keyring may be a D-Bus call: keep it off the GUI thread.
        self.tasks.network_op(
            lambda: self.token_lookup(self.profile),
            on_success=lambda saved: self._compare(typed, saved),
            on_failure=lambda exc: self.message.setText(self.tr("The keyring could not be read.")),
        )

    def _try_pin(self) -> None:
        from cvi_desktop.services import unlock

        typed = self.pin.text()
        self.button.setEnabled(False)

        def checked(check: Check) -> None:
            self.button.setEnabled(True)
            if check.ok:
                self.pin.clear()
                self.unlocked.emit()
            elif check.needs_sign_in:
                self._set_mode("token")
                self.message.setText(self.tr("Too many wrong tries: sign in with your hub token."))
            else:
                self.message.setText(self.tr("That is not the PIN. %n tries left.", "", check.tries_left))
                self.pin.selectAll()

        def failed(_exc: BaseException) -> None:
            self.button.setEnabled(True)
            self.message.setText(self.tr("The PIN could not be checked: use the hub token instead."))
            self._set_mode("token")

        self.tasks.store_op(lambda s: unlock.verify_pin(s, typed), on_success=checked, on_failure=failed)

    def _compare(self, typed: str, saved: str | None) -> None:
        import hmac  # here: the lock screen is built long after the first frame, hashlib is not cheap

        if saved and hmac.compare_digest(typed.encode(), saved.encode()):
            self._token_accepted()
        else:
            self.message.setText(self.tr("That is not this profile's token."))
            self.token.selectAll()

    def _token_accepted(self) -> None:
        """A full sign-in: the PIN's tries start again, and with no PIN yet one is offered."""
        from cvi_desktop.services import unlock

        self.token.clear()
        self.tasks.store_op(unlock.reset_tries, on_failure=lambda _e: None)
        self.unlocked.emit()
        if not self.has_pin and not self.demo:  # the demo profile is thrown away anyway
            self.offer_pin.emit()


class PinDialog(QDialog):
    """Choose the PIN or passphrase that unlocks this profile (typed twice)."""

    def __init__(
        self, tasks: TaskManager, *, first_time: bool = False, parent: QWidget | None = None
    ) -> None:
        from cvi_desktop.services.unlock import MAX_TRIES, MIN_LENGTH

        super().__init__(parent)
        self.tasks = tasks
        self.setWindowTitle(self.tr("Unlock PIN"))
        self.setAccessibleName(self.tr("Choose an unlock PIN"))
        intro = QLabel(self)
        intro.setWordWrap(True)
        text = self.tr(
            "Choose a PIN or passphrase (at least %d characters) to unlock this laptop after it "
            "locks. After %d wrong tries the hub token is needed again."
        )
        why = self.tr("Unlocking with the hub token works, but it is long to type.") + " "
        intro.setText((why if first_time else "") + text % (MIN_LENGTH, MAX_TRIES))
        self.first = QLineEdit(self)
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setAccessibleName(self.tr("New PIN or passphrase"))
        self.second = QLineEdit(self)
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setAccessibleName(self.tr("The same again"))
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("PIN message"))
        self.buttons = QDialogButtonBox(self)
        self.save = self.buttons.addButton(self.tr("&Set PIN"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.later = self.buttons.addButton(
            self.tr("&Not now") if first_time else self.tr("&Cancel"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.save.setDefault(True)
        form = QFormLayout(self)
        form.addRow(intro)
        form.addRow(self.tr("&PIN or passphrase"), self.first)
        form.addRow(self.tr("&Again"), self.second)
        form.addRow(self.message)
        form.addRow(self.buttons)
        for field in (self.first, self.second):
            lab = form.labelForField(field)
            if isinstance(lab, QLabel):
                lab.setBuddy(field)
        self.save.clicked.connect(self.submit)
        self.later.clicked.connect(self.reject)
        self.resize(460, self.sizeHint().height())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.first.setFocus()

    def submit(self) -> None:
        from cvi_desktop.errors import ValidationError
        from cvi_desktop.services import unlock

        pin = self.first.text()
        if pin != self.second.text():
            self.message.setText(self.tr("The two do not match. Type the same PIN twice."))
            self.second.selectAll()
            self.second.setFocus()
            return
        self.save.setEnabled(False)

        def failed(exc: BaseException) -> None:
            self.save.setEnabled(True)
            if isinstance(exc, ValidationError):
                self.message.setText(
                    self.tr("Use at least %d characters, with no space at either end.") % unlock.MIN_LENGTH
                )
            else:
                self.message.setText(self.tr("The PIN could not be saved."))

        def saved(_none: object) -> None:
            self.save.setEnabled(True)
            self.accept()

        def work(store: Store) -> None:
            unlock.set_pin(store, pin)

        self.tasks.store_op(work, on_success=saved, on_failure=failed)
