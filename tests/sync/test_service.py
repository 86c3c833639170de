"""Row 30 (hub restored from a backup), the scheduler thread and the live channel."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sync.backoff import Backoff
from sync.credentials import set_token
from sync.engine import SyncService
from sync.engine import events as ev
from sync.hub import admin
from sync.hub.server import HubServer
from tests.sync import helpers as h
from tests.sync.conftest import Device, Hub, Team, make_engine
from tests.sync.proxy import Proxy


@pytest.fixture
def own_hub(tmp_path: Path) -> Iterator[tuple[Hub, Team]]:
    """A hub of its own: restoring a backup must not roll back other tests' data. SQLite only:
    the backup is a copy of the hub's SQLite file."""
    db = tmp_path / "own-hub.sqlite3"
    admin.create_org(db, "solo", "solo")
    admin.add_coverage(db, "solo", "011")
    server = HubServer(db).start()
    try:
        yield (Hub(server, db, admin.create_token(db, "cpd")),
               Team("solo", "011", {"sup": admin.create_token(db, "supervisor", org_id="solo",
                                                              staff_id="sup1")}))
    finally:
        server.stop()


def test_row30_hub_restored_from_backup(own_hub, tmp_path, store, clock, memory_keyring) -> None:
    hub, team = own_hub
    proxy = Proxy(hub.server.port)
    set_token("sup", team.tokens["sup"])
    events: list[ev.SyncEvent] = []
    device = Device(store, make_engine(store, proxy.url, "sup", events), events, clock, "sup")
    try:
        h.seed(store, incidents_n=1)
        h.drain(device)
        admin.backup(hub.db, tmp_path / "backup.sqlite3")
        late = h.log_action(store, h.new_incident(store))
        h.drain(device)
        assert any(r["id"] == late for r in h.hub_rows(hub.db, team.org))
        admin.restore(tmp_path / "backup.sqlite3", hub.db)  # the hub loses the late records
        assert not any(r["id"] == late for r in h.hub_rows(hub.db, team.org))
        h.drain(device)
        restored = [e for e in events if isinstance(e, ev.HubRestored)]
        assert len(restored) == 1 and restored[0].requeued > 0
        h.check_all(device, hub, team, proxy)
    finally:
        device.engine.client.close()
        proxy.close()


def wait_for(events: list, predicate, seconds: float = 10.0) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for event in list(events):
            if predicate(event):
                return event
        time.sleep(0.01)
    raise AssertionError(f"no matching event in {seconds}s: {events[-5:]}")


def test_service_syncs_on_demand_after_save_and_delivers_notifications_live(device, hub, team, proxy) -> None:
    service = SyncService(device.engine, interval=3600, debounce=0.05)
    service.live.wait_seconds = 2.0
    service.start()
    try:
        wait_for(device.events, lambda e: isinstance(e, ev.SyncFinished))  # the start-up pass
        h.seed(device.store, incidents_n=1)
        service.notify_saved()
        wait_for(device.events, lambda e: isinstance(e, ev.SyncFinished) and e.acknowledged > 0)
        # A CPD notification reaches the callback through the live channel, without a pass.
        started = time.monotonic()
        incident = h.notify(hub.url, hub.cpd)
        wait_for(device.events,
                 lambda e: isinstance(e, ev.NotificationReceived) and e.incident_id == incident)
        assert time.monotonic() - started < 2.0
        assert "Shared" in service.status().text()
        n = sum(isinstance(e, ev.SyncFinished) for e in device.events)
        service.request_sync()
        wait_for(device.events, lambda e: sum(isinstance(x, ev.SyncFinished) for x in device.events) > n)
    finally:
        service.stop()
    assert not service.running
    h.check_all(device, hub, team, proxy)


def test_service_goes_offline_then_recovers_and_waits_for_sign_in(device, hub, team, proxy) -> None:
    # Real time here: the scheduler's retry wait is what is under test (a fraction of a second).
    device.engine.timer.backoff = Backoff(base=0.05, cap=0.2, rand=lambda: 1.0, floor=0.01)
    device.engine.clock = device.engine.timer.clock = lambda: datetime.now(UTC)
    h.seed(device.store, incidents_n=1)
    proxy.refuse()
    service = SyncService(device.engine, interval=3600, live=False)
    service.start()
    try:
        wait_for(device.events, lambda e: isinstance(e, ev.Offline))
        proxy.heal()  # the retry timer brings it back by itself
        wait_for(device.events, lambda e: isinstance(e, ev.SyncFinished))
        set_token("sup", "cvi_expired")
        service.request_sync()
        wait_for(device.events, lambda e: isinstance(e, ev.SignInNeeded))
        n = len(device.events)
        time.sleep(0.3)  # a paused service does not retry by itself
        assert not any(isinstance(e, ev.SyncStarted) for e in device.events[n:])
        set_token("sup", team.tokens["sup"])
        service.request_sync("signed_in")
        wait_for(device.events, lambda e: sum(isinstance(x, ev.SyncStarted) for x in device.events[n:]) > 0)
        wait_for(device.events, lambda e: isinstance(e, ev.SyncFinished) and device.engine.state == "idle")
    finally:
        service.stop()
    h.check_all(device, hub, team, proxy)
    assert threading.active_count() < 50
