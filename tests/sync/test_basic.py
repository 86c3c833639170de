"""Happy path: a full pass pushes every kind, pulls the team's incidents, and is idempotent."""

from __future__ import annotations

from cvi_desktop import outbox
from sync.engine import events as ev
from tests.sync import helpers as h


def test_full_pass_pushes_everything_and_pulls(device, hub, team, proxy) -> None:
    h.seed(device.store)
    notified = h.notify(hub.url, hub.cpd)
    report = device.sync()
    assert report.ok, report.error
    h.check_i1_no_loss(device.store, hub.db, team.org)
    h.check_i2_no_duplicates(hub.db)
    h.check_i3_drained(device.store)
    h.check_i4_private(proxy.sent, proxy.received)
    assert any(isinstance(e, ev.NotificationReceived) and e.incident_id == notified for e in device.events)
    assert device.store.one("SELECT * FROM incidents WHERE id = ?", [notified])["source"] == "cpd"
    # A second pass sends nothing and changes nothing.
    before = len(proxy.sent)
    assert device.sync().ok
    assert outbox.counts(device.store)["acknowledged"] > 0
    assert b"/v1/sync/push" not in proxy.sent[before:]
