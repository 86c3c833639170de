"""The hub token, kept only in the OS keyring (never in a file, a setting or a log line).

Tokens are stored per profile, so two people sharing a laptop never share a sign-in. A missing
or insecure keyring raises `KeyringUnavailable` from the core, with what to install.
"""

from __future__ import annotations

from collections.abc import Callable

from cvi_desktop.store.keys import delete_secret, get_secret, set_secret

# Something that returns the current token, or None when the person has to sign in.
TokenSource = Callable[[], str | None]


def _name(profile: str) -> str:
    return f"hub-token:{profile}"


def get_token(profile: str) -> str | None:
    return get_secret(_name(profile))


def set_token(profile: str, token: str) -> None:
    token = token.strip()
    if not token:
        raise ValueError("the hub token is empty")
    set_secret(_name(profile), token)


def clear_token(profile: str) -> None:
    """Sign out: the token leaves the keyring; the queue stays."""
    delete_secret(_name(profile))


def keyring_token_source(profile: str) -> TokenSource:
    """Read the token at each request, so a fresh sign-in is picked up without a restart."""
    return lambda: get_token(profile)

