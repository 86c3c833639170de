"""Where the app's files are, frozen or not, through one helper (as Vorta and Picard do), and
the few things built from them: icons and the style sheet (the translators: `ui.language`).

The style sheet is applied app-wide by `apply_style_sheet`, which the main window calls right
after its first frame (and the launcher before any dialog it shows first). An app-wide sheet
sends every widget's polish through Qt's style-sheet style, about 20 ms for the first frame's
widgets alone; so until it is applied, the few first-frame widgets the sheet styles get it
directly (`style_first_frame`) and that frame already looks as every later one does."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget


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


@cache
def style_sheet() -> str:
    path = resource_path("style.qss")
    return path.read_text(encoding="utf-8") if path.exists() else ""


def apply_style_sheet() -> None:
    """Give the whole app the style sheet (once; later calls do nothing)."""
    app = QApplication.instance()
    if isinstance(app, QApplication) and app.styleSheet() != style_sheet():
        app.setStyleSheet(style_sheet())


def style_first_frame(*widgets: QWidget) -> None:
    """Style these widgets (and their children) now, if the app-wide sheet is not applied yet."""
    app = QApplication.instance()
    if isinstance(app, QApplication) and app.styleSheet() != style_sheet():
        for widget in widgets:
            widget.setStyleSheet(style_sheet())
