"""Where the app's files are, frozen or not, through one helper (as Vorta and Picard do), and
the few things built from them: icons, the style sheet, the translator."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtGui import QIcon


def resource_root() -> Path:
    """`resources/` next to the source tree, or inside the PyInstaller bundle when frozen."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resource_root().joinpath(*parts)


@cache
def icon(name: str) -> QIcon:
    path = resource_path("icons", f"{name}.svg")
    return QIcon(str(path)) if path.exists() else QIcon()


def style_sheet() -> str:
    path = resource_path("style.qss")
    return path.read_text(encoding="utf-8") if path.exists() else ""


def load_translator(locale: QLocale | None = None) -> QTranslator | None:
    """The compiled .qm for the user's language, if we ship one."""
    translator = QTranslator()
    folder = str(resource_path("translations"))
    if translator.load(locale or QLocale(), "cvi_desktop", "_", folder):
        return translator
    return None
