"""New-notification alerts: a tray message where the desktop has a tray, a sound, and always an
in-window banner; clicking either opens the incident."""

from __future__ import annotations

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

from .resources import icon


def play_sound() -> None:
    """A short alert. QtMultimedia is not in PySide6-Essentials, so the system beep it is."""
    QApplication.beep()


class NotificationBanner(QFrame):
    """Shown at the top of the main window until opened or dismissed."""

    open_incident = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notificationBanner")
        self.setAccessibleName(self.tr("New notification"))
        self.incident_id = ""
        self.icon = QLabel(self)
        self.icon.setPixmap(icon("notification").pixmap(20, 20))
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.open_button = QPushButton(self.tr("&Open incident"), self)
        self.open_button.setAccessibleName(self.tr("Open the new incident"))
        self.dismiss = QPushButton(self.tr("Dismiss"), self)
        self.dismiss.setAccessibleName(self.tr("Dismiss notification"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.icon)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(self.dismiss)
        self.open_button.clicked.connect(self._open)
        self.dismiss.clicked.connect(self.hide)
        self.hide()

    def show_for(self, incident_id: str, text: str) -> None:
        self.incident_id = incident_id
        self.text.setText(text)
        self.show()

    def _open(self) -> None:
        self.hide()
        self.open_incident.emit(self.incident_id)


class Notifier(QWidget):
    """Owns the tray icon; `notify` rings every channel available."""

    open_incident = Signal(str)

    def __init__(self, banner: NotificationBanner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.banner = banner
        self.last_incident = ""
        self.count = 0
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon("app"), self)
            self.tray.setToolTip("cvi-desktop")
            self.tray.messageClicked.connect(lambda: self.open_incident.emit(self.last_incident))
            self.tray.activated.connect(lambda _reason: self.open_incident.emit(self.last_incident))
            self.tray.show()
        banner.open_incident.connect(self.open_incident)

    def notify(self, incident_id: str, text: str) -> None:
        self.last_incident = incident_id
        self.count += 1
        title = self.tr("New CPD notification")
        if self.tray is not None and QSystemTrayIcon.supportsMessages():
            self.tray.showMessage(title, text, icon("notification"), 15_000)
        self.banner.show_for(incident_id, f"<b>{title}</b> — {text}")
        play_sound()
