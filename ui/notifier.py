"""Alerts that must not be missed: a new CPD notification (tray message, a sound that really
plays) and the loss of the sign-in (a banner with a Sign in button).

The sound is a bundled WAV (`resources/sounds/notification.wav`) handed to the platform's own
player in a separate process, so the GUI never waits for it: winsound (asynchronous) on
Windows, `afplay` on macOS, and on Linux the first of `paplay` (PulseAudio and PipeWire's Pulse
server), `pw-play` (PipeWire) or `aplay` (ALSA) found. QtMultimedia is not in
PySide6-Essentials, and `QApplication.beep()` is the X bell, muted on most desktops: it is only
the last resort when no player exists. Whether it plays is a per-profile setting.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSystemTrayIcon,
    QWidget,
)

from .resources import icon, resource_path

# Linux players in order of preference: each is what a default desktop of its kind has.
LINUX_PLAYERS: tuple[tuple[str, ...], ...] = (("paplay",), ("pw-play",), ("aplay", "-q"))
SOUND_SETTING = "alert_sound"


def alert_path() -> Path:
    return resource_path("sounds", "notification.wav")


def player_command(
    path: Path, *, platform: str = sys.platform, which: Callable[[str], str | None] = shutil.which
) -> list[str] | None:
    """The command that plays `path` here, or None (Windows plays in-process; nothing found)."""
    if platform == "win32":
        return None
    if platform == "darwin":
        found = which("afplay")
        return [found, str(path)] if found else None
    for name, *options in LINUX_PLAYERS:
        found = which(name)
        if found:
            return [found, *options, str(path)]
    return None


@cache
def _default_command() -> tuple[str, ...] | None:
    # Looked up once: a PATH search on every notification is needless work.
    found = player_command(alert_path())
    return tuple(found) if found else None


class AlertSound:
    """Plays the alert without waiting for it. `command` (argv) replaces the platform's player."""

    def __init__(self, command: Sequence[str] | None = None) -> None:
        self._command = tuple(command) if command is not None else None
        self._playing: list[subprocess.Popen[bytes]] = []
        self.last_way = ""  # how the last alert was played: "winsound", a program's path, "beep"

    def play(self) -> str:
        """Start the sound and return at once; says how it was played."""
        self._playing = [p for p in self._playing if p.poll() is None]  # reap finished players
        if self._command is None and sys.platform == "win32":
            import winsound

            flags = winsound.SND_FILENAME | winsound.SND_ASYNC | winsound.SND_NODEFAULT
            winsound.PlaySound(str(alert_path()), flags)
            self.last_way = "winsound"
            return self.last_way
        command = self._command if self._command is not None else _default_command()
        if command:
            try:
                self._playing.append(
                    subprocess.Popen(
                        command,
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        start_new_session=sys.platform != "win32",
                    )
                )
                self.last_way = command[0]
                return self.last_way
            except OSError:
                pass  # the player vanished since it was found: fall back to the bell
        QApplication.beep()
        self.last_way = "beep"
        return self.last_way


class Notifier(QWidget):
    """Owns the tray icon and the sound; `notify` rings every channel available."""

    open_incident = Signal(str)

    def __init__(self, sound: AlertSound | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sound = sound or AlertSound()
        self.sound_on = True
        self.last_incident = ""
        self.count = 0
        self.sounds_played = 0
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon("app"), self)
            self.tray.setToolTip("cvi-desktop")
            self.tray.messageClicked.connect(lambda: self.open_incident.emit(self.last_incident))
            self.tray.activated.connect(lambda _reason: self.open_incident.emit(self.last_incident))
            self.tray.show()

    def notify(self, incident_id: str, text: str) -> None:
        self.last_incident = incident_id
        self.count += 1
        self._message(self.tr("New CPD notification"), text)
        self.ring()

    def warn(self, title: str, text: str) -> None:
        """Something that stops notifications (the sign-in lost): as loud as a notification."""
        self.last_incident = ""
        self._message(title, text)
        self.ring()

    def ring(self) -> None:
        if self.sound_on:
            self.sounds_played += 1
            self.sound.play()

    def _message(self, title: str, text: str) -> None:
        if self.tray is not None and QSystemTrayIcon.supportsMessages():
            self.tray.showMessage(title, text, icon("notification"), 15_000)


class SignInBanner(QFrame):
    """Across the top of the window while the hub refuses this laptop's sign-in: notifications
    have stopped, and the way back is one click away."""

    sign_in = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInBanner")
        # Red, not the notifications' amber: this is the one state in which news cannot arrive.
        self.setStyleSheet(
            "QFrame#signInBanner { border: 1px solid #b3261e; border-radius: 6px;"
            " background: rgba(179, 38, 30, 0.12); }"
        )
        self.setAccessibleName(self.tr("Sign-in needed"))
        mark = QLabel(self)
        mark.setPixmap(icon("sign-in").pixmap(20, 20))
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setText(
            self.tr(
                "<b>CPD notifications have stopped:</b> the hub no longer accepts this laptop's "
                "sign-in. Your work stays saved here."
            )
        )
        # The likely causes, for whoever wonders; one line of banner keeps the queue in view.
        self.text.setToolTip(
            self.tr("Another copy of the app on this profile may have replaced the sign-in, or it expired.")
        )
        self.text.setAccessibleName(self.tr("Why notifications stopped"))
        self.button = QPushButton(self.tr("Sign in…"), self)
        self.button.setAccessibleName(self.tr("Sign in to the hub again"))
        self.button.setDefault(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(mark)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.button)
        self.button.clicked.connect(self.sign_in)
        self.hide()
