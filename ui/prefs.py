"""Per-profile window settings (the splitter's place, the notification sound, the hub address,
the language): one QSettings group per profile. Its own small module so the language can be
read before the first frame without loading the sign-in dialog's imports."""

from __future__ import annotations

from PySide6.QtCore import QSettings


def prefs(profile: str) -> QSettings:
    """The settings of `profile` (its own group in the app's user-scope INI file)."""
    settings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "cvi", "cvi-desktop")
    settings.beginGroup(f"profile-{profile}")
    return settings
