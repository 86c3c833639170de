"""The error taxonomy the user sees: every failure becomes a title, what to do, and details.

One mapping, in one place (Maestral's `errorhandling.py`, Anki's network errors): core and sync
exceptions become `Explained`. Details are scrubbed before anyone can see or copy them: bearer
tokens, database keys and values of private fields (names, phones, notes, coordinates) never
reach a dialog, a log or the clipboard.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import QCoreApplication

from cvi_desktop.errors import (
    CviError,
    DatabaseTooNew,
    KeyringUnavailable,
    NotFound,
    StaleVersion,
    StorageProblem,
    ValidationError,
)

from .language import core_text

# lupdate reads `translate("Context", "literal")` calls: the literal strings use it directly.
translate = QCoreApplication.translate


@dataclass(frozen=True)
class Explained:
    title: str
    what_to_do: str
    details: str
    # Sign-in problems and offline states go to the status bar, never a modal, when automatic.
    # "storage": this laptop's disk or database (full, locked, read-only, damaged).
    kind: str = "error"


# Secrets that are no record field; every share-class L field name comes from the field table.
SECRET_NAMES = ("token", "password", "key")


@cache
def private_fields() -> tuple[str, ...]:
    """Field names whose values never leave the laptop, scrubbed from any detail text. Built on
    first use: the field table loads the domain's vocabularies, which the first frame does not
    need."""
    from cvi_desktop.fields import private_field_names

    return (*private_field_names(), *SECRET_NAMES)


@cache
def _field_value() -> re.Pattern[str]:
    names = "|".join(re.escape(n) for n in private_fields())
    return re.compile(
        rf"""(?P<name>['"]?(?:{names})['"]?\s*[:=]\s*)(?P<value>'[^']*'|"[^"]*"|[^\s,}}\]]+)"""
    )


_SECRETS = [
    (re.compile(r"cvi_[A-Za-z0-9_\-]{8,}"), "cvi_…[token removed]"),
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=\-]+"), r"\1[token removed]"),
    (re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)[^'\"\s,}]+"), r"\1[removed]"),
    (re.compile(r"\b[0-9a-f]{64}\b"), "[key removed]"),
    (re.compile(r"x'[0-9a-fA-F]+'"), "x'[key removed]'"),
]
def scrub(text: str, extra_secrets: tuple[str, ...] = ()) -> str:
    """Remove tokens, keys and private field values from text meant for people or logs."""
    for secret in extra_secrets:
        if secret:
            text = text.replace(secret, "[removed]")
    for pattern, repl in _SECRETS:
        text = pattern.sub(repl, text)
    return _field_value().sub(lambda m: m.group("name") + "[private]", text)


def _details(exc: BaseException) -> str:
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    return scrub("".join(lines))


def explain(exc: BaseException) -> Explained:
    """Map any exception to what a person needs to act on it."""
    details = _details(exc)
    name = type(exc).__name__
    if isinstance(exc, ValidationError):
        return Explained(
            translate("errors", "Please check “%s”") % core_text(exc.field.replace("_", " ")),
            scrub(core_text(exc.reason))
            + "\n"
            + translate("errors", "Nothing was saved. Correct it and save again."),
            details,
            kind="validation",
        )
    if isinstance(exc, StorageProblem) or name == "LocalStorageProblem":
        # The store (or the sync engine, passing it on) already says what happened and what to
        # do; the raw SQLite error stays in the details only.
        title, action = getattr(exc, "title", ""), getattr(exc, "action", "")
        return Explained(core_text(title), core_text(action), details, kind="storage")
    if isinstance(exc, KeyringUnavailable):
        message = scrub(core_text(str(exc)))
        return Explained(translate("errors", "No secure keyring"), message, details)
    if isinstance(exc, DatabaseTooNew):
        title = translate("errors", "This profile needs a newer cvi-desktop")
        return Explained(title, scrub(core_text(str(exc))), details)
    if isinstance(exc, StaleVersion):
        return Explained(
            translate("errors", "Someone changed this record meanwhile"),
            translate(
                "errors", "Your copy was refreshed. Look at the new version and make your change again."
            ),
            details,
        )
    if isinstance(exc, NotFound):
        return Explained(
            translate("errors", "Record not found"),
            translate("errors", "It may belong to another profile. Refresh the list and try again."),
            details,
        )
    # The sync engine's taxonomy, matched by name so this module does not import the network stack.
    if name in {"SignInNeeded", "Unauthorized", "AuthError"} or getattr(exc, "status", None) == 401:
        return Explained(
            translate("errors", "Sign-in needed"),
            translate("errors",
                "Your hub token was refused. Sign in again with a new token from your "
                "supervisor. Nothing on this laptop was lost."
            ),
            details,
            kind="sign_in",
        )
    if name in {
        "Offline",
        "HubUnreachable",
        "ConnectionError",
        "ConnectTimeout",
        "ReadTimeout",
        "Timeout",
        "ConnectionRefusedError",
        "URLError",
    }:
        return Explained(
            translate("errors", "The hub cannot be reached"),
            translate("errors",
                "Your work is saved on this laptop and will be shared when the hub is "
                "reachable. Check the network, or the hub address in Sign in."
            ),
            details,
            kind="offline",
        )
    if isinstance(exc, CviError):
        return Explained(translate("errors", "That did not work"), scrub(core_text(str(exc))), details)
    return Explained(
        translate("errors", "Something went wrong"),
        translate("errors",
            "Your saved work is safe. Try again; if it keeps happening, copy the details "
            "and send them to your supervisor."
        ),
        details,
    )
