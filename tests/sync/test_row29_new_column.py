"""Fault-matrix row 29: private canaries everywhere, including a column a later migration adds.

A new column on every shared table (as a future schema step would add) is filled with a canary;
sync then runs through the recording proxy, clean and with faults, and not one captured byte nor
the hub's own file holds it: payloads are picked from the allowlist, so a column nobody listed
stays on the device.
"""

from __future__ import annotations

import pytest

from tests.sync import helpers as h

NEW_COLUMN_CANARY = "Zq9NewColumnCanary"
SHARED_TABLES = ("incidents", "response_actions", "referrals", "followups", "reviews")
PUSH = b"POST /v1/sync/push"


def add_new_private_column(store) -> None:
    with store.write() as db:
        for table in SHARED_TABLES:
            db.execute(f"ALTER TABLE {table} ADD COLUMN worker_private_memo TEXT "
                       f"DEFAULT '{NEW_COLUMN_CANARY}'")


@pytest.mark.parametrize("fault", ["none", "cut_response", "server_errors"])
def test_row29_new_column_never_leaves(device, hub, team, proxy, fault) -> None:
    add_new_private_column(device.store)
    h.seed(device.store)
    mono = h.Monotonic(device.store)
    stored = sum(device.store.scalar(f"SELECT count(*) FROM {t} WHERE worker_private_memo = ?",
                                     [NEW_COLUMN_CANARY]) for t in SHARED_TABLES)
    assert stored > 10  # the canary really is in the rows being shared
    if fault == "cut_response":
        proxy.add("cut_response", match=PUSH, after=0)
    elif fault == "server_errors":
        hub.server.faults.fail_next(status=500, times=2)
    h.drain(device)
    h.check_all(device, hub, team, proxy, mono)
    assert len(proxy.sent) > 1000  # the payloads did cross the proxy
    for blob in (proxy.sent, proxy.received):
        assert NEW_COLUMN_CANARY.encode() not in blob
    for path in hub.db.parent.glob(hub.db.name + "*"):
        assert NEW_COLUMN_CANARY.encode() not in path.read_bytes()
