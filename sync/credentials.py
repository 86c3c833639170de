"""The hub token, kept only in the OS keyring (never in a file, a setting or a log line).

Tokens are stored per profile, so two people sharing a laptop never share a sign-in. The entry
is named by the profile's id (`hub-token:<id>`, the id from the profile folder's `profile.json`),
so two data folders holding a profile of the same name never share one either. A profile folder
without an id yet (no folder: a headless sync set up before the first open) uses the name, as
before ids; a profile made before ids has its name-keyed token moved to its id on first read.
`home` is the data folder (default `CVI_DESKTOP_HOME` or the platform's). A missing or insecure
keyring raises `KeyringUnavailable` from the core, with what to install.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cvi_desktop.paths import read_identity
from cvi_desktop.store.keys import HUB_TOKEN, delete_secret, entry_name, get_secret, set_secret

# Something that returns the current token, or None when the person has to sign in.
TokenSource = Callable[[], str | None]


def _name(profile: str, home: Path | None) -> str:
    identity = read_identity(profile, home)
    return entry_name(HUB_TOKEN, identity.id if identity is not None else profile)


def get_token(profile: str, *, home: Path | None = None) -> str | None:
    identity = read_identity(profile, home)
    if identity is None:
        return get_secret(entry_name(HUB_TOKEN, profile))
    token = get_secret(entry_name(HUB_TOKEN, identity.id))
    if token is None:
        # A token saved under the name: by a profile made before ids, or just before the profile
        # folder got its id (sign-in comes before the first open). Moved, so a later profile of
        # the same name in another folder cannot pick it up.
        legacy = entry_name(HUB_TOKEN, profile)
        token = get_secret(legacy)
        if token is not None:
            set_secret(entry_name(HUB_TOKEN, identity.id), token)
            delete_secret(legacy)
    return token


def set_token(profile: str, token: str, *, home: Path | None = None) -> None:
    token = token.strip()
    if not token:
        raise ValueError("the hub token is empty")
    set_secret(_name(profile, home), token)


def clear_token(profile: str, *, home: Path | None = None) -> None:
    """Sign out: the token leaves the keyring; the queue stays."""
    delete_secret(_name(profile, home))
    delete_secret(entry_name(HUB_TOKEN, profile))  # and any name-keyed one from before ids


def keyring_token_source(profile: str, *, home: Path | None = None) -> TokenSource:
    """Read the token at each request, so a fresh sign-in is picked up without a restart."""
    return lambda: get_token(profile, home=home)
