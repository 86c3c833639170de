"""File → Settings…: this profile's language.

The choice is kept with the profile's other window settings (`sign_in.prefs`, as the splitter's
position and the notification sound are) and takes effect when the app starts next: the dialog
says so ("Restart to apply") the moment the choice differs from the language in use.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from .language import current_language, save_language, saved_language, system_language


class SettingsDialog(QDialog):
    """The profile's settings: the language the app is shown in."""

    def __init__(self, profile: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.setWindowTitle(self.tr("Settings"))
        self.language = QComboBox(self)
        system = self.tr("English") if system_language() == "en" else self.tr("Spanish (Español)")
        self.language.addItem(self.tr("As the system (%s)") % system, None)
        self.language.addItem(self.tr("English"), "en")
        # The language's own name too, so someone who reads only that one finds it.
        self.language.addItem(self.tr("Spanish (Español)"), "es")
        saved = saved_language(profile)
        self.language.setCurrentIndex(max(self.language.findData(saved), 0) if saved else 0)
        self.language.setAccessibleName(self.tr("Language"))
        form = QFormLayout()
        caption = QLabel(self.tr("&Language:"), self)
        caption.setBuddy(self.language)
        form.addRow(caption, self.language)
        self.restart_note = QLabel(self)
        self.restart_note.setObjectName("restartNote")
        self.restart_note.setWordWrap(True)
        self.restart_note.setText(
            self.tr("Restart to apply: close cvi-desktop and open it again to see it in the new language.")
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.restart_note)
        layout.addWidget(buttons)
        self.language.currentIndexChanged.connect(self._update_note)
        self._update_note()

    def chosen(self) -> str | None:
        """The language picked: "en", "es", or None for the system's."""
        data = self.language.currentData()
        return str(data) if data else None

    def needs_restart(self) -> bool:
        """Whether the language picked differs from the one the app shows now."""
        return (self.chosen() or system_language()) != current_language()

    def _update_note(self) -> None:
        self.restart_note.setVisible(self.needs_restart())

    def accept(self) -> None:  # noqa: D401 - Qt override
        """Keep the choice for this profile."""
        save_language(self.profile, self.chosen())
        super().accept()
