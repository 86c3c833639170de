"""Invariant I1 on the hub's LATEST versions, not only on keys.

`helpers.check_i1_no_loss` proves that every device version reached the hub. That still passes
when the hub keeps an *older* version as current (the device's newest quarantined as a false
conflict, with its previous version on the hub) or a newer one the device never got. This check
compares, record by record, the hub's newest version with the device's newest: the newest
version in the outbox or in the record's own table (a version pulled from the hub).
"""

from __future__ import annotations

from pathlib import Path

from cvi_desktop.store import Store
from tests.sync.helpers import hub_rows

# Record kinds with a table of their own holding the device's current version.
_TABLES = {"incident": "incidents", "response_action": "response_actions", "referral": "referrals",
           "followup": "followups"}

Key = tuple[str, str, str]  # (audience, kind, id)


def device_latest(store: Store) -> dict[Key, tuple[int, str | None]]:
    """The device's newest version of every record it shares, and the hash it froze for that
    version (None when the newest came from the hub and was never queued here)."""
    found: dict[Key, tuple[int, str | None]] = {}
    for row in store.rows("SELECT audience, kind, record_id, version, sha256 FROM outbox ORDER BY version"):
        found[(row["audience"], row["kind"], row["record_id"])] = (row["version"], row["sha256"])
    for key, (version, _sha) in list(found.items()):
        table = _TABLES.get(key[1]) if key[0] == "org" else None
        if table is None:
            continue
        local = store.scalar(f"SELECT version FROM {table} WHERE id = ?", [key[2]])
        if local is not None and local > version:
            found[key] = (int(local), None)
    return found


def hub_latest(hub_db: Path, org: str) -> dict[Key, tuple[int, str]]:
    found: dict[Key, tuple[int, str]] = {}
    for row in hub_rows(hub_db, org):
        key = (row["audience"], row["kind"], row["id"])
        if key not in found or row["version"] > found[key][0]:
            found[key] = (row["version"], row["sha256"])
    return found


def check_i1_latest(store: Store, hub_db: Path, org: str, skip: set[str] = frozenset()) -> None:
    """The hub's newest version of each record the device shares equals the device's newest
    (same version; same hash when the device made it). `skip`: record ids expected to be
    quarantined (their newest version is, by design, only on the device)."""
    hub = hub_latest(hub_db, org)
    wrong = []
    for key, (version, sha) in device_latest(store).items():
        if key[2] in skip:
            continue
        on_hub = hub.get(key)
        if on_hub is None or on_hub[0] != version or (sha is not None and on_hub[1] != sha):
            wrong.append((key, "device", version, "hub", on_hub and on_hub[0]))
    assert not wrong, f"I1 (latest): the hub's newest version differs from the device's: {wrong[:5]}"
