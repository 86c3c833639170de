"""The recovery kit in the app: show the recovery key, and recover with it.

* `RecoveryKeyDialog` shows the profile's recovery key: once, right after the profile is made
  (`first_time=True`), and again from File ▸ Recovery key… only after the person re-enters their
  hub token, checked against the keyring's as the lock screen does. The token is the proof the
  app already relies on to unlock an idle window; anyone who could pass it could unlock the
  window anyway, and anyone who cannot (a passer-by at an unlocked laptop) is not shown the key.
* `RecoverDialog` is offered when the keyring has no key for an existing database: the person
  types the recovery key; the core unwraps the database key, checks it, re-keys the database
  and puts the new key in the keyring (`cvi_desktop.recovery.recover`).

Keyring reads, scrypt and the re-key run on a worker thread, never the GUI thread.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .tasks import TaskManager

if TYPE_CHECKING:
    from .main_window import MainWindow

TokenLookup = Callable[[str], str | None]
KeyLookup = Callable[[], str | None]


def _key_font() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(font.pointSizeF() * 1.6)
    font.setBold(True)
    return font


def _right(button: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(button)
    return row


class RecoveryKeyDialog(QDialog):
    """The profile's recovery key, behind a token check unless it is the first showing."""

    def __init__(
        self,
        profile: str,
        tasks: TaskManager,
        *,
        key_lookup: KeyLookup,
        token_lookup: TokenLookup | None = None,
        first_time: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.profile = profile
        self.tasks = tasks
        self.key_lookup = key_lookup
        self.token_lookup = token_lookup
        self.setWindowTitle(self.tr("Recovery key — %s") % profile)
        self.setAccessibleName(self.tr("Recovery key"))
        self.pages: list[QWidget] = []  # one shown at a time; a hidden page takes no room

        # Page 0: prove you are the person signed in.
        confirm = QWidget(self)
        ask = QLabel(
            self.tr(
                "To see the recovery key of profile “%s” again, enter the hub token you sign in "
                "with. The key unlocks every record on this laptop, so it is shown only to the "
                "person signed in."
            ) % profile,
            confirm,
        )
        ask.setWordWrap(True)
        self.token = QLineEdit(confirm)
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setAccessibleName(self.tr("Hub token"))
        self.confirm_message = QLabel(confirm)
        self.confirm_message.setWordWrap(True)
        self.confirm_message.setAccessibleName(self.tr("Token check message"))
        self.show_button = QPushButton(self.tr("&Show the recovery key"), confirm)
        self.show_button.setDefault(True)
        form = QFormLayout()
        form.addRow(self.tr("Hub &token"), self.token)
        label = form.labelForField(self.token)
        if isinstance(label, QLabel):
            label.setBuddy(self.token)
        box = QVBoxLayout(confirm)
        box.addWidget(ask)
        box.addLayout(form)
        box.addWidget(self.confirm_message)
        box.addStretch(1)
        box.addLayout(_right(self.show_button))
        self.pages.append(confirm)

        # Page 1: the key itself.
        shown = QWidget(self)
        intro = QLabel(
            self.tr(
                "<b>Write this recovery key down and keep it somewhere safe, away from this "
                "laptop.</b> If the system keyring is ever lost (a reinstall, a reset, a new "
                "user account), it is the only way to open the records of profile “%s” again: "
                "they exist nowhere else. Anyone with this key and this laptop's files can read "
                "them, so do not photograph it or send it by message."
            ) % profile,
            shown,
        )
        intro.setWordWrap(True)
        self.key = QLabel(shown)
        self.key.setFont(_key_font())
        self.key.setAccessibleName(self.tr("Recovery key"))
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key.setStyleSheet("padding: 12px; border: 1px solid palette(mid); border-radius: 4px;")
        how = QLabel(
            self.tr(
                "To use it: start cvi-desktop and choose this profile; when it says the keyring "
                "has no key, type this recovery key. Or run "
                "<code>cvi-desktop recover --profile %s</code>."
            ) % profile,
            shown,
        )
        how.setWordWrap(True)
        self.written = QCheckBox(self.tr("I have &written down the recovery key"), shown)
        self.done_button = QPushButton(self.tr("&Done"), shown)
        self.done_button.setEnabled(False)
        self.written.toggled.connect(self.done_button.setEnabled)
        page = QVBoxLayout(shown)
        page.addWidget(intro)
        page.addSpacing(8)
        page.addWidget(self.key)
        page.addSpacing(8)
        page.addWidget(how)
        page.addStretch(1)
        page.addWidget(self.written)
        page.addLayout(_right(self.done_button))
        self.pages.append(shown)

        layout = QVBoxLayout(self)
        for widget in self.pages:
            layout.addWidget(widget)
        self.setMinimumWidth(620)

        self.show_button.clicked.connect(self.check_token)
        self.token.returnPressed.connect(self.check_token)
        self.done_button.clicked.connect(self.accept)
        if first_time:
            self.reveal()
        else:
            # Shown again: they have it written down already (or are checking it).
            self.written.hide()
            self.done_button.setEnabled(True)
            self._page(0)

    def _page(self, index: int) -> None:
        # Each page at its own height (a QStackedWidget would size both to the tallest).
        for n, widget in enumerate(self.pages):
            widget.setVisible(n == index)
        self.adjustSize()

    def current_page(self) -> int:
        """0: asking for the hub token; 1: the recovery key."""
        return next(n for n, widget in enumerate(self.pages) if not widget.isHidden())

    # The keyring may be a D-Bus call: both reads run on a worker thread.
    def check_token(self) -> None:
        typed = self.token.text().strip()
        if not typed:
            self.confirm_message.setText(self.tr("Enter your hub token."))
            return
        lookup = self.token_lookup
        if lookup is None:
            self.confirm_message.setText(self.tr("This profile has no sign-in to check."))
            return
        self.show_button.setEnabled(False)
        self.tasks.network_op(
            lambda: lookup(self.profile),
            on_success=lambda saved: self._compare(typed, saved),
            on_failure=lambda _exc: self._refused(self.tr("The keyring could not be read.")),
        )

    def _compare(self, typed: str, saved: str | None) -> None:
        self.token.clear()
        if not saved:
            self._refused(self.tr(
                "This profile is not signed in, so there is nothing to check the token against. "
                "Sign in first, then ask again."
            ))
        elif hmac.compare_digest(typed.encode(), saved.encode()):
            self.reveal()
        else:
            self._refused(self.tr("That is not this profile's hub token."))

    def _refused(self, text: str) -> None:
        self.show_button.setEnabled(True)
        self.confirm_message.setText(text)
        self.token.setFocus()

    def reveal(self) -> None:
        self.key.setText(self.tr("Reading the recovery key…"))
        self._page(1)
        self.tasks.network_op(self.key_lookup, on_success=self._show_key, on_failure=self._no_key)

    def _show_key(self, key: str | None) -> None:
        if key:
            self.key.setText(key)
        else:
            self._no_key(None)

    def _no_key(self, _exc: BaseException | None) -> None:
        self.key.setText(self.tr("The keyring has no recovery key for this profile."))
        self.written.setEnabled(False)
        self.done_button.setEnabled(True)


class RecoverDialog(QDialog):
    """Type the recovery key to re-open a database the keyring has no key for."""

    def __init__(
        self,
        profile: str,
        tasks: TaskManager,
        *,
        home: Path | None = None,
        problem: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.profile = profile
        self.home = home
        self.tasks = tasks
        self.recovered = False
        self.setWindowTitle(self.tr("Recover profile — %s") % profile)
        self.setAccessibleName(self.tr("Recover profile"))
        intro = QLabel(
            self.tr(
                "<b>The system keyring has no working key for profile “%s”.</b> This happens after a "
                "reinstall or a keyring reset. The records are still on this laptop, encrypted. "
                "Type the recovery key you wrote down when the profile was made to open them "
                "again; a new key then goes into the keyring."
            ) % profile,
            self,
        )
        intro.setWordWrap(True)
        self.key = QLineEdit(self)
        self.key.setFont(_key_font())
        self.key.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        self.key.setAccessibleName(self.tr("Recovery key"))
        self.message = QLabel(problem or self.tr("Capital letters, spaces and dashes do not matter."), self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Recovery message"))
        self.buttons = QDialogButtonBox(self)
        self.recover_button = self.buttons.addButton(
            self.tr("&Recover"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.recover_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        form = QFormLayout()
        form.addRow(self.tr("Recovery &key"), self.key)
        label = form.labelForField(self.key)
        if isinstance(label, QLabel):
            label.setBuddy(self.key)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(620)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

    def submit(self) -> None:
        from cvi_desktop.recovery import RecoveryKeyInvalid, normalize_recovery_key, recover

        typed = self.key.text()
        try:
            normalize_recovery_key(typed)  # typos are cheap to name here, before any scrypt
        except RecoveryKeyInvalid as exc:
            self._failed(exc)
            return
        self.recover_button.setEnabled(False)
        self.key.setEnabled(False)
        self.message.setText(self.tr("Checking the recovery key and re-keying the database…"))
        self.tasks.network_op(
            lambda: recover(self.profile, typed, home=self.home),
            on_success=lambda _r: self._done(),
            on_failure=self._failed,
        )

    def _done(self) -> None:
        self.recovered = True
        self.key.clear()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        from .errors import explain

        self.recover_button.setEnabled(True)
        self.key.setEnabled(True)
        title = self.tr("Not recovered")
        self.message.setText(f"<b>{title}</b><br>{explain(exc).what_to_do}")
        self.key.setFocus()


def show_recovery_key(window: MainWindow) -> RecoveryKeyDialog:
    """File ▸ Recovery key…: the key, after the person re-enters their hub token."""
    from cvi_desktop.recovery import saved_recovery_key

    from .sync_bridge import saved_token

    session = window.session
    profile, home = session.profile, session.home
    dialog = RecoveryKeyDialog(
        profile,
        session.tasks,
        key_lookup=lambda: saved_recovery_key(profile, home),
        # The same check as the lock screen's, against the token the sync engine uses.
        token_lookup=getattr(window, "_token_lookup", None) or saved_token,
        parent=window,
    )
    dialog.setModal(True)
    dialog.show()
    return dialog
