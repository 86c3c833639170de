"""An in-memory keyring backend that tests register explicitly (never used by the app)."""

from __future__ import annotations

import keyring.backend

from cvi_desktop.store.keys import trust_backend_type


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


trust_backend_type(MemoryKeyring)


class FileKeyring(MemoryKeyring):
    """Stands in for any backend that keeps secrets in a plain file: the store must refuse it."""
