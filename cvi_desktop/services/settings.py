"""Profile settings kept in the store: the data-sharing agreement's terms and small sync facts."""

from __future__ import annotations

from ..sharing import Agreement
from ..store.database import Store


def get_value(store: Store, key: str) -> str | None:
    return store.scalar("SELECT value FROM sync_state WHERE key = ?", [key])


def set_value(store: Store, key: str, value: str) -> None:
    with store.write() as db:
        db.execute(
            "INSERT INTO sync_state (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )


def agreement(store: Store) -> Agreement:
    return Agreement(share_block=get_value(store, "agreement.share_block") == "1")


def set_agreement(store: Store, terms: Agreement) -> None:
    set_value(store, "agreement.share_block", "1" if terms.share_block else "0")
