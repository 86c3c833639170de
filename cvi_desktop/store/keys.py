"""Secrets in the OS keyring: the database key (and, for `sync`, the hub token).

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

# A function that returns the database key for a profile, creating it on first use.
KeySource = Callable[[str], str]

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


def keyring_key_source(profile: str) -> str:
    """The profile's 256-bit database key, made on first use and kept in the keyring."""
    name = f"database-key:{profile}"
    key = get_secret(name)
    if key is None:
        set_secret(name, secrets.token_hex(32))
        key = get_secret(name)  # read back: a keyring that drops writes must fail here, not later
        if key is None:
            raise KeyringUnavailable(f"The keyring did not keep the database key. {HOW_TO_FIX}")
    return key
