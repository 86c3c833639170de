"""First run and profile choice: hub address and token (checked against the hub), or the demo.

Profiles are per person on a shared laptop; each has its own encrypted store and its own token in
the keyring. The hub address lives in QSettings per profile. Who the person is (role, staff id,
name, organisation) is not asked here: the token says it, and the hub's `GET /v1/me` tells the
app on each sync (`settings.identity`), so nobody can give themselves supervisor tools by ticking
a box. Opening an existing profile offline works by comparing the typed token with the keyring's.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cvi_desktop.paths import PROFILE_NAME, data_home

from .errors import explain
from .prefs import prefs  # noqa: F401 - re-exported: callers use sign_in.prefs
from .tasks import TaskManager


@dataclass(frozen=True)
class SignIn:
    profile: str
    hub_url: str
    demo: bool = False


def profiles(home: Path | None = None) -> list[str]:
    folder = (home or data_home()) / "profiles"
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.exists() else []


Checker = Callable[[str, str], object]  # (url, token) → raises if not good


class SignInDialog(QDialog):
    def __init__(
        self,
        tasks: TaskManager,
        *,
        checker: Checker,
        save_token: Callable[[str, str], None],
        saved_token: Callable[[str], str | None],
        home: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.checker = checker
        self.save_token = save_token
        self.saved_token = saved_token
        self.result_value: SignIn | None = None
        self.setWindowTitle(self.tr("Sign in — cvi-desktop"))
        self.setAccessibleName(self.tr("Sign in"))

        intro = QLabel(
            self.tr(
                "Sign in with the hub address and the token your supervisor gave you. "
                "Each person on a shared laptop has their own profile. Your name and role "
                "come from the hub with your token."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.profile = QComboBox(self)
        self.profile.setEditable(True)
        self.profile.setAccessibleName(self.tr("Profile"))
        self.profile.addItems(profiles(home))
        self.profile.setCurrentText(self.profile.itemText(0) if self.profile.count() else "")
        self.url = QLineEdit(self)
        self.url.setPlaceholderText("https://hub.example.org")
        self.url.setAccessibleName(self.tr("Hub address"))
        self.token = QLineEdit(self)
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setAccessibleName(self.tr("Hub token"))
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Sign-in message"))
        self.sign_in = QPushButton(self.tr("&Sign in"), self)
        self.sign_in.setDefault(True)
        self.sign_in.setAccessibleName(self.tr("Sign in"))
        self.demo = QPushButton(self.tr("Try the &demo"), self)
        self.demo.setAccessibleName(self.tr("Try the demo"))
        self.cancel = QPushButton(self.tr("Cancel"), self)
        self.cancel.setAccessibleName(self.tr("Cancel"))

        form = QFormLayout()
        for text, field in (
            (self.tr("&Profile"), self.profile),
            (self.tr("Hub &address"), self.url),
            (self.tr("&Token"), self.token),
        ):
            form.addRow(text, field)
            lab = form.labelForField(field)
            if isinstance(lab, QLabel):
                lab.setBuddy(field)
        buttons = QHBoxLayout()
        buttons.addWidget(self.demo)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.sign_in)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(520, 260)

        self.profile.currentTextChanged.connect(self._profile_changed)
        self.sign_in.clicked.connect(self.submit)
        self.demo.clicked.connect(self._demo)
        self.cancel.clicked.connect(self.reject)
        self._profile_changed(self.profile.currentText())

    def _profile_changed(self, name: str) -> None:
        if name and PROFILE_NAME.match(name):
            p = prefs(name)
            self.url.setText(str(p.value("hub_url", "") or ""))

    def _busy(self, busy: bool, text: str = "") -> None:
        for w in (self.sign_in, self.demo, self.profile, self.url, self.token):
            w.setEnabled(not busy)
        self.message.setText(text)

    def submit(self) -> None:
        profile = self.profile.currentText().strip()
        url = self.url.text().strip()
        token = self.token.text().strip()
        if not PROFILE_NAME.match(profile):
            self.message.setText(self.tr("Choose a profile name: letters, digits, dot, dash or underscore."))
            return
        if not url or not token:
            self.message.setText(self.tr("Enter the hub address and your token."))
            return
        self._busy(True, self.tr("Checking with the hub…"))

        def check() -> str:
            saved = self.saved_token(profile)
            if (
                saved
                and hmac.compare_digest(saved.encode(), token.encode())
                and prefs(profile).value("hub_url") == url
            ):
                try:
                    self.checker(url, token)
                except Exception as exc:  # noqa: BLE001 - offline is fine for a known token
                    if explain(exc).kind != "offline":
                        raise
                return url
            result = self.checker(url, token)
            self.save_token(profile, token)
            return str(getattr(result, "url", url))

        self.tasks.network_op(check, on_success=lambda u: self._done(profile, u), on_failure=self._failed)

    def _done(self, profile: str, url: str) -> None:
        p = prefs(profile)
        p.setValue("hub_url", url)
        p.remove("role")  # older versions kept a self-chosen role here; the hub decides now
        self.result_value = SignIn(profile=profile, hub_url=url)
        self._busy(False, self.tr("Signed in."))
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        explained = explain(exc)
        title = getattr(exc, "title", explained.title)
        action = getattr(exc, "action", explained.what_to_do)
        self._busy(False, f"<b>{title}</b><br>{action}")
        self.token.setFocus()  # the token is what usually needs fixing
        self.token.selectAll()

    def _demo(self) -> None:
        self.result_value = SignIn(profile="demo", hub_url="", demo=True)
        self.accept()
