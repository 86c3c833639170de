"""The translation files are complete and current, and every string a person reads is marked.

- An AST scan of ui/: a string literal with letters handed to a widget's text setter (setText,
  setToolTip, QLabel(...), addAction, ...) must come through tr()/translate().
- lupdate over ui/ would not change either .ts (no new, no vanished entries).
- Spanish has no unfinished, vanished or obsolete entry; every numerus entry has both forms; a
  translation keeps its source's placeholders and its one mnemonic.
- The committed .qm files are exactly what the .ts compile to (scripts/build-translations.sh).
- Plurals: "1 registro" / "3 registros" and "1 record" / "3 records" through Qt's %n forms.
- The language: Spanish system locale → es, else en; the profile's choice (Settings…) wins.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale

from ui import language

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "resources" / "translations"
SCRIPT = ROOT / "scripts" / "build-translations.sh"

# Calls whose string arguments a person reads.
TEXT_CALLS = {
    "setText", "setToolTip", "setWindowTitle", "addAction", "setPlaceholderText", "setStatusTip",
    "setTitle", "addTab", "insertTab", "setTabText", "setTabToolTip", "setHeaderLabels",
    "setHorizontalHeaderLabels", "setVerticalHeaderLabels", "showMessage", "setAccessibleName",
    "setAccessibleDescription", "addItem", "addItems", "insertItem", "setWhatsThis",
    "setInformativeText", "setDetailedText", "addMenu", "addRow", "setLabelText", "setItemText",
    "setSuffix", "setPrefix", "setSpecialValueText", "setButtonText", "information",
    "warning", "critical", "question", "about", "getSaveFileName", "getOpenFileName",
    "QLabel", "QPushButton", "QAction", "QCheckBox", "QRadioButton", "QGroupBox", "QMenu",
    "QToolButton", "QTableWidgetItem", "QListWidgetItem", "QStandardItem",
}
# Literals that are no words of any language: the app's name, a URL example, a key format.
ALLOWED_LITERALS = {"cvi-desktop", "https://hub.example.org", "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX"}
# Arguments that are data, not text: addItem(text, userData), insertItem(index, text, userData).
DATA_ARGS = {"addItem": {1}, "insertItem": {0, 2}}
# Developer tools, not screens: the screenshot script types example input into the demo.
NOT_SCREENS = {"screenshots.py"}
# Loggers take English for the log, never shown in a window.
LOG_RECEIVERS = {"log", "logger", "logging", "_log", "LOG"}


def _words_in(node: ast.AST) -> list[str]:
    """The literal text in an argument that a person would read untranslated."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = re.sub(r"<[^>]+>", "", node.value)  # markup is not words
        text = re.sub(r"\t.*$", "", text)  # "\tCtrl+R": a menu's shortcut column
        if text in ALLOWED_LITERALS or not re.search(r"[A-Za-z]{2}", text):
            return []
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [w for v in node.values if isinstance(v, ast.Constant) for w in _words_in(v)]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [w for e in node.elts for w in _words_in(e)]
    if isinstance(node, ast.BinOp):
        return _words_in(node.left) + _words_in(node.right)
    if isinstance(node, ast.IfExp):
        return _words_in(node.body) + _words_in(node.orelse)
    return []


def unmarked_strings(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.glob("*.py")):
        if path.name in NOT_SCREENS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name not in TEXT_CALLS:
                continue
            receiver = func.value if isinstance(func, ast.Attribute) else None
            if isinstance(receiver, ast.Name) and receiver.id in LOG_RECEIVERS:
                continue
            data = DATA_ARGS.get(name, set())
            args = [a for i, a in enumerate(node.args) if i not in data]
            for arg in [*args, *(k.value for k in node.keywords if k.arg != "userData")]:
                found += [f"{path.name}:{node.lineno}: {name}({w!r})" for w in _words_in(arg)]
    return found


def test_every_string_handed_to_a_widget_is_marked_for_translation() -> None:
    assert unmarked_strings(ROOT / "ui") == []


def test_the_scan_finds_an_unmarked_string(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(
        'def f(w, n):\n    w.setText("Saved on this laptop")\n    w.setToolTip(f"{n} waiting")\n'
        '    w.setText(w.tr("fine"))\n    w.setText("—")\n'
    )
    assert unmarked_strings(tmp_path) == [
        "bad.py:2: setText('Saved on this laptop')",
        "bad.py:3: setToolTip(' waiting')",
    ]


def messages(ts: Path) -> dict[tuple[str, str, str], ET.Element]:
    """(context, source, comment) → message element."""
    found = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            key = (name, message.findtext("source") or "", message.findtext("comment") or "")
            found[key] = message
    return found


@pytest.mark.parametrize("lang", ["en", "es"])
def test_lupdate_would_change_nothing(tmp_path: Path, lang: str) -> None:
    """The .ts lists exactly the strings ui/ marks (run `make translations` when this fails)."""
    committed = TRANSLATIONS / f"cvi_desktop_{lang}.ts"
    copy = tmp_path / committed.name
    shutil.copy(committed, copy)
    lupdate = Path(sys.modules["PySide6"].__file__).parent / "lupdate"  # type: ignore[arg-type]
    sources = sorted(str(p) for p in (ROOT / "ui").glob("*.py"))
    extra = ["-pluralonly"] if lang == "en" else []
    subprocess.run(
        [str(lupdate), "-silent", "-no-obsolete", *extra, *sources, "-ts", str(copy)], check=True, timeout=60
    )
    before, after = messages(committed), messages(copy)
    assert sorted(set(after) - set(before)) == [], "new strings: run `make translations`"
    assert sorted(set(before) - set(after)) == [], "strings gone from ui/: run `make translations`"
    unfinished = [k for k, m in after.items() if m.find("translation").get("type") == "unfinished"]  # type: ignore[union-attr]
    assert unfinished == []


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%(?:\d+|[sdn]|0\dd)", text))


def _mnemonic(text: str) -> int:
    return len(re.findall(r"(?<!&)&(?!&)", text.replace("&&", "")))


def test_spanish_is_complete_and_keeps_placeholders_and_mnemonics() -> None:
    problems = []
    for (context, source, _c), message in messages(TRANSLATIONS / "cvi_desktop_es.ts").items():
        translation = message.find("translation")
        assert translation is not None
        kind = translation.get("type")
        if kind in {"unfinished", "vanished", "obsolete"}:
            problems.append(f"{context}: {source!r} is {kind}")
            continue
        forms = [f.text or "" for f in translation.iter("numerusform")] if message.get("numerus") else []
        texts = forms or [translation.text or ""]
        for text in texts:
            if not text.strip():
                problems.append(f"{context}: {source!r} has an empty translation")
            elif _placeholders(text) != _placeholders(source):
                problems.append(f"{context}: {source!r} → {text!r}: placeholders differ")
            elif _mnemonic(text) != _mnemonic(source):
                problems.append(f"{context}: {source!r} → {text!r}: mnemonics differ")
        if message.get("numerus") and len(forms) != 2:
            problems.append(f"{context}: {source!r} needs both Spanish forms (one, other)")
    assert problems == []


def test_english_gives_every_plural_both_forms() -> None:
    for (context, source, _c), message in messages(TRANSLATIONS / "cvi_desktop_en.ts").items():
        assert message.get("numerus") == "yes", f"{context}: {source!r}: the English file holds plurals only"
        forms = [f.text or "" for f in message.iter("numerusform")]
        assert len(forms) == 2 and all(forms), f"{context}: {source!r}"
        assert all("(s)" not in f for f in forms), f"{context}: {source!r}"


def test_committed_qm_files_are_what_the_ts_compile_to(tmp_path: Path) -> None:
    """The .qm files are committed (a checkout runs without a build step); this fails when one
    is stale: run `make translations` (or scripts/build-translations.sh)."""
    subprocess.run(["bash", str(SCRIPT), "--out", str(tmp_path)], check=True, cwd=ROOT, timeout=60)
    for lang in ("en", "es"):
        built = (tmp_path / f"cvi_desktop_{lang}.qm").read_bytes()
        assert built == (TRANSLATIONS / f"cvi_desktop_{lang}.qm").read_bytes(), f"{lang}.qm is stale"


def tr(context: str, text: str, n: int = -1) -> str:
    return QCoreApplication.translate(context, text, "", n)


def test_plurals_in_both_languages() -> None:
    assert language.apply_language("en") == "en"
    assert tr("ReviewQueueDialog", "%n record(s) not yet synced", 1) == "1 record is not yet synced"
    assert tr("ReviewQueueDialog", "%n record(s) not yet synced", 3) == "3 records are not yet synced"
    assert tr("StatusBar", "%n need(s) attention", 1) == "1 needs attention"
    assert tr("StatusBar", "%n need(s) attention", 2) == "2 need attention"
    assert language.apply_language("es") == "es"
    assert tr("ReviewQueueDialog", "%n record(s) not yet synced", 1) == "1 registro todavía sin sincronizar"
    assert tr("ReviewQueueDialog", "%n record(s) not yet synced", 3) == "3 registros todavía sin sincronizar"
    assert tr("StatusBar", "%n new notification(s)", 1) == "1 notificación nueva"
    assert tr("StatusBar", "%n new notification(s)", 12) == "12 notificaciones nuevas"
    assert tr("IncidentQueueView", "%n incident(s)", 0) == "0 incidentes"
    # Qt's own strings (the standard buttons) come from Qt's Spanish file.
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancelar"


def test_status_bar_reads_spanish() -> None:
    from ui.status_bar import SyncView, status_text

    language.apply_language("es")
    assert status_text(SyncView(waiting=1)) == "Guardado en esta computadora · 1 en espera de compartirse"
    assert status_text(SyncView(quarantined=3)).endswith(" · 3 requieren atención")


def test_times_are_written_for_the_language_in_chicago_time() -> None:
    from ui.labels import when

    instant = "2026-11-01T18:05:00+00:00"  # 12:05 in Chicago (CST since that morning)
    language.apply_language("en")
    assert when(instant) == "2026-11-01 12:05"
    language.apply_language("es")
    assert when(instant) == "01/11/2026 12:05"
    assert QLocale().name() == "es_US"


def test_the_system_locale_decides_first_and_the_profile_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(language.QLocale, "system", staticmethod(lambda: QLocale("es_MX")))
    assert language.system_language() == "es"
    assert language.profile_language("ana") == "es"  # nothing chosen yet: the system's
    language.save_language("ana", "en")
    assert language.profile_language("ana") == "en"
    assert language.profile_language("luis") == "es"  # per profile
    language.save_language("ana", None)
    assert language.profile_language("ana") == "es"
    monkeypatch.setattr(language.QLocale, "system", staticmethod(lambda: QLocale("fr_FR")))
    assert language.system_language() == "en"


def test_settings_dialog_keeps_the_choice_and_says_restart(qtbot: object) -> None:
    from ui.settings_dialog import SettingsDialog

    language.apply_language("en")
    dialog = SettingsDialog("ana")
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.show()
    assert not dialog.restart_note.isVisible() or language.system_language() != "en"
    dialog.language.setCurrentIndex(dialog.language.findData("es"))
    assert dialog.restart_note.isVisible()
    assert "Restart to apply" in dialog.restart_note.text()
    dialog.accept()
    assert language.saved_language("ana") == "es"
    assert language.profile_language("ana") == "es"
