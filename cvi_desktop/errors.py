"""The error types the core raises, each carrying what a person needs to act on it.

Messages are written in English where they are raised and read in the language in use: each
error type passes its text through the core's catalog (`i18n.message`), which knows the core's
messages and their templates ("{} is not a four-digit beat"). Field names and codes in a message
stay as they are; only the sentence is translated. English (the default) is left untouched.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import i18n


class CviError(Exception):
    """Base class for every error the core raises on purpose."""

    def __init__(self, *args: object) -> None:
        if args and isinstance(args[0], str):
            args = (i18n.message(args[0]), *args[1:])
        super().__init__(*args)


class ValidationError(CviError):
    """Bad input: names the field and the reason. Nothing was written."""

    def __init__(self, field: str, reason: str) -> None:
        reason = i18n.message(reason)
        Exception.__init__(self, f"{field}: {reason}")
        self.field = field
        self.reason = reason


class NotFound(CviError):
    """A record that was asked for does not exist in this profile."""

    def __init__(self, kind: str, record_id: str) -> None:
        Exception.__init__(self, i18n.t("no {kind} with id {record_id}", kind=kind, record_id=record_id))
        self.kind = kind
        self.record_id = record_id


class PermissionRefused(CviError):
    """This profile's person may not do that (e.g. a worker resolving a supervisor's flag)."""


class KeyringUnavailable(CviError):
    """No secure OS keyring: the store refuses to open rather than fall back to plaintext."""


class DatabaseTooNew(CviError):
    """The profile's database was written by a newer version of the app."""


class StaleVersion(CviError):
    """An edit was based on a version that is no longer current."""

    def __init__(self, kind: str, record_id: str, expected: int, current: int) -> None:
        Exception.__init__(self, i18n.t(
            "{kind} {record_id} changed meanwhile: edit was based on version {expected}, "
            "current is {current}", kind=kind, record_id=record_id, expected=expected, current=current))
        self.current = current


class StorageProblem(CviError):
    """This laptop's database could not be read or written: the disk is full, another program
    holds it locked, it is read-only, or it is damaged. Raised by the store for every such
    SQLCipher error, so callers meet one type with words a person can act on. The transaction
    in progress was rolled back: nothing half-saved remains, and what was saved before is kept.

    `kind` is one of "disk_full", "locked", "read_only", "damaged", "unavailable"; `title` says
    what happened and `action` what to do."""

    def __init__(self, kind: str, title: str, action: str, detail: str = "") -> None:
        title, action = i18n.message(title), i18n.message(action)
        Exception.__init__(self, f"{title}. {action}")
        self.kind = kind
        self.title = title
        self.action = action
        self.detail = detail  # the SQLite error name, for the details pane and logs only


@dataclass(frozen=True)
class RowError:
    """One refused row of an imported file: its line, the field (or column) and why."""

    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return i18n.t("line {line}: {field}: {reason}", line=self.line, field=self.field,
                      reason=i18n.message(self.reason))
