"""Secrets in the OS keyring: the database key, the recovery key (and, for `sync`, the hub token).

Entries are named `<kind>:<profile id>` (`database-key:…`, `recovery-key:…`, `hub-token:…`), the
id being the random one in the profile's `profile.json` (see `cvi_desktop.paths`), never the
profile's name: two data folders may hold profiles of the same name, and naming entries by name
let the second one overwrite or reuse the first one's key.

There is no plaintext fallback. Only the operating systems' own secret stores are trusted
(an allowlist, so an unknown or file-based backend is refused too); anything else makes
opening a profile raise `KeyringUnavailable` saying what to install or unlock. Tests may trust
an in-memory backend explicitly with `trust_backend_type`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

import keyring
import keyring.backend
import keyring.errors

from ..errors import KeyringUnavailable

SERVICE = "cvi-desktop"

# A function that returns the database key for a profile id, creating it on first use.
KeySource = Callable[[str], str]

DATABASE_KEY = "database-key"
RECOVERY_KEY = "recovery-key"
HUB_TOKEN = "hub-token"


def entry_name(kind: str, identity: str) -> str:
    """The keyring entry for one kind of secret of one profile (by id; by name only for legacy)."""
    return f"{kind}:{identity}"


class DatabaseKeyMissing(KeyringUnavailable):
    """The keyring has no key (or the wrong key) for an existing database: the recovery key can
    re-open it (`cvi-desktop recover`, or the app's recovery dialog)."""

TRUSTED_MODULES = (
    "keyring.backends.SecretService",
    "keyring.backends.libsecret",
    "keyring.backends.kwallet",
    "keyring.backends.Windows",
    "keyring.backends.macOS",
)
_trusted_types: set[type] = set()


def trust_backend_type(kind: type) -> None:
    """Trust one more backend class (tests register their in-memory keyring this way)."""
    _trusted_types.add(kind)


def _trusted(backend: keyring.backend.KeyringBackend) -> bool:
    return type(backend) in _trusted_types or type(backend).__module__ in TRUSTED_MODULES

HOW_TO_FIX = (
    "cvi-desktop keeps its database key in the system keyring and will not store it in a file. "
    "On Linux install and unlock a Secret Service keyring (GNOME Keyring: `apt install "
    "gnome-keyring`, or KWallet) and sign in to your desktop session; on Windows and macOS the "
    "system keyring is used automatically."
)


def _backends(backend: keyring.backend.KeyringBackend) -> list[keyring.backend.KeyringBackend]:
    inner = getattr(backend, "backends", None)  # the chainer holds several
    return list(inner) if inner is not None else [backend]


def describe(backend: keyring.backend.KeyringBackend | None = None) -> str:
    backend = backend or keyring.get_keyring()
    return ", ".join(f"{type(b).__module__}.{type(b).__name__}" for b in _backends(backend)) or "none"


def secure_backend() -> keyring.backend.KeyringBackend:
    """The active backend, if it is one we trust with secrets; otherwise raise."""
    backend = keyring.get_keyring()
    usable = [b for b in _backends(backend) if _trusted(b)]
    if not usable:
        raise KeyringUnavailable(f"No secure keyring is available ({describe(backend)}). {HOW_TO_FIX}")
    return backend


def get_secret(name: str) -> str | None:
    try:
        return secure_backend().get_password(SERVICE, name)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(f"The keyring could not be read ({exc}). {HOW_TO_FIX}") from exc


def set_secret(name: str, value: str) -> None:
    try:
        secure_backend().set_password(SERVICE, name, value)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(f"The keyring could not be written ({exc}). {HOW_TO_FIX}") from exc


def delete_secret(name: str) -> None:
    try:
        secure_backend().delete_password(SERVICE, name)
    except keyring.errors.PasswordDeleteError:
        pass


def set_secret_checked(name: str, value: str, what: str = "database key") -> None:
    """Write a secret and read it back: a keyring that drops writes must fail here, not later
    (when the only copy of a database key would be gone)."""
    set_secret(name, value)
    if get_secret(name) != value:
        raise KeyringUnavailable(f"The keyring did not keep the {what}. {HOW_TO_FIX}")


def new_database_key() -> str:
    """256 random bits as 64 lowercase hex digits (SQLCipher's raw-key form)."""
    return secrets.token_hex(32)


def keyring_key_source(identity: str) -> str:
    """The 256-bit database key of the profile with this id, made on first use.

    For tools that make a new database; `open_profile` does not use it, because for an
    existing database a missing key must be reported (recovery), never replaced by a new one."""
    name = entry_name(DATABASE_KEY, identity)
    key = get_secret(name)
    if key is None:
        key = new_database_key()
        set_secret_checked(name, key)
    return key
