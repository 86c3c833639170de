"""Profile settings kept in the store: the data-sharing agreement's terms, who this profile's
person is (as the hub says, never a local setting), and small sync facts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..sharing import Agreement
from ..store.database import IDENTITY_KEY, Store

# What the hub's "who am I" gives, in the form the app keeps. Hub token roles map to the two
# roles a laptop knows: a supervisor reviews and assigns; everyone else works incidents.
IDENTITY_FIELDS = ("org_id", "org_name", "role", "staff_id", "display_name")


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


def identity(store: Store) -> dict[str, Any] | None:
    """Who this profile's person is: org_id, org_name, role (worker|supervisor), staff_id,
    display_name, as the hub last said. None before the first contact."""
    value = get_value(store, IDENTITY_KEY)
    return None if value is None else dict(json.loads(value))


def set_identity(store: Store, me: Mapping[str, Any]) -> bool:
    """Keep what the hub said; True when it changed. Records made from now on carry the staff id."""
    role = "supervisor" if me.get("role") == "supervisor" else "worker"
    new = {name: me.get(name) for name in IDENTITY_FIELDS} | {"role": role}
    if identity(store) == new:
        return False
    set_value(store, IDENTITY_KEY, json.dumps(new, sort_keys=True))
    if new["staff_id"]:
        store.actor = str(new["staff_id"])
    return True


def may_supervise(store: Store, *, strict: bool = False) -> bool:
    """Whether this profile's person may do a supervisor's work. Before the hub has said who
    they are (a laptop that has never synced) the laptop does not refuse, unless `strict`: the
    hub decides when the record arrives, and refuses a worker's."""
    found = identity(store)
    if found is None:
        return not strict
    return found.get("role") == "supervisor"
