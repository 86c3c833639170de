"""The language people read the app in: English or Spanish.

One choice, applied in one place (`apply_language`), before any window of a profile is built:

- Qt's translators: ours (`resources/translations/cvi_desktop_<lang>.qm`, compiled from the .ts
  by `scripts/build-translations.sh` in the build, never at run time) and Qt's own
  `qtbase_<lang>.qm` (the standard buttons: Cancel, OK, Yes, No). English has a .qm of its own
  too: it holds the English plural forms ("1 record", "3 records") of the `%n` strings.
- The core's catalog (`cvi_desktop.i18n`: field and choice labels, core messages, the monthly
  review, PDF and CSV headers), when it is installed.
- `QLocale.setDefault`, so dates, times and numbers read as the language writes them (Chicago
  wall time is still what is shown: `ui.labels` converts first, then formats).

The first time, the system's locale decides (Spanish → "es", anything else → "en"); after that
the profile's own setting (Settings…, kept with the profile's other window settings), read at
start. A change takes effect on the next start ("Restart to apply").
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from .resources import resource_path

LANGUAGES: tuple[str, ...] = ("en", "es")
# The profile setting; absent means "as the system" (first run).
LANGUAGE_SETTING = "ui/language"
# Chicago: US English and US Spanish conventions for dates and numbers.
_LOCALES = {"en": "en_US", "es": "es_US"}
_state: dict[str, object] = {"language": "en", "translators": []}


def system_language() -> str:
    """The language the system's locale asks for: "es" for any Spanish locale, else "en"."""
    return "es" if QLocale.system().language() == QLocale.Language.Spanish else "en"


def saved_language(profile: str) -> str | None:
    """The language this profile chose in Settings, or None (then the system decides)."""
    from .prefs import prefs

    value = str(prefs(profile).value(LANGUAGE_SETTING, "") or "")
    return value if value in LANGUAGES else None


def save_language(profile: str, language: str | None) -> None:
    """Keep this profile's choice (None: follow the system again)."""
    from .prefs import prefs

    settings = prefs(profile)
    if language is None:
        settings.remove(LANGUAGE_SETTING)
    else:
        settings.setValue(LANGUAGE_SETTING, language)
    settings.sync()


def profile_language(profile: str | None) -> str:
    """The language a profile opens in: its saved choice, else the system's."""
    return (saved_language(profile) if profile else None) or system_language()


def current_language() -> str:
    """The language applied now ("en" or "es")."""
    return str(_state["language"])


def locale() -> QLocale:
    """The locale the app formats dates, times and numbers with."""
    return QLocale(_LOCALES[current_language()])


def _load(translator: QTranslator, name: str, folder: str) -> bool:
    """Load `folder/name.qm` into `translator` (False if there is none)."""
    return translator.load(name, folder)


def apply_language(language: str) -> str:
    """Install the translators, the core catalog and the default locale for `language`.

    Replaces whatever was installed before; call it before building the widgets that should
    read it (widgets built earlier keep their text). Returns the language applied."""
    language = language if language in LANGUAGES else "en"
    app = QCoreApplication.instance()
    for old in list(_state["translators"]):  # type: ignore[call-overload]
        QCoreApplication.removeTranslator(old)
    installed: list[QTranslator] = []
    if app is not None:
        ours = QTranslator(app)
        if _load(ours, f"cvi_desktop_{language}", str(resource_path("translations"))):
            QCoreApplication.installTranslator(ours)
            installed.append(ours)
        if language != "en":
            qt_own = QTranslator(app)
            qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            if _load(qt_own, f"qtbase_{language}", qt_folder):
                QCoreApplication.installTranslator(qt_own)
                installed.append(qt_own)
    _state["translators"] = installed
    _state["language"] = language
    QLocale.setDefault(QLocale(_LOCALES[language]))
    # The core's catalog (labels, core messages, the monthly review) starts in English: for
    # English it need not be imported before the first frame (~10 ms); when the first label is
    # asked for, `ui.labels.label` imports it, in English.
    if language != "en" or "cvi_desktop.i18n" in sys.modules:
        from cvi_desktop import i18n

        i18n.set_language(language)
    return language


def core_text(english: str) -> str:
    """A text made by the core (a field heading, a monthly-review heading, an error's message
    or a stored problem's title, already formatted in English), in the language applied: the
    core's catalog translates it (exact entries and templates); unknown texts stay English."""
    from cvi_desktop import i18n

    return i18n.message(english)
